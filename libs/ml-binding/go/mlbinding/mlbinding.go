// Package mlbinding chooses which LLM should serve a request from the request's embedding,
// by k-nearest neighbours over a table of past requests, through the ml-binding Rust
// library (libml_binding).
//
// Building needs the library's directory in CGO_LDFLAGS (-L<dir>) and, for the shared
// library, the same directory in LD_LIBRARY_PATH at run time.
package mlbinding

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -lml_binding -lm -ldl -lpthread
#include "ml_binding.h"
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Selection is the model chosen for one query.
type Selection struct {
	// Model is the chosen model's name, as given to Add.
	Model string
	// Score is the sum of similarity × quality over the chosen model's neighbours.
	Score float32
	// Neighbours is how many neighbours voted (at most k), whichever model they chose.
	Neighbours int
}

// Selector owns a table of labelled embeddings held by the Rust library.
//
// Select may be called from many goroutines at once; Add and Close take exclusive access
// and wait for running calls. Call Close to free the table.
type Selector struct {
	mu     sync.RWMutex
	handle *C.mlb_selector
}

// NewSelector creates an empty table for embeddings of dim values; the caller owns it and
// must Close it.
func NewSelector(dim int) (*Selector, error) {
	if dim < 0 || uint64(dim) > math.MaxUint32 {
		return nil, fmt.Errorf("mlbinding: creating a selector: dimension %d is out of range (use the embedding size, e.g. 512)", dim)
	}

	var handle *C.mlb_selector
	err := call("mlb_selector_new", func() C.mlb_result {
		return C.mlb_selector_new(C.uint32_t(dim), &handle)
	})
	if err != nil {
		return nil, err
	}
	return &Selector{handle: handle}, nil
}

// Add appends a row: the request embedded as embedding was best served by model, weighted
// by quality (>= 0; pass 1 when there is no score). The library copies both.
func (s *Selector) Add(embedding []float32, model string, quality float32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handle == nil {
		return errClosed
	}

	values, valuesLen := cFloats(embedding)
	name, nameLen := cBytes(model)
	return call("mlb_selector_add", func() C.mlb_result {
		return C.mlb_selector_add(s.handle, values, valuesLen, name, nameLen, C.float(quality))
	})
}

// Len returns the number of rows in the table, or 0 once the selector is closed.
func (s *Selector) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.handle == nil {
		return 0
	}

	var rows C.size_t
	if err := call("mlb_selector_len", func() C.mlb_result {
		return C.mlb_selector_len(s.handle, &rows)
	}); err != nil {
		return 0
	}
	return int(rows)
}

// Select chooses the model for query from its k nearest rows, among candidates (every
// model when empty). Equal scores go to the earlier candidate. When no row belongs to a
// candidate the error wraps ErrNoMatch.
func (s *Selector) Select(query []float32, k int, candidates []string) (Selection, error) {
	if k < 0 {
		return Selection{}, fmt.Errorf("mlbinding: selecting a model: k is %d (use at least 1 neighbour)", k)
	}
	// More neighbours than rows means all rows, so a huge k loses nothing when capped.
	neighbours := C.uint32_t(math.MaxUint32)
	if uint64(k) < math.MaxUint32 {
		neighbours = C.uint32_t(k)
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.handle == nil {
		return Selection{}, errClosed
	}

	var pinner runtime.Pinner
	defer pinner.Unpin()
	names := candidateStrings(candidates, &pinner)
	var namesPtr *C.mlb_str
	if len(names) > 0 {
		namesPtr = &names[0]
	}
	values, valuesLen := cFloats(query)
	var chosen C.mlb_selection
	err := call("mlb_selector_select", func() C.mlb_result {
		return C.mlb_selector_select(s.handle, values, valuesLen, neighbours, namesPtr, C.size_t(len(names)), &chosen)
	})
	if err != nil {
		return Selection{}, err
	}

	defer C.mlb_string_free(chosen.model)
	return Selection{
		Model:      C.GoStringN(chosen.model, C.int(chosen.model_len)),
		Score:      float32(chosen.score),
		Neighbours: int(chosen.neighbours),
	}, nil
}

// Close frees the table; later calls fail, and closing again does nothing.
func (s *Selector) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()

	C.mlb_selector_free(s.handle)
	s.handle = nil
}

// candidateStrings builds the C view of the candidate names. cgo forbids handing C Go
// memory that holds unpinned Go pointers, so each name's bytes are pinned until the
// caller unpins them after the call.
func candidateStrings(candidates []string, pinner *runtime.Pinner) []C.mlb_str {
	names := make([]C.mlb_str, len(candidates))
	for i, candidate := range candidates {
		ptr, length := cBytes(candidate)
		if ptr != nil {
			pinner.Pin(ptr)
		}
		names[i] = C.mlb_str{ptr: ptr, len: length}
	}
	return names
}
