//! Text features: lower-cased word unigrams and bigrams plus character
//! trigrams, hashed into a fixed number of buckets.
//!
//! Training and inference both count features here, so a model can only ever
//! see the buckets it was trained on. The hash is FNV-1a over UTF-8 bytes,
//! which gives the same buckets on every platform and in every process.

/// FEATURE_DIM is the number of hash buckets, and so the embedding dimension,
/// of models trained by this crate.
pub const FEATURE_DIM: usize = 1024;

const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Kinds of feature, hashed as a leading byte so that the word "the" and the
/// trigram "the" land in unrelated buckets.
const WORD: u8 = b'w';
const BIGRAM: u8 = b'b';
const TRIGRAM: u8 = b't';

/// feature_counts returns `(bucket, count)` pairs for `text`, sorted by bucket
/// and without duplicates, for a model with `dim` buckets.
pub fn feature_counts(text: &str, dim: usize) -> Vec<(usize, u32)> {
    let words = words(text);
    let mut buckets = Vec::new();

    for word in &words {
        buckets.push(bucket(WORD, &[word], dim));
        trigram_buckets(word, dim, &mut buckets);
    }
    for pair in words.windows(2) {
        buckets.push(bucket(BIGRAM, &[&pair[0], &pair[1]], dim));
    }

    count_sorted(buckets)
}

/// words splits `text` into lower-cased runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// trigram_buckets adds the character trigrams of `word`, padded with `^` and
/// `$` so that prefixes and suffixes ("ing$") are features of their own.
fn trigram_buckets(word: &str, dim: usize, buckets: &mut Vec<usize>) {
    let padded: Vec<char> = std::iter::once('^')
        .chain(word.chars())
        .chain(std::iter::once('$'))
        .collect();
    let mut encoded = String::with_capacity(12);

    for window in padded.windows(3) {
        encoded.clear();
        encoded.extend(window);
        buckets.push(bucket(TRIGRAM, &[&encoded], dim));
    }
}

/// bucket hashes a feature kind and its parts, separated by a unit separator.
fn bucket(kind: u8, parts: &[&str], dim: usize) -> usize {
    let mut hash = fnv1a(FNV_OFFSET_BASIS, &[kind]);
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            hash = fnv1a(hash, &[0x1f]);
        }
        hash = fnv1a(hash, part.as_bytes());
    }
    (hash % dim as u64) as usize
}

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

fn count_sorted(mut buckets: Vec<usize>) -> Vec<(usize, u32)> {
    buckets.sort_unstable();
    let mut counts: Vec<(usize, u32)> = Vec::new();
    for bucket in buckets {
        match counts.last_mut() {
            Some((last, count)) if *last == bucket => *count += 1,
            _ => counts.push((bucket, 1)),
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_and_split_on_punctuation() {
        assert_eq!(words("How's C++ vs. Go?"), ["how", "s", "c", "vs", "go"]);
    }

    #[test]
    fn counts_are_sorted_unique_and_stable() {
        let first = feature_counts("the cat and the hat", FEATURE_DIM);
        let second = feature_counts("the cat and the hat", FEATURE_DIM);

        assert_eq!(first, second);
        assert!(first.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(first.iter().all(|&(bucket, _)| bucket < FEATURE_DIM));
    }

    #[test]
    fn empty_text_has_no_features() {
        assert!(feature_counts(" ?! ", FEATURE_DIM).is_empty());
    }

    #[test]
    fn buckets_do_not_drift() {
        // Pinned from an independent FNV-1a computation: if these change,
        // every weights file silently stops matching its features.
        assert_eq!(bucket(WORD, &["math"], FEATURE_DIM), 124);
        assert_eq!(bucket(BIGRAM, &["how", "do"], FEATURE_DIM), 603);
    }
}
