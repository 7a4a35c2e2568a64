//! The exports to other frameworks, checked in the frameworks themselves: every ONNX file runs in
//! onnxruntime (after `onnx.checker` with full check) and every Keras file in Keras 3 on JAX, and
//! their outputs must equal nnplay's to 1e-5, on models that use every activation, every kind of
//! input pipeline and every optimizer. PyTorch is too large to install here: its files are read
//! back instead (every tensor's shape and value, and the forward pass the modules describe), and
//! run in torch too when the Python has it.
//!
//! The Python comes from `NNPLAY_PYTHON`, the venv `scripts/python-env.sh` makes (scripts/test.sh
//! sets it). Unset, the framework runs are skipped with a loud notice; set but broken, the tests
//! fail.

mod export_support;

use export_support::*;
use nnplay::data::{FeatureSet, Scaler, Scaling, Task};
use nnplay::io::model_file::{InputSpec, ModelFile};
use nnplay::io::{keras, onnx, pytorch};
use nnplay::prelude::*;
use serde_json::json;

/// One model of the zoo, with the raw rows it is run on.
struct Case {
    name: String,
    file: ModelFile,
    rows: ndarray::Array2<f32>,
}

impl Case {
    /// What nnplay predicts for the raw rows (the model file's pipeline, then the network).
    fn expected(&self) -> ndarray::Array2<f32> {
        let x = self.file.network_inputs(self.rows.view()).unwrap();
        self.file.network().unwrap().predict(x.view()).unwrap()
    }
}

/// Deterministic values in (−scale, scale) without a generator: sines of a seeded ramp.
fn wavy(n: usize, seed: f32, scale: f32) -> Vec<f32> {
    (0..n)
        .map(|i| scale * (i as f32 * 1.618 + seed * 2.7 + 0.3).sin())
        .collect()
}

/// Every activation nnplay has as a hidden layer (with parameters away from the defaults),
/// each with one of three heads and one of four input pipelines, one optimizer of each kind.
fn zoo() -> Vec<Case> {
    let hidden: Vec<Activation> = Activation::all()
        .into_iter()
        .filter(|a| !a.is_row_wise())
        .map(|a| match a {
            Activation::LeakyRelu { .. } => Activation::LeakyRelu { slope: 0.2 },
            Activation::Elu { .. } => Activation::Elu { alpha: 0.7 },
            other => other,
        })
        .collect();
    let heads = [
        (
            Activation::Sigmoid,
            1,
            Loss::BinaryCrossEntropy,
            Task::BinaryClassification,
        ),
        (
            Activation::Softmax,
            3,
            Loss::CategoricalCrossEntropy,
            Task::MultiClassification { classes: 3 },
        ),
        (
            Activation::Linear,
            2,
            Loss::Huber { delta: 0.5 },
            Task::Regression,
        ),
    ];
    let optimizers = Optimizer::all();
    let mut cases = Vec::new();
    for (i, &act) in hidden.iter().enumerate() {
        let (out_act, outputs, loss, task) = heads[i % heads.len()];
        // 0: all seven features + standardize; 1: three raw inputs + min-max;
        // 2: x1, x2, x1·x2 without scaling; 3: two raw inputs as they are.
        let pipeline = i % 4;
        let features = match pipeline {
            0 => Some(FeatureSet::all()),
            2 => Some(FeatureSet::parse_list("x1,x2,x1_x2").unwrap()),
            _ => None,
        };
        let raw_width = if pipeline == 1 { 3 } else { 2 };
        let in_dim = features.as_ref().map_or(raw_width, FeatureSet::len);
        let mut config =
            NetworkConfig::new(in_dim, &[5, 4], act, LayerConfig::new(outputs, out_act))
                .with_seed(i as u64);
        if i % 3 == 1 {
            config.layers[0].dropout = 0.25;
            config.layers[1].regularization = Some(Regularization::L1 { rate: 0.001 });
        }
        let mut net = Network::new(&config).unwrap();
        // Biases start at zero: give every parameter a distinct value so that none hides.
        let n = net.n_params();
        net.params_mut().copy_from_slice(&wavy(n, i as f32, 0.4));
        let rows = ndarray::Array2::from_shape_vec(
            (48, raw_width),
            wavy(48 * raw_width, 10.0 + i as f32, 3.0),
        )
        .unwrap();
        let train = TrainConfig {
            optimizer: optimizers[i % optimizers.len()],
            learning_rate: 0.01 + 0.001 * i as f32,
            loss,
            regularization: Regularization::L2 { rate: 0.0005 },
            clip_norm: (i % 2 == 0).then_some(2.0),
            schedule: match i % 3 {
                0 => LrSchedule::Constant,
                1 => LrSchedule::StepDecay {
                    every: 10,
                    gamma: 0.5,
                },
                _ => LrSchedule::Cosine {
                    period: 20,
                    min_lr: 0.001,
                },
            },
            ..TrainConfig::default()
        };
        let mut file = ModelFile::new(&net).with_train(train).with_task(task);
        let columns = match raw_width {
            3 => vec!["a".to_string(), "b".into(), "c".into()],
            _ => vec!["x1".to_string(), "x2".into()],
        };
        file = file.with_input(InputSpec {
            columns,
            features: features.clone(),
            target: None,
        });
        if pipeline < 2 {
            let kind = [Scaling::Standardize, Scaling::MinMax][pipeline];
            let expanded = match &features {
                Some(f) => f.expand(rows.view()).unwrap(),
                None => rows.clone(),
            };
            file = file.with_scaler(Scaler::fit(expanded.view(), kind));
        }
        if task != Task::Regression {
            let k = outputs.max(2);
            file = file.with_classes((0..k).map(|c| format!("class {c}")).collect());
        }
        cases.push(Case {
            name: format!("{act} → {out_act}, pipeline {pipeline}"),
            file,
            rows,
        });
    }
    cases
}

/// Rows for one epoch of training, small enough that z falls in the straight-through window,
/// and targets away from the model's outputs (at them the cross-entropy's gradient is zero).
fn fit_data(case: &Case) -> (ndarray::Array2<f32>, ndarray::Array2<f32>) {
    let rows = case.rows.mapv(|v| 0.05 * v);
    let x = case.file.network_inputs(rows.view()).unwrap();
    let out = case.file.network().unwrap().predict(x.view()).unwrap();
    (rows, out.mapv(|v| (1.0 - v).clamp(0.0, 1.0)))
}

/// Whether one full-batch epoch of nnplay's own training moves the first layer's bias.
fn nnplay_bias_moves(case: &Case) -> bool {
    let (rows, targets) = fit_data(case);
    let x = case.file.network_inputs(rows.view()).unwrap();
    let mut net = case.file.network().unwrap();
    let before = net.biases(0).to_vec();
    let config = TrainConfig {
        epochs: 1,
        batch_size: rows.nrows(),
        shuffle: false,
        ..case.file.train.clone().unwrap()
    };
    nnplay::train::fit(&mut net, &x, &targets, config).unwrap();
    net.biases(0) != before.as_slice()
}

#[test]
fn onnx_files_run_in_onnxruntime_and_match_nnplay() {
    let dir = temp_dir("onnx");
    let cases = zoo();
    let mut jobs = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let path = dir.join(format!("{i}.onnx"));
        std::fs::write(&path, onnx::export_model(&case.file).unwrap()).unwrap();
        jobs.push(json!({"kind": "onnx", "path": path, "rows": rows_json(&case.rows)}));
    }
    let Some(answers) = run_in_python("onnxruntime", &dir, &jobs) else {
        return;
    };
    let mut worst = 0.0f32;
    for (case, answer) in cases.iter().zip(&answers) {
        let got = matrix_of(&answer["outputs"]);
        worst = worst.max(assert_close(&got, &case.expected(), &case.name));
    }
    notice(&format!(
        "onnxruntime vs nnplay: max |difference| {worst:.2e} over {} models",
        cases.len()
    ));
}

#[test]
fn keras_files_run_in_keras_match_nnplay_and_go_on_training() {
    let dir = temp_dir("keras");
    let cases = zoo();
    let mut jobs = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let path = dir.join(format!("model_{i}.py"));
        std::fs::write(&path, keras::export(&case.file).unwrap()).unwrap();
        let mut job = json!({"kind": "keras", "path": path, "rows": rows_json(&case.rows)});
        // One epoch of training proves compile() took; the first four cases are the linear
        // layer and the three step units, whose gradients are the file's own code. Small rows
        // keep z inside the straight-through window.
        if i == 1 {
            // A step unit behind the pipeline layer: both are the file's own code.
            job["save_to"] = json!(dir.join("saved.keras"));
        }
        if i < 4 {
            let (rows, targets) = fit_data(case);
            job["fit_rows"] = rows_json(&rows);
            job["targets"] = rows_json(&targets);
        }
        jobs.push(job);
    }
    python_syntax_check(&jobs);
    let Some(answers) = run_in_python("Keras", &dir, &jobs) else {
        return;
    };
    let mut worst = 0.0f32;
    for ((case, answer), job) in cases.iter().zip(&answers).zip(&jobs) {
        let got = matrix_of(&answer["outputs"]);
        worst = worst.max(assert_close(&got, &case.expected(), &case.name));
        if job.get("save_to").is_some() {
            let reloaded = matrix_of(&answer["reloaded"]);
            assert_close(
                &reloaded,
                &case.expected(),
                &format!("{}, saved and loaded", case.name),
            );
        }
        let train = case.file.train.as_ref().unwrap();
        let class = match train.optimizer {
            Optimizer::Sgd | Optimizer::Momentum { .. } | Optimizer::Nesterov { .. } => "SGD",
            Optimizer::AdaGrad { .. } => "Adagrad",
            Optimizer::RmsProp { .. } => "RMSprop",
            Optimizer::Adam { .. } => "Adam",
            Optimizer::AdamW { .. } => "AdamW",
        };
        assert_eq!(answer["optimizer"], class, "{}", case.name);
        let lr = answer["learning_rate"].as_f64().unwrap() as f32;
        assert_eq!(lr, train.learning_rate, "{}", case.name);
        let loss = match train.loss {
            Loss::BinaryCrossEntropy => "BinaryCrossentropy",
            Loss::CategoricalCrossEntropy => "CategoricalCrossentropy",
            Loss::Huber { .. } => "Huber",
            Loss::MeanSquaredError => "MeanSquaredError",
            Loss::MeanAbsoluteError => "MeanAbsoluteError",
        };
        assert_eq!(answer["loss"], loss, "{}", case.name);
        if job.get("targets").is_some() {
            let fit_loss = answer["fit_loss"].as_f64().unwrap();
            assert!(fit_loss.is_finite(), "{}: loss {fit_loss}", case.name);
            // Keras moves the first layer's bias exactly when nnplay's own epoch does: the step
            // units pass the same gradients (none through the exact rule, so it must not move).
            let learns = nnplay_bias_moves(case);
            let exact = matches!(
                case.file.network.layers[0].activation,
                Activation::Step {
                    gradient: StepGradient::Exact
                }
            );
            assert_eq!(learns, !exact, "{}: nnplay's own epoch", case.name);
            assert_eq!(answer["changed"], learns, "{}", case.name);
        }
    }
    notice(&format!(
        "Keras (JAX) vs nnplay: max |difference| {worst:.2e} over {} models",
        cases.len()
    ));
}

#[test]
fn pytorch_files_hold_every_tensor_and_describe_the_same_network() {
    let dir = temp_dir("torch");
    let cases = zoo();
    let mut jobs = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let text = pytorch::export(&case.file).unwrap();
        let net = case.file.network().unwrap();
        let torch = TorchFile::parse(&text);
        // Every tensor, with PyTorch's (units × inputs) layout and nnplay's exact values.
        assert_eq!(torch.state.len(), 2 * net.layers().len(), "{}", case.name);
        for (l, shape) in net.layers().iter().enumerate() {
            let index = torch.linear[l];
            let (dims, weight) = &torch.state[&format!("{index}.weight")];
            assert_eq!(dims, &[shape.out_dim, shape.in_dim], "{}", case.name);
            let kernel_t: Vec<f32> = net.weights(l).t().iter().copied().collect();
            assert_eq!(bits(weight), bits(&kernel_t), "{} layer {l}", case.name);
            let (dims, bias) = &torch.state[&format!("{index}.bias")];
            assert_eq!(dims, &[shape.out_dim], "{}", case.name);
            assert_eq!(bits(bias), bits(net.biases(l)), "{} layer {l}", case.name);
        }
        // The modules after each Linear are the layer's activation (and dropout).
        let got = torch.forward(&case.file, &case.rows);
        assert_close(&got, &case.expected(), &case.name);
        let path = dir.join(format!("torch_{i}.py"));
        std::fs::write(&path, text).unwrap();
        jobs.push(json!({"kind": "torch", "path": path, "rows": rows_json(&case.rows)}));
    }
    python_syntax_check(&jobs);
    if !python_has("torch") {
        notice(
            "torch is not importable (NNPLAY_PYTHON unset, or without torch): the PyTorch files were read back, not run",
        );
        return;
    }
    let answers = run_in_python("PyTorch", &dir, &jobs).expect("NNPLAY_PYTHON is set");
    for (case, answer) in cases.iter().zip(&answers) {
        assert_close(&matrix_of(&answer["outputs"]), &case.expected(), &case.name);
    }
}

#[test]
fn an_inconsistent_model_file_is_refused_by_every_exporter() {
    let config = NetworkConfig::new(
        2,
        &[3],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Sigmoid),
    );
    let mut file = ModelFile::new(&Network::new(&config).unwrap());
    file.params.pop();
    assert!(matches!(
        onnx::export_model(&file),
        Err(NnError::ModelFile(_))
    ));
    assert!(matches!(keras::export(&file), Err(NnError::ModelFile(_))));
    assert!(matches!(pytorch::export(&file), Err(NnError::ModelFile(_))));
}
