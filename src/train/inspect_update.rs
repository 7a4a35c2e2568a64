//! The backprop inspector's last stage: the optimizer's update W ← W − η·(…) of the weights
//! whose gradient [`crate::nn::inspect`] traced, with the optimizer's running state before and
//! after (velocity, Adam's m and v and their bias corrections). The new weights come from the
//! library's own [`Optimizer::step`] on a copy of the parameters and state, so they are the bits
//! a training step on that sample would write.

use crate::error::NnError;
use crate::nn::inspect::{Inspection, inspect};
use crate::nn::network::Network;
use crate::train::Trainer;
use crate::train::optim::{Optimizer, OptimizerState, clip_by_norm};
use serde::Serialize;

/// What one vector of an optimizer's state is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StateKind {
    /// Momentum and Nesterov: v ← μv + g.
    Velocity,
    /// Adam's m ← β₁m + (1 − β₁)g.
    FirstMoment,
    /// Adam's v ← β₂v + (1 − β₂)g².
    SecondMoment,
    /// Adam's m̂ = m / (1 − β₁ᵗ), after the step only.
    FirstMomentCorrected,
    /// Adam's v̂ = v / (1 − β₂ᵗ), after the step only.
    SecondMomentCorrected,
    /// AdaGrad's s ← s + g².
    SquaredGradientSum,
    /// RMSProp's v ← αv + (1 − α)g².
    MeanSquaredGradient,
}

/// One state vector over a parameter group, before and after the step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateTrace {
    pub kind: StateKind,
    /// `None` for the bias-corrected moments, which exist only for the step being taken.
    pub before: Option<Vec<f32>>,
    pub after: Vec<f32>,
}

/// One parameter group (a layer's kernel, or its bias) through the step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamUpdate {
    pub before: Vec<f32>,
    /// The gradient the optimizer used (after clipping, when clipping is on).
    pub gradient: Vec<f32>,
    pub after: Vec<f32>,
    pub state: Vec<StateTrace>,
}

/// One layer through the step; kernels are (in_dim, out_dim) row-major.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerUpdate {
    pub weights: ParamUpdate,
    pub biases: ParamUpdate,
}

/// Gradient clipping by norm, when it is on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ClipTrace {
    pub max_norm: f32,
    /// The whole gradient's Euclidean norm before clipping.
    pub norm: f32,
    /// True when the norm exceeded `max_norm` and the gradient was scaled to it.
    pub clipped: bool,
}

/// Adam's bias corrections at the step being taken: its m and v start at 0 and would
/// underestimate the moments in the first steps without them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BiasCorrection {
    /// 1 − β₁ᵗ.
    pub first: f32,
    /// 1 − β₂ᵗ.
    pub second: f32,
}

/// The update of one training step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UpdateTrace {
    pub optimizer: Optimizer,
    pub learning_rate: f32,
    /// The factor the gradient was multiplied by before clipping (1 unless the trainer scales its
    /// objective).
    pub gradient_scale: f32,
    /// The optimizer's step count t once this step is taken (1 for the first).
    pub step: u64,
    pub clipping: Option<ClipTrace>,
    /// Adam and AdamW.
    pub bias_correction: Option<BiasCorrection>,
    /// AdamW's decoupled decay: every parameter is first multiplied by 1 − η·λ.
    pub decay_factor: Option<f32>,
    pub layers: Vec<LayerUpdate>,
}

/// A whole step on one sample: the backward pass and the update.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepInspection {
    pub backprop: Inspection,
    pub update: UpdateTrace,
}

/// How a step turns a gradient into an update.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct UpdateRule {
    pub optimizer: Optimizer,
    pub learning_rate: f32,
    /// Rescale the gradient to this norm when it is longer.
    pub clip_norm: Option<f32>,
    /// Factor on the whole objective before clipping (the trainer's [`crate::train::Objective`]
    /// scale; 1 for Keras and the page, ½ for scikit-learn's squared error).
    pub gradient_scale: f32,
}

impl UpdateRule {
    /// `optimizer` at `learning_rate`, no clipping, unscaled.
    pub fn new(optimizer: Optimizer, learning_rate: f32) -> UpdateRule {
        UpdateRule {
            optimizer,
            learning_rate,
            clip_norm: None,
            gradient_scale: 1.0,
        }
    }
}

/// The update `rule` would make from `state` with the gradient `inspection` traced on `net`.
/// Nothing is modified.
pub fn inspect_update(
    rule: UpdateRule,
    state: &OptimizerState,
    net: &Network,
    inspection: &Inspection,
) -> Result<UpdateTrace, NnError> {
    let UpdateRule {
        optimizer,
        learning_rate,
        clip_norm,
        gradient_scale,
    } = rule;
    optimizer.validate()?;
    NnError::non_negative("learning rate", learning_rate)?;
    NnError::positive("gradient scale", gradient_scale)?;
    let mut gradient = inspection.gradient();
    if gradient.len() != net.n_params() || inspection.layers.len() != net.layers().len() {
        return Err(NnError::Architecture(format!(
            "the inspection holds {} gradient values but the network has {} parameters",
            gradient.len(),
            net.n_params()
        )));
    }
    // The trainer's order: scale the batch objective, then clip, then step.
    if gradient_scale != 1.0 {
        gradient.iter_mut().for_each(|g| *g *= gradient_scale);
    }
    let clipping = match clip_norm {
        Some(max_norm) => {
            NnError::positive("clip norm", max_norm)?;
            let norm = clip_by_norm(&mut gradient, max_norm);
            Some(ClipTrace {
                max_norm,
                norm,
                clipped: norm > max_norm,
            })
        }
        None => None,
    };

    let n = net.n_params();
    let before = filled_state(state, n, optimizer);
    let mut after = before.clone();
    let mut params = net.params().to_vec();
    optimizer.step(learning_rate, &mut params, &gradient, &mut after);
    let t = after.t;
    let bias_correction = match optimizer {
        Optimizer::Adam { beta1, beta2, .. } | Optimizer::AdamW { beta1, beta2, .. } => {
            Some(BiasCorrection {
                first: 1.0 - beta1.powi(t as i32),
                second: 1.0 - beta2.powi(t as i32),
            })
        }
        _ => None,
    };
    let decay_factor = match optimizer {
        Optimizer::AdamW { weight_decay, .. } => Some(1.0 - learning_rate * weight_decay),
        _ => None,
    };

    let group = |range: std::ops::Range<usize>| ParamUpdate {
        before: net.params()[range.clone()].to_vec(),
        gradient: gradient[range.clone()].to_vec(),
        after: params[range.clone()].to_vec(),
        state: state_traces(optimizer, &before, &after, bias_correction, range),
    };
    let layers = net
        .layers()
        .iter()
        .map(|s| LayerUpdate {
            weights: group(s.weight_range()),
            biases: group(s.bias_range()),
        })
        .collect();
    Ok(UpdateTrace {
        optimizer,
        learning_rate,
        gradient_scale,
        step: t,
        clipping,
        bias_correction,
        decay_factor,
        layers,
    })
}

/// The next step `trainer` would take on the sample (`x`, `y`) alone, traced: its loss,
/// penalty, objective scale, optimizer, learning rate (from the schedule), clipping and
/// optimizer state. The backprop part shows the unscaled loss and gradient; the update part
/// says by how much the trainer scales them. Dropout
/// is off (see [`crate::nn::inspect::DropoutNote`]); without dropout the `after` weights are
/// those of `trainer.train_batch(net, x, y, 1)`, bit for bit.
pub fn inspect_step(
    trainer: &Trainer,
    net: &Network,
    x: &[f32],
    y: &[f32],
) -> Result<StepInspection, NnError> {
    let config = trainer.config();
    let objective = trainer.objective();
    // A batch of one: the per-sample penalty scale divides by 1.
    let regularization = objective.penalty_for(config.regularization, 1);
    let backprop = inspect(net, x, y, config.loss, regularization)?;
    let rule = UpdateRule {
        optimizer: config.optimizer,
        learning_rate: trainer.learning_rate(),
        clip_norm: config.clip_norm,
        gradient_scale: objective.scale,
    };
    let update = inspect_update(rule, trainer.optimizer_state(), net, &backprop)?;
    Ok(StepInspection { backprop, update })
}

/// `state` with its vectors at full length, as the optimizer's first step would make them
/// (zeros; AdaGrad's accumulator starts at its initial value).
fn filled_state(state: &OptimizerState, n: usize, optimizer: Optimizer) -> OptimizerState {
    let mut s = state.clone();
    if s.first.len() != n {
        s.first = vec![0.0; n];
    }
    if s.second.len() != n {
        let start = match optimizer {
            Optimizer::AdaGrad {
                initial_accumulator,
                ..
            } => initial_accumulator,
            _ => 0.0,
        };
        s.second = vec![start; n];
    }
    s
}

/// The state vectors `optimizer` keeps, over the parameters in `range`.
fn state_traces(
    optimizer: Optimizer,
    before: &OptimizerState,
    after: &OptimizerState,
    correction: Option<BiasCorrection>,
    range: std::ops::Range<usize>,
) -> Vec<StateTrace> {
    let trace = |kind, b: &[f32], a: &[f32]| StateTrace {
        kind,
        before: Some(b[range.clone()].to_vec()),
        after: a[range.clone()].to_vec(),
    };
    match optimizer {
        Optimizer::Sgd => Vec::new(),
        Optimizer::Momentum { .. } | Optimizer::Nesterov { .. } => {
            vec![trace(StateKind::Velocity, &before.first, &after.first)]
        }
        Optimizer::AdaGrad { .. } => vec![trace(
            StateKind::SquaredGradientSum,
            &before.second,
            &after.second,
        )],
        Optimizer::RmsProp { .. } => vec![trace(
            StateKind::MeanSquaredGradient,
            &before.second,
            &after.second,
        )],
        Optimizer::Adam { .. } | Optimizer::AdamW { .. } => {
            let c = correction.unwrap_or(BiasCorrection {
                first: 1.0,
                second: 1.0,
            });
            let corrected = |kind, v: &[f32], by: f32| StateTrace {
                kind,
                before: None,
                after: v[range.clone()].iter().map(|x| x / by).collect(),
            };
            vec![
                trace(StateKind::FirstMoment, &before.first, &after.first),
                trace(StateKind::SecondMoment, &before.second, &after.second),
                corrected(StateKind::FirstMomentCorrected, &after.first, c.first),
                corrected(StateKind::SecondMomentCorrected, &after.second, c.second),
            ]
        }
    }
}
