//! What the page draws from the session: the points on the plane, the network's output at a
//! point, the RGBA pictures of the plane, the neurons, the features and the gallery (computed by
//! [`render`](super::render)), and the network graph. Each checks that there is something to
//! draw, so a bad call from the page is an error, not a blank picture.

use super::messages::NetworkSnapshot;
use super::render::{self, InputMap, PlaneStyle};
use super::session::Playground;
use crate::error::NnError;
use crate::nn::network::Workspace;

impl Playground {
    /// Training points, stride 3: x1, x2, class index or value (empty without a plane).
    pub fn train_points(&self) -> &[f32] {
        &self.data().train_points
    }

    /// Test points, same layout.
    pub fn test_points(&self) -> &[f32] {
        &self.data().test_points
    }

    fn require_plane(&self) -> Result<(), NnError> {
        if self.has_plane() {
            Ok(())
        } else {
            Err(NnError::Config(format!(
                "this data has {} inputs, not a 2-D plane: there is nothing to draw",
                self.data().in_dim()
            )))
        }
    }

    /// The network's outputs at a point of the plane (probabilities for classification).
    pub fn predict(&self, x1: f32, x2: f32) -> Result<Vec<f32>, NnError> {
        self.require_plane()?;
        let data = self.data();
        let mut input = vec![0.0; data.in_dim()];
        match &data.input {
            InputMap::Features(f) => f.expand_point(x1, x2, &mut input),
            _ => input.copy_from_slice(&[x1, x2]),
        }
        let mut ws = Workspace::default();
        self.network().forward(&input, 1, &mut ws);
        Ok(ws.output().to_vec())
    }

    /// The output over the plane [-6, 6]² as res × res RGBA pixels (row 0 at the top) into
    /// `out`, resized to res·res·4. Uses the view's `discretize`.
    pub fn render_boundary(&mut self, res: usize, out: &mut Vec<u8>) -> Result<(), NnError> {
        self.require_plane()?;
        render::check_res(res, render::MIN_RES, render::MAX_RES, "boundary resolution")?;
        let parts = self.parts();
        let style = PlaneStyle {
            task: parts.data.task,
            output: parts.net.output_activation(),
            discretize: parts.view.discretize,
            value_scale: parts.data.value_scale,
        };
        parts
            .renderer
            .boundary(parts.net, &parts.data.input, style, res, out);
        Ok(())
    }

    /// Every hidden and output neuron over the plane, res × res each, layer-major then unit.
    pub fn render_neurons(&mut self, res: usize, out: &mut Vec<u8>) -> Result<(), NnError> {
        self.require_plane()?;
        render::check_res(
            res,
            render::MIN_THUMB_RES,
            render::MAX_THUMB_RES,
            "neuron thumbnail resolution",
        )?;
        let parts = self.parts();
        parts
            .renderer
            .neurons(parts.net, &parts.data.input, res, out);
        Ok(())
    }

    /// One thumbnail per network input feature.
    pub fn render_features(&mut self, res: usize, out: &mut Vec<u8>) -> Result<(), NnError> {
        self.require_plane()?;
        render::check_res(
            res,
            render::MIN_THUMB_RES,
            render::MAX_THUMB_RES,
            "feature thumbnail resolution",
        )?;
        let parts = self.parts();
        parts.renderer.features(&parts.data.input, res, out);
        Ok(())
    }

    /// The gallery's test images as RGBA pixels into `out` (resized): side × side each (side in
    /// [`SessionState::image_side`](super::SessionState::image_side)), stacked in the order of
    /// [`Playground::gallery_guesses`], dark ink on white.
    pub fn render_gallery(&self, out: &mut Vec<u8>) -> Result<(), NnError> {
        let Some(gallery) = &self.data().gallery else {
            return Err(NnError::Config(
                "this data is not a set of images: there is no gallery to draw".into(),
            ));
        };
        render::ink_images(&gallery.x, out);
        Ok(())
    }

    /// Layers, weights and biases for drawing the network graph.
    pub fn network_snapshot(&self) -> NetworkSnapshot {
        NetworkSnapshot::of(self.network(), &self.data().feature_names)
    }
}
