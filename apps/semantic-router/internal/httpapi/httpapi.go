// Package httpapi serves the router's HTTP endpoints: health, direct
// classification, the recent-classifications feed and Prometheus metrics.
package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/recent"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// MaxBodyBytes bounds a classify request body.
const MaxBodyBytes = 1 << 20

// Router routes a text to a model and names the configured categories.
type Router interface {
	Route(text string, source router.Source) (router.Decision, error)
	Categories() []string
	DefaultModel() string
}

// Recent lists the newest routing decisions.
type Recent interface {
	Newest() []recent.Entry
}

// Options are what the handler serves from. Metrics may be nil, which
// leaves /metrics unanswered (404).
type Options struct {
	Router       Router
	Recent       Recent
	Metrics      http.Handler
	HistoryRows  int
	Logger       *slog.Logger
	Started      time.Time
	MaxBodyBytes int64
}

type api struct {
	Options
}

// New returns the HTTP handler for all endpoints.
func New(options Options) http.Handler {
	if options.Logger == nil {
		options.Logger = slog.New(slog.DiscardHandler)
	}
	if options.Started.IsZero() {
		options.Started = time.Now()
	}
	if options.MaxBodyBytes <= 0 {
		options.MaxBodyBytes = MaxBodyBytes
	}
	a := &api{Options: options}

	mux := http.NewServeMux()
	mux.Handle("/health", allow(a.health, http.MethodGet, http.MethodHead))
	mux.Handle("/api/v1/classify", allow(a.classify, http.MethodPost))
	mux.Handle("/api/v1/classifications/recent", allow(a.recent, http.MethodGet, http.MethodHead))
	if options.Metrics != nil {
		metrics := options.Metrics
		mux.Handle("/metrics", allow(metrics.ServeHTTP, http.MethodGet, http.MethodHead))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found_error", "no endpoint at "+r.URL.Path)
	})
	return mux
}

// allow answers other methods with 405, an Allow header and a JSON body;
// ServeMux's own 405 is plain text.
func allow(handler http.HandlerFunc, methods ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !slices.Contains(methods, r.Method) {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			writeError(w, http.StatusMethodNotAllowed, "invalid_request_error",
				r.Method+" is not allowed on "+r.URL.Path+" (use "+strings.Join(methods, " or ")+")")
			return
		}
		handler(w, r)
	})
}

type healthResponse struct {
	Status        string   `json:"status"`
	Categories    []string `json:"categories"`
	DefaultModel  string   `json:"default_model"`
	HistoryRows   int      `json:"history_rows"`
	UptimeSeconds float64  `json:"uptime_seconds"`
}

func (a *api) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, healthResponse{
		Status:        "ok",
		Categories:    a.Router.Categories(),
		DefaultModel:  a.Router.DefaultModel(),
		HistoryRows:   a.HistoryRows,
		UptimeSeconds: time.Since(a.Started).Seconds(),
	})
}

type recentResponse struct {
	Classifications []recent.Entry `json:"classifications"`
}

func (a *api) recent(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, recentResponse{Classifications: a.Recent.Newest()})
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(value)
}
