//! The native command-line tool `nnplay`: train on a named data set or a CSV file (with the
//! same settings the page offers, or the page's own link), then predict, evaluate, inspect and
//! export the saved model. The work is done by the library; this binary parses arguments,
//! reads and writes files, and reports.
//!
//! The CLI's crates (clap, indicatif) are native-only dependencies; building the wasm32 tests
//! also builds this binary, so on wasm32 it compiles to an empty program.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main());
}

#[cfg(target_arch = "wasm32")]
fn main() {}
