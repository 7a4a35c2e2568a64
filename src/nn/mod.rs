//! The model itself: what a feed-forward network of dense layers is, how it is initialised and
//! how it computes. [`network`] holds the configuration, the parameters and the forward and
//! backward passes; [`unit_major`] is the fast layout those passes use for the playground's
//! small layers, and [`pass`] what both read (the layer layout, the batch, the layer buffers).
//! The closed sets a user picks from each have one module: [`activation`], [`loss`],
//! [`regularization`] and [`init`] (the initializers and the seeded generator), all
//! written in the one `name(args)` form of [`token`]. [`head`] is the rule that picks the output
//! layer and loss for a data set's [`Task`](crate::data::Task), the one thing here that knows of
//! the data. Nothing here knows about optimizers or the page.

pub mod activation;
pub mod evaluate;
pub mod head;
pub mod init;
pub mod inspect;
pub mod loss;
pub mod network;
pub mod pass;
pub mod regularization;
pub mod token;
pub mod unit_major;
