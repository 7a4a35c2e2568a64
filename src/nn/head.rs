//! The network's head: the output layer's width and activation and the loss it is trained with,
//! as a [`Task`] asks for them. One rule for the page, the CLI and their option lists: what
//! `auto` means, which pairs suit a task, and what a half-chosen pair is completed with.
//!
//! ```
//! use nnplay::data::Task;
//! use nnplay::nn::{activation::Activation, head, loss::Loss};
//! let task = Task::MultiClassification { classes: 3 };
//! assert_eq!(head::outputs(task), 3);
//! assert_eq!(head::default_head(task), (Activation::Softmax, Loss::CategoricalCrossEntropy));
//! // Only the loss picked: the output it needs.
//! assert_eq!(head::resolve(Task::BinaryClassification, None, Some(Loss::BinaryCrossEntropy)).0, Activation::Sigmoid);
//! assert!(head::check_head(Task::Regression, Activation::Sigmoid, Loss::BinaryCrossEntropy).is_err());
//! ```

use crate::data::Task;
use crate::error::NnError;
use crate::nn::activation::Activation;
use crate::nn::loss::Loss;

/// Number of network outputs a task needs: one for two classes (the probability of class 1) and
/// for regression, one per class otherwise.
pub fn outputs(task: Task) -> usize {
    match task {
        Task::BinaryClassification | Task::Regression => 1,
        Task::MultiClassification { classes } => classes,
    }
}

/// The output activation and loss a task gets when both are left on `auto`:
/// binary → sigmoid + binary cross-entropy, K classes → softmax + categorical cross-entropy,
/// regression → linear + mean squared error.
pub fn default_head(task: Task) -> (Activation, Loss) {
    match task {
        Task::BinaryClassification => (Activation::Sigmoid, Loss::BinaryCrossEntropy),
        Task::MultiClassification { .. } => (Activation::Softmax, Loss::CategoricalCrossEntropy),
        Task::Regression => (Activation::Linear, Loss::MeanSquaredError),
    }
}

/// Checks that an output activation and a loss can go together for `task`: the loss's own
/// rule (cross-entropies need their output), no softmax on a single output, and no
/// cross-entropy on real-valued targets.
pub fn check_head(task: Task, output: Activation, loss: Loss) -> Result<(), NnError> {
    loss.check_output(output, outputs(task))?;
    let incompatible = |hint| {
        Err(NnError::Incompatible {
            activation: output.to_string(),
            loss: loss.to_string(),
            hint,
        })
    };
    match task {
        Task::Regression if loss.uses_logits() => {
            incompatible("regression targets are numbers, not probabilities: use mse, mae or huber")
        }
        Task::BinaryClassification if output.is_row_wise() => {
            incompatible("two classes use one output unit, which softmax cannot drive")
        }
        _ => Ok(()),
    }
}

/// The pair asked for on `task` when `None` stands for `auto`, compatible or not: both auto is
/// the task's default; one picked is completed with its natural partner.
pub fn requested(task: Task, output: Option<Activation>, loss: Option<Loss>) -> (Activation, Loss) {
    let (def_out, def_loss) = default_head(task);
    match (output, loss) {
        (None, None) => (def_out, def_loss),
        (Some(out), Some(loss)) => (out, loss),
        // Only the output picked: the loss that naturally goes with it.
        (Some(out), None) => {
            let loss = match out {
                Activation::Sigmoid if task != Task::Regression => Loss::BinaryCrossEntropy,
                Activation::Softmax => Loss::CategoricalCrossEntropy,
                _ => Loss::MeanSquaredError,
            };
            (out, loss)
        }
        // Only the loss picked: the output it needs, else the task's (sigmoid instead of a
        // softmax, which only trains with categorical cross-entropy).
        (None, Some(loss)) => {
            let out = loss.required_output().unwrap_or(if def_out.is_row_wise() {
                Activation::Sigmoid
            } else {
                def_out
            });
            (out, loss)
        }
    }
}

/// The pair actually used on `task`: the requested one when it suits the task, the task's
/// default otherwise (a CSV file can change the task under a choice made for another one).
pub fn resolve(task: Task, output: Option<Activation>, loss: Option<Loss>) -> (Activation, Loss) {
    let (out, loss) = requested(task, output, loss);
    if check_head(task, out, loss).is_ok() {
        (out, loss)
    } else {
        default_head(task)
    }
}

/// Every (output activation, loss) pair that suits `task`, in the order of
/// [`Activation::all`] then [`Loss::all`].
pub fn pairs(task: Task) -> Vec<(Activation, Loss)> {
    Activation::all()
        .into_iter()
        .flat_map(|out| Loss::all().into_iter().map(move |loss| (out, loss)))
        .filter(|&(out, loss)| check_head(task, out, loss).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TASKS: [Task; 3] = [
        Task::BinaryClassification,
        Task::MultiClassification { classes: 4 },
        Task::Regression,
    ];

    /// `auto` always resolves to a pair that suits the task, whatever half of it was picked.
    #[test]
    fn every_resolved_pair_suits_its_task() {
        for task in TASKS {
            assert!(check_head(task, default_head(task).0, default_head(task).1).is_ok());
            let outs = std::iter::once(None).chain(Activation::all().map(Some));
            for out in outs {
                for loss in std::iter::once(None).chain(Loss::all().map(Some)) {
                    let (o, l) = resolve(task, out, loss);
                    assert!(check_head(task, o, l).is_ok(), "{task:?} {out:?} {loss:?}");
                }
            }
        }
    }

    #[test]
    fn a_half_picked_pair_is_completed_with_its_partner() {
        let binary = Task::BinaryClassification;
        assert_eq!(
            requested(binary, Some(Activation::Tanh), None),
            (Activation::Tanh, Loss::MeanSquaredError)
        );
        assert_eq!(
            requested(Task::Regression, Some(Activation::Sigmoid), None),
            (Activation::Sigmoid, Loss::MeanSquaredError)
        );
        assert_eq!(
            requested(
                Task::MultiClassification { classes: 3 },
                None,
                Some(Loss::MeanSquaredError)
            ),
            (Activation::Sigmoid, Loss::MeanSquaredError)
        );
        // An explicit pair that does not suit falls back to the default as a whole.
        assert_eq!(
            resolve(
                Task::Regression,
                Some(Activation::Sigmoid),
                Some(Loss::BinaryCrossEntropy)
            ),
            default_head(Task::Regression)
        );
    }

    #[test]
    fn pairs_hold_exactly_the_compatible_ones() {
        let regression = pairs(Task::Regression);
        assert!(regression.contains(&(Activation::Linear, Loss::MeanSquaredError)));
        assert!(regression.iter().all(|(_, l)| !l.uses_logits()));
        let binary = pairs(Task::BinaryClassification);
        assert!(binary.contains(&(Activation::Sigmoid, Loss::BinaryCrossEntropy)));
        assert!(binary.iter().all(|(o, _)| !o.is_row_wise()));
        assert_eq!(
            pairs(Task::MultiClassification { classes: 3 })
                .iter()
                .filter(|(o, _)| o.is_row_wise())
                .count(),
            1,
            "softmax goes with categorical cross-entropy only"
        );
    }
}
