//! Files that are not (or not yet) version-2 model files: the header check that names what a
//! file is when it is not an nnplay model, and the upgrade of version-1 files, whose command-line
//! section held the input columns, features and page link that now have their own sections.

use super::{FORMAT, InputSpec, ModelFile, PlaygroundRun, VERSION};
use crate::data::FeatureSet;
use crate::error::NnError;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The `format` of what the playground page downloaded before it wrote model files: its config,
/// state and a drawing snapshot of the network, which nothing could load.
const PAGE_SNAPSHOT: &str = "nnplay-playground-model";

/// What every refusal says was expected.
fn expected() -> String {
    format!(
        "nnplay expects an nnplay model file (JSON with \"format\": \"{FORMAT}\", version 1 to {VERSION})"
    )
}

/// "this is {what}; nnplay expects …".
fn not_a_model(what: impl std::fmt::Display) -> NnError {
    NnError::ModelFile(format!("this is {what}; {}", expected()))
}

/// [`not_a_model`] followed by what to do instead.
fn not_a_model_but(what: impl std::fmt::Display, instead: &str) -> NnError {
    NnError::ModelFile(format!("this is {what}; {}. {instead}", expected()))
}

/// The error for a file that is not text.
pub(super) fn binary_file() -> NnError {
    not_a_model_but(
        "a binary file, not JSON text",
        "An ONNX export cannot be read back: load the model file saved beside it",
    )
}

/// Checks `format` and `version` before anything else is read, so that a foreign file is named
/// for what it is and a newer file gets [`NnError::ModelVersion`] instead of a parse error about
/// a field it changed. Returns the version, one this build reads.
pub(super) fn check_header(text: &str) -> Result<u32, NnError> {
    let value: Value = serde_json::from_str(text).map_err(|e| not_json(text, e))?;
    let Value::Object(map) = &value else {
        return Err(not_a_model(format!(
            "a JSON {}, not an object",
            kind(&value)
        )));
    };
    match map.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) if f == PAGE_SNAPSHOT => {
            return Err(not_a_model_but(
                format!(
                    "what the playground page downloaded before it wrote model files (format \"{PAGE_SNAPSHOT}\"), a picture of the network"
                ),
                "Download the model again from the page, or train its settings again with `nnplay train --config FILE`",
            ));
        }
        Some(Value::String(f)) => return Err(not_a_model(format!("a \"{f}\" file"))),
        Some(other) => return Err(not_a_model(format!("a file whose format is {other}"))),
        None => return Err(not_a_model(without_format(map))),
    }
    let version = match map.get("version") {
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
            NnError::ModelFile(format!("the version must be a whole number, got {n}"))
        })?,
        Some(other) => {
            return Err(NnError::ModelFile(format!(
                "the version must be a whole number, got {other}"
            )));
        }
        None => {
            return Err(NnError::ModelFile(
                "the file has no \"version\" field".into(),
            ));
        }
    };
    match u32::try_from(version) {
        Ok(v @ 1..=VERSION) => Ok(v),
        _ => Err(NnError::ModelVersion {
            found: u32::try_from(version).unwrap_or(u32::MAX),
            supported: VERSION,
        }),
    }
}

/// Text that is not JSON: empty, a CSV file given as a model (a common slip), or broken JSON.
fn not_json(text: &str, error: serde_json::Error) -> NnError {
    let text = text.trim_start_matches('\u{feff}').trim();
    let first_line = text.lines().next().unwrap_or("");
    if text.is_empty() {
        not_a_model("an empty file")
    } else if !text.starts_with(['{', '[']) && first_line.contains([',', ';', '\t']) {
        not_a_model("a CSV data file, not a model")
    } else {
        not_a_model(format!("not valid JSON ({error})"))
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What a JSON object without a `format` field most likely is.
fn without_format(map: &Map<String, Value>) -> String {
    let has = |key: &str| map.contains_key(key);
    if has("modelTopology") {
        "a TensorFlow.js model (model.json)".into()
    } else if has("keras_version") || (has("class_name") && has("config")) {
        "a Keras model description".into()
    } else if has("data") && has("network") && has("training") {
        "the playground's settings, not a trained model (`nnplay train --config FILE` trains them)"
            .into()
    } else {
        let keys: Vec<&str> = map.keys().take(6).map(String::as_str).collect();
        format!(
            "a JSON object without a \"format\" field (its keys: {})",
            if keys.is_empty() {
                "none".to_string()
            } else {
                keys.join(", ")
            }
        )
    }
}

/// The command line's `estimator` section in version 1.
#[derive(Deserialize)]
struct CliSectionV1 {
    inputs: Vec<String>,
    #[serde(default)]
    features: Option<FeatureSet>,
    #[serde(default)]
    target: Option<String>,
    data: String,
    #[serde(default)]
    query: Option<String>,
    epochs: usize,
}

/// Moves a version-1 command-line section into `input` and `playground`; files from the other
/// front ends need nothing but the new version number.
pub(super) fn upgrade_v1(file: &mut ModelFile) -> Result<(), NnError> {
    let from_cli = file
        .estimator
        .as_ref()
        .and_then(|e| e.get("kind"))
        .is_some_and(|k| k == "cli");
    if from_cli {
        let section: CliSectionV1 =
            serde_json::from_value(file.estimator.take().unwrap_or_default()).map_err(|e| {
                NnError::ModelFile(format!(
                    "the command line's section of this version-1 file cannot be read: {e}"
                ))
            })?;
        file.input = Some(InputSpec {
            columns: section.inputs,
            features: section.features,
            target: section.target,
        });
        file.playground = Some(PlaygroundRun {
            query: section.query,
            data: section.data,
            points: None,
            epochs: section.epochs as f64,
        });
    }
    file.version = VERSION;
    Ok(())
}
