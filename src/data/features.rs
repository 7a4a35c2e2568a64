//! The TensorFlow Playground's input features: the network can see x1, x2 and quantities derived
//! from them (x1², x1·x2, sin x1, …). The selection decides the network's input size, and the
//! same expansion runs on the training set and on every pixel of the page's heat map.

use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::{DataError, Dataset};

/// One input the network can be given, computed from a point (x1, x2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    X1,
    X2,
    X1Squared,
    X2Squared,
    X1X2,
    SinX1,
    SinX2,
}

impl Feature {
    /// Every feature, in the playground's order.
    pub const ALL: [Feature; 7] = [
        Feature::X1,
        Feature::X2,
        Feature::X1Squared,
        Feature::X2Squared,
        Feature::X1X2,
        Feature::SinX1,
        Feature::SinX2,
    ];

    /// The feature's value at the point (x1, x2).
    pub fn value(self, x1: f32, x2: f32) -> f32 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Squared => x1 * x1,
            Feature::X2Squared => x2 * x2,
            Feature::X1X2 => x1 * x2,
            Feature::SinX1 => x1.sin(),
            Feature::SinX2 => x2.sin(),
        }
    }

    /// The name shown on the page: "x1", "x1²", "x1·x2", "sin(x1)".
    pub fn label(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1Squared => "x1²",
            Feature::X2Squared => "x2²",
            Feature::X1X2 => "x1·x2",
            Feature::SinX1 => "sin(x1)",
            Feature::SinX2 => "sin(x2)",
        }
    }

    /// The token used in URLs and JSON (the serde name): "x1", "x1_squared", "sin_x1".
    pub fn token(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1Squared => "x1_squared",
            Feature::X2Squared => "x2_squared",
            Feature::X1X2 => "x1_x2",
            Feature::SinX1 => "sin_x1",
            Feature::SinX2 => "sin_x2",
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

impl FromStr for Feature {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let token = s.trim().to_ascii_lowercase();
        Feature::ALL
            .into_iter()
            .find(|f| f.token() == token)
            .ok_or_else(|| DataError::UnknownFeature(s.trim().to_string()))
    }
}

/// The selected input features, in order, each at most once and at least one.
/// Default: [x1, x2], the raw coordinates.
///
/// Serialised as a list of tokens, e.g. `["x1", "x2", "x1_x2"]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Feature>", into = "Vec<Feature>")]
pub struct FeatureSet(Vec<Feature>);

impl Default for FeatureSet {
    fn default() -> Self {
        FeatureSet(vec![Feature::X1, Feature::X2])
    }
}

impl TryFrom<Vec<Feature>> for FeatureSet {
    type Error = DataError;

    fn try_from(features: Vec<Feature>) -> Result<Self, Self::Error> {
        FeatureSet::new(features)
    }
}

impl From<FeatureSet> for Vec<Feature> {
    fn from(set: FeatureSet) -> Self {
        set.0
    }
}

impl FeatureSet {
    /// A selection in the given order. Empty selections and repeated features are refused: the
    /// network needs an input, and a repeated one adds nothing.
    pub fn new(features: Vec<Feature>) -> Result<FeatureSet, DataError> {
        if features.is_empty() {
            return Err(DataError::BadParameter {
                name: "features",
                value: 0.0,
                reason: "select at least one input feature".into(),
            });
        }
        for (i, f) in features.iter().enumerate() {
            if features[..i].contains(f) {
                return Err(DataError::BadParameter {
                    name: "features",
                    value: i as f64,
                    reason: format!("'{f}' is selected twice"),
                });
            }
        }
        Ok(FeatureSet(features))
    }

    /// All seven playground features.
    pub fn all() -> FeatureSet {
        FeatureSet(Feature::ALL.to_vec())
    }

    /// Number of selected features: the network's input size.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false (a selection has at least one feature); here for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn features(&self) -> &[Feature] {
        &self.0
    }

    pub fn contains(&self, feature: Feature) -> bool {
        self.0.contains(&feature)
    }

    /// Display names of the selected features, e.g. ["x1", "x2", "sin(x1)"].
    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|f| f.label().to_string()).collect()
    }

    /// Parses a comma-separated list of tokens, e.g. "x1,x2,sin_x1" (for URLs and the CLI).
    pub fn parse_list(s: &str) -> Result<FeatureSet, DataError> {
        let features = s
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        FeatureSet::new(features)
    }

    /// The comma-separated token list that [`FeatureSet::parse_list`] reads.
    pub fn to_list(&self) -> String {
        self.0
            .iter()
            .map(|f| f.token())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Expands raw points into the selected features.
    ///
    /// # Shapes
    /// `points` is (n, 2) holding raw (x1, x2); the result is (n, self.len()).
    pub fn expand(&self, points: ArrayView2<f32>) -> Result<Array2<f32>, DataError> {
        if points.ncols() != 2 {
            return Err(DataError::FeatureInputs {
                got: points.ncols(),
            });
        }
        let mut out = Array2::zeros((points.nrows(), self.len()));
        for (row, mut out_row) in points.rows().into_iter().zip(out.rows_mut()) {
            for (o, f) in out_row.iter_mut().zip(&self.0) {
                *o = f.value(row[0], row[1]);
            }
        }
        Ok(out)
    }

    /// Expands one point into `out` without allocating (for the heat-map grid). `out` must be
    /// `self.len()` long; extra entries are left untouched.
    pub fn expand_point(&self, x1: f32, x2: f32, out: &mut [f32]) {
        debug_assert!(
            out.len() >= self.len(),
            "output buffer shorter than the feature list"
        );
        for (o, f) in out.iter_mut().zip(&self.0) {
            *o = f.value(x1, x2);
        }
    }

    /// A copy of a 2-D data set whose inputs are the selected features.
    pub fn expand_dataset(&self, ds: &Dataset) -> Result<Dataset, DataError> {
        Ok(Dataset {
            x: self.expand(ds.x.view())?,
            target: ds.target.clone(),
            feature_names: self.names(),
        })
    }
}
