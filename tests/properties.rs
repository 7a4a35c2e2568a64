//! Properties that must hold for every input, checked on random cases with proptest: losses are
//! non-negative and vanish at the target, a zero learning rate changes nothing, save → load →
//! predict is bit-exact, and seeds make runs reproducible.

use ndarray::Array2;
use nnplay::io::model_file;
use nnplay::prelude::*;
use nnplay::train::optim::OptimizerState;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 32,
        ..ProptestConfig::default()
    }
}

/// A batch of `rows` × `cols` finite values in [-5, 5].
fn matrix(rows: usize, cols: usize) -> impl Strategy<Value = Vec<f32>> {
    prop::collection::vec(-5.0f32..5.0, rows * cols)
}

/// One-hot rows of `cols` classes (cols ≥ 2).
fn one_hot(rows: usize, cols: usize) -> impl Strategy<Value = Vec<f32>> {
    prop::collection::vec(0..cols, rows).prop_map(move |labels| {
        let mut y = vec![0.0; rows * cols];
        for (r, l) in labels.into_iter().enumerate() {
            y[r * cols + l] = 1.0;
        }
        y
    })
}

fn element_wise_losses() -> [Loss; 3] {
    [
        Loss::MeanSquaredError,
        Loss::MeanAbsoluteError,
        Loss::Huber { delta: 1.0 },
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn regression_losses_are_non_negative_and_zero_at_the_target(a in matrix(4, 3), y in matrix(4, 3), delta in 0.1f32..3.0) {
        for loss in element_wise_losses().into_iter().chain([Loss::Huber { delta }]) {
            prop_assert!(loss.value(&a, &y, 3) >= 0.0, "{loss} negative");
            prop_assert_eq!(loss.value(&y, &y, 3), 0.0, "{} not zero at the target", loss);
        }
    }

    #[test]
    fn binary_cross_entropy_is_non_negative_and_vanishes_for_confident_right_logits(z in matrix(6, 1), bits in prop::collection::vec(any::<bool>(), 6)) {
        let y: Vec<f32> = bits.iter().map(|&b| if b { 1.0 } else { 0.0 }).collect();
        prop_assert!(Loss::BinaryCrossEntropy.value(&z, &y, 1) >= 0.0);
        // Logits of ±20 on the target's side: −ln σ(20) ≈ 2e-9.
        let confident: Vec<f32> = bits.iter().map(|&b| if b { 20.0 } else { -20.0 }).collect();
        prop_assert!(Loss::BinaryCrossEntropy.value(&confident, &y, 1) < 1e-3);
    }

    #[test]
    fn categorical_cross_entropy_is_non_negative_and_vanishes_for_confident_right_logits(z in matrix(5, 4), y in one_hot(5, 4)) {
        prop_assert!(Loss::CategoricalCrossEntropy.value(&z, &y, 4) >= 0.0);
        let confident: Vec<f32> = y.iter().map(|&t| if t == 1.0 { 20.0 } else { -20.0 }).collect();
        prop_assert!(Loss::CategoricalCrossEntropy.value(&confident, &y, 4) < 1e-3);
    }

    #[test]
    fn zero_learning_rate_leaves_parameters_unchanged(params in matrix(1, 12), grads in matrix(1, 12), steps in 1usize..4) {
        for optimizer in Optimizer::all() {
            let mut p = params.clone();
            let mut state = OptimizerState::default();
            for _ in 0..steps {
                optimizer.step(0.0, &mut p, &grads, &mut state);
            }
            prop_assert_eq!(&p, &params, "{} moved the parameters", optimizer);
        }
    }

    #[test]
    fn save_load_predict_is_bit_identical(seed in any::<u64>(), hidden in 1usize..6, x in matrix(7, 3)) {
        let mut model = Sequential::new(3)
            .add(Dense::new(hidden, Activation::Gelu))
            .add(Dense::new(2, Activation::Softmax))
            .with_seed(seed)
            .with_initializer(Initializer::HeNormal);
        model.compile(Optimizer::adam(), Loss::CategoricalCrossEntropy, &[Metric::Accuracy]).unwrap();
        let x = Array2::from_shape_vec((7, 3), x).unwrap();
        let back = Sequential::from_json(&model.to_json().unwrap()).unwrap();
        let (a, b) = (model.predict(&x).unwrap(), back.predict(&x).unwrap());
        prop_assert!(a.iter().zip(b.iter()).all(|(p, q)| p.to_bits() == q.to_bits()));
        prop_assert_eq!(back.network().unwrap().params(), model.network().unwrap().params());
    }

    #[test]
    fn any_finite_f32_survives_the_model_file(bits in prop::collection::vec(any::<u32>(), 17)) {
        let config = NetworkConfig::new(2, &[3], Activation::Tanh, LayerConfig::new(1, Activation::Linear));
        let mut net = Network::new(&config).unwrap();
        for (p, b) in net.params_mut().iter_mut().zip(bits) {
            let v = f32::from_bits(b);
            *p = if v.is_finite() { v } else { 1.5 };
        }
        let back = model_file::load_json(&model_file::save_json(&model_file::ModelFile::new(&net))).unwrap();
        let same = net.params().iter().zip(&back.params).all(|(a, b)| a.to_bits() == b.to_bits());
        prop_assert!(same, "{:?} came back as {:?}", net.params(), back.params);
    }

    #[test]
    fn same_seed_same_run_different_seed_different_init(seed in 0u64..1000, fit_seed in 0u64..1000) {
        let x = Array2::from_shape_fn((12, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f32 / 5.0 - 1.0);
        let y = x.map_axis(ndarray::Axis(1), |r| r[0] * r[1]).insert_axis(ndarray::Axis(1));
        let run = |seed: u64| {
            let mut model = Sequential::new(2)
                .add(Dense::new(5, Activation::Tanh).with_dropout(0.2))
                .add(Dense::new(1, Activation::Linear))
                .with_seed(seed);
            model.compile(Optimizer::adam(), Loss::MeanSquaredError, &[Metric::R2]).unwrap();
            let initial = model.network().unwrap().params().to_vec();
            let history = model.fit(&x, &y, FitOptions { epochs: 5, batch_size: 5, seed: fit_seed, ..FitOptions::default() }).unwrap();
            (initial, model.network().unwrap().params().to_vec(), history)
        };
        let (first, second) = (run(seed), run(seed));
        prop_assert_eq!(&first, &second);
        let other = run(seed + 1);
        prop_assert_ne!(first.0, other.0);
    }
}
