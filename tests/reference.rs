//! Compares the library with TensorFlow.js, number by number: loss values and gradients, forward
//! and backward passes of small networks, and 10-step optimizer trajectories.
//! Fixtures: tests/fixtures/*.json, written by scripts/reference/make_fixtures.mjs.

use nnplay::nn::activation::Activation;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig, Workspace};
use nnplay::nn::regularization::Regularization;
use nnplay::train::optim::{Optimizer, OptimizerState, clip_by_norm};
use serde_json::Value;

const REL: f32 = 1e-5;
const ABS: f32 = 1e-6;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(
        value["generated_by"]
            .as_str()
            .unwrap()
            .contains("make_fixtures.mjs")
    );
    value
}

fn floats(v: &Value) -> Vec<f32> {
    match v {
        Value::Array(items) => items.iter().flat_map(floats).collect(),
        Value::Number(n) => vec![n.as_f64().unwrap() as f32],
        other => panic!("not a number array: {other}"),
    }
}

fn rows(v: &Value) -> usize {
    v.as_array().unwrap().len()
}

/// |a − b| ≤ abs + rel·|b| element-wise, with a message naming the first offender.
fn assert_close(what: &str, got: &[f32], want: &[f32], rel: f32, abs: f32) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= abs + rel * w.abs(),
            "{what}[{i}]: got {g}, TF.js {w} (diff {:e})",
            (g - w).abs()
        );
    }
}

fn activation(name: &str, fixture: &Value) -> Activation {
    match name {
        "leaky_relu" => Activation::LeakyRelu {
            slope: fixture["leaky_relu_slope"].as_f64().unwrap_or(0.01) as f32,
        },
        "elu" => Activation::Elu {
            alpha: fixture["elu_alpha"].as_f64().unwrap_or(1.0) as f32,
        },
        other => other.parse().unwrap(),
    }
}

fn loss_of(case: &Value) -> Loss {
    match case["loss_fn"].as_str().unwrap() {
        "huber" => Loss::Huber {
            delta: case["huber_delta"].as_f64().unwrap() as f32,
        },
        other => other.parse().unwrap(),
    }
}

fn regularization(case: &Value) -> Regularization {
    let (l1, l2) = (
        case["l1_rate"].as_f64().unwrap_or(0.0) as f32,
        case["l2_rate"].as_f64().unwrap_or(0.0) as f32,
    );
    match (l1 > 0.0, l2 > 0.0) {
        (false, false) => Regularization::None,
        (true, false) => Regularization::L1 { rate: l1 },
        (false, true) => Regularization::L2 { rate: l2 },
        (true, true) => panic!("fixture mixes L1 and L2"),
    }
}

fn network(case: &Value, root: &Value) -> Network {
    let sizes: Vec<usize> = case["layer_sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let acts: Vec<Activation> = case["activations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| activation(a.as_str().unwrap(), root))
        .collect();
    let layers = sizes[1..]
        .iter()
        .zip(&acts)
        .map(|(&u, &a)| LayerConfig::new(u, a))
        .collect();
    let config = NetworkConfig {
        in_dim: sizes[0],
        layers,
        initializer: nnplay::nn::init::Initializer::Zeros,
        seed: 0,
    };
    Network::from_params(&config, floats(&case["params0"])).unwrap()
}

#[test]
fn losses_match_tfjs() {
    let fixture = load("losses.json");
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let loss = loss_of(case);
        let (input, y, want_grad) = (
            floats(&case["input"]),
            floats(&case["y"]),
            floats(&case["grad"]),
        );
        let cols = input.len() / rows(&case["input"]);
        let mut grad = vec![0.0; input.len()];
        let value = loss.value_and_grad(&input, &y, &mut grad, cols);
        assert_close(
            &format!("{name} value"),
            &[value],
            &[case["loss"].as_f64().unwrap() as f32],
            REL,
            ABS,
        );
        assert_close(&format!("{name} gradient"), &grad, &want_grad, REL, ABS);
    }
}

#[test]
fn forward_and_backward_match_tfjs_for_every_activation_and_loss() {
    let fixture = load("forward_backward.json");
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 48);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let net = network(case, &fixture);
        let (x, y) = (floats(&case["x"]), floats(&case["y"]));
        let n = rows(&case["x"]);
        let mut ws = Workspace::default();
        let mut grads = vec![0.0; net.n_params()];
        let value = net.loss_and_gradient(
            &x,
            &y,
            n,
            loss_of(case),
            regularization(case),
            &mut ws,
            &mut grads,
            None,
        );
        assert_close(
            &format!("{name} output"),
            ws.output(),
            &floats(&case["output"]),
            REL,
            ABS,
        );
        assert_close(
            &format!("{name} loss"),
            &[value],
            &[case["loss"].as_f64().unwrap() as f32],
            REL,
            ABS,
        );
        assert_close(
            &format!("{name} gradient"),
            &grads,
            &floats(&case["grad"]),
            REL,
            ABS,
        );
    }
}

fn optimizer(t: &Value) -> Optimizer {
    let h = &t["hparams"];
    let f = |k: &str| {
        h[k].as_f64()
            .unwrap_or_else(|| panic!("{k} missing in {h}")) as f32
    };
    match t["optimizer"].as_str().unwrap() {
        "sgd" => Optimizer::Sgd,
        "momentum" => Optimizer::Momentum {
            momentum: f("momentum"),
        },
        "nesterov" => Optimizer::Nesterov {
            momentum: f("momentum"),
        },
        "adagrad" => Optimizer::AdaGrad {
            eps: f("eps"),
            initial_accumulator: f("initial_accumulator"),
        },
        "rmsprop" => Optimizer::RmsProp {
            alpha: f("alpha"),
            eps: f("eps"),
        },
        "adam" => Optimizer::Adam {
            beta1: f("beta1"),
            beta2: f("beta2"),
            eps: f("eps"),
        },
        "adamw" => Optimizer::AdamW {
            beta1: f("beta1"),
            beta2: f("beta2"),
            eps: f("eps"),
            weight_decay: f("weight_decay"),
        },
        other => panic!("unknown optimizer {other}"),
    }
}

#[test]
fn every_step_of_every_optimizer_matches_tfjs() {
    let fixture = load("optimizers.json");
    let trajectories = fixture["trajectories"].as_array().unwrap();
    assert!(trajectories.len() >= 11);
    for t in trajectories {
        let name = t["name"].as_str().unwrap();
        let mut net = network(t, &fixture);
        let opt = optimizer(t);
        let lr = t["hparams"]["lr"].as_f64().unwrap() as f32;
        let clip = t["clip_norm"].as_f64().map(|c| c as f32);
        let batches = t["batches"].as_array().unwrap();
        let want_params = t["params"].as_array().unwrap();
        let mut state = OptimizerState::default();
        let mut ws = Workspace::default();
        let mut grads = vec![0.0; net.n_params()];
        for step in 0..t["steps"].as_u64().unwrap() as usize {
            let batch = &batches[step % batches.len()];
            let (x, y) = (floats(&batch["x"]), floats(&batch["y"]));
            let loss = net.loss_and_gradient(
                &x,
                &y,
                rows(&batch["x"]),
                loss_of(t),
                regularization(t),
                &mut ws,
                &mut grads,
                None,
            );
            assert_close(
                &format!("{name} step {step} loss"),
                &[loss],
                &[floats(&t["loss"])[step]],
                1e-5,
                1e-6,
            );
            let norm = match clip {
                Some(c) => clip_by_norm(&mut grads, c),
                None => grads.iter().map(|g| g * g).sum::<f32>().sqrt(),
            };
            assert_close(
                &format!("{name} step {step} gradient norm"),
                &[norm],
                &[floats(&t["grad_norm"])[step]],
                1e-5,
                1e-6,
            );
            opt.step(lr, net.params_mut(), &grads, &mut state);
            assert_close(
                &format!("{name} params after step {}", step + 1),
                net.params(),
                &floats(&want_params[step]),
                1e-5,
                1e-6,
            );
        }
    }
}
