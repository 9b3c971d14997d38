// Package chat reads OpenAI chat-completion request bodies and rewrites
// their model without disturbing any other field.
package chat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Request is the part of a chat-completion body the router reads. The raw
// body is kept so that SetModel can rewrite it byte for byte.
type Request struct {
	Model    string
	Messages []Message
	body     []byte
}

// Message is one entry of "messages" with its text parts joined.
type Message struct {
	Role string
	Text string
}

// InvalidRequestError says what is wrong with a request body, in words
// meant for the API client that sent it.
type InvalidRequestError struct {
	Message string
}

func (e *InvalidRequestError) Error() string { return e.Message }

func invalidf(format string, args ...any) error {
	return &InvalidRequestError{Message: fmt.Sprintf(format, args...)}
}

// wireMessage keeps content raw because it is either a string or a list
// of typed parts.
type wireMessage struct {
	Role    json.RawMessage `json:"role"`
	Content json.RawMessage `json:"content"`
}

type wirePart struct {
	Type string          `json:"type"`
	Text json.RawMessage `json:"text"`
}

// ParseRequest validates body as a chat-completion request. Errors are
// *InvalidRequestError.
func ParseRequest(body []byte) (*Request, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, invalidf("request body is not a JSON object: %v", err)
	}
	if fields == nil {
		return nil, invalidf("request body is not a JSON object: got null")
	}

	request := &Request{body: body}
	if raw, ok := fields["model"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &request.Model); err != nil {
			return nil, invalidf("model: must be a string")
		}
	}
	raw, ok := fields["messages"]
	if !ok || isNull(raw) {
		return nil, invalidf("messages: is required (send a list of {role, content} objects)")
	}
	var wire []json.RawMessage
	if err := json.Unmarshal(raw, &wire); err != nil {
		return nil, invalidf("messages: must be a list of {role, content} objects")
	}
	if len(wire) == 0 {
		return nil, invalidf("messages: must not be empty")
	}
	for i, item := range wire {
		message, err := parseMessage(i, item)
		if err != nil {
			return nil, err
		}
		request.Messages = append(request.Messages, message)
	}
	return request, nil
}

func parseMessage(index int, raw json.RawMessage) (Message, error) {
	var wire wireMessage
	if err := json.Unmarshal(raw, &wire); err != nil || isNull(raw) {
		return Message{}, invalidf("messages[%d]: must be an object with role and content", index)
	}

	var message Message
	if err := json.Unmarshal(wire.Role, &message.Role); err != nil || message.Role == "" {
		return Message{}, invalidf("messages[%d].role: must be a non-empty string", index)
	}
	text, err := contentText(wire.Content)
	if err != nil {
		return Message{}, invalidf("messages[%d].content: %s", index, err.Error())
	}
	message.Text = text
	return message, nil
}

// contentText joins the text of a message's content. Content may be a
// string, a list of parts (only "text" parts carry text; images and audio
// are skipped), or null, which assistant messages with tool calls send.
func contentText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || isNull(raw) {
		return "", nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return text, nil
	}

	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("must be a string or a list of content parts")
	}
	var texts []string
	for i, rawPart := range parts {
		var part wirePart
		if err := json.Unmarshal(rawPart, &part); err != nil || isNull(rawPart) {
			return "", fmt.Errorf("[%d]: must be an object with a type", i)
		}
		if part.Type != "text" {
			continue
		}
		var partText string
		if err := json.Unmarshal(part.Text, &partText); err != nil {
			return "", fmt.Errorf("[%d].text: must be a string", i)
		}
		texts = append(texts, partText)
	}
	return strings.Join(texts, "\n"), nil
}

// LastUserText returns the text of the last message whose role is "user".
func (r *Request) LastUserText() (string, error) {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Text, nil
		}
	}
	return "", invalidf("messages: has no message with role \"user\" to route on")
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}
