//! What the tool prints: numbers, tables, the `datasets` list, and writing to stdout without
//! panicking when the reader has gone away.

use super::args::DatasetsArgs;
use super::error::CliError;
use nnplay::data::{DatasetKind, MAX_K, MIN_K, Task};
use nnplay::nn::token;
use nnplay::train::TrainConfig;
use nnplay::train::metrics::Metric;
use nnplay::train::optim::Optimizer;
use std::io::Write;
use std::path::Path;

/// Loss and metric on one set.
#[derive(Clone, Copy, Debug)]
pub struct Scores {
    pub loss: f32,
    pub metric: f32,
}

/// Writes `text` to standard output (`println!` would panic on a closed pipe).
pub fn stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| CliError::io(Path::new("standard output"), e))
}

/// A loss value: four significant decimals, exponent form when tiny.
pub fn number(v: f32) -> String {
    if v != 0.0 && v.abs() < 1e-3 {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// Accuracy as a percentage, R² as a number.
pub fn metric_value(metric: Metric, v: f32) -> String {
    match metric {
        Metric::Accuracy => format!("{:.1} %", 100.0 * v),
        Metric::R2 => format!("{v:.4}"),
    }
}

pub fn task_name(task: Task) -> String {
    match task {
        Task::BinaryClassification => "classification, 2 classes".into(),
        Task::MultiClassification { classes } => format!("classification, {classes} classes"),
        Task::Regression => "regression".into(),
    }
}

/// A CSV cell, quoted when it holds a delimiter, a quote or outer spaces.
pub fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', ';', '\t', '\n']) || text.trim() != text {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The optimizer with its hyperparameters, named as its table names them.
pub fn optimizer_text(o: &Optimizer) -> String {
    let params: Vec<String> = o
        .hyperparameters()
        .into_iter()
        .map(|(h, v)| format!("{} {}", h.label(), token::number(v)))
        .collect();
    if params.is_empty() {
        o.name().to_string()
    } else {
        format!("{} ({})", o.name(), params.join(", "))
    }
}

/// One line with every training setting.
pub fn training_line(t: &TrainConfig) -> String {
    let mut parts = vec![
        optimizer_text(&t.optimizer),
        format!("learning rate {}", t.learning_rate),
        format!("batch {}", t.batch_size),
        format!("loss {}", t.loss),
    ];
    if t.schedule != nnplay::train::optim::LrSchedule::Constant {
        parts.push(format!("schedule {}", t.schedule));
    }
    if t.regularization != nnplay::nn::regularization::Regularization::None {
        parts.push(format!("penalty {}", t.regularization));
    }
    if let Some(c) = t.clip_norm {
        parts.push(format!("clip {c}"));
    }
    parts.push(format!("seed {}", t.seed));
    parts.join(", ")
}

/// A confusion matrix with class names, rows = true class, columns = predicted class.
pub fn confusion_table(names: &[String], counts: &[Vec<usize>]) -> String {
    let short: Vec<String> = names.iter().map(|n| n.chars().take(12).collect()).collect();
    let width = short
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(1)
        .max(
            counts
                .iter()
                .flatten()
                .max()
                .map_or(1, |m| m.to_string().len()),
        )
        .max(4);
    let mut t = format!(
        "confusion (rows: true class, columns: predicted)\n{:>w$}",
        "",
        w = width + 2
    );
    for n in &short {
        t.push_str(&format!(" {n:>width$}"));
    }
    t.push('\n');
    for (n, row) in short.iter().zip(counts) {
        t.push_str(&format!("{n:>w$}", w = width + 2));
        for c in row {
            t.push_str(&format!(" {c:>width$}"));
        }
        t.push('\n');
    }
    t
}

/// `nnplay datasets`: every name `--dataset` accepts, with one line each.
pub fn datasets(args: DatasetsArgs) -> Result<(), CliError> {
    let token = |k: &DatasetKind| match k {
        DatasetKind::SpiralsK { .. } => format!("spirals{MIN_K}…spirals{MAX_K}"),
        DatasetKind::BlobsK { .. } => format!("blobs{MIN_K}…blobs{MAX_K}"),
        other => other.to_string(),
    };
    let kind_of = |k: &DatasetKind| {
        if k.is_builtin() {
            "shipped"
        } else {
            "generated"
        }
    };
    let all = DatasetKind::all();
    if args.json {
        let list: Vec<serde_json::Value> = all
            .iter()
            .map(|k| serde_json::json!({"name": token(k), "source": kind_of(k), "task": task_name(k.task()), "description": k.description()}))
            .collect();
        return stdout(&format!("{}\n", serde_json::Value::Array(list)));
    }
    let width = all
        .iter()
        .map(|k| token(k).chars().count())
        .max()
        .unwrap_or(8);
    let mut t = String::new();
    for k in &all {
        t.push_str(&format!(
            "{:<width$}  {:<9}  {}\n",
            token(k),
            kind_of(k),
            k.description()
        ));
    }
    t.push_str("\nGenerated sets take --points, --noise and --data-seed; `nnplay train --help` lists every setting.\n");
    stdout(&t)
}
