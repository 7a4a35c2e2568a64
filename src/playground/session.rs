//! The playground session: one value holding the settings, the prepared data, the network, the
//! training run and the scoring and drawing buffers, which the page drives a few batches at a
//! time (the wasm layer only wraps it). This file builds it, applies settings changes
//! rebuilding only what they touch, steps the training and says where the session is.
//!
//! The parts it owns have files that know nothing of the session: `prepare.rs` (the data),
//! `run.rs` (the trainer and its counts), `score.rs` (scoring with reused buffers) and
//! `messages.rs` (what the page is sent). The jobs done on a session are `impl Playground`
//! blocks in files beside it that go through the accessors here (`pictures.rs`, `points.rs`,
//! `csv_import.rs`); a new panel of the page is one more such file.

use super::config::{PlaygroundConfig, ViewSettings};
use super::messages::{ConfigChange, Confusion, GalleryGuess, SessionState, StepReport};
use super::prepare::{DataSource, Prepared, prepare};
use super::query::{self, Notice, UrlState};
use super::render::Renderer;
use super::run::{HISTORY_STRIDE, Position, Run};
use super::score::{Scorer, metric_for};
use crate::data::Task;
use crate::error::NnError;
use crate::nn::network::{Network, NetworkConfig};
use crate::train::Trainer;

/// The limit lives with the others in `config.rs`; this path is kept for its readers.
pub use super::config::MAX_STEP_BATCHES;

impl PlaygroundConfig {
    /// Checks every field against the same rules the URL parser applies, then the pairing of
    /// output and loss with the dataset's task. Used for configs that arrive whole (JSON, the
    /// CLI). It is defined here, where configs enter the session, rather than in `config.rs`:
    /// the rules are the URL table's (`query.rs`), which reads `config.rs`, and the two files
    /// would otherwise import each other.
    pub fn validate(&self) -> Result<(), NnError> {
        query::validate_fields(self)?;
        self.validate_head()
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
    run: Run,
    scorer: Scorer,
    renderer: Renderer,
}

/// The session's picture buffers, borrowed together with read-only views of what they draw:
/// `pictures.rs` renders into the buffers while the network and the data stay out of its reach.
pub(super) struct Parts<'a> {
    pub(super) net: &'a Network,
    pub(super) data: &'a Prepared,
    pub(super) view: ViewSettings,
    pub(super) renderer: &'a mut Renderer,
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
            run: Run::new(trainer),
            scorer: Scorer::default(),
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
    /// The live trainer: its optimizer state, last gradient and position. A settings change
    /// may replace it (see [`Playground::set_config`]); [`Playground::position`] adds what the
    /// trainers before it did.
    pub fn trainer(&self) -> &Trainer {
        self.run.trainer()
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

    /// Where training is since the last reset, read from the trainer.
    pub fn position(&self) -> Position {
        self.run.position(self.data.n_train())
    }

    /// Loss and metric history, one row per `step` call since the last reset (see [`HISTORY_STRIDE`]).
    pub fn history(&self) -> &[[f32; HISTORY_STRIDE]] {
        self.run.history()
    }

    /// The data as prepared for training and drawing.
    pub(super) fn data(&self) -> &Prepared {
        &self.data
    }

    pub(super) fn parts(&mut self) -> Parts<'_> {
        Parts {
            net: &self.net,
            data: &self.data,
            view: self.view,
            renderer: &mut self.renderer,
        }
    }

    /// Runs `batches` mini-batch steps, then scores the full train and test sets and appends a
    /// history row. A diverging run stops at the failing batch with the weights it had before
    /// it; later calls train no more until `reset` or a settings change.
    pub fn step(&mut self, batches: usize) -> Result<StepReport, NnError> {
        let ran = self.run.train(&mut self.net, &self.data, batches)?;
        let report = self.report(ran);
        self.run.record(&report);
        Ok(report)
    }

    /// [`Playground::step`] with each batch run by `one_batch` (see `Run::train_with`): the
    /// finer stepping of `stepping.rs` runs its stop rules there.
    pub(super) fn step_with(
        &mut self,
        batches: usize,
        one_batch: impl FnMut(&mut Trainer, &mut Network, &Prepared) -> Result<(bool, bool), NnError>,
    ) -> Result<StepReport, NnError> {
        let ran = self
            .run
            .train_with(&mut self.net, &self.data, batches, one_batch)?;
        let report = self.report(ran);
        self.run.record(&report);
        Ok(report)
    }

    fn report(&mut self, batches: usize) -> StepReport {
        let trainer = self.run.trainer();
        let (train, test) = self
            .scorer
            .sets(&self.net, &self.data, trainer.config().loss);
        let at = self.position();
        StepReport {
            steps: at.steps,
            epoch: at.epoch,
            epochs_completed: at.epochs_completed,
            batches,
            train_loss: train.loss,
            test_loss: test.loss,
            train_metric: train.metric,
            test_metric: test.metric,
            metric: metric_for(self.data.task),
            learning_rate: trainer.learning_rate(),
            diverged: self.run.diverged().map(str::to_owned),
        }
    }

    /// Counts of true against predicted classes on both sets; `None` for regression.
    pub fn confusion(&mut self) -> Option<Confusion> {
        self.scorer.confusion(&self.net, &self.data)
    }

    /// The network's answers on the gallery's test images (see
    /// [`GALLERY_PER_CLASS`](super::GALLERY_PER_CLASS)), in the order of
    /// [`Playground::render_gallery`]; empty for data that are not images.
    pub fn gallery_guesses(&mut self) -> Vec<GalleryGuess> {
        self.scorer.gallery_guesses(&self.net, &self.data)
    }

    /// Back to the start weights (the same ones while the weight seed is unchanged), a fresh
    /// optimizer, empty history.
    pub fn reset(&mut self) -> Result<(), NnError> {
        let net = Network::new(
            &self
                .config
                .network_config(self.data.in_dim(), self.data.task),
        )?;
        let trainer = Trainer::new(self.config.train_config(self.data.task), &net)?;
        self.run.restart(trainer);
        self.net = net;
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
        let previous = UrlState {
            config: self.config.clone(),
            view: self.view,
        };
        let (state, notices) = query::parse_over(query, &previous);
        let mut change = self.set_config(state.config)?;
        change.view_changed = state.view != self.view;
        self.view = state.view;
        self.notices = notices.clone();
        change.notices = notices;
        Ok(change)
    }

    /// Trains on other data (hand-placed points, a CSV file, the config's data set) with the
    /// current settings.
    pub(super) fn set_source(&mut self, source: DataSource) -> Result<ConfigChange, NnError> {
        self.apply(self.config.clone(), source, true)
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
            || train_config != *self.run.trainer().config();
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
        match trainer {
            // New weights start a new run.
            Some(t) if network_rebuilt => self.run.restart(t),
            // Before the data is replaced: the outgoing trainer's epochs are over its data.
            Some(t) => self.run.hand_over(t, self.data.n_train()),
            None => {}
        }
        if let Some(d) = fresh {
            self.data = d;
        }
        if let Some(n) = net {
            self.net = n;
        }
        Ok(ConfigChange {
            data_regenerated: data_changed,
            network_rebuilt,
            trainer_rebuilt,
            view_changed: false,
            notices: Vec::new(),
        })
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
        self.run.clear_divergence();
        Ok(())
    }

    /// Puts in every parameter at once (a model file opened in the page): as many as the
    /// network has, all finite, or nothing changes.
    pub fn set_params(&mut self, params: &[f32]) -> Result<(), NnError> {
        let want = self.net.n_params();
        if params.len() != want {
            return Err(NnError::Config(format!(
                "the model has {} parameters, but this network has {want}: its layers or inputs differ",
                params.len()
            )));
        }
        if let Some(at) = params.iter().position(|p| !p.is_finite()) {
            return Err(NnError::Config(format!(
                "parameter {at} of the model is not a finite number"
            )));
        }
        self.net.params_mut().copy_from_slice(params);
        self.run.clear_divergence();
        Ok(())
    }

    /// Sets the bias of `unit` in `layer`.
    pub fn set_bias(&mut self, layer: usize, unit: usize, value: f32) -> Result<(), NnError> {
        self.net.set_bias(layer, unit, value)?;
        self.run.clear_divergence();
        Ok(())
    }

    /// A summary for the page's labels.
    pub fn state(&self) -> SessionState {
        let d = &self.data;
        let (output, loss) = self.config.head(d.task);
        let at = self.position();
        SessionState {
            source: self.source.token(),
            task: d.task.token(),
            classes: d.classes(),
            class_names: d.class_names.clone(),
            feature_names: d.feature_names.clone(),
            has_plane: self.has_plane(),
            n_train: d.n_train(),
            n_test: d.x_test.nrows(),
            n_params: self.net.n_params(),
            output: output.to_string(),
            loss: loss.to_string(),
            metric: metric_for(d.task),
            value_scale: d.value_scale,
            image_side: d.gallery.as_ref().map(|g| g.side),
            steps: at.steps,
            epoch: at.epoch,
            diverged: self.run.diverged().map(str::to_owned),
        }
    }
}
