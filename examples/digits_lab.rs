//! How fast the digits lab's networks learn, to choose the page's defaults for image sets:
//! epochs and seconds of training until 784-64-64-10 reaches 92 % test accuracy on the MNIST
//! subset and the 8 × 8 digits reach 97 %, for a grid of learning rates, batch sizes, hidden
//! activations and train shares, all with Adam. Data, split, network and training are made
//! exactly as the page makes them (`PlaygroundConfig::network_config` and `train_config`:
//! the shipped values in [0, 1], not standardised; the split's and the weights' seed 1); only
//! the hidden widths go past the page's present limit of 32 units.
//!
//! Run with `cargo run --release --example digits_lab [mnist|digits]`. Seconds count
//! training only (the test accuracy after each epoch is not timed) and depend on the machine.

use std::time::{Duration, Instant};

use nnplay::data::{DatasetKind, builtin};
use nnplay::nn::activation::Activation;
use nnplay::nn::network::Network;
use nnplay::playground::{HiddenLayer, PlaygroundConfig};
use nnplay::train::Trainer;
use nnplay::train::metrics::accuracy;
use nnplay::train::optim::Optimizer;

/// One data set's measurement: its target and how long a run may go on.
struct Case {
    kind: DatasetKind,
    hidden: &'static [usize],
    target: f32,
    max_epochs: usize,
    /// The budget for MNIST: the target in under 60 s of training.
    max_time: Duration,
}

/// What one run reached.
struct Outcome {
    /// First epoch at or above the target, and the training seconds until then.
    reached: Option<(usize, f64)>,
    best: f32,
    best_epoch: usize,
    epochs: usize,
    seconds: f64,
}

fn run(
    case: &Case,
    activation: Activation,
    train_percent: u32,
    lr: f32,
    batch: usize,
    seed: u32,
) -> Result<Outcome, nnplay::NnError> {
    let mut config = PlaygroundConfig::default();
    config.data.dataset = case.kind;
    config.data.train_percent = train_percent;
    config.network.hidden = case
        .hidden
        .iter()
        .map(|&units| HiddenLayer { units, activation })
        .collect();
    config.training.optimizer = Optimizer::adam();
    config.training.learning_rate = lr;
    config.training.batch_size = batch;
    // One seed for the split and for the weights, shuffling and dropout (both 1 on the page).
    config.data.seed = seed;
    config.network.seed = seed;

    let ds = builtin::load(case.kind)?;
    let task = ds.task();
    let (train, test) = ds.split(
        config.data.train_percent as f32 / 100.0,
        config.data.seed as u64,
    )?;
    let (y_train, y_test) = (train.target_matrix(), test.target_matrix());
    let mut net = Network::new(&config.network_config(train.n_features(), task))?;
    let mut trainer = Trainer::new(config.train_config(task), &net)?;

    let mut outcome = Outcome {
        reached: None,
        best: 0.0,
        best_epoch: 0,
        epochs: 0,
        seconds: 0.0,
    };
    let mut trained = Duration::ZERO;
    for epoch in 1..=case.max_epochs {
        let start = Instant::now();
        trainer.train_epoch(&mut net, train.x.view(), y_train.view())?;
        trained += start.elapsed();
        let acc = accuracy(net.predict(test.x.view())?.view(), y_test.view());
        if acc > outcome.best {
            (outcome.best, outcome.best_epoch) = (acc, epoch);
        }
        if acc >= case.target && outcome.reached.is_none() {
            outcome.reached = Some((epoch, trained.as_secs_f64()));
        }
        (outcome.epochs, outcome.seconds) = (epoch, trained.as_secs_f64());
        // A few epochs past the target show whether it holds; past the budget nothing counts.
        let settled = outcome.reached.is_some_and(|(e, _)| epoch >= e + 3);
        if settled || trained > case.max_time {
            break;
        }
    }
    Ok(outcome)
}

/// One row of settings to compare.
#[derive(Clone, Copy)]
struct Settings {
    activation: Activation,
    lr: f32,
    batch: usize,
}

fn print_header(case: &Case) {
    println!(
        "\n## {}: {}-{}-10, Adam, target {:.0} % test accuracy\n",
        case.kind,
        builtin::image_side(case.kind).map_or(0, |s| s * s),
        case.hidden
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("-"),
        case.target * 100.0
    );
}

/// Every learning rate × batch size × activation × train share, seed 1.
fn grid(case: &Case) -> Result<(), nnplay::NnError> {
    println!("Seed 1, each setting:\n");
    println!(
        "| train % | hidden | lr | batch | target at epoch | seconds to target | best test acc (epoch) | epochs run | seconds run |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for train_percent in [50, 80] {
        for activation in [Activation::Tanh, Activation::Relu] {
            // The page's defaults first: learning rate 0.03, batch 10.
            for lr in [0.03, 0.01, 0.003, 0.001] {
                for batch in [10, 32, 64] {
                    let o = run(case, activation, train_percent, lr, batch, 1)?;
                    let (at, secs) = match o.reached {
                        Some((e, s)) => (e.to_string(), format!("{s:.2}")),
                        None => ("not reached".into(), "–".into()),
                    };
                    println!(
                        "| {train_percent} | {activation} | {lr} | {batch} | {at} | {secs} | {:.1} % ({}) | {} | {:.2} |",
                        o.best * 100.0,
                        o.best_epoch,
                        o.epochs,
                        o.seconds
                    );
                }
            }
        }
    }
    Ok(())
}

/// A few settings over seeds 1–5: how often the target is reached, and how soon.
fn seeds(case: &Case) -> Result<(), nnplay::NnError> {
    const SEEDS: u32 = 5;
    let candidates = [
        // The page's present defaults (with Adam).
        Settings {
            activation: Activation::Tanh,
            lr: 0.03,
            batch: 10,
        },
        Settings {
            activation: Activation::Relu,
            lr: 0.003,
            batch: 32,
        },
        Settings {
            activation: Activation::Relu,
            lr: 0.001,
            batch: 32,
        },
        Settings {
            activation: Activation::Tanh,
            lr: 0.003,
            batch: 32,
        },
    ];
    println!("\nSeeds 1–{SEEDS} (split and weights):\n");
    println!(
        "| train % | hidden | lr | batch | seeds reaching the target | epochs to target (median, max) | seconds to target (median, max) | best test acc (mean) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for train_percent in [50, 70, 80] {
        for c in candidates {
            let mut epochs = Vec::new();
            let mut secs = Vec::new();
            let mut best = 0.0;
            for seed in 1..=SEEDS {
                let o = run(case, c.activation, train_percent, c.lr, c.batch, seed)?;
                if let Some((e, s)) = o.reached {
                    epochs.push(e as f64);
                    secs.push(s);
                }
                best += o.best / SEEDS as f32;
            }
            let spread = |v: &mut Vec<f64>, digits: usize| {
                if v.is_empty() {
                    return "–".to_string();
                }
                v.sort_by(f64::total_cmp);
                let (median, max) = (v[v.len() / 2], v[v.len() - 1]);
                format!("{median:.digits$}, {max:.digits$}")
            };
            println!(
                "| {train_percent} | {} | {} | {} | {} of {SEEDS} | {} | {} | {:.1} % |",
                c.activation,
                c.lr,
                c.batch,
                epochs.len(),
                spread(&mut epochs, 0),
                spread(&mut secs, 2),
                best * 100.0
            );
        }
    }
    Ok(())
}

fn main() -> Result<(), nnplay::NnError> {
    let only = std::env::args().nth(1);
    let cases = [
        Case {
            kind: DatasetKind::Mnist,
            hidden: &[64, 64],
            target: 0.92,
            max_epochs: 40,
            max_time: Duration::from_secs(60),
        },
        Case {
            kind: DatasetKind::Digits,
            hidden: &[64, 64],
            target: 0.97,
            max_epochs: 100,
            max_time: Duration::from_secs(60),
        },
    ];
    for case in cases
        .iter()
        .filter(|c| only.as_deref().is_none_or(|o| o == c.kind.to_string()))
    {
        print_header(case);
        grid(case)?;
        seeds(case)?;
    }
    Ok(())
}
