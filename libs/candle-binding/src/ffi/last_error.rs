//! The calling thread's last error message.
//!
//! The message is thread-local, so a caller must read it on the thread that
//! made the failing call before making another `cb_*` call there. Go callers
//! pin the goroutine with `runtime.LockOSThread` for the pair of calls.

use std::cell::RefCell;
use std::ffi::c_char;

use super::{copy_string, run};
use crate::error::ResultCode;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// clear forgets the message; every entry point but `cb_last_error_message`
/// calls it first, so a message always belongs to the latest call.
pub(super) fn clear() {
    // try_with: during thread teardown the slot may be gone; nothing to clear.
    let _ = LAST_ERROR.try_with(|slot| slot.borrow_mut().clear());
}

pub(super) fn set(message: String) {
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = message);
}

/// cb_last_error_message copies the message of the calling thread's latest
/// failed `cb_*` call into the caller-owned `buf` (NUL-terminated) and stores
/// its length without the NUL in `*len_out`. The message is empty after a
/// successful call. Reading does not clear it: it stays until the thread's
/// next other `cb_*` call, so after `CB_RESULT_BUFFER_TOO_SMALL` the caller
/// can retry with a buffer of `*len_out + 1` bytes. Pass `buf = NULL,
/// buf_len = 0` to ask for the length only.
///
/// # Safety
/// `buf` must be null or valid for `buf_len` byte writes; `len_out` must be
/// null or valid for a write of `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cb_last_error_message(
    buf: *mut c_char,
    buf_len: usize,
    len_out: *mut usize,
) -> ResultCode {
    let message = LAST_ERROR
        .try_with(|slot| slot.borrow().clone())
        .unwrap_or_default();

    // `run` clears the message it is reading; put it back so that reading
    // is repeatable, e.g. after CB_RESULT_BUFFER_TOO_SMALL.
    let code = run("cb_last_error_message", || {
        // SAFETY: forwarded from this function's contract.
        unsafe { copy_string(&message, buf, buf_len, len_out) }
    });
    set(message);
    code
}
