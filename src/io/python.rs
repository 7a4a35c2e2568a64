//! What the Keras and PyTorch exports share: Python literals for the weights (exact: each one
//! reads back as the same f32), the module docstring, the input pipeline's arithmetic, and the
//! plain-Python tail that reads a CSV file and prints predictions as `nnplay predict` does. Each
//! framework's file ([`super::keras`], [`super::pytorch`]) adds only its own model code.

use super::export::ExportModel;
use crate::data::{Feature, Task};
use crate::nn::activation::{Activation, StepGradient};

/// A Python float literal that reads back (Python parses it as a double, numpy or torch then
/// rounds to float32) as exactly `v`.
///
/// The shortest decimal that reads back as `v` when parsed straight to f32 almost always also
/// survives the detour through f64; where it would not, the exact decimal of `v` widened to f64
/// is written instead (longer, but then no rounding happens at all).
pub(crate) fn float(v: f32) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let short = if (1e-4..1e16).contains(&v.abs()) {
        let s = v.to_string();
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        format!("{v:e}")
    };
    if short.parse::<f64>().map(|d| d as f32) == Ok(v) {
        short
    } else {
        format!("{:e}", v as f64)
    }
}

/// `[a, b, c]`.
pub(crate) fn vector(values: &[f32]) -> String {
    let cells: Vec<String> = values.iter().map(|&v| float(v)).collect();
    format!("[{}]", cells.join(", "))
}

/// A row-major `rows × cols` matrix as a list of lists, one row per line, each line indented by
/// `indent` spaces (the opening bracket is not).
pub(crate) fn matrix(values: &[f32], cols: usize, indent: usize) -> String {
    let pad = " ".repeat(indent + 4);
    let rows: Vec<String> = values
        .chunks(cols.max(1))
        .map(|row| format!("{pad}{},", vector(row)))
        .collect();
    format!("[\n{}\n{}]", rows.join("\n"), " ".repeat(indent))
}

/// A Python string literal (JSON's escapes are all valid Python escapes).
pub(crate) fn string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// `["a", "b"]`.
pub(crate) fn strings(names: &[String]) -> String {
    let cells: Vec<String> = names.iter().map(|n| string(n)).collect();
    format!("[{}]", cells.join(", "))
}

/// What a step unit's gradient is, in words, for comments in the files.
pub(crate) fn step_gradient_words(gradient: StepGradient) -> &'static str {
    match gradient {
        StepGradient::Perceptron => "the gradient passes through unchanged (perceptron rule)",
        StepGradient::StraightThrough => "the gradient passes where |z| <= 1, zero elsewhere",
        StepGradient::Exact => "zero, the true derivative: nothing before the step learns",
    }
}

/// The module docstring: what the file is, the network, the pipeline and how to use it.
pub(crate) fn docstring(m: &ExportModel, framework: &str, extra_usage: &str) -> String {
    let mut pipeline = Vec::new();
    if let Some(f) = &m.features {
        pipeline.push(format!(
            "derived features {} of the point (x1, x2)",
            f.names().join(", ")
        ));
    }
    if let Some(s) = &m.scaler {
        pipeline.push(format!(
            "{} scaling, (x - offset) * scale",
            match s.kind {
                crate::data::Scaling::Standardize => "standardize",
                crate::data::Scaling::MinMax => "min-max",
                crate::data::Scaling::None => "no",
            }
        ));
    }
    let pipeline = if pipeline.is_empty() {
        "none: the raw row is the network's input".to_string()
    } else {
        format!("{} (inside the model)", pipeline.join(", then "))
    };
    let outputs = match m.task {
        Task::BinaryClassification => format!(
            "the probability of class {} (two classes: {})",
            string(&m.classes[1]),
            m.classes.join(", ")
        ),
        Task::MultiClassification { .. } => {
            format!("one probability per class ({})", m.classes.join(", "))
        }
        Task::Regression => "the predicted value(s)".to_string(),
    };
    let text = format!(
        r#"A model trained by nnplay {version}, exported for {framework}.

Network:  {arch}
Inputs:   raw rows of {width} column(s) {inputs}, as `nnplay predict` reads them
Pipeline: {pipeline}
Outputs:  {outputs}

Run it on a CSV file (a header row is optional; with one, the columns named like
INPUTS are read, otherwise the first {width}) to print its predictions:

    python model.py rows.csv      (model.py being this file)

or import it: `build_model()` returns the model with the trained weights set.
{extra_usage}"#,
        version = env!("CARGO_PKG_VERSION"),
        arch = m.architecture(),
        width = m.raw_width(),
        inputs = m.inputs.join(", "),
    );
    // Class and column names come from the user's file: a backslash or three quotes in one must
    // not end the docstring or start an escape.
    format!(
        "\"\"\"{}\"\"\"\n",
        text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\"\"")
    )
}

/// The constants every file starts with: raw column names, task, classes.
pub(crate) fn constants(m: &ExportModel) -> String {
    format!(
        "# The raw columns a row holds, in order.\nINPUTS = {}\n# What the outputs mean.\nTASK = {}\nCLASSES = {}\n",
        strings(&m.inputs),
        string(m.task.file_token()),
        strings(&m.classes)
    )
}

/// The scaler's numbers as two constants, or nothing.
pub(crate) fn scaler_constants(m: &ExportModel) -> String {
    match &m.scaler {
        Some(s) => format!(
            "# Input scaling fitted at training time: column j becomes (x[j] - SCALE_OFFSET[j]) * SCALE[j].\nSCALE_OFFSET = {}\nSCALE = {}\n",
            vector(&s.offset),
            vector(&s.scale)
        ),
        None => String::new(),
    }
}

/// How a framework spells the few operations the pipeline needs.
pub(crate) struct Ops {
    /// Element-wise sine, e.g. `ops.sin`.
    pub sin: &'static str,
    /// Concatenation of a Python list of [N, 1] columns along axis 1, `{}` standing for the list.
    pub concat: &'static str,
}

/// The body of the pipeline's forward function (`x` in, the network's input returned), indented
/// by eight spaces: derived features by the same arithmetic as [`Feature::value`], then the
/// scaling as (x − offset)·scale, exactly the order and operations nnplay uses.
pub(crate) fn pipeline_body(m: &ExportModel, ops: &Ops, offset: &str, scale: &str) -> String {
    let mut lines = Vec::new();
    if let Some(f) = &m.features {
        let needs = |list: [Feature; 4]| f.features().iter().any(|g| list.contains(g));
        let x1 = needs([
            Feature::X1,
            Feature::X1Squared,
            Feature::X1X2,
            Feature::SinX1,
        ]);
        let x2 = needs([
            Feature::X2,
            Feature::X2Squared,
            Feature::X1X2,
            Feature::SinX2,
        ]);
        if x1 {
            lines.push("x1 = x[:, 0:1]".to_string());
        }
        if x2 {
            lines.push("x2 = x[:, 1:2]".to_string());
        }
        let columns: Vec<String> = f
            .features()
            .iter()
            .map(|feature| match feature {
                Feature::X1 => "x1".to_string(),
                Feature::X2 => "x2".to_string(),
                Feature::X1Squared => "x1 * x1".to_string(),
                Feature::X2Squared => "x2 * x2".to_string(),
                Feature::X1X2 => "x1 * x2".to_string(),
                Feature::SinX1 => format!("{}(x1)", ops.sin),
                Feature::SinX2 => format!("{}(x2)", ops.sin),
            })
            .collect();
        let list = format!("[{}]", columns.join(", "));
        lines.push(format!(
            "# {}",
            f.names()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        lines.push(format!("x = {}", ops.concat.replace("{}", &list)));
    }
    if m.scaler.is_some() {
        lines.push(format!("x = (x - {offset}) * {scale}"));
    }
    lines.push("return x".into());
    lines
        .iter()
        .map(|l| format!("        {l}\n"))
        .collect::<String>()
}

/// True when the model has a pipeline layer in front of the network.
pub(crate) fn has_pipeline(m: &ExportModel) -> bool {
    m.features.is_some() || m.scaler.is_some()
}

/// The step gradient rules the model's layers use, each once, in layer order (each file
/// defines one step function per rule).
pub(crate) fn step_gradients(m: &ExportModel) -> Vec<StepGradient> {
    let mut seen = Vec::new();
    for layer in m.network.layers() {
        if let Activation::Step { gradient } = layer.activation {
            if !seen.contains(&gradient) {
                seen.push(gradient);
            }
        }
    }
    seen
}

/// The plain-Python tail shared by both files: read a CSV file, run `predict_rows` (which each
/// file defines: rows of floats in, rows of outputs out) and print what `nnplay predict` prints.
pub(crate) const CSV_MAIN: &str = r#"
def read_rows(path):
    """The rows of a CSV file as lists of floats, one per row, len(INPUTS) values each."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"{path}: the file is empty")
    delimiter = max("\t;,", key=lines[0].count) if any(d in lines[0] for d in "\t;,") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))

    def is_number(cell):
        try:
            float(cell)
            return True
        except ValueError:
            return False

    columns = list(range(len(INPUTS)))
    start = 0
    if not all(is_number(cell) for cell in rows[0]):
        header = [cell.strip() for cell in rows[0]]
        if all(name in header for name in INPUTS):
            columns = [header.index(name) for name in INPUTS]
        start = 1
    values = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if len(row) <= max(columns):
            raise SystemExit(
                f"{path}: row {number} has {len(row)} columns, {max(columns) + 1} needed"
            )
        try:
            values.append([float(row[j]) for j in columns])
        except ValueError as e:
            raise SystemExit(f"{path}: row {number}: {e}")
    return values


def print_predictions(outputs):
    """Prints outputs as `nnplay predict` does: the value(s) for regression; the class, then one
    probability per class, for classification."""
    if TASK == "regression":
        width = len(outputs[0]) if outputs else 1
        print(",".join(["prediction"] if width == 1 else [f"prediction{k + 1}" for k in range(width)]))
        for row in outputs:
            print(",".join(f"{float(v):.9g}" for v in row))
        return
    def cell(text):
        if any(c in text for c in ',";\t\n') or text.strip() != text:
            return '"' + text.replace('"', '""') + '"'
        return text

    header = [f"p({name.replace(',', '_').replace(chr(34), '_')})" for name in CLASSES]
    print(",".join(["prediction"] + header))
    for row in outputs:
        row = [float(v) for v in row]
        if len(row) == 1:
            probabilities = [1.0 - row[0], row[0]]
            best = 1 if row[0] >= 0.5 else 0
        else:
            probabilities = row
            best = max(range(len(row)), key=lambda k: (row[k], -k))
        print(",".join([cell(CLASSES[best])] + [f"{p:.6f}" for p in probabilities]))


def main(argv):
    if len(argv) != 2:
        print(f"usage: python {argv[0]} rows.csv", file=sys.stderr)
        return 2
    print_predictions(predict_rows(build_model(), read_rows(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_literals_read_back_through_f64_as_the_same_f32() {
        let values = [
            0.1f32,
            -0.0,
            1.0,
            3.0e-7,
            1.0e-45,
            f32::MAX,
            -123_456.79,
            0.333_333_34,
            16_777_216.0,
        ];
        for v in values {
            let text = float(v);
            let back = text.parse::<f64>().unwrap() as f32;
            assert_eq!(back.to_bits(), v.to_bits(), "{v} written as {text}");
            assert!(text.contains(['.', 'e']), "{text} would be a Python int");
        }
        assert_eq!(float(0.5), "0.5");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(1.5e-7), "1.5e-7");
    }

    #[test]
    fn matrices_are_written_row_by_row() {
        assert_eq!(
            matrix(&[1.0, 2.0, 3.0, 4.0], 2, 4),
            "[\n        [1.0, 2.0],\n        [3.0, 4.0],\n    ]"
        );
        assert_eq!(string("a \"b\"\n"), r#""a \"b\"\n""#);
    }
}
