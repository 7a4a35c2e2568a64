//! The model itself: what a feed-forward network of dense layers is, how it is initialised and
//! how it computes. [`network`] holds the configuration, the parameters and the forward and
//! backward passes; [`unit_major`] is the fast layout those passes use for the playground's
//! small layers. The closed sets a user picks from each have one module: [`activation`],
//! [`loss`], [`regularization`] and [`init`] (the initializers and the seeded generator).
//! Nothing here knows about optimizers, data sets or the page.

pub mod activation;
pub mod init;
pub mod loss;
pub mod network;
pub mod regularization;
pub mod unit_major;
