//! Weight initializers: how a network's kernels are drawn before training. Biases start at 0.
//! Draws come from the caller's seeded generator in a fixed order (layer by layer, row-major), and
//! rand_distr does its math through libm, so a seed gives the same network natively and in wasm.

use crate::nn::token::{self, Form, Param, TokenSet};
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
    /// Every initializer once, with default parameters, in the order of its token forms.
    pub fn all() -> [Initializer; 8] {
        const { assert!(<Initializer as TokenSet>::FORMS.len() == 8) };
        std::array::from_fn(|i| Self::FORMS[i].defaults())
    }

    /// A sentence for a tooltip.
    pub fn description(&self) -> &'static str {
        match self {
            Initializer::GlorotUniform => {
                "Uniform, scaled by the layer's inputs and outputs (Glorot/Xavier): suits tanh and sigmoid."
            }
            Initializer::GlorotNormal => {
                "Normal, scaled by the layer's inputs and outputs (Glorot/Xavier)."
            }
            Initializer::HeUniform => {
                "Uniform, scaled by the layer's inputs (He/Kaiming): suits ReLU."
            }
            Initializer::HeNormal => {
                "Normal, scaled by the layer's inputs (He/Kaiming): suits ReLU."
            }
            Initializer::LecunNormal => "Normal with variance 1 / inputs (LeCun).",
            Initializer::Uniform { .. } => {
                "Uniform between two fixed bounds, whatever the layer size."
            }
            Initializer::Normal { .. } => "Normal with a fixed spread, whatever the layer size.",
            Initializer::Zeros => {
                "All weights zero: every neuron of a layer stays identical (try it to see why not)."
            }
        }
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

impl TokenSet for Initializer {
    const KIND: &'static str = "initializer";
    const FORMS: &'static [Form<Self>] = &[
        Form {
            name: "glorot_uniform",
            aliases: &["xavier_uniform"],
            params: &[],
            build: |_| Initializer::GlorotUniform,
        },
        Form {
            name: "glorot_normal",
            aliases: &["xavier_normal"],
            params: &[],
            build: |_| Initializer::GlorotNormal,
        },
        Form {
            name: "he_uniform",
            aliases: &["kaiming_uniform"],
            params: &[],
            build: |_| Initializer::HeUniform,
        },
        Form {
            name: "he_normal",
            aliases: &["kaiming_normal"],
            params: &[],
            build: |_| Initializer::HeNormal,
        },
        Form {
            name: "lecun_normal",
            aliases: &[],
            params: &[],
            build: |_| Initializer::LecunNormal,
        },
        Form {
            name: "uniform",
            aliases: &[],
            params: &[Param::real("low", -0.5), Param::real("high", 0.5)],
            build: |a| Initializer::Uniform {
                low: a[0],
                high: a[1],
            },
        },
        Form {
            name: "normal",
            aliases: &[],
            params: &[Param::real("std", 0.1)],
            build: |a| Initializer::Normal { std: a[0] },
        },
        Form {
            name: "zeros",
            aliases: &["zero"],
            params: &[],
            build: |_| Initializer::Zeros,
        },
    ];

    fn token(&self) -> (&'static str, Vec<f32>) {
        match *self {
            Initializer::GlorotUniform => ("glorot_uniform", vec![]),
            Initializer::GlorotNormal => ("glorot_normal", vec![]),
            Initializer::HeUniform => ("he_uniform", vec![]),
            Initializer::HeNormal => ("he_normal", vec![]),
            Initializer::LecunNormal => ("lecun_normal", vec![]),
            Initializer::Uniform { low, high } => ("uniform", vec![low, high]),
            Initializer::Normal { std } => ("normal", vec![std]),
            Initializer::Zeros => ("zeros", vec![]),
        }
    }
}

impl fmt::Display for Initializer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        token::write(self, f)
    }
}

impl FromStr for Initializer {
    type Err = crate::error::NnError;

    /// Parses the tokens of `Display`: `he_normal`, `uniform(-0.5,0.5)`, `normal(0.1)`…
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let init: Initializer = token::parse(s)?;
        init.validate()?;
        Ok(init)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::token::check;
    use proptest::prelude::*;

    #[test]
    fn every_form_and_alias_reads_and_writes() {
        check::forms_are_consistent::<Initializer>();
        assert_eq!(
            "uniform( -1 , 1 )".parse::<Initializer>().unwrap(),
            Initializer::Uniform {
                low: -1.0,
                high: 1.0
            }
        );
        assert_eq!(Initializer::all()[5].to_string(), "uniform(-0.5,0.5)");
        assert!("uniform(1,0)".parse::<Initializer>().is_err());
        assert!("normal(-1)".parse::<Initializer>().is_err());
        assert!("zeros(1)".parse::<Initializer>().is_err());
    }

    proptest! {
        #[test]
        fn tokens_round_trip(i in check::any_member::<Initializer>()) {
            check::round_trips(&i);
        }
    }
}
