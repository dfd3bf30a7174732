package inbox

import (
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/inbox"
	"agent/views/urls"
)

func TestEntriesOrder(t *testing.T) {
	at := func(s int) time.Time { return time.Unix(1_700_000_000+int64(s), 0) }
	msgs := []inbox.Message{
		{ID: 1, Author: agent.AuthorVisitor, CreatedAt: at(0)},
		{ID: 2, Author: agent.AuthorBot, CreatedAt: at(0)},
		{ID: 3, Author: inbox.AuthorSystem, CreatedAt: at(0)},
		{ID: 4, Author: agent.AuthorHuman, CreatedAt: at(60)},
	}
	hs := []inbox.Handoff{{ID: 10, CreatedAt: at(0)}, {ID: 11, CreatedAt: at(30)}, {ID: 12, CreatedAt: at(90)}}
	var got []int64
	for _, e := range Entries(msgs, hs) {
		if e.Message != nil {
			got = append(got, e.Message.ID)
		} else {
			got = append(got, e.Handoff.ID)
		}
	}
	want := []int64{1, 2, 10, 3, 11, 4, 12}
	if len(got) != len(want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("entries %v, want %v", got, want)
		}
	}
}

func TestFilterQuery(t *testing.T) {
	if q := (Filter{View: DefaultView}).Query(); q != "" {
		t.Errorf("default filter query = %q", q)
	}
	f := Filter{View: inbox.ViewTeam, TeamID: 3, ChannelID: 4}
	if q := f.Query(); q != "?channel="+urls.ID(4)+"&team="+urls.ID(3)+"&view=team" {
		t.Errorf("query = %q", q)
	}
	if q := f.With(inbox.ViewAll, 0).Query(); q != "?channel="+urls.ID(4)+"&view=all" {
		t.Errorf("all on the channel = %q", q)
	}
	if !f.Is(inbox.ViewTeam, 3) || f.Is(inbox.ViewTeam, 5) || f.Is(inbox.ViewAll, 0) {
		t.Error("Is")
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		10 * time.Second: "just now", 5 * time.Minute: "5 min", 3 * time.Hour: "3 h", 50 * time.Hour: "2 d",
		20 * 24 * time.Hour: "21 May",
	} {
		if got := Ago(now, now.Add(-d)); got != want {
			t.Errorf("Ago(%v) = %q, want %q", d, got, want)
		}
	}
	if Ago(now, time.Time{}) != "" {
		t.Error("zero time")
	}
}

func TestCountLabel(t *testing.T) {
	for n, want := range map[int]string{0: "0", 12: "12", inbox.CountCap: "999", inbox.CountCap + 1: "999+"} {
		if got := countLabel(n); got != want {
			t.Errorf("countLabel(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBulkCloseQuestion(t *testing.T) {
	for _, c := range []struct {
		awaiting, of int
		want         string
	}{
		{1, 1, "The customer wrote last and has had no reply. Close the conversation anyway?"},
		{2, 2, "2 customers are waiting for a reply: they wrote last. Close both conversations anyway?"},
		{1, 3, "1 of the 3 conversations is waiting for a reply: its customer wrote last. Close all 3 anyway?"},
		{2, 5, "2 of the 5 conversations are waiting for a reply: their customers wrote last. Close all 5 anyway?"},
	} {
		if got := (BulkClose{Awaiting: c.awaiting, Of: c.of}).Question(); got != c.want {
			t.Errorf("%d of %d: %q, want %q", c.awaiting, c.of, got, c.want)
		}
	}
}
