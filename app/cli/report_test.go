package cli

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"agent/app/report"
	"agent/app/store"
)

// agent usage and agent report rebuild on a workspace with one answered conversation;
// agent gaps backfill after a question the AI could not answer.
func TestUsageAndReportRebuild(t *testing.T) {
	data := t.TempDir()
	if r := run(t, "", "user", "add", "--data", data, "--email", "olga@example.com", "--name", "Olga", "--workspace", "Shop"); r.code != 0 {
		t.Fatalf("user add = %d %q", r.code, r.stderr)
	}
	db, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC).Unix()
	for _, q := range []string{
		"INSERT INTO conversations (id, workspace_id, channel, created_at, updated_at) VALUES (1, 1, 'chat', ?1, ?1)",
		"INSERT INTO messages (conversation_id, author, body, created_at) VALUES (1, 'visitor', 'Where is my parcel?', ?1)",
		"INSERT INTO messages (conversation_id, author, body, created_at) VALUES (1, 'bot', 'On its way.', ?1)",
	} {
		if _, err := db.Write.Exec(q, at); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	r := run(t, "", "usage", "--data", data, "--json")
	var months []report.Month
	if err := json.Unmarshal([]byte(r.stdout), &months); r.code != 0 || err != nil || len(months) != 1 || months[0] != (report.Month{Month: "2026-03", Billable: 1}) {
		t.Fatalf("usage --json = %d %q %q (%v)", r.code, r.stdout, r.stderr, err)
	}
	r = run(t, "", "report", "rebuild", "--data", data, "--workspace", "Shop")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "1 conversations evaluated") {
		t.Fatalf("report rebuild = %d %q %q", r.code, r.stdout, r.stderr)
	}
	// The AI could not answer, and the bot sent its fallback for a question it found
	// nothing for: two knowledge gaps, recorded once. A conversation the widget opened
	// for a message that never came counts nowhere.
	db, err = store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO conversations (id, workspace_id, channel, created_at, updated_at) VALUES (2, 1, 'chat', ?1, ?1)",
		"INSERT INTO messages (id, conversation_id, author, body, created_at) VALUES (10, 2, 'visitor', 'Do you rent kayaks?', ?1)",
		"INSERT INTO messages (id, conversation_id, author, body, created_at) VALUES (11, 2, 'bot', 'A person will answer.', ?1)",
		"INSERT INTO ai_replies (message_id, decision, reason, confidence, mode) VALUES (11, 'handoff', 'no_match', 0, 'rule')",
		"INSERT INTO conversations (id, workspace_id, channel, created_at, updated_at) VALUES (3, 1, 'chat', ?1, ?1)",
		"INSERT INTO messages (id, conversation_id, author, body, created_at) VALUES (20, 3, 'visitor', 'Do you sell bait?', ?1)",
		"INSERT INTO unanswered (message_id, conversation_id, assistant, decision, reason, query, created_at) VALUES (20, 3, 'bot', 'handoff', 'no_match', 'sell bait', ?1)",
		"INSERT INTO messages (id, conversation_id, author, body, created_at) VALUES (21, 3, 'system', 'Sorry, our team is offline.', ?1)",
		"INSERT INTO automatic_messages (message_id, conversation_id, kind) VALUES (21, 3, 'fallback')",
		"INSERT INTO conversations (id, workspace_id, channel, pending, created_at, updated_at) VALUES (4, 1, 'chat', 1, ?1, ?1)",
	} {
		if _, err := db.Write.Exec(q, at); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	figures := func() report.Figures {
		t.Helper()
		if r := run(t, "", "report", "rebuild", "--data", data); r.code != 0 || !strings.HasPrefix(r.stdout, "3 conversations evaluated") {
			t.Fatalf("report rebuild = %d %q %q", r.code, r.stdout, r.stderr)
		}
		db, err := store.Open(context.Background(), data)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fig, err := report.Report(context.Background(), db, report.Filter{WorkspaceID: 1, From: time.Unix(at, 0).AddDate(0, 0, -7),
			To: time.Unix(at, 0).AddDate(0, 0, 7)}, time.Unix(at, 0).AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		return fig
	}
	before := figures()
	for _, want := range []string{"2 knowledge gaps recorded", "0 knowledge gaps recorded"} {
		if r := run(t, "", "gaps", "backfill", "--data", data); r.code != 0 || strings.TrimSpace(r.stdout) != want {
			t.Fatalf("gaps backfill = %d %q %q, want %q", r.code, r.stdout, r.stderr, want)
		}
	}
	if after := figures(); !reflect.DeepEqual(before, after) || after.Total.Conversations != 3 || after.Total.Handled != 2 {
		t.Fatalf("figures changed or wrong: before %+v\nafter %+v", before.Total, after.Total)
	}
	if r := run(t, "", "report", "frobnicate"); r.code != 2 {
		t.Fatalf("report frobnicate = %d", r.code)
	}
}
