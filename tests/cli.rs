//! Tests of the `nnplay` binary, run as a user would (the built executable, real files in a
//! temporary directory), and of the ONNX export: the file is decoded by a small protobuf reader
//! written here and executed by a small ONNX interpreter written here, and its outputs must match
//! the library's predictions. When Python's `onnx` package happens to be installed, its checker
//! validates the file too (it is not required: the test says so and goes on).

mod cli_support;

use cli_support::*;
use nnplay::data::{FeatureSet, Scaler, Scaling};
use nnplay::io::model_file;
use nnplay::io::onnx::{self, OnnxOptions};
use nnplay::playground::{Playground, PlaygroundConfig};
use nnplay::prelude::*;
use std::path::PathBuf;
use std::process::Command;

// ---------------------------------------------------------------------------------------------
// The binary's output (running it: tests/cli_support)
// ---------------------------------------------------------------------------------------------

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

// ---------------------------------------------------------------------------------------------
// train, predict, eval, summary, datasets
// ---------------------------------------------------------------------------------------------

#[test]
fn training_on_circle_reports_a_good_accuracy() {
    let out = ok(&[
        "train",
        "--dataset",
        "circle",
        "--layers",
        "8,8",
        "--epochs",
        "25",
    ]);
    assert!(out.contains("accuracy"), "{out}");
    // The test row: "test      <loss>      <accuracy> %".
    let test_line = out
        .lines()
        .find(|l| l.starts_with("test"))
        .unwrap_or_else(|| panic!("no test line in {out}"));
    let percent: f32 = test_line
        .split_whitespace()
        .rev()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no accuracy in '{test_line}'"));
    assert!(
        percent >= 90.0,
        "test accuracy {percent} % after 25 epochs: {out}"
    );
    assert!(out.contains("2 → 8 → 8 → 1"), "{out}");
    assert!(out.contains("page link ?dataset=circle"), "{out}");
}

#[test]
fn a_saved_model_predicts_evaluates_and_summarises() {
    let dir = temp_dir("saved");
    let model = dir.join("circle.json");
    let report = json(&ok(&[
        "train",
        "--dataset",
        "circle",
        "--layers",
        "8,8",
        "--optimizer",
        "adam",
        "--lr",
        "0.03",
        "--epochs",
        "20",
        "--save",
        path_str(&model),
        "--json",
    ]));
    assert!(
        report["test"]["accuracy"].as_f64().unwrap() > 0.9,
        "{report}"
    );

    // Points well inside the disc and far out in the ring.
    let points = dir.join("points.csv");
    std::fs::write(&points, "x1,x2\n0,0\n0.5,-0.5\n5.5,0\n0,-5.5\n").unwrap();
    let predicted = ok(&[
        "predict",
        "--model",
        path_str(&model),
        "--csv",
        path_str(&points),
    ]);
    let rows: Vec<&str> = predicted.lines().collect();
    assert_eq!(rows[0], "prediction,p(outside),p(inside)", "{predicted}");
    let classes: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r.split(',').next().unwrap())
        .collect();
    assert_eq!(
        classes,
        ["inside", "inside", "outside", "outside"],
        "{predicted}"
    );

    // The probabilities are the library's own predictions.
    let file = model_file::load(&model).unwrap();
    let net = file.network().unwrap();
    let x = ndarray::array![[0.0f32, 0.0], [0.5, -0.5], [5.5, 0.0], [0.0, -5.5]];
    let expected = net.predict(x.view()).unwrap();
    for (row, e) in rows[1..].iter().zip(expected.column(0)) {
        let p: f32 = row.split(',').nth(2).unwrap().parse().unwrap();
        assert!((p - e).abs() < 1e-5, "{p} vs {e}");
    }

    let eval = json(&ok(&[
        "eval",
        "--model",
        path_str(&model),
        "--dataset",
        "circle",
        "--json",
    ]));
    assert_eq!(eval["rows"], 500);
    assert!(eval["accuracy"].as_f64().unwrap() > 0.9, "{eval}");
    let counts = &eval["confusion"]["counts"];
    let total: u64 = counts
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(total, 500);
    let text = ok(&["eval", "--model", path_str(&model), "--dataset", "circle"]);
    assert!(
        text.contains("confusion") && text.contains("accuracy"),
        "{text}"
    );

    let summary = ok(&["summary", "--model", path_str(&model)]);
    assert!(summary.contains("Total params: 105"), "{summary}");
    assert!(
        summary.contains("outside, inside") && summary.contains("adam"),
        "{summary}"
    );
}

#[test]
fn a_csv_model_reads_its_columns_by_name_and_skips_the_target() {
    let dir = temp_dir("csv");
    let train = dir.join("train.csv");
    // y = 2·a − b, with the target in the middle column.
    let mut text = String::from("a,y,b\n");
    for i in 0..60 {
        let (a, b) = ((i % 7) as f32 * 0.5, (i % 5) as f32 * 0.3);
        text.push_str(&format!("{a},{},{b}\n", 2.0 * a - b));
    }
    std::fs::write(&train, text).unwrap();
    let model = dir.join("reg.json");
    let report = json(&ok(&[
        "train",
        "--csv",
        path_str(&train),
        "--target",
        "y",
        "--task",
        "regression",
        "--layers",
        "",
        "--optimizer",
        "adam",
        "--lr",
        "0.05",
        "--epochs",
        "200",
        "--save",
        path_str(&model),
        "--json",
    ]));
    assert_eq!(report["task"], "regression");
    assert!(report["test"]["r2"].as_f64().unwrap() > 0.99, "{report}");
    // Columns in another order, the target column present: both handled.
    let rows = dir.join("rows.csv");
    std::fs::write(&rows, "b,y,a\n0,0,1\n1,0,2\n").unwrap();
    let out = ok(&[
        "predict",
        "--model",
        path_str(&model),
        "--csv",
        path_str(&rows),
    ]);
    let values: Vec<f32> = out.lines().skip(1).map(|l| l.parse().unwrap()).collect();
    assert!(
        (values[0] - 2.0).abs() < 0.1 && (values[1] - 3.0).abs() < 0.1,
        "{out}"
    );
}

#[test]
fn a_page_link_replays_the_same_run() {
    let dir = temp_dir("replay");
    let query = "dataset=xor&layers=5,3&act=relu&lr=0.05&opt=momentum&batch=7&noise=10&dseed=4&wseed=9&features=x1,x2,x1_x2";
    let model = dir.join("xor.json");
    ok(&[
        "train",
        "--config",
        query,
        "--epochs",
        "3",
        "--save",
        path_str(&model),
    ]);
    let saved = model_file::load(&model).unwrap();

    let mut pg = Playground::from_query(query).unwrap();
    let n_train = pg.state().n_train;
    pg.step(3 * n_train.div_ceil(7)).unwrap();
    assert_eq!(
        saved.params,
        pg.network().params(),
        "the CLI and the page trained different weights"
    );

    // The same config as a file holding the query, and as the page's JSON.
    let query_file = dir.join("run.txt");
    std::fs::write(
        &query_file,
        format!("http://localhost:8080/index.html?{query}\n"),
    )
    .unwrap();
    let json_file = dir.join("run.json");
    let (config, _) = PlaygroundConfig::from_query(query);
    std::fs::write(&json_file, serde_json::to_string(&config).unwrap()).unwrap();
    for file in [&query_file, &json_file] {
        let model2 = dir.join("again.json");
        ok(&[
            "train",
            "--config",
            path_str(file),
            "--epochs",
            "3",
            "--save",
            path_str(&model2),
        ]);
        assert_eq!(
            model_file::load(&model2).unwrap().params,
            saved.params,
            "config from {}",
            file.display()
        );
    }
}

#[test]
fn flags_override_the_config_and_bad_link_fields_are_warnings() {
    let o = nnplay(&[
        "train",
        "--config",
        "dataset=moons&lr=NaN&layers=3",
        "--lr",
        "0.1",
        "--epochs",
        "2",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.starts_with("warning:") && l.contains("lr")),
        "{err}"
    );
    let report = json(&stdout(&o));
    assert_eq!(report["learning_rate"], 0.1);
    assert!(
        report["network"].as_str().unwrap().starts_with("2 → 3 → 1"),
        "{report}"
    );
    assert!(
        report["data"].as_str().unwrap().starts_with("moons"),
        "{report}"
    );
}

#[test]
fn every_page_choice_has_a_flag() {
    let report = json(&ok(&[
        "train",
        "--dataset",
        "spirals3",
        "--points",
        "90",
        "--noise",
        "5",
        "--data-seed",
        "3",
        "--train-percent",
        "60",
        "--features",
        "x1,x2,sin_x1",
        "--layers",
        "6,4",
        "--activation",
        "leaky_relu(0.2),elu(0.5)",
        "--output",
        "softmax",
        "--loss",
        "cce",
        "--init",
        "he_uniform",
        "--seed",
        "2",
        "--optimizer",
        "adamw",
        "--lr",
        "0.01",
        "--beta1",
        "0.8",
        "--beta2",
        "0.99",
        "--eps",
        "1e-7",
        "--weight-decay",
        "0.001",
        "--schedule",
        "step(2,0.5)",
        "--batch",
        "16",
        "--regularization",
        "l2(0.0001)",
        "--dropout",
        "0.1",
        "--clip",
        "5",
        "--epochs",
        "3",
        "--json",
    ]));
    assert_eq!(report["n_train"], 54);
    assert_eq!(report["optimizer"], "adamw");
    assert_eq!(
        report["network"],
        "3 → 6 → 4 → 3 (leaky_relu(0.2), elu(0.5), softmax), 67 parameters"
    );
    let query = report["query"].as_str().unwrap();
    for part in [
        "sched=step(2,0.5)",
        "reg=l2",
        "rate=0.0001",
        "dropout=0.1",
        "clip=5",
        "beta1=0.8",
        "weight_decay=0.001",
        "init=he_uniform",
    ] {
        assert!(query.contains(part), "{part} missing from {query}");
    }
}

#[test]
fn bad_input_gives_one_clear_line() {
    let dir = temp_dir("bad");
    let ragged = dir.join("ragged.csv");
    std::fs::write(&ragged, "a,b,label\n1,2,x\n3,4,y\n5,6\n7,8,x\n1,1,y\n").unwrap();
    let words = dir.join("words.csv");
    std::fs::write(&words, "a,b,label\n1,2,x\n3,oops,y\n5,6,x\n7,8,x\n1,1,y\n").unwrap();
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,x\n1,1,y\n2,2,y\n",
    )
    .unwrap();
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "{ not json").unwrap();
    let missing = dir.join("missing.csv");

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["train", "--dataset", "nonsense"], "nonsense"),
        (vec!["train", "--activation", "swish"], "swish"),
        (vec!["train", "--activation", "leaky_relu(2)"], "slope"),
        (vec!["train", "--lr", "NaN"], "learning rate"),
        (vec!["train", "--lr", "-1"], "learning rate"),
        (vec!["train", "--batch", "0"], "batch"),
        (vec!["train", "--epochs", "0"], "epochs"),
        (
            vec!["train", "--optimizer", "adam", "--beta1", "1.5"],
            "beta1",
        ),
        (vec!["train", "--momentum", "0.9"], "momentum"),
        (vec!["train", "--loss", "cce"], "cce"),
        (vec!["train", "--layers", "4,four"], "four"),
        (vec!["train", "--noise", "80"], "noise"),
        (vec!["train", "--schedule", "sometimes"], "sometimes"),
        (vec!["train", "--csv", path_str(&missing)], "missing.csv"),
        (vec!["train", "--csv", path_str(&ragged)], "line 4"),
        (vec!["train", "--csv", path_str(&words)], "line 3"),
        (
            vec!["train", "--csv", path_str(&good), "--target", "species"],
            "species",
        ),
        (vec!["train", "--config", path_str(&missing)], "missing.csv"),
        (vec!["train", "--config", path_str(&garbage)], "JSON"),
        (vec!["train", "--unknown-flag"], "--unknown-flag"),
        (
            vec![
                "predict",
                "--model",
                path_str(&missing),
                "--csv",
                path_str(&good),
            ],
            "missing.csv",
        ),
        (
            vec![
                "predict",
                "--model",
                path_str(&garbage),
                "--csv",
                path_str(&good),
            ],
            "garbage.json",
        ),
        (
            vec!["summary", "--model", path_str(&garbage)],
            "garbage.json",
        ),
        (
            vec!["eval", "--model", path_str(&garbage), "--dataset", "circle"],
            "garbage.json",
        ),
        (vec!["frobnicate"], "frobnicate"),
    ];
    for (args, needle) in cases {
        let line = fails(&args);
        assert!(
            line.contains(needle),
            "nnplay {args:?}: expected '{needle}' in: {line}"
        );
    }

    // A model that cannot read the file it is given.
    let model = dir.join("m.json");
    ok(&["train", "--epochs", "1", "--save", path_str(&model)]);
    let three = dir.join("three.csv");
    std::fs::write(&three, "1,2,3\n4,5,6\n").unwrap();
    let line = fails(&[
        "predict",
        "--model",
        path_str(&model),
        "--csv",
        path_str(&three),
    ]);
    assert!(line.contains("expects 2 inputs"), "{line}");
    let words_only = dir.join("words_only.csv");
    std::fs::write(&words_only, "x1,x2\n1,2\n3,abc\n").unwrap();
    let line = fails(&[
        "predict",
        "--model",
        path_str(&model),
        "--csv",
        path_str(&words_only),
    ]);
    assert!(line.contains("line 3") && line.contains("abc"), "{line}");
}

#[test]
fn every_subcommand_help_has_an_example() {
    for sub in ["train", "predict", "eval", "summary", "datasets"] {
        let help = ok(&[sub, "--help"]);
        assert!(help.contains("Examples:"), "{sub} --help has no examples");
        assert!(
            help.contains(&format!("nnplay {sub}")),
            "{sub} --help has no example of itself"
        );
    }
    let help = ok(&["--help"]);
    for sub in ["train", "predict", "eval", "summary", "datasets"] {
        assert!(help.contains(sub), "--help does not list {sub}");
    }
}

#[test]
fn datasets_lists_every_set_with_a_description() {
    let out = ok(&["datasets"]);
    for kind in nnplay::data::DatasetKind::all() {
        assert!(out.contains(kind.description()), "{kind} missing");
    }
    let list = json(&ok(&["datasets", "--json"]));
    assert_eq!(
        list.as_array().unwrap().len(),
        nnplay::data::DatasetKind::all().len()
    );
}

// ---------------------------------------------------------------------------------------------
// ONNX: a protobuf reader and an interpreter for the operators the exporter writes
// ---------------------------------------------------------------------------------------------

/// One protobuf field value.
#[derive(Clone, Debug)]
enum Wire {
    Varint(u64),
    Fixed32(u32),
    Bytes(Vec<u8>),
}

/// A decoded message: its fields in order.
#[derive(Clone, Debug, Default)]
struct Msg(Vec<(u32, Wire)>);

fn varint(bytes: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = bytes[*pos];
        *pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
        assert!(shift < 70, "varint too long");
    }
}

fn decode(bytes: &[u8]) -> Msg {
    let mut pos = 0;
    let mut fields = Vec::new();
    while pos < bytes.len() {
        let key = varint(bytes, &mut pos);
        let (field, wire) = ((key >> 3) as u32, key & 7);
        let value = match wire {
            0 => Wire::Varint(varint(bytes, &mut pos)),
            2 => {
                let len = varint(bytes, &mut pos) as usize;
                let v = bytes[pos..pos + len].to_vec();
                pos += len;
                Wire::Bytes(v)
            }
            5 => {
                let v = u32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap());
                pos += 4;
                Wire::Fixed32(v)
            }
            other => panic!("wire type {other} is not written by the exporter"),
        };
        fields.push((field, value));
    }
    assert_eq!(pos, bytes.len(), "a field overran its message");
    Msg(fields)
}

impl Msg {
    fn all(&self, field: u32) -> impl Iterator<Item = &Wire> {
        self.0
            .iter()
            .filter(move |(f, _)| *f == field)
            .map(|(_, v)| v)
    }
    fn int(&self, field: u32) -> Option<i64> {
        self.all(field).find_map(|v| {
            if let Wire::Varint(x) = v {
                Some(*x as i64)
            } else {
                None
            }
        })
    }
    fn ints(&self, field: u32) -> Vec<i64> {
        self.all(field)
            .filter_map(|v| {
                if let Wire::Varint(x) = v {
                    Some(*x as i64)
                } else {
                    None
                }
            })
            .collect()
    }
    fn float(&self, field: u32) -> Option<f32> {
        self.all(field).find_map(|v| {
            if let Wire::Fixed32(x) = v {
                Some(f32::from_bits(*x))
            } else {
                None
            }
        })
    }
    fn bytes(&self, field: u32) -> Option<&[u8]> {
        self.all(field).find_map(|v| {
            if let Wire::Bytes(b) = v {
                Some(b.as_slice())
            } else {
                None
            }
        })
    }
    fn string(&self, field: u32) -> Option<String> {
        self.bytes(field)
            .map(|b| String::from_utf8(b.to_vec()).expect("utf-8 string field"))
    }
    fn strings(&self, field: u32) -> Vec<String> {
        self.all(field)
            .filter_map(|v| {
                if let Wire::Bytes(b) = v {
                    Some(String::from_utf8(b.clone()).unwrap())
                } else {
                    None
                }
            })
            .collect()
    }
    fn messages(&self, field: u32) -> Vec<Msg> {
        self.all(field)
            .filter_map(|v| {
                if let Wire::Bytes(b) = v {
                    Some(decode(b))
                } else {
                    None
                }
            })
            .collect()
    }
    fn message(&self, field: u32) -> Msg {
        self.messages(field)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no message in field {field}"))
    }
}

/// A value in the interpreter: a row-major matrix; 1-D tensors are one row, scalars 1 × 1.
#[derive(Clone, Debug)]
struct Tensor {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
    /// Int64 tensors (Gather indices) keep their values here.
    ints: Vec<i64>,
}

impl Tensor {
    fn new(rows: usize, cols: usize, data: Vec<f32>) -> Tensor {
        assert_eq!(data.len(), rows * cols);
        Tensor {
            rows,
            cols,
            data,
            ints: Vec::new(),
        }
    }
    fn map(&self, f: impl Fn(f32) -> f32) -> Tensor {
        Tensor::new(
            self.rows,
            self.cols,
            self.data.iter().map(|&v| f(v)).collect(),
        )
    }
    /// Element-wise op with ONNX (numpy) broadcasting of a scalar or a row.
    fn zip(&self, other: &Tensor, f: impl Fn(f32, f32) -> f32) -> Tensor {
        let (a, b) = if self.data.len() >= other.data.len() {
            (self, other)
        } else {
            (other, self)
        };
        let swapped = !std::ptr::eq(a, self);
        let data = (0..a.data.len())
            .map(|i| {
                let bv = if b.data.len() == 1 {
                    b.data[0]
                } else if b.rows == 1 && b.cols == a.cols {
                    b.data[i % a.cols]
                } else {
                    assert_eq!(
                        (b.rows, b.cols),
                        (a.rows, a.cols),
                        "shapes do not broadcast"
                    );
                    b.data[i]
                };
                if swapped {
                    f(bv, a.data[i])
                } else {
                    f(a.data[i], bv)
                }
            })
            .collect();
        Tensor::new(a.rows, a.cols, data)
    }
}

struct Node {
    op: String,
    inputs: Vec<String>,
    output: String,
    attributes: Vec<(String, Msg)>,
}

impl Node {
    fn attr_f(&self, name: &str) -> Option<f32> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, a)| a.float(2))
    }
    fn attr_i(&self, name: &str) -> Option<i64> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, a)| a.int(3))
    }
}

/// A decoded model, ready to run.
struct OnnxModel {
    ir_version: i64,
    opset: i64,
    producer: String,
    input: (String, Vec<String>),
    output: (String, Vec<String>),
    initializers: Vec<(String, Tensor)>,
    nodes: Vec<Node>,
    metadata: Vec<(String, String)>,
}

/// Shape of a ValueInfoProto as strings: "N" for a symbolic dimension, the number otherwise.
fn shape_of(info: &Msg) -> Vec<String> {
    let tensor = info.message(2).message(1);
    assert_eq!(tensor.int(1), Some(1), "float element type");
    tensor
        .message(2)
        .messages(1)
        .iter()
        .map(|d| d.string(2).unwrap_or_else(|| d.int(1).unwrap().to_string()))
        .collect()
}

fn parse_model(bytes: &[u8]) -> OnnxModel {
    let model = decode(bytes);
    let graph = model.message(7);
    let opset = model.message(8);
    assert_eq!(opset.string(1).unwrap_or_default(), "", "default domain");
    let initializers = graph
        .messages(5)
        .iter()
        .map(|t| {
            let dims = t.ints(1);
            let raw = t.bytes(9).unwrap_or(&[]);
            let name = t.string(8).unwrap();
            let tensor = match t.int(2) {
                Some(1) => {
                    let data: Vec<f32> = raw
                        .chunks_exact(4)
                        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
                        .collect();
                    let (rows, cols) = match dims.as_slice() {
                        [] => (1, 1),
                        [n] => (1, *n as usize),
                        [r, c] => (*r as usize, *c as usize),
                        other => panic!("unexpected dims {other:?}"),
                    };
                    Tensor::new(rows, cols, data)
                }
                Some(7) => {
                    let ints: Vec<i64> = raw
                        .chunks_exact(8)
                        .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
                        .collect();
                    Tensor {
                        rows: 1,
                        cols: ints.len(),
                        data: Vec::new(),
                        ints,
                    }
                }
                other => panic!("unexpected tensor type {other:?}"),
            };
            (name, tensor)
        })
        .collect();
    let nodes = graph
        .messages(1)
        .iter()
        .map(|n| {
            let outputs = n.strings(2);
            assert_eq!(outputs.len(), 1);
            Node {
                op: n.string(4).unwrap(),
                inputs: n.strings(1),
                output: outputs[0].clone(),
                attributes: n
                    .messages(5)
                    .into_iter()
                    .map(|a| (a.string(1).unwrap(), a))
                    .collect(),
            }
        })
        .collect();
    let input = graph.message(11);
    let output = graph.message(12);
    OnnxModel {
        ir_version: model.int(1).unwrap(),
        opset: opset.int(2).unwrap(),
        producer: model.string(2).unwrap(),
        input: (input.string(1).unwrap(), shape_of(&input)),
        output: (output.string(1).unwrap(), shape_of(&output)),
        initializers,
        nodes,
        metadata: model
            .messages(14)
            .iter()
            .map(|e| (e.string(1).unwrap(), e.string(2).unwrap()))
            .collect(),
    }
}

impl OnnxModel {
    fn run(&self, x: &ndarray::Array2<f32>) -> Tensor {
        let mut values: Vec<(String, Tensor)> = self.initializers.clone();
        values.push((
            self.input.0.clone(),
            Tensor::new(x.nrows(), x.ncols(), x.iter().copied().collect()),
        ));
        for node in &self.nodes {
            let get = |i: usize| -> &Tensor {
                let name = &node.inputs[i];
                &values
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .unwrap_or_else(|| panic!("{} reads '{name}' before it exists", node.op))
                    .1
            };
            let out = match node.op.as_str() {
                "Gemm" => {
                    assert_eq!(node.attr_i("transB").unwrap_or(0), 0);
                    let (a, b, c) = (get(0), get(1), get(2));
                    assert_eq!(a.cols, b.rows, "Gemm inner dimensions");
                    let mut data = vec![0.0; a.rows * b.cols];
                    for r in 0..a.rows {
                        for j in 0..b.cols {
                            data[r * b.cols + j] = (0..a.cols)
                                .map(|k| a.data[r * a.cols + k] * b.data[k * b.cols + j])
                                .sum::<f32>()
                                + c.data[j];
                        }
                    }
                    Tensor::new(a.rows, b.cols, data)
                }
                "Relu" => get(0).map(|v| v.max(0.0)),
                "Tanh" => get(0).map(f32::tanh),
                "Sigmoid" => get(0).map(|v| 1.0 / (1.0 + (-v).exp())),
                "LeakyRelu" => {
                    let alpha = node.attr_f("alpha").unwrap();
                    get(0).map(|v| if v > 0.0 { v } else { alpha * v })
                }
                "Elu" => {
                    let alpha = node.attr_f("alpha").unwrap();
                    get(0).map(|v| if v > 0.0 { v } else { alpha * (v.exp() - 1.0) })
                }
                "Softplus" => get(0).map(|v| (1.0 + v.exp()).ln()),
                "Erf" => get(0).map(libm::erff),
                "Sin" => get(0).map(f32::sin),
                "Softmax" => {
                    assert_eq!(node.attr_i("axis"), Some(1));
                    let t = get(0);
                    let mut data = t.data.clone();
                    for row in data.chunks_mut(t.cols) {
                        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                        let sum: f32 = row.iter().map(|v| (v - max).exp()).sum();
                        row.iter_mut().for_each(|v| *v = (*v - max).exp() / sum);
                    }
                    Tensor::new(t.rows, t.cols, data)
                }
                "Add" => get(0).zip(get(1), |a, b| a + b),
                "Sub" => get(0).zip(get(1), |a, b| a - b),
                "Mul" => get(0).zip(get(1), |a, b| a * b),
                "Greater" => get(0).zip(get(1), |a, b| if a > b { 1.0 } else { 0.0 }),
                "Cast" => {
                    assert_eq!(node.attr_i("to"), Some(1));
                    get(0).clone()
                }
                "Gather" => {
                    assert_eq!(node.attr_i("axis"), Some(1));
                    let (t, idx) = (get(0), get(1));
                    assert_eq!(idx.ints.len(), 1);
                    let k = idx.ints[0] as usize;
                    Tensor::new(
                        t.rows,
                        1,
                        (0..t.rows).map(|r| t.data[r * t.cols + k]).collect(),
                    )
                }
                "Concat" => {
                    assert_eq!(node.attr_i("axis"), Some(1));
                    let parts: Vec<&Tensor> = (0..node.inputs.len()).map(get).collect();
                    let rows = parts[0].rows;
                    let cols: usize = parts.iter().map(|p| p.cols).sum();
                    let mut data = Vec::with_capacity(rows * cols);
                    for r in 0..rows {
                        for p in &parts {
                            data.extend_from_slice(&p.data[r * p.cols..(r + 1) * p.cols]);
                        }
                    }
                    Tensor::new(rows, cols, data)
                }
                other => panic!("the interpreter does not know {other}"),
            };
            values.push((node.output.clone(), out));
        }
        values
            .into_iter()
            .rev()
            .find(|(n, _)| *n == self.output.0)
            .expect("the graph writes its output")
            .1
    }
}

/// Runs Python's ONNX checker on files when the `onnx` package is importable; otherwise says so
/// (the test suite does not depend on pip). One Python process checks them all: starting it and
/// importing onnx is slow.
fn python_check(paths: &[PathBuf]) {
    let available = matches!(Command::new("python3").args(["-c", "import onnx"]).output(), Ok(o) if o.status.success());
    if !available {
        eprintln!(
            "note: Python's onnx package is not installed; skipping onnx.checker for {} file(s)",
            paths.len()
        );
        return;
    }
    let script = "import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint('ok')";
    let mut args = vec!["-c", script];
    args.extend(paths.iter().map(|p| path_str(p)));
    let o = Command::new("python3")
        .args(&args)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success() && stdout(&o).contains("ok"),
        "onnx.checker rejected a file: {}",
        stderr(&o)
    );
}

fn assert_close(a: &[f32], b: &[f32], tol: f32, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * (1.0 + y.abs()),
            "{what}: value {i}: {x} vs {y}"
        );
    }
}

#[test]
fn the_exported_onnx_file_decodes_runs_and_matches_predict() {
    let dir = temp_dir("onnx");
    let model = dir.join("m.json");
    let exported = dir.join("m.onnx");
    ok(&[
        "train",
        "--dataset",
        "circle",
        "--features",
        "x1,x2,x1_squared,x2_squared,sin_x1",
        "--layers",
        "6,3",
        "--scaling",
        "standardize",
        "--epochs",
        "3",
        "--save",
        path_str(&model),
        "--export",
        path_str(&exported),
    ]);
    let m = parse_model(&std::fs::read(&exported).unwrap());
    assert_eq!(
        (m.ir_version, m.opset, m.producer.as_str()),
        (onnx::IR_VERSION, 13, "nnplay")
    );
    // The graph takes the raw point and computes the features itself.
    assert_eq!(
        m.input,
        ("input".to_string(), vec!["N".to_string(), "2".to_string()])
    );
    assert_eq!(
        m.output,
        ("output".to_string(), vec!["N".to_string(), "1".to_string()])
    );
    let ops: Vec<&str> = m.nodes.iter().map(|n| n.op.as_str()).collect();
    assert_eq!(
        ops,
        [
            "Gather", "Gather", "Mul", "Mul", "Sin", "Concat", "Sub", "Mul", "Gemm", "Tanh",
            "Gemm", "Tanh", "Gemm", "Sigmoid"
        ]
    );
    let kernel = &m
        .initializers
        .iter()
        .find(|(n, _)| n == "dense_1/kernel")
        .unwrap()
        .1;
    assert_eq!((kernel.rows, kernel.cols), (5, 6));
    assert!(
        m.metadata
            .iter()
            .any(|(k, v)| k == "classes" && v.contains("inside")),
        "{:?}",
        m.metadata
    );

    // Same numbers as `nnplay predict` on the same raw points.
    let points = dir.join("points.csv");
    let x = ndarray::array![[0.0f32, 0.0], [1.5, -2.0], [4.0, 3.0], [-5.5, 0.5]];
    std::fs::write(&points, "x1,x2\n0,0\n1.5,-2\n4,3\n-5.5,0.5\n").unwrap();
    let predicted: Vec<f32> = ok(&[
        "predict",
        "--model",
        path_str(&model),
        "--csv",
        path_str(&points),
    ])
    .lines()
    .skip(1)
    .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
    .collect();
    let onnx_out = m.run(&x);
    assert_close(&onnx_out.data, &predicted, 1e-5, "ONNX vs predict");
    python_check(&[exported]);
}

#[test]
fn every_activation_exports_to_an_equivalent_graph() {
    let dir = temp_dir("onnx-acts");
    let x = ndarray::array![
        [0.3f32, -1.2, 2.0],
        [-0.7, 0.1, 0.0],
        [1.9, 2.5, -3.1],
        [0.0, 0.0, 0.0]
    ];
    let scaler = Scaler::fit(x.view(), Scaling::Standardize);
    let mut files = Vec::new();
    for (i, act) in Activation::all()
        .into_iter()
        .filter(|a| !a.is_row_wise())
        .enumerate()
    {
        for (output, outputs) in [(Activation::Softmax, 3), (Activation::Linear, 2)] {
            let config = NetworkConfig::new(3, &[4, 3], act, LayerConfig::new(outputs, output))
                .with_seed(i as u64);
            let net = Network::new(&config).unwrap();
            let bytes = onnx::export(
                &net,
                &OnnxOptions {
                    scaler: Some(&scaler),
                    ..OnnxOptions::default()
                },
            )
            .unwrap();
            let m = parse_model(&bytes);
            let expected = net.predict(scaler.transform(x.view()).view()).unwrap();
            let got = m.run(&x);
            assert_eq!((got.rows, got.cols), (4, outputs));
            assert_close(
                &got.data,
                expected.as_slice().unwrap(),
                1e-5,
                &format!("{act} → {output}"),
            );
            let path = dir.join(format!("{i}-{outputs}.onnx"));
            std::fs::write(&path, &bytes).unwrap();
            files.push(path);
        }
    }
    python_check(&files);
}

#[test]
fn features_alone_and_raw_inputs_export_the_right_input_width() {
    let config = NetworkConfig::new(
        7,
        &[8],
        Activation::Relu,
        LayerConfig::new(1, Activation::Sigmoid),
    );
    let net = Network::new(&config).unwrap();
    let all = FeatureSet::all();
    let m = parse_model(
        &onnx::export(
            &net,
            &OnnxOptions {
                features: Some(&all),
                ..OnnxOptions::default()
            },
        )
        .unwrap(),
    );
    assert_eq!(m.input.1, ["N", "2"]);
    let points = ndarray::array![[1.0f32, -2.0], [0.5, 3.0]];
    let expected = net
        .predict(all.expand(points.view()).unwrap().view())
        .unwrap();
    assert_close(
        &m.run(&points).data,
        expected.as_slice().unwrap(),
        1e-5,
        "all seven features",
    );
    // A feature set that does not match the network is refused, not written.
    let two = FeatureSet::default();
    assert!(matches!(
        onnx::export(
            &net,
            &OnnxOptions {
                features: Some(&two),
                ..OnnxOptions::default()
            }
        ),
        Err(NnError::InputDim {
            expected: 7,
            got: 2
        })
    ));
    let three = FeatureSet::parse_list("x1,x2,x1_x2").unwrap();
    assert!(matches!(
        onnx::export(
            &net,
            &OnnxOptions {
                features: Some(&three),
                ..OnnxOptions::default()
            }
        ),
        Err(NnError::InputDim {
            expected: 7,
            got: 3
        })
    ));
}
