//! `predict`, `eval` and `summary`: everything that starts from a saved model file (one the
//! command line, the page, `Sequential` or the sklearn-like estimators wrote). The file says which
//! raw columns the model reads and how they become its inputs (derived features, scaling), so
//! rows go in as they came out of the data.

use super::args::{EvalArgs, PredictArgs, SummaryArgs};
use super::data::{eval_data, read_inputs, targets_for};
use super::error::{CliError, write_file};
use super::report::{self, Scores};
use nnplay::data::{Scaling, Task};
use nnplay::io::model_file::{self, ModelFile};
use nnplay::nn::network::Network;
use nnplay::train::metrics::{Metric, confusion_matrix, predicted_class};
use std::path::Path;

/// Loads and checks a model file, naming it in any error.
fn load(path: &Path) -> Result<(ModelFile, Network), CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::io(path, e))?;
    let file = model_file::load_bytes(&bytes).map_err(|e| CliError::file(path, e))?;
    let net = file.network().map_err(|e| CliError::file(path, e))?;
    Ok((file, net))
}

/// The CSV target column the model was trained against, if the file names one.
fn target_of(file: &ModelFile) -> Option<&str> {
    file.input.as_ref().and_then(|i| i.target.as_deref())
}

/// The task a model file states, or the one its output layer implies.
fn task_of(file: &ModelFile, net: &Network) -> Task {
    file.task
        .unwrap_or(match (net.out_dim(), file.classes.as_ref().map(Vec::len)) {
            (1, Some(2)) => Task::BinaryClassification,
            (k, Some(c)) if k == c && k > 1 => Task::MultiClassification { classes: k },
            _ => Task::Regression,
        })
}

pub fn predict(args: PredictArgs) -> Result<(), CliError> {
    let (file, net) = load(&args.model)?;
    let ignore = args.ignore.as_deref().or(target_of(&file));
    let raw = read_inputs(&args.csv, &file.input_columns(), ignore)?;
    let x = file
        .network_inputs(raw.view())
        .map_err(|e| CliError::file(&args.csv, e))?;
    let out = net.predict(x.view())?;
    let task = task_of(&file, &net);
    let names: Vec<String> = match (&file.classes, task) {
        (Some(c), _) => c.clone(),
        (None, Task::BinaryClassification) => vec!["0".into(), "1".into()],
        (None, Task::MultiClassification { classes }) => {
            (0..classes).map(|k| k.to_string()).collect()
        }
        (None, Task::Regression) => Vec::new(),
    };

    let mut text = String::new();
    match task {
        Task::Regression => {
            let header: Vec<String> = if net.out_dim() == 1 {
                vec!["prediction".into()]
            } else {
                (1..=net.out_dim())
                    .map(|k| format!("prediction{k}"))
                    .collect()
            };
            text.push_str(&header.join(","));
            text.push('\n');
            for row in out.rows() {
                text.push_str(
                    &row.iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                );
                text.push('\n');
            }
        }
        _ => {
            let mut header = vec!["prediction".to_string()];
            header.extend(
                names
                    .iter()
                    .map(|n| format!("p({})", n.replace([',', '"'], "_"))),
            );
            text.push_str(&header.join(","));
            text.push('\n');
            for row in out.rows() {
                let row = row.to_vec();
                let class = predicted_class(&row);
                let probabilities: Vec<f32> = if row.len() == 1 {
                    vec![1.0 - row[0], row[0]]
                } else {
                    row.clone()
                };
                let name = names
                    .get(class)
                    .cloned()
                    .unwrap_or_else(|| class.to_string());
                let mut cells = vec![report::csv_cell(&name)];
                cells.extend(probabilities.iter().map(|p| format!("{p:.6}")));
                text.push_str(&cells.join(","));
                text.push('\n');
            }
        }
    }
    match &args.output {
        Some(path) => write_file(path, text.as_bytes()),
        None => report::stdout(&text),
    }
}

pub fn eval(args: EvalArgs) -> Result<(), CliError> {
    let (file, net) = load(&args.model)?;
    let task = task_of(&file, &net);
    let (ds, name) = eval_data(&args.data, file.classes.as_deref(), target_of(&file))?;
    let x = file
        .network_inputs(ds.x.view())
        .and_then(|x| net.check_input(&x.view()).map(|()| x))
        .map_err(|e| CliError::usage(format!("{name}: {e}")))?;
    let y = targets_for(&ds, net.out_dim())?;
    let loss = file
        .train
        .as_ref()
        .map_or_else(|| nnplay::playground::default_head(task).1, |t| t.loss);
    let metric = if task == Task::Regression {
        Metric::R2
    } else {
        Metric::Accuracy
    };
    let predictions = net.predict(x.view())?;
    let scores = Scores {
        loss: net.evaluate_loss(
            x.view(),
            y.view(),
            loss,
            nnplay::nn::regularization::Regularization::None,
        )?,
        metric: metric.compute(predictions.view(), y.view()),
    };
    let confusion = match (task, &file.classes) {
        (Task::Regression, _) => None,
        (_, classes) => {
            let k = if net.out_dim() == 1 { 2 } else { net.out_dim() };
            let names = classes
                .clone()
                .unwrap_or_else(|| (0..k).map(|c| c.to_string()).collect());
            Some((names, confusion_matrix(predictions.view(), y.view(), k)))
        }
    };
    let text = if args.json {
        let value = serde_json::json!({
            "data": name,
            "rows": ds.len(),
            "loss_name": loss.to_string(),
            "loss": scores.loss,
            "metric": metric.name(),
            metric.name(): scores.metric,
            "confusion": confusion.as_ref().map(|(n, m)| serde_json::json!({"classes": n, "counts": m})),
        });
        format!("{value}\n")
    } else {
        let mut t = String::new();
        t.push_str(&format!("model     {}\n", args.model.display()));
        t.push_str(&format!("data      {name}: {} rows\n", ds.len()));
        t.push_str(&format!(
            "loss      {} {}\n",
            loss,
            report::number(scores.loss)
        ));
        t.push_str(&format!(
            "{:<9} {}\n",
            metric.name(),
            report::metric_value(metric, scores.metric)
        ));
        if let Some((names, counts)) = &confusion {
            t.push('\n');
            t.push_str(&report::confusion_table(names, counts));
        }
        t
    };
    report::stdout(&text)
}

pub fn summary(args: SummaryArgs) -> Result<(), CliError> {
    let (file, net) = load(&args.model)?;
    let task = task_of(&file, &net);
    let mut t = String::new();
    t.push_str(&format!("model     {}\n", args.model.display()));
    t.push_str(&format!("task      {}\n", report::task_name(task)));
    if let Some(classes) = &file.classes {
        t.push_str(&format!("classes   {}\n", classes.join(", ")));
    }
    t.push_str(&format!("inputs    {}\n", file.input_columns().join(", ")));
    if let Some(f) = file.features() {
        t.push_str(&format!("features  {}\n", f.names().join(", ")));
    }
    if let Some(s) = file.scaler.as_ref().filter(|s| s.kind != Scaling::None) {
        t.push_str(&format!(
            "scaling   {}\n",
            match s.kind {
                Scaling::Standardize =>
                    "standardize (mean 0, standard deviation 1, fitted on the training rows)",
                Scaling::MinMax => "min-max onto [0, 1] (fitted on the training rows)",
                Scaling::None => "none",
            }
        ));
    }
    if let Some(run) = &file.playground {
        // The page trains in fractions of an epoch; the command line in whole ones.
        let epochs = if run.epochs.fract() == 0.0 {
            format!("{}", run.epochs)
        } else {
            format!("{:.2}", run.epochs)
        };
        t.push_str(&format!("trained   on {} for {epochs} epochs\n", run.data));
    }
    if let Some(train) = &file.train {
        t.push_str(&format!("training  {}\n", report::training_line(train)));
    }
    if let Some(q) = file.playground.as_ref().and_then(|r| r.query.as_ref()) {
        t.push_str(&format!("page link ?{q}\n"));
    }
    t.push('\n');
    t.push_str(&net.summary());
    report::stdout(&t)
}

/// Writes a model file, naming the path in any error.
pub fn save(path: &Path, file: &ModelFile) -> Result<(), CliError> {
    write_file(path, model_file::save_json(file).as_bytes())
}
