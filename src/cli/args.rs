//! The command line as clap (derive) types. Settings are parsed with the library's own `FromStr`
//! impls, so `tanh`, `leaky_relu(0.2)`, `l2(0.001)` or `step(100,0.5)` mean here exactly what
//! they mean in a page link. Every training setting is optional: an unset flag keeps the value
//! of `--config` (or the page's default), so a flag only ever overrides.

use clap::{Arg, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum, value_parser};
use nnplay::data::DatasetKind;
use nnplay::nn::token;
use nnplay::prelude::*;
use nnplay::train::optim::Hyperparameter;
use std::path::PathBuf;

const MAIN_EXAMPLES: &str = "\
Examples:
  nnplay datasets
  nnplay train --dataset circle --layers 4,2 --epochs 200 --save circle.json
  nnplay predict --model circle.json --csv points.csv
  nnplay eval --model circle.json --dataset circle
  nnplay summary --model circle.json";

const TRAIN_EXAMPLES: &str = "\
Examples:
  # The page's default network on the circle set, saved for later
  nnplay train --dataset circle --layers 4,2 --activation tanh --epochs 200 --save circle.json

  # Reproduce a run from the page: paste its link's query (or a file holding it or the JSON config)
  nnplay train --config 'dataset=spiral&layers=8,8,8&act=relu&opt=adam&lr=0.01' --epochs 300

  # Your own CSV file, the 'species' column as target, exported for onnxruntime
  nnplay train --csv flowers.csv --target species --layers 16 --optimizer adam --lr 0.01 \\
      --epochs 100 --save flowers.json --export flowers.onnx

  # MNIST with Adam, mini-batches of 64 and L2 regularization
  nnplay train --dataset mnist --layers 64,64 --activation relu --optimizer adam --lr 0.001 \\
      --batch 64 --epochs 10 --regularization 'l2(0.0001)'";

const PREDICT_EXAMPLES: &str = "\
Examples:
  nnplay predict --model circle.json --csv points.csv
  nnplay predict --model flowers.json --csv new_flowers.csv --output predictions.csv

The CSV holds the model's input columns (a header row is optional; a column named like the
training target is ignored). The output is CSV: the prediction, then one probability per class.";

const EVAL_EXAMPLES: &str = "\
Examples:
  nnplay eval --model circle.json --dataset circle --noise 10
  nnplay eval --model flowers.json --csv flowers_test.csv --target species";

const SUMMARY_EXAMPLES: &str = "\
Examples:
  nnplay summary --model circle.json";

const DATASETS_EXAMPLES: &str = "\
Examples:
  nnplay datasets
  nnplay train --dataset spirals3 --layers 16,16 --activation relu --optimizer adam --lr 0.01";

/// Neural networks from first principles: train, predict, evaluate and export.
#[derive(Debug, Parser)]
#[command(name = "nnplay", version, after_help = MAIN_EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a network on a named data set or a CSV file, report, save and export it.
    #[command(after_help = TRAIN_EXAMPLES)]
    Train(Box<TrainArgs>),
    /// Predict with a saved model on the rows of a CSV file.
    #[command(after_help = PREDICT_EXAMPLES)]
    Predict(PredictArgs),
    /// Score a saved model on a data set or a labelled CSV file.
    #[command(after_help = EVAL_EXAMPLES)]
    Eval(EvalArgs),
    /// Show a saved model's layers, parameters and training settings.
    #[command(after_help = SUMMARY_EXAMPLES)]
    Summary(SummaryArgs),
    /// List the data sets that can be named with --dataset.
    #[command(after_help = DATASETS_EXAMPLES)]
    Datasets(DatasetsArgs),
    /// Export a saved model to ONNX, Keras or PyTorch, or its training data to CSV.
    #[command(after_help = super::export::EXPORT_EXAMPLES)]
    Export(super::export::ExportArgs),
}

/// What a CSV file's target column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TaskArg {
    /// Classes when the targets are text or a few whole numbers, values otherwise.
    Auto,
    Classification,
    Regression,
}

/// How inputs are rescaled before training (fitted on the training rows, saved with the model).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScalingArg {
    /// Standardize CSV files; leave the page's data sets as the page does.
    Auto,
    None,
    Standardize,
    Minmax,
}

/// Where the data comes from, shared by `train` and `eval`.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// A named data set (see `nnplay datasets`).
    #[arg(long, short = 'd', value_name = "NAME", conflicts_with = "csv")]
    pub dataset: Option<DatasetKind>,
    /// A CSV file: one row per sample, inputs and one target column.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// The CSV target column: its header name or its number counting from 0 (default: the last).
    #[arg(long, value_name = "COLUMN", requires = "csv")]
    pub target: Option<String>,
    /// What the CSV target holds.
    #[arg(long, value_enum, value_name = "TASK", requires = "csv")]
    pub task: Option<TaskArg>,
    /// Number of generated points (generated sets).
    #[arg(long, value_name = "N")]
    pub points: Option<usize>,
    /// Noise of the generated points in percent, 0–50.
    #[arg(long, value_name = "PERCENT")]
    pub noise: Option<u32>,
    /// Seed of the generated points and of the train/test split.
    #[arg(long, value_name = "SEED")]
    pub data_seed: Option<u32>,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The page's settings: a link or its query ('dataset=circle&layers=4,2&…'), or a file
    /// holding a query or the page's JSON config. Other flags override it.
    #[arg(long, value_name = "QUERY|FILE")]
    pub config: Option<String>,

    #[command(flatten)]
    pub data: DataArgs,
    /// Share of the data used for training, in percent (10–90); the rest is the test set.
    #[arg(long, value_name = "PERCENT")]
    pub train_percent: Option<u32>,
    /// Inputs derived from (x1, x2) for generated sets: x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2.
    #[arg(long, value_name = "LIST")]
    pub features: Option<String>,
    /// Input scaling, fitted on the training rows and saved with the model.
    #[arg(long, value_enum, value_name = "HOW")]
    pub scaling: Option<ScalingArg>,

    /// Neurons per hidden layer, e.g. 8,8 ('' for none).
    #[arg(long, value_name = "UNITS,…", allow_hyphen_values = false)]
    pub layers: Option<String>,
    /// Hidden activation(s): one for every layer or one per layer, e.g. tanh or relu,leaky_relu(0.2).
    #[arg(long, value_name = "ACT[,ACT…]", help = choice("Hidden activation(s), one for every layer or one per layer", token::list::<Activation>()))]
    pub activation: Option<String>,
    /// Output activation (auto: sigmoid for two classes, softmax for more, linear for regression).
    #[arg(long, value_name = "ACT|auto")]
    pub output: Option<String>,
    /// Loss (auto: from the task, as for --output).
    #[arg(long, value_name = "LOSS|auto", help = choice("Loss (auto: from the task)", token::list::<Loss>()))]
    pub loss: Option<String>,
    /// Weight initializer.
    #[arg(long, value_name = "INIT", help = choice("Weight initializer", token::list::<Initializer>()))]
    pub init: Option<Initializer>,
    /// Seed of the initial weights, the shuffling and dropout.
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u32>,

    /// The optimizer, by name with its usual defaults, or in full, e.g. adam(0.9,0.999,1e-8).
    #[arg(long, value_name = "NAME", help = choice("Optimizer", token::list::<Optimizer>()))]
    pub optimizer: Option<Optimizer>,
    /// Learning rate.
    #[arg(long, value_name = "RATE", allow_negative_numbers = true)]
    pub lr: Option<f32>,
    /// One flag per optimizer hyperparameter, from the optimizer's own table.
    #[command(flatten)]
    pub hyperparameters: HyperparameterArgs,
    /// Learning-rate schedule.
    #[arg(long, value_name = "SCHEDULE", help = choice("Learning-rate schedule", token::list::<LrSchedule>()))]
    pub schedule: Option<LrSchedule>,
    /// Samples per weight update.
    #[arg(long, value_name = "N")]
    pub batch: Option<usize>,
    /// Passes over the training set.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub epochs: usize,
    /// Weight penalty.
    #[arg(long, value_name = "PENALTY", help = choice("Weight penalty", token::list::<Regularization>()))]
    pub regularization: Option<Regularization>,
    /// Dropout rate of the hidden layers, 0 to <1.
    #[arg(long, value_name = "RATE", allow_negative_numbers = true)]
    pub dropout: Option<f32>,
    /// Gradient clipping: largest gradient norm ('none' for off).
    #[arg(long, value_name = "NORM|none", allow_negative_numbers = true)]
    pub clip: Option<String>,

    /// Write the trained model as JSON (read by predict, eval, summary and the page).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Write the trained model as ONNX (opset 13).
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// Print the final report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A help line listing a set's token forms, read from the set itself.
fn choice(what: &str, forms: String) -> String {
    format!("{what}: {forms}")
}

/// The optimizer hyperparameters' flags (`--momentum`, `--beta1`, …, `--weight-decay`), one per
/// row of [`Hyperparameter`]'s table, which gives each its flag, older spellings, range, default
/// and help: a hyperparameter added there is a flag here without an edit. Written by hand
/// because clap's derive needs one field per flag.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HyperparameterArgs {
    /// The values given, in table order.
    pub values: Vec<(Hyperparameter, f32)>,
}

impl FromArgMatches for HyperparameterArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let values = Hyperparameter::ALL
            .into_iter()
            .filter_map(|h| matches.get_one::<f32>(h.key()).map(|&v| (h, v)))
            .collect();
        Ok(HyperparameterArgs { values })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for HyperparameterArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        Hyperparameter::ALL.into_iter().fold(cmd, |cmd, h| {
            let spec = h.spec();
            let users: Vec<(&str, f32)> = Optimizer::all()
                .iter()
                .filter_map(|o| o.hyperparameter(h).map(|v| (o.name(), v)))
                .collect();
            let names: Vec<&str> = users.iter().map(|&(name, _)| name).collect();
            // An optimizer that starts elsewhere says so (AdaGrad's ε).
            let own: Vec<String> = users
                .iter()
                .filter(|&&(_, v)| v != spec.default)
                .map(|&(name, v)| format!("{name} {}", token::number(v)))
                .collect();
            let default = if own.is_empty() {
                token::number(spec.default)
            } else {
                format!("{} ({})", token::number(spec.default), own.join(", "))
            };
            let mut arg = Arg::new(h.key())
                .long(h.flag())
                .value_name("VALUE")
                .value_parser(value_parser!(f32))
                .allow_negative_numbers(true)
                .help_heading("Optimizer hyperparameters")
                .help(format!(
                    "{}: {} {} {}, default {default}",
                    names.join(", "),
                    spec.help,
                    capitalised(spec.label),
                    spec.range.requirement(),
                ));
            // The key as the link and JSON spell it, and older flags, still work.
            if h.flag() != spec.key {
                arg = arg.alias(spec.key);
            }
            cmd.arg(arg.aliases(spec.aliases))
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model saved by `nnplay train --save` (or by the page, Sequential or MlpClassifier).
    #[arg(long, short = 'm', value_name = "FILE")]
    pub model: PathBuf,
    /// The rows to predict.
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Where to write the predictions (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A column of the CSV to ignore (default: the column named like the training target, if any).
    #[arg(long, value_name = "COLUMN")]
    pub ignore: Option<String>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A saved model.
    #[arg(long, short = 'm', value_name = "FILE")]
    pub model: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// A saved model.
    #[arg(long, short = 'm', value_name = "FILE")]
    pub model: PathBuf,
}

#[derive(Debug, Args)]
pub struct DatasetsArgs {
    /// Print the list as JSON.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
