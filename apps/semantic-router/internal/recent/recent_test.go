package recent

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/semrouter/monorepo/apps/semantic-router/internal/router"
)

func TestNewestReturnsEntriesNewestFirst(t *testing.T) {
	log := NewLog(3)
	for i := range 5 {
		log.Add(Entry{Text: fmt.Sprint(i)})
	}

	got := log.Newest()

	var texts []string
	for _, entry := range got {
		texts = append(texts, entry.Text)
	}
	if want := "4,3,2"; strings.Join(texts, ",") != want {
		t.Errorf("Newest texts = %v, want %s (capacity 3, newest first)", texts, want)
	}
}

func TestNewestOfAnEmptyLogIsEmptyNotNil(t *testing.T) {
	got := NewLog(DefaultCapacity).Newest()
	if got == nil || len(got) != 0 {
		t.Errorf("Newest = %#v, want an empty slice so JSON shows []", got)
	}
}

func TestObserveRecordsSuccessfulEventsWithTruncatedText(t *testing.T) {
	log := NewLog(DefaultCapacity)
	long := strings.Repeat("é", 200)

	log.Observe(router.Event{
		Time:     time.Date(2026, 12, 3, 10, 0, 0, 0, time.FixedZone("CET", 3600)),
		Source:   router.SourceExtProc,
		Text:     long,
		Decision: router.Decision{Category: "math", Confidence: 0.9, Model: "deepseek-math-7b"},
	})
	log.Observe(router.Event{Text: "failed", Err: errors.New("classifier failed")})

	got := log.Newest()
	if len(got) != 1 {
		t.Fatalf("got %d entries, want 1 (failed events are not recorded)", len(got))
	}
	entry := got[0]
	if entry.Source != "extproc" || entry.Model != "deepseek-math-7b" || entry.Time.Location() != time.UTC {
		t.Errorf("entry = %+v, want source extproc, model deepseek-math-7b, time in UTC", entry)
	}
	if runes := []rune(entry.Text); len(runes) != maxTextRunes || runes[len(runes)-1] != '…' {
		t.Errorf("text has %d runes ending %q, want %d ending with an ellipsis", len(runes), runes[len(runes)-1], maxTextRunes)
	}
}
