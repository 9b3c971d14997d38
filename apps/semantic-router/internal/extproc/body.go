package extproc

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/chat"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/metrics"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// Headers the router sets on the upstream request, so Envoy routes and
// logs can use the decision.
const (
	HeaderSelectedModel = "x-selected-model"
	HeaderCategory      = "x-semantic-category"
)

// streamState is what one stream remembers between messages.
type streamState struct {
	headers map[string]string
	// passthrough is set once a body arrives in chunks: earlier chunks
	// have already gone upstream, so the body can no longer be rewritten.
	passthrough bool
}

func (s *streamState) rememberHeaders(headerMap *corev3.HeaderMap) {
	s.headers = map[string]string{}
	for _, header := range headerMap.GetHeaders() {
		value := header.GetValue()
		if value == "" {
			value = string(header.GetRawValue())
		}
		s.headers[strings.ToLower(header.GetKey())] = value
	}
}

// routesChat reports whether the request may be a chat completion. Bodies
// of other endpoints, such as embeddings, pass through untouched. Without
// a :path header (a test client, say) every body is treated as chat.
func (s *streamState) routesChat() bool {
	path, ok := s.headers[":path"]
	if !ok {
		return true
	}
	path, _, _ = strings.Cut(path, "?")
	return strings.HasSuffix(path, "/chat/completions")
}

func (s *Server) handleRequestBody(state *streamState, body *extprocv3.HttpBody) (response *extprocv3.ProcessingResponse) {
	defer func() {
		if recovered := recover(); recovered != nil {
			s.logger.Error("ext_proc request body panicked", "panic", fmt.Sprint(recovered), "stack", string(debug.Stack()))
			s.count(metrics.OutcomeError)
			response = errorResponse(500, "api_error", "the router failed on this request")
		}
	}()

	if state.passthrough || !body.GetEndOfStream() {
		if !state.passthrough {
			s.logger.Warn("request body arrives in chunks, passing it through unrouted (set request_body_mode: BUFFERED in the ext_proc filter)",
				"path", state.headers[":path"])
		}
		state.passthrough = true
		s.count(metrics.OutcomePassthrough)
		return continueRequestBody()
	}
	if !state.routesChat() {
		s.logger.Debug("request body passed through: not a chat completion", "path", state.headers[":path"])
		s.count(metrics.OutcomePassthrough)
		return continueRequestBody()
	}
	return s.routeBody(body.GetBody())
}

func (s *Server) routeBody(body []byte) *extprocv3.ProcessingResponse {
	request, err := chat.ParseRequest(body)
	if err != nil {
		return s.rejectRequest(err)
	}
	text, err := request.LastUserText()
	if err != nil {
		return s.rejectRequest(err)
	}

	decision, err := s.router.Route(text, router.SourceExtProc)
	if err != nil {
		s.logger.Error("routing request failed", "error", err)
		s.count(metrics.OutcomeError)
		return errorResponse(500, "api_error", "the router could not classify this request")
	}
	rewritten, err := request.WithModel(decision.Model)
	if err != nil {
		s.logger.Error("rewriting request model failed", "error", err)
		s.count(metrics.OutcomeError)
		return errorResponse(500, "api_error", "the router could not rewrite this request")
	}

	s.logger.Info("routed request", "source", router.SourceExtProc, "category", decision.Category,
		"confidence", decision.Confidence, "requested_model", request.Model, "model", decision.Model,
		"reason", decision.Reason)
	s.count(metrics.OutcomeRouted)
	return routedRequestBody(rewritten, decision)
}

func (s *Server) rejectRequest(err error) *extprocv3.ProcessingResponse {
	var invalid *chat.InvalidRequestError
	if !errors.As(err, &invalid) {
		s.logger.Error("reading request body failed", "error", err)
		s.count(metrics.OutcomeError)
		return errorResponse(500, "api_error", "the router could not read this request")
	}
	s.logger.Info("rejected request body", "reason", invalid.Message)
	s.count(metrics.OutcomeInvalid)
	return errorResponse(400, "invalid_request_error", invalid.Message)
}
