//! ml-binding chooses which LLM should serve a request, given the request's embedding.
//!
//! The algorithm is k-nearest neighbours over a small labelled table of past requests
//! ([`knn`]); [`ffi`] exposes it through a C ABI for the Go router, and [`error`] holds the
//! result codes shared by both. Only [`ffi`] may use `unsafe`.

#![deny(unsafe_code, unsafe_op_in_unsafe_fn)]

pub mod error;
#[allow(unsafe_code)]
pub mod ffi;
pub mod knn;

pub use error::{Error, MlbResult};
pub use knn::{Selection, Selector};
