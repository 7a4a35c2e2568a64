//! Export to PyTorch: a Python file with the model as an `nn.Sequential` (input pipeline,
//! `nn.Linear` layers, activations, dropout) and every trained tensor in a `STATE` dict that
//! `build_model()` loads with `load_state_dict` (strict, so a missing or misshapen tensor is an
//! error, not a silent default). nnplay's optimizers and losses are PyTorch's, so the file also
//! builds them with the same hyperparameters, plus the weight penalty and the schedule.
//!
//! Every activation has an exact PyTorch form; the step unit is a `torch.autograd.Function`
//! whose backward is the surrogate gradient the layer was trained with.
//!
//! ```
//! use nnplay::prelude::*;
//! use nnplay::io::model_file::ModelFile;
//! let config = NetworkConfig::new(2, &[3], Activation::Relu, LayerConfig::new(1, Activation::Linear));
//! let file = ModelFile::new(&Network::new(&config).unwrap());
//! let python = nnplay::io::pytorch::export(&file).unwrap();
//! assert!(python.contains("nn.Linear(2, 3)") && python.contains("\"0.weight\": ["));
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

/// The Python source of `file` as a PyTorch model (see the module docs).
///
/// Fails only when the model file itself is inconsistent (see [`ExportModel::new`]).
pub fn export(file: &ModelFile) -> Result<String, NnError> {
    let m = ExportModel::new(file)?;
    let train = file.train.as_ref();
    let sequence = sequence(&m);
    let mut out = python::docstring(&m, "PyTorch", &training_hint(train));
    out.push_str("import csv\nimport math\nimport sys\n\nimport torch\nfrom torch import nn\n\n");
    out.push_str(&python::constants(&m));
    out.push_str(&python::scaler_constants(&m));
    out.push_str(&state(&m, &sequence));
    if python::has_pipeline(&m) {
        out.push_str(&pipeline_module(&m));
    }
    out.push_str(&step_modules(&m));
    out.push_str(&build_model(&sequence));
    out.push_str(&build_optimizer(train));
    out.push_str(&build_loss(&m, train));
    out.push_str(&penalty(&m, &sequence, train));
    out.push_str(&build_scheduler(train));
    out.push_str(
        "\n\ndef predict_rows(model, rows):\n    \"\"\"The model's outputs for raw rows (lists of floats), as lists of floats.\"\"\"\n    if not rows:\n        return []\n    with torch.no_grad():\n        x = torch.tensor(rows, dtype=torch.float32).reshape(len(rows), len(INPUTS))\n        return model(x).tolist()\n\n",
    );
    out.push_str(python::CSV_MAIN);
    Ok(out)
}

/// The modules of the `nn.Sequential`, in order, and for each dense layer its position.
struct Sequence {
    modules: Vec<String>,
    /// Index in `modules` of each nnplay layer's `nn.Linear`.
    linear: Vec<usize>,
}

fn sequence(m: &ExportModel) -> Sequence {
    let mut modules = Vec::new();
    if python::has_pipeline(m) {
        modules.push("InputPipeline()".to_string());
    }
    let mut linear = Vec::new();
    for shape in m.network.layers() {
        linear.push(modules.len());
        modules.push(format!("nn.Linear({}, {})", shape.in_dim, shape.out_dim));
        let f = python::float;
        let act = match shape.activation {
            Activation::Linear => None,
            Activation::Sigmoid => Some("nn.Sigmoid()".to_string()),
            Activation::Tanh => Some("nn.Tanh()".into()),
            Activation::Relu => Some("nn.ReLU()".into()),
            Activation::LeakyRelu { slope } => {
                Some(format!("nn.LeakyReLU(negative_slope={})", f(slope)))
            }
            Activation::Elu { alpha } => Some(format!("nn.ELU(alpha={})", f(alpha))),
            // Above 20 PyTorch returns z itself; nnplay's z + ln(1 + e^−z) rounds to z there.
            Activation::Softplus => Some("nn.Softplus()".into()),
            // approximate="none" (the default) is the exact erf form, as nnplay's.
            Activation::Gelu => Some("nn.GELU()".into()),
            Activation::Softmax => Some("nn.Softmax(dim=-1)".into()),
            Activation::Step { gradient } => Some(format!("{}()", step_class(gradient))),
        };
        modules.extend(act);
        if shape.dropout > 0.0 {
            modules.push(format!("nn.Dropout(p={})", f(shape.dropout)));
        }
    }
    Sequence { modules, linear }
}

/// `STATE`: each `nn.Linear`'s weight (units × inputs, PyTorch's layout: nnplay's kernel
/// transposed) and bias, under its `state_dict` name.
fn state(m: &ExportModel, seq: &Sequence) -> String {
    let mut out = String::from(
        "\n# Every trained tensor, by its name in the model's state_dict. nn.Linear keeps its weight\n# as (units × inputs): nnplay's kernel, transposed.\nSTATE = {\n",
    );
    for (l, shape) in m.network.layers().iter().enumerate() {
        let kernel = m.network.weights(l);
        let transposed: Vec<f32> = kernel.t().iter().copied().collect();
        let index = seq.linear[l];
        out.push_str(&format!(
            "    \"{index}.weight\": {},\n    \"{index}.bias\": {},\n",
            python::matrix(&transposed, shape.in_dim, 4),
            python::vector(m.network.biases(l))
        ));
    }
    out.push_str("}\n");
    out
}

fn pipeline_module(m: &ExportModel) -> String {
    let ops = Ops {
        sin: "torch.sin",
        concat: "torch.cat({}, dim=1)",
    };
    let buffers = if m.scaler.is_some() {
        // Not persistent: they are constants of the file, not part of STATE.
        "        self.register_buffer(\"offset\", torch.tensor(SCALE_OFFSET), persistent=False)\n        self.register_buffer(\"scale\", torch.tensor(SCALE), persistent=False)\n"
    } else {
        ""
    };
    let body = python::pipeline_body(m, &ops, "self.offset", "self.scale");
    format!(
        "\n\nclass InputPipeline(nn.Module):\n    \"\"\"Raw rows to the network's inputs, with nnplay's arithmetic. Nothing in it trains.\"\"\"\n\n    def __init__(self):\n        super().__init__()\n{buffers}\n    def forward(self, x):\n{body}"
    )
}

fn step_class(gradient: StepGradient) -> &'static str {
    match gradient {
        StepGradient::Perceptron => "Step",
        StepGradient::StraightThrough => "StepSte",
        StepGradient::Exact => "StepExact",
    }
}

/// One autograd function and module per step gradient rule the model uses.
fn step_modules(m: &ExportModel) -> String {
    let mut out = String::new();
    for gradient in python::step_gradients(m) {
        let class = step_class(gradient);
        let backward = match gradient {
            StepGradient::Perceptron => "upstream",
            StepGradient::StraightThrough => "upstream * (z.abs() <= 1.0).to(upstream.dtype)",
            StepGradient::Exact => "torch.zeros_like(upstream)",
        };
        out.push_str(&format!(
            "\n\nclass _{class}Function(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, z):\n        ctx.save_for_backward(z)\n        return (z > 0).to(z.dtype)\n\n    @staticmethod\n    def backward(ctx, upstream):\n        (z,) = ctx.saved_tensors\n        return {backward}\n\n\nclass {class}(nn.Module):\n    \"\"\"Heaviside step: 1 where z > 0, else 0. Backward: {words}.\"\"\"\n\n    def forward(self, z):\n        return _{class}Function.apply(z)\n",
            words = python::step_gradient_words(gradient),
        ));
    }
    out
}

fn build_model(seq: &Sequence) -> String {
    let modules: String = seq
        .modules
        .iter()
        .map(|m| format!("        {m},\n"))
        .collect();
    format!(
        "\n\ndef build_model():\n    \"\"\"The model with the trained weights set, in eval mode (call .train() to train it).\"\"\"\n    model = nn.Sequential(\n{modules}    )\n    model.load_state_dict(\n        {{name: torch.tensor(value, dtype=torch.float32) for name, value in STATE.items()}}\n    )\n    model.eval()\n    return model\n"
    )
}

fn training_hint(train: Option<&TrainConfig>) -> String {
    let (epochs, batch) = train.map_or((100, 32), |t| (t.epochs, t.batch_size));
    let clip = match train.and_then(|t| t.clip_norm) {
        Some(c) => format!(
            "\n            torch.nn.utils.clip_grad_norm_(model.parameters(), {})",
            python::float(c)
        ),
        None => String::new(),
    };
    let source = if train.is_some() {
        "as nnplay did"
    } else {
        "(the model file does not say how it was trained: nnplay's defaults)"
    };
    format!(
        "\nTo go on training {source} (targets: a 0/1 column for two classes, one-hot rows for\nmore, the value(s) for regression; x and y float32 tensors):\n\n    model = build_model().train()\n    optimizer, loss_fn = build_optimizer(model), build_loss()\n    scheduler = build_scheduler(optimizer)\n    for epoch in range({epochs}):\n        for batch in torch.randperm(len(x)).split({batch}):\n            optimizer.zero_grad()\n            loss = loss_fn(model(x[batch]), y[batch]) + penalty(model)\n            loss.backward(){clip}\n            optimizer.step()\n        if scheduler is not None:\n            scheduler.step()\n"
    )
}

fn build_optimizer(train: Option<&TrainConfig>) -> String {
    let defaults = TrainConfig::default();
    let t = train.unwrap_or(&defaults);
    let f = python::float;
    let mut args = vec![
        "model.parameters()".to_string(),
        format!("lr={}", f(t.learning_rate)),
    ];
    let class = match t.optimizer {
        Optimizer::Sgd => "SGD",
        Optimizer::Momentum { momentum } => {
            args.push(format!("momentum={}", f(momentum)));
            "SGD"
        }
        Optimizer::Nesterov { momentum } => {
            args.push(format!("momentum={}", f(momentum)));
            args.push("nesterov=True".into());
            "SGD"
        }
        Optimizer::AdaGrad {
            eps,
            initial_accumulator,
        } => {
            args.push(format!(
                "initial_accumulator_value={}",
                f(initial_accumulator)
            ));
            args.push(format!("eps={}", f(eps)));
            "Adagrad"
        }
        Optimizer::RmsProp { alpha, eps } => {
            args.push(format!("alpha={}", f(alpha)));
            args.push(format!("eps={}", f(eps)));
            "RMSprop"
        }
        Optimizer::Adam { beta1, beta2, eps } => {
            args.push(format!("betas=({}, {})", f(beta1), f(beta2)));
            args.push(format!("eps={}", f(eps)));
            "Adam"
        }
        Optimizer::AdamW {
            beta1,
            beta2,
            eps,
            weight_decay,
        } => {
            args.push(format!("betas=({}, {})", f(beta1), f(beta2)));
            args.push(format!("eps={}", f(eps)));
            args.push(format!("weight_decay={}", f(weight_decay)));
            "AdamW"
        }
    };
    format!(
        "\n\ndef build_optimizer(model):\n    \"\"\"nnplay's optimizer and hyperparameters (nnplay's update rules are PyTorch's).\"\"\"\n    return torch.optim.{class}({})\n",
        args.join(", ")
    )
}

fn build_loss(m: &ExportModel, train: Option<&TrainConfig>) -> String {
    let loss = train
        .map(|t| t.loss)
        .unwrap_or(match m.network.output_activation() {
            Activation::Sigmoid => Loss::BinaryCrossEntropy,
            Activation::Softmax => Loss::CategoricalCrossEntropy,
            _ => Loss::MeanSquaredError,
        });
    let body = match loss {
        Loss::MeanSquaredError => "return nn.MSELoss()".to_string(),
        Loss::MeanAbsoluteError => "return nn.L1Loss()".into(),
        Loss::Huber { delta } => format!("return nn.HuberLoss(delta={})", python::float(delta)),
        Loss::BinaryCrossEntropy => "return nn.BCELoss()".into(),
        // nn.CrossEntropyLoss wants logits; the model ends in its softmax, so the mean of
        // −Σ y·ln p is written out.
        Loss::CategoricalCrossEntropy => {
            "return lambda p, y: -(y * p.clamp_min(1e-12).log()).sum(dim=1).mean()".into()
        }
    };
    format!(
        "\n\ndef build_loss():\n    \"\"\"nnplay's loss, on the model's outputs (probabilities for classification).\"\"\"\n    {body}\n"
    )
}

/// `penalty(model)`: nnplay's weight penalty on kernels (never biases), to add to the loss.
/// PyTorch's `weight_decay` would also decay the biases and halve the L2 gradient's factor.
fn penalty(m: &ExportModel, seq: &Sequence, train: Option<&TrainConfig>) -> String {
    let global = train.map_or(Regularization::None, |t| t.regularization);
    let terms: Vec<String> = m
        .file
        .network
        .layers
        .iter()
        .enumerate()
        .filter_map(|(l, layer)| {
            let index = seq.linear.get(l)?;
            match layer.regularization.unwrap_or(global) {
                Regularization::None => None,
                Regularization::L1 { rate } => Some(format!(
                    "{} * model[{index}].weight.abs().sum()",
                    python::float(rate)
                )),
                Regularization::L2 { rate } => Some(format!(
                    "{} * model[{index}].weight.square().sum()",
                    python::float(rate)
                )),
            }
        })
        .collect();
    let total = if terms.is_empty() {
        "torch.zeros(())".to_string()
    } else {
        terms.join("\n        + ")
    };
    format!(
        "\n\ndef penalty(model):\n    \"\"\"nnplay's weight penalty (rate·Σ|w| or rate·Σw² over kernels), to add to the loss.\"\"\"\n    return (\n        {total}\n    )\n"
    )
}

fn build_scheduler(train: Option<&TrainConfig>) -> String {
    let body = match train.map(|t| (t.schedule, t.learning_rate)) {
        None | Some((LrSchedule::Constant, _)) => "return None".to_string(),
        Some((LrSchedule::StepDecay { every, gamma }, _)) => format!(
            "return torch.optim.lr_scheduler.StepLR(optimizer, step_size={every}, gamma={})",
            python::float(gamma)
        ),
        Some((LrSchedule::Exponential { gamma }, _)) => format!(
            "return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma={})",
            python::float(gamma)
        ),
        // CosineAnnealingLR would climb back up after the period; nnplay stays at min_lr.
        Some((LrSchedule::Cosine { period, min_lr }, base)) if base > 0.0 => {
            let (min, base) = (python::float(min_lr), python::float(base));
            format!(
                "return torch.optim.lr_scheduler.LambdaLR(\n        optimizer,\n        lambda epoch: ({min} + 0.5 * ({base} - {min}) * (1.0 + math.cos(math.pi * min(epoch, {period}) / {period}))) / {base},\n    )"
            )
        }
        Some((LrSchedule::Cosine { .. }, _)) => "return None  # the learning rate is 0".into(),
    };
    format!(
        "\n\ndef build_scheduler(optimizer):\n    \"\"\"nnplay's learning-rate schedule, stepped once per epoch (None for a constant rate).\"\"\"\n    {body}\n"
    )
}
