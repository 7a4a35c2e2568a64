//! `nnplay train`: the page's settings (its defaults, or a link given with `--config`), then the
//! command line's flags on top, then the same data, network and trainer the page would build,
//! trained for `--epochs` with a progress bar on stderr and a report on stdout.

use super::args::TrainArgs;
use super::data::{self, Prepared, Source};
use super::error::{CliError, read_text, write_file};
use super::model;
use super::report::{self, Scores};
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::Array2;
use nnplay::data::{FeatureSet, Task};
use nnplay::io::model_file::{self, InputSpec, ModelFile, PlaygroundRun};
use nnplay::io::onnx::{self, OnnxOptions};
use nnplay::nn::head::check_head;
use nnplay::nn::network::Network;
use nnplay::nn::token;
use nnplay::playground::Playground;
use nnplay::playground::config::{HiddenLayer, PlaygroundConfig};
use nnplay::prelude::*;
use nnplay::train::metrics::Metric;
use nnplay::train::{Control, StopReason};
use std::path::Path;
use std::time::Instant;

pub fn run(args: Box<TrainArgs>) -> Result<(), CliError> {
    let mut config = match &args.config {
        Some(value) => load_config(value)?,
        None => PlaygroundConfig::default(),
    };
    // A value out of range is the command line's fault once the flags are in (exit 2); a
    // --config file that is out of range on its own is a data error (exit 1).
    let file_was_valid = config.validate().is_ok();
    apply_flags(&mut config, &args)?;
    if file_was_valid && let Err(e) = config.validate() {
        return Err(CliError::usage(e.to_string()));
    }
    if args.epochs == 0 {
        return Err(CliError::usage("--epochs must be at least 1"));
    }
    if args.features.is_some() && (args.data.csv.is_some() || config.data.dataset.is_builtin()) {
        warn("--features applies to generated 2-D data sets only; ignored");
    }

    let prepared = data::prepare(&config, &args.data, args.scaling)?;
    let task = prepared.task;
    check_explicit_head(&config, &args, task)?;
    let net_config = config.network_config(prepared.x_train.ncols(), task);
    let mut net = Network::new(&net_config)?;
    let mut train_config = config.train_config(task);
    train_config.epochs = args.epochs;
    let metric = if task == Task::Regression {
        Metric::R2
    } else {
        Metric::Accuracy
    };

    let bar = progress_bar(args.epochs);
    // Scoring the training set every epoch costs a forward pass; only pay it when someone watches.
    train_config.metric = if bar.is_hidden() { None } else { Some(metric) };
    let mut trainer = Trainer::new(train_config.clone(), &net)?;
    let start = Instant::now();
    let history = trainer.fit(
        &mut net,
        prepared.x_train.view(),
        prepared.y_train.view(),
        |record| {
            let mut message = format!("loss {}", report::number(record.train_loss));
            if let Some(m) = record.train_metric {
                message.push_str(&format!(
                    "  {} {}",
                    metric.name(),
                    report::metric_value(metric, m)
                ));
            }
            bar.set_message(message);
            bar.inc(1);
            Control::Continue
        },
    );
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let history = history?;
    train_config.metric = None;

    let epochs_run = history.epochs.len();
    let loss = train_config.loss;
    let score = |x: &Array2<f32>, y: &Array2<f32>| -> Result<Scores, CliError> {
        let predictions = net.predict(x.view())?;
        Ok(Scores {
            loss: net.evaluate_loss(x.view(), y.view(), loss, Regularization::None)?,
            metric: metric.compute(predictions.view(), y.view()),
        })
    };
    let train_scores = score(&prepared.x_train, &prepared.y_train)?;
    let test_scores = score(&prepared.x_test, &prepared.y_test)?;

    let query = page_query(&config, &prepared);
    // What `predict` needs to take raw rows, and what the page needs to open the run again.
    let input = InputSpec {
        columns: prepared.raw_inputs.clone(),
        features: prepared.features.clone(),
        target: prepared.target_name.clone(),
    };
    let trained = PlaygroundRun {
        query: query.clone(),
        data: prepared.name(),
        points: None,
        epochs: epochs_run as f64,
    };
    if let Some(path) = &args.save {
        let mut file = ModelFile::new(&net)
            .with_train(train_config.clone())
            .with_task(task)
            .with_input(input.clone())
            .with_playground(trained.clone());
        if let Some(names) = &prepared.class_names {
            file = file.with_classes(names.clone());
        }
        if let Some(s) = &prepared.scaler {
            file = file.with_scaler(s.clone());
        }
        model::save(path, &file)?;
    }
    if let Some(path) = &args.export {
        export_onnx(path, &net, &prepared, &input, &trained)?;
    }

    let samples = epochs_run * prepared.x_train.nrows();
    let run = RunFacts {
        seconds,
        epochs: epochs_run,
        samples,
        stopped: history.stopped,
    };
    let summary = RunSummary {
        config: &config,
        prepared: &prepared,
        net: &net,
        train: &train_config,
        metric,
        run: &run,
        train_scores,
        test_scores,
        query: query.as_deref(),
        args: &args,
    };
    let text = if args.json {
        summary.json()
    } else {
        summary.text()
    };
    report::stdout(&text)
}

/// How long the run took and how far it went.
struct RunFacts {
    seconds: f64,
    epochs: usize,
    samples: usize,
    stopped: StopReason,
}

fn warn(message: &str) {
    eprintln!("warning: {message}");
}

fn progress_bar(epochs: usize) -> ProgressBar {
    // ProgressBar::new draws to stderr and hides itself when stderr is not a terminal.
    let bar = ProgressBar::new(epochs as u64);
    let style = ProgressStyle::with_template(
        "epoch {pos:>5}/{len} [{bar:30.cyan/blue}] {msg}  {elapsed_precise} (eta {eta})",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Reads `--config`: a file (holding a query, a link or the page's JSON config) or the query
/// itself. A query never fails: each bad field keeps its default and is reported as a warning,
/// as the page does with a stale link. A JSON config must be valid as a whole.
fn load_config(value: &str) -> Result<PlaygroundConfig, CliError> {
    let path = Path::new(value);
    let looks_like_query = value.contains('=') || value.starts_with('?');
    let (text, origin) = if !looks_like_query && path.is_file() {
        (read_text(path)?, path.display().to_string())
    } else if !looks_like_query && !value.trim().is_empty() && !value.trim_start().starts_with('{')
    {
        return Err(CliError::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such config file (a query needs key=value pairs)",
            ),
        ));
    } else {
        (value.to_string(), "--config".to_string())
    };
    let text = text.trim();
    if text.starts_with('{') {
        return config_from_json(text).map_err(|message| CliError::File {
            path: origin.into(),
            message,
        });
    }
    // A whole link: keep what follows '?', drop any '#fragment'.
    let query = text.split_once('?').map_or(text, |(_, q)| q);
    let query = query.split('#').next().unwrap_or("");
    let (config, notices) = PlaygroundConfig::from_query(query);
    for n in notices {
        let fallback = if n.fallback.is_empty() {
            String::new()
        } else {
            format!("; using {}", n.fallback)
        };
        warn(&format!(
            "{origin}: {} ({}) = '{}' {}{fallback}",
            n.field, n.key, n.value, n.reason
        ));
    }
    Ok(config)
}

/// The page's JSON config, alone or inside an object under `config`, or the settings inside a
/// model file (one the page downloaded or `--save` wrote).
fn config_from_json(text: &str) -> Result<PlaygroundConfig, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if value.get("format").and_then(|f| f.as_str()) == Some(model_file::FORMAT) {
        return config_of_model(text);
    }
    let inner = value
        .get("config")
        .filter(|c| c.is_object())
        .cloned()
        .unwrap_or(value);
    let config: PlaygroundConfig =
        serde_json::from_value(inner).map_err(|e| format!("not a playground config: {e}"))?;
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

/// The page settings a model file carries, to train the same setup again.
fn config_of_model(text: &str) -> Result<PlaygroundConfig, String> {
    let file = model_file::load_json(text).map_err(|e| e.to_string())?;
    let state = Playground::settings_of(&file)
        .map_err(|e| e.to_string())?
        .ok_or("this model file holds no page settings (its model was trained on a CSV file, or written by the library)")?;
    if file.playground.as_ref().is_some_and(|r| r.data == "points") {
        warn(&format!(
            "the model was trained on points placed by hand; this run trains on the {} data set its settings name",
            state.config.data.dataset
        ));
    }
    Ok(state.config)
}

/// Parses a flag's value with `FromStr`, naming the flag in the error.
fn parse_flag<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, CliError>
where
    T::Err: std::fmt::Display,
{
    text.trim()
        .parse::<T>()
        .map_err(|e| CliError::usage(format!("invalid value '{text}' for '--{flag}': {e}")))
}

/// Lays the command line's flags over the config.
fn apply_flags(config: &mut PlaygroundConfig, args: &TrainArgs) -> Result<(), CliError> {
    let d = &args.data;
    if let Some(kind) = d.dataset {
        config.data.dataset = kind;
    }
    if let Some(p) = d.points {
        config.data.points = p;
    }
    if let Some(n) = d.noise {
        config.data.noise_percent = n;
    }
    if let Some(s) = d.data_seed {
        config.data.seed = s;
    }
    if let Some(t) = args.train_percent {
        config.data.train_percent = t;
    }
    if let Some(f) = &args.features {
        config.data.features = FeatureSet::parse_list(f)
            .map_err(|e| CliError::usage(format!("invalid value '{f}' for '--features': {e}")))?;
    }

    let net = &mut config.network;
    if let Some(layers) = &args.layers {
        let units: Vec<usize> = if layers.trim().is_empty() {
            Vec::new()
        } else {
            layers
                .split(',')
                .map(|u| u.trim().parse::<usize>().map_err(|_| CliError::usage(format!("invalid value '{layers}' for '--layers': '{}' is not a whole number of neurons", u.trim()))))
                .collect::<Result<_, _>>()?
        };
        let old = net.hidden.clone();
        let act_of = |i: usize| {
            old.get(i)
                .or(old.last())
                .map_or(Activation::Tanh, |h| h.activation)
        };
        net.hidden = units
            .iter()
            .enumerate()
            .map(|(i, &units)| HiddenLayer {
                units,
                activation: act_of(i),
            })
            .collect();
    }
    if let Some(list) = &args.activation {
        let acts: Vec<Activation> = token::split_list(list)
            .into_iter()
            .map(|a| parse_flag::<Activation>("activation", a))
            .collect::<Result<_, _>>()?;
        if let Some(a) = acts.iter().find(|a| a.is_row_wise()) {
            return Err(CliError::usage(format!(
                "invalid value '{list}' for '--activation': {a} can only be the output activation (use --output)"
            )));
        }
        match (acts.len(), net.hidden.len()) {
            (a, h) if a == h => net
                .hidden
                .iter_mut()
                .zip(&acts)
                .for_each(|(l, &a)| l.activation = a),
            (1, _) => net.hidden.iter_mut().for_each(|l| l.activation = acts[0]),
            (a, h) => {
                return Err(CliError::usage(format!(
                    "--activation lists {a} activations for {h} hidden layers (give one, or one per layer)"
                )));
            }
        }
    }
    if let Some(o) = &args.output {
        net.output = if o.trim() == "auto" {
            None
        } else {
            Some(parse_flag("output", o)?)
        };
    }
    if let Some(l) = &args.loss {
        net.loss = if l.trim() == "auto" {
            None
        } else {
            Some(parse_flag("loss", l)?)
        };
    }
    if let Some(i) = args.init {
        net.initializer = i;
    }
    if let Some(s) = args.seed {
        net.seed = s;
    }

    let t = &mut config.training;
    if let Some(o) = args.optimizer {
        t.optimizer = o;
    }
    set_optimizer_params(&mut t.optimizer, args)?;
    if let Some(lr) = args.lr {
        t.learning_rate = lr;
    }
    if let Some(s) = args.schedule {
        t.schedule = s;
    }
    if let Some(b) = args.batch {
        t.batch_size = b;
    }
    if let Some(r) = args.regularization {
        t.regularization = r;
    }
    if let Some(d) = args.dropout {
        t.dropout = d;
    }
    if let Some(c) = &args.clip {
        t.clip_norm = match c.trim() {
            "none" | "off" | "" => None,
            v => Some(parse_flag("clip", v)?),
        };
    }
    Ok(())
}

/// Sets the optimizer's hyperparameters from their flags, each checked against its range; a
/// flag the optimizer has no use for is an error rather than silently ignored.
fn set_optimizer_params(opt: &mut Optimizer, args: &TrainArgs) -> Result<(), CliError> {
    for &(h, value) in &args.hyperparameters.values {
        let flag = h.flag();
        h.check(value)
            .map_err(|e| CliError::usage(format!("invalid value '{value}' for '--{flag}': {e}")))?;
        if !opt.set_hyperparameter(h, value) {
            return Err(CliError::usage(format!(
                "--{flag} does not apply to the {} optimizer",
                opt.name()
            )));
        }
    }
    Ok(())
}

/// An output activation or loss named on the command line must suit the data: the page quietly
/// falls back to `auto` for a stale link, but an explicit flag that is not used is an error.
fn check_explicit_head(
    config: &PlaygroundConfig,
    args: &TrainArgs,
    task: Task,
) -> Result<(), CliError> {
    let (out, loss) = config.head(task);
    let wanted_out = if args.output.is_some() {
        config.network.output
    } else {
        None
    };
    let wanted_loss = if args.loss.is_some() {
        config.network.loss
    } else {
        None
    };
    if wanted_out.is_some_and(|o| o != out) || wanted_loss.is_some_and(|l| l != loss) {
        let (o, l) = (wanted_out.unwrap_or(out), wanted_loss.unwrap_or(loss));
        let reason = check_head(task, o, l).err().map_or_else(
            || format!("{o} with {l} does not fit this data"),
            |e| e.to_string(),
        );
        return Err(CliError::usage(format!(
            "{reason} (the data is {})",
            report::task_name(task)
        )));
    }
    Ok(())
}

/// The page link that replays this run, when the data is one the page can name and the
/// settings are within the page's limits.
fn page_query(config: &PlaygroundConfig, prepared: &Prepared) -> Option<String> {
    match prepared.source {
        Source::Named(_) if config.validate().is_ok() => Some(config.to_query()),
        _ => None,
    }
}

fn export_onnx(
    path: &Path,
    net: &Network,
    prepared: &Prepared,
    input: &InputSpec,
    trained: &PlaygroundRun,
) -> Result<(), CliError> {
    let mut metadata = vec![("inputs".to_string(), input.columns.join(","))];
    if let Some(classes) = &prepared.class_names {
        metadata.push((
            "classes".into(),
            serde_json::to_string(classes).unwrap_or_default(),
        ));
    }
    metadata.push(("task".into(), report::task_name(prepared.task)));
    let options = OnnxOptions {
        scaler: prepared.scaler.as_ref(),
        features: input.features.as_ref(),
        metadata,
        doc: format!(
            "Trained by nnplay on {} for {} epochs.",
            trained.data, trained.epochs
        ),
    };
    let bytes = onnx::export(net, &options)?;
    write_file(path, &bytes)
}

fn layer_line(net: &Network) -> String {
    let mut dims = vec![net.in_dim().to_string()];
    dims.extend(net.layers().iter().map(|l| l.out_dim.to_string()));
    let acts: Vec<String> = net
        .layers()
        .iter()
        .map(|l| l.activation.to_string())
        .collect();
    format!(
        "{} ({}), {} parameters",
        dims.join(" → "),
        acts.join(", "),
        net.n_params()
    )
}

/// Everything the end-of-run report says: the run's settings, data, network and scores.
#[derive(Clone, Copy)]
struct RunSummary<'a> {
    config: &'a PlaygroundConfig,
    prepared: &'a Prepared,
    net: &'a Network,
    train: &'a TrainConfig,
    metric: Metric,
    run: &'a RunFacts,
    train_scores: Scores,
    test_scores: Scores,
    query: Option<&'a str>,
    args: &'a TrainArgs,
}

impl RunSummary<'_> {
    /// The report for a terminal.
    fn text(&self) -> String {
        let RunSummary {
            config,
            prepared,
            net,
            train,
            metric,
            run,
            train_scores,
            test_scores,
            query,
            args,
        } = *self;
        let mut t = String::new();
        t.push_str(&format!("data      {}\n", prepared.describe(config)));
        t.push_str(&format!("task      {}\n", report::task_name(prepared.task)));
        if let Some(f) = &prepared.features {
            t.push_str(&format!("inputs    {}\n", f.names().join(", ")));
        }
        t.push_str(&format!("network   {}\n", layer_line(net)));
        t.push_str(&format!("training  {}\n", report::training_line(train)));
        let rate = |n: f64| {
            if run.seconds > 0.0 {
                n / run.seconds
            } else {
                f64::INFINITY
            }
        };
        t.push_str(&format!(
            "time      {} epochs in {:.3} s ({:.1} epochs/s, {:.0} samples/s)\n",
            run.epochs,
            run.seconds,
            rate(run.epochs as f64),
            rate(run.samples as f64)
        ));
        if run.stopped != StopReason::Completed {
            t.push_str("          stopped early\n");
        }
        t.push('\n');
        t.push_str(&format!(
            "{:<9} {:>10}  {:>10}\n",
            "",
            format!("loss ({})", train.loss),
            metric.name()
        ));
        for (name, s) in [("train", train_scores), ("test", test_scores)] {
            t.push_str(&format!(
                "{name:<9} {:>10}  {:>10}\n",
                report::number(s.loss),
                report::metric_value(metric, s.metric)
            ));
        }
        t.push('\n');
        if let Some(q) = query {
            t.push_str(&format!("page link ?{q}\n"));
        }
        if let Some(p) = &args.save {
            t.push_str(&format!("saved     {}\n", p.display()));
        }
        if let Some(p) = &args.export {
            t.push_str(&format!(
                "exported  {} (ONNX opset {})\n",
                p.display(),
                onnx::OPSET
            ));
        }
        t
    }

    /// The report as one JSON object (`--json`).
    fn json(&self) -> String {
        let RunSummary {
            config,
            prepared,
            net,
            train,
            metric,
            run,
            train_scores,
            test_scores,
            query,
            args,
        } = *self;
        let scores = |s: Scores| serde_json::json!({"loss": s.loss, metric.name(): s.metric});
        let value = serde_json::json!({
            "data": prepared.describe(config),
            "task": prepared.task.token(),
            "n_train": prepared.x_train.nrows(),
            "n_test": prepared.x_test.nrows(),
            "network": layer_line(net),
            "n_params": net.n_params(),
            "loss_name": train.loss.to_string(),
            "optimizer": train.optimizer.name(),
            // Through the f32's shortest decimal, so 0.03 is not printed as 0.029999999329447746.
            "learning_rate": train.learning_rate.to_string().parse::<f64>().unwrap_or(f64::NAN),
            "batch_size": train.batch_size,
            "epochs": run.epochs,
            "seconds": run.seconds,
            "samples_per_s": if run.seconds > 0.0 { run.samples as f64 / run.seconds } else { 0.0 },
            "metric": metric.name(),
            "train": scores(train_scores),
            "test": scores(test_scores),
            "stopped": run.stopped,
            "query": query,
            "scaling": prepared.scaler.as_ref().map(|s| s.kind),
            "saved": args.save.as_ref().map(|p| p.display().to_string()),
            "exported": args.export.as_ref().map(|p| p.display().to_string()),
        });
        format!("{value}\n")
    }
}
