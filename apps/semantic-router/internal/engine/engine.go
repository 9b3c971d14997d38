// Package engine adapts the cgo-backed libraries to the router's
// interfaces: candle-binding classifies and embeds, ml-binding selects a
// model by nearest history rows.
package engine

import (
	"errors"
	"fmt"

	"github.com/semrouter/monorepo/libs/candle-binding/go/candle"
	"github.com/semrouter/monorepo/libs/ml-binding/go/mlbinding"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/config"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// Classifier wraps a candle.Classifier, which it owns: Close frees it.
type Classifier struct {
	inner *candle.Classifier
}

// OpenClassifier loads the classifier at path, or the weights embedded in
// candle-binding when path is empty.
func OpenClassifier(path string) (*Classifier, error) {
	var inner *candle.Classifier
	var err error
	if path == "" {
		inner, err = candle.NewClassifier()
	} else {
		inner, err = candle.LoadClassifier(path)
	}
	if err != nil {
		return nil, fmt.Errorf("opening classifier: %w", err)
	}
	return &Classifier{inner: inner}, nil
}

// Classify returns the category of text.
func (c *Classifier) Classify(text string) (router.Classification, error) {
	result, err := c.inner.Classify(text)
	if err != nil {
		return router.Classification{}, err
	}
	return router.Classification{Category: result.Category, Confidence: result.Confidence}, nil
}

// Embed returns the embedding of text.
func (c *Classifier) Embed(text string) ([]float32, error) { return c.inner.Embed(text) }

// EmbeddingDim is the length of every embedding.
func (c *Classifier) EmbeddingDim() int { return c.inner.EmbeddingDim() }

// Categories lists the categories Classify can return.
func (c *Classifier) Categories() []string { return c.inner.Categories() }

// Close frees the classifier.
func (c *Classifier) Close() { c.inner.Close() }

// Selector wraps an mlbinding.Selector, which it owns: Close frees it.
type Selector struct {
	inner *mlbinding.Selector
}

// BuildSelector embeds every history row with classifier and loads it
// into a new selector.
func BuildSelector(classifier *Classifier, rows []config.HistoryRow, historyPath string) (*Selector, error) {
	inner, err := mlbinding.NewSelector(classifier.EmbeddingDim())
	if err != nil {
		return nil, fmt.Errorf("creating model selector: %w", err)
	}
	selector := &Selector{inner: inner}

	for _, row := range rows {
		embedding, err := classifier.Embed(row.Text)
		if err != nil {
			selector.Close()
			return nil, fmt.Errorf("%s:%d: embedding text: %w", historyPath, row.Line, err)
		}
		if err := inner.Add(embedding, row.Model, row.Quality); err != nil {
			selector.Close()
			return nil, fmt.Errorf("%s:%d: adding row for %q: %w", historyPath, row.Line, row.Model, err)
		}
	}
	return selector, nil
}

// Select picks a model among candidates; ml-binding's no-match error is
// translated to router.ErrNoMatch.
func (s *Selector) Select(query []float32, k int, candidates []string) (router.Selection, error) {
	result, err := s.inner.Select(query, k, candidates)
	if errors.Is(err, mlbinding.ErrNoMatch) {
		return router.Selection{}, fmt.Errorf("%w: %v", router.ErrNoMatch, err)
	}
	if err != nil {
		return router.Selection{}, err
	}
	return router.Selection{Model: result.Model, Score: result.Score, Neighbours: result.Neighbours}, nil
}

// Len is the number of history rows loaded.
func (s *Selector) Len() int { return s.inner.Len() }

// Close frees the selector.
func (s *Selector) Close() { s.inner.Close() }
