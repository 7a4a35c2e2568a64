//! Weight penalties added to the loss. They act on kernels only, never on biases, with the Keras
//! convention: L2 adds rate·Σw², L1 adds rate·Σ|w|.

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

impl fmt::Display for Regularization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Regularization::None => f.write_str("none"),
            Regularization::L1 { rate } => write!(f, "l1({rate})"),
            Regularization::L2 { rate } => write!(f, "l2({rate})"),
        }
    }
}

impl FromStr for Regularization {
    type Err = crate::error::NnError;

    /// Parses `none`, `l1(0.001)`, `l2(0.01)` (`l1`/`l2` alone mean rate 0.001).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        let bad = || {
            crate::error::NnError::Config(format!(
                "unknown regularization '{s}' (expected none, l1(rate) or l2(rate))"
            ))
        };
        let (name, rate) = match s.split_once('(') {
            Some((name, rest)) => (
                name.to_string(),
                Some(
                    rest.strip_suffix(')')
                        .ok_or_else(bad)?
                        .trim()
                        .parse::<f32>()
                        .map_err(|_| bad())?,
                ),
            ),
            None => (s.clone(), None),
        };
        let reg = match name.as_str() {
            "none" | "" => Regularization::None,
            "l1" => Regularization::L1 {
                rate: rate.unwrap_or(1e-3),
            },
            "l2" => Regularization::L2 {
                rate: rate.unwrap_or(1e-3),
            },
            _ => return Err(bad()),
        };
        reg.validate()?;
        Ok(reg)
    }
}
