package meta_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/channel/meta/metatest"
	"agent/app/inbox"
)

// botOnly takes the AI agent off the world's channels and turns the workspace's bot on:
// no one is online, so the bot answers.
func (w *world) botOnly(t *testing.T) {
	t.Helper()
	for _, ch := range []*channel.Channel{&w.wa, &w.ms} {
		var err error
		if *ch, err = w.channels.Update(w.ctx, w.ws, ch.ID, channel.Input{Kind: ch.Kind, Name: ch.Name, Handoff: channel.Unassigned, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.inbox.SaveBot(w.ctx, inbox.Bot{WorkspaceID: w.ws, Enabled: true, AgentID: w.agent, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
}

// buttons returns a sent message's reply buttons (WhatsApp) or quick replies
// (Messenger) as id → title.
func buttons(r metatest.Request) map[string]string {
	out := map[string]string{}
	if i, ok := r.Body["interactive"].(map[string]any); ok {
		for _, b := range i["action"].(map[string]any)["buttons"].([]any) {
			reply := b.(map[string]any)["reply"].(map[string]any)
			out[reply["id"].(string)] = reply["title"].(string)
		}
	}
	if m, ok := r.Body["message"].(map[string]any); ok {
		if qs, ok := m["quick_replies"].([]any); ok {
			for _, q := range qs {
				q := q.(map[string]any)
				out[q["payload"].(string)] = q["title"].(string)
			}
		}
	}
	return out
}

// idOf returns the button id whose title is title.
func idOf(t *testing.T, bs map[string]string, title string) string {
	t.Helper()
	for id, tt := range bs {
		if tt == title {
			return id
		}
	}
	t.Fatalf("no button %q in %v", title, bs)
	return ""
}

func (w *world) feedback(t *testing.T, messageID int64) (inbox.Feedback, bool) {
	t.Helper()
	f, ok, err := w.inbox.FeedbackOf(w.ctx, messageID)
	if err != nil {
		t.Fatal(err)
	}
	return f, ok
}

// The bot's answer on WhatsApp carries its label and the buttons Resolved / Not resolved;
// "Not resolved" is the customer's message for people, and the reasons come as buttons;
// a reason is recorded on the answer, as are words typed instead. A button naming another
// customer's answer rates nothing: it is only words.
func TestWhatsAppRating(t *testing.T) {
	w := newWorld(t)
	w.botOnly(t)
	conv := w.customer(t, w.wa, "wamid.r1", "4790000001", "Do you sell gift cards?", time.Now())
	msgs := w.messages(t, w.wa)[0]
	answer := msgs[len(msgs)-1]
	if k, _ := w.inbox.AutomaticOf(w.ctx, answer.ID); k != inbox.AutoAnswer {
		t.Fatalf("the bot did not answer: %+v", msgs)
	}
	sent := w.graph.Sent()
	last := sent[len(sent)-1]
	if last.Body["type"] != "interactive" || !strings.Contains(last.Text(), "gift cards") || !strings.HasSuffix(last.Text(), "_Sent by the chat assistant_") {
		t.Fatalf("the answer: %+v", last.Body)
	}
	bs := buttons(last)
	if len(bs) != 2 {
		t.Fatalf("buttons %v", bs)
	}

	// Another customer taps a button copied from this one's answer: only words.
	other := w.customer(t, w.wa, "wamid.x1", "4790000002", "Hello", time.Now())
	w.post(t, w.wa, metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: "wamid.x2", From: "4790000002", Type: "interactive",
		Text: "Resolved", Button: idOf(t, bs, "Resolved"), At: time.Now()}}, nil))
	if _, ok := w.feedback(t, answer.ID); ok {
		t.Fatal("another customer's button rated the answer")
	}
	om, _ := w.inbox.Messages(w.ctx, other)
	if !slices.ContainsFunc(om, func(m inbox.Message) bool { return m.Body == "Resolved" && m.Author == agent.AuthorVisitor }) {
		t.Errorf("the other customer's tap is not their message: %+v", om)
	}

	before := len(w.graph.Sent())
	w.post(t, w.wa, metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: "wamid.r2", From: "4790000001", Type: "interactive",
		Text: "Not resolved", Button: idOf(t, bs, "Not resolved"), At: time.Now()}}, nil))
	if f, ok := w.feedback(t, answer.ID); !ok || f.Helpful || f.Reason != "" {
		t.Fatalf("after Not resolved: %+v %v", f, ok)
	}
	c, _ := w.inbox.Get(w.ctx, w.ws, conv)
	if !c.Awaiting || c.AIActive {
		t.Errorf("not waiting for people: %+v", c)
	}
	sent = w.graph.Sent()
	if len(sent) != before+1 || sent[before].Text() != agent.Say("en", agent.PhraseWhyNot) {
		t.Fatalf("the question why: %+v", sent[before:])
	}
	reasons := buttons(sent[before])
	if len(reasons) != 3 {
		t.Fatalf("reasons %v", reasons)
	}
	w.post(t, w.wa, metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: "wamid.r3", From: "4790000001", Type: "interactive",
		Text: "Too long to read", Button: idOf(t, reasons, "Too long to read"), At: time.Now()}}, nil))
	if f, _ := w.feedback(t, answer.ID); f.Helpful || f.Reason != "too_long" {
		t.Errorf("after the reason: %+v", f)
	}
	msgs = w.messages(t, w.wa)[0]
	if n := msgs[len(msgs)-1]; n.Author != inbox.AuthorNote || !strings.Contains(n.Body, "too long to read") {
		t.Errorf("the reason as staff see it: %+v", n)
	}
	if len(w.graph.Sent()) != before+1 {
		t.Errorf("answered the reason: %+v", w.graph.Sent()[before+1:])
	}
}

// On Messenger the rating is two quick replies; Resolved is a note for staff; a typed
// "no" with words rates the answer with those words as the reason.
func TestMessengerRating(t *testing.T) {
	w := newWorld(t)
	w.botOnly(t)
	conv := w.customer(t, w.ms, "m_r1", "6543210987654321", "Do you sell gift cards?", time.Now())
	sent := w.graph.Sent()
	last := sent[len(sent)-1]
	bs := buttons(last)
	if len(bs) != 2 || !strings.HasSuffix(last.Text(), "Sent by the chat assistant") {
		t.Fatalf("the answer: %+v", last.Body)
	}
	msgs, _ := w.inbox.Messages(w.ctx, conv)
	answer := msgs[len(msgs)-1]
	before := len(sent)
	w.post(t, w.ms, metatest.Messenger(pageID, metatest.MSEvent{PSID: "6543210987654321", Mid: "m_r2", Text: "Resolved",
		QuickReply: idOf(t, bs, "Resolved"), At: time.Now()}))
	if f, ok := w.feedback(t, answer.ID); !ok || !f.Helpful {
		t.Fatalf("after Resolved: %+v %v", f, ok)
	}
	c, _ := w.inbox.Get(w.ctx, w.ws, conv)
	msgs, _ = w.inbox.Messages(w.ctx, conv)
	if n := msgs[len(msgs)-1]; n.Author != inbox.AuthorNote || c.Awaiting || len(w.graph.Sent()) != before {
		t.Errorf("Resolved asks nothing: %+v, awaiting %v, %d sent", n, c.Awaiting, len(w.graph.Sent())-before)
	}
	// They think again, and write.
	w.post(t, w.ms, metatest.Messenger(pageID, metatest.MSEvent{PSID: "6543210987654321", Mid: "m_r3", Text: "No, I wanted them in euros", At: time.Now()}))
	if f, _ := w.feedback(t, answer.ID); f.Helpful || f.Reason != "other" || f.Comment != "I wanted them in euros" {
		t.Errorf("after a typed no: %+v", f)
	}
	c, _ = w.inbox.Get(w.ctx, w.ws, conv)
	if !c.Awaiting || len(w.graph.Sent()) != before {
		t.Errorf("a typed no with its reason: awaiting %v, %d sent", c.Awaiting, len(w.graph.Sent())-before)
	}
}
