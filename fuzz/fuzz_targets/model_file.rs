//! Fuzz target `model_file`: see `nnplay::fuzzing::model_file` for what it feeds and what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nnplay::fuzzing::model_file(data));
