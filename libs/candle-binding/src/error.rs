//! Error values shared by the model, the trainer and the C ABI.

use std::fmt;

/// ResultCode is the outcome of every `cb_*` function. The numbers are part of
/// the ABI: they never change meaning and new codes only ever get new numbers.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultCode {
    /// The call succeeded and every out-parameter was written.
    Ok = 0,
    /// A required pointer argument was null.
    NullPointer = 1,
    /// A text argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// A caller-owned buffer was too small; the length out-parameter holds the
    /// length that is needed.
    BufferTooSmall = 3,
    /// An argument was out of range (for example a category index).
    InvalidArgument = 4,
    /// A file could not be read.
    Io = 5,
    /// A weights file was not a valid intent-classifier safetensors file.
    InvalidModel = 6,
    /// A tensor operation failed while embedding or classifying.
    Inference = 7,
    /// The library panicked; the panic was caught at the boundary.
    Panic = 8,
}

/// Error is a result code with a message that names the operation, the object
/// and, where there is one, the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ResultCode,
    message: String,
}

/// Result is the crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Error::new makes an error with `code` and a human-readable `message`.
    pub fn new(code: ResultCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Error::code is the C ABI result code for this error.
    pub fn code(&self) -> ResultCode {
        self.code
    }

    /// Error::message is the text returned by `cb_last_error_message`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Error::inference wraps a candle error raised while running `operation`.
    pub(crate) fn inference(operation: &str, source: candle_core::Error) -> Self {
        Self::new(ResultCode::Inference, format!("{operation}: {source}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
