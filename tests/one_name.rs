//! One name for each thing: an optimizer hyperparameter is spelt the same in a JSON config, a
//! page link, the page's option lists and the CLI's flags (with `-` for `_`), and the older
//! spellings of links and scripts (`wd`, `accum`, `--accumulator`) still work.

use nnplay::playground::{FIELDS, PlaygroundConfig, options, query};
use nnplay::train::optim::{Hyperparameter, Optimizer};
use std::process::Command;

#[test]
fn the_json_config_and_the_link_use_the_same_keys() {
    for o in Optimizer::all() {
        let json = serde_json::to_value(o).unwrap();
        let mut fields: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|&k| k != "kind")
            .collect();
        let mut keys: Vec<&str> = o.hyperparameters().iter().map(|(h, _)| h.key()).collect();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys, "{}", o.name());
        for key in keys {
            let row = FIELDS.iter().find(|f| f.key == key).unwrap();
            assert_eq!(
                row.field,
                Hyperparameter::from_key(key).unwrap().label(),
                "{key}"
            );
        }
    }
}

#[test]
fn older_link_keys_are_read_and_the_link_is_rewritten_with_the_new_ones() {
    let (c, notices) = PlaygroundConfig::from_query("opt=adamw&wd=0.05");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        c.training
            .optimizer
            .hyperparameter(Hyperparameter::WeightDecay),
        Some(0.05)
    );
    let link = c.to_query();
    assert!(link.contains("&weight_decay=0.05&"), "{link}");
    assert!(!link.contains("&wd="), "{link}");
    assert_eq!(PlaygroundConfig::from_query(&link).0, c);

    let (c, _) = PlaygroundConfig::from_query("opt=adagrad&accum=0.25");
    assert_eq!(
        c.training.optimizer,
        Optimizer::AdaGrad {
            eps: 1e-10,
            initial_accumulator: 0.25
        }
    );
    assert!(c.to_query().contains("&initial_accumulator=0.25&"));
    // Of an old and a new key, the later one wins, as with a repeated key.
    let (c, _) = PlaygroundConfig::from_query("opt=adamw&weight_decay=0.1&wd=0.2");
    assert_eq!(
        c.training
            .optimizer
            .hyperparameter(Hyperparameter::WeightDecay),
        Some(0.2)
    );
}

#[test]
fn a_bad_value_under_an_older_key_is_reported_under_that_key() {
    let (state, notices) = query::parse("opt=adamw&wd=7");
    assert_eq!(notices.len(), 1, "{notices:?}");
    let n = &notices[0];
    assert_eq!(
        (n.key.as_str(), n.field.as_str(), n.value.as_str()),
        ("wd", "weight decay", "7")
    );
    assert_eq!(n.reason, "must be in [0, 1]");
    assert_eq!(
        state
            .config
            .training
            .optimizer
            .hyperparameter(Hyperparameter::WeightDecay),
        Some(0.01)
    );
}

#[test]
fn the_page_lists_each_optimizers_hyperparameters_from_the_table() {
    let o = options();
    for (option, optimizer) in o.optimizers.iter().zip(Optimizer::all()) {
        assert_eq!(option.token, optimizer.name());
        let keys: Vec<&str> = option.params.iter().map(|p| p.key).collect();
        let want: Vec<&str> = optimizer
            .hyperparameters()
            .iter()
            .map(|(h, _)| h.key())
            .collect();
        assert_eq!(keys, want);
        for p in &option.params {
            let h = Hyperparameter::from_key(p.key).unwrap();
            let range = h.spec().range;
            assert_eq!((p.min, p.max), (range.min, range.max), "{}", p.key);
            assert_eq!(p.name, h.label());
            assert_eq!(p.flag, h.flag());
            assert_eq!(Some(p.default), optimizer.hyperparameter(h));
            assert!(
                o.url.iter().any(|u| u.key == p.key),
                "{} has no URL row",
                p.key
            );
        }
    }
    let adagrad = o.optimizers.iter().find(|x| x.token == "adagrad").unwrap();
    assert_eq!(adagrad.params[0].default, 1e-10, "AdaGrad keeps its own ε");
}

/// The link `nnplay train --json` reports for these flags.
fn cli_link(flags: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_nnplay"))
        .args([
            "train",
            "--dataset",
            "xor",
            "--points",
            "40",
            "--epochs",
            "1",
        ])
        .args(["--json"])
        .args(flags)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{flags:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["query"].as_str().unwrap().to_string()
}

#[test]
fn every_spelling_of_a_flag_sets_the_same_hyperparameter() {
    let want = cli_link(&["--optimizer", "adagrad", "--initial-accumulator", "0.5"]);
    assert!(want.contains("&initial_accumulator=0.5&"), "{want}");
    for old in ["--accumulator", "--accum", "--initial_accumulator"] {
        assert_eq!(
            cli_link(&["--optimizer", "adagrad", old, "0.5"]),
            want,
            "{old}"
        );
    }
    let want = cli_link(&["--optimizer", "adamw", "--weight-decay", "0.2"]);
    assert!(want.contains("&weight_decay=0.2&"), "{want}");
    assert_eq!(
        cli_link(&["--optimizer", "adamw", "--wd", "0.2"]),
        want,
        "--wd"
    );
    // The optimizer's token form sets them all at once.
    assert_eq!(
        cli_link(&["--optimizer", "adamw(0.9,0.999,1e-8,0.2)"]),
        want
    );
}

#[test]
fn a_flag_outside_its_range_or_for_another_optimizer_is_refused() {
    for (flags, message) in [
        (
            &["--optimizer", "adamw", "--weight-decay", "2"][..],
            "invalid value '2' for '--weight-decay': weight decay must be in [0, 1], got 2",
        ),
        (
            &["--optimizer", "adam", "--accumulator", "0.1"][..],
            "--initial-accumulator does not apply to the adam optimizer",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_nnplay"))
            .args(["train", "--dataset", "xor", "--epochs", "1"])
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
    }
}
