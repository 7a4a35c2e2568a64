//! Four f32 lanes as one value: SSE on x86-64 (always present there), simd128 in wasm when the
//! build enables it, plain arrays elsewhere. The unit-major kernels are written against this so
//! that their inner loops are vector operations by construction rather than by the luck of the
//! auto-vectoriser, which gives up on the small nested loops they need.
//!
//! A wasm build with `relaxed-simd` as well (the page's build for engines that have it) fuses
//! [`F4::mul_add`] into one instruction where the machine has one: products and the tanh fit get
//! 1.3–1.6 times faster in Chromium, and results differ from the other builds by rounding.

#[cfg(target_arch = "x86_64")]
use core::arch::x86_64 as arch;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32 as arch;

/// `v`, unchanged, as a value the optimiser cannot see through. LLVM leaves a loop's constants as
/// `v128.const` inside the loop, and V8 builds each again on every pass (several instructions);
/// coefficients taken through this once before a long loop are built once and stay in registers.
/// The arithmetic, and so the result, is the same bit for bit.
#[inline(always)]
pub fn held<T>(v: T) -> T {
    std::hint::black_box(v)
}

/// Four f32 lanes.
#[derive(Clone, Copy, Debug)]
#[repr(transparent)]
pub struct F4(Inner);

#[cfg(target_arch = "x86_64")]
type Inner = arch::__m128;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type Inner = arch::v128;
#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
type Inner = [f32; 4];

impl F4 {
    #[inline(always)]
    pub fn splat(v: f32) -> F4 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE is part of the x86-64 baseline.
        return F4(unsafe { arch::_mm_set1_ps(v) });
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return F4(arch::f32x4_splat(v));
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        return F4([v; 4]);
    }

    /// Reads four values from `p`.
    ///
    /// # Safety
    /// `p` must be valid for reading four f32 (no alignment needed).
    #[inline(always)]
    pub unsafe fn load(p: *const f32) -> F4 {
        #[cfg(target_arch = "x86_64")]
        return F4(unsafe { arch::_mm_loadu_ps(p) });
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return F4(unsafe { arch::v128_load(p as *const arch::v128) });
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        return F4(unsafe { (p as *const [f32; 4]).read_unaligned() });
    }

    /// Writes the four lanes to `p`.
    ///
    /// # Safety
    /// `p` must be valid for writing four f32 (no alignment needed).
    #[inline(always)]
    pub unsafe fn store(self, p: *mut f32) {
        #[cfg(target_arch = "x86_64")]
        unsafe {
            arch::_mm_storeu_ps(p, self.0)
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        unsafe {
            arch::v128_store(p as *mut arch::v128, self.0)
        }
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        unsafe {
            (p as *mut [f32; 4]).write_unaligned(self.0)
        }
    }
}

impl core::ops::Add for F4 {
    type Output = F4;
    #[inline(always)]
    fn add(self, o: F4) -> F4 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE is part of the x86-64 baseline.
        return F4(unsafe { arch::_mm_add_ps(self.0, o.0) });
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return F4(arch::f32x4_add(self.0, o.0));
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        return F4([
            self.0[0] + o.0[0],
            self.0[1] + o.0[1],
            self.0[2] + o.0[2],
            self.0[3] + o.0[3],
        ]);
    }
}

impl core::ops::Sub for F4 {
    type Output = F4;
    #[inline(always)]
    fn sub(self, o: F4) -> F4 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE is part of the x86-64 baseline.
        return F4(unsafe { arch::_mm_sub_ps(self.0, o.0) });
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return F4(arch::f32x4_sub(self.0, o.0));
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        return F4([
            self.0[0] - o.0[0],
            self.0[1] - o.0[1],
            self.0[2] - o.0[2],
            self.0[3] - o.0[3],
        ]);
    }
}

impl core::ops::Mul for F4 {
    type Output = F4;
    #[inline(always)]
    fn mul(self, o: F4) -> F4 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE is part of the x86-64 baseline.
        return F4(unsafe { arch::_mm_mul_ps(self.0, o.0) });
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return F4(arch::f32x4_mul(self.0, o.0));
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        return F4([
            self.0[0] * o.0[0],
            self.0[1] * o.0[1],
            self.0[2] * o.0[2],
            self.0[3] * o.0[3],
        ]);
    }
}

impl core::ops::Div for F4 {
    type Output = F4;
    #[inline(always)]
    fn div(self, d: F4) -> F4 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE is part of the x86-64 baseline.
        return F4(unsafe { arch::_mm_div_ps(self.0, d.0) });
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return F4(arch::f32x4_div(self.0, d.0));
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        return F4([
            self.0[0] / d.0[0],
            self.0[1] / d.0[1],
            self.0[2] / d.0[2],
            self.0[3] / d.0[3],
        ]);
    }
}

impl F4 {
    /// self + a·b. Two roundings natively (SSE2 has no fused multiply-add) and in plain simd128;
    /// with relaxed SIMD the engine may fuse it (V8 does on x86-64 with FMA and on ARM64).
    #[inline(always)]
    pub fn mul_add(self, a: F4, b: F4) -> F4 {
        #[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
        return F4(arch::f32x4_relaxed_madd(a.0, b.0, self.0));
        #[cfg(not(all(target_arch = "wasm32", target_feature = "relaxed-simd")))]
        return self + a * b;
    }

    /// Lanes clamped to [lo, hi]; NaN lanes stay NaN (as `f32::clamp`).
    #[inline(always)]
    pub fn clamp(self, lo: F4, hi: F4) -> F4 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE is part of the x86-64 baseline. maxps/minps return the second operand
        // when either is NaN, so x goes second to carry a NaN through.
        return F4(unsafe { arch::_mm_min_ps(hi.0, arch::_mm_max_ps(lo.0, self.0)) });
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return F4(arch::f32x4_pmin(arch::f32x4_pmax(self.0, lo.0), hi.0));
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        return F4([0, 1, 2, 3].map(|k| {
            let v = self.0[k];
            if v < lo.0[k] {
                lo.0[k]
            } else if v > hi.0[k] {
                hi.0[k]
            } else {
                v
            }
        }));
    }

    /// The four lanes.
    #[inline(always)]
    pub fn to_array(self) -> [f32; 4] {
        let mut out = [0.0f32; 4];
        // SAFETY: `out` holds four f32.
        unsafe { self.store(out.as_mut_ptr()) };
        out
    }

    /// The lane sums of four vectors, [Σa, Σb, Σc, Σd], each as (l0 + l2) + (l1 + l3): a 4 × 4
    /// transpose folded into the additions, cheaper than four separate horizontal sums.
    #[inline(always)]
    pub fn sums(a: F4, b: F4, c: F4, d: F4) -> F4 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE is part of the x86-64 baseline.
        unsafe {
            let ab = arch::_mm_add_ps(
                arch::_mm_unpacklo_ps(a.0, b.0),
                arch::_mm_unpackhi_ps(a.0, b.0),
            );
            let cd = arch::_mm_add_ps(
                arch::_mm_unpacklo_ps(c.0, d.0),
                arch::_mm_unpackhi_ps(c.0, d.0),
            );
            F4(arch::_mm_add_ps(
                arch::_mm_movelh_ps(ab, cd),
                arch::_mm_movehl_ps(cd, ab),
            ))
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            let ab = arch::f32x4_add(
                arch::i32x4_shuffle::<0, 4, 1, 5>(a.0, b.0),
                arch::i32x4_shuffle::<2, 6, 3, 7>(a.0, b.0),
            );
            let cd = arch::f32x4_add(
                arch::i32x4_shuffle::<0, 4, 1, 5>(c.0, d.0),
                arch::i32x4_shuffle::<2, 6, 3, 7>(c.0, d.0),
            );
            F4(arch::f32x4_add(
                arch::i32x4_shuffle::<0, 1, 4, 5>(ab, cd),
                arch::i32x4_shuffle::<2, 3, 6, 7>(ab, cd),
            ))
        }
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        {
            let s = |v: [f32; 4]| (v[0] + v[2]) + (v[1] + v[3]);
            F4([s(a.0), s(b.0), s(c.0), s(d.0)])
        }
    }

    /// Lanes clamped to [lo, hi], NaN lanes replaced by `nan`: a colour-table index in range
    /// whatever the input. The bounds are vectors so that a loop can build them once.
    #[inline(always)]
    pub fn clamp_or(self, lo: F4, hi: F4, nan: F4) -> F4 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE is part of the x86-64 baseline. maxps/minps return their second operand
        // when a lane is NaN, so the NaN lanes are replaced first.
        unsafe {
            let ordered = arch::_mm_cmpord_ps(self.0, self.0);
            let v = arch::_mm_or_ps(
                arch::_mm_and_ps(ordered, self.0),
                arch::_mm_andnot_ps(ordered, nan.0),
            );
            F4(arch::_mm_min_ps(arch::_mm_max_ps(v, lo.0), hi.0))
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            let v = arch::v128_bitselect(self.0, nan.0, arch::f32x4_eq(self.0, self.0));
            F4(arch::f32x4_pmin(arch::f32x4_pmax(v, lo.0), hi.0))
        }
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        {
            let f = |k: usize| {
                if self.0[k].is_nan() {
                    nan.0[k]
                } else {
                    self.0[k].max(lo.0[k]).min(hi.0[k])
                }
            };
            F4([f(0), f(1), f(2), f(3)])
        }
    }

    /// Lanes rounded to the nearest integer, ties to even; for lanes in [0, 2^22], as after
    /// [`F4::clamp_or`]. In wasm this is one add and one integer subtract (the integer lands in
    /// the mantissa of x + 2^23), where `i32x4.trunc_sat_f32x4_s` costs V8 about eight
    /// instructions for its NaN and overflow fix-ups.
    #[inline(always)]
    pub fn round_u32(self) -> [u32; 4] {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE2 is part of the x86-64 baseline and rounds to nearest-even unless MXCSR
        // was changed, which Rust code never does; __m128i and [u32; 4] have the same size.
        return unsafe {
            core::mem::transmute::<arch::__m128i, [u32; 4]>(arch::_mm_cvtps_epi32(self.0))
        };
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            const TWO_23: f32 = 8_388_608.0;
            let bits = arch::i32x4_sub(
                arch::f32x4_add(self.0, arch::f32x4_splat(TWO_23)),
                arch::f32x4_splat(TWO_23),
            );
            return [
                arch::u32x4_extract_lane::<0>(bits),
                arch::u32x4_extract_lane::<1>(bits),
                arch::u32x4_extract_lane::<2>(bits),
                arch::u32x4_extract_lane::<3>(bits),
            ];
        }
        #[cfg(not(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128")
        )))]
        return self.0.map(|v| v.round_ties_even() as u32);
    }

    /// (l0 + l1) + (l2 + l3).
    #[inline(always)]
    pub fn sum(self) -> f32 {
        let v = self.to_array();
        (v[0] + v[1]) + (v[2] + v[3])
    }
}

#[cfg(test)]
mod tests {
    use super::F4;

    #[test]
    fn lanes_add_multiply_and_sum() {
        let a = [1.0f32, 2.0, 3.0, 4.0];
        let b = [0.5f32, -1.0, 2.0, 0.25];
        let (va, vb) = unsafe { (F4::load(a.as_ptr()), F4::load(b.as_ptr())) };
        assert_eq!((va + vb).to_array(), [1.5, 1.0, 5.0, 4.25]);
        assert_eq!((va - vb).to_array(), [0.5, 3.0, 1.0, 3.75]);
        assert_eq!((va * vb).to_array(), [0.5, -2.0, 6.0, 1.0]);
        assert_eq!(
            F4::splat(1.0).mul_add(va, vb).to_array(),
            [1.5, -1.0, 7.0, 2.0]
        );
        assert_eq!(va.sum(), 10.0);
        let sums = F4::sums(va, vb, va * vb, F4::splat(2.0)).to_array();
        assert_eq!(sums, [10.0, 1.75, 5.5, 8.0]);
        let odd = [f32::NAN, -3.0, 0.25, 7.0];
        let clamped = unsafe { F4::load(odd.as_ptr()) }.clamp_or(
            F4::splat(0.0),
            F4::splat(5.0),
            F4::splat(2.5),
        );
        assert_eq!(clamped.to_array(), [2.5, 0.0, 0.25, 5.0]);
        assert_eq!(clamped.round_u32(), [2, 0, 0, 5]);
        let ties = [0.5f32, 1.5, 2.4999, 511.5];
        assert_eq!(
            unsafe { F4::load(ties.as_ptr()) }.round_u32(),
            [0, 2, 2, 512]
        );
        assert_eq!((va / vb).to_array(), [2.0, -2.0, 1.5, 16.0]);
        let wide = [f32::NAN, -9.0, 0.5, f32::INFINITY];
        let c = unsafe { F4::load(wide.as_ptr()) }
            .clamp(F4::splat(-1.0), F4::splat(1.0))
            .to_array();
        assert!(
            c[0].is_nan(),
            "NaN goes through the clamp, as f32::clamp lets it"
        );
        assert_eq!(c[1..], [-1.0, 0.5, 1.0]);
        let mut out = [0.0f32; 5];
        unsafe { va.store(out.as_mut_ptr().add(1)) };
        assert_eq!(out, [0.0, 1.0, 2.0, 3.0, 4.0]);
    }
}
