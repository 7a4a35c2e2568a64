//! Reading the user's own CSV files (and writing data sets back out). Every problem in a file is
//! reported with its 1-based line and column so a student can find and fix it; the parser never
//! panics and never changes the text it was given.
//!
//! Written by hand because the needs are small: one record per line, `,` `;` or tab between
//! cells, optional double quotes around a cell (`""` inside quotes is a literal quote; a quoted
//! cell cannot span lines). When the delimiter is `;` or tab, a decimal comma ("1,5") is read as
//! a decimal point.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::scaling::{Scaler, Scaling};
use super::{DataError, Dataset, Target};

/// The largest number of data rows a file may have.
pub const MAX_ROWS: usize = 100_000;
/// The largest number of columns (inputs plus target) a file may have.
pub const MAX_COLUMNS: usize = 1_000;
/// The smallest number of data rows a file must have: fewer cannot be split into train and test.
pub const MIN_ROWS: usize = 4;
/// How many lines the delimiter and header detection look at.
const SNIFF_LINES: usize = 20;
/// The largest number of classes a classification target may have.
pub const MAX_CLASSES: usize = 100;
/// With [`CsvTask::Auto`], a numeric target whose values are all whole numbers is taken as class
/// labels when it has at most this many different values.
pub const AUTO_MAX_CLASSES: usize = 10;

/// Which column holds the target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetColumn {
    /// The last column (the usual place).
    #[default]
    Last,
    /// The column at this position, counting from 0.
    Index(usize),
    /// The column with this header name (needs a header row).
    Name(String),
}

/// Whether the target is a class or a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvTask {
    /// Classes if any target is not a number, or if all targets are whole numbers with at most
    /// [`AUTO_MAX_CLASSES`] different values; otherwise regression.
    #[default]
    Auto,
    /// Every different target value (number or text) is a class.
    Classification,
    /// Targets are numbers to predict.
    Regression,
}

/// How to read a CSV file. The default sniffs the delimiter and the header, takes the last
/// column as the target, guesses the task and does not scale.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CsvOptions {
    /// `b','`, `b';'` or `b'\t'`; `None` picks whichever splits the first lines evenly
    /// (tab, then semicolon, then comma).
    pub delimiter: Option<u8>,
    /// `None` treats the first row as a header when one of its cells is text above a number.
    pub has_header: Option<bool>,
    pub target: TargetColumn,
    pub task: CsvTask,
    /// Scaling fitted on all rows of the file; the fitted [`Scaler`] is returned to be stored
    /// with the model.
    pub scaling: Scaling,
}

/// Reads a CSV text into a data set and the scaler that was applied to its inputs.
///
/// Class names are the target cells' text, ordered numerically when they are all numbers and
/// alphabetically otherwise, so the same file always gives the same class numbers.
/// Input columns are named from the header, or "x1", "x2", … without one.
///
/// ```
/// use nnplay::data::{CsvOptions, parse_csv};
///
/// let text = "height;weight;kind\n1,5;3;cat\n1,7;4;cat\n3,1;9;dog\n2,9;8;dog\n";
/// let (ds, _scaler) = parse_csv(text, &CsvOptions::default()).unwrap();
/// assert_eq!(ds.feature_names, ["height", "weight"]);
/// assert_eq!(ds.class_names().unwrap(), ["cat", "dog"]);
/// assert_eq!(ds.x[[0, 0]], 1.5);
/// ```
pub fn parse_csv(text: &str, opts: &CsvOptions) -> Result<(Dataset, Scaler), DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // (1-based line number, line) of every line with content; blank lines are skipped. The
    // lines are walked again rather than collected, so a huge file is refused without copying.
    let lines = || {
        text.split('\n')
            .enumerate()
            .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
            .filter(|(_, l)| !l.trim().is_empty())
    };
    let sample: Vec<(usize, &str)> = lines().take(SNIFF_LINES).collect();
    if sample.is_empty() {
        return Err(DataError::EmptyFile);
    }

    let delimiter = match opts.delimiter {
        Some(d) if matches!(d, b',' | b';' | b'\t') => d,
        Some(d) => {
            return Err(DataError::BadParameter {
                name: "delimiter",
                value: d as f64,
                reason: "the delimiter must be a comma, a semicolon or a tab".into(),
            });
        }
        None => sniff_delimiter(&sample),
    };

    let (first_line, first) = (
        sample[0].0,
        split_record(sample[0].1, delimiter, sample[0].0)?,
    );
    let n_columns = first.len();
    if n_columns > MAX_COLUMNS {
        return Err(DataError::TooManyColumns {
            limit: MAX_COLUMNS,
            got: n_columns,
        });
    }
    if n_columns < 2 {
        return Err(DataError::TooFewColumns { got: n_columns });
    }

    let has_header = match opts.has_header {
        Some(h) => h,
        None => {
            let second = match sample.get(1) {
                Some(&(no, l)) => Some(split_record(l, delimiter, no)?),
                None => None,
            };
            detect_header(&first, second.as_deref(), delimiter)
        }
    };
    let header: Option<Vec<String>> =
        has_header.then(|| first.iter().map(|c| c.trim().to_string()).collect());
    let n_rows = lines().count() - usize::from(has_header);
    if n_rows > MAX_ROWS {
        return Err(DataError::TooManyRows {
            limit: MAX_ROWS,
            got: n_rows,
        });
    }

    let target_col = match &opts.target {
        TargetColumn::Last => n_columns - 1,
        TargetColumn::Index(i) if *i < n_columns => *i,
        TargetColumn::Index(i) => {
            return Err(DataError::ColumnOutOfRange {
                index: *i,
                columns: n_columns,
            });
        }
        TargetColumn::Name(name) => header
            .as_ref()
            .and_then(|h| h.iter().position(|c| c == name.trim()))
            .ok_or_else(|| DataError::UnknownColumn(name.clone()))?,
    };

    // Inputs are converted while reading so only the target column is kept as text.
    let n_inputs = n_columns - 1;
    let mut x: Vec<f32> = Vec::with_capacity(n_rows * n_inputs);
    let mut targets: Vec<(usize, String)> = Vec::with_capacity(n_rows);
    for (line_no, line) in lines().skip(usize::from(has_header)) {
        let cells = if line_no == first_line {
            first.clone()
        } else {
            split_record(line, delimiter, line_no)?
        };
        if cells.len() != n_columns {
            return Err(DataError::Ragged {
                line: line_no,
                expected: n_columns,
                got: cells.len(),
            });
        }
        for (j, cell) in cells.iter().enumerate() {
            if j == target_col {
                let t = cell.trim();
                if t.is_empty() {
                    return Err(DataError::MissingValue {
                        line: line_no,
                        column: j + 1,
                    });
                }
                targets.push((line_no, t.to_string()));
            } else {
                x.push(parse_cell(cell, delimiter, line_no, j + 1)?);
            }
        }
    }
    if targets.len() < MIN_ROWS {
        return Err(DataError::TooFewRows {
            got: targets.len(),
            min: MIN_ROWS,
        });
    }

    let classify = match opts.task {
        CsvTask::Classification => true,
        CsvTask::Regression => false,
        CsvTask::Auto => looks_like_classes(&targets, delimiter),
    };
    let target = if classify {
        class_target(&targets, delimiter)?
    } else {
        let mut values = Vec::with_capacity(targets.len());
        for (line_no, t) in &targets {
            values.push(parse_cell(t, delimiter, *line_no, target_col + 1)?);
        }
        Target::Values(Array2::from_shape_fn((values.len(), 1), |(i, _)| values[i]))
    };

    let feature_names: Vec<String> = match &header {
        Some(h) => h
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != target_col)
            .map(|(j, name)| {
                if name.is_empty() {
                    format!("column {}", j + 1)
                } else {
                    name.clone()
                }
            })
            .collect(),
        None => (1..=n_inputs).map(|j| format!("x{j}")).collect(),
    };
    let raw = Array2::from_shape_vec((targets.len(), n_inputs), x)
        .map_err(|e| DataError::Shape(format!("internal: {e}")))?;
    let scaler = Scaler::fit(raw.view(), opts.scaling);
    let x = if opts.scaling == Scaling::None {
        raw
    } else {
        scaler.transform(raw.view())
    };
    Ok((
        Dataset {
            x,
            target,
            feature_names,
        },
        scaler,
    ))
}

/// Writes a data set as comma-separated text with a header row: the input columns, then the
/// target ("label" with class names, or "target" / "target1", "target2", … for values).
/// Numbers are written in the shortest form that reads back to the same f32, so
/// `parse_csv(&to_csv(ds))` gives the same inputs and labels back.
pub fn to_csv(ds: &Dataset) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = ds.feature_names.iter().map(|n| quote(n)).collect();
    match &ds.target {
        Target::Classes { .. } => header.push("label".into()),
        Target::Values(v) if v.ncols() == 1 => header.push("target".into()),
        Target::Values(v) => header.extend((1..=v.ncols()).map(|k| format!("target{k}"))),
    }
    out.push_str(&header.join(","));
    out.push('\n');
    for i in 0..ds.len() {
        let mut cells: Vec<String> = ds.x.row(i).iter().map(|v| v.to_string()).collect();
        match &ds.target {
            Target::Classes { labels, names } => cells.push(quote(&names[labels[i]])),
            Target::Values(v) => cells.extend(v.row(i).iter().map(|v| v.to_string())),
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// Quotes a cell for `to_csv` when it holds a delimiter, a quote, a line break or outer spaces.
fn quote(cell: &str) -> String {
    let needs = cell.contains([',', ';', '\t', '"', '\n', '\r']) || cell.trim() != cell;
    if needs {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// Splits one line into cells. Quotes are removed; cells are not trimmed here.
fn split_record(line: &str, delimiter: u8, line_no: usize) -> Result<Vec<Cow<'_, str>>, DataError> {
    let delim = delimiter as char;
    let mut cells = Vec::new();
    let mut rest = line;
    loop {
        let column = cells.len() + 1;
        let lead = rest.len() - rest.trim_start_matches(' ').len();
        if rest[lead..].starts_with('"') {
            // Quoted cell: read to the closing quote, turning "" into ".
            let body = &rest[lead + 1..];
            let mut value = String::new();
            let mut chars = body.char_indices().peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if let Some(&(_, '"')) = chars.peek() {
                        value.push('"');
                        chars.next();
                    } else {
                        end = Some(i);
                        break;
                    }
                } else {
                    value.push(c);
                }
            }
            let Some(end) = end else {
                return Err(DataError::Csv {
                    line: line_no,
                    column,
                    reason: "a quote (\") is opened but never closed on this line".into(),
                });
            };
            let after = body[end + 1..].trim_start_matches(' ');
            cells.push(Cow::Owned(value));
            if after.is_empty() {
                return Ok(cells);
            }
            match after.strip_prefix(delim) {
                Some(next) => rest = next,
                None => {
                    return Err(DataError::Csv {
                        line: line_no,
                        column,
                        reason: "unexpected text after a closing quote; put a delimiter after it"
                            .into(),
                    });
                }
            }
        } else {
            match rest.find(delim) {
                Some(pos) => {
                    cells.push(Cow::Borrowed(&rest[..pos]));
                    rest = &rest[pos + 1..];
                }
                None => {
                    cells.push(Cow::Borrowed(rest));
                    return Ok(cells);
                }
            }
        }
        if cells.len() > MAX_COLUMNS {
            // Stop early on absurd lines; the caller reports the limit.
            cells.push(Cow::Borrowed(""));
            return Ok(cells);
        }
    }
}

/// Picks the delimiter that splits the first lines into the same number (> 1) of cells,
/// preferring tab, then semicolon, then comma: files separated by `;` or tab often use commas as
/// decimal marks, comma-separated files rarely contain `;` or tabs.
fn sniff_delimiter(sample: &[(usize, &str)]) -> u8 {
    const CANDIDATES: [u8; 3] = [b'\t', b';', b','];
    let counts = |d: u8| -> Option<Vec<usize>> {
        sample
            .iter()
            .map(|&(no, l)| split_record(l, d, no).ok().map(|c| c.len()))
            .collect()
    };
    for d in CANDIDATES {
        if let Some(c) = counts(d)
            && c[0] > 1
            && c.iter().all(|&k| k == c[0])
        {
            return d;
        }
    }
    // No delimiter is consistent (a ragged file): take the one that splits the first line most,
    // so the later error names the ragged line.
    CANDIDATES
        .into_iter()
        .max_by_key(|&d| {
            split_record(sample[0].1, d, sample[0].0)
                .map(|c| c.len())
                .unwrap_or(0)
        })
        .unwrap_or(b',')
}

/// A first row is a header when one of its cells is text while the cell below it is a number,
/// or (with no second row) when all its cells are text.
fn detect_header(first: &[Cow<'_, str>], second: Option<&[Cow<'_, str>]>, delimiter: u8) -> bool {
    let is_num = |c: &str| parse_number(c, delimiter).is_some();
    match second {
        Some(second) => first
            .iter()
            .zip(second)
            .any(|(a, b)| !is_num(a) && is_num(b)),
        None => first.iter().all(|c| !is_num(c)),
    }
}

/// The number in a cell, accepting a decimal comma when the delimiter is not a comma.
/// Non-finite values are returned as they are; the caller rejects them.
fn parse_number(cell: &str, delimiter: u8) -> Option<f64> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(v) = t.parse::<f64>() {
        return Some(v);
    }
    if delimiter != b',' && t.matches(',').count() == 1 && !t.contains('.') {
        return t.replace(',', ".").parse::<f64>().ok();
    }
    None
}

/// Converts one input cell, or names the line and column of the problem.
fn parse_cell(cell: &str, delimiter: u8, line: usize, column: usize) -> Result<f32, DataError> {
    let t = cell.trim();
    if t.is_empty() {
        return Err(DataError::MissingValue { line, column });
    }
    let v = parse_number(t, delimiter).ok_or_else(|| DataError::NonNumeric {
        line,
        column,
        value: t.to_string(),
    })?;
    // Values beyond f32's range (about 3.4e38) would become infinity in the network.
    let v32 = v as f32;
    if !v.is_finite() || !v32.is_finite() {
        return Err(DataError::NonFinite { line, column });
    }
    Ok(v32)
}

fn looks_like_classes(targets: &[(usize, String)], delimiter: u8) -> bool {
    let mut distinct = HashSet::new();
    for (_, t) in targets {
        match parse_number(t, delimiter) {
            Some(v) if v.is_finite() && v.fract() == 0.0 => {
                distinct.insert(v.to_bits());
            }
            Some(v) if v.is_finite() => return false,
            // NaN, infinity or text: only class labels make sense of text.
            _ => return true,
        }
    }
    distinct.len() <= AUTO_MAX_CLASSES
}

/// Maps target cells to class indices. Numeric labels are compared as numbers ("1" and "1.0"
/// are the same class, named by the first spelling seen) and ordered by value; text labels are
/// ordered alphabetically.
fn class_target(targets: &[(usize, String)], delimiter: u8) -> Result<Target, DataError> {
    let numeric: Option<Vec<f64>> = targets
        .iter()
        .map(|(_, t)| parse_number(t, delimiter).filter(|v| v.is_finite()))
        .collect();
    let (labels, names) = match numeric {
        Some(values) => {
            // Keys are the values' bits made order-preserving, so a BTreeMap sorts them by value.
            let key = |v: f64| {
                let v = if v == 0.0 { 0.0 } else { v }; // -0 and 0 are one class
                let b = v.to_bits() as i64;
                b ^ (((b >> 63) as u64) >> 1) as i64
            };
            let mut first_name: BTreeMap<i64, &str> = BTreeMap::new();
            for (v, (_, t)) in values.iter().zip(targets) {
                first_name.entry(key(*v)).or_insert(t);
            }
            let index: BTreeMap<i64, usize> = first_name
                .keys()
                .enumerate()
                .map(|(i, &k)| (k, i))
                .collect();
            let labels = values
                .iter()
                .map(|&v| index.get(&key(v)).copied().unwrap_or(0))
                .collect::<Vec<_>>();
            (
                labels,
                first_name
                    .values()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>(),
            )
        }
        None => {
            let names: Vec<String> = targets
                .iter()
                .map(|(_, t)| t.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let labels = targets
                .iter()
                .map(|(_, t)| names.binary_search(t).unwrap_or(0))
                .collect::<Vec<_>>();
            (labels, names)
        }
    };
    if names.len() < 2 {
        return Err(DataError::SingleClass {
            class: names.into_iter().next().unwrap_or_default(),
        });
    }
    if names.len() > MAX_CLASSES {
        return Err(DataError::TooManyClasses {
            limit: MAX_CLASSES,
            got: names.len(),
        });
    }
    Ok(Target::Classes { labels, names })
}
