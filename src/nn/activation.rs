//! Activation functions f(z) and their derivatives, applied element-wise (softmax row-wise) to a
//! batch stored row-major as a flat slice. One variant per function; each carries its parameters.

use crate::nn::token::{self, Form, Param, TokenSet};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How the gradient passes through a step (Heaviside) unit.
///
/// The true derivative of a step is 0 almost everywhere (and undefined at 0), so plain
/// backpropagation teaches nothing to the layers before it. Two classic surrogates make it
/// trainable; the exact derivative is kept for the lesson of why it fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepGradient {
    /// Derivative taken as 1. For a single layer with mean squared error this is exactly
    /// Rosenblatt's perceptron rule, Δw = η·(y − ŷ)·x (scaled by 2/n for the batch mean).
    #[default]
    Perceptron,
    /// Straight-through estimator clipped to |z| ≤ 1 (Bengio et al. 2013): derivative 1 inside,
    /// 0 outside, so deep step networks can be trained.
    StraightThrough,
    /// The exact derivative, 0: nothing before a step unit learns.
    Exact,
}

/// An activation function f applied after a dense layer's affine map z = a·W + b.
///
/// Conventions follow PyTorch/Keras: ReLU'(0) = 0, step(0) = 0, leaky ReLU'(0) = slope,
/// GELU is the exact erf form (not the tanh approximation).
///
/// ```
/// use nnplay::activation::Activation;
/// let z = [-1.0f32, 0.0, 2.0];
/// let mut a = [0.0f32; 3];
/// Activation::Relu.forward(&z, &mut a, 3);
/// assert_eq!(a, [0.0, 0.0, 2.0]);
/// assert_eq!("leaky_relu(0.2)".parse::<Activation>().unwrap(), Activation::LeakyRelu { slope: 0.2 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Activation {
    /// f(z) = z.
    Linear,
    /// Heaviside: f(z) = 1 if z > 0 else 0; see [`StepGradient`] for how it trains.
    Step {
        #[serde(default)]
        gradient: StepGradient,
    },
    /// f(z) = 1 / (1 + e^−z).
    Sigmoid,
    /// f(z) = tanh z.
    Tanh,
    /// f(z) = max(0, z).
    Relu,
    /// f(z) = z if z > 0 else slope·z (Keras default slope 0.3, PyTorch 0.01; ours 0.01).
    LeakyRelu { slope: f32 },
    /// f(z) = z if z > 0 else α(e^z − 1) (α = 1 in PyTorch and Keras).
    Elu { alpha: f32 },
    /// f(z) = ln(1 + e^z), a smooth ReLU.
    Softplus,
    /// f(z) = z·Φ(z) with Φ the standard normal CDF (exact erf form).
    Gelu,
    /// Row-wise e^z_k / Σ_j e^z_j. Output layer only, paired with categorical cross-entropy.
    Softmax,
}

impl Activation {
    /// Every activation once, with default parameters (one per menu option), in the order of
    /// its token forms.
    pub fn all() -> [Activation; 12] {
        const { assert!(<Activation as TokenSet>::FORMS.len() == 12) };
        std::array::from_fn(|i| Self::FORMS[i].defaults())
    }

    /// A sentence for a tooltip.
    pub fn description(&self) -> &'static str {
        match self {
            Activation::Linear => "No squashing: the neuron outputs its weighted sum as is.",
            Activation::Step { .. } => {
                "Fires 1 when the weighted sum is positive, 0 otherwise: the original perceptron."
            }
            Activation::Sigmoid => {
                "Squashes any number into (0, 1); saturates, so gradients vanish at the ends."
            }
            Activation::Tanh => "Squashes into (−1, 1), centred on zero; the playground classic.",
            Activation::Relu => {
                "Passes positive sums, zeroes negative ones; fast and the modern default."
            }
            Activation::LeakyRelu { .. } => {
                "Like ReLU but lets a small slope through for negative sums, so neurons never die."
            }
            Activation::Elu { .. } => {
                "Like ReLU for positive sums, a smooth curve towards −α for negative ones."
            }
            Activation::Softplus => "A smooth version of ReLU: ln(1 + e^z).",
            Activation::Gelu => {
                "Weights the sum by the chance a normal variable is below it; used in transformers."
            }
            Activation::Softmax => "Turns the output layer into class probabilities that sum to 1.",
        }
    }

    /// True when the function couples the units of a row (softmax), so it can only end a network.
    pub fn is_row_wise(&self) -> bool {
        matches!(self, Activation::Softmax)
    }

    pub(crate) fn validate(&self) -> Result<(), crate::error::NnError> {
        match *self {
            Activation::LeakyRelu { slope }
                if !(slope.is_finite() && (0.0..1.0).contains(&slope)) =>
            {
                Err(crate::error::NnError::BadHyperparameter {
                    name: "leaky ReLU slope",
                    value: slope as f64,
                    requirement: "in [0, 1)",
                })
            }
            Activation::Elu { alpha } => crate::error::NnError::positive("ELU alpha", alpha),
            _ => Ok(()),
        }
    }

    /// Applies f to `z` (a row-major batch with `cols` units per row) writing into `a`.
    pub fn forward(&self, z: &[f32], a: &mut [f32], cols: usize) {
        debug_assert_eq!(z.len(), a.len());
        match *self {
            Activation::Linear => a.copy_from_slice(z),
            Activation::Step { .. } => map(z, a, |v| if v > 0.0 { 1.0 } else { 0.0 }),
            Activation::Sigmoid => map(z, a, crate::kernels::fastmath::sigmoid),
            Activation::Tanh if z.len() >= crate::kernels::fastmath::HELD_FIT_RUN => tanh_run(
                z,
                a,
                crate::kernels::simd::held(crate::kernels::fastmath::TANH_FIT),
            ),
            Activation::Tanh => tanh_run(z, a, crate::kernels::fastmath::TANH_FIT),
            Activation::Relu => map(z, a, |v| v.max(0.0)),
            Activation::LeakyRelu { slope } => map(z, a, |v| if v > 0.0 { v } else { slope * v }),
            Activation::Elu { alpha } => {
                map(z, a, |v| if v > 0.0 { v } else { alpha * v.exp_m1() })
            }
            Activation::Softplus => map(z, a, softplus),
            Activation::Gelu => map(z, a, |v| {
                0.5 * v * (1.0 + libm::erff(v * std::f32::consts::FRAC_1_SQRT_2))
            }),
            Activation::Softmax => {
                for (zr, ar) in z.chunks_exact(cols).zip(a.chunks_exact_mut(cols)) {
                    softmax_row(zr, ar);
                }
            }
        }
    }

    /// Given z, a = f(z) and ∂L/∂a, writes ∂L/∂z into `grad_z` (may alias nothing).
    pub fn backward(&self, z: &[f32], a: &[f32], grad_a: &[f32], grad_z: &mut [f32], cols: usize) {
        match *self {
            Activation::Linear => grad_z.copy_from_slice(grad_a),
            Activation::Step { gradient } => match gradient {
                StepGradient::Perceptron => grad_z.copy_from_slice(grad_a),
                StepGradient::StraightThrough => {
                    zip3(
                        z,
                        grad_a,
                        grad_z,
                        |zv, g| if zv.abs() <= 1.0 { g } else { 0.0 },
                    )
                }
                StepGradient::Exact => grad_z.fill(0.0),
            },
            Activation::Sigmoid => zip3(a, grad_a, grad_z, |av, g| g * av * (1.0 - av)),
            Activation::Tanh => zip3(a, grad_a, grad_z, |av, g| g * (1.0 - av * av)),
            Activation::Relu => zip3(z, grad_a, grad_z, |zv, g| if zv > 0.0 { g } else { 0.0 }),
            Activation::LeakyRelu { slope } => {
                zip3(
                    z,
                    grad_a,
                    grad_z,
                    |zv, g| if zv > 0.0 { g } else { slope * g },
                )
            }
            Activation::Elu { alpha } => {
                for ((gz, &zv), (&av, &g)) in grad_z.iter_mut().zip(z).zip(a.iter().zip(grad_a)) {
                    *gz = if zv > 0.0 { g } else { g * (av + alpha) };
                }
            }
            Activation::Softplus => zip3(z, grad_a, grad_z, |zv, g| g * sigmoid(zv)),
            Activation::Gelu => zip3(z, grad_a, grad_z, |zv, g| g * gelu_derivative(zv)),
            Activation::Softmax => {
                for ((ar, gr), gzr) in a
                    .chunks_exact(cols)
                    .zip(grad_a.chunks_exact(cols))
                    .zip(grad_z.chunks_exact_mut(cols))
                {
                    let dot: f32 = ar.iter().zip(gr).map(|(p, g)| p * g).sum();
                    for ((gz, &p), &g) in gzr.iter_mut().zip(ar).zip(gr) {
                        *gz = p * (g - dot);
                    }
                }
            }
        }
    }

    /// Applies f to one value (softmax excepted: it needs the whole row). Used for plots.
    pub fn apply_scalar(&self, z: f32) -> f32 {
        let mut out = [0.0];
        let act = if self.is_row_wise() {
            Activation::Linear
        } else {
            *self
        };
        act.forward(&[z], &mut out, 1);
        out[0]
    }
}

impl TokenSet for Activation {
    const KIND: &'static str = "activation";
    const FORMS: &'static [Form<Self>] = &[
        Form {
            name: "linear",
            aliases: &["identity"],
            params: &[],
            build: |_| Activation::Linear,
        },
        Form {
            name: "step",
            aliases: &["heaviside"],
            params: &[],
            build: |_| Activation::Step {
                gradient: StepGradient::Perceptron,
            },
        },
        Form {
            name: "step_ste",
            aliases: &[],
            params: &[],
            build: |_| Activation::Step {
                gradient: StepGradient::StraightThrough,
            },
        },
        Form {
            name: "step_exact",
            aliases: &[],
            params: &[],
            build: |_| Activation::Step {
                gradient: StepGradient::Exact,
            },
        },
        Form {
            name: "sigmoid",
            aliases: &["logistic"],
            params: &[],
            build: |_| Activation::Sigmoid,
        },
        Form {
            name: "tanh",
            aliases: &[],
            params: &[],
            build: |_| Activation::Tanh,
        },
        Form {
            name: "relu",
            aliases: &[],
            params: &[],
            build: |_| Activation::Relu,
        },
        Form {
            name: "leaky_relu",
            aliases: &["leakyrelu"],
            params: &[Param::real("slope", 0.01)],
            build: |a| Activation::LeakyRelu { slope: a[0] },
        },
        Form {
            name: "elu",
            aliases: &[],
            params: &[Param::real("alpha", 1.0)],
            build: |a| Activation::Elu { alpha: a[0] },
        },
        Form {
            name: "softplus",
            aliases: &[],
            params: &[],
            build: |_| Activation::Softplus,
        },
        Form {
            name: "gelu",
            aliases: &[],
            params: &[],
            build: |_| Activation::Gelu,
        },
        Form {
            name: "softmax",
            aliases: &[],
            params: &[],
            build: |_| Activation::Softmax,
        },
    ];

    fn token(&self) -> (&'static str, Vec<f32>) {
        match *self {
            Activation::Linear => ("linear", vec![]),
            Activation::Step { gradient } => match gradient {
                StepGradient::Perceptron => ("step", vec![]),
                StepGradient::StraightThrough => ("step_ste", vec![]),
                StepGradient::Exact => ("step_exact", vec![]),
            },
            Activation::Sigmoid => ("sigmoid", vec![]),
            Activation::Tanh => ("tanh", vec![]),
            Activation::Relu => ("relu", vec![]),
            Activation::LeakyRelu { slope } => ("leaky_relu", vec![slope]),
            Activation::Elu { alpha } => ("elu", vec![alpha]),
            Activation::Softplus => ("softplus", vec![]),
            Activation::Gelu => ("gelu", vec![]),
            Activation::Softmax => ("softmax", vec![]),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        token::write(self, f)
    }
}

impl FromStr for Activation {
    type Err = crate::error::NnError;

    /// Parses the tokens of [`Display`](fmt::Display): `relu`, `leaky_relu`, `leaky_relu(0.2)`,
    /// `elu(0.5)`, `step_ste`… (see [`TokenSet::FORMS`] for every name and alias).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let act: Activation = token::parse(s)?;
        act.validate()?;
        Ok(act)
    }
}

#[inline]
fn map(z: &[f32], a: &mut [f32], f: impl Fn(f32) -> f32) {
    for (o, &v) in a.iter_mut().zip(z) {
        *o = f(v);
    }
}

/// a = tanh(z) four lanes at a time, the last partial group through a zero-padded copy, so that
/// every value takes the same arithmetic (a neuron's map shows exactly what training computes).
#[inline(always)]
fn tanh_run(z: &[f32], a: &mut [f32], fit: [f32; 12]) {
    use crate::kernels::fastmath::{TanhLanes, tanh4};
    use crate::kernels::simd::F4;
    let fit = TanhLanes::new(fit);
    let mut zs = z.chunks_exact(4);
    let mut outs = a.chunks_exact_mut(4);
    for (zc, ac) in (&mut zs).zip(&mut outs) {
        // SAFETY: both chunks hold four f32.
        unsafe { tanh4(F4::load(zc.as_ptr()), &fit).store(ac.as_mut_ptr()) };
    }
    let (zr, ar) = (zs.remainder(), outs.into_remainder());
    if !zr.is_empty() {
        let mut lanes = [0.0f32; 4];
        lanes[..zr.len()].copy_from_slice(zr);
        // SAFETY: `lanes` holds four f32.
        let t = tanh4(unsafe { F4::load(lanes.as_ptr()) }, &fit).to_array();
        ar.copy_from_slice(&t[..ar.len()]);
    }
}

#[inline]
fn zip3(x: &[f32], g: &[f32], out: &mut [f32], f: impl Fn(f32, f32) -> f32) {
    for ((o, &xv), &gv) in out.iter_mut().zip(x).zip(g) {
        *o = f(xv, gv);
    }
}

/// Logistic sigmoid, written so that neither branch overflows.
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// ln(1 + e^z) without overflow for large z.
#[inline]
pub fn softplus(z: f32) -> f32 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

#[inline]
fn gelu_derivative(z: f32) -> f32 {
    const INV_SQRT_2PI: f32 = 0.398_942_3;
    let cdf = 0.5 * (1.0 + libm::erff(z * std::f32::consts::FRAC_1_SQRT_2));
    cdf + z * INV_SQRT_2PI * (-0.5 * z * z).exp()
}

/// Softmax of one row, shifted by its maximum so that e^z never overflows.
pub fn softmax_row(z: &[f32], out: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for (o, &v) in out.iter_mut().zip(z) {
        *o = (v - max).exp();
        sum += *o;
    }
    let inv = 1.0 / sum;
    out.iter_mut().for_each(|o| *o *= inv);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::token::check;
    use proptest::prelude::*;

    /// The activation's long-run path (coefficients through `simd::held`) gives the short path's
    /// values bit for bit, so a neuron's map shows exactly what training computes.
    #[test]
    fn tanh_activation_is_the_same_on_long_and_short_runs() {
        let z: Vec<f32> = (0..3000)
            .map(|i| (i as f32 - 1500.0) / 97.0)
            .chain([f32::NAN, 40.0, -40.0, -0.0])
            .collect();
        let mut long = vec![0.0; z.len()];
        Activation::Tanh.forward(&z, &mut long, 1);
        for (chunk, want) in z.chunks(100).zip(long.chunks(100)) {
            let mut short = vec![0.0; chunk.len()];
            Activation::Tanh.forward(chunk, &mut short, 1);
            for ((s, w), v) in short.iter().zip(want).zip(chunk) {
                assert_eq!(s.to_bits(), w.to_bits(), "tanh({v})");
                assert_eq!(s.to_bits(), crate::kernels::fastmath::tanh(*v).to_bits());
            }
        }
    }

    #[test]
    fn every_form_and_alias_reads_and_writes() {
        check::forms_are_consistent::<Activation>();
        assert_eq!(
            Activation::all().map(|a| a.to_string())[7],
            "leaky_relu(0.01)"
        );
    }

    #[test]
    fn parameters_are_validated_after_parsing() {
        assert!("leaky_relu(1)".parse::<Activation>().is_err());
        assert!("elu(0)".parse::<Activation>().is_err());
        assert_eq!(
            "LeakyReLU( 0.3 )".parse::<Activation>().unwrap(),
            Activation::LeakyRelu { slope: 0.3 }
        );
    }

    proptest! {
        #[test]
        fn tokens_round_trip(a in check::any_member::<Activation>()) {
            check::round_trips(&a);
        }
    }
}
