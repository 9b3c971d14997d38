package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parser walks the YAML node tree by hand instead of decoding into tagged
// structs: yaml.v3's own errors carry neither the field path nor a fix, and
// its Node.Decode ignores KnownFields.
type parser struct {
	path     string
	problems []error
}

func (p *parser) addf(line int, field, format string, args ...any) {
	message := fmt.Sprintf(format, args...)
	p.problems = append(p.problems, fmt.Errorf("%s:%d: %s: %s", p.path, line, field, message))
}

func (p *parser) root(node *yaml.Node) *Config {
	cfg := &Config{K: DefaultK}
	fields := p.mapping(node, "", "default_model", "knn", "routing_history", "categories")
	if fields == nil {
		return cfg
	}

	cfg.DefaultModel = p.requiredString(node, fields, "default_model", "", "the model used when no category matches")
	cfg.RoutingHistory = p.requiredString(node, fields, "routing_history", "", "a TSV file of model, quality, text")
	if knn, ok := fields["knn"]; ok {
		cfg.K = p.knn(knn)
	}
	if categories, ok := fields["categories"]; ok {
		cfg.Categories = p.categories(categories)
	} else {
		p.addf(node.Line, "categories", "is required (list each classifier category with its models)")
	}
	return cfg
}

func (p *parser) knn(node *yaml.Node) int {
	fields := p.mapping(node, "knn", "k")
	kNode, ok := fields["k"]
	if !ok {
		return DefaultK
	}
	k, err := strconv.Atoi(kNode.Value)
	if kNode.Kind != yaml.ScalarNode || kNode.Tag != "!!int" || err != nil {
		p.addf(kNode.Line, "knn.k", "must be an integer, got %s (use a whole number such as 5)", describe(kNode))
		return DefaultK
	}
	if k < 1 {
		p.addf(kNode.Line, "knn.k", "must be at least 1, got %d", k)
	}
	return k
}

func (p *parser) categories(node *yaml.Node) []Category {
	if node.Kind != yaml.SequenceNode {
		p.addf(node.Line, "categories", "must be a list, got %s (use one \"- name: ...\" entry per category)", describe(node))
		return nil
	}
	if len(node.Content) == 0 {
		p.addf(node.Line, "categories", "must list at least one category")
	}

	seen := map[string]int{}
	var result []Category
	for i, entryNode := range node.Content {
		field := fmt.Sprintf("categories[%d]", i)
		fields := p.mapping(entryNode, field, "name", "models")
		if fields == nil {
			continue
		}
		entry := Category{Name: p.requiredString(entryNode, fields, "name", field, "the classifier category")}
		if first, dup := seen[entry.Name]; dup && entry.Name != "" {
			p.addf(fields["name"].Line, field+".name", "%q is already configured at categories[%d] (merge the two entries)", entry.Name, first)
		}
		if _, dup := seen[entry.Name]; !dup {
			seen[entry.Name] = i
		}
		entry.Models = p.models(entryNode, fields, field)
		result = append(result, entry)
	}
	return result
}

func (p *parser) models(entryNode *yaml.Node, fields map[string]*yaml.Node, parent string) []string {
	field := parent + ".models"
	node, ok := fields["models"]
	if !ok {
		p.addf(entryNode.Line, field, "is required (list the candidate models for this category)")
		return nil
	}
	if node.Kind != yaml.SequenceNode {
		p.addf(node.Line, field, "must be a list of model names, got %s", describe(node))
		return nil
	}
	if len(node.Content) == 0 {
		p.addf(node.Line, field, "must list at least one model")
		return nil
	}

	var models []string
	for i, modelNode := range node.Content {
		itemField := fmt.Sprintf("%s[%d]", field, i)
		model, ok := p.scalarString(modelNode, itemField)
		if !ok {
			continue
		}
		for j, earlier := range models {
			if earlier == model {
				p.addf(modelNode.Line, itemField, "%q is already listed at %s[%d] (remove the duplicate)", model, field, j)
			}
		}
		models = append(models, model)
	}
	return models
}

// mapping checks that node is a mapping with no keys outside allowed and
// returns its values by key. It returns nil when node is not a mapping.
func (p *parser) mapping(node *yaml.Node, field string, allowed ...string) map[string]*yaml.Node {
	label := field
	if label == "" {
		label = "(top level)"
	}
	if node.Kind != yaml.MappingNode {
		p.addf(node.Line, label, "must be a mapping of %s, got %s", strings.Join(allowed, ", "), describe(node))
		return nil
	}

	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, value := node.Content[i], node.Content[i+1]
		name := join(field, key.Value)
		switch {
		case !slices.Contains(allowed, key.Value):
			p.addf(key.Line, name, "unknown field (known fields: %s)", strings.Join(allowed, ", "))
		case fields[key.Value] != nil:
			p.addf(key.Line, name, "is set twice (keep one)")
		default:
			fields[key.Value] = value
		}
	}
	return fields
}

func (p *parser) requiredString(parent *yaml.Node, fields map[string]*yaml.Node, key, parentField, what string) string {
	field := join(parentField, key)
	node, ok := fields[key]
	if !ok {
		p.addf(parent.Line, field, "is required (set it to %s)", what)
		return ""
	}
	value, _ := p.scalarString(node, field)
	return value
}

// scalarString accepts any non-empty scalar except null, so unquoted model
// names such as 7b or 1.5 still read as strings.
func (p *parser) scalarString(node *yaml.Node, field string) (string, bool) {
	if node.Kind != yaml.ScalarNode || node.Tag == "!!null" {
		p.addf(node.Line, field, "must be a string, got %s", describe(node))
		return "", false
	}
	value := strings.TrimSpace(node.Value)
	if value == "" {
		p.addf(node.Line, field, "must not be empty")
		return "", false
	}
	return value, true
}

func describe(node *yaml.Node) string {
	switch node.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if node.Tag == "!!null" {
		return "nothing"
	}
	return strconv.Quote(node.Value)
}

// lookup returns the key and value nodes of key in a mapping node.
func lookup(node *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == key {
			return node.Content[i], node.Content[i+1]
		}
	}
	return nil, nil
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}
