//! The weights file: a safetensors file with three f32 tensors and the
//! category names in its metadata.
//!
//! | name     | shape  | meaning                                        |
//! |----------|--------|------------------------------------------------|
//! | `idf`    | [D]    | inverse document frequency of each hash bucket |
//! | `weight` | [C, D] | logistic-regression weights, one row per class |
//! | `bias`   | [C]    | logistic-regression bias                       |
//!
//! Metadata key `categories` holds the C category names joined by `,`, in
//! row order. It is the only metadata key on purpose: safetensors writes the
//! metadata map in `HashMap` iteration order, which is randomised per
//! process, so a second key would make the file differ between runs.

use std::collections::HashMap;

use candle_core::safetensors::Load;
use candle_core::{DType, Device, Tensor};
use safetensors::SafeTensors;

use crate::error::{Error, Result, ResultCode};

const CATEGORIES_KEY: &str = "categories";

/// Weights are the parameters of an intent classifier as plain vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Category names, in the row order of `weight` and `bias`.
    pub categories: Vec<String>,
    /// Inverse document frequency per hash bucket, length D.
    pub idf: Vec<f32>,
    /// Row-major [C, D] weight matrix.
    pub weight: Vec<f32>,
    /// Bias per category, length C.
    pub bias: Vec<f32>,
}

impl Weights {
    /// Weights::dim is the number of hash buckets (the embedding dimension).
    pub fn dim(&self) -> usize {
        self.idf.len()
    }

    /// Weights::to_safetensors serialises the weights. The output depends only
    /// on the values: tensors are written sorted by name.
    pub fn to_safetensors(&self) -> Result<Vec<u8>> {
        // Shapes come from the vectors themselves so that a bad Weights value
        // is caught by the reader's shape check, not hidden here.
        let dim = self.dim().max(1);
        let tensor = |name: &str, values: &[f32], shape: &[usize]| {
            Tensor::from_slice(values, shape, &Device::Cpu)
                .map_err(|error| Error::inference(&format!("building tensor {name:?}"), error))
        };
        let tensors = [
            ("bias", tensor("bias", &self.bias, &[self.bias.len()])?),
            ("idf", tensor("idf", &self.idf, &[dim])?),
            (
                "weight",
                tensor("weight", &self.weight, &[self.weight.len() / dim, dim])?,
            ),
        ];
        let metadata = HashMap::from([(CATEGORIES_KEY.to_string(), self.categories.join(","))]);

        safetensors::serialize(tensors, Some(metadata)).map_err(|error| {
            Error::new(
                ResultCode::InvalidModel,
                format!("serialising weights: {error}"),
            )
        })
    }

    /// Weights::from_safetensors parses a weights file. `origin` names the
    /// file (a path, or "embedded weights") in error messages.
    pub fn from_safetensors(bytes: &[u8], origin: &str) -> Result<Self> {
        let invalid = |detail: String| {
            Error::new(
                ResultCode::InvalidModel,
                format!(
                    "reading {origin}: {detail} (retrain with `cargo run --release --bin train`)"
                ),
            )
        };
        let file = SafeTensors::deserialize(bytes)
            .map_err(|error| invalid(format!("not a safetensors file: {error}")))?;
        let (_, metadata) = SafeTensors::read_metadata(bytes)
            .map_err(|error| invalid(format!("unreadable header: {error}")))?;
        let categories = parse_categories(metadata.metadata().as_ref()).map_err(invalid)?;

        let read = |name: &str| -> Result<Vec<f32>> {
            let view = file
                .tensor(name)
                .map_err(|_| invalid(format!("tensor {name:?} is missing")))?;
            let tensor = view
                .load(&Device::Cpu)
                .map_err(|error| invalid(format!("tensor {name:?}: {error}")))?;
            if tensor.dtype() != DType::F32 {
                return Err(invalid(format!(
                    "tensor {name:?} is {:?}, want F32",
                    tensor.dtype()
                )));
            }
            tensor
                .flatten_all()
                .and_then(|flat| flat.to_vec1::<f32>())
                .map_err(|error| invalid(format!("tensor {name:?}: {error}")))
        };
        let weights = Self {
            categories,
            idf: read("idf")?,
            weight: read("weight")?,
            bias: read("bias")?,
        };

        weights.check_shapes().map_err(invalid)?;
        Ok(weights)
    }

    fn check_shapes(&self) -> std::result::Result<(), String> {
        let (classes, dim) = (self.categories.len(), self.dim());
        if dim == 0 {
            return Err("tensor \"idf\" is empty".into());
        }
        if self.bias.len() != classes {
            return Err(format!(
                "tensor \"bias\" has {} values for {classes} categories",
                self.bias.len()
            ));
        }
        if self.weight.len() != classes * dim {
            return Err(format!(
                "tensor \"weight\" has {} values, want {classes} x {dim}",
                self.weight.len()
            ));
        }
        Ok(())
    }
}

fn parse_categories(
    metadata: Option<&HashMap<String, String>>,
) -> std::result::Result<Vec<String>, String> {
    let joined = metadata
        .and_then(|entries| entries.get(CATEGORIES_KEY))
        .ok_or_else(|| format!("metadata key {CATEGORIES_KEY:?} is missing"))?;
    let categories: Vec<String> = joined.split(',').map(str::to_string).collect();

    if categories.iter().any(String::is_empty) {
        return Err(format!(
            "metadata {CATEGORIES_KEY:?} = {joined:?} has an empty name"
        ));
    }
    Ok(categories)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Weights {
        Weights {
            categories: vec!["a".into(), "b".into()],
            idf: vec![1.0, 2.0, 3.0],
            weight: vec![0.5, -0.5, 0.25, 1.0, 0.0, -1.0],
            bias: vec![0.1, -0.1],
        }
    }

    #[test]
    fn round_trips_through_safetensors() {
        let bytes = sample().to_safetensors().unwrap();
        assert_eq!(
            Weights::from_safetensors(&bytes, "sample").unwrap(),
            sample()
        );
    }

    #[test]
    fn serialising_twice_gives_identical_bytes() {
        assert_eq!(
            sample().to_safetensors().unwrap(),
            sample().to_safetensors().unwrap()
        );
    }

    #[test]
    fn rejects_garbage_with_the_origin_in_the_message() {
        let error = Weights::from_safetensors(b"not a model", "model/x.safetensors").unwrap_err();
        assert_eq!(error.code(), ResultCode::InvalidModel);
        assert!(
            error.message().contains("model/x.safetensors"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn rejects_mismatched_shapes() {
        let mut weights = sample();
        weights.bias.push(0.0);
        let bytes = weights.to_safetensors().unwrap();
        let error = Weights::from_safetensors(&bytes, "sample").unwrap_err();
        assert!(error.message().contains("\"bias\""), "{}", error.message());
    }
}
