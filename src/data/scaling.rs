//! Input scaling fitted on the training data and stored with the model, so predictions on new
//! inputs are scaled exactly as the training inputs were.

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// How input columns are rescaled before training.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    /// Inputs are used as they are.
    #[default]
    None,
    /// Each column gets mean 0 and standard deviation 1 (population standard deviation).
    Standardize,
    /// Each column is mapped linearly onto [0, 1] (minimum → 0, maximum → 1).
    MinMax,
}

/// A fitted scaling: column j becomes `(x - offset[j]) * scale[j]`.
///
/// A constant column would divide by zero; it gets scale 1, so it becomes 0 (standardize) or
/// stays at 0 (min-max) instead of NaN.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub kind: Scaling,
    pub offset: Vec<f32>,
    pub scale: Vec<f32>,
}

impl Scaler {
    /// The scaling that changes nothing, for `n_features` columns.
    pub fn identity(n_features: usize) -> Scaler {
        Scaler {
            kind: Scaling::None,
            offset: vec![0.0; n_features],
            scale: vec![1.0; n_features],
        }
    }

    /// Learns offsets and scales from the columns of `x` (n_samples, n_features).
    /// Statistics are accumulated in f64 so large columns keep their precision.
    pub fn fit(x: ArrayView2<f32>, kind: Scaling) -> Scaler {
        let n_features = x.ncols();
        let mut scaler = Scaler::identity(n_features);
        scaler.kind = kind;
        if x.nrows() == 0 {
            return scaler;
        }
        for (j, col) in x.columns().into_iter().enumerate() {
            let (offset, range) = match kind {
                Scaling::None => continue,
                Scaling::Standardize => {
                    let n = col.len() as f64;
                    let mean = col.iter().map(|&v| v as f64).sum::<f64>() / n;
                    let var = col.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
                    (mean, var.sqrt())
                }
                Scaling::MinMax => {
                    let min = col.iter().fold(f32::INFINITY, |a, &b| a.min(b)) as f64;
                    let max = col.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)) as f64;
                    (min, max - min)
                }
            };
            scaler.offset[j] = offset as f32;
            // A (nearly) constant column carries no information; scale 1 keeps it finite.
            scaler.scale[j] = if range > 1e-12 && range.is_finite() {
                (1.0 / range) as f32
            } else {
                1.0
            };
        }
        scaler
    }

    /// Number of columns the scaler was fitted on.
    pub fn n_features(&self) -> usize {
        self.offset.len()
    }

    /// A scaled copy of `x` (n_samples, n_features). Columns beyond the fitted ones are copied
    /// unchanged; callers check the input width against the model first.
    pub fn transform(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let mut out = x.to_owned();
        for mut row in out.rows_mut() {
            if let Some(slice) = row.as_slice_mut() {
                self.transform_row(slice);
            } else {
                for (v, (&o, &s)) in row.iter_mut().zip(self.offset.iter().zip(&self.scale)) {
                    *v = (*v - o) * s;
                }
            }
        }
        out
    }

    /// Scales one sample in place (allocation-free, for prediction per point).
    pub fn transform_row(&self, row: &mut [f32]) {
        for (v, (&o, &s)) in row.iter_mut().zip(self.offset.iter().zip(&self.scale)) {
            *v = (*v - o) * s;
        }
    }

    /// Undoes [`Scaler::transform_row`], e.g. to show a scaled point in the file's own units.
    pub fn inverse_transform_row(&self, row: &mut [f32]) {
        for (v, (&o, &s)) in row.iter_mut().zip(self.offset.iter().zip(&self.scale)) {
            *v = *v / s + o;
        }
    }
}
