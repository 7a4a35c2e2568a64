//! The network's forward and backward passes with activations stored unit-major: one row per
//! neuron, the batch's samples along the row, padded to a multiple of [`LANES`], computed with
//! the kernels of [`crate::kernels::lanes`]. One neuron's values over a grid of points also come
//! out contiguous, which is what drawing its map wants.
//!
//! # Which path runs when
//! [`crate::nn::network::Network`] sends every pass of a network whose layers all have at most
//! [`MAX_WEIGHTS`] weights (every network the playground offers) here, and wider ones (MNIST's
//! 784 → 64) to its row passes, where packed matrix products (matrixmultiply) win: a
//! 784→[64, 64]→10 network's batches of 64 took 3–4 times as long here (every weight row is read
//! once per pair of units, with no cache blocking).
//!
//! Here, forward passes (the neuron maps, predictions) have one body, and training steps two:
//! - The general body takes any activation, output layer, batch size and dropout. Batches of up
//!   to 16 samples get it compiled once per lane count (4, 8, 12, 16), so every kernel knows its
//!   row length; there the backward pass through a layer whose input is tanh (or the network's
//!   input) is one sweep ([`crate::kernels::lanes::layer_backward_small`]). A single output
//!   unit's lanes are its rows, so its activation and loss run in place; several outputs (or
//!   softmax) are turned to rows for the loss and back.
//! - The whole-network step ([`whole_network_step`]) takes the playground's usual case: 1 to 16
//!   samples (its batch is 10), tanh hidden layers without dropout, one output unit. It is the
//!   general body without per-layer buffers, checks and branches, over one buffer. At these
//!   sizes a layer is a few dozen vector operations, so that set-up is a visible share: with the
//!   general body alone, 2→[4,2]→1 and 7→[8×6]→1 trained 2–5 % slower in Chromium (natively the
//!   same), so the step stays.
//!
//! Both give the same bits (tested in `network.rs`).
//!
//! Padding lanes hold zero inputs, or a grid's padding; their outputs are junk that never reaches
//! a gradient, because the output layer's δ is zero there and every δ below is linear in it.

pub use crate::kernels::lanes::{LANES, padded_lanes, to_units};
use crate::kernels::lanes::{
    SMALL_BATCH_LANES, affine, affine_tanh, backward_tile, input_grad,
    layer_backward_small_unchecked, place_units, weight_grad,
};
use crate::nn::activation::Activation;
use crate::nn::init::NnRng;
use crate::nn::loss::{Loss, squared_error};
pub use crate::nn::pass::Samples;
use crate::nn::pass::{Batch, LayerBuffers, LayerShape};

/// Layers with at most this many weights take the unit-major path; wider layers are faster as
/// packed matrix products on rows (see [`crate::kernels::linalg`]).
pub const MAX_WEIGHTS: usize = 1024;

/// True when every layer of `shapes` is small enough for the unit-major passes.
pub fn suits(shapes: &[LayerShape]) -> bool {
    shapes.iter().all(|s| s.n_weights() <= MAX_WEIGHTS)
}

/// Scratch buffers of the unit-major passes, reused across batches.
#[derive(Clone, Debug, Default)]
pub struct UnitBuffers {
    rows: usize,
    lanes: usize,
    out_dim: usize,
    /// The inputs, unit-major, when the samples came in rows.
    x: Vec<f32>,
    /// One per layer: `out_dim` rows of `lanes` values.
    layers: Vec<LayerBuffers>,
    delta: Vec<f32>,
    grad_a: Vec<f32>,
    /// An output layer of several units in rows (rows × out_dim): z, f(z), ∂L/∂a and ∂L/∂z. A
    /// single output unit is read in place (its lanes are its rows) and uses only `top_grad`.
    top_z: Vec<f32>,
    top_a: Vec<f32>,
    top_grad: Vec<f32>,
    top_delta: Vec<f32>,
    /// [`whole_network_step`]'s one buffer: every layer's activations, then two δ rows.
    whole: Vec<f32>,
    /// The last pass was [`whole_network_step`], which leaves only its outputs, in `top_a`.
    whole_ran: bool,
}

impl UnitBuffers {
    fn prepare(&mut self, shapes: &[LayerShape], rows: usize) {
        let lanes = padded_lanes(rows);
        let in_dim = shapes.first().map_or(0, |s| s.in_dim);
        let out_dim = shapes.last().map_or(0, |s| s.out_dim);
        let same = self.rows == rows
            && self.lanes == lanes
            && self.x.len() == in_dim * lanes
            && self.layers.len() == shapes.len()
            && self
                .layers
                .iter()
                .zip(shapes)
                .all(|(b, s)| b.z.len() == s.out_dim * lanes)
            && self.top_a.len() == rows * out_dim;
        if same {
            return;
        }
        let widest = shapes
            .iter()
            .map(|s| s.out_dim.max(s.in_dim))
            .max()
            .unwrap_or(0);
        // Fresh zeros whenever the batch size changes: the padding lanes then hold zero inputs.
        self.rows = rows;
        self.lanes = lanes;
        self.out_dim = out_dim;
        self.x = vec![0.0; in_dim * lanes];
        self.layers = shapes
            .iter()
            .map(|s| LayerBuffers::with_len(s.out_dim * lanes))
            .collect();
        self.delta = vec![0.0; widest * lanes];
        self.grad_a = vec![0.0; widest * lanes];
        self.top_z = vec![0.0; rows * out_dim];
        self.top_a = vec![0.0; rows * out_dim];
        self.top_grad = vec![0.0; rows * out_dim];
        self.top_delta = vec![0.0; rows * out_dim];
    }

    /// Samples of the last pass.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Hidden unit `unit` of layer `layer` over the samples of the last pass: z and a = f(z).
    /// z is current only after a pass with [`Keep::PreActivations`].
    /// The output layer is read by rows ([`UnitBuffers::output_rows`]).
    pub fn unit(&self, layer: usize, unit: usize) -> (&[f32], &[f32]) {
        debug_assert!(
            layer + 1 < self.layers.len(),
            "the output layer is read by rows"
        );
        let l = &self.layers[layer];
        let range = unit * self.lanes..unit * self.lanes + self.rows;
        (&l.z[range.clone()], &l.a[range])
    }

    /// The activation of unit `unit` of any layer over the samples of the last pass: one
    /// neuron's map when the samples are a grid. Hidden units and a single output are read in
    /// place; one output of several is gathered into `scratch`.
    pub fn neuron_values<'a>(
        &'a self,
        layer: usize,
        unit: usize,
        scratch: &'a mut Vec<f32>,
    ) -> &'a [f32] {
        if layer + 1 < self.layers.len() {
            return self.unit(layer, unit).1;
        }
        if self.out_dim == 1 {
            return self.output_rows();
        }
        scratch.clear();
        scratch.extend(self.top_a.iter().skip(unit).step_by(self.out_dim));
        scratch
    }

    /// The network's outputs after a pass, rows × out_dim.
    pub fn output_rows(&self) -> &[f32] {
        if self.whole_ran {
            return &self.top_a;
        }
        match self.layers.last() {
            Some(top) if self.out_dim == 1 => &top.a[..self.rows],
            _ => &self.top_a,
        }
    }

    /// The output layer's pre-activations after a pass, rows × out_dim.
    pub fn logits_rows(&self) -> &[f32] {
        match self.layers.last() {
            Some(top) if self.out_dim == 1 => &top.z[..self.rows],
            _ => &self.top_z,
        }
    }
}

/// What a forward pass must leave in [`UnitBuffers`] besides every layer's activations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Only what the backward pass reads: z of a tanh layer is skipped (its derivative is read
    /// from f(z)), saving a store per value.
    Needed,
    /// Every layer's z too, for callers that show it.
    PreActivations,
}

/// Runs the network on `rows` samples, leaving every layer unit-major in `ub` and the outputs
/// in rows ([`UnitBuffers::output_rows`]). `rng` enables dropout.
pub fn forward(
    shapes: &[LayerShape],
    params: &[f32],
    samples: Samples,
    rows: usize,
    keep: Keep,
    ub: &mut UnitBuffers,
    rng: Option<&mut NnRng>,
) {
    ub.prepare(shapes, rows);
    ub.whole_ran = false;
    let UnitBuffers {
        lanes,
        x,
        layers,
        top_z,
        top_a,
        ..
    } = ub;
    let p = *lanes;
    let inputs = unit_inputs(samples, rows, shapes[0].in_dim, p, x);
    forward_layers(shapes, params, inputs, p, keep, layers, rng);
    let top = shapes[shapes.len() - 1];
    let out = layers.last_mut().expect("validated: at least one layer");
    if top.out_dim == 1 {
        top.activation
            .forward(&out.z[..rows], &mut out.a[..rows], 1);
    } else {
        lanes_to_rows(&out.z, top_z, rows, p, top.out_dim);
        top.activation.forward(top_z, top_a, top.out_dim);
    }
}

/// Forward and backward pass on one batch: the mean loss plus penalties, and ∂loss/∂params in
/// `grads` (the layout of the parameters). `rng` enables dropout.
pub fn loss_and_gradient(
    shapes: &[LayerShape],
    params: &[f32],
    batch: &Batch,
    ub: &mut UnitBuffers,
    grads: &mut [f32],
    rng: Option<&mut NnRng>,
) -> f32 {
    // The playground's usual network and batch take the whole-network step; everything else
    // the general body, compiled with p a constant for small batches (see the module comment).
    let in_rows = match batch.samples {
        Samples::Rows(x) => Some((x, None)),
        Samples::Picked(x, pick) => Some((x, Some(pick))),
        Samples::Units(_) => None,
    };
    if let Some(x) = in_rows.filter(|_| whole_network_suits(shapes, batch.rows)) {
        return match padded_lanes(batch.rows) / LANES {
            1 => whole_network_step::<1>(shapes, params, batch, x, ub, grads),
            2 => whole_network_step::<2>(shapes, params, batch, x, ub, grads),
            3 => whole_network_step::<3>(shapes, params, batch, x, ub, grads),
            _ => whole_network_step::<4>(shapes, params, batch, x, ub, grads),
        };
    }
    general_loss_and_gradient(shapes, params, batch, ub, grads, rng)
}

/// [`loss_and_gradient`] through the general body, whatever the network (also the reference the
/// whole-network step is tested against). Never inlined: its five bodies inside
/// [`loss_and_gradient`] made the whole-network step's 2→[4,2]→1 steps a quarter slower natively.
#[inline(never)]
pub(crate) fn general_loss_and_gradient(
    shapes: &[LayerShape],
    params: &[f32],
    batch: &Batch,
    ub: &mut UnitBuffers,
    grads: &mut [f32],
    rng: Option<&mut NnRng>,
) -> f32 {
    match padded_lanes(batch.rows) {
        4 => step_on::<4>(shapes, params, batch, ub, grads, rng),
        8 => step_on::<8>(shapes, params, batch, ub, grads, rng),
        12 => step_on::<12>(shapes, params, batch, ub, grads, rng),
        16 => step_on::<16>(shapes, params, batch, ub, grads, rng),
        p => step(shapes, params, batch, p, ub, grads, rng),
    }
}

/// [`step`] on `P` lanes, a constant: one function per small lane count.
fn step_on<const P: usize>(
    shapes: &[LayerShape],
    params: &[f32],
    batch: &Batch,
    ub: &mut UnitBuffers,
    grads: &mut [f32],
    rng: Option<&mut NnRng>,
) -> f32 {
    step(shapes, params, batch, P, ub, grads, rng)
}

/// The loss of a one-output network on its `rows` values `z`: writes the output `a` and δ of the
/// output unit, `grad` is scratch. Linear output with squared error has Loss::value_and_grad
/// inlined and a = z written in the same loop: the general branch copies z to a first, and a
/// slice copy is a `memory.copy`, which V8 runs as a call out of the compiled code.
#[inline(always)]
fn single_output_loss(
    activation: Activation,
    loss: Loss,
    z: &[f32],
    a: &mut [f32],
    y: &[f32],
    delta: &mut [f32],
    grad: &mut [f32],
) -> f32 {
    let rows = z.len();
    if activation == Activation::Linear && loss == Loss::MeanSquaredError {
        let mut total = 0.0f64;
        for r in 0..rows {
            let (square, slope) = squared_error(z[r], y[r], rows as f32);
            total += square as f64;
            delta[r] = slope;
            a[r] = z[r];
        }
        (total / rows as f64) as f32
    } else if loss.uses_logits() {
        activation.forward(z, a, 1);
        loss.value_and_grad(z, y, delta, 1)
    } else {
        activation.forward(z, a, 1);
        let v = loss.value_and_grad(a, y, grad, 1);
        activation.backward(z, a, grad, delta, 1);
        v
    }
}

/// [`loss_and_gradient`] on `p = padded_lanes(batch.rows)` lanes.
#[inline(always)]
fn step(
    shapes: &[LayerShape],
    params: &[f32],
    batch: &Batch,
    p: usize,
    ub: &mut UnitBuffers,
    grads: &mut [f32],
    rng: Option<&mut NnRng>,
) -> f32 {
    let Batch {
        samples,
        rows,
        y,
        loss,
        regularization,
    } = *batch;
    ub.prepare(shapes, rows);
    ub.whole_ran = false;
    let last = shapes.len() - 1;
    let top = shapes[last];
    let out_dim = top.out_dim;
    // Once here, so that the loops below need no checks of their own (and the one-sweep kernel's
    // sizes hold: each layer reads the one below).
    assert!(
        ub.lanes == p
            && y.len() == rows * out_dim
            && grads.len() == params.len()
            && shapes
                .iter()
                .all(|s| s.offset + s.n_params() <= params.len())
            && shapes.windows(2).all(|w| w[0].out_dim == w[1].in_dim)
    );
    let UnitBuffers {
        x,
        layers,
        delta,
        grad_a,
        top_z,
        top_a,
        top_grad,
        top_delta,
        ..
    } = ub;
    let inputs = unit_inputs(samples, rows, shapes[0].in_dim, p, x);
    forward_layers(shapes, params, inputs, p, Keep::Needed, layers, rng);

    // δ of the output layer, zero in the padding lanes.
    let out = &mut layers[last];
    let mut value = if out_dim == 1 {
        let (z, a) = (&out.z[..rows], &mut out.a[..rows]);
        delta[..p].fill(0.0);
        single_output_loss(
            top.activation,
            loss,
            z,
            a,
            y,
            &mut delta[..rows],
            &mut top_grad[..rows],
        )
    } else {
        lanes_to_rows(&out.z, top_z, rows, p, out_dim);
        top.activation.forward(top_z, top_a, out_dim);
        let v = if loss.uses_logits() {
            loss.value_and_grad(top_z, y, top_delta, out_dim)
        } else {
            let v = loss.value_and_grad(top_a, y, top_grad, out_dim);
            top.activation
                .backward(top_z, top_a, top_grad, top_delta, out_dim);
            v
        };
        let d = &mut delta[..out_dim * p];
        d.fill(0.0);
        for (u, du) in d.chunks_exact_mut(p).enumerate() {
            for (r, dv) in du[..rows].iter_mut().enumerate() {
                *dv = top_delta[r * out_dim + u];
            }
        }
        v
    };

    for l in (0..=last).rev() {
        let s = &shapes[l];
        let (k, n) = (s.in_dim, s.out_dim);
        let (gw, gb) = grads[s.offset..s.offset + s.n_params()].split_at_mut(s.n_weights());
        let input: &[f32] = if l == 0 {
            inputs
        } else {
            layers[l - 1].input_for_next()
        };
        let w = &params[s.weight_range()];
        let below_tanh =
            l > 0 && shapes[l - 1].activation == Activation::Tanh && !layers[l - 1].dropped();
        if p <= SMALL_BATCH_LANES && (l == 0 || below_tanh) {
            // One sweep: the layer's gradients and, above the first layer, δ of the layer below,
            // written beside the current δ and then swapped in.
            let below = if l > 0 {
                Some(&mut grad_a[..k * p])
            } else {
                None
            };
            // SAFETY: `prepare` sized every buffer for these shapes: `input` has k rows of p
            // lanes (the samples, checked in `unit_inputs`, or layer l − 1), δ and `grad_a`
            // rows for the widest layer; w, gw and gb are sliced to k × n and n above.
            unsafe {
                layer_backward_small_unchecked(input, &delta[..n * p], w, gw, gb, below, p, k, n)
            };
            if l > 0 {
                std::mem::swap(delta, grad_a);
            }
        } else {
            weight_grad(input, &delta[..n * p], gw, gb, p, k, n);
            if l > 0 {
                input_grad(&delta[..n * p], w, &mut grad_a[..k * p], p, k, n);
                let below = &layers[l - 1];
                below.mask_gradient(&mut grad_a[..k * p]);
                // Hidden activations are element-wise, so the row length passed is irrelevant.
                below.activation_backward(shapes[l - 1].activation, grad_a, delta, 1);
            }
        }
        let reg = s.penalty(regularization);
        value += reg.penalty(w);
        reg.add_gradient(w, gw);
    }
    value
}

/// True when [`whole_network_step`] takes a batch of `rows` samples (given in rows): 1 to 16
/// samples, tanh hidden layers without dropout, and one output unit of an element-wise activation.
pub(crate) fn whole_network_suits(shapes: &[LayerShape], rows: usize) -> bool {
    let Some((top, hidden)) = shapes.split_last() else {
        return false;
    };
    (1..=SMALL_BATCH_LANES).contains(&rows)
        && hidden
            .iter()
            .all(|s| s.activation == Activation::Tanh && s.dropout == 0.0)
        && top.out_dim == 1
        && top.dropout == 0.0
        && !top.activation.is_row_wise()
}

/// [`loss_and_gradient`] for a network [`whole_network_suits`], on 4·V lanes, in one function over
/// one buffer: the general body's forward kernels and one-sweep backward tile, with no per-layer
/// buffers, checks or dropout and a tanh network's only branches. The samples are `x`'s rows, or
/// its rows `pick` selects. Same bits as the general body (tested). Of `ub`, only
/// [`UnitBuffers::output_rows`] is current after.
fn whole_network_step<const V: usize>(
    shapes: &[LayerShape],
    params: &[f32],
    batch: &Batch,
    (x, pick): (&[f32], Option<&[usize]>),
    ub: &mut UnitBuffers,
    grads: &mut [f32],
) -> f32 {
    let Batch {
        rows,
        y,
        loss,
        regularization,
        ..
    } = *batch;
    let p = V * LANES;
    let in_dim = shapes[0].in_dim;
    let widest = shapes
        .iter()
        .map(|s| s.out_dim.max(s.in_dim))
        .max()
        .unwrap_or(0);
    let units = in_dim + shapes.iter().map(|s| s.out_dim).sum::<usize>();
    ub.whole_ran = true;
    let UnitBuffers {
        whole,
        top_a,
        top_grad,
        ..
    } = ub;
    whole.resize((units + 2 * widest) * p, 0.0);
    for top in [&mut *top_a, &mut *top_grad] {
        top.resize(rows, 0.0);
    }
    assert!(
        y.len() == rows
            && grads.len() == params.len()
            && shapes
                .iter()
                .all(|s| s.offset + s.n_params() <= params.len())
    );
    let (acts, deltas) = whole.split_at_mut(units * p);
    let (mut delta, mut below) = deltas.split_at_mut(widest * p);

    // Inputs unit-major. Padding lanes are zero at first and then hold inputs of an earlier, larger
    // batch: finite values whose products meet a zero δ. (Clearing them would be a `memory.fill`,
    // which V8 runs as a call out of the compiled code.)
    place_units(x, pick, rows, in_dim, p, &mut acts[..in_dim * p]);

    let last = shapes.len() - 1;
    let mut base = 0;
    for (l, s) in shapes.iter().enumerate() {
        let (k, n) = (s.in_dim, s.out_dim);
        let (done, rest) = acts.split_at_mut(base + k * p);
        let input = &done[base..];
        let out = &mut rest[..n * p];
        let (w, b) = (&params[s.weight_range()], &params[s.bias_range()]);
        if l < last {
            affine_tanh(input, w, b, None, out, p, k, n);
        } else {
            affine(input, w, b, out, p, k, n);
        }
        base += k * p;
    }

    // The output unit's lanes are its rows: the loss and the activation work on them in place.
    let top = shapes[last];
    let z = &acts[base..base + rows];
    delta[..p].fill(0.0);
    let mut value = single_output_loss(
        top.activation,
        loss,
        z,
        &mut top_a[..rows],
        y,
        &mut delta[..rows],
        &mut top_grad[..rows],
    );

    for l in (0..=last).rev() {
        let s = &shapes[l];
        let (k, n) = (s.in_dim, s.out_dim);
        base -= k * p;
        let input = &acts[base..base + k * p];
        let (gw, gb) = grads[s.offset..s.offset + s.n_params()].split_at_mut(s.n_weights());
        let w = &params[s.weight_range()];
        let next = if l > 0 {
            Some(&mut below[..k * p])
        } else {
            None
        };
        // SAFETY: `input` and `next` hold k rows, `delta` n rows of 4·V lanes; w, gw are k × n.
        unsafe { backward_tile::<V>(input, &delta[..n * p], w, gw, gb, next, k, n) };
        std::mem::swap(&mut delta, &mut below);
        let reg = s.penalty(regularization);
        value += reg.penalty(w);
        reg.add_gradient(w, gw);
    }
    value
}

/// The samples unit-major: laid out in `x` when they come in rows, or as given.
#[inline(always)]
fn unit_inputs<'a>(
    samples: Samples<'a>,
    rows: usize,
    in_dim: usize,
    p: usize,
    x: &'a mut [f32],
) -> &'a [f32] {
    match samples {
        Samples::Rows(data) => {
            place_units(data, None, rows, in_dim, p, x);
            x
        }
        Samples::Picked(data, pick) => {
            place_units(data, Some(pick), rows, in_dim, p, x);
            x
        }
        Samples::Units(units) => {
            assert_eq!(
                units.len(),
                in_dim * p,
                "unit-major samples: {in_dim} rows of {p} values"
            );
            units
        }
    }
}

/// Every layer's activations from `inputs`, the output layer's z only (its activation may be
/// row-wise, and a caller may fuse it with the loss).
#[inline(always)]
fn forward_layers(
    shapes: &[LayerShape],
    params: &[f32],
    inputs: &[f32],
    p: usize,
    keep: Keep,
    layers: &mut [LayerBuffers],
    mut rng: Option<&mut NnRng>,
) {
    let last = shapes.len() - 1;
    for (l, s) in shapes.iter().enumerate() {
        let (done, rest) = layers.split_at_mut(l);
        let input: &[f32] = if l == 0 {
            inputs
        } else {
            done[l - 1].input_for_next()
        };
        let cur = &mut rest[0];
        let (w, b) = (&params[s.weight_range()], &params[s.bias_range()]);
        if l < last && s.activation == Activation::Tanh {
            let z = (keep == Keep::PreActivations).then_some(&mut cur.z[..]);
            affine_tanh(input, w, b, z, &mut cur.a, p, s.in_dim, s.out_dim);
        } else {
            affine(input, w, b, &mut cur.z, p, s.in_dim, s.out_dim);
            if l == last {
                break;
            }
            s.activation.forward(&cur.z, &mut cur.a, p);
        }
        // Checked here, not in the call: a call per layer showed in batches of 10 in Chromium.
        if s.dropout > 0.0 && rng.is_some() {
            cur.drop_out(s.dropout, rng.as_deref_mut());
        } else {
            cur.clear_dropout();
        }
    }
}

/// The first `rows` lanes of `n` unit rows of `p` lanes, as rows × n.
fn lanes_to_rows(units: &[f32], rows_out: &mut [f32], rows: usize, p: usize, n: usize) {
    for (u, zu) in units.chunks_exact(p).take(n).enumerate() {
        for (r, &v) in zu[..rows].iter().enumerate() {
            rows_out[r * n + u] = v;
        }
    }
}
