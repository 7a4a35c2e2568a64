//! The loss landscape: its centre is the training loss the library reports, its directions are
//! filter-normalised (Li et al. 2018), a seed gives the same grid, and weight vectors in the
//! plane project back to their coordinates.

use ndarray::Array2;
use nnplay::NnError;
use nnplay::data::DatasetKind;
use nnplay::data::synthetic::generate;
use nnplay::nn::activation::Activation;
use nnplay::nn::evaluate::PenaltyTerm;
use nnplay::nn::init::Initializer;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig};
use nnplay::nn::regularization::Regularization;
use nnplay::train::landscape::{BiasDirection, Landscape, LandscapeConfig};
use nnplay::train::optim::Optimizer;
use nnplay::train::{TrainConfig, Trainer};

fn data() -> (Array2<f32>, Array2<f32>) {
    let ds = generate(DatasetKind::Circle, 120, 0.1, 3).unwrap();
    (ds.x.clone(), ds.target_matrix())
}

/// A 2 → 6 → 4 → 1 classifier trained a little, with a penalty on every kernel and one of its
/// own on the middle layer.
fn trained() -> (Network, TrainConfig) {
    let mut config = NetworkConfig::new(
        2,
        &[6, 4],
        Activation::Tanh,
        LayerConfig::new(1, Activation::Sigmoid),
    )
    .with_seed(5);
    config.layers[1].regularization = Some(Regularization::L1 { rate: 0.003 });
    let mut net = Network::new(&config).unwrap();
    let train = TrainConfig {
        optimizer: Optimizer::adam(),
        learning_rate: 0.03,
        loss: Loss::BinaryCrossEntropy,
        regularization: Regularization::L2 { rate: 0.002 },
        batch_size: 10,
        ..TrainConfig::default()
    };
    let (x, y) = data();
    let mut trainer = Trainer::new(train.clone(), &net).unwrap();
    trainer
        .train_steps(&mut net, x.view(), y.view(), 30)
        .unwrap();
    (net, train)
}

fn config(
    train: &TrainConfig,
    seed: u64,
    biases: BiasDirection,
    penalty: PenaltyTerm,
) -> LandscapeConfig {
    LandscapeConfig {
        seed,
        biases,
        loss: train.loss,
        regularization: train.regularization,
        penalty,
    }
}

fn close(a: f32, b: f32, rel: f32) -> bool {
    (a - b).abs() <= rel * b.abs().max(f32::MIN_POSITIVE)
}

#[test]
fn the_centre_is_the_reported_training_loss() {
    let (net, train) = trained();
    let (x, y) = data();
    // With penalties: Network::evaluate_loss, what training minimises.
    let with = Landscape::new(
        &net,
        config(&train, 1, BiasDirection::Zero, PenaltyTerm::Included),
    )
    .unwrap();
    let grid = with.grid(x.view(), y.view(), 9, 1.0).unwrap();
    let reported = net
        .evaluate_loss(x.view(), y.view(), train.loss, train.regularization)
        .unwrap();
    assert_eq!(grid.coords[4], 0.0);
    assert!(
        close(grid.values[4 * 9 + 4], reported, 1e-6),
        "{} vs {reported}",
        grid.values[40]
    );
    assert!(close(
        with.loss_at(x.view(), y.view(), 0.0, 0.0).unwrap(),
        reported,
        1e-6
    ));
    // Without: the loss of the data alone, as the page's chart shows it (no penalty anywhere).
    let without = Landscape::new(
        &net,
        config(&train, 1, BiasDirection::Zero, PenaltyTerm::Excluded),
    )
    .unwrap();
    let mut plain_config = net.config().clone();
    plain_config
        .layers
        .iter_mut()
        .for_each(|l| l.regularization = None);
    let plain = Network::from_params(&plain_config, net.params().to_vec()).unwrap();
    let data_loss = plain
        .evaluate_loss(x.view(), y.view(), train.loss, Regularization::None)
        .unwrap();
    let centre = without.grid(x.view(), y.view(), 5, 0.5).unwrap().values[2 * 5 + 2];
    assert!(close(centre, data_loss, 1e-6), "{centre} vs {data_loss}");
    assert!(data_loss < reported, "the penalties add to the loss");
    // Away from the centre the loss changes (the plane is not flat) and is smallest near θ for a
    // trained network only roughly, so just check it varies.
    assert!(grid.max > grid.min);
}

#[test]
fn a_seed_gives_the_same_grid_and_another_seed_another() {
    let (net, train) = trained();
    let (x, y) = data();
    let at = |seed| {
        Landscape::new(
            &net,
            config(
                &train,
                seed,
                BiasDirection::WithFilter,
                PenaltyTerm::Excluded,
            ),
        )
        .unwrap()
        .grid(x.view(), y.view(), 7, 2.0)
        .unwrap()
    };
    let (a, b, c) = (at(11), at(11), at(12));
    let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a.values), bits(&b.values));
    assert_ne!(bits(&a.values), bits(&c.values));
    // A row computed alone is the same row of the grid.
    let land = Landscape::new(
        &net,
        config(&train, 11, BiasDirection::WithFilter, PenaltyTerm::Excluded),
    )
    .unwrap();
    assert_eq!(
        land.grid_row(x.view(), y.view(), 7, 2.0, 5).unwrap(),
        a.values[5 * 7..6 * 7].to_vec()
    );
    // So is any run of cells, across row ends, and a run past the end is cut at the end.
    assert_eq!(
        land.grid_cells(x.view(), y.view(), 7, 2.0, 10, 9).unwrap(),
        a.values[10..19].to_vec()
    );
    assert_eq!(
        land.grid_cells(x.view(), y.view(), 7, 2.0, 45, 100)
            .unwrap(),
        a.values[45..].to_vec()
    );
    assert!(
        land.grid_cells(x.view(), y.view(), 7, 2.0, 60, 5)
            .unwrap()
            .is_empty()
    );
}

/// Each unit's direction has the norm of that unit's incoming weights (Li et al.'s filter
/// normalisation for a dense layer); biases are zero or part of their unit's filter.
#[test]
fn directions_are_filter_normalised() {
    let (net, train) = trained();
    let p = net.params();
    for biases in [BiasDirection::Zero, BiasDirection::WithFilter] {
        let land = Landscape::new(&net, config(&train, 3, biases, PenaltyTerm::Excluded)).unwrap();
        let (d1, d2) = land.directions();
        for d in [d1, d2] {
            for s in net.layers() {
                for j in 0..s.out_dim {
                    let mut idx: Vec<usize> = (0..s.in_dim)
                        .map(|i| s.offset + i * s.out_dim + j)
                        .collect();
                    let b = s.bias_range().start + j;
                    match biases {
                        BiasDirection::Zero => assert_eq!(d[b], 0.0),
                        BiasDirection::WithFilter => idx.push(b),
                    }
                    let norm = |v: &[f32]| {
                        idx.iter()
                            .map(|&k| (v[k] as f64).powi(2))
                            .sum::<f64>()
                            .sqrt()
                    };
                    let (want, got) = (norm(p), norm(d));
                    assert!(
                        (got - want).abs() <= 1e-5 * want,
                        "{biases:?} unit {j}: {got} vs {want}"
                    );
                }
            }
        }
        assert_ne!(d1, d2);
    }
}

#[test]
fn points_of_the_plane_project_back_to_their_coordinates() {
    let (net, train) = trained();
    let land = Landscape::new(
        &net,
        config(&train, 8, BiasDirection::Zero, PenaltyTerm::Excluded),
    )
    .unwrap();
    let (d1, d2) = land.directions();
    let theta = land.center();
    let at = |a: f64, b: f64| -> Vec<f32> {
        theta
            .iter()
            .zip(d1.iter().zip(d2))
            .map(|(&t, (&u, &v))| (t as f64 + a * u as f64 + b * v as f64) as f32)
            .collect()
    };
    let path = [at(0.0, 0.0), at(0.3, -0.7), at(-1.25, 0.5), at(2.0, 2.0)];
    let found = land.project_path(path.iter().map(|w| &w[..])).unwrap();
    for (p, (a, b)) in found
        .iter()
        .zip([(0.0, 0.0), (0.3, -0.7), (-1.25, 0.5), (2.0, 2.0)])
    {
        assert!(
            (p.alpha - a).abs() < 1e-5 && (p.beta - b).abs() < 1e-5,
            "{p:?} vs ({a}, {b})"
        );
        assert!(p.off_plane_share < 1e-5, "{p:?}");
    }
    // The directions are not orthogonal, so projecting on each alone would be wrong: the least
    // squares answer leaves a residual orthogonal to both.
    let dot: f64 = d1.iter().zip(d2).map(|(&a, &b)| a as f64 * b as f64).sum();
    assert!(
        dot.abs() > 1e-3,
        "random directions are not exactly orthogonal ({dot})"
    );
    let w: Vec<f32> = theta
        .iter()
        .enumerate()
        .map(|(i, &t)| t + ((i * 31 % 17) as f32 - 8.0) * 0.01)
        .collect();
    let p = land.project(&w).unwrap();
    let r: Vec<f64> = (0..w.len())
        .map(|i| {
            (w[i] - theta[i]) as f64 - p.alpha as f64 * d1[i] as f64 - p.beta as f64 * d2[i] as f64
        })
        .collect();
    for d in [d1, d2] {
        let along: f64 = r.iter().zip(d).map(|(r, &d)| r * d as f64).sum();
        let scale: f64 = d.iter().map(|&v| (v as f64).powi(2)).sum::<f64>().sqrt()
            * r.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!(
            along.abs() <= 1e-5 * scale,
            "residual not orthogonal: {along} of {scale}"
        );
    }
    assert!((p.off_plane as f64 - r.iter().map(|v| v * v).sum::<f64>().sqrt()).abs() < 1e-5);
    assert!(p.off_plane_share > 0.1 && p.off_plane_share <= 1.0);
    assert!(matches!(
        land.project(&w[1..]),
        Err(NnError::Architecture(_))
    ));
}

#[test]
fn bad_requests_are_refused() {
    let (net, train) = trained();
    let (x, y) = data();
    let land = Landscape::new(
        &net,
        config(&train, 1, BiasDirection::Zero, PenaltyTerm::Excluded),
    )
    .unwrap();
    assert!(matches!(
        land.grid(x.view(), y.view(), 1, 1.0),
        Err(NnError::BadHyperparameter { .. })
    ));
    assert!(matches!(
        land.grid(x.view(), y.view(), 300, 1.0),
        Err(NnError::BadHyperparameter { .. })
    ));
    assert!(matches!(
        land.grid(x.view(), y.view(), 5, f32::NAN),
        Err(NnError::BadHyperparameter { .. })
    ));
    assert!(matches!(
        land.grid_row(x.view(), y.view(), 5, 1.0, 5),
        Err(NnError::BadHyperparameter { .. })
    ));
    assert!(matches!(
        land.grid(y.view(), y.view(), 5, 1.0),
        Err(NnError::InputDim { .. })
    ));
    // All-zero weights leave nothing to scale the directions to.
    let zeros = Network::new(&net.config().clone().with_initializer(Initializer::Zeros)).unwrap();
    assert!(matches!(
        Landscape::new(
            &zeros,
            config(&train, 1, BiasDirection::Zero, PenaltyTerm::Excluded)
        ),
        Err(NnError::Config(_))
    ));
    let mse = LandscapeConfig {
        loss: Loss::CategoricalCrossEntropy,
        ..config(&train, 1, BiasDirection::Zero, PenaltyTerm::Excluded)
    };
    assert!(matches!(
        Landscape::new(&net, mse),
        Err(NnError::Incompatible { .. })
    ));
}
