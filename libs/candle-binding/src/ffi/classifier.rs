//! `cb_classifier`: the intent classifier object.
//!
//! A classifier is immutable after construction, so one pointer may be used
//! from any number of threads at once; only `cb_classifier_free` must not
//! race with other calls on the same pointer.

use std::ffi::c_char;
use std::path::Path;

use super::{copy_string, reference, run, text, writable, write};
use crate::error::{Error, ResultCode};
use crate::model::IntentClassifier;

/// Classification is the result of `cb_classifier_classify`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classification {
    /// Index of the predicted category, below `cb_classifier_category_count`;
    /// its name comes from `cb_classifier_category_name`.
    pub category_index: usize,
    /// Softmax probability of that category, in (0, 1].
    pub confidence: f32,
}

/// cb_classifier_new_embedded creates a classifier from the weights compiled
/// into the library and stores it in `*classifier_out` (null on failure).
/// The caller owns it and releases it with `cb_classifier_free`.
///
/// # Safety
/// `classifier_out` must be null or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_new_embedded(
    classifier_out: *mut *mut IntentClassifier,
) -> ResultCode {
    run("cb_classifier_new_embedded", || {
        let out = writable(classifier_out, "classifier_out")?;
        // SAFETY: `out` is non-null and the caller guarantees it is writable.
        unsafe { write(out, std::ptr::null_mut()) };

        let classifier = IntentClassifier::embedded()?;
        // SAFETY: as above; ownership of the box passes to the caller.
        unsafe { write(out, Box::into_raw(Box::new(classifier))) };
        Ok(())
    })
}

/// cb_classifier_load creates a classifier from the weights file at the
/// UTF-8 path `path`/`path_len` and stores it in `*classifier_out` (null on
/// failure). The caller owns it and releases it with `cb_classifier_free`.
/// Fails with `CB_RESULT_IO` if the file cannot be read and
/// `CB_RESULT_INVALID_MODEL` if it is not a weights file.
///
/// # Safety
/// `path` must be null or point to `path_len` readable bytes;
/// `classifier_out` must be null or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_load(
    path: *const u8,
    path_len: usize,
    classifier_out: *mut *mut IntentClassifier,
) -> ResultCode {
    run("cb_classifier_load", || {
        let out = writable(classifier_out, "classifier_out")?;
        // SAFETY: `out` is non-null and the caller guarantees it is writable.
        unsafe { write(out, std::ptr::null_mut()) };
        // SAFETY: forwarded from this function's contract.
        let path = unsafe { text(path, path_len, "path") }?;

        let classifier = IntentClassifier::load(Path::new(path))?;
        // SAFETY: as above; ownership of the box passes to the caller.
        unsafe { write(out, Box::into_raw(Box::new(classifier))) };
        Ok(())
    })
}

/// cb_classifier_free releases a classifier from `cb_classifier_new_embedded`
/// or `cb_classifier_load`. Null is accepted and ignored. No other call may
/// use the classifier during or after this one.
///
/// # Safety
/// `classifier` must be null or a classifier from this library that has not
/// been freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_free(classifier: *mut IntentClassifier) {
    // A free function has no result, so a panic in a destructor is caught
    // and dropped rather than unwinding into C.
    run("cb_classifier_free", || {
        if !classifier.is_null() {
            // SAFETY: the pointer came from Box::into_raw in this module and
            // the caller guarantees it is freed only once.
            drop(unsafe { Box::from_raw(classifier) });
        }
        Ok(())
    });
}

/// cb_classifier_classify stores the most likely category of the UTF-8 text
/// `text`/`text_len` in `*classification_out`.
///
/// # Safety
/// `classifier` must be null or a live classifier; `text` must be null or
/// point to `text_len` readable bytes; `classification_out` must be null or
/// valid for a write of `cb_classification`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_classify(
    classifier: *const IntentClassifier,
    text: *const u8,
    text_len: usize,
    classification_out: *mut Classification,
) -> ResultCode {
    run("cb_classifier_classify", || {
        // SAFETY: forwarded from this function's contract.
        let classifier = unsafe { reference(classifier, "classifier") }?;
        // SAFETY: forwarded from this function's contract.
        let text = unsafe { super::text(text, text_len, "text") }?;
        let out = writable(classification_out, "classification_out")?;

        let prediction = classifier.classify(text)?;
        let classification = Classification {
            category_index: prediction.category_index,
            confidence: prediction.confidence,
        };
        // SAFETY: `out` is non-null and the caller guarantees it is writable.
        unsafe { write(out, classification) };
        Ok(())
    })
}

/// cb_classifier_category_count stores the number of categories in
/// `*count_out`.
///
/// # Safety
/// `classifier` must be null or a live classifier; `count_out` must be null
/// or valid for a write of `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_category_count(
    classifier: *const IntentClassifier,
    count_out: *mut usize,
) -> ResultCode {
    run("cb_classifier_category_count", || {
        // SAFETY: forwarded from this function's contract.
        let classifier = unsafe { reference(classifier, "classifier") }?;
        let out = writable(count_out, "count_out")?;

        // SAFETY: `out` is non-null and the caller guarantees it is writable.
        unsafe { write(out, classifier.categories().len()) };
        Ok(())
    })
}

/// cb_classifier_category_name copies the name of category `index` into the
/// caller-owned buffer `buf` of `buf_len` bytes, NUL-terminated, and stores
/// the name's length without the NUL in `*len_out`. Returns
/// `CB_RESULT_BUFFER_TOO_SMALL` (with `*len_out` set) when `buf_len` is not
/// more than that length, and `CB_RESULT_INVALID_ARGUMENT` for an index at or
/// beyond `cb_classifier_category_count`.
///
/// # Safety
/// `classifier` must be null or a live classifier; `buf` must be null or
/// valid for `buf_len` byte writes; `len_out` must be null or valid for a
/// write of `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_category_name(
    classifier: *const IntentClassifier,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> ResultCode {
    run("cb_classifier_category_name", || {
        // SAFETY: forwarded from this function's contract.
        let classifier = unsafe { reference(classifier, "classifier") }?;
        let categories = classifier.categories();
        let name = categories.get(index).ok_or_else(|| {
            Error::new(
                ResultCode::InvalidArgument,
                format!(
                    "category index {index} is out of range (the model has {} categories)",
                    categories.len()
                ),
            )
        })?;

        // SAFETY: forwarded from this function's contract.
        unsafe { copy_string(name, buf, buf_len, len_out) }
    })
}

/// cb_classifier_embedding_dim stores the length of every embedding in
/// `*dim_out`.
///
/// # Safety
/// `classifier` must be null or a live classifier; `dim_out` must be null or
/// valid for a write of `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_embedding_dim(
    classifier: *const IntentClassifier,
    dim_out: *mut usize,
) -> ResultCode {
    run("cb_classifier_embedding_dim", || {
        // SAFETY: forwarded from this function's contract.
        let classifier = unsafe { reference(classifier, "classifier") }?;
        let out = writable(dim_out, "dim_out")?;

        // SAFETY: `out` is non-null and the caller guarantees it is writable.
        unsafe { write(out, classifier.embedding_dim()) };
        Ok(())
    })
}

/// cb_classifier_embed writes the L2-normalised embedding of the UTF-8 text
/// `text`/`text_len` into the caller-owned array `out` of `out_len` floats
/// and stores its length in `*dim_out`. Returns `CB_RESULT_BUFFER_TOO_SMALL`
/// (with `*dim_out` set) when `out_len` is less than that; `out` may be null
/// only when `out_len` is 0.
///
/// # Safety
/// `classifier` must be null or a live classifier; `text` must be null or
/// point to `text_len` readable bytes; `out` must be null or valid for
/// `out_len` float writes; `dim_out` must be null or valid for a write of
/// `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_embed(
    classifier: *const IntentClassifier,
    text: *const u8,
    text_len: usize,
    out: *mut f32,
    out_len: usize,
    dim_out: *mut usize,
) -> ResultCode {
    run("cb_classifier_embed", || {
        // SAFETY: forwarded from this function's contract.
        let classifier = unsafe { reference(classifier, "classifier") }?;
        // SAFETY: forwarded from this function's contract.
        let text = unsafe { super::text(text, text_len, "text") }?;
        let dim_out = writable(dim_out, "dim_out")?;
        if out.is_null() && out_len != 0 {
            return Err(super::null_pointer("out"));
        }

        let dim = classifier.embedding_dim();
        // SAFETY: `dim_out` is non-null and the caller guarantees it is writable.
        unsafe { write(dim_out, dim) };
        if out_len < dim {
            return Err(Error::new(
                ResultCode::BufferTooSmall,
                format!("output array of {out_len} floats cannot hold an embedding of {dim}"),
            ));
        }

        let embedding = classifier.embed(text)?;
        // SAFETY: `out` is non-null (out_len >= dim > 0) and valid for
        // `out_len >= embedding.len()` floats; the source is a fresh Vec.
        unsafe { std::ptr::copy_nonoverlapping(embedding.as_ptr(), out, embedding.len()) };
        Ok(())
    })
}

/// cb_classifier_similarity stores the cosine similarity, in [0, 1], of the
/// embeddings of the UTF-8 texts `a` and `b` in `*similarity_out`.
///
/// # Safety
/// `classifier` must be null or a live classifier; `a` and `b` must be null
/// or point to `a_len` and `b_len` readable bytes; `similarity_out` must be
/// null or valid for a write of `float`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_classifier_similarity(
    classifier: *const IntentClassifier,
    a: *const u8,
    a_len: usize,
    b: *const u8,
    b_len: usize,
    similarity_out: *mut f32,
) -> ResultCode {
    run("cb_classifier_similarity", || {
        // SAFETY: forwarded from this function's contract.
        let classifier = unsafe { reference(classifier, "classifier") }?;
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (text(a, a_len, "a")?, text(b, b_len, "b")?) };
        let out = writable(similarity_out, "similarity_out")?;

        let similarity = classifier.similarity(a, b)?;
        // SAFETY: `out` is non-null and the caller guarantees it is writable.
        unsafe { write(out, similarity) };
        Ok(())
    })
}
