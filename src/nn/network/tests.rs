//! Unit tests of the network: the row path against the unit-major path, gradients, shapes and rejections.

use super::*;
use crate::nn::activation::StepGradient;
use rand::RngExt;

/// The row path on a batch, whatever the layer sizes (the unit-major path's reference).
fn rows_gradient(net: &Network, batch: &Batch, ws: &mut Workspace, grads: &mut [f32]) -> f32 {
    net.loss_and_gradient_rows(batch, ws, grads, None)
}

fn values(n: usize, seed: u32) -> Vec<f32> {
    (0..n)
        .map(|i| {
            (((i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) >> 8) % 1000) as f32 / 500.0
                - 1.0
        })
        .collect()
}

/// The unit-major passes (small layers) and the row passes (wide layers) are two
/// implementations of one definition: on the same network and batch they must agree. The
/// batch sizes cover the unit-major path's constant-lane bodies (1 to 16 samples) and its
/// general one (33).
#[test]
fn unit_major_and_row_passes_agree() {
    let hidden = [
        Activation::Tanh,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::LeakyRelu { slope: 0.1 },
        Activation::Elu { alpha: 1.0 },
        Activation::Gelu,
        Activation::Step {
            gradient: StepGradient::StraightThrough,
        },
    ];
    let heads = [
        (
            LayerConfig::new(1, Activation::Linear),
            Loss::MeanSquaredError,
        ),
        (
            LayerConfig::new(1, Activation::Sigmoid),
            Loss::BinaryCrossEntropy,
        ),
        (
            LayerConfig::new(1, Activation::Sigmoid),
            Loss::MeanSquaredError,
        ),
        (
            LayerConfig::new(3, Activation::Softmax),
            Loss::CategoricalCrossEntropy,
        ),
        (
            LayerConfig::new(2, Activation::Tanh),
            Loss::Huber { delta: 1.0 },
        ),
    ];
    let mut rng = rng_from_seed(7);
    for (h, &act) in hidden.iter().enumerate() {
        for (head, loss) in &heads {
            for rows in [1usize, 10, 13, 33] {
                let mut config =
                    NetworkConfig::new(5, &[7, 4, 9], act, head.clone()).with_seed(h as u64);
                config.layers[1].regularization = Some(Regularization::L2 { rate: 0.01 });
                let net = Network::new(&config).unwrap();
                assert!(unit_major::suits(net.layers()));
                let x: Vec<f32> = (0..rows * 5)
                    .map(|_| rng.random::<f32>() * 4.0 - 2.0)
                    .collect();
                let y: Vec<f32> = (0..rows)
                    .flat_map(|r| {
                        let k = head.units;
                        (0..k).map(move |j| {
                            if *loss == Loss::CategoricalCrossEntropy {
                                (r % k == j) as u8 as f32
                            } else {
                                ((r + j) % 2) as f32
                            }
                        })
                    })
                    .collect();
                let reg = Regularization::L1 { rate: 0.001 };
                let batch = Batch {
                    samples: Samples::Rows(&x),
                    rows,
                    y: &y,
                    loss: *loss,
                    regularization: reg,
                };
                let (mut g_units, mut g_rows) =
                    (vec![0.0; net.n_params()], vec![0.0; net.n_params()]);
                let mut ws = Workspace::default();
                let v_units = net.loss_and_gradient_on(&batch, &mut ws, &mut g_units, None);
                let v_rows = rows_gradient(&net, &batch, &mut ws, &mut g_rows);
                let what = format!("{act} → {} / {loss}, {rows} rows", head.activation);
                // Reading the batch in place from a larger, reordered data set, or from a
                // unit-major copy, is the same pass on either path.
                let mut data = vec![9.0; 5];
                x.chunks_exact(5)
                    .rev()
                    .for_each(|r| data.extend_from_slice(r));
                let pick: Vec<usize> = (0..rows).map(|r| rows - r).collect();
                let units = unit_major::to_units(&x, rows, 5);
                for samples in [Samples::Picked(&data, &pick), Samples::Units(&units)] {
                    let other = Batch { samples, ..batch };
                    let mut g = vec![0.0; net.n_params()];
                    let v = net.loss_and_gradient_on(&other, &mut ws, &mut g, None);
                    assert_eq!((v, &g), (v_units, &g_units), "{what}: {samples:?}");
                    let v = rows_gradient(&net, &other, &mut ws, &mut g);
                    assert_eq!((v, &g), (v_rows, &g_rows), "{what}: rows, {samples:?}");
                }
                assert!(
                    (v_units - v_rows).abs() <= 1e-5 * v_rows.abs().max(1.0),
                    "{what}: loss {v_units} vs {v_rows}"
                );
                for (i, (a, b)) in g_units.iter().zip(&g_rows).enumerate() {
                    assert!(
                        (a - b).abs() <= 1e-5 + 1e-4 * b.abs(),
                        "{what}: gradient {i}: {a} vs {b}"
                    );
                }
                // And the forward pass read back in rows matches the row pass.
                net.forward(&x, rows, &mut ws);
                let by_units: Vec<(Vec<f32>, Vec<f32>)> = (0..4)
                    .map(|l| (ws.layer(l).z.clone(), ws.layer(l).a.clone()))
                    .collect();
                net.forward_rows(&x, rows, &mut ws, None);
                for (l, (z, a)) in by_units.iter().enumerate() {
                    let by_rows = ws.layer(l);
                    for (got, want) in z.iter().zip(&by_rows.z).chain(a.iter().zip(&by_rows.a)) {
                        assert!(
                            (got - want).abs() <= 1e-5 + 1e-5 * want.abs(),
                            "{what}: layer {l} value {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}

/// A workspace that ran batches of other sizes gives the bits of a fresh one, on networks
/// like the playground's (a linear output fused with squared error, a sigmoid output with
/// cross-entropy, no hidden layer, Huber) and batches that shrink and grow between calls,
/// as the last batch of an epoch does: 40 samples leave the whole-network step's range and
/// come back.
#[test]
fn a_reused_workspace_gives_the_bits_of_a_fresh_one() {
    let cases = [
        (2, vec![4, 2], Activation::Linear, Loss::MeanSquaredError),
        (7, vec![8; 6], Activation::Linear, Loss::MeanSquaredError),
        (
            3,
            vec![5, 1, 9],
            Activation::Sigmoid,
            Loss::BinaryCrossEntropy,
        ),
        (1, vec![], Activation::Tanh, Loss::MeanSquaredError),
        (4, vec![3], Activation::Linear, Loss::Huber { delta: 0.5 }),
    ];
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let data_rows = 40;
    for (c, (in_dim, hidden, output, loss)) in cases.into_iter().enumerate() {
        let mut config = NetworkConfig::new(
            in_dim,
            &hidden,
            Activation::Tanh,
            LayerConfig::new(1, output),
        )
        .with_seed(c as u64 + 1);
        config.layers[0].regularization = Some(Regularization::L2 { rate: 0.01 });
        let net = Network::new(&config).unwrap();
        let x = values(data_rows * in_dim, 11 + c as u32);
        let y: Vec<f32> = values(data_rows, 13 + c as u32)
            .iter()
            .map(|v| {
                if loss.uses_logits() {
                    (v + 1.0) / 2.0
                } else {
                    3.0 * v
                }
            })
            .collect();
        let mut reused = Workspace::default();
        for (call, rows) in [10, 16, 3, 1, 12, 7, 10, 5, 40].into_iter().enumerate() {
            let pick: Vec<usize> = (0..rows).map(|r| (r * 7 + call * 5) % data_rows).collect();
            let yb: Vec<f32> = pick.iter().map(|&i| y[i]).collect();
            let batch = Batch {
                samples: Samples::Picked(&x, &pick),
                rows,
                y: &yb,
                loss,
                regularization: Regularization::None,
            };
            let mut g_reused = vec![f32::NAN; net.n_params()];
            let v_reused = net.loss_and_gradient_on(&batch, &mut reused, &mut g_reused, None);
            let mut fresh = Workspace::default();
            let mut g_fresh = vec![0.0; net.n_params()];
            let v_fresh = net.loss_and_gradient_on(&batch, &mut fresh, &mut g_fresh, None);
            let what = format!("case {c}, call {call}, {rows} rows");
            assert!(v_reused.is_finite() && v_reused > 0.0, "{what}");
            assert_eq!(v_reused.to_bits(), v_fresh.to_bits(), "loss, {what}");
            assert_eq!(bits(&g_reused), bits(&g_fresh), "gradient, {what}");
            assert_eq!(
                bits(reused.output()),
                bits(fresh.output()),
                "outputs, {what}"
            );
            assert_eq!(reused.output().len(), rows, "{what}");
        }
    }
}

/// The whole-network step gives the general unit-major body's loss, gradient and outputs bit
/// for bit: batches of 1 to 16 samples that shrink and grow between calls (its padding lanes
/// keep earlier samples), widths 1 to 9, each kind of output it takes, a per-layer penalty.
#[test]
fn whole_network_step_matches_the_general_body_bit_for_bit() {
    use crate::nn::unit_major::{UnitBuffers, general_loss_and_gradient, whole_network_suits};
    let cases = [
        (2, vec![4, 2], Activation::Linear, Loss::MeanSquaredError),
        (7, vec![8; 6], Activation::Linear, Loss::MeanSquaredError),
        (
            3,
            vec![5, 1, 9],
            Activation::Sigmoid,
            Loss::BinaryCrossEntropy,
        ),
        (1, vec![], Activation::Tanh, Loss::MeanSquaredError),
        (4, vec![3], Activation::Linear, Loss::Huber { delta: 0.5 }),
        (5, vec![6, 6], Activation::Sigmoid, Loss::MeanSquaredError),
    ];
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let data_rows = 40;
    for (c, (in_dim, hidden, output, loss)) in cases.into_iter().enumerate() {
        let mut config = NetworkConfig::new(
            in_dim,
            &hidden,
            Activation::Tanh,
            LayerConfig::new(1, output),
        )
        .with_seed(c as u64 + 1);
        config.layers[0].regularization = Some(Regularization::L2 { rate: 0.01 });
        let net = Network::new(&config).unwrap();
        let (shapes, params) = (net.layers(), net.params());
        let x = values(data_rows * in_dim, 11 + c as u32);
        let y: Vec<f32> = values(data_rows, 13 + c as u32)
            .iter()
            .map(|v| {
                if loss.uses_logits() {
                    (v + 1.0) / 2.0
                } else {
                    3.0 * v
                }
            })
            .collect();
        let mut whole = UnitBuffers::default();
        for (call, rows) in [10, 16, 3, 1, 12, 7, 10, 5].into_iter().enumerate() {
            let pick: Vec<usize> = (0..rows).map(|r| (r * 7 + call * 5) % data_rows).collect();
            let yb: Vec<f32> = pick.iter().map(|&i| y[i]).collect();
            assert!(whole_network_suits(shapes, rows));
            let batch = Batch {
                samples: Samples::Picked(&x, &pick),
                rows,
                y: &yb,
                loss,
                regularization: Regularization::None,
            };
            let mut g_whole = vec![f32::NAN; params.len()];
            let v_whole = unit_major::loss_and_gradient(
                shapes,
                params,
                &batch,
                &mut whole,
                &mut g_whole,
                None,
            );
            let mut general = UnitBuffers::default();
            let mut g_general = vec![0.0; params.len()];
            let v_general = general_loss_and_gradient(
                shapes,
                params,
                &batch,
                &mut general,
                &mut g_general,
                None,
            );
            let what = format!("case {c}, call {call}, {rows} rows");
            assert!(v_whole.is_finite() && v_whole > 0.0, "{what}");
            assert_eq!(v_whole.to_bits(), v_general.to_bits(), "loss, {what}");
            assert_eq!(bits(&g_whole), bits(&g_general), "gradient, {what}");
            assert_eq!(
                bits(whole.output_rows()),
                bits(general.output_rows()),
                "outputs, {what}"
            );
        }
    }
    // What it does not take: other hidden activations, dropout, several outputs, big batches.
    let shapes_of = |config: NetworkConfig| Network::new(&config).unwrap().layers().to_vec();
    let tanh = NetworkConfig::new(
        2,
        &[4],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Linear),
    );
    assert!(whole_network_suits(&shapes_of(tanh.clone()), 16));
    assert!(!whole_network_suits(&shapes_of(tanh.clone()), 17));
    let relu = NetworkConfig::new(
        2,
        &[4],
        Activation::Relu,
        LayerConfig::new(1, Activation::Linear),
    );
    assert!(!whole_network_suits(&shapes_of(relu), 10));
    let softmax = NetworkConfig::new(
        2,
        &[4],
        Activation::Tanh,
        LayerConfig::new(3, Activation::Softmax),
    );
    assert!(!whole_network_suits(&shapes_of(softmax), 10));
    let mut dropped = tanh;
    dropped.layers[0].dropout = 0.5;
    assert!(!whole_network_suits(&shapes_of(dropped), 10));
}

/// Every way of handing over the samples, and both `Keep`s, give the same activations, and
/// each neuron's values read back unit-major match the row-major prediction.
#[test]
fn samples_in_rows_picked_or_unit_major_give_the_same_forward_pass() {
    use crate::nn::unit_major::{UnitBuffers, forward, to_units};
    for out_dim in [2, 1] {
        let config = NetworkConfig::new(
            3,
            &[5, 4],
            Activation::Tanh,
            LayerConfig::new(out_dim, Activation::Sigmoid),
        )
        .with_seed(7);
        let net = Network::new(&config).unwrap();
        let (shapes, params) = (net.layers(), net.params());
        let rows = 11;
        let x = values(rows * 3, 9);
        // Picked: the same samples in reverse order from a reversed copy.
        let reversed: Vec<f32> = x.chunks_exact(3).rev().flatten().copied().collect();
        let pick: Vec<usize> = (0..rows).rev().collect();
        let units = to_units(&x, rows, 3);
        let run = |samples: Samples, keep: Keep| {
            let mut ub = UnitBuffers::default();
            forward(shapes, params, samples, rows, keep, &mut ub, None);
            let mut scratch = Vec::new();
            let mut all = Vec::new();
            for (l, s) in shapes.iter().enumerate() {
                for u in 0..s.out_dim {
                    all.extend(
                        ub.neuron_values(l, u, &mut scratch)
                            .iter()
                            .map(|v| v.to_bits()),
                    );
                }
            }
            (all, ub.output_rows().to_vec())
        };
        let reference = run(Samples::Rows(&x), Keep::PreActivations);
        assert_eq!(reference.0.len(), (5 + 4 + out_dim) * rows);
        assert_eq!(
            run(Samples::Picked(&reversed, &pick), Keep::PreActivations),
            reference
        );
        assert_eq!(run(Samples::Units(&units), Keep::PreActivations), reference);
        assert_eq!(run(Samples::Units(&units), Keep::Needed), reference);
        let direct = net
            .predict(Array2::from_shape_vec((rows, 3), x.clone()).unwrap().view())
            .unwrap();
        assert_eq!(reference.1.len(), direct.len());
        for (got, want) in reference.1.iter().zip(direct.iter()) {
            assert!((got - want).abs() < 1e-6);
        }
    }
}

/// Dropout draws its mask from the rng in a fixed order, so with the same seed every
/// evaluation drops the same units and the gradient can be checked by finite differences,
/// on both paths.
#[test]
fn dropout_gradients_match_finite_differences_under_the_same_mask() {
    let mut config = NetworkConfig::new(
        3,
        &[6, 5],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Linear),
    )
    .with_seed(3);
    config.layers[0].dropout = 0.4;
    config.layers[1].dropout = 0.3;
    let net = Network::new(&config).unwrap();
    let rows = 7;
    let x: Vec<f32> = (0..rows * 3)
        .map(|i| ((i * 37 % 11) as f32 / 5.5) - 1.0)
        .collect();
    let y: Vec<f32> = (0..rows).map(|r| (r % 3) as f32 - 1.0).collect();
    let batch = Batch {
        samples: Samples::Rows(&x),
        rows,
        y: &y,
        loss: Loss::MeanSquaredError,
        regularization: Regularization::None,
    };
    for units in [true, false] {
        let eval = |n: &Network, grads: &mut [f32]| {
            let mut ws = Workspace::default();
            let rng = Some(&mut rng_from_seed(11));
            if units {
                n.loss_and_gradient_on(&batch, &mut ws, grads, rng)
            } else {
                n.loss_and_gradient_rows(&batch, &mut ws, grads, rng)
            }
        };
        let mut grads = vec![0.0; net.n_params()];
        eval(&net, &mut grads);
        let mut plain = vec![0.0; net.n_params()];
        net.loss_and_gradient_on(&batch, &mut Workspace::default(), &mut plain, None);
        assert!(
            grads.iter().zip(&plain).any(|(a, b)| (a - b).abs() > 1e-4),
            "dropout changed nothing"
        );
        let h = 1e-2;
        let mut scratch = vec![0.0; net.n_params()];
        for i in 0..net.n_params() {
            let shifted = |d: f32| {
                let mut p = net.params().to_vec();
                p[i] += d;
                Network::from_params(&config, p).unwrap()
            };
            let fd =
                (eval(&shifted(h), &mut scratch) - eval(&shifted(-h), &mut scratch)) / (2.0 * h);
            assert!(
                (fd - grads[i]).abs() <= 2e-3 + 2e-2 * fd.abs(),
                "units={units} parameter {i}: analytic {} vs numeric {fd}",
                grads[i]
            );
        }
    }
}
