//! Optimizers and gradient clipping. An optimizer is a value describing the update rule; its
//! running state (moments, step count) lives beside the parameters in an [`OptimizerState`], and
//! one step updates the network's flat parameter vector in place. Its names and which
//! hyperparameters each has are its token forms here; the hyperparameters' keys, ranges, defaults
//! and help are the table in [`hyperparameter`](super::hyperparameter). The learning-rate
//! schedules live in [`schedule`](super::schedule) and are re-exported here.

use crate::kernels::simd::F4;
use crate::nn::token::{self, Form, TokenSet};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub use super::hyperparameter::{Hyperparameter, Range};
pub use super::schedule::LrSchedule;
use Hyperparameter as H;

/// PyTorch's AdaGrad ε, smaller than the 1e-8 its Adam and RMSProp use.
const ADAGRAD_EPS: f32 = 1e-10;

/// An update rule p ← p − lr·(…). Defaults are PyTorch's (see each constructor).
///
/// Plain gradient descent is `Sgd`; whether it is full-batch or mini-batch is the batch size's
/// business, not the optimizer's.
///
/// ```
/// use nnplay::optim::{Optimizer, OptimizerState};
/// let mut params = [1.0f32, -1.0];
/// let mut state = OptimizerState::default();
/// Optimizer::Sgd.step(0.1, &mut params, &[0.5, -0.5], &mut state);
/// assert_eq!(params, [0.95, -0.95]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Optimizer {
    /// p ← p − lr·g.
    Sgd,
    /// Heavy ball: v ← μv + g; p ← p − lr·v.
    Momentum { momentum: f32 },
    /// Nesterov: v ← μv + g; p ← p − lr·(g + μv).
    Nesterov { momentum: f32 },
    /// s ← s + g²; p ← p − lr·g / (√s + ε). PyTorch: ε = 1e-10, s₀ = 0.
    AdaGrad { eps: f32, initial_accumulator: f32 },
    /// v ← αv + (1−α)g²; p ← p − lr·g / (√v + ε). PyTorch: α = 0.99, ε = 1e-8.
    RmsProp { alpha: f32, eps: f32 },
    /// Adam with bias correction. PyTorch: β1 = 0.9, β2 = 0.999, ε = 1e-8.
    Adam { beta1: f32, beta2: f32, eps: f32 },
    /// Adam with decoupled weight decay p ← p − lr·λ·p on every parameter. PyTorch: λ = 0.01.
    AdamW {
        beta1: f32,
        beta2: f32,
        eps: f32,
        weight_decay: f32,
    },
}

impl Default for Optimizer {
    fn default() -> Self {
        Optimizer::adam()
    }
}

impl Optimizer {
    /// Momentum 0.9 (the usual choice; PyTorch's SGD default is 0, which is plain `Sgd`).
    pub fn momentum() -> Self {
        Optimizer::Momentum {
            momentum: H::Momentum.default(),
        }
    }
    pub fn nesterov() -> Self {
        Optimizer::Nesterov {
            momentum: H::Momentum.default(),
        }
    }
    pub fn adagrad() -> Self {
        Optimizer::AdaGrad {
            eps: ADAGRAD_EPS,
            initial_accumulator: H::InitialAccumulator.default(),
        }
    }
    pub fn rmsprop() -> Self {
        Optimizer::RmsProp {
            alpha: H::Alpha.default(),
            eps: H::Eps.default(),
        }
    }
    pub fn adam() -> Self {
        Optimizer::Adam {
            beta1: H::Beta1.default(),
            beta2: H::Beta2.default(),
            eps: H::Eps.default(),
        }
    }
    pub fn adamw() -> Self {
        Optimizer::AdamW {
            beta1: H::Beta1.default(),
            beta2: H::Beta2.default(),
            eps: H::Eps.default(),
            weight_decay: H::WeightDecay.default(),
        }
    }

    /// Every optimizer once, with default hyperparameters, in the order of its token forms.
    pub fn all() -> [Optimizer; 7] {
        const { assert!(<Optimizer as TokenSet>::FORMS.len() == 7) };
        std::array::from_fn(|i| Self::FORMS[i].defaults())
    }

    /// The token used in URLs and on the command line.
    pub fn name(&self) -> &'static str {
        self.token().0
    }

    /// This optimizer's hyperparameters with their values, in the order of its token's arguments.
    pub fn hyperparameters(&self) -> Vec<(Hyperparameter, f32)> {
        let (name, values) = self.token();
        let params = token::form::<Optimizer>(name).map_or(&[][..], |f| f.params);
        params
            .iter()
            .zip(values)
            .filter_map(|(p, v)| Hyperparameter::from_key(p.name).map(|h| (h, v)))
            .collect()
    }

    /// The value of `h`, if this optimizer has it.
    pub fn hyperparameter(&self, h: Hyperparameter) -> Option<f32> {
        self.hyperparameters()
            .into_iter()
            .find_map(|(k, v)| (k == h).then_some(v))
    }

    /// Sets `h` (unchecked: see [`Optimizer::validate`]); false when this optimizer has no `h`.
    pub fn set_hyperparameter(&mut self, h: Hyperparameter, value: f32) -> bool {
        let (name, mut values) = self.token();
        let Some(form) = token::form::<Optimizer>(name) else {
            return false;
        };
        match form.params.iter().position(|p| p.name == h.key()) {
            Some(i) => {
                values[i] = value;
                *self = (form.build)(&values);
                true
            }
            None => false,
        }
    }

    /// A sentence for a tooltip.
    pub fn description(&self) -> &'static str {
        match self {
            Optimizer::Sgd => "Step straight down the gradient, scaled by the learning rate.",
            Optimizer::Momentum { .. } => {
                "A heavy ball: keeps rolling in the direction it was going."
            }
            Optimizer::Nesterov { .. } => "Momentum that looks ahead before it corrects.",
            Optimizer::AdaGrad { .. } => {
                "Each weight gets its own step size, shrinking as its gradients add up."
            }
            Optimizer::RmsProp { .. } => {
                "Divides each step by a running average of recent gradient sizes."
            }
            Optimizer::Adam { .. } => {
                "Momentum plus RMSProp, with bias correction: the usual default."
            }
            Optimizer::AdamW { .. } => "Adam with weight decay applied directly to the weights.",
        }
    }

    /// Rejects NaN, ∞ and hyperparameters outside their [`Hyperparameter`] range.
    pub fn validate(&self) -> Result<(), crate::error::NnError> {
        self.hyperparameters()
            .into_iter()
            .try_for_each(|(h, v)| h.check(v))
    }

    /// Updates `params` in place from `grads` (same length), advancing `state`.
    pub fn step(&self, lr: f32, params: &mut [f32], grads: &[f32], state: &mut OptimizerState) {
        self.step_checked(lr, params, grads, state);
    }

    /// The step written to `out` instead of in place, for an optimizer whose update reads only the
    /// parameters and the gradient (SGD): `Some(whether every new parameter is finite)`, with
    /// `params` untouched, or `None` for the optimizers that update in place only. The caller
    /// swaps `out` in when it is finite; see [`sgd_into`] for why this also checks the gradient.
    pub fn step_into(
        &self,
        lr: f32,
        params: &[f32],
        grads: &[f32],
        out: &mut Vec<f32>,
        state: &mut OptimizerState,
    ) -> Option<bool> {
        match self {
            Optimizer::Sgd => {
                state.ensure_len(params.len(), self);
                state.t += 1;
                Some(sgd_into(lr, params, grads, out))
            }
            _ => None,
        }
    }

    /// [`Optimizer::step`], then whether every parameter is still finite. SGD and Adam(W) check in
    /// their update pass: one pass instead of two saves a read of every parameter per step, which
    /// on a playground network is a visible share of the step and on MNIST a sixth of Adam's.
    pub fn step_checked(
        &self,
        lr: f32,
        params: &mut [f32],
        grads: &[f32],
        state: &mut OptimizerState,
    ) -> bool {
        debug_assert_eq!(params.len(), grads.len());
        state.ensure_len(params.len(), self);
        state.t += 1;
        match *self {
            Optimizer::Sgd => return sgd_update(lr, params, grads),
            Optimizer::Momentum { momentum } => {
                for ((p, &g), v) in params.iter_mut().zip(grads).zip(&mut state.first) {
                    *v = momentum * *v + g;
                    *p -= lr * *v;
                }
            }
            Optimizer::Nesterov { momentum } => {
                for ((p, &g), v) in params.iter_mut().zip(grads).zip(&mut state.first) {
                    *v = momentum * *v + g;
                    *p -= lr * (g + momentum * *v);
                }
            }
            Optimizer::AdaGrad { eps, .. } => {
                for ((p, &g), s) in params.iter_mut().zip(grads).zip(&mut state.second) {
                    *s += g * g;
                    *p -= lr * g / (s.sqrt() + eps);
                }
            }
            Optimizer::RmsProp { alpha, eps } => {
                for ((p, &g), v) in params.iter_mut().zip(grads).zip(&mut state.second) {
                    *v = alpha * *v + (1.0 - alpha) * g * g;
                    *p -= lr * g / (v.sqrt() + eps);
                }
            }
            Optimizer::Adam { beta1, beta2, eps } => {
                return adam_update(lr, beta1, beta2, eps, 1.0, params, grads, state);
            }
            Optimizer::AdamW {
                beta1,
                beta2,
                eps,
                weight_decay,
            } => {
                return adam_update(
                    lr,
                    beta1,
                    beta2,
                    eps,
                    1.0 - lr * weight_decay,
                    params,
                    grads,
                    state,
                );
            }
        }
        all_finite(params)
    }
}

/// p ← p − lr·g, returning whether every new p is finite ([`all_finite`]'s test, same pass).
fn sgd_update(lr: f32, params: &mut [f32], grads: &[f32]) -> bool {
    assert_eq!(params.len(), grads.len());
    let p = params.as_mut_ptr();
    // SAFETY: source and destination are the same n values; each is read before it is written.
    unsafe { sgd_pass(lr, p, grads, p) }
}

/// SGD's update of `params` written to `out` (resized to fit), which then holds the new
/// parameters; returns whether every one is finite. A non-finite gradient makes its parameter
/// non-finite (p − lr·g is ±∞ or NaN for g = ±∞ or NaN, also at lr = 0), so this one pass checks
/// the gradient too, and `params` is untouched whatever it finds.
pub(crate) fn sgd_into(lr: f32, params: &[f32], grads: &[f32], out: &mut Vec<f32>) -> bool {
    assert_eq!(params.len(), grads.len());
    out.resize(params.len(), 0.0);
    // SAFETY: three slices of n values; `out` is a distinct allocation from `params`.
    unsafe { sgd_pass(lr, params.as_ptr(), grads, out.as_mut_ptr()) }
}

/// dst ← src − lr·g over grads.len() values, and whether every result is finite.
///
/// # Safety
/// `src` and `dst` must be valid for grads.len() values; they may be the same pointer.
#[allow(clippy::eq_op)] // p − p is the point: it is NaN exactly when p is not finite
unsafe fn sgd_pass(lr: f32, src: *const f32, grads: &[f32], dst: *mut f32) -> bool {
    let (n, gp) = (grads.len(), grads.as_ptr());
    let (rate, mut odd, mut even) = (F4::splat(lr), F4::splat(0.0), F4::splat(0.0));
    let mut i = 0;
    // SAFETY: i + 8 ≤ n for every load and store.
    unsafe {
        while i + 8 <= n {
            let (p0, p1) = (
                F4::load(src.add(i)) - rate * F4::load(gp.add(i)),
                F4::load(src.add(i + 4)) - rate * F4::load(gp.add(i + 4)),
            );
            p0.store(dst.add(i));
            p1.store(dst.add(i + 4));
            (even, odd) = (even + (p0 - p0), odd + (p1 - p1));
            i += 8;
        }
    }
    let mut rest = 0.0;
    for (j, &g) in grads.iter().enumerate().skip(i) {
        // SAFETY: j < n.
        let p = unsafe { *src.add(j) } - lr * g;
        unsafe { *dst.add(j) = p };
        rest += p - p;
    }
    (even + odd).sum() + rest == 0.0
}

/// True when every value is finite. `x − x` is 0 for a finite x and NaN for ±∞ and NaN; eight
/// independent sums let the compiler vectorise the pass (`any(!is_finite)` branches per value and
/// stays scalar, which costs as much as the Adam update on a 55k-parameter network).
#[allow(clippy::eq_op)] // v − v is the point: it is NaN exactly when v is not finite
pub(crate) fn all_finite(values: &[f32]) -> bool {
    let mut acc = [0.0f32; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a += v - v;
        }
    }
    acc.iter().sum::<f32>() + rest.iter().map(|&v| v - v).sum::<f32>() == 0.0
}

/// Adam's step with its bias corrections at step `state.t`, after shrinking each parameter by
/// `shrink` (AdamW's decoupled weight decay; 1 for Adam, which leaves p exactly as it is), and
/// whether every new parameter is finite.
#[allow(clippy::too_many_arguments)]
fn adam_update(
    lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    shrink: f32,
    params: &mut [f32],
    grads: &[f32],
    state: &mut OptimizerState,
) -> bool {
    let t = state.t as i32;
    // Bias corrections as factors: one division per parameter instead of three.
    let step = AdamStep {
        beta1,
        beta2,
        eps,
        shrink,
        rate: lr / (1.0 - beta1.powi(t)),
        inv_c2: 1.0 / (1.0 - beta2.powi(t)),
    };
    let (m, v) = (&mut state.first[..], &mut state.second[..]);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        return unsafe { adam_pass_avx2(&step, params, grads, m, v) };
    }
    adam_pass(&step, params, grads, m, v)
}

/// The constants of one Adam step.
struct AdamStep {
    beta1: f32,
    beta2: f32,
    eps: f32,
    shrink: f32,
    /// lr / (1 − β₁ᵗ)
    rate: f32,
    /// 1 / (1 − β₂ᵗ)
    inv_c2: f32,
}

/// [`adam_pass`] compiled for AVX2: eight lanes per division and square root where the baseline
/// x86-64 build has four. IEEE arithmetic either way (no fused multiply-adds), so the same bits.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn adam_pass_avx2(
    step: &AdamStep,
    params: &mut [f32],
    grads: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) -> bool {
    adam_pass(step, params, grads, m, v)
}

/// The update over every parameter, and the finiteness check in the same pass (`p − p` summed
/// over eight lanes, as in [`all_finite`]).
#[inline(always)]
#[allow(clippy::eq_op)] // p − p is the point: it is NaN exactly when p is not finite
fn adam_pass(
    step: &AdamStep,
    params: &mut [f32],
    grads: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) -> bool {
    let n = params.len();
    assert!(grads.len() == n && m.len() == n && v.len() == n);
    let update = |p: &mut f32, g: f32, m: &mut f32, v: &mut f32| {
        *m = step.beta1 * *m + (1.0 - step.beta1) * g;
        *v = step.beta2 * *v + (1.0 - step.beta2) * g * g;
        *p = *p * step.shrink - step.rate * *m / ((*v * step.inv_c2).sqrt() + step.eps);
        *p - *p
    };
    let mut acc = [0.0f32; 8];
    let whole = n / 8 * 8;
    for (((p, g), m), v) in params[..whole]
        .chunks_exact_mut(8)
        .zip(grads.chunks_exact(8))
        .zip(m.chunks_exact_mut(8))
        .zip(v.chunks_exact_mut(8))
    {
        for j in 0..8 {
            acc[j] += update(&mut p[j], g[j], &mut m[j], &mut v[j]);
        }
    }
    let mut rest = 0.0;
    for i in whole..n {
        rest += update(&mut params[i], grads[i], &mut m[i], &mut v[i]);
    }
    acc.iter().sum::<f32>() + rest == 0.0
}

impl TokenSet for Optimizer {
    const KIND: &'static str = "optimizer";
    // Which optimizer has which hyperparameters, in the order of its fields: said here once, and
    // read by `hyperparameters`, the link, the CLI and the page's boxes.
    const FORMS: &'static [Form<Self>] = &[
        Form {
            name: "sgd",
            aliases: &["gd"],
            params: &[],
            build: |_| Optimizer::Sgd,
        },
        Form {
            name: "momentum",
            aliases: &[],
            params: &[H::Momentum.param()],
            build: |a| Optimizer::Momentum { momentum: a[0] },
        },
        Form {
            name: "nesterov",
            aliases: &[],
            params: &[H::Momentum.param()],
            build: |a| Optimizer::Nesterov { momentum: a[0] },
        },
        Form {
            name: "adagrad",
            aliases: &[],
            params: &[
                H::Eps.param_from(ADAGRAD_EPS),
                H::InitialAccumulator.param(),
            ],
            build: |a| Optimizer::AdaGrad {
                eps: a[0],
                initial_accumulator: a[1],
            },
        },
        Form {
            name: "rmsprop",
            aliases: &[],
            params: &[H::Alpha.param(), H::Eps.param()],
            build: |a| Optimizer::RmsProp {
                alpha: a[0],
                eps: a[1],
            },
        },
        Form {
            name: "adam",
            aliases: &[],
            params: &[H::Beta1.param(), H::Beta2.param(), H::Eps.param()],
            build: |a| Optimizer::Adam {
                beta1: a[0],
                beta2: a[1],
                eps: a[2],
            },
        },
        Form {
            name: "adamw",
            aliases: &[],
            params: &[
                H::Beta1.param(),
                H::Beta2.param(),
                H::Eps.param(),
                H::WeightDecay.param(),
            ],
            build: |a| Optimizer::AdamW {
                beta1: a[0],
                beta2: a[1],
                eps: a[2],
                weight_decay: a[3],
            },
        },
    ];
    // `adam` for Adam with its defaults, `adam(0.8,0.99,1e-7)` otherwise.
    const BARE_DEFAULTS: bool = true;

    fn token(&self) -> (&'static str, Vec<f32>) {
        match *self {
            Optimizer::Sgd => ("sgd", vec![]),
            Optimizer::Momentum { momentum } => ("momentum", vec![momentum]),
            Optimizer::Nesterov { momentum } => ("nesterov", vec![momentum]),
            Optimizer::AdaGrad {
                eps,
                initial_accumulator,
            } => ("adagrad", vec![eps, initial_accumulator]),
            Optimizer::RmsProp { alpha, eps } => ("rmsprop", vec![alpha, eps]),
            Optimizer::Adam { beta1, beta2, eps } => ("adam", vec![beta1, beta2, eps]),
            Optimizer::AdamW {
                beta1,
                beta2,
                eps,
                weight_decay,
            } => ("adamw", vec![beta1, beta2, eps, weight_decay]),
        }
    }
}

impl fmt::Display for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        token::write(self, f)
    }
}

impl FromStr for Optimizer {
    type Err = crate::error::NnError;

    /// Parses an optimizer's name, giving it its default hyperparameters, or its full token
    /// form with every hyperparameter in order (`adam(0.8,0.99,1e-7)`, as `Display` writes it).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let opt: Optimizer = token::parse(s)?;
        opt.validate()?;
        Ok(opt)
    }
}

/// The running state of an optimizer: the step count and up to two moment vectors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OptimizerState {
    /// Number of steps taken.
    pub t: u64,
    /// First moment / velocity (momentum, Nesterov, Adam).
    pub first: Vec<f32>,
    /// Second moment / accumulator (AdaGrad, RMSProp, Adam).
    pub second: Vec<f32>,
}

impl OptimizerState {
    fn ensure_len(&mut self, n: usize, opt: &Optimizer) {
        if self.first.len() != n {
            self.first = vec![0.0; n];
        }
        if self.second.len() != n {
            let start = match *opt {
                Optimizer::AdaGrad {
                    initial_accumulator,
                    ..
                } => initial_accumulator,
                _ => 0.0,
            };
            self.second = vec![start; n];
        }
    }

    /// Forgets everything (used on reset).
    pub fn clear(&mut self) {
        *self = OptimizerState::default();
    }
}

/// Scales `grads` down so that its Euclidean norm is at most `max_norm`; returns the norm before.
pub fn clip_by_norm(grads: &mut [f32], max_norm: f32) -> f32 {
    let norm = grads
        .iter()
        .map(|g| (*g as f64) * (*g as f64))
        .sum::<f64>()
        .sqrt() as f32;
    if norm > max_norm {
        let scale = max_norm / norm;
        grads.iter_mut().for_each(|g| *g *= scale);
    }
    norm
}

#[cfg(test)]
mod tests;
