//! Scores reported next to the loss: accuracy and the confusion matrix for classification,
//! R² for regression, with scikit-learn's definitions so numbers match what users know.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A score computed at the end of each epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Fraction of samples whose predicted class is the true class.
    Accuracy,
    /// Coefficient of determination 1 − SS_res / SS_tot (sklearn's `r2_score`).
    R2,
}

impl Metric {
    /// Computes the metric from network outputs and training targets (same shapes).
    pub fn compute(&self, predictions: ArrayView2<f32>, targets: ArrayView2<f32>) -> f32 {
        match self {
            Metric::Accuracy => accuracy(predictions, targets),
            Metric::R2 => r2_score(predictions, targets),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::R2 => "r2",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Metric {
    type Err = crate::error::NnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "accuracy" | "acc" => Ok(Metric::Accuracy),
            "r2" | "r²" => Ok(Metric::R2),
            other => Err(crate::error::NnError::Config(format!(
                "unknown metric '{other}' (expected accuracy or r2)"
            ))),
        }
    }
}

/// The class a row of outputs stands for: threshold 0.5 for one column, argmax for several
/// (ties go to the lowest index, like NumPy's argmax).
pub fn predicted_class(row: &[f32]) -> usize {
    if row.len() == 1 {
        usize::from(row[0] >= 0.5)
    } else {
        let mut best = 0;
        for (i, &v) in row.iter().enumerate() {
            if v > row[best] {
                best = i;
            }
        }
        best
    }
}

/// Fraction of rows where the predicted class equals the target class (targets: 0/1 column or one-hot).
pub fn accuracy(predictions: ArrayView2<f32>, targets: ArrayView2<f32>) -> f32 {
    let n = predictions.nrows();
    if n == 0 {
        return 0.0;
    }
    let correct = predictions
        .rows()
        .into_iter()
        .zip(targets.rows())
        .filter(|(p, t)| row_class(p) == row_class(t))
        .count();
    correct as f32 / n as f32
}

/// sklearn's `r2_score` with `multioutput="uniform_average"` and `force_finite=True`: the mean
/// over output columns of 1 − Σ(y − ŷ)² / Σ(y − ȳ)²; a constant column scores 1 if predicted
/// exactly and 0 otherwise.
pub fn r2_score(predictions: ArrayView2<f32>, targets: ArrayView2<f32>) -> f32 {
    let cols = targets.ncols();
    if cols == 0 || targets.nrows() == 0 {
        return 0.0;
    }
    let mut total = 0.0f64;
    for c in 0..cols {
        let y = targets.column(c);
        let p = predictions.column(c);
        let mean = y.iter().map(|&v| v as f64).sum::<f64>() / y.len() as f64;
        let ss_tot: f64 = y.iter().map(|&v| (v as f64 - mean).powi(2)).sum();
        let ss_res: f64 = y
            .iter()
            .zip(p.iter())
            .map(|(&v, &q)| (v as f64 - q as f64).powi(2))
            .sum();
        total += if ss_tot == 0.0 {
            if ss_res == 0.0 { 1.0 } else { 0.0 }
        } else {
            1.0 - ss_res / ss_tot
        };
    }
    (total / cols as f64) as f32
}

/// `counts[true_class][predicted_class]` for `classes` classes.
pub fn confusion_matrix(
    predictions: ArrayView2<f32>,
    targets: ArrayView2<f32>,
    classes: usize,
) -> Vec<Vec<usize>> {
    let mut counts = vec![vec![0; classes]; classes];
    for (p, t) in predictions.rows().into_iter().zip(targets.rows()) {
        let (pc, tc) = (row_class(&p), row_class(&t));
        if pc < classes && tc < classes {
            counts[tc][pc] += 1;
        }
    }
    counts
}

fn row_class(row: &ndarray::ArrayView1<f32>) -> usize {
    match row.as_slice() {
        Some(slice) => predicted_class(slice),
        None => predicted_class(&row.to_vec()),
    }
}
