package chat

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestLastUserTextReadsTheLastUserMessage(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "string content",
			body: `{"model":"auto","messages":[{"role":"user","content":"What is 2+2?"}]}`,
			want: "What is 2+2?",
		},
		{
			name: "last of several user messages",
			body: `{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"first"},` +
				`{"role":"assistant","content":"ok"},{"role":"user","content":"second"}]}`,
			want: "second",
		},
		{
			name: "user message before a trailing assistant message",
			body: `{"messages":[{"role":"user","content":"question"},{"role":"assistant","content":null,"tool_calls":[]}]}`,
			want: "question",
		},
		{
			name: "content parts with an image",
			body: `{"messages":[{"role":"user","content":[{"type":"text","text":"Describe"},` +
				`{"type":"image_url","image_url":{"url":"data:,"}},{"type":"text","text":"this chart"}]}]}`,
			want: "Describe\nthis chart",
		},
		{
			name: "image-only content",
			body: `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:,"}}]}]}`,
			want: "",
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			request, err := ParseRequest([]byte(tc.body))
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			got, err := request.LastUserText()
			if err != nil {
				t.Fatalf("LastUserText: %v", err)
			}
			if got != tc.want {
				t.Errorf("LastUserText = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseRequestRejectsMalformedBodies(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"not JSON", `model=auto`, "request body is not a JSON object"},
		{"JSON array", `[1,2]`, "request body is not a JSON object"},
		{"null", `null`, "request body is not a JSON object"},
		{"empty body", ``, "request body is not a JSON object"},
		{"no messages", `{"model":"auto"}`, "messages: is required"},
		{"messages null", `{"messages":null}`, "messages: is required"},
		{"messages not a list", `{"messages":"hi"}`, "messages: must be a list"},
		{"empty messages", `{"messages":[]}`, "messages: must not be empty"},
		{"message not an object", `{"messages":["hi"]}`, "messages[0]: must be an object"},
		{"role missing", `{"messages":[{"content":"hi"}]}`, "messages[0].role: must be a non-empty string"},
		{"role a number", `{"messages":[{"role":1,"content":"hi"}]}`, "messages[0].role: must be a non-empty string"},
		{"content a number", `{"messages":[{"role":"user","content":42}]}`, "messages[0].content: must be a string or a list of content parts"},
		{"part not an object", `{"messages":[{"role":"user","content":["hi"]}]}`, "messages[0].content: [0]: must be an object"},
		{"text part without string", `{"messages":[{"role":"user","content":[{"type":"text","text":7}]}]}`, "messages[0].content: [0].text: must be a string"},
		{"model a number", `{"model":7,"messages":[{"role":"user","content":"hi"}]}`, "model: must be a string"},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRequest([]byte(tc.body))
			var invalid *InvalidRequestError
			if !errors.As(err, &invalid) {
				t.Fatalf("ParseRequest error = %v, want *InvalidRequestError", err)
			}
			if !strings.Contains(invalid.Message, tc.want) {
				t.Errorf("ParseRequest error:\n got: %s\nwant: containing %q", invalid.Message, tc.want)
			}
		})
	}
}

func TestLastUserTextFailsWithoutUserMessage(t *testing.T) {
	request, err := ParseRequest([]byte(`{"messages":[{"role":"system","content":"Be brief."}]}`))
	if err != nil {
		t.Fatalf("ParseRequest: %v", err)
	}

	_, err = request.LastUserText()
	var invalid *InvalidRequestError
	if !errors.As(err, &invalid) || !strings.Contains(invalid.Message, `no message with role "user"`) {
		t.Errorf("LastUserText error = %v, want one saying there is no user message", err)
	}
}

func TestWithModelRewritesOnlyTheModel(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "compact body",
			body: `{"model":"auto","messages":[{"role":"user","content":"hi"}],"temperature":0.70}`,
			want: `{"model":"deepseek-math-7b","messages":[{"role":"user","content":"hi"}],"temperature":0.70}`,
		},
		{
			name: "spacing and key order kept",
			body: "{\n  \"stream\": true,\n  \"model\" :  \"gpt-4o\",\n  \"x_extra\": {\"model\": \"nested stays\"},\n  \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]\n}",
			want: "{\n  \"stream\": true,\n  \"model\" :  \"deepseek-math-7b\",\n  \"x_extra\": {\"model\": \"nested stays\"},\n  \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]\n}",
		},
		{
			name: "model inserted when absent",
			body: `{"messages":[{"role":"user","content":"hi"}],"max_tokens":5}`,
			want: `{"model":"deepseek-math-7b","messages":[{"role":"user","content":"hi"}],"max_tokens":5}`,
		},
		{
			name: "null model replaced",
			body: `{"model":null,"messages":[{"role":"user","content":"hi"}]}`,
			want: `{"model":"deepseek-math-7b","messages":[{"role":"user","content":"hi"}]}`,
		},
		{
			name: "duplicate model keys all replaced",
			body: `{"model":"a","messages":[{"role":"user","content":"hi"}],"model":"b"}`,
			want: `{"model":"deepseek-math-7b","messages":[{"role":"user","content":"hi"}],"model":"deepseek-math-7b"}`,
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			request, err := ParseRequest([]byte(tc.body))
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			got, err := request.WithModel("deepseek-math-7b")
			if err != nil {
				t.Fatalf("WithModel: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("WithModel:\n got: %s\nwant: %s", got, tc.want)
			}
			if !json.Valid(got) {
				t.Errorf("WithModel returned invalid JSON: %s", got)
			}
		})
	}
}

func TestWithModelEscapesTheModelName(t *testing.T) {
	request, err := ParseRequest([]byte(`{"model":"a","messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatalf("ParseRequest: %v", err)
	}

	got, err := request.WithModel(`org/"quoted"`)
	if err != nil {
		t.Fatalf("WithModel: %v", err)
	}
	var decoded struct{ Model string }
	if err := json.Unmarshal(got, &decoded); err != nil || decoded.Model != `org/"quoted"` {
		t.Errorf("decoded model = %q (err %v), want org/\"quoted\"", decoded.Model, err)
	}
}
