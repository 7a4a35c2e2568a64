//! The loss landscape: a 2-D slice of the real training loss around the current weights θ,
//! L(θ + α·d₁ + β·d₂), along two random directions that are filter-normalised as in Li et al.
//! 2018, "Visualizing the Loss Landscape of Neural Nets". Without the normalisation a layer of
//! large weights would look flat and one of small weights steep only because of its scale.
//! Built once (seeded directions), then evaluated on a grid the caller sizes, and used to place
//! the optimizer's path (a list of weight vectors) on the plane.

use crate::error::NnError;
use crate::nn::evaluate::{PenaltyTerm, dataset_loss};
use crate::nn::init::rng_from_seed;
use crate::nn::loss::Loss;
use crate::nn::network::{Network, Workspace};
use crate::nn::regularization::Regularization;
use ndarray::ArrayView2;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// The largest grid side: 256² evaluations of the whole training set is already a lot of work
/// for one request from the page.
pub const MAX_RESOLUTION: usize = 256;

/// What the directions do to the biases.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BiasDirection {
    /// Biases stay at their current values on the whole plane (Li et al.'s default, which
    /// perturbs weights only).
    #[default]
    Zero,
    /// Each unit's bias is one more incoming weight of its filter: the unit's direction
    /// (column of the kernel and bias together) is rescaled to the norm of (weights, bias).
    WithFilter,
}

/// How a landscape is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LandscapeConfig {
    /// Seed of the two Gaussian directions.
    pub seed: u64,
    pub biases: BiasDirection,
    pub loss: Loss,
    /// The training-wide penalty; layers with their own keep it.
    pub regularization: Regularization,
    /// Whether the plotted loss includes the penalties (the page's chart excludes them).
    pub penalty: PenaltyTerm,
}

/// The loss on a res × res grid over [−span, span]².
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LossGrid {
    pub res: usize,
    pub span: f32,
    /// The coordinates along each axis, from −span to span (the same for α and β).
    pub coords: Vec<f32>,
    /// Row-major, res × res: row r is β = coords[r], column c is α = coords[c]. A loss that
    /// overflows far from θ is kept as it is (∞ or NaN; NaN and ∞ serialise as null).
    pub values: Vec<f32>,
    /// Smallest and largest finite value (0 when none is finite).
    pub min: f32,
    pub max: f32,
}

/// Where a weight vector lies relative to the plane.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Projection {
    pub alpha: f32,
    pub beta: f32,
    /// The distance from the weight vector to the plane, ‖w − (θ + α·d₁ + β·d₂)‖.
    pub off_plane: f32,
    /// `off_plane` / ‖w − θ‖ (0 at θ): near 1, the plane shows almost nothing of this point's
    /// offset, which is usual for random directions in many dimensions.
    pub off_plane_share: f32,
}

/// A seeded plane through the current weights.
#[derive(Clone, Debug)]
pub struct Landscape {
    config: LandscapeConfig,
    net: Network,
    d1: Vec<f32>,
    d2: Vec<f32>,
    /// The Gram matrix of the directions, in f64, for the least-squares projection.
    gram: [f64; 3],
}

impl Landscape {
    /// Draws the two directions for `net`'s current weights. Fails when the kernels are all zero
    /// (every filter-normalised direction would be zero too: there is no plane to draw).
    pub fn new(net: &Network, config: LandscapeConfig) -> Result<Landscape, NnError> {
        config.regularization.validate()?;
        config
            .loss
            .check_output(net.output_activation(), net.out_dim())?;
        if net.params().iter().any(|p| !p.is_finite()) {
            return Err(NnError::Config(
                "the weights are not all finite numbers: the network has diverged".into(),
            ));
        }
        let mut rng = rng_from_seed(config.seed);
        let d1 = filter_normalised(net, config.biases, &mut rng);
        let d2 = filter_normalised(net, config.biases, &mut rng);
        let dot = |a: &[f32], b: &[f32]| -> f64 {
            a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
        };
        let gram = [dot(&d1, &d1), dot(&d1, &d2), dot(&d2, &d2)];
        let det = gram[0] * gram[2] - gram[1] * gram[1];
        if gram[0] == 0.0 || gram[2] == 0.0 || det <= 1e-12 * gram[0] * gram[2] {
            return Err(NnError::Config(
                "the loss landscape needs non-zero weights: its directions are scaled to each \
                 unit's weights, and these are all zero"
                    .into(),
            ));
        }
        Ok(Landscape {
            config,
            net: net.clone(),
            d1,
            d2,
            gram,
        })
    }

    pub fn config(&self) -> &LandscapeConfig {
        &self.config
    }

    /// The centre θ (the weights the landscape was built for).
    pub fn center(&self) -> &[f32] {
        self.net.params()
    }

    /// The two directions, in [`Network::params`]' layout.
    pub fn directions(&self) -> (&[f32], &[f32]) {
        (&self.d1, &self.d2)
    }

    /// The loss at θ + α·d₁ + β·d₂ on (`x`, `y`).
    pub fn loss_at(
        &self,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        alpha: f32,
        beta: f32,
    ) -> Result<f32, NnError> {
        let mut probe = Probe::new(self, x, y)?;
        Ok(probe.loss(self, alpha, beta))
    }

    /// The loss over the grid: `res` (2..=[`MAX_RESOLUTION`]) points per side over
    /// [−span, span]. An odd `res` has θ itself at the centre.
    pub fn grid(
        &self,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        res: usize,
        span: f32,
    ) -> Result<LossGrid, NnError> {
        let coords = grid_coords(res, span)?;
        let mut probe = Probe::new(self, x, y)?;
        let mut values = Vec::with_capacity(res * res);
        for &beta in &coords {
            for &alpha in &coords {
                values.push(probe.loss(self, alpha, beta));
            }
        }
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (min, max) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let (min, max) = if min <= max { (min, max) } else { (0.0, 0.0) };
        Ok(LossGrid {
            res,
            span,
            coords,
            values,
            min,
            max,
        })
    }

    /// One row of [`Landscape::grid`] (β = coords[row]), so a worker can fill a large grid over
    /// several frames.
    pub fn grid_row(
        &self,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        res: usize,
        span: f32,
        row: usize,
    ) -> Result<Vec<f32>, NnError> {
        let coords = grid_coords(res, span)?;
        let &beta = coords.get(row).ok_or(NnError::BadHyperparameter {
            name: "landscape row",
            value: row as f64,
            requirement: "below the grid resolution",
        })?;
        let mut probe = Probe::new(self, x, y)?;
        Ok(coords
            .iter()
            .map(|&alpha| probe.loss(self, alpha, beta))
            .collect())
    }

    /// Cells `start..start + count` of [`Landscape::grid`] in its row-major order (clamped to
    /// the grid), so a caller on a frame budget can stop in the middle of a row: one row of a
    /// large training set can take longer than a display frame.
    pub fn grid_cells(
        &self,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        res: usize,
        span: f32,
        start: usize,
        count: usize,
    ) -> Result<Vec<f32>, NnError> {
        let coords = grid_coords(res, span)?;
        let end = start.saturating_add(count).min(res * res);
        let mut probe = Probe::new(self, x, y)?;
        Ok((start.min(end)..end)
            .map(|i| probe.loss(self, coords[i % res], coords[i / res]))
            .collect())
    }

    /// Places `weights` on the plane: the (α, β) whose θ + α·d₁ + β·d₂ is nearest to it (least
    /// squares, solved through the 2 × 2 Gram matrix because the directions are not orthogonal
    /// in general), and how far off the plane it is.
    pub fn project(&self, weights: &[f32]) -> Result<Projection, NnError> {
        let center = self.net.params();
        if weights.len() != center.len() {
            return Err(NnError::Architecture(format!(
                "a weight vector of {} values cannot be placed on a landscape of {} parameters",
                weights.len(),
                center.len()
            )));
        }
        let (mut b1, mut b2, mut uu) = (0.0f64, 0.0f64, 0.0f64);
        for (((&w, &c), &p), &q) in weights.iter().zip(center).zip(&self.d1).zip(&self.d2) {
            let u = w as f64 - c as f64;
            b1 += p as f64 * u;
            b2 += q as f64 * u;
            uu += u * u;
        }
        let [g11, g12, g22] = self.gram;
        let det = g11 * g22 - g12 * g12;
        let alpha = (g22 * b1 - g12 * b2) / det;
        let beta = (g11 * b2 - g12 * b1) / det;
        // ‖u − αd₁ − βd₂‖² = ‖u‖² − (α·b₁ + β·b₂) at the least-squares solution; recomputed
        // directly because that difference loses every digit when the point is in the plane.
        let off: f64 = weights
            .iter()
            .zip(center)
            .zip(self.d1.iter().zip(&self.d2))
            .map(|((&w, &c), (&p, &q))| {
                let r = (w as f64 - c as f64) - alpha * p as f64 - beta * q as f64;
                r * r
            })
            .sum::<f64>()
            .sqrt();
        Ok(Projection {
            alpha: alpha as f32,
            beta: beta as f32,
            off_plane: off as f32,
            off_plane_share: if uu > 0.0 {
                (off / uu.sqrt()) as f32
            } else {
                0.0
            },
        })
    }

    /// [`Landscape::project`] for each weight vector of a path, in order.
    pub fn project_path<'a>(
        &self,
        path: impl IntoIterator<Item = &'a [f32]>,
    ) -> Result<Vec<Projection>, NnError> {
        path.into_iter().map(|w| self.project(w)).collect()
    }
}

/// A scratch copy of the network and the checked data, for a run of evaluations.
struct Probe<'a> {
    net: Network,
    x: std::borrow::Cow<'a, [f32]>,
    y: std::borrow::Cow<'a, [f32]>,
    rows: usize,
    ws: Workspace,
    scratch: Vec<f32>,
}

impl<'a> Probe<'a> {
    fn new(
        land: &Landscape,
        x: ArrayView2<'a, f32>,
        y: ArrayView2<'a, f32>,
    ) -> Result<Probe<'a>, NnError> {
        land.net.check_data(&x, &y)?;
        let flat = |v: ArrayView2<'a, f32>| match v.to_slice() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(v.iter().copied().collect()),
        };
        Ok(Probe {
            net: land.net.clone(),
            rows: x.nrows(),
            x: flat(x),
            y: flat(y),
            ws: Workspace::default(),
            scratch: Vec::new(),
        })
    }

    fn loss(&mut self, land: &Landscape, alpha: f32, beta: f32) -> f32 {
        let center = land.net.params();
        for (((p, &c), &u), &v) in self
            .net
            .params_mut()
            .iter_mut()
            .zip(center)
            .zip(&land.d1)
            .zip(&land.d2)
        {
            *p = c + alpha * u + beta * v;
        }
        let c = &land.config;
        dataset_loss(
            &self.net,
            &self.x,
            &self.y,
            self.rows,
            c.loss,
            c.regularization,
            c.penalty,
            &mut self.ws,
            &mut self.scratch,
        )
    }
}

/// `res` evenly spaced values from −span to span; the middle one of an odd count is exactly 0.
fn grid_coords(res: usize, span: f32) -> Result<Vec<f32>, NnError> {
    if !(2..=MAX_RESOLUTION).contains(&res) {
        return Err(NnError::BadHyperparameter {
            name: "landscape resolution",
            value: res as f64,
            requirement: "between 2 and 256",
        });
    }
    NnError::positive("landscape span", span)?;
    let last = (res - 1) as f32;
    Ok((0..res)
        .map(|i| span * (2.0 * i as f32 - last) / last)
        .collect())
}

/// A Gaussian direction, each filter (a unit's incoming weights, with its bias under
/// [`BiasDirection::WithFilter`]) rescaled to the norm of the same filter of `net`.
fn filter_normalised(
    net: &Network,
    biases: BiasDirection,
    rng: &mut crate::nn::init::NnRng,
) -> Vec<f32> {
    let params = net.params();
    let mut d: Vec<f32> = (0..params.len())
        .map(|_| StandardNormal.sample(rng))
        .collect();
    for s in net.layers() {
        let (w, b) = (s.weight_range().start, s.bias_range().start);
        for j in 0..s.out_dim {
            // Unit j's filter: column j of the (in_dim, out_dim) kernel, and maybe its bias.
            let mut members: Vec<usize> = (0..s.in_dim).map(|i| w + i * s.out_dim + j).collect();
            match biases {
                BiasDirection::Zero => d[b + j] = 0.0,
                BiasDirection::WithFilter => members.push(b + j),
            }
            let norm = |v: &[f32]| -> f64 {
                members
                    .iter()
                    .map(|&k| v[k] as f64 * v[k] as f64)
                    .sum::<f64>()
                    .sqrt()
            };
            let (target, drawn) = (norm(params), norm(&d));
            let scale = if drawn > 0.0 { target / drawn } else { 0.0 };
            for &k in &members {
                d[k] = (d[k] as f64 * scale) as f32;
            }
        }
    }
    d
}
