// Package recent keeps the last routing decisions in memory for the
// dashboard.
package recent

import (
	"sync"
	"time"
	"unicode/utf8"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

// DefaultCapacity is how many classifications the dashboard shows.
const DefaultCapacity = 50

// maxTextRunes bounds the stored text: the log is for a glance, and
// requests can carry whole documents.
const maxTextRunes = 120

// Entry is one successful routing decision as the dashboard shows it.
type Entry struct {
	Time       time.Time `json:"time"`
	Text       string    `json:"text"`
	Category   string    `json:"category"`
	Confidence float32   `json:"confidence"`
	Model      string    `json:"model"`
	Source     string    `json:"source"`
}

// Log is a fixed-size ring of the newest entries, safe for concurrent use.
type Log struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	full    bool
}

// NewLog returns a Log holding at most capacity entries.
func NewLog(capacity int) *Log {
	if capacity < 1 {
		capacity = DefaultCapacity
	}
	return &Log{entries: make([]Entry, capacity)}
}

// Observe records successful routing events; failed ones are left to the
// logs and metrics.
func (l *Log) Observe(event router.Event) {
	if event.Err != nil {
		return
	}
	l.Add(Entry{
		Time:       event.Time.UTC(),
		Text:       truncate(event.Text, maxTextRunes),
		Category:   event.Decision.Category,
		Confidence: event.Decision.Confidence,
		Model:      event.Decision.Model,
		Source:     string(event.Source),
	})
}

// Add stores entry, dropping the oldest when the log is full.
func (l *Log) Add(entry Entry) {
	l.mu.Lock()
	defer l.mu.Unlock()

	l.entries[l.next] = entry
	l.next = (l.next + 1) % len(l.entries)
	if l.next == 0 {
		l.full = true
	}
}

// Newest returns the stored entries, newest first.
func (l *Log) Newest() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()

	count := l.next
	if l.full {
		count = len(l.entries)
	}
	result := make([]Entry, 0, count)
	for i := 1; i <= count; i++ {
		index := (l.next - i + len(l.entries)) % len(l.entries)
		result = append(result, l.entries[index])
	}
	return result
}

func truncate(text string, limit int) string {
	if utf8.RuneCountInString(text) <= limit {
		return text
	}
	runes := []rune(text)
	return string(runes[:limit-1]) + "…"
}
