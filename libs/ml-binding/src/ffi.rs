//! ffi is the C ABI of ml-binding, and the only module with `unsafe` code.
//!
//! Conventions every function follows:
//!
//! - It returns an [`MlbResult`]; when that is not `MLB_RESULT_OK`, the calling thread's
//!   message is available from [`mlb_last_error_message`] until the thread's next `mlb_`
//!   call. Callers whose threads can change between two calls (Go) must pin the thread.
//! - No panic crosses the boundary: each body runs inside `catch_unwind` and a panic
//!   becomes `MLB_RESULT_PANIC`.
//! - Inputs come as pointer + length pairs. A null pointer with a length of zero is an empty
//!   input; a null pointer with a non-zero length is `MLB_RESULT_NULL_ARGUMENT`. Strings
//!   must be UTF-8 and need no NUL terminator.
//! - Every allocation handed to the caller names its free function, and free functions
//!   accept null.
//! - A selector may be read (`mlb_selector_len`, `mlb_selector_select`) from many threads
//!   at once, but `mlb_selector_add` and `mlb_selector_free` need exclusive access.

use std::ffi::{c_char, CString};
use std::panic::{self, AssertUnwindSafe};
use std::ptr;

use crate::error::{clear_last_error, last_error, set_last_error, Error, MlbResult};
use crate::knn::{Selection, Selector};

/// MlbSelector is an opaque selector owned by the caller from `mlb_selector_new` until
/// `mlb_selector_free`.
pub struct MlbSelector {
    selector: Selector,
}

/// MlbStr is a borrowed UTF-8 string: `len` bytes at `ptr`, no terminator needed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct MlbStr {
    pub ptr: *const u8,
    pub len: usize,
}

/// MlbSelection is the result of `mlb_selector_select`.
///
/// `model` is a NUL-terminated copy of the chosen model's name, owned by the caller: free
/// it with `mlb_string_free`. `model_len` is its length in bytes without the NUL.
#[repr(C)]
pub struct MlbSelection {
    pub model: *mut c_char,
    pub model_len: usize,
    pub score: f32,
    pub neighbours: usize,
}

/// mlb_selector_new creates an empty selector for embeddings of `dimension` values and
/// stores it in `*selector_out`; the caller owns it and frees it with `mlb_selector_free`.
///
/// # Safety
/// `selector_out` must be null or point to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn mlb_selector_new(
    dimension: u32,
    selector_out: *mut *mut MlbSelector,
) -> MlbResult {
    guard("mlb_selector_new", || {
        check_out(selector_out, "selector_out")?;
        let selector = Selector::new(dimension as usize)?;

        let boxed = Box::into_raw(Box::new(MlbSelector { selector }));
        // SAFETY: selector_out is non-null (checked above) and the caller guarantees it
        // points to writable storage for one pointer.
        unsafe { selector_out.write(boxed) };
        Ok(())
    })
}

/// mlb_selector_free destroys a selector from `mlb_selector_new`; null is ignored.
///
/// # Safety
/// `selector` must be null or a live selector from `mlb_selector_new`, not in use by any
/// other call, and it must not be used again.
#[no_mangle]
pub unsafe extern "C" fn mlb_selector_free(selector: *mut MlbSelector) {
    guard_void(|| {
        if !selector.is_null() {
            // SAFETY: a non-null selector came from Box::into_raw in mlb_selector_new and
            // the caller guarantees it is freed once and no other call is using it.
            drop(unsafe { Box::from_raw(selector) });
        }
    });
}

/// mlb_selector_add appends a row: the request embedded as `embedding` (`embedding_len`
/// values) was best served by the model named by `model` (`model_len` UTF-8 bytes), with
/// the quality weight `quality` (finite, >= 0; pass 1 when unknown). Nothing is retained
/// from the caller's buffers.
///
/// # Safety
/// `selector` must be null or live and not in use by any other call; `embedding` and
/// `model` must be null or point to `embedding_len` floats and `model_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn mlb_selector_add(
    selector: *mut MlbSelector,
    embedding: *const f32,
    embedding_len: usize,
    model: *const u8,
    model_len: usize,
    quality: f32,
) -> MlbResult {
    guard("mlb_selector_add", || {
        // SAFETY: the caller guarantees a non-null selector is live and not used by any
        // other call while this one runs.
        let selector = unsafe { selector.as_mut() }.ok_or_else(|| null_error("selector"))?;
        // SAFETY: the caller guarantees embedding points to embedding_len aligned floats.
        let embedding = unsafe { borrow_slice(embedding, embedding_len, "embedding") }?;
        // SAFETY: the caller guarantees model points to model_len readable bytes.
        let model = unsafe { borrow_str(model, model_len, "model") }?;

        selector.selector.add(embedding, model, quality)
    })
}

/// mlb_selector_len stores the number of rows in the selector in `*len_out`.
///
/// # Safety
/// `selector` must be null or live; `len_out` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn mlb_selector_len(
    selector: *const MlbSelector,
    len_out: *mut usize,
) -> MlbResult {
    guard("mlb_selector_len", || {
        check_out(len_out, "len_out")?;
        // SAFETY: the caller guarantees a non-null selector is live; reading it concurrently
        // with other readers is fine.
        let selector = unsafe { selector.as_ref() }.ok_or_else(|| null_error("selector"))?;

        // SAFETY: len_out is non-null (checked above) and writable per the caller.
        unsafe { len_out.write(selector.selector.len()) };
        Ok(())
    })
}

/// mlb_selector_select chooses the model for `query` (`query_len` values) from its `k`
/// nearest rows, among the `candidate_count` names in `candidates` (all models when the
/// count is 0).
///
/// On `MLB_RESULT_OK`, `*selection_out` holds the choice and the caller owns
/// `selection_out->model` (free it with `mlb_string_free`). `MLB_RESULT_NO_MATCH` means no
/// row belongs to any candidate: use the default model. On any result other than OK,
/// `*selection_out` is zeroed, so freeing its model is always safe.
///
/// # Safety
/// `selector` must be null or live and not being changed by `mlb_selector_add`; `query`,
/// `candidates` and each candidate's `ptr` must be null or point to as many values as their
/// lengths say; `selection_out` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn mlb_selector_select(
    selector: *const MlbSelector,
    query: *const f32,
    query_len: usize,
    k: u32,
    candidates: *const MlbStr,
    candidate_count: usize,
    selection_out: *mut MlbSelection,
) -> MlbResult {
    guard("mlb_selector_select", || {
        check_out(selection_out, "selection_out")?;
        // SAFETY: selection_out is non-null and the caller guarantees it is writable. It is
        // zeroed first so that every error path leaves it in a freeable state.
        unsafe { selection_out.write(empty_selection()) };
        // SAFETY: the caller guarantees a non-null selector is live; selecting only reads.
        let selector = unsafe { selector.as_ref() }.ok_or_else(|| null_error("selector"))?;
        // SAFETY: the caller guarantees query points to query_len aligned floats.
        let query = unsafe { borrow_slice(query, query_len, "query") }?;
        // SAFETY: the caller guarantees candidates points to candidate_count entries.
        let entries = unsafe { borrow_slice(candidates, candidate_count, "candidates") }?;
        let names = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                // SAFETY: the caller guarantees each entry points to len readable bytes.
                unsafe { borrow_str(entry.ptr, entry.len, &format!("candidates[{index}]")) }
            })
            .collect::<Result<Vec<&str>, Error>>()?;

        let selection = selector.selector.select(query, k as usize, &names)?;

        let selection = owned_selection(selection)?;
        // SAFETY: selection_out was checked and written above.
        unsafe { selection_out.write(selection) };
        Ok(())
    })
}

/// mlb_string_free frees a string that ml-binding handed to the caller (such as
/// `mlb_selection.model`); null is ignored.
///
/// # Safety
/// `string` must be null or a string from ml-binding that was not freed before.
#[no_mangle]
pub unsafe extern "C" fn mlb_string_free(string: *mut c_char) {
    guard_void(|| {
        if !string.is_null() {
            // SAFETY: non-null strings given to callers come from CString::into_raw, contain
            // no interior NUL (model names are checked) and are freed once per the contract.
            drop(unsafe { CString::from_raw(string) });
        }
    });
}

/// mlb_last_error_message copies the calling thread's last error message into the
/// caller-owned `buffer` of `buffer_len` bytes, NUL-terminated, and stores the number of
/// bytes copied (without the NUL) in `*written_out`. With no error, it writes an empty
/// string. A message that does not fit is cut at a UTF-8 boundary and the result is
/// `MLB_RESULT_BUFFER_TOO_SMALL`. This call does not clear the message.
///
/// # Safety
/// `buffer` must be null or point to `buffer_len` writable bytes; `written_out` must be
/// null or writable.
#[no_mangle]
pub unsafe extern "C" fn mlb_last_error_message(
    buffer: *mut c_char,
    buffer_len: usize,
    written_out: *mut usize,
) -> MlbResult {
    let outcome = panic::catch_unwind(|| {
        if written_out.is_null() || (buffer.is_null() && buffer_len > 0) {
            return MlbResult::NullArgument;
        }
        let message = last_error().unwrap_or_default();
        let mut fits = message.len().min(buffer_len.saturating_sub(1));
        while !message.is_char_boundary(fits) {
            fits -= 1;
        }

        if buffer_len > 0 {
            // SAFETY: buffer is non-null (checked above) and the caller guarantees
            // buffer_len writable bytes; fits + 1 <= buffer_len, and a Rust String never
            // overlaps caller memory.
            unsafe {
                ptr::copy_nonoverlapping(message.as_ptr(), buffer.cast::<u8>(), fits);
                buffer.add(fits).write(0);
            }
        }
        // SAFETY: written_out is non-null (checked above) and writable per the caller.
        unsafe { written_out.write(fits) };
        if fits < message.len() {
            MlbResult::BufferTooSmall
        } else {
            MlbResult::Ok
        }
    });
    outcome.unwrap_or(MlbResult::Panic)
}

/// guard runs an entry point's body: it clears the thread's last error, catches panics and
/// turns errors into a result code plus a message prefixed with the function's name.
fn guard(function: &str, body: impl FnOnce() -> Result<(), Error>) -> MlbResult {
    clear_last_error();
    // AssertUnwindSafe: a panic can at worst leave a model name registered without rows in
    // a selector, which changes no selection; callers see MLB_RESULT_PANIC either way.
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => MlbResult::Ok,
        Ok(Err(error)) => {
            set_last_error(format!("{function}: {}", error.message));
            error.code
        }
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-string panic payload".to_owned());
            set_last_error(format!(
                "{function}: panicked: {reason} (a bug in ml-binding; please report it)"
            ));
            MlbResult::Panic
        }
    }
}

/// guard_void is `guard` for functions with no result, such as the free functions.
fn guard_void(body: impl FnOnce()) {
    clear_last_error();
    // A panic while dropping cannot be reported to a void function; swallowing it keeps the
    // caller alive, and the default panic hook has already written it to stderr.
    let _ = panic::catch_unwind(AssertUnwindSafe(body));
}

fn null_error(argument: &str) -> Error {
    Error::new(MlbResult::NullArgument, format!("{argument} is null"))
}

fn check_out<T>(out: *mut T, argument: &str) -> Result<(), Error> {
    if out.is_null() {
        return Err(null_error(argument));
    }
    Ok(())
}

/// borrow_slice views `len` values at `ptr` as a slice; (null, 0) is an empty slice.
///
/// # Safety
/// A non-null `ptr` must point to `len` initialised, aligned values that stay valid and
/// unmodified for the returned lifetime.
unsafe fn borrow_slice<'a, T>(ptr: *const T, len: usize, argument: &str) -> Result<&'a [T], Error> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::new(
            MlbResult::NullArgument,
            format!("{argument} is null but its length is {len}"),
        ));
    }
    // SAFETY: ptr is non-null and the caller upholds this function's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// borrow_str views `len` bytes at `ptr` as UTF-8 text.
///
/// # Safety
/// As for [`borrow_slice`].
unsafe fn borrow_str<'a>(ptr: *const u8, len: usize, argument: &str) -> Result<&'a str, Error> {
    // SAFETY: forwarded from this function's own contract.
    let bytes = unsafe { borrow_slice(ptr, len, argument) }?;
    std::str::from_utf8(bytes).map_err(|error| {
        Error::new(
            MlbResult::InvalidUtf8,
            format!("{argument} is not valid UTF-8: {error}"),
        )
    })
}

fn empty_selection() -> MlbSelection {
    MlbSelection {
        model: ptr::null_mut(),
        model_len: 0,
        score: 0.0,
        neighbours: 0,
    }
}

fn owned_selection(selection: Selection) -> Result<MlbSelection, Error> {
    let model_len = selection.model.len();
    let model = CString::new(selection.model).map_err(|_| {
        Error::new(
            MlbResult::InvalidModelName,
            "the chosen model name contains a NUL byte",
        )
    })?;
    Ok(MlbSelection {
        model: model.into_raw(),
        model_len,
        score: selection.score,
        neighbours: selection.neighbours,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_a_result_code_and_a_message() {
        let result = guard("mlb_test", || panic!("boom"));

        assert_eq!(result, MlbResult::Panic);
        let message = last_error().unwrap_or_default();
        assert!(
            message.starts_with("mlb_test: panicked: boom"),
            "got {message:?}"
        );
    }
}
