//! How fast the page trains: the closed set of speed settings behind the page's *Speed* menu
//! and the link's `speed` key, with their tokens, ranges, help text and the one rule that turns
//! a setting into mini-batch steps per displayed frame. The worker only times the frames.
//!
//! A *frame* is one picture on the screen (the display's refresh, 60 per second on most
//! screens). The TensorFlow Playground trains one epoch per frame; so does the default here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::nn::token::{self, Form, Param, TokenSet};

/// Most mini-batch steps one `step` call of the session trains (and so one frame): it bounds
/// the time a frame can take whatever the link asks for.
pub const MAX_STEP_BATCHES: usize = 100_000;

/// Most epochs per frame `epochs(n)` accepts: beyond that a frame of a large data set takes
/// seconds, and `fast` already trains as much as fits between two pictures.
pub const MAX_EPOCHS_PER_FRAME: u32 = 100;

/// A speed setting. The token form (`Display` / `FromStr`) is what the link and the menu hold.
///
/// ```
/// use nnplay::playground::speed::Speed;
/// let s: Speed = "steps(25)".parse().unwrap();
/// assert_eq!(s, Speed::Steps { per_frame: 25 });
/// assert_eq!(s.to_string(), "steps(25)");
/// // 250 training points in batches of 10: an epoch is 25 steps.
/// assert_eq!(Speed::default().batches_per_frame(250, 10), Some(25));
/// assert_eq!(Speed::Fast.batches_per_frame(250, 10), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Speed {
    /// `steps(n)`: exactly `n` mini-batch steps per frame (1 ≤ n ≤ 100 000).
    Steps { per_frame: u32 },
    /// `epochs(n)`: `n` passes over the training data per frame (1 ≤ n ≤ 100); `epochs(1)` is
    /// the default, the TensorFlow Playground's pace.
    Epochs { per_frame: u32 },
    /// `fast`: as many steps as the engine runs in the part of each frame left after drawing.
    Fast,
}

impl Default for Speed {
    /// One epoch per frame, like the TensorFlow Playground.
    fn default() -> Self {
        Speed::Epochs { per_frame: 1 }
    }
}

/// Mini-batch steps in one pass over `n_train` points in batches of `batch_size` (the last
/// batch may be short); at least 1, so an empty or tiny set still trains.
pub fn batches_per_epoch(n_train: usize, batch_size: usize) -> usize {
    n_train.div_ceil(batch_size.clamp(1, n_train.max(1))).max(1)
}

impl Speed {
    /// Steps to train in one frame for `n_train` points in batches of `batch_size`, at most
    /// the session's limit per `step` call; `None` for [`Speed::Fast`], whose worker sizes each
    /// frame's work from the time it takes.
    pub fn batches_per_frame(self, n_train: usize, batch_size: usize) -> Option<usize> {
        let steps = match self {
            Speed::Steps { per_frame } => per_frame as usize,
            Speed::Epochs { per_frame } => {
                per_frame as usize * batches_per_epoch(n_train, batch_size)
            }
            Speed::Fast => return None,
        };
        Some(steps.clamp(1, MAX_STEP_BATCHES))
    }

    /// What the setting does, in the words of the menu's tooltip.
    pub fn description(self) -> String {
        match self {
            Speed::Steps { per_frame: 1 } => {
                "1 mini-batch step per picture: slow motion, each step of the optimizer shows."
                    .into()
            }
            Speed::Steps { per_frame } => {
                format!("{per_frame} mini-batch steps per picture.")
            }
            Speed::Epochs { per_frame: 1 } => {
                "1 epoch per picture: every training point is seen once between two pictures \
                 (60 epochs a second on a 60 Hz screen), like the TensorFlow Playground."
                    .into()
            }
            Speed::Epochs { per_frame } => {
                format!("{per_frame} epochs per picture.")
            }
            Speed::Fast => "As fast as the engine allows while drawing: the worker trains for \
                            most of each frame and every picture still follows."
                .into(),
        }
    }

    /// A short label for the menu, which is titled "per frame".
    pub fn label(self) -> String {
        match self {
            Speed::Steps { per_frame: 1 } => "1 step (slow)".into(),
            Speed::Steps { per_frame } => format!("{per_frame} steps"),
            Speed::Epochs { per_frame: 1 } => "1 epoch".into(),
            Speed::Epochs { per_frame } => format!("{per_frame} epochs"),
            Speed::Fast => "fast".into(),
        }
    }

    /// The menu's presets, slowest first.
    pub fn presets() -> [Speed; 5] {
        [
            Speed::Steps { per_frame: 1 },
            Speed::Steps { per_frame: 5 },
            Speed::Epochs { per_frame: 1 },
            Speed::Epochs { per_frame: 10 },
            Speed::Fast,
        ]
    }
}

impl fmt::Display for Speed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        token::write(self, f)
    }
}

/// Why a speed token was refused (shown as the link notice's reason).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpeedError(String);

impl TokenSet for Speed {
    const KIND: &'static str = "speed";
    // A bare `steps` or `epochs` means one per frame.
    const FORMS: &'static [Form<Self>] = &[
        Form {
            name: "fast",
            aliases: &[],
            params: &[],
            build: |_| Speed::Fast,
        },
        Form {
            name: "steps",
            aliases: &[],
            params: &[Param::whole("n", 1.0)],
            build: |a| Speed::Steps {
                per_frame: a[0] as u32,
            },
        },
        Form {
            name: "epochs",
            aliases: &[],
            params: &[Param::whole("n", 1.0)],
            build: |a| Speed::Epochs {
                per_frame: a[0] as u32,
            },
        },
    ];

    fn token(&self) -> (&'static str, Vec<f32>) {
        match *self {
            Speed::Fast => ("fast", vec![]),
            Speed::Steps { per_frame } => ("steps", vec![per_frame as f32]),
            Speed::Epochs { per_frame } => ("epochs", vec![per_frame as f32]),
        }
    }
}

impl FromStr for Speed {
    type Err = SpeedError;

    /// Parses `fast`, `steps(n)` or `epochs(n)` (the shared token form, `crate::nn::token`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let expected = || {
            SpeedError(format!(
                "must be fast, steps(n) with n from 1 to {MAX_STEP_BATCHES} or epochs(n) with n \
                 from 1 to {MAX_EPOCHS_PER_FRAME}"
            ))
        };
        let speed: Speed = token::parse(s).map_err(|_| expected())?;
        let in_range = match speed {
            Speed::Fast => true,
            Speed::Steps { per_frame } => (1..=MAX_STEP_BATCHES as u32).contains(&per_frame),
            Speed::Epochs { per_frame } => (1..=MAX_EPOCHS_PER_FRAME).contains(&per_frame),
        };
        if in_range { Ok(speed) } else { Err(expected()) }
    }
}

// The token is the serialised form too, as for the other settings (`"epochs(1)"` in JSON).
impl Serialize for Speed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Speed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One entry of the page's speed menu.
#[derive(Clone, Debug, Serialize)]
pub struct SpeedOption {
    pub token: String,
    pub label: String,
    pub description: String,
}

/// The menu's presets with their labels and tooltips.
pub fn options() -> Vec<SpeedOption> {
    Speed::presets()
        .into_iter()
        .map(|s| SpeedOption {
            token: s.to_string(),
            label: s.label(),
            description: s.description(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for s in Speed::presets().into_iter().chain([
            Speed::Steps { per_frame: 100_000 },
            Speed::Epochs { per_frame: 100 },
        ]) {
            assert_eq!(s.to_string().parse::<Speed>(), Ok(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<Speed>(&json).unwrap(), s);
        }
        assert_eq!(
            " Steps( 7 ) ".parse::<Speed>(),
            Ok(Speed::Steps { per_frame: 7 })
        );
        // A bare name is one per frame, as in every other token set.
        assert_eq!("steps".parse::<Speed>(), Ok(Speed::Steps { per_frame: 1 }));
        assert_eq!("epochs()".parse::<Speed>(), Ok(Speed::default()));
        crate::nn::token::check::forms_are_consistent::<Speed>();
    }

    #[test]
    fn bad_tokens_are_refused() {
        for bad in [
            "",
            "25",
            "steps(0)",
            "steps(-1)",
            "steps(1.5)",
            "steps(100001)",
            "epochs(0)",
            "epochs(101)",
            "epochs(1",
            "slow",
            "fast(2)",
            "steps(nan)",
        ] {
            assert!(bad.parse::<Speed>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn an_epoch_is_every_batch_of_the_training_set() {
        assert_eq!(batches_per_epoch(250, 10), 25);
        assert_eq!(batches_per_epoch(251, 10), 26); // a short last batch
        assert_eq!(batches_per_epoch(5, 10), 1); // the batch is larger than the set
        assert_eq!(batches_per_epoch(0, 10), 1);
        assert_eq!(batches_per_epoch(250, 0), 250);
        let ten = Speed::Epochs { per_frame: 10 };
        assert_eq!(ten.batches_per_frame(250, 10), Some(250));
        assert_eq!(
            Speed::Steps { per_frame: 3 }.batches_per_frame(250, 10),
            Some(3)
        );
        // Never more than one `step` call may run.
        let huge = Speed::Epochs { per_frame: 100 };
        assert_eq!(huge.batches_per_frame(5000, 1), Some(MAX_STEP_BATCHES));
    }

    #[test]
    fn the_link_carries_the_speed_and_a_bad_one_falls_back() {
        use crate::playground::{PlaygroundConfig, query};
        let (state, notices) = query::parse("dataset=xor&speed=fast");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(state.view.speed, Speed::Fast);
        assert!(query::write(&state, true).contains("&speed=fast&"));
        let (state, notices) = query::parse("speed=steps(0)");
        assert_eq!(state.view.speed, Speed::default());
        assert_eq!(notices.len(), 1);
        assert_eq!(
            (notices[0].key.as_str(), notices[0].fallback.as_str()),
            ("speed", "epochs(1)")
        );
        assert!(
            notices[0].reason.contains("steps(n)"),
            "{}",
            notices[0].reason
        );
        // A view setting: it never reaches the model.
        let (config, notices) = PlaygroundConfig::from_query("speed=nope");
        assert!(notices.is_empty());
        assert!(!config.to_query().contains("speed"));
    }

    #[test]
    fn every_preset_says_what_it_does() {
        let opts = options();
        assert_eq!(opts.len(), Speed::presets().len());
        assert!(opts.iter().any(|o| o.token == Speed::default().to_string()));
        for o in &opts {
            assert!(!o.label.is_empty() && o.description.len() > 20, "{o:?}");
        }
        assert!(
            Speed::Fast
                .description()
                .starts_with("As fast as the engine allows")
        );
    }
}
