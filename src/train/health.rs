//! Gradient and weight health, per layer, from one pass over a batch: the spread of the weights
//! and of the gradient magnitudes (the vanishing- and exploding-gradient lessons), dead ReLU
//! units, and units that are exact copies of each other (the symmetry lesson of zero
//! initialisation). The numbers come from the library's own forward and backward passes.

use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::evaluate::{PenaltyTerm, without_penalties};
use crate::nn::loss::Loss;
use crate::nn::network::{Network, Workspace};
use crate::nn::regularization::Regularization;
use ndarray::ArrayView2;
use serde::Serialize;
use std::collections::HashMap;

/// The edges of the |gradient| histogram, one per decade. Fixed, so that histograms of
/// different layers and of different moments of a run can be compared bin by bin.
pub const GRADIENT_BIN_EDGES: [f32; 10] =
    [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0];

/// Smallest, median and largest of a set of numbers, and their mean magnitude.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub min: f32,
    /// The middle value (the mean of the two middle values for an even count).
    pub median: f32,
    pub max: f32,
    pub mean_abs: f32,
}

impl Summary {
    /// The summary of `values` (all zeros for none).
    pub fn of(values: &[f32]) -> Summary {
        if values.is_empty() {
            return Summary {
                min: 0.0,
                median: 0.0,
                max: 0.0,
                mean_abs: 0.0,
            };
        }
        let mut sorted = values.to_vec();
        sorted.sort_unstable_by(f32::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
        };
        let mean_abs = values.iter().map(|v| v.abs() as f64).sum::<f64>() / n as f64;
        Summary {
            min: sorted[0],
            median,
            max: sorted[n - 1],
            mean_abs: mean_abs as f32,
        }
    }
}

/// The health of one dense layer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerHealth {
    pub in_dim: usize,
    pub out_dim: usize,
    pub activation: Activation,
    /// The kernel's values (signed).
    pub weights: Summary,
    /// |∂L/∂W| over the kernel.
    pub abs_gradient: Summary,
    /// √(mean of (∂L/∂W)²) over the kernel: one number per layer for a "gradient by depth" chart.
    pub gradient_rms: f32,
    /// Counts of |∂L/∂W| per bin of [`GRADIENT_BIN_EDGES`]: bin 0 is [0, 1e-8), bin k is
    /// [edge k−1, edge k), the last is [10, ∞). Non-finite values are not counted.
    pub gradient_histogram: Vec<usize>,
    /// How many kernel gradients are exactly 0 (they are also in bin 0).
    pub zero_gradients: usize,
    /// Per unit, the share of samples with z > 0 (where ReLU passes and a step unit fires).
    pub active_fraction: Vec<f32>,
    /// ReLU units whose activation is ≤ 0 on every sample: no gradient reaches their incoming
    /// weights, so they cannot come back by themselves.
    pub dead_units: Vec<usize>,
    /// Groups (each of two or more, in unit order) of units with bit-identical incoming weights
    /// and bias (±0 counted as one): they compute the same activation on every input. With all-zero initialisation
    /// their outgoing weights are equal too, so they receive equal updates and stay copies.
    pub identical_units: Vec<Vec<usize>>,
}

/// The health of every layer, from the input side to the output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthReport {
    pub samples: usize,
    /// The mean loss on the batch, with the penalties when `penalty` says so.
    pub loss: f32,
    /// Whether the gradients include the penalties' share.
    pub penalty: PenaltyTerm,
    /// [`GRADIENT_BIN_EDGES`], for the page's axis.
    pub bin_edges: Vec<f32>,
    pub layers: Vec<LayerHealth>,
}

/// The health of `net` on the batch (`x`, `y`), dropout off. The gradient is that of one
/// full-batch step on these samples; with [`PenaltyTerm::Excluded`] it is the data's alone, so a
/// penalty's pull cannot hide a vanishing gradient.
pub fn health(
    net: &Network,
    x: ArrayView2<f32>,
    y: ArrayView2<f32>,
    loss: Loss,
    regularization: Regularization,
    penalty: PenaltyTerm,
) -> Result<HealthReport, NnError> {
    net.check_data(&x, &y)?;
    regularization.validate()?;
    loss.check_output(net.output_activation(), net.out_dim())?;
    let (x, y) = (x.as_standard_layout(), y.as_standard_layout());
    let (xs, ys) = (
        x.as_slice().expect("standard layout"),
        y.as_slice().expect("standard layout"),
    );
    let rows = x.nrows();
    let plain;
    let (pass_net, pass_reg) = match penalty {
        PenaltyTerm::Included => (net, regularization),
        PenaltyTerm::Excluded => {
            plain = without_penalties(net)?;
            (&plain, Regularization::None)
        }
    };
    let mut grads = vec![0.0; net.n_params()];
    let value = pass_net.loss_and_gradient(
        xs,
        ys,
        rows,
        loss,
        pass_reg,
        &mut Workspace::default(),
        &mut grads,
        None,
    );
    let mut ws = Workspace::default();
    net.forward(xs, rows, &mut ws);

    let layers = net
        .layers()
        .iter()
        .enumerate()
        .map(|(l, s)| {
            let kernel = &net.params()[s.weight_range()];
            let g = &grads[s.weight_range()];
            let abs: Vec<f32> = g.iter().map(|v| v.abs()).collect();
            let mut histogram = vec![0; GRADIENT_BIN_EDGES.len() + 1];
            for &v in abs.iter().filter(|v| v.is_finite()) {
                histogram[GRADIENT_BIN_EDGES.partition_point(|&e| e <= v)] += 1;
            }
            let rms = (g.iter().map(|&v| v as f64 * v as f64).sum::<f64>() / g.len() as f64).sqrt()
                as f32;
            let z = &ws.layer(l).z;
            let active_fraction: Vec<f32> = (0..s.out_dim)
                .map(|u| {
                    let on = z.iter().skip(u).step_by(s.out_dim).filter(|&&v| v > 0.0);
                    on.count() as f32 / rows as f32
                })
                .collect();
            let dead_units = match s.activation {
                Activation::Relu => {
                    let a = &ws.layer(l).a;
                    (0..s.out_dim)
                        .filter(|&u| a.iter().skip(u).step_by(s.out_dim).all(|&v| v <= 0.0))
                        .collect()
                }
                _ => Vec::new(),
            };
            LayerHealth {
                in_dim: s.in_dim,
                out_dim: s.out_dim,
                activation: s.activation,
                weights: Summary::of(kernel),
                abs_gradient: Summary::of(&abs),
                gradient_rms: rms,
                gradient_histogram: histogram,
                zero_gradients: g.iter().filter(|&&v| v == 0.0).count(),
                active_fraction,
                dead_units,
                identical_units: identical_units(net, l),
            }
        })
        .collect();
    Ok(HealthReport {
        samples: rows,
        loss: value,
        penalty,
        bin_edges: GRADIENT_BIN_EDGES.to_vec(),
        layers,
    })
}

/// Groups of units of layer `l` whose incoming weights and bias have the same bits.
fn identical_units(net: &Network, l: usize) -> Vec<Vec<usize>> {
    let s = net.layers()[l];
    let (kernel, bias) = (&net.params()[s.weight_range()], net.biases(l));
    // −0 and +0 compute the same thing, so they share a key.
    let bits = |v: f32| if v == 0.0 { 0 } else { v.to_bits() };
    let mut groups: HashMap<Vec<u32>, Vec<usize>> = HashMap::new();
    for u in 0..s.out_dim {
        let key: Vec<u32> = (0..s.in_dim)
            .map(|i| bits(kernel[i * s.out_dim + u]))
            .chain(std::iter::once(bits(bias[u])))
            .collect();
        groups.entry(key).or_default().push(u);
    }
    let mut found: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
    found.sort_unstable();
    found
}
