package inbox_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"agent/app/channel"
	"agent/app/inbox"
)

// count reads one number.
func (r *routing) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := r.db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A conversation a channel's first message starts is stored with the message or not at
// all: a failure in the channel's record, or a context cancelled between the steps,
// leaves nothing behind to be shown empty.
func TestStartChannelMessageStoresBothOrNeither(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{Kind: channel.WhatsApp, Name: "Phone"})
	k, err := r.inbox.ContactByWhatsApp(r.ctx, r.ws, "4790000001", "Kari")
	if err != nil {
		t.Fatal(err)
	}
	injected := errors.New("injected")
	ctx, cancel := context.WithCancel(r.ctx)
	for _, fail := range []func(*sql.Tx, int64) error{
		func(*sql.Tx, int64) error { return injected },
		func(tx *sql.Tx, _ int64) error { cancel(); return ctx.Err() },
	} {
		o := inbox.Opening{New: inbox.NewConversation{ChannelID: ch.ID, Channel: string(ch.Kind)}, ContactID: k.ID}
		if _, _, err := r.svc.StartChannelMessage(ctx, ch, o, "Hello?", "", "", fail); err == nil {
			t.Fatal("stored despite the failure")
		}
		if n := r.count(t, "SELECT COUNT(*) FROM conversations"); n != 0 {
			t.Fatalf("%d conversations left after a failed first message", n)
		}
	}
	o := inbox.Opening{New: inbox.NewConversation{ChannelID: ch.ID, Channel: string(ch.Kind)}, ContactID: k.ID}
	c, m, err := r.svc.StartChannelMessage(r.ctx, ch, o, "Hello?", "", "", func(*sql.Tx, int64) error { return nil })
	if err != nil || m.ConversationID != c.ID || c.ID == 0 {
		t.Fatalf("start = %+v %+v %v", c, m, err)
	}
	if got, found, err := r.inbox.ContactOpenConversation(r.ctx, r.ws, ch.ID, k.ID); err != nil || !found || got.ID != c.ID {
		t.Fatalf("the contact's conversation = %+v %v %v", got, found, err)
	}
}

// The offline form's conversation, visit, message and note are one transaction: a
// failure while the note is stored leaves no conversation behind.
func TestLeaveMessageStoresAllOrNothing(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{Name: "Website"})
	v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.Write.Exec(`CREATE TEMP TRIGGER refuse_notes BEFORE INSERT ON messages WHEN new.author = 'note'
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	left := inbox.LeftMessage{Email: "kari@example.com", Text: "Call me back", Visit: inbox.Visit{PageURL: "https://shop.example/"}}
	if _, _, err := r.svc.LeaveMessage(r.ctx, ch, v, left); err == nil {
		t.Fatal("left despite the failure")
	}
	if n := r.count(t, "SELECT COUNT(*) FROM conversations"); n != 0 {
		t.Fatalf("%d conversations left after a failed offline message", n)
	}
	if _, err := r.db.Write.Exec("DROP TRIGGER temp.refuse_notes"); err != nil {
		t.Fatal(err)
	}
	c, _, err := r.svc.LeaveMessage(r.ctx, ch, v, left)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.count(t, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", c.ID); n != 2 {
		t.Errorf("%d messages, want the customer's and the note", n)
	}
	if visit, ok, err := r.inbox.VisitOf(r.ctx, c.ID); err != nil || !ok || visit.PageURL != left.Visit.PageURL {
		t.Errorf("visit = %+v %v %v", visit, ok, err)
	}
}

// The conversation the widget opens before its visitor's first message is in no list or
// count, and announces nothing to webhooks, until that message comes; then it is created
// for them before its message. One whose message never comes is deleted when its
// channel's close-after time has passed.
func TestPendingConversationShownOnlyWithItsFirstMessage(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{Name: "Website"}) // no AI: people have it
	if _, err := r.db.Write.Exec(`INSERT INTO webhook_subscriptions (workspace_id, url, secret, events, created_at)
		VALUES (?, 'https://hooks.example/', 's', ' conversation.created message.customer conversation.closed ', 0)`, r.ws); err != nil {
		t.Fatal(err)
	}
	events := func() []string {
		t.Helper()
		rows, err := r.db.Read.Query("SELECT type FROM webhook_events ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	visible := func(c inbox.Conversation) bool {
		t.Helper()
		for _, v := range []inbox.View{inbox.ViewAll, inbox.ViewUnassigned, inbox.ViewUnread, inbox.ViewUnreplied} {
			if slices.Contains(r.ids(t, inbox.Filter{View: v}), c.ID) {
				return true
			}
		}
		counts, err := r.inbox.Count(r.ctx, r.ws, r.ann, nil)
		if err != nil {
			t.Fatal(err)
		}
		return counts.Views[inbox.ViewAll] > 0
	}
	open := func() inbox.Conversation {
		t.Helper()
		v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
		if err != nil {
			t.Fatal(err)
		}
		c, err := r.svc.OpenConversation(r.ctx, ch, v, false)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	c := open()
	if visible(c) || len(events()) != 0 {
		t.Fatalf("an empty conversation: visible %v, events %v", visible(c), events())
	}
	if _, _, err := r.svc.VisitorMessage(r.ctx, ch, c, "Hello, anyone there?", "en"); err != nil {
		t.Fatal(err)
	}
	if !visible(c) || !slices.Equal(events(), []string{"conversation.created", "message.customer"}) {
		t.Fatalf("after its first message: visible %v, events %v", visible(c), events())
	}

	empty := open()
	r.clock.add(25 * time.Hour)
	closed, err := r.inbox.CloseInactive(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(closed) != 1 || closed[0].ID != c.ID {
		t.Errorf("closed %+v, want only the conversation with a message", closed)
	}
	if _, err := r.inbox.Get(r.ctx, r.ws, empty.ID); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("the empty conversation after its close-after time: %v", err)
	}
	if got := events(); !slices.Equal(got, []string{"conversation.created", "message.customer", "conversation.closed"}) {
		t.Errorf("events %v", got)
	}
}
