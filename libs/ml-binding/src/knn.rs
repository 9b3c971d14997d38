//! k-nearest-neighbour model selection over a labelled table of past requests.
//!
//! Each row pairs the embedding of a past request with the model that served it best and a
//! quality weight. A query votes with its k most similar rows (cosine similarity); each
//! model scores the sum of similarity × quality over its neighbours, and the best score wins.

use std::collections::HashMap;

use crate::error::{Error, MlbResult};

/// Selection is the model chosen for one query.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    /// Name of the chosen model, as given to [`Selector::add`].
    pub model: String,
    /// Sum of similarity × quality over the chosen model's neighbours.
    pub score: f32,
    /// Number of neighbours that voted (at most k), whichever model they voted for.
    pub neighbours: usize,
}

struct Row {
    embedding: Box<[f32]>,
    norm: f64,
    model: usize,
    quality: f64,
}

/// Selector owns the table of labelled embeddings, all of one dimension.
pub struct Selector {
    dimension: usize,
    rows: Vec<Row>,
    models: Vec<String>,
    model_ids: HashMap<String, usize>,
}

impl Selector {
    /// Selector::new makes an empty table for embeddings of `dimension` values.
    pub fn new(dimension: usize) -> Result<Self, Error> {
        if dimension == 0 {
            return Err(Error::new(
                MlbResult::InvalidDimension,
                "creating a selector: dimension is 0 (use the embedding model's output size, e.g. 512)",
            ));
        }
        Ok(Selector {
            dimension,
            rows: Vec::new(),
            models: Vec::new(),
            model_ids: HashMap::new(),
        })
    }

    /// Selector::dimension is the length every embedding and query must have.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Selector::len is the number of rows in the table.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Selector::is_empty says whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Selector::add appends a row: `embedding` was best served by `model`, weighted by
    /// `quality` (>= 0; 1 when the caller has no score).
    pub fn add(&mut self, embedding: &[f32], model: &str, quality: f32) -> Result<(), Error> {
        let norm = self.check_vector("adding a row: embedding", embedding)?;
        check_model_name("adding a row: model", model)?;
        if !quality.is_finite() || quality < 0.0 {
            return Err(Error::new(
                MlbResult::InvalidQuality,
                format!("adding a row for model {model:?}: quality is {quality} (use a finite value >= 0, or 1 when unknown)"),
            ));
        }

        let next_id = self.models.len();
        let model_id = *self.model_ids.entry(model.to_owned()).or_insert(next_id);
        if model_id == next_id {
            self.models.push(model.to_owned());
        }
        self.rows.push(Row {
            embedding: embedding.into(),
            norm,
            model: model_id,
            quality: f64::from(quality),
        });
        Ok(())
    }

    /// Selector::select picks the model for `query` among `candidates` (all models when
    /// empty) from its `k` nearest rows.
    ///
    /// Neighbours with equal similarity are taken in insertion order; models with equal
    /// scores are ranked by their position in `candidates` (or, with no candidates, by the
    /// order in which the models were first added). Returns `NoMatch` when no row belongs to
    /// a candidate.
    pub fn select(&self, query: &[f32], k: usize, candidates: &[&str]) -> Result<Selection, Error> {
        let query_norm = self.check_vector("selecting a model: query", query)?;
        if k == 0 {
            return Err(Error::new(
                MlbResult::InvalidK,
                "selecting a model: k is 0 (use at least 1 neighbour)",
            ));
        }
        for (index, candidate) in candidates.iter().enumerate() {
            check_model_name(
                &format!("selecting a model: candidates[{index}]"),
                candidate,
            )?;
        }

        let rank = self.candidate_ranks(candidates);
        let neighbours = self.nearest(query, query_norm, k, &rank);
        if neighbours.is_empty() {
            return Err(Error::new(
                MlbResult::NoMatch,
                format!("selecting a model: no row of the table belongs to any of the candidates {candidates:?} (fall back to the default model)"),
            ));
        }

        let (model, score) = self.vote(&neighbours, &rank);
        Ok(Selection {
            model: self.models[model].clone(),
            score: score as f32,
            neighbours: neighbours.len(),
        })
    }

    /// candidate_ranks maps each model id to its tie-break rank, or None when the model is
    /// not a candidate.
    fn candidate_ranks(&self, candidates: &[&str]) -> Vec<Option<usize>> {
        if candidates.is_empty() {
            return (0..self.models.len()).map(Some).collect();
        }
        let mut rank = vec![None; self.models.len()];
        for (position, candidate) in candidates.iter().enumerate() {
            if let Some(&id) = self.model_ids.get(*candidate) {
                // A name listed twice keeps its first position.
                rank[id].get_or_insert(position);
            }
        }
        rank
    }

    /// nearest returns (row index, similarity) of the k most similar candidate rows, most
    /// similar first, equal similarities in insertion order.
    fn nearest(
        &self,
        query: &[f32],
        query_norm: f64,
        k: usize,
        rank: &[Option<usize>],
    ) -> Vec<(usize, f64)> {
        let mut scored: Vec<(usize, f64)> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| rank[row.model].is_some())
            .map(|(index, row)| (index, cosine(query, query_norm, row)))
            .collect();

        // A stable sort keeps insertion order among equal similarities.
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(k);
        scored
    }

    /// vote sums similarity × quality per model and returns the winning model id and score.
    fn vote(&self, neighbours: &[(usize, f64)], rank: &[Option<usize>]) -> (usize, f64) {
        let mut scores: Vec<Option<f64>> = vec![None; self.models.len()];
        for &(index, similarity) in neighbours {
            let row = &self.rows[index];
            *scores[row.model].get_or_insert(0.0) += similarity * row.quality;
        }

        let mut best: Option<(usize, f64)> = None;
        for (model, score) in scores.iter().enumerate() {
            let Some(score) = *score else { continue };
            let better = match best {
                None => true,
                Some((best_model, best_score)) => {
                    score > best_score || (score == best_score && rank[model] < rank[best_model])
                }
            };
            if better {
                best = Some((model, score));
            }
        }
        best.expect("vote is only called with at least one neighbour")
    }

    /// check_vector validates length and values and returns the Euclidean norm.
    fn check_vector(&self, what: &str, values: &[f32]) -> Result<f64, Error> {
        if values.len() != self.dimension {
            return Err(Error::new(
                MlbResult::DimensionMismatch,
                format!(
                    "{what} has {} values but the selector was created for {} (embed with the same model the table was built with)",
                    values.len(),
                    self.dimension
                ),
            ));
        }
        if let Some(index) = values.iter().position(|value| !value.is_finite()) {
            return Err(Error::new(
                MlbResult::NonFiniteValue,
                format!(
                    "{what}[{index}] is {} (values must be finite)",
                    values[index]
                ),
            ));
        }
        let norm = values
            .iter()
            .map(|&value| f64::from(value) * f64::from(value))
            .sum::<f64>()
            .sqrt();
        if norm == 0.0 {
            return Err(Error::new(
                MlbResult::ZeroVector,
                format!("{what} is all zeros and has no direction to compare"),
            ));
        }
        Ok(norm)
    }
}

fn check_model_name(what: &str, name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::new(
            MlbResult::InvalidModelName,
            format!("{what} is an empty model name"),
        ));
    }
    if name.contains('\0') {
        return Err(Error::new(
            MlbResult::InvalidModelName,
            format!("{what} {name:?} contains a NUL byte, which C strings cannot carry"),
        ));
    }
    Ok(())
}

/// cosine is computed in f64 so that large finite f32 inputs cannot overflow to infinity.
fn cosine(query: &[f32], query_norm: f64, row: &Row) -> f64 {
    let dot: f64 = query
        .iter()
        .zip(row.embedding.iter())
        .map(|(&a, &b)| f64::from(a) * f64::from(b))
        .sum();
    dot / (query_norm * row.norm)
}

#[cfg(test)]
#[path = "knn_tests.rs"]
mod tests;
