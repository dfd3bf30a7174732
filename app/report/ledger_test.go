package report

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"agent/app/store"
)

// world is a migrated database with one workspace and agent, and a clock the ledger reads.
type world struct {
	t     *testing.T
	db    *store.DB
	ws    int64
	agent int64
	now   time.Time
	l     *Ledger
}

// t0 is a Monday noon, UTC.
var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func newWorld(t *testing.T) *world {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &world{t: t, db: db, now: t0}
	w.ws = w.insert("INSERT INTO workspaces (name, created_at) VALUES ('Shop', 0)")
	w.agent = w.insert("INSERT INTO agents (workspace_id, name, role, personality, created_at, updated_at) VALUES (?, 'Ada', 'support', 'friendly', 0, 0)", w.ws)
	w.l = New(db, func() time.Time { return w.now })
	return w
}

func (w *world) insert(q string, args ...any) int64 {
	w.t.Helper()
	res, err := w.db.Write.Exec(q, args...)
	if err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
	id, _ := res.LastInsertId()
	return id
}

// conv starts a conversation at at on channel, answered by the agent when ai.
func (w *world) conv(channel string, ai bool, at time.Time) int64 {
	var agentID, firstAI any
	if ai {
		agentID, firstAI = w.agent, at.Unix()
	}
	return w.insert(`INSERT INTO conversations (workspace_id, agent_id, channel, first_ai_at, last_activity_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, w.ws, agentID, channel, firstAI, at.Unix(), at.Unix(), at.Unix())
}

// msg adds a message; reason makes it an AI reply, cited one that cites a source.
func (w *world) msg(conv int64, author string, at time.Time, reason string, cited bool) int64 {
	id := w.insert("INSERT INTO messages (conversation_id, author, body, created_at) VALUES (?, ?, 'text', ?)", conv, author, at.Unix())
	w.insert("UPDATE conversations SET last_activity_at = ? WHERE id = ?", at.Unix(), conv)
	if reason != "" {
		decision := "answer"
		if reason == "human_requested" || reason == "no_match" {
			decision = "handoff"
		}
		w.insert("INSERT INTO ai_replies (message_id, agent_id, decision, reason, confidence, mode) VALUES (?, ?, ?, ?, 0.8, 'extractive')", id, w.agent, decision, reason)
	}
	if cited {
		w.insert("INSERT INTO reply_sources (message_id, n, title) VALUES (?, 1, 'Returns')", id)
	}
	return id
}

func (w *world) customer(conv int64, at time.Time) int64 {
	return w.msg(conv, "visitor", at, "", false)
}
func (w *world) answer(conv int64, at time.Time) int64 {
	return w.msg(conv, "bot", at, "answered", true)
}

func (w *world) handoff(conv int64, cause string, at time.Time) {
	w.insert("INSERT INTO handoffs (conversation_id, cause, outcome, created_at) VALUES (?, ?, 'unassigned', ?)", conv, cause, at.Unix())
}

func (w *world) rate(msg int64, helpful bool, reason string, at time.Time) {
	w.insert("INSERT INTO feedback (message_id, helpful, reason, created_at) VALUES (?, ?, ?, ?)", msg, helpful, reason, at.Unix())
}

func (w *world) settle() int {
	w.t.Helper()
	n, err := w.l.Settle(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// record is the stored record of conv: outcome, reasons and causes; "" when none.
func (w *world) record(conv int64) (outcome, reasons, causes string) {
	w.t.Helper()
	err := w.db.Read.QueryRow("SELECT outcome, reasons, handoff_causes FROM resolutions WHERE conversation_id = ?", conv).Scan(&outcome, &reasons, &causes)
	if err != nil {
		return "", "", ""
	}
	return outcome, reasons, causes
}

func TestResolutionFreezes72HoursAfterTheLastAIReply(t *testing.T) {
	w := newWorld(t)
	c := w.conv("chat", true, t0)
	w.customer(c, t0)
	w.answer(c, t0.Add(time.Minute))
	w.customer(c, t0.Add(time.Hour))
	last := w.answer(c, t0.Add(time.Hour+time.Minute))

	w.now = t0.Add(time.Hour + time.Minute + 72*time.Hour - time.Second)
	if n := w.settle(); n != 0 {
		t.Fatalf("a second before 72 h after the last AI reply: %d records, want none", n)
	}
	w.now = w.now.Add(time.Second)
	if n := w.settle(); n != 1 {
		t.Fatalf("72 h after the last AI reply: %d records, want 1", n)
	}
	if o, r, _ := w.record(c); o != Resolved || r != "cited" {
		t.Fatalf("record = %s (%s), want resolved (cited)", o, r)
	}

	// After the freeze: a person writes, the customer rates the last reply down, and the
	// conversation is handed off. None of it changes the record, not even a rebuild.
	w.msg(c, "human", w.now.Add(time.Minute), "", false)
	w.rate(last, false, "not_useful", w.now.Add(2*time.Minute))
	w.handoff(c, "manual", w.now.Add(3*time.Minute))
	w.now = w.now.Add(time.Hour)
	w.settle()
	if _, err := w.l.Rebuild(context.Background(), w.ws); err != nil {
		t.Fatal(err)
	}
	if o, r, cs := w.record(c); o != Resolved || r != "cited" || cs != "" {
		t.Fatalf("after later changes and a rebuild: %s (%s; %s), want resolved (cited), no transfers", o, r, cs)
	}
	var reopened int
	w.db.Read.QueryRow("SELECT COUNT(*) FROM reopenings").Scan(&reopened)
	if reopened != 0 {
		t.Fatalf("a person's message reopened it: %d", reopened)
	}

	// The customer comes back: recorded apart, the record stays.
	back := w.now.Add(time.Hour)
	w.customer(c, back)
	w.now = back.Add(time.Minute)
	w.settle()
	var at int64
	if err := w.db.Read.QueryRow("SELECT reopened_at FROM reopenings WHERE conversation_id = ?", c).Scan(&at); err != nil || at != back.Unix() {
		t.Fatalf("reopened at %d (%v), want %d", at, err, back.Unix())
	}
	if o, _, _ := w.record(c); o != Resolved {
		t.Fatalf("the customer's return rewrote the record: %s", o)
	}
	fig := w.report(t0, t0)
	if fig.Total.Reopened != 1 || fig.Total.Resolved != 1 {
		t.Fatalf("report: %+v, want 1 resolved, 1 reopened", fig.Total.Counts)
	}
}

func TestAnAIReplyWithinTheWindowMovesTheFreeze(t *testing.T) {
	w := newWorld(t)
	c := w.conv("chat", true, t0)
	w.customer(c, t0)
	w.answer(c, t0)
	w.customer(c, t0.Add(71*time.Hour))
	w.answer(c, t0.Add(71*time.Hour))
	w.now = t0.Add(100 * time.Hour)
	if n := w.settle(); n != 0 {
		t.Fatal("froze 72 h after the first AI reply although another came within 72 h")
	}
	w.now = t0.Add(143 * time.Hour)
	if n := w.settle(); n != 1 {
		t.Fatal("did not freeze 72 h after the last AI reply")
	}
}

func TestEachDefinition(t *testing.T) {
	hour := time.Hour
	cases := []struct {
		name           string
		build          func(w *world, c int64)
		ai             bool
		outcome        string
		reasons, cause string
	}{
		{"cited answer", func(w *world, c int64) { w.answer(c, t0.Add(hour)) }, true, Resolved, "cited", ""},
		{"answer without a source", func(w *world, c int64) { w.msg(c, "bot", t0.Add(hour), "answered", false) }, true, Unresolved, "no_source", ""},
		{"greeting only", func(w *world, c int64) { w.msg(c, "bot", t0.Add(hour), "greeting", false) }, true, Unresolved, "no_source", ""},
		{"visitor asked for a person", func(w *world, c int64) {
			w.answer(c, t0.Add(hour))
			w.customer(c, t0.Add(2*hour))
			w.msg(c, "bot", t0.Add(2*hour), "human_requested", false)
			w.handoff(c, "visitor_asked", t0.Add(2*hour))
		}, true, HandedOff, "cited handoff_ai visitor_asked", "visitor_asked"},
		{"AI could not answer", func(w *world, c int64) {
			w.msg(c, "bot", t0.Add(hour), "no_match", false)
			w.handoff(c, "ai_could_not_answer", t0.Add(hour))
		}, true, HandedOff, "handoff_ai no_source", "ai_could_not_answer"},
		{"repeated answer", func(w *world, c int64) {
			w.answer(c, t0.Add(hour))
			w.handoff(c, "repeated_answer", t0.Add(2*hour))
		}, true, HandedOff, "cited handoff_ai", "repeated_answer"},
		{"automation rule", func(w *world, c int64) {
			w.answer(c, t0.Add(hour))
			w.handoff(c, "automation", t0.Add(2*hour))
		}, true, HandedOff, "cited handoff_rule", "automation"},
		{"manual reassignment within 72 h", func(w *world, c int64) {
			w.answer(c, t0.Add(hour))
			w.handoff(c, "manual", t0.Add(70*hour))
		}, true, HandedOff, "cited handoff_manual", "manual"},
		{"a person answered within 72 h", func(w *world, c int64) {
			w.answer(c, t0.Add(hour))
			w.msg(c, "human", t0.Add(50*hour), "", false)
		}, true, HandedOff, "cited human_replied", "human_replied"},
		{"negative feedback on the last AI reply", func(w *world, c int64) {
			m := w.answer(c, t0.Add(hour))
			w.rate(m, false, "too_long", t0.Add(2*hour))
		}, true, Unresolved, "cited negative_feedback", ""},
		{"negative feedback on an earlier AI reply", func(w *world, c int64) {
			m := w.answer(c, t0.Add(hour))
			w.rate(m, false, "", t0.Add(2*hour))
			w.answer(c, t0.Add(3*hour))
		}, true, Resolved, "cited", ""},
		{"no AI on the conversation", func(w *world, c int64) {
			w.handoff(c, "automation", t0)
			w.msg(c, "human", t0.Add(hour), "", false)
		}, false, NotHandled, "", "automation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			c := w.conv("chat", tc.ai, t0)
			w.customer(c, t0)
			tc.build(w, c)
			w.now = t0.Add(200 * time.Hour)
			w.settle()
			o, r, cs := w.record(c)
			if o != tc.outcome || r != tc.reasons || cs != tc.cause {
				t.Fatalf("record = %s (%s; %s), want %s (%s; %s)", o, r, cs, tc.outcome, tc.reasons, tc.cause)
			}
		})
	}
}

func (w *world) report(from, to time.Time) Figures {
	w.t.Helper()
	fig, err := Report(context.Background(), w.db, Filter{WorkspaceID: w.ws, From: from, To: to}, w.now)
	if err != nil {
		w.t.Fatal(err)
	}
	return fig
}

func TestReportAndRebuildGiveTheSameFigures(t *testing.T) {
	w := newWorld(t)
	day := 24 * time.Hour
	for i := range 30 {
		at := t0.Add(time.Duration(i) * 7 * time.Hour)
		channel := []string{"chat", "email", "whatsapp"}[i%3]
		c := w.conv(channel, i%5 != 0, at)
		w.customer(c, at)
		if i%5 == 0 {
			w.msg(c, "human", at.Add(time.Hour), "", false)
			continue
		}
		m := w.answer(c, at.Add(time.Minute))
		switch i % 4 {
		case 1:
			w.rate(m, true, "", at.Add(2*time.Minute))
		case 2:
			w.rate(m, false, "off_topic", at.Add(2*time.Minute))
		case 3:
			w.handoff(c, "manual", at.Add(time.Hour))
		}
	}
	w.now = t0.Add(20 * day)
	if n := w.settle(); n != 30 {
		t.Fatalf("settled %d, want 30", n)
	}
	before := w.report(t0, t0.Add(20*day))
	if _, err := w.l.Rebuild(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	after := w.report(t0, t0.Add(20*day))
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("rebuild changed the figures:\nbefore %+v\nafter  %+v", before, after)
	}
	tot := before.Total
	// 24 conversations with the AI: 6 with a manual handoff, 6 rated down on the last reply.
	if tot.Conversations != 30 || tot.Handled != 24 || tot.HandedOff != 6 || tot.Resolved != 12 {
		t.Fatalf("totals = %+v", tot.Counts)
	}
	if tot.ResolutionRate != 0.5 || tot.DeflectionRate != 0.4 || tot.HandlingRate != 0.8 {
		t.Fatalf("rates = %+v", tot.Rates)
	}
	if tot.Feedback["helpful"] != 6 || tot.Feedback["off_topic"] != 6 || tot.HelpfulRate != 0.5 {
		t.Fatalf("feedback = %v (%v)", tot.Feedback, tot.HelpfulRate)
	}
	if len(before.Channels) != 3 || before.Channels[0] != (Count{Name: "chat", Count: 8, Of: 10}) {
		t.Fatalf("channels = %+v", before.Channels)
	}
	if !slices.Equal(before.Causes, []Count{{Name: "manual", Count: 6}}) {
		t.Fatalf("causes = %+v", before.Causes)
	}
	var sum int64
	for _, wk := range before.Weeks {
		sum += wk.Conversations
	}
	if sum != 30 || len(before.Weeks) != 3 || before.Weeks[0].Start != "2026-03-02" {
		t.Fatalf("weeks = %+v", before.Weeks)
	}
}

func TestConversationsCountInTheWeekAndTimeZoneOfTheFirstCustomerMessage(t *testing.T) {
	w := newWorld(t)
	w.insert("UPDATE workspaces SET time_zone = 'America/New_York' WHERE id = ?", w.ws)
	// Monday 02:00 UTC is Sunday evening in New York: the week before.
	at := time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)
	c := w.conv("email", true, at.Add(-time.Hour))
	w.msg(c, "human", at.Add(-time.Hour), "", false) // staff wrote first
	w.customer(c, at)
	w.answer(c, at.Add(time.Minute))
	w.now = at.Add(30 * 24 * time.Hour)
	w.settle()
	fig := w.report(t0, at.Add(7*24*time.Hour))
	if fig.TimeZone != "America/New_York" || len(fig.Weeks) != 2 || fig.Weeks[0].Conversations != 1 || fig.Weeks[1].Conversations != 0 {
		t.Fatalf("weeks = %+v", fig.Weeks)
	}
	if fig.Weeks[0].Incomplete || !fig.ThisWeek.Incomplete {
		t.Fatal("a past week is shown incomplete, or this week complete")
	}
}

func TestATimeZoneChangeMovesTheDaysNotTheRecords(t *testing.T) {
	w := newWorld(t)
	// Monday 02:00 UTC: Sunday in New York, the week before.
	at := time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)
	c := w.conv("chat", true, at)
	w.customer(c, at)
	w.answer(c, at)
	w.now = at.Add(30 * 24 * time.Hour)
	w.settle()
	if got := w.report(t0, at).Weeks; got[1].Resolved != 1 {
		t.Fatalf("in UTC: weeks %+v", got)
	}
	if err := SetTimeZone(context.Background(), w.db, w.ws, "Mars/Olympus"); err == nil {
		t.Fatal("an unknown time zone was taken")
	}
	if err := SetTimeZone(context.Background(), w.db, w.ws, "America/New_York"); err != nil {
		t.Fatal(err)
	}
	got := w.report(t0, at)
	// The range ends on Sunday evening in New York: one week, which now holds it.
	if len(got.Weeks) != 1 || got.Weeks[0].Resolved != 1 {
		t.Fatalf("in New York: weeks %+v", got.Weeks)
	}
	if o, _, _ := w.record(c); o != Resolved {
		t.Fatalf("record = %s", o)
	}
}

// An auto-sent reply (assist) and the automatic bot's messages read as theirs; the AI's
// own replies, a greeting and a handoff as theirs.
func TestMessageKindsAsRead(t *testing.T) {
	w := newWorld(t)
	c := w.conv("chat", true, t0)
	w.customer(c, t0)
	w.msg(c, "bot", t0, "greeting", false)
	w.answer(c, t0)
	m := w.answer(c, t0)
	w.insert("INSERT INTO auto_sent (message_id, conversation_id, created_at) VALUES (?, ?, ?)", m, c, t0.Unix())
	w.msg(c, "bot", t0, "no_match", false)
	for _, k := range []string{"bot_answer", "bot_greeting", "fallback", "off_hours", "bot_stopped"} {
		author := "bot"
		if k != "bot_answer" && k != "bot_greeting" {
			author = "system"
		}
		id := w.msg(c, author, t0, "", false)
		w.insert("INSERT INTO automatic_messages (message_id, conversation_id, kind) VALUES (?, ?, ?)", id, c, k)
	}
	w.msg(c, "human", t0, "", false)
	w.msg(c, "note", t0, "", false)
	hs, err := w.l.histories(context.Background(), []int64{c})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []Kind
	for _, m := range hs[0].Messages {
		kinds = append(kinds, m.Kind)
	}
	want := []Kind{Customer, AIGreeting, AI, AutoSend, AIHandoff, Bot, AIGreeting, OffHours, OffHours, Internal, Human, Internal}
	if !slices.Equal(kinds, want) {
		t.Fatalf("kinds = %v, want %v", kinds, want)
	}
}
