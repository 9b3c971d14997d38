// Package app assembles the router from its configuration and serves the
// ext_proc gRPC and HTTP endpoints until its context ends.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/config"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/engine"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/extproc"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/httpapi"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/metrics"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/recent"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// shutdownGrace bounds how long in-flight requests may finish after a
// stop signal before connections are cut.
const shutdownGrace = 10 * time.Second

// Options say where to read the configuration and where to serve.
type Options struct {
	ConfigPath   string
	GRPCListener net.Listener
	HTTPListener net.Listener
	Logger       *slog.Logger
}

// Run loads the configuration, the classifier and the routing history,
// then serves both listeners until ctx is done or one server fails. It
// closes the listeners.
func Run(ctx context.Context, options Options) error {
	logger := options.Logger
	started := time.Now()

	components, err := Open(options.ConfigPath, logger)
	if err != nil {
		options.GRPCListener.Close()
		options.HTTPListener.Close()
		return err
	}
	defer components.Close()

	grpcServer := newGRPCServer(components, logger)
	httpServer := &http.Server{
		Handler: httpapi.New(httpapi.Options{
			Router:      components.Router,
			Recent:      components.Recent,
			Metrics:     components.Metrics.Handler(),
			HistoryRows: components.Selector.Len(),
			Logger:      logger,
			Started:     started,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	failed := make(chan error, 2)
	go func() {
		logger.Info("serving ext_proc gRPC", "address", options.GRPCListener.Addr().String())
		failed <- grpcServer.Serve(options.GRPCListener)
	}()
	go func() {
		logger.Info("serving HTTP", "address", options.HTTPListener.Addr().String())
		failed <- httpServer.Serve(options.HTTPListener)
	}()

	var serveErr error
	select {
	case <-ctx.Done():
		logger.Info("shutting down", "cause", context.Cause(ctx))
	case serveErr = <-failed:
		logger.Error("server stopped unexpectedly, shutting down", "error", serveErr)
	}
	shutdown(grpcServer, httpServer, logger)
	return serveErr
}

func newGRPCServer(components *Components, logger *slog.Logger) *grpc.Server {
	server := grpc.NewServer()
	extprocv3.RegisterExternalProcessorServer(server,
		extproc.NewServer(components.Router, components.Metrics, logger))

	healthServer := health.NewServer()
	healthServer.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	healthServer.SetServingStatus(extprocv3.ExternalProcessor_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(server, healthServer)
	return server
}

func shutdown(grpcServer *grpc.Server, httpServer *http.Server, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()

	if err := httpServer.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("HTTP shutdown cut open connections", "error", err)
	}
	stopped := make(chan struct{})
	go func() {
		grpcServer.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-ctx.Done():
		logger.Warn("ext_proc streams still open after the grace period, closing them", "grace", shutdownGrace)
		grpcServer.Stop()
	}
	logger.Info("shut down")
}

// Components are the long-lived parts of a running router.
type Components struct {
	Config     *config.Config
	Classifier *engine.Classifier
	Selector   *engine.Selector
	Router     *router.Router
	Recent     *recent.Log
	Metrics    *metrics.Metrics
}

// Open builds the router from the configuration at configPath.
func Open(configPath string, logger *slog.Logger) (*Components, error) {
	logger.Info("loading classifier")
	classifier, err := engine.OpenClassifier("")
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(configPath, classifier.Categories())
	if err != nil {
		classifier.Close()
		return nil, err
	}
	logger.Info("loaded config", "path", configPath, "categories", len(cfg.Categories), "k", cfg.K)

	rows, err := config.LoadHistory(cfg.RoutingHistory)
	if err != nil {
		classifier.Close()
		return nil, err
	}
	warnUnknownHistoryModels(cfg, rows, logger)
	logger.Info("embedding routing history", "path", cfg.RoutingHistory, "rows", len(rows))
	selector, err := engine.BuildSelector(classifier, rows, cfg.RoutingHistory)
	if err != nil {
		classifier.Close()
		return nil, err
	}
	logger.Info("embedded routing history", "rows", selector.Len())

	recentLog := recent.NewLog(recent.DefaultCapacity)
	registry := metrics.New()
	return &Components{
		Config:     cfg,
		Classifier: classifier,
		Selector:   selector,
		Router:     router.New(cfg, classifier, selector, recentLog, registry),
		Recent:     recentLog,
		Metrics:    registry,
	}, nil
}

// Close frees the selector and the classifier.
func (c *Components) Close() {
	c.Selector.Close()
	c.Classifier.Close()
}

// warnUnknownHistoryModels names history models no category lists: their
// rows can never win, which is usually a typo.
func warnUnknownHistoryModels(cfg *config.Config, rows []config.HistoryRow, logger *slog.Logger) {
	configured := map[string]bool{}
	for _, category := range cfg.Categories {
		for _, model := range category.Models {
			configured[model] = true
		}
	}
	reported := map[string]bool{}
	for _, row := range rows {
		if configured[row.Model] || reported[row.Model] {
			continue
		}
		reported[row.Model] = true
		logger.Warn("routing history names a model no category lists; its rows are never chosen",
			"model", row.Model, "location", fmt.Sprintf("%s:%d", cfg.RoutingHistory, row.Line))
	}
}
