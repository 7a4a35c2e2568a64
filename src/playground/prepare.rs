//! Data preparation for the session: where the points come from ([`DataSource`]), and the data
//! ready for training ([`Prepared`]): split, expanded into the network's inputs, with the plane
//! coordinates of every point for drawing and, for image data, the gallery of test images.

use super::config::PlaygroundConfig;
use super::render::InputMap;
use crate::data::synthetic::DOMAIN;
use crate::data::{Dataset, DatasetKind, PointSet, Scaler, Scaling, Target, Task};
use crate::error::NnError;
use ndarray::Array2;

/// A two-column CSV file is mapped onto the plane so that each column spans [-PLANE_FIT, PLANE_FIT].
pub const PLANE_FIT: f32 = 5.0;
/// Test images of each class in the gallery the page shows for image data (digits, MNIST): with
/// ten digits, forty images, enough to watch the network learn without scrolling.
pub const GALLERY_PER_CLASS: usize = 4;

/// Where the points come from.
#[derive(Clone, Debug, PartialEq)]
pub enum DataSource {
    /// The data set named in the config (generated or shipped).
    Generated,
    /// Points placed by hand.
    Points(PointSet),
    /// A CSV file; `has_plane` when it has two input columns (mapped onto the plane).
    Csv { dataset: Dataset, has_plane: bool },
}

impl DataSource {
    /// The name the page's labels use (`SessionState::source`).
    pub(super) fn token(&self) -> &'static str {
        match self {
            DataSource::Generated => "generated",
            DataSource::Points(_) => "points",
            DataSource::Csv { .. } => "csv",
        }
    }
}

/// Data ready for training. Built whole by [`prepare`] and never edited after: the session
/// replaces it when the data settings or the source change, so the panels read it freely.
#[derive(Clone, Debug)]
pub(super) struct Prepared {
    pub(super) task: Task,
    pub(super) class_names: Vec<String>,
    pub(super) feature_names: Vec<String>,
    pub(super) input: InputMap,
    pub(super) x_train: Array2<f32>,
    pub(super) y_train: Array2<f32>,
    pub(super) x_test: Array2<f32>,
    pub(super) y_test: Array2<f32>,
    /// Stride 3: x1, x2, label or value (empty without a plane).
    pub(super) train_points: Vec<f32>,
    pub(super) test_points: Vec<f32>,
    /// Regression values are coloured as value / value_scale (1 for classes).
    pub(super) value_scale: f32,
    /// A few test images to show with the network's answers (image data sets only).
    pub(super) gallery: Option<Gallery>,
}

impl Prepared {
    /// The network's input width.
    pub(super) fn in_dim(&self) -> usize {
        self.x_train.ncols()
    }

    pub(super) fn n_train(&self) -> usize {
        self.x_train.nrows()
    }

    /// Number of classes, 0 for regression.
    pub(super) fn classes(&self) -> usize {
        match self.task {
            Task::BinaryClassification => 2,
            Task::MultiClassification { classes } => classes,
            Task::Regression => 0,
        }
    }
}

/// A fixed pick of test images of an image data set, in the order the page shows them: the
/// first test image of each class, then the second of each, and so on.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Gallery {
    /// Side of the square images in pixels.
    pub(super) side: usize,
    /// The images as the network sees them: one row of side² values in [0, 1] (1 = full ink)
    /// per image.
    pub(super) x: Vec<f32>,
    /// True class of each image.
    pub(super) truth: Vec<usize>,
}

impl Gallery {
    /// Up to `per_class` test images of each class, classes taken in turn. `x` holds the test
    /// inputs (rows of side² pixels), `labels` their classes.
    fn pick(
        side: usize,
        x: &Array2<f32>,
        labels: &[usize],
        classes: usize,
        per_class: usize,
    ) -> Gallery {
        let mut by_class = vec![Vec::new(); classes];
        for (i, &label) in labels.iter().enumerate() {
            if let Some(rows) = by_class.get_mut(label).filter(|r| r.len() < per_class) {
                rows.push(i);
            }
        }
        let order: Vec<usize> = (0..per_class)
            .flat_map(|round| {
                by_class
                    .iter()
                    .filter_map(move |rows| rows.get(round).copied())
            })
            .collect();
        Gallery {
            side,
            x: order.iter().flat_map(|&i| x.row(i).to_vec()).collect(),
            truth: order.iter().map(|&i| labels[i]).collect(),
        }
    }
}

/// The whole data set a config and a source describe, and how its inputs map from the plane.
pub(super) fn base_dataset(
    config: &PlaygroundConfig,
    source: &DataSource,
) -> Result<(Dataset, InputMap), NnError> {
    let d = &config.data;
    Ok(match source {
        DataSource::Generated if d.dataset.is_builtin() => {
            let mut ds = crate::data::builtin::load(d.dataset)?;
            if d.dataset == DatasetKind::Iris {
                // Centimetres of very different spreads: standardise so plain SGD trains.
                ds.x = Scaler::fit(ds.x.view(), Scaling::Standardize).transform(ds.x.view());
            }
            (ds, InputMap::NoPlane)
        }
        DataSource::Generated => {
            let ds = crate::data::generate(
                d.dataset,
                d.points,
                d.noise_percent as f32 / 100.0,
                d.seed as u64,
            )?;
            (ds, InputMap::Features(d.features.clone()))
        }
        DataSource::Points(points) => (points.to_dataset(), InputMap::Features(d.features.clone())),
        DataSource::Csv { dataset, has_plane } => (
            dataset.clone(),
            if *has_plane {
                InputMap::Raw
            } else {
                InputMap::NoPlane
            },
        ),
    })
}

fn plane_points(ds: &Dataset) -> Vec<f32> {
    let mut out = Vec::with_capacity(ds.len() * 3);
    for i in 0..ds.len() {
        let y = match &ds.target {
            Target::Classes { labels, .. } => labels[i] as f32,
            Target::Values(v) => v[[i, 0]],
        };
        out.extend([ds.x[[i, 0]], ds.x[[i, 1]], y]);
    }
    out
}

/// Builds, splits and expands the data `config` and `source` describe.
pub(super) fn prepare(config: &PlaygroundConfig, source: &DataSource) -> Result<Prepared, NnError> {
    let (base, input) = base_dataset(config, source)?;
    let task = base.task();
    let (train, test) = if base.len() >= 2 {
        base.split(
            config.data.train_percent as f32 / 100.0,
            config.data.seed as u64,
        )?
    } else {
        // Too few hand-placed points to split: train on what there is; `step` reports it.
        (base.clone(), base.select(&[]))
    };
    let expand = |ds: &Dataset| -> Result<Array2<f32>, NnError> {
        Ok(match &input {
            InputMap::Features(f) => f.expand(ds.x.view())?,
            _ => ds.x.as_standard_layout().into_owned(),
        })
    };
    let feature_names = match &input {
        InputMap::Features(f) => f.names(),
        _ => base.feature_names.clone(),
    };
    let value_scale = match &base.target {
        Target::Values(v) => v.iter().fold(0.0f32, |m, y| m.max(y.abs())).max(1e-6),
        Target::Classes { .. } => 1.0,
    };
    let (train_points, test_points) = if input.has_plane() {
        (plane_points(&train), plane_points(&test))
    } else {
        (Vec::new(), Vec::new())
    };
    let x_test = expand(&test)?;
    let image_side = match source {
        DataSource::Generated => crate::data::builtin::image_side(config.data.dataset),
        _ => None,
    };
    let gallery = match (image_side, test.labels(), test.class_names()) {
        (Some(side), Some(labels), Some(names)) if x_test.ncols() == side * side => Some(
            Gallery::pick(side, &x_test, labels, names.len(), GALLERY_PER_CLASS),
        ),
        _ => None,
    };
    Ok(Prepared {
        task,
        class_names: base
            .class_names()
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
        feature_names,
        x_train: expand(&train)?,
        y_train: train.target_matrix(),
        x_test,
        y_test: test.target_matrix(),
        input,
        train_points,
        test_points,
        value_scale,
        gallery,
    })
}

/// Maps each column of a two-column data set linearly onto [-PLANE_FIT, PLANE_FIT].
pub(super) fn fit_to_plane(ds: &mut Dataset) {
    for mut col in ds.x.columns_mut() {
        let (min, max) = col
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let mid = 0.5 * (min + max);
        let half = 0.5 * (max - min);
        let scale = if half > 0.0 { PLANE_FIT / half } else { 0.0 };
        col.mapv_inplace(|v| ((v - mid) * scale).clamp(-DOMAIN, DOMAIN));
    }
}
