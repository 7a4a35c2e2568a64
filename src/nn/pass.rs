//! What every forward and backward pass works on, whichever layout it computes in: where each
//! layer lives in the flat parameter vector ([`LayerShape`]), one batch ([`Batch`]: its samples,
//! targets, loss and penalty) and one layer's forward buffers with its dropout mask
//! ([`LayerBuffers`]). The row passes ([`crate::nn::network`]) and the unit-major passes
//! ([`crate::nn::unit_major`]) both read these, so the network hands a batch to either path as
//! one value, and the unit-major passes need nothing from the network module.

use crate::nn::activation::Activation;
use crate::nn::init::NnRng;
use crate::nn::loss::Loss;
use crate::nn::regularization::Regularization;
use rand::RngExt;

/// Where one layer lives in the flat parameter vector, and what the passes apply after it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerShape {
    pub in_dim: usize,
    pub out_dim: usize,
    pub activation: Activation,
    /// Offset of the kernel (in_dim × out_dim, row-major); the bias (out_dim) follows it.
    pub offset: usize,
    pub dropout: f32,
    /// This layer's own penalty, overriding the training-wide one ([`Batch::regularization`]).
    pub regularization: Option<Regularization>,
}

impl LayerShape {
    pub fn n_weights(&self) -> usize {
        self.in_dim * self.out_dim
    }
    pub fn n_params(&self) -> usize {
        self.n_weights() + self.out_dim
    }
    pub fn weight_range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.n_weights()
    }
    pub fn bias_range(&self) -> std::ops::Range<usize> {
        self.offset + self.n_weights()..self.offset + self.n_params()
    }
    /// The penalty on this layer's kernel when training with `default`.
    pub fn penalty(&self, default: Regularization) -> Regularization {
        self.regularization.unwrap_or(default)
    }
}

/// Where a pass reads its samples.
#[derive(Clone, Copy, Debug)]
pub enum Samples<'a> {
    /// Row-major, sample r is row r.
    Rows(&'a [f32]),
    /// Row-major, sample r is row pick\[r\] (a training batch read in place from the whole set).
    Picked(&'a [f32], &'a [usize]),
    /// Already unit-major: one row of `padded_lanes(rows)` values per input, zero past `rows`
    /// ([`crate::kernels::lanes::to_units`]). A grid drawn again and again is laid out once so.
    Units(&'a [f32]),
}

/// One training batch as every pass receives it.
///
/// # Shapes
/// `samples`: `rows` samples of the network's `in_dim` values; `y`: rows × out_dim, row-major
/// (one-hot rows for categorical cross-entropy). Callers have checked both.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    pub samples: Samples<'a>,
    pub rows: usize,
    pub y: &'a [f32],
    pub loss: Loss,
    /// The penalty of every layer that sets none of its own ([`LayerShape::regularization`]).
    pub regularization: Regularization,
}

/// Buffers of one layer's forward pass, by rows (row passes) or by units (unit-major passes).
#[derive(Clone, Debug, Default)]
pub struct LayerBuffers {
    /// Pre-activations z, rows × out_dim (or out_dim rows of lanes).
    pub z: Vec<f32>,
    /// Activations a = f(z), in the layout of z.
    pub a: Vec<f32>,
    /// Inverted-dropout scale per value (0 or 1/keep) and the masked activations, when dropout ran.
    mask: Vec<f32>,
    out: Vec<f32>,
    dropped: bool,
}

impl LayerBuffers {
    pub(crate) fn with_len(len: usize) -> LayerBuffers {
        LayerBuffers {
            z: vec![0.0; len],
            a: vec![0.0; len],
            ..Default::default()
        }
    }

    /// True when dropout masked this layer's activations in the last pass.
    pub(crate) fn dropped(&self) -> bool {
        self.dropped
    }

    /// Forgets an earlier pass's dropout (for buffers filled by a copy, not by a pass).
    pub(crate) fn clear_dropout(&mut self) {
        self.dropped = false;
    }

    pub(crate) fn input_for_next(&self) -> &[f32] {
        if self.dropped { &self.out } else { &self.a }
    }

    /// Inverted dropout of `a` at `rate` when training (`rng` given and rate > 0): draws the
    /// mask (0, or 1/keep so the expected value is unchanged) and the masked activations that
    /// feed the next layer. Otherwise the layer passes `a` on as it is.
    pub(crate) fn drop_out(&mut self, rate: f32, rng: Option<&mut NnRng>) {
        self.dropped = false;
        let Some(rng) = rng.filter(|_| rate > 0.0) else {
            return;
        };
        let keep = 1.0 - rate;
        let scale = 1.0 / keep;
        self.mask.resize(self.a.len(), 0.0);
        self.out.resize(self.a.len(), 0.0);
        for ((m, o), &v) in self.mask.iter_mut().zip(self.out.iter_mut()).zip(&self.a) {
            *m = if rng.random::<f32>() < keep {
                scale
            } else {
                0.0
            };
            *o = v * *m;
        }
        self.dropped = true;
    }

    /// The gradient reaching `a` from the masked activations: zero where dropout dropped.
    pub(crate) fn mask_gradient(&self, grad_a: &mut [f32]) {
        if self.dropped {
            grad_a.iter_mut().zip(&self.mask).for_each(|(g, m)| *g *= m);
        }
    }

    /// ∂L/∂z of this layer into `delta` from ∂L/∂a in `grad_a`, over the layer's values (both
    /// buffers may be longer: they are sized for the widest layer).
    pub(crate) fn activation_backward(
        &self,
        act: Activation,
        grad_a: &[f32],
        delta: &mut [f32],
        cols: usize,
    ) {
        let n = self.z.len();
        act.backward(&self.z, &self.a, &grad_a[..n], &mut delta[..n], cols);
    }
}
