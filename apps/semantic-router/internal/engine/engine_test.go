package engine

import (
	"errors"
	"slices"
	"testing"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/config"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

func openClassifier(t *testing.T) *Classifier {
	t.Helper()
	classifier, err := OpenClassifier("")
	if err != nil {
		t.Fatalf("OpenClassifier: %v", err)
	}
	t.Cleanup(classifier.Close)
	return classifier
}

func TestClassifierKnowsTheRouterCategories(t *testing.T) {
	classifier := openClassifier(t)

	for _, category := range []string{"math", "code", "science", "history", "business", "other"} {
		if !slices.Contains(classifier.Categories(), category) {
			t.Errorf("Categories() = %v, want it to contain %s", classifier.Categories(), category)
		}
	}
	embedding, err := classifier.Embed("What is the derivative of x squared?")
	if err != nil || len(embedding) != classifier.EmbeddingDim() {
		t.Errorf("Embed = %d values (err %v), want %d", len(embedding), err, classifier.EmbeddingDim())
	}
}

func TestSelectorPicksFromHistoryAndReportsNoMatch(t *testing.T) {
	classifier := openClassifier(t)
	rows := []config.HistoryRow{
		{Line: 1, Model: "calculus-model", Quality: 1, Text: "Find the derivative of x cubed."},
		{Line: 2, Model: "calculus-model", Quality: 1, Text: "Integrate sine of x from zero to pi."},
		{Line: 3, Model: "poetry-model", Quality: 1, Text: "Write a sonnet about the moon."},
	}
	selector, err := BuildSelector(classifier, rows, "history.tsv")
	if err != nil {
		t.Fatalf("BuildSelector: %v", err)
	}
	defer selector.Close()
	query, err := classifier.Embed("What is the derivative of x squared?")
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}

	if selector.Len() != len(rows) {
		t.Errorf("Len = %d, want %d", selector.Len(), len(rows))
	}
	selection, err := selector.Select(query, 2, []string{"poetry-model", "calculus-model"})
	if err != nil || selection.Model != "calculus-model" {
		t.Errorf("Select = %+v (err %v), want calculus-model", selection, err)
	}
	_, err = selector.Select(query, 2, []string{"unknown-model"})
	if !errors.Is(err, router.ErrNoMatch) {
		t.Errorf("Select among unknown models: err = %v, want router.ErrNoMatch", err)
	}
}
