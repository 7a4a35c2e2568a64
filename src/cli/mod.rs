//! Argument parsing and dispatch of the `nnplay` binary. Every failure ends here as one line
//! `error: …` on stderr and a non-zero exit code: 2 for a bad command line, 1 for everything else
//! (a bad file, a run that diverged), never a panic message or a backtrace.

mod args;
mod data;
mod error;
mod export;
mod model;
mod report;
mod train;

use args::{Cli, Command};
use clap::Parser;
use error::CliError;
use std::io::Write;

/// Exit code of a command line clap rejects (clap's own convention).
const USAGE_EXIT: i32 = 2;
/// Exit code of every other failure.
const FAILURE_EXIT: i32 = 1;

/// Runs the tool and returns its exit code.
pub fn main() -> i32 {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    let result = match cli.command {
        Command::Train(a) => train::run(a),
        Command::Predict(a) => model::predict(a),
        Command::Eval(a) => model::eval(a),
        Command::Summary(a) => model::summary(a),
        Command::Datasets(a) => report::datasets(a),
        Command::Export(a) => export::run(a),
    };
    match result {
        Ok(()) => 0,
        Err(e @ CliError::Usage(_)) => {
            eprintln!("error: {}", one_line(&e.to_string()));
            USAGE_EXIT
        }
        // The reader went away (`nnplay predict … | head`): nothing more to say.
        Err(CliError::Io { ref source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            0
        }
        Err(e) => {
            eprintln!("error: {}", one_line(&e.to_string()));
            FAILURE_EXIT
        }
    }
}

/// Help and version go to stdout as clap prints them; a usage error keeps only clap's first
/// line (which names the problem) plus where to find help.
fn clap_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                USAGE_EXIT
            } else {
                0
            }
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            let message = first.trim_start_matches("error:").trim();
            // Point at the subcommand's own help when one was named.
            let sub = std::env::args().nth(1).filter(|a| {
                ["train", "predict", "eval", "summary", "datasets", "export"].contains(&a.as_str())
            });
            let help = sub.map_or("nnplay --help".to_string(), |s| {
                format!("nnplay {s} --help")
            });
            eprintln!("error: {} (see '{help}')", one_line(message));
            USAGE_EXIT
        }
    }
}

/// Joins a message that spans lines into one.
fn one_line(message: &str) -> String {
    message
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A bug must still end in one line, not Rust's panic report with its backtrace hint.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error{place}: {} (please report this)",
            one_line(&what)
        );
    }));
}
