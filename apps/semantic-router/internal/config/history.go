package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// HistoryRow is one past request of the routing history: the model that
// served it and how well it did, from 0 (bad) to 1 (good).
type HistoryRow struct {
	Line    int
	Model   string
	Quality float32
	Text    string
}

// historyHeader is the optional first row naming the columns.
const historyHeader = "model\tquality\ttext"

// LoadHistory reads the routing history TSV at path.
func LoadHistory(path string) ([]HistoryRow, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading routing history: %w (set routing_history to a TSV file relative to the config file)", err)
	}
	defer file.Close()
	return ParseHistory(path, file)
}

// ParseHistory reads rows of model<TAB>quality<TAB>text. Blank lines and
// lines starting with # are skipped; every bad row is reported.
func ParseHistory(path string, r io.Reader) ([]HistoryRow, error) {
	var rows []HistoryRow
	var problems []error
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for scanner.Scan() {
		line++
		text := strings.TrimRight(scanner.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") || (line == 1 && text == historyHeader) {
			continue
		}
		row, err := parseHistoryRow(text)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s:%d: %w", path, line, err))
			continue
		}
		row.Line = line
		rows = append(rows, row)
	}
	if err := scanner.Err(); err != nil {
		problems = append(problems, fmt.Errorf("%s:%d: reading: %w", path, line+1, err))
	}

	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows (add lines of model<TAB>quality<TAB>text)", path)
	}
	return rows, nil
}

func parseHistoryRow(text string) (HistoryRow, error) {
	columns := strings.SplitN(text, "\t", 3)
	if len(columns) != 3 {
		return HistoryRow{}, fmt.Errorf("has %d tab-separated columns, want 3 (model<TAB>quality<TAB>text)", len(columns))
	}

	model := strings.TrimSpace(columns[0])
	if model == "" {
		return HistoryRow{}, errors.New("model: must not be empty")
	}
	quality, err := strconv.ParseFloat(strings.TrimSpace(columns[1]), 32)
	if err != nil || math.IsNaN(quality) || quality < 0 || quality > 1 {
		return HistoryRow{}, fmt.Errorf("quality: %q is not a number from 0 to 1", columns[1])
	}
	requestText := strings.TrimSpace(columns[2])
	if requestText == "" {
		return HistoryRow{}, errors.New("text: must not be empty")
	}
	return HistoryRow{Model: model, Quality: float32(quality), Text: requestText}, nil
}
