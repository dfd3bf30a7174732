package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
	"agent/app/knowledge"
	"agent/app/store"
)

// TestServeAnswersMail: `agent serve` reads a mailbox on this machine (allowed by
// email.allow_private_hosts), the AI answers the mail in its job, and the answer reaches
// the SMTP server in the customer's thread; a stop ends the server with the mailbox's
// connection logged out.
func TestServeAnswersMail(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "O", Password: "owner password"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := knowledge.New(knowledge.Options{DB: db}).CreateShortAnswer(ctx, ws.ID, knowledge.ShortAnswerInput{
		Question: "Do you sell gift cards?", Answer: "Yes, from 100 to 2000 NOK.", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	a, err := agent.NewStore(db).Create(ctx, ws.ID, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
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

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--data", data, "--listen", "127.0.0.1:0", "--ollama", "http://127.0.0.1:1"},
			Env{Stdout: &out, Stderr: &errb, Version: "v-test", Environ: []string{"AGENT_EMAIL_ALLOW_PRIVATE_HOSTS=true"}})
	}()
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
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if imapServer.Open() != 0 {
		t.Errorf("%d IMAP connections open after serve returned", imapServer.Open())
	}
}
