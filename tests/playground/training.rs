//! Training through the session: targets reached within a bounded number of epochs, the
//! counts of steps and epochs (read from the trainer, across settings changes that keep or
//! rebuild it), settings changes that keep or reset the weights, divergence and hand edits.

use super::{query_config, session, train_until};
use nnplay::nn::network::Network;
use nnplay::playground::render::{self, PALETTE};
use nnplay::playground::*;
use nnplay::train::metrics::Metric;
use std::collections::HashMap;

#[test]
fn circle_with_two_tanh_layers_reaches_low_test_loss_in_bounded_epochs() {
    let mut pg = session("dataset=circle&layers=4,2&act=tanh,tanh&opt=adam&lr=0.03&batch=10");
    let (epochs, report) = train_until(&mut pg, 60, |r| {
        r.test_loss.unwrap() < 0.1 && r.test_metric.unwrap() >= 0.95
    });
    assert!(epochs <= 60);
    assert_eq!(report.metric, Metric::Accuracy);
    assert_eq!(report.epochs_completed, epochs as u64);
    assert!(
        (report.epoch - epochs as f64).abs() < 1e-9,
        "whole epochs: {}",
        report.epoch
    );
    assert_eq!(pg.history().len(), epochs);
    let conf = pg.confusion().unwrap();
    let diagonal: usize = (0..2).map(|k| conf.test[k][k]).sum();
    let total: usize = conf.test.iter().flatten().sum();
    assert_eq!(total, pg.state().n_test);
    assert!(diagonal as f32 / total as f32 >= 0.95);
}

#[test]
fn history_and_epochs_count_batches() {
    let mut pg = session("points=100&train=50&batch=10");
    let r = pg.step(7).unwrap();
    assert_eq!((r.steps, r.batches, r.epochs_completed), (7, 7, 1));
    assert!((r.epoch - 1.4).abs() < 1e-9, "{}", r.epoch);
    let r = pg.step(0).unwrap();
    assert_eq!(r.steps, 7);
    let rows = pg.history();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], 7.0);
    assert!((rows[0][1] - 1.4).abs() < 1e-6);
    assert!(rows[0][2..].iter().all(|v| v.is_finite()));
}

/// Where the trainer itself says it is, in fractional epochs of a training set of `n_train` rows.
fn trainer_epoch(pg: &Playground, n_train: usize) -> f64 {
    let t = pg.trainer();
    t.epoch() as f64 + t.samples_into_epoch() as f64 / n_train as f64
}

/// A query with one field replaced, as the page sends it.
fn with(pg: &Playground, patch: &str) -> PlaygroundConfig {
    query::parse(&format!("{}&{patch}", pg.config().to_query()))
        .0
        .config
}

#[test]
fn the_reported_epoch_is_the_trainers_position_across_epochs() {
    // 50 training rows in batches of 15: three full batches and a short one of 5 per epoch.
    let mut pg = session("points=100&train=50&batch=15");
    assert_eq!(pg.state().n_train, 50);
    let mut batches = 0;
    for (call, expected_epoch) in [(1, 0.3), (3, 1.0), (2, 1.6), (7, 3.3), (0, 3.3), (4, 4.3)] {
        let r = pg.step(call).unwrap();
        batches += call;
        let t = pg.trainer();
        assert_eq!(r.steps, batches as u64);
        assert_eq!(r.steps, t.steps() as u64);
        assert_eq!(r.epochs_completed, t.epoch() as u64);
        assert!((r.epoch - trainer_epoch(&pg, 50)).abs() < 1e-12, "{r:?}");
        assert!((r.epoch - expected_epoch).abs() < 1e-12, "{r:?}");
        assert_eq!(pg.state().epoch, r.epoch);
        assert_eq!(pg.position().epoch, r.epoch);
    }
    // At an epoch boundary the trainer is at the start of the next pass.
    pg.step(3).unwrap();
    assert_eq!(
        (pg.trainer().epoch(), pg.trainer().samples_into_epoch()),
        (5, 0)
    );
    assert_eq!(pg.state().epoch, 5.0);
}

#[test]
fn the_reported_epoch_follows_the_trainer_through_settings_changes() {
    let mut pg = session("points=100&train=50&batch=15");
    pg.step(6).unwrap();
    let at = pg.position();
    assert_eq!((at.steps, at.epochs_completed), (6, 1));

    // Changes that keep the trainer: the view, the same settings again, a hand-edited weight.
    pg.set_view(ViewSettings {
        discretize: true,
        ..pg.view()
    });
    let change = pg.set_config(pg.config().clone()).unwrap();
    assert!(!change.trainer_rebuilt, "{change:?}");
    pg.set_weight(0, 0, 0, 0.5).unwrap();
    assert_eq!(pg.position(), at);
    assert_eq!(pg.trainer().steps(), 6, "the same trainer");
    let r = pg.step(3).unwrap();
    assert!((r.epoch - trainer_epoch(&pg, 50)).abs() < 1e-12);
    assert!((r.epoch - 2.3).abs() < 1e-12, "{r:?}");

    // A training-only change builds a new trainer that starts at zero: the run goes on from
    // where the old one stopped, and the new trainer's own position is what is added.
    let change = pg.set_config(with(&pg, "lr=0.1")).unwrap();
    assert!(change.trainer_rebuilt && !change.network_rebuilt);
    let t = pg.trainer();
    assert_eq!((t.steps(), t.epoch(), t.samples_into_epoch()), (0, 0, 0));
    let before = pg.position();
    assert!((before.epoch - 2.3).abs() < 1e-12);
    assert_eq!((before.steps, before.epochs_completed), (9, 2));
    let r = pg.step(5).unwrap();
    assert!((r.epoch - (before.epoch + trainer_epoch(&pg, 50))).abs() < 1e-12);
    assert!((r.epoch - 3.6).abs() < 1e-12, "{r:?}");
    assert_eq!(r.steps, before.steps + pg.trainer().steps() as u64);
    assert_eq!(
        r.epochs_completed,
        before.epochs_completed + pg.trainer().epoch() as u64
    );

    // New data of another size: the epochs already seen stay counted over the old size, the
    // new trainer's over the new one, so the count never goes back.
    let before = pg.position();
    let change = pg.set_config(with(&pg, "train=80")).unwrap();
    assert!(change.data_regenerated && change.trainer_rebuilt && !change.network_rebuilt);
    assert_eq!(pg.position(), before);
    let n_train = pg.state().n_train;
    assert_eq!(n_train, 80);
    let r = pg.step(5).unwrap();
    let expected = before.epoch + trainer_epoch(&pg, n_train);
    assert!((r.epoch - expected).abs() < 1e-12, "{r:?}");
    assert!((r.epoch - (3.6 + 75.0 / 80.0)).abs() < 1e-12, "{r:?}");

    // New weights start a new run.
    let change = pg.set_config(with(&pg, "layers=3")).unwrap();
    assert!(change.network_rebuilt);
    assert_eq!(pg.position(), Position::default());
    let r = pg.step(2).unwrap();
    assert_eq!(r.steps, 2);
    assert!((r.epoch - trainer_epoch(&pg, n_train)).abs() < 1e-12);
    pg.reset().unwrap();
    assert_eq!(pg.position(), Position::default());
    assert_eq!(pg.trainer().steps(), 0);
}

#[test]
fn a_step_refused_for_an_overflowing_weight_is_not_counted() {
    // One linear hidden unit whose output is 10¹⁸: the output 10¹⁹ and its squared error 10³⁸
    // are finite, but the output weight's gradient is 2·10³⁷, which a learning rate of 100
    // takes past f32::MAX. The step is refused, so neither the trainer nor the page counts it,
    // and the message names it as step 1.
    let mut pg = session("dataset=plane&layers=1&act=linear&opt=sgd&lr=100&batch=1&loss=mse");
    pg.set_bias(0, 0, 1e18).unwrap();
    pg.set_weight(1, 0, 0, 10.0).unwrap();
    let kept = pg.network().params().to_vec();
    let r = pg.step(5).unwrap();
    let msg = r.diverged.clone().expect("the weight overflows");
    assert!(msg.contains("a weight overflowed"), "{msg}");
    assert!(msg.contains("epoch 1, step 1:"), "{msg}");
    assert_eq!((r.batches, r.steps), (0, 0));
    assert_eq!(pg.trainer().steps(), 0);
    assert_eq!(
        pg.network().params(),
        kept.as_slice(),
        "the weights are kept"
    );
}

#[test]
fn regression_reports_r2() {
    let mut pg = session("dataset=plane&layers=4&act=tanh&opt=adam&lr=0.03");
    let (_, r) = train_until(&mut pg, 80, |r| r.test_metric.unwrap() > 0.9);
    assert_eq!(r.metric, Metric::R2);
    assert!(pg.confusion().is_none());
    assert_eq!(pg.state().task, "regression");
}

#[test]
fn three_spirals_train_and_the_boundary_shows_three_colours() {
    let mut pg = session(
        "dataset=spirals3&points=300&layers=16,16&act=tanh,tanh&features=x1,x2,sin_x1,sin_x2&opt=adam&lr=0.03&batch=20&discretize=1",
    );
    pg.set_view(ViewSettings {
        discretize: true,
        ..ViewSettings::default()
    });
    let (_, report) = train_until(&mut pg, 150, |r| r.train_metric.unwrap() >= 0.9);
    assert!(report.test_metric.unwrap() > 0.7, "{report:?}");
    let mut rgba = Vec::new();
    pg.render_boundary(100, &mut rgba).unwrap();
    let mut counts: HashMap<[u8; 4], usize> = HashMap::new();
    for px in rgba.chunks_exact(4) {
        *counts.entry([px[0], px[1], px[2], px[3]]).or_default() += 1;
    }
    let dominant: Vec<_> = counts
        .iter()
        .filter(|&(_, &n)| n >= 100 * 100 / 10)
        .collect();
    assert_eq!(dominant.len(), 3, "{counts:?}");
    // Each is a palette colour (lightened), and they are three different ones.
    let mut classes: Vec<usize> = dominant
        .iter()
        .map(|(c, _)| {
            (0..3)
                .min_by_key(|&k| {
                    let p = PALETTE[k];
                    let t = |ch: u8| 255.0 + (ch as f32 - 255.0) * render::BACKGROUND_STRENGTH;
                    (0..3)
                        .map(|i| (t(p[i]) - c[i] as f32).abs() as u32)
                        .sum::<u32>()
                })
                .unwrap()
        })
        .collect();
    classes.sort();
    assert_eq!(classes, [0, 1, 2]);
}

#[test]
fn training_only_changes_keep_the_weights_and_architecture_changes_reset_them() {
    let mut pg = session("dataset=xor&layers=4,4");
    pg.step(30).unwrap();
    let trained = pg.network().params().to_vec();
    let start = Network::new(pg.network().config())
        .unwrap()
        .params()
        .to_vec();
    assert_ne!(trained, start);

    for q in [
        "lr=0.1",
        "opt=adam",
        "batch=5",
        "reg=l2&rate=0.01",
        "dropout=0.2",
        "clip=1",
        "sched=exp(0.99)",
        "loss=mse",
    ] {
        let mut c = pg.config().clone();
        let (patch, _) = query::parse(&format!("{}&{q}", c.to_query()));
        c = patch.config;
        let change = pg.set_config(c).unwrap();
        assert!(
            !change.network_rebuilt && !change.data_regenerated,
            "{q}: {change:?}"
        );
        assert!(change.trainer_rebuilt, "{q}");
        assert_eq!(
            pg.network().params(),
            trained.as_slice(),
            "{q} kept the weights"
        );
    }
    assert_eq!(pg.history().len(), 1, "history continues");

    // A data-only change regenerates points but keeps a network of the same shape.
    let mut c = pg.config().clone();
    c.data.noise_percent = 30;
    let change = pg.set_config(c).unwrap();
    assert!(change.data_regenerated && !change.network_rebuilt);
    assert_eq!(pg.network().params(), trained.as_slice());

    for q in [
        "layers=4,5",
        "act=relu,relu",
        "init=he_uniform",
        "wseed=2",
        "features=x1,x2,x1_x2",
        "dataset=spirals3",
    ] {
        let before = pg.network().params().to_vec();
        let (patch, _) = query::parse(&format!("{}&{q}", pg.config().to_query()));
        let change = pg.set_config(patch.config).unwrap();
        assert!(change.network_rebuilt, "{q}");
        let fresh = Network::new(pg.network().config()).unwrap();
        assert_eq!(
            pg.network().params(),
            fresh.params(),
            "{q} starts from the seeded weights"
        );
        assert_ne!(pg.network().params(), before.as_slice(), "{q}");
        assert!(pg.history().is_empty() && pg.state().steps == 0, "{q}");
        pg.step(3).unwrap();
    }
}

#[test]
fn reset_reproduces_the_start_weights_unless_the_seed_changes() {
    let mut pg = session("dataset=moons&layers=6,3&act=relu,relu&init=he_normal&wseed=5");
    let start = pg.network().params().to_vec();
    let first = pg.step(25).unwrap();
    assert_ne!(pg.network().params(), start.as_slice());
    pg.reset().unwrap();
    assert_eq!(pg.network().params(), start.as_slice());
    assert!(pg.history().is_empty());
    // Same seed: the same run, step for step.
    let again = pg.step(25).unwrap();
    assert_eq!(again, first);
    let other = Playground::new(query_config(
        "dataset=moons&layers=6,3&act=relu,relu&init=he_normal&wseed=6",
    ))
    .unwrap();
    assert_ne!(other.network().params(), start.as_slice());
}

#[test]
fn divergence_is_reported_and_leaves_finite_weights() {
    let mut pg = session("dataset=plane&layers=8,8&act=relu,relu&opt=sgd&lr=1000000&batch=10");
    let report = pg.step(50).unwrap();
    let msg = report.diverged.clone().expect("lr = 1e6 diverges");
    assert!(msg.starts_with("training diverged at epoch"), "{msg}");
    assert!(msg.contains("smaller learning rate"), "{msg}");
    assert!(report.batches < 50);
    assert!(pg.network().params().iter().all(|p| p.is_finite()));
    // No more training until something changes; the message stays.
    let again = pg.step(10).unwrap();
    assert_eq!((again.steps, again.batches), (report.steps, 0));
    assert_eq!(again.diverged.as_deref(), Some(msg.as_str()));
    assert_eq!(pg.state().diverged.as_deref(), Some(msg.as_str()));
    // A settings change clears the flag and keeps the (finite, huge) weights; a reset with a
    // sane learning rate trains again.
    let kept = pg.network().params().to_vec();
    let (patch, _) = query::parse(&format!("{}&lr=0.001", pg.config().to_query()));
    pg.set_config(patch.config).unwrap();
    assert!(pg.state().diverged.is_none());
    assert_eq!(pg.network().params(), kept.as_slice());
    pg.reset().unwrap();
    assert!(pg.step(10).unwrap().diverged.is_none());
}

#[test]
fn weights_and_biases_can_be_edited() {
    let mut pg = session("");
    pg.set_weight(0, 1, 3, 0.25).unwrap();
    pg.set_bias(1, 0, -0.5).unwrap();
    let snap = pg.network_snapshot();
    assert_eq!(snap.feature_names, ["x1", "x2"]);
    assert_eq!(snap.layers.len(), 3);
    assert_eq!(snap.layers[0].weights[4 + 3], 0.25);
    assert_eq!(snap.layers[1].biases[0], -0.5);
    assert_eq!(snap.layers[2].activation, "sigmoid");
    assert_eq!(pg.network().params()[snap.layers[1].offset + 4 * 2], -0.5);
    assert!(pg.set_weight(0, 2, 0, 1.0).is_err());
    assert!(pg.set_weight(5, 0, 0, 1.0).is_err());
    assert!(pg.set_bias(0, 0, f32::NAN).is_err());
}

#[test]
fn set_query_applies_config_and_view() {
    let mut pg = session("");
    let change = pg.set_query("dataset=xor&discretize=1&lr=NaN").unwrap();
    assert!(change.data_regenerated && change.view_changed);
    assert_eq!(change.notices.len(), 1);
    assert_eq!(pg.notices()[0].key, "lr");
    assert!(pg.view().discretize);
    assert!(pg.to_query().contains("dataset=xor") && pg.to_query().contains("discretize=1"));
    let pg2 = Playground::from_query(&pg.to_query()).unwrap();
    assert_eq!(pg2.config(), pg.config());
    assert_eq!(pg2.view(), pg.view());
}
