//! The eight answers the session sends to the page, each serialised as JSON by the wasm layer
//! (their shapes are the contract in docs/WASM_API.md): what a `step` did, what a settings
//! change rebuilt, the labels' summary, the confusion counts, the network graph, the gallery's
//! guesses and what a CSV import read. Plain data: the session fills them in.

use super::query::Notice;
use crate::nn::network::Network;
use crate::train::metrics::Metric;
use serde::Serialize;

/// What one `step` call did and how the network now scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepReport {
    /// Optimizer steps since the last reset.
    pub steps: u64,
    /// Fractional epochs: samples seen / training-set size.
    pub epoch: f64,
    pub epochs_completed: u64,
    /// Batches run by this call.
    pub batches: usize,
    /// Mean loss on the full sets (without weight penalty); `None` for an empty set or a
    /// non-finite value.
    pub train_loss: Option<f32>,
    pub test_loss: Option<f32>,
    /// Accuracy (classification) or R² (regression) on the full sets.
    pub train_metric: Option<f32>,
    pub test_metric: Option<f32>,
    pub metric: Metric,
    /// The scheduled learning rate now.
    pub learning_rate: f32,
    /// The divergence message; the weights are at their last finite values.
    pub diverged: Option<String>,
}

/// What `set_config` (or a data change) rebuilt.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConfigChange {
    pub data_regenerated: bool,
    pub network_rebuilt: bool,
    pub trainer_rebuilt: bool,
    pub view_changed: bool,
    pub notices: Vec<Notice>,
}

/// Counts of true (row) against predicted (column) classes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub class_names: Vec<String>,
    pub train: Vec<Vec<usize>>,
    pub test: Vec<Vec<usize>>,
}

/// One layer of [`NetworkSnapshot`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerSnapshot {
    pub in_dim: usize,
    pub out_dim: usize,
    pub activation: String,
    /// Offset of the kernel in the flat parameter vector; the bias follows it.
    pub offset: usize,
    /// Row-major in_dim × out_dim: weights[row * out_dim + col] goes from input `row` to unit `col`.
    pub weights: Vec<f32>,
    pub biases: Vec<f32>,
}

/// Everything needed to draw the network graph.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkSnapshot {
    pub feature_names: Vec<String>,
    pub in_dim: usize,
    pub n_params: usize,
    pub layers: Vec<LayerSnapshot>,
}

impl NetworkSnapshot {
    /// The layers, weights and biases of `net`, whose inputs are named `feature_names`.
    pub(super) fn of(net: &Network, feature_names: &[String]) -> NetworkSnapshot {
        let layers = net
            .layers()
            .iter()
            .enumerate()
            .map(|(l, s)| LayerSnapshot {
                in_dim: s.in_dim,
                out_dim: s.out_dim,
                activation: s.activation.to_string(),
                offset: s.offset,
                weights: net.params()[s.weight_range()].to_vec(),
                biases: net.biases(l).to_vec(),
            })
            .collect();
        NetworkSnapshot {
            feature_names: feature_names.to_vec(),
            in_dim: net.in_dim(),
            n_params: net.n_params(),
            layers,
        }
    }
}

/// A summary of the session for the page's labels.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionState {
    pub source: &'static str,
    pub task: &'static str,
    /// Number of classes, 0 for regression.
    pub classes: usize,
    pub class_names: Vec<String>,
    pub feature_names: Vec<String>,
    pub has_plane: bool,
    pub n_train: usize,
    pub n_test: usize,
    pub n_params: usize,
    pub output: String,
    pub loss: String,
    pub metric: Metric,
    /// Regression values are coloured as value / value_scale on the −1…+1 map (1 for classes).
    pub value_scale: f32,
    /// Side in pixels of the square images of an image data set (8 for digits, 28 for MNIST),
    /// which the page shows as a gallery of test images; `None` for other data.
    pub image_side: Option<usize>,
    pub steps: u64,
    pub epoch: f64,
    pub diverged: Option<String>,
}

/// What `load_csv` read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CsvSummary {
    pub rows: usize,
    pub n_train: usize,
    pub n_test: usize,
    pub feature_names: Vec<String>,
    pub task: &'static str,
    pub class_names: Vec<String>,
    pub has_plane: bool,
    pub network_rebuilt: bool,
}

/// One gallery image and the network's answer to it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GalleryGuess {
    /// The class the image belongs to.
    pub truth: usize,
    /// The class the network gives it (the largest output; for one output, output ≥ 0.5).
    pub predicted: usize,
    /// The network's output for `predicted`, its probability with the usual heads (NaN when
    /// the outputs are not finite).
    pub confidence: f32,
}

impl GalleryGuess {
    /// Reads one row of network outputs.
    pub(super) fn from_output(out: &[f32], truth: usize) -> GalleryGuess {
        let (predicted, confidence) = match out {
            [p] if *p >= 0.5 => (1, *p),
            [p] => (0, 1.0 - *p),
            _ => out
                .iter()
                .copied()
                .enumerate()
                .fold((0, f32::NAN), |(k, best), (i, v)| {
                    if v > best || best.is_nan() && !v.is_nan() {
                        (i, v)
                    } else {
                        (k, best)
                    }
                }),
        };
        GalleryGuess {
            truth,
            predicted,
            confidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_output_guesses_by_the_half_way_mark() {
        let guess = GalleryGuess::from_output(&[0.8], 1);
        assert_eq!(guess.predicted, 1);
        assert!((guess.confidence - 0.8).abs() < 1e-6);
        let guess = GalleryGuess::from_output(&[0.25], 1);
        assert_eq!(guess.predicted, 0);
        assert!((guess.confidence - 0.75).abs() < 1e-6);
        let guess = GalleryGuess::from_output(&[f32::NAN, 0.1, 0.7, 0.2], 2);
        assert_eq!(guess.predicted, 2);
    }
}
