package meta_test

import (
	"strings"
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/channel/meta/metatest"
	"agent/app/inbox"
)

// One POST with two customers' messages, out of order, and a status of a message that is
// not ours: each customer gets a conversation, the AI answers each, the fake API receives
// the answers; the same POST again, and one message of it in another POST, change
// nothing; statuses move each answer forward and never back; a failure shows its code.
func TestWhatsAppIntake(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	event := metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{
		{ID: "wamid.B", From: "4790000002", Name: "Ola", Text: "Do you sell gift cards?", At: now.Add(-time.Minute)},
		{ID: "wamid.A2", From: "4790000001", Name: "Kari", Text: "Do you sell gift cards?", At: now.Add(-2 * time.Minute)},
		{ID: "wamid.A1", From: "4790000001", Name: "Kari", Text: "Hello", At: now.Add(-3 * time.Minute)},
	}, []metatest.WAStatus{{ID: "wamid.NOTOURS", Status: "read", RecipientID: "4790000001", At: now}})
	w.post(t, w.wa, event)
	convs := w.messages(t, w.wa)
	if len(convs) != 2 {
		t.Fatalf("conversations: %v", convs)
	}
	kari, ola := convs[0], convs[1]
	if len(kari) < 3 || kari[0].Body != "Hello" || kari[0].Author != agent.AuthorVisitor {
		t.Fatalf("Kari's conversation, oldest message first: %+v", kari)
	}
	var answers []inbox.Message
	for _, c := range [][]inbox.Message{kari, ola} {
		last := c[len(c)-1]
		if last.Author != agent.AuthorBot || !strings.Contains(last.Body, "gift cards") {
			t.Fatalf("the AI's answer: %+v", c)
		}
		answers = append(answers, last)
	}
	conv, _ := w.inbox.Get(w.ctx, w.ws, kari[0].ConversationID)
	if k, ok, _ := w.inbox.ContactOf(w.ctx, conv); !ok || k.WhatsAppID != "4790000001" || k.Name != "Kari" {
		t.Errorf("Kari's contact: %+v", k)
	}
	sent := w.graph.Sent()
	var toKari *metatest.Request
	for i, r := range sent {
		if r.Path != "/v25.0/"+phoneID+"/messages" || r.Token != token || r.Body["messaging_product"] != "whatsapp" || r.Body["recipient_type"] != "individual" {
			t.Errorf("a send: %+v", r)
		}
		if r.Body["to"] == "4790000001" && strings.Contains(r.Text(), "gift cards") {
			toKari = &sent[i]
		}
	}
	if toKari == nil {
		t.Fatalf("the fake API did not get the answer to Kari: %+v", sent)
	}

	w.post(t, w.wa, event)
	w.post(t, w.wa, metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: "wamid.B", From: "4790000002", Text: "Do you sell gift cards?", At: now}}, nil))
	if again := w.messages(t, w.wa); len(again) != 2 || len(again[0]) != len(kari) || len(again[1]) != len(ola) {
		t.Fatalf("a redelivery changed the inbox: %v", again)
	}
	if n := len(w.graph.Sent()); n != len(sent) {
		t.Fatalf("a redelivery sent %d more", n-len(sent))
	}

	idOf := func(m inbox.Message) string { return w.delivery(t, m.ID).ExternalID }
	kariID, olaID := idOf(answers[0]), idOf(answers[1])
	w.post(t, w.wa, metatest.WhatsApp(wabaID, phoneID, nil, []metatest.WAStatus{
		{ID: kariID, Status: "read", RecipientID: "4790000001", At: now},
		{ID: kariID, Status: "delivered", RecipientID: "4790000001", At: now},
		{ID: kariID, Status: "sent", RecipientID: "4790000001", At: now},
		{ID: olaID, Status: "failed", RecipientID: "4790000002", At: now, Code: 131047, Title: "Re-engagement message",
			Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
	}))
	if d := w.delivery(t, answers[0].ID); d.Status != inbox.DeliveryRead {
		t.Errorf("after read, delivered and sent in that order: %+v", d)
	}
	if d := w.delivery(t, answers[1].ID); d.Status != inbox.DeliveryFailed || !strings.HasPrefix(d.Error, "131047 Re-engagement message: Message failed to send") {
		t.Errorf("the failure: %+v", d)
	}
	w.post(t, w.wa, metatest.WhatsApp(wabaID, phoneID, nil, []metatest.WAStatus{{ID: olaID, Status: "delivered", At: now}}))
	if d := w.delivery(t, answers[1].ID); d.Status != inbox.DeliveryDelivered || d.Error != "" {
		t.Errorf("delivered after all: %+v", d)
	}

	var summaries []string
	rows, _ := w.db.Read.Query("SELECT summary FROM meta_events ORDER BY id")
	for rows.Next() {
		var s string
		rows.Scan(&s)
		summaries = append(summaries, s)
	}
	rows.Close()
	if want := "3 messages, 1 status"; len(summaries) == 0 || summaries[0] != want {
		t.Errorf("the events' summaries: %q, want the first %q", summaries, want)
	}
}

// An event for another phone number of the same app is skipped; a media message without
// a caption is not answered by the AI: people take over by the channel's rules.
func TestWhatsAppSkips(t *testing.T) {
	w := newWorld(t)
	w.post(t, w.wa, metatest.WhatsApp(wabaID, "999999999999", []metatest.WAMessage{{ID: "wamid.X", From: "4790000001", Text: "Do you sell gift cards?", At: time.Now()}}, nil))
	if got := w.messages(t, w.wa); len(got) != 0 {
		t.Fatalf("another number's message: %v", got)
	}
	w.post(t, w.wa, metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: "wamid.I", From: "4790000001", Type: "image", At: time.Now()}}, nil))
	got := w.messages(t, w.wa)
	if len(got) != 1 || len(got[0]) != 2 || got[0][0].Body != "(image)" || got[0][1].Author != inbox.AuthorNote ||
		!strings.Contains(got[0][1].Body, "which the AI cannot read") {
		t.Fatalf("a photo without words, then the staff's note why: %+v", got)
	}
	if len(w.graph.Sent()) != 0 {
		t.Errorf("the AI answered a photo: %+v", w.graph.Sent())
	}
	c, _ := w.inbox.Get(w.ctx, w.ws, got[0][0].ConversationID)
	if hs, err := w.inbox.Handoffs(w.ctx, c.ID); err != nil || len(hs) != 1 || hs[0].Cause != inbox.CauseAutomation || c.AIActive {
		t.Errorf("a photo without words is not handed to people: %+v %v, AI on %v", hs, err, c.AIActive)
	}
}
