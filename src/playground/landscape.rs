//! The loss landscape panel's session side: a plane through the session's current weights
//! along two seeded, filter-normalised random directions (the engine, `train::landscape`, after
//! Li et al. 2018), the session's real training loss evaluated on a grid over it a few cells at
//! a time, and the optimizer's path: the recent weight vectors, projected on the plane.
//!
//! The plane follows training: the page re-centres it on the newest weights (same seed, so the
//! directions change only as slowly as the weights' scale does) each time a grid is finished,
//! and the path, kept as raw weight vectors, is projected again on the new plane. The loss is
//! the data's alone (no penalty), the number the page's "Training loss" shows, so the centre of
//! the grid is that number.

use super::session::Playground;
use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::evaluate::PenaltyTerm;
use crate::nn::loss::Loss;
use crate::train::landscape::{BiasDirection, Landscape, LandscapeConfig, Projection};
use std::collections::VecDeque;

/// Weight vectors kept for the path: the last few hundred steps of the page (one per frame).
pub const MAX_PATH: usize = 400;
/// … and no more floats than this in all (a large network keeps a shorter path).
const MAX_PATH_FLOATS: usize = 2_000_000;

/// What the grid is a picture of: when the session's differs, the landscape starts over.
#[derive(Clone, Debug, PartialEq)]
struct Shape {
    layers: Vec<(usize, usize, Activation)>,
}

impl Shape {
    fn of(pg: &Playground) -> Shape {
        Shape {
            layers: pg
                .network()
                .layers()
                .iter()
                .map(|l| (l.in_dim, l.out_dim, l.activation))
                .collect(),
        }
    }
}

/// One weight vector of the path and where it lies on the current plane.
#[derive(Clone, Debug)]
struct PathPoint {
    steps: u64,
    weights: Vec<f32>,
    at: Projection,
}

/// The landscape beside a session (see the module doc).
#[derive(Clone, Debug)]
pub struct SessionLandscape {
    seed: u64,
    landscape: Landscape,
    shape: Shape,
    /// The training data and the loss the centre's value was computed for.
    data_key: u64,
    loss: Loss,
    /// The session's step count at the centre.
    centre_steps: u64,
    /// The session's step count when last seen: a smaller one means ⟲ was pressed.
    seen_steps: u64,
    path: VecDeque<PathPoint>,
}

impl Playground {
    /// A landscape around the current weights, with directions drawn from `seed`.
    ///
    /// ```
    /// use nnplay::playground::Playground;
    /// let mut pg = Playground::from_query("dataset=xor&layers=4").unwrap();
    /// pg.step(20).unwrap();
    /// let land = pg.start_landscape(1).unwrap();
    /// let centre = land.centre_loss(&pg).unwrap();
    /// let shown = pg.step(0).unwrap().train_loss.unwrap();
    /// assert!((centre - shown).abs() <= 1e-6 * shown);
    /// ```
    pub fn start_landscape(&self, seed: u64) -> Result<SessionLandscape, NnError> {
        let landscape = Landscape::new(self.network(), landscape_config(self, seed))?;
        let mut land = SessionLandscape {
            seed,
            landscape,
            shape: Shape::of(self),
            data_key: data_key(self),
            loss: self.trainer().config().loss,
            centre_steps: self.position().steps,
            seen_steps: self.position().steps,
            path: VecDeque::new(),
        };
        land.record(self)?;
        Ok(land)
    }
}

fn landscape_config(pg: &Playground, seed: u64) -> LandscapeConfig {
    let train = pg.trainer().config();
    LandscapeConfig {
        seed,
        biases: BiasDirection::Zero,
        loss: train.loss,
        regularization: train.regularization,
        penalty: PenaltyTerm::Excluded,
    }
}

/// A fingerprint of the training data: a changed point or a new split changes every value of
/// the grid.
fn data_key(pg: &Playground) -> u64 {
    let data = pg.data();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |v: u64| {
        h ^= v;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(data.x_train.nrows() as u64);
    eat(data.x_train.ncols() as u64);
    for v in data.x_train.iter().chain(data.y_train.iter()) {
        eat(v.to_bits() as u64);
    }
    h
}

impl SessionLandscape {
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The session's step count at the centre of the plane.
    pub fn centre_steps(&self) -> u64 {
        self.centre_steps
    }

    /// True when the session's network has another layout than the landscape's (its weights
    /// cannot be placed on this plane): the caller starts a new landscape.
    pub fn is_stale(&self, pg: &Playground) -> bool {
        Shape::of(pg) != self.shape
    }

    /// True when the grid no longer shows the session: its weights, data or loss have changed
    /// since the centre was placed.
    pub fn moved(&self, pg: &Playground) -> bool {
        pg.network().params() != self.landscape.center()
            || pg.trainer().config().loss != self.loss
            || data_key(pg) != self.data_key
    }

    /// Places the centre on the session's current weights, the directions drawn again from the
    /// same seed (rescaled to the new weights), and projects the path on the new plane. A reset
    /// of the session (fewer steps than before) clears the path.
    pub fn recenter(&mut self, pg: &Playground) -> Result<(), NnError> {
        self.rebuild(pg, self.seed)
    }

    /// New directions from another seed, through the current weights.
    pub fn new_directions(&mut self, pg: &Playground, seed: u64) -> Result<(), NnError> {
        self.rebuild(pg, seed)
    }

    fn rebuild(&mut self, pg: &Playground, seed: u64) -> Result<(), NnError> {
        let landscape = Landscape::new(pg.network(), landscape_config(pg, seed))?;
        if self.is_stale(pg) || pg.position().steps < self.seen_steps {
            self.path.clear();
        }
        self.seed = seed;
        self.landscape = landscape;
        self.shape = Shape::of(pg);
        self.data_key = data_key(pg);
        self.loss = pg.trainer().config().loss;
        self.centre_steps = pg.position().steps;
        for p in &mut self.path {
            p.at = self.landscape.project(&p.weights)?;
        }
        self.record(pg)
    }

    /// Adds the session's current weights to the path (once per distinct vector). A reset of
    /// the session clears the path first.
    pub fn record(&mut self, pg: &Playground) -> Result<(), NnError> {
        let steps = pg.position().steps;
        if steps < self.seen_steps {
            self.path.clear();
        }
        self.seen_steps = steps;
        let weights = pg.network().params();
        if self.path.back().is_some_and(|p| p.weights == weights) {
            return Ok(());
        }
        let at = self.landscape.project(weights)?;
        let keep = MAX_PATH.min(MAX_PATH_FLOATS / weights.len().max(1)).max(2);
        while self.path.len() >= keep {
            self.path.pop_front();
        }
        self.path.push_back(PathPoint {
            steps,
            weights: weights.to_vec(),
            at,
        });
        Ok(())
    }

    /// The path on the plane, oldest first, stride 4: α, β, the share of the point's offset
    /// from the centre that lies off the plane (0–1), and the session's step count there.
    pub fn path(&self) -> Vec<f32> {
        self.path
            .iter()
            .flat_map(|p| [p.at.alpha, p.at.beta, p.at.off_plane_share, p.steps as f32])
            .collect()
    }

    pub fn path_len(&self) -> usize {
        self.path.len()
    }

    /// The loss at the centre: the session's training loss at the centre's weights.
    pub fn centre_loss(&self, pg: &Playground) -> Result<f32, NnError> {
        let data = pg.data();
        self.landscape
            .loss_at(data.x_train.view(), data.y_train.view(), 0.0, 0.0)
    }

    /// Cells `start..start + count` of the res × res grid over [−span, span]² (row-major, row r
    /// is β = coords[r]); an odd `res` has the centre at cell res²/2.
    pub fn cells(
        &self,
        pg: &Playground,
        res: usize,
        span: f32,
        start: usize,
        count: usize,
    ) -> Result<Vec<f32>, NnError> {
        let data = pg.data();
        if data.n_train() == 0 {
            return Err(NnError::EmptyData);
        }
        self.landscape.grid_cells(
            data.x_train.view(),
            data.y_train.view(),
            res,
            span,
            start,
            count,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() <= 1e-6 * b.abs().max(1e-12)
    }

    #[test]
    fn the_centre_cell_is_the_training_loss_the_page_shows() {
        let mut pg =
            Playground::from_query("dataset=circle&layers=4,2&lr=0.1&reg=l2&rate=0.01").unwrap();
        pg.step(30).unwrap();
        let shown = pg.step(0).unwrap().train_loss.unwrap();
        let land = pg.start_landscape(7).unwrap();
        let res = 15;
        let all = land.cells(&pg, res, 1.0, 0, res * res).unwrap();
        assert!(close(all[res * res / 2], shown), "{} vs {shown}", all[112]);
        assert!(close(land.centre_loss(&pg).unwrap(), shown));
        // Cells fetched in pieces are the same cells.
        let piece = land.cells(&pg, res, 1.0, 100, 30).unwrap();
        assert_eq!(piece, all[100..130].to_vec());
        assert!(
            all.iter().any(|&v| v > shown * 1.01),
            "the plane is not flat"
        );
    }

    #[test]
    fn the_path_follows_training_and_a_reset_clears_it() {
        let mut pg = Playground::from_query("dataset=xor&layers=4&lr=0.1").unwrap();
        let mut land = pg.start_landscape(1).unwrap();
        assert_eq!(land.path_len(), 1);
        for _ in 0..5 {
            pg.step(10).unwrap();
            land.record(&pg).unwrap();
        }
        land.record(&pg).unwrap(); // the same weights again: no new point
        assert_eq!(land.path_len(), 6);
        assert!(land.moved(&pg));
        land.recenter(&pg).unwrap();
        assert!(!land.moved(&pg));
        assert_eq!(land.centre_steps(), 50);
        let path = land.path();
        // The newest point is the centre itself.
        let last = &path[path.len() - 4..];
        assert!(last[0].abs() < 1e-6 && last[1].abs() < 1e-6, "{last:?}");
        assert_eq!(last[3], 50.0);
        // Older points lie off the centre.
        assert!(path[0].abs() + path[1].abs() > 0.0 || path[2] > 0.0);
        pg.reset().unwrap();
        land.record(&pg).unwrap();
        assert_eq!(land.path_len(), 1);
    }

    #[test]
    fn another_layout_makes_the_landscape_stale() {
        let mut pg = Playground::from_query("dataset=xor&layers=4").unwrap();
        let land = pg.start_landscape(1).unwrap();
        assert!(!land.is_stale(&pg));
        pg.set_query("dataset=xor&layers=4,3").unwrap();
        assert!(land.is_stale(&pg));
        let mut pg2 = Playground::from_query("dataset=xor&layers=4").unwrap();
        let before = pg2.start_landscape(1).unwrap();
        pg2.set_query("dataset=circle&layers=4").unwrap();
        assert!(before.moved(&pg2) && !before.is_stale(&pg2));
    }
}
