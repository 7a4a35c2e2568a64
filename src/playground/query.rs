//! The URL state: one declarative table of fields (URL key, name, description, how to read and
//! write the value) drives parsing, writing, validation, the defaults and the page's option
//! lists. The optimizer's hyperparameters are rows generated from their own table
//! ([`Hyperparameter`]), older keys included, so a new one needs no edit here. A hostile or
//! stale link never fails: each bad field keeps its default and yields a [`Notice`] naming the
//! field, the rejected value and why.

use super::config::*;
use crate::data::{DatasetKind, FeatureSet};
use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::init::Initializer;
use crate::nn::loss::Loss;
use crate::nn::regularization::Regularization;
use crate::nn::token::{self, TokenSet};
use crate::train::optim::{Hyperparameter, LrSchedule, Optimizer, Range};
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
    /// The URL key as the link wrote it, e.g. `lr` (or an older key such as `wd`).
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
#[derive(Clone, Copy)]
pub struct UrlField {
    pub key: &'static str,
    pub field: &'static str,
    pub description: &'static str,
    /// UI-only switch (never part of the model config).
    pub view: bool,
    /// Keys of older links read as this one (`wd` for `weight_decay`); never written.
    pub aliases: &'static [&'static str],
    access: Access,
}

/// How a row reads and writes its value.
#[derive(Clone, Copy)]
enum Access {
    /// A setting with its own code, written as an [`Own`] row below.
    Own { get: Getter, set: Setter },
    /// An optimizer hyperparameter: its range and default come from its table.
    Hyperparameter(Hyperparameter),
}

type Getter = fn(&UrlState) -> String;
type Setter = fn(&mut UrlState, &str) -> Result<(), String>;

/// A row with its own code, as the table below writes it.
struct Own {
    key: &'static str,
    field: &'static str,
    description: &'static str,
    view: bool,
    get: Getter,
    set: Setter,
}

impl UrlField {
    const fn own(row: &Own) -> UrlField {
        UrlField {
            key: row.key,
            field: row.field,
            description: row.description,
            view: row.view,
            aliases: &[],
            access: Access::Own {
                get: row.get,
                set: row.set,
            },
        }
    }

    const fn hyperparameter(h: Hyperparameter) -> UrlField {
        let spec = h.spec();
        UrlField {
            key: spec.key,
            field: spec.label,
            description: spec.help,
            view: false,
            aliases: spec.aliases,
            access: Access::Hyperparameter(h),
        }
    }

    /// The field's value in `state`, as written in a URL. A hyperparameter the optimizer does not
    /// have is written with its table default, so every link carries every key.
    pub fn value(&self, state: &UrlState) -> String {
        match self.access {
            Access::Own { get, .. } => get(state),
            Access::Hyperparameter(h) => token::number(
                state
                    .config
                    .training
                    .optimizer
                    .hyperparameter(h)
                    .unwrap_or(h.default()),
            ),
        }
    }

    /// The field's default value, as written in a URL.
    pub fn default_value(&self) -> String {
        self.value(&UrlState::default())
    }

    /// Reads `text` into `state`, or says why not. A hyperparameter is range-checked even when
    /// the current optimizer ignores it, so a bad link is reported either way.
    fn apply(&self, state: &mut UrlState, text: &str) -> Result<(), String> {
        match self.access {
            Access::Own { set, .. } => set(state, text),
            Access::Hyperparameter(h) => {
                let v = num_in_range(text, &h.spec().range)?;
                state.config.training.optimizer.set_hyperparameter(h, v);
                Ok(())
            }
        }
    }

    /// True when a link's `key` names this row (its key or an older one).
    fn answers_to(&self, key: &str) -> bool {
        self.key == key || self.aliases.contains(&key)
    }
}

/// Longest rejected value echoed back in a notice.
const MAX_ECHO: usize = 60;

fn num_in(text: &str, min: f32, max: f32, min_open: bool, max_open: bool) -> Result<f32, String> {
    let v: f32 = text
        .trim()
        .parse()
        .map_err(|_| "is not a number".to_string())?;
    let range = format!(
        "{}{}, {}{}",
        if min_open { "(" } else { "[" },
        token::number(min),
        token::number(max),
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

fn num_in_range(text: &str, r: &Range) -> Result<f32, String> {
    num_in(text, r.min, r.max, r.min_exclusive, r.max_exclusive)
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

/// The rows up to the optimizer and its learning rate; the hyperparameter rows follow them
/// (they are applied after `opt`, which resets them to the optimizer's defaults).
const LEADING: &[Own] = &[
    Own {
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
    Own {
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
    Own {
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
    Own {
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
    Own {
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
    Own {
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
    Own {
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
    Own {
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
                token::split_list(t)
                    .into_iter()
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
    Own {
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
    Own {
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
    Own {
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
    Own {
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
    Own {
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
    Own {
        key: "lr",
        field: "learning rate",
        description: "How big a step each update takes.",
        view: false,
        get: |s| token::number(s.config.training.learning_rate),
        set: |s, t| {
            s.config.training.learning_rate = num_in(t, 0.0, MAX_LEARNING_RATE, false, false)?;
            Ok(())
        },
    },
];

/// The rows after the hyperparameters.
const TRAILING: &[Own] = &[
    Own {
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
    Own {
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
    Own {
        key: "reg",
        field: "regularization",
        description: "A penalty on large weights: none, L1 (sparse) or L2 (small).",
        view: false,
        // The penalty's name alone: its rate is the `rate` key.
        get: |s| s.config.training.regularization.token().0.into(),
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
    Own {
        key: "rate",
        field: "regularization rate",
        description: "Strength of the weight penalty.",
        view: false,
        get: |s| token::number(s.config.training.regularization.rate()),
        set: |s, t| {
            let v = num_in(t, 0.0, MAX_REG_RATE, false, false)?;
            match &mut s.config.training.regularization {
                Regularization::None => {}
                Regularization::L1 { rate } | Regularization::L2 { rate } => *rate = v,
            }
            Ok(())
        },
    },
    Own {
        key: "dropout",
        field: "dropout",
        description: "Fraction of hidden neurons switched off at random in each training step.",
        view: false,
        get: |s| token::number(s.config.training.dropout),
        set: |s, t| {
            s.config.training.dropout = num_in(t, 0.0, MAX_DROPOUT, false, false)?;
            Ok(())
        },
    },
    Own {
        key: "clip",
        field: "gradient clipping",
        description: "Largest gradient norm; longer gradients are scaled down. Empty = off.",
        view: false,
        get: |s| {
            s.config
                .training
                .clip_norm
                .map_or(String::new(), token::number)
        },
        set: |s, t| {
            s.config.training.clip_norm = if t.trim().is_empty() {
                None
            } else {
                Some(num_in(t, 0.0, MAX_CLIP, true, false)?)
            };
            Ok(())
        },
    },
    Own {
        key: "speed",
        field: "speed",
        description: "How much the page trains per displayed frame: epochs(n), steps(n) or fast.",
        view: true,
        get: |s| s.view.speed.to_string(),
        set: |s, t| {
            s.view.speed = t.parse().map_err(err)?;
            Ok(())
        },
    },
    Own {
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
    Own {
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
    Own {
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

const COUNT: usize = LEADING.len() + Hyperparameter::ALL.len() + TRAILING.len();

/// The table, assembled at compile time from the rows above and one row per hyperparameter.
static TABLE: [UrlField; COUNT] = {
    let mut table = [UrlField::own(&LEADING[0]); COUNT];
    let mut i = 0;
    while i < LEADING.len() {
        table[i] = UrlField::own(&LEADING[i]);
        i += 1;
    }
    let mut j = 0;
    while j < Hyperparameter::ALL.len() {
        table[i + j] = UrlField::hyperparameter(Hyperparameter::ALL[j]);
        j += 1;
    }
    let mut k = 0;
    while k < TRAILING.len() {
        table[i + j + k] = UrlField::own(&TRAILING[k]);
        k += 1;
    }
    table
};

/// The URL table, in the order keys are written (and applied: a row may read the rows above it).
pub static FIELDS: &[UrlField] = &TABLE;

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
        if !FIELDS.iter().any(|f| f.answers_to(k)) {
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
        if let Some((k, v)) = pairs.iter().rev().find(|(k, _)| f.answers_to(k))
            && let Err(reason) = f.apply(&mut state, v)
        {
            notices.push(Notice {
                key: k.clone(),
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
        f.apply(&mut scratch, &text).map_err(|reason| {
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
