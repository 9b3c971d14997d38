// Command semantic-router is an Envoy external processor that routes each
// chat-completion request to a model chosen by the meaning of its text.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	var err error
	switch subcommand(os.Args) {
	case "healthcheck":
		err = healthcheck(ctx, os.Args[2:], os.Stdout)
	case "extproc-request":
		err = extprocRequest(ctx, os.Args[2:], os.Stdout)
	default:
		err = run(ctx, os.Args[1:], os.Stderr)
	}
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "semantic-router:", err)
		os.Exit(1)
	}
}

// subcommand names the tool subcommand in args, or "" for the server.
func subcommand(args []string) string {
	if len(args) > 1 {
		switch args[1] {
		case "healthcheck", "extproc-request":
			return args[1]
		}
	}
	return ""
}

// flags are the command-line options.
type flags struct {
	configPath string
	grpcAddr   string
	httpAddr   string
	logFormat  string
	logLevel   slog.Level
}

func parseFlags(args []string, output io.Writer) (flags, error) {
	var parsed flags
	set := flag.NewFlagSet("semantic-router", flag.ContinueOnError)
	set.SetOutput(output)
	set.StringVar(&parsed.configPath, "config", "config/config.yaml", "path of the YAML configuration")
	set.StringVar(&parsed.grpcAddr, "grpc-addr", ":50051", "address of the Envoy ext_proc gRPC server")
	set.StringVar(&parsed.httpAddr, "http-addr", ":8080", "address of the HTTP API (health, classify, metrics)")
	set.StringVar(&parsed.logFormat, "log-format", "json", "log format: json or text")
	set.TextVar(&parsed.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	set.Usage = func() {
		fmt.Fprintf(output, "Usage: semantic-router [flags]\n       semantic-router healthcheck [--http-addr=ADDR]\n"+
			"       semantic-router extproc-request --body JSON [--grpc-addr=ADDR]\n\n"+
			"Routes chat-completion requests passing through Envoy to a model chosen\n"+
			"by their category and the nearest requests of the routing history.\n\nFlags:\n")
		set.PrintDefaults()
	}

	if err := set.Parse(args); err != nil {
		return flags{}, err
	}
	if set.NArg() > 0 {
		return flags{}, fmt.Errorf("unexpected argument %q (all options are flags; see --help)", set.Arg(0))
	}
	if parsed.logFormat != "json" && parsed.logFormat != "text" {
		return flags{}, fmt.Errorf("--log-format: %q is not a log format (use json or text)", parsed.logFormat)
	}
	return parsed, nil
}

// run serves until ctx ends. Logs go to logOutput.
func run(ctx context.Context, args []string, logOutput io.Writer) error {
	parsed, err := parseFlags(args, logOutput)
	if err != nil {
		return err
	}
	logger := newLogger(parsed, logOutput)

	grpcListener, err := net.Listen("tcp", parsed.grpcAddr)
	if err != nil {
		return fmt.Errorf("--grpc-addr: listening on %s: %w (choose a free address)", parsed.grpcAddr, err)
	}
	httpListener, err := net.Listen("tcp", parsed.httpAddr)
	if err != nil {
		grpcListener.Close()
		return fmt.Errorf("--http-addr: listening on %s: %w (choose a free address)", parsed.httpAddr, err)
	}

	logger.Info("starting semantic-router", "config", parsed.configPath)
	return app.Run(ctx, app.Options{
		ConfigPath:   parsed.configPath,
		GRPCListener: grpcListener,
		HTTPListener: httpListener,
		Logger:       logger,
	})
}

func newLogger(parsed flags, output io.Writer) *slog.Logger {
	options := &slog.HandlerOptions{Level: parsed.logLevel}
	if parsed.logFormat == "text" {
		return slog.New(slog.NewTextHandler(output, options))
	}
	return slog.New(slog.NewJSONHandler(output, options))
}
