//! The playground: everything the web page shows, computed natively so it is tested with plain
//! `cargo test`. The page (through the thin wasm layer in `src/web/`) holds one [`Playground`]
//! and calls `step`, the `render_*` methods and a few small getters each frame.
//!
//! - [`config`]: what the user picked ([`PlaygroundConfig`]: data, network, training) and the
//!   UI-only [`ViewSettings`], with the playground's limits.
//! - [`query`]: the URL state, one declarative table for parsing, writing and validating.
//! - [`session`]: the [`Playground`] session: building it, settings changes, `step`, its state.
//!   The parts it owns are files that know nothing of the session:
//!   - `prepare.rs`: the data ([`DataSource`]) split and expanded into the network's inputs;
//!   - `run.rs`: the training run, whose trainer alone knows where training is ([`Position`]);
//!   - `score.rs`: loss and metric after each step, the confusion counts, the gallery's guesses;
//!   - `messages.rs`: the eight answers sent to the page ([`StepReport`], [`SessionState`], …).
//!
//!   The jobs done on a session are `impl Playground` blocks (or types that borrow one) in files
//!   beside it, so a new panel of the page is one more such file:
//!   - `pictures.rs`: the points, the plane, neuron and gallery pictures, the network graph;
//!   - [`digitpad`]: the digits lab (the drawing pad's reading, mistakes, weight tiles);
//!   - `points.rs`: points placed by hand; `csv_import.rs`: training on a CSV file.
//!   - [`race`]: the optimizer race's lanes (`race=`) and a race built from the session;
//!     [`stepping`]: one mini-batch steps and the `stop_epoch=`/`patience=` stop rules;
//!     [`landscape`]: the loss landscape's plane through the current weights and the path;
//!     [`lessons`]: the guided lessons' table (texts, link fields, goals) and `lesson=`.
//! - [`render`]: RGBA pictures of the output plane, the neurons and the features.
//! - [`options`](mod@options): every menu option, limit and tooltip for the page.
//! - [`speed`]: how much the page trains per displayed frame.
//!
//! ```
//! use nnplay::playground::{Playground, PlaygroundConfig};
//! let (config, notices) = PlaygroundConfig::from_query("dataset=circle&layers=4,2&lr=0.03");
//! assert!(notices.is_empty());
//! let mut pg = Playground::new(config).unwrap();
//! let report = pg.step(10).unwrap();
//! assert!(report.train_loss.unwrap() > 0.0);
//! ```

pub mod config;
mod csv_import;
pub mod digitpad;
mod health;
mod inspector;
pub mod landscape;
pub mod lessons;
mod messages;
mod model_export;
pub mod options;
mod pictures;
mod points;
mod prepare;
pub mod query;
pub mod race;
pub mod render;
mod run;
mod score;
pub mod session;
pub mod speed;
pub mod stepping;
pub mod tool;
pub mod weight_tiles;

pub use config::{
    DataSettings, HiddenLayer, NetworkSettings, PlaygroundConfig, TrainingSettings, ViewSettings,
    default_head,
};
pub use csv_import::CsvImport;
pub use digitpad::{MAX_MISTAKES, Mistakes, PadReading};
pub use health::{HEALTH_ROWS, HealthSample, LayerSample};
pub use inspector::PointInspection;
pub use messages::{
    ConfigChange, Confusion, CsvSummary, GalleryGuess, LayerSnapshot, NetworkSnapshot,
    SessionState, StepReport,
};
pub use options::{Options, options};
pub use prepare::{DataSource, GALLERY_PER_CLASS, PLANE_FIT};
pub use query::{FIELDS, Notice, UrlState};
pub use run::{HISTORY_STRIDE, Position};
pub use session::Playground;
