package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
	"agent/app/ids"
	"agent/app/inbox"
)

// mailWorld is an inbox world with an email channel whose mailbox is served by in-process
// IMAP and SMTP servers, its sends delivered when the test runs the jobs.
type mailWorld struct {
	*inboxWorld
	mail   channel.Channel
	smtp   *mailtest.SMTP
	imap   *mailtest.IMAP
	intake *mailbox.Intake
}

func newMailWorld(t *testing.T) *mailWorld {
	t.Helper()
	w := &mailWorld{inboxWorld: newInboxWorld(t)}
	var err error
	w.mail, err = w.channels.Create(w.ctx, w.wsID, channel.Input{Kind: channel.Email, Name: "Support mailbox", AgentID: w.ava.ID, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	w.imap = mailtest.NewIMAP(t, "support@shop.example", "imap password")
	w.smtp = mailtest.NewSMTP(t, "support@shop.example", "smtp password")
	settings := mailbox.NewStore(w.db)
	if _, err := settings.Save(w.ctx, mailbox.Settings{ChannelID: w.mail.ID, Address: "support@shop.example", FromName: "Shop",
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: w.imap.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "imap password"},
		SMTP: mailbox.Server{Host: "127.0.0.1", Port: w.smtp.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "smtp password"}}); err != nil {
		t.Fatal(err)
	}
	w.deliveries.Drivers[channel.Email] = &mailbox.Sender{DB: w.db, Settings: settings, Inbox: w.service.Store, Net: mailbox.NewNetwork(true)}
	w.service.Outboxes = map[channel.Kind]inbox.Outbox{channel.Email: w.deliveries}
	w.intake = &mailbox.Intake{DB: w.db, Settings: settings, Service: w.service, Net: mailbox.NewNetwork(true)}
	return w
}

// Without an email channel whose mailbox is connected, the New email page says so and a
// post is refused; the inbox offers no New email button.
func TestNewEmailWithoutMailbox(t *testing.T) {
	w := newInboxWorld(t)
	if body := w.b.get(w.path("inbox")).body; strings.Contains(body, `data-testid="new-email"`) {
		t.Error("the inbox offers New email without an email channel")
	}
	res := w.b.get(w.path("inbox/new-email"))
	if res.status != http.StatusOK || !strings.Contains(res.body, "No mailbox to write from") || !strings.Contains(res.body, `data-testid="set-up-email"`) {
		t.Fatalf("new email without a channel: %d\n%s", res.status, res.body)
	}
	// An email channel whose mailbox is not connected is no way to write either.
	mail, err := w.channels.Create(w.ctx, w.wsID, channel.Input{Kind: channel.Email, Name: "Support mailbox", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	res = w.b.post(w.path("inbox/new-email"), url.Values{"channel": {ids.Encode(mail.ID)}, "to": {"kari@example.com"}, "subject": {"Hello"}, "message": {"Hi"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "No mailbox to write from") {
		t.Errorf("a post without a mailbox: %d", res.status)
	}
	var n int
	if err := w.db.Read.QueryRow("SELECT COUNT(*) FROM conversations WHERE channel_id = ?", mail.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d conversations started without a mailbox (%v)", n, err)
	}
}

// A person writes first to a customer: from the contact's page, the conversation is
// theirs (not the AI's), the SMTP server receives the mail with our Message-ID, the
// subject and the plus address, and the customer's reply lands in the same conversation.
func TestNewEmailConversation(t *testing.T) {
	w := newMailWorld(t)
	k, err := w.service.Store.ContactByEmail(w.ctx, w.wsID, "kari@customer.example", "Kari Nordmann")
	if err != nil {
		t.Fatal(err)
	}
	contactPage := w.path("contacts/" + ids.Encode(k.ID))
	if body := w.b.get(contactPage).body; !strings.Contains(body, `href="`+w.path("inbox/new-email")+"?contact="+ids.Encode(k.ID)+`" data-testid="email-contact"`) {
		t.Fatal("the contact's page does not offer to write to them")
	}
	if body := w.b.get(w.path("inbox")).body; !strings.Contains(body, `data-testid="new-email"`) {
		t.Error("the inbox offers no New email")
	}
	res := w.b.get(w.path("inbox/new-email?contact=" + ids.Encode(k.ID)))
	if res.status != http.StatusOK || !strings.Contains(res.body, `value="kari@customer.example"`) || !strings.Contains(res.body, "From Support mailbox") {
		t.Fatalf("the form: %d\n%s", res.status, res.body)
	}
	form := url.Values{"channel": {ids.Encode(w.mail.ID)}, "to": {"kari@customer.example"}, "subject": {""}, "message": {"Your order has shipped."}}
	if res := w.b.post(w.path("inbox/new-email"), form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Write a subject") ||
		!strings.Contains(res.body, "Your order has shipped.") {
		t.Errorf("no subject: %d", res.status)
	}
	for _, to := range []string{"not an address", "support@shop.example"} {
		form.Set("subject", "Your order")
		form.Set("to", to)
		if res := w.b.post(w.path("inbox/new-email"), form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-to"`) {
			t.Errorf("to %q: %d", to, res.status)
		}
	}
	form.Set("to", "kari@customer.example")
	form.Set("channel", ids.Encode(w.chat.ID)) // not an email channel
	if res := w.b.post(w.path("inbox/new-email"), form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Choose the mailbox to write from.") {
		t.Errorf("from a chat channel: %d", res.status)
	}
	form.Set("channel", ids.Encode(w.mail.ID))
	res = w.b.post(w.path("inbox/new-email"), form)
	var convID int64
	if err := w.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", w.mail.ID).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	c := w.conv(t, convID)
	if res.status != http.StatusOK || res.url != w.convPath(c, "") || !strings.Contains(res.body, "Email to kari@customer.example sent.") ||
		!strings.Contains(res.body, `data-testid="contact-link">Kari Nordmann<`) {
		t.Fatalf("sent: %d at %s", res.status, res.url)
	}
	if c.AssigneeID != w.owner || c.AIActive || c.Status != "open" {
		t.Errorf("the new conversation: %+v; want the sender's, without the AI", c)
	}
	if owner, _, _ := w.service.Store.ContactOf(w.ctx, c); owner.ID != k.ID {
		t.Errorf("the conversation's contact: %+v", owner)
	}
	if _, err := w.deliveries.Jobs.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
	got := w.smtp.Received()
	if len(got) != 1 {
		t.Fatalf("the SMTP server received %d mails", len(got))
	}
	m := got[0]
	msgID := m.Header.Get("Message-ID")
	if m.To != "kari@customer.example" || m.Header.Get("Subject") != "Your order" || !strings.HasSuffix(msgID, "@shop.example>") ||
		m.Header.Get("In-Reply-To") != "" || m.Header.Get("Auto-Submitted") != "" || !strings.Contains(m.Body, "Your order has shipped.") ||
		!strings.Contains(m.Header.Get("Reply-To"), "support+c-") {
		t.Fatalf("the mail: to %s, headers %v", m.To, m.Header)
	}

	// Kari answers in the thread: the same conversation, not answered by the AI.
	w.imap.Deliver(t, `
From: Kari Nordmann <kari@customer.example>
To: support@shop.example
Subject: Re: Your order
Message-ID: <kari-reply@customer.example>
In-Reply-To: `+msgID+`
References: `+msgID+`
Date: Sun, 06 Dec 2026 10:00:00 +0100
Content-Type: text/plain; charset=utf-8

Thanks, when will it arrive?

On Sun, 6 Dec 2026, Shop wrote:
> Your order has shipped.
`)
	if n, err := w.intake.Poll(w.ctx, w.mail); err != nil || n != 1 {
		t.Fatalf("Poll = %d, %v", n, err)
	}
	var convs int
	if err := w.db.Read.QueryRow("SELECT COUNT(*) FROM conversations WHERE channel_id = ?", w.mail.ID).Scan(&convs); err != nil || convs != 1 {
		t.Fatalf("%d email conversations after the reply (%v)", convs, err)
	}
	msgs, err := w.service.Store.Messages(w.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[1].Author != "visitor" || msgs[1].Body != "Thanks, when will it arrive?" {
		t.Errorf("the conversation's messages: %+v", msgs)
	}
	if c := w.conv(t, c.ID); c.AssigneeID != w.owner || c.AIActive {
		t.Errorf("after the reply: %+v", c)
	}
}
