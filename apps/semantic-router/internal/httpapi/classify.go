package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// ClassifyRequest is the body of POST /api/v1/classify.
type ClassifyRequest struct {
	Text *string `json:"text"`
}

// ClassifyResponse is the answer of POST /api/v1/classify.
type ClassifyResponse struct {
	Category   string  `json:"category"`
	Confidence float32 `json:"confidence"`
	Model      string  `json:"model"`
	Reason     string  `json:"reason"`
}

// ErrorResponse is the JSON body of every error answer.
type ErrorResponse struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorResponse.
type ErrorDetail struct {
	Message string `json:"message"`
	Type    string `json:"type"`
}

func (a *api) classify(w http.ResponseWriter, r *http.Request) {
	text, status, err := readClassifyText(w, r, a.MaxBodyBytes)
	if err != nil {
		errorType := "invalid_request_error"
		if status == http.StatusRequestEntityTooLarge {
			errorType = "request_too_large"
		}
		writeError(w, status, errorType, err.Error())
		return
	}

	decision, err := a.Router.Route(text, router.SourceHTTP)
	if err != nil {
		a.Logger.Error("classify request failed", "error", err)
		writeError(w, http.StatusInternalServerError, "api_error", "classifying the text failed")
		return
	}
	a.Logger.Info("classified text", "source", router.SourceHTTP, "category", decision.Category,
		"confidence", decision.Confidence, "model", decision.Model, "reason", decision.Reason)
	writeJSON(w, http.StatusOK, ClassifyResponse{
		Category:   decision.Category,
		Confidence: decision.Confidence,
		Model:      decision.Model,
		Reason:     string(decision.Reason),
	})
}

// readClassifyText returns the text to classify, or the status and error
// to answer with.
func readClassifyText(w http.ResponseWriter, r *http.Request, limit int64) (string, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return "", http.StatusRequestEntityTooLarge,
			fmt.Errorf("request body is larger than %d bytes (send a shorter text)", tooLarge.Limit)
	}
	if err != nil {
		return "", http.StatusBadRequest, fmt.Errorf("reading request body: %v", err)
	}

	var request ClassifyRequest
	decoder := json.NewDecoder(bytes.NewReader(body))
	if err := decoder.Decode(&request); err != nil {
		return "", http.StatusBadRequest, fmt.Errorf("request body is not valid JSON: %v (send {\"text\": \"...\"})", err)
	}
	if decoder.More() {
		return "", http.StatusBadRequest, errors.New("request body has data after the JSON object (send one object)")
	}
	if request.Text == nil {
		return "", http.StatusBadRequest, errors.New("text: is required (send {\"text\": \"...\"})")
	}
	if strings.TrimSpace(*request.Text) == "" {
		return "", http.StatusBadRequest, errors.New("text: must not be empty")
	}
	return *request.Text, http.StatusOK, nil
}

func writeError(w http.ResponseWriter, status int, errorType, message string) {
	writeJSON(w, status, ErrorResponse{Error: ErrorDetail{Message: message, Type: errorType}})
}
