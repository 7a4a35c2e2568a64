//! The backprop inspector against an independent computation: every ∂L/∂W and ∂L/∂b it reports
//! must match central differences of the sample's loss computed here in f64 (a forward pass of
//! its own, written from the definitions), for several activations and losses, with and without
//! penalties, on both of the library's pass layouts. A perturbed gradient must fail the same
//! comparison. (The optimizer's traced update is tested in `inspect_update.rs`.)

use nnplay::NnError;
use nnplay::data::features::{Feature, FeatureSet};
use nnplay::nn::activation::Activation;
use nnplay::nn::inspect::{DropoutNote, Inspection, inspect, inspect_point};
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig};
use nnplay::nn::regularization::Regularization;

// ---- an f64 network written from the definitions, for the finite differences ----

fn act64(act: Activation, z: &[f64]) -> Vec<f64> {
    let each = |f: &dyn Fn(f64) -> f64| z.iter().map(|&v| f(v)).collect();
    match act {
        Activation::Linear => z.to_vec(),
        Activation::Sigmoid => each(&|v| 1.0 / (1.0 + (-v).exp())),
        Activation::Tanh => each(&f64::tanh),
        Activation::Relu => each(&|v| v.max(0.0)),
        Activation::LeakyRelu { slope } => each(&|v| if v > 0.0 { v } else { slope as f64 * v }),
        Activation::Elu { alpha } => each(&|v| {
            if v > 0.0 {
                v
            } else {
                alpha as f64 * v.exp_m1()
            }
        }),
        Activation::Softplus => each(&|v| v.max(0.0) + (-v.abs()).exp().ln_1p()),
        Activation::Gelu => each(&|v| 0.5 * v * (1.0 + libm::erf(v / 2f64.sqrt()))),
        Activation::Softmax => {
            let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
            let s: f64 = e.iter().sum();
            e.iter().map(|v| v / s).collect()
        }
        Activation::Step { .. } => unreachable!("no finite differences through a step"),
    }
}

/// The sample's loss plus every kernel's penalty, at parameters `p`.
fn loss64(
    config: &NetworkConfig,
    p: &[f64],
    x: &[f32],
    y: &[f32],
    loss: Loss,
    reg: Regularization,
) -> f64 {
    let mut a: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    let (mut offset, mut in_dim, mut z) = (0, config.in_dim, Vec::new());
    let mut penalty = 0.0;
    for layer in &config.layers {
        let out = layer.units;
        let w = &p[offset..offset + in_dim * out];
        let b = &p[offset + in_dim * out..offset + in_dim * out + out];
        z = (0..out)
            .map(|j| b[j] + (0..in_dim).map(|i| a[i] * w[i * out + j]).sum::<f64>())
            .collect();
        a = act64(layer.activation, &z);
        penalty += match layer.regularization.unwrap_or(reg) {
            Regularization::None => 0.0,
            Regularization::L1 { rate } => rate as f64 * w.iter().map(|v| v.abs()).sum::<f64>(),
            Regularization::L2 { rate } => rate as f64 * w.iter().map(|v| v * v).sum::<f64>(),
        };
        offset += in_dim * out + out;
        in_dim = out;
    }
    let y: Vec<f64> = y.iter().map(|&v| v as f64).collect();
    let n = y.len() as f64;
    let data = match loss {
        Loss::MeanSquaredError => a.iter().zip(&y).map(|(a, y)| (a - y).powi(2)).sum::<f64>() / n,
        Loss::MeanAbsoluteError => a.iter().zip(&y).map(|(a, y)| (a - y).abs()).sum::<f64>() / n,
        Loss::Huber { delta } => {
            let d = delta as f64;
            a.iter()
                .zip(&y)
                .map(|(a, y)| {
                    let r = (a - y).abs();
                    if r <= d {
                        0.5 * r * r
                    } else {
                        d * (r - 0.5 * d)
                    }
                })
                .sum::<f64>()
                / n
        }
        Loss::BinaryCrossEntropy => {
            z.iter()
                .zip(&y)
                .map(|(z, y)| {
                    -(y * (1.0 / (1.0 + (-z).exp())).ln()
                        + (1.0 - y) * (1.0 / (1.0 + z.exp())).ln())
                })
                .sum::<f64>()
                / n
        }
        Loss::CategoricalCrossEntropy => -a.iter().zip(&y).map(|(a, y)| y * a.ln()).sum::<f64>(),
    };
    data + penalty
}

/// Central differences of [`loss64`] in every parameter.
fn numeric_gradient(
    net: &Network,
    x: &[f32],
    y: &[f32],
    loss: Loss,
    reg: Regularization,
) -> Vec<f64> {
    let base: Vec<f64> = net.params().iter().map(|&v| v as f64).collect();
    let h = 1e-6;
    (0..base.len())
        .map(|i| {
            let mut p = base.clone();
            p[i] = base[i] + h;
            let up = loss64(net.config(), &p, x, y, loss, reg);
            p[i] = base[i] - h;
            let down = loss64(net.config(), &p, x, y, loss, reg);
            (up - down) / (2.0 * h)
        })
        .collect()
}

/// The largest relative disagreement between the reported and the numeric gradient, each entry
/// measured against the larger magnitude of the two (and at least 1e-4, so that entries that
/// are both essentially zero compare by their absolute difference).
fn disagreement(reported: &[f32], numeric: &[f64]) -> f64 {
    reported
        .iter()
        .zip(numeric)
        .map(|(&a, &b)| {
            let a = a as f64;
            (a - b).abs() / a.abs().max(b.abs()).max(1e-4)
        })
        .fold(0.0, f64::max)
}

/// Gradients agree when every entry is within this relative disagreement.
const TOLERANCE: f64 = 1e-4;

struct Case {
    name: &'static str,
    config: NetworkConfig,
    loss: Loss,
    reg: Regularization,
    x: Vec<f32>,
    y: Vec<f32>,
}

fn cases() -> Vec<Case> {
    let net = |in_dim, hidden: &[usize], act, out: LayerConfig, seed| {
        NetworkConfig::new(in_dim, hidden, act, out).with_seed(seed)
    };
    let x3 = vec![0.7f32, -1.2, 0.4];
    let mut with_penalties = net(
        3,
        &[5, 4],
        Activation::LeakyRelu { slope: 0.1 },
        LayerConfig::new(2, Activation::Linear),
        6,
    );
    with_penalties.layers[1].regularization = Some(Regularization::L1 { rate: 0.02 });
    // 40 inputs × 30 units is over the unit-major limit: the row-major pass.
    let wide = net(
        40,
        &[30],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Sigmoid),
        7,
    );
    let x40: Vec<f32> = (0..40).map(|i| ((i * 7 % 13) as f32 - 6.0) / 6.0).collect();
    vec![
        Case {
            name: "tanh → sigmoid / bce",
            config: net(
                3,
                &[4, 3],
                Activation::Tanh,
                LayerConfig::new(1, Activation::Sigmoid),
                1,
            ),
            loss: Loss::BinaryCrossEntropy,
            reg: Regularization::None,
            x: x3.clone(),
            y: vec![1.0],
        },
        Case {
            name: "relu → linear / mse",
            config: net(
                3,
                &[6, 4],
                Activation::Relu,
                LayerConfig::new(1, Activation::Linear),
                2,
            )
            .with_initializer(nnplay::nn::init::Initializer::HeUniform),
            loss: Loss::MeanSquaredError,
            reg: Regularization::None,
            x: x3.clone(),
            y: vec![0.3],
        },
        Case {
            name: "sigmoid → softmax / cce",
            config: net(
                3,
                &[5],
                Activation::Sigmoid,
                LayerConfig::new(3, Activation::Softmax),
                3,
            ),
            loss: Loss::CategoricalCrossEntropy,
            reg: Regularization::None,
            x: x3.clone(),
            y: vec![0.0, 1.0, 0.0],
        },
        Case {
            name: "elu → linear / huber",
            config: net(
                3,
                &[4, 4],
                Activation::Elu { alpha: 1.0 },
                LayerConfig::new(2, Activation::Linear),
                4,
            ),
            loss: Loss::Huber { delta: 0.5 },
            reg: Regularization::None,
            x: x3.clone(),
            y: vec![1.5, -0.1],
        },
        Case {
            name: "gelu → tanh / mae",
            config: net(
                3,
                &[4],
                Activation::Gelu,
                LayerConfig::new(2, Activation::Tanh),
                5,
            ),
            loss: Loss::MeanAbsoluteError,
            reg: Regularization::None,
            x: x3.clone(),
            y: vec![0.5, -0.5],
        },
        Case {
            name: "leaky relu → linear / mse + l2, l1 on layer 2",
            config: with_penalties,
            loss: Loss::MeanSquaredError,
            reg: Regularization::L2 { rate: 0.05 },
            x: x3.clone(),
            y: vec![0.2, -0.4],
        },
        Case {
            name: "softplus → sigmoid / mse",
            config: net(
                3,
                &[3, 3],
                Activation::Softplus,
                LayerConfig::new(1, Activation::Sigmoid),
                8,
            ),
            loss: Loss::MeanSquaredError,
            reg: Regularization::L2 { rate: 0.01 },
            x: x3,
            y: vec![0.9],
        },
        Case {
            name: "wide tanh → sigmoid / bce (row pass)",
            config: wide,
            loss: Loss::BinaryCrossEntropy,
            reg: Regularization::L2 { rate: 0.001 },
            x: x40,
            y: vec![0.0],
        },
    ]
}

fn run(case: &Case) -> (Network, Inspection) {
    let net = Network::new(&case.config).unwrap();
    let step = inspect(&net, &case.x, &case.y, case.loss, case.reg).unwrap();
    (net, step)
}

#[test]
fn reported_gradients_match_finite_differences_of_the_sample_loss() {
    let mut worst = 0.0f64;
    for case in cases() {
        let (net, step) = run(&case);
        let numeric = numeric_gradient(&net, &case.x, &case.y, case.loss, case.reg);
        let reported = step.gradient();
        assert_eq!(reported.len(), net.n_params());
        let d = disagreement(&reported, &numeric);
        assert!(d < TOLERANCE, "{}: relative disagreement {d:e}", case.name);
        worst = worst.max(d);
        // The loss itself matches the independent computation too.
        let p: Vec<f64> = net.params().iter().map(|&v| v as f64).collect();
        let want = loss64(net.config(), &p, &case.x, &case.y, case.loss, case.reg);
        assert!(
            (step.total_loss as f64 - want).abs() <= 1e-5 * want.abs().max(1.0),
            "{}: loss {} vs {want}",
            case.name,
            step.total_loss
        );
        assert!(
            (step.sample_loss + step.penalty - step.total_loss).abs()
                <= 1e-6 * step.total_loss.abs().max(1.0)
        );
    }
    println!("worst relative disagreement with finite differences: {worst:e}");
}

/// The same comparison must reject a gradient that is wrong in one entry by 1 %, in a weight
/// and in a bias: the tolerance is tight enough to catch a real mistake.
#[test]
fn the_comparison_fails_for_a_perturbed_gradient() {
    for case in cases() {
        let (net, step) = run(&case);
        let numeric = numeric_gradient(&net, &case.x, &case.y, case.loss, case.reg);
        let mut reported = step.gradient();
        assert!(disagreement(&reported, &numeric) < TOLERANCE);
        // The entry with the largest gradient, so that 1 % of it is well above the noise.
        let at = (0..reported.len())
            .max_by(|&a, &b| reported[a].abs().total_cmp(&reported[b].abs()))
            .unwrap();
        reported[at] *= 1.01;
        assert!(
            disagreement(&reported, &numeric) > TOLERANCE,
            "{}: a 1 % error in entry {at} went unnoticed",
            case.name
        );
        // And a δ read with the wrong sign in one bias.
        let mut flipped = step.gradient();
        let bias = net.layers()[0].bias_range().start;
        flipped[bias] = -flipped[bias] + 0.01;
        assert!(
            disagreement(&flipped, &numeric) > TOLERANCE,
            "{}: bias",
            case.name
        );
    }
}

/// Every stage is consistent with the ones around it: z = W·a + b from the shown numbers,
/// a = f(z), δ = ∂L/∂a ⊙ f'(z), ∂L/∂W = a·δᵀ (+ penalty), ∂L/∂b = δ.
#[test]
fn every_stage_follows_from_the_previous_one() {
    for case in cases() {
        let (net, step) = run(&case);
        let what = case.name;
        assert_eq!(step.layers.len(), net.layers().len());
        assert_eq!(step.layers[0].input, case.x);
        for (l, t) in step.layers.iter().enumerate() {
            if l > 0 {
                assert_eq!(
                    t.input,
                    step.layers[l - 1].a,
                    "{what}: layer {l} reads the layer below"
                );
            }
            for j in 0..t.out_dim {
                let z: f32 = t.biases[j]
                    + (0..t.in_dim)
                        .map(|i| t.input[i] * t.weights[i * t.out_dim + j])
                        .sum::<f32>();
                assert!(
                    (z - t.z[j]).abs() <= 1e-5 * z.abs().max(1.0),
                    "{what}: z[{l}][{j}]"
                );
            }
            let a = act64(
                t.activation,
                &t.z.iter().map(|&v| v as f64).collect::<Vec<_>>(),
            );
            for (got, want) in t.a.iter().zip(&a) {
                assert!(
                    (*got as f64 - want).abs() <= 1e-5 * want.abs().max(1.0),
                    "{what}: a of layer {l}"
                );
            }
            if let (Some(ga), Some(d)) = (&t.grad_a, &t.derivative) {
                for j in 0..t.out_dim {
                    let want = ga[j] * d[j];
                    assert!(
                        (want - t.delta[j]).abs() <= 1e-5 * want.abs().max(1e-3),
                        "{what}: δ[{l}][{j}] {want} vs {}",
                        t.delta[j]
                    );
                }
            }
            assert_eq!(t.grad_biases, t.delta);
            for i in 0..t.in_dim {
                for j in 0..t.out_dim {
                    let k = i * t.out_dim + j;
                    let penalty = t.penalty.as_ref().map_or(0.0, |p| p.grad_weights[k]);
                    let want = t.input[i] * t.delta[j] + penalty;
                    assert!(
                        (want - t.grad_weights[k]).abs() <= 1e-5 * want.abs().max(1e-3),
                        "{what}: ∂L/∂W[{l}][{i},{j}]"
                    );
                }
            }
        }
        let top = step.layers.last().unwrap();
        assert_eq!(step.output, top.a);
        assert_eq!(step.loss_reads_logits, top.grad_a.is_none());
        assert_eq!(
            step.gradient_includes_penalty,
            case.reg != Regularization::None
        );
    }
}

#[test]
fn dropout_is_off_and_said_so() {
    let mut config = NetworkConfig::new(
        3,
        &[5, 4],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Linear),
    )
    .with_seed(9);
    let plain = Network::new(&config).unwrap();
    config.layers[0].dropout = 0.5;
    let dropped = Network::from_params(&config, plain.params().to_vec()).unwrap();
    let (x, y) = ([0.1f32, 0.2, -0.3], [0.5f32]);
    let a = inspect(&plain, &x, &y, Loss::MeanSquaredError, Regularization::None).unwrap();
    let b = inspect(
        &dropped,
        &x,
        &y,
        Loss::MeanSquaredError,
        Regularization::None,
    )
    .unwrap();
    assert_eq!(a.dropout, DropoutNote::NotUsed);
    assert_eq!(b.dropout, DropoutNote::Disabled);
    assert_eq!(a.gradient(), b.gradient());
}

#[test]
fn a_point_is_shown_with_its_derived_features() {
    let features = FeatureSet::new(vec![
        Feature::X1,
        Feature::X2,
        Feature::X1Squared,
        Feature::SinX2,
    ])
    .unwrap();
    let net = Network::new(&NetworkConfig::new(
        4,
        &[3],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Sigmoid),
    ))
    .unwrap();
    let step = inspect_point(
        &net,
        &features,
        [1.5, -0.5],
        &[1.0],
        Loss::BinaryCrossEntropy,
        Regularization::None,
    )
    .unwrap();
    assert_eq!(step.input, vec![1.5, -0.5, 2.25, (-0.5f32).sin()]);
    let shown = step.features.unwrap();
    assert_eq!(shown.point, [1.5, -0.5]);
    assert_eq!(shown.names, ["x1", "x2", "x1²", "sin(x2)"]);
    let two = FeatureSet::new(vec![Feature::X1, Feature::X2]).unwrap();
    assert!(matches!(
        inspect_point(
            &net,
            &two,
            [0.0, 0.0],
            &[1.0],
            Loss::BinaryCrossEntropy,
            Regularization::None
        ),
        Err(NnError::InputDim {
            expected: 4,
            got: 2
        })
    ));
}

#[test]
fn bad_samples_are_refused_with_their_error() {
    let net = Network::new(&NetworkConfig::new(
        2,
        &[3],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Linear),
    ))
    .unwrap();
    let mse = Loss::MeanSquaredError;
    let none = Regularization::None;
    assert!(matches!(
        inspect(&net, &[1.0], &[0.0], mse, none),
        Err(NnError::InputDim {
            expected: 2,
            got: 1
        })
    ));
    assert!(matches!(
        inspect(&net, &[1.0, 2.0], &[0.0, 1.0], mse, none),
        Err(NnError::TargetDim {
            expected: 1,
            got: 2
        })
    ));
    assert!(matches!(
        inspect(&net, &[f32::NAN, 2.0], &[0.0], mse, none),
        Err(NnError::BadHyperparameter {
            name: "sample input",
            ..
        })
    ));
    assert!(matches!(
        inspect(&net, &[1.0, 2.0], &[f32::INFINITY], mse, none),
        Err(NnError::BadHyperparameter {
            name: "sample target",
            ..
        })
    ));
    assert!(matches!(
        inspect(&net, &[1.0, 2.0], &[0.0], Loss::BinaryCrossEntropy, none),
        Err(NnError::Incompatible { .. })
    ));
    assert!(matches!(
        inspect(
            &net,
            &[1.0, 2.0],
            &[0.0],
            mse,
            Regularization::L2 { rate: -1.0 }
        ),
        Err(NnError::BadHyperparameter { .. })
    ));
}
