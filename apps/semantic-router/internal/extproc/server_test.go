package extproc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/app"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/extproc"
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

// startServer serves ext_proc on a loopback port and returns a client.
func startServer(t *testing.T) extprocv3.ExternalProcessorClient {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	server := grpc.NewServer()
	extprocv3.RegisterExternalProcessorServer(server,
		extproc.NewServer(components.Router, components.Metrics, slog.New(slog.DiscardHandler)))
	go server.Serve(listener)
	t.Cleanup(server.Stop)

	conn, err := grpc.NewClient(listener.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial %s: %v", listener.Addr(), err)
	}
	t.Cleanup(func() { conn.Close() })
	return extprocv3.NewExternalProcessorClient(conn)
}

func openStream(t *testing.T) extprocv3.ExternalProcessor_ProcessClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	stream, err := startServer(t).Process(ctx)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return stream
}

func exchange(t *testing.T, stream extprocv3.ExternalProcessor_ProcessClient, request *extprocv3.ProcessingRequest) *extprocv3.ProcessingResponse {
	t.Helper()
	if err := stream.Send(request); err != nil {
		t.Fatalf("Send: %v", err)
	}
	response, err := stream.Recv()
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	return response
}

func requestHeaders(path string) *extprocv3.ProcessingRequest {
	return &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestHeaders{
		RequestHeaders: &extprocv3.HttpHeaders{Headers: &corev3.HeaderMap{Headers: []*corev3.HeaderValue{
			{Key: ":method", RawValue: []byte("POST")},
			{Key: ":path", RawValue: []byte(path)},
			{Key: "content-type", RawValue: []byte("application/json")},
			{Key: "content-length", RawValue: []byte("120")},
		}}},
	}}
}

func requestBody(body string, endOfStream bool) *extprocv3.ProcessingRequest {
	return &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestBody{
		RequestBody: &extprocv3.HttpBody{Body: []byte(body), EndOfStream: endOfStream},
	}}
}

func headerValues(mutation *extprocv3.HeaderMutation) map[string]string {
	values := map[string]string{}
	for _, option := range mutation.GetSetHeaders() {
		values[option.GetHeader().GetKey()] = string(option.GetHeader().GetRawValue())
	}
	return values
}

func TestProcessRewritesTheModelOfAChatCompletion(t *testing.T) {
	stream := openStream(t)

	headersResponse := exchange(t, stream, requestHeaders("/v1/chat/completions"))
	if status := headersResponse.GetRequestHeaders().GetResponse().GetStatus(); status != extprocv3.CommonResponse_CONTINUE {
		t.Fatalf("request_headers answer status = %v, want CONTINUE (response %v)", status, headersResponse)
	}

	body := `{"model":"auto","messages":[{"role":"system","content":"You are terse."},` +
		`{"role":"user","content":[{"type":"text","text":"What is the derivative of x squared?"}]}],` +
		`"temperature":0.2,"x_vendor":{"trace":"abc"}}`
	bodyResponse := exchange(t, stream, requestBody(body, true)).GetRequestBody().GetResponse()
	if bodyResponse == nil {
		t.Fatal("request_body answer has no BodyResponse")
	}

	var rewritten map[string]any
	if err := json.Unmarshal(bodyResponse.GetBodyMutation().GetBody(), &rewritten); err != nil {
		t.Fatalf("mutated body is not JSON: %v: %s", err, bodyResponse.GetBodyMutation().GetBody())
	}
	model, _ := rewritten["model"].(string)
	if candidates := components.Config.Candidates("math"); !slices.Contains(candidates, model) {
		t.Errorf("mutated model = %q, want one of the math candidates %v", model, candidates)
	}
	if rewritten["temperature"] != 0.2 || rewritten["x_vendor"] == nil || len(rewritten["messages"].([]any)) != 2 {
		t.Errorf("mutated body lost fields: %s", bodyResponse.GetBodyMutation().GetBody())
	}

	headers := headerValues(bodyResponse.GetHeaderMutation())
	if headers[extproc.HeaderSelectedModel] != model || headers[extproc.HeaderCategory] != "math" {
		t.Errorf("set headers = %v, want %s=%s and %s=math", headers, extproc.HeaderSelectedModel, model, extproc.HeaderCategory)
	}
	if removed := bodyResponse.GetHeaderMutation().GetRemoveHeaders(); !slices.Contains(removed, "content-length") {
		t.Errorf("removed headers = %v, want content-length", removed)
	}
	if !bodyResponse.GetClearRouteCache() {
		t.Error("ClearRouteCache = false, want true so Envoy re-routes on x-selected-model")
	}
}

func TestProcessRejectsMalformedBodiesWith400(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"not JSON", `{"model": "auto", "messages": [`, "not a JSON object"},
		{"no messages", `{"model":"auto"}`, "messages: is required"},
		{"no user message", `{"messages":[{"role":"system","content":"hi"}]}`, `no message with role "user"`},
		{"content of the wrong type", `{"messages":[{"role":"user","content":{"text":"hi"}}]}`, "messages[0].content"},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stream := openStream(t)
			exchange(t, stream, requestHeaders("/v1/chat/completions"))

			immediate := exchange(t, stream, requestBody(tc.body, true)).GetImmediateResponse()
			if immediate == nil {
				t.Fatal("answer is not an ImmediateResponse")
			}
			if code := immediate.GetStatus().GetCode(); code != 400 {
				t.Errorf("status = %d, want 400", code)
			}
			var body extproc.ErrorBody
			if err := json.Unmarshal(immediate.GetBody(), &body); err != nil {
				t.Fatalf("error body is not JSON: %v: %s", err, immediate.GetBody())
			}
			if body.Error.Type != "invalid_request_error" || !strings.Contains(body.Error.Message, tc.want) {
				t.Errorf("error = %+v, want invalid_request_error containing %q", body.Error, tc.want)
			}
			if headerValues(immediate.GetHeaders())["content-type"] != "application/json" {
				t.Errorf("headers = %v, want content-type application/json", immediate.GetHeaders())
			}
		})
	}
}

func TestProcessContinuesResponsePhases(t *testing.T) {
	stream := openStream(t)
	responseHeaders := &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_ResponseHeaders{
		ResponseHeaders: &extprocv3.HttpHeaders{Headers: &corev3.HeaderMap{}},
	}}
	responseBody := &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_ResponseBody{
		ResponseBody: &extprocv3.HttpBody{Body: []byte(`{"choices":[]}`), EndOfStream: true},
	}}
	responseTrailers := &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_ResponseTrailers{
		ResponseTrailers: &extprocv3.HttpTrailers{},
	}}

	if got := exchange(t, stream, responseHeaders).GetResponseHeaders().GetResponse().GetStatus(); got != extprocv3.CommonResponse_CONTINUE {
		t.Errorf("response_headers status = %v, want CONTINUE", got)
	}
	if got := exchange(t, stream, responseBody).GetResponseBody(); got == nil || got.GetResponse().GetBodyMutation() != nil {
		t.Errorf("response_body answer = %v, want an unmutated BodyResponse", got)
	}
	if got := exchange(t, stream, responseTrailers).GetResponseTrailers(); got == nil {
		t.Error("response_trailers answer is missing")
	}
}

func TestProcessPassesThroughOtherEndpointsAndChunkedBodies(t *testing.T) {
	tests := []struct {
		name        string
		path        string
		endOfStream bool
	}{
		{"embeddings endpoint", "/v1/embeddings", true},
		{"body in chunks", "/v1/chat/completions", false},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stream := openStream(t)
			exchange(t, stream, requestHeaders(tc.path))

			response := exchange(t, stream, requestBody(`{"input":"hello"}`, tc.endOfStream))
			body := response.GetRequestBody()
			if body == nil || body.GetResponse().GetBodyMutation() != nil || body.GetResponse().GetHeaderMutation() != nil {
				t.Errorf("answer = %v, want a BodyResponse without mutations", response)
			}
		})
	}
}

func TestProcessServesManyRequestsOnOneConnection(t *testing.T) {
	client := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for i, text := range []string{"Write a Rust function that sums a vector.", "Who won the battle of Hastings?"} {
		stream, err := client.Process(ctx)
		if err != nil {
			t.Fatalf("Process %d: %v", i, err)
		}
		body := fmt.Sprintf(`{"messages":[{"role":"user","content":%q}]}`, text)
		response := exchange(t, stream, requestBody(body, true))
		if headerValues(response.GetRequestBody().GetResponse().GetHeaderMutation())[extproc.HeaderSelectedModel] == "" {
			t.Errorf("request %d: no %s header in %v", i, extproc.HeaderSelectedModel, response)
		}
		if err := stream.CloseSend(); err != nil {
			t.Errorf("CloseSend %d: %v", i, err)
		}
	}
}
