//! Gradient and weight health: the vanishing gradient of a deep sigmoid network shows as
//! gradient magnitudes falling layer by layer towards the input, a ReLU unit pushed below zero
//! is reported dead, and all-zero initialisation gives units that are copies of each other.

use ndarray::Array2;
use nnplay::nn::activation::Activation;
use nnplay::nn::evaluate::PenaltyTerm;
use nnplay::nn::init::Initializer;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig};
use nnplay::nn::regularization::Regularization;
use nnplay::train::health::{GRADIENT_BIN_EDGES, HealthReport, Summary, health};
use nnplay::train::optim::Optimizer;
use nnplay::train::{TrainConfig, Trainer};

/// 64 samples of 4 inputs in [−1, 1] and a smooth target.
fn data() -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((64, 4), |(r, c)| {
        (((r * 7 + c * 13) % 29) as f32 / 14.0) - 1.0
    });
    let y = Array2::from_shape_fn((64, 1), |(r, _)| (x[[r, 0]] - 0.5 * x[[r, 2]]).sin());
    (x, y)
}

fn report(net: &Network) -> HealthReport {
    let (x, y) = data();
    health(
        net,
        x.view(),
        y.view(),
        Loss::MeanSquaredError,
        Regularization::None,
        PenaltyTerm::Excluded,
    )
    .unwrap()
}

fn deep(act: Activation, init: Initializer) -> Network {
    // Eight layers: seven hidden of width 8, then the output.
    let config = NetworkConfig::new(4, &[8; 7], act, LayerConfig::new(1, Activation::Linear))
        .with_seed(1)
        .with_initializer(init);
    Network::new(&config).unwrap()
}

/// Each sigmoid layer multiplies the backpropagated signal by σ'(z) ≤ ¼ (times its weights), so
/// the gradient reaching the first layers is orders of magnitude smaller than the last one's.
#[test]
fn a_deep_sigmoid_network_shows_the_vanishing_gradient() {
    let sigmoid = report(&deep(Activation::Sigmoid, Initializer::GlorotUniform));
    assert_eq!(sigmoid.layers.len(), 8);
    let rms: Vec<f32> = sigmoid.layers.iter().map(|l| l.gradient_rms).collect();
    println!("sigmoid gradient rms by layer: {rms:?}");
    // Towards the input, every hidden layer's gradient is smaller than the one above it.
    for l in 0..6 {
        assert!(
            rms[l] < rms[l + 1],
            "layer {l}: {} is not below layer {}'s {}",
            rms[l],
            l + 1,
            rms[l + 1]
        );
    }
    let ratio = rms[0] / rms[6];
    assert!(
        ratio < 1e-2,
        "first / last hidden layer gradient ratio {ratio}"
    );
    // The median |g| tells the same story.
    assert!(sigmoid.layers[0].abs_gradient.median < 1e-2 * sigmoid.layers[6].abs_gradient.median);
    // ReLU with He initialisation keeps the signal's scale: the same ratio is far larger.
    let relu = report(&deep(Activation::Relu, Initializer::HeUniform));
    let relu_ratio = relu.layers[0].gradient_rms / relu.layers[6].gradient_rms;
    println!("first / last ratio: sigmoid {ratio:e}, relu {relu_ratio:e}");
    assert!(
        relu_ratio > 100.0 * ratio,
        "relu {relu_ratio} vs sigmoid {ratio}"
    );
}

#[test]
fn a_relu_unit_with_a_large_negative_bias_is_dead() {
    let config = NetworkConfig::new(
        4,
        &[6, 5],
        Activation::Relu,
        LayerConfig::new(1, Activation::Linear),
    )
    .with_seed(3)
    .with_initializer(Initializer::HeUniform);
    let mut net = Network::new(&config).unwrap();
    let healthy = report(&net);
    assert!(
        healthy.layers.iter().all(|l| l.dead_units.is_empty()),
        "{:?}",
        healthy
            .layers
            .iter()
            .map(|l| &l.dead_units)
            .collect::<Vec<_>>()
    );
    net.set_bias(0, 2, -100.0).unwrap();
    let sick = report(&net);
    assert_eq!(sick.layers[0].dead_units, vec![2]);
    assert_eq!(sick.layers[0].active_fraction[2], 0.0);
    // No gradient reaches a dead unit's incoming weights: column 2 of the kernel is all zero.
    let (x, y) = data();
    let mut grads = vec![0.0; net.n_params()];
    net.loss_and_gradient(
        x.as_slice().unwrap(),
        y.as_slice().unwrap(),
        64,
        Loss::MeanSquaredError,
        Regularization::None,
        &mut Default::default(),
        &mut grads,
        None,
    );
    let s = net.layers()[0];
    assert!((0..s.in_dim).all(|i| grads[s.offset + i * s.out_dim + 2] == 0.0));
    assert!(sick.layers[0].zero_gradients >= s.in_dim);
    // Only ReLU units are called dead: a tanh unit in the same state is merely saturated.
    let tanh = Network::from_params(
        &NetworkConfig::new(
            4,
            &[6, 5],
            Activation::Tanh,
            LayerConfig::new(1, Activation::Linear),
        ),
        net.params().to_vec(),
    )
    .unwrap();
    assert!(report(&tanh).layers[0].dead_units.is_empty());
}

#[test]
fn zero_initialisation_gives_identical_units_that_stay_identical() {
    let config = NetworkConfig::new(
        4,
        &[5, 3],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Linear),
    )
    .with_initializer(Initializer::Zeros);
    let mut net = Network::new(&config).unwrap();
    let (x, y) = data();
    let mut trainer = Trainer::new(
        TrainConfig {
            optimizer: Optimizer::Sgd,
            learning_rate: 0.1,
            batch_size: 8,
            ..TrainConfig::default()
        },
        &net,
    )
    .unwrap();
    for round in 0..2 {
        let r = report(&net);
        assert_eq!(
            r.layers[0].identical_units,
            vec![vec![0, 1, 2, 3, 4]],
            "round {round}"
        );
        assert_eq!(
            r.layers[1].identical_units,
            vec![vec![0, 1, 2]],
            "round {round}"
        );
        trainer
            .train_steps(&mut net, x.view(), y.view(), 40)
            .unwrap();
    }
    assert!(
        net.params().iter().any(|&p| p != 0.0),
        "training moved some weights"
    );
    let random =
        report(&Network::new(&config.with_initializer(Initializer::GlorotUniform)).unwrap());
    assert!(random.layers.iter().all(|l| l.identical_units.is_empty()));
}

#[test]
fn histograms_and_summaries_count_what_they_say() {
    let r = report(&deep(Activation::Tanh, Initializer::GlorotUniform));
    assert_eq!(r.bin_edges, GRADIENT_BIN_EDGES.to_vec());
    assert_eq!(r.samples, 64);
    let net = deep(Activation::Tanh, Initializer::GlorotUniform);
    for (l, layer) in r.layers.iter().enumerate() {
        let n = net.layers()[l].n_weights();
        assert_eq!(layer.gradient_histogram.iter().sum::<usize>(), n);
        // The largest |g| is in the bin of its decade.
        let top = layer.abs_gradient.max;
        let bin = GRADIENT_BIN_EDGES.iter().filter(|&&e| e <= top).count();
        assert!(
            layer.gradient_histogram[bin] > 0
                && layer.gradient_histogram[bin + 1..].iter().all(|&c| c == 0)
        );
        let w = Summary::of(&net.params()[net.layers()[l].weight_range()]);
        assert_eq!(layer.weights, w);
        assert!(w.min <= w.median && w.median <= w.max);
    }
    let s = Summary::of(&[3.0, -1.0, 2.0, 10.0]);
    assert_eq!((s.min, s.median, s.max, s.mean_abs), (-1.0, 2.5, 10.0, 4.0));
    assert_eq!(Summary::of(&[5.0, 1.0, 3.0]).median, 3.0);
}

/// With penalties included the gradient is the one the optimizer sees: the data gradient plus
/// the penalty's 2·rate·w.
#[test]
fn the_penalty_term_is_in_the_gradient_only_when_asked() {
    let net = deep(Activation::Sigmoid, Initializer::GlorotUniform);
    let (x, y) = data();
    let reg = Regularization::L2 { rate: 0.5 };
    let with = health(
        &net,
        x.view(),
        y.view(),
        Loss::MeanSquaredError,
        reg,
        PenaltyTerm::Included,
    )
    .unwrap();
    let without = health(
        &net,
        x.view(),
        y.view(),
        Loss::MeanSquaredError,
        reg,
        PenaltyTerm::Excluded,
    )
    .unwrap();
    assert_eq!(without, report(&net));
    assert!(with.loss > without.loss);
    // A strong penalty dominates the tiny data gradient of the first layers.
    assert!(with.layers[0].gradient_rms > 10.0 * without.layers[0].gradient_rms);
}
