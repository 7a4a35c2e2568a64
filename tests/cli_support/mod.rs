//! Running the `nnplay` binary in tests as a user would: the built executable, real files in a
//! fresh temporary directory, and the checks every CLI test makes (success with its output, or
//! a clean one-line failure without a panic). Shared by tests/cli.rs, tests/cli_model_file.rs
//! and tests/export_cli.rs.
#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn nnplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nnplay"))
        .args(args)
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory for one test's files.
pub fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "nnplay-cli-{}-{}-{name}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Asserts success and returns stdout.
pub fn ok(args: &[&str]) -> String {
    let o = nnplay(args);
    assert!(o.status.success(), "nnplay {args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// Asserts a clean failure (non-zero exit, exactly one `error: …` line, no panic) and returns
/// that line.
pub fn fails(args: &[&str]) -> String {
    let o = nnplay(args);
    let err = stderr(&o);
    assert!(
        !o.status.success(),
        "nnplay {args:?} should fail; stdout: {}",
        stdout(&o)
    );
    assert_ne!(
        o.status.code(),
        Some(101),
        "nnplay {args:?} panicked: {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "nnplay {args:?} panicked: {err}"
    );
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "nnplay {args:?} should print one line, got: {err}"
    );
    assert!(
        lines[0].starts_with("error: "),
        "nnplay {args:?}: {}",
        lines[0]
    );
    lines[0].to_string()
}
