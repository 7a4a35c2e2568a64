//! Export to Keras 3: a Python file that rebuilds the model as a `keras.Sequential` of `Dense`
//! layers, sets the trained weights and compiles it with the optimizer, loss and learning rate
//! nnplay trained with, so a student can go on training in Keras. The input pipeline (derived
//! features, scaling) is the model's first layer, so raw rows go in as they go into
//! `nnplay predict`. Only `keras.ops` is used, so the file runs on any Keras backend.
//!
//! Every activation has an exact Keras form: the named ones as `activation=`, leaky ReLU and ELU
//! as their layers with nnplay's slope and α, GELU as Keras' exact erf form, and the step unit as
//! an `Activation` layer around a function defined in the file whose gradient is the surrogate
//! the model was trained with (`keras.ops.custom_gradient`).
//!
//! ```
//! use nnplay::prelude::*;
//! use nnplay::io::model_file::ModelFile;
//! let config = NetworkConfig::new(2, &[3], Activation::Tanh, LayerConfig::new(1, Activation::Sigmoid));
//! let file = ModelFile::new(&Network::new(&config).unwrap());
//! let python = nnplay::io::keras::export(&file).unwrap();
//! assert!(python.contains("keras.Sequential") && python.contains("def build_model():"));
//! ```

use super::export::ExportModel;
use super::python::{self, Ops};
use crate::error::NnError;
use crate::io::model_file::ModelFile;
use crate::nn::activation::{Activation, StepGradient};
use crate::nn::loss::Loss;
use crate::nn::regularization::Regularization;
use crate::train::TrainConfig;
use crate::train::optim::{LrSchedule, Optimizer};

/// The Keras version the file is written for and checked with (scripts/python-env.sh).
pub const KERAS_VERSION: &str = "3";

/// Registers the file's own layer and functions, so that a model saved with `model.save`
/// loads again with `keras.saving.load_model` once the file is imported.
const REGISTER: &str = "@keras.saving.register_keras_serializable(package=\"nnplay\")";

/// The Python source of `file` as a Keras 3 model (see the module docs).
///
/// Fails only when the model file itself is inconsistent (see [`ExportModel::new`]).
pub fn export(file: &ModelFile) -> Result<String, NnError> {
    let m = ExportModel::new(file)?;
    let train = file.train.clone();
    let mut out = python::docstring(&m, "Keras 3 (any backend)", &fit_hint(train.as_ref()));
    out.push_str("import csv\nimport math\nimport sys\n\nimport numpy as np\nimport keras\nfrom keras import layers, ops\n\n");
    out.push_str(&python::constants(&m));
    out.push_str(&python::scaler_constants(&m));
    out.push_str(&weights(&m));
    if python::has_pipeline(&m) {
        out.push_str(&pipeline_layer(&m));
    }
    out.push_str(&step_functions(&m));
    out.push_str(&build_model(&m, train.as_ref()));
    out.push_str(&callbacks(train.as_ref()));
    out.push_str(
        "\n\ndef predict_rows(model, rows):\n    \"\"\"The model's outputs for raw rows (lists of floats), as lists of floats.\"\"\"\n    if not rows:\n        return []\n    x = np.asarray(rows, dtype=\"float32\").reshape(len(rows), len(INPUTS))\n    return model.predict(x, verbose=0).tolist()\n\n",
    );
    out.push_str(python::CSV_MAIN);
    Ok(out)
}

/// The usage note on training, for the docstring.
fn fit_hint(train: Option<&TrainConfig>) -> String {
    let Some(t) = train else {
        return "\nThe model file does not say how it was trained: `build_model()` compiles with\nAdam at 0.001 and the loss that suits the output layer.\n".into();
    };
    let mut args = format!("epochs={}, batch_size={}", t.epochs, t.batch_size);
    if !t.shuffle {
        args.push_str(", shuffle=False");
    }
    if t.validation_split > 0.0 {
        args.push_str(&format!(
            ", validation_split={}",
            python::float(t.validation_split)
        ));
    }
    format!(
        "\nTo go on training as nnplay did (targets: a 0/1 column for two classes, one-hot rows\nfor more, the value(s) for regression):\n\n    model = build_model()\n    model.fit(rows, targets, {args}, callbacks=callbacks())\n"
    )
}

/// The `WEIGHTS` constant: per Dense layer its kernel (in × out, Keras' layout and nnplay's)
/// and its bias.
fn weights(m: &ExportModel) -> String {
    let mut out = String::from(
        "\n# The trained parameters of each Dense layer: kernel (inputs × units), then bias.\nWEIGHTS = {\n",
    );
    for (l, shape) in m.network.layers().iter().enumerate() {
        let kernel = m.network.weights(l);
        let values: Vec<f32> = kernel.iter().copied().collect();
        out.push_str(&format!(
            "    \"dense_{}\": (\n        {},\n        {},\n    ),\n",
            l + 1,
            python::matrix(&values, shape.out_dim, 8),
            python::vector(m.network.biases(l))
        ));
    }
    out.push_str("}\n");
    out
}

/// The `InputPipeline` layer: derived features, then scaling.
fn pipeline_layer(m: &ExportModel) -> String {
    let ops = Ops {
        sin: "ops.sin",
        concat: "ops.concatenate({}, axis=1)",
    };
    let body = python::pipeline_body(
        m,
        &ops,
        "ops.convert_to_tensor(SCALE_OFFSET, dtype=x.dtype)",
        "ops.convert_to_tensor(SCALE, dtype=x.dtype)",
    );
    format!(
        "\n\n{REGISTER}\nclass InputPipeline(layers.Layer):\n    \"\"\"Raw rows to the network's inputs, with nnplay's arithmetic. Nothing in it trains.\"\"\"\n\n    def __init__(self, **kwargs):\n        kwargs[\"trainable\"] = False\n        super().__init__(**kwargs)\n\n    def call(self, x):\n{body}"
    )
}

/// The Python name of the step function for a gradient rule.
fn step_name(gradient: StepGradient) -> &'static str {
    match gradient {
        StepGradient::Perceptron => "step",
        StepGradient::StraightThrough => "step_ste",
        StepGradient::Exact => "step_exact",
    }
}

/// One step function per gradient rule the model uses: forward 1 where z > 0, else 0 (as
/// nnplay), backward the rule the layer was trained with.
fn step_functions(m: &ExportModel) -> String {
    let mut out = String::new();
    for gradient in python::step_gradients(m) {
        let backward = match gradient {
            StepGradient::Perceptron => "upstream",
            StepGradient::StraightThrough => {
                "ops.where(ops.less_equal(ops.abs(z), 1.0), upstream, ops.zeros_like(upstream))"
            }
            StepGradient::Exact => "ops.zeros_like(upstream)",
        };
        out.push_str(&format!(
            "\n\n{REGISTER}\n@ops.custom_gradient\ndef {name}(z):\n    \"\"\"Heaviside step: 1 where z > 0, else 0. Backward: {words}.\"\"\"\n\n    def grad(*args, upstream=None):\n        if upstream is None:\n            (upstream,) = args\n        return {backward}\n\n    return ops.cast(ops.greater(z, 0.0), z.dtype), grad\n",
            name = step_name(gradient),
            words = python::step_gradient_words(gradient),
        ));
    }
    out
}

/// A Dense layer's own `activation=` argument, or the layer after it that applies the
/// activation (its class in `keras.layers` and its argument).
fn activation(act: Activation) -> (Option<&'static str>, Option<(&'static str, String)>) {
    match act {
        Activation::Linear => (None, None),
        Activation::Sigmoid => (Some("sigmoid"), None),
        Activation::Tanh => (Some("tanh"), None),
        Activation::Relu => (Some("relu"), None),
        Activation::Softplus => (Some("softplus"), None),
        // Keras' "gelu" is the exact erf form (approximate=False), as nnplay's.
        Activation::Gelu => (Some("gelu"), None),
        Activation::Softmax => (Some("softmax"), None),
        Activation::LeakyRelu { slope } => (
            None,
            Some((
                "LeakyReLU",
                format!("negative_slope={}", python::float(slope)),
            )),
        ),
        Activation::Elu { alpha } => (
            None,
            Some(("ELU", format!("alpha={}", python::float(alpha)))),
        ),
        Activation::Step { gradient } => {
            (None, Some(("Activation", step_name(gradient).to_string())))
        }
    }
}

fn regularizer(r: Regularization) -> Option<String> {
    match r {
        Regularization::None => None,
        // Keras' conventions are nnplay's: rate·Σ|w| and rate·Σw², on kernels only.
        Regularization::L1 { rate } => {
            Some(format!("keras.regularizers.L1({})", python::float(rate)))
        }
        Regularization::L2 { rate } => {
            Some(format!("keras.regularizers.L2({})", python::float(rate)))
        }
    }
}

/// `build_model()`: the Sequential, the weights, `compile`.
fn build_model(m: &ExportModel, train: Option<&TrainConfig>) -> String {
    let mut layer_lines = vec![format!("keras.Input(shape=({},))", m.raw_width())];
    if python::has_pipeline(m) {
        layer_lines.push("InputPipeline(name=\"input_pipeline\")".into());
    }
    let config_layers = &m.file.network.layers;
    let global_penalty = train.map_or(Regularization::None, |t| t.regularization);
    for (l, shape) in m.network.layers().iter().enumerate() {
        let name = format!("dense_{}", l + 1);
        let (named, extra) = activation(shape.activation);
        let mut args = vec![shape.out_dim.to_string()];
        if let Some(a) = named {
            args.push(format!("activation=\"{a}\""));
        }
        let penalty = config_layers
            .get(l)
            .and_then(|c| c.regularization)
            .unwrap_or(global_penalty);
        if let Some(r) = regularizer(penalty) {
            args.push(format!("kernel_regularizer={r}"));
        }
        args.push(format!("name=\"{name}\""));
        layer_lines.push(format!("layers.Dense({})", args.join(", ")));
        if let Some((class, arg)) = extra {
            layer_lines.push(format!("layers.{class}({arg}, name=\"{name}_activation\")"));
        }
        if shape.dropout > 0.0 {
            layer_lines.push(format!(
                "layers.Dropout({}, name=\"{name}_dropout\")",
                python::float(shape.dropout)
            ));
        }
    }
    let layers_text: String = layer_lines
        .iter()
        .map(|l| format!("            {l},\n"))
        .collect();
    let (optimizer, optimizer_note) = optimizer(train);
    let loss = loss(m, train);
    let metrics = if m.task == crate::data::Task::Regression {
        String::new()
    } else {
        "        metrics=[\"accuracy\"],\n".into()
    };
    format!(
        "\n\ndef build_model():\n    \"\"\"The model with the trained weights set, compiled as nnplay trained it.\"\"\"\n    model = keras.Sequential(\n        [\n{layers_text}        ],\n        name=\"nnplay\",\n    )\n    for name, (kernel, bias) in WEIGHTS.items():\n        model.get_layer(name).set_weights(\n            [np.asarray(kernel, dtype=\"float32\"), np.asarray(bias, dtype=\"float32\")]\n        )\n{optimizer_note}    model.compile(\n        optimizer={optimizer},\n        loss={loss},\n{metrics}    )\n    return model\n"
    )
}

/// The Keras optimizer of nnplay's, with its hyperparameters, and a comment on where Keras'
/// update differs from nnplay's (PyTorch's) formula.
fn optimizer(train: Option<&TrainConfig>) -> (String, String) {
    let defaults = TrainConfig::default();
    let t = train.unwrap_or(&defaults);
    let f = python::float;
    let mut args = vec![format!("learning_rate={}", f(t.learning_rate))];
    let (class, note) = match t.optimizer {
        Optimizer::Sgd => ("SGD", ""),
        Optimizer::Momentum { momentum } => {
            args.push(format!("momentum={}", f(momentum)));
            (
                "SGD",
                "Keras keeps the velocity scaled by the learning rate: the same steps at a constant rate.",
            )
        }
        Optimizer::Nesterov { momentum } => {
            args.push(format!("momentum={}", f(momentum)));
            args.push("nesterov=True".into());
            (
                "SGD",
                "Keras keeps the velocity scaled by the learning rate: the same steps at a constant rate.",
            )
        }
        Optimizer::AdaGrad {
            eps,
            initial_accumulator,
        } => {
            args.push(format!(
                "initial_accumulator_value={}",
                f(initial_accumulator)
            ));
            args.push(format!("epsilon={}", f(eps)));
            (
                "Adagrad",
                "Keras adds epsilon inside the square root (nnplay: after it); the steps differ by about epsilon.",
            )
        }
        Optimizer::RmsProp { alpha, eps } => {
            args.push(format!("rho={}", f(alpha)));
            args.push(format!("epsilon={}", f(eps)));
            (
                "RMSprop",
                "Keras adds epsilon inside the square root (nnplay: after it); the steps differ by about epsilon.",
            )
        }
        Optimizer::Adam { beta1, beta2, eps } => {
            args.push(format!("beta_1={}", f(beta1)));
            args.push(format!("beta_2={}", f(beta2)));
            args.push(format!("epsilon={}", f(eps)));
            (
                "Adam",
                "Keras adds epsilon before the bias correction (nnplay: after it); the steps differ by about epsilon.",
            )
        }
        Optimizer::AdamW {
            beta1,
            beta2,
            eps,
            weight_decay,
        } => {
            args.push(format!("weight_decay={}", f(weight_decay)));
            args.push(format!("beta_1={}", f(beta1)));
            args.push(format!("beta_2={}", f(beta2)));
            args.push(format!("epsilon={}", f(eps)));
            (
                "AdamW",
                "Keras adds epsilon before the bias correction (nnplay: after it); the steps differ by about epsilon.",
            )
        }
    };
    if let Some(c) = t.clip_norm {
        // nnplay clips the whole gradient's Euclidean norm, Keras' global_clipnorm.
        args.push(format!("global_clipnorm={}", f(c)));
    }
    let mut comment = String::new();
    if train.is_none() {
        comment
            .push_str("    # The model file does not say how it was trained: nnplay's defaults.\n");
    }
    if !note.is_empty() {
        comment.push_str(&format!("    # {note}\n"));
    }
    (
        format!("keras.optimizers.{class}({})", args.join(", ")),
        comment,
    )
}

/// The Keras loss of nnplay's. The output layer keeps its activation (the model predicts
/// probabilities), so the cross-entropies read probabilities, not logits.
fn loss(m: &ExportModel, train: Option<&TrainConfig>) -> String {
    let loss = train
        .map(|t| t.loss)
        .unwrap_or(match m.network.output_activation() {
            Activation::Sigmoid => Loss::BinaryCrossEntropy,
            Activation::Softmax => Loss::CategoricalCrossEntropy,
            _ => Loss::MeanSquaredError,
        });
    match loss {
        Loss::MeanSquaredError => "keras.losses.MeanSquaredError()".into(),
        Loss::MeanAbsoluteError => "keras.losses.MeanAbsoluteError()".into(),
        Loss::Huber { delta } => format!("keras.losses.Huber(delta={})", python::float(delta)),
        Loss::BinaryCrossEntropy => "keras.losses.BinaryCrossentropy()".into(),
        Loss::CategoricalCrossEntropy => "keras.losses.CategoricalCrossentropy()".into(),
    }
}

/// `callbacks()`: the learning-rate schedule (per epoch, as nnplay's) and early stopping.
fn callbacks(train: Option<&TrainConfig>) -> String {
    let mut lines = Vec::new();
    if let Some(t) = train {
        let base = python::float(t.learning_rate);
        let rate = match t.schedule {
            LrSchedule::Constant => None,
            LrSchedule::StepDecay { every, gamma } => Some(format!(
                "{base} * {} ** (epoch // {every})",
                python::float(gamma)
            )),
            LrSchedule::Exponential { gamma } => {
                Some(format!("{base} * {} ** epoch", python::float(gamma)))
            }
            LrSchedule::Cosine { period, min_lr } => {
                let min = python::float(min_lr);
                Some(format!(
                    "{min} + 0.5 * ({base} - {min}) * (1.0 + math.cos(math.pi * min(epoch, {period}) / {period}))"
                ))
            }
        };
        if let Some(rate) = rate {
            lines.push(format!(
                "keras.callbacks.LearningRateScheduler(lambda epoch, lr: {rate})"
            ));
        }
        if let Some(es) = t.early_stopping {
            let monitor = if t.validation_split > 0.0 {
                "val_loss"
            } else {
                "loss"
            };
            lines.push(format!(
                "keras.callbacks.EarlyStopping(monitor=\"{monitor}\", patience={}, min_delta={})",
                es.patience,
                python::float(es.min_delta)
            ));
        }
    }
    let list: String = lines.iter().map(|l| format!("        {l},\n")).collect();
    format!(
        "\n\ndef callbacks():\n    \"\"\"What nnplay did each epoch besides the step: its learning-rate schedule and early stopping.\"\"\"\n    return [\n{list}    ]\n"
    )
}
