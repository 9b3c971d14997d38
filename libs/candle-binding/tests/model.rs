//! The checked-in model: reproducible from its data, accurate on sentences
//! it was not trained on.

use std::path::PathBuf;

use candle_binding::IntentClassifier;
use candle_binding::training::{TrainingConfig, parse_dataset, train};

fn crate_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn read(relative: &str) -> String {
    let path = crate_file(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

fn category(classifier: &IntentClassifier, text: &str) -> String {
    let prediction = classifier.classify(text).unwrap();
    classifier.categories()[prediction.category_index].clone()
}

#[test]
fn retraining_reproduces_the_checked_in_weights_byte_for_byte() {
    let dataset = parse_dataset(&read("data/intents.tsv"), "data/intents.tsv").unwrap();

    let retrained = train(&dataset, &TrainingConfig::default())
        .to_safetensors()
        .unwrap();

    let checked_in = std::fs::read(crate_file("model/intent-classifier.safetensors")).unwrap();
    assert!(
        retrained == checked_in,
        "model/intent-classifier.safetensors is stale or training is not deterministic; \
         rerun `cargo run --release --bin train -- data/intents.tsv model/intent-classifier.safetensors`"
    );
}

#[test]
fn embedded_weights_are_the_checked_in_file() {
    let checked_in = std::fs::read(crate_file("model/intent-classifier.safetensors")).unwrap();
    assert!(candle_binding::model::EMBEDDED_WEIGHTS == checked_in.as_slice());
}

#[test]
fn classifies_held_out_sentences() {
    let classifier = IntentClassifier::embedded().unwrap();
    let cases = [
        ("What is the derivative of x squared?", "math"),
        ("How do I reverse a linked list in Python?", "code"),
        ("What happens when sodium reacts with water?", "science"),
        (
            "Why does a ball fall to the ground when dropped?",
            "science",
        ),
        ("Why did the Roman Empire fall?", "history"),
        ("How should we price our SaaS product?", "business"),
        ("Hey, what's up?", "other"),
    ];

    for (text, want) in cases {
        assert_eq!(category(&classifier, text), want, "classify({text:?})");
    }
}

#[test]
fn held_out_accuracy_is_at_least_85_percent() {
    let classifier = IntentClassifier::embedded().unwrap();
    let heldout = parse_dataset(&read("data/heldout.tsv"), "data/heldout.tsv").unwrap();

    let mut misses = Vec::new();
    for (label, text) in &heldout.examples {
        let want = &heldout.categories[*label];
        let got = category(&classifier, text);
        if &got != want {
            misses.push(format!("{text:?}: got {got}, want {want}"));
        }
    }

    let total = heldout.examples.len();
    let accuracy = (total - misses.len()) as f64 / total as f64;
    assert!(
        accuracy >= 0.85,
        "accuracy {accuracy:.3}; misses:\n{}",
        misses.join("\n")
    );
}

#[test]
fn training_data_and_held_out_data_do_not_overlap() {
    let training = parse_dataset(&read("data/intents.tsv"), "data/intents.tsv").unwrap();
    let heldout = parse_dataset(&read("data/heldout.tsv"), "data/heldout.tsv").unwrap();

    for (_, text) in &heldout.examples {
        assert!(
            training.examples.iter().all(|(_, seen)| seen != text),
            "held-out sentence {text:?} is also in data/intents.tsv"
        );
    }
}

#[test]
fn paraphrases_are_more_similar_than_unrelated_texts() {
    let classifier = IntentClassifier::embedded().unwrap();
    let pairs = [
        (
            (
                "What is the capital of France?",
                "Which city is the capital of France?",
            ),
            (
                "What is the capital of France?",
                "How do I fix a segfault in C?",
            ),
        ),
        (
            (
                "How do I reverse a list in Python?",
                "Reversing a Python list: how?",
            ),
            ("How do I reverse a list in Python?", "Why is the sky blue?"),
        ),
    ];

    for ((a, b), (c, d)) in pairs {
        let paraphrase = classifier.similarity(a, b).unwrap();
        let unrelated = classifier.similarity(c, d).unwrap();
        assert!(
            paraphrase > unrelated,
            "sim({a:?}, {b:?}) = {paraphrase} <= sim({c:?}, {d:?}) = {unrelated}"
        );
    }
}

#[test]
fn text_without_features_embeds_to_zero() {
    let classifier = IntentClassifier::embedded().unwrap();

    let embedding = classifier.embed("?!").unwrap();

    assert_eq!(embedding.len(), classifier.embedding_dim());
    assert!(embedding.iter().all(|&value| value == 0.0));
    assert_eq!(classifier.similarity("?!", "hello").unwrap(), 0.0);
}
