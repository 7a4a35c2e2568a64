//! Every menu option of the page with its tooltip, limits, the URL table and the colours, in
//! one serialisable value, so the page hard-codes no list and cannot drift from the Rust side.

use super::config::*;
use super::query::{self, FIELDS, UrlState};
use super::render::{self, PALETTE};
use super::session::MAX_STEP_BATCHES;
use crate::data::points::{MAX_HAND_CLASSES, MAX_HAND_POINTS};
use crate::data::{DatasetKind, Feature, MAX_K, MIN_K, Task};
use crate::nn::activation::Activation;
use crate::nn::head;
use crate::nn::init::Initializer;
use crate::nn::loss::Loss;
use crate::nn::regularization::Regularization;
use crate::nn::token::TokenSet;
use crate::train::optim::{LrSchedule, Optimizer};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct DatasetOption {
    pub token: String,
    pub description: &'static str,
    pub task: &'static str,
    /// Number of classes, 0 for regression.
    pub classes: usize,
    /// Drawn on the plane (generated sets).
    pub plane: bool,
    pub generated: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActivationOption {
    pub token: String,
    pub description: &'static str,
    pub hidden: bool,
    pub output: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct LossOption {
    pub token: String,
    pub description: &'static str,
    /// The output activation the loss needs, if any.
    pub output: Option<String>,
    /// Tasks some output can serve with this loss.
    pub tasks: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParamOption {
    /// The URL key (also the JSON config's field name).
    pub key: &'static str,
    pub name: &'static str,
    pub default: f32,
    pub min: f32,
    pub max: f32,
    pub min_exclusive: bool,
    pub max_exclusive: bool,
    pub description: &'static str,
    /// The `nnplay train` flag, without its `--`.
    pub flag: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct OptimizerOption {
    pub token: &'static str,
    pub description: &'static str,
    pub params: Vec<ParamOption>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TokenOption {
    pub token: String,
    pub description: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct FeatureOption {
    pub token: &'static str,
    pub label: &'static str,
    pub description: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct UrlKey {
    pub key: &'static str,
    pub field: &'static str,
    pub default: String,
    pub description: &'static str,
    pub view: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct OutputsByTask {
    pub binary: Vec<(String, String)>,
    pub multiclass: Vec<(String, String)>,
    pub regression: Vec<(String, String)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Limits {
    pub max_hidden_layers: usize,
    /// Neurons per hidden layer on the 2-D sets (and CSV files).
    pub max_units: usize,
    /// Neurons per hidden layer on the shipped image sets (digits, MNIST).
    pub max_image_units: usize,
    pub points: (usize, usize),
    pub noise: (u32, u32),
    pub train: (u32, u32),
    pub batch: (usize, usize),
    pub lr: (f32, f32),
    pub dropout: (f32, f32),
    pub reg_rate: (f32, f32),
    pub clip_max: f32,
    pub render_res: (usize, usize),
    pub neuron_res: (usize, usize),
    pub max_step_batches: usize,
    pub hand_points_max: usize,
    pub hand_classes: (usize, usize),
    /// The plane is [-plane, plane]².
    pub plane: f32,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegressionColours {
    pub negative: String,
    pub zero: String,
    pub positive: String,
}

/// Everything the page's menus need.
#[derive(Clone, Debug, Serialize)]
pub struct Options {
    pub datasets: Vec<DatasetOption>,
    pub activations: Vec<ActivationOption>,
    pub losses: Vec<LossOption>,
    pub outputs_by_task: OutputsByTask,
    pub optimizers: Vec<OptimizerOption>,
    pub initializers: Vec<TokenOption>,
    pub schedules: Vec<TokenOption>,
    pub regularizations: Vec<TokenOption>,
    pub features: Vec<FeatureOption>,
    pub limits: Limits,
    pub url: Vec<UrlKey>,
    pub palette: Vec<String>,
    pub regression_colors: RegressionColours,
    /// The default query (config and view).
    pub defaults: String,
    /// The speed menu's presets (`speed` key).
    pub speeds: Vec<super::speed::SpeedOption>,
}

fn dataset_kinds() -> Vec<DatasetKind> {
    let mut kinds = Vec::new();
    for k in DatasetKind::all() {
        match k {
            DatasetKind::SpiralsK { .. } => {
                kinds.extend((MIN_K..=MAX_K).map(|classes| DatasetKind::SpiralsK { classes }))
            }
            DatasetKind::BlobsK { .. } => {
                kinds.extend((MIN_K..=MAX_K).map(|classes| DatasetKind::BlobsK { classes }))
            }
            other => kinds.push(other),
        }
    }
    kinds
}

fn pairs_for(task: Task) -> Vec<(String, String)> {
    head::pairs(task)
        .into_iter()
        .map(|(out, loss)| (out.to_string(), loss.to_string()))
        .collect()
}

/// Builds the option lists.
pub fn options() -> Options {
    let representative = [
        Task::BinaryClassification,
        Task::MultiClassification { classes: 3 },
        Task::Regression,
    ];
    let datasets = dataset_kinds()
        .into_iter()
        .map(|k| DatasetOption {
            token: k.to_string(),
            description: k.description(),
            task: k.task().token(),
            classes: match k.task() {
                Task::BinaryClassification => 2,
                Task::MultiClassification { classes } => classes,
                Task::Regression => 0,
            },
            plane: k.is_2d(),
            generated: !k.is_builtin(),
        })
        .collect();
    let activations = Activation::all()
        .iter()
        .map(|a| ActivationOption {
            token: a.to_string(),
            description: a.description(),
            hidden: !a.is_row_wise(),
            output: true,
        })
        .collect();
    let losses = Loss::all()
        .iter()
        .map(|l| LossOption {
            token: l.to_string(),
            description: l.description(),
            output: l.required_output().map(|a| a.to_string()),
            tasks: representative
                .iter()
                .filter(|&&t| head::pairs(t).iter().any(|&(_, loss)| loss == *l))
                .map(|&t| t.token())
                .collect(),
        })
        .collect();
    let optimizers = Optimizer::all()
        .iter()
        .map(|o| OptimizerOption {
            token: o.name(),
            description: o.description(),
            params: o
                .hyperparameters()
                .into_iter()
                .map(|(h, default)| {
                    let spec = h.spec();
                    ParamOption {
                        key: spec.key,
                        name: spec.label,
                        default,
                        min: spec.range.min,
                        max: spec.range.max,
                        min_exclusive: spec.range.min_exclusive,
                        max_exclusive: spec.range.max_exclusive,
                        description: spec.help,
                        flag: h.flag(),
                    }
                })
                .collect(),
        })
        .collect();
    let schedules = LrSchedule::all()
        .iter()
        .map(|s| TokenOption {
            token: s.to_string(),
            description: s.description(),
        })
        .collect();
    // The penalty's name alone: the page sets its rate with the `rate` key.
    let regularizations = Regularization::FORMS
        .iter()
        .map(|form| TokenOption {
            token: form.name.to_string(),
            description: form.defaults().description(),
        })
        .collect();
    let features = Feature::ALL
        .iter()
        .map(|f| FeatureOption {
            token: f.token(),
            label: f.label(),
            description: format!("The input {} of each point.", f.label()),
        })
        .collect();
    let defaults = UrlState::default();
    Options {
        datasets,
        activations,
        losses,
        outputs_by_task: OutputsByTask {
            binary: pairs_for(Task::BinaryClassification),
            multiclass: pairs_for(Task::MultiClassification { classes: 3 }),
            regression: pairs_for(Task::Regression),
        },
        optimizers,
        initializers: Initializer::all()
            .iter()
            .map(|i| TokenOption {
                token: i.to_string(),
                description: i.description(),
            })
            .collect(),
        schedules,
        regularizations,
        features,
        limits: Limits {
            max_hidden_layers: MAX_HIDDEN_LAYERS,
            max_units: MAX_UNITS,
            max_image_units: MAX_IMAGE_UNITS,
            points: (MIN_POINTS, MAX_POINTS),
            noise: (0, MAX_NOISE_PERCENT),
            train: (MIN_TRAIN_PERCENT, MAX_TRAIN_PERCENT),
            batch: (1, MAX_BATCH),
            lr: (0.0, MAX_LEARNING_RATE),
            dropout: (0.0, MAX_DROPOUT),
            reg_rate: (0.0, MAX_REG_RATE),
            clip_max: MAX_CLIP,
            render_res: (render::MIN_RES, render::MAX_RES),
            neuron_res: (render::MIN_THUMB_RES, render::MAX_THUMB_RES),
            max_step_batches: MAX_STEP_BATCHES,
            hand_points_max: MAX_HAND_POINTS,
            hand_classes: (2, MAX_HAND_CLASSES),
            plane: crate::data::synthetic::DOMAIN,
        },
        url: FIELDS
            .iter()
            .map(|f| UrlKey {
                key: f.key,
                field: f.field,
                default: f.default_value(),
                description: f.description,
                view: f.view,
            })
            .collect(),
        palette: PALETTE.iter().map(|&c| render::hex(c)).collect(),
        regression_colors: RegressionColours {
            negative: render::hex(PALETTE[0]),
            zero: "#ffffff".into(),
            positive: render::hex(PALETTE[1]),
        },
        defaults: query::write(&defaults, true),
        speeds: super::speed::options(),
    }
}
