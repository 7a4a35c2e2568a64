//! File formats: the one versioned model file that the library, the CLI and the page all read
//! and write ([`model_file`]), and export to other frameworks: [`onnx`], [`keras`] and
//! [`pytorch`], which all read a model file through [`export`] ([`python`] holds what the two
//! Python files share).

pub mod export;
pub mod keras;
pub mod model_file;
pub mod onnx;
mod python;
pub mod pytorch;
