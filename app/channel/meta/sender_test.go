package meta_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/channel/meta"
	"agent/app/channel/meta/metatest"
	"agent/app/inbox"
)

// sendJob runs the sending job of a message once, as the runner does, and returns its error.
func (w *world) sendJob(t *testing.T, m inbox.Message) error {
	t.Helper()
	payload, _ := json.Marshal(map[string]int64{"workspace_id": w.ws, "conversation_id": m.ConversationID, "message_id": m.ID})
	return w.deliveries.Send(w.ctx, payload)
}

// customer has a customer write on the channel at the time given, with the AI off the
// conversation, and returns the conversation's id.
func (w *world) customer(t *testing.T, ch channel.Channel, id, from, text string, at time.Time) int64 {
	t.Helper()
	var body []byte
	if ch.Kind == channel.WhatsApp {
		body = metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: id, From: from, Text: text, At: at}}, nil)
	} else {
		body = metatest.Messenger(pageID, metatest.MSEvent{PSID: from, Mid: id, Text: text, At: at})
	}
	w.post(t, ch, body)
	var conv int64
	if err := w.db.Read.QueryRow("SELECT conversation_id FROM messages m JOIN meta_messages mm ON mm.message_id = m.id WHERE mm.external_id = ?", id).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	return conv
}

// The 500 and the 429 are retried and the message goes on the third attempt; a refusal
// that trying again cannot fix (an invalid number) fails at once with Meta's words.
func TestSendRetries(t *testing.T) {
	w := newWorld(t)
	conv := w.customer(t, w.wa, "wamid.1", "4790000001", "I need a person", time.Now())
	sent := len(w.graph.Sent())
	w.graph.Fail(http.StatusInternalServerError, 1, "An unknown error occurred")
	w.graph.Fail(http.StatusTooManyRequests, 130429, "Rate limit hit")
	m, err := w.svc.HumanReply(w.ctx, w.ws, conv, w.owner, "Hello Kari, Olga here.")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Meta answered 500: (#1) An unknown error occurred", "Meta answered 429: (#130429) Rate limit hit"} {
		if err := w.sendJob(t, m); err == nil {
			t.Fatalf("attempt %d passed", i+1)
		}
		if d := w.delivery(t, m.ID); d.Status != inbox.DeliveryQueued || d.Error != want {
			t.Errorf("after attempt %d: %+v, want %q", i+1, d, want)
		}
	}
	if err := w.sendJob(t, m); err != nil {
		t.Fatal(err)
	}
	if d := w.delivery(t, m.ID); d.Status != inbox.DeliverySent || !strings.HasPrefix(d.ExternalID, "wamid.") {
		t.Errorf("after the third attempt: %+v", d)
	}
	got := w.graph.Sent()[sent:]
	if len(got) != 3 || got[2].Text() != "Hello Kari, Olga here." || got[2].Body["to"] != "4790000001" {
		t.Errorf("the fake API received: %+v", got)
	}

	w.graph.Fail(http.StatusBadRequest, 131026, "Message undeliverable")
	m, _ = w.svc.HumanReply(w.ctx, w.ws, conv, w.owner, "Are you there?")
	if err := w.sendJob(t, m); err != nil {
		t.Fatalf("a permanent refusal is retried: %v", err)
	}
	if d := w.delivery(t, m.ID); d.Status != inbox.DeliveryFailed || d.Attempts != 1 || !strings.Contains(d.Error, "131026") {
		t.Errorf("a permanent refusal: %+v", d)
	}
}

// WhatsApp: free text within 24 hours of the customer's last message; after, only a
// template a person chose; the AI does not answer a message Meta delivers after its
// window closed.
func TestWhatsAppWindow(t *testing.T) {
	w := newWorld(t)
	conv := w.customer(t, w.wa, "wamid.old", "4790000001", "Do you sell gift cards?", ago(25*time.Hour))
	if msgs := w.messages(t, w.wa)[0]; len(msgs) != 2 || msgs[1].Author != inbox.AuthorNote || !strings.Contains(msgs[1].Body, "reply window closed") {
		t.Fatalf("the AI answered outside the window, or the staff were not told why: %+v", msgs)
	}
	sent := len(w.graph.Sent())
	m, _ := w.svc.HumanReply(w.ctx, w.ws, conv, w.owner, "Sorry for the wait!")
	w.run(t)
	if d := w.delivery(t, m.ID); d.Status != inbox.DeliveryFailed || d.Attempts != 1 || !strings.Contains(d.Error, "template") {
		t.Errorf("free text after 24 hours: %+v", d)
	}
	tpl := meta.TemplateMessage{Name: "order_update", Lang: "en_US", Params: []string{"#1042"}}
	m, err := w.svc.HumanReplyWith(w.ctx, w.ws, conv, w.owner, meta.TemplateText(tpl), meta.RecordTemplate(w.ctx, tpl))
	if err != nil {
		t.Fatal(err)
	}
	w.run(t)
	if d := w.delivery(t, m.ID); d.Status != inbox.DeliverySent {
		t.Fatalf("the template: %+v", d)
	}
	got := w.graph.Sent()[sent:]
	if len(got) != 1 || got[0].Body["type"] != "template" {
		t.Fatalf("the fake API received: %+v", got)
	}
	b, _ := json.Marshal(got[0].Body["template"])
	if want := `{"components":[{"parameters":[{"text":"#1042","type":"text"}],"type":"body"}],"language":{"code":"en_US"},"name":"order_update"}`; string(b) != want {
		t.Errorf("the template sent:\n%s\nwant\n%s", b, want)
	}

	// The customer writes again: the window opens; it closes 24 hours later by the clock.
	w.customer(t, w.wa, "wamid.new", "4790000001", "Thanks", time.Now())
	m, _ = w.svc.HumanReply(w.ctx, w.ws, conv, w.owner, "You're welcome")
	w.senders[channel.WhatsApp].Now = func() time.Time { return time.Now().Add(23 * time.Hour) }
	w.run(t)
	if d := w.delivery(t, m.ID); d.Status != inbox.DeliverySent {
		t.Errorf("23 hours after: %+v", d)
	}
	w.senders[channel.WhatsApp].Now = func() time.Time { return time.Now().Add(24*time.Hour + time.Minute) }
	m, _ = w.svc.HumanReply(w.ctx, w.ws, conv, w.owner, "Anything else?")
	w.run(t)
	if d := w.delivery(t, m.ID); d.Status != inbox.DeliveryFailed || !strings.HasPrefix(d.Error, "the customer last wrote 24h1m0s ago") {
		t.Errorf("24 hours after: %+v", d)
	}
}

// Messenger: a person may answer up to 7 days with the HUMAN_AGENT tag, the AI only
// within 24 hours and never with the tag.
func TestMessengerWindow(t *testing.T) {
	w := newWorld(t)
	conv := w.customer(t, w.ms, "m_1", "6543210987654321", "Do you sell gift cards?", time.Now())
	got := w.graph.Sent()
	if len(got) != 1 || got[0].Path != "/v25.0/"+pageID+"/messages" || got[0].Body["messaging_type"] != "RESPONSE" || got[0].Body["tag"] != nil {
		t.Fatalf("the AI's answer: %+v", got)
	}
	if msg := got[0].Body["message"].(map[string]any); msg["metadata"] != "agent" || !strings.Contains(msg["text"].(string), "gift cards") {
		t.Errorf("the AI's message: %+v", msg)
	}
	sender := w.senders[channel.Messenger]
	sender.Now = func() time.Time { return time.Now().Add(3 * 24 * time.Hour) }
	m, _ := w.svc.HumanReply(w.ctx, w.ws, conv, w.owner, "Sorry for the wait!")
	w.run(t)
	got = w.graph.Sent()
	if d := w.delivery(t, m.ID); d.Status != inbox.DeliverySent || len(got) != 2 || got[1].Body["messaging_type"] != "MESSAGE_TAG" || got[1].Body["tag"] != "HUMAN_AGENT" {
		t.Errorf("a person after 3 days: %+v %+v", d, got)
	}
	// The AI's system message (a handoff nobody took) after 24 hours is refused, not tagged.
	ai, err := w.inbox.AddMessage(w.ctx, conv, agent.AuthorBot, 0, "Still there?", "en")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.deliveries.Deliver(w.ctx, w.ms, inbox.Conversation{ID: conv, WorkspaceID: w.ws}, ai); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	if d := w.delivery(t, ai.ID); d.Status != inbox.DeliveryFailed || !strings.Contains(d.Error, "only a person") {
		t.Errorf("the AI after 3 days: %+v", d)
	}
	sender.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	m, _ = w.svc.HumanReply(w.ctx, w.ws, conv, w.owner, "Hello?")
	w.run(t)
	if d := w.delivery(t, m.ID); d.Status != inbox.DeliveryFailed || !strings.Contains(d.Error, "7 days") {
		t.Errorf("a person after 8 days: %+v", d)
	}
	if n := len(w.graph.Sent()); n != 2 {
		t.Errorf("the fake API received %d sends, want 2", n)
	}
}

// A reply a person made in Meta's own inbox shows as theirs and stops the AI; the echo
// of our own send is not stored twice; deliveries and reads by watermark move ours on.
func TestMessengerEchoes(t *testing.T) {
	w := newWorld(t)
	psid := "6543210987654321"
	conv := w.customer(t, w.ms, "m_1", psid, "Do you sell gift cards?", time.Now())
	ours := w.graph.Sent()[0]
	mid := "m_AG5Hz2U000001"
	if ours.Body["recipient"].(map[string]any)["id"] != psid {
		t.Fatalf("sent to: %+v", ours.Body)
	}
	w.post(t, w.ms, metatest.Messenger(pageID,
		metatest.MSEvent{PSID: psid, Mid: mid, Text: "Yes, gift cards…", Echo: true, Metadata: "agent", At: time.Now()},
		metatest.MSEvent{PSID: psid, Mid: "m_page_inbox", Text: "Hi, Olga from the shop here.", Echo: true, At: time.Now()},
	))
	msgs := w.messages(t, w.ms)[0]
	last := msgs[len(msgs)-1]
	if len(msgs) != 3 || last.Author != agent.AuthorHuman || last.Body != "Hi, Olga from the shop here." {
		t.Fatalf("after the echoes: %+v", msgs)
	}
	c, _ := w.inbox.Get(w.ctx, w.ws, conv)
	if c.AIActive {
		t.Error("the AI still answers after a person wrote from Meta's inbox")
	}
	if k, _, _ := w.inbox.ContactOf(w.ctx, c); k.MessengerPSID != psid || k.Name != "Kari Nordmann" {
		t.Errorf("the Messenger contact, named from their profile: %+v", k)
	}
	w.customer(t, w.ms, "m_2", psid, "Do you sell gift cards?", time.Now())
	if n := len(w.graph.Sent()); n != 1 {
		t.Errorf("the AI answered after the echo: %d sends", n)
	}
	w.post(t, w.ms, metatest.Messenger(pageID, metatest.MSEvent{PSID: psid, Read: time.Now().Add(time.Minute), At: time.Now()}))
	if d := w.delivery(t, msgs[1].ID); d.Status != inbox.DeliveryRead {
		t.Errorf("read by watermark: %+v", d)
	}
}

// A clarifying question's options are WhatsApp buttons and Messenger quick replies when
// they fit, a numbered list when not; a long answer goes in parts at the API's limit,
// the sources' links at the end of the last.
func TestSendShapes(t *testing.T) {
	w := newWorld(t)
	for _, ch := range []channel.Channel{w.wa, w.ms} {
		from := map[channel.Kind]string{channel.WhatsApp: "4790000009", channel.Messenger: "999888777"}[ch.Kind]
		conv := w.customer(t, ch, "id-"+string(ch.Kind), from, "Hello there, a question", time.Now())
		c, _ := w.inbox.Get(w.ctx, w.ws, conv)
		k, _, _ := w.inbox.ContactOf(w.ctx, c)
		send := func(out channel.Outgoing) []metatest.Request {
			t.Helper()
			before := len(w.graph.Sent())
			out.Channel, out.ConversationID, out.ContactID, out.Lang = ch, conv, k.ID, "en"
			m, err := w.inbox.AddMessage(w.ctx, conv, agent.AuthorBot, 0, "x", "en")
			if err != nil {
				t.Fatal(err)
			}
			out.MessageID = m.ID
			if _, err := w.senders[ch.Kind].Send(w.ctx, out); err != nil {
				t.Fatal(err)
			}
			return w.graph.Sent()[before:]
		}
		got := send(channel.Outgoing{Text: "Which of these do you mean?", Options: []string{"Gift cards", "Returns", "Something else"}})
		if len(got) != 1 {
			t.Fatalf("%s: %+v", ch.Kind, got)
		}
		b, _ := json.Marshal(got[0].Body)
		want := map[channel.Kind]string{
			channel.WhatsApp:  `"interactive":{"action":{"buttons":[{"reply":{"id":"option-1","title":"Gift cards"},"type":"reply"},{"reply":{"id":"option-2","title":"Returns"},"type":"reply"},{"reply":{"id":"option-3","title":"Something else"},"type":"reply"}]},"body":{"text":"Which of these do you mean?"},"type":"button"}`,
			channel.Messenger: `"quick_replies":[{"content_type":"text","payload":"option-1","title":"Gift cards"},{"content_type":"text","payload":"option-2","title":"Returns"},{"content_type":"text","payload":"option-3","title":"Something else"}]`,
		}[ch.Kind]
		if !strings.Contains(string(b), want) {
			t.Errorf("%s: the options sent as\n%s\nwant within it\n%s", ch.Kind, b, want)
		}
		long := []string{"Gift cards bought online in the shop", "Returns", "Other"}
		got = send(channel.Outgoing{Text: "Which of these do you mean?", Options: long})
		if len(got) != 1 || got[0].Text() != "Which of these do you mean?\n\n1. Gift cards bought online in the shop\n2. Returns\n3. Other" {
			t.Errorf("%s: options too long for buttons: %+v", ch.Kind, got)
		}
		limit := map[channel.Kind]int{channel.WhatsApp: 4096, channel.Messenger: 2000}[ch.Kind]
		text := strings.Repeat("Gift cards are sold in the shop. ", 5*limit/66)
		got = send(channel.Outgoing{Text: text, Sources: []channel.Link{{Title: "Gift cards", URL: "https://shop.example/gift-cards"}}})
		var whole []string
		for _, r := range got {
			if n := len([]rune(r.Text())); n > limit || n < limit/2 && r.Text() != got[len(got)-1].Text() {
				t.Errorf("%s: a part of %d characters", ch.Kind, n)
			}
			whole = append(whole, r.Text())
		}
		if len(got) != 3 || !strings.HasSuffix(whole[2], "Sources:\n[1] https://shop.example/gift-cards") ||
			strings.Join(strings.Fields(strings.Join(whole, " ")), " ") != strings.TrimSpace(text)+" Sources: [1] https://shop.example/gift-cards" {
			t.Errorf("%s: the long answer in %d parts, the last ending %q", ch.Kind, len(got), whole[len(whole)-1][max(0, len(whole[len(whole)-1])-80):])
		}
	}
}
