//! Helpers of tests/export.rs and tests/export_cli.rs: finding the Python that referees the
//! exports (`NNPLAY_PYTHON`), running jobs through tests/python/run_exports.py, comparing
//! outputs, and reading a PyTorch export back without torch.
#![allow(dead_code)] // each test crate uses its own share

use nnplay::io::model_file::ModelFile;
use nnplay::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How far an exported model's outputs may be from nnplay's.
pub const TOLERANCE: f32 = 1e-5;

/// A fresh directory for one test's files.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nnplay-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes to the terminal past the test harness's capture, so that a skipped check is seen in
/// a passing run, not only in a failing one.
pub fn notice(message: &str) {
    let _ = writeln!(std::io::stderr(), "\n######## export check: {message}\n");
}

/// The referee Python, or `None` (with a loud notice) when `NNPLAY_PYTHON` is unset.
pub fn python() -> Option<PathBuf> {
    match std::env::var_os("NNPLAY_PYTHON") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            notice(
                "NNPLAY_PYTHON IS NOT SET: the exports are NOT run in onnxruntime, Keras or torch \
                 (make the venv with scripts/python-env.sh, or run scripts/test.sh)",
            );
            None
        }
    }
}

/// True when `NNPLAY_PYTHON` is set and imports `module`.
pub fn python_has(module: &str) -> bool {
    let Some(p) = std::env::var_os("NNPLAY_PYTHON").filter(|p| !p.is_empty()) else {
        return false;
    };
    Command::new(p)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `jobs` (see tests/python/run_exports.py) in the referee Python; `None` when there is
/// none. A Python that is set but fails makes the test fail, with its error.
pub fn run_in_python(what: &str, dir: &Path, jobs: &[Value]) -> Option<Vec<Value>> {
    let python = python()?;
    let request = dir.join("request.json");
    std::fs::write(&request, serde_json::to_vec(jobs).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/run_exports.py");
    let output = Command::new(&python)
        .arg(&script)
        .arg(&request)
        .env("KERAS_BACKEND", "jax")
        .output()
        .unwrap_or_else(|e| panic!("NNPLAY_PYTHON={} does not run: {e}", python.display()));
    assert!(
        output.status.success(),
        "{what} rejected the exports (NNPLAY_PYTHON={}):\n{}",
        python.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: the answer is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    assert_eq!(answers.len(), jobs.len(), "{what}: one answer per job");
    Some(answers)
}

/// Parses every job's Python file (catches a syntax error even without the frameworks).
pub fn python_syntax_check(jobs: &[Value]) {
    let python = std::env::var_os("NNPLAY_PYTHON")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into());
    let script = "import ast, sys\nfor p in sys.argv[1:]:\n    ast.parse(open(p, encoding='utf-8').read(), p)\n";
    let paths: Vec<&str> = jobs.iter().filter_map(|j| j["path"].as_str()).collect();
    match Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(&paths)
        .output()
    {
        Ok(o) => assert!(
            o.status.success(),
            "a generated Python file does not parse:\n{}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => notice("no Python at all: the generated files' syntax is not checked"),
    }
}

pub fn rows_json(x: &ndarray::Array2<f32>) -> Value {
    Value::from(
        x.rows()
            .into_iter()
            .map(|r| r.iter().map(|&v| v as f64).collect::<Vec<f64>>())
            .collect::<Vec<_>>(),
    )
}

pub fn matrix_of(value: &Value) -> ndarray::Array2<f32> {
    let rows: Vec<Vec<f32>> = value
        .as_array()
        .expect("a list of rows")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("a row")
                .iter()
                .map(|v| v.as_f64().expect("a number") as f32)
                .collect()
        })
        .collect();
    let cols = rows.first().map_or(0, Vec::len);
    ndarray::Array2::from_shape_vec((rows.len(), cols), rows.concat()).unwrap()
}

/// Asserts equal shapes and every value within [`TOLERANCE`]; returns the largest difference.
pub fn assert_close(got: &ndarray::Array2<f32>, want: &ndarray::Array2<f32>, what: &str) -> f32 {
    assert_eq!(got.dim(), want.dim(), "{what}: shape");
    let mut worst = 0.0f32;
    for ((i, j), &w) in want.indexed_iter() {
        let d = (got[[i, j]] - w).abs();
        assert!(
            d <= TOLERANCE,
            "{what}: row {i}, output {j}: {} vs nnplay {w}",
            got[[i, j]]
        );
        worst = worst.max(d);
    }
    worst
}

pub fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// A PyTorch export read back as text: its `STATE` tensors and its `nn.Sequential` modules.
pub struct TorchFile {
    /// Name → (shape, values in row-major order), each value read as Python reads it (a double,
    /// then rounded to float32).
    pub state: BTreeMap<String, (Vec<usize>, Vec<f32>)>,
    /// The modules of the Sequential, as written.
    pub modules: Vec<String>,
    /// Index of each `nn.Linear` among the modules.
    pub linear: Vec<usize>,
}

impl TorchFile {
    pub fn parse(text: &str) -> TorchFile {
        let block = between(text, "\nSTATE = {\n", "\n}\n");
        let mut state = BTreeMap::new();
        let mut rest = block;
        while let Some(start) = rest.find('"') {
            let after = &rest[start + 1..];
            let end = after.find('"').expect("a closed key");
            let name = after[..end].to_string();
            let value = after[end + 1..].trim_start_matches([':', ' ']);
            let (shape, values, tail) = nested(value);
            state.insert(name, (shape, values));
            rest = tail;
        }
        let modules: Vec<String> = between(text, "model = nn.Sequential(\n", "\n    )\n")
            .lines()
            .map(|l| l.trim().trim_end_matches(',').to_string())
            .collect();
        let linear = (0..modules.len())
            .filter(|&i| modules[i].starts_with("nn.Linear("))
            .collect();
        TorchFile {
            state,
            modules,
            linear,
        }
    }

    /// The forward pass the modules and tensors describe, computed here with nnplay's own
    /// activations (the pipeline by the model file's: the Keras run checks that code).
    pub fn forward(&self, file: &ModelFile, rows: &ndarray::Array2<f32>) -> ndarray::Array2<f32> {
        let mut x = file.network_inputs(rows.view()).unwrap();
        for (i, module) in self.modules.iter().enumerate() {
            if module.starts_with("nn.Linear(") {
                let (w_shape, w) = &self.state[&format!("{i}.weight")];
                let (_, b) = &self.state[&format!("{i}.bias")];
                let w =
                    ndarray::Array2::from_shape_vec((w_shape[0], w_shape[1]), w.clone()).unwrap();
                x = x.dot(&w.t()) + &ndarray::Array1::from(b.clone());
                continue;
            }
            let act = match module.as_str() {
                "InputPipeline()" => continue,
                m if m.starts_with("nn.Dropout(") => continue,
                "nn.Sigmoid()" => Activation::Sigmoid,
                "nn.Tanh()" => Activation::Tanh,
                "nn.ReLU()" => Activation::Relu,
                "nn.Softplus()" => Activation::Softplus,
                "nn.GELU()" => Activation::Gelu,
                "nn.Softmax(dim=-1)" => Activation::Softmax,
                "Step()" => Activation::Step {
                    gradient: StepGradient::Perceptron,
                },
                "StepSte()" => Activation::Step {
                    gradient: StepGradient::StraightThrough,
                },
                "StepExact()" => Activation::Step {
                    gradient: StepGradient::Exact,
                },
                m if m.starts_with("nn.LeakyReLU(negative_slope=") => {
                    Activation::LeakyRelu { slope: argument(m) }
                }
                m if m.starts_with("nn.ELU(alpha=") => Activation::Elu { alpha: argument(m) },
                other => panic!("the read-back does not know the module {other}"),
            };
            let cols = x.ncols();
            let z = x.as_standard_layout().into_owned();
            act.forward(z.as_slice().unwrap(), x.as_slice_mut().unwrap(), cols);
        }
        x
    }
}

/// The text between the first `start` and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in the file"))
        + start.len();
    let to = text[from..].find(end).expect("the block closes") + from;
    &text[from..to]
}

/// The number inside `name(key=NUMBER)`.
fn argument(module: &str) -> f32 {
    let inner = module.split_once('=').unwrap().1.trim_end_matches(')');
    inner.parse::<f64>().unwrap() as f32
}

/// Reads a nested list of numbers at the start of `s`: its shape, its values row-major and the
/// text after it.
fn nested(s: &str) -> (Vec<usize>, Vec<f32>, &str) {
    let s = s.trim_start();
    if let Some(mut rest) = s.strip_prefix('[') {
        let mut values = Vec::new();
        let mut inner_shape: Option<Vec<usize>> = None;
        let mut count = 0;
        loop {
            rest = rest.trim_start().trim_start_matches(',').trim_start();
            if let Some(after) = rest.strip_prefix(']') {
                let mut shape = vec![count];
                shape.extend(inner_shape.unwrap_or_default());
                return (shape, values, after);
            }
            let (shape, v, after) = nested(rest);
            assert!(
                inner_shape.as_ref().is_none_or(|s| *s == shape),
                "ragged list"
            );
            inner_shape = Some(shape);
            values.extend(v);
            count += 1;
            rest = after;
        }
    }
    let end = s.find([',', ']']).unwrap_or(s.len());
    let v: f64 = s[..end]
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {:?}", &s[..end]));
    (Vec::new(), vec![v as f32], &s[end..])
}
