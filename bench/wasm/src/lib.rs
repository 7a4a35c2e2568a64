//! The browser benchmark's handle on the nnplay engine: build any dense network, train it whole
//! epochs at a time, run forward passes and draw every neuron's map, on data this module also
//! hands to the JavaScript peers so every library sees the same numbers. Mirrors
//! `benches/common/mod.rs` (the native side of the same table).

use ndarray::{Array2, Axis};
use nnplay::data::{DatasetKind, FeatureSet, builtin, synthetic};
use nnplay::nn::network::{Network, Workspace};
use nnplay::nn::unit_major::{self, Samples, UnitBuffers};
use nnplay::playground::render::neuron_image;
use nnplay::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// What bench.mjs asks for: a network and how to train it.
#[derive(Deserialize)]
struct Spec {
    in_dim: usize,
    hidden: Vec<usize>,
    activation: String,
    out_dim: usize,
    output: String,
    loss: String,
    optimizer: String,
    lr: f32,
    batch: usize,
    #[serde(default)]
    seed: u64,
    /// Feature tokens of a 2-D network ("x1,x2,…"), needed for neuron maps.
    #[serde(default)]
    features: Option<String>,
}

#[wasm_bindgen]
pub struct Bench {
    net: Network,
    trainer: Trainer,
    x: Array2<f32>,
    y: Array2<f32>,
    ws: Workspace,
    units: UnitBuffers,
    features: Option<FeatureSet>,
    grid: Vec<f32>,
    grid_res: usize,
    rgba: Vec<u8>,
    scratch: Vec<f32>,
}


#[wasm_bindgen]
impl Bench {
    /// `x` is rows × in_dim, `y` rows × out_dim, both row-major.
    #[wasm_bindgen(constructor)]
    pub fn new(spec_json: &str, x: Vec<f32>, y: Vec<f32>) -> Result<Bench, JsError> {
        let spec: Spec = serde_json::from_str(spec_json).map_err(js_err)?;
        let rows = x.len() / spec.in_dim.max(1);
        let x = Array2::from_shape_vec((rows, spec.in_dim), x).map_err(js_err)?;
        let y = Array2::from_shape_vec((rows, spec.out_dim), y).map_err(js_err)?;
        let hidden: Activation = spec.activation.parse().map_err(js_err)?;
        let output: Activation = spec.output.parse().map_err(js_err)?;
        let config = NetworkConfig::new(spec.in_dim, &spec.hidden, hidden, LayerConfig::new(spec.out_dim, output)).with_seed(spec.seed);
        let net = Network::new(&config).map_err(js_err)?;
        let train = TrainConfig {
            optimizer: spec.optimizer.parse().map_err(js_err)?,
            learning_rate: spec.lr,
            loss: spec.loss.parse().map_err(js_err)?,
            batch_size: spec.batch,
            epochs: 1,
            seed: spec.seed,
            ..TrainConfig::default()
        };
        let trainer = Trainer::new(train, &net).map_err(js_err)?;
        let features = spec.features.as_deref().map(FeatureSet::parse_list).transpose().map_err(js_err)?;
        Ok(Bench { net, trainer, x, y, ws: Workspace::default(), units: UnitBuffers::default(), features, grid: Vec::new(), grid_res: 0, rgba: Vec::new(), scratch: Vec::new() })
    }

    /// Trains `epochs` whole epochs (shuffled mini-batches); returns the last epoch's mean loss.
    pub fn train_epochs(&mut self, epochs: u32) -> Result<f32, JsError> {
        let mut loss = f32::NAN;
        for _ in 0..epochs {
            loss = self.trainer.train_epoch(&mut self.net, self.x.view(), self.y.view()).map_err(js_err)?;
        }
        Ok(loss)
    }

    /// `repeats` forward passes over every row as one batch; returns an output value so the work
    /// cannot be skipped.
    pub fn forward(&mut self, repeats: u32) -> f32 {
        let xs = self.x.as_slice().expect("standard layout");
        for _ in 0..repeats {
            self.net.forward(xs, self.x.nrows(), &mut self.ws);
        }
        self.ws.output()[0]
    }

    /// Accuracy on the training data (0/1 threshold or argmax; ±1 targets are mapped to 0/1).
    pub fn accuracy(&self) -> f32 {
        let y = if self.y.ncols() == 1 { self.y.mapv(|v| if v > 0.0 { 1.0 } else { 0.0 }) } else { self.y.clone() };
        let p = self.net.predict(self.x.view()).expect("width checked at construction");
        let p = if p.ncols() == 1 && self.y.iter().any(|&v| v < 0.0) { p.mapv(|v| if v > 0.0 { 1.0 } else { 0.0 }) } else { p };
        nnplay::train::metrics::accuracy(p.view(), y.view())
    }

    /// Every neuron's value map over a res × res grid of the plane [-6, 6]²: one forward pass
    /// over the grid, leaving each neuron's values in one contiguous row. This is the work of the
    /// TensorFlow Playground's `updateDecisionBoundary` (every node's output at every grid point),
    /// which it then draws as one 100 × 100 image and 10 × 10 node thumbnails. Returns the output
    /// at the grid's first point, so the work cannot be skipped.
    pub fn neuron_values(&mut self, res: u32) -> Result<f32, JsError> {
        let res = res as usize;
        let features = self.features.clone().ok_or_else(|| js_err("this network has no 2-D features"))?;
        if self.grid_res != res {
            let mut grid = vec![0.0; res * res * features.len()];
            for (p, out) in grid.chunks_exact_mut(features.len()).enumerate() {
                let (r, c) = (p / res, p % res);
                let x1 = -6.0 + 12.0 * (c as f32 + 0.5) / res as f32;
                let x2 = 6.0 - 12.0 * (r as f32 + 0.5) / res as f32;
                features.expand_point(x1, x2, out);
            }
            // Laid out unit-major once, as the page keeps its grids.
            self.grid = unit_major::to_units(&grid, res * res, features.len());
            self.grid_res = res;
        }
        // The page's way: unit-major, so each neuron's map is one contiguous row.
        self.net.forward_units(Samples::Units(&self.grid), res * res, &mut self.units);
        Ok(self.units.output_rows()[0])
    }

    /// [`Bench::neuron_values`], then an RGBA image of every neuron's full-resolution map (what
    /// nnplay's page draws; the TensorFlow Playground colours only the output at full size).
    /// Returns the number of bytes written.
    pub fn neuron_maps(&mut self, res: u32) -> Result<u32, JsError> {
        self.neuron_values(res)?;
        let pixels = (res * res) as usize;
        let units: usize = self.net.layers().iter().map(|l| l.out_dim).sum();
        self.rgba.resize(units * pixels * 4, 0);
        let mut image = 0;
        for (l, shape) in self.net.layers().iter().enumerate() {
            for u in 0..shape.out_dim {
                let base = image * pixels * 4;
                let img = &mut self.rgba[base..base + pixels * 4];
                neuron_image(self.units.neuron_values(l, u, &mut self.scratch), shape.activation, img);
                image += 1;
            }
        }
        Ok(self.rgba.len() as u32)
    }
}

/// The benchmark's circle set (500 points, no noise, seed 1) expanded to `features`, row-major.
#[wasm_bindgen]
pub fn circle_x(features: &str) -> Result<Vec<f32>, JsError> {
    let f = FeatureSet::parse_list(features).map_err(js_err)?;
    let ds = synthetic::generate(DatasetKind::Circle, 500, 0.0, 1).map_err(js_err)?;
    Ok(f.expand(ds.x.view()).map_err(js_err)?.into_iter().collect())
}

/// The circle set's targets as ±1 (the TensorFlow Playground's labels).
#[wasm_bindgen]
pub fn circle_y() -> Result<Vec<f32>, JsError> {
    let ds = synthetic::generate(DatasetKind::Circle, 500, 0.0, 1).map_err(js_err)?;
    Ok(ds.target_matrix().iter().map(|v| 2.0 * v - 1.0).collect())
}

/// Hands in the MNIST subset's file, decompressed (a wasm32 build embeds no data file).
#[wasm_bindgen]
pub fn provide_mnist(bytes: Vec<u8>) -> Result<(), JsError> {
    builtin::provide(DatasetKind::Mnist, bytes).map_err(js_err)
}

/// Rows of the shipped MNIST subset in the benchmark's training part (index % 5 ≠ 0, the rule
/// of benches/common/mod.rs and scripts/bench_sklearn.py).
fn mnist_train() -> Result<(Array2<f32>, Array2<f32>), JsError> {
    let ds = builtin::load(DatasetKind::Mnist).map_err(js_err)?;
    let rows: Vec<usize> = (0..ds.len()).filter(|i| i % 5 != 0).collect();
    Ok((ds.x.select(Axis(0), &rows), ds.target_matrix().select(Axis(0), &rows)))
}

/// MNIST training images, 4,000 × 784, values in [0, 1].
#[wasm_bindgen]
pub fn mnist_x() -> Result<Vec<f32>, JsError> {
    Ok(mnist_train()?.0.into_iter().collect())
}

/// MNIST training labels, one-hot, 4,000 × 10.
#[wasm_bindgen]
pub fn mnist_y() -> Result<Vec<f32>, JsError> {
    Ok(mnist_train()?.1.into_iter().collect())
}
