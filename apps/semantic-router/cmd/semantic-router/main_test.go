package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

var shippedConfig = filepath.Join("..", "..", "config", "config.yaml")

// freeAddress reserves a loopback port and releases it for the server.
func freeAddress(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer listener.Close()
	return listener.Addr().String()
}

// syncBuffer collects logs written by the server goroutine.
type syncBuffer struct {
	mu     sync.Mutex
	buffer bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buffer.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buffer.String()
}

// waitForHealth polls /health until it answers 200 or the deadline passes.
func waitForHealth(t *testing.T, httpAddr string, done <-chan error, logs interface{ String() string }) []byte {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("server exited before becoming healthy: %v\nlogs:\n%s", err, logs)
		default:
		}
		response, err := http.Get("http://" + httpAddr + "/health")
		if err == nil {
			body, _ := io.ReadAll(response.Body)
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return body
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("/health did not answer 200 within 2 minutes\nlogs:\n%s", logs)
	return nil
}

func TestRunServesHealthAndStopsWhenCancelled(t *testing.T) {
	grpcAddr, httpAddr := freeAddress(t), freeAddress(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--config", shippedConfig, "--grpc-addr", grpcAddr, "--http-addr", httpAddr}, logs)
	}()

	body := waitForHealth(t, httpAddr, done, logs)
	if !strings.Contains(string(body), `"status":"ok"`) {
		t.Errorf("/health body = %s, want status ok", body)
	}
	checkGRPCHealth(t, grpcAddr)
	var probe bytes.Buffer
	if err := healthcheck(ctx, []string{"--http-addr", httpAddr}, &probe); err != nil {
		t.Errorf("healthcheck against a running router = %v, want nil", err)
	}
	checkExtprocRequest(t, ctx, grpcAddr)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run returned %v after cancel, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return within 30s of cancel")
	}
	if !strings.Contains(logs.String(), `"msg":"shut down"`) {
		t.Errorf("logs have no shutdown line:\n%s", logs)
	}
}

func checkGRPCHealth(t *testing.T, grpcAddr string) {
	t.Helper()
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial %s: %v", grpcAddr, err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	response, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{
		Service: "envoy.service.ext_proc.v3.ExternalProcessor",
	})
	if err != nil || response.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("gRPC health = %v (err %v), want SERVING", response.GetStatus(), err)
	}
}

func TestRunFailsOnAnInvalidConfigNamingTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("default_model: qwen3-8b\nrouting_history: h.tsv\ncategories: []\nretries: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	err := run(context.Background(), []string{"--config", path, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, io.Discard)

	if err == nil {
		t.Fatal("run succeeded, want a config error")
	}
	for _, want := range []string{path + ":4: retries: unknown field", path + ":3: categories: must list at least one category"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("run error:\n got: %v\nwant: containing %q", err, want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    flags
		wantErr string
	}{
		{name: "defaults", args: nil, want: flags{configPath: "config/config.yaml", grpcAddr: ":50051", httpAddr: ":8080", logFormat: "json"}},
		{name: "all set", args: []string{"--config", "c.yaml", "--grpc-addr", "127.0.0.1:1", "--http-addr", "127.0.0.1:2", "--log-format", "text", "--log-level", "debug"},
			want: flags{configPath: "c.yaml", grpcAddr: "127.0.0.1:1", httpAddr: "127.0.0.1:2", logFormat: "text", logLevel: -4}},
		{name: "bad log format", args: []string{"--log-format", "xml"}, wantErr: `--log-format: "xml" is not a log format`},
		{name: "stray argument", args: []string{"serve"}, wantErr: `unexpected argument "serve"`},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFlags(tc.args, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("parseFlags error = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("parseFlags = %+v (err %v), want %+v", got, err, tc.want)
			}
		})
	}
}

func TestHelpPrintsUsage(t *testing.T) {
	var output bytes.Buffer

	err := run(context.Background(), []string{"--help"}, &output)

	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(--help) = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"Usage: semantic-router", "-config", "-grpc-addr", "-http-addr"} {
		if !strings.Contains(output.String(), want) {
			t.Errorf("usage has no %q:\n%s", want, output.String())
		}
	}
}

// TestCompiledServerStopsOnSIGTERM builds the command with the test's own
// cgo environment and checks the whole process: start, serve, signal, exit 0.
func TestCompiledServerStopsOnSIGTERM(t *testing.T) {
	binary := filepath.Join(t.TempDir(), "semantic-router")
	build := exec.Command("go", "build", "-o", binary, ".")
	if output, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, output)
	}
	grpcAddr, httpAddr := freeAddress(t), freeAddress(t)
	logs := &syncBuffer{}
	server := exec.Command(binary, "--config", shippedConfig, "--grpc-addr", grpcAddr, "--http-addr", httpAddr, "--log-format", "text")
	server.Stdout, server.Stderr = logs, logs
	if err := server.Start(); err != nil {
		t.Fatalf("starting %s: %v", binary, err)
	}
	done := make(chan error, 1)
	go func() { done <- server.Wait() }()
	defer server.Process.Kill()

	waitForHealth(t, httpAddr, done, logs)
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}

	select {
	case err := <-done:
		if err != nil {
			t.Errorf("server exited with %v after SIGTERM, want exit 0\nlogs:\n%s", err, logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("server still running 30s after SIGTERM\nlogs:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "msg=\"shut down\"") {
		t.Errorf("logs have no shutdown line:\n%s", logs)
	}
}

func TestHealthcheckFailsWhenNothingListens(t *testing.T) {
	addr := freeAddress(t)
	var output bytes.Buffer

	err := healthcheck(context.Background(), []string{"--http-addr", addr, "--timeout", "2s"}, &output)

	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("healthcheck with nothing on %s = %v, want an error naming the address", addr, err)
	}
}

func checkExtprocRequest(t *testing.T, ctx context.Context, grpcAddr string) {
	t.Helper()
	tests := []struct {
		name         string
		body         string
		wantStatus   int
		wantCategory string
	}{
		{"math question", `{"model":"auto","messages":[{"role":"user","content":"What is the derivative of x squared?"}]}`, 200, "math"},
		{"body without messages", `{"model":"auto"}`, 400, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var output bytes.Buffer
			if err := extprocRequest(ctx, []string{"--grpc-addr", grpcAddr, "--body", tc.body}, &output); err != nil {
				t.Fatalf("extproc-request = %v", err)
			}
			var answer extprocAnswer
			if err := json.Unmarshal(output.Bytes(), &answer); err != nil {
				t.Fatalf("extproc-request printed no JSON answer: %v\n%s", err, output.String())
			}
			if answer.Status != tc.wantStatus {
				t.Errorf("status = %d, want %d (answer %s)", answer.Status, tc.wantStatus, output.String())
			}
			if got := answer.SetHeaders["x-semantic-category"]; got != tc.wantCategory {
				t.Errorf("x-semantic-category = %q, want %q", got, tc.wantCategory)
			}
		})
	}
}
