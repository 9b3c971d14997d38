package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthcheck is the `semantic-router healthcheck` subcommand: it asks a
// running router's HTTP API for /health and fails unless it answers 200.
// Images use it as their HEALTHCHECK because distroless bases have no curl.
func healthcheck(ctx context.Context, args []string, output io.Writer) error {
	set := flag.NewFlagSet("semantic-router healthcheck", flag.ContinueOnError)
	set.SetOutput(output)
	addr := set.String("http-addr", "127.0.0.1:8080", "address of the router's HTTP API")
	timeout := set.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	set.Usage = func() {
		fmt.Fprintf(output, "Usage: semantic-router healthcheck [flags]\n\n"+
			"Exits 0 when the router at --http-addr answers GET /health with 200.\n\nFlags:\n")
		set.PrintDefaults()
	}
	if err := set.Parse(args); err != nil {
		return err
	}

	host := *addr
	if strings.HasPrefix(host, ":") {
		host = net.JoinHostPort("127.0.0.1", strings.TrimPrefix(host, ":"))
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/health", nil)
	if err != nil {
		return fmt.Errorf("healthcheck: --http-addr %q: %w", *addr, err)
	}

	response, err := http.DefaultClient.Do(request)
	if err != nil {
		return fmt.Errorf("healthcheck: GET http://%s/health: %w", host, err)
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET http://%s/health answered %s", host, response.Status)
	}
	fmt.Fprintln(output, "healthy")
	return nil
}
