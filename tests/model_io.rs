//! Model files: round trips keep every bit, the input pipeline (derived features, then scaling)
//! turns raw rows into the network's inputs, version-1 files are upgraded, and every kind of
//! damaged, old or foreign file is refused with its named error. Also runs the `save_load`
//! example's scenario.

use ndarray::{Array2, array};
use nnplay::data::{FeatureSet, PointLabel, PointSet, PointTask, Scaler, Scaling, Task};
use nnplay::io::model_file::{self, FORMAT, InputSpec, ModelFile, PlaygroundRun, VERSION};
use nnplay::prelude::*;
use serde_json::{Value, json};

fn small_network() -> Network {
    let config = NetworkConfig::new(
        2,
        &[3],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Sigmoid),
    )
    .with_seed(5);
    Network::new(&config).unwrap()
}

fn as_value(file: &ModelFile) -> Value {
    serde_json::from_str(&model_file::save_json(file)).unwrap()
}

fn load_value(v: &Value) -> Result<ModelFile, NnError> {
    model_file::load_json(&v.to_string())
}

#[test]
fn file_has_the_documented_fields() {
    let net = small_network();
    let file = ModelFile::new(&net)
        .with_task(Task::BinaryClassification)
        .with_classes(vec!["a".into(), "b".into()]);
    let v = as_value(&file);
    assert_eq!(v["format"], json!("nnplay-model"));
    assert_eq!(v["version"], json!(2));
    assert_eq!(v["network"]["in_dim"], json!(2));
    assert_eq!(v["params"].as_array().unwrap().len(), net.n_params());
    assert_eq!(v["classes"], json!(["a", "b"]));
    assert_eq!(v["task"], json!("binary_classification"));
    // Absent optional parts are left out rather than written as null.
    for absent in ["train", "scaler", "input", "playground", "estimator"] {
        assert!(v.get(absent).is_none(), "{absent}");
    }
    assert_eq!((FORMAT, VERSION), ("nnplay-model", 2));
}

#[test]
fn round_trip_keeps_every_part() {
    let net = small_network();
    let scaler = Scaler::fit(
        array![[1.0f32, 10.0], [3.0, 30.0], [2.0, 25.0]].view(),
        Scaling::Standardize,
    );
    let train = TrainConfig {
        learning_rate: 0.03,
        loss: Loss::BinaryCrossEntropy,
        batch_size: 8,
        ..TrainConfig::default()
    };
    let mut points = PointSet::new(PointTask::Classification { classes: 2 }).unwrap();
    points.add(1.5, -2.0, PointLabel::Class(1)).unwrap();
    let file = ModelFile::new(&net)
        .with_train(train)
        .with_scaler(scaler)
        .with_classes(vec!["no".into(), "yes".into()])
        .with_task(Task::BinaryClassification)
        .with_input(InputSpec {
            columns: vec!["a".into(), "b".into()],
            features: None,
            target: Some("label".into()),
        })
        .with_playground(PlaygroundRun {
            query: Some("dataset=xor&layers=3".into()),
            data: "points".into(),
            points: Some(points),
            epochs: 2.5,
        });
    let back = model_file::load_json(&model_file::save_json(&file)).unwrap();
    assert_eq!(back, file);
    assert_eq!(back.network().unwrap(), net);
}

/// A 2-input network reading x1² and sin x2 of a raw point, its inputs standardised.
fn feature_model() -> ModelFile {
    let config = NetworkConfig::new(
        2,
        &[3],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Sigmoid),
    );
    let scaler = Scaler {
        kind: Scaling::Standardize,
        offset: vec![1.0, 0.5],
        scale: vec![0.5, 2.0],
    };
    ModelFile::new(&Network::new(&config).unwrap())
        .with_input(InputSpec {
            columns: vec!["x1".into(), "x2".into()],
            features: Some(FeatureSet::parse_list("x1_squared,sin_x2").unwrap()),
            target: None,
        })
        .with_scaler(scaler)
}

#[test]
fn raw_rows_go_through_the_features_then_the_scaler() {
    let file = feature_model();
    let raw = array![[3.0f32, 0.0], [-1.0, std::f32::consts::FRAC_PI_2]];
    let x = file.network_inputs(raw.view()).unwrap();
    // x1² = 9, sin 0 = 0 → ((9 − 1)·0.5, (0 − 0.5)·2); then 1 and 1 → (0, 1).
    let want = array![[4.0f32, -1.0], [0.0, 1.0]];
    assert!(
        x.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-6),
        "{x}"
    );
    assert_eq!(file.input_columns(), ["x1", "x2"]);
    assert!(matches!(
        file.network_inputs(array![[1.0f32, 2.0, 3.0]].view()),
        Err(NnError::InputDim {
            expected: 2,
            got: 3
        })
    ));
    // A file without an input section takes the network's inputs as they are, named x1, x2, ….
    let plain = ModelFile::new(&small_network());
    assert_eq!(plain.input_columns(), ["x1", "x2"]);
    assert_eq!(plain.network_inputs(raw.view()).unwrap(), raw);
    // The pipeline survives the trip through text.
    let back = model_file::load_json(&model_file::save_json(&file)).unwrap();
    assert_eq!(back.network_inputs(raw.view()).unwrap(), x);
}

#[test]
fn inputs_that_do_not_make_the_network_inputs_are_refused() {
    let refused = |edit: &dyn Fn(&mut InputSpec), what: &str| {
        let mut file = feature_model();
        edit(file.input.as_mut().unwrap());
        let err = load_value(&as_value(&file)).unwrap_err();
        assert!(
            matches!(&err, NnError::ModelFile(m) if m.contains(what)),
            "{what}: {err}"
        );
    };
    // Features are computed from a point: two columns.
    refused(&|i| i.columns.push("x3".into()), "two columns");
    // Three features for a 2-input network.
    refused(
        &|i| i.features = Some(FeatureSet::parse_list("x1,x2,x1_x2").unwrap()),
        "make 3 inputs",
    );
    // Without features, one column per input.
    refused(
        &|i| {
            i.features = None;
            i.columns = vec!["only".into()];
        },
        "1 input columns",
    );
    let mut v = as_value(&feature_model());
    v["input"]["features"] = json!(["x1", "cos_x1"]);
    assert!(matches!(load_value(&v), Err(NnError::ModelFile(_))));
    let mut v = as_value(&feature_model());
    v["playground"] = json!({"data": "circle", "epochs": -1.0});
    assert!(matches!(load_value(&v), Err(NnError::ModelFile(m)) if m.contains("epochs")));
}

/// A file as version 1 of the command line wrote it: its input columns, features and page link
/// in its own `estimator` section.
#[test]
fn version_1_files_are_upgraded() {
    let file = feature_model();
    let mut v = as_value(&file);
    v["version"] = json!(1);
    let input = v.as_object_mut().unwrap().remove("input").unwrap();
    v["estimator"] = json!({
        "kind": "cli",
        "inputs": input["columns"],
        "features": input["features"],
        "target": "label",
        "data": "circle",
        "query": "dataset=circle&layers=3",
        "epochs": 40
    });
    let back = load_value(&v).unwrap();
    assert_eq!(back.version, VERSION);
    assert_eq!(back.estimator, None);
    let input = back.input.as_ref().unwrap();
    assert_eq!(input.features, file.features().cloned());
    assert_eq!(input.target.as_deref(), Some("label"));
    let run = back.playground.as_ref().unwrap();
    assert_eq!(
        (run.query.as_deref(), run.data.as_str(), run.epochs),
        (Some("dataset=circle&layers=3"), "circle", 40.0)
    );
    let raw = array![[0.5f32, -0.25]];
    assert_eq!(
        back.network_inputs(raw.view()).unwrap(),
        file.network_inputs(raw.view()).unwrap()
    );
    // Saved again, it is a version-2 file.
    assert_eq!(as_value(&back)["version"], json!(2));

    // Another front end's version-1 section is its own business and stays.
    let mut v = as_value(&ModelFile::new(&small_network()));
    v["version"] = json!(1);
    v["estimator"] = json!({"kind": "mlp_regressor", "params": {}});
    let back = load_value(&v).unwrap();
    assert_eq!(back.estimator.unwrap()["kind"], "mlp_regressor");
    assert!(back.input.is_none() && back.playground.is_none());
    // A broken command-line section is named.
    let mut v = as_value(&ModelFile::new(&small_network()));
    v["version"] = json!(1);
    v["estimator"] = json!({"kind": "cli", "inputs": 3});
    assert!(matches!(load_value(&v), Err(NnError::ModelFile(m)) if m.contains("command line")));
}

/// Each refusal says what the file is and what nnplay expects.
#[test]
fn old_and_foreign_files_are_named() {
    let expects = "nnplay expects an nnplay model file";
    let says = |text: &str, what: &str| {
        let err = model_file::load_json(text).unwrap_err().to_string();
        assert!(err.contains(what) && err.contains(expects), "{what}: {err}");
    };
    // What the playground page downloaded before it wrote model files.
    let old_page = json!({
        "format": "nnplay-playground-model",
        "version": 1,
        "query": "dataset=circle",
        "config": {},
        "state": {},
        "network": {"layers": []}
    });
    says(&old_page.to_string(), "nnplay-playground-model");
    says(&old_page.to_string(), "Download the model again");
    says(
        r#"{"modelTopology": {}, "weightsManifest": []}"#,
        "TensorFlow.js",
    );
    says(
        r#"{"class_name": "Sequential", "config": {}, "keras_version": "2.15"}"#,
        "Keras",
    );
    says(
        r#"{"data": {}, "network": {}, "training": {}}"#,
        "nnplay train --config",
    );
    says(r#"{"weights": [1, 2]}"#, "its keys: weights");
    says(r#"{"format": "keras-h5"}"#, r#""keras-h5" file"#);
    says(
        "x1,x2,label
0.5,1,a
",
        "CSV data file",
    );
    says("", "empty file");
    says("[1, 2]", "JSON array");
    says(r#"{"format": "#, "not valid JSON");
    let err = model_file::load_bytes(&[0x08, 0x07, 0x12, 0xff, 0xfe, 0x00]).unwrap_err();
    assert!(
        err.to_string().contains("binary file") && err.to_string().contains(expects),
        "{err}"
    );
}

#[test]
fn awkward_f32_values_round_trip_bit_for_bit() {
    let mut net = small_network();
    let awkward = [
        0.1f32,
        1.0 / 3.0,
        f32::MIN_POSITIVE,
        f32::MIN_POSITIVE / 7.0, // subnormal
        f32::from_bits(1),       // smallest subnormal
        f32::MAX,
        f32::MIN,
        f32::EPSILON,
        -0.0,
        16_777_217.0, // 2^24 + 1 rounds to 2^24 in f32
        std::f32::consts::PI,
        1.0e-38,
        3.402_823_5e38,
        0.333_333_34,
        -123_456.79,
        f32::from_bits(5), // another subnormal, 5 × 2^-149
    ];
    for (p, v) in net.params_mut().iter_mut().zip(awkward.iter().cycle()) {
        *p = *v;
    }
    let back = model_file::load_json(&model_file::save_json(&ModelFile::new(&net))).unwrap();
    let (a, b): (Vec<u32>, Vec<u32>) = (
        net.params().iter().map(|v| v.to_bits()).collect(),
        back.params.iter().map(|v| v.to_bits()).collect(),
    );
    assert_eq!(a, b);
}

#[test]
fn wrong_format_tag_is_refused() {
    let mut v = as_value(&ModelFile::new(&small_network()));
    v["format"] = json!("keras-h5");
    let err = load_value(&v).unwrap_err();
    assert!(
        matches!(&err, NnError::ModelFile(m) if m.contains("keras-h5") && m.contains("nnplay-model")),
        "{err}"
    );
    v.as_object_mut().unwrap().remove("format");
    assert!(matches!(load_value(&v), Err(NnError::ModelFile(m)) if m.contains("format")));
}

#[test]
fn newer_version_is_refused_before_the_rest_is_read() {
    // A version-3 file may have a layout this build cannot parse; the version error must win.
    for found in [3u64, 0, 7_000_000_000] {
        let v = json!({"format": "nnplay-model", "version": found, "layers_v3": []});
        let expected = u32::try_from(found).unwrap_or(u32::MAX);
        assert!(
            matches!(
                load_value(&v),
                Err(NnError::ModelVersion { found: f, supported: 2 }) if f == expected
            ),
            "{found}"
        );
    }
    let v = json!({"format": "nnplay-model"});
    assert!(matches!(load_value(&v), Err(NnError::ModelFile(m)) if m.contains("version")));
    let v = json!({"format": "nnplay-model", "version": "one"});
    assert!(matches!(load_value(&v), Err(NnError::ModelFile(m)) if m.contains("version")));
}

#[test]
fn malformed_json_is_refused() {
    for text in [
        "",
        "{",
        "[1, 2]",
        "{\"format\": \"nnplay-model\", \"version\": 1,}",
        "not json",
    ] {
        let err = model_file::load_json(text).unwrap_err();
        assert!(
            matches!(err, NnError::ModelFile(_)),
            "{text:?} gave {err:?}"
        );
    }
    // Right header, missing body.
    let v = json!({"format": "nnplay-model", "version": 1, "params": []});
    assert!(matches!(load_value(&v), Err(NnError::ModelFile(m)) if m.contains("network")));
}

#[test]
fn wrong_parameter_count_is_refused() {
    let net = small_network();
    let mut v = as_value(&ModelFile::new(&net));
    v["params"].as_array_mut().unwrap().pop();
    let err = load_value(&v).unwrap_err();
    let expected = format!(
        "{} parameters but {} were given",
        net.n_params(),
        net.n_params() - 1
    );
    assert!(
        matches!(&err, NnError::ModelFile(m) if m.contains(&expected)),
        "{err}"
    );
}

#[test]
fn nan_weights_are_refused_with_their_position() {
    let mut v = as_value(&ModelFile::new(&small_network()));
    // JSON has no NaN: writers put null (serde_json, JSON.stringify) in its place.
    v["params"][4] = Value::Null;
    let err = load_value(&v).unwrap_err();
    assert!(
        matches!(&err, NnError::ModelFile(m) if m.contains("parameter 4") && m.contains("finite")),
        "{err}"
    );
    // A number too large for f32 is refused too.
    let text = model_file::save_json(&ModelFile::new(&small_network()));
    let big = text.replacen("\"params\":[", "\"params\":[1e39,", 1);
    assert!(model_file::load_json(&big).is_err());
}

#[test]
fn parts_that_do_not_fit_together_are_refused() {
    let net = small_network();
    // A scaler for 3 inputs on a 2-input network.
    let file = ModelFile::new(&net).with_scaler(Scaler::identity(3));
    assert!(
        matches!(load_value(&as_value(&file)), Err(NnError::ModelFile(m)) if m.contains("scaler"))
    );
    // Three class names for a binary task.
    let file = ModelFile::new(&net)
        .with_task(Task::BinaryClassification)
        .with_classes(vec!["a".into(), "b".into(), "c".into()]);
    assert!(
        matches!(load_value(&as_value(&file)), Err(NnError::ModelFile(m)) if m.contains("class"))
    );
    // A training config whose loss cannot follow the sigmoid output.
    let file = ModelFile::new(&net).with_train(TrainConfig {
        loss: Loss::CategoricalCrossEntropy,
        ..TrainConfig::default()
    });
    assert!(matches!(
        load_value(&as_value(&file)),
        Err(NnError::Incompatible { .. })
    ));
    // An invalid architecture.
    let mut v = as_value(&ModelFile::new(&net));
    v["network"]["layers"][0]["units"] = json!(0);
    assert!(matches!(load_value(&v), Err(NnError::Architecture(_))));
}

#[test]
fn files_on_disk_round_trip_and_missing_files_are_named() {
    let dir = std::env::temp_dir().join(format!("nnplay-model-io-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.json");
    let file = ModelFile::new(&small_network());
    model_file::save(&path, &file).unwrap();
    assert_eq!(model_file::load(&path).unwrap(), file);
    let missing = dir.join("nope.json");
    assert!(
        matches!(model_file::load(&missing), Err(NnError::ModelFile(m)) if m.contains("nope.json"))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The `save_load` example: train, save, load, and get the same predictions bit for bit.
#[test]
fn save_load_example_scenario() {
    let x = array![[0.0f32, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let y = array![[0.0f32], [1.0], [1.0], [0.0]];
    let mut model = Sequential::new(2)
        .add(Dense::new(4, Activation::Tanh))
        .add(Dense::new(1, Activation::Sigmoid))
        .with_seed(3);
    model
        .compile(
            Optimizer::adam(),
            Loss::BinaryCrossEntropy,
            &[Metric::Accuracy],
        )
        .unwrap();
    model.set_learning_rate(0.05).unwrap();
    model
        .fit(
            &x,
            &y,
            FitOptions {
                epochs: 300,
                batch_size: 4,
                ..FitOptions::default()
            },
        )
        .unwrap();

    let dir = std::env::temp_dir().join(format!("nnplay-save-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("xor.json");
    model.save(&path).unwrap();
    let loaded = Sequential::load(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let grid = Array2::from_shape_fn((25, 2), |(i, j)| {
        if j == 0 {
            (i % 5) as f32 / 4.0
        } else {
            (i / 5) as f32 / 4.0
        }
    });
    let (a, b) = (
        model.predict(&grid).unwrap(),
        loaded.predict(&grid).unwrap(),
    );
    assert!(
        a.iter()
            .zip(b.iter())
            .all(|(p, q)| p.to_bits() == q.to_bits())
    );
    // The loaded model is compiled with the same loss and can be evaluated and trained on.
    assert_eq!(
        loaded.train_config().unwrap().loss,
        Loss::BinaryCrossEntropy
    );
    assert_eq!(
        loaded.evaluate(&x, &y).unwrap(),
        model.evaluate(&x, &y).unwrap()
    );
}

#[test]
fn sequential_round_trips_its_scaler() {
    let x = array![[100.0f32, -3.0], [200.0, -1.0], [300.0, 2.0]];
    let scaler = Scaler::fit(x.view(), Scaling::MinMax);
    let mut model = Sequential::new(2)
        .add(Dense::new(1, Activation::Linear))
        .with_scaler(scaler);
    model
        .compile(Optimizer::Sgd, Loss::MeanSquaredError, &[])
        .unwrap();
    let back = Sequential::from_json(&model.to_json().unwrap()).unwrap();
    assert_eq!(back.predict(&x).unwrap(), model.predict(&x).unwrap());
    // The scaler really is applied: without it the raw inputs give other outputs.
    let raw = Sequential::from_model_file(&ModelFile {
        scaler: None,
        ..model.to_model_file().unwrap()
    })
    .unwrap();
    assert_ne!(raw.predict(&x).unwrap(), model.predict(&x).unwrap());
    // A scaler of the wrong width is refused, not silently half-applied.
    let mut wrong = Sequential::new(2)
        .add(Dense::new(1, Activation::Linear))
        .with_scaler(Scaler::identity(3));
    wrong
        .compile(Optimizer::Sgd, Loss::MeanSquaredError, &[])
        .unwrap();
    assert!(matches!(wrong.predict(&x), Err(NnError::Config(m)) if m.contains("scaler")));
}

/// A page or CLI model with derived features takes raw rows in `Sequential` too (as in `nnplay
/// predict`), and saving it again keeps its input pipeline.
#[test]
fn sequential_expands_the_derived_features_of_a_model_file() {
    let features = FeatureSet::parse_list("x1,x1_squared,sin_x2").unwrap();
    let config = NetworkConfig::new(
        3,
        &[4],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Sigmoid),
    )
    .with_seed(9);
    let network = Network::new(&config).unwrap();
    let raw = array![[0.5f32, -1.0], [2.0, 0.25], [-1.5, 3.0]];
    let file = ModelFile::new(&network).with_input(InputSpec {
        columns: vec!["x1".into(), "x2".into()],
        features: Some(features.clone()),
        target: None,
    });
    let want = network
        .predict(features.expand(raw.view()).unwrap().view())
        .unwrap();
    let model = Sequential::from_model_file(&file).unwrap();
    let got = model.predict(&raw).unwrap();
    assert_eq!(got, want);
    // The network's own three inputs are not raw rows: refused with the raw column count.
    let err = model.predict(&array![[0.5f32, 0.25, 0.1]]).unwrap_err();
    assert!(err.to_string().contains('2'), "{err}");
    let again = model.to_model_file().unwrap();
    assert_eq!(again.input, file.input);
    assert_eq!(
        Sequential::from_model_file(&again)
            .unwrap()
            .predict(&raw)
            .unwrap(),
        want
    );
}
