//! The digit pad's engine: turns what a student draws (pen strokes, or any grey raster) into
//! the input a network trained on a shipped digit set expects, made the way that set's images
//! were made, so a drawn "7" looks to the network like the sevens it learned from.
//!
//! - MNIST (LeCun, Cortes & Burges): the ink's bounding box is scaled, keeping its aspect
//!   ratio, so its longer side is 20 pixels (grey levels from area averaging), then the
//!   20 × 20 box is shifted by whole pixels so its centre of mass lands on pixel (14, 14) of
//!   the 28 × 28 frame. Ink is high (1 = full ink), levels are k / 255 and the darkest pixel
//!   is 1, as in `data/mnist_5k.bin.gz` (divisor 255; every image there peaks at 254 or 255).
//! - Digits (UCI optdigits, scikit-learn's `load_digits`): NIST's normalised 32 × 32 bitmap,
//!   counted in 4 × 4 blocks, giving 0..16 per cell of the 8 × 8 image, divided by 16 as
//!   `data/digits.bin.gz` stores it (divisor 16). The shipped file says how the bitmap was
//!   normalised: in all 1,797 images the ink spans all 8 rows, and ones stay narrow, so the
//!   ink's bounding box is scaled, keeping its aspect ratio, to fill 32 pixels along its
//!   longer side and centred. The set's strokes are thick and its ink nearly constant, so a
//!   drawing with too little ink is thickened first.
//!
//! Strokes are rasterised here, with anti-aliasing, rather than on the page's canvas: the
//! page only forwards pointer positions, and the result does not depend on the browser.
//! Pad coordinates are (x, y) in [0, 1]², x to the right, y down, as on a canvas.

use super::{DataError, DatasetKind};

/// Most points a drawing may hold: five minutes of scribbling at 60 pointer events a second.
pub const MAX_POINTS: usize = 20_000;
/// Most pixels of a raster handed to [`normalize_image`] (a 2048 × 2048 pad).
pub const MAX_RASTER_PIXELS: usize = 2048 * 2048;
/// Pen widths allowed, as a fraction of the pad's side.
pub const MIN_PEN_WIDTH: f32 = 0.001;
pub const MAX_PEN_WIDTH: f32 = 0.5;
/// A pen width giving strokes as thick, relative to the digit, as the shipped sets' own when
/// the digit is drawn about two thirds of the pad high: a zero, a one and a seven drawn so
/// with it have 125, 49 and 91 units of ink in 28 × 28 (MNIST's means: 138, 60 and 90), and
/// 270–330 of 1,024 pixels on in the 32 × 32 bitmap (optdigits' median: 313).
pub const SUGGESTED_PEN_WIDTH: f32 = 0.1;
/// Strokes are rasterised at this many pixels per output pixel along each axis before they
/// are area-averaged down, so a stroke thinner than an output pixel still leaves grey ink.
const SUPERSAMPLE: usize = 4;

/// The image conventions of a shipped digit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigitFormat {
    /// 28 × 28, the digit in a 20 × 20 box, centred by its centre of mass.
    Mnist,
    /// 8 × 8 counts of 4 × 4 blocks of a 32 × 32 bitmap.
    Digits,
}

impl DigitFormat {
    /// The format of a shipped image set, `None` for other data.
    pub fn for_dataset(kind: DatasetKind) -> Option<DigitFormat> {
        match kind {
            DatasetKind::Mnist => Some(DigitFormat::Mnist),
            DatasetKind::Digits => Some(DigitFormat::Digits),
            _ => None,
        }
    }

    /// Side of the network's input image in pixels: 28 or 8.
    pub fn side(self) -> usize {
        match self {
            DigitFormat::Mnist => 28,
            DigitFormat::Digits => 8,
        }
    }

    /// The shipped file's divisor: every input value is a whole number divided by it.
    pub fn divisor(self) -> u16 {
        match self {
            DigitFormat::Mnist => 255,
            DigitFormat::Digits => 16,
        }
    }

    /// Length in pixels of the ink's longer side after scaling: 20 or 32.
    fn fit(self) -> usize {
        match self {
            DigitFormat::Mnist => 20,
            DigitFormat::Digits => 32,
        }
    }
}

/// A grey image with ink high: values in [0, 1], row by row.
#[derive(Clone, Debug, PartialEq)]
pub struct GreyImage {
    width: usize,
    height: usize,
    pixels: Vec<f32>,
}

impl GreyImage {
    /// Checks the size (at least 1 × 1, at most [`MAX_RASTER_PIXELS`], `width · height`
    /// values) and that every value is finite; values outside [0, 1] are clamped into it.
    pub fn new(width: usize, height: usize, mut pixels: Vec<f32>) -> Result<GreyImage, DataError> {
        let n = check_size(width, height)?;
        if pixels.len() != n {
            return Err(DataError::Shape(format!(
                "a {width} × {height} image has {n} pixels, but {} values were given",
                pixels.len()
            )));
        }
        if let Some(i) = pixels.iter().position(|v| !v.is_finite()) {
            return Err(DataError::BadParameter {
                name: "pixel",
                value: pixels[i] as f64,
                reason: format!("pixel {i} is not a finite number"),
            });
        }
        pixels.iter_mut().for_each(|v| *v = v.clamp(0.0, 1.0));
        Ok(GreyImage {
            width,
            height,
            pixels,
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }
    pub fn height(&self) -> usize {
        self.height
    }
    /// The values, row by row: pixel (row r, column c) is `pixels()[r * width + c]`.
    pub fn pixels(&self) -> &[f32] {
        &self.pixels
    }

    /// The smallest rectangle holding every pixel with ink: (x0, y0, x1, y1), ends exclusive.
    fn ink_bounds(&self) -> Option<(usize, usize, usize, usize)> {
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for (r, row) in self.pixels.chunks_exact(self.width).enumerate() {
            let Some(first) = row.iter().position(|&v| v > 0.0) else {
                continue;
            };
            let last = row.iter().rposition(|&v| v > 0.0).unwrap_or(first);
            (x0, x1) = (x0.min(first), x1.max(last + 1));
            (y0, y1) = (y0.min(r), r + 1);
        }
        (x0 < x1).then_some((x0, y0, x1, y1))
    }
}

/// The number of pixels of a width × height image, if it is an allowed size.
fn check_size(width: usize, height: usize) -> Result<usize, DataError> {
    match width.checked_mul(height) {
        Some(n) if n > 0 && n <= MAX_RASTER_PIXELS => Ok(n),
        _ => Err(DataError::Shape(format!(
            "a pad image must have 1 to {MAX_RASTER_PIXELS} pixels, got {width} × {height}"
        ))),
    }
}

/// What the student drew: polylines of pad points, drawn with a round pen of one width.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawing {
    strokes: Vec<Vec<[f32; 2]>>,
    pen_width: f32,
    n_points: usize,
}

impl Drawing {
    /// An empty pad; `pen_width` is a fraction of the pad's side, in
    /// [[`MIN_PEN_WIDTH`], [`MAX_PEN_WIDTH`]].
    pub fn new(pen_width: f32) -> Result<Drawing, DataError> {
        if !(MIN_PEN_WIDTH..=MAX_PEN_WIDTH).contains(&pen_width) {
            return Err(DataError::BadParameter {
                name: "pen width",
                value: pen_width as f64,
                reason: format!(
                    "the pen width is a fraction of the pad's side, from {MIN_PEN_WIDTH} to {MAX_PEN_WIDTH}"
                ),
            });
        }
        Ok(Drawing {
            strokes: Vec::new(),
            pen_width,
            n_points: 0,
        })
    }

    /// The form the page sends: all points as x, y pairs one stroke after another, and the
    /// number of points in each stroke (the lengths must add up to half of `xy`).
    pub fn from_flat(
        xy: &[f32],
        stroke_lengths: &[u32],
        pen_width: f32,
    ) -> Result<Drawing, DataError> {
        let total = stroke_lengths
            .iter()
            .try_fold(0usize, |sum, &n| sum.checked_add(n as usize));
        if total.and_then(|t| t.checked_mul(2)) != Some(xy.len()) {
            return Err(DataError::Shape(format!(
                "the strokes' lengths add up to {} points, but {} coordinates were given",
                total.map_or_else(|| "too many".to_string(), |t| t.to_string()),
                xy.len()
            )));
        }
        let mut drawing = Drawing::new(pen_width)?;
        let mut points = xy.chunks_exact(2);
        for &n in stroke_lengths {
            for (k, p) in points.by_ref().take(n as usize).enumerate() {
                if k == 0 {
                    drawing.start_stroke(p[0], p[1])?;
                } else {
                    drawing.add_point(p[0], p[1])?;
                }
            }
        }
        Ok(drawing)
    }

    /// Puts the pen down at (x, y): a new stroke begins (pointer down).
    pub fn start_stroke(&mut self, x: f32, y: f32) -> Result<(), DataError> {
        let p = self.check_point(x, y)?;
        self.strokes.push(vec![p]);
        self.n_points += 1;
        Ok(())
    }

    /// Moves the pen to (x, y), continuing the last stroke (pointer move), or starting one
    /// when there is none. Points outside the pad are brought onto its edge, where the pad
    /// shows them.
    pub fn add_point(&mut self, x: f32, y: f32) -> Result<(), DataError> {
        let p = self.check_point(x, y)?;
        match self.strokes.last_mut() {
            Some(stroke) => stroke.push(p),
            None => self.strokes.push(vec![p]),
        }
        self.n_points += 1;
        Ok(())
    }

    fn check_point(&self, x: f32, y: f32) -> Result<[f32; 2], DataError> {
        if self.n_points >= MAX_POINTS {
            return Err(DataError::BadParameter {
                name: "points",
                value: (self.n_points + 1) as f64,
                reason: format!("a drawing holds at most {MAX_POINTS} points: clear the pad"),
            });
        }
        for (name, v) in [("x", x), ("y", y)] {
            if !v.is_finite() {
                return Err(DataError::BadParameter {
                    name,
                    value: v as f64,
                    reason: "a pad coordinate must be a finite number".into(),
                });
            }
        }
        Ok([x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)])
    }

    /// Wipes the pad, keeping the pen.
    pub fn clear(&mut self) {
        self.strokes.clear();
        self.n_points = 0;
    }

    pub fn is_empty(&self) -> bool {
        self.n_points == 0
    }
    pub fn strokes(&self) -> &[Vec<[f32; 2]>] {
        &self.strokes
    }
    pub fn pen_width(&self) -> f32 {
        self.pen_width
    }

    /// The whole pad as a `width` × `height` grey image (e.g. to show it, or to hand it to
    /// [`normalize_image`]).
    pub fn rasterize(&self, width: usize, height: usize) -> Result<GreyImage, DataError> {
        let n = check_size(width, height)?;
        let mut pixels = vec![0.0; n];
        let pixel = [1.0 / width as f32, 1.0 / height as f32];
        self.paint([0.0, 0.0], pixel, width, height, &mut pixels);
        GreyImage::new(width, height, pixels)
    }

    /// The part of the pad that holds ink, rasterised so its longer side is `fit` output
    /// pixels of [`SUPERSAMPLE`]² raster pixels each, with a one-pixel margin for the
    /// anti-aliased edge. `None` for an empty pad.
    fn rasterize_ink(&self, fit: usize) -> Option<GreyImage> {
        if self.is_empty() {
            return None;
        }
        let r = 0.5 * self.pen_width;
        let points = self.strokes.iter().flatten();
        let (lo, hi) = points.fold(([f32::MAX; 2], [f32::MIN; 2]), |(lo, hi), p| {
            (
                [lo[0].min(p[0] - r), lo[1].min(p[1] - r)],
                [hi[0].max(p[0] + r), hi[1].max(p[1] + r)],
            )
        });
        let longer = (hi[0] - lo[0]).max(hi[1] - lo[1]);
        let pixel = longer / (fit * SUPERSAMPLE) as f32;
        let size = |extent: f32| (extent / pixel).ceil() as usize + 2;
        let (width, height) = (size(hi[0] - lo[0]), size(hi[1] - lo[1]));
        let mut pixels = vec![0.0; width * height];
        let origin = [lo[0] - pixel, lo[1] - pixel];
        self.paint(origin, [pixel, pixel], width, height, &mut pixels);
        GreyImage::new(width, height, pixels).ok()
    }

    /// Adds the strokes to `pixels` (width × height, pixel (r, c) covering the pad rectangle
    /// from `origin + (c, r) · pixel`), as the union of round-capped segments: a pixel gets
    /// the largest coverage any segment gives it, so joints and crossings do not darken.
    fn paint(
        &self,
        origin: [f32; 2],
        pixel: [f32; 2],
        width: usize,
        height: usize,
        pixels: &mut [f32],
    ) {
        // Work in pixel units; a pixel that is not square (a pad rasterised to another aspect)
        // gets the radius of its smaller side, so strokes are never thinner than drawn.
        let to_px = |p: &[f32; 2]| [(p[0] - origin[0]) / pixel[0], (p[1] - origin[1]) / pixel[1]];
        let radius = 0.5 * self.pen_width / pixel[0].min(pixel[1]);
        // Coverage of a pixel whose centre is `d` from the pen's path: a one-pixel linear ramp
        // across the edge, capped at the pen's width when the pen is thinner than a pixel.
        let cap = (2.0 * radius).min(1.0);
        let reach = radius + 0.5;
        for stroke in &self.strokes {
            let pts: Vec<[f32; 2]> = stroke.iter().map(to_px).collect();
            let segments = pts.windows(2).map(|w| (w[0], w[1]));
            let dots = (pts.len() == 1).then(|| (pts[0], pts[0]));
            for (a, b) in segments.chain(dots) {
                let span = |i: usize, limit: usize| {
                    let lo = (a[i].min(b[i]) - reach).floor().max(0.0) as usize;
                    let hi = ((a[i].max(b[i]) + reach).ceil().max(0.0) as usize).min(limit);
                    lo..hi
                };
                let (ab, len2) = (
                    [b[0] - a[0], b[1] - a[1]],
                    (b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2),
                );
                for row in span(1, height) {
                    for col in span(0, width) {
                        let p = [col as f32 + 0.5 - a[0], row as f32 + 0.5 - a[1]];
                        let t = if len2 > 0.0 {
                            ((p[0] * ab[0] + p[1] * ab[1]) / len2).clamp(0.0, 1.0)
                        } else {
                            0.0
                        };
                        let d = (p[0] - t * ab[0]).hypot(p[1] - t * ab[1]);
                        let cover = (reach - d).clamp(0.0, cap);
                        let px = &mut pixels[row * width + col];
                        *px = px.max(cover);
                    }
                }
            }
        }
    }
}

/// The network input for a drawing: `format.side()`² values in the shipped file's scale, row
/// by row; `None` when the pad is empty (nothing to classify, and no division by zero ink).
pub fn normalize_drawing(drawing: &Drawing, format: DigitFormat) -> Option<Vec<f32>> {
    normalize_image(&drawing.rasterize_ink(format.fit())?, format)
}

/// The network input for a grey image of any size (ink high): `format.side()`² values in the
/// shipped file's scale, row by row; `None` when the image has no ink.
///
/// An image from the set itself comes back nearly unchanged: its ink already spans the box.
pub fn normalize_image(image: &GreyImage, format: DigitFormat) -> Option<Vec<f32>> {
    let (x0, y0, x1, y1) = image.ink_bounds()?;
    let fit = format.fit();
    let scale = fit as f32 / (x1 - x0).max(y1 - y0) as f32;
    let (boxed, bw, bh) = scale_box(image, (x0, y0, x1, y1), scale, fit);
    Some(match format {
        DigitFormat::Mnist => centre_by_mass(&boxed, bw, bh, format.side()),
        DigitFormat::Digits => count_blocks(&boxed, bw, bh, fit),
    })
}

/// The ink's bounding box resampled by `scale` (area averaging: each output pixel is the mean
/// of the source over its footprint), the box starting on a whole pixel so the longer side
/// covers exactly `fit` pixels. Returns the box and its width and height (each ≤ `fit`).
fn scale_box(
    image: &GreyImage,
    (x0, y0, x1, y1): (usize, usize, usize, usize),
    scale: f32,
    fit: usize,
) -> (Vec<f32>, usize, usize) {
    let out_len = |n: usize| ((n as f32 * scale - 1e-3).ceil() as usize).clamp(1, fit);
    let (bw, bh) = (out_len(x1 - x0), out_len(y1 - y0));
    let (wx, wy) = (
        area_weights(x1 - x0, bw, scale),
        area_weights(y1 - y0, bh, scale),
    );
    // Separable: rows first (bh_src × bw), then columns (bh × bw).
    let mut rows = vec![0.0f32; (y1 - y0) * bw];
    for (r, out) in rows.chunks_exact_mut(bw).enumerate() {
        let src = &image.pixels[(y0 + r) * image.width + x0..(y0 + r) * image.width + x1];
        for (o, taps) in out.iter_mut().zip(&wx) {
            *o = taps.iter().map(|&(k, w)| w * src[k]).sum();
        }
    }
    let mut boxed = vec![0.0f32; bh * bw];
    for (out_row, taps) in boxed.chunks_exact_mut(bw).zip(&wy) {
        for &(k, w) in taps {
            for (o, &v) in out_row.iter_mut().zip(&rows[k * bw..(k + 1) * bw]) {
                *o += w * v;
            }
        }
    }
    (boxed, bw, bh)
}

/// For each of `n_out` output pixels, the source pixels (of `n_src`) its footprint
/// [j / scale, (j + 1) / scale) overlaps and the overlap times `scale` (the weights of a full
/// footprint sum to 1).
fn area_weights(n_src: usize, n_out: usize, scale: f32) -> Vec<Vec<(usize, f32)>> {
    (0..n_out)
        .map(|j| {
            let (lo, hi) = (j as f32 / scale, (j + 1) as f32 / scale);
            let first = lo.floor() as usize;
            let last = (hi.ceil() as usize).min(n_src);
            (first..last)
                .map(|k| {
                    (
                        k,
                        (hi.min(k as f32 + 1.0) - lo.max(k as f32)).max(0.0) * scale,
                    )
                })
                .filter(|&(_, w)| w > 0.0)
                .collect()
        })
        .collect()
}

/// MNIST's last step: the box placed in the side × side frame shifted by whole pixels so its
/// centre of mass falls on pixel (side / 2, side / 2) (in the shipped subset it is at 14.0 ±
/// 0.29 on both axes, the spread of rounding to whole pixels), ink beyond the frame cut off;
/// then the darkest pixel brought to 1 and the levels rounded to k / 255.
fn centre_by_mass(boxed: &[f32], bw: usize, bh: usize, side: usize) -> Vec<f32> {
    let (mut mass, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &v) in boxed.iter().enumerate() {
        mass += v as f64;
        mx += v as f64 * (i % bw) as f64;
        my += v as f64 * (i / bw) as f64;
    }
    let centre = (side / 2) as f64;
    let shift = |m: f64| (centre - m / mass.max(f64::MIN_POSITIVE)).round() as isize;
    let (dx, dy) = (shift(mx), shift(my));
    let mut frame = vec![0.0f32; side * side];
    for r in 0..bh {
        for c in 0..bw {
            let (fr, fc) = (r as isize + dy, c as isize + dx);
            if (0..side as isize).contains(&fr) && (0..side as isize).contains(&fc) {
                frame[fr as usize * side + fc as usize] = boxed[r * bw + c];
            }
        }
    }
    let peak = frame.iter().fold(0.0f32, |m, &v| m.max(v));
    let levels = DigitFormat::Mnist.divisor() as f32;
    let gain = if peak > 0.0 { 1.0 / peak } else { 0.0 };
    frame
        .iter_mut()
        .for_each(|v| *v = (*v * gain * levels).round().min(levels) / levels);
    frame
}

/// The 8 × 8 set's strokes are thick, and its ink nearly constant: its 32 × 32 bitmaps have
/// 185 to 433 pixels on (of 1,024), 99 % of them at least 251, whatever the digit. A drawing
/// with less ink is thickened until it has this many (see [`count_blocks`]).
const MIN_ON_PIXELS: usize = 250;
/// Passes of thickening a thin drawing may get (each widens a stroke by two pixels of 32).
const MAX_THICKENING: usize = 6;

/// optdigits' last steps: the box centred in the fit × fit bitmap, made bilevel (on where the
/// grey level reaches half the darkest pixel's, so a thin pen does not vanish), thickened by
/// one pixel on every side while it has fewer than [`MIN_ON_PIXELS`] on (at most
/// [`MAX_THICKENING`] times), so a thin pen reads like the set's pens, and the on pixels of
/// each 4 × 4 block counted: 0..16, divided by 16.
fn count_blocks(boxed: &[f32], bw: usize, bh: usize, fit: usize) -> Vec<f32> {
    let (ox, oy) = ((fit - bw) / 2, (fit - bh) / 2);
    let threshold = 0.5 * boxed.iter().fold(0.0f32, |m, &v| m.max(v));
    let mut bitmap = vec![false; fit * fit];
    for r in 0..bh {
        for c in 0..bw {
            bitmap[(oy + r) * fit + ox + c] = boxed[r * bw + c] >= threshold;
        }
    }
    for _ in 0..MAX_THICKENING {
        if bitmap.iter().filter(|on| **on).count() >= MIN_ON_PIXELS {
            break;
        }
        bitmap = dilate(&bitmap, fit);
    }
    let side = DigitFormat::Digits.side();
    let block = fit / side;
    let mut counts = vec![0u32; side * side];
    for (i, _) in bitmap.iter().enumerate().filter(|(_, on)| **on) {
        counts[(i / fit) / block * side + (i % fit) / block] += 1;
    }
    let divisor = DigitFormat::Digits.divisor() as f32;
    counts.iter().map(|&n| n as f32 / divisor).collect()
}

/// A side × side bitmap with every pixel next to an on pixel (diagonals included) turned on.
fn dilate(bitmap: &[bool], side: usize) -> Vec<bool> {
    let on = |r: usize, c: usize| bitmap[r * side + c];
    (0..side * side)
        .map(|i| {
            let (r, c) = (i / side, i % side);
            let rows = r.saturating_sub(1)..(r + 2).min(side);
            rows.into_iter()
                .any(|rr| (c.saturating_sub(1)..(c + 2).min(side)).any(|cc| on(rr, cc)))
        })
        .collect()
}
