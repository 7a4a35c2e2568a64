//! The loss of a data set under a stated penalty convention, for the teaching tools (loss
//! landscape, gradient health, optimizer race). The page's chart shows the data loss alone while
//! training minimises data loss plus penalties, so every tool that reports a loss says which one
//! it shows instead of leaving it to the reader to guess.

use crate::error::NnError;
use crate::nn::loss::Loss;
use crate::nn::network::{Network, Workspace};
use crate::nn::regularization::Regularization;
use serde::{Deserialize, Serialize};

/// Whether a reported loss (or gradient) includes the weight penalties.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyTerm {
    /// The loss of the data alone: what the page's loss chart shows.
    #[default]
    Excluded,
    /// Data loss plus every kernel's penalty: what training minimises, and what
    /// [`Network::evaluate_loss`] reports.
    Included,
}

/// The penalty on layer `layer`'s kernel: the layer's own setting, else the training-wide one.
pub fn effective_regularization(
    net: &Network,
    layer: usize,
    default: Regularization,
) -> Regularization {
    net.config()
        .layers
        .get(layer)
        .and_then(|l| l.regularization)
        .unwrap_or(default)
}

/// `value` plus every kernel's penalty, added layer by layer in the order
/// [`Network::evaluate_loss`] adds them, so the two agree to the last bit.
pub fn add_penalties(value: f32, net: &Network, default: Regularization) -> f32 {
    net.layers().iter().enumerate().fold(value, |v, (l, s)| {
        v + effective_regularization(net, l, default).penalty(&net.params()[s.weight_range()])
    })
}

/// A copy of `net` with no penalty of its own on any layer, so that a pass with
/// [`Regularization::None`] computes the data loss and its gradient alone. Fails only when a
/// parameter is not finite (a diverged network).
pub fn without_penalties(net: &Network) -> Result<Network, NnError> {
    if net
        .config()
        .layers
        .iter()
        .all(|l| l.regularization.is_none())
    {
        return Ok(net.clone());
    }
    let mut config = net.config().clone();
    config
        .layers
        .iter_mut()
        .for_each(|l| l.regularization = None);
    Network::from_params(&config, net.params().to_vec())
}

/// The mean loss of `rows` samples (row-major `x`, `y`; shapes checked by the caller) through
/// the deterministic network (no dropout), with or without the penalties. `ws` and `scratch`
/// are reused between calls so that a grid of evaluations does not allocate.
#[allow(clippy::too_many_arguments)]
pub fn dataset_loss(
    net: &Network,
    x: &[f32],
    y: &[f32],
    rows: usize,
    loss: Loss,
    regularization: Regularization,
    term: PenaltyTerm,
    ws: &mut Workspace,
    scratch: &mut Vec<f32>,
) -> f32 {
    net.forward(x, rows, ws);
    let top = ws.layer(net.layers().len() - 1);
    let output = if loss.uses_logits() { &top.z } else { &top.a };
    scratch.resize(output.len(), 0.0);
    let value = loss.value_and_grad(output, y, scratch, net.out_dim());
    match term {
        PenaltyTerm::Excluded => value,
        PenaltyTerm::Included => add_penalties(value, net, regularization),
    }
}
