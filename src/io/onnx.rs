//! Export of a network to ONNX, so a model trained here runs in onnxruntime, Netron, OpenCV…
//!
//! The file is an ONNX `ModelProto` (opset 13, IR version 7) written by hand: protobuf's wire
//! format is small (varints, length-prefixed fields), so a few dozen lines here replace a
//! protobuf code generator and its build step. Field numbers are those of `onnx/onnx.proto`.
//!
//! # The graph
//! - input `input`, float [N, in_dim] with a symbolic batch dimension `N`;
//! - when the network was trained on derived features of a 2-D point (x1², sin x1, …, see
//!   [`FeatureSet`]), the input is the raw point [N, 2] and the graph computes the features:
//!   `Gather` of each coordinate, `Mul` for squares and products, `Sin`, then `Concat`;
//! - when a fitted [`Scaler`] is given: `Sub` (offset) then `Mul` (scale), so the model takes
//!   the raw inputs, as `nnplay predict` does;
//! - per dense layer a `Gemm` (transB = 0: our kernels are stored (in_dim, out_dim), which is
//!   Gemm's B layout) followed by its activation: `Relu`, `Tanh`, `Sigmoid`, `LeakyRelu` (alpha),
//!   `Elu` (alpha), `Softplus`, `Softmax` (axis 1), GELU as 0.5·z·(1 + Erf(z/√2)) (opset 13 has
//!   no Gelu operator), step as `Cast(Greater(z, 0))`, and nothing for linear;
//! - output `output`, float [N, out_dim];
//! - weights are float initializers (`raw_data`, little-endian). Dropout is a training-time
//!   operation and does not appear.
//!
//! ```
//! use nnplay::prelude::*;
//! let config = NetworkConfig::new(2, &[3], Activation::Tanh, LayerConfig::new(1, Activation::Sigmoid));
//! let net = Network::new(&config).unwrap();
//! let bytes = nnplay::onnx::export(&net, &nnplay::onnx::OnnxOptions::default()).unwrap();
//! assert!(bytes.len() > (2 * 3 + 3 + 3 + 1) * 4);
//! ```

use crate::data::{Feature, FeatureSet, Scaler, Scaling, Task};
use crate::error::NnError;
use crate::io::export::ExportModel;
use crate::io::model_file::ModelFile;
use crate::nn::activation::Activation;
use crate::nn::network::Network;

/// The operator set the graph is written for (ONNX 1.8, 2020; every runtime in use reads it).
pub const OPSET: i64 = 13;
/// The IR version that goes with opset 13.
pub const IR_VERSION: i64 = 7;
/// Name of the graph's input tensor.
pub const INPUT_NAME: &str = "input";
/// Name of the graph's output tensor.
pub const OUTPUT_NAME: &str = "output";
/// Name of the symbolic batch dimension.
pub const BATCH_DIM: &str = "N";

/// Protobuf caps a message at 2 GiB; a model bigger than that cannot be one ONNX file.
const MAX_BYTES: usize = i32::MAX as usize;

// ONNX enum values (onnx.proto: TensorProto.DataType, AttributeProto.AttributeType).
const FLOAT: i64 = 1;
const INT64: i64 = 7;
const ATTR_FLOAT: i64 = 1;
const ATTR_INT: i64 = 2;

/// What goes into the file besides the network.
#[derive(Clone, Debug, Default)]
pub struct OnnxOptions<'a> {
    /// Input scaling fitted at training time, applied inside the graph (skipped when `None` or
    /// when its kind is `Scaling::None`). It applies to the features, after their expansion.
    pub scaler: Option<&'a Scaler>,
    /// The derived features the network's inputs are, computed inside the graph from a raw
    /// point (x1, x2). `None` (or exactly x1, x2) means the input is the network's input.
    pub features: Option<&'a FeatureSet>,
    /// Free-form key/value pairs stored as the model's `metadata_props` (class names, features…).
    pub metadata: Vec<(String, String)>,
    /// Stored as the model's `doc_string`.
    pub doc: String,
}

/// Encodes `net` as an ONNX model (see the module docs for the graph).
///
/// Fails only when the scaler does not match the network's input width or when the model would
/// not fit in one protobuf message (2 GiB).
pub fn export(net: &Network, options: &OnnxOptions) -> Result<Vec<u8>, NnError> {
    if net.n_params().saturating_mul(4) >= MAX_BYTES {
        return Err(NnError::Config(format!(
            "the network has {} parameters, too many for one ONNX file (protobuf messages stop at 2 GiB)",
            net.n_params()
        )));
    }
    let mut graph = GraphBuilder::default();
    let mut current = INPUT_NAME.to_string();
    let mut graph_in_dim = net.in_dim();

    if let Some(features) = options.features {
        if features.len() != net.in_dim() {
            return Err(NnError::InputDim {
                expected: net.in_dim(),
                got: features.len(),
            });
        }
        // x1, x2 as they are: the raw point is already the network's input.
        if features.features() != [Feature::X1, Feature::X2] {
            current = graph.features(features, &current);
            graph_in_dim = 2;
        }
    }

    if let Some(scaler) = options.scaler.filter(|s| s.kind != Scaling::None) {
        if scaler.n_features() != net.in_dim() {
            return Err(NnError::InputDim {
                expected: net.in_dim(),
                got: scaler.n_features(),
            });
        }
        let dims = [net.in_dim() as i64];
        graph.initializer("scaler/offset", &dims, &scaler.offset);
        graph.initializer("scaler/scale", &dims, &scaler.scale);
        graph.node(
            "Sub",
            "scaler/sub",
            &[&current, "scaler/offset"],
            "scaler/centered",
            Vec::new(),
        );
        graph.node(
            "Mul",
            "scaler/mul",
            &["scaler/centered", "scaler/scale"],
            "scaler/scaled",
            Vec::new(),
        );
        current = "scaler/scaled".into();
    }

    let n_layers = net.layers().len();
    for (l, shape) in net.layers().iter().enumerate() {
        let prefix = format!("dense_{}", l + 1);
        let last = l + 1 == n_layers;
        let kernel = format!("{prefix}/kernel");
        let bias = format!("{prefix}/bias");
        graph.initializer(
            &kernel,
            &[shape.in_dim as i64, shape.out_dim as i64],
            net.weights(l).as_slice().unwrap_or(&[]),
        );
        graph.initializer(&bias, &[shape.out_dim as i64], net.biases(l));
        let linear = matches!(shape.activation, Activation::Linear);
        let z = if last && linear {
            OUTPUT_NAME.to_string()
        } else {
            format!("{prefix}/z")
        };
        graph.node(
            "Gemm",
            &format!("{prefix}/gemm"),
            &[&current, &kernel, &bias],
            &z,
            vec![Attribute::int("transB", 0)],
        );
        let a = if last {
            OUTPUT_NAME.to_string()
        } else {
            format!("{prefix}/a")
        };
        current = if linear {
            z
        } else {
            graph.activation(shape.activation, &prefix, &z, &a)
        };
    }

    let mut model = Message::default();
    model.int(1, IR_VERSION);
    model.string(2, "nnplay");
    model.string(3, env!("CARGO_PKG_VERSION"));
    model.int(5, 1);
    if !options.doc.is_empty() {
        model.string(6, &options.doc);
    }
    model.message(7, &graph.finish(graph_in_dim, net.out_dim()));
    let mut opset = Message::default();
    opset.string(1, "");
    opset.int(2, OPSET);
    model.message(8, &opset);
    for (key, value) in &options.metadata {
        let mut entry = Message::default();
        entry.string(1, key);
        entry.string(2, value);
        model.message(14, &entry);
    }
    if model.0.len() >= MAX_BYTES {
        return Err(NnError::Config(
            "the model does not fit in one ONNX file (protobuf messages stop at 2 GiB)".into(),
        ));
    }
    Ok(model.0)
}

/// Encodes a whole model file: its network, with the input pipeline it records (derived
/// features, scaling) inside the graph so that the graph takes raw rows, and its raw column
/// names, task and classes as metadata (`inputs`, `task`, `classes`).
///
/// Fails when the model file is inconsistent (see [`ExportModel::new`]) or too large.
pub fn export_model(file: &ModelFile) -> Result<Vec<u8>, NnError> {
    let m = ExportModel::new(file)?;
    let mut metadata = vec![("inputs".to_string(), m.inputs.join(","))];
    let task = match m.task {
        Task::BinaryClassification => "classification, 2 classes".to_string(),
        Task::MultiClassification { classes } => format!("classification, {classes} classes"),
        Task::Regression => "regression".to_string(),
    };
    metadata.push(("task".into(), task));
    if m.task != Task::Regression {
        metadata.push((
            "classes".into(),
            serde_json::to_string(&m.classes).expect("a list of strings always serialises"),
        ));
    }
    export(
        &m.network,
        &OnnxOptions {
            scaler: m.scaler.as_ref(),
            features: m.features.as_ref(),
            metadata,
            doc: format!("Trained by nnplay: {}.", m.architecture()),
        },
    )
}

/// A node attribute: a name and one float or one integer.
struct Attribute {
    name: &'static str,
    value: AttributeValue,
}

enum AttributeValue {
    Float(f32),
    Int(i64),
}

impl Attribute {
    fn float(name: &'static str, value: f32) -> Self {
        Attribute {
            name,
            value: AttributeValue::Float(value),
        }
    }
    fn int(name: &'static str, value: i64) -> Self {
        Attribute {
            name,
            value: AttributeValue::Int(value),
        }
    }
    fn encode(&self) -> Message {
        let mut m = Message::default();
        m.string(1, self.name);
        match self.value {
            AttributeValue::Float(f) => {
                m.float(2, f);
                m.int(20, ATTR_FLOAT);
            }
            AttributeValue::Int(i) => {
                m.int(3, i);
                m.int(20, ATTR_INT);
            }
        }
        m
    }
}

/// Collects a `GraphProto`'s nodes and initializers in order.
#[derive(Default)]
struct GraphBuilder {
    nodes: Vec<Message>,
    initializers: Vec<Message>,
    constants: Vec<String>,
}

impl GraphBuilder {
    fn node(
        &mut self,
        op: &str,
        name: &str,
        inputs: &[&str],
        output: &str,
        attributes: Vec<Attribute>,
    ) {
        let mut m = Message::default();
        for input in inputs {
            m.string(1, input);
        }
        m.string(2, output);
        m.string(3, name);
        m.string(4, op);
        for a in &attributes {
            m.message(5, &a.encode());
        }
        self.nodes.push(m);
    }

    /// A float tensor initializer (`TensorProto`) with the values in `raw_data`.
    fn initializer(&mut self, name: &str, dims: &[i64], values: &[f32]) {
        let mut t = Message::default();
        for &d in dims {
            t.int(1, d);
        }
        t.int(2, FLOAT);
        t.string(8, name);
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        t.bytes(9, &raw);
        self.initializers.push(t);
    }

    /// A 1-D int64 tensor initializer (indices).
    fn int_initializer(&mut self, name: &str, values: &[i64]) {
        let mut t = Message::default();
        t.int(1, values.len() as i64);
        t.int(2, INT64);
        t.string(8, name);
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        t.bytes(9, &raw);
        self.initializers.push(t);
    }

    /// Adds the nodes computing `features` of the raw points in `input` ([N, 2]); returns the
    /// name of the [N, features.len()] result.
    fn features(&mut self, features: &FeatureSet, input: &str) -> String {
        let uses = |a: Feature, b: Feature, c: Feature, d: Feature| {
            features.features().iter().any(|f| [a, b, c, d].contains(f))
        };
        let coordinate = |g: &mut GraphBuilder, k: i64| {
            let index = format!("features/index_{k}");
            g.int_initializer(&index, &[k]);
            let out = format!("features/x{}", k + 1);
            let gather_attr = vec![Attribute::int("axis", 1)];
            g.node(
                "Gather",
                &format!("features/gather_x{}", k + 1),
                &[input, &index],
                &out,
                gather_attr,
            );
        };
        if uses(
            Feature::X1,
            Feature::X1Squared,
            Feature::X1X2,
            Feature::SinX1,
        ) {
            coordinate(self, 0);
        }
        if uses(
            Feature::X2,
            Feature::X2Squared,
            Feature::X1X2,
            Feature::SinX2,
        ) {
            coordinate(self, 1);
        }
        let (x1, x2) = ("features/x1", "features/x2");
        let mut columns = Vec::new();
        for &f in features.features() {
            let out = format!("features/{}", f.token());
            match f {
                Feature::X1 => columns.push(x1.to_string()),
                Feature::X2 => columns.push(x2.to_string()),
                Feature::X1Squared => self.node("Mul", &out, &[x1, x1], &out, vec![]),
                Feature::X2Squared => self.node("Mul", &out, &[x2, x2], &out, vec![]),
                Feature::X1X2 => self.node("Mul", &out, &[x1, x2], &out, vec![]),
                Feature::SinX1 => self.node("Sin", &out, &[x1], &out, vec![]),
                Feature::SinX2 => self.node("Sin", &out, &[x2], &out, vec![]),
            }
            if !matches!(f, Feature::X1 | Feature::X2) {
                columns.push(out);
            }
        }
        let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        self.node(
            "Concat",
            "features/concat",
            &refs,
            "features/all",
            vec![Attribute::int("axis", 1)],
        );
        "features/all".into()
    }

    /// A scalar constant shared by every node that needs it, added on first use.
    fn constant(&mut self, name: &str, value: f32) -> String {
        if !self.constants.iter().any(|c| c == name) {
            self.constants.push(name.to_string());
            self.initializer(name, &[], &[value]);
        }
        name.to_string()
    }

    /// Adds the nodes computing `act(z)` into `out`; returns `out`.
    fn activation(&mut self, act: Activation, prefix: &str, z: &str, out: &str) -> String {
        let simple = |op: &'static str, attributes: Vec<Attribute>| (op, attributes);
        let single = match act {
            Activation::Linear => None,
            Activation::Sigmoid => Some(simple("Sigmoid", vec![])),
            Activation::Tanh => Some(simple("Tanh", vec![])),
            Activation::Relu => Some(simple("Relu", vec![])),
            Activation::LeakyRelu { slope } => {
                Some(simple("LeakyRelu", vec![Attribute::float("alpha", slope)]))
            }
            Activation::Elu { alpha } => {
                Some(simple("Elu", vec![Attribute::float("alpha", alpha)]))
            }
            Activation::Softplus => Some(simple("Softplus", vec![])),
            Activation::Softmax => Some(simple("Softmax", vec![Attribute::int("axis", 1)])),
            Activation::Step { .. } | Activation::Gelu => None,
        };
        if let Some((op, attributes)) = single {
            self.node(
                op,
                &format!("{prefix}/{}", op.to_ascii_lowercase()),
                &[z],
                out,
                attributes,
            );
            return out.to_string();
        }
        match act {
            Activation::Gelu => {
                // 0.5·z·(1 + erf(z/√2)), the exact form our forward pass uses.
                let inv_sqrt2 = self.constant("const/inv_sqrt2", std::f32::consts::FRAC_1_SQRT_2);
                let one = self.constant("const/one", 1.0);
                let half = self.constant("const/half", 0.5);
                let t = |s: &str| format!("{prefix}/gelu_{s}");
                self.node("Mul", &t("scale"), &[z, &inv_sqrt2], &t("scaled"), vec![]);
                self.node("Erf", &t("erf"), &[&t("scaled")], &t("erf_out"), vec![]);
                self.node("Add", &t("add"), &[&t("erf_out"), &one], &t("cdf2"), vec![]);
                self.node("Mul", &t("mul"), &[z, &t("cdf2")], &t("zcdf2"), vec![]);
                self.node("Mul", &t("half"), &[&t("zcdf2"), &half], out, vec![]);
            }
            Activation::Step { .. } => {
                // 1 where z > 0, else 0 (step(0) = 0, as in the forward pass).
                let zero = self.constant("const/zero", 0.0);
                let positive = format!("{prefix}/step_positive");
                self.node(
                    "Greater",
                    &format!("{prefix}/step_greater"),
                    &[z, &zero],
                    &positive,
                    vec![],
                );
                self.node(
                    "Cast",
                    &format!("{prefix}/step_cast"),
                    &[&positive],
                    out,
                    vec![Attribute::int("to", FLOAT)],
                );
            }
            _ => {}
        }
        out.to_string()
    }

    fn finish(self, in_dim: usize, out_dim: usize) -> Message {
        let mut g = Message::default();
        for n in &self.nodes {
            g.message(1, n);
        }
        g.string(2, "nnplay");
        for t in &self.initializers {
            g.message(5, t);
        }
        g.message(11, &value_info(INPUT_NAME, in_dim));
        g.message(12, &value_info(OUTPUT_NAME, out_dim));
        g
    }
}

/// `ValueInfoProto` of a float tensor [N, width].
fn value_info(name: &str, width: usize) -> Message {
    let mut batch = Message::default();
    batch.string(2, BATCH_DIM);
    let mut features = Message::default();
    features.int(1, width as i64);
    let mut shape = Message::default();
    shape.message(1, &batch);
    shape.message(1, &features);
    let mut tensor = Message::default();
    tensor.int(1, FLOAT);
    tensor.message(2, &shape);
    let mut ty = Message::default();
    ty.message(1, &tensor);
    let mut info = Message::default();
    info.string(1, name);
    info.message(2, &ty);
    info
}

/// A protobuf message being written: fields are appended as key, then value.
#[derive(Default)]
struct Message(Vec<u8>);

impl Message {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn key(&mut self, field: u32, wire_type: u8) {
        self.varint(((field as u64) << 3) | wire_type as u64);
    }
    /// int32/int64/enum field (wire type 0). Negative values take ten bytes, as protobuf says.
    fn int(&mut self, field: u32, v: i64) {
        self.key(field, 0);
        self.varint(v as u64);
    }
    /// float field (wire type 5).
    fn float(&mut self, field: u32, v: f32) {
        self.key(field, 5);
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// bytes field (wire type 2).
    fn bytes(&mut self, field: u32, v: &[u8]) {
        self.key(field, 2);
        self.varint(v.len() as u64);
        self.0.extend_from_slice(v);
    }
    fn string(&mut self, field: u32, v: &str) {
        self.bytes(field, v.as_bytes());
    }
    fn message(&mut self, field: u32, m: &Message) {
        self.bytes(field, &m.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_follow_the_protobuf_encoding() {
        let mut m = Message::default();
        m.varint(1);
        m.varint(300);
        m.varint(u64::MAX);
        assert_eq!(m.0[..3], [0x01, 0xac, 0x02]);
        assert_eq!(m.0.len(), 3 + 10);
        let mut k = Message::default();
        k.int(20, 2);
        // field 20, wire type 0 → key 160 → varint [0xa0, 0x01].
        assert_eq!(k.0, [0xa0, 0x01, 0x02]);
    }

    #[test]
    fn a_scaler_of_the_wrong_width_is_refused() {
        use crate::nn::network::{LayerConfig, NetworkConfig};
        let config = NetworkConfig::new(
            3,
            &[],
            Activation::Tanh,
            LayerConfig::new(1, Activation::Sigmoid),
        );
        let net = Network::new(&config).unwrap();
        let scaler = Scaler {
            kind: Scaling::Standardize,
            offset: vec![0.0; 2],
            scale: vec![1.0; 2],
        };
        let options = OnnxOptions {
            scaler: Some(&scaler),
            ..OnnxOptions::default()
        };
        assert!(matches!(
            export(&net, &options),
            Err(NnError::InputDim {
                expected: 3,
                got: 2
            })
        ));
    }
}
