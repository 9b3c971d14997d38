//! The intent classifier: TF-IDF embeddings of hashed features and a
//! multinomial logistic-regression layer, evaluated with candle-core.

use std::path::Path;

use candle_core::{D, Device, Tensor};

use crate::error::{Error, Result, ResultCode};
use crate::features::feature_counts;
use crate::weights::Weights;

/// EMBEDDED_WEIGHTS is `model/intent-classifier.safetensors`, compiled in so
/// that the library needs no file or download at run time.
pub static EMBEDDED_WEIGHTS: &[u8] = include_bytes!("../model/intent-classifier.safetensors");

/// Prediction is the most likely category of a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Index into [`IntentClassifier::categories`].
    pub category_index: usize,
    /// Softmax probability of that category, in (0, 1].
    pub confidence: f32,
}

/// IntentClassifier (`cb_classifier` in the C ABI) holds the tensors of one
/// model. It is immutable after construction, so one value can serve any
/// number of threads at once.
pub struct IntentClassifier {
    categories: Vec<String>,
    /// Inverse document frequencies, shape [1, D].
    idf: Tensor,
    /// Transposed weights, shape [D, C], so logits are `embedding x weight_t`.
    weight_t: Tensor,
    /// Bias, shape [1, C].
    bias: Tensor,
}

// The C ABI and the Go wrapper share one classifier between threads; candle
// tensors are reference-counted, immutable storage. Fail the build if that
// ever stops being true.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<IntentClassifier>();
};

impl IntentClassifier {
    /// IntentClassifier::embedded loads the weights compiled into the library.
    pub fn embedded() -> Result<Self> {
        Self::from_safetensors(EMBEDDED_WEIGHTS, "embedded weights")
    }

    /// IntentClassifier::load reads a weights file written by the `train` binary.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|error| {
            Error::new(
                ResultCode::Io,
                format!("reading weights file {}: {error}", path.display()),
            )
        })?;
        Self::from_safetensors(&bytes, &path.display().to_string())
    }

    /// IntentClassifier::from_safetensors parses weights from memory; `origin`
    /// names them in error messages.
    pub fn from_safetensors(bytes: &[u8], origin: &str) -> Result<Self> {
        Self::from_weights(&Weights::from_safetensors(bytes, origin)?)
    }

    /// IntentClassifier::from_weights builds the tensors for `weights`.
    pub fn from_weights(weights: &Weights) -> Result<Self> {
        let (classes, dim) = (weights.categories.len(), weights.dim());
        let build = || -> candle_core::Result<(Tensor, Tensor, Tensor)> {
            let idf = Tensor::from_slice(&weights.idf, (1, dim), &Device::Cpu)?;
            let weight = Tensor::from_slice(&weights.weight, (classes, dim), &Device::Cpu)?;
            let bias = Tensor::from_slice(&weights.bias, (1, classes), &Device::Cpu)?;
            Ok((idf, weight.t()?.contiguous()?, bias))
        };
        let (idf, weight_t, bias) =
            build().map_err(|error| Error::inference("building classifier tensors", error))?;

        Ok(Self {
            categories: weights.categories.clone(),
            idf,
            weight_t,
            bias,
        })
    }

    /// IntentClassifier::categories are the category names, in index order.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// IntentClassifier::embedding_dim is the length of every embedding.
    pub fn embedding_dim(&self) -> usize {
        self.idf.dims()[1]
    }

    /// IntentClassifier::embed returns the L2-normalised TF-IDF vector of
    /// `text`. Text without letters or digits embeds to the zero vector.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>> {
        self.embedding(text)
            .and_then(|embedding| embedding.squeeze(0)?.to_vec1::<f32>())
            .map_err(|error| Error::inference("embedding text", error))
    }

    /// IntentClassifier::classify returns the most probable category of
    /// `text`; ties go to the lower index.
    pub fn classify(&self, text: &str) -> Result<Prediction> {
        let probabilities = self
            .probabilities(text)
            .map_err(|error| Error::inference("classifying text", error))?;

        let mut best = Prediction {
            category_index: 0,
            confidence: f32::NEG_INFINITY,
        };
        for (index, &probability) in probabilities.iter().enumerate() {
            if probability > best.confidence {
                best = Prediction {
                    category_index: index,
                    confidence: probability,
                };
            }
        }
        Ok(best)
    }

    /// IntentClassifier::similarity is the cosine similarity of the
    /// embeddings of `a` and `b`, in [0, 1]; 0 if either has no features.
    pub fn similarity(&self, a: &str, b: &str) -> Result<f32> {
        let cosine = || -> candle_core::Result<f32> {
            let (a, b) = (self.embedding(a)?, self.embedding(b)?);
            a.mul(&b)?.sum_all()?.to_scalar::<f32>()
        };
        let value = cosine().map_err(|error| Error::inference("comparing texts", error))?;

        Ok(value.clamp(0.0, 1.0))
    }

    /// embedding is the [1, D] embedding of `text`.
    fn embedding(&self, text: &str) -> candle_core::Result<Tensor> {
        let dim = self.embedding_dim();
        let mut counts = vec![0f32; dim];
        for (bucket, count) in feature_counts(text, dim) {
            counts[bucket] = count as f32;
        }

        let weighted = Tensor::from_vec(counts, (1, dim), &Device::Cpu)?.mul(&self.idf)?;
        // Guarding the norm keeps a featureless text at zero instead of NaN.
        let norm = weighted.sqr()?.sum_keepdim(1)?.sqrt()?.maximum(1e-12)?;
        weighted.broadcast_div(&norm)
    }

    /// probabilities is the softmax over categories for `text`.
    fn probabilities(&self, text: &str) -> candle_core::Result<Vec<f32>> {
        let logits = self
            .embedding(text)?
            .matmul(&self.weight_t)?
            .broadcast_add(&self.bias)?;

        let shifted = logits.broadcast_sub(&logits.max_keepdim(D::Minus1)?)?;
        let exponentials = shifted.exp()?;
        let probabilities = exponentials.broadcast_div(&exponentials.sum_keepdim(D::Minus1)?)?;
        probabilities.squeeze(0)?.to_vec1::<f32>()
    }
}
