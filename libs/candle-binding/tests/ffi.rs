//! Calls the extern "C" functions the way C and Go do: raw pointers, byte
//! lengths, caller-owned buffers, and the thread-local error message.

use std::ffi::c_char;
use std::ptr;

use candle_binding::ResultCode;
use candle_binding::ffi::*;
use candle_binding::model::IntentClassifier;

struct Handle(*mut IntentClassifier);

impl Handle {
    fn embedded() -> Self {
        let mut classifier = ptr::null_mut();
        // SAFETY: `classifier` is a valid out-pointer.
        let code = unsafe { cb_classifier_new_embedded(&mut classifier) };
        assert_eq!(code, ResultCode::Ok, "{}", last_error());
        assert!(!classifier.is_null());
        Self(classifier)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the pointer came from cb_classifier_new_embedded and is
        // freed exactly once.
        unsafe { cb_classifier_free(self.0) };
    }
}

fn last_error() -> String {
    let mut buf = vec![0 as c_char; 512];
    let mut len = 0usize;
    // SAFETY: `buf` has `buf.len()` writable bytes and `len` is writable.
    let code = unsafe { cb_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(code, ResultCode::Ok);
    let bytes: Vec<u8> = buf[..len].iter().map(|&byte| byte as u8).collect();
    String::from_utf8(bytes).unwrap()
}

fn classify(handle: &Handle, text: &[u8]) -> (ResultCode, Classification) {
    let mut out = Classification {
        category_index: usize::MAX,
        confidence: -1.0,
    };
    // SAFETY: `text` is a live slice and `out` is writable.
    let code = unsafe { cb_classifier_classify(handle.0, text.as_ptr(), text.len(), &mut out) };
    (code, out)
}

fn category_name(handle: &Handle, index: usize) -> String {
    let mut buf = [0 as c_char; 32];
    let mut len = 0usize;
    // SAFETY: `buf` has 32 writable bytes and `len` is writable.
    let code =
        unsafe { cb_classifier_category_name(handle.0, index, buf.as_mut_ptr(), 32, &mut len) };
    assert_eq!(code, ResultCode::Ok, "{}", last_error());
    assert_eq!(buf[len], 0, "name is NUL-terminated");
    buf[..len].iter().map(|&byte| byte as u8 as char).collect()
}

#[test]
fn classifies_text_and_names_the_category() {
    let handle = Handle::embedded();

    let (code, out) = classify(
        &handle,
        "How do I reverse a linked list in Python?".as_bytes(),
    );

    assert_eq!(code, ResultCode::Ok, "{}", last_error());
    assert_eq!(category_name(&handle, out.category_index), "code");
    assert!(
        out.confidence > 0.0 && out.confidence <= 1.0,
        "{}",
        out.confidence
    );
    assert_eq!(last_error(), "", "success leaves no message");
}

#[test]
fn lists_categories_in_training_order() {
    let handle = Handle::embedded();
    let mut count = 0usize;

    // SAFETY: `count` is writable.
    let code = unsafe { cb_classifier_category_count(handle.0, &mut count) };

    assert_eq!(code, ResultCode::Ok);
    let names: Vec<String> = (0..count)
        .map(|index| category_name(&handle, index))
        .collect();
    assert_eq!(
        names,
        ["math", "code", "science", "history", "business", "other"]
    );
}

#[test]
fn null_pointers_are_rejected_with_a_message() {
    let handle = Handle::embedded();
    let text = b"hello";
    let mut out = Classification {
        category_index: 0,
        confidence: 0.0,
    };
    let mut value = 0f32;

    // SAFETY: each call passes null where the ABI allows checking for it.
    let codes = unsafe {
        [
            cb_classifier_classify(ptr::null(), text.as_ptr(), text.len(), &mut out),
            cb_classifier_classify(handle.0, ptr::null(), 0, &mut out),
            cb_classifier_classify(handle.0, text.as_ptr(), text.len(), ptr::null_mut()),
            cb_classifier_similarity(handle.0, text.as_ptr(), 5, ptr::null(), 3, &mut value),
            cb_classifier_new_embedded(ptr::null_mut()),
            cb_classifier_category_count(handle.0, ptr::null_mut()),
        ]
    };

    assert_eq!(codes, [ResultCode::NullPointer; 6]);
    assert!(
        last_error().contains("`count_out` is null"),
        "{}",
        last_error()
    );
}

#[test]
fn invalid_utf8_is_rejected() {
    let handle = Handle::embedded();

    let (code, _) = classify(&handle, b"caf\xe9 \xff");

    assert_eq!(code, ResultCode::InvalidUtf8);
    let message = last_error();
    assert!(
        message.starts_with("cb_classifier_classify: argument `text` is not valid UTF-8"),
        "{message}"
    );
}

#[test]
fn small_name_buffer_reports_the_needed_length() {
    let handle = Handle::embedded();
    let mut buf = [0x55 as c_char; 4];
    let mut len = 0usize;

    // SAFETY: `buf` has 4 writable bytes and `len` is writable. Index 4 is
    // "business", which needs 9 bytes with its NUL.
    let code = unsafe { cb_classifier_category_name(handle.0, 4, buf.as_mut_ptr(), 4, &mut len) };

    assert_eq!(code, ResultCode::BufferTooSmall);
    assert_eq!(len, "business".len());
    assert_eq!(buf, [0x55 as c_char; 4], "nothing is written on failure");
}

#[test]
fn length_query_with_null_buffer() {
    let handle = Handle::embedded();
    let mut len = 0usize;

    // SAFETY: a null buffer with length 0 is the documented length query.
    let code = unsafe { cb_classifier_category_name(handle.0, 0, ptr::null_mut(), 0, &mut len) };

    assert_eq!(code, ResultCode::BufferTooSmall);
    assert_eq!(len, "math".len());
}

#[test]
fn out_of_range_category_index_is_invalid() {
    let handle = Handle::embedded();
    let mut buf = [0 as c_char; 16];
    let mut len = 0usize;

    // SAFETY: `buf` has 16 writable bytes and `len` is writable.
    let code = unsafe { cb_classifier_category_name(handle.0, 6, buf.as_mut_ptr(), 16, &mut len) };

    assert_eq!(code, ResultCode::InvalidArgument);
    assert!(
        last_error().contains("index 6 is out of range"),
        "{}",
        last_error()
    );
}

#[test]
fn embed_fills_a_caller_array_and_rejects_a_short_one() {
    let handle = Handle::embedded();
    let text = b"Why is the sky blue?";
    let mut dim = 0usize;
    // SAFETY: `dim` is writable.
    assert_eq!(
        unsafe { cb_classifier_embedding_dim(handle.0, &mut dim) },
        ResultCode::Ok
    );

    let mut short = vec![0f32; dim - 1];
    let mut reported = 0usize;
    // SAFETY: `short` has `short.len()` writable floats.
    let code = unsafe {
        cb_classifier_embed(
            handle.0,
            text.as_ptr(),
            text.len(),
            short.as_mut_ptr(),
            short.len(),
            &mut reported,
        )
    };
    assert_eq!(code, ResultCode::BufferTooSmall);
    assert_eq!(reported, dim);

    let mut full = vec![0f32; dim];
    // SAFETY: `full` has `dim` writable floats.
    let code = unsafe {
        cb_classifier_embed(
            handle.0,
            text.as_ptr(),
            text.len(),
            full.as_mut_ptr(),
            full.len(),
            &mut reported,
        )
    };
    assert_eq!(code, ResultCode::Ok, "{}", last_error());
    let norm: f32 = full.iter().map(|value| value * value).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "embedding norm {norm}");
}

#[test]
fn similarity_ranks_paraphrases_above_unrelated_text() {
    let handle = Handle::embedded();
    let similarity = |a: &str, b: &str| {
        let mut out = -1f32;
        // SAFETY: both texts are live slices and `out` is writable.
        let code = unsafe {
            cb_classifier_similarity(handle.0, a.as_ptr(), a.len(), b.as_ptr(), b.len(), &mut out)
        };
        assert_eq!(code, ResultCode::Ok, "{}", last_error());
        out
    };

    let paraphrase = similarity(
        "How do I sort a list in Python?",
        "How can I sort a Python list?",
    );
    let unrelated = similarity(
        "How do I sort a list in Python?",
        "Who won the Battle of Hastings?",
    );

    assert!(
        paraphrase > unrelated,
        "paraphrase {paraphrase} <= unrelated {unrelated}"
    );
}

#[test]
fn load_reports_missing_files_and_bad_weights() {
    let mut classifier = ptr::null_mut();
    let missing = "/nonexistent/intent-classifier.safetensors";
    // SAFETY: `missing` is a live slice and `classifier` is writable.
    let code = unsafe { cb_classifier_load(missing.as_ptr(), missing.len(), &mut classifier) };
    assert_eq!(code, ResultCode::Io);
    assert!(classifier.is_null());
    assert!(last_error().contains(missing), "{}", last_error());

    let garbage =
        std::env::temp_dir().join(format!("cb-garbage-{}.safetensors", std::process::id()));
    std::fs::write(&garbage, b"definitely not safetensors").unwrap();
    let path = garbage.to_str().unwrap();
    // SAFETY: `path` is a live slice and `classifier` is writable.
    let code = unsafe { cb_classifier_load(path.as_ptr(), path.len(), &mut classifier) };
    std::fs::remove_file(&garbage).unwrap();
    assert_eq!(code, ResultCode::InvalidModel);
    assert!(classifier.is_null());
}

#[test]
fn load_reads_the_checked_in_weights_file() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/model/intent-classifier.safetensors"
    );
    let mut classifier = ptr::null_mut();

    // SAFETY: `path` is a live slice and `classifier` is writable.
    let code = unsafe { cb_classifier_load(path.as_ptr(), path.len(), &mut classifier) };

    assert_eq!(code, ResultCode::Ok, "{}", last_error());
    let handle = Handle(classifier);
    let (code, out) = classify(&handle, b"What is the derivative of x squared?");
    assert_eq!(code, ResultCode::Ok);
    assert_eq!(category_name(&handle, out.category_index), "math");
}

#[test]
fn free_accepts_null() {
    // SAFETY: null is documented as accepted.
    unsafe { cb_classifier_free(ptr::null_mut()) };
}

#[test]
fn error_message_survives_a_too_small_read() {
    let handle = Handle::embedded();
    let _ = classify(&handle, b"\xff");
    let mut tiny = [0 as c_char; 4];
    let mut len = 0usize;

    // SAFETY: `tiny` has 4 writable bytes and `len` is writable.
    let code = unsafe { cb_last_error_message(tiny.as_mut_ptr(), tiny.len(), &mut len) };

    assert_eq!(code, ResultCode::BufferTooSmall);
    assert_eq!(
        len,
        last_error().len(),
        "retry with a bigger buffer gets the same message"
    );
    assert!(last_error().contains("UTF-8"));
}

#[test]
fn one_classifier_serves_many_threads() {
    let handle = Handle::embedded();
    let address = handle.0 as usize;

    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let handle = std::mem::ManuallyDrop::new(Handle(address as *mut IntentClassifier));
                (0..50).all(|_| classify(&handle, b"Who was Napoleon?").0 == ResultCode::Ok)
            })
        })
        .collect();

    for thread in threads {
        assert!(thread.join().unwrap());
    }
}
