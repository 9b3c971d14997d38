// Package router decides which model serves a request: it classifies the
// text into a category, then picks among the category's candidate models
// by the nearest requests of the routing history.
package router

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/config"
)

// Classification is a category with the classifier's confidence in it.
type Classification struct {
	Category   string
	Confidence float32
}

// Classifier turns text into a category and into an embedding vector.
type Classifier interface {
	Classify(text string) (Classification, error)
	Embed(text string) ([]float32, error)
	Categories() []string
}

// Selection is the model a ModelSelector chose, its score and how many
// history neighbours backed it.
type Selection struct {
	Model      string
	Score      float32
	Neighbours int
}

// ErrNoMatch is returned by a ModelSelector when no history row belongs to
// any of the candidate models.
var ErrNoMatch = errors.New("no routing history row matches the candidate models")

// ModelSelector picks one of candidates for a query embedding from its
// k nearest history rows.
type ModelSelector interface {
	Select(query []float32, k int, candidates []string) (Selection, error)
}

// Reason says which rule produced a Decision.
type Reason string

const (
	// ReasonNearestHistory: the selector chose among the candidates.
	ReasonNearestHistory Reason = "nearest_history"
	// ReasonFirstCandidate: no history row matched, so the first
	// configured candidate was used.
	ReasonFirstCandidate Reason = "first_candidate"
	// ReasonOnlyCandidate: the category has a single candidate model.
	ReasonOnlyCandidate Reason = "only_candidate"
	// ReasonDefaultModel: the category has no candidates configured, or
	// there was no text to classify.
	ReasonDefaultModel Reason = "default_model"
)

// Decision is the outcome of routing one text.
type Decision struct {
	Category   string
	Confidence float32
	Model      string
	Reason     Reason
	Score      float32
	Neighbours int
}

// Source names the front door a routed text came through.
type Source string

const (
	SourceHTTP    Source = "http"
	SourceExtProc Source = "extproc"
)

// Event describes one routing call for observers.
type Event struct {
	Time     time.Time
	Source   Source
	Text     string
	Decision Decision
	Duration time.Duration
	Err      error
}

// Observer is told about every routing call, successful or not. Observe
// is called synchronously and must be safe for concurrent use.
type Observer interface {
	Observe(Event)
}

// Router routes texts to models. It is safe for concurrent use when its
// Classifier and ModelSelector are.
type Router struct {
	config     *config.Config
	classifier Classifier
	selector   ModelSelector
	observers  []Observer
	now        func() time.Time
}

// New returns a Router over cfg. The classifier and selector stay owned by
// the caller, who closes them after the Router is no longer used.
func New(cfg *config.Config, classifier Classifier, selector ModelSelector, observers ...Observer) *Router {
	return &Router{
		config:     cfg,
		classifier: classifier,
		selector:   selector,
		observers:  observers,
		now:        time.Now,
	}
}

// Route picks the model for text and tells the observers about it.
func (r *Router) Route(text string, source Source) (Decision, error) {
	start := r.now()
	decision, err := r.decide(text)

	event := Event{
		Time:     start,
		Source:   source,
		Text:     text,
		Decision: decision,
		Duration: r.now().Sub(start),
		Err:      err,
	}
	for _, observer := range r.observers {
		observer.Observe(event)
	}
	return decision, err
}

func (r *Router) decide(text string) (Decision, error) {
	if strings.TrimSpace(text) == "" {
		return Decision{Model: r.config.DefaultModel, Reason: ReasonDefaultModel}, nil
	}
	class, err := r.classifier.Classify(text)
	if err != nil {
		return Decision{}, fmt.Errorf("classifying text: %w", err)
	}

	decision := Decision{Category: class.Category, Confidence: class.Confidence}
	candidates := r.config.Candidates(class.Category)
	if len(candidates) == 0 {
		decision.Model, decision.Reason = r.config.DefaultModel, ReasonDefaultModel
		return decision, nil
	}
	if len(candidates) == 1 {
		decision.Model, decision.Reason = candidates[0], ReasonOnlyCandidate
		return decision, nil
	}

	embedding, err := r.classifier.Embed(text)
	if err != nil {
		return Decision{}, fmt.Errorf("embedding text: %w", err)
	}
	selection, err := r.selector.Select(embedding, r.config.K, candidates)
	switch {
	case errors.Is(err, ErrNoMatch):
		decision.Model, decision.Reason = candidates[0], ReasonFirstCandidate
	case err != nil:
		return Decision{}, fmt.Errorf("selecting among %v: %w", candidates, err)
	default:
		decision.Model, decision.Reason = selection.Model, ReasonNearestHistory
		decision.Score, decision.Neighbours = selection.Score, selection.Neighbours
	}
	return decision, nil
}

// DefaultModel returns the model used when no category applies.
func (r *Router) DefaultModel() string { return r.config.DefaultModel }

// Categories returns the configured categories in file order.
func (r *Router) Categories() []string {
	names := make([]string, 0, len(r.config.Categories))
	for _, category := range r.config.Categories {
		names = append(names, category.Name)
	}
	return names
}
