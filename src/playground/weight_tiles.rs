//! The first layer's weights drawn as images, for networks that read images (digits, MNIST):
//! one side × side tile per hidden unit, pixel p of tile k coloured by the weight from input
//! pixel p to unit k, so the student sees which strokes each unit looks for. All tiles go
//! into one RGBA buffer laid out as a grid, which the page puts on a canvas with one
//! `putImageData` each time the weights change.

use serde::{Deserialize, Serialize};

use super::render::diverging;
use crate::error::NnError;
use crate::nn::network::Network;

/// Transparent pixels between two tiles, so the page's background separates them.
pub const TILE_GAP: usize = 1;
/// Largest picture drawn (about 16 MB of RGBA): 256 units of 28 × 28 use 0.2 M pixels.
pub const MAX_TILE_PIXELS: usize = 1 << 22;

/// What a tile's full colour stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TileScale {
    /// Each tile by its own largest |w|: every unit's pattern shows at full contrast, also
    /// early in training and for units whose weights stay small. The default, since the
    /// lesson of the tiles is the shape each unit has learned.
    #[default]
    PerUnit,
    /// Every tile by the layer's largest |w|: tiles compare, so units with strong weights
    /// stand out and weak ones fade towards white.
    Shared,
}

/// Where the tiles lie in the picture: unit k's tile is in grid row k / columns, column
/// k % columns, tiles `TILE_GAP` pixels apart, the last row filled from the left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TileLayout {
    /// Side of a tile in pixels (the image side: 8 or 28).
    pub side: usize,
    /// Number of tiles (hidden units of the first layer).
    pub units: usize,
    pub columns: usize,
    pub rows: usize,
    /// Size of the whole picture in pixels.
    pub width: usize,
    pub height: usize,
}

impl TileLayout {
    /// The grid for `units` tiles of side × side in at most `columns` columns (fewer when there
    /// are fewer units). Refuses 0 columns and pictures over [`MAX_TILE_PIXELS`].
    pub fn new(units: usize, side: usize, columns: usize) -> Result<TileLayout, NnError> {
        if columns == 0 {
            return Err(NnError::BadHyperparameter {
                name: "tile columns",
                value: 0.0,
                requirement: "at least 1",
            });
        }
        let columns = columns.min(units.max(1));
        let rows = units.div_ceil(columns);
        let extent = |n: usize| (n * (side + TILE_GAP)).saturating_sub(TILE_GAP);
        let (width, height) = (extent(columns), extent(rows));
        if width.saturating_mul(height) > MAX_TILE_PIXELS {
            return Err(NnError::Config(format!(
                "{units} tiles of {side} × {side} pixels make a picture too large to draw"
            )));
        }
        Ok(TileLayout {
            side,
            units,
            columns,
            rows,
            width,
            height,
        })
    }

    /// The picture's (x, y) of the top-left pixel of unit `unit`'s tile.
    pub fn origin(&self, unit: usize) -> (usize, usize) {
        let step = self.side + TILE_GAP;
        ((unit % self.columns) * step, (unit / self.columns) * step)
    }

    /// The unit whose tile holds picture pixel (x, y) (for a tooltip), `None` over a gap or
    /// an empty slot.
    pub fn unit_at(&self, x: usize, y: usize) -> Option<usize> {
        let step = self.side + TILE_GAP;
        let (col, row) = (x / step, y / step);
        let inside = x % step < self.side && y % step < self.side;
        let unit = row * self.columns + col;
        (inside && col < self.columns && unit < self.units).then_some(unit)
    }
}

/// Draws the first layer of `net` as tiles into `out` (resized to width × height × 4 bytes,
/// RGBA row by row): negative weights orange, positive blue, 0 white (the page's
/// [`diverging`] map, as on the neuron thumbnails), gaps and empty slots transparent.
///
/// The first layer must read side × side inputs, row by row (input r · side + c is pixel
/// (r, c), as the shipped image sets store them).
pub fn first_layer_tiles(
    net: &Network,
    side: usize,
    columns: usize,
    scale: TileScale,
    out: &mut Vec<u8>,
) -> Result<TileLayout, NnError> {
    let first = &net.layers()[0];
    if side == 0 || first.in_dim != side * side {
        return Err(NnError::Config(format!(
            "the first layer reads {} inputs, not the {side} × {side} pixels of an image",
            first.in_dim
        )));
    }
    let layout = TileLayout::new(first.out_dim, side, columns)?;
    // Row p of the kernel holds pixel p's weights to every unit.
    let weights = net.weights(0);
    let largest = |unit: Option<usize>| {
        let column = |k: usize| weights.column(k).iter().fold(0.0f32, |m, w| m.max(w.abs()));
        match unit {
            Some(k) => column(k),
            None => (0..first.out_dim).map(column).fold(0.0, f32::max),
        }
    };
    let shared = match scale {
        TileScale::Shared => Some(largest(None)),
        TileScale::PerUnit => None,
    };
    out.clear();
    out.resize(layout.width * layout.height * 4, 0);
    for unit in 0..first.out_dim {
        let max = shared.unwrap_or_else(|| largest(Some(unit)));
        // All-zero weights are white rather than 0 / 0.
        let gain = if max > 0.0 { 1.0 / max } else { 0.0 };
        let (x0, y0) = layout.origin(unit);
        for (p, w) in weights.column(unit).iter().enumerate() {
            let at = ((y0 + p / side) * layout.width + x0 + p % side) * 4;
            out[at..at + 4].copy_from_slice(&diverging(w * gain, 1.0));
        }
    }
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::network::{LayerConfig, NetworkConfig};
    use crate::playground::render::PALETTE;

    const WHITE: [u8; 4] = [255, 255, 255, 255];
    const CLEAR: [u8; 4] = [0, 0, 0, 0];

    /// A side²-input network with `units` first-layer units whose weights are all 0 but the
    /// given (pixel, unit, weight) ones.
    fn net_with(side: usize, units: usize, set: &[(usize, usize, f32)]) -> Network {
        let config = NetworkConfig::new(
            side * side,
            &[units],
            Activation::Relu,
            LayerConfig::new(10, Activation::Softmax),
        );
        let mut net = Network::new(&config).unwrap();
        let range = net.layers()[0].weight_range();
        net.params_mut()[range].fill(0.0);
        for &(pixel, unit, w) in set {
            net.set_weight(0, pixel, unit, w).unwrap();
        }
        net
    }

    fn pixel(out: &[u8], layout: &TileLayout, x: usize, y: usize) -> [u8; 4] {
        let at = (y * layout.width + x) * 4;
        out[at..at + 4].try_into().unwrap()
    }

    fn blue() -> [u8; 4] {
        let [r, g, b] = PALETTE[1];
        [r, g, b, 255]
    }

    #[test]
    fn a_single_positive_weight_is_full_blue_at_its_pixel_of_its_unit_s_tile() {
        // Unit 5 of 7 sees pixel (row 2, column 6) of an 8 × 8 image with weight +1.
        let net = net_with(8, 7, &[(2 * 8 + 6, 5, 1.0)]);
        let mut out = Vec::new();
        let layout = first_layer_tiles(&net, 8, 3, TileScale::PerUnit, &mut out).unwrap();
        assert_eq!((layout.columns, layout.rows), (3, 3));
        assert_eq!((layout.width, layout.height), (3 * 8 + 2, 3 * 8 + 2));
        assert_eq!(out.len(), layout.width * layout.height * 4);
        let (x0, y0) = layout.origin(5);
        assert_eq!((x0, y0), (2 * 9, 9));
        for unit in 0..7 {
            let (ux, uy) = layout.origin(unit);
            for p in 0..64 {
                let expected = if unit == 5 && p == 2 * 8 + 6 {
                    blue()
                } else {
                    WHITE
                };
                assert_eq!(pixel(&out, &layout, ux + p % 8, uy + p / 8), expected);
            }
        }
        // Gaps and the two empty slots of the last row are transparent.
        assert_eq!(pixel(&out, &layout, 8, 0), CLEAR);
        assert_eq!(pixel(&out, &layout, 9 + 3, 8), CLEAR);
        assert_eq!(pixel(&out, &layout, 2 * 9 + 4, 2 * 9 + 4), CLEAR);
        assert_eq!(layout.unit_at(x0 + 6, y0 + 2), Some(5));
        assert_eq!(layout.unit_at(8, 0), None);
        assert_eq!(layout.unit_at(2 * 9 + 4, 2 * 9 + 4), None);
    }

    #[test]
    fn negative_weights_are_orange_and_the_scale_is_per_unit_or_shared() {
        let strong = (0, 0, -2.0);
        let weak = (3, 1, 0.5);
        let net = net_with(2, 2, &[strong, weak]);
        let mut out = Vec::new();
        let layout = first_layer_tiles(&net, 2, 2, TileScale::PerUnit, &mut out).unwrap();
        let [r, g, b] = PALETTE[0];
        assert_eq!(pixel(&out, &layout, 0, 0), [r, g, b, 255]);
        let (x1, _) = layout.origin(1);
        assert_eq!(pixel(&out, &layout, x1 + 1, 1), blue());
        // Shared: the weak unit's 0.5 is a quarter of the strong unit's |−2|.
        first_layer_tiles(&net, 2, 2, TileScale::Shared, &mut out).unwrap();
        assert_eq!(pixel(&out, &layout, 0, 0), [r, g, b, 255]);
        assert_eq!(pixel(&out, &layout, x1 + 1, 1), diverging(0.25, 1.0));
        assert_ne!(diverging(0.25, 1.0), blue());
    }

    #[test]
    fn a_network_that_does_not_read_images_or_no_columns_are_refused() {
        let net = net_with(3, 4, &[]);
        let mut out = Vec::new();
        assert!(matches!(
            first_layer_tiles(&net, 4, 2, TileScale::PerUnit, &mut out),
            Err(NnError::Config(_))
        ));
        assert!(matches!(
            first_layer_tiles(&net, 3, 0, TileScale::PerUnit, &mut out),
            Err(NnError::BadHyperparameter { .. })
        ));
        // More columns than units: one row of four.
        let layout = first_layer_tiles(&net, 3, 10, TileScale::PerUnit, &mut out).unwrap();
        assert_eq!((layout.columns, layout.rows), (4, 1));
        // All weights 0: white tiles, not NaN.
        assert_eq!(pixel(&out, &layout, 1, 1), WHITE);
    }
}
