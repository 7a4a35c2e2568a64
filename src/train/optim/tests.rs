//! Unit tests of the optimizers: each update rule bit for bit against its textbook form, and refused steps.

use super::*;

/// SGD's out-of-place step gives the in-place step's bits, leaves the parameters as they were,
/// and finds a non-finite gradient (∞, −∞, NaN, at any learning rate) or an overflowing
/// update at every position of the 8-wide pass and its scalar rest.
#[test]
fn sgd_step_into_matches_the_in_place_step_and_checks_the_gradient() {
    let n = 19;
    let params: Vec<f32> = (0..n).map(|i| i as f32 * 0.37 - 2.0).collect();
    let grads: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 * 0.113).collect();
    let (mut in_place, mut out) = (params.clone(), vec![7.0; 3]);
    let (mut state_a, mut state_b) = (OptimizerState::default(), OptimizerState::default());
    assert!(Optimizer::Sgd.step_checked(0.03, &mut in_place, &grads, &mut state_a));
    assert_eq!(
        Optimizer::Sgd.step_into(0.03, &params, &grads, &mut out, &mut state_b),
        Some(true)
    );
    assert_eq!(
        out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        in_place.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(state_b.t, state_a.t);
    for at in 0..n {
        for (bad_value, lr) in [
            (f32::INFINITY, 0.1),
            (f32::NEG_INFINITY, 0.1),
            (f32::NAN, 0.1),
            (f32::INFINITY, 0.0),
        ] {
            let mut bad = grads.clone();
            bad[at] = bad_value;
            let found = Optimizer::Sgd.step_into(
                lr,
                &params,
                &bad,
                &mut out,
                &mut OptimizerState::default(),
            );
            assert_eq!(found, Some(false), "gradient {bad_value} at {at}, lr {lr}");
        }
    }
    let big = vec![3.0e38f32; 9];
    assert_eq!(
        Optimizer::Sgd.step_into(
            10.0,
            &big,
            &[-1.0e38; 9],
            &mut out,
            &mut OptimizerState::default()
        ),
        Some(false)
    );
    for opt in Optimizer::all()
        .into_iter()
        .filter(|o| !matches!(o, Optimizer::Sgd))
    {
        assert_eq!(
            opt.step_into(
                0.1,
                &params,
                &grads,
                &mut out,
                &mut OptimizerState::default()
            ),
            None,
            "{opt} updates in place"
        );
    }
}

/// `step_checked` sees a non-finite parameter wherever it lands (SGD's pass runs in chunks of
/// eight and a remainder), for every optimizer, and SGD's fused pass updates as p − lr·g.
#[test]
fn step_checked_reports_a_non_finite_parameter_anywhere() {
    let n = 19;
    let params: Vec<f32> = (0..n).map(|i| i as f32 * 0.25 - 2.0).collect();
    let grads: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 * 0.125).collect();
    let mut sgd = params.clone();
    assert!(Optimizer::Sgd.step_checked(0.1, &mut sgd, &grads, &mut OptimizerState::default()));
    let want: Vec<f32> = params
        .iter()
        .zip(&grads)
        .map(|(p, g)| p - 0.1 * g)
        .collect();
    assert_eq!(sgd, want);
    for opt in Optimizer::all() {
        assert!(
            opt.step_checked(
                0.1,
                &mut params.clone(),
                &grads,
                &mut OptimizerState::default()
            ),
            "{opt}"
        );
        for at in 0..n {
            let mut bad = grads.clone();
            bad[at] = f32::INFINITY;
            let mut p = params.clone();
            assert!(
                !opt.step_checked(0.1, &mut p, &bad, &mut OptimizerState::default()),
                "{opt}, infinite gradient at {at}"
            );
        }
    }
    // An update that overflows a finite parameter.
    let mut p = vec![3.0e38f32; 9];
    assert!(!Optimizer::Sgd.step_checked(
        10.0,
        &mut p,
        &[-1.0e38; 9],
        &mut OptimizerState::default()
    ));
}

/// Adam's one-pass update (eight lanes at a time, AVX2 where the CPU has it) gives the bits of
/// the textbook update written value by value, with AdamW's decay as a pass of its own first.
#[test]
fn adam_and_adamw_give_the_textbook_update_bit_for_bit() {
    let n = 37;
    let (lr, beta1, beta2, eps, decay) = (0.01f32, 0.9f32, 0.999f32, 1e-7f32, 0.05f32);
    for opt in [
        Optimizer::Adam { beta1, beta2, eps },
        Optimizer::AdamW {
            beta1,
            beta2,
            eps,
            weight_decay: decay,
        },
    ] {
        let mut params: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
        let (mut want, mut m, mut v) = (params.clone(), vec![0.0f32; n], vec![0.0f32; n]);
        let mut state = OptimizerState::default();
        for t in 1..=3 {
            let grads: Vec<f32> = (0..n)
                .map(|i| ((i * t) as f32 * 0.91).cos() * 0.3)
                .collect();
            assert!(opt.step_checked(lr, &mut params, &grads, &mut state));
            if let Optimizer::AdamW { .. } = opt {
                want.iter_mut().for_each(|p| *p *= 1.0 - lr * decay);
            }
            let (c1, c2) = (1.0 - beta1.powi(t as i32), 1.0 - beta2.powi(t as i32));
            for i in 0..n {
                m[i] = beta1 * m[i] + (1.0 - beta1) * grads[i];
                v[i] = beta2 * v[i] + (1.0 - beta2) * grads[i] * grads[i];
                want[i] -= lr / c1 * m[i] / ((v[i] * (1.0 / c2)).sqrt() + eps);
            }
            assert_eq!(
                params.iter().map(|p| p.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|p| p.to_bits()).collect::<Vec<_>>(),
                "{opt}, step {t}"
            );
        }
    }
}
