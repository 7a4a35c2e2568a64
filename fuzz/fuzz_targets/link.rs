//! Fuzz target `link`: see `nnplay::fuzzing::link` for what it feeds and what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nnplay::fuzzing::link(data));
