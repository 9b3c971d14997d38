//! The C ABI (`include/candle_binding.h`). This module tree is the only place
//! that touches raw pointers or uses `unsafe`.
//!
//! Contract shared by every `cb_*` function:
//!
//! - The return value is a [`ResultCode`]; `CB_RESULT_OK` (0) means every
//!   out-parameter was written. On any other code the calling thread's last
//!   error message says what failed (see `cb_last_error_message`).
//! - Text is a pointer and a byte length; it need not be NUL-terminated, must
//!   be UTF-8, and is only read during the call. A null pointer is
//!   `CB_RESULT_NULL_POINTER` even when the length is 0.
//! - Out-parameters are caller-owned and must not be null. Strings copied
//!   into caller buffers are NUL-terminated; `*len_out` receives the string's
//!   length without the NUL, so a buffer needs `*len_out + 1` bytes.
//! - No panic unwinds into the caller: each entry point catches it and
//!   returns `CB_RESULT_PANIC`.
//! - Objects returned through `*_out` pointers are owned by the caller and
//!   released with the free function their doc comment names.

mod classifier;
mod last_error;

pub use classifier::*;
pub use last_error::cb_last_error_message;

use std::ffi::c_char;
use std::panic::{self, AssertUnwindSafe};

use crate::error::{Error, Result, ResultCode};

/// run wraps the body of every entry point: it clears the thread's last
/// error, catches panics, and turns a failure into a code plus a message
/// prefixed with the function's name.
fn run(function: &str, body: impl FnOnce() -> Result<()>) -> ResultCode {
    last_error::clear();

    // AssertUnwindSafe: after a panic nothing the body touched is used again;
    // classifiers are immutable, and out-parameters are documented as
    // unspecified unless the call returns CB_RESULT_OK.
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => ResultCode::Ok,
        Ok(Err(error)) => {
            last_error::set(format!("{function}: {}", error.message()));
            error.code()
        }
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_string());
            last_error::set(format!("{function}: internal panic: {detail}"));
            ResultCode::Panic
        }
    }
}

fn null_pointer(name: &str) -> Error {
    Error::new(
        ResultCode::NullPointer,
        format!("argument `{name}` is null"),
    )
}

/// text borrows a pointer and byte length as UTF-8.
///
/// # Safety
/// If `data` is not null it must point to `len` initialised bytes that stay
/// valid and unmodified for `'a`.
unsafe fn text<'a>(data: *const u8, len: usize, name: &str) -> Result<&'a str> {
    if data.is_null() {
        return Err(null_pointer(name));
    }
    // SAFETY: `data` is non-null and the caller guarantees `len` readable
    // bytes for 'a.
    let bytes = unsafe { std::slice::from_raw_parts(data, len) };
    std::str::from_utf8(bytes).map_err(|error| {
        Error::new(
            ResultCode::InvalidUtf8,
            format!("argument `{name}` is not valid UTF-8: {error}"),
        )
    })
}

/// reference borrows an object created by this library.
///
/// # Safety
/// If `pointer` is not null it must come from this library's `*_new`/`*_load`
/// function and not have been freed, for all of `'a`.
unsafe fn reference<'a, T>(pointer: *const T, name: &str) -> Result<&'a T> {
    // SAFETY: the caller guarantees a live, properly aligned object or null;
    // `as_ref` maps null to None.
    unsafe { pointer.as_ref() }.ok_or_else(|| null_pointer(name))
}

/// writable checks that an out-parameter is not null.
fn writable<T>(pointer: *mut T, name: &str) -> Result<*mut T> {
    if pointer.is_null() {
        Err(null_pointer(name))
    } else {
        Ok(pointer)
    }
}

/// write stores `value` through a checked out-parameter.
///
/// # Safety
/// `pointer` must be valid for a write of `T` and properly aligned.
unsafe fn write<T>(pointer: *mut T, value: T) {
    // SAFETY: guaranteed by the caller; `T` here is always `Copy` or a raw
    // pointer, so overwriting without dropping the old value leaks nothing.
    unsafe { pointer.write(value) }
}

/// copy_string copies `value` plus a NUL into a caller buffer of `buf_len`
/// bytes and stores the string length (without the NUL) in `*len_out`.
/// `buf` may be null only when `buf_len` is 0, to ask for the length.
///
/// # Safety
/// If `buf` is not null it must be valid for `buf_len` byte writes;
/// `len_out` must be valid for a write of `usize`.
unsafe fn copy_string(
    value: &str,
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> Result<()> {
    let len_out = writable(len_out, "len_out")?;
    if buf.is_null() && buf_len != 0 {
        return Err(null_pointer("buf"));
    }

    // SAFETY: `len_out` is non-null and the caller guarantees it is writable.
    unsafe { write(len_out, value.len()) };
    if buf_len <= value.len() {
        return Err(Error::new(
            ResultCode::BufferTooSmall,
            format!(
                "buffer of {buf_len} bytes cannot hold {} bytes plus a NUL",
                value.len()
            ),
        ));
    }

    // SAFETY: `buf` is non-null (buf_len > 0) and valid for `buf_len` bytes,
    // which exceeds `value.len()`, so the copy and the NUL both fit; a Rust
    // string never overlaps caller memory.
    unsafe {
        std::ptr::copy_nonoverlapping(value.as_ptr(), buf.cast::<u8>(), value.len());
        buf.add(value.len()).write(0);
    }
    Ok(())
}
