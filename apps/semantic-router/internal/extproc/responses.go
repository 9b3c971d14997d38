package extproc

import (
	"encoding/json"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// ErrorBody is the OpenAI-style error document sent to clients.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Message string `json:"message"`
	Type    string `json:"type"`
}

// continueResponse is built fresh each time: proto messages cache their
// size while being marshalled, so one shared value would race.
func continueResponse() *extprocv3.CommonResponse {
	return &extprocv3.CommonResponse{Status: extprocv3.CommonResponse_CONTINUE}
}

func continueRequestHeaders() *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_RequestHeaders{
		RequestHeaders: &extprocv3.HeadersResponse{Response: continueResponse()},
	}}
}

func continueRequestBody() *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_RequestBody{
		RequestBody: &extprocv3.BodyResponse{Response: continueResponse()},
	}}
}

func continueRequestTrailers() *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_RequestTrailers{
		RequestTrailers: &extprocv3.TrailersResponse{},
	}}
}

func continueResponseHeaders() *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ResponseHeaders{
		ResponseHeaders: &extprocv3.HeadersResponse{Response: continueResponse()},
	}}
}

func continueResponseBody() *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ResponseBody{
		ResponseBody: &extprocv3.BodyResponse{Response: continueResponse()},
	}}
}

func continueResponseTrailers() *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ResponseTrailers{
		ResponseTrailers: &extprocv3.TrailersResponse{},
	}}
}

// routedRequestBody replaces the body and sets the decision headers. The
// route cache is cleared so Envoy can pick a cluster by x-selected-model.
func routedRequestBody(body []byte, decision router.Decision) *extprocv3.ProcessingResponse {
	headers := []*corev3.HeaderValueOption{setHeader(HeaderSelectedModel, decision.Model)}
	if decision.Category != "" {
		headers = append(headers, setHeader(HeaderCategory, decision.Category))
	}

	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_RequestBody{
		RequestBody: &extprocv3.BodyResponse{Response: &extprocv3.CommonResponse{
			Status: extprocv3.CommonResponse_CONTINUE,
			HeaderMutation: &extprocv3.HeaderMutation{
				SetHeaders: headers,
				// The body length changed; Envoy recomputes it.
				RemoveHeaders: []string{"content-length"},
			},
			BodyMutation: &extprocv3.BodyMutation{
				Mutation: &extprocv3.BodyMutation_Body{Body: body},
			},
			ClearRouteCache: true,
		}},
	}}
}

// errorResponse answers the client directly, without going upstream.
func errorResponse(code int, errorType, message string) *extprocv3.ProcessingResponse {
	body, _ := json.Marshal(ErrorBody{Error: ErrorDetail{Message: message, Type: errorType}})

	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ImmediateResponse{
		ImmediateResponse: &extprocv3.ImmediateResponse{
			Status: &typev3.HttpStatus{Code: typev3.StatusCode(code)},
			Headers: &extprocv3.HeaderMutation{
				SetHeaders: []*corev3.HeaderValueOption{setHeader("content-type", "application/json")},
			},
			Body:    body,
			Details: "semantic_router_" + errorType,
		},
	}}
}

// setHeader uses raw_value, which Envoy reads in ext_proc mutations.
func setHeader(key, value string) *corev3.HeaderValueOption {
	return &corev3.HeaderValueOption{
		Header:       &corev3.HeaderValue{Key: key, RawValue: []byte(value)},
		AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD,
	}
}
