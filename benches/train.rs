//! Native training and forward throughput (samples per second) of the benchmark workloads
//! (see `benches/common/mod.rs`). `cargo bench --bench train`; `scripts/bench.sh` runs it and
//! puts the figures in its table. Under `cargo test` every case runs once on tiny data.

mod common;

use common::Workload;
use criterion::{Criterion, Throughput};
use nnplay::nn::network::{Network, Workspace};
use nnplay::train::Trainer;
use std::hint::black_box;
use std::time::Duration;

/// One training iteration is one epoch: every sample once, in shuffled mini-batches, exactly
/// what the page's "epoch" counter counts.
fn bench_train(c: &mut Criterion, w: &Workload, measurement: Duration) {
    let mut group = c.benchmark_group("train");
    group.throughput(Throughput::Elements(w.x.nrows() as u64));
    group
        .sample_size(10)
        .measurement_time(measurement)
        .warm_up_time(Duration::from_secs(1));
    let mut net = Network::new(&w.network).expect("valid workload network");
    let mut trainer = Trainer::new(w.train.clone(), &net).expect("valid workload settings");
    group.bench_function(w.id, |b| {
        b.iter(|| {
            black_box(
                trainer
                    .train_epoch(&mut net, w.x.view(), w.y.view())
                    .expect("training does not diverge"),
            )
        })
    });
    group.finish();
}

/// One forward iteration is one pass over every sample as a single batch (what a heat map or a
/// test-set evaluation does).
fn bench_forward(c: &mut Criterion, w: &Workload, measurement: Duration) {
    let mut group = c.benchmark_group("forward");
    group.throughput(Throughput::Elements(w.x.nrows() as u64));
    group
        .sample_size(10)
        .measurement_time(measurement)
        .warm_up_time(Duration::from_secs(1));
    let net = Network::new(&w.network).expect("valid workload network");
    let mut ws = Workspace::default();
    let xs = w.x.as_slice().expect("standard layout");
    group.bench_function(w.id, |b| {
        b.iter(|| {
            net.forward(black_box(xs), w.x.nrows(), &mut ws);
            black_box(ws.output()[0])
        })
    });
    group.finish();
}

fn main() {
    let full = common::full_run();
    let mut c = Criterion::default().configure_from_args();
    let small = [
        common::tanh_8x6(),
        common::playground_small(),
        common::playground_large(),
    ];
    let mnist = common::mnist(if full { None } else { Some(128) });
    for w in &small {
        bench_train(&mut c, w, Duration::from_secs(3));
        bench_forward(&mut c, w, Duration::from_secs(2));
    }
    bench_train(&mut c, &mnist, Duration::from_secs(10));
    bench_forward(&mut c, &mnist, Duration::from_secs(4));
    c.final_summary();
}
