package router_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/config"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/engine"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// The classifier and the selector over the shipped routing history are
// real and shared by every test: loading them is the slow part.
var (
	classifier *engine.Classifier
	selector   *engine.Selector
	shipped    *config.Config
)

func TestMain(m *testing.M) {
	code, err := runTests(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func runTests(m *testing.M) (int, error) {
	var err error
	classifier, err = engine.OpenClassifier("")
	if err != nil {
		return 0, err
	}
	defer classifier.Close()

	shipped, err = config.Load(filepath.Join("..", "..", "config", "config.yaml"), classifier.Categories())
	if err != nil {
		return 0, err
	}
	rows, err := config.LoadHistory(shipped.RoutingHistory)
	if err != nil {
		return 0, err
	}
	selector, err = engine.BuildSelector(classifier, rows, shipped.RoutingHistory)
	if err != nil {
		return 0, err
	}
	defer selector.Close()
	return m.Run(), nil
}

type recorder struct {
	mu     sync.Mutex
	events []router.Event
}

func (r *recorder) Observe(event router.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event)
}

func TestRouteClassifiesRealSentences(t *testing.T) {
	tests := []struct {
		text     string
		category string
	}{
		{"What is the derivative of x squared?", "math"},
		{"Write a Python function that checks whether a string is a palindrome.", "code"},
		{"Why did the Roman Empire collapse in the fifth century?", "history"},
		{"How do plants use photosynthesis to make sugar from sunlight?", "science"},
	}
	r := router.New(shipped, classifier, selector)

	for _, tc := range tests {
		t.Run(tc.category, func(t *testing.T) {
			decision, err := r.Route(tc.text, router.SourceHTTP)
			if err != nil {
				t.Fatalf("Route: %v", err)
			}
			if decision.Category != tc.category {
				t.Errorf("Route(%q).Category = %q, want %q", tc.text, decision.Category, tc.category)
			}
			if decision.Confidence <= 0 || decision.Confidence > 1 {
				t.Errorf("Confidence = %v, want in (0, 1]", decision.Confidence)
			}
			if candidates := shipped.Candidates(decision.Category); !slices.Contains(candidates, decision.Model) {
				t.Errorf("Model = %q, want one of %v", decision.Model, candidates)
			}
		})
	}
}

func TestRouteSelectsTheModelOfTheNearestHistory(t *testing.T) {
	// Both texts are math, but the history says proofs go to
	// qwen2.5-math-7b and calculus to deepseek-math-7b.
	tests := []struct {
		text string
		want string
	}{
		{"Prove that the square root of 2 is irrational.", "qwen2.5-math-7b"},
		{"Compute the integral of 1 over x from 1 to e.", "deepseek-math-7b"},
	}
	r := router.New(shipped, classifier, selector)

	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			decision, err := r.Route(tc.text, router.SourceHTTP)
			if err != nil {
				t.Fatalf("Route: %v", err)
			}
			if decision.Category != "math" {
				t.Fatalf("Category = %q, want math", decision.Category)
			}
			if decision.Model != tc.want || decision.Reason != router.ReasonNearestHistory {
				t.Errorf("Route(%q) = %s by %s, want %s by %s",
					tc.text, decision.Model, decision.Reason, tc.want, router.ReasonNearestHistory)
			}
			if decision.Neighbours < 1 || decision.Neighbours > shipped.K {
				t.Errorf("Neighbours = %d, want 1..%d", decision.Neighbours, shipped.K)
			}
		})
	}
}

func TestRouteFallsBackToTheFirstCandidateWithoutHistory(t *testing.T) {
	cfg := withCategories(map[string][]string{"math": {"unseen-model-a", "unseen-model-b"}})
	r := router.New(cfg, classifier, selector)

	decision, err := r.Route("What is the derivative of x squared?", router.SourceHTTP)
	if err != nil {
		t.Fatalf("Route: %v", err)
	}
	if decision.Model != "unseen-model-a" || decision.Reason != router.ReasonFirstCandidate {
		t.Errorf("Route = %s by %s, want unseen-model-a by %s", decision.Model, decision.Reason, router.ReasonFirstCandidate)
	}
}

func TestRouteUsesTheDefaultModelForAnUnlistedCategory(t *testing.T) {
	cfg := withCategories(map[string][]string{"code": {"qwen2.5-coder-7b"}})
	r := router.New(cfg, classifier, selector)

	decision, err := r.Route("What is the derivative of x squared?", router.SourceHTTP)
	if err != nil {
		t.Fatalf("Route: %v", err)
	}
	if decision.Category != "math" || decision.Model != cfg.DefaultModel || decision.Reason != router.ReasonDefaultModel {
		t.Errorf("Route = %+v, want category math routed to %s by %s", decision, cfg.DefaultModel, router.ReasonDefaultModel)
	}
}

func TestRouteSendsEmptyTextToTheDefaultModel(t *testing.T) {
	r := router.New(shipped, classifier, selector)

	decision, err := r.Route("", router.SourceExtProc)
	if err != nil {
		t.Fatalf("Route: %v", err)
	}
	if decision.Model != shipped.DefaultModel || decision.Category != "" {
		t.Errorf("Route(\"\") = %+v, want default model %s and no category", decision, shipped.DefaultModel)
	}
}

func TestRouteTellsObservers(t *testing.T) {
	observer := &recorder{}
	r := router.New(shipped, classifier, selector, observer)

	decision, err := r.Route("Write a SQL query that counts orders per day.", router.SourceExtProc)
	if err != nil {
		t.Fatalf("Route: %v", err)
	}

	if len(observer.events) != 1 {
		t.Fatalf("observer saw %d events, want 1", len(observer.events))
	}
	event := observer.events[0]
	if event.Source != router.SourceExtProc || event.Decision != decision || event.Err != nil || event.Time.IsZero() {
		t.Errorf("event = %+v, want source extproc with the returned decision", event)
	}
}

func TestRouteIsSafeForConcurrentUse(t *testing.T) {
	r := router.New(shipped, classifier, selector)
	texts := []string{
		"What is the derivative of x squared?",
		"Write a Go HTTP server that returns hello.",
		"Who was the first emperor of Rome?",
		"Draft a budget for a small bakery.",
	}

	var wg sync.WaitGroup
	errs := make(chan error, 4*len(texts))
	for range 4 {
		for _, text := range texts {
			wg.Go(func() {
				if _, err := r.Route(text, router.SourceHTTP); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Route: %v", err)
	}
}

func withCategories(categories map[string][]string) *config.Config {
	cfg := &config.Config{DefaultModel: "fallback-model", K: shipped.K}
	for name, models := range categories {
		cfg.Categories = append(cfg.Categories, config.Category{Name: name, Models: models})
	}
	return cfg
}
