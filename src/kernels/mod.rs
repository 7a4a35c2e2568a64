//! The low-level building blocks the network is computed with. They know nothing of layers,
//! losses or training, so they can be tested and tuned on their own:
//! - [`simd`]: four f32 lanes as one value (SSE, wasm simd128, or plain arrays);
//! - [`fastmath`]: branch-free exp, tanh and sigmoid for the hot loops;
//! - [`lanes`]: a dense layer's products on unit-major buffers (samples along the SIMD lanes),
//!   for the playground's small layers;
//! - [`linalg`]: the same three products on row-major slices, for wide layers;
//! - [`shuffle`]: the exact epoch shuffle, so a seed replays the same run everywhere.

pub mod fastmath;
pub mod lanes;
pub mod linalg;
pub mod shuffle;
pub mod simd;
