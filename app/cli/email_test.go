package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
)

// TestServeAnswersMail: `agent serve` reads a mailbox on this machine (allowed by
// email.allow_private_hosts), the AI answers the mail in its job, and the answer reaches
// the SMTP server in the customer's thread; a stop ends the server with the mailbox's
// connection logged out.
func TestServeAnswersMail(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	db, ws, a := giftShop(t, data)
	ch, err := channel.NewStore(db).Create(ctx, ws.ID, channel.Input{Kind: channel.Email, Name: "Support", AgentID: a.ID, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	imapServer := mailtest.NewIMAP(t, "support@shop.example", "imap password")
	smtpServer := mailtest.NewSMTP(t, "support@shop.example", "smtp password")
	if _, err := mailbox.NewStore(db).Save(ctx, mailbox.Settings{ChannelID: ch.ID, Address: "support@shop.example", FromName: "Shop",
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: imapServer.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "imap password"},
		SMTP: mailbox.Server{Host: "127.0.0.1", Port: smtpServer.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "smtp password"}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	stop, errb := serveInProcess(t, data, "AGENT_EMAIL_ALLOW_PRIVATE_HOSTS=true")
	imapServer.Deliver(t, `
From: Kari Nordmann <kari@customer.example>
To: support@shop.example
Subject: Gift cards
Message-ID: <kari-1@customer.example>
Date: Sat, 05 Dec 2026 10:00:00 +0100
Content-Type: text/plain; charset=utf-8

Do you sell gift cards?
`)
	for deadline := time.Now().Add(30 * time.Second); len(smtpServer.Received()) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
	}
	got := smtpServer.Received()
	if len(got) != 1 || got[0].Header.Get("In-Reply-To") != "<kari-1@customer.example>" || !strings.Contains(got[0].Body, "2000 NOK") {
		t.Fatalf("the SMTP server received %+v\n%s", got, errb.String())
	}
	stop()
	if imapServer.Open() != 0 {
		t.Errorf("%d IMAP connections open after serve returned", imapServer.Open())
	}
}
