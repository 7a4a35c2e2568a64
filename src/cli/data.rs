//! Turning the command line's data choice into training and test matrices, the way the page does
//! it (same generator, same split, same feature expansion, same seeds) so a run of the page can be
//! replayed here; and reading the rows `predict` is asked about.

use super::args::{DataArgs, ScalingArg, TaskArg};
use super::error::{CliError, read_text};
use ndarray::Array2;
use nnplay::data::{
    self, CsvOptions, CsvTask, DataError, Dataset, DatasetKind, FeatureSet, Scaler, Scaling,
    TargetColumn, Task,
};
use nnplay::error::NnError;
use nnplay::playground::PlaygroundConfig;
use std::path::{Path, PathBuf};

/// Where the rows came from, for the report and the model file.
#[derive(Clone, Debug)]
pub enum Source {
    Named(DatasetKind),
    Csv(PathBuf),
}

/// Data ready for a network.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub source: Source,
    pub task: Task,
    /// Display names of the classes, `None` for regression.
    pub class_names: Option<Vec<String>>,
    /// Names of the raw columns a user supplies to `predict` (before derived features).
    pub raw_inputs: Vec<String>,
    /// Derived inputs computed from (x1, x2) (generated sets only).
    pub features: Option<FeatureSet>,
    /// Scaling applied after the features; saved with the model.
    pub scaler: Option<Scaler>,
    /// The CSV target column's header name, when there was a header.
    pub target_name: Option<String>,
    pub x_train: Array2<f32>,
    pub y_train: Array2<f32>,
    pub x_test: Array2<f32>,
    pub y_test: Array2<f32>,
    /// Rows before the split.
    pub total: usize,
}

impl Prepared {
    /// One line describing the data.
    pub fn describe(&self, config: &PlaygroundConfig) -> String {
        let d = &config.data;
        let what = match &self.source {
            Source::Named(kind) if kind.is_builtin() => format!("{kind} ({} samples)", self.total),
            Source::Named(kind) => format!(
                "{kind} ({} points, noise {} %, data seed {})",
                self.total, d.noise_percent, d.seed
            ),
            Source::Csv(path) => format!("{} ({} rows)", path.display(), self.total),
        };
        format!(
            "{what}: {} for training, {} for testing",
            self.x_train.nrows(),
            self.x_test.nrows()
        )
    }

    /// The data's short name: the data set token or the file name.
    pub fn name(&self) -> String {
        match &self.source {
            Source::Named(kind) => kind.to_string(),
            Source::Csv(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        }
    }
}

/// Reads `--target` as a column number when it is one, as a header name otherwise.
fn target_column(target: Option<&str>) -> TargetColumn {
    match target {
        None => TargetColumn::Last,
        Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => t
            .parse()
            .map_or(TargetColumn::Name(t.into()), TargetColumn::Index),
        Some(t) => TargetColumn::Name(t.into()),
    }
}

fn csv_task(task: Option<TaskArg>) -> CsvTask {
    match task.unwrap_or(TaskArg::Auto) {
        TaskArg::Auto => CsvTask::Auto,
        TaskArg::Classification => CsvTask::Classification,
        TaskArg::Regression => CsvTask::Regression,
    }
}

/// Reads a labelled CSV file (inputs unscaled).
pub fn read_csv(
    path: &Path,
    target: Option<&str>,
    task: Option<TaskArg>,
) -> Result<(Dataset, Option<String>), CliError> {
    let text = read_text(path)?;
    let options = CsvOptions {
        target: target_column(target),
        task: csv_task(task),
        ..CsvOptions::default()
    };
    let (ds, _) =
        data::parse_csv(&text, &options).map_err(|e| CliError::in_file(path, e.into()))?;
    let target_name = header_of(&text, &ds, &options.target);
    Ok((ds, target_name))
}

/// The target column's header name, read back from the file's first line when it is a header
/// (the data set keeps only the input names).
fn header_of(text: &str, ds: &Dataset, target: &TargetColumn) -> Option<String> {
    if let TargetColumn::Name(name) = target {
        return Some(name.trim().to_string());
    }
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty())?;
    let cells = split_cells(first, sniff(first));
    let inputs: Vec<&String> = ds.feature_names.iter().collect();
    // Without a header the inputs are named x1, x2, … and the first line is data.
    if inputs
        .iter()
        .enumerate()
        .all(|(j, n)| **n == format!("x{}", j + 1))
        && cells.iter().any(|c| c.parse::<f64>().is_ok())
    {
        return None;
    }
    let index = match target {
        TargetColumn::Index(i) => *i,
        _ => cells.len().checked_sub(1)?,
    };
    cells
        .get(index)
        .map(|c| c.to_string())
        .filter(|c| !c.is_empty())
}

/// The training data a config describes, with the command line's data flags already applied to
/// the config. Named sets follow the page exactly; CSV files are standardized by default.
pub fn prepare(
    config: &PlaygroundConfig,
    args: &DataArgs,
    scaling: Option<ScalingArg>,
) -> Result<Prepared, CliError> {
    let d = &config.data;
    let scaling = scaling.unwrap_or(ScalingArg::Auto);
    let fraction = d.train_percent as f32 / 100.0;
    let (base, source, features, mut scaler, target_name) = match &args.csv {
        Some(path) => {
            let (ds, target_name) = read_csv(path, args.target.as_deref(), args.task)?;
            (ds, Source::Csv(path.clone()), None, None, target_name)
        }
        None => {
            let kind = d.dataset;
            if kind.is_builtin() {
                let mut ds = data::builtin::load(kind)?;
                let mut scaler = None;
                if kind == DatasetKind::Iris && scaling == ScalingArg::Auto {
                    // What the page does: centimetres of very different spreads, standardized
                    // over the whole set before the split.
                    let s = Scaler::fit(ds.x.view(), Scaling::Standardize);
                    ds.x = s.transform(ds.x.view());
                    scaler = Some(s);
                }
                (ds, Source::Named(kind), None, scaler, None)
            } else {
                let ds = data::generate(
                    kind,
                    d.points,
                    d.noise_percent as f32 / 100.0,
                    d.seed as u64,
                )?;
                (
                    ds,
                    Source::Named(kind),
                    Some(d.features.clone()),
                    None,
                    None,
                )
            }
        }
    };
    let raw_inputs = base.feature_names.clone();
    let task = base.task();
    let class_names = base.class_names().map(<[String]>::to_vec);
    let total = base.len();
    let (train, test) = base
        .split(fraction, d.seed as u64)
        .map_err(|e| match &source {
            Source::Csv(path) => CliError::in_file(path, e.into()),
            Source::Named(_) => e.into(),
        })?;
    let expand = |ds: &Dataset| -> Result<Array2<f32>, DataError> {
        match &features {
            Some(f) => f.expand(ds.x.view()),
            None => Ok(ds.x.as_standard_layout().into_owned()),
        }
    };
    let (mut x_train, mut x_test) = (expand(&train)?, expand(&test)?);
    let fitted = match (scaling, &source) {
        (ScalingArg::None, _) => None,
        (ScalingArg::Standardize, _) | (ScalingArg::Auto, Source::Csv(_)) => {
            Some(Scaling::Standardize)
        }
        (ScalingArg::Minmax, _) => Some(Scaling::MinMax),
        (ScalingArg::Auto, Source::Named(_)) => None,
    };
    if let Some(kind) = fitted {
        let s = Scaler::fit(x_train.view(), kind);
        x_train = s.transform(x_train.view());
        x_test = s.transform(x_test.view());
        scaler = Some(s);
    }
    Ok(Prepared {
        source,
        task,
        class_names,
        raw_inputs,
        features,
        scaler,
        target_name,
        y_train: train.target_matrix(),
        y_test: test.target_matrix(),
        x_train,
        x_test,
        total,
    })
}

/// The delimiter that splits `line` into the most cells (tab, then `;`, then `,` on ties, as
/// the library's reader prefers).
fn sniff(line: &str) -> char {
    ['\t', ';', ',']
        .into_iter()
        .max_by_key(|&d| (line.matches(d).count(), d == '\t'))
        .filter(|&d| line.contains(d))
        .unwrap_or(',')
}

/// Splits one CSV line into trimmed cells, removing surrounding quotes ("" inside is a quote).
fn split_cells(line: &str, delimiter: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => {
                cells.push(std::mem::take(&mut cell).trim().to_string())
            }
            c => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    cells
}

/// A number in a cell; a decimal comma is accepted when the delimiter is not a comma.
fn parse_number(cell: &str, delimiter: char) -> Option<f32> {
    cell.parse::<f32>().ok().or_else(|| {
        if delimiter != ',' {
            cell.replacen(',', ".", 1).parse().ok()
        } else {
            None
        }
    })
}

/// Rows for `predict`: only inputs, no target needed. The file may have a header; when it does,
/// columns are matched to the model's input names (in any order), and the column named `ignore`
/// (the training target) is skipped. Without a header the columns are taken in order.
pub fn read_inputs(
    path: &Path,
    expected: &[String],
    ignore: Option<&str>,
) -> Result<Array2<f32>, CliError> {
    let text = read_text(path)?;
    let in_file = |e: DataError| CliError::DataFile {
        path: path.to_path_buf(),
        source: e,
    };
    let lines: Vec<(usize, &str)> = text
        .trim_start_matches('\u{feff}')
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let Some(&(_, first_line)) = lines.first() else {
        return Err(in_file(DataError::EmptyFile));
    };
    let delimiter = sniff(first_line);
    let first = split_cells(first_line, delimiter);
    let has_header = first.iter().any(|c| parse_number(c, delimiter).is_none());
    let n_columns = first.len();

    // Which file column feeds each model input.
    let columns: Vec<usize> = if has_header {
        let by_name: Option<Vec<usize>> = expected
            .iter()
            .map(|name| first.iter().position(|c| c == name))
            .collect();
        match by_name {
            Some(cols) => cols,
            None => {
                let skip = ignore.and_then(|t| first.iter().position(|c| c == t));
                let kept: Vec<usize> = (0..n_columns).filter(|&j| Some(j) != skip).collect();
                if kept.len() != expected.len() {
                    return Err(CliError::file(
                        path,
                        format!(
                            "the file has {} input columns ({}), the model expects {} ({})",
                            kept.len(),
                            kept.iter()
                                .map(|&j| first[j].as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                            expected.len(),
                            expected.join(", ")
                        ),
                    ));
                }
                kept
            }
        }
    } else {
        if n_columns != expected.len() {
            return Err(CliError::file(
                path,
                format!(
                    "line {} has {n_columns} columns, the model expects {} inputs ({})",
                    lines[0].0,
                    expected.len(),
                    expected.join(", ")
                ),
            ));
        }
        (0..n_columns).collect()
    };

    let data_lines = if has_header { &lines[1..] } else { &lines[..] };
    if data_lines.is_empty() {
        return Err(in_file(DataError::EmptyFile));
    }
    let mut values = Vec::with_capacity(data_lines.len() * columns.len());
    for &(line, text) in data_lines {
        let cells = split_cells(text, delimiter);
        if cells.len() != n_columns {
            return Err(in_file(DataError::Ragged {
                line,
                expected: n_columns,
                got: cells.len(),
            }));
        }
        for &j in &columns {
            let cell = &cells[j];
            if cell.is_empty() {
                return Err(in_file(DataError::MissingValue {
                    line,
                    column: j + 1,
                }));
            }
            let v = parse_number(cell, delimiter).ok_or_else(|| {
                in_file(DataError::NonNumeric {
                    line,
                    column: j + 1,
                    value: cell.clone(),
                })
            })?;
            if !v.is_finite() {
                return Err(in_file(DataError::NonFinite {
                    line,
                    column: j + 1,
                }));
            }
            values.push(v);
        }
    }
    Array2::from_shape_vec((data_lines.len(), columns.len()), values)
        .map_err(|e| CliError::Nn(NnError::Config(format!("internal: {e}"))))
}

/// Data for `eval`: a named set (whole, as generated or shipped) or a labelled CSV file, with
/// the classes mapped onto the model's class order by name.
pub fn eval_data(
    args: &DataArgs,
    model_classes: Option<&[String]>,
    target_hint: Option<&str>,
) -> Result<(Dataset, String), CliError> {
    let (ds, name) = match (&args.csv, args.dataset) {
        (Some(path), _) => {
            let target = args.target.as_deref().or(target_hint);
            (
                read_csv(path, target, args.task)?.0,
                path.display().to_string(),
            )
        }
        // Raw values: a model trained on standardized iris carries the scaler that undoes that.
        (None, Some(kind)) if kind.is_builtin() => (data::builtin::load(kind)?, kind.to_string()),
        (None, Some(kind)) => {
            let defaults = PlaygroundConfig::default().data;
            let points = args.points.unwrap_or(defaults.points);
            let noise = args.noise.unwrap_or(defaults.noise_percent);
            let seed = args.data_seed.unwrap_or(defaults.seed);
            (
                data::generate(kind, points, noise as f32 / 100.0, seed as u64)?,
                format!("{kind} ({points} points, noise {noise} %, data seed {seed})"),
            )
        }
        (None, None) => {
            return Err(CliError::usage(
                "name the data to score with --dataset NAME or --csv FILE",
            ));
        }
    };
    let ds = match (model_classes, ds.class_names()) {
        (Some(model), Some(file)) if model != file => remap_classes(ds.clone(), model)?,
        _ => ds,
    };
    Ok((ds, name))
}

/// Renumbers a data set's classes to the model's order; a class the model does not know is an error.
fn remap_classes(ds: Dataset, model: &[String]) -> Result<Dataset, CliError> {
    let (Some(labels), Some(names)) = (ds.labels(), ds.class_names()) else {
        return Ok(ds);
    };
    let map: Vec<usize> = names
        .iter()
        .map(|n| {
            model.iter().position(|m| m == n).ok_or_else(|| {
                CliError::usage(format!(
                    "the data has a class '{n}' that the model does not know (its classes: {})",
                    model.join(", ")
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let labels: Vec<usize> = labels.iter().map(|&l| map[l]).collect();
    let x = ds.x.clone();
    let feature_names = ds.feature_names.clone();
    Ok(Dataset::new(
        x,
        data::Target::Classes {
            labels,
            names: model.to_vec(),
        },
        feature_names,
    )?)
}

/// Targets of a data set in the layout of a network with `outputs` outputs.
pub fn targets_for(ds: &Dataset, outputs: usize) -> Result<Array2<f32>, CliError> {
    let y = ds.target_matrix();
    if y.ncols() == outputs {
        return Ok(y);
    }
    // A two-class file scored by a K-output model (or the reverse) cannot be compared.
    Err(CliError::Nn(NnError::TargetDim {
        expected: outputs,
        got: y.ncols(),
    }))
}
