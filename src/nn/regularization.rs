//! Weight penalties added to the loss. They act on kernels only, never on biases, with the Keras
//! convention: L2 adds rate·Σw², L1 adds rate·Σ|w|.

use crate::nn::token::{self, Form, Param, TokenSet};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A penalty on a layer's weights.
///
/// ```
/// use nnplay::regularization::Regularization;
/// let w = [1.0f32, -2.0];
/// assert_eq!(Regularization::L2 { rate: 0.1 }.penalty(&w), 0.5);
/// assert_eq!(Regularization::L1 { rate: 0.1 }.penalty(&w), 0.3);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Regularization {
    #[default]
    None,
    /// rate·Σ|w|: pushes weights to exactly zero (sparse networks).
    L1 { rate: f32 },
    /// rate·Σw²: keeps all weights small (weight decay).
    L2 { rate: f32 },
}

impl Regularization {
    pub(crate) fn validate(&self) -> Result<(), crate::error::NnError> {
        match *self {
            Regularization::None => Ok(()),
            Regularization::L1 { rate } | Regularization::L2 { rate } => {
                crate::error::NnError::non_negative("regularization rate", rate)
            }
        }
    }

    /// A sentence for a tooltip.
    pub fn description(&self) -> &'static str {
        match self {
            Regularization::None => "No penalty on the weights.",
            Regularization::L1 { .. } => {
                "Adds rate × Σ|w|: pushes useless weights to exactly zero."
            }
            Regularization::L2 { .. } => "Adds rate × Σw²: keeps every weight small.",
        }
    }

    /// The penalty for these weights.
    pub fn penalty(&self, weights: &[f32]) -> f32 {
        match *self {
            Regularization::None => 0.0,
            Regularization::L1 { rate } => rate * weights.iter().map(|w| w.abs()).sum::<f32>(),
            Regularization::L2 { rate } => rate * weights.iter().map(|w| w * w).sum::<f32>(),
        }
    }

    /// Adds the penalty's gradient to `grads` (same layout as `weights`).
    pub fn add_gradient(&self, weights: &[f32], grads: &mut [f32]) {
        match *self {
            Regularization::None => {}
            Regularization::L1 { rate } => {
                for (g, &w) in grads.iter_mut().zip(weights) {
                    // d|w|/dw taken as 0 at w = 0 (the subgradient TF and PyTorch use).
                    *g += if w > 0.0 {
                        rate
                    } else if w < 0.0 {
                        -rate
                    } else {
                        0.0
                    };
                }
            }
            Regularization::L2 { rate } => {
                for (g, &w) in grads.iter_mut().zip(weights) {
                    *g += 2.0 * rate * w;
                }
            }
        }
    }

    pub fn rate(&self) -> f32 {
        match *self {
            Regularization::None => 0.0,
            Regularization::L1 { rate } | Regularization::L2 { rate } => rate,
        }
    }
}

impl TokenSet for Regularization {
    const KIND: &'static str = "regularization";
    // `l1` and `l2` alone mean rate 0.001, a common starting point.
    const FORMS: &'static [Form<Self>] = &[
        Form {
            name: "none",
            aliases: &[""],
            params: &[],
            build: |_| Regularization::None,
        },
        Form {
            name: "l1",
            aliases: &[],
            params: &[Param::real("rate", 1e-3)],
            build: |a| Regularization::L1 { rate: a[0] },
        },
        Form {
            name: "l2",
            aliases: &[],
            params: &[Param::real("rate", 1e-3)],
            build: |a| Regularization::L2 { rate: a[0] },
        },
    ];

    fn token(&self) -> (&'static str, Vec<f32>) {
        match *self {
            Regularization::None => ("none", vec![]),
            Regularization::L1 { rate } => ("l1", vec![rate]),
            Regularization::L2 { rate } => ("l2", vec![rate]),
        }
    }
}

impl fmt::Display for Regularization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        token::write(self, f)
    }
}

impl FromStr for Regularization {
    type Err = crate::error::NnError;

    /// Parses `none`, `l1(0.001)`, `l2(0.01)` (`l1`/`l2` alone mean rate 0.001).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let reg: Regularization = token::parse(s)?;
        reg.validate()?;
        Ok(reg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::token::check;
    use proptest::prelude::*;

    #[test]
    fn every_form_and_alias_reads_and_writes() {
        check::forms_are_consistent::<Regularization>();
        assert_eq!(
            "L2( 0.01 )".parse::<Regularization>().unwrap(),
            Regularization::L2 { rate: 0.01 }
        );
        assert_eq!(
            "l1".parse::<Regularization>().unwrap(),
            Regularization::L1 { rate: 1e-3 }
        );
        assert!("l2(-1)".parse::<Regularization>().is_err());
        assert!("l3".parse::<Regularization>().is_err());
    }

    proptest! {
        #[test]
        fn tokens_round_trip(r in check::any_member::<Regularization>()) {
            check::round_trips(&r);
        }
    }
}
