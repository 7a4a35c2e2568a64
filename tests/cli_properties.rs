//! Property tests of the command line as a user meets it: random values for every training
//! flag and random bytes as a CSV file. Whatever comes in, `nnplay` exits with 0, 1 (a data
//! error) or 2 (a usage error), says what is wrong in at most two lines, and never panics.

mod cli_support;

use cli_support::{nnplay, path_str, stderr, temp_dir};
use proptest::prelude::*;

/// The flags of `nnplay train` that take a value (not `--epochs`: every run is one epoch).
const FLAGS: &[&str] = &[
    "--lr",
    "--batch",
    "--points",
    "--noise",
    "--data-seed",
    "--train-percent",
    "--features",
    "--layers",
    "--activation",
    "--output",
    "--loss",
    "--init",
    "--seed",
    "--optimizer",
    "--schedule",
    "--regularization",
    "--dropout",
    "--clip",
    "--momentum",
    "--beta1",
    "--beta2",
    "--dataset",
    "--task",
    "--scaling",
    "--target",
];

/// Values that break parsers: signs, huge and tiny numbers, NaN, text, markup, empty, long.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("1e39".to_string()),
        Just("<script>".to_string()),
        Just("relu,tanh,,".to_string()),
        Just("adam(0.9,".to_string()),
        any::<f64>().prop_map(|v| v.to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        "[ -~]{0,24}",
        "\\PC{0,12}",
        Just("9".repeat(5000)),
    ]
}

/// Random bytes, and text made of what CSV files are made of (most of it parses part-way).
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        "[0-9a-c,.;\"\\n\t eE+-]{0,400}".prop_map(String::into_bytes),
        prop::collection::vec(
            "(-?[0-9]{1,3}(\\.[0-9]{1,2})?|NaN|inf|x|),(-?[0-9]{1,3}|),(0|1|2|cat|dog|)",
            0..30
        )
        .prop_map(|rows| rows.join("\n").into_bytes()),
    ]
}

/// Checks the outcome of one run: an exit code among `codes` and a short message on failure.
fn clean_outcome(args: &[&str], codes: &[i32]) -> Result<(), TestCaseError> {
    let o = nnplay(args);
    let err = stderr(&o);
    let code = o.status.code();
    prop_assert!(
        code.is_some_and(|c| codes.contains(&c)),
        "nnplay {args:?} exited {code:?} (expected one of {codes:?}): {err}"
    );
    prop_assert!(!err.contains("panicked"), "nnplay {args:?} panicked: {err}");
    if code != Some(0) {
        let lines = err.lines().filter(|l| !l.trim().is_empty()).count();
        prop_assert!(
            (1..=2).contains(&lines),
            "nnplay {args:?}: {lines} lines: {err}"
        );
        prop_assert!(err.starts_with("error:"), "nnplay {args:?}: {err}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_flag_value_gives_a_clean_answer(flag in prop::sample::select(FLAGS), value in value()) {
        let arg = format!("{flag}={value}");
        // A flag value is the command line's: it trains (0) or is a usage error (2).
        clean_outcome(&["train", "--epochs", "1", "--points", "60", &arg], &[0, 2])?;
    }

    #[test]
    fn any_csv_bytes_give_a_clean_answer(bytes in csv_bytes(), header in any::<bool>()) {
        let dir = temp_dir("prop-csv");
        let csv = dir.join("data.csv");
        let mut text = if header { b"a,b,label\n".to_vec() } else { Vec::new() };
        text.extend_from_slice(&bytes);
        std::fs::write(&csv, &text).unwrap();
        // A file's content is data: it trains (0) or is a data error (1).
        let outcome = clean_outcome(&["train", "--csv", path_str(&csv), "--epochs", "1"], &[0, 1]);
        std::fs::remove_dir_all(&dir).ok();
        outcome?;
    }
}
