//! Every data set the library, the page and the CLI can train on: generated 2-D sets, the real
//! sets shipped in `data/`, the user's CSV files and points placed by hand. Nothing is fetched at
//! run time, and the same seed gives the same points natively and in the browser.
//!
//! # The data sets
//!
//! Generated (see [`synthetic::generate`]; points in the square [-6, 6]², any number of points,
//! noise 0–50 %):
//!
//! | token | what a teacher can read aloud |
//! |---|---|
//! | `circle` | Two classes: a disc of points surrounded by a ring of the other class. |
//! | `xor` | Two classes by quadrant: points whose coordinates have the same sign against points whose signs differ. |
//! | `gaussians` | Two classes: two round clouds of points, one in the upper right and one in the lower left. |
//! | `spiral` | Two classes: two spiral arms wound around each other. |
//! | `moons` | Two classes: two interlocking half-moons. |
//! | `checkerboard` | Two classes laid out like the squares of a 4 × 4 checkerboard. |
//! | `spirals3` … `spirals6` | Three to six classes: as many spiral arms wound around each other. |
//! | `blobs3` … `blobs6` | Three to six classes: round clouds of points placed around a circle. |
//! | `plane` | Regression: the target rises evenly from the lower-left corner to the upper-right corner. |
//! | `multi_gaussian` | Regression: a landscape of six hills and valleys. |
//! | `linear_sum` | Regression: the target is exactly y = 0.5·x1 + 0.5·x2 plus noise. |
//! | `xsinx` | Regression on one input: the wavy curve y = x·sin(x) / 5. |
//!
//! Shipped in the repository (see [`builtin::load`]; source and licence next to each file):
//!
//! | token | what a teacher can read aloud |
//! |---|---|
//! | `digits` | 1,797 handwritten digits as tiny 8 × 8 grey images, ten classes. |
//! | `mnist` | 5,000 handwritten digits as 28 × 28 grey images from MNIST, 500 of each digit. |
//! | `iris` | 150 iris flowers described by four measurements, three species. |
//!
//! The user's own data comes from [`csv::parse_csv`] or from a [`points::PointSet`] drawn on the
//! page. [`features::FeatureSet`] derives the playground's extra inputs (x1², sin x1, …) from a
//! 2-D set, and [`scaling::Scaler`] standardises inputs and travels with the model.
//!
//! ```
//! use nnplay::data::{DatasetKind, Task, synthetic::generate};
//!
//! let ds = generate(DatasetKind::Circle, 200, 0.1, 42).unwrap();
//! assert_eq!((ds.len(), ds.n_features()), (200, 2));
//! assert_eq!(ds.task(), Task::BinaryClassification);
//! let (train, test) = ds.split(0.8, 7).unwrap();
//! assert_eq!((train.len(), test.len()), (160, 40));
//! ```

pub mod builtin;
pub mod csv;
pub mod csv_export;
pub mod digit_pad;
pub mod features;
pub mod points;
pub mod scaling;
pub mod synthetic;

use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

use crate::kernels::shuffle::shuffle;

pub use csv::{CsvOptions, CsvTask, TargetColumn, parse_csv, to_csv};
pub use features::{Feature, FeatureSet};
pub use points::{PointId, PointLabel, PointSet, PointTask};
pub use scaling::{Scaler, Scaling};
pub use synthetic::generate;

/// The smallest train fraction [`Dataset::split`] accepts (10 %).
pub const MIN_TRAIN_FRACTION: f32 = 0.1;
/// The largest train fraction [`Dataset::split`] accepts (90 %).
pub const MAX_TRAIN_FRACTION: f32 = 0.9;

/// Everything that can go wrong when making, loading or reading data. Each message is a full
/// sentence that names the place (line, column, limit) so a student can fix the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("line {line}, column {column}: {reason}")]
    Csv {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("the file is empty: it has no rows of data")]
    EmptyFile,
    #[error("line {line} has {got} columns, but the first row has {expected}")]
    Ragged {
        line: usize,
        expected: usize,
        got: usize,
    },
    #[error("line {line}, column {column}: '{value}' is not a number")]
    NonNumeric {
        line: usize,
        column: usize,
        value: String,
    },
    #[error("line {line}, column {column} is empty: every cell needs a value")]
    MissingValue { line: usize, column: usize },
    #[error(
        "line {line}, column {column}: the value is not a finite number (NaN, infinity or too large)"
    )]
    NonFinite { line: usize, column: usize },
    #[error("every row has the same class '{class}': classification needs at least two classes")]
    SingleClass { class: String },
    #[error(
        "the target column has {got} different classes; at most {limit} are supported (is it really a class column?)"
    )]
    TooManyClasses { limit: usize, got: usize },
    #[error("there are only {got} rows of data; at least {min} are needed")]
    TooFewRows { got: usize, min: usize },
    #[error("there are {got} rows of data; at most {limit} are supported")]
    TooManyRows { limit: usize, got: usize },
    #[error("there are {got} columns; at most {limit} are supported")]
    TooManyColumns { limit: usize, got: usize },
    #[error(
        "the file has only {got} column; it needs at least one input column and one target column"
    )]
    TooFewColumns { got: usize },
    #[error("there is no column named '{0}' (the column names come from the header row)")]
    UnknownColumn(String),
    #[error("there is no column number {index} (counting from 0); the file has {columns} columns")]
    ColumnOutOfRange { index: usize, columns: usize },
    #[error("{name} = {} is not allowed: {reason}", show_number(*value))]
    BadParameter {
        name: &'static str,
        value: f64,
        reason: String,
    },
    #[error("'{0}' is not a data set name; known names: {known}", known = DatasetKind::known_tokens())]
    UnknownDataset(String),
    #[error(
        "'{0}' is not an input feature; known features: x1, x2, x1_squared, x2_squared, x1_x2, sin_x1, sin_x2"
    )]
    UnknownFeature(String),
    #[error("'{kind}' {reason}")]
    WrongSource {
        kind: DatasetKind,
        reason: &'static str,
    },
    #[error("derived features need exactly 2 input columns (x1, x2), but the data has {got}")]
    FeatureInputs { got: usize },
    #[error("no point has id {id}")]
    UnknownPoint { id: u32 },
    #[error("the point ({x1}, {x2}) is outside the drawing area [-{limit}, {limit}]²")]
    OutOfDomain { x1: f32, x2: f32, limit: f32 },
    #[error("the data does not fit together: {0}")]
    Shape(String),
    #[error("the data file '{path}' is missing: {hint}")]
    MissingFile { path: String, hint: String },
    #[error("the shipped data is damaged: {0}")]
    CorruptData(String),
}

/// Writes a parameter the way the user typed it: whole numbers without decimals, others in the
/// shortest form of the f32 they came from ("0.7", not "0.699999988079071").
fn show_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        (value as f32).to_string()
    }
}

/// What a data set asks the network to do; it decides the output layer and the loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Two classes: one output, read as the probability of class 1.
    BinaryClassification,
    /// `classes` > 2 classes: one output per class (softmax).
    MultiClassification { classes: usize },
    /// Real-valued targets.
    Regression,
}

impl Task {
    /// The short name the page and the CLI's JSON summaries use: `binary`, `multiclass`,
    /// `regression`.
    pub fn token(self) -> &'static str {
        match self {
            Task::BinaryClassification => "binary",
            Task::MultiClassification { .. } => "multiclass",
            Task::Regression => "regression",
        }
    }

    /// The name the model file (and the exported Python files) write: its serde name,
    /// `binary_classification`, `multi_classification`, `regression`.
    pub fn file_token(self) -> &'static str {
        match self {
            Task::BinaryClassification => "binary_classification",
            Task::MultiClassification { .. } => "multi_classification",
            Task::Regression => "regression",
        }
    }
}

/// The answers the network should learn, one per sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Class index per sample; `names[k]` is the display name of class k.
    Classes {
        labels: Vec<usize>,
        names: Vec<String>,
    },
    /// Real-valued targets, shape (n_samples, n_outputs).
    Values(Array2<f32>),
}

impl Target {
    fn len(&self) -> usize {
        match self {
            Target::Classes { labels, .. } => labels.len(),
            Target::Values(v) => v.nrows(),
        }
    }
}

/// Inputs and targets of one data set.
///
/// # Shapes
/// `x` is (n_samples, n_features); `feature_names` has n_features entries; the target has
/// n_samples entries (labels) or rows (values).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// Inputs, shape (n_samples, n_features).
    pub x: Array2<f32>,
    pub target: Target,
    /// Display name of each input column, e.g. "x1", "sepal length (cm)".
    pub feature_names: Vec<String>,
}

impl Dataset {
    /// Builds a data set after checking that its parts fit together: as many targets as rows,
    /// one name per column, labels below the number of class names, finite numbers only.
    pub fn new(
        x: Array2<f32>,
        target: Target,
        feature_names: Vec<String>,
    ) -> Result<Dataset, DataError> {
        if target.len() != x.nrows() {
            return Err(DataError::Shape(format!(
                "{} input rows but {} targets",
                x.nrows(),
                target.len()
            )));
        }
        if feature_names.len() != x.ncols() {
            return Err(DataError::Shape(format!(
                "{} input columns but {} column names",
                x.ncols(),
                feature_names.len()
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(DataError::Shape(
                "the inputs contain NaN or infinity".into(),
            ));
        }
        match &target {
            Target::Classes { labels, names } => {
                if let Some(&bad) = labels.iter().find(|&&l| l >= names.len()) {
                    return Err(DataError::Shape(format!(
                        "label {bad} but only {} class names",
                        names.len()
                    )));
                }
            }
            Target::Values(v) => {
                if v.iter().any(|v| !v.is_finite()) {
                    return Err(DataError::Shape(
                        "the targets contain NaN or infinity".into(),
                    ));
                }
            }
        }
        Ok(Dataset {
            x,
            target,
            feature_names,
        })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of input columns.
    pub fn n_features(&self) -> usize {
        self.x.ncols()
    }

    /// Binary when there are two class names (or fewer), multi-class for more, regression for
    /// real-valued targets.
    pub fn task(&self) -> Task {
        match &self.target {
            Target::Classes { names, .. } if names.len() <= 2 => Task::BinaryClassification,
            Target::Classes { names, .. } => Task::MultiClassification {
                classes: names.len(),
            },
            Target::Values(_) => Task::Regression,
        }
    }

    /// Number of network outputs the task needs: 1 for binary and for one regression target,
    /// K for K classes.
    pub fn n_outputs(&self) -> usize {
        match (&self.target, self.task()) {
            (_, Task::BinaryClassification) => 1,
            (_, Task::MultiClassification { classes }) => classes,
            (Target::Values(v), Task::Regression) => v.ncols(),
            (Target::Classes { .. }, Task::Regression) => 1, // not produced by task()
        }
    }

    /// Class labels, or `None` for regression.
    pub fn labels(&self) -> Option<&[usize]> {
        match &self.target {
            Target::Classes { labels, .. } => Some(labels),
            Target::Values(_) => None,
        }
    }

    /// Class display names, or `None` for regression.
    pub fn class_names(&self) -> Option<&[String]> {
        match &self.target {
            Target::Classes { names, .. } => Some(names),
            Target::Values(_) => None,
        }
    }

    /// How many samples each class has (index = class), or `None` for regression.
    pub fn class_histogram(&self) -> Option<Vec<usize>> {
        match &self.target {
            Target::Classes { labels, names } => {
                let mut counts = vec![0; names.len()];
                for &l in labels {
                    counts[l] += 1;
                }
                Some(counts)
            }
            Target::Values(_) => None,
        }
    }

    /// Targets as the network's training matrix: 2 classes -> (n, 1) of 0/1; K > 2 classes ->
    /// one-hot (n, K); values -> a copy, (n, n_outputs).
    pub fn target_matrix(&self) -> Array2<f32> {
        match &self.target {
            Target::Classes { labels, names } if names.len() <= 2 => {
                Array2::from_shape_fn((labels.len(), 1), |(i, _)| labels[i] as f32)
            }
            Target::Classes { labels, names } => {
                let mut y = Array2::zeros((labels.len(), names.len()));
                for (i, &l) in labels.iter().enumerate() {
                    y[[i, l]] = 1.0;
                }
                y
            }
            Target::Values(v) => v.clone(),
        }
    }

    /// The rows at `indices`, in that order (repeats allowed). Class names are kept even when a
    /// class has no row left, so class k means the same thing in every subset.
    ///
    /// # Panics
    /// If an index is `>= self.len()`; the indices come from code, not from the user.
    pub fn select(&self, indices: &[usize]) -> Dataset {
        let target = match &self.target {
            Target::Classes { labels, names } => Target::Classes {
                labels: indices.iter().map(|&i| labels[i]).collect(),
                names: names.clone(),
            },
            Target::Values(v) => Target::Values(v.select(Axis(0), indices)),
        };
        Dataset {
            x: self.x.select(Axis(0), indices),
            target,
            feature_names: self.feature_names.clone(),
        }
    }

    /// Splits into (train, test) with `train_fraction` of the rows (10 %–90 %) in the training
    /// set, rounded, with at least one row on each side.
    ///
    /// The split is a seeded shuffle, so the same seed gives the same split on every platform.
    /// Classification sets are stratified: each class is spread over train and test in the
    /// same proportion, so a small test set still contains every class.
    pub fn split(&self, train_fraction: f32, seed: u64) -> Result<(Dataset, Dataset), DataError> {
        if !(MIN_TRAIN_FRACTION..=MAX_TRAIN_FRACTION).contains(&train_fraction) {
            return Err(DataError::BadParameter {
                name: "train_fraction",
                value: train_fraction as f64,
                reason: format!(
                    "the training share must be between {MIN_TRAIN_FRACTION} and {MAX_TRAIN_FRACTION}"
                ),
            });
        }
        let n = self.len();
        if n < 2 {
            return Err(DataError::TooFewRows { got: n, min: 2 });
        }
        let n_train = ((n as f64 * train_fraction as f64).round() as usize).clamp(1, n - 1);
        let mut rng = Pcg64::seed_from_u64(seed);
        let mut order: Vec<usize> = match &self.target {
            Target::Values(_) => {
                let mut all: Vec<usize> = (0..n).collect();
                shuffle(&mut all, &mut rng);
                all
            }
            Target::Classes { labels, names } => stratified_order(labels, names.len(), &mut rng),
        };
        let mut test = order.split_off(n_train);
        // The stratified order runs class by class within each rank; shuffle each side so
        // mini-batches taken in order are mixed.
        shuffle(&mut order, &mut rng);
        shuffle(&mut test, &mut rng);
        Ok((self.select(&order), self.select(&test)))
    }
}

/// All sample indices ordered so that every prefix holds each class in proportion to its size:
/// the j-th of the n_c shuffled members of class c gets rank (j + ½) / n_c, and indices are sorted
/// by rank.
fn stratified_order(labels: &[usize], n_classes: usize, rng: &mut Pcg64) -> Vec<usize> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &l) in labels.iter().enumerate() {
        members[l].push(i);
    }
    let mut ranked: Vec<(f64, usize, usize)> = Vec::with_capacity(labels.len());
    for (class, m) in members.iter_mut().enumerate() {
        shuffle(m, rng);
        let size = m.len() as f64;
        for (j, &i) in m.iter().enumerate() {
            ranked.push(((j as f64 + 0.5) / size, class, i));
        }
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, _, i)| i).collect()
}

/// Every data set the library knows by name. The serde tag and the URL token are the same
/// short string for the sets without parameters ("circle", "xsinx", "digits").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    Circle,
    Xor,
    Gaussians,
    Spiral,
    Moons,
    Checkerboard,
    /// `classes` (3–6) spiral arms.
    SpiralsK {
        classes: usize,
    },
    /// `classes` (3–6) Gaussian blobs.
    BlobsK {
        classes: usize,
    },
    Plane,
    MultiGaussian,
    LinearSum,
    #[serde(rename = "xsinx")]
    XSinX,
    Digits,
    Mnist,
    Iris,
}

/// The smallest number of classes of the K-class sets.
pub const MIN_K: usize = 3;
/// The largest number of classes of the K-class sets.
pub const MAX_K: usize = 6;

impl DatasetKind {
    /// One sentence a teacher can read aloud.
    pub fn description(&self) -> &'static str {
        match self {
            DatasetKind::Circle => {
                "Two classes: a disc of points surrounded by a ring of the other class."
            }
            DatasetKind::Xor => {
                "Two classes by quadrant: points whose coordinates have the same sign against points whose signs differ."
            }
            DatasetKind::Gaussians => {
                "Two classes: two round clouds of points, one in the upper right and one in the lower left."
            }
            DatasetKind::Spiral => "Two classes: two spiral arms wound around each other.",
            DatasetKind::Moons => "Two classes: two interlocking half-moons.",
            DatasetKind::Checkerboard => {
                "Two classes laid out like the squares of a 4 × 4 checkerboard."
            }
            DatasetKind::SpiralsK { .. } => {
                "Several classes: as many spiral arms wound around each other."
            }
            DatasetKind::BlobsK { .. } => {
                "Several classes: round clouds of points placed around a circle."
            }
            DatasetKind::Plane => {
                "Regression: the target rises evenly from the lower-left corner to the upper-right corner."
            }
            DatasetKind::MultiGaussian => "Regression: a landscape of six hills and valleys.",
            DatasetKind::LinearSum => {
                "Regression: the target is exactly y = 0.5·x1 + 0.5·x2 plus noise."
            }
            DatasetKind::XSinX => "Regression on one input: the wavy curve y = x·sin(x) / 5.",
            DatasetKind::Digits => {
                "1,797 handwritten digits as tiny 8 × 8 grey images, ten classes."
            }
            DatasetKind::Mnist => {
                "5,000 handwritten digits as 28 × 28 grey images from MNIST, 500 of each digit."
            }
            DatasetKind::Iris => "150 iris flowers described by four measurements, three species.",
        }
    }

    /// What the set asks the network to do.
    pub fn task(&self) -> Task {
        match self {
            DatasetKind::Circle
            | DatasetKind::Xor
            | DatasetKind::Gaussians
            | DatasetKind::Spiral
            | DatasetKind::Moons
            | DatasetKind::Checkerboard => Task::BinaryClassification,
            DatasetKind::SpiralsK { classes } | DatasetKind::BlobsK { classes } => {
                Task::MultiClassification { classes: *classes }
            }
            DatasetKind::Plane
            | DatasetKind::MultiGaussian
            | DatasetKind::LinearSum
            | DatasetKind::XSinX => Task::Regression,
            DatasetKind::Digits | DatasetKind::Mnist => Task::MultiClassification { classes: 10 },
            DatasetKind::Iris => Task::MultiClassification { classes: 3 },
        }
    }

    /// One instance of every kind, in menu order; the K-class sets with K = 3.
    pub fn all() -> Vec<DatasetKind> {
        vec![
            DatasetKind::Circle,
            DatasetKind::Xor,
            DatasetKind::Gaussians,
            DatasetKind::Spiral,
            DatasetKind::Moons,
            DatasetKind::Checkerboard,
            DatasetKind::SpiralsK { classes: 3 },
            DatasetKind::BlobsK { classes: 3 },
            DatasetKind::Plane,
            DatasetKind::MultiGaussian,
            DatasetKind::LinearSum,
            DatasetKind::XSinX,
            DatasetKind::Digits,
            DatasetKind::Mnist,
            DatasetKind::Iris,
        ]
    }

    /// True for the generated sets, whose points live in the plane [-6, 6]² (x·sin x included:
    /// its second coordinate is 0), so the page can draw them and derive features from them.
    pub fn is_2d(&self) -> bool {
        !self.is_builtin()
    }

    /// True for the sets shipped in `data/` (loaded by [`builtin::load`]).
    pub fn is_builtin(&self) -> bool {
        matches!(
            self,
            DatasetKind::Digits | DatasetKind::Mnist | DatasetKind::Iris
        )
    }

    /// Checks the parameter of the K-class sets (3–6 classes).
    pub fn validate(&self) -> Result<(), DataError> {
        match self {
            DatasetKind::SpiralsK { classes } | DatasetKind::BlobsK { classes }
                if !(MIN_K..=MAX_K).contains(classes) =>
            {
                Err(DataError::BadParameter {
                    name: "classes",
                    value: *classes as f64,
                    reason: format!("the number of classes must be between {MIN_K} and {MAX_K}"),
                })
            }
            _ => Ok(()),
        }
    }

    fn known_tokens() -> &'static str {
        "circle, xor, gaussians, spiral, moons, checkerboard, spirals3…spirals6, blobs3…blobs6, \
         plane, multi_gaussian, linear_sum, xsinx, digits, mnist, iris"
    }
}

impl fmt::Display for DatasetKind {
    /// The stable short token used in URLs and on the command line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = match self {
            DatasetKind::Circle => "circle",
            DatasetKind::Xor => "xor",
            DatasetKind::Gaussians => "gaussians",
            DatasetKind::Spiral => "spiral",
            DatasetKind::Moons => "moons",
            DatasetKind::Checkerboard => "checkerboard",
            DatasetKind::SpiralsK { classes } => return write!(f, "spirals{classes}"),
            DatasetKind::BlobsK { classes } => return write!(f, "blobs{classes}"),
            DatasetKind::Plane => "plane",
            DatasetKind::MultiGaussian => "multi_gaussian",
            DatasetKind::LinearSum => "linear_sum",
            DatasetKind::XSinX => "xsinx",
            DatasetKind::Digits => "digits",
            DatasetKind::Mnist => "mnist",
            DatasetKind::Iris => "iris",
        };
        f.write_str(token)
    }
}

impl FromStr for DatasetKind {
    type Err = DataError;

    /// Parses the token written by `Display` (case and surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let token = s.trim().to_ascii_lowercase();
        let kind = match token.as_str() {
            "circle" => DatasetKind::Circle,
            "xor" => DatasetKind::Xor,
            "gaussians" => DatasetKind::Gaussians,
            "spiral" => DatasetKind::Spiral,
            "moons" => DatasetKind::Moons,
            "checkerboard" => DatasetKind::Checkerboard,
            "plane" => DatasetKind::Plane,
            "multi_gaussian" => DatasetKind::MultiGaussian,
            "linear_sum" => DatasetKind::LinearSum,
            "xsinx" => DatasetKind::XSinX,
            "digits" => DatasetKind::Digits,
            "mnist" => DatasetKind::Mnist,
            "iris" => DatasetKind::Iris,
            other => {
                let k_kind = |rest: &str, make: fn(usize) -> DatasetKind| {
                    rest.parse::<usize>()
                        .ok()
                        .map(make)
                        .filter(|k| k.validate().is_ok())
                };
                let parsed = if let Some(rest) = other.strip_prefix("spirals") {
                    k_kind(rest, |classes| DatasetKind::SpiralsK { classes })
                } else if let Some(rest) = other.strip_prefix("blobs") {
                    k_kind(rest, |classes| DatasetKind::BlobsK { classes })
                } else {
                    None
                };
                return parsed.ok_or_else(|| DataError::UnknownDataset(s.trim().to_string()));
            }
        };
        Ok(kind)
    }
}

/// Makes any named data set: generated sets use `n_points`, `noise` and `seed`; the shipped sets
/// ignore them and are loaded whole.
pub fn load_or_generate(
    kind: DatasetKind,
    n_points: usize,
    noise: f32,
    seed: u64,
) -> Result<Dataset, DataError> {
    if kind.is_builtin() {
        builtin::load(kind)
    } else {
        synthetic::generate(kind, n_points, noise, seed)
    }
}
