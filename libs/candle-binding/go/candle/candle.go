// Package candle classifies text into intent categories and compares texts
// by embedding similarity, through the C ABI of libs/candle-binding.
//
// Build and run with the Rust library's directory on the linker and loader
// paths, for example:
//
//	cargo build --release --manifest-path libs/candle-binding/Cargo.toml
//	export CGO_LDFLAGS=-L$PWD/libs/candle-binding/target/release
//	export LD_LIBRARY_PATH=$PWD/libs/candle-binding/target/release
//	go test ./libs/candle-binding/go/...
package candle

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -lcandle_binding -lm -ldl -lpthread
#include <stdlib.h>
#include "candle_binding.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Classification is the most likely category of a text.
type Classification struct {
	// Category is one of Classifier.Categories.
	Category string
	// Confidence is the model's probability for Category, in (0, 1].
	Confidence float32
}

// Classifier is a loaded intent-classification model.
//
// A Classifier is safe for concurrent use by multiple goroutines: the Rust
// object is immutable after construction (its type is Send + Sync, checked
// at compile time), so calls run in parallel under a shared read lock. Close
// takes the lock exclusively, so it waits for calls in flight; calls after
// Close return ErrClosed.
type Classifier struct {
	mu         sync.RWMutex
	ptr        *C.cb_classifier
	categories []string
	dim        int
	cleanup    runtime.Cleanup
}

// ErrClosed is returned by methods called after Close.
var ErrClosed = errors.New("candle: classifier is closed")

// Error is a failure reported by the Rust library.
type Error struct {
	// Code is the library's result code (CB_RESULT_* in candle_binding.h).
	Code uint32
	// Message is the library's message; it names the C function that failed.
	Message string
}

// Error returns the library's message, prefixed with the package name.
func (e *Error) Error() string {
	return "candle: " + e.Message
}

// NewClassifier returns a Classifier with the weights compiled into the
// library. Call Close to release it.
func NewClassifier() (*Classifier, error) {
	return newClassifier(func(out **C.cb_classifier) C.cb_result {
		return C.cb_classifier_new_embedded(out)
	})
}

// LoadClassifier returns a Classifier with the weights file at path, as
// written by the crate's train binary. Call Close to release it.
func LoadClassifier(path string) (*Classifier, error) {
	return newClassifier(func(out **C.cb_classifier) C.cb_result {
		data, size := textArg(path)
		return C.cb_classifier_load(data, size, out)
	})
}

func newClassifier(create func(**C.cb_classifier) C.cb_result) (*Classifier, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	var ptr *C.cb_classifier
	if err := check(create(&ptr)); err != nil {
		return nil, err
	}
	categories, dim, err := describe(ptr)
	if err != nil {
		C.cb_classifier_free(ptr)
		return nil, err
	}

	c := &Classifier{ptr: ptr, categories: categories, dim: dim}
	// Free the Rust object if the Classifier is dropped without Close.
	c.cleanup = runtime.AddCleanup(c, func(ptr *C.cb_classifier) {
		C.cb_classifier_free(ptr)
	}, ptr)
	return c, nil
}

// describe reads the category names and embedding dimension once, so that
// Classify, Categories and EmbeddingDim need no extra cgo calls.
func describe(ptr *C.cb_classifier) ([]string, int, error) {
	var count, dim C.size_t
	if err := check(C.cb_classifier_category_count(ptr, &count)); err != nil {
		return nil, 0, err
	}
	if err := check(C.cb_classifier_embedding_dim(ptr, &dim)); err != nil {
		return nil, 0, err
	}

	categories := make([]string, int(count))
	for i := range categories {
		name, err := readString(func(buf *C.char, size C.size_t, n *C.size_t) C.cb_result {
			return C.cb_classifier_category_name(ptr, C.size_t(i), buf, size, n)
		})
		if err != nil {
			return nil, 0, err
		}
		categories[i] = name
	}
	return categories, int(dim), nil
}

// Close releases the Rust object. It is idempotent and safe to call
// concurrently with other methods: it waits for calls in flight.
func (c *Classifier) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()

	if c.ptr == nil {
		return
	}
	c.cleanup.Stop()
	C.cb_classifier_free(c.ptr)
	c.ptr = nil
}

// Classify returns the most likely category of text.
func (c *Classifier) Classify(text string) (Classification, error) {
	var out C.cb_classification
	err := c.call(func(ptr *C.cb_classifier) C.cb_result {
		data, size := textArg(text)
		return C.cb_classifier_classify(ptr, data, size, &out)
	})
	if err != nil {
		return Classification{}, err
	}

	index := int(out.category_index)
	if index >= len(c.categories) {
		return Classification{}, fmt.Errorf("candle: classify returned category %d of %d", index, len(c.categories))
	}
	return Classification{Category: c.categories[index], Confidence: float32(out.confidence)}, nil
}

// Embed returns the L2-normalised embedding of text; its length is
// EmbeddingDim. Text without letters or digits embeds to all zeros.
func (c *Classifier) Embed(text string) ([]float32, error) {
	embedding := make([]float32, c.dim)
	var dim C.size_t
	err := c.call(func(ptr *C.cb_classifier) C.cb_result {
		data, size := textArg(text)
		return C.cb_classifier_embed(ptr, data, size,
			(*C.float)(unsafe.Pointer(unsafe.SliceData(embedding))), C.size_t(len(embedding)), &dim)
	})
	if err != nil {
		return nil, err
	}
	return embedding[:int(dim)], nil
}

// EmbeddingDim is the length of the vectors returned by Embed.
func (c *Classifier) EmbeddingDim() int {
	return c.dim
}

// Similarity returns the cosine similarity of the embeddings of a and b, in
// [0, 1]; 0 when either text has no letters or digits.
func (c *Classifier) Similarity(a, b string) (float32, error) {
	var out C.float
	err := c.call(func(ptr *C.cb_classifier) C.cb_result {
		aData, aSize := textArg(a)
		bData, bSize := textArg(b)
		return C.cb_classifier_similarity(ptr, aData, aSize, bData, bSize, &out)
	})
	return float32(out), err
}

// Categories returns the category names in the model's index order.
func (c *Classifier) Categories() []string {
	return append([]string(nil), c.categories...)
}

// call runs one C function under the read lock, on a locked OS thread so
// that the thread-local error message is read from the thread that set it.
func (c *Classifier) call(fn func(*C.cb_classifier) C.cb_result) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return ErrClosed
	}

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(fn(c.ptr))
}

// emptyText gives empty Go strings a non-null address: the C ABI rejects a
// null text pointer even with length 0.
var emptyText byte

// textArg passes a Go string's bytes to C without copying. The C side reads
// them only during the call and never keeps the pointer, which the cgo
// pointer rules allow for memory that holds no Go pointers.
func textArg(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return (*C.uint8_t)(unsafe.Pointer(&emptyText)), 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// check turns a result code into an *Error with the thread's last message.
// The caller must hold the OS thread locked since the failing call.
func check(code C.cb_result) error {
	if code == C.CB_RESULT_OK {
		return nil
	}
	message, err := readString(func(buf *C.char, size C.size_t, n *C.size_t) C.cb_result {
		return C.cb_last_error_message(buf, size, n)
	})
	if err != nil {
		message = fmt.Sprintf("error code %d (message unavailable: %v)", uint32(code), err)
	}
	return &Error{Code: uint32(code), Message: message}
}

// readString calls a C function that copies a string into a caller buffer,
// growing the buffer once if the first attempt is too small.
func readString(fill func(*C.char, C.size_t, *C.size_t) C.cb_result) (string, error) {
	buf := make([]byte, 128)
	for attempt := 0; attempt < 2; attempt++ {
		var n C.size_t
		code := fill((*C.char)(unsafe.Pointer(unsafe.SliceData(buf))), C.size_t(len(buf)), &n)
		switch code {
		case C.CB_RESULT_OK:
			return string(buf[:int(n)]), nil
		case C.CB_RESULT_BUFFER_TOO_SMALL:
			buf = make([]byte, int(n)+1)
		default:
			return "", fmt.Errorf("copying string: result code %d", uint32(code))
		}
	}
	return "", errors.New("copying string: buffer still too small after resize")
}
