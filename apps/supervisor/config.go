package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultStopGrace is how long programs get to exit after SIGTERM before
// they are killed; Docker's own stop timeout is 10 s, so this stays below.
const DefaultStopGrace = 8 * time.Second

// Config is the supervisor's configuration file, read once at start.
type Config struct {
	// StopGraceSeconds is the time between SIGTERM and SIGKILL on stop.
	StopGraceSeconds float64 `json:"stop_grace_seconds"`
	// Templates are rendered, with environment variables expanded, before
	// any program starts: for programs whose own config cannot read the
	// environment (Prometheus, Envoy).
	Templates []Template `json:"templates"`
	// Programs are started in order and restarted whenever they exit.
	Programs []Program `json:"programs"`
}

// Template is one file rendered from Source to Target.
type Template struct {
	Source string `json:"source"`
	Target string `json:"target"`
}

// Program is one supervised process.
type Program struct {
	Name    string   `json:"name"`
	Command []string `json:"command"`
	// Env adds variables to the program's environment, expanded like
	// Command.
	Env map[string]string `json:"env"`
	// AbsentReason makes the program optional: when its executable does
	// not exist, the supervisor logs "<name>: not included (<reason>)" and
	// runs the others.
	AbsentReason string `json:"absent_reason"`
}

// StopGrace returns the configured grace period or the default.
func (c Config) StopGrace() time.Duration {
	if c.StopGraceSeconds <= 0 {
		return DefaultStopGrace
	}
	return time.Duration(c.StopGraceSeconds * float64(time.Second))
}

// LoadConfig reads the file at path, expands ${NAME} and ${NAME:-default}
// in commands and template paths with lookup, and reports every problem.
func LoadConfig(path string, lookup func(string) (string, bool)) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading %s: %w (pass an existing file with --config)", path, err)
	}
	var config Config
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&config); err != nil {
		return Config{}, fmt.Errorf("reading %s: %w (see apps/supervisor/README.md for the format)", path, err)
	}

	var problems []error
	expand := func(field, value string) string {
		expanded, err := Expand(value, lookup)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %s: %w", path, field, err))
		}
		return expanded
	}
	for i := range config.Templates {
		template := &config.Templates[i]
		template.Source = expand(fmt.Sprintf("templates[%d].source", i), template.Source)
		template.Target = expand(fmt.Sprintf("templates[%d].target", i), template.Target)
	}
	seen := map[string]bool{}
	for i := range config.Programs {
		program := &config.Programs[i]
		field := fmt.Sprintf("programs[%d]", i)
		switch {
		case program.Name == "":
			problems = append(problems, fmt.Errorf("%s: %s.name: is required", path, field))
		case seen[program.Name]:
			problems = append(problems, fmt.Errorf("%s: %s.name: %q is used twice (names must be unique)", path, field, program.Name))
		}
		seen[program.Name] = true
		if len(program.Command) == 0 {
			problems = append(problems, fmt.Errorf("%s: %s.command: is required (an argv list)", path, field))
			continue
		}
		for j, arg := range program.Command {
			program.Command[j] = expand(fmt.Sprintf("%s.command[%d]", field, j), arg)
		}
		for name, value := range program.Env {
			program.Env[name] = expand(fmt.Sprintf("%s.env.%s", field, name), value)
		}
		if !filepath.IsAbs(program.Command[0]) {
			problems = append(problems, fmt.Errorf("%s: %s.command[0]: %q is not an absolute path (no PATH lookup is done)", path, field, program.Command[0]))
		}
	}
	if len(config.Programs) == 0 {
		problems = append(problems, fmt.Errorf("%s: programs: is empty (list at least one program)", path))
	}
	return config, errors.Join(problems...)
}

// Expand replaces ${NAME} with the variable's value and ${NAME:-word}
// with the value, or word when the variable is unset or empty. A ${NAME}
// whose variable is unset is an error, so a typo never becomes "".
func Expand(text string, lookup func(string) (string, bool)) (string, error) {
	var out strings.Builder
	var missing []string
	for {
		start := strings.Index(text, "${")
		if start < 0 {
			out.WriteString(text)
			break
		}
		end := strings.IndexByte(text[start:], '}')
		if end < 0 {
			return "", fmt.Errorf("%q has an unclosed ${", text)
		}
		out.WriteString(text[:start])
		inner := text[start+2 : start+end]
		name, fallback, hasFallback := strings.Cut(inner, ":-")
		value, ok := lookup(name)
		switch {
		case ok && value != "":
			out.WriteString(value)
		case hasFallback:
			out.WriteString(fallback)
		case ok:
		default:
			missing = append(missing, name)
		}
		text = text[start+end+1:]
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("environment variable %s is not set (set it, or write ${%s:-default})",
			strings.Join(missing, ", "), missing[0])
	}
	return out.String(), nil
}

// RenderTemplates writes each template's source, expanded, to its target.
func RenderTemplates(templates []Template, lookup func(string) (string, bool)) error {
	for _, template := range templates {
		source, err := os.ReadFile(template.Source)
		if err != nil {
			return fmt.Errorf("rendering template: %w", err)
		}
		rendered, err := Expand(string(source), lookup)
		if err != nil {
			return fmt.Errorf("rendering template %s: %w", template.Source, err)
		}
		if err := os.MkdirAll(filepath.Dir(template.Target), 0o755); err != nil {
			return fmt.Errorf("rendering template %s: %w", template.Source, err)
		}
		if err := os.WriteFile(template.Target, []byte(rendered), 0o644); err != nil {
			return fmt.Errorf("rendering template %s: %w", template.Source, err)
		}
	}
	return nil
}
