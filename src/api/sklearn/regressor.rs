//! sklearn's `MLPRegressor`: a network with linear outputs fitted on sklearn's squared error
//! (see the module docs of [`super`] for what matches sklearn).

use super::fit::{self, Convention, Data};
use super::{EstimatorSection, MlpParams, Progress, build_network, check_finite, check_shapes};
use crate::data::Task;
use crate::error::NnError;
use crate::io::model_file::{self, ModelFile};
use crate::nn::activation::Activation;
use crate::nn::init::rng_from_seed;
use crate::nn::loss::Loss;
use crate::nn::network::{LayerConfig, Network};
use crate::train::metrics;
use ndarray::{Array1, Array2, Axis};

#[derive(Clone, Debug)]
struct FittedRegressor {
    net: Network,
    progress: Progress,
}

/// sklearn's `MLPRegressor`: a network with linear outputs trained on the squared error.
///
/// # Shapes
/// `fit(x, y)`: x (n, n_features), y (n, n_outputs) (or a 1-D y with [`MlpRegressor::fit_1d`]);
/// `predict(x)` → (n, n_outputs).
///
/// ```
/// use nnplay::prelude::*;
/// use ndarray::{Array1, Array2};
///
/// // y = 2·x − 1 on [0, 1].
/// let x = Array2::from_shape_fn((50, 1), |(i, _)| i as f32 / 49.0);
/// let y: Array1<f32> = x.column(0).mapv(|v| 2.0 * v - 1.0);
/// let mut model = MlpRegressor::new().hidden_layer_sizes(&[16]).learning_rate_init(0.01).max_iter(500).random_state(1);
/// model.fit_1d(&x, &y).unwrap();
/// assert!(model.score(&x, &y.insert_axis(ndarray::Axis(1))).unwrap() > 0.99);
/// assert!(model.n_iter().unwrap() <= 500);
/// ```
#[derive(Clone, Debug, Default)]
pub struct MlpRegressor {
    params: MlpParams,
    fitted: Option<FittedRegressor>,
}

impl MlpRegressor {
    /// An unfitted regressor with sklearn's defaults ([`MlpParams::default`]).
    pub fn new() -> MlpRegressor {
        MlpRegressor::default()
    }

    mlp_setters!();

    fn fitted(&self) -> Result<&FittedRegressor, NnError> {
        self.fitted.as_ref().ok_or(NnError::NotFitted)
    }

    /// Trains a fresh network on `x` (n, n_features) and `y` (n, n_outputs). A previous fit is
    /// discarded (sklearn's `warm_start=False`).
    ///
    /// # Errors
    /// [`NnError::BadHyperparameter`] / [`NnError::Architecture`] for bad settings,
    /// [`NnError::RowMismatch`], [`NnError::EmptyData`], [`NnError::Config`] for NaN or infinite
    /// data, [`NnError::Diverged`] when the loss blows up.
    pub fn fit(&mut self, x: &Array2<f32>, y: &Array2<f32>) -> Result<&mut Self, NnError> {
        self.params.validate()?;
        check_shapes(x, y.nrows())?;
        if y.ncols() == 0 {
            return Err(NnError::TargetDim {
                expected: 1,
                got: 0,
            });
        }
        check_finite(x.view(), "inputs")?;
        check_finite(y.view(), "targets")?;
        let mut rng = rng_from_seed(self.params.random_state);
        let mut net = build_network(
            &self.params,
            x.ncols(),
            LayerConfig::new(y.ncols(), Activation::Linear),
            &mut rng,
        )?;
        // Core MSE = mean (ŷ−y)² with gradient 2(ŷ−y)/(n·k); sklearn's delta is (ŷ−y)/n, i.e.
        // k/2 times ours, and its reported loss is half ours.
        let k = y.ncols() as f32;
        let convention = Convention {
            loss: Loss::MeanSquaredError,
            scale: k / 2.0,
            report: 1.0 / k,
        };
        let data = Data {
            x: x.view(),
            y: y.view(),
            labels: None,
        };
        let progress = fit::fit(&self.params, &mut net, data, convention, &mut rng)?;
        self.fitted = Some(FittedRegressor { net, progress });
        Ok(self)
    }

    /// [`fit`](MlpRegressor::fit) with one target per sample.
    pub fn fit_1d(&mut self, x: &Array2<f32>, y: &Array1<f32>) -> Result<&mut Self, NnError> {
        let y = y.view().insert_axis(Axis(1)).to_owned();
        self.fit(x, &y)
    }

    /// Predictions for `x` (n, n_features): shape (n, n_outputs).
    ///
    /// # Errors
    /// [`NnError::NotFitted`], [`NnError::InputDim`].
    pub fn predict(&self, x: &Array2<f32>) -> Result<Array2<f32>, NnError> {
        self.fitted()?.net.predict(x.view())
    }

    /// sklearn's `score`: R² of the predictions, averaged uniformly over outputs
    /// ([`metrics::r2_score`]: 1 − Σ(y − ŷ)² / Σ(y − ȳ)², computed in f64).
    pub fn score(&self, x: &Array2<f32>, y: &Array2<f32>) -> Result<f32, NnError> {
        let net = &self.fitted()?.net;
        net.check_data(&x.view(), &y.view())?;
        Ok(metrics::r2_score(net.predict(x.view())?.view(), y.view()))
    }

    /// The fitted model as a [`ModelFile`] (task `regression`, hyperparameters and loss curve
    /// in the estimator section).
    pub fn to_model_file(&self) -> Result<ModelFile, NnError> {
        let fitted = self.fitted()?;
        let mut file = ModelFile::new(&fitted.net).with_task(Task::Regression);
        file.estimator = Some(
            EstimatorSection::MlpRegressor {
                params: self.params.clone(),
                progress: fitted.progress.clone(),
            }
            .to_value(),
        );
        Ok(file)
    }

    /// Rebuilds a fitted regressor from a model file written by [`to_model_file`](MlpRegressor::to_model_file).
    ///
    /// # Errors
    /// [`NnError::ModelFile`] when the file was written by something else or does not fit together.
    pub fn from_model_file(file: &ModelFile) -> Result<MlpRegressor, NnError> {
        file.check()?;
        let EstimatorSection::MlpRegressor { params, progress } =
            EstimatorSection::read(file, "MlpRegressor")?
        else {
            return Err(NnError::ModelFile(
                "this model was written by an MlpClassifier, not an MlpRegressor".into(),
            ));
        };
        let net = file.network()?;
        if net.output_activation() != Activation::Linear {
            return Err(NnError::ModelFile(format!(
                "an MlpRegressor has a linear output layer, this file's is {}",
                net.output_activation()
            )));
        }
        Ok(MlpRegressor {
            params,
            fitted: Some(FittedRegressor { net, progress }),
        })
    }
}
