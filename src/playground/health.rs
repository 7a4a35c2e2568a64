//! The gradient and weight health panel's session side: the engine's report
//! (`train::health`) for the session's network on its training data, with the session's loss
//! and penalty, the gradient being the data's alone so a penalty's pull cannot hide a vanishing
//! gradient. The page samples it every few frames while training and charts it over time.

use super::session::Playground;
use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::evaluate::PenaltyTerm;
use crate::train::health::{Summary, health};
use ndarray::s;
use serde::Serialize;

/// At most this many training rows go into one report: enough for stable medians, cheap enough
/// to sample a few times a second.
pub const HEALTH_ROWS: usize = 500;

/// One layer in one sample of the panel's charts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerSample {
    pub in_dim: usize,
    pub out_dim: usize,
    pub activation: Activation,
    /// |w| over the kernel: the chart's scale is logarithmic, so magnitudes, not signs.
    pub abs_weights: Summary,
    /// |∂L/∂W| over the kernel (the data's gradient alone).
    pub abs_gradient: Summary,
    pub gradient_rms: f32,
    /// ReLU units that output 0 on every sample of the batch.
    pub dead_units: Vec<usize>,
}

/// The health of every layer at one moment of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthSample {
    /// Optimizer steps taken when it was measured.
    pub steps: u64,
    /// Training rows it was measured on.
    pub samples: usize,
    /// The data's mean loss on them.
    pub loss: f32,
    /// Input side first.
    pub layers: Vec<LayerSample>,
}

impl Playground {
    /// The health of every layer on (up to [`HEALTH_ROWS`] of) the training points.
    ///
    /// ```
    /// use nnplay::playground::Playground;
    /// let pg = Playground::from_query("dataset=xor&layers=4,4").unwrap();
    /// let sample = pg.health_sample().unwrap();
    /// assert_eq!(sample.layers.len(), 3);
    /// assert_eq!(sample.steps, 0);
    /// ```
    pub fn health_sample(&self) -> Result<HealthSample, NnError> {
        let data = self.data();
        let rows = data.n_train().min(HEALTH_ROWS);
        if rows == 0 {
            return Err(NnError::EmptyData);
        }
        let config = self.trainer().config();
        let report = health(
            self.network(),
            data.x_train.slice(s![..rows, ..]),
            data.y_train.slice(s![..rows, ..]),
            config.loss,
            config.regularization,
            PenaltyTerm::Excluded,
        )?;
        let net = self.network();
        let layers = report
            .layers
            .into_iter()
            .zip(net.layers())
            .map(|(l, shape)| {
                let abs: Vec<f32> = net.params()[shape.weight_range()]
                    .iter()
                    .map(|w| w.abs())
                    .collect();
                LayerSample {
                    in_dim: l.in_dim,
                    out_dim: l.out_dim,
                    activation: l.activation,
                    abs_weights: Summary::of(&abs),
                    abs_gradient: l.abs_gradient,
                    gradient_rms: l.gradient_rms,
                    dead_units: l.dead_units,
                }
            })
            .collect();
        Ok(HealthSample {
            steps: self.position().steps,
            samples: report.samples,
            loss: report.loss,
            layers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_sigmoid_gradients_vanish_towards_the_input() {
        let mut pg = Playground::from_query("dataset=xor&layers=8,8,8,8,8,8&act=sigmoid").unwrap();
        pg.step(5).unwrap();
        let report = pg.health_sample().unwrap();
        assert_eq!(report.steps, 5);
        let first = report.layers[0].abs_gradient.median;
        let last = report.layers.last().unwrap().abs_gradient.median;
        assert!(first * 100.0 < last, "first {first}, last {last}");
    }

    #[test]
    fn a_relu_network_at_a_huge_learning_rate_has_dead_units() {
        let mut pg = Playground::from_query("dataset=circle&layers=8,8&act=relu&lr=3").unwrap();
        pg.step(200).unwrap();
        let report = pg.health_sample().unwrap();
        let dead: usize = report.layers.iter().map(|l| l.dead_units.len()).sum();
        assert!(dead > 0, "{report:?}");
        let w = &report.layers[0].abs_weights;
        assert!(w.min >= 0.0 && w.min <= w.median && w.median <= w.max);
    }
}
