//! candle-binding classifies short English texts into intent categories
//! (math, code, science, history, business, other) and compares texts by
//! embedding similarity. It is a Rust library and, through [`ffi`], a C
//! library (`include/candle_binding.h`) that the Go package in `go/candle`
//! links with cgo.
//!
//! The model is small and trained by this crate: hashed word and character
//! features weighted by TF-IDF form the embedding, and a softmax-regression
//! layer evaluated with candle-core picks the category. The weights in
//! `model/intent-classifier.safetensors` are compiled in.

pub mod error;
pub mod features;
pub mod ffi;
pub mod model;
pub mod training;
pub mod weights;

pub use error::{Error, Result, ResultCode};
pub use model::{IntentClassifier, Prediction};
pub use training::{Dataset, TrainingConfig};
pub use weights::Weights;
