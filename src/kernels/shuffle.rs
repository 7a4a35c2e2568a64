//! Shuffles sample orders (every epoch's, and a data set's split): exactly the permutation
//! rand's `SliceRandom::shuffle` gives for the same generator state, so a seed or a shared link
//! replays the same run, only faster. rand draws one number for several positions at a time and
//! takes the positions out of it by a chain of divisions, each waiting for the one before; here
//! each position divides the draw by a product of the radices before it, so the divisions are
//! independent and overlap. On the playground's 2→[4,2]→1 network the chain was a seventh of a
//! training epoch in Chromium.

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

/// Shuffles `items` in place: the same result, and the same draws from `rng`, as
/// `items.shuffle(rng)`.
pub fn shuffle<T, R: Rng + ?Sized>(items: &mut [T], rng: &mut R) {
    let len = items.len();
    if len >= u32::MAX as usize {
        // rand draws differently for slices this long; leave them to it.
        return items.shuffle(rng);
    }
    // Position i swaps with a uniform index in 0..=i; position 0 with itself, without a draw.
    let mut i = 1;
    while i < len {
        let radix = i as u32 + 1;
        let (bound, count) = radix_run(radix);
        let draw: u32 = rng.random_range(..bound);
        // The index of position i + k is draw / P_k mod (radix + k), P_k the product of the k
        // radices before it, and the last position's takes the whole quotient.
        let (mut quotient, mut product) = (draw, 1u32);
        for k in 0..count {
            let at = i + k as usize;
            if at >= len {
                break;
            }
            let index = if k + 1 == count {
                quotient
            } else {
                product *= radix + k;
                let next = draw / product;
                let index = quotient - next * (radix + k);
                quotient = next;
                index
            };
            items.swap(at, index as usize);
        }
        i += count as usize;
    }
}

/// The longest run of radices m, m + 1, … whose product fits in a u32: (product, run length).
fn radix_run(m: u32) -> (u32, u32) {
    let (mut product, mut next) = (m, m + 1);
    while let Some(p) = product.checked_mul(next) {
        product = p;
        next += 1;
    }
    (product, next - m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::init::rng_from_seed;

    /// Same permutation and same generator state after, for every length up to 600 (the runs of
    /// radices change length throughout), one where single radices pass 2^16, and many seeds.
    #[test]
    fn gives_rand_s_permutation_and_leaves_the_generator_where_rand_does() {
        let lengths = (0..=600).chain([1000, 4096, 70_000]);
        for (case, len) in lengths.enumerate() {
            for seed in [case as u64, 1 << 40 | case as u64] {
                let (mut ours, mut theirs) = (rng_from_seed(seed), rng_from_seed(seed));
                let (mut a, mut b): (Vec<u32>, Vec<u32>) =
                    ((0..len as u32).collect(), (0..len as u32).collect());
                shuffle(&mut a, &mut ours);
                b.shuffle(&mut theirs);
                assert_eq!(a, b, "length {len}, seed {seed}");
                assert_eq!(
                    ours.random::<u64>(),
                    theirs.random::<u64>(),
                    "generator state after length {len}"
                );
            }
        }
    }
}
