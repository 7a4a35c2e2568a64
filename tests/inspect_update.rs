//! The backprop inspector's update stage: the traced update must be the bits a real training
//! step writes, for every optimizer, with clipping and a scaled objective, and follow the
//! published SGD and Adam formulas.

use nnplay::nn::activation::Activation;
use nnplay::nn::inspect::inspect;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig};
use nnplay::nn::regularization::Regularization;
use nnplay::train::inspect_update::{
    StateKind, UpdateRule, UpdateTrace, inspect_step, inspect_update,
};
use nnplay::train::optim::{Optimizer, OptimizerState};
use nnplay::train::{Objective, PenaltyScale, TrainConfig, Trainer};

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn after_params(update: &UpdateTrace) -> Vec<f32> {
    update
        .layers
        .iter()
        .flat_map(|l| l.weights.after.iter().chain(&l.biases.after).copied())
        .collect()
}

/// For each optimizer, after a few real steps (so that the state is not zero), the traced update
/// on the next sample is bit for bit what `train_batch` on that sample then writes, and the
/// traced state before is the trainer's.
#[test]
fn the_traced_update_is_the_step_training_takes() {
    let config = NetworkConfig::new(
        3,
        &[4, 3],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Sigmoid),
    )
    .with_seed(4);
    let samples: [([f32; 3], [f32; 1]); 4] = [
        ([0.1, 0.5, -0.2], [1.0]),
        ([-1.0, 0.3, 0.8], [0.0]),
        ([0.6, -0.6, 0.1], [1.0]),
        ([0.2, 0.9, -0.4], [0.0]),
    ];
    for optimizer in Optimizer::all() {
        for (clip_norm, objective) in [
            (None, Objective::default()),
            (
                Some(0.05),
                Objective {
                    scale: 0.5,
                    penalty: PenaltyScale::PerSample,
                },
            ),
        ] {
            let mut net = Network::new(&config).unwrap();
            let train = TrainConfig {
                optimizer,
                learning_rate: 0.05,
                loss: Loss::BinaryCrossEntropy,
                regularization: Regularization::L2 { rate: 0.01 },
                clip_norm,
                ..TrainConfig::default()
            };
            let mut trainer = Trainer::new(train, &net)
                .unwrap()
                .with_objective(objective)
                .unwrap();
            for (x, y) in &samples[..3] {
                trainer.train_batch(&mut net, x, y, 1).unwrap();
            }
            let (x, y) = &samples[3];
            let traced = inspect_step(&trainer, &net, x, y).unwrap();
            let u = &traced.update;
            assert_eq!(u.step, 4, "{optimizer}");
            assert_eq!(u.gradient_scale, objective.scale);
            let before_state = trainer.optimizer_state().clone();
            trainer.train_batch(&mut net, x, y, 1).unwrap();
            assert_eq!(
                bits(&after_params(u)),
                bits(net.params()),
                "{optimizer}, clip {clip_norm:?}"
            );
            let used: Vec<f32> = u
                .layers
                .iter()
                .flat_map(|l| l.weights.gradient.iter().chain(&l.biases.gradient).copied())
                .collect();
            assert_eq!(
                bits(&used),
                bits(trainer.last_gradient()),
                "{optimizer}: gradient"
            );
            if let Some(c) = u.clipping {
                assert!(c.clipped, "a norm of 0.05 clips this gradient");
                let norm: f32 = used.iter().map(|g| g * g).sum::<f32>().sqrt();
                assert!((norm - 0.05).abs() < 1e-5);
            }
            // The state before is the trainer's; after, it is what the trainer now holds.
            let l0 = &u.layers[0].weights;
            for s in &l0.state {
                let (before, after) = match s.kind {
                    StateKind::Velocity | StateKind::FirstMoment => {
                        (&before_state.first, &trainer.optimizer_state().first)
                    }
                    StateKind::SecondMoment
                    | StateKind::SquaredGradientSum
                    | StateKind::MeanSquaredGradient => {
                        (&before_state.second, &trainer.optimizer_state().second)
                    }
                    _ => continue,
                };
                let range = net.layers()[0].weight_range();
                assert_eq!(
                    s.before.as_deref(),
                    Some(&before[range.clone()]),
                    "{optimizer}: {:?} before",
                    s.kind
                );
                assert_eq!(
                    &s.after[..],
                    &after[range],
                    "{optimizer}: {:?} after",
                    s.kind
                );
            }
        }
    }
}

/// SGD's update is W − η·∂L/∂W exactly; Adam's follows the published formula with its bias
/// corrections, recomputed here in f64 from the shown m and v.
#[test]
fn sgd_and_adam_updates_follow_their_formulas() {
    let net = Network::new(
        &NetworkConfig::new(
            2,
            &[3],
            Activation::Tanh,
            LayerConfig::new(1, Activation::Linear),
        )
        .with_seed(2),
    )
    .unwrap();
    let step = inspect(
        &net,
        &[0.4, -0.9],
        &[0.7],
        Loss::MeanSquaredError,
        Regularization::None,
    )
    .unwrap();
    let sgd = inspect_update(
        UpdateRule::new(Optimizer::Sgd, 0.1),
        &OptimizerState::default(),
        &net,
        &step,
    )
    .unwrap();
    for (l, layer) in sgd.layers.iter().enumerate() {
        for (k, &w) in layer.weights.before.iter().enumerate() {
            assert_eq!(
                layer.weights.after[k],
                w - 0.1 * step.layers[l].grad_weights[k]
            );
        }
        assert!(layer.weights.state.is_empty());
    }
    assert_eq!(sgd.bias_correction, None);

    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    let adam = Optimizer::Adam {
        beta1: b1,
        beta2: b2,
        eps,
    };
    let mut state = OptimizerState::default();
    let mut params = net.params().to_vec();
    // Two earlier steps, so that t = 3 and the corrections are not those of the first step.
    adam.step(0.01, &mut params, &step.gradient(), &mut state);
    adam.step(0.01, &mut params, &step.gradient(), &mut state);
    let moved = Network::from_params(net.config(), params).unwrap();
    let step3 = inspect(
        &moved,
        &[0.4, -0.9],
        &[0.7],
        Loss::MeanSquaredError,
        Regularization::None,
    )
    .unwrap();
    let u = inspect_update(UpdateRule::new(adam, 0.01), &state, &moved, &step3).unwrap();
    assert_eq!(u.step, 3);
    let c = u.bias_correction.unwrap();
    assert!((c.first as f64 - (1.0 - 0.9f64.powi(3))).abs() < 1e-6);
    assert!((c.second as f64 - (1.0 - 0.999f64.powi(3))).abs() < 1e-6);
    for layer in &u.layers {
        let w = &layer.weights;
        let kinds: Vec<StateKind> = w.state.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                StateKind::FirstMoment,
                StateKind::SecondMoment,
                StateKind::FirstMomentCorrected,
                StateKind::SecondMomentCorrected
            ]
        );
        let (m0, v0) = (
            w.state[0].before.as_ref().unwrap(),
            w.state[1].before.as_ref().unwrap(),
        );
        for k in 0..w.before.len() {
            let g = w.gradient[k] as f64;
            let m = 0.9 * m0[k] as f64 + 0.1 * g;
            let v = 0.999 * v0[k] as f64 + 0.001 * g * g;
            let (mh, vh) = (m / (1.0 - 0.9f64.powi(3)), v / (1.0 - 0.999f64.powi(3)));
            // 1 − β₂ᵗ = 0.003 is computed in f32 by the library: a relative error of ~2e-5.
            assert!((w.state[2].after[k] as f64 - mh).abs() <= 1e-4 * mh.abs().max(1e-6));
            assert!((w.state[3].after[k] as f64 - vh).abs() <= 1e-4 * vh.abs().max(1e-9));
            let want = w.before[k] as f64 - 0.01 * mh / (vh.sqrt() + 1e-8);
            assert!(
                (w.after[k] as f64 - want).abs() <= 1e-6,
                "Adam weight {k}: {} vs {want}",
                w.after[k]
            );
        }
    }
}
