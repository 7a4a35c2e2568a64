//! The low-level building blocks the network is computed with. They know nothing of layers,
//! losses or training, so they can be tested and tuned on their own:
//! - [`simd`]: four f32 lanes as one value (SSE, wasm simd128, or plain arrays);
//! - [`fastmath`]: branch-free exp, tanh and sigmoid for the hot loops;
//! - [`linalg`]: the three matrix products of a dense layer on row-major slices;
//! - [`shuffle`]: the exact epoch shuffle, so a seed replays the same run everywhere.

pub mod fastmath;
pub mod linalg;
pub mod shuffle;
pub mod simd;
