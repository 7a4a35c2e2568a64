//! Tests of the digit pad's engine (src/data/digit_pad.rs): a drawing becomes an image made the
//! way the shipped sets' images were made (MNIST: 20-pixel box, centre of mass at (14, 14);
//! optdigits: 32 × 32 bitmap counted in 4 × 4 blocks), on the files' own scale, the same
//! whatever the size and place of the drawing; real test images come back nearly unchanged,
//! and a trained network reads them through the pad about as well as it reads them raw.

use std::io::Read;

use flate2::read::GzDecoder;
use ndarray::Array2;
use nnplay::data::builtin::{self, decode};
use nnplay::data::digit_pad::{
    DigitFormat, Drawing, GreyImage, MAX_POINTS, SUGGESTED_PEN_WIDTH, normalize_drawing,
    normalize_image,
};
use nnplay::data::{DataError, Dataset, DatasetKind};
use nnplay::nn::activation::Activation;
use nnplay::nn::loss::Loss;
use nnplay::nn::network::{LayerConfig, Network, NetworkConfig};
use nnplay::train::metrics::{accuracy, predicted_class};
use nnplay::train::optim::Optimizer;
use nnplay::train::{TrainConfig, fit};

const MNIST: DigitFormat = DigitFormat::Mnist;
const DIGITS: DigitFormat = DigitFormat::Digits;

/// Polylines of pad points (x, y).
type Strokes = Vec<Vec<(f32, f32)>>;

/// A drawing of polylines given as lists of (x, y).
fn draw(strokes: &[&[(f32, f32)]], pen: f32) -> Drawing {
    let mut d = Drawing::new(pen).unwrap();
    for stroke in strokes {
        d.start_stroke(stroke[0].0, stroke[0].1).unwrap();
        for &(x, y) in &stroke[1..] {
            d.add_point(x, y).unwrap();
        }
    }
    d
}

/// `strokes` moved by (dx, dy) after scaling by `k` about the origin.
fn transform(strokes: &[&[(f32, f32)]], k: f32, dx: f32, dy: f32) -> Strokes {
    strokes
        .iter()
        .map(|s| s.iter().map(|&(x, y)| (k * x + dx, k * y + dy)).collect())
        .collect()
}

fn draw_owned(strokes: &Strokes, pen: f32) -> Drawing {
    let refs: Vec<&[(f32, f32)]> = strokes.iter().map(Vec::as_slice).collect();
    draw(&refs, pen)
}

/// A "1" with a short flag, filling the pad's middle.
const ONE: &[&[(f32, f32)]] = &[&[(0.42, 0.28), (0.55, 0.15), (0.55, 0.85)]];
/// A "7": top bar, then the diagonal.
const SEVEN: &[&[(f32, f32)]] = &[&[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]];

/// An ellipse as a closed polyline: a "0".
fn zero() -> Strokes {
    let pts = (0..=48)
        .map(|i| {
            let t = i as f32 / 48.0 * std::f32::consts::TAU;
            (0.5 + 0.22 * t.sin(), 0.5 - 0.32 * t.cos())
        })
        .collect();
    vec![pts]
}

/// Centre of mass (column, row) in pixel-index coordinates.
fn centre_of_mass(img: &[f32], side: usize) -> (f32, f32) {
    let mass: f32 = img.iter().sum();
    let (mut cx, mut cy) = (0.0, 0.0);
    for (i, &v) in img.iter().enumerate() {
        cx += v * (i % side) as f32;
        cy += v * (i / side) as f32;
    }
    (cx / mass, cy / mass)
}

/// Width and height of the rectangle of pixels with ink.
fn ink_extent(img: &[f32], side: usize) -> (usize, usize) {
    let inked = |i: &usize| img[*i] > 0.0;
    let cols: Vec<usize> = (0..img.len()).filter(inked).map(|i| i % side).collect();
    let rows: Vec<usize> = (0..img.len()).filter(inked).map(|i| i / side).collect();
    let span = |v: &[usize]| v.iter().max().unwrap() - v.iter().min().unwrap() + 1;
    (span(&cols), span(&rows))
}

fn mean_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>() / a.len() as f32
}

#[test]
fn a_drawn_one_is_twenty_pixels_tall_with_its_centre_of_mass_at_14_14() {
    let img = normalize_drawing(&draw(ONE, 0.06), MNIST).unwrap();
    assert_eq!(img.len(), 28 * 28);
    let (cx, cy) = centre_of_mass(&img, 28);
    assert!(
        (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
        "({cx}, {cy})"
    );
    let (w, h) = ink_extent(&img, 28);
    assert!((19..=20).contains(&h), "height {h}");
    // The aspect ratio is kept: a one stays narrow.
    assert!(w <= 10, "width {w}");
    // A wide stroke lies along its longer side: a "-" is 20 pixels wide.
    let dash = normalize_drawing(&draw(&[&[(0.2, 0.5), (0.8, 0.52)]], 0.05), MNIST).unwrap();
    let (w, h) = ink_extent(&dash, 28);
    assert!((19..=20).contains(&w) && h <= 4, "{w} × {h}");
}

#[test]
fn the_same_shape_small_or_large_gives_nearly_the_same_image() {
    // The ink scaled as a whole (the pen too) is the same shape; only the sampling differs.
    let large = normalize_drawing(&draw_owned(&zero(), 0.08), MNIST).unwrap();
    let small = normalize_drawing(
        &draw_owned(&transform(&[&zero()[0]], 0.3, 0.05, 0.6), 0.024),
        MNIST,
    )
    .unwrap();
    // For scale: another pen width differs by 0.06, another digit by 0.18.
    let d = mean_abs_diff(&large, &small);
    assert!(d < 0.005, "mean difference {d}");
    let (large, small) = (
        normalize_drawing(&draw(SEVEN, 0.1), DIGITS).unwrap(),
        normalize_drawing(
            &draw_owned(&transform(SEVEN, 0.25, 0.6, 0.1), 0.025),
            DIGITS,
        )
        .unwrap(),
    );
    let d = mean_abs_diff(&large, &small);
    assert!(d < 0.01, "digits: mean difference {d}");
}

#[test]
fn the_same_shape_anywhere_on_the_pad_gives_nearly_the_same_image() {
    let here = normalize_drawing(&draw(SEVEN, 0.07), MNIST).unwrap();
    let there = normalize_drawing(
        &draw_owned(&transform(SEVEN, 0.6, 0.33, 0.05), 0.042),
        MNIST,
    )
    .unwrap();
    let moved =
        normalize_drawing(&draw_owned(&transform(SEVEN, 1.0, 0.13, -0.1), 0.07), MNIST).unwrap();
    // Moved: the same pixels. Moved and made smaller (pen too): a different sampling only.
    let (d_moved, d_there) = (mean_abs_diff(&here, &moved), mean_abs_diff(&here, &there));
    assert!(d_moved < 0.005 && d_there < 0.02, "{d_moved}, {d_there}");
}

#[test]
fn strokes_and_the_pad_raster_of_them_give_the_same_image() {
    let d = draw_owned(&zero(), 0.07);
    let from_strokes = normalize_drawing(&d, MNIST).unwrap();
    let from_raster = normalize_image(&d.rasterize(280, 280).unwrap(), MNIST).unwrap();
    let diff = mean_abs_diff(&from_strokes, &from_raster);
    assert!(diff < 0.01, "mean difference {diff}");
}

/// The divisor stored in a shipped file's header.
fn shipped_divisor(kind: DatasetKind) -> u16 {
    let path = format!(
        "{}/data/{}",
        env!("CARGO_MANIFEST_DIR"),
        builtin::file_name(kind).unwrap()
    );
    let mut raw = Vec::new();
    GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut raw)
        .unwrap();
    decode(&raw).unwrap();
    u16::from_le_bytes([raw[6], raw[7]])
}

#[test]
fn values_are_on_the_shipped_files_scale() {
    for (kind, format) in [(DatasetKind::Mnist, MNIST), (DatasetKind::Digits, DIGITS)] {
        assert_eq!(DigitFormat::for_dataset(kind), Some(format));
        assert_eq!(builtin::image_side(kind), Some(format.side()));
        let divisor = shipped_divisor(kind);
        assert_eq!(format.divisor(), divisor, "{kind}");
        for (strokes, pen) in [(zero(), 0.08), (transform(ONE, 1.0, 0.0, 0.0), 0.01)] {
            let img = normalize_drawing(&draw_owned(&strokes, pen), format).unwrap();
            assert_eq!(img.len(), format.side().pow(2));
            for &v in &img {
                let level = v * divisor as f32;
                assert!(
                    (0.0..=1.0).contains(&v) && (level - level.round()).abs() < 1e-3,
                    "{kind}: {v}"
                );
            }
            // Every shipped image reaches (nearly) full ink; so does a drawing, even a thin one.
            let peak = img.iter().cloned().fold(0.0, f32::max);
            assert_eq!(peak, 1.0, "{kind}, pen {pen}");
        }
    }
    assert_eq!(DigitFormat::for_dataset(DatasetKind::Iris), None);
}

#[test]
fn a_digits_drawing_spans_all_eight_rows_like_the_shipped_images() {
    let img = normalize_drawing(&draw(ONE, 0.1), DIGITS).unwrap();
    assert_eq!(img.len(), 64);
    let row_ink = |r: usize| img[r * 8..r * 8 + 8].iter().sum::<f32>();
    assert!(row_ink(0) > 0.0 && row_ink(7) > 0.0);
    let (w, _) = ink_extent(&img, 8);
    assert!(w <= 4, "a one is narrow, got {w} columns");
    let zero = normalize_drawing(&draw_owned(&zero(), 0.1), DIGITS).unwrap();
    // The ring's middle stays empty.
    assert_eq!(zero[3 * 8 + 3] + zero[4 * 8 + 4], 0.0);
}

fn bad<T>(r: Result<T, DataError>) -> bool {
    matches!(r, Err(DataError::BadParameter { .. }))
}

fn shape<T>(r: Result<T, DataError>) -> bool {
    matches!(r, Err(DataError::Shape(_)))
}

#[test]
fn an_empty_pad_gives_no_input_and_bad_input_is_refused() {
    let empty = Drawing::new(0.08).unwrap();
    assert!(empty.is_empty());
    assert_eq!(normalize_drawing(&empty, MNIST), None);
    assert_eq!(normalize_drawing(&empty, DIGITS), None);
    let blank = GreyImage::new(10, 5, vec![0.0; 50]).unwrap();
    assert_eq!(normalize_image(&blank, MNIST), None);
    let mut d = draw(ONE, 0.08);
    d.clear();
    assert_eq!(normalize_drawing(&d, MNIST), None);

    assert!(bad(Drawing::new(0.0)));
    assert!(bad(Drawing::new(f32::NAN)));
    assert!(bad(Drawing::new(0.08).unwrap().start_stroke(f32::NAN, 0.5)));
    assert!(bad(Drawing::new(0.08)
        .unwrap()
        .add_point(0.5, f32::INFINITY)));
    assert!(bad(GreyImage::new(2, 1, vec![0.5, f32::NAN])));
    assert!(shape(GreyImage::new(3, 3, vec![0.0; 8])));
    assert!(shape(GreyImage::new(0, 3, vec![])));
    assert!(shape(GreyImage::new(usize::MAX, 2, vec![])));
    assert!(shape(Drawing::from_flat(&[0.1, 0.2, 0.3], &[2], 0.08)));
    assert!(shape(Drawing::from_flat(
        &[0.1, 0.2],
        &[u32::MAX, u32::MAX],
        0.08
    )));
    let mut full = Drawing::new(0.08).unwrap();
    for i in 0..MAX_POINTS {
        full.add_point(i as f32 / MAX_POINTS as f32, 0.5).unwrap();
    }
    assert!(bad(full.add_point(0.5, 0.5)));
}

#[test]
fn the_flat_form_the_page_sends_is_the_same_drawing() {
    let flat = Drawing::from_flat(
        &[0.42, 0.28, 0.55, 0.15, 0.55, 0.85, 0.1, 0.1],
        &[3, 0, 1],
        0.06,
    )
    .unwrap();
    assert_eq!(flat.strokes().len(), 2);
    assert_eq!(
        flat.strokes()[0],
        [[0.42, 0.28], [0.55, 0.15], [0.55, 0.85]]
    );
    // Points off the pad land on its edge.
    let off = Drawing::from_flat(&[1.5, -0.2], &[1], 0.06).unwrap();
    assert_eq!(off.strokes()[0], [[1.0, 0.0]]);
    // A single point is a dot, and still a digit-sized blob of ink.
    let dot = normalize_drawing(&off, MNIST).unwrap();
    assert_eq!(ink_extent(&dot, 28).0, 20);
}

/// Trains `hidden` + softmax with Adam on 80 % of `kind`; returns the network and the other
/// 20 % (the test split).
fn trained(kind: DatasetKind, hidden: &[usize], epochs: usize) -> (Network, Dataset) {
    let (train, test) = builtin::load(kind).unwrap().split(0.8, 3).unwrap();
    let config = NetworkConfig::new(
        train.n_features(),
        hidden,
        Activation::Relu,
        LayerConfig::new(10, Activation::Softmax),
    )
    .with_seed(4);
    let mut net = Network::new(&config).unwrap();
    let settings = TrainConfig {
        optimizer: Optimizer::adam(),
        learning_rate: 0.003,
        loss: Loss::CategoricalCrossEntropy,
        batch_size: 32,
        epochs,
        seed: 5,
        ..TrainConfig::default()
    };
    fit(&mut net, &train.x, &train.target_matrix(), settings).unwrap();
    (net, test)
}

fn test_accuracy(net: &Network, x: &Array2<f32>, test: &Dataset) -> f32 {
    accuracy(
        net.predict(x.view()).unwrap().view(),
        test.target_matrix().view(),
    )
}

/// How an image is enlarged onto the larger canvas.
#[derive(Clone, Copy)]
enum Enlarge {
    /// Bilinear interpolation, for grey images.
    Smooth,
    /// Each pixel becomes a block, for bitmaps (which stay bitmaps).
    Blocks,
}

/// Each row of `x` (side × side) drawn `zoom` times larger, off centre on a larger canvas,
/// then put through the pad.
fn through_the_pad(
    x: &Array2<f32>,
    side: usize,
    zoom: usize,
    how: Enlarge,
    format: DigitFormat,
) -> Array2<f32> {
    let (w, h) = (side * zoom + 37, side * zoom + 23);
    let (ox, oy) = (29.0, 7.0);
    let mut out = Array2::zeros((x.nrows(), format.side().pow(2)));
    for (row, mut dst) in x.outer_iter().zip(out.outer_iter_mut()) {
        let src = |r: isize, c: isize| {
            let inside = |v: isize| (0..side as isize).contains(&v);
            if inside(r) && inside(c) {
                row[r as usize * side + c as usize]
            } else {
                0.0
            }
        };
        let mut canvas = vec![0.0; w * h];
        for (i, px) in canvas.iter_mut().enumerate() {
            // The canvas pixel's centre in source pixel coordinates (centres at k + 0.5).
            let sx = ((i % w) as f32 + 0.5 - ox) / zoom as f32;
            let sy = ((i / w) as f32 + 0.5 - oy) / zoom as f32;
            *px = match how {
                Enlarge::Blocks => src(sy.floor() as isize, sx.floor() as isize),
                Enlarge::Smooth => {
                    let (sx, sy) = (sx - 0.5, sy - 0.5);
                    let (c0, r0) = (sx.floor(), sy.floor());
                    let (fx, fy) = (sx - c0, sy - r0);
                    let (c0, r0) = (c0 as isize, r0 as isize);
                    (1.0 - fy) * ((1.0 - fx) * src(r0, c0) + fx * src(r0, c0 + 1))
                        + fy * ((1.0 - fx) * src(r0 + 1, c0) + fx * src(r0 + 1, c0 + 1))
                }
            };
        }
        let img = normalize_image(&GreyImage::new(w, h, canvas).unwrap(), format).unwrap();
        dst.assign(&ndarray::ArrayView1::from(&img));
    }
    out
}

/// The class the network gives a drawing made with the suggested pen.
fn reads_as(net: &Network, strokes: &Strokes, format: DigitFormat) -> usize {
    let img = normalize_drawing(&draw_owned(strokes, SUGGESTED_PEN_WIDTH), format).unwrap();
    let n = img.len();
    let p = net
        .predict(Array2::from_shape_vec((1, n), img).unwrap().view())
        .unwrap();
    predicted_class(p.row(0).as_slice().unwrap())
}

/// Drawn digits every trained network should read: a plain one, a zero, a seven.
fn drawn_digits() -> [(usize, Strokes); 3] {
    [
        (1, vec![vec![(0.52, 0.15), (0.48, 0.85)]]),
        (0, zero()),
        (7, transform(SEVEN, 1.0, 0.0, 0.0)),
    ]
}

#[test]
fn mnist_images_come_back_unchanged() {
    // Their ink spans 20 pixels and their centre of mass is on (14, 14) already: the pad
    // changes at most the darkest level (254 becomes 255) and rounding.
    let ds = builtin::load(DatasetKind::Mnist).unwrap();
    let mut unchanged = 0;
    for row in ds.x.outer_iter() {
        let img = GreyImage::new(28, 28, row.to_vec()).unwrap();
        let again = normalize_image(&img, MNIST).unwrap();
        let level = |(a, b): (&f32, &f32)| (a - b).abs() <= 1.5 / 255.0;
        unchanged += row.iter().zip(&again).all(level) as usize;
        let d = mean_abs_diff(row.as_slice().unwrap(), &again);
        assert!(d < 0.02, "mean difference {d}");
    }
    assert!(unchanged >= 4990, "{unchanged} of 5000 unchanged");
}

#[test]
fn a_trained_mnist_network_reads_test_images_through_the_pad_as_well_as_raw() {
    let (net, test) = trained(DatasetKind::Mnist, &[64, 64], 4);
    let raw = test_accuracy(&net, &test.x, &test);
    // Each test image three times larger, off centre on a 121 × 107 canvas.
    let padded = through_the_pad(&test.x, 28, 3, Enlarge::Smooth, MNIST);
    let through = test_accuracy(&net, &padded, &test);
    eprintln!("mnist: raw test accuracy {raw}, through the pad {through}");
    assert!(raw > 0.9, "raw test accuracy {raw}");
    assert!(through > raw - 0.02, "raw {raw}, through the pad {through}");
    for (digit, strokes) in drawn_digits() {
        assert_eq!(reads_as(&net, &strokes, MNIST), digit);
    }
}

/// A 32 × 32 bitmap with as many on pixels in each 4 × 4 block as the 8 × 8 image counts
/// (the set keeps only the counts): spread out in Bayer order, starting from the block's
/// outer edges in the ink's outer blocks, so the bitmap's ink spans the image's blocks.
fn bitmaps(x: &Array2<f32>) -> Array2<f32> {
    const BAYER: [u32; 16] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];
    let mut out = Array2::zeros((x.nrows(), 32 * 32));
    for (row, mut dst) in x.outer_iter().zip(out.outer_iter_mut()) {
        let inked = |b: &usize| row[*b] > 0.0;
        let bottom = (0..64).filter(inked).map(|b| b / 8).max().unwrap();
        let right = (0..64).filter(inked).map(|b| b % 8).max().unwrap();
        for p in 0..32 * 32 {
            let (r, c) = (p / 32, p % 32);
            let count = (row[(r / 4) * 8 + c / 4] * 16.0).round() as u32;
            let rr = if r / 4 == bottom { 3 - r % 4 } else { r % 4 };
            let cc = if c / 4 == right { 3 - c % 4 } else { c % 4 };
            dst[p] = if BAYER[rr * 4 + cc] < count { 1.0 } else { 0.0 };
        }
    }
    out
}

#[test]
fn a_trained_digits_network_reads_test_images_through_the_pad_as_well_as_raw() {
    let (net, test) = trained(DatasetKind::Digits, &[32], 30);
    let raw = test_accuracy(&net, &test.x, &test);
    let bitmaps = bitmaps(&test.x);
    let direct = through_the_pad(&bitmaps, 32, 1, Enlarge::Blocks, DIGITS);
    // Most come back exactly: the rest are off by where the bitmap's ink sits inside its
    // outer blocks, which the counts do not say, or were not centred in the set.
    let same = (0..test.len())
        .filter(|&i| direct.row(i) == test.x.row(i))
        .count();
    assert!(
        same * 10 >= test.len() * 7,
        "{same} of {} unchanged",
        test.len()
    );
    let enlarged = through_the_pad(&bitmaps, 32, 3, Enlarge::Blocks, DIGITS);
    assert_eq!(enlarged, direct);
    let through = test_accuracy(&net, &direct, &test);
    eprintln!("digits: raw test accuracy {raw}, through the pad {through}, {same} unchanged");
    assert!(raw > 0.95, "raw test accuracy {raw}");
    assert!(through > raw - 0.04, "raw {raw}, through the pad {through}");
    for (digit, strokes) in drawn_digits() {
        assert_eq!(reads_as(&net, &strokes, DIGITS), digit);
    }
}
