//! sklearn's `_fit_stochastic` for the adam solver, on the library's one training loop: the
//! [`Trainer`] batches, shuffles, steps Adam and stops on divergence; this file keeps only what
//! is sklearn's own: its objective in terms of the core losses, the loss curve weighted by batch
//! size, the `tol` / `n_iter_no_change` stopping rule, and `early_stopping` on a held-out
//! `validation_fraction` with the best weights restored at the end.

use super::{MlpParams, Progress};
use crate::error::NnError;
use crate::kernels::shuffle::shuffle;
use crate::nn::init::NnRng;
use crate::nn::loss::Loss;
use crate::nn::network::Network;
use crate::nn::regularization::Regularization;
use crate::train::metrics;
use crate::train::optim::{LrSchedule, Optimizer};
use crate::train::{Objective, PenaltyScale, TrainConfig, Trainer};
use ndarray::{ArrayView2, Axis, CowArray, Ix2};
use rand::RngExt;

/// sklearn's objective for one estimator, in terms of a core [`Loss`].
#[derive(Clone, Copy, Debug)]
pub(super) struct Convention {
    pub loss: Loss,
    /// c such that sklearn's gradient is c·∇(core loss): k/2 for the squared error over k
    /// outputs (sklearn's delta is (ŷ − y)/n, the core MSE's 2(ŷ − y)/(n·k)), 1 for log-loss.
    pub scale: f32,
    /// sklearn's reported data loss over c·(core loss): 1, except 1/k for a regressor of k
    /// outputs, whose `loss_` averages over outputs (½·mean of all squares) while its gradient
    /// sums over them.
    pub report: f32,
}

/// The rows of one `fit`. A classifier passes the class index of each row: a binary one is
/// split stratified for early stopping (as sklearn does), and validation is scored by accuracy
/// instead of R².
pub(super) struct Data<'a> {
    pub x: ArrayView2<'a, f32>,
    pub y: ArrayView2<'a, f32>,
    pub labels: Option<&'a [usize]>,
}

/// Trains `net` as sklearn's `MLP*.fit` does; `rng` continues the stream that drew the initial
/// weights (the validation split, then the trainer's seed come from it, as sklearn's
/// `random_state` serves its initialisation, `train_test_split` and shuffling in turn).
pub(super) fn fit(
    params: &MlpParams,
    net: &mut Network,
    data: Data,
    convention: Convention,
    rng: &mut NnRng,
) -> Result<Progress, NnError> {
    let (train, validation) = if params.early_stopping {
        let (train, val) = validation_split(&data, params.validation_fraction, rng)?;
        (train, Some(val))
    } else {
        (Rows::all(&data), None)
    };
    let n = train.x.nrows();
    let batch = params.batch_rows(n);
    let alpha = params.alpha;
    let config = TrainConfig {
        optimizer: Optimizer::Adam {
            beta1: params.beta_1,
            beta2: params.beta_2,
            eps: params.epsilon,
        },
        learning_rate: params.learning_rate_init,
        schedule: LrSchedule::Constant,
        loss: convention.loss,
        batch_size: batch,
        epochs: params.max_iter,
        // sklearn adds alpha/(2·n_batch)·Σw² (kernels only): per sample, and inside the scaled
        // objective, so the rate is divided by the scale here.
        regularization: if alpha > 0.0 {
            Regularization::L2 {
                rate: alpha / (2.0 * convention.scale),
            }
        } else {
            Regularization::None
        },
        clip_norm: None,
        shuffle: params.shuffle,
        validation_split: 0.0,
        early_stopping: None,
        metric: None,
        seed: rng.random(),
    };
    let mut trainer = Trainer::new(config, net)?.with_objective(Objective {
        scale: convention.scale,
        penalty: PenaltyScale::PerSample,
    })?;

    let mut progress = Progress {
        n_iter: 0,
        loss_curve: Vec::new(),
        best_loss: f32::INFINITY,
        converged: false,
        validation_scores: Vec::new(),
        best_validation_score: None,
    };
    let mut best_params: Option<Vec<f32>> = None;
    let mut no_improvement = 0;
    for epoch in 1..=params.max_iter {
        // sklearn's loss_: the batch losses weighted by their rows, over the rows.
        let mut accumulated = 0.0f64;
        for step in 0..n.div_ceil(batch) {
            let rows = batch.min(n - step * batch);
            let penalty = if convention.report == 1.0 {
                0.0
            } else {
                0.5 * alpha as f64 * squared_weights(net) / rows as f64
            };
            let summary = trainer.train_steps(net, train.x.view(), train.y.view(), 1)?;
            let value = summary.mean_loss as f64;
            let batch_loss = penalty + convention.report as f64 * (value - penalty);
            accumulated += batch_loss * summary.samples as f64;
        }
        let loss = (accumulated / n as f64) as f32;
        progress.n_iter = epoch;
        progress.loss_curve.push(loss);
        // sklearn's `_update_no_improvement_count`.
        match &validation {
            None => {
                if loss > progress.best_loss - params.tol {
                    no_improvement += 1;
                } else {
                    no_improvement = 0;
                }
            }
            Some(val) => {
                let score = val.score(net)?;
                progress.validation_scores.push(score);
                let best = progress.best_validation_score.unwrap_or(f32::NEG_INFINITY);
                // NaN compares false both ways, as in NumPy: it resets the count, never wins.
                if score < best + params.tol {
                    no_improvement += 1;
                } else {
                    no_improvement = 0;
                }
                if score > best {
                    progress.best_validation_score = Some(score);
                    best_params = Some(net.params().to_vec());
                }
            }
        }
        progress.best_loss = progress.best_loss.min(loss);
        if no_improvement > params.n_iter_no_change {
            progress.converged = true;
            break;
        }
    }
    // sklearn keeps the weights of the best validation score.
    if let Some(best) = best_params {
        net.params_mut().copy_from_slice(&best);
    }
    Ok(progress)
}

/// Σw² over every kernel (biases are not penalised).
fn squared_weights(net: &Network) -> f64 {
    net.layers()
        .iter()
        .flat_map(|s| &net.params()[s.weight_range()])
        .map(|&w| (w as f64) * (w as f64))
        .sum()
}

/// Some of the rows in the row-major layout the trainer reads: borrowed when they are all of
/// them and already laid out so, copied otherwise.
struct Rows<'a> {
    x: CowArray<'a, f32, Ix2>,
    y: CowArray<'a, f32, Ix2>,
    labels: Option<Vec<usize>>,
}

impl<'a> Rows<'a> {
    fn all(data: &Data<'a>) -> Rows<'a> {
        let row_major = |v: ArrayView2<'a, f32>| -> CowArray<'a, f32, Ix2> {
            if v.is_standard_layout() {
                v.into()
            } else {
                v.to_owned().into()
            }
        };
        Rows {
            x: row_major(data.x),
            y: row_major(data.y),
            labels: data.labels.map(<[usize]>::to_vec),
        }
    }

    fn select(data: &Data, rows: &[usize]) -> Rows<'a> {
        Rows {
            x: data.x.select(Axis(0), rows).into(),
            y: data.y.select(Axis(0), rows).into(),
            labels: data.labels.map(|l| rows.iter().map(|&i| l[i]).collect()),
        }
    }

    /// sklearn's validation score: accuracy for a classifier, R² (averaged over outputs) for a
    /// regressor; NaN when a prediction is not finite.
    fn score(&self, net: &Network) -> Result<f32, NnError> {
        let predicted = net.predict(self.x.view())?;
        if predicted.iter().any(|v| !v.is_finite()) {
            return Ok(f32::NAN);
        }
        Ok(match &self.labels {
            Some(labels) => {
                let right = predicted
                    .rows()
                    .into_iter()
                    .zip(labels)
                    .filter(|(row, label)| super::class_index(row.view()) == **label)
                    .count();
                (right as f64 / labels.len() as f64) as f32
            }
            None => metrics::r2_score(predicted.view(), self.y.view()),
        })
    }
}

/// sklearn's `train_test_split(test_size=validation_fraction)`: ⌈fraction·n⌉ rows held out at
/// random, stratified by class for a binary classifier (sklearn stratifies only one-column
/// targets), at least two of them.
fn validation_split<'b>(
    data: &Data,
    fraction: f32,
    rng: &mut NnRng,
) -> Result<(Rows<'b>, Rows<'b>), NnError> {
    let n = data.x.nrows();
    // Through the f32's shortest decimal, so that 0.1 is Python's 0.1: sklearn computes
    // ⌈0.1 · 120⌉ = ⌈12.000000000000002⌉ = 13 in f64, and so does this.
    let fraction: f64 = fraction.to_string().parse().unwrap_or(fraction as f64);
    let n_val = (fraction * n as f64).ceil() as usize;
    if n_val < 2 || n_val >= n {
        return Err(NnError::Config(format!(
            "early stopping would hold out {n_val} of {n} rows for validation: it needs at least 2, and one row left to train on (change validation_fraction or use more data)"
        )));
    }
    let groups: Vec<Vec<usize>> = match data.labels {
        Some(labels) if data.y.ncols() == 1 => {
            let mut by_class = vec![Vec::new(); labels.iter().max().map_or(0, |m| m + 1)];
            for (i, &l) in labels.iter().enumerate() {
                by_class[l].push(i);
            }
            by_class
        }
        _ => vec![(0..n).collect()],
    };
    // Each group gives its share of n_val, the rounding remainders going to the largest
    // fractional parts so that the shares add up.
    let exact: Vec<f64> = groups
        .iter()
        .map(|g| n_val as f64 * g.len() as f64 / n as f64)
        .collect();
    let mut shares: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut by_remainder: Vec<usize> = (0..groups.len()).collect();
    by_remainder.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let missing = n_val - shares.iter().sum::<usize>();
    for &g in by_remainder.iter().take(missing) {
        shares[g] += 1;
    }
    let mut held_out = Vec::with_capacity(n_val);
    for (mut group, share) in groups.into_iter().zip(shares) {
        shuffle(&mut group, rng);
        held_out.extend_from_slice(&group[..share]);
    }
    let mut is_held = vec![false; n];
    held_out.iter().for_each(|&i| is_held[i] = true);
    held_out.sort_unstable();
    let kept: Vec<usize> = (0..n).filter(|&i| !is_held[i]).collect();
    Ok((Rows::select(data, &kept), Rows::select(data, &held_out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::init::rng_from_seed;

    use ndarray::Array2;

    fn split(
        labels: Option<&[usize]>,
        y_cols: usize,
        n: usize,
        fraction: f32,
    ) -> (Rows<'static>, Rows<'static>) {
        let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f32);
        let y = Array2::zeros((n, y_cols));
        let data = Data {
            x: x.view(),
            y: y.view(),
            labels,
        };
        validation_split(&data, fraction, &mut rng_from_seed(1)).unwrap()
    }

    /// Which rows (by their x, which is the row number) a part holds.
    fn ids(rows: &Rows) -> Vec<usize> {
        rows.x.column(0).iter().map(|&v| v as usize).collect()
    }

    #[test]
    fn the_held_out_rows_are_a_seeded_share_apart_from_the_training_rows() {
        let (train, val) = split(None, 1, 50, 0.2);
        let (t, v) = (ids(&train), ids(&val));
        assert_eq!((t.len(), v.len()), (40, 10));
        let mut all: Vec<usize> = t.iter().chain(&v).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..50).collect::<Vec<_>>());
        // Drawn, not the last rows as Keras's validation_split takes them.
        assert_ne!(v, (40..50).collect::<Vec<_>>());
        assert_eq!(
            ids(&split(None, 1, 50, 0.2).1),
            v,
            "the same seed, the same rows"
        );
    }

    #[test]
    fn a_binary_classifier_holds_out_each_class_in_proportion() {
        // 30 of class 0, 10 of class 1: a quarter held out is 7.5 and 2.5 → 8 and 2 (or 7 and
        // 3), never a validation set without the small class.
        let labels: Vec<usize> = (0..40).map(|i| usize::from(i % 4 == 0)).collect();
        let (train, val) = split(Some(&labels), 1, 40, 0.25);
        let held = val.labels.unwrap();
        let ones = held.iter().filter(|&&l| l == 1).count();
        assert_eq!(held.len(), 10);
        assert!(
            (2..=3).contains(&ones),
            "{ones} of the small class held out"
        );
        assert_eq!(train.labels.unwrap().len(), 30);
        // Several one-hot outputs (more than two classes) are not stratified, as in sklearn,
        // but the split has the same size.
        let (_, val) = split(Some(&labels), 3, 40, 0.25);
        assert_eq!(val.x.nrows(), 10);
    }
}
