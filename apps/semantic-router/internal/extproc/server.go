// Package extproc implements Envoy's external processing service: it reads
// each chat-completion request body, routes it and rewrites its model.
package extproc

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/metrics"
	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// Router routes the text of a request to a model.
type Router interface {
	Route(text string, source router.Source) (router.Decision, error)
}

// OutcomeCounter counts handled request bodies by outcome.
type OutcomeCounter interface {
	ExtProcRequest(outcome string)
}

// Server is the ext_proc gRPC service. One Process call serves one HTTP
// request passing through Envoy.
type Server struct {
	extprocv3.UnimplementedExternalProcessorServer

	router   Router
	outcomes OutcomeCounter
	logger   *slog.Logger
}

// NewServer returns a Server routing through r. outcomes may be nil.
func NewServer(r Router, outcomes OutcomeCounter, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Server{router: r, outcomes: outcomes, logger: logger}
}

// Process handles one bidirectional stream. A panic while handling it is
// logged and ends only this stream, with codes.Internal.
func (s *Server) Process(stream extprocv3.ExternalProcessor_ProcessServer) (err error) {
	defer func() {
		if recovered := recover(); recovered != nil {
			s.logger.Error("ext_proc stream panicked", "panic", fmt.Sprint(recovered), "stack", string(debug.Stack()))
			s.count(metrics.OutcomeStreamFailed)
			err = status.Errorf(codes.Internal, "ext_proc stream failed: %v", recovered)
		}
	}()

	state := &streamState{}
	for {
		request, err := stream.Recv()
		if errors.Is(err, io.EOF) || status.Code(err) == codes.Canceled {
			return nil
		}
		if err != nil {
			s.logger.Warn("ext_proc stream receive failed", "error", err)
			return err
		}

		response := s.handle(state, request)
		if response == nil {
			continue
		}
		if err := stream.Send(response); err != nil {
			s.logger.Warn("ext_proc stream send failed", "error", err)
			return err
		}
	}
}

func (s *Server) handle(state *streamState, request *extprocv3.ProcessingRequest) *extprocv3.ProcessingResponse {
	switch message := request.GetRequest().(type) {
	case *extprocv3.ProcessingRequest_RequestHeaders:
		state.rememberHeaders(message.RequestHeaders.GetHeaders())
		return continueRequestHeaders()
	case *extprocv3.ProcessingRequest_RequestBody:
		return s.handleRequestBody(state, message.RequestBody)
	case *extprocv3.ProcessingRequest_RequestTrailers:
		return continueRequestTrailers()
	case *extprocv3.ProcessingRequest_ResponseHeaders:
		return continueResponseHeaders()
	case *extprocv3.ProcessingRequest_ResponseBody:
		return continueResponseBody()
	case *extprocv3.ProcessingRequest_ResponseTrailers:
		return continueResponseTrailers()
	default:
		// Flow-control and other newer messages carry no HTTP data to act
		// on, and Envoy does not wait for an answer to them.
		s.logger.Debug("ext_proc message ignored", "type", fmt.Sprintf("%T", message))
		return nil
	}
}

func (s *Server) count(outcome string) {
	if s.outcomes != nil {
		s.outcomes.ExtProcRequest(outcome)
	}
}
