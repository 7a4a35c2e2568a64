//! Whole training runs, timed end to end, with the process's peak memory: the native side of the
//! scikit-learn comparison and the "peak RSS" line of `scripts/bench.sh`.
//!
//! `cargo bench --bench runs -- CASE [EPOCHS]` with CASE `mnist` (784-64-64-10 on the MNIST
//! split shared with `scripts/bench_sklearn.py`) or `playground` (7 → [8 × 6] → 1 on the circle
//! set). Prints one `RESULT {json}` line. Peak memory is the kernel's high-water mark of the
//! resident set (VmHWM in /proc/self/status), so run one case per process.

mod common;

use ndarray::ArrayView2;
use nnplay::nn::network::Network;
use nnplay::train::Trainer;
use nnplay::train::metrics::accuracy;
use std::time::Instant;

/// The resident-set high-water mark in KiB, or `None` where /proc is not available.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn accuracy_of(net: &Network, x: ArrayView2<f32>, y: ArrayView2<f32>) -> f32 {
    accuracy(net.predict(x).expect("matching width").view(), y)
}

/// Whole runs per case; the fastest is reported.
const REPEATS: usize = 3;

fn main() {
    let full = common::full_run();
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let case = args.first().map(String::as_str).unwrap_or("mnist");
    let epochs: usize =
        args.get(1)
            .and_then(|e| e.parse().ok())
            .unwrap_or(if full { 10 } else { 1 });
    let limit = if full { None } else { Some(64) };

    let (workload, test) = match case {
        "mnist" => {
            let (_, _, x_test, y_test) = common::mnist_split(limit);
            (common::mnist(limit), Some((x_test, y_test)))
        }
        "playground" => (common::playground_large(), None),
        other => {
            eprintln!("error: unknown case '{other}' (expected mnist or playground)");
            std::process::exit(2);
        }
    };
    // The machine is shared: the fastest of a few identical seeded runs is the least disturbed
    // (scripts/bench_sklearn.py does the same for scikit-learn). Every run ends with the same network.
    let run = || {
        let mut net = Network::new(&workload.network).expect("valid workload network");
        let mut trainer =
            Trainer::new(workload.train.clone(), &net).expect("valid workload settings");
        let start = Instant::now();
        for _ in 0..epochs {
            trainer
                .train_epoch(&mut net, workload.x.view(), workload.y.view())
                .expect("training does not diverge");
        }
        (net, start.elapsed().as_secs_f64())
    };
    let (net, seconds) = (0..REPEATS)
        .map(|_| run())
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("REPEATS > 0");
    let train_accuracy = if case == "mnist" {
        Some(accuracy_of(&net, workload.x.view(), workload.y.view()))
    } else {
        None
    };
    let test_accuracy = test
        .as_ref()
        .map(|(x, y)| accuracy_of(&net, x.view(), y.view()));
    let result = serde_json::json!({
        "case": case,
        "epochs": epochs,
        "repeats": REPEATS,
        "train_samples": workload.x.nrows(),
        "seconds": seconds,
        "epochs_per_s": epochs as f64 / seconds,
        "samples_per_s": (epochs * workload.x.nrows()) as f64 / seconds,
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
        "peak_rss_kib": peak_rss_kib(),
    });
    println!("RESULT {result}");
}
