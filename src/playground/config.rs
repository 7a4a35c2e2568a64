//! What the user picked on the page: data, network and training settings (the model config, which
//! the URL and JSON files hold), kept apart from the UI-only [`ViewSettings`]. The playground's
//! limits live here too, so the URL table, the session and the option lists agree on them.

use crate::data::{DatasetKind, FeatureSet, Task};
use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::head;
use crate::nn::init::Initializer;
use crate::nn::loss::Loss;
use crate::nn::network::{LayerConfig, NetworkConfig};
use crate::nn::regularization::Regularization;
use crate::train::TrainConfig;
use crate::train::optim::{LrSchedule, Optimizer};
use serde::{Deserialize, Serialize};

/// At most this many hidden layers (the TensorFlow Playground has 6).
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// At most this many neurons per hidden layer of a network on a 2-D set (the TensorFlow
/// Playground has 8): every neuron's map is drawn each frame, so the page stays fluid.
pub const MAX_UNITS: usize = 32;
/// At most this many neurons per hidden layer on the shipped image sets (digits, MNIST): no
/// neuron maps are drawn there, and 784-64-64-10 (the course's MNIST network) needs 64.
pub const MAX_IMAGE_UNITS: usize = 256;

/// The most neurons a hidden layer may have on `dataset`: [`MAX_IMAGE_UNITS`] for the image
/// sets, [`MAX_UNITS`] for the others.
pub fn max_units(dataset: DatasetKind) -> usize {
    if crate::data::builtin::image_side(dataset).is_some() {
        MAX_IMAGE_UNITS
    } else {
        MAX_UNITS
    }
}
/// What the image sets start with where a link (or the data set picker) does not say otherwise,
/// as link fields: a network and a training share that reach the lab's targets in the page
/// (8 × 8 digits ≥ 97 % test accuracy; MNIST with the course's 784-64-64-10 + Adam ≥ 92 %),
/// where the playground's defaults (4, 2 tanh neurons, SGD) would learn little. Empty for the
/// other sets, which start from the table's defaults.
pub fn suggested_settings(dataset: DatasetKind) -> &'static str {
    match dataset {
        DatasetKind::Digits => "train=80&layers=64&act=relu&opt=adam&lr=0.003&batch=32",
        DatasetKind::Mnist => "train=80&layers=64,64&act=relu&opt=adam&lr=0.001&batch=32",
        _ => "",
    }
}

/// Range of the number of generated points. The upper end keeps the full-set evaluation after
/// every `step` call cheap enough for 60 frames per second with the largest network.
pub const MIN_POINTS: usize = 10;
pub const MAX_POINTS: usize = 2000;
/// Largest noise, in percent.
pub const MAX_NOISE_PERCENT: u32 = 50;
/// Range of the training share, in percent (the data module's 10–90 %).
pub const MIN_TRAIN_PERCENT: u32 = 10;
pub const MAX_TRAIN_PERCENT: u32 = 90;
/// Largest learning rate: far beyond useful, but a run that diverges is a lesson, not an error.
pub const MAX_LEARNING_RATE: f32 = 1e6;
pub const MAX_BATCH: usize = 10_000;
pub const MAX_DROPOUT: f32 = 0.9;
pub const MAX_REG_RATE: f32 = 10.0;
pub const MAX_CLIP: f32 = 1e6;
// The speed setting's bound on one `step` call, read here by the session's limits.
pub use super::speed::MAX_STEP_BATCHES;

/// Serialises a value as its `Display` token and reads it back with `FromStr`, so the JSON
/// config says `"tanh"` and `"spirals3"` exactly as the URL does.
pub(crate) mod token {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use std::fmt::Display;
    use std::str::FromStr;

    pub fn serialize<T: Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(d)?;
        text.parse().map_err(D::Error::custom)
    }

    /// `None` is written as `null` (the URL's `auto`).
    pub mod option {
        use super::*;

        pub fn serialize<T: Display, S: Serializer>(
            value: &Option<T>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.collect_str(v),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
        where
            T: FromStr,
            T::Err: Display,
            D: Deserializer<'de>,
        {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(t) if t == "auto" => Ok(None),
                Some(t) => t.parse().map(Some).map_err(D::Error::custom),
            }
        }
    }
}

/// Where the points come from and how they are split.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataSettings {
    #[serde(with = "token")]
    pub dataset: DatasetKind,
    /// Noise in percent, 0–50 (generated sets only).
    #[serde(rename = "noise")]
    pub noise_percent: u32,
    /// Number of generated points, [`MIN_POINTS`]–[`MAX_POINTS`].
    pub points: usize,
    /// Share of the points used for training, in percent, 10–90.
    #[serde(rename = "train")]
    pub train_percent: u32,
    /// Seed of the generated points and of the train/test split.
    pub seed: u32,
    /// Inputs derived from (x1, x2); ignored by the shipped sets and CSV files.
    pub features: FeatureSet,
}

impl Default for DataSettings {
    fn default() -> Self {
        DataSettings {
            dataset: DatasetKind::Circle,
            noise_percent: 0,
            points: 500,
            train_percent: 50,
            seed: 1,
            features: FeatureSet::default(),
        }
    }
}

/// One hidden layer as picked on the page.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HiddenLayer {
    pub units: usize,
    #[serde(with = "token")]
    pub activation: Activation,
}

/// The network's architecture and initial weights. The output layer's width follows the data
/// (1 for two classes and for regression, K for K classes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkSettings {
    pub hidden: Vec<HiddenLayer>,
    /// Output activation; `None` derives it from the task (see [`default_head`]).
    #[serde(with = "token::option")]
    pub output: Option<Activation>,
    /// Loss; `None` derives it from the task.
    #[serde(with = "token::option")]
    pub loss: Option<Loss>,
    #[serde(with = "token")]
    pub initializer: Initializer,
    /// Seed of the initial weights, and of the shuffling and dropout.
    pub seed: u32,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            hidden: vec![
                HiddenLayer {
                    units: 4,
                    activation: Activation::Tanh,
                },
                HiddenLayer {
                    units: 2,
                    activation: Activation::Tanh,
                },
            ],
            output: None,
            loss: None,
            initializer: Initializer::GlorotUniform,
            seed: 1,
        }
    }
}

/// How the network is trained; changing only these keeps the weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingSettings {
    pub optimizer: Optimizer,
    pub learning_rate: f32,
    #[serde(with = "token")]
    pub schedule: LrSchedule,
    pub batch_size: usize,
    #[serde(with = "token")]
    pub regularization: Regularization,
    /// Dropout rate on every hidden layer, 0–0.9.
    pub dropout: f32,
    /// Gradient clipping by norm; `None` = off.
    pub clip_norm: Option<f32>,
}

impl Default for TrainingSettings {
    /// The TensorFlow Playground's defaults: plain SGD, learning rate 0.03, batch 10.
    fn default() -> Self {
        TrainingSettings {
            optimizer: Optimizer::Sgd,
            learning_rate: 0.03,
            schedule: LrSchedule::Constant,
            batch_size: 10,
            regularization: Regularization::None,
            dropout: 0.0,
            clip_norm: None,
        }
    }
}

/// Everything that defines a playground run (what the URL and a saved JSON hold).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlaygroundConfig {
    pub data: DataSettings,
    pub network: NetworkSettings,
    pub training: TrainingSettings,
}

/// UI-only switches: they share the URL but never reach the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewSettings {
    /// Draw the test points on the plane.
    pub show_test: bool,
    /// Colour the plane by predicted class (or sign) instead of shading by confidence.
    pub discretize: bool,
    /// Logarithmic loss axis.
    pub log_scale: bool,
    /// How much the page trains per displayed frame (default: one epoch).
    pub speed: super::speed::Speed,
    /// The open teaching-tool panel, if any.
    pub tool: Option<super::tool::Tool>,
    /// Presenter mode: large type, thick lines, high contrast, only the essential controls.
    pub present: bool,
    /// The optimizer race's lanes (`race=sgd:0.03,adam:0.03`).
    pub race: super::race::RaceLanes,
    /// Pause when this many epochs are complete (`stop_epoch=`; `None`: never).
    pub stop_epoch: Option<u32>,
    /// Pause when the test loss has not improved for this many epochs (`patience=`).
    pub patience: Option<u32>,
    /// The guided lesson's step the lessons panel shows (`lesson=2.3`; `None`: the list).
    pub lesson: Option<super::lessons::LessonRef>,
}

// The head rule (what `auto` means per task, which pairs suit it) is the library's, shared with
// the CLI; its old names here are kept for their readers.
pub use crate::nn::head::{check_head, default_head, outputs as outputs_for};

impl PlaygroundConfig {
    /// The (output activation, loss) actually used for `task`: the user's explicit choice when it
    /// suits the task, the task's default otherwise (a CSV file can change the task under a
    /// choice made for another one).
    pub fn head(&self, task: Task) -> (Activation, Loss) {
        head::resolve(task, self.network.output, self.network.loss)
    }

    /// The (output activation, loss) the settings ask for on `task`, compatible or not.
    fn requested_head(&self, task: Task) -> (Activation, Loss) {
        head::requested(task, self.network.output, self.network.loss)
    }

    /// The network this config asks for on data with `in_dim` inputs and `task`.
    pub fn network_config(&self, in_dim: usize, task: Task) -> NetworkConfig {
        let dropout = self.training.dropout;
        let mut layers: Vec<LayerConfig> = self
            .network
            .hidden
            .iter()
            .map(|h| LayerConfig {
                units: h.units,
                activation: h.activation,
                regularization: None,
                dropout,
            })
            .collect();
        let (out, _) = self.head(task);
        layers.push(LayerConfig::new(outputs_for(task), out));
        NetworkConfig {
            in_dim,
            layers,
            initializer: self.network.initializer,
            seed: self.network.seed as u64,
        }
    }

    /// The training loop's config for `task`.
    pub fn train_config(&self, task: Task) -> TrainConfig {
        let t = &self.training;
        TrainConfig {
            optimizer: t.optimizer,
            learning_rate: t.learning_rate,
            schedule: t.schedule,
            loss: self.head(task).1,
            batch_size: t.batch_size,
            epochs: 1,
            regularization: t.regularization,
            clip_norm: t.clip_norm,
            shuffle: true,
            validation_split: 0.0,
            early_stopping: None,
            metric: None,
            // The weight seed also drives shuffling and dropout, so one seed replays a whole run.
            seed: self.network.seed as u64,
        }
    }

    // `validate`, which checks a whole config against the URL table's rules, is in
    // session.rs: the table (query.rs) reads this file, so this file does not read it.

    /// Checks that the requested output and loss suit the data set's task.
    pub(crate) fn validate_head(&self) -> Result<(), NnError> {
        let task = self.data.dataset.task();
        let (out, loss) = self.requested_head(task);
        check_head(task, out, loss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::options;

    fn units(config: &PlaygroundConfig) -> Vec<usize> {
        config.network.hidden.iter().map(|h| h.units).collect()
    }

    #[test]
    fn the_picker_brings_an_image_set_s_network_and_takes_it_back_to_a_2d_set() {
        use crate::playground::query::{UrlState, parse, switch_dataset};
        let circle = parse("dataset=circle&layers=8,8&lr=0.1&showtest=1").0;
        let digits = switch_dataset(&circle, DatasetKind::Digits);
        assert_eq!(units(&digits.config), [64]);
        assert_eq!(digits.config.training.learning_rate, 0.003);
        assert!(digits.view.show_test, "view settings stay");
        let mut wide = digits.clone();
        wide.config.network.hidden[0].units = 200;
        let mnist = switch_dataset(&wide, DatasetKind::Mnist);
        assert_eq!(units(&mnist.config), [64, 64]);
        let back = switch_dataset(&mnist, DatasetKind::Spiral);
        let defaults = UrlState::default();
        assert_eq!(back.config.network, defaults.config.network);
        assert_eq!(back.config.training, defaults.config.training);
        assert_eq!(back.config.data.train_percent, 50);
        // Between two 2-D sets nothing but the data set changes.
        let xor = switch_dataset(&circle, DatasetKind::Xor);
        assert_eq!(xor.config.network, circle.config.network);
        assert_eq!(xor.config.training.learning_rate, 0.1);
    }

    #[test]
    fn image_sets_allow_256_units_a_layer_and_the_2d_sets_keep_32() {
        assert_eq!(max_units(DatasetKind::Mnist), 256);
        assert_eq!(max_units(DatasetKind::Digits), 256);
        for kind in [DatasetKind::Circle, DatasetKind::Spiral, DatasetKind::Iris] {
            assert_eq!(max_units(kind), MAX_UNITS, "{kind}");
        }
        let (config, notices) =
            PlaygroundConfig::from_query("dataset=mnist&layers=64,64&act=relu&opt=adam&lr=0.001");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(units(&config), [64, 64]);
        assert_eq!(config.training.optimizer.to_string(), "adam");
        config.validate().unwrap();
        // The data set's key may come after the layers in a link: the cap is still its own.
        let (config, notices) = PlaygroundConfig::from_query("layers=256,200&dataset=digits");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(units(&config), [256, 200]);
        // Over the cap: the layers fall back and the notice names the image sets' limit.
        let (config, notices) = PlaygroundConfig::from_query("dataset=digits&layers=257");
        assert_eq!(notices.len(), 1);
        assert!(
            notices[0].reason.contains("1 to 256"),
            "{}",
            notices[0].reason
        );
        assert_eq!(units(&config), [4, 2]);
        // A 2-D set keeps 32, in a link and in a JSON config alike.
        let (_, notices) = PlaygroundConfig::from_query("dataset=circle&layers=64,64");
        assert_eq!(notices[0].key, "layers");
        assert!(
            notices[0].reason.contains("1 to 32"),
            "{}",
            notices[0].reason
        );
        let (mut config, _) = PlaygroundConfig::from_query("dataset=mnist&layers=64");
        config.data.dataset = DatasetKind::Circle;
        assert!(config.validate().is_err());
        // A link naming an image set alone gets the set's own network; its own keys win.
        let (config, notices) = PlaygroundConfig::from_query("dataset=mnist");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(units(&config), [64, 64]);
        assert_eq!(config.data.train_percent, 80);
        let (config, _) = PlaygroundConfig::from_query("dataset=digits&layers=16&train=50");
        assert_eq!((units(&config), config.data.train_percent), (vec![16], 50));
        assert_eq!(config.training.optimizer.to_string(), "adam");
        assert_eq!(PlaygroundConfig::from_query(&config.to_query()).0, config);
        // The page reads both caps.
        let limits = options().limits;
        assert_eq!((limits.max_units, limits.max_image_units), (32, 256));
    }
}
