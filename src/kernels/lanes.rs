//! The products of a dense layer on unit-major buffers: one row of values per neuron (or input),
//! the batch's samples along the row, padded to whole SIMD registers ([`LANES`]). The
//! playground's layers are 1 to 32 units wide, too narrow to fill registers along the units, and
//! a width of 7 or 1 leaves scalar remainders everywhere; along the samples every product is a
//! full-width vector operation whatever the widths. These kernels know nothing of layers or
//! losses: `crate::nn::unit_major` runs the network's passes with them.
//!
//! Shapes, in every kernel: `p` lanes per row (a multiple of [`LANES`]), `k` inputs, `n` units,
//! weights `w` (k × n) row-major as the network stores them.

use crate::kernels::fastmath::{HELD_FIT_RUN, TANH_FIT, TanhLanes, tanh4};
use crate::kernels::simd::F4;

/// Samples per SIMD register (simd128 in wasm, SSE natively).
pub const LANES: usize = 4;

/// Rows of at most this many lanes (16 samples) fit [`layer_backward_small`], whose tiles keep a
/// whole row in registers.
pub const SMALL_BATCH_LANES: usize = 4 * LANES;

/// `rows` rounded up to whole SIMD registers: the length of one unit-major row.
pub fn padded_lanes(rows: usize) -> usize {
    rows.div_ceil(LANES) * LANES
}

/// `rows` row-major samples of `in_dim` values laid out unit-major (one row of
/// [`padded_lanes`]`(rows)` values per input, zero past `rows`).
pub fn to_units(x: &[f32], rows: usize, in_dim: usize) -> Vec<f32> {
    let lanes = padded_lanes(rows);
    let mut units = vec![0.0; in_dim * lanes];
    place_units(x, None, rows, in_dim, lanes, &mut units);
    units
}

/// Writes `rows` samples of `in_dim` values into the first `rows` lanes of `units` (`in_dim`
/// rows of `lanes`): sample r is row r of the row-major `x`, or row pick\[r\]. The padding lanes
/// are left as they are.
pub fn place_units(
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

/// The backward step through one layer of a batch of at most 16 samples, in one sweep:
/// db (n) and dw (k × n) as [`weight_grad`] gives them and, with `below`, δ of the layer below
/// for a tanh layer there: (w·d) ⊙ (1 − a²), [`input_grad`] and tanh's derivative at once. Each
/// input row and its gradient stay in registers while the δ rows pass, so the three passes over
/// memory of the general path (and their set-up, which dominates batches this small) become one.
/// Inlined, so that a caller that knows `p` gets the one tile it needs with no choice at run time.
#[inline(always)]
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
    assert!(backward_small_fits(
        a,
        d,
        w,
        dw,
        db,
        below.as_deref(),
        p,
        k,
        n
    ));
    // SAFETY: the assert is the function's requirement.
    unsafe { layer_backward_small_unchecked(a, d, w, dw, db, below, p, k, n) }
}

/// The buffer sizes [`layer_backward_small_unchecked`] requires.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn backward_small_fits(
    a: &[f32],
    d: &[f32],
    w: &[f32],
    dw: &[f32],
    db: &[f32],
    below: Option<&[f32]>,
    p: usize,
    k: usize,
    n: usize,
) -> bool {
    p % LANES == 0
        && p <= SMALL_BATCH_LANES
        && a.len() >= k * p
        && d.len() >= n * p
        && w.len() == k * n
        && dw.len() == k * n
        && db.len() == n
        && below.is_none_or(|g| g.len() >= k * p)
}

/// [`layer_backward_small`] without its checks, for a caller whose buffers have the sizes by
/// construction: in a batch of 10, checking each layer's six sizes cost more than a layer's
/// arithmetic in Chromium.
///
/// # Safety
/// p is a multiple of [`LANES`] up to [`SMALL_BATCH_LANES`]; `a` holds k rows and `d` n rows of
/// p values, `below` (if any) k rows; `w` and `dw` hold k × n values, `db` n.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn layer_backward_small_unchecked(
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
    debug_assert!(backward_small_fits(
        a,
        d,
        w,
        dw,
        db,
        below.as_deref(),
        p,
        k,
        n
    ));
    // SAFETY: the caller's guarantee covers every row the tiles read and write.
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
pub unsafe fn backward_tile<const V: usize>(
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

/// [`affine`], then f = tanh on each register of z before it leaves: the same bits as the tanh
/// activation on the stored z (both go through [`tanh4`]), without a second pass
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
    use crate::kernels::fastmath::tanh;

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
            let two_pass: Vec<f32> = z.iter().map(|&v| tanh(v)).collect();
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
                let a_tanh: Vec<f32> = au.iter().map(|&v| tanh(v)).collect();
                let (mut dw_sep, mut db_sep, mut g_sep) =
                    (vec![0.0; k * n], vec![0.0; n], vec![0.0; k * p]);
                weight_grad(&a_tanh, &du, &mut dw_sep, &mut db_sep, p, k, n);
                input_grad(&du, &w, &mut g_sep, p, k, n);
                let delta_sep: Vec<f32> = g_sep
                    .iter()
                    .zip(&a_tanh)
                    .map(|(g, a)| g * (1.0 - a * a))
                    .collect();
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
}
