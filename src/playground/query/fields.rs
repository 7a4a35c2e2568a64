//! The rows of the URL table: for each link key its name, description and how the value is read
//! and written. [`FIELDS`] is assembled at compile time from these rows and one row per
//! optimizer hyperparameter; `query.rs` walks it to parse, write and validate links.

use super::*;

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

pub(super) fn num_in_range(text: &str, r: &Range) -> Result<f32, String> {
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

/// Limits of the stopping rules' link fields.
const MAX_STOP_EPOCH: u32 = 1_000_000;
const MAX_PATIENCE: u32 = 10_000;

/// A whole number in [min, max], or `None` for empty text (the rule is off).
fn optional_whole(text: &str, min: u32, max: u32) -> Result<Option<u32>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    whole_in(text, min as u64, max as u64).map(|v| Some(v as u32))
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
        description: "Neurons in each hidden layer, comma-separated (up to 8 layers of up to 32 neurons; 256 on the image sets).",
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
            // The data set's row comes first in the table, so its cap is known here.
            let cap = max_units(s.config.data.dataset) as u64;
            let units: Vec<usize> = if t.trim().is_empty() {
                Vec::new()
            } else {
                t.split(',')
                    .map(|u| whole_in(u, 1, cap).map(|u| u as usize))
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
        key: "present",
        field: "presenter mode",
        description: "Large type, thick lines and high contrast for a projector, with only the essential controls.",
        view: true,
        get: |s| bit(s.view.present),
        set: |s, t| {
            s.view.present = flag(t)?;
            Ok(())
        },
    },
    Own {
        key: "tool",
        field: "teaching tool",
        description: "The open teaching-tool panel: race, inspector, landscape, health or lessons (empty: none).",
        view: true,
        get: |s| s.view.tool.map(|t| t.to_string()).unwrap_or_default(),
        set: |s, t| {
            s.view.tool = if t.trim().is_empty() {
                None
            } else {
                Some(t.parse().map_err(err)?)
            };
            Ok(())
        },
    },
    Own {
        key: "race",
        field: "race lanes",
        description: "The optimizer race's 2–4 lanes, each optimizer:learning_rate (e.g. sgd:0.03,momentum:0.03,adam:0.01).",
        view: true,
        get: |s| s.view.race.to_string(),
        set: |s, t| {
            s.view.race = t.parse()?;
            Ok(())
        },
    },
    Own {
        key: "stop_epoch",
        field: "stop at epoch",
        description: "Pause training when this many epochs are complete (empty: never).",
        view: true,
        get: |s| s.view.stop_epoch.map(|n| n.to_string()).unwrap_or_default(),
        set: |s, t| {
            s.view.stop_epoch = optional_whole(t, 1, MAX_STOP_EPOCH)?;
            Ok(())
        },
    },
    Own {
        key: "patience",
        field: "stop on a plateau",
        description: "Pause training when the test loss has not improved for this many epochs (empty: never).",
        view: true,
        get: |s| s.view.patience.map(|n| n.to_string()).unwrap_or_default(),
        set: |s, t| {
            s.view.patience = optional_whole(t, 1, MAX_PATIENCE)?;
            Ok(())
        },
    },
    Own {
        key: "lesson",
        field: "lesson step",
        description: "The guided lesson and step the lessons panel shows, lesson.step (e.g. 2.1; empty: the list).",
        view: true,
        get: |s| s.view.lesson.map(|l| l.to_string()).unwrap_or_default(),
        set: |s, t| {
            s.view.lesson = if t.trim().is_empty() {
                None
            } else {
                Some(t.parse()?)
            };
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
