//! Training on a CSV file from the page: the reading options as the page sends them
//! ([`CsvImport`]) and the switch of the session's data to the file's rows.

use super::messages::{ConfigChange, CsvSummary};
use super::prepare::{DataSource, fit_to_plane};
use super::session::Playground;
use crate::data::{CsvOptions, CsvTask, Scaling, TargetColumn};
use crate::error::NnError;
use serde::Deserialize;

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

impl Playground {
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
        let data = self.data();
        Ok(CsvSummary {
            rows,
            n_train: data.x_train.nrows(),
            n_test: data.x_test.nrows(),
            feature_names: data.feature_names.clone(),
            task: data.task.token(),
            class_names: data.class_names.clone(),
            has_plane,
            network_rebuilt: change.network_rebuilt,
        })
    }

    /// Back to the data set named in the config.
    pub fn use_generated(&mut self) -> Result<ConfigChange, NnError> {
        self.set_source(DataSource::Generated)
    }
}
