//! The optimizers' hyperparameters, one row each: the key (the field's name in a JSON config, the
//! link's key, and the CLI flag `--key` with `-` for `_`), older spellings still read, the label,
//! the range, the usual default and the help text. The link, the CLI flags, the page's option
//! lists and [`Optimizer::validate`](super::optim::Optimizer::validate) all read this table;
//! which optimizer has which hyperparameter is said once, in its token form in `optim.rs`.
//!
//! ```
//! use nnplay::train::optim::{Hyperparameter, Optimizer};
//! let h = Hyperparameter::from_key("wd").unwrap(); // the key older links use
//! assert_eq!((h.key(), h.flag()), ("weight_decay", "weight-decay"));
//! assert_eq!(Optimizer::adamw().hyperparameter(h), Some(0.01));
//! assert!(h.check(1.5).is_err());
//! ```

use crate::error::NnError;
use crate::nn::token::{self, Param};
use std::fmt;

/// One hyperparameter an optimizer can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hyperparameter {
    Momentum,
    Beta1,
    Beta2,
    Eps,
    Alpha,
    WeightDecay,
    InitialAccumulator,
}

/// An interval of accepted values; NaN and ±∞ are never in one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub min: f32,
    pub max: f32,
    pub min_exclusive: bool,
    pub max_exclusive: bool,
    /// The interval in words, for [`NnError::BadHyperparameter`] (which holds a `&'static str`).
    requirement: &'static str,
}

impl Range {
    /// [0, 1): a decay factor; 1 would never forget.
    const DECAY: Range = Range {
        min: 0.0,
        max: 1.0,
        min_exclusive: false,
        max_exclusive: true,
        requirement: "in [0, 1)",
    };

    /// True when `v` is finite and inside.
    pub fn contains(&self, v: f32) -> bool {
        let low = if self.min_exclusive {
            v > self.min
        } else {
            v >= self.min
        };
        let high = if self.max_exclusive {
            v < self.max
        } else {
            v <= self.max
        };
        v.is_finite() && low && high
    }

    /// "in [0, 1)".
    pub fn requirement(&self) -> &'static str {
        self.requirement
    }
}

impl fmt::Display for Range {
    /// `[0, 1)`, `(0, 1]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}, {}{}",
            if self.min_exclusive { "(" } else { "[" },
            token::number(self.min),
            token::number(self.max),
            if self.max_exclusive { ")" } else { "]" }
        )
    }
}

/// One row of the table.
#[derive(Debug)]
pub struct Spec {
    /// The one name: JSON field, link key, CLI flag (with `-` for `_`).
    pub key: &'static str,
    /// Keys of older links and flags of older scripts, still read.
    pub aliases: &'static [&'static str],
    /// What a person calls it.
    pub label: &'static str,
    pub range: Range,
    /// The usual value, where it comes from in the row's comment. An optimizer's token form may
    /// start from another (AdaGrad's ε); a link writes this one for optimizers without it.
    pub default: f32,
    /// A sentence for a tooltip, true of every optimizer that has it.
    pub help: &'static str,
    flag: Flag,
}

/// The key with `-` for `_`, spelt at compile time: clap takes flag names as `&'static str`.
#[derive(Debug)]
struct Flag {
    bytes: [u8; 32],
    len: usize,
}

const fn flag(key: &str) -> Flag {
    let key = key.as_bytes();
    assert!(key.len() <= 32, "hyperparameter keys are short");
    let mut bytes = [0u8; 32];
    let mut i = 0;
    while i < key.len() {
        bytes[i] = if key[i] == b'_' { b'-' } else { key[i] };
        i += 1;
    }
    Flag {
        bytes,
        len: key.len(),
    }
}

impl Hyperparameter {
    /// Every hyperparameter, in the order links write them.
    pub const ALL: [Hyperparameter; 7] = [
        Hyperparameter::Momentum,
        Hyperparameter::Beta1,
        Hyperparameter::Beta2,
        Hyperparameter::Eps,
        Hyperparameter::Alpha,
        Hyperparameter::WeightDecay,
        Hyperparameter::InitialAccumulator,
    ];

    /// The table: one row per hyperparameter.
    pub const fn spec(self) -> &'static Spec {
        match self {
            // The usual choice (PyTorch's SGD has 0, which is plain `sgd` here).
            Hyperparameter::Momentum => {
                const {
                    &Spec {
                        key: "momentum",
                        aliases: &[],
                        label: "momentum",
                        range: Range::DECAY,
                        default: 0.9,
                        help: "How much of the previous step is kept.",
                        flag: flag("momentum"),
                    }
                }
            }
            // PyTorch's Adam and AdamW.
            Hyperparameter::Beta1 => {
                const {
                    &Spec {
                        key: "beta1",
                        aliases: &[],
                        label: "beta1",
                        range: Range::DECAY,
                        default: 0.9,
                        help: "Decay of the running mean of gradients.",
                        flag: flag("beta1"),
                    }
                }
            }
            Hyperparameter::Beta2 => {
                const {
                    &Spec {
                        key: "beta2",
                        aliases: &[],
                        label: "beta2",
                        range: Range::DECAY,
                        default: 0.999,
                        help: "Decay of the running mean of squared gradients.",
                        flag: flag("beta2"),
                    }
                }
            }
            // PyTorch's Adam, AdamW and RMSProp (its AdaGrad has 1e-10).
            Hyperparameter::Eps => {
                const {
                    &Spec {
                        key: "eps",
                        aliases: &[],
                        label: "epsilon",
                        range: Range {
                            min: 0.0,
                            max: 1.0,
                            min_exclusive: true,
                            max_exclusive: false,
                            requirement: "in (0, 1]",
                        },
                        default: 1e-8,
                        help: "Added to the divisor so that the division stays finite.",
                        flag: flag("eps"),
                    }
                }
            }
            // PyTorch's RMSProp.
            Hyperparameter::Alpha => {
                const {
                    &Spec {
                        key: "alpha",
                        aliases: &[],
                        label: "alpha",
                        range: Range::DECAY,
                        default: 0.99,
                        help: "Decay of the running mean of squared gradients.",
                        flag: flag("alpha"),
                    }
                }
            }
            // PyTorch's AdamW.
            Hyperparameter::WeightDecay => {
                const {
                    &Spec {
                        key: "weight_decay",
                        aliases: &["wd"],
                        label: "weight decay",
                        range: Range {
                            min: 0.0,
                            max: 1.0,
                            min_exclusive: false,
                            max_exclusive: false,
                            requirement: "in [0, 1]",
                        },
                        default: 0.01,
                        help: "Fraction of each weight removed per step (times the learning rate).",
                        flag: flag("weight_decay"),
                    }
                }
            }
            // PyTorch's AdaGrad.
            Hyperparameter::InitialAccumulator => {
                const {
                    &Spec {
                        key: "initial_accumulator",
                        aliases: &["accum", "accumulator"],
                        label: "initial accumulator",
                        range: Range {
                            min: 0.0,
                            max: 10.0,
                            min_exclusive: false,
                            max_exclusive: false,
                            requirement: "in [0, 10]",
                        },
                        default: 0.0,
                        help: "Starting value of the sum of squared gradients.",
                        flag: flag("initial_accumulator"),
                    }
                }
            }
        }
    }

    pub const fn key(self) -> &'static str {
        self.spec().key
    }

    pub const fn label(self) -> &'static str {
        self.spec().label
    }

    pub const fn default(self) -> f32 {
        self.spec().default
    }

    /// The command-line flag, without its `--`: the key with `-` for `_`.
    pub fn flag(self) -> &'static str {
        let f = &self.spec().flag;
        std::str::from_utf8(&f.bytes[..f.len]).unwrap_or(self.spec().key)
    }

    /// The hyperparameter a link key or flag names: its key, its flag or an older spelling.
    pub fn from_key(key: &str) -> Option<Hyperparameter> {
        let key = key.trim();
        Hyperparameter::ALL
            .into_iter()
            .find(|h| h.key() == key || h.flag() == key || h.spec().aliases.contains(&key))
    }

    /// This hyperparameter as a token parameter with the table's default.
    pub const fn param(self) -> Param {
        Param::real(self.key(), self.default())
    }

    /// This hyperparameter as a token parameter starting from `default` instead.
    pub const fn param_from(self, default: f32) -> Param {
        Param::real(self.key(), default)
    }

    /// Rejects a value outside the range (NaN and ±∞ included), naming the hyperparameter.
    pub fn check(self, value: f32) -> Result<(), NnError> {
        let range = self.spec().range;
        if range.contains(value) {
            Ok(())
        } else {
            Err(NnError::BadHyperparameter {
                name: self.label(),
                value: value as f64,
                requirement: range.requirement,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_consistent() {
        let mut spellings = Vec::new();
        for h in Hyperparameter::ALL {
            let s = h.spec();
            assert_eq!(s.range.requirement(), format!("in {}", s.range), "{h:?}");
            assert!(
                s.range.contains(s.default),
                "{h:?}: default outside its range"
            );
            assert_eq!(h.flag(), s.key.replace('_', "-"));
            let mut own = vec![s.key, h.flag()];
            own.extend(s.aliases);
            own.dedup();
            for name in own {
                assert_eq!(Hyperparameter::from_key(name), Some(h), "{name}");
                spellings.push(name);
            }
        }
        let count = spellings.len();
        spellings.sort_unstable();
        spellings.dedup();
        assert_eq!(
            spellings.len(),
            count,
            "a spelling names two hyperparameters"
        );
    }

    #[test]
    fn ranges_reject_their_ends_as_they_say() {
        let eps = Hyperparameter::Eps;
        assert!(eps.check(0.0).is_err() && eps.check(1.0).is_ok());
        let m = Hyperparameter::Momentum;
        assert!(m.check(0.0).is_ok() && m.check(1.0).is_err());
        for bad in [f32::NAN, f32::INFINITY, -0.1] {
            assert!(Hyperparameter::WeightDecay.check(bad).is_err(), "{bad}");
        }
        let e = Hyperparameter::InitialAccumulator.check(11.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "initial accumulator must be in [0, 10], got 11"
        );
    }

    /// The optimizers' token forms and this table agree: every form reads and writes, every
    /// hyperparameter an optimizer has is a row, and the constructors are the forms' defaults.
    mod optimizers {
        use super::super::Hyperparameter as H;
        use crate::nn::token::{TokenSet, check};
        use crate::train::optim::Optimizer;
        use proptest::prelude::*;

        #[test]
        fn every_form_reads_and_writes() {
            check::forms_are_consistent::<Optimizer>();
            assert_eq!(
                Optimizer::all(),
                [
                    Optimizer::Sgd,
                    Optimizer::momentum(),
                    Optimizer::nesterov(),
                    Optimizer::adagrad(),
                    Optimizer::rmsprop(),
                    Optimizer::adam(),
                    Optimizer::adamw()
                ]
            );
            for form in Optimizer::FORMS {
                for p in form.params {
                    assert!(H::from_key(p.name).is_some(), "{}: {}", form.name, p.name);
                }
            }
            assert_eq!(Optimizer::adam().to_string(), "adam");
            let tuned = Optimizer::Adam {
                beta1: 0.8,
                beta2: 0.99,
                eps: 1e-7,
            };
            assert_eq!(tuned.to_string(), "adam(0.8,0.99,1e-7)");
            assert_eq!("GD".parse::<Optimizer>().unwrap(), Optimizer::Sgd);
            assert_eq!(
                "momentum(0.5)".parse::<Optimizer>().unwrap(),
                Optimizer::Momentum { momentum: 0.5 }
            );
            assert!("momentum(1)".parse::<Optimizer>().is_err());
            assert!("adam(0.9)".parse::<Optimizer>().is_err());
            assert!("lbfgs".parse::<Optimizer>().is_err());
        }

        #[test]
        fn hyperparameters_are_read_and_set_by_their_row() {
            let mut o = Optimizer::adagrad();
            assert_eq!(
                o.hyperparameters(),
                [(H::Eps, 1e-10), (H::InitialAccumulator, 0.0)]
            );
            assert!(o.set_hyperparameter(H::InitialAccumulator, 0.1));
            assert!(!o.set_hyperparameter(H::Beta1, 0.5), "AdaGrad has no beta1");
            assert_eq!(
                o,
                Optimizer::AdaGrad {
                    eps: 1e-10,
                    initial_accumulator: 0.1
                }
            );
            assert_eq!(Optimizer::Sgd.hyperparameters(), []);
            assert_eq!(Optimizer::rmsprop().hyperparameter(H::Alpha), Some(0.99));
        }

        /// `validate` checks each hyperparameter against its row's range and names it.
        #[test]
        fn validation_uses_the_rows_ranges() {
            for o in Optimizer::all() {
                assert!(o.validate().is_ok(), "{o}");
                for (h, _) in o.hyperparameters() {
                    let r = h.spec().range;
                    let outside = if r.max_exclusive { r.max } else { r.max * 2.0 };
                    for bad in [outside, -1.0, f32::NAN] {
                        let mut b = o;
                        b.set_hyperparameter(h, bad);
                        let e = b.validate().unwrap_err().to_string();
                        assert!(e.starts_with(h.label()), "{o} {h:?} {bad}: {e}");
                    }
                }
            }
        }

        proptest! {
            #[test]
            fn tokens_round_trip(o in check::any_member::<Optimizer>()) {
                check::round_trips(&o);
            }
        }
    }
}
