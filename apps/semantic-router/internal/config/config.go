// Package config loads and validates the router's YAML configuration and
// its routing history table.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultK is the number of neighbours consulted when knn.k is not set.
const DefaultK = 5

// Config is the validated router configuration. Paths inside it are
// already resolved against the directory of the file they came from.
type Config struct {
	// Path is the file the configuration was read from, as given.
	Path           string
	DefaultModel   string
	K              int
	RoutingHistory string
	Categories     []Category
}

// Category lists the models a request of one classifier category may be
// routed to, in order of preference.
type Category struct {
	Name   string
	Models []string
}

// Candidates returns the models configured for category, or nil when the
// category is not configured.
func (c *Config) Candidates(category string) []string {
	for _, entry := range c.Categories {
		if entry.Name == category {
			return entry.Models
		}
	}
	return nil
}

// Load reads the configuration at path and validates it against the
// categories the classifier knows.
func Load(path string, known []string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w (pass --config with the path of a YAML file)", err)
	}
	return Parse(path, data, known)
}

// Parse validates data as the configuration file path. Every problem found
// is reported, each as "path:line: field: problem (fix)".
func Parse(path string, data []byte, known []string) (*Config, error) {
	var document yaml.Node
	if err := yaml.Unmarshal(data, &document); err != nil {
		return nil, fmt.Errorf("%s: %s (fix the YAML syntax)", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(document.Content) == 0 {
		return nil, fmt.Errorf("%s:1: file is empty (add default_model, routing_history and categories)", path)
	}

	p := &parser{path: path}
	cfg := p.root(document.Content[0])
	if len(p.problems) == 0 {
		p.checkCategories(cfg, document.Content[0], known)
	}
	if len(p.problems) > 0 {
		return nil, errors.Join(p.problems...)
	}

	cfg.Path = path
	if !filepath.IsAbs(cfg.RoutingHistory) {
		cfg.RoutingHistory = filepath.Join(filepath.Dir(path), cfg.RoutingHistory)
	}
	return cfg, nil
}

// checkCategories compares the configured categories with the ones the
// classifier can return: each classifier category needs candidates, and a
// configured name the classifier never returns would be dead configuration.
func (p *parser) checkCategories(cfg *Config, root *yaml.Node, known []string) {
	if len(known) == 0 {
		return
	}
	categoriesKey, categoriesNode := lookup(root, "categories")
	for i, entry := range cfg.Categories {
		if !slices.Contains(known, entry.Name) {
			_, nameNode := lookup(categoriesNode.Content[i], "name")
			line := nameNode.Line
			p.addf(line, fmt.Sprintf("categories[%d].name", i),
				"%q is not a category of the classifier (use one of %s)",
				entry.Name, strings.Join(known, ", "))
		}
	}
	for _, name := range known {
		if cfg.Candidates(name) == nil {
			p.addf(categoriesKey.Line, "categories",
				"classifier category %q has no entry (add one with name: %s and its models)", name, name)
		}
	}
}
