//! A feed-forward network of dense layers: its parameters (one flat vector, so an optimizer
//! updates everything in one pass), and batched forward and backward passes that reuse a
//! [`Workspace`] instead of allocating per batch. What it is built from, [`NetworkConfig`],
//! lives in `network/config.rs`.
//!
//! Every pass starts here and takes one of two paths, chosen by layer size alone
//! ([`unit_major::suits`]): networks whose layers all have at most [`unit_major::MAX_WEIGHTS`]
//! weights (all of the playground's) run unit-major ([`crate::nn::unit_major`], whose module
//! comment says why and how); wider ones run on rows here, with packed matrix products
//! ([`crate::kernels::linalg`]). Both read a batch as one [`Batch`] and give the same loss and
//! gradient to rounding (tested below).

use crate::error::NnError;
use crate::kernels::linalg;
use crate::nn::activation::Activation;
use crate::nn::init::{NnRng, rng_from_seed};
use crate::nn::loss::Loss;
pub use crate::nn::pass::{Batch, LayerBuffers, LayerShape, Samples};
use crate::nn::regularization::Regularization;
use crate::nn::unit_major::{self, Keep, UnitBuffers};
use ndarray::{Array2, ArrayView2};

pub use config::{LayerConfig, MAX_LAYERS, MAX_UNITS, NetworkConfig};

mod config;

/// A feed-forward network: dense layers z = a·W + b, a' = f(z), with W of shape (in_dim, out_dim).
///
/// (Textbooks write z = W·a + b with column vectors; storing a batch as rows makes that a·Wᵀ,
/// and we keep the kernel in Keras' (in, out) layout.)
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    config: NetworkConfig,
    shapes: Vec<LayerShape>,
    params: Vec<f32>,
}

impl Network {
    /// Builds the network and draws its initial weights from `config.seed`.
    pub fn new(config: &NetworkConfig) -> Result<Network, NnError> {
        config.validate()?;
        let shapes = Self::layout(config);
        let total = shapes.last().map_or(0, |s| s.offset + s.n_params());
        let mut params = Vec::with_capacity(total);
        let mut rng = rng_from_seed(config.seed);
        for s in &shapes {
            params.extend(config.initializer.sample(s.in_dim, s.out_dim, &mut rng));
            params.extend(std::iter::repeat_n(0.0, s.out_dim));
        }
        Ok(Network {
            config: config.clone(),
            shapes,
            params,
        })
    }

    /// Rebuilds a network from a config and saved parameters (model files).
    pub fn from_params(config: &NetworkConfig, params: Vec<f32>) -> Result<Network, NnError> {
        config.validate()?;
        let shapes = Self::layout(config);
        let total = shapes.last().map_or(0, |s| s.offset + s.n_params());
        if params.len() != total {
            return Err(NnError::ModelFile(format!(
                "the architecture has {total} parameters but {} were given",
                params.len()
            )));
        }
        if let Some(i) = params.iter().position(|p| !p.is_finite()) {
            return Err(NnError::ModelFile(format!(
                "parameter {i} is not a finite number"
            )));
        }
        Ok(Network {
            config: config.clone(),
            shapes,
            params,
        })
    }

    fn layout(config: &NetworkConfig) -> Vec<LayerShape> {
        let mut offset = 0;
        let mut in_dim = config.in_dim;
        config
            .layers
            .iter()
            .map(|l| {
                let shape = LayerShape {
                    in_dim,
                    out_dim: l.units,
                    activation: l.activation,
                    offset,
                    dropout: l.dropout,
                    regularization: l.regularization,
                };
                offset += shape.n_params();
                in_dim = l.units;
                shape
            })
            .collect()
    }

    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }
    pub fn in_dim(&self) -> usize {
        self.config.in_dim
    }
    pub fn out_dim(&self) -> usize {
        self.config.out_dim()
    }
    pub fn layers(&self) -> &[LayerShape] {
        &self.shapes
    }
    pub fn output_activation(&self) -> Activation {
        self.shapes
            .last()
            .expect("validated: at least one layer")
            .activation
    }
    /// Total number of trainable parameters.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }
    /// All parameters, layer by layer: kernel (row-major) then bias.
    pub fn params(&self) -> &[f32] {
        &self.params
    }
    pub fn params_mut(&mut self) -> &mut [f32] {
        &mut self.params
    }
    /// Exchanges the parameters with `other`, which must hold as many: an optimizer that wrote
    /// its step to a second buffer ([`crate::train::optim::Optimizer::step_into`]) puts it in place
    /// without a copy.
    pub fn swap_params(&mut self, other: &mut Vec<f32>) {
        assert_eq!(
            other.len(),
            self.params.len(),
            "a swapped-in parameter buffer must match the network"
        );
        std::mem::swap(&mut self.params, other);
    }

    /// Layer `layer`'s kernel as an (in_dim, out_dim) view.
    pub fn weights(&self, layer: usize) -> ArrayView2<'_, f32> {
        let s = &self.shapes[layer];
        ArrayView2::from_shape((s.in_dim, s.out_dim), &self.params[s.weight_range()])
            .expect("layout is consistent")
    }

    /// Layer `layer`'s bias.
    pub fn biases(&self, layer: usize) -> &[f32] {
        &self.params[self.shapes[layer].bias_range()]
    }

    /// Sets the weight from input `row` to unit `col` of layer `layer` (the page's weight editor).
    pub fn set_weight(
        &mut self,
        layer: usize,
        row: usize,
        col: usize,
        value: f32,
    ) -> Result<(), NnError> {
        let s = *self.shapes.get(layer).ok_or(NnError::NoSuchWeight {
            layer,
            row,
            col,
            rows: 0,
            cols: 0,
        })?;
        if row >= s.in_dim || col >= s.out_dim {
            return Err(NnError::NoSuchWeight {
                layer,
                row,
                col,
                rows: s.in_dim,
                cols: s.out_dim,
            });
        }
        if !value.is_finite() {
            return Err(NnError::BadHyperparameter {
                name: "weight",
                value: value as f64,
                requirement: "a finite number",
            });
        }
        self.params[s.offset + row * s.out_dim + col] = value;
        Ok(())
    }

    /// Sets a bias (the page's bias editor).
    pub fn set_bias(&mut self, layer: usize, unit: usize, value: f32) -> Result<(), NnError> {
        let s = *self.shapes.get(layer).ok_or(NnError::NoSuchWeight {
            layer,
            row: 0,
            col: unit,
            rows: 0,
            cols: 0,
        })?;
        if unit >= s.out_dim || !value.is_finite() {
            return Err(NnError::NoSuchWeight {
                layer,
                row: s.in_dim,
                col: unit,
                rows: s.in_dim,
                cols: s.out_dim,
            });
        }
        self.params[s.offset + s.n_weights() + unit] = value;
        Ok(())
    }

    /// Checks that `x` has the network's input width.
    pub fn check_input(&self, x: &ArrayView2<f32>) -> Result<(), NnError> {
        if x.ncols() != self.in_dim() {
            return Err(NnError::InputDim {
                expected: self.in_dim(),
                got: x.ncols(),
            });
        }
        Ok(())
    }

    /// Checks that `x` and `y` can be a training set for this network.
    pub fn check_data(&self, x: &ArrayView2<f32>, y: &ArrayView2<f32>) -> Result<(), NnError> {
        self.check_input(x)?;
        if y.ncols() != self.out_dim() {
            return Err(NnError::TargetDim {
                expected: self.out_dim(),
                got: y.ncols(),
            });
        }
        if x.nrows() != y.nrows() {
            return Err(NnError::RowMismatch {
                x_rows: x.nrows(),
                y_rows: y.nrows(),
            });
        }
        if x.nrows() == 0 {
            return Err(NnError::EmptyData);
        }
        Ok(())
    }

    /// The network's outputs a_L = f(z_L) for a batch `x` of shape (n, in_dim).
    ///
    /// # Shapes
    /// x: (n, in_dim) → (n, out_dim).
    pub fn predict(&self, x: ArrayView2<f32>) -> Result<Array2<f32>, NnError> {
        self.check_input(&x)?;
        let mut ws = Workspace::default();
        let x = x.as_standard_layout();
        let xs = x.as_slice().expect("standard layout");
        self.forward(xs, x.nrows(), &mut ws);
        Ok(
            Array2::from_shape_vec((x.nrows(), self.out_dim()), ws.output().to_vec())
                .expect("output has n × out_dim values"),
        )
    }

    /// Forward pass without dropout, leaving every layer's z and a in `ws`.
    /// `x` is row-major with `rows` rows of `in_dim` values; callers have checked the width.
    pub fn forward(&self, x: &[f32], rows: usize, ws: &mut Workspace) {
        if unit_major::suits(&self.shapes) {
            unit_major::forward(
                &self.shapes,
                &self.params,
                Samples::Rows(x),
                rows,
                Keep::PreActivations,
                &mut ws.units,
                None,
            );
            ws.rows_from_units(&self.shapes, rows);
        } else {
            self.forward_rows(x, rows, ws, None);
        }
        ws.units_only = false;
    }

    /// Forward pass without dropout that leaves every layer's activations unit-major (one row of
    /// values per neuron) in `ub`: the fast way to get each neuron's map over a grid of points.
    /// `samples` holds `rows` samples of `in_dim` values; callers have checked the width. A grid
    /// drawn again and again is best laid out unit-major once ([`unit_major::to_units`]).
    pub fn forward_units(&self, samples: Samples, rows: usize, ub: &mut UnitBuffers) {
        unit_major::forward(
            &self.shapes,
            &self.params,
            samples,
            rows,
            Keep::Needed,
            ub,
            None,
        );
    }

    /// The row path's forward pass: every layer's z and a by rows in `ws`. `rng` enables dropout.
    fn forward_rows(
        &self,
        x: &[f32],
        rows: usize,
        ws: &mut Workspace,
        mut rng: Option<&mut NnRng>,
    ) {
        ws.prepare(&self.shapes, rows);
        ws.units_only = false;
        for (l, s) in self.shapes.iter().enumerate() {
            let (done, rest) = ws.layers.split_at_mut(l);
            let input: &[f32] = if l == 0 {
                x
            } else {
                done[l - 1].input_for_next()
            };
            let cur = &mut rest[0];
            let w = &self.params[s.weight_range()];
            let b = &self.params[s.bias_range()];
            linalg::affine(input, w, b, &mut cur.z, rows, s.in_dim, s.out_dim);
            s.activation.forward(&cur.z, &mut cur.a, s.out_dim);
            cur.drop_out(s.dropout, rng.as_deref_mut());
        }
    }

    /// Forward and backward pass on one batch (`x`: rows × in_dim, `y`: rows × out_dim,
    /// row-major): [`Network::loss_and_gradient_on`] with the samples in rows.
    #[allow(clippy::too_many_arguments)]
    pub fn loss_and_gradient(
        &self,
        x: &[f32],
        y: &[f32],
        rows: usize,
        loss: Loss,
        regularization: Regularization,
        ws: &mut Workspace,
        grads: &mut [f32],
        rng: Option<&mut NnRng>,
    ) -> f32 {
        let batch = Batch {
            samples: Samples::Rows(x),
            rows,
            y,
            loss,
            regularization,
        };
        self.loss_and_gradient_on(&batch, ws, grads, rng)
    }

    /// [`Network::loss_and_gradient_on`] on the samples `pick` selects from the whole row-major
    /// `data` (a shuffled training batch, read in place).
    #[allow(clippy::too_many_arguments)]
    pub fn loss_and_gradient_picked(
        &self,
        data: &[f32],
        pick: &[usize],
        y: &[f32],
        loss: Loss,
        regularization: Regularization,
        ws: &mut Workspace,
        grads: &mut [f32],
        rng: Option<&mut NnRng>,
    ) -> f32 {
        let batch = Batch {
            samples: Samples::Picked(data, pick),
            rows: pick.len(),
            y,
            loss,
            regularization,
        };
        self.loss_and_gradient_on(&batch, ws, grads, rng)
    }

    /// Forward and backward pass on one batch: returns the mean loss (plus penalties) and
    /// writes ∂loss/∂params into `grads` (same layout as [`Network::params`]). `rng` enables
    /// dropout (training); `None` runs the deterministic network. Callers have checked shapes.
    /// The path is chosen by layer size (see the module comment).
    #[inline]
    pub fn loss_and_gradient_on(
        &self,
        batch: &Batch,
        ws: &mut Workspace,
        grads: &mut [f32],
        rng: Option<&mut NnRng>,
    ) -> f32 {
        debug_assert_eq!(grads.len(), self.params.len());
        ws.units_only = unit_major::suits(&self.shapes);
        if ws.units_only {
            unit_major::loss_and_gradient(
                &self.shapes,
                &self.params,
                batch,
                &mut ws.units,
                grads,
                rng,
            )
        } else {
            self.loss_and_gradient_rows(batch, ws, grads, rng)
        }
    }

    /// [`Network::loss_and_gradient_on`] on row-major buffers, whatever the layer sizes (the
    /// path of wide layers, where packed matrix products win). Picked or unit-major samples are
    /// gathered into rows first.
    fn loss_and_gradient_rows(
        &self,
        batch: &Batch,
        ws: &mut Workspace,
        grads: &mut [f32],
        rng: Option<&mut NnRng>,
    ) -> f32 {
        let (d, rows) = (self.in_dim(), batch.rows);
        let mut gathered = std::mem::take(&mut ws.gathered);
        let x: &[f32] = match batch.samples {
            Samples::Rows(x) => x,
            Samples::Picked(data, pick) => {
                gathered.clear();
                pick.iter()
                    .for_each(|&i| gathered.extend_from_slice(&data[i * d..(i + 1) * d]));
                &gathered
            }
            Samples::Units(units) => {
                let lanes = unit_major::padded_lanes(rows);
                gathered.clear();
                gathered.extend((0..rows * d).map(|v| units[(v % d) * lanes + v / d]));
                &gathered
            }
        };
        let value = self.rows_pass(x, batch, ws, grads, rng);
        ws.gathered = gathered;
        value
    }

    /// The row path's forward and backward pass on `x` (rows × in_dim).
    fn rows_pass(
        &self,
        x: &[f32],
        batch: &Batch,
        ws: &mut Workspace,
        grads: &mut [f32],
        rng: Option<&mut NnRng>,
    ) -> f32 {
        let Batch {
            rows,
            y,
            loss,
            regularization,
            ..
        } = *batch;
        self.forward_rows(x, rows, ws, rng);
        let last = self.shapes.len() - 1;
        let out_dim = self.shapes[last].out_dim;

        // δ_L = ∂L/∂z_L: straight from the logits for the cross-entropies, through f' otherwise.
        let mut value = {
            let top = &mut ws.layers[last];
            if loss.uses_logits() {
                loss.value_and_grad(&top.z, y, &mut ws.delta, out_dim)
            } else {
                let v = loss.value_and_grad(&top.a, y, &mut ws.grad_a, out_dim);
                top.activation_backward(
                    self.shapes[last].activation,
                    &ws.grad_a,
                    &mut ws.delta,
                    out_dim,
                );
                v
            }
        };

        for l in (0..=last).rev() {
            let s = &self.shapes[l];
            let input: &[f32] = if l == 0 {
                x
            } else {
                ws.layers[l - 1].input_for_next()
            };
            let (gw, gb) = grads[s.offset..s.offset + s.n_params()].split_at_mut(s.n_weights());
            linalg::weight_grad(input, &ws.delta, gw, gb, rows, s.in_dim, s.out_dim);
            let reg = s.penalty(regularization);
            let w = &self.params[s.weight_range()];
            value += reg.penalty(w);
            reg.add_gradient(w, gw);
            if l > 0 {
                linalg::input_grad(
                    &ws.delta,
                    w,
                    &mut ws.grad_a,
                    rows,
                    s.in_dim,
                    s.out_dim,
                    &mut ws.transposed,
                );
                let below = &ws.layers[l - 1];
                below.mask_gradient(&mut ws.grad_a);
                below.activation_backward(
                    self.shapes[l - 1].activation,
                    &ws.grad_a,
                    &mut ws.delta,
                    s.in_dim,
                );
            }
        }
        value
    }

    /// Mean loss (with penalties) on a dataset, without touching gradients.
    pub fn evaluate_loss(
        &self,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        loss: Loss,
        regularization: Regularization,
    ) -> Result<f32, NnError> {
        self.check_data(&x, &y)?;
        let mut ws = Workspace::default();
        let x = x.as_standard_layout();
        let y = y.as_standard_layout();
        self.forward(x.as_slice().expect("standard"), x.nrows(), &mut ws);
        let top = ws.layers.last().expect("validated: at least one layer");
        let output = if loss.uses_logits() { &top.z } else { &top.a };
        let mut value = loss.value(output, y.as_slice().expect("standard"), self.out_dim());
        for s in &self.shapes {
            value += s
                .penalty(regularization)
                .penalty(&self.params[s.weight_range()]);
        }
        Ok(value)
    }

    /// A Keras-style table of layers and parameter counts.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "{:<8} {:<14} {:<16} {:>10}\n",
            "Layer", "Output shape", "Activation", "Params"
        ));
        out.push_str(&format!("{}\n", "─".repeat(51)));
        out.push_str(&format!(
            "{:<8} {:<14} {:<16} {:>10}\n",
            "input",
            format!("(None, {})", self.in_dim()),
            "",
            0
        ));
        for (i, s) in self.shapes.iter().enumerate() {
            let name = if i + 1 == self.shapes.len() {
                "output".to_string()
            } else {
                format!("dense_{}", i + 1)
            };
            let act = if s.dropout > 0.0 {
                format!("{} +drop {}", s.activation, s.dropout)
            } else {
                s.activation.to_string()
            };
            out.push_str(&format!(
                "{:<8} {:<14} {:<16} {:>10}\n",
                name,
                format!("(None, {})", s.out_dim),
                act,
                s.n_params()
            ));
        }
        out.push_str(&format!("{}\n", "─".repeat(51)));
        out.push_str(&format!("Total params: {}\n", self.n_params()));
        out
    }
}

/// Scratch space reused across batches so the training loop does not allocate.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    rows: usize,
    layers: Vec<LayerBuffers>,
    delta: Vec<f32>,
    grad_a: Vec<f32>,
    transposed: Vec<f32>,
    /// A picked batch's rows, gathered for the row passes.
    gathered: Vec<f32>,
    units: UnitBuffers,
    /// The last pass was [`Network::loss_and_gradient`] on the unit-major path, which leaves
    /// only the output in rows (in `units`).
    units_only: bool,
}

impl Workspace {
    fn prepare(&mut self, shapes: &[LayerShape], rows: usize) {
        let widest = shapes
            .iter()
            .map(|s| s.out_dim.max(s.in_dim))
            .max()
            .unwrap_or(0);
        let matches = self.rows == rows
            && self.layers.len() == shapes.len()
            && self
                .layers
                .iter()
                .zip(shapes)
                .all(|(b, s)| b.z.len() == rows * s.out_dim);
        if !matches {
            self.rows = rows;
            self.layers = shapes
                .iter()
                .map(|s| LayerBuffers::with_len(rows * s.out_dim))
                .collect();
            self.delta = vec![0.0; rows * widest];
            self.grad_a = vec![0.0; rows * widest];
        }
    }

    /// Copies the unit-major pass into the row buffers, for callers that read layers by rows.
    fn rows_from_units(&mut self, shapes: &[LayerShape], rows: usize) {
        self.prepare(shapes, rows);
        let last = shapes.len() - 1;
        for (l, s) in shapes.iter().enumerate() {
            let buf = &mut self.layers[l];
            buf.clear_dropout();
            if l == last {
                buf.z.copy_from_slice(self.units.logits_rows());
                buf.a.copy_from_slice(self.units.output_rows());
                continue;
            }
            let n = s.out_dim;
            for u in 0..n {
                let (zu, au) = self.units.unit(l, u);
                for (r, (&zv, &av)) in zu.iter().zip(au).enumerate() {
                    buf.z[r * n + u] = zv;
                    buf.a[r * n + u] = av;
                }
            }
        }
    }

    /// Rows of the last forward pass.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Layer `l`'s buffers after [`Network::forward`].
    pub fn layer(&self, l: usize) -> &LayerBuffers {
        &self.layers[l]
    }

    /// The network's output a_L after a forward pass or [`Network::loss_and_gradient`].
    pub fn output(&self) -> &[f32] {
        if self.units_only {
            self.units.output_rows()
        } else {
            &self.layers.last().expect("forward ran").a
        }
    }
}

#[cfg(test)]
mod tests;
