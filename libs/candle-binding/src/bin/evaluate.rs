//! evaluate measures a classifier on a labelled TSV file and prints every
//! miss and the accuracy:
//!
//! ```text
//! cargo run --release --bin evaluate -- data/heldout.tsv [weights.safetensors]
//! ```
//!
//! Without a weights file it evaluates the weights compiled into the library.

use std::path::Path;
use std::process::ExitCode;

use candle_binding::IntentClassifier;
use candle_binding::training::parse_dataset;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let (examples, weights) = match arguments.as_slice() {
        [examples] => (examples, None),
        [examples, weights] => (examples, Some(weights)),
        _ => {
            eprintln!("usage: evaluate <examples.tsv> [weights.safetensors]");
            return ExitCode::from(2);
        }
    };

    match run(Path::new(examples), weights.map(Path::new)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("evaluate: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(examples: &Path, weights: Option<&Path>) -> Result<(), String> {
    let contents = std::fs::read_to_string(examples)
        .map_err(|error| format!("reading {}: {error}", examples.display()))?;
    let dataset = parse_dataset(&contents, &examples.display().to_string())
        .map_err(|error| error.to_string())?;
    let classifier = match weights {
        Some(path) => IntentClassifier::load(path),
        None => IntentClassifier::embedded(),
    }
    .map_err(|error| error.to_string())?;

    let mut correct = 0;
    for (label, text) in &dataset.examples {
        let want = &dataset.categories[*label];
        let prediction = classifier
            .classify(text)
            .map_err(|error| error.to_string())?;
        let got = &classifier.categories()[prediction.category_index];
        if got == want {
            correct += 1;
        } else {
            println!(
                "miss: {text:?}: got {got} ({:.2}), want {want}",
                prediction.confidence
            );
        }
    }

    let total = dataset.examples.len();
    println!(
        "accuracy: {correct}/{total} = {:.1}%",
        100.0 * correct as f64 / total as f64
    );
    Ok(())
}
