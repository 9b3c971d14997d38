package candle

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newTestClassifier(t *testing.T) *Classifier {
	t.Helper()
	c, err := NewClassifier()
	if err != nil {
		t.Fatalf("NewClassifier() error = %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestClassifyHeldOutSentences(t *testing.T) {
	c := newTestClassifier(t)
	tests := []struct {
		name string
		text string
		want string
	}{
		{name: "calculus", text: "What is the derivative of x squared?", want: "math"},
		{name: "data structures", text: "How do I reverse a linked list in Python?", want: "code"},
		{name: "chemistry", text: "What happens when sodium reacts with water?", want: "science"},
		{name: "physics", text: "Why does a ball fall to the ground when dropped?", want: "science"},
		{name: "ancient history", text: "Why did the Roman Empire fall?", want: "history"},
		{name: "pricing", text: "How should we price our SaaS product?", want: "business"},
		{name: "chit-chat", text: "Hey, what's up?", want: "other"},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Classify(tc.text)
			if err != nil {
				t.Fatalf("Classify(%q) error = %v", tc.text, err)
			}
			if got.Category != tc.want {
				t.Errorf("Classify(%q).Category = %q, want %q", tc.text, got.Category, tc.want)
			}
			if got.Confidence <= 0 || got.Confidence > 1 {
				t.Errorf("Classify(%q).Confidence = %v, want in (0, 1]", tc.text, got.Confidence)
			}
		})
	}
}

func TestCategoriesAndEmbeddingDim(t *testing.T) {
	c := newTestClassifier(t)

	got := strings.Join(c.Categories(), ",")
	if want := "math,code,science,history,business,other"; got != want {
		t.Errorf("Categories() = %q, want %q", got, want)
	}
	if got := c.EmbeddingDim(); got != 1024 {
		t.Errorf("EmbeddingDim() = %d, want 1024", got)
	}
}

func TestEmbedReturnsUnitVector(t *testing.T) {
	c := newTestClassifier(t)

	embedding, err := c.Embed("Why is the sky blue?")
	if err != nil {
		t.Fatalf("Embed() error = %v", err)
	}

	if len(embedding) != c.EmbeddingDim() {
		t.Fatalf("len(Embed()) = %d, want %d", len(embedding), c.EmbeddingDim())
	}
	var sum float64
	for _, v := range embedding {
		sum += float64(v) * float64(v)
	}
	if norm := math.Sqrt(sum); math.Abs(norm-1) > 1e-4 {
		t.Errorf("norm of Embed() = %v, want 1", norm)
	}
}

func TestSimilarityRanksParaphrasesFirst(t *testing.T) {
	c := newTestClassifier(t)
	tests := []struct {
		name       string
		a, similar string
		unrelated  string
	}{
		{
			name:      "python lists",
			a:         "How do I sort a list in Python?",
			similar:   "How can I sort a Python list?",
			unrelated: "Who won the Battle of Hastings?",
		},
		{
			name:      "capitals",
			a:         "What is the capital of France?",
			similar:   "Which city is the capital of France?",
			unrelated: "How do I fix a segfault in C?",
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			near, err := c.Similarity(tc.a, tc.similar)
			if err != nil {
				t.Fatalf("Similarity(%q, %q) error = %v", tc.a, tc.similar, err)
			}
			far, err := c.Similarity(tc.a, tc.unrelated)
			if err != nil {
				t.Fatalf("Similarity(%q, %q) error = %v", tc.a, tc.unrelated, err)
			}
			if near <= far {
				t.Errorf("Similarity(paraphrase) = %v, want > Similarity(unrelated) = %v", near, far)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	c := newTestClassifier(t)
	tests := []struct {
		name        string
		call        func() error
		wantCode    uint32
		wantMessage string
	}{
		{
			name:        "invalid UTF-8 text",
			call:        func() error { _, err := c.Classify("caf\xe9"); return err },
			wantCode:    2,
			wantMessage: "cb_classifier_classify: argument `text` is not valid UTF-8",
		},
		{
			name:        "invalid UTF-8 in similarity",
			call:        func() error { _, err := c.Similarity("fine", "\xff\xfe"); return err },
			wantCode:    2,
			wantMessage: "argument `b` is not valid UTF-8",
		},
		{
			name:        "missing weights file",
			call:        func() error { _, err := LoadClassifier("/nonexistent/model.safetensors"); return err },
			wantCode:    5,
			wantMessage: "reading weights file /nonexistent/model.safetensors",
		},
		{
			name: "corrupt weights file",
			call: func() error {
				path := filepath.Join(t.TempDir(), "bad.safetensors")
				if err := os.WriteFile(path, []byte("not a model"), 0o600); err != nil {
					t.Fatal(err)
				}
				_, err := LoadClassifier(path)
				return err
			},
			wantCode:    6,
			wantMessage: "bad.safetensors: not a safetensors file",
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()

			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("error = %v (%T), want *candle.Error", err, err)
			}
			if got.Code != tc.wantCode {
				t.Errorf("Code = %d, want %d (message %q)", got.Code, tc.wantCode, got.Message)
			}
			if !strings.Contains(got.Message, tc.wantMessage) {
				t.Errorf("Message = %q, want it to contain %q", got.Message, tc.wantMessage)
			}
		})
	}
}

func TestEmptyTextIsAccepted(t *testing.T) {
	c := newTestClassifier(t)

	similarity, err := c.Similarity("", "hello there")
	if err != nil {
		t.Fatalf("Similarity(\"\", ...) error = %v", err)
	}
	if similarity != 0 {
		t.Errorf("Similarity(\"\", ...) = %v, want 0", similarity)
	}
}

func TestLoadClassifierReadsCheckedInWeights(t *testing.T) {
	c, err := LoadClassifier(filepath.Join("..", "..", "model", "intent-classifier.safetensors"))
	if err != nil {
		t.Fatalf("LoadClassifier() error = %v", err)
	}
	defer c.Close()

	got, err := c.Classify("Who was Julius Caesar?")
	if err != nil {
		t.Fatalf("Classify() error = %v", err)
	}
	if got.Category != "history" {
		t.Errorf("Classify().Category = %q, want %q", got.Category, "history")
	}
}

func TestCloseIsIdempotentAndLaterCallsFail(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatalf("NewClassifier() error = %v", err)
	}

	c.Close()
	c.Close()

	if _, err := c.Classify("hello"); !errors.Is(err, ErrClosed) {
		t.Errorf("Classify() after Close error = %v, want ErrClosed", err)
	}
}

func TestConcurrentUseMatchesSequentialResults(t *testing.T) {
	c := newTestClassifier(t)
	texts := []string{
		"What is 12 times 12?",
		"Who was Napoleon Bonaparte?",
		"How do I write a loop in Go?",
		"Good morning, how are you?",
		"How do I pitch to investors?",
		"Why do magnets attract metal?",
	}
	want := make([]Classification, len(texts))
	for i, text := range texts {
		got, err := c.Classify(text)
		if err != nil {
			t.Fatalf("Classify(%q) error = %v", text, err)
		}
		want[i] = got
	}

	var wg sync.WaitGroup
	for worker := 0; worker < 8; worker++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 25; round++ {
				for i, text := range texts {
					if got, err := c.Classify(text); err != nil || got != want[i] {
						t.Errorf("concurrent Classify(%q) = %+v, %v; want %+v, nil", text, got, err, want[i])
					}
				}
				// Errors interleave with successes on the same OS threads:
				// each must still carry its own message.
				if _, err := c.Classify("bad \xff"); err == nil || !strings.Contains(err.Error(), "UTF-8") {
					t.Errorf("concurrent Classify(invalid UTF-8) error = %v, want the UTF-8 message", err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestCloseWaitsForCallsInFlight(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatalf("NewClassifier() error = %v", err)
	}

	var wg sync.WaitGroup
	for worker := 0; worker < 4; worker++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if _, err := c.Classify("Why is the sky blue?"); err != nil && !errors.Is(err, ErrClosed) {
					t.Errorf("Classify() during Close error = %v, want nil or ErrClosed", err)
				}
			}
		}()
	}
	c.Close()
	wg.Wait()
}
