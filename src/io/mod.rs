//! File formats: the one versioned model file that the library, the CLI and the page all read
//! and write ([`model_file`]), and export to other frameworks ([`onnx`]).

pub mod model_file;
pub mod onnx;
