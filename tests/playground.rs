//! The playground session as the page uses it, natively: URL state (round trip, hostile links),
//! training to a target within a bounded number of epochs, settings changes that keep or reset
//! the weights, divergence, rendering, points and CSV import.

#![cfg(not(target_arch = "wasm32"))]

use nnplay::data::{DatasetKind, Feature, FeatureSet, PointTask};
use nnplay::nn::activation::Activation;
use nnplay::nn::init::Initializer;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::Network;
use nnplay::nn::regularization::Regularization;
use nnplay::playground::config::{MAX_POINTS, check_head};
use nnplay::playground::render::{PALETTE, pixel_point};
use nnplay::playground::*;
use nnplay::train::optim::{LrSchedule, Optimizer};
use proptest::prelude::*;
use std::collections::HashMap;

fn query_config(q: &str) -> PlaygroundConfig {
    let (config, notices) = PlaygroundConfig::from_query(q);
    assert!(
        notices.is_empty(),
        "unexpected notices for {q}: {notices:?}"
    );
    config
}

fn session(q: &str) -> Playground {
    Playground::new(query_config(q)).expect("valid config")
}

/// Runs whole epochs (one `step` call each, so the evaluation cost stays small) until `done`
/// holds or `max_epochs` have run; returns the epochs used.
fn train_until(
    pg: &mut Playground,
    max_epochs: usize,
    done: impl Fn(&StepReport) -> bool,
) -> (usize, StepReport) {
    let state = pg.state();
    let per_epoch = state.n_train.div_ceil(pg.config().training.batch_size);
    for epoch in 1..=max_epochs {
        let report = pg.step(per_epoch).unwrap();
        assert!(report.diverged.is_none(), "{report:?}");
        if done(&report) {
            return (epoch, report);
        }
    }
    let report = pg.step(0).unwrap();
    panic!("not reached within {max_epochs} epochs: {report:?}");
}

// ---------- URL state ----------

#[test]
fn default_query_is_the_documented_one() {
    let q = PlaygroundConfig::default().to_query();
    assert!(q.starts_with("dataset=circle&noise=0&train=50&points=500&dseed=1&features=x1,x2&layers=4,2&act=tanh,tanh&out=auto&loss=auto"));
    assert!(
        q.contains("&opt=sgd&lr=0.03&momentum=0.9&beta1=0.9&beta2=0.999&eps=1e-8&"),
        "{q}"
    );
    assert!(
        q.ends_with("&batch=10&reg=none&rate=0&dropout=0&clip="),
        "{q}"
    );
    // Every table key appears once, view keys only in the full query.
    let full = Playground::new(PlaygroundConfig::default())
        .unwrap()
        .to_query();
    for f in FIELDS {
        assert!(
            full.starts_with(&format!("{}=", f.key)) || full.contains(&format!("&{}=", f.key)),
            "{}",
            f.key
        );
        assert_eq!(
            q.contains(&format!("&{}=", f.key)) || q.starts_with(&format!("{}=", f.key)),
            !f.view,
            "{}",
            f.key
        );
    }
    assert!(full.ends_with("&showtest=0&discretize=0&logscale=0"));
}

#[test]
fn an_empty_query_gives_the_defaults_without_notices() {
    for q in ["", "?", "&&"] {
        let (config, notices) = PlaygroundConfig::from_query(q);
        assert_eq!(config, PlaygroundConfig::default());
        assert!(notices.is_empty(), "{q}: {notices:?}");
    }
}

#[test]
fn a_hand_written_query_is_read_field_by_field() {
    let c = query_config(
        "?dataset=spirals4&noise=20&train=70&points=800&dseed=9&features=x1,x2,sin_x1&layers=8,8,3&act=relu,tanh,leaky_relu(0.2)\
         &out=softmax&loss=cce&init=he_normal&wseed=77&opt=adam&lr=0.005&beta1=0.8&beta2=0.99&eps=1e-7&sched=step(50,0.5)\
         &batch=32&reg=l2&rate=0.001&dropout=0.2&clip=5&showtest=1",
    );
    assert_eq!(c.data.dataset, DatasetKind::SpiralsK { classes: 4 });
    assert_eq!(
        (
            c.data.noise_percent,
            c.data.train_percent,
            c.data.points,
            c.data.seed
        ),
        (20, 70, 800, 9)
    );
    assert_eq!(
        c.data.features.features(),
        [Feature::X1, Feature::X2, Feature::SinX1]
    );
    let hidden: Vec<(usize, Activation)> = c
        .network
        .hidden
        .iter()
        .map(|h| (h.units, h.activation))
        .collect();
    assert_eq!(
        hidden,
        [
            (8, Activation::Relu),
            (8, Activation::Tanh),
            (3, Activation::LeakyRelu { slope: 0.2 })
        ]
    );
    assert_eq!(
        (c.network.output, c.network.loss),
        (
            Some(Activation::Softmax),
            Some(Loss::CategoricalCrossEntropy)
        )
    );
    assert_eq!(
        (c.network.initializer, c.network.seed),
        (Initializer::HeNormal, 77)
    );
    assert_eq!(
        c.training.optimizer,
        Optimizer::Adam {
            beta1: 0.8,
            beta2: 0.99,
            eps: 1e-7
        }
    );
    assert_eq!(c.training.learning_rate, 0.005);
    assert_eq!(
        c.training.schedule,
        LrSchedule::StepDecay {
            every: 50,
            gamma: 0.5
        }
    );
    assert_eq!(c.training.batch_size, 32);
    assert_eq!(
        c.training.regularization,
        Regularization::L2 { rate: 0.001 }
    );
    assert_eq!((c.training.dropout, c.training.clip_norm), (0.2, Some(5.0)));
    assert!(ViewSettings::from_query("showtest=1&discretize=1").show_test);
    // Percent-encoding and `+` are decoded; one activation applies to every layer.
    let c = query_config("features=x1%2Cx2_squared&layers=3,3&act=relu");
    assert_eq!(
        c.data.features.features(),
        [Feature::X1, Feature::X2Squared]
    );
    assert!(
        c.network
            .hidden
            .iter()
            .all(|h| h.activation == Activation::Relu)
    );
    assert!(query_config("layers=").network.hidden.is_empty());
}

/// Every kind of bad value, each with the key its notice must name.
const HOSTILE: &[(&str, &str)] = &[
    ("dataset=unicorns", "dataset"),
    ("dataset=spirals9", "dataset"),
    ("noise=51", "noise"),
    ("noise=-1", "noise"),
    ("train=5", "train"),
    ("train=abc", "train"),
    ("points=1", "points"),
    ("points=100000000000000000000000", "points"),
    ("dseed=-3", "dseed"),
    ("features=x3", "features"),
    ("features=", "features"),
    ("features=x1,x1", "features"),
    ("layers=999", "layers"),
    ("layers=4,4,4,4,4,4,4,4,4", "layers"),
    ("layers=0", "layers"),
    ("layers=two", "layers"),
    ("act=softmax", "act"),
    ("act=tanh,relu,relu", "act"),
    ("act=leaky_relu(7)", "act"),
    ("out=swish", "out"),
    ("out=softmax", "out"),
    ("loss=cce", "loss"),
    ("loss=hinge", "loss"),
    ("init=uniform(1,0)", "init"),
    ("init=normal(-1)", "init"),
    ("wseed=1.5", "wseed"),
    ("opt=lbfgs", "opt"),
    ("lr=NaN", "lr"),
    ("lr=inf", "lr"),
    ("lr=-0.1", "lr"),
    ("lr=1e9", "lr"),
    ("lr=", "lr"),
    ("opt=momentum&momentum=1", "momentum"),
    ("opt=adam&beta1=-0.5", "beta1"),
    ("opt=adam&beta2=NaN", "beta2"),
    ("opt=adam&eps=0", "eps"),
    ("opt=rmsprop&alpha=2", "alpha"),
    ("opt=adamw&wd=-1", "wd"),
    ("opt=adagrad&accum=-1", "accum"),
    ("sched=step(0,0.5)", "sched"),
    ("sched=warp", "sched"),
    ("batch=0", "batch"),
    ("batch=1000000", "batch"),
    ("reg=l3", "reg"),
    ("reg=l2&rate=NaN", "rate"),
    ("dropout=1", "dropout"),
    ("clip=0", "clip"),
    ("clip=-inf", "clip"),
    ("showtest=maybe", "showtest"),
    ("zzz=1", "zzz"),
];

#[test]
fn every_hostile_field_falls_back_with_a_notice_naming_it() {
    for &(q, key) in HOSTILE {
        let (state, notices) = query::parse(q);
        let notice = notices
            .iter()
            .find(|n| n.key == key)
            .unwrap_or_else(|| panic!("no notice for {key} in {q}: {notices:?}"));
        let value = q
            .rsplit_once(&format!("{key}="))
            .map(|(_, v)| v)
            .unwrap_or_default();
        assert_eq!(notice.value, value, "{q}");
        assert!(
            !notice.reason.is_empty() && !notice.field.is_empty(),
            "{q}: {notice:?}"
        );
        // The fallback is what the session now holds, and a valid config comes out.
        if let Some(field) = FIELDS.iter().find(|f| f.key == key) {
            assert_eq!(field.value(&state), notice.fallback, "{q}");
        }
        state
            .config
            .validate()
            .unwrap_or_else(|e| panic!("{q}: fallback config invalid: {e}"));
        Playground::new(state.config).unwrap_or_else(|e| panic!("{q}: {e}"));
    }
}

#[test]
fn a_bad_field_keeps_its_default_and_leaves_the_others_alone() {
    let (c, notices) = PlaygroundConfig::from_query("dataset=xor&lr=NaN&layers=999&batch=25");
    assert_eq!(c.data.dataset, DatasetKind::Xor);
    assert_eq!(c.training.learning_rate, 0.03);
    assert_eq!(c.network.hidden.len(), 2);
    assert_eq!(c.training.batch_size, 25);
    let lr = notices.iter().find(|n| n.key == "lr").unwrap();
    assert_eq!(
        (lr.field.as_str(), lr.value.as_str(), lr.fallback.as_str()),
        ("learning rate", "NaN", "0.03")
    );
    assert!(lr.reason.contains("finite"), "{}", lr.reason);
}

#[test]
fn garbage_never_panics() {
    let long = "a".repeat(10_000);
    let garbage = [
        "%",
        "%%%",
        "%zz=%",
        "=&=&=",
        "dataset",
        "dataset==circle",
        "\u{0}\u{1}",
        "lr=%F0%9F%92%A9",
        &long,
        "layers=,,,",
        "act=,",
        "features=,",
        "sched=step(",
        "init=uniform(",
        "loss=huber(",
        "opt=adam&eps=1e-99999",
    ];
    for q in garbage {
        let (state, notices) = query::parse(q);
        Playground::new(state.config).unwrap();
        assert!(
            notices.iter().all(|n| n.value.chars().count() <= 61),
            "values are shortened"
        );
    }
}

#[test]
fn an_output_that_no_longer_fits_the_dataset_falls_back_to_auto() {
    // A link made for a 3-class set, opened with a regression set.
    let (c, notices) = PlaygroundConfig::from_query("dataset=plane&out=softmax&loss=cce");
    assert_eq!((c.network.output, c.network.loss), (None, None));
    assert!(
        notices
            .iter()
            .any(|n| n.key == "loss" && n.fallback == "auto")
    );
    assert_eq!(
        c.head(DatasetKind::Plane.task()),
        (Activation::Linear, Loss::MeanSquaredError)
    );
    // A compatible explicit choice is kept.
    let c = query_config("dataset=circle&out=sigmoid&loss=mse");
    assert_eq!(
        c.head(DatasetKind::Circle.task()),
        (Activation::Sigmoid, Loss::MeanSquaredError)
    );
}

fn activation_strategy() -> impl Strategy<Value = Activation> {
    prop_oneof![
        prop::sample::select(
            Activation::all()
                .iter()
                .copied()
                .filter(|a| !a.is_row_wise()
                    && !matches!(a, Activation::LeakyRelu { .. } | Activation::Elu { .. }))
                .collect::<Vec<_>>()
        ),
        (0.0f32..0.99).prop_map(|slope| Activation::LeakyRelu { slope }),
        (0.01f32..5.0).prop_map(|alpha| Activation::Elu { alpha }),
    ]
}

fn unit() -> impl Strategy<Value = f32> {
    0.0f32..0.999
}

fn optimizer_strategy() -> impl Strategy<Value = Optimizer> {
    let eps = 1e-12f32..1.0;
    prop_oneof![
        Just(Optimizer::Sgd),
        unit().prop_map(|momentum| Optimizer::Momentum { momentum }),
        unit().prop_map(|momentum| Optimizer::Nesterov { momentum }),
        (eps.clone(), 0.0f32..10.0).prop_map(|(eps, initial_accumulator)| Optimizer::AdaGrad {
            eps,
            initial_accumulator
        }),
        (unit(), eps.clone()).prop_map(|(alpha, eps)| Optimizer::RmsProp { alpha, eps }),
        (unit(), unit(), eps.clone()).prop_map(|(beta1, beta2, eps)| Optimizer::Adam {
            beta1,
            beta2,
            eps
        }),
        (unit(), unit(), eps, 0.0f32..1.0).prop_map(|(beta1, beta2, eps, weight_decay)| {
            Optimizer::AdamW {
                beta1,
                beta2,
                eps,
                weight_decay,
            }
        }),
    ]
}

fn config_strategy() -> impl Strategy<Value = PlaygroundConfig> {
    let kinds: Vec<DatasetKind> = options()
        .datasets
        .iter()
        .map(|d| d.token.parse().unwrap())
        .collect();
    let data = (
        prop::sample::select(kinds),
        0u32..=50,
        10u32..=90,
        10usize..=MAX_POINTS,
        any::<u32>(),
        prop::sample::subsequence(Feature::ALL.to_vec(), 1..=7).prop_shuffle(),
    )
        .prop_map(
            |(dataset, noise_percent, train_percent, points, seed, features)| DataSettings {
                dataset,
                noise_percent,
                train_percent,
                points,
                seed,
                features: FeatureSet::new(features).unwrap(),
            },
        );
    let hidden = prop::collection::vec(
        (1usize..=32, activation_strategy())
            .prop_map(|(units, activation)| HiddenLayer { units, activation }),
        0..=8,
    );
    let init = prop_oneof![
        prop::sample::select(
            Initializer::all()
                .iter()
                .copied()
                .filter(|i| !matches!(i, Initializer::Uniform { .. } | Initializer::Normal { .. }))
                .collect::<Vec<_>>()
        ),
        (-2.0f32..0.0, 0.001f32..2.0)
            .prop_map(|(low, w)| Initializer::Uniform { low, high: low + w }),
        (0.001f32..3.0).prop_map(|std| Initializer::Normal { std }),
    ];
    let schedule = prop_oneof![
        Just(LrSchedule::Constant),
        (1usize..1000, 0.01f32..1.0)
            .prop_map(|(every, gamma)| LrSchedule::StepDecay { every, gamma }),
        (0.5f32..1.0).prop_map(|gamma| LrSchedule::Exponential { gamma }),
        (1usize..5000, 0.0f32..0.01)
            .prop_map(|(period, min_lr)| LrSchedule::Cosine { period, min_lr }),
    ];
    let reg = prop_oneof![
        Just(Regularization::None),
        (0.0f32..10.0).prop_map(|rate| Regularization::L1 { rate }),
        (0.0f32..10.0).prop_map(|rate| Regularization::L2 { rate }),
    ];
    let training = (
        optimizer_strategy(),
        0.0f32..1e6,
        schedule,
        1usize..=10_000,
        reg,
        0.0f32..0.9,
        prop::option::of(1e-6f32..1e6),
    )
        .prop_map(
            |(
                optimizer,
                learning_rate,
                schedule,
                batch_size,
                regularization,
                dropout,
                clip_norm,
            )| TrainingSettings {
                optimizer,
                learning_rate,
                schedule,
                batch_size,
                regularization,
                dropout,
                clip_norm,
            },
        );
    let head_pick = (any::<prop::sample::Index>(), any::<bool>(), any::<bool>());
    (data, hidden, init, any::<u32>(), training, head_pick).prop_map(
        |(data, hidden, initializer, seed, training, (pick, set_out, set_loss))| {
            // An output/loss pair that suits the task (or auto for either half).
            let task = data.dataset.task();
            let pairs: Vec<(Activation, Loss)> = Activation::all()
                .into_iter()
                .flat_map(|a| Loss::all().into_iter().map(move |l| (a, l)))
                .filter(|&(a, l)| check_head(task, a, l).is_ok())
                .collect();
            let (out, loss) = *pick.get(&pairs);
            let mut network = NetworkSettings {
                hidden,
                output: set_out.then_some(out),
                loss: set_loss.then_some(loss),
                initializer,
                seed,
            };
            let probe = PlaygroundConfig {
                data: data.clone(),
                network: network.clone(),
                training: training.clone(),
            };
            if probe.validate().is_err() {
                network.output = Some(out);
                network.loss = Some(loss);
            }
            PlaygroundConfig {
                data,
                network,
                training,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn query_round_trips(config in config_strategy()) {
        prop_assert!(config.validate().is_ok(), "{:?}", config.validate());
        let q = config.to_query();
        let (back, notices) = PlaygroundConfig::from_query(&q);
        prop_assert!(notices.is_empty(), "{q}: {notices:?}");
        prop_assert_eq!(&back, &config, "{}", q);
        // JSON (what `config_json` and `set_config_json` carry) round-trips too.
        let json = serde_json::to_string(&config).unwrap();
        let from_json: PlaygroundConfig = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(from_json, config);
    }

    #[test]
    fn view_settings_round_trip(show_test in any::<bool>(), discretize in any::<bool>(), log_scale in any::<bool>()) {
        let state = UrlState { config: PlaygroundConfig::default(), view: ViewSettings { show_test, discretize, log_scale } };
        let (back, notices) = query::parse(&query::write(&state, true));
        prop_assert!(notices.is_empty());
        prop_assert_eq!(back, state);
    }
}

#[test]
fn validate_rejects_what_a_link_could_not_hold() {
    let mut c = PlaygroundConfig::default();
    c.training.learning_rate = f32::NAN;
    assert!(
        c.validate()
            .unwrap_err()
            .to_string()
            .contains("learning rate")
    );
    let mut c = PlaygroundConfig::default();
    c.network.hidden = vec![HiddenLayer {
        units: 33,
        activation: Activation::Tanh,
    }];
    assert!(c.validate().is_err());
    let mut c = PlaygroundConfig::default();
    c.network.output = Some(Activation::Softmax);
    assert!(matches!(
        c.validate(),
        Err(nnplay::error::NnError::Incompatible { .. })
    ));
    let mut pg = Playground::new(PlaygroundConfig::default()).unwrap();
    let mut bad = PlaygroundConfig::default();
    bad.data.points = 5;
    assert!(pg.set_config(bad).is_err());
    assert_eq!(
        pg.config(),
        &PlaygroundConfig::default(),
        "a rejected config changes nothing"
    );
}

// ---------- training ----------

#[test]
fn circle_with_two_tanh_layers_reaches_low_test_loss_in_bounded_epochs() {
    let mut pg = session("dataset=circle&layers=4,2&act=tanh,tanh&opt=adam&lr=0.03&batch=10");
    let (epochs, report) = train_until(&mut pg, 60, |r| {
        r.test_loss.unwrap() < 0.1 && r.test_metric.unwrap() >= 0.95
    });
    assert!(epochs <= 60);
    assert_eq!(report.metric, nnplay::train::metrics::Metric::Accuracy);
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

#[test]
fn regression_reports_r2() {
    let mut pg = session("dataset=plane&layers=4&act=tanh&opt=adam&lr=0.03");
    let (_, r) = train_until(&mut pg, 80, |r| r.test_metric.unwrap() > 0.9);
    assert_eq!(r.metric, nnplay::train::metrics::Metric::R2);
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

// ---------- rendering ----------

fn distinct(buf: &[u8]) -> usize {
    let mut set: Vec<[u8; 4]> = buf
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2], p[3]])
        .collect();
    set.sort();
    set.dedup();
    set.len()
}

#[test]
fn render_buffers_have_the_right_sizes_and_content() {
    let mut pg = session("dataset=circle&layers=4,2&features=x1,x2,x1_squared&opt=adam&lr=0.03");
    pg.step(100).unwrap();
    let mut out = Vec::new();
    for res in [100, 200] {
        pg.render_boundary(res, &mut out).unwrap();
        assert_eq!(out.len(), res * res * 4);
        assert!(out.chunks_exact(4).all(|p| p[3] == 255));
        assert!(distinct(&out) > 20, "shaded, not flat");
    }
    // Centre (inside the disc: class "inside", 1 → blue) and corner (outside → orange).
    pg.render_boundary(100, &mut out).unwrap();
    let px = |r: usize, c: usize| &out[(r * 100 + c) * 4..(r * 100 + c) * 4 + 3];
    let (centre, corner) = (px(50, 50).to_vec(), px(0, 0).to_vec());
    assert!(centre[2] > centre[0], "blue-ish centre {centre:?}");
    assert!(corner[0] > corner[2], "orange-ish corner {corner:?}");
    assert_eq!(pixel_point(100, 0, 0), (-5.94, 5.94));

    pg.render_neurons(32, &mut out).unwrap();
    assert_eq!(out.len(), (4 + 2 + 1) * 32 * 32 * 4);
    for image in out.chunks_exact(32 * 32 * 4) {
        assert!(distinct(image) > 4, "each neuron varies over the plane");
    }
    pg.render_features(20, &mut out).unwrap();
    assert_eq!(out.len(), 3 * 20 * 20 * 4);
    // x1 runs orange → blue from left to right.
    assert!(out[0] > out[2] && out[(19) * 4 + 2] > out[(19) * 4]);
    assert!(pg.render_boundary(5, &mut out).is_err());
    assert!(pg.render_neurons(1000, &mut out).is_err());

    let state = pg.state();
    assert_eq!(pg.train_points().len(), state.n_train * 3);
    assert_eq!(pg.test_points().len(), state.n_test * 3);
    assert!(
        pg.train_points()
            .chunks_exact(3)
            .all(|p| p[0].abs() <= 6.0 && (p[2] == 0.0 || p[2] == 1.0))
    );
    let p = pg.predict(0.0, 0.0).unwrap();
    assert_eq!(p.len(), 1);
    assert!(p[0] > 0.5);
}

#[test]
fn the_largest_network_renders() {
    let mut pg = session(
        "layers=32,32,32,32,32,32,32,32&act=relu&init=he_uniform&features=x1,x2,x1_squared,x2_squared,x1_x2,sin_x1,sin_x2",
    );
    pg.step(2).unwrap();
    let mut out = Vec::new();
    pg.render_boundary(200, &mut out).unwrap();
    assert_eq!(out.len(), 200 * 200 * 4);
    pg.render_neurons(40, &mut out).unwrap();
    assert_eq!(out.len(), (8 * 32 + 1) * 40 * 40 * 4);
    pg.render_features(40, &mut out).unwrap();
    assert_eq!(out.len(), 7 * 40 * 40 * 4);
}

#[test]
fn multiclass_and_regression_colours() {
    let mut pg = session("dataset=blobs4&layers=8&opt=adam&lr=0.05");
    train_until(&mut pg, 100, |r| r.train_metric.unwrap() > 0.9);
    let mut out = Vec::new();
    pg.render_boundary(60, &mut out).unwrap();
    assert!(distinct(&out) > 50);
    assert_eq!(pg.predict(1.0, 1.0).unwrap().len(), 4);
    let mut pg = session("dataset=plane&layers=&opt=adam&lr=0.1");
    train_until(&mut pg, 100, |r| r.train_metric.unwrap() > 0.95);
    pg.render_boundary(50, &mut out).unwrap();
    // Lower left is negative (orange), upper right positive (blue).
    let px = |r: usize, c: usize| out[(r * 50 + c) * 4..(r * 50 + c) * 4 + 3].to_vec();
    let (low_left, up_right) = (px(49, 0), px(0, 49));
    assert!(
        low_left[0] > low_left[2] && up_right[2] > up_right[0],
        "{low_left:?} {up_right:?}"
    );
}

// ---------- points and CSV ----------

#[test]
fn hand_placed_points_become_the_data() {
    let mut pg = session("train=50");
    pg.start_points(PointTask::Classification { classes: 3 }, false)
        .unwrap();
    assert!(matches!(pg.step(1), Err(nnplay::error::NnError::EmptyData)));
    let mut ids = Vec::new();
    for i in 0..12 {
        let (x, label) = (-5.0 + i as f32 * 0.8, (i % 3) as f32);
        ids.push(pg.add_point(x, 1.0, label).unwrap());
    }
    let state = pg.state();
    assert_eq!(
        (state.source, state.task, state.classes),
        ("points", "multiclass", 3)
    );
    assert_eq!(state.n_train + state.n_test, 12);
    assert_eq!(pg.user_points().len(), 12 * 4);
    assert_eq!(pg.network().out_dim(), 3);
    pg.step(5).unwrap();
    let before = (pg.train_points().to_vec(), pg.network().params().to_vec());
    pg.move_point(ids[0].0, -5.0, -3.0).unwrap();
    assert_eq!(
        pg.network().params(),
        before.1.as_slice(),
        "editing points keeps the weights"
    );
    let moved = pg
        .train_points()
        .chunks_exact(3)
        .chain(pg.test_points().chunks_exact(3))
        .any(|p| p[0] == -5.0 && p[1] == -3.0);
    assert!(moved);
    assert_eq!(pg.nearest_point(-5.1, -3.0, 0.5), Some(ids[0].0));
    pg.remove_point(ids[1].0).unwrap();
    pg.set_point_label(ids[2].0, 0.0).unwrap();
    assert_eq!(pg.state().n_train + pg.state().n_test, 11);
    assert!(pg.add_point(7.0, 0.0, 0.0).is_err(), "outside the plane");
    assert!(pg.add_point(0.0, 0.0, 3.0).is_err(), "no class 3");
    assert!(pg.add_point(0.0, 0.0, 0.5).is_err(), "not a class number");
    assert!(pg.move_point(999, 0.0, 0.0).is_err());
    let mut out = Vec::new();
    pg.render_boundary(32, &mut out).unwrap();
    // Regression points from the current data; back to the generated set afterwards.
    let mut pg = session("dataset=plane");
    pg.start_points(PointTask::Classification { classes: 2 }, true)
        .unwrap();
    assert_eq!(pg.state().task, "regression");
    assert_eq!(pg.user_points().len(), 500 * 4);
    pg.use_generated().unwrap();
    assert_eq!(pg.state().source, "generated");
    assert!(pg.move_point(0, 0.0, 0.0).is_err());
}

#[test]
fn csv_files_drive_the_network_inputs() {
    let mut pg = session("layers=4");
    let mut text = String::from("a,b,kind\n");
    for i in 0..40 {
        let (a, b) = (i as f32 * 10.0, (i % 7) as f32);
        text += &format!(
            "{a},{b},{}\n",
            if a + 30.0 * b > 300.0 { "big" } else { "small" }
        );
    }
    let summary = pg
        .load_csv(&text, &CsvImport::default().into_options().unwrap())
        .unwrap();
    assert_eq!(
        (summary.rows, summary.has_plane, summary.task),
        (40, true, "binary")
    );
    assert_eq!(summary.feature_names, ["a", "b"]);
    assert_eq!(summary.class_names, ["big", "small"]);
    assert!(
        pg.train_points()
            .chunks_exact(3)
            .all(|p| p[0].abs() <= 5.0 && p[1].abs() <= 5.0),
        "mapped onto the plane"
    );
    pg.step(20).unwrap();
    let mut out = Vec::new();
    pg.render_boundary(40, &mut out).unwrap();

    // Three input columns: trains, but nothing to draw.
    let text3 = "x,y,z,t\n1,2,3,0.5\n2,3,1,0.1\n3,1,2,0.9\n4,4,4,0.3\n5,2,1,0.2\n6,1,1,0.8\n";
    let options = CsvImport::from_json(r#"{"task":"regression","scaling":"standardize"}"#)
        .unwrap()
        .into_options()
        .unwrap();
    let summary = pg.load_csv(text3, &options).unwrap();
    assert!(!summary.has_plane && summary.network_rebuilt);
    assert_eq!(pg.network().in_dim(), 3);
    assert_eq!(pg.state().task, "regression");
    pg.step(3).unwrap();
    assert!(
        pg.render_boundary(100, &mut out)
            .unwrap_err()
            .to_string()
            .contains("not a 2-D plane")
    );
    assert!(pg.train_points().is_empty());
    // Errors name the line.
    let err = pg
        .load_csv("a,b,c\n1,2,x\n1,oops,y\n", &options)
        .unwrap_err()
        .to_string();
    assert!(err.contains("line"), "{err}");
    assert!(
        CsvImport::from_json(r#"{"delimiter":"|"}"#)
            .unwrap()
            .into_options()
            .is_err()
    );
    assert!(CsvImport::from_json(r#"{"colour":"red"}"#).is_err());
}

#[test]
fn shipped_sets_train_without_a_plane() {
    let mut pg = session("dataset=iris&layers=8&opt=adam&lr=0.03&batch=16");
    let s = pg.state();
    assert_eq!(
        (s.task, s.classes, s.has_plane, s.n_train + s.n_test),
        ("multiclass", 3, false, 150)
    );
    train_until(&mut pg, 100, |r| r.test_metric.unwrap() > 0.85);
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

#[test]
fn options_cover_every_menu() {
    let o = options();
    assert_eq!(o.url.len(), FIELDS.len());
    assert!(
        o.datasets
            .iter()
            .any(|d| d.token == "spirals6" && d.classes == 6 && d.task == "multiclass")
    );
    assert!(o.datasets.iter().any(|d| d.token == "iris" && !d.plane));
    assert!(
        o.activations
            .iter()
            .any(|a| a.token == "softmax" && !a.hidden && a.output)
    );
    let bce = o.losses.iter().find(|l| l.token == "bce").unwrap();
    assert_eq!(bce.output.as_deref(), Some("sigmoid"));
    assert!(!bce.tasks.contains(&"regression"));
    let adam = o.optimizers.iter().find(|x| x.token == "adam").unwrap();
    let keys: Vec<&str> = adam.params.iter().map(|p| p.key).collect();
    assert_eq!(keys, ["beta1", "beta2", "eps"]);
    assert!(
        o.outputs_by_task
            .binary
            .contains(&("sigmoid".into(), "bce".into()))
    );
    assert!(!o.outputs_by_task.binary.iter().any(|(a, _)| a == "softmax"));
    assert!(
        o.outputs_by_task
            .multiclass
            .contains(&("softmax".into(), "cce".into()))
    );
    assert!(
        o.outputs_by_task
            .regression
            .iter()
            .all(|(_, l)| l != "bce" && l != "cce")
    );
    assert_eq!(o.palette.len(), 8);
    assert_eq!(o.palette[0], "#e69f00");
    assert_eq!(
        o.defaults,
        Playground::new(PlaygroundConfig::default())
            .unwrap()
            .to_query()
    );
    serde_json::to_string(&o).unwrap();
}
