package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func lookupFrom(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		value, ok := env[name]
		return value, ok
	}
}

func TestExpand(t *testing.T) {
	env := lookupFrom(map[string]string{"PORT": "9090", "EMPTY": ""})
	tests := []struct {
		name, text, want, wantErr string
	}{
		{name: "plain text is kept", text: "--flag=1", want: "--flag=1"},
		{name: "a set variable is replaced", text: "127.0.0.1:${PORT}", want: "127.0.0.1:9090"},
		{name: "a set variable wins over its default", text: "${PORT:-80}", want: "9090"},
		{name: "an unset variable takes its default", text: "${HOST:-0.0.0.0}:${PORT}", want: "0.0.0.0:9090"},
		{name: "an empty variable takes its default", text: "${EMPTY:-x}", want: "x"},
		{name: "an empty variable without default is empty", text: "a${EMPTY}b", want: "ab"},
		{name: "an unset variable without default is an error", text: "${HOST}:${PORT}", wantErr: "HOST is not set"},
		{name: "an unclosed reference is an error", text: "${PORT", wantErr: "unclosed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Expand(tc.text, env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Expand(%q) error = %v, want one containing %q", tc.text, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Expand(%q) = %q, %v; want %q", tc.text, got, err, tc.want)
			}
		})
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "supervisor.json")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name, config string
		want         []string
	}{
		{
			name:   "unknown field",
			config: `{"programs": [{"name": "a", "command": ["/bin/true"], "restart": "always"}]}`,
			want:   []string{`unknown field "restart"`},
		},
		{
			name:   "no programs",
			config: `{"programs": []}`,
			want:   []string{"programs: is empty"},
		},
		{
			name: "several problems at once",
			config: `{"programs": [
				{"name": "a", "command": ["sleep", "1"]},
				{"name": "a", "command": ["/bin/sleep", "${MISSING}"]},
				{"command": []}
			]}`,
			want: []string{
				`programs[0].command[0]: "sleep" is not an absolute path`,
				`programs[1].name: "a" is used twice`,
				"programs[1].command[1]: environment variable MISSING is not set",
				"programs[2].name: is required",
				"programs[2].command: is required",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, tc.config)
			_, err := LoadConfig(path, lookupFrom(nil))
			if err == nil {
				t.Fatalf("LoadConfig(%s) = nil error, want %q", tc.config, tc.want)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("LoadConfig error\n%v\nlacks %q", err, want)
				}
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("LoadConfig error %q does not name the file %s", err, path)
			}
		})
	}
}

func TestRenderTemplatesExpandsTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	source := filepath.Join(dir, "prometheus.yml")
	target := filepath.Join(dir, "out", "prometheus.yml")
	if err := os.WriteFile(source, []byte("targets: ['127.0.0.1:${ROUTER_HTTP_PORT}']\ninterval: ${INTERVAL:-15s}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	err := RenderTemplates([]Template{{Source: source, Target: target}}, lookupFrom(map[string]string{"ROUTER_HTTP_PORT": "18080"}))
	if err != nil {
		t.Fatal(err)
	}

	got, err := os.ReadFile(target)
	want := "targets: ['127.0.0.1:18080']\ninterval: 15s\n"
	if err != nil || string(got) != want {
		t.Fatalf("rendered %q, %v; want %q", got, err, want)
	}
}
