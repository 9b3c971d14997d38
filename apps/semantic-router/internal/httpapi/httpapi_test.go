package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/app"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/httpapi"
)

// components is the real router built from the shipped configuration.
var components *app.Components

func TestMain(m *testing.M) {
	var err error
	components, err = app.Open(filepath.Join("..", "..", "config", "config.yaml"), slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	components.Close()
	os.Exit(code)
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	server := httptest.NewServer(httpapi.New(httpapi.Options{
		Router:       components.Router,
		Recent:       components.Recent,
		Metrics:      components.Metrics.Handler(),
		HistoryRows:  components.Selector.Len(),
		MaxBodyBytes: httpapi.MaxBodyBytes,
	}))
	t.Cleanup(server.Close)
	return server
}

func do(t *testing.T, method, url, body string) (*http.Response, []byte) {
	t.Helper()
	request, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer response.Body.Close()
	data, err := io.ReadAll(response.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", method, url, err)
	}
	return response, data
}

func TestHealthReportsOK(t *testing.T) {
	server := newServer(t)

	response, body := do(t, http.MethodGet, server.URL+"/health", "")

	if response.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", response.StatusCode, body)
	}
	var health struct {
		Status      string   `json:"status"`
		Categories  []string `json:"categories"`
		HistoryRows int      `json:"history_rows"`
	}
	if err := json.Unmarshal(body, &health); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	if health.Status != "ok" || !slices.Contains(health.Categories, "math") || health.HistoryRows < 60 {
		t.Errorf("health = %+v, want status ok, category math and the shipped history", health)
	}
}

func TestClassifyRoutesRealText(t *testing.T) {
	server := newServer(t)

	response, body := do(t, http.MethodPost, server.URL+"/api/v1/classify", `{"text":"What is the derivative of x squared?"}`)

	if response.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", response.StatusCode, body)
	}
	var got httpapi.ClassifyResponse
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	if got.Category != "math" {
		t.Errorf("category = %q, want math", got.Category)
	}
	if candidates := components.Config.Candidates("math"); !slices.Contains(candidates, got.Model) {
		t.Errorf("model = %q, want one of %v", got.Model, candidates)
	}
	if got.Confidence <= 0 || got.Confidence > 1 {
		t.Errorf("confidence = %v, want in (0, 1]", got.Confidence)
	}
}

func TestClassifyRejectsBadRequests(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantError  string
	}{
		{"not JSON", `text=hello`, http.StatusBadRequest, "not valid JSON"},
		{"text missing", `{"prompt":"hello"}`, http.StatusBadRequest, "text: is required"},
		{"text empty", `{"text":"   "}`, http.StatusBadRequest, "text: must not be empty"},
		{"text not a string", `{"text":42}`, http.StatusBadRequest, "not valid JSON"},
		{"two objects", `{"text":"a"}{"text":"b"}`, http.StatusBadRequest, "data after the JSON object"},
		{"body over 1 MiB", `{"text":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge, "larger than 1048576 bytes"},
	}
	server := newServer(t)

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			response, body := do(t, http.MethodPost, server.URL+"/api/v1/classify", tc.body)

			if response.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", response.StatusCode, tc.wantStatus)
			}
			var got httpapi.ErrorResponse
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, body)
			}
			if !strings.Contains(got.Error.Message, tc.wantError) {
				t.Errorf("error message = %q, want containing %q", got.Error.Message, tc.wantError)
			}
		})
	}
}

func TestRecentListsNewestClassificationsFirst(t *testing.T) {
	server := newServer(t)
	for _, text := range []string{"Write a Go function that reverses a slice.", "Explain the causes of the French Revolution."} {
		if response, body := do(t, http.MethodPost, server.URL+"/api/v1/classify", fmt.Sprintf(`{"text":%q}`, text)); response.StatusCode != http.StatusOK {
			t.Fatalf("classify %q: status %d: %s", text, response.StatusCode, body)
		}
	}

	response, body := do(t, http.MethodGet, server.URL+"/api/v1/classifications/recent", "")

	if response.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", response.StatusCode, body)
	}
	var got struct {
		Classifications []struct {
			Text     string `json:"text"`
			Category string `json:"category"`
			Model    string `json:"model"`
			Source   string `json:"source"`
		} `json:"classifications"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	if len(got.Classifications) < 2 {
		t.Fatalf("got %d classifications, want at least 2: %s", len(got.Classifications), body)
	}
	newest := got.Classifications[0]
	if newest.Text != "Explain the causes of the French Revolution." || newest.Source != "http" || newest.Model == "" {
		t.Errorf("newest = %+v, want the French Revolution text from http with a model", newest)
	}
}

func TestMetricsCountClassifications(t *testing.T) {
	server := newServer(t)
	do(t, http.MethodPost, server.URL+"/api/v1/classify", `{"text":"What is the integral of cos x?"}`)

	response, body := do(t, http.MethodGet, server.URL+"/metrics", "")

	if response.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", response.StatusCode)
	}
	for _, want := range []string{
		`semantic_router_classifications_total{category="math"}`,
		"semantic_router_model_selections_total{model=",
		`semantic_router_route_duration_seconds_bucket{source="http"`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics have no %s", want)
		}
	}
}

func TestWrongMethodsAndPathsAnswerJSON(t *testing.T) {
	tests := []struct {
		method     string
		path       string
		wantStatus int
		wantAllow  string
	}{
		{http.MethodGet, "/api/v1/classify", http.StatusMethodNotAllowed, "POST"},
		{http.MethodPost, "/health", http.StatusMethodNotAllowed, "GET, HEAD"},
		{http.MethodDelete, "/api/v1/classifications/recent", http.StatusMethodNotAllowed, "GET, HEAD"},
		{http.MethodGet, "/api/v2/unknown", http.StatusNotFound, ""},
	}
	server := newServer(t)

	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			response, body := do(t, tc.method, server.URL+tc.path, "")

			if response.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", response.StatusCode, tc.wantStatus)
			}
			if got := response.Header.Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
			if !json.Valid(body) || response.Header.Get("Content-Type") != "application/json" {
				t.Errorf("body %q (%s) is not a JSON error", body, response.Header.Get("Content-Type"))
			}
		})
	}
}
