//! The generated 2-D data sets of the playground: seeded, with 0–50 % noise and any number of
//! points, following the TensorFlow Playground's conventions (points in [-6, 6]², regression
//! targets in about [-1, 1]).
//!
//! Every set draws its randomness from one `Pcg64` seeded with the caller's seed, normal
//! samples come from `rand_distr` (whose math goes through `libm`), and the few sines, cosines
//! and exponentials are computed here with f64 additions and multiplications only (no platform
//! maths library), so a seed gives bit-identical points natively and in the browser.
//!
//! What `noise` does, per set (it is always a number from 0 to 0.5):
//!
//! | set | noise |
//! |---|---|
//! | circle, xor | each coordinate moves by a uniform random amount of at most noise × 5 |
//! | checkerboard | each coordinate moves by at most noise × 3 (half a square at 50 %) |
//! | spiral, spiralsK | each coordinate moves by at most noise × 1 |
//! | gaussians | the clouds' standard deviation is 0.7 + 2.6 × noise |
//! | blobsK | the clouds' standard deviation is 0.5 + 2 × noise |
//! | moons | Gaussian jitter of standard deviation noise × 1.5 on each coordinate |
//! | regression sets | Gaussian noise on the target, standard deviation noise × (range of the clean target) / 4 |
//!
//! Moved points are clamped to the square, so they always stay on the page.
//!
//! The linear sum is the one set whose target is not rescaled into [-1, 1]: it is exactly
//! y = 0.5·x1 + 0.5·x2 (so within [-6, 6]), so a single linear neuron can be seen to learn the
//! weights 0.5 and 0.5.
//! Classes are assigned in turn (point i gets class i mod K), so every class has ⌊n/K⌋ or
//! ⌈n/K⌉ points.

use std::f32::consts::{FRAC_PI_2, PI};

use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64;

use super::{DataError, Dataset, DatasetKind, Target};

/// Half the side of the square the points live in: coordinates are in [-DOMAIN, DOMAIN].
pub const DOMAIN: f32 = 6.0;
/// The smallest number of points a generator makes.
pub const MIN_POINTS: usize = 10;
/// The largest number of points a generator makes.
pub const MAX_POINTS: usize = 100_000;
/// The largest noise level (50 %).
pub const MAX_NOISE: f32 = 0.5;

/// Radius of the outer ring of the circle set (the playground's 5).
const CIRCLE_RADIUS: f32 = 5.0;
/// The inner disc of the circle set ends at half the radius, the ring starts at 70 % of it.
const CIRCLE_INNER: f32 = 0.5 * CIRCLE_RADIUS;
const CIRCLE_RING: f32 = 0.7 * CIRCLE_RADIUS;
/// Gap kept between xor points and the axes so the quadrants are clearly apart without noise.
const XOR_PADDING: f32 = 0.3;
/// Side of one checkerboard square: 4 × 4 squares cover the domain.
const CHECKER_CELL: f32 = 3.0;
/// Radius of the spirals and of the circle the blob centres sit on.
const SPIRAL_RADIUS: f32 = 5.0;
const BLOB_RING: f32 = 3.5;
/// Scale from scikit-learn's unit-sized moons to the playground's square.
const MOON_SCALE: f32 = 3.5;

/// Makes the generated set `kind` with `n_points` points (10–100,000), `noise` from 0 to 0.5,
/// and randomness from `seed`.
///
/// # Shapes
/// `x` is always (n_points, 2) with columns "x1", "x2". For `XSinX` the curve has one input,
/// x1; its x2 column is 0 so the set plots on the plane and takes the same input features as
/// the others. Classification sets have one label per point; regression sets have targets of
/// shape (n_points, 1).
///
/// The shipped sets (digits, mnist, iris) are not generated: use [`super::builtin::load`].
pub fn generate(
    kind: DatasetKind,
    n_points: usize,
    noise: f32,
    seed: u64,
) -> Result<Dataset, DataError> {
    kind.validate()?;
    if !(MIN_POINTS..=MAX_POINTS).contains(&n_points) {
        return Err(DataError::BadParameter {
            name: "n_points",
            value: n_points as f64,
            reason: format!("the number of points must be between {MIN_POINTS} and {MAX_POINTS}"),
        });
    }
    if !(0.0..=MAX_NOISE).contains(&noise) {
        return Err(DataError::BadParameter {
            name: "noise",
            value: noise as f64,
            reason: format!("the noise must be between 0 and {MAX_NOISE} (50 %)"),
        });
    }
    let mut g = Gen {
        rng: Pcg64::seed_from_u64(seed),
        noise,
    };
    let n = n_points;
    Ok(match kind {
        DatasetKind::Circle => g.circle(n),
        DatasetKind::Xor => g.xor(n),
        DatasetKind::Gaussians => g.gaussians(n),
        DatasetKind::Spiral => g.spirals(n, 2, &["arm 1", "arm 2"]),
        DatasetKind::Moons => g.moons(n),
        DatasetKind::Checkerboard => g.checkerboard(n),
        DatasetKind::SpiralsK { classes } => {
            let names: Vec<String> = (1..=classes).map(|k| format!("arm {k}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            g.spirals(n, classes, &names)
        }
        DatasetKind::BlobsK { classes } => g.blobs(n, classes),
        DatasetKind::Plane => g.regression(n, 2.0, |x1, x2| (x1 + x2) / (2.0 * DOMAIN)),
        DatasetKind::MultiGaussian => g.regression(n, 2.0, multi_gaussian),
        DatasetKind::LinearSum => g.regression(n, 4.0 * DOMAIN, |x1, x2| 0.5 * x1 + 0.5 * x2),
        DatasetKind::XSinX => g.x_sin_x(n),
        DatasetKind::Digits | DatasetKind::Mnist | DatasetKind::Iris => {
            return Err(DataError::WrongSource {
                kind,
                reason: "is shipped with the library, not generated: load it with builtin::load",
            });
        }
    })
}

/// The target of the multi-Gaussian set: three hills and three valleys in two rows, alternating
/// in sign like a checkerboard, each a Gaussian bump of width 1.5 and height 1.
pub fn multi_gaussian(x1: f32, x2: f32) -> f32 {
    const BUMPS: [(f32, f32, f32); 6] = [
        (-4.0, 2.5, 1.0),
        (0.0, 2.5, -1.0),
        (4.0, 2.5, 1.0),
        (-4.0, -2.5, -1.0),
        (0.0, -2.5, 1.0),
        (4.0, -2.5, -1.0),
    ];
    const WIDTH: f32 = 1.5;
    BUMPS
        .iter()
        .map(|&(cx, cy, sign)| {
            let d2 = (x1 - cx).powi(2) + (x2 - cy).powi(2);
            sign * exp(-d2 / (2.0 * WIDTH * WIDTH))
        })
        .sum()
}

/// The seeded random source and the noise level of one generated set.
struct Gen {
    rng: Pcg64,
    noise: f32,
}

impl Gen {
    /// Uniform in [lo, hi).
    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.rng.random::<f32>()
    }

    fn normal(&mut self) -> f32 {
        self.rng.sample(StandardNormal)
    }

    /// Moves a point by a uniform amount of at most `amplitude` per coordinate, kept in the square.
    fn jitter(&mut self, p: [f32; 2], amplitude: f32) -> [f32; 2] {
        let dx = self.uniform(-amplitude, amplitude);
        let dy = self.uniform(-amplitude, amplitude);
        [clamp(p[0] + dx), clamp(p[1] + dy)]
    }

    fn circle(&mut self, n: usize) -> Dataset {
        let amplitude = self.noise * CIRCLE_RADIUS;
        let mut points = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            // Class 1 is the inner disc, class 0 the ring. Drawing r² uniformly spreads the
            // points evenly over the area instead of crowding the centre.
            let inside = i % 2 == 1;
            let (r0, r1) = if inside {
                (0.0, CIRCLE_INNER)
            } else {
                (CIRCLE_RING, CIRCLE_RADIUS)
            };
            let r = self.uniform(r0 * r0, r1 * r1).sqrt();
            let (sin, cos) = sin_cos(self.uniform(0.0, 2.0 * PI));
            points.push(self.jitter([r * cos, r * sin], amplitude));
            labels.push(usize::from(inside));
        }
        classes(points, labels, &["outside", "inside"])
    }

    fn xor(&mut self, n: usize) -> Dataset {
        let amplitude = self.noise * 5.0;
        let mut points = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            // Quadrants in turn: (+,+) and (−,−) are class 1 ("same sign"), the others class 0.
            let (sx, sy) = [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)][i % 4];
            let x = sx * (XOR_PADDING + self.uniform(0.0, 5.0));
            let y = sy * (XOR_PADDING + self.uniform(0.0, 5.0));
            points.push(self.jitter([x, y], amplitude));
            labels.push(usize::from(sx == sy));
        }
        classes(points, labels, &["different signs", "same sign"])
    }

    fn gaussians(&mut self, n: usize) -> Dataset {
        let sd = 0.7 + 2.6 * self.noise;
        let mut points = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            let class = i % 2;
            let centre = if class == 1 { 2.0 } else { -2.0 };
            let x = clamp(centre + sd * self.normal());
            let y = clamp(centre + sd * self.normal());
            points.push([x, y]);
            labels.push(class);
        }
        classes(points, labels, &["lower left", "upper right"])
    }

    /// `k` spiral arms starting at the centre. The arms turn 3.5 / k times, so neighbouring arms
    /// are always 5 / 3.5 ≈ 1.4 units apart whatever k is (k = 2 is the playground's spiral).
    fn spirals(&mut self, n: usize, k: usize, names: &[&str]) -> Dataset {
        let turns = 3.5 / k as f32;
        let amplitude = self.noise;
        let mut points = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            let arm = i % k;
            let s = self.rng.random::<f32>();
            let r = SPIRAL_RADIUS * s;
            let (sin, cos) = sin_cos(2.0 * PI * (turns * s + arm as f32 / k as f32));
            points.push(self.jitter([r * sin, r * cos], amplitude));
            labels.push(arm);
        }
        classes(points, labels, names)
    }

    fn moons(&mut self, n: usize) -> Dataset {
        let sd = 1.5 * self.noise;
        let mut points = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            // scikit-learn's make_moons shape: the upper moon is the unit half circle, the lower
            // one is shifted right and down; then centred and scaled up.
            let upper = i % 2 == 1;
            let (sin, cos) = sin_cos(self.uniform(0.0, PI));
            let (u, v) = if upper {
                (cos, sin)
            } else {
                (1.0 - cos, 0.5 - sin)
            };
            let x = MOON_SCALE * (u - 0.5) + sd * self.normal();
            let y = MOON_SCALE * (v - 0.25) + sd * self.normal();
            points.push([clamp(x), clamp(y)]);
            labels.push(usize::from(upper));
        }
        classes(points, labels, &["lower moon", "upper moon"])
    }

    fn checkerboard(&mut self, n: usize) -> Dataset {
        let amplitude = self.noise * CHECKER_CELL;
        let cells_per_side = (2.0 * DOMAIN / CHECKER_CELL) as usize;
        let squares_per_class = cells_per_side * cells_per_side / 2;
        let mut points = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            // Class c owns the squares (a, b) with (a + b) mod 2 == c; pick one of them, then a
            // point inside it.
            let class = i % 2;
            let pick = self.rng.random_range(0..squares_per_class);
            let square = (0..cells_per_side * cells_per_side)
                .filter(|s| (s / cells_per_side + s % cells_per_side) % 2 == class)
                .nth(pick)
                .unwrap_or(0);
            let (a, b) = (square / cells_per_side, square % cells_per_side);
            let x = -DOMAIN + CHECKER_CELL * a as f32 + self.uniform(0.0, CHECKER_CELL);
            let y = -DOMAIN + CHECKER_CELL * b as f32 + self.uniform(0.0, CHECKER_CELL);
            points.push(self.jitter([x, y], amplitude));
            labels.push(class);
        }
        classes(points, labels, &["light", "dark"])
    }

    fn blobs(&mut self, n: usize, k: usize) -> Dataset {
        let sd = 0.5 + 2.0 * self.noise;
        let mut points = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            // The first blob sits at the top, the others follow around the circle.
            let class = i % k;
            let (sin, cos) = sin_cos(FRAC_PI_2 + 2.0 * PI * class as f32 / k as f32);
            let x = clamp(BLOB_RING * cos + sd * self.normal());
            let y = clamp(BLOB_RING * sin + sd * self.normal());
            points.push([x, y]);
            labels.push(class);
        }
        let names: Vec<String> = (1..=k).map(|c| format!("blob {c}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        classes(points, labels, &names)
    }

    /// Points uniform over the square, target `f(x1, x2)` plus Gaussian noise scaled by `span`,
    /// the range of the clean target.
    fn regression(&mut self, n: usize, span: f32, f: impl Fn(f32, f32) -> f32) -> Dataset {
        let sd = self.noise * span / 4.0;
        let mut points = Vec::with_capacity(n);
        let mut ys = Vec::with_capacity(n);
        for _ in 0..n {
            let x1 = self.uniform(-DOMAIN, DOMAIN);
            let x2 = self.uniform(-DOMAIN, DOMAIN);
            points.push([x1, x2]);
            ys.push(f(x1, x2) + sd * self.normal());
        }
        values(points, ys)
    }

    fn x_sin_x(&mut self, n: usize) -> Dataset {
        // The clean curve spans about [-0.96, 0.37]; use the same noise scale as the [-1, 1] sets.
        let sd = self.noise * 2.0 / 4.0;
        let mut points = Vec::with_capacity(n);
        let mut ys = Vec::with_capacity(n);
        for _ in 0..n {
            let x = self.uniform(-DOMAIN, DOMAIN);
            points.push([x, 0.0]);
            ys.push(x * sin_cos(x).0 / 5.0 + sd * self.normal());
        }
        values(points, ys)
    }
}

/// (sin x, cos x) from their Taylor series in f64 after reducing x to [-π, π]. Only + and ×
/// are used, which IEEE 754 rounds identically on every platform (Rust never fuses them), so the
/// result does not depend on the platform's maths library. Accurate to about 1e-15 before the
/// final rounding to f32.
fn sin_cos(x: f32) -> (f32, f32) {
    use std::f64::consts::TAU;
    let x = x as f64;
    let r = x - (x / TAU).round() * TAU;
    let r2 = r * r;
    // Horner form: sin r = r (1 − r²/(2·3) (1 − r²/(4·5) (…))), cos r = 1 − r²/(1·2) (1 − r²/(3·4) (…)).
    let (mut s, mut c) = (1.0, 1.0);
    for k in (1..=13u32).rev() {
        let k = k as f64;
        s = 1.0 - r2 / ((2.0 * k) * (2.0 * k + 1.0)) * s;
        c = 1.0 - r2 / ((2.0 * k - 1.0) * (2.0 * k)) * c;
    }
    ((r * s) as f32, c as f32)
}

/// e^x with the same portability as [`sin_cos`]: x = k·ln 2 + r with |r| ≤ ln 2 / 2, a Taylor
/// series for e^r, and 2^k built from its bits.
fn exp(x: f32) -> f32 {
    use std::f64::consts::LN_2;
    let x = (x as f64).clamp(-700.0, 700.0);
    let k = (x / LN_2).round();
    let r = x - k * LN_2;
    let mut e = 1.0;
    for n in (1..=18u32).rev() {
        e = 1.0 + r / n as f64 * e;
    }
    let two_k = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    (e * two_k) as f32
}

fn clamp(v: f32) -> f32 {
    v.clamp(-DOMAIN, DOMAIN)
}

fn points_matrix(points: &[[f32; 2]]) -> Array2<f32> {
    Array2::from_shape_fn((points.len(), 2), |(i, j)| points[i][j])
}

fn xy_names() -> Vec<String> {
    vec!["x1".to_string(), "x2".to_string()]
}

fn classes(points: Vec<[f32; 2]>, labels: Vec<usize>, names: &[&str]) -> Dataset {
    Dataset {
        x: points_matrix(&points),
        target: Target::Classes {
            labels,
            names: names.iter().map(|s| s.to_string()).collect(),
        },
        feature_names: xy_names(),
    }
}

fn values(points: Vec<[f32; 2]>, ys: Vec<f32>) -> Dataset {
    Dataset {
        x: points_matrix(&points),
        target: Target::Values(Array2::from_shape_fn((ys.len(), 1), |(i, _)| ys[i])),
        feature_names: xy_names(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_trig_and_exp_match_std() {
        for i in -2000..=2000 {
            let x = i as f32 * 0.01;
            let (s, c) = sin_cos(x);
            assert!((s - x.sin()).abs() < 1e-6, "sin({x})");
            assert!((c - x.cos()).abs() < 1e-6, "cos({x})");
            let e = exp(-x.abs() * 3.0);
            let want = (-x.abs() * 3.0).exp();
            assert!(
                (e - want).abs() <= 1e-6 * want.max(1e-30),
                "exp({})",
                -x.abs() * 3.0
            );
        }
        assert_eq!(exp(0.0), 1.0);
    }
}
