//! Result codes and error messages shared by the algorithm and the C ABI.
//!
//! Every C entry point returns an [`MlbResult`]. When it is not `Ok`, the reason is kept as
//! the calling thread's last error message until that thread's next `mlb_` call.

use std::cell::RefCell;
use std::fmt;

/// MlbResult is the outcome of every `mlb_` function.
///
/// The numbers are part of the ABI: never renumber a variant, only append new ones.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MlbResult {
    /// The call succeeded.
    Ok = 0,
    /// A required pointer was null, or a pointer + length pair had a null pointer and a
    /// non-zero length.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// The selector was created with a dimension of zero.
    InvalidDimension = 3,
    /// An embedding or query does not have the selector's dimension.
    DimensionMismatch = 4,
    /// An embedding or query contains NaN or an infinity.
    NonFiniteValue = 5,
    /// An embedding or query is all zeros, so it has no direction to compare.
    ZeroVector = 6,
    /// A quality weight is negative, NaN or infinite.
    InvalidQuality = 7,
    /// A model name is empty or contains a NUL byte.
    InvalidModelName = 8,
    /// k was zero.
    InvalidK = 9,
    /// No row of the table belongs to any of the candidate models; the caller should fall
    /// back to its default model.
    NoMatch = 10,
    /// The caller's buffer was too small; the message was truncated to fit.
    BufferTooSmall = 11,
    /// A panic was caught at the C boundary; this is a bug in ml-binding.
    Panic = 99,
}

/// Error pairs a result code with a message that names the operation, the offending value
/// and, where there is one, the fix.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub code: MlbResult,
    pub message: String,
}

impl Error {
    /// Error::new builds an error from a code and a message.
    pub fn new(code: MlbResult, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:?})", self.message, self.code)
    }
}

impl std::error::Error for Error {}

thread_local! {
    // Thread-local because the C ABI has no context object for errors; callers that may
    // switch OS threads between calls (Go goroutines) must pin the thread for the pair of
    // calls.
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// set_last_error records the message for the calling thread.
pub fn set_last_error(message: String) {
    LAST_ERROR.with(|last| *last.borrow_mut() = Some(message));
}

/// clear_last_error forgets the calling thread's message; every entry point calls it first
/// so that a message always belongs to the thread's most recent call.
pub fn clear_last_error() {
    LAST_ERROR.with(|last| *last.borrow_mut() = None);
}

/// last_error returns a copy of the calling thread's message, if any.
pub fn last_error() -> Option<String> {
    LAST_ERROR.with(|last| last.borrow().clone())
}
