//! Optimizers, learning-rate schedules and gradient clipping. An optimizer is a value describing
//! the update rule; its running state (moments, step count) lives beside the parameters in an
//! [`OptimizerState`], and one step updates the network's flat parameter vector in place.

use crate::simd::F4;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

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
    AdamW { beta1: f32, beta2: f32, eps: f32, weight_decay: f32 },
}

impl Default for Optimizer {
    fn default() -> Self {
        Optimizer::adam()
    }
}

impl Optimizer {
    /// Momentum 0.9 (the usual choice; PyTorch's SGD default is 0, which is plain `Sgd`).
    pub fn momentum() -> Self {
        Optimizer::Momentum { momentum: 0.9 }
    }
    pub fn nesterov() -> Self {
        Optimizer::Nesterov { momentum: 0.9 }
    }
    pub fn adagrad() -> Self {
        Optimizer::AdaGrad { eps: 1e-10, initial_accumulator: 0.0 }
    }
    pub fn rmsprop() -> Self {
        Optimizer::RmsProp { alpha: 0.99, eps: 1e-8 }
    }
    pub fn adam() -> Self {
        Optimizer::Adam { beta1: 0.9, beta2: 0.999, eps: 1e-8 }
    }
    pub fn adamw() -> Self {
        Optimizer::AdamW { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 }
    }

    /// Every optimizer once, with default hyperparameters.
    pub fn all() -> [Optimizer; 7] {
        [Optimizer::Sgd, Optimizer::momentum(), Optimizer::nesterov(), Optimizer::adagrad(), Optimizer::rmsprop(), Optimizer::adam(), Optimizer::adamw()]
    }

    /// The token used in URLs and on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Optimizer::Sgd => "sgd",
            Optimizer::Momentum { .. } => "momentum",
            Optimizer::Nesterov { .. } => "nesterov",
            Optimizer::AdaGrad { .. } => "adagrad",
            Optimizer::RmsProp { .. } => "rmsprop",
            Optimizer::Adam { .. } => "adam",
            Optimizer::AdamW { .. } => "adamw",
        }
    }

    /// A sentence for a tooltip.
    pub fn description(&self) -> &'static str {
        match self {
            Optimizer::Sgd => "Step straight down the gradient, scaled by the learning rate.",
            Optimizer::Momentum { .. } => "A heavy ball: keeps rolling in the direction it was going.",
            Optimizer::Nesterov { .. } => "Momentum that looks ahead before it corrects.",
            Optimizer::AdaGrad { .. } => "Each weight gets its own step size, shrinking as its gradients add up.",
            Optimizer::RmsProp { .. } => "Divides each step by a running average of recent gradient sizes.",
            Optimizer::Adam { .. } => "Momentum plus RMSProp, with bias correction: the usual default.",
            Optimizer::AdamW { .. } => "Adam with weight decay applied directly to the weights.",
        }
    }

    /// Rejects NaN, ∞ and out-of-range hyperparameters.
    pub fn validate(&self) -> Result<(), crate::NnError> {
        use crate::NnError as E;
        match *self {
            Optimizer::Sgd => Ok(()),
            Optimizer::Momentum { momentum } | Optimizer::Nesterov { momentum } => E::unit_interval("momentum", momentum),
            Optimizer::AdaGrad { eps, initial_accumulator } => {
                E::positive("epsilon", eps)?;
                E::non_negative("initial accumulator", initial_accumulator)
            }
            Optimizer::RmsProp { alpha, eps } => {
                E::unit_interval("alpha", alpha)?;
                E::positive("epsilon", eps)
            }
            Optimizer::Adam { beta1, beta2, eps } => {
                E::unit_interval("beta1", beta1)?;
                E::unit_interval("beta2", beta2)?;
                E::positive("epsilon", eps)
            }
            Optimizer::AdamW { beta1, beta2, eps, weight_decay } => {
                E::unit_interval("beta1", beta1)?;
                E::unit_interval("beta2", beta2)?;
                E::positive("epsilon", eps)?;
                E::non_negative("weight decay", weight_decay)
            }
        }
    }

    /// Updates `params` in place from `grads` (same length), advancing `state`.
    pub fn step(&self, lr: f32, params: &mut [f32], grads: &[f32], state: &mut OptimizerState) {
        self.step_checked(lr, params, grads, state);
    }

    /// The step written to `out` instead of in place, for an optimizer whose update reads only the
    /// parameters and the gradient (SGD): `Some(whether every new parameter is finite)`, with
    /// `params` untouched, or `None` for the optimizers that update in place only. The caller
    /// swaps `out` in when it is finite; see [`sgd_into`] for why this also checks the gradient.
    pub fn step_into(&self, lr: f32, params: &[f32], grads: &[f32], out: &mut Vec<f32>, state: &mut OptimizerState) -> Option<bool> {
        match self {
            Optimizer::Sgd => {
                state.ensure_len(params.len(), self);
                state.t += 1;
                Some(sgd_into(lr, params, grads, out))
            }
            _ => None,
        }
    }

    /// [`Optimizer::step`], then whether every parameter is still finite. SGD checks in its update
    /// pass: its update is no more work than the check, so one pass instead of two saves a read of
    /// every parameter per step, which on a playground network is a visible share of the step.
    pub fn step_checked(&self, lr: f32, params: &mut [f32], grads: &[f32], state: &mut OptimizerState) -> bool {
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
            Optimizer::Adam { beta1, beta2, eps } => adam_update(lr, beta1, beta2, eps, params, grads, state),
            Optimizer::AdamW { beta1, beta2, eps, weight_decay } => {
                let shrink = 1.0 - lr * weight_decay;
                params.iter_mut().for_each(|p| *p *= shrink);
                adam_update(lr, beta1, beta2, eps, params, grads, state);
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
            let (p0, p1) = (F4::load(src.add(i)) - rate * F4::load(gp.add(i)), F4::load(src.add(i + 4)) - rate * F4::load(gp.add(i + 4)));
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

fn adam_update(lr: f32, beta1: f32, beta2: f32, eps: f32, params: &mut [f32], grads: &[f32], state: &mut OptimizerState) {
    let t = state.t as i32;
    // Bias corrections as factors: one division per parameter instead of three.
    let step = lr / (1.0 - beta1.powi(t));
    let inv_c2 = 1.0 / (1.0 - beta2.powi(t));
    for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(&mut state.first).zip(&mut state.second) {
        *m = beta1 * *m + (1.0 - beta1) * g;
        *v = beta2 * *v + (1.0 - beta2) * g * g;
        *p -= step * *m / ((*v * inv_c2).sqrt() + eps);
    }
}

impl fmt::Display for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Optimizer {
    type Err = crate::NnError;

    /// Parses an optimizer name, giving it its default hyperparameters.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        Optimizer::all().into_iter().find(|o| o.name() == name || (name == "gd" && o.name() == "sgd")).ok_or_else(|| {
            crate::NnError::Config(format!("unknown optimizer '{s}' (expected sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw)"))
        })
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
                Optimizer::AdaGrad { initial_accumulator, .. } => initial_accumulator,
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
    let norm = grads.iter().map(|g| (*g as f64) * (*g as f64)).sum::<f64>().sqrt() as f32;
    if norm > max_norm {
        let scale = max_norm / norm;
        grads.iter_mut().for_each(|g| *g *= scale);
    }
    norm
}

/// How the learning rate changes with the epoch number (epoch 0 uses the base rate).
///
/// ```
/// use nnplay::optim::LrSchedule;
/// let s = LrSchedule::StepDecay { every: 10, gamma: 0.5 };
/// assert_eq!(s.rate(0.1, 25), 0.025);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LrSchedule {
    #[default]
    Constant,
    /// Multiply by `gamma` every `every` epochs (PyTorch `StepLR`).
    StepDecay { every: usize, gamma: f32 },
    /// Multiply by `gamma` every epoch (PyTorch `ExponentialLR`).
    Exponential { gamma: f32 },
    /// Half a cosine from the base rate to `min_lr` over `period` epochs, then stay (PyTorch `CosineAnnealingLR`).
    Cosine { period: usize, min_lr: f32 },
}

impl LrSchedule {
    pub fn validate(&self) -> Result<(), crate::NnError> {
        use crate::NnError as E;
        match *self {
            LrSchedule::Constant => Ok(()),
            LrSchedule::StepDecay { every, gamma } => {
                E::positive("step decay period", every as f32)?;
                E::positive("step decay gamma", gamma)
            }
            LrSchedule::Exponential { gamma } => E::positive("exponential decay gamma", gamma),
            LrSchedule::Cosine { period, min_lr } => {
                E::positive("cosine period", period as f32)?;
                E::non_negative("cosine minimum rate", min_lr)
            }
        }
    }

    /// The learning rate at `epoch` for a base rate `base`.
    pub fn rate(&self, base: f32, epoch: usize) -> f32 {
        match *self {
            LrSchedule::Constant => base,
            LrSchedule::StepDecay { every, gamma } => base * gamma.powi((epoch / every.max(1)) as i32),
            LrSchedule::Exponential { gamma } => base * gamma.powi(epoch as i32),
            LrSchedule::Cosine { period, min_lr } => {
                let progress = (epoch.min(period) as f32) / period.max(1) as f32;
                min_lr + 0.5 * (base - min_lr) * (1.0 + (std::f32::consts::PI * progress).cos())
            }
        }
    }
}

impl fmt::Display for LrSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LrSchedule::Constant => f.write_str("constant"),
            LrSchedule::StepDecay { every, gamma } => write!(f, "step({every},{gamma})"),
            LrSchedule::Exponential { gamma } => write!(f, "exp({gamma})"),
            LrSchedule::Cosine { period, min_lr } => write!(f, "cosine({period},{min_lr})"),
        }
    }
}

impl FromStr for LrSchedule {
    type Err = crate::NnError;

    /// Parses `constant`, `step(10,0.5)`, `exp(0.99)`, `cosine(100,0)`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        let bad = || crate::NnError::Config(format!("unknown schedule '{s}' (expected constant, step(every,gamma), exp(gamma) or cosine(period,min_lr))"));
        let (name, args): (&str, Vec<f32>) = match s.split_once('(') {
            Some((name, rest)) => {
                let inner = rest.strip_suffix(')').ok_or_else(bad)?;
                (name, inner.split(',').map(|v| v.trim().parse::<f32>()).collect::<Result<_, _>>().map_err(|_| bad())?)
            }
            None => (s.as_str(), vec![]),
        };
        let whole = |v: f32| if v.is_finite() && v >= 1.0 && v.fract() == 0.0 { Ok(v as usize) } else { Err(bad()) };
        let schedule = match (name, args.as_slice()) {
            ("constant" | "none", []) => LrSchedule::Constant,
            ("step", []) => LrSchedule::StepDecay { every: 100, gamma: 0.5 },
            ("step", [every, gamma]) => LrSchedule::StepDecay { every: whole(*every)?, gamma: *gamma },
            ("exp" | "exponential", []) => LrSchedule::Exponential { gamma: 0.99 },
            ("exp" | "exponential", [gamma]) => LrSchedule::Exponential { gamma: *gamma },
            ("cosine", []) => LrSchedule::Cosine { period: 500, min_lr: 0.0 },
            ("cosine", [period, min_lr]) => LrSchedule::Cosine { period: whole(*period)?, min_lr: *min_lr },
            _ => return Err(bad()),
        };
        schedule.validate()?;
        Ok(schedule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SGD's out-of-place step gives the in-place step's bits, leaves the parameters as they were,
    /// and finds a non-finite gradient (∞, −∞, NaN, at any learning rate) or an overflowing
    /// update at every position of the 8-wide pass and its scalar rest.
    #[test]
    fn sgd_step_into_matches_the_in_place_step_and_checks_the_gradient() {
        let n = 19;
        let params: Vec<f32> = (0..n).map(|i| i as f32 * 0.37 - 2.0).collect();
        let grads: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 * 0.113).collect();
        let (mut in_place, mut out) = (params.clone(), vec![7.0; 3]);
        let (mut state_a, mut state_b) = (OptimizerState::default(), OptimizerState::default());
        assert!(Optimizer::Sgd.step_checked(0.03, &mut in_place, &grads, &mut state_a));
        assert_eq!(Optimizer::Sgd.step_into(0.03, &params, &grads, &mut out, &mut state_b), Some(true));
        assert_eq!(out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), in_place.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        assert_eq!(state_b.t, state_a.t);
        for at in 0..n {
            for (bad_value, lr) in [(f32::INFINITY, 0.1), (f32::NEG_INFINITY, 0.1), (f32::NAN, 0.1), (f32::INFINITY, 0.0)] {
                let mut bad = grads.clone();
                bad[at] = bad_value;
                let found = Optimizer::Sgd.step_into(lr, &params, &bad, &mut out, &mut OptimizerState::default());
                assert_eq!(found, Some(false), "gradient {bad_value} at {at}, lr {lr}");
            }
        }
        let big = vec![3.0e38f32; 9];
        assert_eq!(Optimizer::Sgd.step_into(10.0, &big, &[-1.0e38; 9], &mut out, &mut OptimizerState::default()), Some(false));
        for opt in Optimizer::all().into_iter().filter(|o| !matches!(o, Optimizer::Sgd)) {
            assert_eq!(opt.step_into(0.1, &params, &grads, &mut out, &mut OptimizerState::default()), None, "{opt} updates in place");
        }
    }

    /// `step_checked` sees a non-finite parameter wherever it lands (SGD's pass runs in chunks of
    /// eight and a remainder), for every optimizer, and SGD's fused pass updates as p − lr·g.
    #[test]
    fn step_checked_reports_a_non_finite_parameter_anywhere() {
        let n = 19;
        let params: Vec<f32> = (0..n).map(|i| i as f32 * 0.25 - 2.0).collect();
        let grads: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 * 0.125).collect();
        let mut sgd = params.clone();
        assert!(Optimizer::Sgd.step_checked(0.1, &mut sgd, &grads, &mut OptimizerState::default()));
        let want: Vec<f32> = params.iter().zip(&grads).map(|(p, g)| p - 0.1 * g).collect();
        assert_eq!(sgd, want);
        for opt in Optimizer::all() {
            assert!(opt.step_checked(0.1, &mut params.clone(), &grads, &mut OptimizerState::default()), "{opt}");
            for at in 0..n {
                let mut bad = grads.clone();
                bad[at] = f32::INFINITY;
                let mut p = params.clone();
                assert!(!opt.step_checked(0.1, &mut p, &bad, &mut OptimizerState::default()), "{opt}, infinite gradient at {at}");
            }
        }
        // An update that overflows a finite parameter.
        let mut p = vec![3.0e38f32; 9];
        assert!(!Optimizer::Sgd.step_checked(10.0, &mut p, &[-1.0e38; 9], &mut OptimizerState::default()));
    }
}
