package mlbinding_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/semrouter/monorepo/libs/ml-binding/go/mlbinding"
)

// newTable returns a 3-d selector with one row per axis: code, chat, math.
func newTable(t *testing.T) *mlbinding.Selector {
	t.Helper()
	selector, err := mlbinding.NewSelector(3)
	if err != nil {
		t.Fatalf("NewSelector(3): %v", err)
	}
	t.Cleanup(selector.Close)
	rows := []struct {
		embedding []float32
		model     string
	}{
		{[]float32{1, 0, 0}, "code"},
		{[]float32{0, 1, 0}, "chat"},
		{[]float32{0, 0, 1}, "math"},
		{[]float32{0.8, 0.6, 0}, "chat"},
	}
	for _, row := range rows {
		if err := selector.Add(row.embedding, row.model, 1); err != nil {
			t.Fatalf("Add(%v, %q): %v", row.embedding, row.model, err)
		}
	}
	return selector
}

func TestSelectChoosesTheModelWithTheBestVote(t *testing.T) {
	tests := []struct {
		name           string
		query          []float32
		k              int
		candidates     []string
		wantModel      string
		wantNeighbours int
	}{
		{"nearest row with k=1", []float32{0.9, 0.1, 0}, 1, nil, "code", 1},
		{"two chat rows outvote one code row", []float32{0.9, 0.3, 0}, 3, nil, "chat", 3},
		{"candidates exclude other models", []float32{1, 0, 0}, 1, []string{"math", "chat"}, "chat", 1},
		{"unknown candidates are skipped", []float32{0, 0, 1}, 2, []string{"gpt-x", "math"}, "math", 1},
		{"k larger than the table", []float32{0, 0, 1}, 1 << 40, nil, "math", 4},
		{"non-ASCII candidate names are fine", []float32{0, 1, 0}, 1, []string{"modèle", "chat"}, "chat", 1},
	}

	selector := newTable(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := selector.Select(tc.query, tc.k, tc.candidates)
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			if got.Model != tc.wantModel || got.Neighbours != tc.wantNeighbours {
				t.Errorf("got %q with %d neighbours, want %q with %d", got.Model, got.Neighbours, tc.wantModel, tc.wantNeighbours)
			}
			if got.Score <= 0 {
				t.Errorf("got score %v, want > 0", got.Score)
			}
		})
	}
}

func TestSelectReportsBadInput(t *testing.T) {
	tests := []struct {
		name        string
		query       []float32
		k           int
		candidates  []string
		wantNoMatch bool
		wantMessage string
	}{
		{"no row matches the candidates", []float32{1, 0, 0}, 1, []string{"absent"}, true, `no row of the table belongs to any of the candidates ["absent"]`},
		{"dimension mismatch", []float32{1, 0}, 1, nil, false, "query has 2 values but the selector was created for 3"},
		{"empty query", nil, 1, nil, false, "query has 0 values"},
		{"NaN in the query", []float32{0, float32(math.NaN()), 1}, 1, nil, false, "query[1] is NaN"},
		{"k is zero", []float32{1, 0, 0}, 0, nil, false, "k is 0"},
		{"k is negative", []float32{1, 0, 0}, -2, nil, false, "k is -2"},
		{"empty candidate name", []float32{1, 0, 0}, 1, []string{"code", ""}, false, "candidates[1] is an empty model name"},
		{"invalid UTF-8 candidate", []float32{1, 0, 0}, 1, []string{"\xff"}, false, "candidates[0] is not valid UTF-8"},
	}

	selector := newTable(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := selector.Select(tc.query, tc.k, tc.candidates)
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tc.wantMessage)
			}
			if got := errors.Is(err, mlbinding.ErrNoMatch); got != tc.wantNoMatch {
				t.Errorf("errors.Is(err, ErrNoMatch) = %v, want %v (err: %v)", got, tc.wantNoMatch, err)
			}
			if !strings.Contains(err.Error(), tc.wantMessage) {
				t.Errorf("got error %q, want it to contain %q", err, tc.wantMessage)
			}
		})
	}
}

func TestAddRejectsBadRows(t *testing.T) {
	tests := []struct {
		name        string
		embedding   []float32
		model       string
		quality     float32
		wantMessage string
	}{
		{"wrong dimension", []float32{1, 0, 0, 0}, "m", 1, "embedding has 4 values"},
		{"infinity", []float32{float32(math.Inf(1)), 0, 0}, "m", 1, "embedding[0] is inf"},
		{"all zeros", []float32{0, 0, 0}, "m", 1, "all zeros"},
		{"negative quality", []float32{1, 0, 0}, "m", -1, "quality is -1"},
		{"empty model", []float32{1, 0, 0}, "", 1, "empty model name"},
		{"model with a NUL byte", []float32{1, 0, 0}, "a\x00b", 1, "contains a NUL byte"},
		{"invalid UTF-8 model", []float32{1, 0, 0}, "gpt\xff", 1, "model is not valid UTF-8"},
	}

	selector := newTable(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := selector.Add(tc.embedding, tc.model, tc.quality)
			if err == nil || !strings.Contains(err.Error(), tc.wantMessage) {
				t.Errorf("got error %v, want one containing %q", err, tc.wantMessage)
			}
			if got, want := selector.Len(), 4; got != want {
				t.Errorf("got Len() %d after a rejected row, want %d", got, want)
			}
		})
	}
}

func TestNewSelectorRejectsBadDimensions(t *testing.T) {
	for _, dim := range []int{0, -1, math.MaxUint32 + 1} {
		if selector, err := mlbinding.NewSelector(dim); err == nil {
			selector.Close()
			t.Errorf("NewSelector(%d): got no error, want one", dim)
		}
	}
}

func TestClosedSelectorFailsInsteadOfCrashing(t *testing.T) {
	selector := newTable(t)
	selector.Close()
	selector.Close()

	if got := selector.Len(); got != 0 {
		t.Errorf("got Len() %d after Close, want 0", got)
	}
	if err := selector.Add([]float32{1, 0, 0}, "m", 1); err == nil {
		t.Error("Add after Close: got no error, want one")
	}
	if _, err := selector.Select([]float32{1, 0, 0}, 1, nil); err == nil {
		t.Error("Select after Close: got no error, want one")
	}
}

// TestConcurrentSelectAndAdd runs at the embedding size the router uses; run it with
// -race to check the locking.
func TestConcurrentSelectAndAdd(t *testing.T) {
	const dim = 512
	random := rand.New(rand.NewPCG(1, 2))
	models := []string{"small", "medium", "large"}
	selector, err := mlbinding.NewSelector(dim)
	if err != nil {
		t.Fatalf("NewSelector(%d): %v", dim, err)
	}
	defer selector.Close()
	for i := range 300 {
		if err := selector.Add(unitVector(random, dim), models[i%len(models)], 1); err != nil {
			t.Fatalf("Add row %d: %v", i, err)
		}
	}
	queries := make([][]float32, 16)
	for i := range queries {
		queries[i] = unitVector(random, dim)
	}
	extra := unitVector(random, dim)

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for worker := range 8 {
		wg.Go(func() {
			for i := range 100 {
				query := queries[(worker+i)%len(queries)]
				if _, err := selector.Select(query, 7, models[:2]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if err := selector.Add(extra, "large", 0.5); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)

	for err := range errs {
		t.Errorf("concurrent call: %v", err)
	}
	if got, want := selector.Len(), 320; got != want {
		t.Errorf("got Len() %d, want %d", got, want)
	}
}

func unitVector(random *rand.Rand, dim int) []float32 {
	vector := make([]float32, dim)
	var norm float64
	for i := range vector {
		vector[i] = float32(random.NormFloat64())
		norm += float64(vector[i]) * float64(vector[i])
	}
	for i := range vector {
		vector[i] = float32(float64(vector[i]) / math.Sqrt(norm))
	}
	return vector
}
