//! Replays every input the fuzzers keep (fuzz/corpus/<target>/) and every crash they ever found
//! (fuzz/regressions/<target>/, one file per crash, named after what it broke) through the same
//! functions the fuzz targets run (`nnplay::fuzzing`), on stable and in every test run: a
//! fixed crash that comes back fails here, without nightly or libFuzzer.

use std::fs;
use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.is_file()) {
            let data = fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target}: {} panicked", path.display());
            count += 1;
        }
    }
    assert!(
        count >= 2,
        "{target}: only {count} kept inputs: the corpus is missing"
    );
}

#[test]
fn csv_inputs_never_panic() {
    replay("csv", nnplay::fuzzing::csv);
}

#[test]
fn model_files_never_panic() {
    replay("model_file", nnplay::fuzzing::model_file);
}

#[test]
fn links_never_panic_and_written_links_read_back_clean() {
    replay("link", nnplay::fuzzing::link);
}

#[test]
fn message_sequences_never_panic() {
    replay("session", nnplay::fuzzing::session);
}
