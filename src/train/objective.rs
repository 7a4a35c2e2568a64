//! How a training step weighs the loss against the weight penalty. Keras (and so the page and
//! the CLI) adds the whole penalty to every batch's mean loss; scikit-learn divides it by the
//! batch's rows and halves its squared error. [`Objective`] lets one [`Trainer`](super::Trainer)
//! follow either convention instead of each front end keeping a loop of its own.

use crate::nn::regularization::Regularization;

/// How [`TrainConfig::regularization`](super::TrainConfig::regularization) weighs against one
/// batch's loss.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PenaltyScale {
    /// The whole penalty is added to every batch's loss (Keras, the playground).
    #[default]
    PerBatch,
    /// The penalty is divided by the batch's rows (scikit-learn's MLPs add
    /// `alpha / (2·n_batch)·Σw²` to each batch's mean loss). Penalties that a layer sets for
    /// itself ([`LayerConfig::regularization`](crate::nn::network::LayerConfig::regularization))
    /// are not divided.
    PerSample,
}

/// How a batch's objective is built from the loss and the penalty. The default changes nothing.
///
/// The batch objective is `scale · (loss + penalty)`, the penalty divided by the batch's rows
/// under [`PenaltyScale::PerSample`]; its value and its gradient are scaled alike (and so is
/// the validation loss [`Trainer::fit`](super::Trainer::fit) reports).
///
/// ```
/// use nnplay::train::{Objective, PenaltyScale};
/// // scikit-learn's MLPRegressor on one output: ½·MSE + alpha/(2·n_batch)·Σw², which is
/// // ½ · (MSE + alpha/n_batch·Σw²): L2 at rate alpha, per sample, all halved.
/// let sklearn = Objective { scale: 0.5, penalty: PenaltyScale::PerSample };
/// assert_ne!(sklearn, Objective::default());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    /// Factor on the whole batch objective; 1 by default, must be finite and > 0.
    pub scale: f32,
    pub penalty: PenaltyScale,
}

impl Default for Objective {
    fn default() -> Self {
        Objective {
            scale: 1.0,
            penalty: PenaltyScale::PerBatch,
        }
    }
}

impl Objective {
    /// The penalty to hand the network for a batch of `rows` samples.
    pub(crate) fn penalty_for(
        &self,
        regularization: Regularization,
        rows: usize,
    ) -> Regularization {
        let per = match self.penalty {
            PenaltyScale::PerBatch => return regularization,
            PenaltyScale::PerSample => rows.max(1) as f32,
        };
        match regularization {
            Regularization::None => Regularization::None,
            Regularization::L1 { rate } => Regularization::L1 { rate: rate / per },
            Regularization::L2 { rate } => Regularization::L2 { rate: rate / per },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::NnError;
    use crate::nn::activation::Activation;
    use crate::nn::loss::Loss;
    use crate::nn::network::{LayerConfig, Network, NetworkConfig};
    use crate::train::optim::Optimizer;
    use crate::train::{TrainConfig, Trainer};
    use ndarray::Array2;

    fn net() -> Network {
        Network::new(
            &NetworkConfig::new(
                2,
                &[3],
                Activation::Tanh,
                LayerConfig::new(1, Activation::Linear),
            )
            .with_seed(4),
        )
        .unwrap()
    }

    fn config(regularization: Regularization) -> TrainConfig {
        TrainConfig {
            optimizer: Optimizer::Sgd,
            learning_rate: 0.1,
            loss: Loss::MeanSquaredError,
            regularization,
            shuffle: false,
            ..TrainConfig::default()
        }
    }

    const X: [f32; 8] = [0.5, -1.0, 2.0, 0.25, -0.75, 1.5, 1.0, 1.0];
    const Y: [f32; 4] = [0.3, -0.2, 0.9, 0.1];

    /// Loss and gradient of one step on the four rows above.
    fn step(regularization: Regularization, objective: Objective) -> (f32, Vec<f32>) {
        let mut net = net();
        let mut trainer = Trainer::new(config(regularization), &net)
            .unwrap()
            .with_objective(objective)
            .unwrap();
        let loss = trainer.train_batch(&mut net, &X, &Y, 4).unwrap();
        (loss, trainer.last_gradient().to_vec())
    }

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-6 * (1.0 + y.abs()))
    }

    #[test]
    fn the_scale_multiplies_the_loss_and_the_gradient() {
        let l2 = Regularization::L2 { rate: 0.05 };
        let (loss, grad) = step(l2, Objective::default());
        let halved = Objective {
            scale: 0.5,
            ..Objective::default()
        };
        let (half_loss, half_grad) = step(l2, halved);
        assert!(
            (half_loss - 0.5 * loss).abs() < 1e-7 * loss,
            "{half_loss} vs {loss}"
        );
        let want: Vec<f32> = grad.iter().map(|g| 0.5 * g).collect();
        assert!(close(&half_grad, &want), "{half_grad:?} vs {want:?}");
    }

    #[test]
    fn a_per_sample_penalty_is_the_rate_over_the_batch_rows() {
        let per_sample = Objective {
            penalty: PenaltyScale::PerSample,
            ..Objective::default()
        };
        for penalty in [
            Regularization::L2 { rate: 0.2 },
            Regularization::L1 { rate: 0.2 },
        ] {
            let (loss, grad) = step(penalty, per_sample);
            let quarter = match penalty {
                Regularization::L2 { .. } => Regularization::L2 { rate: 0.05 },
                _ => Regularization::L1 { rate: 0.05 },
            };
            let (want_loss, want_grad) = step(quarter, Objective::default());
            assert!(
                (loss - want_loss).abs() < 1e-6,
                "{penalty}: {loss} vs {want_loss}"
            );
            assert!(close(&grad, &want_grad), "{penalty}");
            // And it really is a penalty: without it the gradient differs.
            let (_, bare) = step(Regularization::None, Objective::default());
            assert!(!close(&grad, &bare), "{penalty}");
        }
    }

    #[test]
    fn a_step_summary_counts_the_samples_of_the_short_last_batch() {
        let mut net = net();
        let x = Array2::from_shape_vec((4, 2), X.to_vec()).unwrap();
        let y = Array2::from_shape_vec((4, 1), Y.to_vec()).unwrap();
        let mut trainer = Trainer::new(
            TrainConfig {
                batch_size: 3,
                ..config(Regularization::None)
            },
            &net,
        )
        .unwrap();
        let first = trainer
            .train_steps(&mut net, x.view(), y.view(), 1)
            .unwrap();
        let second = trainer
            .train_steps(&mut net, x.view(), y.view(), 1)
            .unwrap();
        assert_eq!((first.samples, first.epochs_completed), (3, 0));
        assert_eq!((second.samples, second.epochs_completed), (1, 1));
        let both = trainer
            .train_steps(&mut net, x.view(), y.view(), 2)
            .unwrap();
        assert_eq!(both.samples, 4);
    }

    #[test]
    fn a_scale_that_is_not_positive_is_refused() {
        for scale in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            let objective = Objective {
                scale,
                ..Objective::default()
            };
            let trainer = Trainer::new(config(Regularization::None), &net()).unwrap();
            assert!(
                matches!(
                    trainer.with_objective(objective),
                    Err(NnError::BadHyperparameter {
                        name: "objective scale",
                        ..
                    })
                ),
                "{scale}"
            );
        }
    }
}
