package inbox_test

import (
	"slices"
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
)

// assisting is a routing workspace where Ann has two conversations handed to her, with
// suggestions and auto-send allowed and Ann's auto-send on.
type assisting struct {
	*routing
	ch          channel.Channel
	busy, other inbox.Conversation
}

func newAssisting(t *testing.T) *assisting {
	t.Helper()
	r := newRouting(t)
	a := &assisting{routing: r, ch: r.channel(t, channel.Input{AgentID: r.agent.ID, HandoffUsers: []int64{r.ann}})}
	r.online(t, r.ann)
	a.busy, _ = r.visit(t, a.ch, askHuman)
	a.other, _ = r.visit(t, a.ch, askHuman)
	if a.busy.AssigneeID != r.ann || a.other.AssigneeID != r.ann {
		t.Fatalf("not handed to Ann: %+v %+v", a.busy, a.other)
	}
	if err := r.inbox.SetAssistSettings(r.ctx, r.ws, inbox.AssistSettings{Suggestions: true, AutoSendAllowed: true}); err != nil {
		t.Fatal(err)
	}
	if err := r.inbox.SetAutoSend(r.ctx, r.ws, r.ann, true); err != nil {
		t.Fatal(err)
	}
	return a
}

// write has the customer of c write text, and returns what was said in return.
func (a *assisting) write(t *testing.T, c inbox.Conversation, text string) []inbox.Message {
	t.Helper()
	_, out, err := a.svc.VisitorMessage(a.ctx, a.ch, a.get(t, c.ID), text, "en")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (a *assisting) viewing(t *testing.T, user int64, c inbox.Conversation, active bool) {
	t.Helper()
	if err := a.inbox.Viewing(a.ctx, a.ws, user, c.ID, active); err != nil {
		t.Fatal(err)
	}
}

func (a *assisting) in(t *testing.T, v inbox.View, c inbox.Conversation) bool {
	t.Helper()
	return slices.Contains(a.ids(t, inbox.Filter{View: v, UserID: a.ann}), c.ID)
}

func TestAutoSendWhileBusyElsewhere(t *testing.T) {
	a := newAssisting(t)

	// Ann is not busy (no page open): the customer waits for her.
	if out := a.write(t, a.other, giftCards); len(out) != 0 {
		t.Fatalf("not busy, yet the assistant said %+v", out)
	}

	// Ann works in the first conversation: the assistant answers the other one for her.
	a.viewing(t, a.ann, a.busy, true)
	out := a.write(t, a.other, giftCards)
	if len(out) != 1 || out[0].Author != agent.AuthorBot || !out[0].AutoSent || out[0].AI.Decision != agent.Answer {
		t.Fatalf("busy elsewhere: said %+v", out)
	}
	msgs := a.messages(t, a.other)
	if last := msgs[len(msgs)-1]; !last.AutoSent || last.Body != out[0].Body {
		t.Errorf("stored reply %+v", last)
	}
	// Answered: in Unread (no person read it) but not in Unreplied.
	if !a.in(t, inbox.ViewUnread, a.other) || a.in(t, inbox.ViewUnreplied, a.other) {
		t.Errorf("auto-answered: unread %v, unreplied %v", a.in(t, inbox.ViewUnread, a.other), a.in(t, inbox.ViewUnreplied, a.other))
	}

	// A question the knowledge does not answer: no reply, a note asks Ann to reply soon,
	// and the conversation is Unreplied.
	out = a.write(t, a.other, "My parcel arrived broken and the box smelled of fish")
	if len(out) != 1 || out[0].Author != inbox.AuthorNote || out[0].UserID != 0 || out[0].Body != inbox.NoteCannotAnswer {
		t.Fatalf("cannot answer: said %+v", out)
	}
	if !a.in(t, inbox.ViewUnreplied, a.other) {
		t.Error("unanswered conversation not in Unreplied")
	}

	// Ann's page goes out of view (another tab): she is not busy, the assistant waits.
	a.viewing(t, a.ann, a.busy, false)
	if out := a.write(t, a.other, "Do you sell gift cards for 500 NOK?"); len(out) != 0 {
		t.Fatalf("page out of view, yet the assistant said %+v", out)
	}
	// In view again, then the signal expires (the page closed without a word).
	a.viewing(t, a.ann, a.busy, true)
	a.clock.add(inbox.PageExpiry + time.Second)
	if out := a.write(t, a.other, "Do you sell gift cards for 500 NOK?"); len(out) != 0 {
		t.Fatalf("signal expired, yet the assistant said %+v", out)
	}
}

func TestAutoSendStopsWhenSomeoneOpensTheConversation(t *testing.T) {
	a := newAssisting(t)
	a.viewing(t, a.ann, a.busy, true)
	// Bo opens Ann's other conversation: the assistant stays out of it.
	a.viewing(t, a.bo, a.other, false)
	if out := a.write(t, a.other, giftCards); len(out) != 0 {
		t.Fatalf("someone has it open, yet the assistant said %+v", out)
	}
	// He leaves it (his page's stream ends): a person had it, so the assistant stays out
	// of it for good.
	if err := a.inbox.Left(a.ctx, a.ws, a.bo, a.other.ID); err != nil {
		t.Fatal(err)
	}
	if out := a.write(t, a.other, giftCards); len(out) != 0 {
		t.Fatalf("after Bo left: said %+v", out)
	}
	// A conversation no one opened is still answered; not the one Ann is busy in, nor
	// with auto-send off, nor disallowed.
	third, _ := a.visit(t, a.ch, askHuman)
	if third.AssigneeID != a.ann {
		t.Fatalf("not handed to Ann: %+v", third)
	}
	if out := a.write(t, third, giftCards); len(out) != 1 || !out[0].AutoSent {
		t.Fatalf("a conversation no one opened: said %+v", out)
	}
	a.other = third
	if out := a.write(t, a.busy, giftCards); len(out) != 0 {
		t.Errorf("in Ann's own conversation the assistant said %+v", out)
	}
	if err := a.inbox.SetAutoSend(a.ctx, a.ws, a.ann, false); err != nil {
		t.Fatal(err)
	}
	if out := a.write(t, a.other, "hello"); len(out) != 0 {
		t.Errorf("auto-send off, yet the assistant said %+v", out)
	}
	if err := a.inbox.SetAutoSend(a.ctx, a.ws, a.ann, true); err != nil {
		t.Fatal(err)
	}
	if err := a.inbox.SetAssistSettings(a.ctx, a.ws, inbox.AssistSettings{Suggestions: true}); err != nil {
		t.Fatal(err)
	}
	if out := a.write(t, a.other, "hello"); len(out) != 0 {
		t.Errorf("auto-send not allowed, yet the assistant said %+v", out)
	}
}

func TestAutoSendStopsRatherThanRepeat(t *testing.T) {
	a := newAssisting(t)
	a.viewing(t, a.ann, a.busy, true)
	if out := a.write(t, a.other, giftCards); len(out) != 1 || !out[0].AutoSent {
		t.Fatalf("first time: said %+v", out)
	}
	out := a.write(t, a.other, "do you sell gift cards")
	if len(out) != 1 || out[0].Author != inbox.AuthorNote || out[0].Body != inbox.NoteRepeated {
		t.Fatalf("the same answer again: said %+v", out)
	}
	// Stopped for good there, even for a new question it could answer.
	if out := a.write(t, a.other, "hello"); len(out) != 0 {
		t.Errorf("after stopping, the assistant said %+v", out)
	}
	if !a.in(t, inbox.ViewUnreplied, a.other) {
		t.Error("stopped conversation not in Unreplied")
	}
}

func TestSuggestionsRecorded(t *testing.T) {
	a := newAssisting(t)
	a.write(t, a.other, giftCards)
	got, err := a.svc.Suggest(a.ctx, a.ws, a.other.ID, a.ann, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].SourceID != a.answer.ID || got[0].Origin != "customer" || got[0].Title != "Do you sell gift cards?" {
		t.Fatalf("suggestions for the customer's message: %+v", got)
	}
	// Sent as is.
	if _, err := a.svc.SendSuggestion(a.ctx, a.ws, a.other.ID, a.ann, got[0].ID); err != nil {
		t.Fatal(err)
	}
	// From typed words, edited before sending.
	typed, err := a.svc.Suggest(a.ctx, a.ws, a.other.ID, a.ann, "gift cards")
	if err != nil || len(typed) != 1 || typed[0].Origin != "typed" {
		t.Fatalf("typed: %+v, %v", typed, err)
	}
	if _, err := a.svc.Reply(a.ctx, a.ws, a.other.ID, a.ann, typed[0].Text+" See you!", typed[0].ID); err != nil {
		t.Fatal(err)
	}
	// Offered, then replied without it: ignored. Offered twice: only the last counts.
	for range 2 {
		if _, err := a.svc.Suggest(a.ctx, a.ws, a.other.ID, a.ann, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.svc.Reply(a.ctx, a.ws, a.other.ID, a.ann, "Let me check.", 0); err != nil {
		t.Fatal(err)
	}
	// A suggestion sent twice, or someone else's, is not found.
	if _, err := a.svc.SendSuggestion(a.ctx, a.ws, a.other.ID, a.ann, got[0].ID); err != inbox.ErrNotFound {
		t.Errorf("sending a used suggestion again: %v", err)
	}
	n, err := a.inbox.AssistCounts(a.ctx, a.ws, 0, a.clock.now().Unix()+1)
	if err != nil {
		t.Fatal(err)
	}
	if n != (inbox.AssistCounts{Sent: 1, Edited: 1, Ignored: 1}) {
		t.Errorf("counts %+v", n)
	}

	// With suggestions off, none.
	if err := a.inbox.SetAssistSettings(a.ctx, a.ws, inbox.AssistSettings{}); err != nil {
		t.Fatal(err)
	}
	if got, err := a.svc.Suggest(a.ctx, a.ws, a.other.ID, a.ann, ""); err != nil || len(got) != 0 {
		t.Errorf("suggestions off: %+v, %v", got, err)
	}
}

// A channel without an AI agent has no knowledge to answer from: auto-send stays silent
// there, without a note on every message.
func TestAutoSendNeedsAnAgent(t *testing.T) {
	a := newAssisting(t)
	a.viewing(t, a.ann, a.busy, true)
	people := a.channel(t, channel.Input{Name: "People only", HandoffUsers: []int64{a.ann}})
	c, out := a.visit(t, people, giftCards)
	if c.AssigneeID != a.ann || len(out) != 0 {
		t.Fatalf("on a channel without an agent: %+v, said %+v", c, out)
	}
	if msgs := a.messages(t, c); len(msgs) != 1 {
		t.Errorf("messages %+v", msgs)
	}
}
