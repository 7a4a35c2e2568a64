//! The digits lab's session side, for the shipped image sets (digits 8 × 8, MNIST 28 × 28):
//! what the network makes of a digit drawn on the page's pad (normalised the way the set's
//! images were made, by `data::digit_pad`), of one gallery image, the test images it gets
//! wrong, and its first layer's weights as image tiles (`weight_tiles`).

use super::render;
use super::session::Playground;
use super::weight_tiles::{TileLayout, TileScale, first_layer_tiles};
use crate::data::digit_pad::{DigitFormat, GreyImage, normalize_image};
use crate::error::NnError;
use crate::nn::network::Workspace;
use serde::Serialize;

/// The most misclassified test images one call returns (a strip the page shows in one row or
/// two).
pub const MAX_MISTAKES: usize = 64;

/// What the network makes of one image.
#[derive(Clone, Debug, PartialEq)]
pub struct PadReading {
    /// The image as the network reads it: side² values on the set's scale, row by row.
    pub image: Vec<f32>,
    /// The network's outputs: one probability per class.
    pub probabilities: Vec<f32>,
}

/// Test images the network gets wrong, in test-set order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Mistakes {
    /// Side of the images in pixels.
    pub side: usize,
    /// Index of each image in the test set.
    pub index: Vec<usize>,
    pub truth: Vec<usize>,
    pub predicted: Vec<usize>,
    /// Wrong answers on the whole test set (more than `index` holds when capped).
    pub total: usize,
    /// Test images looked at.
    pub tested: usize,
    /// The images as dark ink on white, side × side × 4 RGBA bytes each, stacked.
    #[serde(skip)]
    pub rgba: Vec<u8>,
}

impl Playground {
    /// The image conventions of the session's data, or an error naming why there are none.
    fn digit_format(&self) -> Result<DigitFormat, NnError> {
        let format = DigitFormat::for_dataset(self.config().data.dataset)
            .filter(|_| self.data().gallery.is_some());
        format.ok_or_else(|| {
            NnError::Config("the digit pad needs the digits or MNIST data set".into())
        })
    }

    fn probabilities(&self, image: &[f32]) -> Vec<f32> {
        let mut ws = Workspace::default();
        self.network().forward(image, 1, &mut ws);
        ws.output().to_vec()
    }

    /// Reads a pad of `side` × `side` grey pixels (0 = paper, 255 = full ink, row by row):
    /// crops it to the ink, scales and centres it as the data set's images were made (MNIST:
    /// a 20 × 20 box in 28 × 28 by the centre of mass; digits: 8 × 8 counts of 0–16), and
    /// runs the network on it. `None` for a pad without ink.
    ///
    /// ```
    /// use nnplay::playground::Playground;
    /// let pg = Playground::from_query("dataset=digits&layers=8").unwrap();
    /// let side = 64;
    /// let mut pad = vec![0u8; side * side];
    /// for row in 8..56 {
    ///     pad[row * side + 30..row * side + 36].fill(255); // a vertical stroke: a "1"
    /// }
    /// let reading = pg.read_pad(&pad, side).unwrap().unwrap();
    /// assert_eq!(reading.image.len(), 64);
    /// assert_eq!(reading.probabilities.len(), 10);
    /// assert!(pg.read_pad(&vec![0; side * side], side).unwrap().is_none());
    /// ```
    pub fn read_pad(&self, pixels: &[u8], side: usize) -> Result<Option<PadReading>, NnError> {
        let format = self.digit_format()?;
        let grey = pixels.iter().map(|&v| v as f32 / 255.0).collect();
        let image = GreyImage::new(side, side, grey).map_err(NnError::Data)?;
        Ok(normalize_image(&image, format).map(|image| PadReading {
            probabilities: self.probabilities(&image),
            image,
        }))
    }

    /// Gallery image `k` (the order of [`Playground::gallery_guesses`]) as it is, and the
    /// network's outputs on it: the pad's "use a test image".
    pub fn read_gallery_image(&self, k: usize) -> Result<PadReading, NnError> {
        self.digit_format()?;
        let gallery = self
            .data()
            .gallery
            .as_ref()
            .expect("checked by digit_format");
        let n = gallery.side * gallery.side;
        let count = gallery.truth.len();
        let image = gallery
            .x
            .get(k * n..(k + 1) * n)
            .ok_or_else(|| {
                NnError::Config(format!(
                    "there are {count} test images to pick from (0 to {}), not {k}",
                    count.saturating_sub(1)
                ))
            })?
            .to_vec();
        Ok(PadReading {
            probabilities: self.probabilities(&image),
            image,
        })
    }

    /// Up to `max` (at most [`MAX_MISTAKES`]) test images the network classifies wrongly, with
    /// their RGBA pictures, and how many it gets wrong in all.
    pub fn mistakes(&self, max: usize) -> Result<Mistakes, NnError> {
        let format = self.digit_format()?;
        let data = self.data();
        let rows = data.x_test.nrows();
        let side = format.side();
        let mut out = Mistakes {
            side,
            tested: rows,
            ..Mistakes::default()
        };
        let (Some(x), Some(y)) = (data.x_test.as_slice(), data.y_test.as_slice()) else {
            return Ok(out);
        };
        if rows == 0 {
            return Ok(out);
        }
        let mut ws = Workspace::default();
        let net = self.network();
        net.forward(x, rows, &mut ws);
        let classes = net.out_dim();
        let argmax = |row: &[f32]| {
            (0..row.len()).fold(0, |best, k| if row[k] > row[best] { k } else { best })
        };
        let mut pixels = Vec::new();
        for (i, (out_row, target)) in ws
            .output()
            .chunks_exact(classes)
            .zip(y.chunks_exact(classes))
            .enumerate()
        {
            let (predicted, truth) = (argmax(out_row), argmax(target));
            if predicted == truth {
                continue;
            }
            out.total += 1;
            if out.index.len() < max.min(MAX_MISTAKES) {
                out.index.push(i);
                out.truth.push(truth);
                out.predicted.push(predicted);
                pixels.extend_from_slice(&x[i * side * side..(i + 1) * side * side]);
            }
        }
        render::ink_images(&pixels, &mut out.rgba);
        Ok(out)
    }

    /// The first hidden layer's weights as one side × side tile per unit, in a grid of at
    /// most `columns` columns, into `out` (RGBA; see [`first_layer_tiles`]).
    pub fn render_weight_tiles(
        &self,
        columns: usize,
        out: &mut Vec<u8>,
    ) -> Result<TileLayout, NnError> {
        let format = self.digit_format()?;
        if self.network().layers().len() < 2 {
            return Err(NnError::Config(
                "the network has no hidden layer: there are no weights to draw as images".into(),
            ));
        }
        first_layer_tiles(
            self.network(),
            format.side(),
            columns,
            TileScale::PerUnit,
            out,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vertical bar from row `top` to `bottom` (exclusive) at columns `left..right`.
    fn bar(side: usize, top: usize, bottom: usize, left: usize, right: usize) -> Vec<u8> {
        let mut pad = vec![0u8; side * side];
        for r in top..bottom {
            pad[r * side + left..r * side + right].fill(255);
        }
        pad
    }

    #[test]
    fn a_stroke_anywhere_on_the_pad_reads_as_the_same_centred_image() {
        let pg = Playground::from_query("dataset=mnist&layers=16").unwrap();
        let side = 140;
        let left = pg.read_pad(&bar(side, 10, 70, 10, 18), side).unwrap();
        let right = pg.read_pad(&bar(side, 60, 120, 100, 108), side).unwrap();
        let (left, right) = (left.unwrap(), right.unwrap());
        assert_eq!(left.image, right.image);
        assert_eq!(left.image.len(), 28 * 28);
        // The 60-pixel bar becomes 20 rows tall; its centre of mass (9.5) is moved by a whole
        // number of rows onto 14 (rounding 4.5 up): rows 5..25 hold ink.
        let rows_with_ink: Vec<usize> = (0..28)
            .filter(|r| left.image[r * 28..(r + 1) * 28].iter().any(|&v| v > 0.0))
            .collect();
        assert_eq!(rows_with_ink, (5..25).collect::<Vec<_>>());
        assert_eq!(left.probabilities.len(), 10);
        let sum: f32 = left.probabilities.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "{sum}");
    }

    #[test]
    fn the_8x8_pad_uses_the_sets_0_to_16_counts() {
        let pg = Playground::from_query("dataset=digits&layers=16").unwrap();
        let reading = pg.read_pad(&bar(64, 4, 60, 28, 36), 64).unwrap().unwrap();
        assert_eq!(reading.image.len(), 64);
        for v in &reading.image {
            let count = v * 16.0;
            assert!((count - count.round()).abs() < 1e-4 && (0.0..=16.0).contains(&count));
        }
        // The ink spans all eight rows, as in every image of the set.
        assert!((0..8).all(|r| reading.image[r * 8..(r + 1) * 8].iter().any(|&v| v > 0.0)));
    }

    #[test]
    fn a_gallery_image_reads_as_the_gallery_guess_and_mistakes_are_wrong_answers() {
        let mut pg =
            Playground::from_query("dataset=digits&layers=32&act=relu&opt=adam&lr=0.003&batch=32")
                .unwrap();
        pg.step(300).unwrap();
        let guesses = pg.gallery_guesses();
        for (k, guess) in guesses.iter().enumerate() {
            let reading = pg.read_gallery_image(k).unwrap();
            let best = (0..10)
                .max_by(|&a, &b| reading.probabilities[a].total_cmp(&reading.probabilities[b]))
                .unwrap();
            assert_eq!(best, guess.predicted, "gallery image {k}");
        }
        assert!(pg.read_gallery_image(guesses.len()).is_err());
        let mistakes = pg.mistakes(5).unwrap();
        let accuracy = pg.step(0).unwrap().test_metric.unwrap();
        let expected_wrong = ((1.0 - accuracy) * mistakes.tested as f32).round() as usize;
        assert_eq!(mistakes.total, expected_wrong);
        assert!(mistakes.index.len() <= 5 && mistakes.index.len() <= mistakes.total);
        assert_eq!(mistakes.rgba.len(), mistakes.index.len() * 64 * 4);
        for (t, p) in mistakes.truth.iter().zip(&mistakes.predicted) {
            assert_ne!(t, p);
        }
    }

    #[test]
    fn weight_tiles_have_one_tile_per_first_layer_unit_and_need_images() {
        let pg = Playground::from_query("dataset=mnist&layers=64,64").unwrap();
        let mut out = Vec::new();
        let layout = pg.render_weight_tiles(16, &mut out).unwrap();
        assert_eq!((layout.units, layout.side, layout.columns), (64, 28, 16));
        assert_eq!(out.len(), layout.width * layout.height * 4);
        let circle = Playground::from_query("dataset=circle").unwrap();
        assert!(circle.render_weight_tiles(16, &mut out).is_err());
        assert!(circle.read_pad(&[0; 4], 2).is_err());
    }
}
