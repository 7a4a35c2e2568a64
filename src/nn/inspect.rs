//! The backprop inspector's engine: every number of one training step on one sample (the input,
//! each layer's z = W·a + b and a = f(z), the loss, δ of every layer, ∂L/∂W and ∂L/∂b), read
//! from the library's own forward and backward passes on a batch of one. A page that shows these
//! numbers therefore shows what training computes, not a second implementation of it. The
//! optimizer's update of those weights is in `train::inspect_update`: this layer knows no
//! optimizers.

use crate::data::features::FeatureSet;
use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::evaluate::effective_regularization;
use crate::nn::loss::Loss;
use crate::nn::network::{Network, Workspace};
use crate::nn::regularization::Regularization;
use serde::Serialize;

/// How dropout was treated by the inspection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropoutNote {
    /// The network has no dropout.
    NotUsed,
    /// The network has dropout and the inspection ran without it (the network as it predicts).
    /// A training step would also zero a random share of those activations and scale the rest by
    /// 1 / keep, so its gradient differs; a random mask would make the numbers change on every
    /// look, which teaches nothing about the chain rule.
    Disabled,
}

/// The penalty on one layer's kernel and its share of the gradient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PenaltyTrace {
    pub regularization: Regularization,
    /// Its value on this kernel.
    pub value: f32,
    /// Its gradient, (in_dim, out_dim) row-major like the kernel. `grad_weights` of the layer
    /// includes it; `grad_weights − this` is the sample's own part a_{l−1}·δ_l.
    pub grad_weights: Vec<f32>,
}

/// One dense layer during the step. Matrices are (in_dim, out_dim) row-major, the kernel layout
/// of [`Network::weights`]: entry (i, j) joins input i to unit j.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerTrace {
    pub in_dim: usize,
    pub out_dim: usize,
    pub activation: Activation,
    /// a_{l−1}, what the layer reads: the (featurised) sample for the first layer.
    pub input: Vec<f32>,
    pub weights: Vec<f32>,
    pub biases: Vec<f32>,
    /// z_l = W·a_{l−1} + b (out_dim values).
    pub z: Vec<f32>,
    /// a_l = f(z_l).
    pub a: Vec<f32>,
    /// ∂L/∂a_l, what reaches this layer's outputs from above: Σ_j W_{l+1}[i][j]·δ_{l+1}[j] for a
    /// hidden layer, the loss's slope for the output layer. `None` for an output layer whose
    /// loss reads the logits (see [`Inspection::loss_reads_logits`]).
    pub grad_a: Option<Vec<f32>>,
    /// f'(z_l) as backpropagation uses it (for step units, the chosen surrogate). `None` for
    /// softmax, whose derivative couples the units of a row.
    pub derivative: Option<Vec<f32>>,
    /// δ_l = ∂L/∂z_l = ∂L/∂a_l ⊙ f'(z_l): the library's backward pass (with one sample, the
    /// bias gradient is δ itself, since biases carry no penalty).
    pub delta: Vec<f32>,
    /// ∂L/∂W = a_{l−1}·δ_lᵀ, plus the penalty's gradient when the layer has one: exactly what
    /// the optimizer receives.
    pub grad_weights: Vec<f32>,
    /// ∂L/∂b = δ_l.
    pub grad_biases: Vec<f32>,
    /// The penalty on this kernel, when there is one.
    pub penalty: Option<PenaltyTrace>,
}

/// Where the input came from when features were derived from a point of the plane.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeatureTrace {
    /// The point (x1, x2) as drawn on the page.
    pub point: [f32; 2],
    /// The name of each network input ("x1", "x1²", "sin(x1)", …), in input order.
    pub names: Vec<String>,
}

/// One sample through one training step, ready to draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inspection {
    /// Set when the input was derived from a point ([`inspect_point`]).
    pub features: Option<FeatureTrace>,
    /// The network's input (after any feature expansion).
    pub input: Vec<f32>,
    pub target: Vec<f32>,
    /// Input layer first.
    pub layers: Vec<LayerTrace>,
    /// The network's output a_L.
    pub output: Vec<f32>,
    pub loss: Loss,
    /// The loss of this sample alone.
    pub sample_loss: f32,
    /// Every kernel's penalty. Training adds it once per batch, so in a batch of one it weighs as
    /// much as the sample; in a batch of B it weighs as much as B samples.
    pub penalty: f32,
    /// `sample_loss + penalty` as the library's pass returned it: what a step on this sample
    /// alone minimises.
    pub total_loss: f32,
    /// True when some kernel has a penalty, so that `grad_weights` includes its gradient.
    pub gradient_includes_penalty: bool,
    /// The loss reads the output layer's logits (the cross-entropies): δ_L comes straight from
    /// z_L (σ(z) − y, softmax(z) − y) without a separate ∂L/∂a_L.
    pub loss_reads_logits: bool,
    pub dropout: DropoutNote,
}

impl Inspection {
    /// The gradient in [`Network::params`]' layout (each layer's kernel, then its bias), as an
    /// optimizer takes it.
    pub fn gradient(&self) -> Vec<f32> {
        let mut flat = Vec::new();
        for l in &self.layers {
            flat.extend_from_slice(&l.grad_weights);
            flat.extend_from_slice(&l.grad_biases);
        }
        flat
    }
}

/// Inspects one step on the sample (`x`, `y`): `x` has the network's `in_dim` values (already
/// featurised), `y` its `out_dim` targets (a 0/1 label for one sigmoid output, a one-hot row for
/// softmax). `regularization` is the training-wide penalty; layers with their own keep it.
///
/// ```
/// use nnplay::nn::inspect::inspect;
/// use nnplay::prelude::*;
/// let config = NetworkConfig::new(2, &[3], Activation::Tanh, LayerConfig::new(1, Activation::Sigmoid));
/// let net = Network::new(&config).unwrap();
/// let step = inspect(&net, &[0.5, -1.0], &[1.0], Loss::BinaryCrossEntropy, Regularization::None).unwrap();
/// // For a sigmoid output read through its logit, δ of the output is a − y.
/// let out = step.layers.last().unwrap();
/// assert!((out.delta[0] - (out.a[0] - 1.0)).abs() < 1e-6);
/// ```
pub fn inspect(
    net: &Network,
    x: &[f32],
    y: &[f32],
    loss: Loss,
    regularization: Regularization,
) -> Result<Inspection, NnError> {
    check_sample(net, x, y, loss, regularization)?;
    let mut ws = Workspace::default();
    net.forward(x, 1, &mut ws);
    let mut grads = vec![0.0; net.n_params()];
    let total_loss = net.loss_and_gradient(
        x,
        y,
        1,
        loss,
        regularization,
        &mut Workspace::default(),
        &mut grads,
        None,
    );

    let shapes = net.layers();
    let last = shapes.len() - 1;
    let top = ws.layer(last);
    let output_read = if loss.uses_logits() { &top.z } else { &top.a };
    let mut loss_slope = vec![0.0; output_read.len()];
    let sample_loss = loss.value_and_grad(output_read, y, &mut loss_slope, net.out_dim());

    let mut layers: Vec<LayerTrace> = Vec::with_capacity(shapes.len());
    let mut penalty = 0.0;
    for (l, s) in shapes.iter().enumerate() {
        let buffers = ws.layer(l);
        let weights = net.params()[s.weight_range()].to_vec();
        let reg = effective_regularization(net, l, regularization);
        let penalty_trace = (reg != Regularization::None).then(|| {
            let mut grad_weights = vec![0.0; weights.len()];
            reg.add_gradient(&weights, &mut grad_weights);
            PenaltyTrace {
                regularization: reg,
                value: reg.penalty(&weights),
                grad_weights,
            }
        });
        penalty += penalty_trace.as_ref().map_or(0.0, |p| p.value);
        let derivative = (!s.activation.is_row_wise()).then(|| {
            let mut d = vec![0.0; s.out_dim];
            let ones = vec![1.0; s.out_dim];
            s.activation
                .backward(&buffers.z, &buffers.a, &ones, &mut d, s.out_dim);
            d
        });
        layers.push(LayerTrace {
            in_dim: s.in_dim,
            out_dim: s.out_dim,
            activation: s.activation,
            input: if l == 0 {
                x.to_vec()
            } else {
                ws.layer(l - 1).a.clone()
            },
            weights,
            biases: net.biases(l).to_vec(),
            z: buffers.z.clone(),
            a: buffers.a.clone(),
            grad_a: None,
            derivative,
            delta: grads[s.bias_range()].to_vec(),
            grad_weights: grads[s.weight_range()].to_vec(),
            grad_biases: grads[s.bias_range()].to_vec(),
            penalty: penalty_trace,
        });
    }
    // ∂L/∂a of each hidden layer is what the layer above sends back through its kernel.
    for l in 0..last {
        let above = &layers[l + 1];
        let grad_a: Vec<f32> = above
            .weights
            .chunks_exact(above.out_dim)
            .map(|row| row.iter().zip(&above.delta).map(|(w, d)| w * d).sum())
            .collect();
        layers[l].grad_a = Some(grad_a);
    }
    if !loss.uses_logits() {
        layers[last].grad_a = Some(loss_slope);
    }

    Ok(Inspection {
        features: None,
        input: x.to_vec(),
        target: y.to_vec(),
        output: top.a.clone(),
        layers,
        loss,
        sample_loss,
        penalty,
        total_loss,
        gradient_includes_penalty: penalty_is_set(net, regularization),
        loss_reads_logits: loss.uses_logits(),
        dropout: if shapes.iter().any(|s| s.dropout > 0.0) {
            DropoutNote::Disabled
        } else {
            DropoutNote::NotUsed
        },
    })
}

/// [`inspect`] for a point (x1, x2) of the plane whose network inputs are the `features`
/// derived from it (the playground's feature selection), so the page can show both.
pub fn inspect_point(
    net: &Network,
    features: &FeatureSet,
    point: [f32; 2],
    y: &[f32],
    loss: Loss,
    regularization: Regularization,
) -> Result<Inspection, NnError> {
    if features.len() != net.in_dim() {
        return Err(NnError::InputDim {
            expected: net.in_dim(),
            got: features.len(),
        });
    }
    let mut x = vec![0.0; features.len()];
    features.expand_point(point[0], point[1], &mut x);
    let mut inspection = inspect(net, &x, y, loss, regularization)?;
    inspection.features = Some(FeatureTrace {
        point,
        names: features
            .features()
            .iter()
            .map(|f| f.label().to_string())
            .collect(),
    });
    Ok(inspection)
}

fn penalty_is_set(net: &Network, regularization: Regularization) -> bool {
    (0..net.layers().len())
        .any(|l| effective_regularization(net, l, regularization) != Regularization::None)
}

/// The sample must fit the network and be finite; the loss must suit the output layer.
fn check_sample(
    net: &Network,
    x: &[f32],
    y: &[f32],
    loss: Loss,
    regularization: Regularization,
) -> Result<(), NnError> {
    if x.len() != net.in_dim() {
        return Err(NnError::InputDim {
            expected: net.in_dim(),
            got: x.len(),
        });
    }
    if y.len() != net.out_dim() {
        return Err(NnError::TargetDim {
            expected: net.out_dim(),
            got: y.len(),
        });
    }
    for (name, values) in [("sample input", x), ("sample target", y)] {
        if let Some(&bad) = values.iter().find(|v| !v.is_finite()) {
            return Err(NnError::BadHyperparameter {
                name,
                value: bad as f64,
                requirement: "a finite number",
            });
        }
    }
    regularization.validate()?;
    loss.check_output(net.output_activation(), net.out_dim())
}
