//! Branch-free exp, tanh and sigmoid for the hot loops. The standard library calls libm one value
//! at a time; exp and sigmoid inline into the activation loops, which the compiler then vectorises
//! (SSE natively, simd128 in wasm), and tanh is written on four lanes ([`tanh4`]) so that a relaxed
//! SIMD build can fuse its multiply-adds. Accuracy is within a few ulp of the exact functions
//! (tested below).

use crate::kernels::simd::F4;

const LOG2E: f32 = std::f32::consts::LOG2_E;
// ln 2 split in two so that n·LN2_HI is exact for |n| < 2^9 (Cody & Waite range reduction).
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
// Adding 1.5·2^23 rounds to an integer that then sits in the low mantissa bits.
const ROUND_MAGIC: f32 = 12_582_912.0;

/// e^x for x in [−87.3, 88] (clamped outside: the result stays finite and positive).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.0);
    let t = x * LOG2E + ROUND_MAGIC;
    let n = t - ROUND_MAGIC;
    let k = (t.to_bits() as i32).wrapping_sub(ROUND_MAGIC.to_bits() as i32);
    let r = x - n * LN2_HI - n * LN2_LO;
    // Taylor polynomial of e^r on |r| ≤ ln2/2: the degree-7 remainder is below 1.3e-8.
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    p * f32::from_bits(((k + 127) << 23) as u32)
}

/// tanh x as one rational function of x (odd degree-13 numerator over even degree-6
/// denominator, the minimax fit Eigen uses for float), after clamping where tanh rounds to ±1:
/// no exponential, no branch, one division. Max relative error 4.4e-7. One value at a time; the
/// activation runs [`tanh4`], of which this is one lane, so both give the same bits.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    tanh4(F4::splat(x), &TanhLanes::new(TANH_FIT)).to_array()[0]
}

/// [`tanh`]'s clamp bound, then its numerator's coefficients (x¹³ down to x¹) and its
/// denominator's (x⁶ down to x⁰).
#[allow(clippy::excessive_precision)] // the fit's coefficients, kept as published
pub const TANH_FIT: [f32; 12] = [
    7.905_311,
    -2.760_768_5e-16,
    2.000_187_9e-13,
    -8.604_671_5e-11,
    5.122_297e-8,
    1.485_722_4e-5,
    6.372_619_3e-4,
    4.893_524_6e-3,
    1.198_258_4e-6,
    1.185_347_1e-4,
    2.268_434_6e-3,
    4.893_525e-3,
];

/// Runs of at least this many values take the tanh coefficients through [`crate::kernels::simd::held`],
/// shorter ones as constants. Measured in Chromium: neuron maps ~9 % faster, batches of 10 through
/// 8-unit layers (96 values) ~5 %; at 48 values or fewer the set-up costs more than it saves (−6 %).
pub const HELD_FIT_RUN: usize = 64;

/// A tanh fit ([`TANH_FIT`]) spread over four lanes, built once before a loop.
#[derive(Clone, Copy)]
pub struct TanhLanes {
    lo: F4,
    hi: F4,
    num: [F4; 7],
    den: [F4; 4],
}

impl TanhLanes {
    #[inline(always)]
    pub fn new(fit: [f32; 12]) -> TanhLanes {
        TanhLanes {
            lo: F4::splat(-fit[0]),
            hi: F4::splat(fit[0]),
            num: [1, 2, 3, 4, 5, 6, 7].map(|i| F4::splat(fit[i])),
            den: [8, 9, 10, 11].map(|i| F4::splat(fit[i])),
        }
    }
}

/// tanh of four lanes by Horner's rule in x², each step one [`F4::mul_add`] (fused in a relaxed
/// SIMD build).
#[inline(always)]
pub fn tanh4(x: F4, fit: &TanhLanes) -> F4 {
    let x = x.clamp(fit.lo, fit.hi);
    let x2 = x * x;
    let [n13, n11, n9, n7, n5, n3, n1] = fit.num;
    let p = n11.mul_add(x2, n13);
    let p = n9.mul_add(p, x2);
    let p = n7.mul_add(p, x2);
    let p = n5.mul_add(p, x2);
    let p = n3.mul_add(p, x2);
    let p = n1.mul_add(p, x2) * x;
    let [d6, d4, d2, d0] = fit.den;
    let q = d4.mul_add(x2, d6);
    let q = d2.mul_add(q, x2);
    let q = d0.mul_add(q, x2);
    p / q
}

/// The logistic function 1 / (1 + e^−x).
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

#[cfg(test)]
mod tests {
    fn max_rel_error(f: impl Fn(f32) -> f32, exact: impl Fn(f64) -> f64, lo: f32, hi: f32) -> f64 {
        let steps = 200_000;
        (0..=steps)
            .map(|i| lo + (hi - lo) * i as f32 / steps as f32)
            .map(|x| {
                let want = exact(x as f64);
                (f(x) as f64 - want).abs() / want.abs().max(1e-30)
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn exp_is_within_a_few_ulp() {
        assert!(max_rel_error(super::exp, f64::exp, -87.0, 88.0) < 4e-7);
    }

    #[test]
    fn tanh_is_within_a_few_ulp() {
        assert!(max_rel_error(super::tanh, f64::tanh, -12.0, 12.0) < 5e-7);
        assert!(max_rel_error(super::tanh, f64::tanh, -0.01, 0.01) < 5e-7);
        assert_eq!(super::tanh(0.0), 0.0);
        assert_eq!(super::tanh(30.0), 1.0);
        assert_eq!(super::tanh(-30.0), -1.0);
    }

    #[test]
    fn sigmoid_is_within_a_few_ulp() {
        assert!(max_rel_error(super::sigmoid, |x| 1.0 / (1.0 + (-x).exp()), -80.0, 40.0) < 5e-7);
    }
}
