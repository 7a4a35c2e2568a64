//! The sklearn-like estimators' `early_stopping`: rows held out by `validation_fraction` (⌈·⌉ in
//! f64, as sklearn counts them), scored after every epoch (R², accuracy), sklearn's
//! `n_iter_no_change` rule on that score, the best epoch's weights kept, and the checks.

use ndarray::{Array2, array};
use nnplay::data::{DatasetKind, generate};
use nnplay::nn::init::rng_from_seed;
use nnplay::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution, Normal};

/// `n` points uniform in [-2, 2]² with y = sin(x1) + 0.5·x2² + N(0, 0.05²), as in
/// tests/sklearn_api.rs.
fn sine_bowl(n: usize, seed: u64) -> (Array2<f32>, Array2<f32>) {
    let mut rng = rng_from_seed(seed);
    let noise = Normal::new(0.0f32, 0.05).unwrap();
    let x = Array2::from_shape_fn((n, 2), |_| rng.random_range(-2.0f32..2.0));
    let y = Array2::from_shape_fn((n, 1), |(i, _)| {
        x[[i, 0]].sin() + 0.5 * x[[i, 1]] * x[[i, 1]] + noise.sample(&mut rng)
    });
    (x, y)
}

#[test]
fn early_stopping_scores_held_out_rows_and_keeps_the_best_weights() {
    let (x, y) = sine_bowl(200, 13);
    let fit = |max_iter: usize| {
        let mut m = MlpRegressor::new()
            .hidden_layer_sizes(&[8])
            .learning_rate_init(0.02)
            .batch_size(16)
            .early_stopping(true)
            .validation_fraction(0.2)
            .n_iter_no_change(4)
            .max_iter(max_iter)
            .random_state(5);
        m.fit(&x, &y).unwrap();
        m
    };
    let model = fit(300);
    let scores = model.validation_scores().unwrap().to_vec();
    let n_iter = model.n_iter().unwrap();
    assert_eq!(scores.len(), n_iter);
    assert!(
        model.converged().unwrap() && n_iter < 300,
        "ran {n_iter} epochs"
    );
    let best = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    assert_eq!(model.best_validation_score().unwrap(), Some(best));
    assert!(best > 0.8, "best validation R² {best}");
    let at = scores.iter().position(|&s| s == best).unwrap();
    // sklearn's rule: stop once more than n_iter_no_change epochs in a row did not beat the best
    // by tol, so the run ends 5 epochs after the last improvement, or at most.
    assert!(
        n_iter - (at + 1) >= 5,
        "best at epoch {}, stopped at {n_iter}",
        at + 1
    );
    // The model keeps the best epoch's weights: a run that ends at that epoch has the same.
    let until_best = fit(at + 1);
    assert_eq!(
        model.network().unwrap().params(),
        until_best.network().unwrap().params()
    );
    assert_eq!(
        until_best.validation_scores().unwrap(),
        &scores[..=at],
        "the held-out rows depend on random_state only"
    );
    assert_eq!(model.loss_curve().unwrap().len(), n_iter);
    // The scores are stored with the model.
    let back = MlpRegressor::from_json(&model.to_json().unwrap()).unwrap();
    assert_eq!(back.validation_scores().unwrap(), &scores[..]);
    assert_eq!(back.predict(&x).unwrap(), model.predict(&x).unwrap());
    // Without early stopping there are no validation scores.
    let mut plain = MlpRegressor::new().hidden_layer_sizes(&[4]).max_iter(3);
    plain.fit(&x, &y).unwrap();
    assert!(plain.validation_scores().unwrap().is_empty());
    assert_eq!(plain.best_validation_score().unwrap(), None);
}

#[test]
fn early_stopping_counts_epochs_without_a_better_validation_score() {
    // tol so large that only the first epoch improves on the best score (−∞): 1 + (3 + 1) epochs.
    let data = generate(DatasetKind::Circle, 120, 0.0, 3).unwrap();
    let mut clf = MlpClassifier::new()
        .hidden_layer_sizes(&[6])
        .early_stopping(true)
        .tol(1e6)
        .n_iter_no_change(3)
        .random_state(2);
    clf.fit(&data.x, data.labels().unwrap()).unwrap();
    assert_eq!(clf.n_iter().unwrap(), 5);
    // The classifier's score is the accuracy on ⌈0.1 · n⌉ held-out rows, counted in f64 as
    // sklearn does (⌈0.1 · 120⌉ is 13 there).
    let n_val = (0.1f64 * data.len() as f64).ceil() as f32;
    for s in clf.validation_scores().unwrap() {
        assert!(
            (s * n_val - (s * n_val).round()).abs() < 1e-4,
            "{s} of {n_val} rows"
        );
    }
    // Too few rows to hold out two, or a share outside [0, 1), are refused.
    let tiny = array![[0.0f32], [1.0], [2.0], [3.0]];
    let mut clf = MlpClassifier::new().early_stopping(true).max_iter(2);
    assert!(
        matches!(clf.fit(&tiny, &[0, 1, 0, 1]), Err(NnError::Config(m)) if m.contains("validation_fraction"))
    );
    for bad in [1.0, -0.1, f32::NAN] {
        let mut clf = MlpClassifier::new().validation_fraction(bad);
        assert!(
            matches!(
                clf.fit(&tiny, &[0, 1, 0, 1]),
                Err(NnError::BadHyperparameter {
                    name: "validation_fraction",
                    ..
                })
            ),
            "{bad}"
        );
    }
}
