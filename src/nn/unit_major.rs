//! Forward and backward passes with activations stored unit-major: one row per neuron, the batch's
//! samples along the row, padded to a multiple of [`LANES`]. The playground's layers are 1 to 32
//! units wide, too narrow to fill SIMD registers along the units, and a width of 7 or 1 leaves
//! scalar remainders everywhere; along the samples every product is a full-width vector operation
//! whatever the widths. One neuron's values over a grid of points also come out contiguous, which
//! is what drawing its map wants.
//!
//! Padding lanes hold zero inputs; their outputs are junk that never reaches a gradient, because
//! the output layer's δ is zero there and every δ below is linear in it.

use crate::kernels::fastmath::{HELD_FIT_RUN, TANH_FIT, TanhLanes, tanh4};
use crate::kernels::simd::F4;
use crate::nn::activation::Activation;
use crate::nn::init::NnRng;
use crate::nn::loss::{Loss, squared_error};
use crate::nn::network::{LayerBuffers, LayerConfig, LayerShape};
use crate::nn::regularization::Regularization;

/// Samples per SIMD register (simd128 in wasm, SSE natively).
pub const LANES: usize = 4;

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
    x: Vec<f32>,
    /// One per layer: `out_dim` rows of `lanes` values.
    layers: Vec<LayerBuffers>,
    delta: Vec<f32>,
    grad_a: Vec<f32>,
    /// The output layer in rows (rows × out_dim): z, f(z), ∂L/∂a and ∂L/∂z.
    top_z: Vec<f32>,
    top_a: Vec<f32>,
    top_grad: Vec<f32>,
    top_delta: Vec<f32>,
    /// [`whole_network_step`]'s one buffer: every layer's activations, then two δ rows.
    whole: Vec<f32>,
}

impl UnitBuffers {
    fn prepare(&mut self, shapes: &[LayerShape], rows: usize) {
        let lanes = padded_lanes(rows);
        let in_dim = shapes.first().map_or(0, |s| s.in_dim);
        let same = self.rows == rows
            && self.lanes == lanes
            && self.x.len() == in_dim * lanes
            && self.layers.len() == shapes.len()
            && self
                .layers
                .iter()
                .zip(shapes)
                .all(|(b, s)| b.z.len() == s.out_dim * lanes)
            && self.top_a.len() == rows * shapes.last().map_or(0, |s| s.out_dim);
        if same {
            return;
        }
        let widest = shapes
            .iter()
            .map(|s| s.out_dim.max(s.in_dim))
            .max()
            .unwrap_or(0);
        let out_dim = shapes.last().map_or(0, |s| s.out_dim);
        self.rows = rows;
        self.lanes = lanes;
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
    /// The output layer lives in rows ([`UnitBuffers::output_rows`]), because its activation may
    /// be row-wise (softmax).
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
        let width = (self.top_a.len() / self.rows.max(1)).max(1);
        if width == 1 {
            return &self.top_a[..self.rows];
        }
        scratch.clear();
        scratch.extend(self.top_a.iter().skip(unit).step_by(width));
        scratch
    }

    /// The network's outputs after a forward pass, rows × out_dim.
    pub fn output_rows(&self) -> &[f32] {
        &self.top_a
    }

    /// The output layer's pre-activations, rows × out_dim.
    pub fn logits_rows(&self) -> &[f32] {
        &self.top_z
    }
}

/// Where a unit-major pass reads its `rows` samples.
#[derive(Clone, Copy, Debug)]
pub enum Samples<'a> {
    /// Row-major, sample r is row r.
    Rows(&'a [f32]),
    /// Row-major, sample r is row pick\[r\] (a training batch read in place from the whole set).
    Picked(&'a [f32], &'a [usize]),
    /// Already unit-major: one row of `padded_lanes(rows)` values per input, zero past `rows`
    /// ([`to_units`]). A grid that is drawn again and again is laid out once this way.
    Units(&'a [f32]),
}

/// `rows` rounded up to whole SIMD registers: the length of one unit-major row.
pub fn padded_lanes(rows: usize) -> usize {
    rows.div_ceil(LANES) * LANES
}

/// `rows` row-major samples of `in_dim` values laid out unit-major, for [`Samples::Units`].
pub fn to_units(x: &[f32], rows: usize, in_dim: usize) -> Vec<f32> {
    let lanes = padded_lanes(rows);
    let mut units = vec![0.0; in_dim * lanes];
    place_units(x, None, rows, in_dim, lanes, &mut units);
    units
}

fn place_units(
    x: &[f32],
    pick: Option<&[usize]>,
    rows: usize,
    in_dim: usize,
    lanes: usize,
    units: &mut [f32],
) {
    // Unit by unit: a sample is often two values, and a short copy per sample costs more set-up
    // than it moves.
    for (i, unit) in units.chunks_exact_mut(lanes).take(in_dim).enumerate() {
        let unit = &mut unit[..rows];
        match pick {
            None => unit
                .iter_mut()
                .enumerate()
                .for_each(|(r, u)| *u = x[r * in_dim + i]),
            Some(pick) => unit
                .iter_mut()
                .zip(&pick[..rows])
                .for_each(|(u, &s)| *u = x[s * in_dim + i]),
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

/// Runs the network on `rows` samples, leaving every layer unit-major in `ub` and the output
/// layer also in rows ([`UnitBuffers::output_rows`]). `rng` enables dropout.
pub fn forward(
    shapes: &[LayerShape],
    params: &[f32],
    samples: Samples,
    rows: usize,
    keep: Keep,
    ub: &mut UnitBuffers,
    mut rng: Option<&mut NnRng>,
) {
    ub.prepare(shapes, rows);
    let lanes = ub.lanes;
    let in_dim = shapes[0].in_dim;
    let x_units: &[f32] = match samples {
        Samples::Rows(x) => {
            place_units(x, None, rows, in_dim, lanes, &mut ub.x);
            &ub.x
        }
        Samples::Picked(x, pick) => {
            place_units(x, Some(pick), rows, in_dim, lanes, &mut ub.x);
            &ub.x
        }
        Samples::Units(units) => {
            assert_eq!(
                units.len(),
                in_dim * lanes,
                "unit-major samples: {in_dim} rows of {lanes} values"
            );
            units
        }
    };
    let last = shapes.len() - 1;
    for (l, s) in shapes.iter().enumerate() {
        let (done, rest) = ub.layers.split_at_mut(l);
        let input: &[f32] = if l == 0 {
            x_units
        } else {
            done[l - 1].input_for_next()
        };
        let cur = &mut rest[0];
        let (w, b) = (&params[s.weight_range()], &params[s.bias_range()]);
        if l < last && s.activation == Activation::Tanh {
            let z = (keep == Keep::PreActivations).then_some(&mut cur.z[..]);
            affine_tanh(input, w, b, z, &mut cur.a, lanes, s.in_dim, s.out_dim);
        } else {
            affine(input, w, b, &mut cur.z, lanes, s.in_dim, s.out_dim);
            if l == last {
                break;
            }
            s.activation.forward(&cur.z, &mut cur.a, lanes);
        }
        cur.drop_out(s.dropout, rng.as_deref_mut());
    }
    // The output layer goes to rows: a row-wise activation (softmax) and the losses work there.
    let out_dim = shapes[last].out_dim;
    for (u, zu) in ub.layers[last].z.chunks_exact(lanes).enumerate() {
        for (r, &v) in zu[..rows].iter().enumerate() {
            ub.top_z[r * out_dim + u] = v;
        }
    }
    shapes[last]
        .activation
        .forward(&ub.top_z, &mut ub.top_a, out_dim);
}

/// Forward and backward pass on one batch; the unit-major twin of
/// [`crate::nn::network::Network::loss_and_gradient`], with the same result and gradient layout.
#[allow(clippy::too_many_arguments)]
pub fn loss_and_gradient(
    shapes: &[LayerShape],
    params: &[f32],
    layer_configs: &[LayerConfig],
    x: &[f32],
    pick: Option<&[usize]>,
    y: &[f32],
    rows: usize,
    loss: Loss,
    regularization: Regularization,
    ub: &mut UnitBuffers,
    grads: &mut [f32],
    rng: Option<&mut NnRng>,
) -> f32 {
    let batch = Batch {
        shapes,
        params,
        layer_configs,
        x,
        pick,
        y,
        rows,
        loss,
        regularization,
    };
    if !whole_network_suits(shapes, rows) {
        return layered_loss_and_gradient(batch, ub, grads, rng);
    }
    match padded_lanes(rows) / LANES {
        1 => whole_network_step::<1>(batch, ub, grads),
        2 => whole_network_step::<2>(batch, ub, grads),
        3 => whole_network_step::<3>(batch, ub, grads),
        _ => whole_network_step::<4>(batch, ub, grads),
    }
}

/// [`loss_and_gradient`] layer by layer through [`UnitBuffers`]: any batch size, activation and
/// output layer, and dropout.
fn layered_loss_and_gradient(
    batch: Batch,
    ub: &mut UnitBuffers,
    grads: &mut [f32],
    rng: Option<&mut NnRng>,
) -> f32 {
    let Batch {
        shapes,
        params,
        layer_configs,
        x,
        pick,
        y,
        rows,
        loss,
        regularization,
    } = batch;
    let samples = match pick {
        Some(pick) => Samples::Picked(x, pick),
        None => Samples::Rows(x),
    };
    forward(shapes, params, samples, rows, Keep::Needed, ub, rng);
    let lanes = ub.lanes;
    let last = shapes.len() - 1;
    let out_dim = shapes[last].out_dim;
    let mut value = if loss.uses_logits() {
        loss.value_and_grad(&ub.top_z, y, &mut ub.top_delta, out_dim)
    } else {
        let v = loss.value_and_grad(&ub.top_a, y, &mut ub.top_grad, out_dim);
        shapes[last].activation.backward(
            &ub.top_z,
            &ub.top_a,
            &ub.top_grad,
            &mut ub.top_delta,
            out_dim,
        );
        v
    };
    ub.delta[..out_dim * lanes].fill(0.0);
    for (u, du) in ub.delta.chunks_exact_mut(lanes).take(out_dim).enumerate() {
        for (r, d) in du[..rows].iter_mut().enumerate() {
            *d = ub.top_delta[r * out_dim + u];
        }
    }
    for l in (0..=last).rev() {
        let s = &shapes[l];
        let (gw, gb) = grads[s.offset..s.offset + s.n_params()].split_at_mut(s.n_weights());
        let input: &[f32] = if l == 0 {
            &ub.x
        } else {
            ub.layers[l - 1].input_for_next()
        };
        let w = &params[s.weight_range()];
        let (k, n) = (s.in_dim, s.out_dim);
        let below_tanh =
            l > 0 && shapes[l - 1].activation == Activation::Tanh && !ub.layers[l - 1].dropped();
        if lanes <= SMALL_BATCH_LANES && (l == 0 || below_tanh) {
            // One sweep: the layer's gradients and, above the first layer, δ of the layer below,
            // written beside the current δ and then swapped in.
            let below = if l > 0 {
                Some(&mut ub.grad_a[..k * lanes])
            } else {
                None
            };
            layer_backward_small(input, &ub.delta[..n * lanes], w, gw, gb, below, lanes, k, n);
            if l > 0 {
                std::mem::swap(&mut ub.delta, &mut ub.grad_a);
            }
        } else {
            weight_grad(input, &ub.delta[..n * lanes], gw, gb, lanes, k, n);
            if l > 0 {
                input_grad(
                    &ub.delta[..n * lanes],
                    w,
                    &mut ub.grad_a[..k * lanes],
                    lanes,
                    k,
                    n,
                );
                let below = &ub.layers[l - 1];
                below.mask_gradient(&mut ub.grad_a[..k * lanes]);
                // Hidden activations are element-wise, so the row length passed is irrelevant.
                shapes[l - 1].activation.backward(
                    &below.z,
                    &below.a,
                    &ub.grad_a[..k * lanes],
                    &mut ub.delta[..k * lanes],
                    1,
                );
            }
        }
        let reg = layer_configs[l].regularization.unwrap_or(regularization);
        value += reg.penalty(w);
        reg.add_gradient(w, gw);
    }
    value
}

/// Batches up to this many lanes (16 samples) take [`layer_backward_small`].
const SMALL_BATCH_LANES: usize = 4 * LANES;

/// True when [`whole_network_step`] takes the batch: at most 16 samples, tanh hidden layers
/// without dropout, and one output unit of an element-wise activation.
fn whole_network_suits(shapes: &[LayerShape], rows: usize) -> bool {
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

/// One batch's inputs to [`loss_and_gradient`], as it received them, for the path it takes.
#[derive(Clone, Copy)]
struct Batch<'a> {
    shapes: &'a [LayerShape],
    params: &'a [f32],
    layer_configs: &'a [LayerConfig],
    x: &'a [f32],
    pick: Option<&'a [usize]>,
    y: &'a [f32],
    rows: usize,
    loss: Loss,
    regularization: Regularization,
}

/// [`loss_and_gradient`] for a network [`whole_network_suits`], on 4·V lanes, in one function:
/// the layered path's kernels ([`affine_tanh`], [`affine`], [`backward_tile`]) inlined with the
/// lane count known and run over one buffer. The playground's networks on a batch of 10 are so small
/// that the layered path's set-up (a call, checks and a tile choice per kernel, rows copied out for
/// the loss and back) cost as much as its arithmetic. Same bits as the layered path. Of `ub`, only
/// [`UnitBuffers::output_rows`] is current after.
fn whole_network_step<const V: usize>(
    batch: Batch,
    ub: &mut UnitBuffers,
    grads: &mut [f32],
) -> f32 {
    let Batch {
        shapes,
        params,
        layer_configs,
        x,
        pick,
        y,
        rows,
        loss,
        regularization,
    } = batch;
    let p = V * LANES;
    let in_dim = shapes[0].in_dim;
    let widest = shapes
        .iter()
        .map(|s| s.out_dim.max(s.in_dim))
        .max()
        .unwrap_or(0);
    let units = in_dim + shapes.iter().map(|s| s.out_dim).sum::<usize>();
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
    let mut value = if top.activation == Activation::Linear && loss == Loss::MeanSquaredError {
        // Loss::value_and_grad inlined, and a = z written in the same loop: the general branch
        // below copies twice for a linear output, and a slice copy is a `memory.copy`, which V8
        // runs as a call out of the compiled code.
        let mut total = 0.0f64;
        for r in 0..rows {
            let (square, slope) = squared_error(z[r], y[r], rows as f32);
            total += square as f64;
            delta[r] = slope;
            top_a[r] = z[r];
        }
        (total / rows as f64) as f32
    } else if loss.uses_logits() {
        top.activation.forward(z, top_a, 1);
        loss.value_and_grad(z, y, &mut delta[..rows], 1)
    } else {
        top.activation.forward(z, top_a, 1);
        let v = loss.value_and_grad(top_a, y, top_grad, 1);
        top.activation
            .backward(z, top_a, top_grad, &mut delta[..rows], 1);
        v
    };

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
        let reg = layer_configs[l].regularization.unwrap_or(regularization);
        value += reg.penalty(w);
        reg.add_gradient(w, gw);
    }
    value
}

/// The backward step through one layer of a batch of at most 16 samples, in one sweep:
/// db (n) and dw (k × n) as [`weight_grad`] gives them and, with `below`, δ of the layer below
/// for a tanh layer there: (w·d) ⊙ (1 − a²), [`input_grad`] and tanh's derivative at once. Each
/// input row and its gradient stay in registers while the δ rows pass, so the three passes over
/// memory of the general path (and their set-up, which dominates batches this small) become one.
#[allow(clippy::too_many_arguments)]
pub fn layer_backward_small(
    a: &[f32],
    d: &[f32],
    w: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
    below: Option<&mut [f32]>,
    p: usize,
    k: usize,
    n: usize,
) {
    assert!(
        p % LANES == 0
            && p <= SMALL_BATCH_LANES
            && a.len() >= k * p
            && d.len() >= n * p
            && w.len() == k * n
            && dw.len() == k * n
            && db.len() == n
    );
    assert!(below.as_ref().is_none_or(|g| g.len() >= k * p));
    // SAFETY: the asserts cover every row the tiles read and write.
    unsafe {
        match p / LANES {
            4 => backward_tile::<4>(a, d, w, dw, db, below, k, n),
            3 => backward_tile::<3>(a, d, w, dw, db, below, k, n),
            2 => backward_tile::<2>(a, d, w, dw, db, below, k, n),
            1 => backward_tile::<1>(a, d, w, dw, db, below, k, n),
            _ => {}
        }
    }
}

/// [`layer_backward_small`] with p = 4·V.
///
/// # Safety
/// `a` holds k rows and `d` n rows of 4·V values, `below` (if any) k rows; w, dw are k × n.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn backward_tile<const V: usize>(
    a: &[f32],
    d: &[f32],
    w: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
    below: Option<&mut [f32]>,
    k: usize,
    n: usize,
) {
    let p = V * LANES;
    let (ap, dp, wp, dwp) = (a.as_ptr(), d.as_ptr(), w.as_ptr(), dw.as_mut_ptr());
    // SAFETY (every pointer below): rows i < k of a, j < n of d, entries i·n + j of w and dw.
    let row = |base: *const f32| unsafe { load_lanes::<V>(base) };
    let lane_total = |j: usize| {
        let dj = row(unsafe { dp.add(j * p) });
        let mut acc = dj[0];
        for dv in &dj[1..] {
            acc = acc + *dv;
        }
        acc
    };
    let mut j = 0;
    while j + 4 <= n {
        let sums = F4::sums(
            lane_total(j),
            lane_total(j + 1),
            lane_total(j + 2),
            lane_total(j + 3),
        );
        unsafe { sums.store(db.as_mut_ptr().add(j)) };
        j += 4;
    }
    for (jj, b) in db.iter_mut().enumerate().skip(j) {
        *b = lane_total(jj).sum();
    }
    let gp = below.map(|g| g.as_mut_ptr());
    for i in 0..k {
        let x = row(unsafe { ap.add(i * p) });
        let mut g = [F4::splat(0.0); V];
        // Four δ rows at a time, their four dot products reduced together.
        let mut j = 0;
        while j + 4 <= n {
            let mut acc = [F4::splat(0.0); 4];
            for (q, acc_q) in acc.iter_mut().enumerate() {
                let dj = row(unsafe { dp.add((j + q) * p) });
                let wij = F4::splat(unsafe { *wp.add(i * n + j + q) });
                for v in 0..V {
                    *acc_q = acc_q.mul_add(x[v], dj[v]);
                    g[v] = g[v].mul_add(wij, dj[v]);
                }
            }
            let sums = F4::sums(acc[0], acc[1], acc[2], acc[3]);
            unsafe { sums.store(dwp.add(i * n + j)) };
            j += 4;
        }
        for jj in j..n {
            let dj = row(unsafe { dp.add(jj * p) });
            let wij = F4::splat(unsafe { *wp.add(i * n + jj) });
            let mut acc = F4::splat(0.0);
            for v in 0..V {
                acc = acc.mul_add(x[v], dj[v]);
                g[v] = g[v].mul_add(wij, dj[v]);
            }
            unsafe { *dwp.add(i * n + jj) = acc.sum() };
        }
        if let Some(gp) = gp {
            let one = F4::splat(1.0);
            for v in 0..V {
                // δ = g·(1 − a²); zero past the batch, where δ above is zero.
                let slope = one - x[v] * x[v];
                unsafe { (g[v] * slope).store(gp.add(i * p + v * LANES)) };
            }
        }
    }
}

/// z (n × p) = wᵀ·a + b: z[j][s] = b[j] + Σᵢ w[i][j]·a[i][s], with a (k × p) unit-major and w
/// (k × n) row-major as the network stores it. `p` is a multiple of [`LANES`].
#[inline(always)]
pub fn affine(a: &[f32], w: &[f32], b: &[f32], z: &mut [f32], p: usize, k: usize, n: usize) {
    assert!(
        p % LANES == 0 && a.len() >= k * p && w.len() == k * n && b.len() == n && z.len() >= n * p
    );
    let zp = z.as_mut_ptr();
    // SAFETY (for `combine`'s unchecked reads and the store): the assert covers every index
    // formed, as rows j < n of z, rows i < k of a and w[i·n + j].
    unsafe {
        combine(
            a,
            p,
            n,
            k,
            |j, i| *w.get_unchecked(i * n + j),
            |j| *b.get_unchecked(j),
            |at, v| v.store(zp.add(at)),
        )
    }
}

/// [`affine`], then f = tanh on each register of z before it leaves: the same bits as
/// [`Activation::forward`] on the stored z (both go through [`tanh4`]), without a second pass
/// over memory. z itself is stored only when `z` is given: tanh's derivative is read from f, so
/// only callers that show z need it. Most playground networks are tanh; their forward passes
/// over the maps' grids spent a tenth of their time reading z back and more writing it.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn affine_tanh(
    a: &[f32],
    w: &[f32],
    b: &[f32],
    z: Option<&mut [f32]>,
    f: &mut [f32],
    p: usize,
    k: usize,
    n: usize,
) {
    assert!(
        p % LANES == 0 && a.len() >= k * p && w.len() == k * n && b.len() == n && f.len() >= n * p
    );
    let fit = if n * p >= HELD_FIT_RUN {
        TanhLanes::new(crate::kernels::simd::held(TANH_FIT))
    } else {
        TanhLanes::new(TANH_FIT)
    };
    let fp = f.as_mut_ptr();
    let coef = |j, i| unsafe { *w.get_unchecked(i * n + j) };
    let init = |j| unsafe { *b.get_unchecked(j) };
    // SAFETY: as in `affine`; f (and z when given) has n rows of p values.
    unsafe {
        match z {
            Some(z) => {
                assert!(z.len() >= n * p);
                let zp = z.as_mut_ptr();
                combine(a, p, n, k, coef, init, |at, v| {
                    v.store(zp.add(at));
                    tanh4(v, &fit).store(fp.add(at));
                })
            }
            None => combine(a, p, n, k, coef, init, |at, v| {
                tanh4(v, &fit).store(fp.add(at))
            }),
        }
    }
}

/// g (k × p) = w·d: g[i][s] = Σⱼ w[i][j]·d[j][s], the gradient flowing back to the layer's inputs.
pub fn input_grad(d: &[f32], w: &[f32], g: &mut [f32], p: usize, k: usize, n: usize) {
    assert!(p % LANES == 0 && d.len() >= n * p && w.len() == k * n && g.len() >= k * p);
    let gp = g.as_mut_ptr();
    // SAFETY: as in `affine`, with the roles of k and n swapped.
    unsafe {
        combine(
            d,
            p,
            k,
            n,
            |i, j| *w.get_unchecked(i * n + j),
            |_| 0.0,
            |at, v| v.store(gp.add(at)),
        )
    }
}

/// out[r][s] = init(r) + Σ_c coef(r, c)·src[c][s] for r < rows_out, c < rows_in, over `p` lanes,
/// each register of out handed to `put` with its offset r·p + s: the one loop nest behind both
/// products. Lanes go in tiles of up to 16 whose accumulators, two output rows at a time, stay in
/// registers across the sum; each tile loads every source row once per pair of outputs.
///
/// # Safety
/// `src` must hold `rows_in` rows of `p` values, p a multiple of [`LANES`], `coef`/`init` must be
/// valid for every (r, c) in range and `put` for every offset below rows_out·p.
#[inline(always)]
unsafe fn combine(
    src: &[f32],
    p: usize,
    rows_out: usize,
    rows_in: usize,
    coef: impl Fn(usize, usize) -> f32,
    init: impl Fn(usize) -> f32,
    put: impl Fn(usize, F4),
) {
    let mut t = 0;
    while t + 16 <= p {
        unsafe { combine_tile::<4>(src, p, rows_out, rows_in, t, &coef, &init, &put) };
        t += 16;
    }
    match (p - t) / LANES {
        3 => unsafe { combine_tile::<3>(src, p, rows_out, rows_in, t, &coef, &init, &put) },
        2 => unsafe { combine_tile::<2>(src, p, rows_out, rows_in, t, &coef, &init, &put) },
        1 => unsafe { combine_tile::<1>(src, p, rows_out, rows_in, t, &coef, &init, &put) },
        _ => {}
    }
}

/// `V` registers of lanes from `base` on: one row of a tile.
///
/// # Safety
/// `base` must be valid for 4·V f32 reads.
#[inline(always)]
unsafe fn load_lanes<const V: usize>(base: *const f32) -> [F4; V] {
    let mut x = [F4::splat(0.0); V];
    for (v, xv) in x.iter_mut().enumerate() {
        *xv = unsafe { F4::load(base.add(v * LANES)) };
    }
    x
}

/// `V` vectors of lanes from lane `t`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn combine_tile<const V: usize>(
    src: &[f32],
    p: usize,
    rows_out: usize,
    rows_in: usize,
    t: usize,
    coef: &impl Fn(usize, usize) -> f32,
    init: &impl Fn(usize) -> f32,
    put: &impl Fn(usize, F4),
) {
    let s = src.as_ptr();
    // SAFETY (every pointer below): rows c < rows_in of src, lanes t..t + 4V ≤ p, as the caller
    // guarantees; `put` receives offsets of rows r < rows_out.
    let mut r = 0;
    while r + 2 <= rows_out {
        let mut acc0 = [F4::splat(init(r)); V];
        let mut acc1 = [F4::splat(init(r + 1)); V];
        for c in 0..rows_in {
            let (w0, w1) = (F4::splat(coef(r, c)), F4::splat(coef(r + 1, c)));
            let x = unsafe { load_lanes::<V>(s.add(c * p + t)) };
            for v in 0..V {
                acc0[v] = acc0[v].mul_add(w0, x[v]);
                acc1[v] = acc1[v].mul_add(w1, x[v]);
            }
        }
        for v in 0..V {
            put(r * p + t + v * LANES, acc0[v]);
            put((r + 1) * p + t + v * LANES, acc1[v]);
        }
        r += 2;
    }
    if r < rows_out {
        let mut acc = [F4::splat(init(r)); V];
        for c in 0..rows_in {
            let w0 = F4::splat(coef(r, c));
            let x = unsafe { load_lanes::<V>(s.add(c * p + t)) };
            for v in 0..V {
                acc[v] = acc[v].mul_add(w0, x[v]);
            }
        }
        for (v, a) in acc.iter().enumerate() {
            put(r * p + t + v * LANES, *a);
        }
    }
}

/// dw (k × n) = a·dᵀ: dw[i][j] = Σₛ a[i][s]·d[j][s]; db[j] = Σₛ d[j][s]. Overwrites both.
pub fn weight_grad(
    a: &[f32],
    d: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
    p: usize,
    k: usize,
    n: usize,
) {
    assert!(
        p % LANES == 0
            && a.len() >= k * p
            && d.len() >= n * p
            && dw.len() == k * n
            && db.len() == n
    );
    for (bj, dj) in db.iter_mut().zip(d.chunks_exact(p)) {
        *bj = lane_sum(dj);
    }
    let chunks = p / LANES;
    let (ap, dp) = (a.as_ptr(), d.as_ptr());
    let mut i = 0;
    // Blocks of 2 inputs × 4 units: each loaded vector serves several products.
    while i + 2 <= k {
        let mut j = 0;
        while j + 4 <= n {
            let mut acc = [[F4::splat(0.0); 4]; 2];
            for c in 0..chunks {
                // SAFETY: rows i, i + 1 < k of a and j..j + 4 ≤ n of d, lanes c·4..c·4 + 4 ≤ p.
                let (x0, x1) = unsafe {
                    (
                        F4::load(ap.add(i * p + c * LANES)),
                        F4::load(ap.add((i + 1) * p + c * LANES)),
                    )
                };
                let [row0, row1] = &mut acc;
                for (q, (a0, a1)) in row0.iter_mut().zip(row1.iter_mut()).enumerate() {
                    let y = unsafe { F4::load(dp.add((j + q) * p + c * LANES)) };
                    *a0 = a0.mul_add(x0, y);
                    *a1 = a1.mul_add(x1, y);
                }
            }
            for (h, row) in acc.iter().enumerate() {
                let sums = F4::sums(row[0], row[1], row[2], row[3]);
                // SAFETY: units j..j + 4 ≤ n of row i + h < k of dw (asserted above).
                unsafe { sums.store(dw.as_mut_ptr().add((i + h) * n + j)) };
            }
            j += 4;
        }
        for jj in j..n {
            let dj = &d[jj * p..(jj + 1) * p];
            dw[i * n + jj] = dot(&a[i * p..(i + 1) * p], dj);
            dw[(i + 1) * n + jj] = dot(&a[(i + 1) * p..(i + 2) * p], dj);
        }
        i += 2;
    }
    if i < k {
        let ai = &a[i * p..(i + 1) * p];
        for (jj, g) in dw[i * n..(i + 1) * n].iter_mut().enumerate() {
            *g = dot(ai, &d[jj * p..(jj + 1) * p]);
        }
    }
}

#[inline(always)]
fn reduce(acc: &[f32; LANES]) -> f32 {
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

#[inline(always)]
fn lane_sum(x: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    for c in x.chunks_exact(LANES) {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a += v;
        }
    }
    reduce(&acc)
}

#[inline(always)]
fn dot(x: &[f32], y: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    for (xc, yc) in x.chunks_exact(LANES).zip(y.chunks_exact(LANES)) {
        for ((a, &u), &v) in acc.iter_mut().zip(xc).zip(yc) {
            *a += u * v;
        }
    }
    reduce(&acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain triple loops on rows, the definition the kernels must match.
    fn naive(a_rows: &[f32], w: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
        let mut z = vec![0.0; m * n];
        for r in 0..m {
            for j in 0..n {
                z[r * n + j] = b[j]
                    + (0..k)
                        .map(|i| a_rows[r * k + i] * w[i * n + j])
                        .sum::<f32>();
            }
        }
        z
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| {
                (((i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) >> 8) % 1000) as f32
                    / 500.0
                    - 1.0
            })
            .collect()
    }

    #[test]
    fn kernels_match_the_definitions_for_every_tile_mix() {
        for &(m, k, n) in &[
            (1usize, 1usize, 1usize),
            (10, 7, 8),
            (29, 3, 5),
            (37, 8, 1),
            (64, 2, 4),
            (5, 32, 32),
            (10, 2, 4),
            (10, 4, 2),
            (16, 3, 9),
            (7, 5, 1),
        ] {
            let p = m.div_ceil(LANES) * LANES;
            let (a, w, b) = (values(m * k, 1), values(k * n, 2), values(n, 3));
            let au = to_units(&a, m, k);
            let mut z = vec![0.0; n * p];
            affine(&au, &w, &b, &mut z, p, k, n);
            let want = naive(&a, &w, &b, m, k, n);
            for r in 0..m {
                for j in 0..n {
                    assert!(
                        (z[j * p + r] - want[r * n + j]).abs() < 1e-4,
                        "affine {m}×{k}×{n} at ({r},{j})"
                    );
                }
            }
            // The fused tanh gives the bits of the two-pass way, with or without z stored.
            let mut two_pass = vec![0.0; n * p];
            Activation::Tanh.forward(&z, &mut two_pass, 1);
            let (mut zf, mut f, mut f_only) =
                (vec![0.0; n * p], vec![0.0; n * p], vec![0.0; n * p]);
            affine_tanh(&au, &w, &b, Some(&mut zf), &mut f, p, k, n);
            affine_tanh(&au, &w, &b, None, &mut f_only, p, k, n);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&zf), bits(&z), "affine_tanh's z {m}×{k}×{n}");
            assert_eq!(bits(&f), bits(&two_pass), "affine_tanh's f {m}×{k}×{n}");
            assert_eq!(
                bits(&f_only),
                bits(&two_pass),
                "affine_tanh without z {m}×{k}×{n}"
            );
            // δ with zero padding, as the passes keep it.
            let d = values(m * n, 4);
            let du = to_units(&d, m, n);
            let mut g = vec![0.0; k * p];
            input_grad(&du, &w, &mut g, p, k, n);
            for r in 0..m {
                for i in 0..k {
                    let want: f32 = (0..n).map(|j| d[r * n + j] * w[i * n + j]).sum();
                    assert!(
                        (g[i * p + r] - want).abs() < 1e-4,
                        "input_grad {m}×{k}×{n} at ({r},{i})"
                    );
                }
            }
            let (mut dw, mut db) = (vec![0.0; k * n], vec![0.0; n]);
            weight_grad(&au, &du, &mut dw, &mut db, p, k, n);
            for i in 0..k {
                for j in 0..n {
                    let want: f32 = (0..m).map(|r| a[r * k + i] * d[r * n + j]).sum();
                    assert!(
                        (dw[i * n + j] - want).abs() < 1e-4,
                        "weight_grad {m}×{k}×{n} at ({i},{j})"
                    );
                }
            }
            for j in 0..n {
                let want: f32 = (0..m).map(|r| d[r * n + j]).sum();
                assert!((db[j] - want).abs() < 1e-4, "bias grad {m}×{k}×{n} at {j}");
            }
            if p <= SMALL_BATCH_LANES {
                // The one-sweep step gives the three kernels' results, with a = tanh values below.
                let mut a_tanh = vec![0.0; k * p];
                Activation::Tanh.forward(&au, &mut a_tanh, 1);
                let (mut dw_sep, mut db_sep, mut g_sep) =
                    (vec![0.0; k * n], vec![0.0; n], vec![0.0; k * p]);
                weight_grad(&a_tanh, &du, &mut dw_sep, &mut db_sep, p, k, n);
                input_grad(&du, &w, &mut g_sep, p, k, n);
                let mut delta_sep = vec![0.0; k * p];
                Activation::Tanh.backward(&au, &a_tanh, &g_sep, &mut delta_sep, 1);
                let (mut dw1, mut db1, mut delta1) =
                    (vec![0.0; k * n], vec![0.0; n], vec![7.0; k * p]);
                layer_backward_small(
                    &a_tanh,
                    &du,
                    &w,
                    &mut dw1,
                    &mut db1,
                    Some(&mut delta1),
                    p,
                    k,
                    n,
                );
                let close = |x: &[f32], y: &[f32], what: &str| {
                    for (i, (u, v)) in x.iter().zip(y).enumerate() {
                        assert!(
                            (u - v).abs() <= 1e-5 * (1.0 + v.abs()),
                            "{what} {m}×{k}×{n} at {i}: {u} vs {v}"
                        );
                    }
                };
                close(&dw1, &dw_sep, "one-sweep dw");
                close(&db1, &db_sep, "one-sweep db");
                close(&delta1, &delta_sep, "one-sweep δ below");
                let (mut dw0, mut db0) = (vec![0.0; k * n], vec![0.0; n]);
                layer_backward_small(&a_tanh, &du, &w, &mut dw0, &mut db0, None, p, k, n);
                close(&dw0, &dw_sep, "one-sweep dw of a first layer");
            }
        }
    }

    /// Every way of handing over the samples, and both `Keep`s, give the same activations.
    #[test]
    fn samples_in_rows_picked_or_unit_major_give_the_same_pass() {
        use crate::nn::network::{LayerConfig, Network, NetworkConfig};
        let config = NetworkConfig::new(
            3,
            &[5, 4],
            Activation::Tanh,
            LayerConfig::new(2, Activation::Sigmoid),
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
        assert_eq!(reference.0.len(), (5 + 4 + 2) * rows);
        assert_eq!(
            run(Samples::Picked(&reversed, &pick), Keep::PreActivations),
            reference
        );
        assert_eq!(run(Samples::Units(&units), Keep::PreActivations), reference);
        assert_eq!(run(Samples::Units(&units), Keep::Needed), reference);
        let direct = net
            .predict(
                ndarray::Array2::from_shape_vec((rows, 3), x.clone())
                    .unwrap()
                    .view(),
            )
            .unwrap();
        for (got, want) in reference.1.iter().zip(direct.iter()) {
            assert!((got - want).abs() < 1e-6);
        }
    }
    /// The whole-network step gives the layered path's loss, gradient and outputs bit for bit:
    /// batches of 1 to 16 samples that shrink and grow between calls (its padding lanes keep
    /// earlier samples), widths 1 to 9, each kind of output it takes, and a per-layer penalty.
    #[test]
    fn whole_network_step_matches_the_layered_path_bit_for_bit() {
        use crate::nn::network::{LayerConfig, Network, NetworkConfig};
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
            let (shapes, params, layers) = (net.layers(), net.params(), &config.layers[..]);
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
                let mut g_whole = vec![f32::NAN; params.len()];
                let v_whole = loss_and_gradient(
                    shapes,
                    params,
                    layers,
                    &x,
                    Some(&pick),
                    &yb,
                    rows,
                    loss,
                    Regularization::None,
                    &mut whole,
                    &mut g_whole,
                    None,
                );
                let mut layered = UnitBuffers::default();
                let mut g_layered = vec![0.0; params.len()];
                let batch = Batch {
                    shapes,
                    params,
                    layer_configs: layers,
                    x: &x,
                    pick: Some(&pick),
                    y: &yb,
                    rows,
                    loss,
                    regularization: Regularization::None,
                };
                let v_layered =
                    layered_loss_and_gradient(batch, &mut layered, &mut g_layered, None);
                let what = format!("case {c}, call {call}, {rows} rows");
                assert!(v_whole.is_finite() && v_whole > 0.0, "{what}");
                assert_eq!(v_whole.to_bits(), v_layered.to_bits(), "loss, {what}");
                assert_eq!(bits(&g_whole), bits(&g_layered), "gradient, {what}");
                assert_eq!(
                    bits(whole.output_rows()),
                    bits(layered.output_rows()),
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
        assert!(!whole_network_suits(
            &shapes_of(NetworkConfig::new(
                2,
                &[4],
                Activation::Relu,
                LayerConfig::new(1, Activation::Linear)
            )),
            10
        ));
        assert!(!whole_network_suits(
            &shapes_of(NetworkConfig::new(
                2,
                &[4],
                Activation::Tanh,
                LayerConfig::new(3, Activation::Softmax)
            )),
            10
        ));
        let mut dropped = tanh;
        dropped.layers[0].dropout = 0.5;
        assert!(!whole_network_suits(&shapes_of(dropped), 10));
    }
}
