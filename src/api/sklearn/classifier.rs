//! sklearn's `MLPClassifier`: a sigmoid output for two classes, softmax for more, fitted on
//! log-loss, with class ids or string labels (see the module docs of [`super`]).

use super::fit::{self, Convention, Data};
use super::{
    EstimatorSection, MlpParams, Progress, build_network, check_finite, check_shapes, class_index,
};
use crate::data::{DataError, Task};
use crate::error::NnError;
use crate::io::model_file::{self, ModelFile};
use crate::nn::activation::Activation;
use crate::nn::init::rng_from_seed;
use crate::nn::loss::Loss;
use crate::nn::network::{LayerConfig, Network};
use ndarray::Array2;

#[derive(Clone, Debug)]
struct FittedClassifier {
    net: Network,
    progress: Progress,
    /// Sorted ids; class k of the network is `class_ids[k]`.
    class_ids: Vec<usize>,
    /// Display name of each class (the labels themselves after `fit_labels`).
    class_names: Vec<String>,
    string_labels: bool,
}

/// sklearn's `MLPClassifier`: two classes get one sigmoid output and binary cross-entropy,
/// more get a softmax output and categorical cross-entropy.
///
/// Labels are `usize` class ids (any values, not necessarily 0..k) with [`fit`](MlpClassifier::fit),
/// or strings with [`fit_labels`](MlpClassifier::fit_labels). Classes are sorted, as sklearn's
/// `classes_` are; `predict_proba` has one column per class in that order.
///
/// ```
/// use nnplay::prelude::*;
/// use ndarray::array;
///
/// let x = array![[-2.0f32], [-1.5], [-1.0], [1.0], [1.5], [2.0]];
/// let labels = ["small", "small", "small", "large", "large", "large"].map(String::from);
/// let mut clf = MlpClassifier::new().hidden_layer_sizes(&[4]).learning_rate_init(0.05).random_state(3);
/// clf.fit_labels(&x, &labels).unwrap();
/// assert_eq!(clf.class_names().unwrap(), ["large", "small"]);
/// assert_eq!(clf.predict_labels(&array![[-3.0f32], [3.0]]).unwrap(), ["small", "large"]);
/// let p = clf.predict_proba(&x).unwrap();
/// assert_eq!(p.dim(), (6, 2));
/// ```
#[derive(Clone, Debug, Default)]
pub struct MlpClassifier {
    params: MlpParams,
    fitted: Option<FittedClassifier>,
}

impl MlpClassifier {
    /// An unfitted classifier with sklearn's defaults ([`MlpParams::default`]).
    pub fn new() -> MlpClassifier {
        MlpClassifier::default()
    }

    mlp_setters!();

    fn fitted(&self) -> Result<&FittedClassifier, NnError> {
        self.fitted.as_ref().ok_or(NnError::NotFitted)
    }

    /// Trains a fresh network on `x` (n, n_features) and one class id per row.
    ///
    /// # Errors
    /// Those of [`MlpRegressor::fit`], and [`DataError::SingleClass`] (inside [`NnError::Data`])
    /// when every label is the same.
    pub fn fit(&mut self, x: &Array2<f32>, labels: &[usize]) -> Result<&mut Self, NnError> {
        let mut class_ids = labels.to_vec();
        class_ids.sort_unstable();
        class_ids.dedup();
        let index: Vec<usize> = labels
            .iter()
            .map(|l| class_ids.binary_search(l).expect("every label is a class"))
            .collect();
        let names = class_ids.iter().map(usize::to_string).collect();
        self.fit_indices(x, &index, class_ids, names, false)
    }

    /// Trains on string labels; classes are the distinct labels in sorted order, and
    /// [`predict_labels`](MlpClassifier::predict_labels) gives strings back.
    /// ([`predict`](MlpClassifier::predict) then returns class indices 0..k.)
    pub fn fit_labels<S: AsRef<str>>(
        &mut self,
        x: &Array2<f32>,
        labels: &[S],
    ) -> Result<&mut Self, NnError> {
        let mut names: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
        names.sort_unstable();
        names.dedup();
        let index: Vec<usize> = labels
            .iter()
            .map(|l| {
                names
                    .binary_search(&l.as_ref())
                    .expect("every label is a class")
            })
            .collect();
        let class_ids = (0..names.len()).collect();
        let names = names.into_iter().map(String::from).collect();
        self.fit_indices(x, &index, class_ids, names, true)
    }

    fn fit_indices(
        &mut self,
        x: &Array2<f32>,
        index: &[usize],
        class_ids: Vec<usize>,
        class_names: Vec<String>,
        string_labels: bool,
    ) -> Result<&mut Self, NnError> {
        self.params.validate()?;
        check_shapes(x, index.len())?;
        check_finite(x.view(), "inputs")?;
        let k = class_names.len();
        if k < 2 {
            return Err(DataError::SingleClass {
                class: class_names.first().cloned().unwrap_or_default(),
            }
            .into());
        }
        // sklearn's LabelBinarizer: one 0/1 column for two classes, one-hot rows for more.
        let (y, output, loss) = if k == 2 {
            (
                Array2::from_shape_fn((index.len(), 1), |(i, _)| index[i] as f32),
                LayerConfig::new(1, Activation::Sigmoid),
                Loss::BinaryCrossEntropy,
            )
        } else {
            let y = Array2::from_shape_fn(
                (index.len(), k),
                |(i, c)| if index[i] == c { 1.0 } else { 0.0 },
            );
            (
                y,
                LayerConfig::new(k, Activation::Softmax),
                Loss::CategoricalCrossEntropy,
            )
        };
        let mut rng = rng_from_seed(self.params.random_state);
        let mut net = build_network(&self.params, x.ncols(), output, &mut rng)?;
        // Our cross-entropies are sklearn's log-loss exactly, value and gradient (ŷ − y)/n.
        let convention = Convention {
            loss,
            scale: 1.0,
            report: 1.0,
        };
        let data = Data {
            x: x.view(),
            y: y.view(),
            labels: Some(index),
        };
        let progress = fit::fit(&self.params, &mut net, data, convention, &mut rng)?;
        self.fitted = Some(FittedClassifier {
            net,
            progress,
            class_ids,
            class_names,
            string_labels,
        });
        Ok(self)
    }

    /// The class ids `predict` returns, sorted (sklearn's `classes_`).
    pub fn classes(&self) -> Result<&[usize], NnError> {
        Ok(&self.fitted()?.class_ids)
    }

    /// The display name of each class: the labels after `fit_labels`, the ids as text after `fit`.
    pub fn class_names(&self) -> Result<&[String], NnError> {
        Ok(&self.fitted()?.class_names)
    }

    /// Class probabilities, shape (n, n_classes), columns in [`classes`](MlpClassifier::classes)
    /// order. With two classes the network has one sigmoid output p, and the rows are [1 − p, p]
    /// as in sklearn.
    pub fn predict_proba(&self, x: &Array2<f32>) -> Result<Array2<f32>, NnError> {
        let out = self.fitted()?.net.predict(x.view())?;
        if out.ncols() == 1 {
            Ok(Array2::from_shape_fn((out.nrows(), 2), |(i, c)| {
                if c == 1 {
                    out[[i, 0]]
                } else {
                    1.0 - out[[i, 0]]
                }
            }))
        } else {
            Ok(out)
        }
    }

    /// The index (into `classes`) of the predicted class of each row.
    fn predict_index(&self, x: &Array2<f32>) -> Result<Vec<usize>, NnError> {
        let out = self.fitted()?.net.predict(x.view())?;
        Ok(out.rows().into_iter().map(class_index).collect())
    }

    /// The predicted class id of each row of `x` (n, n_features).
    ///
    /// # Errors
    /// [`NnError::NotFitted`], [`NnError::InputDim`].
    pub fn predict(&self, x: &Array2<f32>) -> Result<Vec<usize>, NnError> {
        let fitted = self.fitted()?;
        Ok(self
            .predict_index(x)?
            .into_iter()
            .map(|k| fitted.class_ids[k])
            .collect())
    }

    /// The predicted class name of each row (the string labels after `fit_labels`).
    pub fn predict_labels(&self, x: &Array2<f32>) -> Result<Vec<String>, NnError> {
        let fitted = self.fitted()?;
        Ok(self
            .predict_index(x)?
            .into_iter()
            .map(|k| fitted.class_names[k].clone())
            .collect())
    }

    /// sklearn's `score`: accuracy, the fraction of rows whose predicted id equals `labels[i]`
    /// (a label the model has never seen simply counts as wrong).
    pub fn score(&self, x: &Array2<f32>, labels: &[usize]) -> Result<f32, NnError> {
        check_shapes(x, labels.len())?;
        let predicted = self.predict(x)?;
        Ok(fraction_equal(&predicted, labels))
    }

    /// [`score`](MlpClassifier::score) against string labels.
    pub fn score_labels<S: AsRef<str>>(
        &self,
        x: &Array2<f32>,
        labels: &[S],
    ) -> Result<f32, NnError> {
        check_shapes(x, labels.len())?;
        let predicted = self.predict_labels(x)?;
        let predicted: Vec<&str> = predicted.iter().map(String::as_str).collect();
        let labels: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
        Ok(fraction_equal(&predicted, &labels))
    }

    /// The fitted model as a [`ModelFile`] (task, class names, hyperparameters and loss curve).
    pub fn to_model_file(&self) -> Result<ModelFile, NnError> {
        let fitted = self.fitted()?;
        let k = fitted.class_ids.len();
        let task = if k == 2 {
            Task::BinaryClassification
        } else {
            Task::MultiClassification { classes: k }
        };
        let mut file = ModelFile::new(&fitted.net)
            .with_task(task)
            .with_classes(fitted.class_names.clone());
        file.estimator = Some(
            EstimatorSection::MlpClassifier {
                params: self.params.clone(),
                progress: fitted.progress.clone(),
                class_ids: fitted.class_ids.clone(),
                string_labels: fitted.string_labels,
            }
            .to_value(),
        );
        Ok(file)
    }

    /// Rebuilds a fitted classifier from a model file written by [`to_model_file`](MlpClassifier::to_model_file).
    ///
    /// # Errors
    /// [`NnError::ModelFile`] when the file was written by something else or does not fit together.
    pub fn from_model_file(file: &ModelFile) -> Result<MlpClassifier, NnError> {
        file.check()?;
        let EstimatorSection::MlpClassifier {
            params,
            progress,
            class_ids,
            string_labels,
        } = EstimatorSection::read(file, "MlpClassifier")?
        else {
            return Err(NnError::ModelFile(
                "this model was written by an MlpRegressor, not an MlpClassifier".into(),
            ));
        };
        let net = file.network()?;
        let class_names = file
            .classes
            .clone()
            .ok_or_else(|| NnError::ModelFile("a classifier file needs its class names".into()))?;
        let k = class_ids.len();
        let expected = if k == 2 {
            (1, Activation::Sigmoid)
        } else {
            (k, Activation::Softmax)
        };
        if k < 2 || class_names.len() != k || (net.out_dim(), net.output_activation()) != expected {
            return Err(NnError::ModelFile(format!(
                "{k} class ids and {} class names do not fit a network with {} {} outputs",
                class_names.len(),
                net.out_dim(),
                net.output_activation()
            )));
        }
        Ok(MlpClassifier {
            params,
            fitted: Some(FittedClassifier {
                net,
                progress,
                class_ids,
                class_names,
                string_labels,
            }),
        })
    }
}

/// sklearn's `accuracy_score`: the fraction of positions where both agree.
fn fraction_equal<T: PartialEq>(predicted: &[T], truth: &[T]) -> f32 {
    if truth.is_empty() {
        return 0.0;
    }
    let correct = predicted.iter().zip(truth).filter(|(p, t)| p == t).count();
    (correct as f64 / truth.len() as f64) as f32
}
