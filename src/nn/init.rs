//! Weight initializers: how a network's kernels are drawn before training. Biases start at 0.
//! Draws come from the caller's seeded generator in a fixed order (layer by layer, row-major), and
//! rand_distr does its math through libm, so a seed gives the same network natively and in wasm.

use rand::RngExt;
use rand_distr::{Distribution, Normal, Uniform};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The generator every seeded operation in the library uses (PCG, portable and fast).
pub type NnRng = rand_pcg::Pcg64;

/// Makes the library's generator from a seed.
pub fn rng_from_seed(seed: u64) -> NnRng {
    <NnRng as rand::SeedableRng>::seed_from_u64(seed)
}

/// How the kernel of a layer with `fan_in` inputs and `fan_out` outputs is drawn.
///
/// Normal variants use a plain (untruncated) normal, as PyTorch's `xavier_normal_` and
/// `kaiming_normal_` do (Keras truncates at 2σ).
///
/// ```
/// use nnplay::init::{Initializer, rng_from_seed};
/// let mut rng = rng_from_seed(7);
/// let w = Initializer::GlorotUniform.sample(2, 3, &mut rng);
/// let limit = (6.0f32 / 5.0).sqrt();
/// assert!(w.iter().all(|v| v.abs() <= limit));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Initializer {
    /// U(−l, l), l = √(6 / (fan_in + fan_out)). Keras' default; suits tanh and sigmoid.
    GlorotUniform,
    /// N(0, 2 / (fan_in + fan_out)).
    GlorotNormal,
    /// U(−l, l), l = √(6 / fan_in). Suits ReLU.
    HeUniform,
    /// N(0, 2 / fan_in).
    HeNormal,
    /// N(0, 1 / fan_in). Suits SELU-like units.
    LecunNormal,
    /// U(low, high).
    Uniform { low: f32, high: f32 },
    /// N(0, std²).
    Normal { std: f32 },
    /// All zeros: every neuron of a layer stays identical forever (the symmetry lesson).
    Zeros,
}

impl Initializer {
    /// Every initializer once, with default parameters.
    pub fn all() -> [Initializer; 8] {
        [
            Initializer::GlorotUniform,
            Initializer::GlorotNormal,
            Initializer::HeUniform,
            Initializer::HeNormal,
            Initializer::LecunNormal,
            Initializer::Uniform {
                low: -0.5,
                high: 0.5,
            },
            Initializer::Normal { std: 0.1 },
            Initializer::Zeros,
        ]
    }

    pub(crate) fn validate(&self) -> Result<(), crate::error::NnError> {
        match *self {
            Initializer::Uniform { low, high }
                if !(low.is_finite() && high.is_finite() && low < high) =>
            {
                Err(crate::error::NnError::Config(format!(
                    "uniform initializer needs finite low < high, got ({low}, {high})"
                )))
            }
            Initializer::Normal { std } => crate::error::NnError::positive("initializer std", std),
            _ => Ok(()),
        }
    }

    /// Draws `fan_in × fan_out` weights, row-major.
    pub fn sample(&self, fan_in: usize, fan_out: usize, rng: &mut NnRng) -> Vec<f32> {
        let n = fan_in * fan_out;
        let (fi, fo) = (fan_in.max(1) as f32, fan_out.max(1) as f32);
        let uniform = |limit: f32, rng: &mut NnRng| -> Vec<f32> {
            (0..n).map(|_| rng.random_range(-limit..=limit)).collect()
        };
        let normal = |std: f32, rng: &mut NnRng| -> Vec<f32> {
            let dist = Normal::new(0.0f32, std).expect("std is finite and positive");
            (0..n).map(|_| dist.sample(rng)).collect()
        };
        match *self {
            Initializer::GlorotUniform => uniform((6.0 / (fi + fo)).sqrt(), rng),
            Initializer::GlorotNormal => normal((2.0 / (fi + fo)).sqrt(), rng),
            Initializer::HeUniform => uniform((6.0 / fi).sqrt(), rng),
            Initializer::HeNormal => normal((2.0 / fi).sqrt(), rng),
            Initializer::LecunNormal => normal((1.0 / fi).sqrt(), rng),
            Initializer::Uniform { low, high } => {
                let dist = Uniform::new_inclusive(low, high).expect("validated low < high");
                (0..n).map(|_| dist.sample(rng)).collect()
            }
            Initializer::Normal { std } => normal(std, rng),
            Initializer::Zeros => vec![0.0; n],
        }
    }
}

impl fmt::Display for Initializer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Initializer::GlorotUniform => f.write_str("glorot_uniform"),
            Initializer::GlorotNormal => f.write_str("glorot_normal"),
            Initializer::HeUniform => f.write_str("he_uniform"),
            Initializer::HeNormal => f.write_str("he_normal"),
            Initializer::LecunNormal => f.write_str("lecun_normal"),
            Initializer::Uniform { low, high } => write!(f, "uniform({low},{high})"),
            Initializer::Normal { std } => write!(f, "normal({std})"),
            Initializer::Zeros => f.write_str("zeros"),
        }
    }
}

impl FromStr for Initializer {
    type Err = crate::error::NnError;

    /// Parses the tokens of `Display`: `he_normal`, `uniform(-0.5,0.5)`, `normal(0.1)`…
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        let bad = || {
            crate::error::NnError::Config(format!(
                "unknown initializer '{s}' (expected glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_normal, uniform(low,high), normal(std) or zeros)"
            ))
        };
        let (name, args) = match s.split_once('(') {
            Some((name, rest)) => {
                let inner = rest.strip_suffix(')').ok_or_else(bad)?;
                let args: Result<Vec<f32>, _> =
                    inner.split(',').map(|v| v.trim().parse::<f32>()).collect();
                (name.to_string(), args.map_err(|_| bad())?)
            }
            None => (s.clone(), Vec::new()),
        };
        let init = match (name.as_str(), args.as_slice()) {
            ("glorot_uniform" | "xavier_uniform", []) => Initializer::GlorotUniform,
            ("glorot_normal" | "xavier_normal", []) => Initializer::GlorotNormal,
            ("he_uniform" | "kaiming_uniform", []) => Initializer::HeUniform,
            ("he_normal" | "kaiming_normal", []) => Initializer::HeNormal,
            ("lecun_normal", []) => Initializer::LecunNormal,
            ("uniform", []) => Initializer::Uniform {
                low: -0.5,
                high: 0.5,
            },
            ("uniform", [low, high]) => Initializer::Uniform {
                low: *low,
                high: *high,
            },
            ("normal", []) => Initializer::Normal { std: 0.1 },
            ("normal", [std]) => Initializer::Normal { std: *std },
            ("zeros" | "zero", []) => Initializer::Zeros,
            _ => return Err(bad()),
        };
        init.validate()?;
        Ok(init)
    }
}
