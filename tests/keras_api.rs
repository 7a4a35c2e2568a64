//! The Keras-like API: the XOR and linear-regression examples' numbers, the build → compile →
//! fit → evaluate → predict workflow, state kept across fit calls, and the typed errors.

use ndarray::{Array2, array};
use nnplay::data::{DatasetKind, generate};
use nnplay::prelude::*;
use nnplay::train::{Control, EarlyStopping, StopReason};

fn xor() -> (Array2<f32>, Array2<f32>) {
    (
        array![[0.0f32, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
        array![[0.0f32], [1.0], [1.0], [0.0]],
    )
}

fn xor_model(seed: u64) -> Sequential {
    let mut model = Sequential::new(2)
        .add(Dense::new(4, Activation::Tanh))
        .add(Dense::new(1, Activation::Sigmoid))
        .with_seed(seed);
    model
        .compile(
            Optimizer::adam(),
            Loss::BinaryCrossEntropy,
            &[Metric::Accuracy],
        )
        .unwrap();
    model.set_learning_rate(0.05).unwrap();
    model
}

/// The `xor` example: a 2-4-1 network gets all four XOR cases right.
#[test]
fn xor_is_solved_four_out_of_four() {
    let (x, y) = xor();
    let mut model = xor_model(0);
    let history = model
        .fit(
            &x,
            &y,
            FitOptions {
                epochs: 500,
                batch_size: 4,
                ..FitOptions::default()
            },
        )
        .unwrap();
    assert_eq!(history.epochs.len(), 500);
    assert_eq!(history.stopped, StopReason::Completed);
    let p = model.predict(&x).unwrap();
    let correct = p
        .iter()
        .zip(y.iter())
        .filter(|(p, t)| (**p > 0.5) == (**t > 0.5))
        .count();
    assert_eq!(correct, 4, "predictions {p}");
    let eval = model.evaluate(&x, &y).unwrap();
    assert_eq!(eval.metric(Metric::Accuracy), Some(1.0));
    assert!(eval.loss < 0.1);
    assert_eq!(history.last().unwrap().train_metric, Some(1.0));
}

/// The `linear_regression` example: one linear unit recovers y = 0.5·x1 + 0.5·x2.
#[test]
fn linear_regression_recovers_the_weights() {
    let data = generate(DatasetKind::LinearSum, 500, 0.02, 11).unwrap();
    let (x, y) = (data.x.clone(), data.target_matrix());
    let mut model = Sequential::new(2)
        .add(Dense::new(1, Activation::Linear))
        .with_seed(4);
    model
        .compile(Optimizer::Sgd, Loss::MeanSquaredError, &[Metric::R2])
        .unwrap();
    model.set_learning_rate(0.01).unwrap();
    model
        .fit(
            &x,
            &y,
            FitOptions {
                epochs: 30,
                batch_size: 16,
                ..FitOptions::default()
            },
        )
        .unwrap();
    let w = model.network().unwrap().weights(0).to_owned();
    assert!(
        (w[[0, 0]] - 0.5).abs() < 0.05 && (w[[1, 0]] - 0.5).abs() < 0.05,
        "weights {w}"
    );
    let r2 = model.evaluate(&x, &y).unwrap().metric(Metric::R2).unwrap();
    assert!(r2 >= 0.99, "R² = {r2}");
}

#[test]
fn default_learning_rates_follow_keras() {
    let mut model = Sequential::new(1).add(Dense::new(1, Activation::Linear));
    model
        .compile(Optimizer::Sgd, Loss::MeanSquaredError, &[])
        .unwrap();
    assert_eq!(model.learning_rate(), 0.01);
    model
        .compile(Optimizer::adam(), Loss::MeanSquaredError, &[])
        .unwrap();
    assert_eq!(model.learning_rate(), 0.001);
    // A rate set by the user survives recompiling.
    model.set_learning_rate(0.2).unwrap();
    model
        .compile(Optimizer::Sgd, Loss::MeanSquaredError, &[])
        .unwrap();
    assert_eq!(model.learning_rate(), 0.2);
}

#[test]
fn second_fit_continues_where_the_first_stopped() {
    // Two fits of 50 epochs equal one fit of 100 when the data order is fixed (no shuffle):
    // the weights and the Adam moments carry over.
    let (x, y) = xor();
    let options = FitOptions {
        epochs: 50,
        batch_size: 2,
        shuffle: false,
        ..FitOptions::default()
    };
    let mut split = xor_model(1);
    split.fit(&x, &y, options).unwrap();
    let second = split.fit(&x, &y, options).unwrap();
    let mut whole = xor_model(1);
    let full = whole
        .fit(
            &x,
            &y,
            FitOptions {
                epochs: 100,
                ..options
            },
        )
        .unwrap();
    assert_eq!(
        split.network().unwrap().params(),
        whole.network().unwrap().params()
    );
    assert_eq!(second.epochs[49].train_loss, full.epochs[99].train_loss);
    // Epochs are numbered per call, as Keras does.
    assert_eq!(second.epochs[0].epoch, 1);
}

#[test]
fn recompiling_keeps_weights_but_adding_a_layer_redraws_them() {
    let (x, y) = xor();
    let mut model = xor_model(2);
    model
        .fit(
            &x,
            &y,
            FitOptions {
                epochs: 20,
                batch_size: 4,
                ..FitOptions::default()
            },
        )
        .unwrap();
    let trained = model.network().unwrap().params().to_vec();
    model
        .compile(Optimizer::rmsprop(), Loss::BinaryCrossEntropy, &[])
        .unwrap();
    assert_eq!(model.network().unwrap().params(), &trained[..]);

    let model = Sequential::new(2).add(Dense::new(3, Activation::Relu));
    let mut model = model.add(Dense::new(1, Activation::Sigmoid));
    assert!(model.network().is_none());
    assert!(matches!(
        model.fit(&x, &y, FitOptions::default()),
        Err(NnError::NotCompiled)
    ));
    model
        .compile(Optimizer::adam(), Loss::BinaryCrossEntropy, &[])
        .unwrap();
    assert_eq!(model.network().unwrap().n_params(), (2 * 3 + 3) + (3 + 1));
}

#[test]
fn validation_split_and_early_stopping() {
    let data = generate(DatasetKind::LinearSum, 200, 0.05, 3).unwrap();
    let (x, y) = (data.x.clone(), data.target_matrix());
    let mut model = Sequential::new(2).add(Dense::new(1, Activation::Linear));
    model
        .compile(Optimizer::adam(), Loss::MeanSquaredError, &[Metric::R2])
        .unwrap();
    model.set_learning_rate(0.05).unwrap();
    let options = FitOptions {
        epochs: 1000,
        batch_size: 20,
        validation_split: 0.25,
        early_stopping: Some(EarlyStopping {
            patience: 5,
            min_delta: 1e-4,
        }),
        ..FitOptions::default()
    };
    let history = model.fit(&x, &y, options).unwrap();
    assert_eq!(history.stopped, StopReason::EarlyStopping);
    assert!(history.epochs.len() < 1000);
    let last = history.last().unwrap();
    assert!(last.val_loss.is_some() && last.val_metric.unwrap() > 0.95);
}

#[test]
fn callback_can_stop_training() {
    let (x, y) = xor();
    let mut model = xor_model(0);
    let mut seen = Vec::new();
    let history = model
        .fit_with_callback(
            &x,
            &y,
            FitOptions {
                epochs: 100,
                ..FitOptions::default()
            },
            |r| {
                seen.push(r.epoch);
                if r.epoch == 7 {
                    Control::Stop
                } else {
                    Control::Continue
                }
            },
        )
        .unwrap();
    assert_eq!(seen, (1..=7).collect::<Vec<_>>());
    assert_eq!(history.stopped, StopReason::Callback);
}

#[test]
fn dropout_and_regularization_reach_the_network() {
    let model = Sequential::new(3)
        .add(
            Dense::new(8, Activation::Relu)
                .with_dropout(0.25)
                .with_regularization(Regularization::L2 { rate: 0.01 }),
        )
        .add(Dense::new(2, Activation::Softmax));
    let layers = &model.config().layers;
    assert_eq!(layers[0].dropout, 0.25);
    assert_eq!(
        layers[0].regularization,
        Some(Regularization::L2 { rate: 0.01 })
    );
    assert_eq!(
        model.layers()[0],
        Dense::new(8, Activation::Relu)
            .with_dropout(0.25)
            .with_regularization(Regularization::L2 { rate: 0.01 })
    );
    // The penalty is part of the evaluated loss.
    let mut plain = Sequential::new(3)
        .add(Dense::new(8, Activation::Relu))
        .add(Dense::new(2, Activation::Softmax));
    let mut model = model;
    model
        .compile(Optimizer::adam(), Loss::CategoricalCrossEntropy, &[])
        .unwrap();
    plain
        .compile(Optimizer::adam(), Loss::CategoricalCrossEntropy, &[])
        .unwrap();
    let (x, y) = (array![[1.0f32, 2.0, 3.0]], array![[1.0f32, 0.0]]);
    let w = model
        .network()
        .unwrap()
        .weights(0)
        .iter()
        .map(|w| w * w)
        .sum::<f32>();
    let diff = model.evaluate(&x, &y).unwrap().loss - plain.evaluate(&x, &y).unwrap().loss;
    assert!((diff - 0.01 * w).abs() < 1e-5, "{diff} vs {}", 0.01 * w);
}

#[test]
fn summary_lists_layers_and_parameters() {
    let model = Sequential::new(2)
        .add(Dense::new(4, Activation::Tanh))
        .add(Dense::new(1, Activation::Sigmoid));
    let text = model.summary();
    assert!(
        text.contains("(None, 4)") && text.contains("tanh") && text.contains("Total params: 17"),
        "{text}"
    );
    assert!(Sequential::new(2).summary().contains("no network yet"));
}

#[test]
fn errors_are_typed() {
    let (x, y) = xor();
    // Not compiled.
    let model = Sequential::new(2).add(Dense::new(1, Activation::Sigmoid));
    assert!(matches!(model.predict(&x), Err(NnError::NotCompiled)));
    assert!(matches!(model.evaluate(&x, &y), Err(NnError::NotCompiled)));
    assert!(matches!(model.to_json(), Err(NnError::NotCompiled)));
    // Loss that cannot follow the output.
    let mut bad = Sequential::new(2).add(Dense::new(1, Activation::Linear));
    assert!(matches!(
        bad.compile(Optimizer::adam(), Loss::BinaryCrossEntropy, &[]),
        Err(NnError::Incompatible { .. })
    ));
    assert!(!bad.is_compiled());
    // Empty model, zero units, softmax in the middle, dropout on the output.
    assert!(matches!(
        Sequential::new(2).compile(Optimizer::adam(), Loss::MeanSquaredError, &[]),
        Err(NnError::Architecture(_))
    ));
    let mut zero = Sequential::new(2)
        .add(Dense::new(0, Activation::Relu))
        .add(Dense::new(1, Activation::Linear));
    assert!(matches!(
        zero.compile(Optimizer::adam(), Loss::MeanSquaredError, &[]),
        Err(NnError::Architecture(_))
    ));
    let mut mid = Sequential::new(2)
        .add(Dense::new(3, Activation::Softmax))
        .add(Dense::new(1, Activation::Linear));
    assert!(matches!(
        mid.compile(Optimizer::adam(), Loss::MeanSquaredError, &[]),
        Err(NnError::Architecture(_))
    ));
    let mut drop = Sequential::new(2).add(Dense::new(1, Activation::Linear).with_dropout(0.5));
    assert!(matches!(
        drop.compile(Optimizer::adam(), Loss::MeanSquaredError, &[]),
        Err(NnError::Architecture(_))
    ));
    let mut rate = Sequential::new(2)
        .add(Dense::new(3, Activation::Relu).with_dropout(1.5))
        .add(Dense::new(1, Activation::Linear));
    assert!(matches!(
        rate.compile(Optimizer::adam(), Loss::MeanSquaredError, &[]),
        Err(NnError::BadHyperparameter { .. })
    ));
    // Bad optimizer settings and learning rates.
    let mut model = xor_model(0);
    assert!(matches!(
        model.compile(
            Optimizer::Adam {
                beta1: 1.5,
                beta2: 0.999,
                eps: 1e-8
            },
            Loss::BinaryCrossEntropy,
            &[]
        ),
        Err(NnError::BadHyperparameter { name: "beta1", .. })
    ));
    assert!(
        model.is_compiled(),
        "a failed recompile keeps the earlier compilation"
    );
    assert!(matches!(
        model.set_learning_rate(f32::NAN),
        Err(NnError::BadHyperparameter { .. })
    ));
    assert!(matches!(
        model.set_learning_rate(-1.0),
        Err(NnError::BadHyperparameter { .. })
    ));
    // Shapes.
    assert!(matches!(
        model.predict(&array![[1.0f32, 2.0, 3.0]]),
        Err(NnError::InputDim {
            expected: 2,
            got: 3
        })
    ));
    assert!(matches!(
        model.fit(&x, &Array2::zeros((4, 2)), FitOptions::default()),
        Err(NnError::TargetDim {
            expected: 1,
            got: 2
        })
    ));
    assert!(matches!(
        model.fit(&x, &Array2::zeros((3, 1)), FitOptions::default()),
        Err(NnError::RowMismatch {
            x_rows: 4,
            y_rows: 3
        })
    ));
    assert!(matches!(
        model.fit(
            &Array2::zeros((0, 2)),
            &Array2::zeros((0, 1)),
            FitOptions::default()
        ),
        Err(NnError::EmptyData)
    ));
    assert!(matches!(
        model.evaluate(&x, &Array2::zeros((3, 1))),
        Err(NnError::RowMismatch { .. })
    ));
    // Bad fit options.
    assert!(matches!(
        model.fit(
            &x,
            &y,
            FitOptions {
                batch_size: 0,
                ..FitOptions::default()
            }
        ),
        Err(NnError::BadHyperparameter {
            name: "batch size",
            ..
        })
    ));
    assert!(matches!(
        model.fit(
            &x,
            &y,
            FitOptions {
                validation_split: 1.0,
                ..FitOptions::default()
            }
        ),
        Err(NnError::BadHyperparameter { .. })
    ));
    assert!(matches!(
        model.fit(
            &x,
            &y,
            FitOptions {
                clip_norm: Some(0.0),
                ..FitOptions::default()
            }
        ),
        Err(NnError::BadHyperparameter { .. })
    ));
}

#[test]
fn divergence_is_reported_not_hidden() {
    let x = array![[1.0e3f32], [2.0e3], [3.0e3]];
    let y = array![[1.0e3f32], [-2.0e3], [3.0e3]];
    let mut model = Sequential::new(1)
        .add(Dense::new(8, Activation::Linear))
        .add(Dense::new(1, Activation::Linear));
    model
        .compile(Optimizer::Sgd, Loss::MeanSquaredError, &[])
        .unwrap();
    model.set_learning_rate(10.0).unwrap();
    let err = model
        .fit(
            &x,
            &y,
            FitOptions {
                epochs: 50,
                ..FitOptions::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, NnError::Diverged { .. }), "{err}");
    assert!(
        model
            .network()
            .unwrap()
            .params()
            .iter()
            .all(|p| p.is_finite())
    );
}
