//! Finite-difference checks of backpropagation: for every hidden activation × output/loss pair
//! (and the penalties), the analytic gradient must match (L(θ+h) − L(θ−h)) / 2h. A deliberately
//! wrong derivative must fail the same check, which shows the tolerance is tight enough.

use nnplay::kernels::linalg;
use nnplay::nn::activation::{Activation, StepGradient};
use nnplay::nn::init::Initializer;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig, Workspace};
use nnplay::nn::regularization::Regularization;
use rand::{RngExt, SeedableRng};

const H: f32 = 1e-2;

struct Problem {
    x: Vec<f32>,
    y: Vec<f32>,
    rows: usize,
}

fn problem(in_dim: usize, out_dim: usize, loss: Loss, seed: u64) -> Problem {
    let rows = 5;
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let x = (0..rows * in_dim)
        .map(|_| rng.random_range(-1.5f32..1.5))
        .collect();
    let y = match loss {
        Loss::BinaryCrossEntropy => (0..rows * out_dim).map(|i| (i % 2) as f32).collect(),
        Loss::CategoricalCrossEntropy => (0..rows * out_dim)
            .map(|i| f32::from(i % out_dim == (i / out_dim) % out_dim))
            .collect(),
        _ => (0..rows * out_dim)
            .map(|_| rng.random_range(-1.0f32..1.0))
            .collect(),
    };
    Problem { x, y, rows }
}

/// Which side of its kink every non-smooth unit and residual is on.
fn kink_pattern(net: &Network, p: &Problem, loss: Loss) -> Vec<bool> {
    let mut ws = Workspace::default();
    net.forward(&p.x, p.rows, &mut ws);
    let mut pattern = Vec::new();
    for (l, shape) in net.layers().iter().enumerate() {
        if matches!(
            shape.activation,
            Activation::Relu
                | Activation::LeakyRelu { .. }
                | Activation::Step { .. }
                | Activation::Elu { .. }
        ) {
            pattern.extend(ws.layer(l).z.iter().map(|&z| z > 0.0));
        }
    }
    for (a, y) in ws.output().iter().zip(&p.y) {
        match loss {
            Loss::MeanAbsoluteError => pattern.push(a > y),
            Loss::Huber { delta } => pattern.push((a - y).abs() > delta),
            _ => {}
        }
    }
    pattern
}

fn loss_at(net: &Network, p: &Problem, loss: Loss, reg: Regularization) -> f64 {
    let mut ws = Workspace::default();
    let mut g = vec![0.0; net.n_params()];
    net.loss_and_gradient(&p.x, &p.y, p.rows, loss, reg, &mut ws, &mut g, None) as f64
}

/// Returns (worst relative error, parameters checked, parameters skipped at kinks).
fn check(
    net: &Network,
    analytic: &[f32],
    p: &Problem,
    loss: Loss,
    reg: Regularization,
) -> (f32, usize, usize) {
    let base_pattern = kink_pattern(net, p, loss);
    let (mut worst, mut checked, mut skipped) = (0.0f32, 0, 0);
    for (i, &analytic_i) in analytic.iter().enumerate() {
        let mut plus = net.clone();
        plus.params_mut()[i] += H;
        let mut minus = net.clone();
        minus.params_mut()[i] -= H;
        let crosses_l1_kink = !matches!(reg, Regularization::None) && net.params()[i].abs() < H;
        if kink_pattern(&plus, p, loss) != base_pattern
            || kink_pattern(&minus, p, loss) != base_pattern
            || crosses_l1_kink
        {
            skipped += 1;
            continue;
        }
        let numeric = ((loss_at(&plus, p, loss, reg) - loss_at(&minus, p, loss, reg))
            / (2.0 * H as f64)) as f32;
        let err = (numeric - analytic_i).abs() / (numeric.abs().max(analytic_i.abs()).max(1e-2));
        worst = worst.max(err);
        checked += 1;
    }
    (worst, checked, skipped)
}

/// Output layer and loss pairs that belong together.
fn heads() -> Vec<(Activation, usize, Loss)> {
    vec![
        (Activation::Linear, 2, Loss::MeanSquaredError),
        (Activation::Linear, 2, Loss::MeanAbsoluteError),
        (Activation::Linear, 2, Loss::Huber { delta: 0.5 }),
        (Activation::Tanh, 2, Loss::MeanSquaredError),
        (Activation::Sigmoid, 1, Loss::BinaryCrossEntropy),
        (Activation::Softmax, 3, Loss::CategoricalCrossEntropy),
        (Activation::Sigmoid, 2, Loss::MeanSquaredError),
    ]
}

fn smooth_or_piecewise_hidden() -> Vec<Activation> {
    vec![
        Activation::Linear,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu { slope: 0.1 },
        Activation::Elu { alpha: 1.0 },
        Activation::Softplus,
        Activation::Gelu,
        Activation::Step {
            gradient: StepGradient::Exact,
        },
    ]
}

fn net_for(hidden: Activation, head: Activation, out: usize, seed: u64) -> Network {
    let config = NetworkConfig::new(3, &[4, 3], hidden, LayerConfig::new(out, head))
        .with_seed(seed)
        .with_initializer(Initializer::Uniform {
            low: -0.9,
            high: 0.9,
        });
    let mut net = Network::new(&config).unwrap();
    // Non-zero biases so that every bias gradient is exercised away from symmetric points.
    for (i, p) in net.params_mut().iter_mut().enumerate() {
        if *p == 0.0 {
            *p = 0.05 * ((i % 7) as f32 - 3.0);
        }
    }
    net
}

#[test]
fn backprop_matches_finite_differences_for_every_activation_and_loss() {
    let mut failures = Vec::new();
    for hidden in smooth_or_piecewise_hidden() {
        for (head, out, loss) in heads() {
            for reg in [
                Regularization::None,
                Regularization::L2 { rate: 0.05 },
                Regularization::L1 { rate: 0.05 },
            ] {
                let net = net_for(hidden, head, out, 11);
                let p = problem(3, out, loss, 5);
                let mut ws = Workspace::default();
                let mut grads = vec![0.0; net.n_params()];
                net.loss_and_gradient(&p.x, &p.y, p.rows, loss, reg, &mut ws, &mut grads, None);
                let (worst, checked, skipped) = check(&net, &grads, &p, loss, reg);
                let label = format!("{hidden} → {head}+{loss} {reg}");
                if worst > 1e-2 {
                    failures.push(format!("{label}: worst relative error {worst:.2e}"));
                }
                // Step units have a kink everywhere their input moves, so most of their checks skip.
                let min_checked = if matches!(hidden, Activation::Step { .. }) {
                    net.layers()[2].n_params()
                } else {
                    net.n_params() * 2 / 3
                };
                assert!(
                    checked >= min_checked,
                    "{label}: only {checked} parameters checked ({skipped} skipped at kinks)"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "gradient check failures:\n{}",
        failures.join("\n")
    );
}

/// A one-hidden-layer tanh network whose backward pass is assembled from the library's own
/// primitives, with the tanh derivative either right (1 − a²) or wrong (1 − a).
fn manual_gradient(net: &Network, p: &Problem, wrong_derivative: bool) -> Vec<f32> {
    let (l0, l1) = (net.layers()[0], net.layers()[1]);
    let params = net.params();
    let mut z0 = vec![0.0; p.rows * l0.out_dim];
    let mut a0 = z0.clone();
    linalg::affine(
        &p.x,
        &params[l0.weight_range()],
        &params[l0.bias_range()],
        &mut z0,
        p.rows,
        l0.in_dim,
        l0.out_dim,
    );
    Activation::Tanh.forward(&z0, &mut a0, l0.out_dim);
    let mut out = vec![0.0; p.rows * l1.out_dim];
    linalg::affine(
        &a0,
        &params[l1.weight_range()],
        &params[l1.bias_range()],
        &mut out,
        p.rows,
        l1.in_dim,
        l1.out_dim,
    );
    let mut delta1 = vec![0.0; out.len()];
    Loss::MeanSquaredError.value_and_grad(&out, &p.y, &mut delta1, l1.out_dim);
    let mut grads = vec![0.0; net.n_params()];
    let (gw1, gb1) = grads[l1.offset..l1.offset + l1.n_params()].split_at_mut(l1.n_weights());
    linalg::weight_grad(&a0, &delta1, gw1, gb1, p.rows, l1.in_dim, l1.out_dim);
    let mut grad_a0 = vec![0.0; a0.len()];
    linalg::input_grad(
        &delta1,
        &params[l1.weight_range()],
        &mut grad_a0,
        p.rows,
        l1.in_dim,
        l1.out_dim,
        &mut Vec::new(),
    );
    let delta0: Vec<f32> = if wrong_derivative {
        a0.iter()
            .zip(&grad_a0)
            .map(|(a, g)| g * (1.0 - a))
            .collect()
    } else {
        let mut d = vec![0.0; a0.len()];
        Activation::Tanh.backward(&z0, &a0, &grad_a0, &mut d, l0.out_dim);
        d
    };
    let (gw0, gb0) = grads[l0.offset..l0.offset + l0.n_params()].split_at_mut(l0.n_weights());
    linalg::weight_grad(&p.x, &delta0, gw0, gb0, p.rows, l0.in_dim, l0.out_dim);
    grads
}

#[test]
fn a_deliberately_wrong_derivative_fails_the_check() {
    let config = NetworkConfig::new(
        3,
        &[4],
        Activation::Tanh,
        LayerConfig::new(2, Activation::Linear),
    )
    .with_seed(3);
    let net = Network::new(&config).unwrap();
    let p = problem(3, 2, Loss::MeanSquaredError, 9);
    let (right, ..) = check(
        &net,
        &manual_gradient(&net, &p, false),
        &p,
        Loss::MeanSquaredError,
        Regularization::None,
    );
    let (wrong, ..) = check(
        &net,
        &manual_gradient(&net, &p, true),
        &p,
        Loss::MeanSquaredError,
        Regularization::None,
    );
    assert!(
        right < 1e-2,
        "the correct derivative must pass, worst error {right:.2e}"
    );
    assert!(
        wrong > 1e-2,
        "a wrong tanh derivative must fail the check, worst error only {wrong:.2e}"
    );
}

#[test]
fn surrogate_step_gradients_are_not_true_gradients() {
    // The perceptron rule passes the gradient through a step as if its derivative were 1: useful
    // for learning, but the finite-difference check sees that it is not the true (zero) gradient.
    let net = net_for(
        Activation::Step {
            gradient: StepGradient::Perceptron,
        },
        Activation::Linear,
        2,
        11,
    );
    let p = problem(3, 2, Loss::MeanSquaredError, 5);
    let mut ws = Workspace::default();
    let mut grads = vec![0.0; net.n_params()];
    net.loss_and_gradient(
        &p.x,
        &p.y,
        p.rows,
        Loss::MeanSquaredError,
        Regularization::None,
        &mut ws,
        &mut grads,
        None,
    );
    let (worst, ..) = check(
        &net,
        &grads,
        &p,
        Loss::MeanSquaredError,
        Regularization::None,
    );
    assert!(
        worst > 0.5,
        "the perceptron surrogate should differ from the true gradient, worst error {worst:.2e}"
    );
}
