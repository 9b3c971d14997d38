//! train fits the intent classifier to a labelled TSV file and writes the
//! weights file:
//!
//! ```text
//! cargo run --release --bin train -- data/intents.tsv model/intent-classifier.safetensors
//! ```
//!
//! The output depends only on the input file: rerunning gives identical bytes.

use std::path::Path;
use std::process::ExitCode;

use candle_binding::training::{TrainingConfig, parse_dataset, train};

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [examples, output] = arguments.as_slice() else {
        eprintln!("usage: train <examples.tsv> <output.safetensors>");
        return ExitCode::from(2);
    };

    match run(Path::new(examples), Path::new(output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("train: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(examples: &Path, output: &Path) -> Result<(), String> {
    let contents = std::fs::read_to_string(examples)
        .map_err(|error| format!("reading {}: {error}", examples.display()))?;
    let dataset = parse_dataset(&contents, &examples.display().to_string())
        .map_err(|error| error.to_string())?;
    let config = TrainingConfig::default();

    eprintln!(
        "Training on {} examples in {} categories ({} buckets, {} epochs)",
        dataset.examples.len(),
        dataset.categories.len(),
        config.dim,
        config.epochs
    );
    let bytes = train(&dataset, &config)
        .to_safetensors()
        .map_err(|error| error.to_string())?;

    std::fs::write(output, &bytes)
        .map_err(|error| format!("writing {}: {error}", output.display()))?;
    eprintln!("Wrote {} ({} bytes)", output.display(), bytes.len());
    Ok(())
}
