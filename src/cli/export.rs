//! `nnplay export`: a saved model in another framework's terms (an ONNX file, or a Python file
//! that rebuilds it in Keras or PyTorch), or the data it was trained on as CSV with its
//! train/test split. Every model format carries the model's input pipeline, so raw rows go into
//! the exported model as they go into `nnplay predict`.

use super::error::{CliError, write_file};
use clap::{Args, ValueEnum};
use nnplay::data::csv_export::to_csv_with_split;
use nnplay::data::{Dataset, DatasetKind, builtin, generate};
use nnplay::io::export::ExportModel;
use nnplay::io::model_file::{self, ModelFile};
use nnplay::io::{keras, onnx, pytorch};
use nnplay::playground::PlaygroundConfig;
use std::path::PathBuf;

pub const EXPORT_EXAMPLES: &str = "\
Examples:
  nnplay export --model circle.json --format onnx --output circle.onnx
  nnplay export --model circle.json --format keras --output circle_keras.py
  nnplay export --model circle.json --format pytorch --output circle_torch.py
  nnplay export --model circle.json --format csv --output circle_data.csv

  # The Python files run as they are: they print the predictions for a CSV file of raw rows
  python circle_keras.py points.csv

The csv format writes the data the model was trained on (regenerated from the settings the
model file records, the same points and the same split), with a 'split' column of train/test.";

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A saved model (from `nnplay train --save` or the page).
    #[arg(long, short = 'm', value_name = "FILE")]
    pub model: PathBuf,
    /// What to write.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT")]
    pub format: ExportFormat,
    /// Where to write it.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

/// The formats `nnplay export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// ONNX (opset 13), for onnxruntime, Netron, OpenCV…
    Onnx,
    /// A Python file rebuilding the model with keras.Sequential (Keras 3, any backend).
    Keras,
    /// A Python file rebuilding the model as a torch nn.Sequential.
    Pytorch,
    /// The training data as CSV, with a train/test 'split' column.
    Csv,
}

pub fn run(args: ExportArgs) -> Result<(), CliError> {
    let bytes = std::fs::read(&args.model).map_err(|e| CliError::io(&args.model, e))?;
    let file = model_file::load_bytes(&bytes).map_err(|e| CliError::file(&args.model, e))?;
    let in_model = |e| CliError::file(&args.model, e);
    let (contents, what) = match args.format {
        ExportFormat::Onnx => (
            onnx::export_model(&file).map_err(in_model)?,
            format!("ONNX opset {}", onnx::OPSET),
        ),
        ExportFormat::Keras => (
            keras::export(&file).map_err(in_model)?.into_bytes(),
            format!("Keras {} Python file", keras::KERAS_VERSION),
        ),
        ExportFormat::Pytorch => (
            pytorch::export(&file).map_err(in_model)?.into_bytes(),
            "PyTorch Python file".to_string(),
        ),
        ExportFormat::Csv => {
            let (train, test) = training_data(&file).map_err(|m| CliError::file(&args.model, m))?;
            let text = to_csv_with_split(&train, &test)?;
            (
                text.into_bytes(),
                format!("CSV, {} training and {} test rows", train.len(), test.len()),
            )
        }
    };
    write_file(&args.output, &contents)?;
    let model = match args.format {
        ExportFormat::Csv => String::new(),
        _ => ExportModel::new(&file)
            .map(|m| format!(", {}", m.architecture()))
            .unwrap_or_default(),
    };
    println!("exported  {} ({what}{model})", args.output.display());
    Ok(())
}

/// The data the model was trained on, split as it was: regenerated from the settings the model
/// file records (the page link's query, or the points placed by hand). A model trained on a CSV
/// file has no copy of its rows, so that file stays the data.
fn training_data(file: &ModelFile) -> Result<(Dataset, Dataset), String> {
    let Some(run) = &file.playground else {
        return Err("the model file does not record the data it was trained on (models that `nnplay train` or the page wrote do)".into());
    };
    let config = match &run.query {
        Some(query) => {
            let (config, notices) = PlaygroundConfig::from_query(query);
            if !notices.is_empty() {
                let keys: Vec<&str> = notices.iter().map(|n| n.key.as_str()).collect();
                return Err(format!(
                    "the recorded settings do not read back ({}), so the data cannot be made again exactly",
                    keys.join(", ")
                ));
            }
            config
        }
        None => PlaygroundConfig::default(),
    };
    let d = &config.data;
    let base = if let Some(points) = &run.points {
        points.to_dataset()
    } else if run.query.is_some() {
        named_set(d.dataset, d.points, d.noise_percent, d.seed).map_err(|e| e.to_string())?
    } else {
        return Err(format!(
            "the model was trained on '{}', whose rows the model file does not keep: that file is the data",
            run.data
        ));
    };
    if base.len() < 2 {
        // As on the page: too few points to split, all of them train.
        let none = base.select(&[]);
        return Ok((base, none));
    }
    base.split(d.train_percent as f32 / 100.0, d.seed as u64)
        .map_err(|e| e.to_string())
}

/// A named data set in its raw units (shipped sets unscaled: the model's own scaler, if any, is
/// part of every exported model).
fn named_set(
    kind: DatasetKind,
    points: usize,
    noise_percent: u32,
    seed: u32,
) -> Result<Dataset, nnplay::NnError> {
    if kind.is_builtin() {
        Ok(builtin::load(kind)?)
    } else {
        Ok(generate(
            kind,
            points,
            noise_percent as f32 / 100.0,
            seed as u64,
        )?)
    }
}
