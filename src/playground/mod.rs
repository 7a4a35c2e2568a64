//! The playground: everything the web page shows, computed natively so it is tested with plain
//! `cargo test`. The page (through the thin wasm layer in `src/web/`) holds one [`Playground`]
//! and calls `step`, the `render_*` methods and a few small getters each frame.
//!
//! - [`config`]: what the user picked ([`PlaygroundConfig`]: data, network, training) and the
//!   UI-only [`ViewSettings`], with the playground's limits.
//! - [`query`]: the URL state, one declarative table for parsing, writing and validating.
//! - [`session`]: the [`Playground`] session (training, history, points, CSV, snapshots).
//! - [`render`]: RGBA pictures of the output plane, the neurons and the features.
//! - [`options`](mod@options): every menu option, limit and tooltip for the page.
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
pub mod options;
pub mod query;
pub mod render;
pub mod session;

pub use config::{
    DataSettings, HiddenLayer, NetworkSettings, PlaygroundConfig, TrainingSettings, ViewSettings,
    default_head,
};
pub use options::{Options, options};
pub use query::{FIELDS, Notice, UrlState};
pub use session::{
    ConfigChange, Confusion, CsvImport, CsvSummary, DataSource, HISTORY_STRIDE, NetworkSnapshot,
    Playground, SessionState, StepReport,
};
