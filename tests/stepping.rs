//! The page's finer stepping: one batch, stop at epoch N, stop on a plateau of the test loss.
//! The plateau rule must stop on the same epoch, with the same weights, as `Trainer::fit`'s
//! early stopping on the same split.

use ndarray::{Array2, s};
use nnplay::data::DatasetKind;
use nnplay::data::synthetic::generate;
use nnplay::nn::activation::Activation;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig};
use nnplay::train::optim::Optimizer;
use nnplay::train::stepping::{Stepper, StopCause, StopRules};
use nnplay::train::{Control, EarlyStopping, StopReason, TrainConfig, Trainer};

fn data() -> (Array2<f32>, Array2<f32>) {
    let ds = generate(DatasetKind::Moons, 100, 0.2, 4).unwrap();
    (ds.x.clone(), ds.target_matrix())
}

fn net() -> Network {
    Network::new(
        &NetworkConfig::new(
            2,
            &[5],
            Activation::Tanh,
            LayerConfig::new(1, Activation::Sigmoid),
        )
        .with_seed(3),
    )
    .unwrap()
}

fn config() -> TrainConfig {
    TrainConfig {
        optimizer: Optimizer::adam(),
        learning_rate: 0.05,
        loss: Loss::BinaryCrossEntropy,
        batch_size: 16,
        ..TrainConfig::default()
    }
}

#[test]
fn one_batch_is_one_step() {
    let (x, y) = data();
    let (mut net, mut stepper) = (net(), Stepper::new(StopRules::default()).unwrap());
    let before = net.params().to_vec();
    let mut trainer = Trainer::new(config(), &net).unwrap();
    let loss = stepper
        .one_batch(&mut trainer, &mut net, x.view(), y.view())
        .unwrap();
    assert!(loss.is_finite());
    assert_eq!(trainer.steps(), 1);
    assert_eq!(trainer.samples_into_epoch(), 16);
    assert_ne!(net.params(), &before[..]);
}

/// "Stop at epoch 3" stops on the batch that completes epoch 3, however the batches are asked
/// for, and then runs nothing more.
#[test]
fn stop_at_epoch_n_stops_on_its_last_batch() {
    let (x, y) = data();
    let rules = StopRules {
        at_epoch: Some(3),
        plateau: None,
    };
    let per_epoch = 100usize.div_ceil(16);
    for ask in [1usize, 5, 7, 1000] {
        let (mut net, mut stepper) = (net(), Stepper::new(rules).unwrap());
        let mut trainer = Trainer::new(config(), &net).unwrap();
        let mut total = 0;
        while stepper.stopped().is_none() {
            let run = stepper
                .run(&mut trainer, &mut net, (x.view(), y.view()), None, ask)
                .unwrap();
            total += run.batches;
            assert!(run.batches <= ask);
        }
        assert_eq!(stepper.stopped(), Some(StopCause::ReachedEpoch));
        assert_eq!(
            (trainer.epoch(), trainer.steps(), total),
            (3, 3 * per_epoch, 3 * per_epoch),
            "asking {ask} at a time"
        );
        assert_eq!(trainer.samples_into_epoch(), 0);
        let after = stepper
            .run(&mut trainer, &mut net, (x.view(), y.view()), None, 10)
            .unwrap();
        assert_eq!((after.batches, trainer.steps()), (0, 3 * per_epoch));
        // A reset with a later epoch continues.
        let mut later = Stepper::new(StopRules {
            at_epoch: Some(4),
            plateau: None,
        })
        .unwrap();
        later
            .run(&mut trainer, &mut net, (x.view(), y.view()), None, 1000)
            .unwrap();
        assert_eq!(trainer.epoch(), 4);
        stepper.reset();
        assert_eq!(stepper.stopped(), None);
    }
}

/// The plateau rule is `fit`'s early stopping: on the same train / validation split, the same
/// seed and the same patience, both stop after the same epoch with the same weights.
#[test]
fn the_plateau_rule_stops_where_fit_stops() {
    let (x, y) = data();
    let rule = EarlyStopping {
        patience: 3,
        min_delta: 0.01,
    };
    let fit_config = TrainConfig {
        epochs: 300,
        validation_split: 0.25,
        early_stopping: Some(rule),
        ..config()
    };
    let mut fitted = net();
    let history = Trainer::new(fit_config.clone(), &fitted)
        .unwrap()
        .fit(&mut fitted, x.view(), y.view(), |_| Control::Continue)
        .unwrap();
    assert_eq!(history.stopped, StopReason::EarlyStopping);
    let stop_epoch = history.epochs.len();
    assert!(
        stop_epoch > 4 && stop_epoch < 300,
        "a plateau after some learning ({stop_epoch})"
    );

    let (train, val) = (
        (x.slice(s![..75, ..]), y.slice(s![..75, ..])),
        (x.slice(s![75.., ..]), y.slice(s![75.., ..])),
    );
    let mut stepped = net();
    let mut trainer = Trainer::new(config(), &stepped).unwrap();
    let mut stepper = Stepper::new(StopRules {
        at_epoch: None,
        plateau: Some(rule),
    })
    .unwrap();
    let mut last = None;
    while stepper.stopped().is_none() {
        last = Some(
            stepper
                .run(&mut trainer, &mut stepped, train, Some(val), 9)
                .unwrap(),
        );
    }
    assert_eq!(stepper.stopped(), Some(StopCause::Plateau));
    assert_eq!(trainer.epoch(), stop_epoch);
    assert_eq!(stepped.params(), fitted.params());
    let monitored = last.unwrap().monitored_loss.unwrap();
    assert_eq!(Some(monitored), history.epochs.last().unwrap().val_loss);
}

#[test]
fn a_negative_min_delta_is_refused() {
    let rules = StopRules {
        at_epoch: None,
        plateau: Some(EarlyStopping {
            patience: 2,
            min_delta: -1.0,
        }),
    };
    assert!(Stepper::new(rules).is_err());
}
