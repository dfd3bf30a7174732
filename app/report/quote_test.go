package report

import (
	"testing"
	"time"
)

// A quote page's conversations (channel "quote") are recorded and reported as their own
// channel, and the channel filter picks them out.
func TestQuoteChannelIsReported(t *testing.T) {
	w := newWorld(t)
	day := 24 * time.Hour
	for i, channel := range []string{"quote", "quote", "chat"} {
		at := t0.Add(time.Duration(i) * time.Hour)
		c := w.conv(channel, true, at)
		w.customer(c, at)
		w.answer(c, at.Add(time.Minute))
	}
	w.now = t0.Add(10 * day)
	if n := w.settle(); n != 3 {
		t.Fatalf("settled %d, want 3", n)
	}
	fig := w.report(t0, t0.Add(10*day))
	got := map[string]Count{}
	for _, c := range fig.Channels {
		got[c.Name] = c
	}
	if got["quote"] != (Count{Name: "quote", Count: 2, Of: 2}) || got["chat"].Of != 1 {
		t.Fatalf("channels = %+v", fig.Channels)
	}
	only, err := Report(t.Context(), w.db, Filter{WorkspaceID: w.ws, Channel: "quote", From: t0, To: t0.Add(10 * day)}, w.now)
	if err != nil || only.Total.Conversations != 2 {
		t.Fatalf("quote channel only: %+v, %v", only.Total.Counts, err)
	}
}
