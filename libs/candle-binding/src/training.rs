//! Training: a labelled TSV file in, [`Weights`] out, bit for bit the same on
//! every run and every machine.
//!
//! Gradient descent runs in plain `f64` loops rather than candle tensors on
//! purpose. candle's CPU matmul picks its kernel at run time from the CPU's
//! features (AVX2, FMA, AVX-512, NEON) and may split work across threads,
//! and `exp`/`ln` come from the platform's libm; any of these can change the
//! last bits of a weight. Here every sum runs in a fixed order with only
//! `+ - * /` (which Rust never fuses), and `exp`/`ln` are computed by the
//! series below, so the checked-in weights file is reproducible anywhere.

use crate::error::{Error, Result, ResultCode};
use crate::features::feature_counts;
use crate::weights::Weights;

/// TrainingConfig holds the fixed hyper-parameters of a training run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingConfig {
    /// Number of hash buckets (the embedding dimension).
    pub dim: usize,
    /// Full-batch gradient-descent steps.
    pub epochs: usize,
    /// Step size.
    pub learning_rate: f64,
    /// L2 penalty on the weights (not on the bias).
    pub l2: f64,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        Self {
            dim: crate::features::FEATURE_DIM,
            epochs: 600,
            learning_rate: 4.0,
            l2: 1e-4,
        }
    }
}

/// Dataset is a parsed example file: categories in order of first
/// appearance, and each example as (category index, text).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub categories: Vec<String>,
    pub examples: Vec<(usize, String)>,
}

/// parse_dataset reads `category<TAB>text` lines after one header line.
/// `origin` names the file in errors, which carry its line number. Every bad
/// line is reported, not just the first.
pub fn parse_dataset(contents: &str, origin: &str) -> Result<Dataset> {
    let mut dataset = Dataset {
        categories: Vec::new(),
        examples: Vec::new(),
    };
    let mut problems = Vec::new();

    for (index, line) in contents.lines().enumerate().skip(1) {
        let number = index + 1;
        match parse_line(line) {
            Ok(None) => {}
            Ok(Some((category, text))) => {
                let position = category_index(&mut dataset.categories, category);
                dataset.examples.push((position, text.to_string()));
            }
            Err(problem) => problems.push(format!("{origin}:{number}: {problem}")),
        }
    }

    if dataset.examples.is_empty() {
        problems.push(format!("{origin}: no examples after the header line"));
    }
    if !problems.is_empty() {
        return Err(Error::new(ResultCode::InvalidArgument, problems.join("\n")));
    }
    Ok(dataset)
}

fn parse_line(line: &str) -> std::result::Result<Option<(&str, &str)>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let (category, text) = line
        .split_once('\t')
        .ok_or("want `category<TAB>text`, found no tab")?;
    let valid_name = !category.is_empty()
        && category
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_');
    if !valid_name {
        return Err(format!(
            "category {category:?} must be lower-case letters, digits or `_`"
        ));
    }
    if text.trim().is_empty() {
        return Err(format!("category {category:?} has an empty text"));
    }
    Ok(Some((category, text.trim())))
}

fn category_index(categories: &mut Vec<String>, name: &str) -> usize {
    match categories.iter().position(|known| known == name) {
        Some(position) => position,
        None => {
            categories.push(name.to_string());
            categories.len() - 1
        }
    }
}

/// train fits IDF weights and a softmax-regression layer to `dataset`.
pub fn train(dataset: &Dataset, config: &TrainingConfig) -> Weights {
    let counts: Vec<Vec<(usize, u32)>> = dataset
        .examples
        .iter()
        .map(|(_, text)| feature_counts(text, config.dim))
        .collect();
    let idf = inverse_document_frequency(&counts, config.dim);
    let inputs: Vec<Vec<(usize, f64)>> = counts.iter().map(|row| embed(row, &idf)).collect();
    let labels: Vec<usize> = dataset.examples.iter().map(|&(label, _)| label).collect();

    let mut layer = Layer::zeros(dataset.categories.len(), config.dim);
    for _ in 0..config.epochs {
        layer.step(&inputs, &labels, config);
    }

    Weights {
        categories: dataset.categories.clone(),
        idf,
        weight: layer.weight.iter().map(|&value| value as f32).collect(),
        bias: layer.bias.iter().map(|&value| value as f32).collect(),
    }
}

/// inverse_document_frequency is the smoothed `ln((1 + N) / (1 + df)) + 1`,
/// rounded to f32 because that is what inference multiplies by.
fn inverse_document_frequency(counts: &[Vec<(usize, u32)>], dim: usize) -> Vec<f32> {
    let mut document_frequency = vec![0u32; dim];
    for row in counts {
        for &(bucket, _) in row {
            document_frequency[bucket] += 1;
        }
    }

    let documents = counts.len() as f64;
    document_frequency
        .iter()
        .map(|&df| (portable_ln((1.0 + documents) / (1.0 + f64::from(df))) + 1.0) as f32)
        .collect()
}

/// embed is the sparse L2-normalised TF-IDF vector of one example, the same
/// vector `IntentClassifier::embed` computes densely.
fn embed(counts: &[(usize, u32)], idf: &[f32]) -> Vec<(usize, f64)> {
    let weighted: Vec<(usize, f64)> = counts
        .iter()
        .map(|&(bucket, count)| (bucket, f64::from(count) * f64::from(idf[bucket])))
        .collect();
    let norm = weighted
        .iter()
        .map(|&(_, value)| value * value)
        .sum::<f64>()
        .sqrt();
    if norm == 0.0 {
        return weighted;
    }
    weighted
        .into_iter()
        .map(|(bucket, value)| (bucket, value / norm))
        .collect()
}

/// Layer is the softmax-regression layer being trained.
struct Layer {
    classes: usize,
    dim: usize,
    /// Row-major [classes, dim].
    weight: Vec<f64>,
    bias: Vec<f64>,
}

impl Layer {
    fn zeros(classes: usize, dim: usize) -> Self {
        Self {
            classes,
            dim,
            weight: vec![0.0; classes * dim],
            bias: vec![0.0; classes],
        }
    }

    /// step takes one full-batch gradient step on mean cross-entropy plus the
    /// L2 penalty. Examples are visited in file order.
    fn step(&mut self, inputs: &[Vec<(usize, f64)>], labels: &[usize], config: &TrainingConfig) {
        let mut weight_gradient = vec![0.0; self.weight.len()];
        let mut bias_gradient = vec![0.0; self.classes];
        let mut probabilities = vec![0.0; self.classes];

        for (input, &label) in inputs.iter().zip(labels) {
            self.softmax(input, &mut probabilities);
            for class in 0..self.classes {
                let error = probabilities[class] - if class == label { 1.0 } else { 0.0 };
                bias_gradient[class] += error;
                let row = &mut weight_gradient[class * self.dim..(class + 1) * self.dim];
                for &(bucket, value) in input {
                    row[bucket] += error * value;
                }
            }
        }

        let scale = 1.0 / inputs.len() as f64;
        for (weight, gradient) in self.weight.iter_mut().zip(&weight_gradient) {
            *weight -= config.learning_rate * (gradient * scale + config.l2 * *weight);
        }
        for (bias, gradient) in self.bias.iter_mut().zip(&bias_gradient) {
            *bias -= config.learning_rate * gradient * scale;
        }
    }

    fn softmax(&self, input: &[(usize, f64)], probabilities: &mut [f64]) {
        for (class, probability) in probabilities.iter_mut().enumerate() {
            let row = &self.weight[class * self.dim..(class + 1) * self.dim];
            *probability = self.bias[class]
                + input
                    .iter()
                    .map(|&(bucket, value)| row[bucket] * value)
                    .sum::<f64>();
        }

        let max = probabilities
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for probability in probabilities.iter_mut() {
            *probability = portable_exp(*probability - max);
            total += *probability;
        }
        for probability in probabilities.iter_mut() {
            *probability /= total;
        }
    }
}

/// portable_exp is e^x from basic arithmetic only: x = k ln 2 + r with
/// |r| <= ln 2 / 2, a degree-16 Taylor polynomial for e^r, then a scale by
/// 2^k built from bits. Relative error is below 1e-15 for the x <= 0 that
/// softmax uses.
fn portable_exp(x: f64) -> f64 {
    if x < -700.0 {
        return 0.0;
    }
    let k = (x / std::f64::consts::LN_2).round();
    let r = x - k * std::f64::consts::LN_2;

    let mut series = 1.0;
    for n in (1..=16).rev() {
        series = 1.0 + series * r / f64::from(n);
    }

    let power_of_two = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    series * power_of_two
}

/// portable_ln is ln(x) for x > 0 from basic arithmetic only: x = m 2^e with
/// m in [1, 2), and ln m = 2 atanh((m - 1) / (m + 1)) as a fixed-length series.
fn portable_ln(x: f64) -> f64 {
    debug_assert!(x > 0.0 && x.is_normal());
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mantissa = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));

    let s = (mantissa - 1.0) / (mantissa + 1.0);
    let s_squared = s * s;
    let mut series = 0.0;
    for n in (0..40).rev() {
        series = 1.0 / f64::from(2 * n + 1) + s_squared * series;
    }

    exponent as f64 * std::f64::consts::LN_2 + 2.0 * s * series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_exp_matches_std() {
        for x in [-50.0, -10.5, -2.0, -0.693, -0.1, 0.0, 0.3, 1.0, 5.0] {
            let relative = (portable_exp(x) - f64::exp(x)).abs() / f64::exp(x);
            assert!(relative < 1e-14, "exp({x}): relative error {relative}");
        }
        assert_eq!(portable_exp(-1000.0), 0.0);
    }

    #[test]
    fn portable_ln_matches_std() {
        for x in [1.0, 1.5, 2.0, 3.7, 10.0, 271.0, 1e6] {
            let absolute = (portable_ln(x) - f64::ln(x)).abs();
            assert!(absolute < 1e-13, "ln({x}): absolute error {absolute}");
        }
    }

    #[test]
    fn parse_reports_every_bad_line_with_its_number() {
        let error = parse_dataset("category\ttext\nmath\nmath\tok\nBad\tx\n", "d.tsv").unwrap_err();
        assert_eq!(error.code(), ResultCode::InvalidArgument);
        assert!(
            error.message().contains("d.tsv:2: want"),
            "{}",
            error.message()
        );
        assert!(
            error.message().contains("d.tsv:4: category \"Bad\""),
            "{}",
            error.message()
        );
    }

    #[test]
    fn categories_keep_first_appearance_order() {
        let dataset = parse_dataset("h\nb\tone\na\ttwo\nb\tthree\n", "d.tsv").unwrap();
        assert_eq!(dataset.categories, ["b", "a"]);
        assert_eq!(dataset.examples[2], (0, "three".to_string()));
    }

    #[test]
    fn training_separates_a_toy_dataset() {
        let dataset = parse_dataset(
            "h\nfruit\tapple banana\nfruit\tripe banana\ntool\thammer nail\ntool\tnail saw\n",
            "toy.tsv",
        )
        .unwrap();
        let weights = train(
            &dataset,
            &TrainingConfig {
                dim: 64,
                ..Default::default()
            },
        );
        let classifier = crate::model::IntentClassifier::from_weights(&weights).unwrap();

        let prediction = classifier.classify("banana").unwrap();
        assert_eq!(classifier.categories()[prediction.category_index], "fruit");
    }
}
