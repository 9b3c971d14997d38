//! Helpers shared by the FFI tests: they call the C ABI the way the Go wrapper does, with
//! raw pointers, pointer + length strings, result codes, and the thread's last error
//! message read into a caller-owned buffer.

// Each test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use std::ffi::{c_char, CStr};
use std::ptr;

use ml_binding::ffi::*;
use ml_binding::MlbResult;

pub const DIMENSION: u32 = 3;

/// Owns a selector for one test and frees it on drop, like the Go wrapper's Close.
pub struct Handle(pub *mut MlbSelector);

impl Handle {
    pub fn new() -> Self {
        let mut selector = ptr::null_mut();
        // SAFETY: the out-param is a valid local.
        let result = unsafe { mlb_selector_new(DIMENSION, &mut selector) };
        assert_eq!(result, MlbResult::Ok, "{}", last_message());
        Handle(selector)
    }

    pub fn add(&self, embedding: &[f32], model: &str) -> MlbResult {
        // SAFETY: the selector is live and both buffers outlive the call.
        unsafe {
            mlb_selector_add(
                self.0,
                embedding.as_ptr(),
                embedding.len(),
                model.as_ptr(),
                model.len(),
                1.0,
            )
        }
    }

    pub fn select(
        &self,
        query: &[f32],
        k: u32,
        candidates: &[&str],
    ) -> (MlbResult, Option<String>) {
        let entries: Vec<MlbStr> = candidates
            .iter()
            .map(|name| mlb_str(name.as_bytes()))
            .collect();
        let mut selection = garbage_selection();

        // SAFETY: every pointer refers to a live local for the duration of the call.
        let result = unsafe {
            mlb_selector_select(
                self.0,
                query.as_ptr(),
                query.len(),
                k,
                entries.as_ptr(),
                entries.len(),
                &mut selection,
            )
        };

        (result, take_model(&mut selection))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the selector came from mlb_selector_new and is freed once.
        unsafe { mlb_selector_free(self.0) };
    }
}

pub fn mlb_str(bytes: &[u8]) -> MlbStr {
    MlbStr {
        ptr: bytes.as_ptr(),
        len: bytes.len(),
    }
}

/// A selection filled with junk, to prove that the library always overwrites it.
pub fn garbage_selection() -> MlbSelection {
    MlbSelection {
        model: std::ptr::NonNull::<c_char>::dangling().as_ptr(),
        model_len: 99,
        score: -1.0,
        neighbours: 99,
    }
}

/// Copies the chosen model's name and frees it with mlb_string_free, as Go does.
pub fn take_model(selection: &mut MlbSelection) -> Option<String> {
    if selection.model.is_null() {
        return None;
    }
    // SAFETY: a non-null model is a NUL-terminated string from mlb_selector_select.
    let name = unsafe { CStr::from_ptr(selection.model) }
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        name.len(),
        selection.model_len,
        "model_len matches the string"
    );
    // SAFETY: the string is freed once, then forgotten.
    unsafe { mlb_string_free(selection.model) };
    selection.model = ptr::null_mut();
    Some(name)
}

pub fn last_message() -> String {
    let mut buffer = [0 as c_char; 512];
    let mut written = usize::MAX;
    // SAFETY: the buffer and out-param are valid locals of the stated size.
    let result = unsafe { mlb_last_error_message(buffer.as_mut_ptr(), buffer.len(), &mut written) };
    assert_eq!(result, MlbResult::Ok, "the message fits in 512 bytes");
    // SAFETY: the library NUL-terminated the buffer.
    let message = unsafe { CStr::from_ptr(buffer.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(message.len(), written, "written_out matches the message");
    message
}

pub fn table() -> Handle {
    let handle = Handle::new();
    for (embedding, model) in [
        ([1.0, 0.0, 0.0], "code"),
        ([0.0, 1.0, 0.0], "chat"),
        ([0.0, 0.0, 1.0], "math"),
    ] {
        assert_eq!(
            handle.add(&embedding, model),
            MlbResult::Ok,
            "{}",
            last_message()
        );
    }
    handle
}
