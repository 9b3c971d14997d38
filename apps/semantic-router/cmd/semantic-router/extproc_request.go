package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// extprocAnswer is what `semantic-router extproc-request` prints: the
// router's answer to one request's headers and body, as Envoy would get it.
type extprocAnswer struct {
	// Status is 200 when the body was mutated and Envoy continues, or the
	// HTTP status of an immediate response.
	Status         int               `json:"status"`
	SetHeaders     map[string]string `json:"set_headers,omitempty"`
	RemovedHeaders []string          `json:"removed_headers,omitempty"`
	Body           json.RawMessage   `json:"body,omitempty"`
}

// extprocRequest is the `semantic-router extproc-request` subcommand: it
// plays Envoy's part of the ext_proc protocol for one chat-completion
// request against a running router and prints the answer as JSON.
func extprocRequest(ctx context.Context, args []string, output io.Writer) error {
	set := flag.NewFlagSet("semantic-router extproc-request", flag.ContinueOnError)
	set.SetOutput(output)
	addr := set.String("grpc-addr", "127.0.0.1:50051", "address of the router's ext_proc gRPC server")
	path := set.String("path", "/v1/chat/completions", "the request's :path")
	body := set.String("body", "", "the request body (an OpenAI chat completion, JSON)")
	timeout := set.Duration("timeout", 10*time.Second, "how long to wait for the answer")
	set.Usage = func() {
		fmt.Fprintf(output, "Usage: semantic-router extproc-request --body JSON [flags]\n\n"+
			"Sends one request's headers and body to a router's ext_proc server, as\n"+
			"Envoy does, and prints the answer as JSON.\n\nFlags:\n")
		set.PrintDefaults()
	}
	if err := set.Parse(args); err != nil {
		return err
	}
	if *body == "" {
		return fmt.Errorf("extproc-request: --body is required (a chat-completion JSON body)")
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("extproc-request: --grpc-addr %q: %w", *addr, err)
	}
	defer conn.Close()
	answer, err := exchangeRequest(ctx, extprocv3.NewExternalProcessorClient(conn), *path, []byte(*body))
	if err != nil {
		return fmt.Errorf("extproc-request: %s: %w", *addr, err)
	}

	encoder := json.NewEncoder(output)
	encoder.SetIndent("", "  ")
	return encoder.Encode(answer)
}

// exchangeRequest sends request_headers then request_body on one stream.
func exchangeRequest(ctx context.Context, client extprocv3.ExternalProcessorClient, path string, body []byte) (extprocAnswer, error) {
	stream, err := client.Process(ctx)
	if err != nil {
		return extprocAnswer{}, fmt.Errorf("opening the ext_proc stream: %w", err)
	}
	defer stream.CloseSend()

	headers := &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestHeaders{
		RequestHeaders: &extprocv3.HttpHeaders{Headers: &corev3.HeaderMap{Headers: []*corev3.HeaderValue{
			{Key: ":method", RawValue: []byte("POST")},
			{Key: ":path", RawValue: []byte(path)},
			{Key: "content-type", RawValue: []byte("application/json")},
			{Key: "content-length", RawValue: []byte(strconv.Itoa(len(body)))},
		}}},
	}}
	if _, err := send(stream, headers); err != nil {
		return extprocAnswer{}, fmt.Errorf("request_headers: %w", err)
	}
	bodyRequest := &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestBody{
		RequestBody: &extprocv3.HttpBody{Body: body, EndOfStream: true},
	}}
	response, err := send(stream, bodyRequest)
	if err != nil {
		return extprocAnswer{}, fmt.Errorf("request_body: %w", err)
	}

	return answerOf(response), nil
}

func send(stream grpc.BidiStreamingClient[extprocv3.ProcessingRequest, extprocv3.ProcessingResponse], request *extprocv3.ProcessingRequest) (*extprocv3.ProcessingResponse, error) {
	if err := stream.Send(request); err != nil {
		return nil, err
	}
	return stream.Recv()
}

func answerOf(response *extprocv3.ProcessingResponse) extprocAnswer {
	if immediate := response.GetImmediateResponse(); immediate != nil {
		return extprocAnswer{Status: int(immediate.GetStatus().GetCode()), Body: jsonOrString(immediate.GetBody())}
	}
	common := response.GetRequestBody().GetResponse()
	answer := extprocAnswer{Status: 200, SetHeaders: map[string]string{}}
	for _, option := range common.GetHeaderMutation().GetSetHeaders() {
		answer.SetHeaders[option.GetHeader().GetKey()] = string(option.GetHeader().GetRawValue())
	}
	answer.RemovedHeaders = common.GetHeaderMutation().GetRemoveHeaders()
	if mutated := common.GetBodyMutation().GetBody(); mutated != nil {
		answer.Body = jsonOrString(mutated)
	}
	return answer
}

// jsonOrString keeps a JSON body as JSON and quotes anything else.
func jsonOrString(body []byte) json.RawMessage {
	if json.Valid(body) {
		return body
	}
	quoted, _ := json.Marshal(string(body))
	return quoted
}
