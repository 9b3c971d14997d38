package chat

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// WithModel returns the request body with its top-level "model" set to
// model. Only the bytes of that value change: key order, whitespace,
// number formatting and unknown fields are kept as the client sent them.
// A body without "model" gets it inserted as the first key.
func (r *Request) WithModel(model string) ([]byte, error) {
	value, err := json.Marshal(model)
	if err != nil {
		return nil, fmt.Errorf("encoding model %q: %w", model, err)
	}
	spans, open, err := modelValueSpans(r.body)
	if err != nil {
		return nil, err
	}

	if len(spans) == 0 {
		return insertModel(r.body, open, value), nil
	}
	var out bytes.Buffer
	out.Grow(len(r.body) + len(value))
	last := 0
	for _, span := range spans {
		out.Write(r.body[last:span.start])
		out.Write(value)
		last = span.end
	}
	out.Write(r.body[last:])
	return out.Bytes(), nil
}

type span struct{ start, end int }

// modelValueSpans finds the byte ranges of every top-level "model" value
// (duplicate keys are all rewritten, so no decoder can see the old one)
// and the offset just after the opening brace.
func modelValueSpans(body []byte) ([]span, int, error) {
	decoder := json.NewDecoder(bytes.NewReader(body))
	if _, err := decoder.Token(); err != nil {
		return nil, 0, fmt.Errorf("rewriting model: %w", err)
	}
	open := int(decoder.InputOffset())

	var spans []span
	for decoder.More() {
		key, err := decoder.Token()
		if err != nil {
			return nil, 0, fmt.Errorf("rewriting model: %w", err)
		}
		afterKey := int(decoder.InputOffset())
		var value json.RawMessage
		if err := decoder.Decode(&value); err != nil {
			return nil, 0, fmt.Errorf("rewriting model: %w", err)
		}
		if key != "model" {
			continue
		}
		end := int(decoder.InputOffset())
		start := valueStart(body, afterKey)
		spans = append(spans, span{start: start, end: end})
	}
	return spans, open, nil
}

// valueStart skips the whitespace and colon between a key and its value.
func valueStart(body []byte, offset int) int {
	for offset < len(body) {
		switch body[offset] {
		case ' ', '\t', '\r', '\n', ':':
			offset++
		default:
			return offset
		}
	}
	return offset
}

func insertModel(body []byte, open int, value []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(body) + len(value) + 10)
	out.Write(body[:open])
	out.WriteString(`"model":`)
	out.Write(value)
	if bytes.TrimSpace(body[open:])[0] != '}' {
		out.WriteByte(',')
	}
	out.Write(body[open:])
	return out.Bytes()
}
