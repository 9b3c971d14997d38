// Package metrics defines the router's Prometheus metrics.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// Outcomes of one ext_proc request, the values of the "outcome" label.
const (
	OutcomeRouted       = "routed"
	OutcomeInvalid      = "invalid_request"
	OutcomeError        = "error"
	OutcomePassthrough  = "passthrough"
	OutcomeStreamFailed = "stream_error"
)

// Metrics owns a private registry so tests can create as many as they
// like without clashing on the global one.
type Metrics struct {
	registry        *prometheus.Registry
	classifications *prometheus.CounterVec
	selections      *prometheus.CounterVec
	extProcRequests *prometheus.CounterVec
	routeErrors     *prometheus.CounterVec
	routeDuration   *prometheus.HistogramVec
}

// New registers the router's metrics and the Go runtime collectors.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		classifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "semantic_router_classifications_total",
			Help: "Texts classified, by category.",
		}, []string{"category"}),
		selections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "semantic_router_model_selections_total",
			Help: "Models chosen, by model and the rule that chose it.",
		}, []string{"model", "reason"}),
		extProcRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "semantic_router_extproc_requests_total",
			Help: "Request bodies handled by the ext_proc server, by outcome.",
		}, []string{"outcome"}),
		routeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "semantic_router_route_errors_total",
			Help: "Routing calls that failed in the classifier or selector, by source.",
		}, []string{"source"}),
		routeDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "semantic_router_route_duration_seconds",
			Help:    "Time to classify a text and select its model, by source.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"source"}),
	}
	m.registry.MustRegister(
		m.classifications, m.selections, m.extProcRequests, m.routeErrors, m.routeDuration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Observe counts a routing event.
func (m *Metrics) Observe(event router.Event) {
	source := string(event.Source)
	m.routeDuration.WithLabelValues(source).Observe(event.Duration.Seconds())
	if event.Err != nil {
		m.routeErrors.WithLabelValues(source).Inc()
		return
	}

	category := event.Decision.Category
	if category == "" {
		category = "none"
	}
	m.classifications.WithLabelValues(category).Inc()
	m.selections.WithLabelValues(event.Decision.Model, string(event.Decision.Reason)).Inc()
}

// ExtProcRequest counts one ext_proc request body by its outcome.
func (m *Metrics) ExtProcRequest(outcome string) {
	m.extProcRequests.WithLabelValues(outcome).Inc()
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
