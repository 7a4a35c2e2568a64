//! `nnplay export`, run as a user would: train and save a model with the binary, export it in
//! every format, and check that the files agree with `nnplay predict` (in onnxruntime and as a
//! Keras script, when `NNPLAY_PYTHON` is set; see tests/export.rs) and that the data export is
//! the very data and split the model was trained on.

mod cli_support;
mod export_support;

use cli_support::{nnplay, ok};
use export_support::*;
use nnplay::data::csv_export::to_csv_with_split;
use nnplay::data::{DatasetKind, generate};
use nnplay::playground::PlaygroundConfig;
use serde_json::json;
use std::path::Path;
use std::process::Command;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The numbers of a predictions CSV (header skipped), and its class column.
fn table(text: &str) -> (Vec<String>, Vec<Vec<f32>>) {
    let mut classes = Vec::new();
    let mut numbers = Vec::new();
    for line in text.lines().skip(1) {
        let mut cells = line.split(',');
        classes.push(cells.next().unwrap().to_string());
        numbers.push(cells.map(|c| c.parse().unwrap()).collect());
    }
    (classes, numbers)
}

#[test]
fn every_format_is_written_from_a_saved_model_and_agrees_with_predict() {
    let dir = temp_dir("cli");
    let model = dir.join("circle.json");
    ok(&[
        "train",
        "--dataset",
        "circle",
        "--features",
        "x1,x2,x1_squared,x2_squared,sin_x1",
        "--layers",
        "6,3",
        "--activation",
        "relu",
        "--scaling",
        "standardize",
        "--epochs",
        "5",
        "--save",
        s(&model),
    ]);
    let out = |name: &str| dir.join(name);
    for (format, file) in [
        ("onnx", "m.onnx"),
        ("keras", "m_keras.py"),
        ("pytorch", "m_torch.py"),
        ("csv", "data.csv"),
    ] {
        let said = ok(&[
            "export",
            "--model",
            s(&model),
            "--format",
            format,
            "--output",
            s(&out(file)),
        ]);
        assert!(said.starts_with("exported  "), "{said}");
        assert!(std::fs::metadata(out(file)).unwrap().len() > 0);
    }

    // The data is the page's circle set, with the page's split: what `nnplay train` used.
    let d = PlaygroundConfig::default().data;
    let ds = generate(
        DatasetKind::Circle,
        d.points,
        d.noise_percent as f32 / 100.0,
        d.seed as u64,
    )
    .unwrap();
    let (train, test) = ds
        .split(d.train_percent as f32 / 100.0, d.seed as u64)
        .unwrap();
    let written = std::fs::read_to_string(out("data.csv")).unwrap();
    assert_eq!(written, to_csv_with_split(&train, &test).unwrap());
    assert!(written.starts_with("x1,x2,label,split\n"));

    // Raw points, as a user would give them to predict.
    let points = out("points.csv");
    std::fs::write(&points, "x1,x2\n0,0\n1.5,-2\n4,3\n-5.5,0.5\n2.25,2.25\n").unwrap();
    let predicted = ok(&["predict", "--model", s(&model), "--csv", s(&points)]);
    let (classes, probabilities) = table(&predicted);
    let rows = ndarray::array![
        [0.0f32, 0.0],
        [1.5, -2.0],
        [4.0, 3.0],
        [-5.5, 0.5],
        [2.25, 2.25]
    ];

    let jobs = vec![json!({"kind": "onnx", "path": out("m.onnx"), "rows": rows_json(&rows)})];
    python_syntax_check(&[
        json!({"path": out("m_keras.py")}),
        json!({"path": out("m_torch.py")}),
    ]);
    let Some(answers) = run_in_python("onnxruntime", &dir, &jobs) else {
        return;
    };
    let p1 = matrix_of(&answers[0]["outputs"]);
    for (i, row) in probabilities.iter().enumerate() {
        // predict prints 6 decimals: half a unit of the last one, plus the tolerance.
        assert!((p1[[i, 0]] - row[1]).abs() <= 5e-7 + TOLERANCE, "row {i}");
    }

    // The Keras file as a script prints what predict prints.
    let python = python().unwrap();
    let script = Command::new(&python)
        .arg(out("m_keras.py"))
        .arg(&points)
        .env("KERAS_BACKEND", "jax")
        .output()
        .unwrap();
    assert!(
        script.status.success(),
        "{}",
        String::from_utf8_lossy(&script.stderr)
    );
    let printed = String::from_utf8_lossy(&script.stdout);
    assert_eq!(printed.lines().next(), predicted.lines().next(), "header");
    let (keras_classes, keras_probabilities) = table(&printed);
    assert_eq!(keras_classes, classes);
    for (k, p) in keras_probabilities.iter().zip(&probabilities) {
        for (a, b) in k.iter().zip(p) {
            assert!((a - b).abs() <= 1e-6 + TOLERANCE, "{a} vs {b}");
        }
    }
}

#[test]
fn what_cannot_be_exported_is_refused_with_a_reason() {
    let dir = temp_dir("cli-refusals");
    let data = dir.join("flowers.csv");
    let mut text = String::from("length,width,kind\n");
    for i in 0..12 {
        text.push_str(&format!(
            "{}.5,{},{}\n",
            i,
            12 - i,
            if i % 2 == 0 { "a" } else { "b" }
        ));
    }
    std::fs::write(&data, text).unwrap();
    let model = dir.join("flowers.json");
    ok(&[
        "train",
        "--csv",
        s(&data),
        "--layers",
        "3",
        "--epochs",
        "2",
        "--save",
        s(&model),
    ]);
    let o = nnplay(&[
        "export",
        "--model",
        s(&model),
        "--format",
        "csv",
        "--output",
        s(&dir.join("x.csv")),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("flowers.csv") && err.contains("that file is the data"),
        "{err}"
    );
    assert!(!dir.join("x.csv").exists());
    // Its model exports, with the file's column names as the inputs.
    ok(&[
        "export",
        "--model",
        s(&model),
        "--format",
        "keras",
        "--output",
        s(&dir.join("k.py")),
    ]);
    let keras = std::fs::read_to_string(dir.join("k.py")).unwrap();
    assert!(
        keras.contains("INPUTS = [\"length\", \"width\"]"),
        "{keras}"
    );

    // Not a model file: the error names it.
    let o = nnplay(&[
        "export",
        "--model",
        s(&data),
        "--format",
        "onnx",
        "--output",
        s(&dir.join("y.onnx")),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("flowers.csv"), "{err}");
    // A format that does not exist is a usage error.
    let o = nnplay(&[
        "export",
        "--model",
        s(&model),
        "--format",
        "tflite",
        "--output",
        "z",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
