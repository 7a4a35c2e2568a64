//! Learning-rate schedules: how the rate changes with the epoch. The closed set with its token
//! forms (`constant`, `step(100,0.5)`, `exp(0.99)`, `cosine(500,0)`), help texts and the rule.

use crate::nn::token::{self, Form, Param, TokenSet};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How the learning rate changes with the epoch number (epoch 0 uses the base rate).
///
/// ```
/// use nnplay::train::optim::LrSchedule;
/// let s = LrSchedule::StepDecay { every: 10, gamma: 0.5 };
/// assert_eq!(s.rate(0.1, 25), 0.025);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LrSchedule {
    #[default]
    Constant,
    /// Multiply by `gamma` every `every` epochs (PyTorch `StepLR`).
    StepDecay { every: usize, gamma: f32 },
    /// Multiply by `gamma` every epoch (PyTorch `ExponentialLR`).
    Exponential { gamma: f32 },
    /// Half a cosine from the base rate to `min_lr` over `period` epochs, then stay (PyTorch `CosineAnnealingLR`).
    Cosine { period: usize, min_lr: f32 },
}

impl LrSchedule {
    /// Every schedule once, with default parameters (one per menu option).
    pub fn all() -> [LrSchedule; 4] {
        const { assert!(<LrSchedule as TokenSet>::FORMS.len() == 4) };
        std::array::from_fn(|i| Self::FORMS[i].defaults())
    }

    /// A sentence for a tooltip.
    pub fn description(&self) -> &'static str {
        match self {
            LrSchedule::Constant => "The learning rate never changes.",
            LrSchedule::StepDecay { .. } => "Multiply the rate by gamma every few epochs.",
            LrSchedule::Exponential { .. } => "Multiply the rate by gamma every epoch.",
            LrSchedule::Cosine { .. } => {
                "Lower the rate along half a cosine to a minimum over a period of epochs."
            }
        }
    }

    pub fn validate(&self) -> Result<(), crate::error::NnError> {
        use crate::error::NnError as E;
        match *self {
            LrSchedule::Constant => Ok(()),
            LrSchedule::StepDecay { every, gamma } => {
                E::positive("step decay period", every as f32)?;
                E::positive("step decay gamma", gamma)
            }
            LrSchedule::Exponential { gamma } => E::positive("exponential decay gamma", gamma),
            LrSchedule::Cosine { period, min_lr } => {
                E::positive("cosine period", period as f32)?;
                E::non_negative("cosine minimum rate", min_lr)
            }
        }
    }

    /// The learning rate at `epoch` for a base rate `base`.
    pub fn rate(&self, base: f32, epoch: usize) -> f32 {
        match *self {
            LrSchedule::Constant => base,
            LrSchedule::StepDecay { every, gamma } => {
                base * gamma.powi((epoch / every.max(1)) as i32)
            }
            LrSchedule::Exponential { gamma } => base * gamma.powi(epoch as i32),
            LrSchedule::Cosine { period, min_lr } => {
                let progress = (epoch.min(period) as f32) / period.max(1) as f32;
                min_lr + 0.5 * (base - min_lr) * (1.0 + (std::f32::consts::PI * progress).cos())
            }
        }
    }
}

impl TokenSet for LrSchedule {
    const KIND: &'static str = "schedule";
    const FORMS: &'static [Form<Self>] = &[
        Form {
            name: "constant",
            aliases: &["none"],
            params: &[],
            build: |_| LrSchedule::Constant,
        },
        Form {
            name: "step",
            aliases: &[],
            params: &[Param::whole("every", 100.0), Param::real("gamma", 0.5)],
            build: |a| LrSchedule::StepDecay {
                every: a[0] as usize,
                gamma: a[1],
            },
        },
        Form {
            name: "exp",
            aliases: &["exponential"],
            params: &[Param::real("gamma", 0.99)],
            build: |a| LrSchedule::Exponential { gamma: a[0] },
        },
        Form {
            name: "cosine",
            aliases: &[],
            params: &[Param::whole("period", 500.0), Param::real("min_lr", 0.0)],
            build: |a| LrSchedule::Cosine {
                period: a[0] as usize,
                min_lr: a[1],
            },
        },
    ];

    fn token(&self) -> (&'static str, Vec<f32>) {
        match *self {
            LrSchedule::Constant => ("constant", vec![]),
            LrSchedule::StepDecay { every, gamma } => ("step", vec![every as f32, gamma]),
            LrSchedule::Exponential { gamma } => ("exp", vec![gamma]),
            LrSchedule::Cosine { period, min_lr } => ("cosine", vec![period as f32, min_lr]),
        }
    }
}

impl fmt::Display for LrSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        token::write(self, f)
    }
}

impl FromStr for LrSchedule {
    type Err = crate::error::NnError;

    /// Parses `constant`, `step(10,0.5)`, `exp(0.99)`, `cosine(100,0)`; a bare name takes the
    /// defaults (`step` is `step(100,0.5)`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let schedule: LrSchedule = token::parse(s)?;
        schedule.validate()?;
        Ok(schedule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::token::check;
    use proptest::prelude::*;

    #[test]
    fn every_form_and_alias_reads_and_writes() {
        check::forms_are_consistent::<LrSchedule>();
        assert_eq!(
            LrSchedule::all().map(|s| s.to_string()),
            ["constant", "step(100,0.5)", "exp(0.99)", "cosine(500,0)"]
        );
        assert_eq!(
            "Step( 10 , 0.5 )".parse::<LrSchedule>().unwrap(),
            LrSchedule::StepDecay {
                every: 10,
                gamma: 0.5
            }
        );
        for bad in [
            "step(0,0.5)",
            "step(2.5,0.5)",
            "step(-1,0.5)",
            "cosine(10)",
            "warp",
        ] {
            assert!(bad.parse::<LrSchedule>().is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn tokens_round_trip(s in check::any_member::<LrSchedule>()) {
            check::round_trips(&s);
        }
    }
}
