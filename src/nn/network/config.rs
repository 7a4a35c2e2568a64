//! What a network is made of, as the user picks it: the layers (units, activation, dropout),
//! the loss, the initializer and the seed, with the checks that keep a config buildable. The
//! network itself ([`super::Network`]) is built from one.

use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::init::Initializer;
use crate::nn::regularization::Regularization;
use serde::{Deserialize, Serialize};

/// The most units a layer may have and the most layers a network may have: far above what the
/// playground offers, low enough that a hostile config cannot ask for gigabytes.
pub const MAX_UNITS: usize = 4096;
pub const MAX_LAYERS: usize = 64;

/// One dense layer as the user picked it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerConfig {
    /// Number of neurons (`out_dim`).
    pub units: usize,
    pub activation: Activation,
    /// Overrides the training-wide regularization for this layer's kernel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regularization: Option<Regularization>,
    /// Fraction of this layer's outputs zeroed during training (inverted dropout); 0 = off.
    #[serde(default)]
    pub dropout: f32,
}

impl LayerConfig {
    pub fn new(units: usize, activation: Activation) -> Self {
        LayerConfig {
            units,
            activation,
            regularization: None,
            dropout: 0.0,
        }
    }
}

/// A network's architecture and how its weights are first drawn.
///
/// ```
/// use nnplay::prelude::*;
/// let config = NetworkConfig::new(2, &[4, 4], Activation::Tanh, LayerConfig::new(1, Activation::Sigmoid));
/// let net = Network::new(&config).unwrap();
/// assert_eq!(net.n_params(), (2 * 4 + 4) + (4 * 4 + 4) + (4 + 1));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// Number of input features.
    pub in_dim: usize,
    /// Hidden layers, then the output layer.
    pub layers: Vec<LayerConfig>,
    #[serde(default = "default_initializer")]
    pub initializer: Initializer,
    /// Seed of the initial weights.
    #[serde(default)]
    pub seed: u64,
}

fn default_initializer() -> Initializer {
    Initializer::GlorotUniform
}

impl NetworkConfig {
    /// Hidden layers of the given widths sharing one activation, then `output`.
    pub fn new(
        in_dim: usize,
        hidden: &[usize],
        activation: Activation,
        output: LayerConfig,
    ) -> Self {
        let mut layers: Vec<LayerConfig> = hidden
            .iter()
            .map(|&u| LayerConfig::new(u, activation))
            .collect();
        layers.push(output);
        NetworkConfig {
            in_dim,
            layers,
            initializer: Initializer::GlorotUniform,
            seed: 0,
        }
    }

    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn with_initializer(mut self, initializer: Initializer) -> Self {
        self.initializer = initializer;
        self
    }

    pub fn out_dim(&self) -> usize {
        self.layers.last().map_or(0, |l| l.units)
    }

    /// Rejects empty or oversized layers, bad activation parameters, softmax before the end,
    /// dropout outside [0, 1) or on the output layer.
    pub fn validate(&self) -> Result<(), NnError> {
        if self.in_dim == 0 || self.in_dim > MAX_UNITS * 4 {
            return Err(NnError::Architecture(format!(
                "the input needs 1 to {} features, got {}",
                MAX_UNITS * 4,
                self.in_dim
            )));
        }
        if self.layers.is_empty() || self.layers.len() > MAX_LAYERS {
            return Err(NnError::Architecture(format!(
                "a network needs 1 to {MAX_LAYERS} layers, got {}",
                self.layers.len()
            )));
        }
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            if layer.units == 0 || layer.units > MAX_UNITS {
                return Err(NnError::Architecture(format!(
                    "layer {} needs 1 to {MAX_UNITS} units, got {}",
                    i + 1,
                    layer.units
                )));
            }
            layer.activation.validate()?;
            if layer.activation.is_row_wise() && i != last {
                return Err(NnError::Architecture(format!(
                    "softmax can only be the output layer's activation (found on layer {})",
                    i + 1
                )));
            }
            if let Some(reg) = layer.regularization {
                reg.validate()?;
            }
            NnError::unit_interval("dropout rate", layer.dropout)?;
            if i == last && layer.dropout > 0.0 {
                return Err(NnError::Architecture(
                    "dropout cannot be applied to the output layer".into(),
                ));
            }
        }
        self.initializer.validate()
    }
}
