package config

import (
	"strings"
	"testing"
)

func TestParseHistoryReadsRows(t *testing.T) {
	input := "model\tquality\ttext\n" +
		"# comment\n" +
		"\n" +
		"deepseek-math-7b\t0.9\tWhat is the derivative of x squared?\n" +
		"qwen3-8b\t1\tText with\ta tab inside\r\n"

	rows, err := ParseHistory("h.tsv", strings.NewReader(input))
	if err != nil {
		t.Fatalf("ParseHistory: %v", err)
	}

	want := []HistoryRow{
		{Line: 4, Model: "deepseek-math-7b", Quality: 0.9, Text: "What is the derivative of x squared?"},
		{Line: 5, Model: "qwen3-8b", Quality: 1, Text: "Text with\ta tab inside"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
}

func TestParseHistoryRejectsBadRows(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"two columns", "qwen3-8b\t0.5\n", "h.tsv:1: has 2 tab-separated columns, want 3"},
		{"quality not a number", "qwen3-8b\thigh\ttext\n", `h.tsv:1: quality: "high" is not a number from 0 to 1`},
		{"quality above one", "qwen3-8b\t1.5\ttext\n", `h.tsv:1: quality: "1.5" is not a number from 0 to 1`},
		{"negative quality", "qwen3-8b\t-0.1\ttext\n", `h.tsv:1: quality: "-0.1" is not a number from 0 to 1`},
		{"empty model", "\t0.5\ttext\n", "h.tsv:1: model: must not be empty"},
		{"empty text", "qwen3-8b\t0.5\t  \n", "h.tsv:1: text: must not be empty"},
		{"no rows", "model\tquality\ttext\n", "h.tsv: no rows"},
		{"bad row after good ones", "a\t1\tx\nb\t1\ty\nc\t?\tz\n", "h.tsv:3: quality"},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseHistory("h.tsv", strings.NewReader(tc.input))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseHistory error:\n got: %v\nwant: containing %q", err, tc.want)
			}
		})
	}
}
