//! The optimizer race: lanes start from the same weights and see the same batches in the same
//! order, so two lanes with the same settings stay bit-identical, different optimizers part
//! ways, and on a linear model each lane's step can be traced back to the same sample.

use ndarray::Array2;
use nnplay::NnError;
use nnplay::data::DatasetKind;
use nnplay::data::synthetic::generate;
use nnplay::nn::activation::Activation;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig, Workspace};
use nnplay::nn::regularization::Regularization;
use nnplay::train::TrainConfig;
use nnplay::train::metrics::Metric;
use nnplay::train::optim::Optimizer;
use nnplay::train::race::{LaneSettings, Race, RaceData, preset, presets};

fn circle() -> RaceData {
    let ds = generate(DatasetKind::Circle, 100, 0.1, 2).unwrap();
    let test = generate(DatasetKind::Circle, 40, 0.1, 9).unwrap();
    RaceData {
        x_train: ds.x.clone(),
        y_train: ds.target_matrix(),
        test: Some((test.x.clone(), test.target_matrix())),
    }
}

fn classifier() -> Network {
    Network::new(
        &NetworkConfig::new(
            2,
            &[6, 4],
            Activation::Tanh,
            LayerConfig::new(1, Activation::Sigmoid),
        )
        .with_seed(4),
    )
    .unwrap()
}

fn base() -> TrainConfig {
    TrainConfig {
        loss: Loss::BinaryCrossEntropy,
        batch_size: 8,
        metric: Some(Metric::Accuracy),
        seed: 21,
        ..TrainConfig::default()
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn identical_lanes_stay_bit_identical_and_different_optimizers_part() {
    let lanes = [
        LaneSettings::new(Optimizer::adam(), 0.02),
        LaneSettings::new(Optimizer::adam(), 0.02),
        LaneSettings::new(Optimizer::Sgd, 0.02),
    ];
    let mut race = Race::new(&classifier(), &base(), &lanes, circle()).unwrap();
    // 13 batches per epoch: stop mid-epoch too.
    for batches in [5, 13, 20, 1] {
        race.step(batches).unwrap();
        assert_eq!(
            bits(race.network(0).unwrap().params()),
            bits(race.network(1).unwrap().params())
        );
    }
    assert_eq!(race.steps(), 39);
    assert_eq!(race.epoch(), 3);
    assert_eq!(race.history(0).unwrap(), race.history(1).unwrap());
    assert_ne!(
        race.network(0).unwrap().params(),
        race.network(2).unwrap().params()
    );
    let (adam, sgd) = (race.history(0).unwrap(), race.history(2).unwrap());
    // Both start from the same record, then differ.
    assert_eq!(adam[0], sgd[0]);
    assert_ne!(adam[3].train_loss, sgd[3].train_loss);
    // One record before training and one per epoch, each at the epoch's last batch.
    let at: Vec<(usize, usize)> = adam.iter().map(|r| (r.epoch, r.steps)).collect();
    assert_eq!(at, [(0, 0), (1, 13), (2, 26), (3, 39)]);
    assert!(
        adam.iter()
            .all(|r| r.test_loss.is_some() && r.train_metric.is_some() && r.test_metric.is_some())
    );
    let report = race.report();
    assert_eq!(report.lanes.len(), 3);
    assert_eq!(report.lanes[2].settings, lanes[2]);
    assert!(
        serde_json::to_string(&report)
            .unwrap()
            .contains("\"train_loss\"")
    );
}

/// With dropout the lanes' generators draw the same masks, so identical lanes still agree.
#[test]
fn identical_lanes_agree_under_dropout() {
    let mut config = NetworkConfig::new(
        2,
        &[8, 6],
        Activation::Relu,
        LayerConfig::new(1, Activation::Sigmoid),
    )
    .with_seed(2);
    config.layers[0].dropout = 0.3;
    let net = Network::new(&config).unwrap();
    let lanes = [
        LaneSettings::new(Optimizer::momentum(), 0.05),
        LaneSettings::new(Optimizer::momentum(), 0.05),
    ];
    let mut race = Race::new(&net, &base(), &lanes, circle()).unwrap();
    race.step(30).unwrap();
    assert_eq!(
        bits(race.network(0).unwrap().params()),
        bits(race.network(1).unwrap().params())
    );
    assert_ne!(race.network(0).unwrap().params(), net.params());
}

/// On a linear model with batches of one, a lane's SGD step is −η·∇L_i for the sample i it saw.
/// Recovering i from each lane's step shows that lanes at η and 2η, and one at η = 0 that never
/// moves, were all fed the same shuffled permutation.
#[test]
fn every_lane_sees_the_same_samples_in_the_same_order() {
    let n = 12;
    let x = Array2::from_shape_fn((n, 2), |(r, c)| {
        ((r * 5 + c * 3) % 11) as f32 / 5.0 - 1.0 + r as f32 * 0.01
    });
    let y = Array2::from_shape_fn((n, 1), |(r, _)| 0.8 * x[[r, 0]] - 0.3 * x[[r, 1]] + 0.1);
    let net = Network::new(
        &NetworkConfig::new(
            2,
            &[],
            Activation::Linear,
            LayerConfig::new(1, Activation::Linear),
        )
        .with_seed(6),
    )
    .unwrap();
    let base = TrainConfig {
        loss: Loss::MeanSquaredError,
        batch_size: 1,
        seed: 5,
        ..TrainConfig::default()
    };
    let (a, lanes) = (
        0.05f32,
        [
            LaneSettings::new(Optimizer::Sgd, 0.05),
            LaneSettings::new(Optimizer::Sgd, 0.1),
            LaneSettings::new(Optimizer::Sgd, 0.0),
        ],
    );
    let mut race = Race::new(
        &net,
        &base,
        &lanes,
        RaceData {
            x_train: x.clone(),
            y_train: y.clone(),
            test: None,
        },
    )
    .unwrap();
    let sample_grad = |net: &Network, i: usize| {
        let mut g = vec![0.0; net.n_params()];
        net.loss_and_gradient(
            x.row(i).as_slice().unwrap(),
            y.row(i).as_slice().unwrap(),
            1,
            Loss::MeanSquaredError,
            Regularization::None,
            &mut Workspace::default(),
            &mut g,
            None,
        );
        g
    };
    let mut seen = Vec::new();
    for _ in 0..2 * n {
        let before: Vec<Network> = (0..2).map(|l| race.network(l).unwrap().clone()).collect();
        race.step(1).unwrap();
        let mut found = Vec::new();
        for (l, lr) in [(0, a), (1, 2.0 * a)] {
            let after = race.network(l).unwrap().params();
            // The sample whose SGD step explains the change (the others miss by far more).
            let miss = |i: usize| -> f32 {
                let g = sample_grad(&before[l], i);
                before[l]
                    .params()
                    .iter()
                    .zip(&g)
                    .zip(after)
                    .map(|((p, g), q)| (p - lr * g - q).abs())
                    .sum()
            };
            let best = (0..n).min_by(|&i, &j| miss(i).total_cmp(&miss(j))).unwrap();
            assert!(miss(best) < 1e-6, "lane {l}: no sample explains the step");
            found.push(best);
        }
        assert_eq!(found[0], found[1], "the lanes saw different samples");
        seen.push(found[0]);
        assert_eq!(
            race.network(2).unwrap().params(),
            net.params(),
            "η = 0 never moves"
        );
    }
    for epoch in seen.chunks(n) {
        let mut sorted = epoch.to_vec();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..n).collect::<Vec<_>>(),
            "each epoch visits every sample once"
        );
    }
    assert_ne!(
        seen[..n],
        (0..n).collect::<Vec<_>>()[..],
        "the order is shuffled"
    );
    assert_ne!(seen[..n], seen[n..], "and reshuffled each epoch");
    let frozen = race.history(2).unwrap();
    assert!(frozen.iter().all(|r| r.train_loss == frozen[0].train_loss));
}

#[test]
fn a_diverging_lane_stops_and_the_others_go_on() {
    let lanes = [
        LaneSettings::new(Optimizer::Sgd, 0.05),
        LaneSettings::new(Optimizer::momentum(), 1.0e30),
    ];
    let mut config = base();
    config.loss = Loss::MeanSquaredError;
    let net = Network::new(&NetworkConfig::new(
        2,
        &[4],
        Activation::Relu,
        LayerConfig::new(1, Activation::Linear),
    ))
    .unwrap();
    let mut race = Race::new(&net, &config, &lanes, circle()).unwrap();
    let tick = race.step(40).unwrap();
    let report = race.report();
    assert!(report.lanes[1].diverged.is_some());
    assert!(report.lanes[0].diverged.is_none());
    assert!(
        race.network(1)
            .unwrap()
            .params()
            .iter()
            .all(|p| p.is_finite())
    );
    assert!(tick.batch_loss[0].is_some());
    assert_eq!(race.history(0).unwrap().len(), 1 + 40 / 13);
    assert!(race.history(1).unwrap().len() < race.history(0).unwrap().len());
}

#[test]
fn bad_races_are_refused() {
    let one = [LaneSettings::new(Optimizer::Sgd, 0.1)];
    assert!(matches!(
        Race::new(&classifier(), &base(), &one, circle()),
        Err(NnError::BadHyperparameter {
            name: "race lanes",
            ..
        })
    ));
    let five = vec![LaneSettings::new(Optimizer::Sgd, 0.1); 5];
    assert!(matches!(
        Race::new(&classifier(), &base(), &five, circle()),
        Err(NnError::BadHyperparameter { .. })
    ));
    let bad_lr = [
        LaneSettings::new(Optimizer::Sgd, 0.1),
        LaneSettings::new(Optimizer::Sgd, f32::NAN),
    ];
    assert!(matches!(
        Race::new(&classifier(), &base(), &bad_lr, circle()),
        Err(NnError::BadHyperparameter { .. })
    ));
    let two = [
        LaneSettings::new(Optimizer::Sgd, 0.1),
        LaneSettings::new(Optimizer::adam(), 0.1),
    ];
    let wide = RaceData {
        x_train: Array2::zeros((10, 3)),
        y_train: Array2::zeros((10, 1)),
        test: None,
    };
    assert!(matches!(
        Race::new(&classifier(), &base(), &two, wide),
        Err(NnError::InputDim { .. })
    ));
    let mut race = Race::new(&classifier(), &base(), &two, circle()).unwrap();
    assert!(race.step(1_000_000).is_err());
}

/// The preset is data (three lanes), and runs as a race on the spiral.
#[test]
fn the_sgd_momentum_adam_spiral_preset_runs() {
    let p = preset("sgd_momentum_adam_spiral").unwrap();
    assert_eq!(presets().len(), 1);
    assert_eq!(p.dataset, DatasetKind::Spiral);
    let kinds: Vec<&str> = p.lanes.iter().map(|l| l.optimizer.name()).collect();
    assert_eq!(kinds, ["sgd", "momentum", "adam"]);
    assert!(
        p.lanes
            .iter()
            .all(|l| l.learning_rate == p.lanes[0].learning_rate)
    );
    let ds = generate(p.dataset, 200, 0.0, 1).unwrap();
    let net = Network::new(
        &NetworkConfig::new(
            2,
            &[8, 8],
            Activation::Tanh,
            LayerConfig::new(1, Activation::Sigmoid),
        )
        .with_seed(1),
    )
    .unwrap();
    let config = TrainConfig {
        batch_size: p.batch_size,
        ..base()
    };
    let mut race = Race::new(
        &net,
        &config,
        &p.lanes,
        RaceData {
            x_train: ds.x.clone(),
            y_train: ds.target_matrix(),
            test: None,
        },
    )
    .unwrap();
    race.step(20 * 20).unwrap();
    let last: Vec<f32> = (0..3)
        .map(|l| race.history(l).unwrap().last().unwrap().train_loss)
        .collect();
    let first = race.history(0).unwrap()[0].train_loss;
    println!("spiral after 20 epochs: start {first}, sgd/momentum/adam {last:?}");
    assert!(
        last.iter().all(|&l| l < first),
        "every lane learned something: {first} → {last:?}"
    );
    assert!(
        last[1] < last[0] && last[2] < last[0],
        "momentum and Adam are ahead of SGD: {last:?}"
    );
    assert!(serde_json::to_string(&p).unwrap().contains("\"momentum\""));
}
