//! Points placed by hand on the page's drawing tool: add, move, relabel and remove labelled 2-D
//! points, then turn them into a data set or a train/test split. Points keep a stable id so the
//! page can refer to the one under the mouse.

use std::fmt;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::synthetic::DOMAIN;
use super::{DataError, Dataset, Target};

/// The largest number of points a set holds.
pub const MAX_HAND_POINTS: usize = 10_000;
/// The largest number of classes of a hand-drawn classification set.
pub const MAX_HAND_CLASSES: usize = 10;

/// Identifies a point for its whole life, even when other points are removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PointId(pub u32);

impl fmt::Display for PointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What the hand-drawn points ask the network to learn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointTask {
    /// Each point belongs to one of `classes` classes (2–10), named "0", "1", ….
    Classification { classes: usize },
    /// Each point carries a number.
    Regression,
}

/// The label of one point; its kind must match the set's task.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointLabel {
    Class(usize),
    Value(f32),
}

/// One hand-placed point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub id: PointId,
    pub x1: f32,
    pub x2: f32,
    pub label: PointLabel,
}

/// Labelled points inside the square [-6, 6]², in the order they were added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointSet {
    task: PointTask,
    points: Vec<Point>,
    next_id: u32,
}

impl PointSet {
    /// An empty set for `task`.
    pub fn new(task: PointTask) -> Result<PointSet, DataError> {
        if let PointTask::Classification { classes } = task
            && !(2..=MAX_HAND_CLASSES).contains(&classes)
        {
            return Err(DataError::BadParameter {
                name: "classes",
                value: classes as f64,
                reason: format!("hand-drawn data needs between 2 and {MAX_HAND_CLASSES} classes"),
            });
        }
        Ok(PointSet {
            task,
            points: Vec::new(),
            next_id: 0,
        })
    }

    /// Starts from a 2-D data set (e.g. a generated one) so the user can edit its points.
    /// Classification sets keep their class numbers; regression sets use their first target column.
    pub fn from_dataset(ds: &Dataset) -> Result<PointSet, DataError> {
        if ds.n_features() != 2 {
            return Err(DataError::FeatureInputs {
                got: ds.n_features(),
            });
        }
        let task = match &ds.target {
            Target::Classes { names, .. } => PointTask::Classification {
                classes: names.len().max(2),
            },
            Target::Values(_) => PointTask::Regression,
        };
        let mut set = PointSet::new(task)?;
        for i in 0..ds.len() {
            let label = match &ds.target {
                Target::Classes { labels, .. } => PointLabel::Class(labels[i]),
                Target::Values(v) => PointLabel::Value(v[[i, 0]]),
            };
            set.add(ds.x[[i, 0]], ds.x[[i, 1]], label)?;
        }
        Ok(set)
    }

    pub fn task(&self) -> PointTask {
        self.task
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// All points, oldest first.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    pub fn get(&self, id: PointId) -> Option<&Point> {
        self.points.iter().find(|p| p.id == id)
    }

    /// Adds a point and returns its id.
    pub fn add(&mut self, x1: f32, x2: f32, label: PointLabel) -> Result<PointId, DataError> {
        check_position(x1, x2)?;
        self.check_label(label)?;
        if self.points.len() >= MAX_HAND_POINTS {
            return Err(DataError::TooManyRows {
                limit: MAX_HAND_POINTS,
                got: self.points.len() + 1,
            });
        }
        let id = PointId(self.next_id);
        // Ids are never reused; running out would take four billion additions.
        self.next_id = self
            .next_id
            .checked_add(1)
            .ok_or_else(|| DataError::BadParameter {
                name: "point id",
                value: u32::MAX as f64,
                reason: "every point id has been used; start a new drawing".into(),
            })?;
        self.points.push(Point { id, x1, x2, label });
        Ok(id)
    }

    /// Moves a point to (x1, x2).
    pub fn move_point(&mut self, id: PointId, x1: f32, x2: f32) -> Result<(), DataError> {
        check_position(x1, x2)?;
        let p = self.point_mut(id)?;
        p.x1 = x1;
        p.x2 = x2;
        Ok(())
    }

    /// Gives a point another label.
    pub fn set_label(&mut self, id: PointId, label: PointLabel) -> Result<(), DataError> {
        self.check_label(label)?;
        self.point_mut(id)?.label = label;
        Ok(())
    }

    /// Removes a point and returns it (so the page can offer undo).
    pub fn remove(&mut self, id: PointId) -> Result<Point, DataError> {
        let pos = self
            .points
            .iter()
            .position(|p| p.id == id)
            .ok_or(DataError::UnknownPoint { id: id.0 })?;
        Ok(self.points.remove(pos))
    }

    /// Removes every point; ids are not reused.
    pub fn clear(&mut self) {
        self.points.clear();
    }

    /// The point closest to (x1, x2) within `max_distance`, for picking the point under the mouse.
    pub fn nearest(&self, x1: f32, x2: f32, max_distance: f32) -> Option<PointId> {
        self.points
            .iter()
            .map(|p| (p.id, (p.x1 - x1).powi(2) + (p.x2 - x2).powi(2)))
            .filter(|&(_, d2)| d2 <= max_distance * max_distance)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }

    /// The points as a data set with columns "x1", "x2", oldest point first.
    pub fn to_dataset(&self) -> Dataset {
        let n = self.points.len();
        let x = Array2::from_shape_fn((n, 2), |(i, j)| {
            if j == 0 {
                self.points[i].x1
            } else {
                self.points[i].x2
            }
        });
        let target = match self.task {
            PointTask::Classification { classes } => Target::Classes {
                labels: self
                    .points
                    .iter()
                    .map(|p| match p.label {
                        PointLabel::Class(c) => c,
                        PointLabel::Value(_) => 0, // refused by check_label
                    })
                    .collect(),
                names: (0..classes).map(|c| c.to_string()).collect(),
            },
            PointTask::Regression => Target::Values(Array2::from_shape_fn((n, 1), |(i, _)| {
                match self.points[i].label {
                    PointLabel::Value(v) => v,
                    PointLabel::Class(c) => c as f32, // refused by check_label
                }
            })),
        };
        Dataset {
            x,
            target,
            feature_names: vec!["x1".into(), "x2".into()],
        }
    }

    /// Splits the points into train and test sets; see [`Dataset::split`].
    pub fn split(&self, train_fraction: f32, seed: u64) -> Result<(Dataset, Dataset), DataError> {
        self.to_dataset().split(train_fraction, seed)
    }

    fn point_mut(&mut self, id: PointId) -> Result<&mut Point, DataError> {
        self.points
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or(DataError::UnknownPoint { id: id.0 })
    }

    fn check_label(&self, label: PointLabel) -> Result<(), DataError> {
        match (self.task, label) {
            (PointTask::Classification { classes }, PointLabel::Class(c)) if c < classes => Ok(()),
            (PointTask::Classification { classes }, PointLabel::Class(c)) => {
                Err(DataError::BadParameter {
                    name: "label",
                    value: c as f64,
                    reason: format!("the classes are numbered 0 to {}", classes - 1),
                })
            }
            (PointTask::Classification { .. }, PointLabel::Value(v)) => {
                Err(DataError::BadParameter {
                    name: "label",
                    value: v as f64,
                    reason: "these points are classified: give a class number, not a value".into(),
                })
            }
            (PointTask::Regression, PointLabel::Value(v)) if v.is_finite() => Ok(()),
            (PointTask::Regression, PointLabel::Value(v)) => Err(DataError::BadParameter {
                name: "label",
                value: v as f64,
                reason: "the value must be a finite number".into(),
            }),
            (PointTask::Regression, PointLabel::Class(c)) => Err(DataError::BadParameter {
                name: "label",
                value: c as f64,
                reason: "these points carry values: give a number, not a class".into(),
            }),
        }
    }
}

/// Points must lie in the drawing area (NaN never does).
fn check_position(x1: f32, x2: f32) -> Result<(), DataError> {
    let inside = |v: f32| (-DOMAIN..=DOMAIN).contains(&v);
    if inside(x1) && inside(x2) {
        Ok(())
    } else {
        Err(DataError::OutOfDomain {
            x1,
            x2,
            limit: DOMAIN,
        })
    }
}
