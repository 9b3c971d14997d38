package mlbinding

/*
#include "ml_binding.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"
)

// ErrNoMatch is returned, wrapped, by Selector.Select when no row of the table belongs to
// any of the candidate models; the caller should fall back to its default model.
var ErrNoMatch = errors.New("mlbinding: no row of the table belongs to the candidate models")

// errClosed is returned by the methods of a Selector after Close.
var errClosed = errors.New("mlbinding: the selector is closed (create a new one with NewSelector)")

// callError is a failed C call: its result code and the library's message, which already
// names the C function and the operation.
type callError struct {
	code    C.mlb_result
	message string
}

func (e *callError) Error() string {
	return fmt.Sprintf("mlbinding: %s (result code %d)", e.message, uint32(e.code))
}

// Is makes errors.Is(err, ErrNoMatch) true for the library's no-match result.
func (e *callError) Is(target error) bool {
	return target == ErrNoMatch && e.code == C.MLB_RESULT_NO_MATCH
}

// call runs one C function and turns a failed result into a callError.
//
// The library keeps its last error message per OS thread, and a goroutine may move to
// another thread between two cgo calls, so the thread is locked from the call until the
// message has been read.
func call(function string, run func() C.mlb_result) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	code := run()
	if code == C.MLB_RESULT_OK {
		return nil
	}
	return &callError{code: code, message: lastErrorMessage(function)}
}

// lastErrorMessage reads the calling thread's message; a cut message is still useful, so
// MLB_RESULT_BUFFER_TOO_SMALL is accepted.
func lastErrorMessage(function string) string {
	var buffer [1024]C.char
	var written C.size_t

	code := C.mlb_last_error_message(&buffer[0], C.size_t(len(buffer)), &written)
	if code != C.MLB_RESULT_OK && code != C.MLB_RESULT_BUFFER_TOO_SMALL {
		return fmt.Sprintf("%s failed and its message could not be read (result code %d)", function, uint32(code))
	}
	if written == 0 {
		return function + " failed without a message"
	}
	return C.GoStringN(&buffer[0], C.int(written))
}

// cBytes points C at a Go string's bytes without copying; the C side reads them only
// during the call and never keeps them.
func cBytes(text string) (*C.uint8_t, C.size_t) {
	if text == "" {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(text))), C.size_t(len(text))
}

// cFloats points C at a Go slice of float32 without copying, for the duration of a call.
func cFloats(values []float32) (*C.float, C.size_t) {
	if len(values) == 0 {
		return nil, 0
	}
	return (*C.float)(unsafe.Pointer(&values[0])), C.size_t(len(values))
}
