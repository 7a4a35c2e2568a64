//! Loss functions: the number training minimises, and its gradient. All are means over the batch
//! (and over outputs for element-wise losses), as in Keras and PyTorch's default reduction.
//! The cross-entropies take logits, never probabilities, so they stay finite for any input.

use crate::nn::activation::{Activation, sigmoid, softplus};
use crate::nn::token::{self, Form, Param, TokenSet};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A loss L(output, target) reduced by its mean.
///
/// | loss | output it reads | value |
/// |---|---|---|
/// | `MeanSquaredError` | activations a | mean (a − y)² over all elements |
/// | `MeanAbsoluteError` | activations a | mean \|a − y\| |
/// | `Huber { delta }` | activations a | mean of ½r² (\|r\| ≤ δ) or δ(\|r\| − ½δ) |
/// | `BinaryCrossEntropy` | logits z of a sigmoid layer | mean max(z,0) − z·y + ln(1 + e^−\|z\|) |
/// | `CategoricalCrossEntropy` | logits z of a softmax layer | batch mean of −Σ y_k ln softmax(z)_k |
///
/// ```
/// use nnplay::loss::Loss;
/// let mut grad = [0.0f32; 2];
/// let value = Loss::MeanSquaredError.value_and_grad(&[1.0, 3.0], &[1.0, 1.0], &mut grad, 2);
/// assert_eq!(value, 2.0);
/// assert_eq!(grad, [0.0, 2.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Loss {
    MeanSquaredError,
    MeanAbsoluteError,
    /// Smooth L1: quadratic within `delta` of the target, linear beyond (PyTorch default δ = 1).
    Huber {
        delta: f32,
    },
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
}

impl Loss {
    /// Every loss once, with default parameters, in the order of its token forms.
    pub fn all() -> [Loss; 5] {
        const { assert!(<Loss as TokenSet>::FORMS.len() == 5) };
        std::array::from_fn(|i| Self::FORMS[i].defaults())
    }

    /// True when the loss reads the output layer's pre-activations (logits) rather than a = f(z).
    pub fn uses_logits(&self) -> bool {
        matches!(
            self,
            Loss::BinaryCrossEntropy | Loss::CategoricalCrossEntropy
        )
    }

    /// The output activation this loss is paired with, if it needs one.
    pub fn required_output(&self) -> Option<Activation> {
        match self {
            Loss::BinaryCrossEntropy => Some(Activation::Sigmoid),
            Loss::CategoricalCrossEntropy => Some(Activation::Softmax),
            _ => None,
        }
    }

    /// A sentence for a tooltip.
    pub fn description(&self) -> &'static str {
        match self {
            Loss::MeanSquaredError => {
                "Average squared distance to the target: punishes big misses hard."
            }
            Loss::MeanAbsoluteError => {
                "Average absolute distance to the target: robust to outliers."
            }
            Loss::Huber { .. } => "Squared error for small misses, absolute error for big ones.",
            Loss::BinaryCrossEntropy => "How surprised a yes/no probability is by the true label.",
            Loss::CategoricalCrossEntropy => {
                "How surprised the class probabilities are by the true class."
            }
        }
    }

    /// Checks that this loss can follow an output layer with activation `act` and `outputs` units.
    pub fn check_output(
        &self,
        act: Activation,
        outputs: usize,
    ) -> Result<(), crate::error::NnError> {
        let incompatible = |hint| {
            Err(crate::error::NnError::Incompatible {
                activation: act.to_string(),
                loss: self.to_string(),
                hint,
            })
        };
        match self {
            Loss::BinaryCrossEntropy if act != Activation::Sigmoid => {
                incompatible("binary cross-entropy needs a sigmoid output")
            }
            Loss::CategoricalCrossEntropy if act != Activation::Softmax => {
                incompatible("categorical cross-entropy needs a softmax output")
            }
            Loss::CategoricalCrossEntropy if outputs < 2 => {
                incompatible("categorical cross-entropy needs at least 2 output units")
            }
            _ if act == Activation::Softmax && *self != Loss::CategoricalCrossEntropy => {
                incompatible("a softmax output is trained with categorical cross-entropy")
            }
            Loss::Huber { delta } => crate::error::NnError::positive("Huber delta", *delta),
            _ => Ok(()),
        }
    }

    /// Returns the mean loss and writes ∂L/∂output into `grad`.
    ///
    /// `output` is row-major with `cols` units per row: logits for the cross-entropies,
    /// activations otherwise (see [`Loss::uses_logits`]). `target` has the same shape
    /// (one-hot rows for categorical cross-entropy).
    pub fn value_and_grad(
        &self,
        output: &[f32],
        target: &[f32],
        grad: &mut [f32],
        cols: usize,
    ) -> f32 {
        let n = output.len() as f32;
        let rows = (output.len() / cols.max(1)) as f32;
        let mut total = 0.0f64;
        match *self {
            Loss::MeanSquaredError => {
                for ((g, &a), &y) in grad.iter_mut().zip(output).zip(target) {
                    let (square, slope) = squared_error(a, y, n);
                    total += square as f64;
                    *g = slope;
                }
                (total / n as f64) as f32
            }
            Loss::MeanAbsoluteError => {
                for ((g, &a), &y) in grad.iter_mut().zip(output).zip(target) {
                    let r = a - y;
                    total += r.abs() as f64;
                    *g = if r > 0.0 {
                        1.0 / n
                    } else if r < 0.0 {
                        -1.0 / n
                    } else {
                        0.0
                    };
                }
                (total / n as f64) as f32
            }
            Loss::Huber { delta } => {
                for ((g, &a), &y) in grad.iter_mut().zip(output).zip(target) {
                    let r = a - y;
                    if r.abs() <= delta {
                        total += (0.5 * r * r) as f64;
                        *g = r / n;
                    } else {
                        total += (delta * (r.abs() - 0.5 * delta)) as f64;
                        *g = delta * r.signum() / n;
                    }
                }
                (total / n as f64) as f32
            }
            Loss::BinaryCrossEntropy => {
                for ((g, &z), &y) in grad.iter_mut().zip(output).zip(target) {
                    total += (z.max(0.0) - z * y + softplus(-z.abs())) as f64;
                    *g = (sigmoid(z) - y) / n;
                }
                (total / n as f64) as f32
            }
            Loss::CategoricalCrossEntropy => {
                for ((zr, yr), gr) in output
                    .chunks_exact(cols)
                    .zip(target.chunks_exact(cols))
                    .zip(grad.chunks_exact_mut(cols))
                {
                    let max = zr.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    let log_sum = zr.iter().map(|&z| (z - max).exp()).sum::<f32>().ln() + max;
                    let y_sum: f32 = yr.iter().sum();
                    for ((g, &z), &y) in gr.iter_mut().zip(zr).zip(yr) {
                        total -= (y * (z - log_sum)) as f64;
                        // ∂/∂z_k of −Σ y_j log p_j = p_k·Σy − y_k (Σy = 1 for one-hot rows).
                        *g = ((z - log_sum).exp() * y_sum - y) / rows;
                    }
                }
                (total / rows as f64) as f32
            }
        }
    }

    /// The mean loss alone (allocates a scratch gradient; for evaluation, not the hot loop).
    pub fn value(&self, output: &[f32], target: &[f32], cols: usize) -> f32 {
        let mut scratch = vec![0.0; output.len()];
        self.value_and_grad(output, target, &mut scratch, cols)
    }
}

/// One output's share of the mean squared error over `n` values: (a − y)² and its slope
/// 2(a − y)/n. [`Loss::value_and_grad`] and the fused linear-output step of
/// [`crate::nn::unit_major`] both use it, so their gradients agree bit for bit.
#[inline(always)]
pub(crate) fn squared_error(a: f32, y: f32, n: f32) -> (f32, f32) {
    let r = a - y;
    (r * r, 2.0 * r / n)
}

impl TokenSet for Loss {
    const KIND: &'static str = "loss";
    const FORMS: &'static [Form<Self>] = &[
        Form {
            name: "mse",
            aliases: &["mean_squared_error"],
            params: &[],
            build: |_| Loss::MeanSquaredError,
        },
        Form {
            name: "mae",
            aliases: &["mean_absolute_error"],
            params: &[],
            build: |_| Loss::MeanAbsoluteError,
        },
        Form {
            name: "huber",
            aliases: &["smooth_l1"],
            params: &[Param::real("delta", 1.0)],
            build: |a| Loss::Huber { delta: a[0] },
        },
        Form {
            name: "bce",
            aliases: &["binary_cross_entropy", "binary_crossentropy"],
            params: &[],
            build: |_| Loss::BinaryCrossEntropy,
        },
        Form {
            name: "cce",
            aliases: &["categorical_cross_entropy", "categorical_crossentropy"],
            params: &[],
            build: |_| Loss::CategoricalCrossEntropy,
        },
    ];
    // `huber` rather than `huber(1)`: PyTorch's default δ needs no number.
    const BARE_DEFAULTS: bool = true;

    fn token(&self) -> (&'static str, Vec<f32>) {
        match *self {
            Loss::MeanSquaredError => ("mse", vec![]),
            Loss::MeanAbsoluteError => ("mae", vec![]),
            Loss::Huber { delta } => ("huber", vec![delta]),
            Loss::BinaryCrossEntropy => ("bce", vec![]),
            Loss::CategoricalCrossEntropy => ("cce", vec![]),
        }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        token::write(self, f)
    }
}

impl FromStr for Loss {
    type Err = crate::error::NnError;

    /// Parses `mse`, `mae`, `huber`, `huber(0.5)`, `bce`, `cce` (and the long names).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let loss: Loss = token::parse(s)?;
        if let Loss::Huber { delta } = loss {
            crate::error::NnError::positive("Huber delta", delta)?;
        }
        Ok(loss)
    }
}

#[cfg(test)]
mod token_tests {
    use super::*;
    use crate::nn::token::check;
    use proptest::prelude::*;

    #[test]
    fn every_form_and_alias_reads_and_writes() {
        check::forms_are_consistent::<Loss>();
        assert_eq!(Loss::Huber { delta: 1.0 }.to_string(), "huber");
        assert_eq!(Loss::Huber { delta: 0.5 }.to_string(), "huber(0.5)");
        assert!("huber(0)".parse::<Loss>().is_err());
        assert_eq!(
            "Binary_CrossEntropy".parse::<Loss>().unwrap(),
            Loss::BinaryCrossEntropy
        );
    }

    proptest! {
        #[test]
        fn tokens_round_trip(l in check::any_member::<Loss>()) {
            check::round_trips(&l);
        }
    }
}
