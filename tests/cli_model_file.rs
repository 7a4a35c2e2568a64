//! The one model file through the `nnplay` binary: what the page downloads (`Playground::model_file`)
//! `predict`, `eval` and `summary` read, raw (x1, x2) rows going through the file's derived
//! features as the page computes them; `--config` replays the settings a model file carries; a
//! version-1 file still predicts; and old or foreign files are named in one line.
//! (tests/cli.rs covers the rest of the binary; tests/e2e/model_file.test.mjs clicks the page's
//! real Download button.)

mod cli_support;

use cli_support::*;
use nnplay::io::model_file::{self, ModelFile};
use nnplay::playground::Playground;
use std::path::{Path, PathBuf};

/// A page session trained a little, as the page would download it.
fn page_model(query: &str, batches: usize, dir: &Path) -> (Playground, PathBuf) {
    let mut pg = Playground::from_query(query).unwrap();
    pg.step(batches).unwrap();
    let path = dir.join("page.json");
    model_file::save(&path, &pg.model_file().unwrap()).unwrap();
    (pg, path)
}

/// Rows of a CSV text, split into cells.
fn cells(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

const POINTS: [(f32, f32); 6] = [
    (0.0, 0.0),
    (0.5, -0.5),
    (2.5, 1.25),
    (-3.1, 2.9),
    (4.5, 0.0),
    (-5.9, -5.9),
];

fn write_points(dir: &Path) -> PathBuf {
    let path = dir.join("points.csv");
    let mut text = String::from("x1,x2\n");
    for (x1, x2) in POINTS {
        text.push_str(&format!("{x1},{x2}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_page_download_predicts_raw_points_as_the_page_does() {
    let dir = temp_dir("page");
    let (pg, model) = page_model(
        "dataset=circle&layers=4,2&features=x1,x2,x1_squared,x2_squared,sin_x1&lr=0.1",
        200,
        &dir,
    );
    let points = write_points(&dir);
    let out = cells(&ok(&[
        "predict",
        "--model",
        path_str(&model),
        "--csv",
        path_str(&points),
    ]));
    let names = pg.state().class_names;
    assert_eq!(
        out[0],
        [
            "prediction".to_string(),
            format!("p({})", names[0]),
            format!("p({})", names[1])
        ]
    );
    let mut outputs = Vec::new();
    for (row, (x1, x2)) in out[1..].iter().zip(POINTS) {
        let page = pg.predict(x1, x2).unwrap()[0];
        let cli: f32 = row[2].parse().unwrap();
        assert!(
            (cli - page).abs() <= 1e-6,
            "at ({x1}, {x2}): {cli} vs {page}"
        );
        assert_eq!(row[0], names[usize::from(page > 0.5)]);
        outputs.push(page);
    }
    let spread = outputs.iter().fold(0.0f32, |m, &p| m.max(p))
        - outputs.iter().fold(1.0f32, |m, &p| m.min(p));
    assert!(spread > 0.1, "the points are not told apart: {outputs:?}");

    let summary = ok(&["summary", "--model", path_str(&model)]);
    for line in [
        "inputs    x1, x2",
        "features  x1, x2, x1², x2², sin(x1)",
        "page link ?dataset=circle",
        "trained   on circle for ",
        "Total params: ",
    ] {
        assert!(summary.contains(line), "{line} missing from {summary}");
    }
    let eval: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "--model",
        path_str(&model),
        "--dataset",
        "circle",
        "--json",
    ]))
    .unwrap();
    assert_eq!(eval["rows"], 500);
    assert!(eval["accuracy"].as_f64().unwrap() > 0.7, "{eval}");
}

#[test]
fn a_page_regression_download_predicts_full_precision_values() {
    let dir = temp_dir("regression");
    let (pg, model) = page_model(
        "dataset=multi_gaussian&layers=6&features=x1,x2,x1_x2,sin_x2&lr=0.05",
        100,
        &dir,
    );
    let points = write_points(&dir);
    let out = cells(&ok(&[
        "predict",
        "--model",
        path_str(&model),
        "--csv",
        path_str(&points),
    ]));
    assert_eq!(out[0], ["prediction"]);
    for (row, (x1, x2)) in out[1..].iter().zip(POINTS) {
        let cli: f32 = row[0].parse().unwrap();
        assert_eq!(cli, pg.predict(x1, x2).unwrap()[0], "at ({x1}, {x2})");
    }
}

#[test]
fn iris_from_the_page_carries_its_standardisation() {
    let dir = temp_dir("iris");
    let (_, model) = page_model("dataset=iris&layers=6&lr=0.1", 300, &dir);
    let eval: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "--model",
        path_str(&model),
        "--dataset",
        "iris",
        "--json",
    ]))
    .unwrap();
    assert!(eval["accuracy"].as_f64().unwrap() > 0.9, "{eval}");
    // The page standardises iris as `nnplay train` does: the two files hold the same scaler.
    let cli_model = dir.join("cli.json");
    ok(&[
        "train",
        "--dataset",
        "iris",
        "--epochs",
        "1",
        "--save",
        path_str(&cli_model),
    ]);
    let (page, cli) = (
        model_file::load(&model).unwrap(),
        model_file::load(&cli_model).unwrap(),
    );
    assert!(page.scaler.is_some());
    assert_eq!(page.scaler, cli.scaler);
    assert_eq!(page.input_columns(), cli.input_columns());
}

#[test]
fn config_replays_the_settings_a_model_file_carries() {
    let dir = temp_dir("replay");
    let query = "dataset=xor&layers=5,3&act=relu&lr=0.05&batch=7&noise=10&dseed=4&wseed=9&features=x1,x2,x1_x2&showtest=1";
    let (_, model) = page_model(query, 3, &dir);
    let again = dir.join("again.json");
    ok(&[
        "train",
        "--config",
        path_str(&model),
        "--epochs",
        "2",
        "--save",
        path_str(&again),
    ]);
    let mut pg = Playground::from_query(query).unwrap();
    let n_train = pg.state().n_train;
    pg.step(2 * n_train.div_ceil(7)).unwrap();
    let replayed = model_file::load(&again).unwrap();
    assert_eq!(replayed.params, pg.network().params());
    // The CLI's own file carries them on, so it opens in the page with its data and settings.
    let settings = Playground::settings_of(&replayed).unwrap().unwrap();
    assert_eq!(settings.config, *pg.config());

    // A file trained on a CSV file has no page settings to replay.
    let csv = dir.join("train.csv");
    std::fs::write(&csv, "a,b,y\n1,2,0\n2,1,1\n3,3,0\n0,1,1\n4,2,0\n").unwrap();
    let csv_model = dir.join("csv.json");
    ok(&[
        "train",
        "--csv",
        path_str(&csv),
        "--epochs",
        "1",
        "--save",
        path_str(&csv_model),
    ]);
    let line = fails(&["train", "--config", path_str(&csv_model)]);
    assert!(line.contains("no page settings"), "{line}");
}

/// A file as version 1 of `nnplay train --save` wrote it predicts exactly what the same model
/// in a version-2 file does.
#[test]
fn a_version_1_file_still_predicts() {
    let dir = temp_dir("v1");
    let model = dir.join("v2.json");
    ok(&[
        "train",
        "--dataset",
        "circle",
        "--features",
        "x1,x2,x1_squared,x2_squared",
        "--epochs",
        "3",
        "--save",
        path_str(&model),
    ]);
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let object = v.as_object_mut().unwrap();
    let input = object.remove("input").unwrap();
    let run = object.remove("playground").unwrap();
    object.insert("version".into(), 1.into());
    object.insert(
        "estimator".into(),
        serde_json::json!({
            "kind": "cli",
            "inputs": input["columns"],
            "features": input["features"],
            "data": run["data"],
            "query": run["query"],
            "epochs": 3
        }),
    );
    let old = dir.join("v1.json");
    std::fs::write(&old, v.to_string()).unwrap();
    let points = write_points(&dir);
    let predict = |m: &Path| {
        ok(&[
            "predict",
            "--model",
            path_str(m),
            "--csv",
            path_str(&points),
        ])
    };
    assert_eq!(predict(&old), predict(&model));
    let summary = ok(&["summary", "--model", path_str(&old)]);
    assert!(
        summary.contains("features  x1, x2, x1², x2²")
            && summary.contains("trained   on circle for 3 epochs"),
        "{summary}"
    );
}

#[test]
fn old_and_foreign_model_files_are_named_in_one_line() {
    let dir = temp_dir("foreign");
    let points = write_points(&dir);
    // What the page downloaded before it wrote model files.
    let old_page = dir.join("old-page.json");
    std::fs::write(
        &old_page,
        r#"{"format": "nnplay-playground-model", "version": 1, "query": "dataset=circle", "config": {}, "state": {}, "network": {}}"#,
    )
    .unwrap();
    // An ONNX export is binary.
    let onnx = dir.join("model.onnx");
    ok(&["train", "--epochs", "1", "--export", path_str(&onnx)]);
    // A newer version of the format.
    let newer = dir.join("newer.json");
    let mut v = serde_json::to_value(ModelFile::new(
        Playground::from_query("").unwrap().network(),
    ))
    .unwrap();
    v["version"] = 3.into();
    std::fs::write(&newer, v.to_string()).unwrap();
    for (file, words) in [
        (
            &old_page,
            &["nnplay-playground-model", "Download the model again"][..],
        ),
        (&onnx, &["binary file", "ONNX"][..]),
        (&points, &["CSV data file"][..]),
        (&newer, &["version 3", "version 2"][..]),
    ] {
        for command in ["predict", "summary"] {
            let mut args = vec![command, "--model", path_str(file)];
            if command == "predict" {
                args.extend(["--csv", path_str(&points)]);
            }
            let line = fails(&args);
            assert!(line.contains(path_str(file)), "{line}");
            for w in words {
                assert!(
                    line.contains(w),
                    "{command} {}: '{w}' missing in {line}",
                    file.display()
                );
            }
        }
    }
}
