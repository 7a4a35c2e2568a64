//! Points placed by hand: switching the session to them, and adding, moving, relabelling and
//! removing them. Every edit re-splits the data; the network keeps its weights while its shape
//! still fits (the same classes), so the student sees the boundary follow the points.

use super::messages::ConfigChange;
use super::prepare::{DataSource, base_dataset};
use super::session::Playground;
use crate::data::{PointId, PointLabel, PointSet, PointTask};
use crate::error::NnError;

impl Playground {
    /// Switches to hand-placed points: an empty set for `task`, or (with `from_current`) the
    /// current 2-D points, train and test, ready to edit.
    pub fn start_points(
        &mut self,
        task: PointTask,
        from_current: bool,
    ) -> Result<ConfigChange, NnError> {
        let points = if from_current {
            let (base, input) = base_dataset(self.config(), self.source())?;
            if !input.has_plane() {
                return Err(NnError::Config(
                    "this data has no 2-D plane, so its points cannot be edited".into(),
                ));
            }
            PointSet::from_dataset(&base)?
        } else {
            PointSet::new(task)?
        };
        self.set_source(DataSource::Points(points))
    }

    fn points(&self) -> Result<&PointSet, NnError> {
        match self.source() {
            DataSource::Points(p) => Ok(p),
            _ => Err(NnError::Config(
                "no hand-placed points: start drawing points first".into(),
            )),
        }
    }

    /// Edits a copy of the point set, then makes it the data (nothing changes on an error).
    fn edit_points<T>(
        &mut self,
        edit: impl FnOnce(&mut PointSet) -> Result<T, NnError>,
    ) -> Result<T, NnError> {
        let mut points = self.points()?.clone();
        let out = edit(&mut points)?;
        self.set_source(DataSource::Points(points))?;
        Ok(out)
    }

    /// The label for a number from the page: a class index, or the value for regression.
    fn label(&self, label: f32) -> Result<PointLabel, NnError> {
        match self.points()?.task() {
            PointTask::Regression => Ok(PointLabel::Value(label)),
            PointTask::Classification { .. }
                if label >= 0.0 && label.fract() == 0.0 && label < 1e6 =>
            {
                Ok(PointLabel::Class(label as usize))
            }
            PointTask::Classification { .. } => Err(NnError::BadHyperparameter {
                name: "class label",
                value: label as f64,
                requirement: "a class number 0, 1, 2, …",
            }),
        }
    }

    pub fn add_point(&mut self, x1: f32, x2: f32, label: f32) -> Result<PointId, NnError> {
        let label = self.label(label)?;
        self.edit_points(|p| Ok(p.add(x1, x2, label)?))
    }

    pub fn move_point(&mut self, id: u32, x1: f32, x2: f32) -> Result<(), NnError> {
        self.edit_points(|p| Ok(p.move_point(PointId(id), x1, x2)?))
    }

    pub fn set_point_label(&mut self, id: u32, label: f32) -> Result<(), NnError> {
        let label = self.label(label)?;
        self.edit_points(|p| Ok(p.set_label(PointId(id), label)?))
    }

    pub fn remove_point(&mut self, id: u32) -> Result<(), NnError> {
        self.edit_points(|p| p.remove(PointId(id)).map(|_| ()).map_err(NnError::from))
    }

    pub fn clear_points(&mut self) -> Result<(), NnError> {
        self.edit_points(|p| {
            p.clear();
            Ok(())
        })
    }

    /// The hand-placed point nearest to (x1, x2) within `max_distance`.
    pub fn nearest_point(&self, x1: f32, x2: f32, max_distance: f32) -> Option<u32> {
        match self.source() {
            DataSource::Points(p) => p.nearest(x1, x2, max_distance).map(|id| id.0),
            _ => None,
        }
    }

    /// Hand-placed points, stride 4: id, x1, x2, label (class index or value).
    pub fn user_points(&self) -> Vec<f32> {
        let DataSource::Points(p) = self.source() else {
            return Vec::new();
        };
        p.points()
            .iter()
            .flat_map(|pt| {
                let label = match pt.label {
                    PointLabel::Class(c) => c as f32,
                    PointLabel::Value(v) => v,
                };
                [pt.id.0 as f32, pt.x1, pt.x2, label]
            })
            .collect()
    }
}
