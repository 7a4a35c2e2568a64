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

mod fields;
pub use fields::FIELDS;
use fields::num_in_range;

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

/// Escapes everything but letters, digits and `-_.~,():` so values stay readable in the bar.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,():".contains(&b) {
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
    parse_with_fallback(query, None)
}

/// As [`parse`], but a field whose new value is refused keeps its value in `previous` instead
/// of the default: a value typed into the page that cannot be used changes nothing.
pub fn parse_over(query: &str, previous: &UrlState) -> (UrlState, Vec<Notice>) {
    parse_with_fallback(query, Some(previous))
}

fn parse_with_fallback(query: &str, previous: Option<&UrlState>) -> (UrlState, Vec<Notice>) {
    let query = query.trim().trim_start_matches('?');
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect();
    let pairs = with_suggestions(pairs);
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
            if let Some(previous) = previous {
                // The previous value was valid when it was set; should it not be now, the
                // default stays.
                let _ = f.apply(&mut state, &f.value(previous));
            }
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

/// The pairs of a link, after the suggested settings of its data set (see
/// [`suggested_settings`]) for the keys it does not give: the last occurrence wins, so the
/// link's own values override them.
fn with_suggestions(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let dataset = pairs.iter().rev().find(|(k, _)| k == "dataset");
    let Some(kind) = dataset.and_then(|(_, v)| v.trim().parse::<DatasetKind>().ok()) else {
        return pairs;
    };
    let mut all: Vec<(String, String)> = suggested_settings(kind)
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.extend(pairs);
    all
}

/// The state after the data set picker chose `kind`: the data set changes, the rest stays,
/// except that moving to or from an image set (whose suggested settings differ) brings the
/// suggested settings of the new set, or the defaults of the keys the old set suggested, so a
/// 256-neuron MNIST layer does not follow the student to the circle.
pub fn switch_dataset(state: &UrlState, kind: DatasetKind) -> UrlState {
    let from = suggested_settings(state.config.data.dataset);
    let to = suggested_settings(kind);
    let mut next = state.clone();
    next.config.data.dataset = kind;
    if from == to {
        return next;
    }
    let mut query = write(&next, true);
    for key in from
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, _)| k)
    {
        if let Some(f) = FIELDS.iter().find(|f| f.key == key) {
            query.push_str(&format!("&{key}={}", encode(&f.default_value())));
        }
    }
    if !to.is_empty() {
        query.push('&');
        query.push_str(to);
    }
    parse(&query).0
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
