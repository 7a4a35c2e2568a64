//! What every export to another framework reads from a model file, gathered once: the network,
//! the input pipeline that turns a raw row into the network's inputs (derived features, then
//! scaling), what the outputs mean (task, classes) and the names of the raw columns. The ONNX,
//! Keras and PyTorch writers start from an [`ExportModel`], so they agree on the pipeline and a
//! change to the model file is met in this one place.

use crate::data::{Feature, FeatureSet, Scaler, Scaling, Task};
use crate::error::NnError;
use crate::io::model_file::ModelFile;
use crate::nn::activation::Activation;
use crate::nn::network::Network;

/// A checked model file, ready to be written in another framework's terms.
#[derive(Clone, Debug)]
pub struct ExportModel<'a> {
    pub file: &'a ModelFile,
    /// The rebuilt network (parameters checked finite, counts checked).
    pub network: Network,
    /// Derived features of a raw point (x1, x2); `None` when the raw row is the network's input
    /// (no feature set, or exactly x1, x2).
    pub features: Option<FeatureSet>,
    /// Scaling applied after the features; `None` when there is none or it changes nothing.
    pub scaler: Option<Scaler>,
    pub task: Task,
    /// Display name of each class (index = class); `0`, `1`, … when the file names none.
    pub classes: Vec<String>,
    /// Names of the raw columns a row holds, in order.
    pub inputs: Vec<String>,
}

impl<'a> ExportModel<'a> {
    /// Checks `file` (see [`ModelFile::check`]: among others, that its columns and features
    /// give the network its inputs) and reads its pipeline.
    pub fn new(file: &'a ModelFile) -> Result<ExportModel<'a>, NnError> {
        file.check()?;
        let network = file.network()?;
        let features = file
            .features()
            .filter(|f| f.features() != [Feature::X1, Feature::X2])
            .cloned();
        let scaler = file
            .scaler
            .clone()
            // `Scaling::None` is never applied (as in `nnplay predict`), whatever its numbers.
            .filter(|s| s.kind != Scaling::None && !is_identity(s));
        let task = file.task.unwrap_or(match network.output_activation() {
            Activation::Sigmoid if network.out_dim() == 1 => Task::BinaryClassification,
            Activation::Softmax => Task::MultiClassification {
                classes: network.out_dim(),
            },
            _ => Task::Regression,
        });
        let n_classes = match task {
            Task::BinaryClassification => 2,
            Task::MultiClassification { classes } => classes,
            Task::Regression => 0,
        };
        let classes = match &file.classes {
            Some(names) if names.len() == n_classes => names.clone(),
            _ => (0..n_classes).map(|k| k.to_string()).collect(),
        };
        // `check` made sure the columns, through the features, give the network its inputs.
        let inputs = file.input_columns();
        Ok(ExportModel {
            file,
            network,
            features,
            scaler,
            task,
            classes,
            inputs,
        })
    }

    /// Width of a raw row: 2 when features are derived from a point, the network's input width
    /// otherwise.
    pub fn raw_width(&self) -> usize {
        self.inputs.len()
    }

    /// One line naming the layers, e.g. `2 → 6 (tanh) → 1 (sigmoid)`.
    pub fn architecture(&self) -> String {
        let mut line = self.network.in_dim().to_string();
        for layer in self.network.layers() {
            line.push_str(&format!(" → {} ({})", layer.out_dim, layer.activation));
        }
        line
    }
}

fn is_identity(s: &Scaler) -> bool {
    s.offset.iter().all(|&o| o == 0.0) && s.scale.iter().all(|&k| k == 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::model_file::InputSpec;
    use crate::nn::network::{LayerConfig, NetworkConfig};

    fn file(in_dim: usize) -> ModelFile {
        let config = NetworkConfig::new(
            in_dim,
            &[3],
            Activation::Tanh,
            LayerConfig::new(1, Activation::Sigmoid),
        );
        ModelFile::new(&Network::new(&config).unwrap())
    }

    fn with_input(f: ModelFile, columns: &[&str], features: &str) -> ModelFile {
        f.with_input(InputSpec {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            features: Some(FeatureSet::parse_list(features).unwrap()),
            target: None,
        })
    }

    #[test]
    fn the_input_section_supplies_features_and_column_names() {
        let f = with_input(file(3), &["a", "b"], "x1,x2,sin_x1");
        let m = ExportModel::new(&f).unwrap();
        assert_eq!(
            m.features.unwrap().features(),
            [Feature::X1, Feature::X2, Feature::SinX1]
        );
        assert_eq!(m.inputs, ["a", "b"]);
        assert_eq!(m.task, Task::BinaryClassification);
        assert_eq!(m.classes, ["0", "1"]);
    }

    #[test]
    fn features_that_do_not_fit_the_network_are_refused() {
        let f = with_input(file(4), &["x1", "x2"], "x1,x2,sin_x1");
        assert!(ExportModel::new(&f).is_err());
    }

    #[test]
    fn without_a_pipeline_the_raw_row_is_the_input() {
        let mut f = with_input(file(2), &["x1", "x2"], "x1,x2");
        f.scaler = Some(Scaler::identity(2));
        let m = ExportModel::new(&f).unwrap();
        assert!(m.features.is_none() && m.scaler.is_none());
        assert_eq!(m.inputs, ["x1", "x2"]);
        assert_eq!(m.architecture(), "2 → 3 (tanh) → 1 (sigmoid)");
    }
}
