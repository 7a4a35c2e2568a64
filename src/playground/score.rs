//! Scoring the network on the session's data: loss and metric on the full train and test sets
//! after each `step`, the confusion counts and the gallery's guesses. The buffers are kept
//! between calls, so scoring allocates nothing once they are warm. The session owns one
//! [`Scorer`] and lends it the network and the data; nothing here knows the session.

use super::messages::{Confusion, GalleryGuess};
use super::prepare::Prepared;
use crate::data::Task;
use crate::nn::loss::Loss;
use crate::nn::network::{Network, Workspace};
use crate::train::metrics::{Metric, confusion_matrix};
use ndarray::{Array2, ArrayView2};

/// The metric a task is scored with: R² for regression, accuracy for classes.
pub(super) fn metric_for(task: Task) -> Metric {
    if task == Task::Regression {
        Metric::R2
    } else {
        Metric::Accuracy
    }
}

/// Loss and metric of the network on one set; `None` for an empty set or a non-finite value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct SetScore {
    pub(super) loss: Option<f32>,
    pub(super) metric: Option<f32>,
}

/// Reused buffers for scoring.
#[derive(Clone, Debug, Default)]
pub(super) struct Scorer {
    ws_train: Workspace,
    ws_test: Workspace,
    ws_gallery: Workspace,
    scratch: Vec<f32>,
}

impl Scorer {
    /// The mean loss (without weight penalty) and the metric on the train and test sets.
    pub(super) fn sets(
        &mut self,
        net: &Network,
        data: &Prepared,
        loss: Loss,
    ) -> (SetScore, SetScore) {
        let metric = metric_for(data.task);
        let train = score(
            net,
            &data.x_train,
            &data.y_train,
            loss,
            metric,
            &mut self.ws_train,
            &mut self.scratch,
        );
        let test = score(
            net,
            &data.x_test,
            &data.y_test,
            loss,
            metric,
            &mut self.ws_test,
            &mut self.scratch,
        );
        (train, test)
    }

    /// Counts of true against predicted classes on both sets; `None` for regression.
    pub(super) fn confusion(&mut self, net: &Network, data: &Prepared) -> Option<Confusion> {
        let classes = match data.task {
            Task::Regression => return None,
            _ => data.classes(),
        };
        let counts = |x: &Array2<f32>, y: &Array2<f32>, ws: &mut Workspace| {
            let rows = x.nrows();
            let Some(xs) = x.as_slice().filter(|_| rows > 0) else {
                return vec![vec![0; classes]; classes];
            };
            net.forward(xs, rows, ws);
            let predictions = ArrayView2::from_shape((rows, net.out_dim()), ws.output())
                .expect("forward wrote rows × out_dim");
            confusion_matrix(predictions, y.view(), classes)
        };
        let train = counts(&data.x_train, &data.y_train, &mut self.ws_train);
        let test = counts(&data.x_test, &data.y_test, &mut self.ws_test);
        let mut class_names = data.class_names.clone();
        while class_names.len() < classes {
            class_names.push(class_names.len().to_string());
        }
        Some(Confusion {
            class_names,
            train,
            test,
        })
    }

    /// The network's answers on the gallery's test images; empty for data that are not images.
    pub(super) fn gallery_guesses(&mut self, net: &Network, data: &Prepared) -> Vec<GalleryGuess> {
        let Some(gallery) = &data.gallery else {
            return Vec::new();
        };
        let rows = gallery.truth.len();
        if rows == 0 {
            return Vec::new();
        }
        net.forward(&gallery.x, rows, &mut self.ws_gallery);
        self.ws_gallery
            .output()
            .chunks_exact(net.out_dim())
            .zip(&gallery.truth)
            .map(|(out, &truth)| GalleryGuess::from_output(out, truth))
            .collect()
    }
}

/// Loss and metric of `net` on one set, without allocating once the buffers are warm.
fn score(
    net: &Network,
    x: &Array2<f32>,
    y: &Array2<f32>,
    loss: Loss,
    metric: Metric,
    ws: &mut Workspace,
    scratch: &mut Vec<f32>,
) -> SetScore {
    let rows = x.nrows();
    if rows == 0 {
        return SetScore::default();
    }
    let (Some(xs), Some(ys)) = (x.as_slice(), y.as_slice()) else {
        return SetScore::default();
    };
    net.forward(xs, rows, ws);
    let last = net.layers().len() - 1;
    let top = ws.layer(last);
    let output = if loss.uses_logits() { &top.z } else { &top.a };
    scratch.resize(output.len(), 0.0);
    let value = loss.value_and_grad(output, ys, scratch, net.out_dim());
    let predictions = ArrayView2::from_shape((rows, net.out_dim()), ws.output())
        .expect("forward wrote rows × out_dim");
    let m = metric.compute(predictions, y.view());
    SetScore {
        loss: Some(value).filter(|v| v.is_finite()),
        metric: Some(m).filter(|v| v.is_finite()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::{GALLERY_PER_CLASS, Playground, render};

    fn session(query: &str) -> Playground {
        Playground::from_query(query).expect("valid query")
    }

    fn correct(guesses: &[GalleryGuess]) -> usize {
        guesses.iter().filter(|g| g.predicted == g.truth).count()
    }

    #[test]
    fn digits_show_four_test_images_of_each_digit_in_turn() {
        let mut pg = session("dataset=digits&layers=8");
        assert_eq!(pg.state().image_side, Some(8));
        let guesses = pg.gallery_guesses();
        let truth: Vec<usize> = guesses.iter().map(|g| g.truth).collect();
        let expected: Vec<usize> = (0..GALLERY_PER_CLASS).flat_map(|_| 0..10).collect();
        assert_eq!(truth, expected);
        assert!(guesses.iter().all(|g| g.predicted < 10));
        assert!(guesses.iter().all(|g| (0.0..=1.0).contains(&g.confidence)));

        // The images are the test rows themselves: the first gallery image is the first test
        // image of class 0.
        let data = pg.data();
        let gallery = data.gallery.clone().expect("digits have a gallery");
        let first = (0..data.y_test.nrows())
            .find(|&i| data.y_test[[i, 0]] == 1.0)
            .expect("a test zero");
        assert_eq!(&gallery.x[..64], data.x_test.row(first).as_slice().unwrap());

        let mut rgba = Vec::new();
        pg.render_gallery(&mut rgba).unwrap();
        assert_eq!(rgba.len(), 40 * 8 * 8 * 4);
        // Blank paper is white, full ink is the ink colour, and an 8 × 8 digit has both.
        let pixel = |i: usize| &rgba[i * 4..i * 4 + 4];
        let blank = gallery.x.iter().position(|&v| v == 0.0).unwrap();
        let inked = gallery.x.iter().position(|&v| v == 1.0).unwrap();
        assert_eq!(pixel(blank), &[255, 255, 255, 255]);
        assert_eq!(
            pixel(inked),
            &[render::INK[0], render::INK[1], render::INK[2], 255]
        );
    }

    #[test]
    fn the_gallery_guesses_improve_with_training_and_match_the_network() {
        let mut pg = session("dataset=digits&layers=32&act=relu&opt=adam&lr=0.01&batch=16");
        let before = correct(&pg.gallery_guesses());
        let per_epoch = pg.state().n_train.div_ceil(16);
        pg.step(5 * per_epoch).unwrap();
        let guesses = pg.gallery_guesses();
        let after = correct(&guesses);
        assert!(after >= 32, "only {after} of 40 right after 5 epochs");
        assert!(
            after > before + 10,
            "{before} right before training, {after} after"
        );
        // Each guess is the largest output of the network on that image.
        let gallery = pg.data().gallery.clone().unwrap();
        for (k, guess) in guesses.iter().enumerate() {
            let mut ws = Workspace::default();
            pg.network()
                .forward(&gallery.x[k * 64..(k + 1) * 64], 1, &mut ws);
            let out = ws.output();
            let best = (0..out.len()).fold(0, |b, i| if out[i] > out[b] { i } else { b });
            assert_eq!(guess.predicted, best);
            assert!((guess.confidence - out[best]).abs() < 1e-6);
        }
    }

    #[test]
    fn data_that_are_not_images_have_no_gallery() {
        for query in ["dataset=circle", "dataset=iris"] {
            let mut pg = session(query);
            assert_eq!(pg.state().image_side, None, "{query}");
            assert!(pg.gallery_guesses().is_empty(), "{query}");
            assert!(
                matches!(
                    pg.render_gallery(&mut Vec::new()),
                    Err(crate::error::NnError::Config(_))
                ),
                "{query}"
            );
        }
    }
}
