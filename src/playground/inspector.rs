//! The backprop inspector's session side: which training point the student looks at (by its
//! index, or the one nearest a click on the plane), and the whole next training step on that
//! point alone, traced by the engines (`nn::inspect` for the forward and backward pass,
//! `train::inspect_update` for the optimizer's update with its state) from the session's own
//! network, trainer and settings. Nothing is modified: the page looks, training goes on.

use super::session::Playground;
use crate::error::NnError;
use crate::train::inspect_update::{StepInspection, inspect_step};
use serde::Serialize;

/// One training point through the next training step, ready for the page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointInspection {
    /// The point's row in the training set.
    pub index: usize,
    /// Rows in the training set (the index input's range).
    pub n_train: usize,
    /// (x1, x2) on the plane, for data that have one.
    pub point: Option<[f32; 2]>,
    /// The point's class index (classification) or value (regression).
    pub label: f32,
    /// The name of each network input, in input order.
    pub input_names: Vec<String>,
    /// The class names (empty for regression).
    pub class_names: Vec<String>,
    /// Optimizer steps taken so far in the run.
    pub steps: u64,
    pub step: StepInspection,
}

impl Playground {
    /// The training point nearest the plane position (x1, x2), or `None` without a plane or
    /// training points. Ties go to the lower index.
    pub fn nearest_train_point(&self, x1: f32, x2: f32) -> Option<usize> {
        let points = &self.data().train_points;
        points
            .chunks_exact(3)
            .map(|p| (p[0] - x1).powi(2) + (p[1] - x2).powi(2))
            .enumerate()
            .filter(|(_, d)| d.is_finite())
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// The next training step on training point `index` alone: its inputs and target, every
    /// layer's z, a, δ, ∂L/∂W and ∂L/∂b, the loss, and the update the session's optimizer
    /// would make with its current state and learning rate.
    ///
    /// ```
    /// use nnplay::playground::Playground;
    /// let mut pg = Playground::from_query("dataset=xor&layers=3&act=tanh").unwrap();
    /// pg.step(5).unwrap();
    /// let i = pg.nearest_train_point(2.0, 2.0).unwrap();
    /// let look = pg.inspect_train_point(i).unwrap();
    /// assert_eq!(look.step.backprop.layers.len(), 2);
    /// ```
    pub fn inspect_train_point(&self, index: usize) -> Result<PointInspection, NnError> {
        let data = self.data();
        let n_train = data.n_train();
        if index >= n_train {
            return Err(NnError::BadHyperparameter {
                name: "training point index",
                value: index as f64,
                requirement: "below the number of training points",
            });
        }
        let x = data.x_train.row(index).to_vec();
        let y = data.y_train.row(index).to_vec();
        let step = inspect_step(self.trainer(), self.network(), &x, &y)?;
        let plane = data.train_points.get(3 * index..3 * index + 3);
        let label = match plane {
            Some(p) => p[2],
            None => label_of(&y),
        };
        Ok(PointInspection {
            index,
            n_train,
            point: plane.map(|p| [p[0], p[1]]),
            label,
            input_names: data.feature_names.clone(),
            class_names: data.class_names.clone(),
            steps: self.position().steps,
            step,
        })
    }
}

/// The class index of a one-hot row, or the single target value.
fn label_of(y: &[f32]) -> f32 {
    if y.len() == 1 {
        return y[0];
    }
    y.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0.0, |(k, _)| k as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::network::Network;
    use crate::train::optim::Optimizer;

    fn session(query: &str) -> Playground {
        let mut pg = Playground::from_query(query).expect("valid query");
        pg.step(6).unwrap();
        pg
    }

    /// The loss of training point `index` alone with the parameters `params`.
    fn loss_with(pg: &Playground, index: usize, params: &[f32]) -> f32 {
        let net = Network::from_params(pg.network().config(), params.to_vec()).unwrap();
        let look = crate::nn::inspect::inspect(
            &net,
            pg.data().x_train.row(index).as_slice().unwrap(),
            pg.data().y_train.row(index).as_slice().unwrap(),
            pg.trainer().config().loss,
            crate::nn::regularization::Regularization::None,
        )
        .unwrap();
        look.sample_loss
    }

    #[test]
    fn a_click_picks_the_nearest_training_point() {
        let pg = session("dataset=xor&layers=3&act=tanh");
        let pts = &pg.data().train_points;
        let (x1, x2) = (pts[3 * 17], pts[3 * 17 + 1]);
        assert_eq!(pg.nearest_train_point(x1 + 1e-4, x2 - 1e-4), Some(17));
        let look = pg.inspect_train_point(17).unwrap();
        assert_eq!(look.point, Some([x1, x2]));
        assert_eq!(look.label, pts[3 * 17 + 2]);
        assert_eq!(look.input_names, vec!["x1", "x2"]);
        assert_eq!(look.step.backprop.input, vec![x1, x2]);
    }

    #[test]
    fn the_gradient_shown_is_the_loss_slope_of_that_point() {
        let pg = session("dataset=xor&layers=3&act=tanh");
        let look = pg.inspect_train_point(5).unwrap();
        let grad = look.step.backprop.gradient();
        let params = pg.network().params().to_vec();
        let h = 1e-2;
        for (k, &g) in grad.iter().enumerate() {
            let (mut up, mut down) = (params.clone(), params.clone());
            up[k] += h;
            down[k] -= h;
            let fd = (loss_with(&pg, 5, &up) - loss_with(&pg, 5, &down)) / (2.0 * h);
            assert!(
                (fd - g).abs() <= 2e-3 + 2e-2 * g.abs(),
                "parameter {k}: backprop {g}, finite difference {fd}"
            );
        }
    }

    #[test]
    fn the_update_is_the_sessions_optimizer_step() {
        let pg = session("dataset=xor&layers=3&act=tanh&opt=sgd&lr=0.1");
        let look = pg.inspect_train_point(3).unwrap();
        let up = &look.step.update;
        assert_eq!(up.optimizer, Optimizer::Sgd);
        let w = &up.layers[0].weights;
        for ((b, g), a) in w.before.iter().zip(&w.gradient).zip(&w.after) {
            assert!((b - 0.1 * g - a).abs() < 1e-6);
        }
        assert_eq!(up.step, look.steps + 1);
    }

    #[test]
    fn adam_shows_its_moments() {
        let pg = session("dataset=xor&layers=3&act=tanh&opt=adam&lr=0.01");
        let look = pg.inspect_train_point(0).unwrap();
        assert!(look.step.update.bias_correction.is_some());
        assert_eq!(look.step.update.layers[1].weights.state.len(), 4);
    }

    #[test]
    fn an_index_past_the_data_is_refused_and_data_without_a_plane_still_inspect() {
        let pg = session("dataset=xor&layers=3");
        let n = pg.state().n_train;
        assert!(pg.inspect_train_point(n).is_err());
        let pg = session("dataset=iris&layers=4");
        assert_eq!(pg.nearest_train_point(0.0, 0.0), None);
        let look = pg.inspect_train_point(2).unwrap();
        assert_eq!(look.point, None);
        assert_eq!(look.input_names.len(), 4);
        assert!(look.label >= 0.0 && look.label < 3.0);
    }
}
