package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var knownCategories = []string{"math", "code", "science", "history", "business", "other"}

const validConfig = `default_model: qwen3-8b
knn: { k: 3 }
routing_history: routing-history.tsv
categories:
  - name: math
    models: [deepseek-math-7b, qwen3-8b]
  - name: code
    models: [qwen2.5-coder-7b]
  - name: science
    models: [phi-4]
  - name: history
    models: [llama-3.1-8b]
  - name: business
    models: [mistral-7b-instruct]
  - name: other
    models: [qwen3-8b]
`

func TestParseAcceptsValidConfig(t *testing.T) {
	cfg, err := Parse("config/config.yaml", []byte(validConfig), knownCategories)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}

	if cfg.DefaultModel != "qwen3-8b" {
		t.Errorf("DefaultModel = %q, want qwen3-8b", cfg.DefaultModel)
	}
	if cfg.K != 3 {
		t.Errorf("K = %d, want 3", cfg.K)
	}
	if want := filepath.Join("config", "routing-history.tsv"); cfg.RoutingHistory != want {
		t.Errorf("RoutingHistory = %q, want %q (relative to the config file)", cfg.RoutingHistory, want)
	}
	if got, want := cfg.Candidates("math"), []string{"deepseek-math-7b", "qwen3-8b"}; !slices.Equal(got, want) {
		t.Errorf("Candidates(math) = %v, want %v", got, want)
	}
	if got := cfg.Candidates("poetry"); got != nil {
		t.Errorf("Candidates(poetry) = %v, want nil", got)
	}
}

func TestParseDefaultsKWhenKnnIsOmitted(t *testing.T) {
	text := strings.Replace(validConfig, "knn: { k: 3 }\n", "", 1)

	cfg, err := Parse("c.yaml", []byte(text), knownCategories)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.K != DefaultK {
		t.Errorf("K = %d, want %d", cfg.K, DefaultK)
	}
}

func TestParseKeepsAbsoluteHistoryPath(t *testing.T) {
	text := strings.Replace(validConfig, "routing-history.tsv", "/srv/history.tsv", 1)

	cfg, err := Parse("config/config.yaml", []byte(text), knownCategories)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.RoutingHistory != "/srv/history.tsv" {
		t.Errorf("RoutingHistory = %q, want /srv/history.tsv", cfg.RoutingHistory)
	}
}

func TestParseRejectsInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want string
	}{
		{
			name: "unknown top-level field",
			edit: func(s string) string { return s + "timeout: 3s\n" },
			want: "config/config.yaml:17: timeout: unknown field (known fields: default_model, knn, routing_history, categories)",
		},
		{
			name: "unknown field in a category",
			edit: func(s string) string {
				return strings.Replace(s, "  - name: code\n", "  - name: code\n    weight: 2\n", 1)
			},
			want: "config/config.yaml:8: categories[1].weight: unknown field (known fields: name, models)",
		},
		{
			name: "missing default_model",
			edit: func(s string) string { return strings.Replace(s, "default_model: qwen3-8b\n", "", 1) },
			want: "config/config.yaml:1: default_model: is required",
		},
		{
			name: "empty default_model",
			edit: func(s string) string { return strings.Replace(s, "default_model: qwen3-8b", `default_model: ""`, 1) },
			want: "config/config.yaml:1: default_model: must not be empty",
		},
		{
			name: "missing routing_history",
			edit: func(s string) string { return strings.Replace(s, "routing_history: routing-history.tsv\n", "", 1) },
			want: "config/config.yaml:1: routing_history: is required",
		},
		{
			name: "k of zero",
			edit: func(s string) string { return strings.Replace(s, "k: 3", "k: 0", 1) },
			want: "config/config.yaml:2: knn.k: must be at least 1, got 0",
		},
		{
			name: "k not an integer",
			edit: func(s string) string { return strings.Replace(s, "k: 3", "k: five", 1) },
			want: `config/config.yaml:2: knn.k: must be an integer, got "five"`,
		},
		{
			name: "unknown knn field",
			edit: func(s string) string { return strings.Replace(s, "k: 3", "k: 3, metric: cosine", 1) },
			want: "config/config.yaml:2: knn.metric: unknown field (known fields: k)",
		},
		{
			name: "empty models",
			edit: func(s string) string { return strings.Replace(s, "models: [qwen2.5-coder-7b]", "models: []", 1) },
			want: "config/config.yaml:8: categories[1].models: must list at least one model",
		},
		{
			name: "missing models",
			edit: func(s string) string { return strings.Replace(s, "    models: [qwen2.5-coder-7b]\n", "", 1) },
			want: "config/config.yaml:7: categories[1].models: is required",
		},
		{
			name: "models not a list",
			edit: func(s string) string { return strings.Replace(s, "models: [phi-4]", "models: phi-4", 1) },
			want: `config/config.yaml:10: categories[2].models: must be a list of model names, got "phi-4"`,
		},
		{
			name: "duplicate model in a category",
			edit: func(s string) string {
				return strings.Replace(s, "[deepseek-math-7b, qwen3-8b]", "[qwen3-8b, qwen3-8b]", 1)
			},
			want: `config/config.yaml:6: categories[0].models[1]: "qwen3-8b" is already listed at categories[0].models[0]`,
		},
		{
			name: "duplicate category",
			edit: func(s string) string { return s + "  - name: math\n    models: [qwen3-8b]\n" },
			want: `config/config.yaml:17: categories[6].name: "math" is already configured at categories[0]`,
		},
		{
			name: "category the classifier does not know",
			edit: func(s string) string { return strings.Replace(s, "name: other", "name: poetry", 1) },
			want: `config/config.yaml:15: categories[5].name: "poetry" is not a category of the classifier (use one of math, code, science, history, business, other)`,
		},
		{
			name: "classifier category without an entry",
			edit: func(s string) string {
				return strings.Replace(s, "  - name: other\n    models: [qwen3-8b]\n", "", 1)
			},
			want: `config/config.yaml:4: categories: classifier category "other" has no entry (add one with name: other and its models)`,
		},
		{
			name: "categories not a list",
			edit: func(s string) string { return s[:strings.Index(s, "categories:")] + "categories: math\n" },
			want: `config/config.yaml:4: categories: must be a list, got "math"`,
		},
		{
			name: "model name that is a mapping",
			edit: func(s string) string { return strings.Replace(s, "[phi-4]", "[{name: phi-4}]", 1) },
			want: "config/config.yaml:10: categories[2].models[0]: must be a string, got a mapping",
		},
		{
			name: "not YAML",
			edit: func(string) string { return "default_model: [unclosed\n" },
			want: "config/config.yaml: ",
		},
		{
			name: "empty file",
			edit: func(string) string { return "" },
			want: "config/config.yaml:1: file is empty",
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("config/config.yaml", []byte(tc.edit(validConfig)), knownCategories)
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error:\n got: %v\nwant: containing %q", err, tc.want)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	text := strings.Replace(validConfig, "k: 3", "k: -1", 1)
	text = strings.Replace(text, "models: [phi-4]", "models: []", 1)

	_, err := Parse("c.yaml", []byte(text), knownCategories)
	if err == nil {
		t.Fatal("Parse succeeded, want two errors")
	}
	for _, want := range []string{"c.yaml:2: knn.k:", "c.yaml:10: categories[2].models:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Parse error %q does not contain %q", err, want)
		}
	}
}

func TestLoadNamesMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.yaml")

	_, err := Load(path, knownCategories)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--config") {
		t.Errorf("Load error = %v, want one naming %s and the --config flag", err, path)
	}
}

func TestShippedConfigIsValid(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "..", "config", "config.yaml"), knownCategories)
	if err != nil {
		t.Fatalf("Load shipped config: %v", err)
	}
	rows, err := LoadHistory(cfg.RoutingHistory)
	if err != nil {
		t.Fatalf("LoadHistory shipped history: %v", err)
	}
	if len(rows) < 60 {
		t.Errorf("shipped history has %d rows, want at least 60", len(rows))
	}

	for _, category := range knownCategories {
		if len(cfg.Candidates(category)) < 2 {
			t.Errorf("category %s has %v, want several candidates so history decides", category, cfg.Candidates(category))
		}
	}
	if _, err := os.Stat(cfg.RoutingHistory); err != nil {
		t.Errorf("routing history: %v", err)
	}
}
