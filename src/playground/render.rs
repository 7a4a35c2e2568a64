//! Pictures of the network computed in Rust into RGBA buffers, so the page puts each on a
//! canvas with one `putImageData`: the output over the input plane, every neuron's activation
//! as a thumbnail, and the input features. Grid inputs are expanded once per (resolution,
//! input mapping) and forwarded in large batches through a reused [`UnitBuffers`].

use crate::data::synthetic::DOMAIN;
use crate::data::{FeatureSet, Task};
use crate::kernels::simd::F4;
use crate::nn::activation::Activation;
use crate::nn::network::Network;
use crate::nn::unit_major::{self, Samples, UnitBuffers};

/// Okabe & Ito's colour-blind-safe palette (2008), in the order classes take it: orange, blue,
/// bluish green, vermillion, sky blue, reddish purple, yellow, black. Two classes and the two
/// signs of a regression use its orange and blue, the TensorFlow Playground's pair.
pub const PALETTE: [[u8; 3]; 8] = [
    [230, 159, 0],
    [0, 114, 178],
    [0, 158, 115],
    [213, 94, 0],
    [86, 180, 233],
    [204, 121, 167],
    [240, 228, 66],
    [0, 0, 0],
];

/// The colour of full ink in the gallery's images: the page's text colour, so a digit reads as
/// writing on paper.
pub const INK: [u8; 3] = [31, 42, 51];

/// How far the plane's colours go from white towards a class colour at full confidence: the
/// points, drawn at full colour on top, must stand out from the background.
pub const BACKGROUND_STRENGTH: f32 = 0.7;

/// Resolution limits of the plane and of the neuron thumbnails.
pub const MIN_RES: usize = 16;
pub const MAX_RES: usize = 400;
pub const MIN_THUMB_RES: usize = 8;
pub const MAX_THUMB_RES: usize = 64;

/// Rows forwarded at once when rendering the plane: small enough that a layer's buffers stay in
/// cache (128 rows × 32 units = 16 kB), large enough to amortise the per-layer calls. Measured
/// on the 8 × 32 network: 128 rows render faster than 512, 2048 or 8192.
const CHUNK_TARGET: usize = 128;

/// The colour of class `k` (the palette repeats after 8 classes).
pub fn class_colour(k: usize) -> [u8; 3] {
    PALETTE[k % PALETTE.len()]
}

/// `#rrggbb` text of a colour.
pub fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Blends white towards `colour` by `s` (0 = white, 1 = the colour).
#[inline]
const fn tint(colour: [f32; 3], s: f32) -> [u8; 4] {
    let s = s.clamp(0.0, 1.0);
    // + 0.5 then truncation rounds (the values are ≥ 0); `f32::round` is a library call on
    // some targets, and this runs for every pixel.
    let r = (255.0 + (colour[0] - 255.0) * s + 0.5) as u8;
    let g = (255.0 + (colour[1] - 255.0) * s + 0.5) as u8;
    let b = (255.0 + (colour[2] - 255.0) * s + 0.5) as u8;
    [r, g, b, 255]
}

#[inline]
const fn as_f32(c: [u8; 3]) -> [f32; 3] {
    [c[0] as f32, c[1] as f32, c[2] as f32]
}

/// The diverging map for a value in [-1, 1]: orange (−1) → white (0) → blue (+1).
#[inline]
pub const fn diverging(v: f32, strength: f32) -> [u8; 4] {
    let v = if v.is_nan() { 0.0 } else { v.clamp(-1.0, 1.0) };
    if v < 0.0 {
        tint(as_f32(PALETTE[0]), -v * strength)
    } else {
        tint(as_f32(PALETTE[1]), v * strength)
    }
}

/// Steps per half of the diverging look-up tables: finer than one colour unit.
const LUT_HALF: usize = 256;

/// The diverging map sampled at 2·LUT_HALF + 1 values, built at compile time: thumbnails and
/// the plane colour hundreds of thousands of pixels per frame.
const fn diverging_lut(strength: f32) -> [[u8; 4]; 2 * LUT_HALF + 1] {
    let mut lut = [[0u8; 4]; 2 * LUT_HALF + 1];
    let mut i = 0;
    while i < lut.len() {
        lut[i] = diverging(i as f32 / LUT_HALF as f32 - 1.0, strength);
        i += 1;
    }
    lut
}

static LUT_FULL: [[u8; 4]; 2 * LUT_HALF + 1] = diverging_lut(1.0);
static LUT_BACKGROUND: [[u8; 4]; 2 * LUT_HALF + 1] = diverging_lut(BACKGROUND_STRENGTH);

/// [`diverging`] through a table (NaN is white).
#[inline]
fn lut_colour(lut: &[[u8; 4]; 2 * LUT_HALF + 1], v: f32) -> [u8; 4] {
    let v = if v.is_nan() { 0.0 } else { v.clamp(-1.0, 1.0) };
    lut[((v + 1.0) * LUT_HALF as f32).round_ties_even() as usize]
}

/// Grey images (values in [0, 1], 1 = full ink, NaN as blank) as RGBA pixels into `out`
/// (resized to 4 bytes per value): white paper blended towards [`INK`].
pub fn ink_images(values: &[f32], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(values.len() * 4);
    let ink = as_f32(INK);
    for &v in values {
        out.extend(tint(ink, if v.is_nan() { 0.0 } else { v }));
    }
}

/// How the network's inputs are made from a point of the plane.
#[derive(Clone, Debug, PartialEq)]
pub enum InputMap {
    /// The selected playground features of (x1, x2).
    Features(FeatureSet),
    /// (x1, x2) as they are (a two-column CSV file mapped onto the plane).
    Raw,
    /// The inputs are not two coordinates: nothing to draw.
    NoPlane,
}

impl InputMap {
    pub fn has_plane(&self) -> bool {
        !matches!(self, InputMap::NoPlane)
    }

    pub fn in_dim(&self) -> Option<usize> {
        match self {
            InputMap::Features(f) => Some(f.len()),
            InputMap::Raw => Some(2),
            InputMap::NoPlane => None,
        }
    }

    /// Writes the network inputs of point (x1, x2) into `out`.
    #[inline]
    fn expand(&self, x1: f32, x2: f32, out: &mut [f32]) {
        match self {
            InputMap::Features(f) => f.expand_point(x1, x2, out),
            _ => {
                out[0] = x1;
                out[1] = x2;
            }
        }
    }
}

/// The plane point sampled by pixel (row, col) of a res × res image: cell centres, row 0 at
/// the top (x2 = +6).
#[inline]
pub fn pixel_point(res: usize, row: usize, col: usize) -> (f32, f32) {
    let cell = 2.0 * DOMAIN / res as f32;
    (
        -DOMAIN + cell * (col as f32 + 0.5),
        DOMAIN - cell * (row as f32 + 0.5),
    )
}

/// The network inputs of every pixel, padded with zero rows to a whole number of chunks so
/// every forward pass has the same batch size (a changing size would reallocate the workspace).
#[derive(Clone, Debug)]
struct Grid {
    res: usize,
    map: InputMap,
    in_dim: usize,
    chunk_rows: usize,
    /// Row-major, one pixel after another (the feature thumbnails read columns of it).
    inputs: Vec<f32>,
    /// The same chunk by chunk, each unit-major as the forward pass wants it: laid out once
    /// rather than on every frame.
    units: Vec<f32>,
}

impl Grid {
    fn new(res: usize, map: &InputMap, chunk_target: usize) -> Grid {
        let in_dim = map.in_dim().unwrap_or(0);
        let pixels = res * res;
        // Whole image rows per chunk, spread evenly so the padding stays below one image row
        // per chunk.
        let chunks = pixels.div_ceil(chunk_target.max(1)).max(1);
        let chunk_rows = res * res.div_ceil(chunks);
        let padded = pixels.div_ceil(chunk_rows) * chunk_rows;
        let mut inputs = vec![0.0; padded * in_dim];
        for r in 0..res {
            for c in 0..res {
                let (x1, x2) = pixel_point(res, r, c);
                let i = r * res + c;
                map.expand(x1, x2, &mut inputs[i * in_dim..(i + 1) * in_dim]);
            }
        }
        let units = inputs
            .chunks_exact(chunk_rows * in_dim.max(1))
            .flat_map(|chunk| unit_major::to_units(chunk, chunk_rows, in_dim))
            .collect();
        Grid {
            res,
            map: map.clone(),
            in_dim,
            chunk_rows,
            inputs,
            units,
        }
    }

    /// The unit-major inputs of each chunk.
    fn unit_chunks(&self) -> std::slice::ChunksExact<'_, f32> {
        self.units
            .chunks_exact(unit_major::padded_lanes(self.chunk_rows) * self.in_dim.max(1))
    }

    fn matches(&self, res: usize, map: &InputMap) -> bool {
        self.res == res && self.map == *map
    }
}

/// What the plane's colours mean for the current data.
#[derive(Clone, Copy, Debug)]
pub struct PlaneStyle {
    pub task: Task,
    pub output: Activation,
    pub discretize: bool,
    /// Regression outputs are divided by this before colouring (the largest |target|).
    pub value_scale: f32,
}

impl PlaneStyle {
    /// (a, b) when a single output v is coloured as the background map at v·a + b: the
    /// continuous binary and regression maps, which the plane colours four pixels at a time.
    fn linear_map(&self) -> Option<(f32, f32)> {
        match self.task {
            _ if self.discretize => None,
            Task::BinaryClassification => Some((2.0, -1.0)),
            Task::Regression => Some((1.0 / self.value_scale, 0.0)),
            Task::MultiClassification { .. } => None,
        }
    }

    /// Colour of one output row.
    #[inline]
    fn colour(&self, out: &[f32]) -> [u8; 4] {
        if let Some((a, b)) = self.linear_map() {
            return lut_colour(&LUT_BACKGROUND, out[0] * a + b);
        }
        // Discretized: full colour on each side of the threshold (NaN: the upper side).
        let v = match self.task {
            Task::MultiClassification { classes } => {
                return multi_colour(out, classes, self.discretize);
            }
            Task::BinaryClassification => {
                if out[0].is_nan() || out[0] >= 0.5 {
                    1.0
                } else {
                    -1.0
                }
            }
            Task::Regression => {
                let v = out[0] / self.value_scale;
                if v.is_finite() {
                    v.signum() * f32::from(v != 0.0)
                } else {
                    v
                }
            }
        };
        lut_colour(&LUT_BACKGROUND, v)
    }
}

/// K classes: the palette colours blended by probability, paler when the network is unsure
/// (uniform probabilities give white, certainty the class colour).
#[inline]
fn multi_colour(out: &[f32], classes: usize, discretize: bool) -> [u8; 4] {
    let mut sum = 0.0;
    let (mut best, mut best_q) = (0, f32::NEG_INFINITY);
    for (k, &v) in out.iter().enumerate() {
        let q = if v.is_finite() { v.max(0.0) } else { 0.0 };
        sum += q;
        if q > best_q {
            best = k;
            best_q = q;
        }
    }
    if sum <= 0.0 {
        return [255, 255, 255, 255];
    }
    if discretize {
        return tint(as_f32(class_colour(best)), BACKGROUND_STRENGTH);
    }
    let mut mixed = [0.0f32; 3];
    for (k, &v) in out.iter().enumerate() {
        let q = if v.is_finite() { v.max(0.0) / sum } else { 0.0 };
        let c = class_colour(k);
        for (m, &ch) in mixed.iter_mut().zip(&c) {
            *m += q * ch as f32;
        }
    }
    let k = classes.max(2) as f32;
    let confidence = ((best_q / sum - 1.0 / k) / (1.0 - 1.0 / k)).clamp(0.0, 1.0);
    tint(mixed, confidence * BACKGROUND_STRENGTH)
}

/// A hidden or output neuron's activation scaled to [-1, 1] for the diverging map: functions
/// with outputs in [0, 1] are stretched, the others clamped.
#[inline]
fn neuron_value(act: Activation, a: f32) -> f32 {
    match act {
        Activation::Sigmoid | Activation::Softmax | Activation::Step { .. } => 2.0 * a - 1.0,
        _ => a,
    }
}

/// One neuron's values as a thumbnail (4 bytes per value, as many pixels as `img` holds) in the
/// diverging map.
pub fn neuron_image(values: &[f32], act: Activation, img: &mut [u8]) {
    // neuron_value as v·a + b.
    let (a, b) = if neuron_value(act, 0.0) == -1.0 {
        (2.0, -1.0)
    } else {
        (1.0, 0.0)
    };
    diverging_image(values, a, b, &LUT_FULL, img);
}

/// Colours `lut[v·a + b]` (clamped to [-1, 1], NaN white) for each value, 4 bytes per pixel.
/// This colours every neuron's map many times a second, so four values at a time become table
/// indices in vector lanes (NaN and the clamp as selects); what is left per pixel is one table
/// load and one 4-byte store.
fn diverging_image(
    values: &[f32],
    a: f32,
    b: f32,
    lut: &[[u8; 4]; 2 * LUT_HALF + 1],
    img: &mut [u8],
) {
    let [a, b, half] = crate::kernels::simd::held([a, b, LUT_HALF as f32]);
    let (scale, offset) = (F4::splat(a * half), F4::splat((b + 1.0) * half));
    let (lo, hi, nan) = (F4::splat(0.0), F4::splat(2.0 * half), F4::splat(half));
    let n = values.len().min(img.len() / 4);
    let (values, img) = (&values[..n], &mut img[..n * 4]);
    let mut quads = img.chunks_exact_mut(16);
    for (v4, px4) in values.chunks_exact(4).zip(&mut quads) {
        // SAFETY: `v4` holds four values.
        let t = offset.mul_add(scale, unsafe { F4::load(v4.as_ptr()) });
        let index = t.clamp_or(lo, hi, nan).round_u32();
        // SAFETY: clamp_or keeps every index within 0..=2·LUT_HALF, the table's range.
        let colour = |k: usize| unsafe { *lut.get_unchecked(index[k] as usize) };
        px4.copy_from_slice([colour(0), colour(1), colour(2), colour(3)].as_flattened());
    }
    let rest = n - n % 4;
    for (px, &v) in quads
        .into_remainder()
        .chunks_exact_mut(4)
        .zip(&values[rest..])
    {
        px.copy_from_slice(&lut_colour(lut, v * a + b));
    }
}

/// Checks a resolution against its limits.
pub fn check_res(
    res: usize,
    min: usize,
    max: usize,
    what: &'static str,
) -> Result<(), crate::error::NnError> {
    if (min..=max).contains(&res) {
        Ok(())
    } else {
        Err(crate::error::NnError::BadHyperparameter {
            name: what,
            value: res as f64,
            requirement: "within the rendering limits (see options_json limits)",
        })
    }
}

/// Cached grids and workspaces for the three kinds of pictures.
#[derive(Clone, Debug, Default)]
pub struct Renderer {
    plane: Option<Grid>,
    thumbs: Option<Grid>,
    ws_plane: UnitBuffers,
    ws_thumbs: UnitBuffers,
}

impl Renderer {
    fn grid<'a>(
        slot: &'a mut Option<Grid>,
        res: usize,
        map: &InputMap,
        chunk_target: usize,
    ) -> &'a Grid {
        if !slot.as_ref().is_some_and(|g| g.matches(res, map)) {
            *slot = Some(Grid::new(res, map, chunk_target));
        }
        slot.as_ref().expect("just filled")
    }

    /// The network's output over the plane into `out` (res·res·4 bytes, resized).
    /// Callers check that `map` has a plane and that `res` is within limits.
    pub fn boundary(
        &mut self,
        net: &Network,
        map: &InputMap,
        style: PlaneStyle,
        res: usize,
        out: &mut Vec<u8>,
    ) {
        let grid = Self::grid(&mut self.plane, res, map, CHUNK_TARGET);
        let pixels = res * res;
        out.resize(pixels * 4, 0);
        let out_dim = net.out_dim();
        let rows = grid.chunk_rows;
        for (chunk, units) in grid.unit_chunks().enumerate() {
            net.forward_units(Samples::Units(units), rows, &mut self.ws_plane);
            let start = chunk * rows;
            let valid = rows.min(pixels.saturating_sub(start));
            let dest = &mut out[start * 4..(start + valid) * 4];
            let outputs = self.ws_plane.output_rows();
            if let Some((a, b)) = style.linear_map() {
                diverging_image(&outputs[..valid], a, b, &LUT_BACKGROUND, dest);
            } else {
                for (px, o) in dest.chunks_exact_mut(4).zip(outputs.chunks_exact(out_dim)) {
                    px.copy_from_slice(&style.colour(o));
                }
            }
        }
    }

    /// Every neuron's activation over the plane, layer-major then unit, res·res·4 bytes each,
    /// from one batched forward pass.
    pub fn neurons(&mut self, net: &Network, map: &InputMap, res: usize, out: &mut Vec<u8>) {
        // One chunk holds the whole thumbnail grid (≤ 64² rows).
        let grid = Self::grid(&mut self.thumbs, res, map, MAX_THUMB_RES * MAX_THUMB_RES);
        let pixels = res * res;
        let units: usize = net.layers().iter().map(|l| l.out_dim).sum();
        out.resize(units * pixels * 4, 0);
        // Unit-major: each neuron's values over the grid are one contiguous row.
        net.forward_units(
            Samples::Units(&grid.units),
            grid.chunk_rows,
            &mut self.ws_thumbs,
        );
        let mut image = 0;
        let mut scratch = Vec::new();
        for (l, shape) in net.layers().iter().enumerate() {
            let width = shape.out_dim;
            for u in 0..width {
                let img = &mut out[image * pixels * 4..(image + 1) * pixels * 4];
                neuron_image(
                    self.ws_thumbs.neuron_values(l, u, &mut scratch),
                    shape.activation,
                    img,
                );
                image += 1;
            }
        }
    }

    /// One thumbnail per network input, each scaled by its largest |value| over the plane.
    pub fn features(&mut self, map: &InputMap, res: usize, out: &mut Vec<u8>) {
        let grid = Self::grid(&mut self.thumbs, res, map, MAX_THUMB_RES * MAX_THUMB_RES);
        let pixels = res * res;
        let d = grid.in_dim;
        out.resize(d * pixels * 4, 0);
        for f in 0..d {
            let column = || grid.inputs[..pixels * d].iter().skip(f).step_by(d);
            let max = column().fold(0.0f32, |m, v| m.max(v.abs()));
            let scale = if max > 0.0 { 1.0 / max } else { 0.0 };
            for (px, v) in column().enumerate() {
                let p = (f * pixels + px) * 4;
                out[p..p + 4].copy_from_slice(&lut_colour(&LUT_FULL, v * scale));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector colouring must give every pixel exactly the scalar table's colour, including
    /// NaN (white), infinities and values outside [-1, 1], for any length (vector tail included).
    #[test]
    fn neuron_image_matches_the_scalar_table() {
        let mut values: Vec<f32> = (0..=2003).map(|i| i as f32 / 500.0 - 2.0).collect();
        values.extend([
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -0.0,
            1e-9,
            0.999_99,
            -1.0,
            1.0,
            0.5,
            f32::NAN,
        ]);
        for act in [
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Relu,
            Activation::Softmax,
            Activation::Linear,
        ] {
            for len in [0, 1, 3, 4, 7, values.len()] {
                let mut img = vec![0u8; len * 4];
                neuron_image(&values[..len], act, &mut img);
                for (p, &v) in values[..len].iter().enumerate() {
                    assert_eq!(
                        img[p * 4..p * 4 + 4],
                        lut_colour(&LUT_FULL, neuron_value(act, v)),
                        "{act} at {v}"
                    );
                }
            }
        }
        assert_eq!(lut_colour(&LUT_FULL, f32::NAN), LUT_FULL[LUT_HALF]);
    }

    /// The plane's vector path gives the colours of the per-row rule it replaces.
    #[test]
    fn plane_linear_maps_match_the_row_colours() {
        let values: Vec<f32> = [
            (-300..=300).map(|i| i as f32 / 100.0).collect::<Vec<_>>(),
            vec![f32::NAN, f32::INFINITY, f32::NEG_INFINITY],
        ]
        .concat();
        let tasks = [
            Task::BinaryClassification,
            Task::Regression,
            Task::MultiClassification { classes: 3 },
        ];
        for (task, discretize, value_scale) in tasks
            .into_iter()
            .flat_map(|t| [(t, false, 2.5), (t, true, 2.5)])
        {
            let style = PlaneStyle {
                task,
                output: Activation::Sigmoid,
                discretize,
                value_scale,
            };
            let Some((a, b)) = style.linear_map() else {
                continue;
            };
            let mut img = vec![0u8; values.len() * 4];
            diverging_image(&values, a, b, &LUT_BACKGROUND, &mut img);
            for (p, &v) in values.iter().enumerate() {
                assert_eq!(img[p * 4..p * 4 + 4], style.colour(&[v]), "{task:?} at {v}");
            }
        }
    }
}
