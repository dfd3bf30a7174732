package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
	"agent/app/ids"
	"agent/app/inbox"
)

// TestBrowserEmailThread: a mail asking for a person arrives in the mailbox; it appears in
// the inbox of a real headless Chromium without a reload, named by its sender; the person
// replies there, and the SMTP server receives the reply in the customer's thread.
func TestBrowserEmailThread(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	owner, err := e.accounts.UserByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ava := e.createAgent("Ava")
	ch, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Email, Name: "Support mailbox", AgentID: ava.ID,
		HandoffUsers: []int64{owner.ID}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	imapServer := mailtest.NewIMAP(t, "support@shop.example", "imap password")
	smtpServer := mailtest.NewSMTP(t, "support@shop.example", "smtp password")
	settings := mailbox.NewStore(e.db)
	if _, err := settings.Save(ctx, mailbox.Settings{ChannelID: ch.ID, Address: "support@shop.example", FromName: "Shop",
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: imapServer.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "imap password"},
		SMTP: mailbox.Server{Host: "127.0.0.1", Port: smtpServer.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "smtp password"}}); err != nil {
		t.Fatal(err)
	}
	e.deliveries.Drivers[channel.Email] = &mailbox.Sender{DB: e.db, Settings: settings, Inbox: e.service.Store, Net: mailbox.NewNetwork(true)}
	e.service.Outboxes = map[channel.Kind]inbox.Outbox{channel.Email: e.deliveries}
	intake := &mailbox.Intake{DB: e.db, Settings: settings, Service: e.service, Net: mailbox.NewNetwork(true)}

	bctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, bctx)
	step("log in and go online",
		e.browserLogIn(),
		chromedp.WaitVisible(`[data-testid="list-empty"]`),
		chromedp.Click(`[data-testid="go-online"]`),
		chromedp.WaitVisible(`[data-testid="go-away"]`),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
	)

	imapServer.Deliver(t, `
From: Kari Nordmann <kari@customer.example>
To: support@shop.example
Subject: My order
Message-ID: <kari-1@customer.example>
Date: Sat, 05 Dec 2026 10:00:00 +0100
Content-Type: text/plain; charset=utf-8

Can I talk to a human, please?
`)
	if n, err := intake.Poll(ctx, ch); err != nil || n != 1 {
		t.Fatalf("Poll = %d, %v", n, err)
	}
	if _, err := e.deliveries.Jobs.RunDue(ctx); err != nil { // the AI's answer: it hands off
		t.Fatal(err)
	}
	var convID int64
	if err := e.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	item := `[data-testid="conv-item"][data-id="` + ids.Encode(convID) + `"]`
	var who string
	step("the mail appears in Mine without a reload, and opens named by its sender",
		chromedp.WaitVisible(item),
		chromedp.Click(item),
		chromedp.WaitVisible(`[data-testid="conversation"]`),
		chromedp.Text(`[data-testid="conv-who"]`, &who),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
	)
	if who != "Kari Nordmann" {
		t.Errorf("the conversation is named %q", who)
	}
	step("reply",
		chromedp.SendKeys(`#f-message`, "Hi Kari, Olga here."),
		chromedp.Click(`[data-testid="send-reply"]`),
		chromedp.WaitVisible(`//li[@data-author="human"]/p[@class="msg-body" and text()="Hi Kari, Olga here."]`),
	)
	if _, err := e.deliveries.Jobs.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	var reply *mailtest.Received
	for _, r := range smtpServer.Received() {
		if strings.Contains(r.Body, "Olga here") {
			reply = &r
		}
	}
	if reply == nil {
		t.Fatalf("the SMTP server did not receive the reply: %+v", smtpServer.Received())
	}
	if reply.To != "kari@customer.example" || reply.Header.Get("In-Reply-To") != "<kari-1@customer.example>" ||
		reply.Header.Get("Subject") != "Re: My order" || reply.Header.Get("Auto-Submitted") != "" {
		t.Errorf("the reply: to %s, headers %v", reply.To, reply.Header)
	}
}
