//! The URL state: one declarative table of fields (URL key, name, description, how to read and
//! write the value) drives parsing, writing, validation, the defaults and the page's option
//! lists. A hostile or stale link never fails: each bad field keeps its default and yields a
//! [`Notice`] naming the field, the rejected value and why.

use super::config::*;
use crate::data::{DatasetKind, FeatureSet};
use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::init::Initializer;
use crate::nn::loss::Loss;
use crate::nn::regularization::Regularization;
use crate::train::optim::{LrSchedule, Optimizer};
use serde::Serialize;

/// Everything a URL holds: the model config and the UI-only view switches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UrlState {
    pub config: PlaygroundConfig,
    pub view: ViewSettings,
}

/// Why one field of a link was not used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// The URL key, e.g. `lr`.
    pub key: String,
    /// Its human name, e.g. `learning rate`.
    pub field: String,
    /// The rejected value (shortened if long).
    pub value: String,
    pub reason: String,
    /// The value used instead.
    pub fallback: String,
}

/// One row of the URL table.
pub struct UrlField {
    pub key: &'static str,
    pub field: &'static str,
    pub description: &'static str,
    /// UI-only switch (never part of the model config).
    pub view: bool,
    get: fn(&UrlState) -> String,
    set: fn(&mut UrlState, &str) -> Result<(), String>,
}

impl UrlField {
    /// The field's value in `state`, as written in a URL.
    pub fn value(&self, state: &UrlState) -> String {
        (self.get)(state)
    }

    /// The field's default value, as written in a URL.
    pub fn default_value(&self) -> String {
        (self.get)(&UrlState::default())
    }
}

/// Longest rejected value echoed back in a notice.
const MAX_ECHO: usize = 60;

/// Numbers as written in URLs: plain decimals, exponent form for the very small and very large
/// (`1e-8`). Both forms are the shortest text that reads back to the same `f32`.
pub fn fmt_num(v: f32) -> String {
    if v != 0.0 && (v.abs() < 1e-4 || v.abs() >= 1e7) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn num_in(text: &str, min: f32, max: f32, min_open: bool, max_open: bool) -> Result<f32, String> {
    let v: f32 = text
        .trim()
        .parse()
        .map_err(|_| "is not a number".to_string())?;
    let range = format!(
        "{}{}, {}{}",
        if min_open { "(" } else { "[" },
        fmt_num(min),
        fmt_num(max),
        if max_open { ")" } else { "]" }
    );
    if !v.is_finite() {
        return Err(format!("must be a finite number in {range}"));
    }
    let low_ok = if min_open { v > min } else { v >= min };
    let high_ok = if max_open { v < max } else { v <= max };
    if low_ok && high_ok {
        Ok(v)
    } else {
        Err(format!("must be in {range}"))
    }
}

fn whole_in(text: &str, min: u64, max: u64) -> Result<u64, String> {
    let v: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("must be a whole number from {min} to {max}"))?;
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(format!("must be a whole number from {min} to {max}"))
    }
}

fn flag(text: &str) -> Result<bool, String> {
    match text.trim() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err("must be 0 or 1".into()),
    }
}

fn bit(b: bool) -> String {
    if b { "1" } else { "0" }.into()
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The optimizer's hyperparameter named by a URL key, if it has one.
fn opt_param(opt: &Optimizer, key: &str) -> Option<f32> {
    use Optimizer as O;
    match (*opt, key) {
        (O::Momentum { momentum } | O::Nesterov { momentum }, "momentum") => Some(momentum),
        (O::Adam { beta1, .. } | O::AdamW { beta1, .. }, "beta1") => Some(beta1),
        (O::Adam { beta2, .. } | O::AdamW { beta2, .. }, "beta2") => Some(beta2),
        (
            O::AdaGrad { eps, .. }
            | O::RmsProp { eps, .. }
            | O::Adam { eps, .. }
            | O::AdamW { eps, .. },
            "eps",
        ) => Some(eps),
        (O::RmsProp { alpha, .. }, "alpha") => Some(alpha),
        (O::AdamW { weight_decay, .. }, "wd") => Some(weight_decay),
        (
            O::AdaGrad {
                initial_accumulator,
                ..
            },
            "accum",
        ) => Some(initial_accumulator),
        _ => None,
    }
}

fn set_opt_param(opt: &mut Optimizer, key: &str, v: f32) {
    use Optimizer as O;
    match (opt, key) {
        (O::Momentum { momentum } | O::Nesterov { momentum }, "momentum") => *momentum = v,
        (O::Adam { beta1, .. } | O::AdamW { beta1, .. }, "beta1") => *beta1 = v,
        (O::Adam { beta2, .. } | O::AdamW { beta2, .. }, "beta2") => *beta2 = v,
        (
            O::AdaGrad { eps, .. }
            | O::RmsProp { eps, .. }
            | O::Adam { eps, .. }
            | O::AdamW { eps, .. },
            "eps",
        ) => *eps = v,
        (O::RmsProp { alpha, .. }, "alpha") => *alpha = v,
        (O::AdamW { weight_decay, .. }, "wd") => *weight_decay = v,
        (
            O::AdaGrad {
                initial_accumulator,
                ..
            },
            "accum",
        ) => *initial_accumulator = v,
        _ => {}
    }
}

/// A hyperparameter's value for the URL: the optimizer's own, or the default of the first
/// optimizer that has it (so every link carries every key).
fn opt_param_text(opt: &Optimizer, key: &str) -> String {
    // Adam's family first, so `eps` defaults to PyTorch's 1e-8 rather than AdaGrad's 1e-10.
    let fallbacks = [
        Optimizer::adamw(),
        Optimizer::rmsprop(),
        Optimizer::momentum(),
        Optimizer::adagrad(),
    ];
    let v = opt_param(opt, key)
        .or_else(|| fallbacks.iter().find_map(|o| opt_param(o, key)))
        .unwrap_or(0.0);
    fmt_num(v)
}

/// Accepted range of each optimizer hyperparameter key: (min, max, min excluded, max excluded).
pub fn opt_param_range(key: &str) -> (f32, f32, bool, bool) {
    match key {
        "eps" => (0.0, 1.0, true, false),
        "wd" => (0.0, 1.0, false, false),
        "accum" => (0.0, 10.0, false, false),
        // momentum, beta1, beta2, alpha: decay factors in [0, 1).
        _ => (0.0, 1.0, false, true),
    }
}

/// The URL keys of the optimizer hyperparameters, in table order.
pub const OPT_PARAM_KEYS: [&str; 7] = ["momentum", "beta1", "beta2", "eps", "alpha", "wd", "accum"];

/// The hyperparameter keys `opt` uses, with their values.
pub fn opt_params(opt: &Optimizer) -> Vec<(&'static str, f32)> {
    OPT_PARAM_KEYS
        .iter()
        .filter_map(|&k| opt_param(opt, k).map(|v| (k, v)))
        .collect()
}

/// Declares a row for an optimizer hyperparameter: the value is range-checked even when the
/// current optimizer ignores it, so a bad link is reported either way.
macro_rules! opt_row {
    ($key:literal, $field:literal, $desc:literal) => {
        UrlField {
            key: $key,
            field: $field,
            description: $desc,
            view: false,
            get: |s| opt_param_text(&s.config.training.optimizer, $key),
            set: |s, t| {
                let (min, max, min_open, max_open) = opt_param_range($key);
                let v = num_in(t, min, max, min_open, max_open)?;
                set_opt_param(&mut s.config.training.optimizer, $key, v);
                Ok(())
            },
        }
    };
}

/// The URL table, in the order keys are written (and applied: a row may read the rows above it).
pub static FIELDS: &[UrlField] = &[
    UrlField {
        key: "dataset",
        field: "data set",
        description: "Which points to learn: generated 2-D sets, or the shipped digits, MNIST and iris sets.",
        view: false,
        get: |s| s.config.data.dataset.to_string(),
        set: |s, t| {
            s.config.data.dataset = t.parse::<DatasetKind>().map_err(err)?;
            Ok(())
        },
    },
    UrlField {
        key: "noise",
        field: "noise",
        description: "How much the generated points are jittered, in percent (0–50).",
        view: false,
        get: |s| s.config.data.noise_percent.to_string(),
        set: |s, t| {
            s.config.data.noise_percent = whole_in(t, 0, MAX_NOISE_PERCENT as u64)? as u32;
            Ok(())
        },
    },
    UrlField {
        key: "train",
        field: "training share",
        description: "Percentage of the points used for training; the rest test the network.",
        view: false,
        get: |s| s.config.data.train_percent.to_string(),
        set: |s, t| {
            s.config.data.train_percent =
                whole_in(t, MIN_TRAIN_PERCENT as u64, MAX_TRAIN_PERCENT as u64)? as u32;
            Ok(())
        },
    },
    UrlField {
        key: "points",
        field: "number of points",
        description: "How many points are generated.",
        view: false,
        get: |s| s.config.data.points.to_string(),
        set: |s, t| {
            s.config.data.points = whole_in(t, MIN_POINTS as u64, MAX_POINTS as u64)? as usize;
            Ok(())
        },
    },
    UrlField {
        key: "dseed",
        field: "data seed",
        description: "Seed of the generated points and of the train/test split.",
        view: false,
        get: |s| s.config.data.seed.to_string(),
        set: |s, t| {
            s.config.data.seed = whole_in(t, 0, u32::MAX as u64)? as u32;
            Ok(())
        },
    },
    UrlField {
        key: "features",
        field: "input features",
        description: "What the network sees of each point: x1, x2 and quantities derived from them.",
        view: false,
        get: |s| s.config.data.features.to_list(),
        set: |s, t| {
            s.config.data.features = FeatureSet::parse_list(t).map_err(err)?;
            Ok(())
        },
    },
    UrlField {
        key: "layers",
        field: "hidden layers",
        description: "Neurons in each hidden layer, comma-separated (up to 8 layers of up to 32 neurons).",
        view: false,
        get: |s| {
            s.config
                .network
                .hidden
                .iter()
                .map(|h| h.units.to_string())
                .collect::<Vec<_>>()
                .join(",")
        },
        set: |s, t| {
            let units: Vec<usize> = if t.trim().is_empty() {
                Vec::new()
            } else {
                t.split(',')
                    .map(|u| whole_in(u, 1, MAX_UNITS as u64).map(|u| u as usize))
                    .collect::<Result<_, _>>()?
            };
            if units.len() > MAX_HIDDEN_LAYERS {
                return Err(format!(
                    "has {} layers; at most {MAX_HIDDEN_LAYERS} are allowed",
                    units.len()
                ));
            }
            let old = &s.config.network.hidden;
            let act_of = |i: usize| {
                old.get(i)
                    .or(old.last())
                    .map_or(Activation::Tanh, |h| h.activation)
            };
            s.config.network.hidden = units
                .iter()
                .enumerate()
                .map(|(i, &units)| HiddenLayer {
                    units,
                    activation: act_of(i),
                })
                .collect();
            Ok(())
        },
    },
    UrlField {
        key: "act",
        field: "hidden activations",
        description: "Activation of each hidden layer, comma-separated (one token applies to every layer).",
        view: false,
        get: |s| {
            s.config
                .network
                .hidden
                .iter()
                .map(|h| h.activation.to_string())
                .collect::<Vec<_>>()
                .join(",")
        },
        set: |s, t| {
            let hidden = &mut s.config.network.hidden;
            let acts: Vec<Activation> = if t.trim().is_empty() {
                Vec::new()
            } else {
                t.split(',')
                    .map(|a| a.parse::<Activation>().map_err(err))
                    .collect::<Result<_, _>>()?
            };
            if acts.iter().any(Activation::is_row_wise) {
                return Err("softmax can only be the output layer's activation".into());
            }
            match (acts.len(), hidden.len()) {
                (a, h) if a == h => hidden
                    .iter_mut()
                    .zip(&acts)
                    .for_each(|(l, &a)| l.activation = a),
                (1, _) => hidden.iter_mut().for_each(|l| l.activation = acts[0]),
                (a, h) => return Err(format!("lists {a} activations for {h} hidden layers")),
            }
            Ok(())
        },
    },
    UrlField {
        key: "out",
        field: "output activation",
        description: "Activation of the output layer; auto picks it from the task.",
        view: false,
        get: |s| {
            s.config
                .network
                .output
                .map_or("auto".into(), |a| a.to_string())
        },
        set: |s, t| {
            s.config.network.output = if t.trim() == "auto" {
                None
            } else {
                Some(t.parse::<Activation>().map_err(err)?)
            };
            Ok(())
        },
    },
    UrlField {
        key: "loss",
        field: "loss",
        description: "What training minimises; auto picks it from the task.",
        view: false,
        get: |s| {
            s.config
                .network
                .loss
                .map_or("auto".into(), |l| l.to_string())
        },
        set: |s, t| {
            s.config.network.loss = if t.trim() == "auto" {
                None
            } else {
                Some(t.parse::<Loss>().map_err(err)?)
            };
            Ok(())
        },
    },
    UrlField {
        key: "init",
        field: "initializer",
        description: "How the starting weights are drawn.",
        view: false,
        get: |s| s.config.network.initializer.to_string(),
        set: |s, t| {
            s.config.network.initializer = t.parse::<Initializer>().map_err(err)?;
            Ok(())
        },
    },
    UrlField {
        key: "wseed",
        field: "weight seed",
        description: "Seed of the starting weights, the shuffling and dropout: the same seed replays the same run.",
        view: false,
        get: |s| s.config.network.seed.to_string(),
        set: |s, t| {
            s.config.network.seed = whole_in(t, 0, u32::MAX as u64)? as u32;
            Ok(())
        },
    },
    UrlField {
        key: "opt",
        field: "optimizer",
        description: "The update rule that turns gradients into weight changes.",
        view: false,
        get: |s| s.config.training.optimizer.name().into(),
        set: |s, t| {
            s.config.training.optimizer = t.parse::<Optimizer>().map_err(err)?;
            Ok(())
        },
    },
    UrlField {
        key: "lr",
        field: "learning rate",
        description: "How big a step each update takes.",
        view: false,
        get: |s| fmt_num(s.config.training.learning_rate),
        set: |s, t| {
            s.config.training.learning_rate = num_in(t, 0.0, MAX_LEARNING_RATE, false, false)?;
            Ok(())
        },
    },
    opt_row!(
        "momentum",
        "momentum",
        "Momentum and Nesterov: how much of the previous step is kept."
    ),
    opt_row!(
        "beta1",
        "beta1",
        "Adam and AdamW: decay of the running mean of gradients."
    ),
    opt_row!(
        "beta2",
        "beta2",
        "Adam and AdamW: decay of the running mean of squared gradients."
    ),
    opt_row!(
        "eps",
        "epsilon",
        "AdaGrad, RMSProp, Adam, AdamW: keeps the division finite."
    ),
    opt_row!(
        "alpha",
        "alpha",
        "RMSProp: decay of the running mean of squared gradients."
    ),
    opt_row!(
        "wd",
        "weight decay",
        "AdamW: fraction of each weight removed per step (times the learning rate)."
    ),
    opt_row!(
        "accum",
        "initial accumulator",
        "AdaGrad: starting value of the sum of squared gradients."
    ),
    UrlField {
        key: "sched",
        field: "learning-rate schedule",
        description: "How the learning rate changes with the epoch.",
        view: false,
        get: |s| s.config.training.schedule.to_string(),
        set: |s, t| {
            s.config.training.schedule = t.parse::<LrSchedule>().map_err(err)?;
            Ok(())
        },
    },
    UrlField {
        key: "batch",
        field: "batch size",
        description: "Points per weight update (capped at the training-set size).",
        view: false,
        get: |s| s.config.training.batch_size.to_string(),
        set: |s, t| {
            s.config.training.batch_size = whole_in(t, 1, MAX_BATCH as u64)? as usize;
            Ok(())
        },
    },
    UrlField {
        key: "reg",
        field: "regularization",
        description: "A penalty on large weights: none, L1 (sparse) or L2 (small).",
        view: false,
        get: |s| match s.config.training.regularization {
            Regularization::None => "none".into(),
            Regularization::L1 { .. } => "l1".into(),
            Regularization::L2 { .. } => "l2".into(),
        },
        set: |s, t| {
            let rate = s.config.training.regularization.rate();
            s.config.training.regularization = match t.parse::<Regularization>().map_err(err)? {
                Regularization::None => Regularization::None,
                Regularization::L1 { .. } => Regularization::L1 { rate },
                Regularization::L2 { .. } => Regularization::L2 { rate },
            };
            Ok(())
        },
    },
    UrlField {
        key: "rate",
        field: "regularization rate",
        description: "Strength of the weight penalty.",
        view: false,
        get: |s| fmt_num(s.config.training.regularization.rate()),
        set: |s, t| {
            let v = num_in(t, 0.0, MAX_REG_RATE, false, false)?;
            match &mut s.config.training.regularization {
                Regularization::None => {}
                Regularization::L1 { rate } | Regularization::L2 { rate } => *rate = v,
            }
            Ok(())
        },
    },
    UrlField {
        key: "dropout",
        field: "dropout",
        description: "Fraction of hidden neurons switched off at random in each training step.",
        view: false,
        get: |s| fmt_num(s.config.training.dropout),
        set: |s, t| {
            s.config.training.dropout = num_in(t, 0.0, MAX_DROPOUT, false, false)?;
            Ok(())
        },
    },
    UrlField {
        key: "clip",
        field: "gradient clipping",
        description: "Largest gradient norm; longer gradients are scaled down. Empty = off.",
        view: false,
        get: |s| s.config.training.clip_norm.map_or(String::new(), fmt_num),
        set: |s, t| {
            s.config.training.clip_norm = if t.trim().is_empty() {
                None
            } else {
                Some(num_in(t, 0.0, MAX_CLIP, true, false)?)
            };
            Ok(())
        },
    },
    UrlField {
        key: "showtest",
        field: "show test data",
        description: "Draw the test points too.",
        view: true,
        get: |s| bit(s.view.show_test),
        set: |s, t| {
            s.view.show_test = flag(t)?;
            Ok(())
        },
    },
    UrlField {
        key: "discretize",
        field: "discretize output",
        description: "Colour the plane by predicted class instead of shading by confidence.",
        view: true,
        get: |s| bit(s.view.discretize),
        set: |s, t| {
            s.view.discretize = flag(t)?;
            Ok(())
        },
    },
    UrlField {
        key: "logscale",
        field: "logarithmic loss chart",
        description: "Plot the loss on a logarithmic axis.",
        view: true,
        get: |s| bit(s.view.log_scale),
        set: |s, t| {
            s.view.log_scale = flag(t)?;
            Ok(())
        },
    },
];

/// Reads `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Escapes everything but letters, digits and `-_.~,()` so values stay readable in the bar.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn shorten(value: &str) -> String {
    if value.chars().count() <= MAX_ECHO {
        value.to_string()
    } else {
        value.chars().take(MAX_ECHO).collect::<String>() + "…"
    }
}

/// Parses a query (with or without the leading `?`). Never fails: bad fields keep their
/// defaults and are reported, unknown keys are ignored and reported.
pub fn parse(query: &str) -> (UrlState, Vec<Notice>) {
    let query = query.trim().trim_start_matches('?');
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect();
    let mut state = UrlState::default();
    let mut notices = Vec::new();
    for (k, v) in &pairs {
        if !FIELDS.iter().any(|f| f.key == k) {
            notices.push(Notice {
                key: shorten(k),
                field: "unknown".into(),
                value: shorten(v),
                reason: "is not a setting of this playground; ignored".into(),
                fallback: String::new(),
            });
        }
    }
    for f in FIELDS {
        // The last occurrence wins, as with URLSearchParams.set.
        if let Some((_, v)) = pairs.iter().rev().find(|(k, _)| k == f.key)
            && let Err(reason) = (f.set)(&mut state, v)
        {
            notices.push(Notice {
                key: f.key.into(),
                field: f.field.into(),
                value: shorten(v),
                reason,
                fallback: f.value(&state),
            });
        }
    }
    fix_head(&mut state.config, &mut notices);
    (state, notices)
}

/// An output/loss pair that cannot serve the data set's task falls back to `auto`, the loss
/// first (it is usually the stale half of the pair).
fn fix_head(config: &mut PlaygroundConfig, notices: &mut Vec<Notice>) {
    for key in ["loss", "out"] {
        let Err(e) = config.validate_head() else {
            return;
        };
        let field = FIELDS
            .iter()
            .find(|f| f.key == key)
            .expect("both keys are in the table");
        let current = field.value(&UrlState {
            config: config.clone(),
            view: ViewSettings::default(),
        });
        if current == "auto" {
            continue;
        }
        match key {
            "loss" => config.network.loss = None,
            _ => config.network.output = None,
        }
        notices.push(Notice {
            key: key.into(),
            field: field.field.into(),
            value: current,
            reason: format!("does not fit the {} data set: {e}", config.data.dataset),
            fallback: "auto".into(),
        });
    }
}

/// Writes the state as a canonical query (every key, table order, no leading `?`).
pub fn write(state: &UrlState, include_view: bool) -> String {
    FIELDS
        .iter()
        .filter(|f| include_view || !f.view)
        .map(|f| format!("{}={}", f.key, encode(&f.value(state))))
        .collect::<Vec<_>>()
        .join("&")
}

/// Checks each model field by reading its URL text back through its row: the same rules as a
/// link, so a JSON config cannot hold what a URL could not.
pub(crate) fn validate_fields(config: &PlaygroundConfig) -> Result<(), NnError> {
    let given = UrlState {
        config: config.clone(),
        view: ViewSettings::default(),
    };
    let mut scratch = UrlState::default();
    for f in FIELDS.iter().filter(|f| !f.view) {
        let text = f.value(&given);
        (f.set)(&mut scratch, &text).map_err(|reason| {
            NnError::Config(format!(
                "{} ({}) = '{}' {reason}",
                f.field,
                f.key,
                shorten(&text)
            ))
        })?;
    }
    if scratch.config != *config {
        return Err(NnError::Config(
            "the config holds values a link cannot express".into(),
        ));
    }
    Ok(())
}

impl PlaygroundConfig {
    /// Reads the model part of a URL query; view keys are skipped (see [`ViewSettings::from_query`]).
    ///
    /// ```
    /// use nnplay::playground::PlaygroundConfig;
    /// let (config, notices) = PlaygroundConfig::from_query("dataset=xor&lr=NaN&layers=999");
    /// assert_eq!(config.data.dataset.to_string(), "xor");
    /// assert_eq!(config.training.learning_rate, 0.03);
    /// let keys: Vec<&str> = notices.iter().map(|n| n.key.as_str()).collect();
    /// assert_eq!(keys, ["layers", "lr"]);
    /// assert_eq!(PlaygroundConfig::from_query(&config.to_query()).0, config);
    /// ```
    pub fn from_query(query: &str) -> (PlaygroundConfig, Vec<Notice>) {
        let (state, notices) = parse(query);
        let view_keys: Vec<&str> = FIELDS.iter().filter(|f| f.view).map(|f| f.key).collect();
        (
            state.config,
            notices
                .into_iter()
                .filter(|n| !view_keys.contains(&n.key.as_str()))
                .collect(),
        )
    }

    /// The canonical query of the model settings alone.
    pub fn to_query(&self) -> String {
        write(
            &UrlState {
                config: self.clone(),
                view: ViewSettings::default(),
            },
            false,
        )
    }
}

impl ViewSettings {
    /// Reads the view keys of a URL query; bad values fall back to off, silently (the model
    /// parser reports nothing about them either: they are cosmetic).
    pub fn from_query(query: &str) -> ViewSettings {
        parse(query).0.view
    }
}
