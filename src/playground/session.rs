//! The playground session: data, network, trainer, history and render caches behind one value
//! that the page drives a few batches at a time. The wasm layer only wraps it.

use super::config::*;
use super::query::{self, Notice};
use super::render::{self, InputMap, PlaneStyle, Renderer};
use crate::data::synthetic::DOMAIN;
use crate::data::{
    CsvOptions, CsvTask, Dataset, DatasetKind, PointId, PointLabel, PointSet, PointTask, Scaler,
    Scaling, Target, TargetColumn, Task,
};
use crate::error::NnError;
use crate::nn::network::{Network, NetworkConfig, Workspace};
use crate::train::Trainer;
use crate::train::metrics::{Metric, confusion_matrix};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// The most batches one `step` call may run (a frame runs a handful; this bounds a bad call).
pub const MAX_STEP_BATCHES: usize = 100_000;
/// Values per history row: steps, epoch, train loss, test loss, train metric, test metric.
pub const HISTORY_STRIDE: usize = 6;
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
    fn token(&self) -> &'static str {
        match self {
            DataSource::Generated => "generated",
            DataSource::Points(_) => "points",
            DataSource::Csv { .. } => "csv",
        }
    }
}

/// Data ready for training: split, expanded into the network's inputs, with the plane
/// coordinates of every point for drawing.
#[derive(Clone, Debug)]
struct Prepared {
    task: Task,
    class_names: Vec<String>,
    feature_names: Vec<String>,
    input: InputMap,
    x_train: Array2<f32>,
    y_train: Array2<f32>,
    x_test: Array2<f32>,
    y_test: Array2<f32>,
    /// Stride 3: x1, x2, label or value (empty without a plane).
    train_points: Vec<f32>,
    test_points: Vec<f32>,
    value_scale: f32,
    /// A few test images to show with the network's answers (image data sets only).
    gallery: Option<Gallery>,
}

/// A fixed pick of test images of an image data set, in the order the page shows them: the
/// first test image of each class, then the second of each, and so on.
#[derive(Clone, Debug, PartialEq)]
struct Gallery {
    /// Side of the square images in pixels.
    side: usize,
    /// The images as the network sees them: one row of side² values in [0, 1] (1 = full ink)
    /// per image.
    x: Vec<f32>,
    /// True class of each image.
    truth: Vec<usize>,
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

/// One gallery image and the network's answer to it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GalleryGuess {
    /// The class the image belongs to.
    pub truth: usize,
    /// The class the network gives it (the largest output; for one output, output ≥ 0.5).
    pub predicted: usize,
    /// The network's output for `predicted`, its probability with the usual heads (NaN when
    /// the outputs are not finite).
    pub confidence: f32,
}

impl GalleryGuess {
    /// Reads one row of network outputs.
    fn from_output(out: &[f32], truth: usize) -> GalleryGuess {
        let (predicted, confidence) = match out {
            [p] if *p >= 0.5 => (1, *p),
            [p] => (0, 1.0 - *p),
            _ => out
                .iter()
                .copied()
                .enumerate()
                .fold((0, f32::NAN), |(k, best), (i, v)| {
                    if v > best || best.is_nan() && !v.is_nan() {
                        (i, v)
                    } else {
                        (k, best)
                    }
                }),
        };
        GalleryGuess {
            truth,
            predicted,
            confidence,
        }
    }
}

impl Prepared {
    fn in_dim(&self) -> usize {
        self.x_train.ncols()
    }
}

/// The whole data set a config and a source describe, and how its inputs map from the plane.
fn base_dataset(
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

fn prepare(config: &PlaygroundConfig, source: &DataSource) -> Result<Prepared, NnError> {
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
fn fit_to_plane(ds: &mut Dataset) {
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

/// True when two network configs have the same layout, activations and initial weights
/// (dropout and per-layer penalties are training settings).
fn same_architecture(a: &NetworkConfig, b: &NetworkConfig) -> bool {
    a.in_dim == b.in_dim
        && a.initializer == b.initializer
        && a.seed == b.seed
        && a.layers.len() == b.layers.len()
        && a.layers
            .iter()
            .zip(&b.layers)
            .all(|(x, y)| x.units == y.units && x.activation == y.activation)
}

/// What one `step` call did and how the network now scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepReport {
    /// Optimizer steps since the last reset.
    pub steps: u64,
    /// Fractional epochs: samples seen / training-set size.
    pub epoch: f64,
    pub epochs_completed: u64,
    /// Batches run by this call.
    pub batches: usize,
    /// Mean loss on the full sets (without weight penalty); `None` for an empty set or a
    /// non-finite value.
    pub train_loss: Option<f32>,
    pub test_loss: Option<f32>,
    /// Accuracy (classification) or R² (regression) on the full sets.
    pub train_metric: Option<f32>,
    pub test_metric: Option<f32>,
    pub metric: Metric,
    /// The scheduled learning rate now.
    pub learning_rate: f32,
    /// The divergence message; the weights are at their last finite values.
    pub diverged: Option<String>,
}

/// What `set_config` (or a data change) rebuilt.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConfigChange {
    pub data_regenerated: bool,
    pub network_rebuilt: bool,
    pub trainer_rebuilt: bool,
    pub view_changed: bool,
    pub notices: Vec<Notice>,
}

/// Counts of true (row) against predicted (column) classes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub class_names: Vec<String>,
    pub train: Vec<Vec<usize>>,
    pub test: Vec<Vec<usize>>,
}

/// One layer of [`NetworkSnapshot`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerSnapshot {
    pub in_dim: usize,
    pub out_dim: usize,
    pub activation: String,
    /// Offset of the kernel in the flat parameter vector; the bias follows it.
    pub offset: usize,
    /// Row-major in_dim × out_dim: weights[row * out_dim + col] goes from input `row` to unit `col`.
    pub weights: Vec<f32>,
    pub biases: Vec<f32>,
}

/// Everything needed to draw the network graph.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkSnapshot {
    pub feature_names: Vec<String>,
    pub in_dim: usize,
    pub n_params: usize,
    pub layers: Vec<LayerSnapshot>,
}

/// A summary of the session for the page's labels.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionState {
    pub source: &'static str,
    pub task: &'static str,
    /// Number of classes, 0 for regression.
    pub classes: usize,
    pub class_names: Vec<String>,
    pub feature_names: Vec<String>,
    pub has_plane: bool,
    pub n_train: usize,
    pub n_test: usize,
    pub n_params: usize,
    pub output: String,
    pub loss: String,
    pub metric: Metric,
    /// Regression values are coloured as value / value_scale on the −1…+1 map (1 for classes).
    pub value_scale: f32,
    /// Side in pixels of the square images of an image data set (8 for digits, 28 for MNIST),
    /// which the page shows as a gallery of test images; `None` for other data.
    pub image_side: Option<usize>,
    pub steps: u64,
    pub epoch: f64,
    pub diverged: Option<String>,
}

/// What `load_csv` read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CsvSummary {
    pub rows: usize,
    pub n_train: usize,
    pub n_test: usize,
    pub feature_names: Vec<String>,
    pub task: &'static str,
    pub class_names: Vec<String>,
    pub has_plane: bool,
    pub network_rebuilt: bool,
}

/// CSV reading options as the page sends them (every field optional); see [`CsvImport::into_options`].
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvImport {
    /// `","`, `";"`, `"\t"` (or `"comma"`, `"semicolon"`, `"tab"`); `None` sniffs.
    pub delimiter: Option<String>,
    pub has_header: Option<bool>,
    pub target: TargetColumn,
    pub task: CsvTask,
    pub scaling: Scaling,
}

impl CsvImport {
    /// Reads the JSON the page sends; empty text means all defaults.
    pub fn from_json(json: &str) -> Result<CsvImport, NnError> {
        if json.trim().is_empty() {
            return Ok(CsvImport::default());
        }
        serde_json::from_str(json).map_err(|e| NnError::Config(format!("CSV options: {e}")))
    }

    pub fn into_options(self) -> Result<CsvOptions, NnError> {
        let delimiter = match self.delimiter.as_deref() {
            None | Some("") | Some("auto") => None,
            Some("," | "comma") => Some(b','),
            Some(";" | "semicolon") => Some(b';'),
            Some("\t" | "\\t" | "tab") => Some(b'\t'),
            Some(other) => {
                return Err(NnError::Config(format!(
                    "CSV options: the delimiter must be a comma, a semicolon or a tab, not '{other}'"
                )));
            }
        };
        Ok(CsvOptions {
            delimiter,
            has_header: self.has_header,
            target: self.target,
            task: self.task,
            scaling: self.scaling,
        })
    }
}

#[derive(Clone, Debug, Default)]
struct RunState {
    steps: u64,
    /// Epochs seen before the current data was made, plus samples seen since over its size:
    /// exact, and monotonic when the data changes size.
    epoch_base: f64,
    samples: u64,
    epochs_completed: u64,
    /// Mirror of the trainer's position in the current epoch.
    cursor: usize,
    diverged: Option<String>,
}

impl RunState {
    fn epoch(&self, n_train: usize) -> f64 {
        self.epoch_base
            + if n_train == 0 {
                0.0
            } else {
                self.samples as f64 / n_train as f64
            }
    }

    /// Folds the samples seen into the base before the training set changes.
    fn rebase(&mut self, n_train: usize) {
        self.epoch_base = self.epoch(n_train);
        self.samples = 0;
    }
}

/// Reused buffers for scoring the full sets after each `step`.
#[derive(Clone, Debug, Default)]
struct Eval {
    ws_train: Workspace,
    ws_test: Workspace,
    ws_gallery: Workspace,
    scratch: Vec<f32>,
}

/// Loss and metric of `net` on one set, without allocating once the buffers are warm.
fn score(
    net: &Network,
    x: &Array2<f32>,
    y: &Array2<f32>,
    loss: crate::nn::loss::Loss,
    metric: Metric,
    ws: &mut Workspace,
    scratch: &mut Vec<f32>,
) -> (Option<f32>, Option<f32>) {
    let rows = x.nrows();
    if rows == 0 {
        return (None, None);
    }
    let (Some(xs), Some(ys)) = (x.as_slice(), y.as_slice()) else {
        return (None, None);
    };
    net.forward(xs, rows, ws);
    let last = net.layers().len() - 1;
    let top = ws.layer(last);
    let output = if loss.uses_logits() { &top.z } else { &top.a };
    scratch.resize(output.len(), 0.0);
    let value = loss.value_and_grad(output, ys, scratch, net.out_dim());
    let predictions = ArrayView2::from_shape((rows, net.out_dim()), ws.output())
        .expect("forward wrote rows × out_dim");
    let m = metric.compute(predictions, y.view());
    (
        Some(value).filter(|v| v.is_finite()),
        Some(m).filter(|v| v.is_finite()),
    )
}

/// A playground session.
///
/// ```
/// use nnplay::playground::{Playground, PlaygroundConfig};
/// let (config, _) = PlaygroundConfig::from_query("dataset=xor&layers=4&lr=0.1");
/// let mut pg = Playground::new(config).unwrap();
/// let report = pg.step(20).unwrap();
/// assert_eq!(report.steps, 20);
/// let mut rgba = Vec::new();
/// pg.render_boundary(100, &mut rgba).unwrap();
/// assert_eq!(rgba.len(), 100 * 100 * 4);
/// ```
#[derive(Clone, Debug)]
pub struct Playground {
    config: PlaygroundConfig,
    view: ViewSettings,
    notices: Vec<Notice>,
    source: DataSource,
    data: Prepared,
    net: Network,
    trainer: Trainer,
    run: RunState,
    history: Vec<[f32; HISTORY_STRIDE]>,
    eval: Eval,
    backup: Vec<f32>,
    renderer: Renderer,
}

impl Playground {
    /// Builds the data, the network and the trainer a config describes.
    pub fn new(config: PlaygroundConfig) -> Result<Playground, NnError> {
        config.validate()?;
        let source = DataSource::Generated;
        let data = prepare(&config, &source)?;
        let net = Network::new(&config.network_config(data.in_dim(), data.task))?;
        let trainer = Trainer::new(config.train_config(data.task), &net)?;
        Ok(Playground {
            config,
            view: ViewSettings::default(),
            notices: Vec::new(),
            source,
            data,
            net,
            trainer,
            run: RunState::default(),
            history: Vec::new(),
            eval: Eval::default(),
            backup: Vec::new(),
            renderer: Renderer::default(),
        })
    }

    /// Builds a session from a URL query; bad fields fall back (see [`Playground::notices`]).
    pub fn from_query(query: &str) -> Result<Playground, NnError> {
        let (state, notices) = query::parse(query);
        let mut pg = Playground::new(state.config)?;
        pg.view = state.view;
        pg.notices = notices;
        Ok(pg)
    }

    pub fn config(&self) -> &PlaygroundConfig {
        &self.config
    }
    pub fn view(&self) -> ViewSettings {
        self.view
    }
    pub fn set_view(&mut self, view: ViewSettings) {
        self.view = view;
    }
    /// Notices of the last query read.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }
    pub fn network(&self) -> &Network {
        &self.net
    }
    pub fn source(&self) -> &DataSource {
        &self.source
    }
    pub fn task(&self) -> Task {
        self.data.task
    }
    pub fn has_plane(&self) -> bool {
        self.data.input.has_plane()
    }
    /// The canonical query of the config and view.
    pub fn to_query(&self) -> String {
        query::write(
            &query::UrlState {
                config: self.config.clone(),
                view: self.view,
            },
            true,
        )
    }

    fn metric(&self) -> Metric {
        if self.data.task == Task::Regression {
            Metric::R2
        } else {
            Metric::Accuracy
        }
    }

    /// Runs `batches` mini-batch steps, then scores the full train and test sets and appends a
    /// history row. A diverging run stops at the failing batch with the weights it had before
    /// it; later calls train no more until `reset` or a settings change.
    pub fn step(&mut self, batches: usize) -> Result<StepReport, NnError> {
        if batches > MAX_STEP_BATCHES {
            return Err(NnError::BadHyperparameter {
                name: "batches per step",
                value: batches as f64,
                requirement: "at most 100000",
            });
        }
        let n = self.data.x_train.nrows();
        if n == 0 {
            return Err(NnError::EmptyData);
        }
        let mut ran = 0;
        if self.run.diverged.is_none() {
            let bs = self.trainer.config().batch_size.min(n);
            for _ in 0..batches {
                self.backup.clear();
                self.backup.extend_from_slice(self.net.params());
                match self.trainer.train_steps(
                    &mut self.net,
                    self.data.x_train.view(),
                    self.data.y_train.view(),
                    1,
                ) {
                    Ok(_) => {
                        ran += 1;
                        let rows = bs.min(n - self.run.cursor);
                        self.run.steps += 1;
                        self.run.samples += rows as u64;
                        self.run.cursor += rows;
                        if self.run.cursor >= n {
                            self.run.cursor = 0;
                            self.run.epochs_completed += 1;
                        }
                    }
                    Err(e @ NnError::Diverged { .. }) => {
                        if self.net.params().iter().any(|p| !p.is_finite()) {
                            self.net.params_mut().copy_from_slice(&self.backup);
                        }
                        self.run.diverged = Some(e.to_string());
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        let report = self.evaluate(ran);
        self.history.push([
            report.steps as f32,
            report.epoch as f32,
            report.train_loss.unwrap_or(f32::NAN),
            report.test_loss.unwrap_or(f32::NAN),
            report.train_metric.unwrap_or(f32::NAN),
            report.test_metric.unwrap_or(f32::NAN),
        ]);
        Ok(report)
    }

    fn evaluate(&mut self, batches: usize) -> StepReport {
        let loss = self.trainer.config().loss;
        let metric = self.metric();
        let d = &self.data;
        let n_train = d.x_train.nrows();
        let (train_loss, train_metric) = score(
            &self.net,
            &d.x_train,
            &d.y_train,
            loss,
            metric,
            &mut self.eval.ws_train,
            &mut self.eval.scratch,
        );
        let (test_loss, test_metric) = score(
            &self.net,
            &d.x_test,
            &d.y_test,
            loss,
            metric,
            &mut self.eval.ws_test,
            &mut self.eval.scratch,
        );
        StepReport {
            steps: self.run.steps,
            epoch: self.run.epoch(n_train),
            epochs_completed: self.run.epochs_completed,
            batches,
            train_loss,
            test_loss,
            train_metric,
            test_metric,
            metric,
            learning_rate: self.trainer.learning_rate(),
            diverged: self.run.diverged.clone(),
        }
    }

    /// Back to the start weights (the same ones while the weight seed is unchanged), a fresh
    /// optimizer, empty history.
    pub fn reset(&mut self) -> Result<(), NnError> {
        let net = Network::new(
            &self
                .config
                .network_config(self.data.in_dim(), self.data.task),
        )?;
        self.trainer = Trainer::new(self.config.train_config(self.data.task), &net)?;
        self.net = net;
        self.run = RunState::default();
        self.history.clear();
        Ok(())
    }

    /// Applies new settings, redoing only what they change: the data when data settings
    /// differ, the network when its architecture, initializer or seed differ (so training-only
    /// changes keep the weights), the trainer when anything it uses differs.
    pub fn set_config(&mut self, config: PlaygroundConfig) -> Result<ConfigChange, NnError> {
        config.validate()?;
        let source = if config.data.dataset != self.config.data.dataset {
            DataSource::Generated
        } else {
            self.source.clone()
        };
        let data_changed = config.data != self.config.data || source != self.source;
        self.apply(config, source, data_changed)
    }

    /// Applies a whole query (config and view).
    pub fn set_query(&mut self, query: &str) -> Result<ConfigChange, NnError> {
        let (state, notices) = query::parse(query);
        let mut change = self.set_config(state.config)?;
        change.view_changed = state.view != self.view;
        self.view = state.view;
        self.notices = notices.clone();
        change.notices = notices;
        Ok(change)
    }

    /// Commits a config and a data source, rebuilding only what changed. Nothing is modified
    /// unless every step succeeds.
    fn apply(
        &mut self,
        config: PlaygroundConfig,
        source: DataSource,
        data_changed: bool,
    ) -> Result<ConfigChange, NnError> {
        let fresh = if data_changed {
            Some(prepare(&config, &source)?)
        } else {
            None
        };
        let data = fresh.as_ref().unwrap_or(&self.data);
        let net_config = config.network_config(data.in_dim(), data.task);
        let network_rebuilt = !same_architecture(&net_config, self.net.config());
        let net = if network_rebuilt {
            Some(Network::new(&net_config)?)
        } else if net_config != *self.net.config() {
            Some(Network::from_params(
                &net_config,
                self.net.params().to_vec(),
            )?)
        } else {
            None
        };
        let train_config = config.train_config(data.task);
        let trainer_rebuilt = network_rebuilt
            || data_changed
            || net.is_some()
            || train_config != *self.trainer.config();
        let trainer = if trainer_rebuilt {
            Some(Trainer::new(
                train_config,
                net.as_ref().unwrap_or(&self.net),
            )?)
        } else {
            None
        };

        self.config = config;
        self.source = source;
        if let Some(d) = fresh {
            self.run.rebase(self.data.x_train.nrows());
            self.data = d;
        }
        if let Some(n) = net {
            self.net = n;
        }
        if let Some(t) = trainer {
            self.trainer = t;
            self.run.cursor = 0;
            self.run.diverged = None;
        }
        if network_rebuilt {
            self.run = RunState::default();
            self.history.clear();
        }
        Ok(ConfigChange {
            data_regenerated: data_changed,
            network_rebuilt,
            trainer_rebuilt,
            view_changed: false,
            notices: Vec::new(),
        })
    }

    fn set_source(&mut self, source: DataSource) -> Result<ConfigChange, NnError> {
        self.apply(self.config.clone(), source, true)
    }

    /// Loss and metric history, one row per `step` call since the last reset (see [`HISTORY_STRIDE`]).
    pub fn history(&self) -> &[[f32; HISTORY_STRIDE]] {
        &self.history
    }

    /// Counts of true against predicted classes on both sets; `None` for regression.
    pub fn confusion(&mut self) -> Option<Confusion> {
        let classes = match self.data.task {
            Task::BinaryClassification => 2,
            Task::MultiClassification { classes } => classes,
            Task::Regression => return None,
        };
        let counts = |x: &Array2<f32>, y: &Array2<f32>, ws: &mut Workspace| {
            if x.nrows() == 0 {
                return vec![vec![0; classes]; classes];
            }
            self.net
                .forward(x.as_slice().expect("owned, standard layout"), x.nrows(), ws);
            let predictions = ArrayView2::from_shape((x.nrows(), self.net.out_dim()), ws.output())
                .expect("forward wrote rows × out_dim");
            confusion_matrix(predictions, y.view(), classes)
        };
        let train = counts(
            &self.data.x_train,
            &self.data.y_train,
            &mut self.eval.ws_train,
        );
        let test = counts(&self.data.x_test, &self.data.y_test, &mut self.eval.ws_test);
        let mut class_names = self.data.class_names.clone();
        while class_names.len() < classes {
            class_names.push(class_names.len().to_string());
        }
        Some(Confusion {
            class_names,
            train,
            test,
        })
    }

    /// Layers, weights and biases for drawing the network graph.
    pub fn network_snapshot(&self) -> NetworkSnapshot {
        let layers = self
            .net
            .layers()
            .iter()
            .enumerate()
            .map(|(l, s)| LayerSnapshot {
                in_dim: s.in_dim,
                out_dim: s.out_dim,
                activation: s.activation.to_string(),
                offset: s.offset,
                weights: self.net.params()[s.weight_range()].to_vec(),
                biases: self.net.biases(l).to_vec(),
            })
            .collect();
        NetworkSnapshot {
            feature_names: self.data.feature_names.clone(),
            in_dim: self.net.in_dim(),
            n_params: self.net.n_params(),
            layers,
        }
    }

    /// Sets the weight from input `row` to unit `col` of `layer` (0 = first hidden layer).
    pub fn set_weight(
        &mut self,
        layer: usize,
        row: usize,
        col: usize,
        value: f32,
    ) -> Result<(), NnError> {
        self.net.set_weight(layer, row, col, value)?;
        self.run.diverged = None;
        Ok(())
    }

    /// Sets the bias of `unit` in `layer`.
    pub fn set_bias(&mut self, layer: usize, unit: usize, value: f32) -> Result<(), NnError> {
        self.net.set_bias(layer, unit, value)?;
        self.run.diverged = None;
        Ok(())
    }

    /// A summary for the page's labels.
    pub fn state(&self) -> SessionState {
        let (output, loss) = self.config.head(self.data.task);
        SessionState {
            source: self.source.token(),
            task: task_token(self.data.task),
            classes: match self.data.task {
                Task::BinaryClassification => 2,
                Task::MultiClassification { classes } => classes,
                Task::Regression => 0,
            },
            class_names: self.data.class_names.clone(),
            feature_names: self.data.feature_names.clone(),
            has_plane: self.has_plane(),
            n_train: self.data.x_train.nrows(),
            n_test: self.data.x_test.nrows(),
            n_params: self.net.n_params(),
            output: output.to_string(),
            loss: loss.to_string(),
            metric: self.metric(),
            value_scale: self.data.value_scale,
            image_side: self.data.gallery.as_ref().map(|g| g.side),
            steps: self.run.steps,
            epoch: self.run.epoch(self.data.x_train.nrows()),
            diverged: self.run.diverged.clone(),
        }
    }

    /// Training points, stride 3: x1, x2, class index or value (empty without a plane).
    pub fn train_points(&self) -> &[f32] {
        &self.data.train_points
    }

    /// Test points, same layout.
    pub fn test_points(&self) -> &[f32] {
        &self.data.test_points
    }

    fn require_plane(&self) -> Result<(), NnError> {
        if self.has_plane() {
            Ok(())
        } else {
            Err(NnError::Config(format!(
                "this data has {} inputs, not a 2-D plane: there is nothing to draw",
                self.data.in_dim()
            )))
        }
    }

    /// The network's outputs at a point of the plane (probabilities for classification).
    pub fn predict(&self, x1: f32, x2: f32) -> Result<Vec<f32>, NnError> {
        self.require_plane()?;
        let mut input = vec![0.0; self.data.in_dim()];
        match &self.data.input {
            InputMap::Features(f) => f.expand_point(x1, x2, &mut input),
            _ => input.copy_from_slice(&[x1, x2]),
        }
        let mut ws = Workspace::default();
        self.net.forward(&input, 1, &mut ws);
        Ok(ws.output().to_vec())
    }

    /// The output over the plane [-6, 6]² as res × res RGBA pixels (row 0 at the top) into
    /// `out`, resized to res·res·4. Uses the view's `discretize`.
    pub fn render_boundary(&mut self, res: usize, out: &mut Vec<u8>) -> Result<(), NnError> {
        self.require_plane()?;
        render::check_res(res, render::MIN_RES, render::MAX_RES, "boundary resolution")?;
        let style = PlaneStyle {
            task: self.data.task,
            output: self.net.output_activation(),
            discretize: self.view.discretize,
            value_scale: self.data.value_scale,
        };
        self.renderer
            .boundary(&self.net, &self.data.input, style, res, out);
        Ok(())
    }

    /// Every hidden and output neuron over the plane, res × res each, layer-major then unit.
    pub fn render_neurons(&mut self, res: usize, out: &mut Vec<u8>) -> Result<(), NnError> {
        self.require_plane()?;
        render::check_res(
            res,
            render::MIN_THUMB_RES,
            render::MAX_THUMB_RES,
            "neuron thumbnail resolution",
        )?;
        self.renderer.neurons(&self.net, &self.data.input, res, out);
        Ok(())
    }

    /// One thumbnail per network input feature.
    pub fn render_features(&mut self, res: usize, out: &mut Vec<u8>) -> Result<(), NnError> {
        self.require_plane()?;
        render::check_res(
            res,
            render::MIN_THUMB_RES,
            render::MAX_THUMB_RES,
            "feature thumbnail resolution",
        )?;
        self.renderer.features(&self.data.input, res, out);
        Ok(())
    }

    /// The network's answers on the gallery's test images (see [`GALLERY_PER_CLASS`]), in the
    /// order of [`Playground::render_gallery`]; empty for data that are not images.
    pub fn gallery_guesses(&mut self) -> Vec<GalleryGuess> {
        let Some(gallery) = &self.data.gallery else {
            return Vec::new();
        };
        let rows = gallery.truth.len();
        if rows == 0 {
            return Vec::new();
        }
        self.net
            .forward(&gallery.x, rows, &mut self.eval.ws_gallery);
        self.eval
            .ws_gallery
            .output()
            .chunks_exact(self.net.out_dim())
            .zip(&gallery.truth)
            .map(|(out, &truth)| GalleryGuess::from_output(out, truth))
            .collect()
    }

    /// The gallery's test images as RGBA pixels into `out` (resized): side × side each (side in
    /// [`SessionState::image_side`]), stacked in the order of [`Playground::gallery_guesses`],
    /// dark ink on white.
    pub fn render_gallery(&self, out: &mut Vec<u8>) -> Result<(), NnError> {
        let Some(gallery) = &self.data.gallery else {
            return Err(NnError::Config(
                "this data is not a set of images: there is no gallery to draw".into(),
            ));
        };
        render::ink_images(&gallery.x, out);
        Ok(())
    }

    // ----- hand-placed points -----

    /// Switches to hand-placed points: an empty set for `task`, or (with `from_current`) the
    /// current 2-D points, train and test, ready to edit.
    pub fn start_points(
        &mut self,
        task: PointTask,
        from_current: bool,
    ) -> Result<ConfigChange, NnError> {
        let points = if from_current {
            let (base, input) = base_dataset(&self.config, &self.source)?;
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

    fn points_mut(&mut self) -> Result<&mut PointSet, NnError> {
        match &mut self.source {
            DataSource::Points(p) => Ok(p),
            _ => Err(NnError::Config(
                "no hand-placed points: start drawing points first".into(),
            )),
        }
    }

    /// Edits the point set, then re-splits the data (the network keeps its weights).
    fn edit_points<T>(
        &mut self,
        edit: impl FnOnce(&mut PointSet) -> Result<T, NnError>,
    ) -> Result<T, NnError> {
        let mut points = self.points_mut()?.clone();
        let out = edit(&mut points)?;
        self.set_source(DataSource::Points(points))?;
        Ok(out)
    }

    /// The label for a number from the page: a class index, or the value for regression.
    fn label(&mut self, label: f32) -> Result<PointLabel, NnError> {
        match self.points_mut()?.task() {
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
        match &self.source {
            DataSource::Points(p) => p.nearest(x1, x2, max_distance).map(|id| id.0),
            _ => None,
        }
    }

    /// Hand-placed points, stride 4: id, x1, x2, label (class index or value).
    pub fn user_points(&self) -> Vec<f32> {
        let DataSource::Points(p) = &self.source else {
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

    /// Trains on a CSV file: the network's inputs become the file's columns. A two-column file
    /// is mapped onto the plane (each column onto [-5, 5]) and draws a boundary.
    pub fn load_csv(&mut self, text: &str, options: &CsvOptions) -> Result<CsvSummary, NnError> {
        let (mut dataset, _scaler) = crate::data::parse_csv(text, options)?;
        let has_plane = dataset.n_features() == 2;
        if has_plane {
            fit_to_plane(&mut dataset);
        }
        let rows = dataset.len();
        let change = self.set_source(DataSource::Csv { dataset, has_plane })?;
        Ok(CsvSummary {
            rows,
            n_train: self.data.x_train.nrows(),
            n_test: self.data.x_test.nrows(),
            feature_names: self.data.feature_names.clone(),
            task: task_token(self.data.task),
            class_names: self.data.class_names.clone(),
            has_plane,
            network_rebuilt: change.network_rebuilt,
        })
    }

    /// Back to the data set named in the config.
    pub fn use_generated(&mut self) -> Result<ConfigChange, NnError> {
        self.set_source(DataSource::Generated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(query: &str) -> Playground {
        Playground::from_query(query).expect("valid query")
    }

    fn correct(guesses: &[GalleryGuess]) -> usize {
        guesses.iter().filter(|g| g.predicted == g.truth).count()
    }

    #[test]
    fn digits_show_four_test_images_of_each_digit_in_turn() {
        let mut pg = session("dataset=digits&layers=8");
        assert_eq!(pg.state().image_side, Some(8));
        let guesses = pg.gallery_guesses();
        let truth: Vec<usize> = guesses.iter().map(|g| g.truth).collect();
        let expected: Vec<usize> = (0..GALLERY_PER_CLASS).flat_map(|_| 0..10).collect();
        assert_eq!(truth, expected);
        assert!(guesses.iter().all(|g| g.predicted < 10));
        assert!(guesses.iter().all(|g| (0.0..=1.0).contains(&g.confidence)));

        // The images are the test rows themselves: the first gallery image is the first test
        // image of class 0.
        let gallery = pg.data.gallery.clone().expect("digits have a gallery");
        let first = (0..pg.data.y_test.nrows())
            .find(|&i| pg.data.y_test[[i, 0]] == 1.0)
            .expect("a test zero");
        assert_eq!(
            &gallery.x[..64],
            pg.data.x_test.row(first).as_slice().unwrap()
        );

        let mut rgba = Vec::new();
        pg.render_gallery(&mut rgba).unwrap();
        assert_eq!(rgba.len(), 40 * 8 * 8 * 4);
        // Blank paper is white, full ink is the ink colour, and an 8 × 8 digit has both.
        let pixel = |i: usize| &rgba[i * 4..i * 4 + 4];
        let blank = gallery.x.iter().position(|&v| v == 0.0).unwrap();
        let inked = gallery.x.iter().position(|&v| v == 1.0).unwrap();
        assert_eq!(pixel(blank), &[255, 255, 255, 255]);
        assert_eq!(
            pixel(inked),
            &[render::INK[0], render::INK[1], render::INK[2], 255]
        );
    }

    #[test]
    fn the_gallery_guesses_improve_with_training_and_match_the_network() {
        let mut pg = session("dataset=digits&layers=32&act=relu&opt=adam&lr=0.01&batch=16");
        let before = correct(&pg.gallery_guesses());
        let per_epoch = pg.state().n_train.div_ceil(16);
        pg.step(5 * per_epoch).unwrap();
        let guesses = pg.gallery_guesses();
        let after = correct(&guesses);
        assert!(after >= 32, "only {after} of 40 right after 5 epochs");
        assert!(
            after > before + 10,
            "{before} right before training, {after} after"
        );
        // Each guess is the largest output of the network on that image.
        let gallery = pg.data.gallery.clone().unwrap();
        for (k, guess) in guesses.iter().enumerate() {
            let mut ws = Workspace::default();
            pg.net.forward(&gallery.x[k * 64..(k + 1) * 64], 1, &mut ws);
            let out = ws.output();
            let best = (0..out.len()).fold(0, |b, i| if out[i] > out[b] { i } else { b });
            assert_eq!(guess.predicted, best);
            assert!((guess.confidence - out[best]).abs() < 1e-6);
        }
    }

    #[test]
    fn data_that_are_not_images_have_no_gallery() {
        for query in ["dataset=circle", "dataset=iris"] {
            let mut pg = session(query);
            assert_eq!(pg.state().image_side, None, "{query}");
            assert!(pg.gallery_guesses().is_empty(), "{query}");
            assert!(
                matches!(pg.render_gallery(&mut Vec::new()), Err(NnError::Config(_))),
                "{query}"
            );
        }
    }

    #[test]
    fn one_output_guesses_by_the_half_way_mark() {
        let guess = GalleryGuess::from_output(&[0.8], 1);
        assert_eq!(guess.predicted, 1);
        assert!((guess.confidence - 0.8).abs() < 1e-6);
        let guess = GalleryGuess::from_output(&[0.25], 1);
        assert_eq!(guess.predicted, 0);
        assert!((guess.confidence - 0.75).abs() < 1e-6);
        let guess = GalleryGuess::from_output(&[f32::NAN, 0.1, 0.7, 0.2], 2);
        assert_eq!(guess.predicted, 2);
    }
}
