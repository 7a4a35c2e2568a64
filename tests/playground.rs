//! The playground session as the page uses it, natively. This file holds the URL state (round
//! trip, hostile links) and the option lists; the session's other jobs each have a file in
//! `tests/playground/`: training and settings changes (`training.rs`), pictures
//! (`pictures.rs`), hand-placed points, CSV files and shipped sets (`data.rs`).

#![cfg(not(target_arch = "wasm32"))]

use nnplay::data::{DatasetKind, Feature, FeatureSet};
use nnplay::nn::activation::Activation;
use nnplay::nn::init::Initializer;
use nnplay::nn::loss::Loss;
use nnplay::nn::regularization::Regularization;
use nnplay::playground::config::{MAX_POINTS, check_head};
use nnplay::playground::*;
use nnplay::train::optim::{LrSchedule, Optimizer};
use proptest::prelude::*;

// A test crate's root looks for its modules beside it, so the paths name the folder.
#[path = "playground/data.rs"]
mod data;
#[path = "playground/pictures.rs"]
mod pictures;
#[path = "playground/training.rs"]
mod training;

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
    fn view_settings_round_trip(show_test in any::<bool>(), discretize in any::<bool>(), log_scale in any::<bool>(), speed in prop_oneof![
        (1u32..=100_000).prop_map(|per_frame| speed::Speed::Steps { per_frame }),
        (1u32..=100).prop_map(|per_frame| speed::Speed::Epochs { per_frame }),
        Just(speed::Speed::Fast),
    ]) {
        let state = UrlState { config: PlaygroundConfig::default(), view: ViewSettings { show_test, discretize, log_scale, speed, tool: None, present: false, ..ViewSettings::default() } };
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

#[test]
fn set_params_puts_in_a_whole_model_or_nothing() {
    let mut trained = session("dataset=circle&layers=3");
    trained.step(30).unwrap();
    let mut fresh = session("dataset=circle&layers=3");
    assert_ne!(fresh.network().params(), trained.network().params());
    let before = fresh.network().params().to_vec();

    let short = &trained.network().params()[1..];
    let err = fresh.set_params(short).unwrap_err().to_string();
    assert!(err.contains("parameters, but this network has"), "{err}");
    let mut poisoned = trained.network().params().to_vec();
    poisoned[2] = f32::NAN;
    let err = fresh.set_params(&poisoned).unwrap_err().to_string();
    assert!(err.contains("parameter 2"), "{err}");
    assert_eq!(
        fresh.network().params(),
        &before[..],
        "a refused model changes nothing"
    );

    fresh.set_params(trained.network().params()).unwrap();
    assert_eq!(fresh.network().params(), trained.network().params());
    assert_eq!(
        fresh.predict(1.5, -0.5).unwrap(),
        trained.predict(1.5, -0.5).unwrap()
    );
}

#[test]
fn a_refused_value_typed_on_the_page_keeps_the_previous_one_but_a_link_falls_back_to_the_default() {
    let mut pg = session("dataset=circle&lr=0.1&opt=adam(0.8,0.99,1e-7)&clip=2");
    let bad = pg
        .to_query()
        .replace("lr=0.1", "lr=NaN")
        .replace("clip=2", "clip=-5");
    let change = pg.set_query(&bad).unwrap();
    let keys: Vec<&str> = change.notices.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, ["lr", "clip"]);
    assert_eq!(change.notices[0].fallback, "0.1");
    assert_eq!(change.notices[1].fallback, "2");
    let now = pg.to_query();
    assert!(now.contains("lr=0.1&") && now.contains("clip=2"), "{now}");
    // The same bad values in a link that opens the page: the defaults.
    let fresh = Playground::from_query(&bad).unwrap();
    assert!(
        fresh.to_query().contains("lr=0.03&"),
        "{}",
        fresh.to_query()
    );
}
