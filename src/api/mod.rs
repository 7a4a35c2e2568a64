//! The two front ends a Rust program uses: [`keras`] (`Sequential`, `Dense`, `compile`/`fit`/
//! `predict`) and [`sklearn`] (`MlpRegressor`, `MlpClassifier` with `fit`/`predict`/`score`).
//! Both only assemble a network and a training configuration and hand them to the trainer.

pub mod keras;
pub mod sklearn;
