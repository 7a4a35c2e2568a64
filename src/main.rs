//! The native command-line tool `nnplay`: train on a named data set or a CSV file (with the
//! same settings the page offers, or the page's own link), then predict, evaluate, inspect and
//! export the saved model. The work is done by the library; this binary parses arguments,
//! reads and writes files, and reports.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
