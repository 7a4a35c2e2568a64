//! The three matrix products of a dense layer, on row-major slices. Large products go to ndarray
//! (matrixmultiply, SIMD-packed); the playground's tiny layers (≤ 32×32 weights) use plain loops
//! whose inner loop runs along contiguous memory, because packing costs more than it saves there.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};

/// Below this many weights a layer uses the direct loops.
const SMALL_KERNEL: usize = 1024;

/// c (m×n) = a (m×k) · w (k×n) + bias (broadcast over rows).
pub fn affine(a: &[f32], w: &[f32], bias: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    debug_assert!(a.len() >= m * k && w.len() == k * n && bias.len() == n && c.len() >= m * n);
    for row in c[..m * n].chunks_exact_mut(n) {
        row.copy_from_slice(bias);
    }
    if k * n <= SMALL_KERNEL {
        for (arow, crow) in a[..m * k].chunks_exact(k).zip(c.chunks_exact_mut(n)) {
            for (&av, wrow) in arow.iter().zip(w.chunks_exact(n)) {
                for (cv, &wv) in crow.iter_mut().zip(wrow) {
                    *cv += av * wv;
                }
            }
        }
    } else {
        let av = ArrayView2::from_shape((m, k), &a[..m * k]).expect("shape checked");
        let wv = ArrayView2::from_shape((k, n), w).expect("shape checked");
        let mut cv = ArrayViewMut2::from_shape((m, n), &mut c[..m * n]).expect("shape checked");
        general_mat_mul(1.0, &av, &wv, 1.0, &mut cv);
    }
}

/// dw (k×n) = aᵀ (k×m) · d (m×n), and db (n) = column sums of d. Overwrites dw and db.
pub fn weight_grad(
    a: &[f32],
    d: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
    m: usize,
    k: usize,
    n: usize,
) {
    db.fill(0.0);
    for drow in d[..m * n].chunks_exact(n) {
        for (b, &dv) in db.iter_mut().zip(drow) {
            *b += dv;
        }
    }
    if k * n <= SMALL_KERNEL {
        dw.fill(0.0);
        for (arow, drow) in a[..m * k].chunks_exact(k).zip(d.chunks_exact(n)) {
            for (&av, dwrow) in arow.iter().zip(dw.chunks_exact_mut(n)) {
                for (g, &dv) in dwrow.iter_mut().zip(drow) {
                    *g += av * dv;
                }
            }
        }
    } else {
        let av = ArrayView2::from_shape((m, k), &a[..m * k]).expect("shape checked");
        let dv = ArrayView2::from_shape((m, n), &d[..m * n]).expect("shape checked");
        let mut gw = ArrayViewMut2::from_shape((k, n), dw).expect("shape checked");
        general_mat_mul(1.0, &av.t(), &dv, 0.0, &mut gw);
    }
}

/// da (m×k) = d (m×n) · wᵀ (n×k). Overwrites da. `scratch` holds wᵀ for small kernels, so that
/// the inner loop is an axpy along contiguous memory rather than a dot product (which the
/// compiler may not vectorise: it would have to reorder the float sum).
pub fn input_grad(
    d: &[f32],
    w: &[f32],
    da: &mut [f32],
    m: usize,
    k: usize,
    n: usize,
    scratch: &mut Vec<f32>,
) {
    if k * n <= SMALL_KERNEL {
        scratch.resize(k * n, 0.0);
        for (p, wrow) in w.chunks_exact(n).enumerate() {
            for (j, &wv) in wrow.iter().enumerate() {
                scratch[j * k + p] = wv;
            }
        }
        for (drow, darow) in d[..m * n].chunks_exact(n).zip(da.chunks_exact_mut(k)) {
            darow.fill(0.0);
            for (&dv, wtrow) in drow.iter().zip(scratch.chunks_exact(k)) {
                for (g, &wv) in darow.iter_mut().zip(wtrow) {
                    *g += dv * wv;
                }
            }
        }
    } else {
        let dv = ArrayView2::from_shape((m, n), &d[..m * n]).expect("shape checked");
        let wv = ArrayView2::from_shape((k, n), w).expect("shape checked");
        let mut gv = ArrayViewMut2::from_shape((m, k), &mut da[..m * k]).expect("shape checked");
        general_mat_mul(1.0, &dv, &wv.t(), 0.0, &mut gv);
    }
}
