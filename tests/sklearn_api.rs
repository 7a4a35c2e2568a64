//! The scikit-learn-like estimators: sklearn's defaults, its `score` formulas on fixed
//! predictions, held-out R² of the `sklearn_regressor` example, classification with ids and
//! strings, its objective (½·MSE, L2 per batch), the stopping rule, save/load and the typed
//! errors. Early stopping on held-out rows is in tests/sklearn_early_stopping.rs.

use ndarray::{Array1, Array2, array};
use nnplay::api::sklearn::MlpParams;
use nnplay::data::{DataError, DatasetKind, generate};
use nnplay::io::model_file::{self, ModelFile};
use nnplay::nn::init::rng_from_seed;
use nnplay::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution, Normal};

/// `n` points uniform in [-2, 2]² with y = sin(x1) + 0.5·x2² + N(0, 0.05²) (the example's data).
fn sine_bowl(n: usize, seed: u64) -> (Array2<f32>, Array2<f32>) {
    let mut rng = rng_from_seed(seed);
    let noise = Normal::new(0.0f32, 0.05).unwrap();
    let x = Array2::from_shape_fn((n, 2), |_| rng.random_range(-2.0f32..2.0));
    let y = Array2::from_shape_fn((n, 1), |(i, _)| {
        x[[i, 0]].sin() + 0.5 * x[[i, 1]] * x[[i, 1]] + noise.sample(&mut rng)
    });
    (x, y)
}

/// A fitted 1-input regressor whose network is replaced by ŷ = w·x + b.
fn linear_regressor(w: f32, b: f32) -> MlpRegressor {
    let mut model = MlpRegressor::new().hidden_layer_sizes(&[]).max_iter(1);
    model
        .fit(&array![[0.0f32], [1.0]], &array![[0.0f32], [1.0]])
        .unwrap();
    let file = ModelFile {
        params: vec![w, b],
        ..model.to_model_file().unwrap()
    };
    MlpRegressor::from_model_file(&file).unwrap()
}

#[test]
fn defaults_are_sklearns() {
    let p = MlpParams::default();
    assert_eq!(p.hidden_layer_sizes, vec![100]);
    assert_eq!(p.activation, Activation::Relu);
    assert_eq!(
        (p.learning_rate_init, p.beta_1, p.beta_2, p.epsilon),
        (1e-3, 0.9, 0.999, 1e-8)
    );
    assert_eq!((p.alpha, p.batch_size, p.max_iter), (1e-4, None, 200));
    assert_eq!((p.tol, p.n_iter_no_change, p.shuffle), (1e-4, 10, true));
    assert_eq!((p.early_stopping, p.validation_fraction), (false, 0.1));
    assert_eq!(MlpRegressor::new().params(), &p);
    assert_eq!(MlpClassifier::new().params(), &p);
    let custom = MlpRegressor::new()
        .hidden_layer_sizes(&[64, 32])
        .activation(Activation::Tanh)
        .alpha(0.0)
        .batch_size(10)
        .tol(0.5)
        .n_iter_no_change(3)
        .shuffle(false)
        .random_state(9);
    let c = custom.params();
    assert_eq!(
        (
            c.hidden_layer_sizes.as_slice(),
            c.activation,
            c.alpha,
            c.batch_size
        ),
        (&[64, 32][..], Activation::Tanh, 0.0, Some(10))
    );
    assert_eq!(
        (c.tol, c.n_iter_no_change, c.shuffle, c.random_state),
        (0.5, 3, false, 9)
    );
}

/// sklearn's documented `r2_score` example: y_true [3, -0.5, 2, 7], y_pred [2.5, 0.0, 2, 8].
#[test]
fn regressor_score_is_sklearns_r2() {
    let model = linear_regressor(1.0, 0.0); // predicts its input
    let x = array![[2.5f32], [0.0], [2.0], [8.0]];
    let y = array![[3.0f32], [-0.5], [2.0], [7.0]];
    assert_eq!(model.predict(&x).unwrap(), x);
    let r2 = model.score(&x, &y).unwrap();
    assert!(
        (r2 as f64 - 0.948_608_137_044_967_9).abs() < 1e-6,
        "R² = {r2}"
    );
    // A constant prediction equal to the mean scores 0; a perfect one scores 1.
    let mean = linear_regressor(0.0, 2.875);
    assert!(mean.score(&x, &y).unwrap().abs() < 1e-6);
    assert_eq!(model.score(&y, &y).unwrap(), 1.0);
}

#[test]
fn classifier_score_is_accuracy() {
    // Train on a clearly separable line, then score against a label vector with known errors.
    let x = array![[-3.0f32], [-2.0], [-1.0], [1.0], [2.0], [3.0]];
    let mut clf = MlpClassifier::new()
        .hidden_layer_sizes(&[])
        .learning_rate_init(0.1)
        .random_state(1);
    clf.fit(&x, &[4, 4, 4, 9, 9, 9]).unwrap();
    assert_eq!(clf.classes().unwrap(), [4, 9]);
    assert_eq!(clf.predict(&x).unwrap(), vec![4, 4, 4, 9, 9, 9]);
    assert_eq!(clf.score(&x, &[4, 4, 4, 9, 9, 9]).unwrap(), 1.0);
    // Two of six wrong (one of them a label the model never saw) → 4/6.
    assert_eq!(clf.score(&x, &[4, 9, 4, 9, 9, 7]).unwrap(), 4.0 / 6.0);
    let p = clf.predict_proba(&x).unwrap();
    for row in p.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-6);
    }
    assert!(p[[0, 0]] > 0.5 && p[[5, 1]] > 0.5);
}

/// The `sklearn_regressor` example with a smaller network so the debug-build test stays quick:
/// R² ≥ 0.95 on held-out points.
#[test]
fn regressor_generalises_to_held_out_data() {
    let (x, y) = sine_bowl(500, 1);
    let (x_test, y_test) = sine_bowl(300, 2);
    let mut model = MlpRegressor::new()
        .hidden_layer_sizes(&[16])
        .learning_rate_init(0.01)
        .batch_size(50)
        .random_state(0);
    model.fit(&x, &y).unwrap();
    let r2 = model.score(&x_test, &y_test).unwrap();
    assert!(r2 >= 0.95, "held-out R² = {r2}");
    let curve = model.loss_curve().unwrap();
    assert_eq!(curve.len(), model.n_iter().unwrap());
    assert!(curve.last().unwrap() < &(curve[0] / 10.0));
    assert_eq!(model.loss().unwrap(), *curve.last().unwrap());
}

#[test]
fn regressor_reports_sklearns_half_mse_loss() {
    // One full batch (60 < 200 rows) and a learning rate of ~0: the first epoch's loss is
    // measured on weights that the step then leaves (practically) unchanged, so it must be half
    // the core's mean squared error of the final network.
    let (x, y) = sine_bowl(60, 5);
    let mut model = MlpRegressor::new()
        .hidden_layer_sizes(&[8])
        .alpha(0.0)
        .max_iter(1)
        .learning_rate_init(1e-12)
        .random_state(2);
    model.fit(&x, &y).unwrap();
    let net = model.network().unwrap();
    let mse = net
        .evaluate_loss(
            x.view(),
            y.view(),
            Loss::MeanSquaredError,
            Regularization::None,
        )
        .unwrap();
    let reported = model.loss().unwrap();
    assert!(
        (reported - 0.5 * mse).abs() < 1e-6 * mse.max(1.0),
        "{reported} vs {}",
        0.5 * mse
    );
}

#[test]
fn l2_term_is_alpha_over_two_n_per_batch() {
    // One full batch, learning rate ~0: the reported loss is ½MSE + alpha/(2n)·Σw².
    let (x, y) = sine_bowl(50, 6);
    let alpha = 3.0;
    let mut model = MlpRegressor::new()
        .hidden_layer_sizes(&[5])
        .alpha(alpha)
        .max_iter(1)
        .learning_rate_init(1e-12)
        .random_state(4);
    model.fit(&x, &y).unwrap();
    let net = model.network().unwrap();
    let mse = net
        .evaluate_loss(
            x.view(),
            y.view(),
            Loss::MeanSquaredError,
            Regularization::None,
        )
        .unwrap() as f64;
    let squares: f64 = (0..net.layers().len())
        .flat_map(|l| {
            net.weights(l)
                .iter()
                .map(|w| (*w as f64).powi(2))
                .collect::<Vec<_>>()
        })
        .sum();
    let expected = 0.5 * mse + alpha as f64 / (2.0 * 50.0) * squares;
    assert!(
        (model.loss().unwrap() as f64 - expected).abs() < 1e-5 * expected,
        "{} vs {expected}",
        model.loss().unwrap()
    );
}

/// Without hidden layers and with one full batch, sklearn's objective ½·mean(r²) + alpha/(2n)·Σw²
/// is ridge regression with an unpenalised intercept, whose minimiser is known in closed form:
/// w = Σ(x − x̄)(y − ȳ) / (Σ(x − x̄)² + alpha), b = ȳ − w·x̄, for each output column. A wrong
/// L2 gradient or a wrong data-gradient scale (two outputs) moves the fixed point away from it.
#[test]
fn linear_model_converges_to_the_ridge_solution() {
    let n = 20;
    let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f32 / 4.0 - 2.0);
    let y = Array2::from_shape_fn((n, 2), |(i, j)| {
        let v = x[[i, 0]];
        let wiggle = ((i * 7) % 5) as f32 / 10.0 - 0.2;
        if j == 0 {
            2.0 * v + 1.0 + wiggle
        } else {
            -v + wiggle
        }
    });
    let alpha = 10.0f32;
    let mut model = MlpRegressor::new()
        .hidden_layer_sizes(&[])
        .alpha(alpha)
        .learning_rate_init(0.01)
        .max_iter(3000)
        .tol(0.0)
        .n_iter_no_change(3000);
    model.fit(&x, &y).unwrap();
    let net = model.network().unwrap();
    let x_mean = x.column(0).mean().unwrap() as f64;
    let sxx: f64 = x
        .column(0)
        .iter()
        .map(|&v| (v as f64 - x_mean).powi(2))
        .sum();
    for j in 0..2 {
        let y_mean = y.column(j).mean().unwrap() as f64;
        let sxy: f64 = x
            .column(0)
            .iter()
            .zip(y.column(j))
            .map(|(&a, &b)| (a as f64 - x_mean) * (b as f64 - y_mean))
            .sum();
        let w = sxy / (sxx + alpha as f64);
        let b = y_mean - w * x_mean;
        let (w_fit, b_fit) = (net.weights(0)[[0, j]] as f64, net.biases(0)[j] as f64);
        assert!(
            (w_fit - w).abs() < 2e-3 && (b_fit - b).abs() < 2e-3,
            "output {j}: fitted ({w_fit}, {b_fit}), ridge ({w}, {b})"
        );
    }
}

#[test]
fn initial_weights_follow_sklearns_glorot_bounds_for_biases_too() {
    let (x, y) = sine_bowl(20, 7);
    let mut model = MlpRegressor::new()
        .hidden_layer_sizes(&[30])
        .max_iter(1)
        .learning_rate_init(1e-12)
        .random_state(8);
    model.fit(&x, &y).unwrap();
    let net = model.network().unwrap();
    let bound = (6.0f32 / (2.0 + 30.0)).sqrt();
    let biases = net.biases(0);
    assert!(biases.iter().all(|b| b.abs() <= bound + 1e-6));
    assert!(
        biases.iter().any(|b| b.abs() > bound / 4.0),
        "biases are drawn, not zero"
    );
    // Logistic hidden units use the narrower bound √(2 / (fan_in + fan_out)).
    let mut logistic = MlpRegressor::new()
        .hidden_layer_sizes(&[30])
        .activation(Activation::Sigmoid)
        .max_iter(1)
        .learning_rate_init(1e-12);
    logistic.fit(&x, &y).unwrap();
    let bound = (2.0f32 / 32.0).sqrt();
    assert!(
        logistic
            .network()
            .unwrap()
            .weights(0)
            .iter()
            .all(|w| w.abs() <= bound + 1e-6)
    );
}

#[test]
fn stops_after_n_iter_no_change_epochs_without_improvement() {
    // tol so large that no epoch after the first counts as an improvement (the first always
    // beats the initial best loss, ∞). sklearn stops once the count exceeds n_iter_no_change:
    // 1 + (n_iter_no_change + 1) epochs.
    let (x, y) = sine_bowl(40, 9);
    let mut model = MlpRegressor::new()
        .hidden_layer_sizes(&[4])
        .tol(1e6)
        .n_iter_no_change(3);
    model.fit(&x, &y).unwrap();
    assert_eq!(model.n_iter().unwrap(), 5);
    assert!(model.converged().unwrap());
    // tol = 0 and max_iter small: runs every epoch and reports no convergence.
    let mut model = MlpRegressor::new()
        .hidden_layer_sizes(&[4])
        .tol(0.0)
        .max_iter(5);
    model.fit(&x, &y).unwrap();
    assert_eq!(
        (model.n_iter().unwrap(), model.converged().unwrap()),
        (5, false)
    );
}

/// sklearn's `loss_` for k outputs averages the squares over all n·k values (½·mean), while its
/// gradient sums over outputs: the reported loss must follow the first, for any k.
#[test]
fn multi_output_loss_is_half_the_mean_over_every_value_plus_l2() {
    let (x, y1) = sine_bowl(40, 12);
    let y = Array2::from_shape_fn((40, 3), |(i, j)| y1[[i, 0]] * (j as f32 + 1.0) - j as f32);
    let alpha = 2.0;
    let mut model = MlpRegressor::new()
        .hidden_layer_sizes(&[4])
        .alpha(alpha)
        .max_iter(1)
        .learning_rate_init(1e-12)
        .random_state(6);
    model.fit(&x, &y).unwrap();
    let net = model.network().unwrap();
    let predicted = net.predict(x.view()).unwrap();
    let squares: f64 = predicted
        .iter()
        .zip(&y)
        .map(|(p, t)| ((p - t) as f64).powi(2))
        .sum();
    let weights: f64 = (0..net.layers().len())
        .flat_map(|l| {
            net.weights(l)
                .iter()
                .map(|w| (*w as f64).powi(2))
                .collect::<Vec<_>>()
        })
        .sum();
    let expected = 0.5 * squares / (40.0 * 3.0) + alpha as f64 / (2.0 * 40.0) * weights;
    let reported = model.loss().unwrap() as f64;
    assert!(
        (reported - expected).abs() < 1e-5 * expected,
        "{reported} vs {expected}"
    );
}

#[test]
fn same_random_state_same_model_different_state_different_model() {
    let (x, y) = sine_bowl(60, 10);
    let fit = |seed| {
        let mut m = MlpRegressor::new()
            .hidden_layer_sizes(&[6])
            .max_iter(5)
            .batch_size(16)
            .random_state(seed);
        m.fit(&x, &y).unwrap();
        (
            m.network().unwrap().params().to_vec(),
            m.loss_curve().unwrap().to_vec(),
        )
    };
    assert_eq!(fit(1), fit(1));
    assert_ne!(fit(1).0, fit(2).0);
}

#[test]
fn multiclass_classifier_with_ids_and_strings() {
    let data = generate(DatasetKind::BlobsK { classes: 3 }, 150, 0.0, 4).unwrap();
    let ids: Vec<usize> = data
        .labels()
        .unwrap()
        .iter()
        .map(|&l| [10, 20, 30][l])
        .collect();
    let mut clf = MlpClassifier::new()
        .hidden_layer_sizes(&[16])
        .learning_rate_init(0.01)
        .random_state(0);
    clf.fit(&data.x, &ids).unwrap();
    assert_eq!(clf.classes().unwrap(), [10, 20, 30]);
    assert!(clf.score(&data.x, &ids).unwrap() > 0.95);
    let proba = clf.predict_proba(&data.x).unwrap();
    assert_eq!(proba.dim(), (150, 3));
    // predict is the argmax of predict_proba, mapped to the ids.
    let predicted = clf.predict(&data.x).unwrap();
    for (row, p) in proba.rows().into_iter().zip(&predicted) {
        let arg = (0..3).fold(0, |b, i| if row[i] > row[b] { i } else { b });
        assert_eq!([10, 20, 30][arg], *p);
    }

    let names: Vec<String> = data
        .labels()
        .unwrap()
        .iter()
        .map(|&l| ["setosa", "versicolor", "virginica"][l].to_string())
        .collect();
    clf.fit_labels(&data.x, &names).unwrap();
    assert_eq!(
        clf.class_names().unwrap(),
        ["setosa", "versicolor", "virginica"]
    );
    assert!(clf.score_labels(&data.x, &names).unwrap() > 0.95);
    assert_eq!(clf.predict(&data.x).unwrap().iter().max(), Some(&2));
}

#[test]
fn estimators_save_and_load() {
    let (x, y) = sine_bowl(80, 11);
    let mut reg = MlpRegressor::new()
        .hidden_layer_sizes(&[8])
        .max_iter(20)
        .random_state(3);
    reg.fit(&x, &y).unwrap();
    let back = MlpRegressor::from_json(&reg.to_json().unwrap()).unwrap();
    assert_eq!(back.predict(&x).unwrap(), reg.predict(&x).unwrap());
    assert_eq!(back.params(), reg.params());
    assert_eq!(back.loss_curve().unwrap(), reg.loss_curve().unwrap());
    assert_eq!(back.n_iter().unwrap(), reg.n_iter().unwrap());

    let x2 = array![[-2.0f32, 0.0], [-1.0, 0.5], [1.0, -0.5], [2.0, 0.0]];
    let mut clf = MlpClassifier::new()
        .hidden_layer_sizes(&[4])
        .max_iter(30)
        .random_state(3);
    clf.fit_labels(&x2, &["b", "b", "a", "a"]).unwrap();
    let dir = std::env::temp_dir().join(format!("nnplay-sklearn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("clf.json");
    clf.save(&path).unwrap();
    let back = MlpClassifier::load(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        back.predict_labels(&x2).unwrap(),
        clf.predict_labels(&x2).unwrap()
    );
    assert_eq!(
        back.predict_proba(&x2).unwrap(),
        clf.predict_proba(&x2).unwrap()
    );
    assert_eq!(back.class_names().unwrap(), ["a", "b"]);

    // The file is an ordinary model file: class names and task are in their standard fields,
    // and a Keras-style model can open it.
    let file = model_file::load_json(&clf.to_json().unwrap()).unwrap();
    assert_eq!(file.classes.as_deref().unwrap(), ["a", "b"]);
    let seq = Sequential::from_model_file(&file).unwrap();
    assert_eq!(
        seq.predict(&x2).unwrap().column(0),
        clf.predict_proba(&x2).unwrap().column(1)
    );

    // The wrong estimator, or a file from elsewhere, is refused by name.
    assert!(
        matches!(MlpRegressor::from_json(&clf.to_json().unwrap()), Err(NnError::ModelFile(m)) if m.contains("MlpClassifier"))
    );
    assert!(
        matches!(MlpClassifier::from_json(&reg.to_json().unwrap()), Err(NnError::ModelFile(m)) if m.contains("MlpRegressor"))
    );
    let plain = model_file::save_json(&ModelFile::new(seq.network().unwrap()));
    assert!(
        matches!(MlpClassifier::from_json(&plain), Err(NnError::ModelFile(m)) if m.contains("estimator"))
    );
}

#[test]
fn errors_are_typed() {
    let x = array![[0.0f32], [1.0], [2.0]];
    let y = array![[0.0f32], [1.0], [2.0]];
    let reg = MlpRegressor::new();
    assert!(matches!(reg.predict(&x), Err(NnError::NotFitted)));
    assert!(matches!(reg.score(&x, &y), Err(NnError::NotFitted)));
    assert!(matches!(reg.n_iter(), Err(NnError::NotFitted)));
    assert!(matches!(reg.loss_curve(), Err(NnError::NotFitted)));
    assert!(matches!(reg.to_json(), Err(NnError::NotFitted)));
    let clf = MlpClassifier::new();
    assert!(matches!(clf.predict(&x), Err(NnError::NotFitted)));
    assert!(matches!(clf.predict_proba(&x), Err(NnError::NotFitted)));
    assert!(matches!(clf.classes(), Err(NnError::NotFitted)));

    let mut reg = MlpRegressor::new().hidden_layer_sizes(&[3]).max_iter(2);
    assert!(matches!(
        reg.fit(&x, &array![[1.0f32], [2.0]]),
        Err(NnError::RowMismatch {
            x_rows: 3,
            y_rows: 2
        })
    ));
    assert!(matches!(
        reg.fit(&Array2::zeros((0, 1)), &Array2::zeros((0, 1))),
        Err(NnError::EmptyData)
    ));
    assert!(
        matches!(reg.fit(&array![[f32::NAN], [1.0], [2.0]], &y), Err(NnError::Config(m)) if m.contains("NaN"))
    );
    assert!(matches!(
        reg.fit_1d(&x, &Array1::from(vec![1.0, f32::INFINITY, 0.0])),
        Err(NnError::Config(_))
    ));
    reg.fit(&x, &y).unwrap();
    assert!(matches!(
        reg.predict(&array![[1.0f32, 2.0]]),
        Err(NnError::InputDim {
            expected: 1,
            got: 2
        })
    ));
    assert!(matches!(
        reg.score(&x, &Array2::zeros((3, 2))),
        Err(NnError::TargetDim {
            expected: 1,
            got: 2
        })
    ));

    for (bad, name) in [
        (
            MlpRegressor::new().learning_rate_init(0.0),
            "learning_rate_init",
        ),
        (MlpRegressor::new().alpha(-1.0), "alpha"),
        (MlpRegressor::new().max_iter(0), "max_iter"),
        (MlpRegressor::new().batch_size(0), "batch_size"),
        (MlpRegressor::new().tol(f32::NAN), "tol"),
        (MlpRegressor::new().n_iter_no_change(0), "n_iter_no_change"),
    ] {
        let mut bad = bad;
        assert!(
            matches!(bad.fit(&x, &y), Err(NnError::BadHyperparameter { name: n, .. }) if n == name),
            "{name}"
        );
    }
    assert!(matches!(
        MlpRegressor::new().hidden_layer_sizes(&[0]).fit(&x, &y),
        Err(NnError::Architecture(_))
    ));
    assert!(matches!(
        MlpRegressor::new()
            .activation(Activation::Softmax)
            .fit(&x, &y),
        Err(NnError::Architecture(_))
    ));

    let mut clf = MlpClassifier::new().hidden_layer_sizes(&[3]).max_iter(2);
    assert!(
        matches!(clf.fit(&x, &[1, 1, 1]), Err(NnError::Data(DataError::SingleClass { class })) if class == "1")
    );
    assert!(matches!(
        clf.fit(&x, &[0, 1]),
        Err(NnError::RowMismatch { .. })
    ));
    clf.fit(&x, &[0, 1, 1]).unwrap();
    assert!(matches!(
        clf.score(&x, &[0, 1]),
        Err(NnError::RowMismatch { .. })
    ));
}
