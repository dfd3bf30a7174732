package mailbox_test

import (
	"testing"

	"agent/app/channel/mailbox"
)

// A new thread's conversation is stored with its first mail, and a reply reopens a closed
// thread with the reply: a failure while the mail is stored (a trigger refusing its
// record) leaves neither an empty conversation nor a thread reopened for nothing, and the
// next poll stores the mail whole.
func TestIntakeStoresConversationWithItsMail(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}
	refuse := func() {
		t.Helper()
		if _, err := w.db.Write.Exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON email_messages WHEN new.incoming = 1
			BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
			t.Fatal(err)
		}
	}
	allow := func() {
		t.Helper()
		if _, err := w.db.Write.Exec("DROP TRIGGER temp.refuse"); err != nil {
			t.Fatal(err)
		}
	}

	user.Deliver(t, firstMail)
	refuse()
	if _, err := intake.Poll(w.ctx, w.ch); err == nil {
		t.Fatal("the poll stored despite the failure")
	}
	if convs := w.conversations(t); len(convs) != 0 {
		t.Fatalf("after a failed store: %v", convs)
	}
	allow()
	w.poll(t, intake, 1)
	convs := w.conversations(t)
	if len(convs) != 1 {
		t.Fatalf("conversations: %v", convs)
	}
	var id int64
	for id = range convs {
	}
	if err := w.inbox.SetStatus(w.ctx, w.ws.ID, id, true); err != nil {
		t.Fatal(err)
	}

	user.Deliver(t, `
From: Kari Nordmann <kari@customer.example>
To: support@shop.example
Subject: Re: Gift cards
Message-ID: <kari-2@customer.example>
In-Reply-To: <kari-1@customer.example>
References: <kari-1@customer.example>
Date: Sat, 05 Dec 2026 11:00:00 +0100
Content-Type: text/plain; charset=utf-8

And for 500 NOK?
`)
	refuse()
	if _, err := intake.Poll(w.ctx, w.ch); err == nil {
		t.Fatal("the poll stored the reply despite the failure")
	}
	if c, err := w.inbox.Get(w.ctx, w.ws.ID, id); err != nil || c.Status != "closed" {
		t.Fatalf("the thread after a failed reply: %+v %v", c, err)
	}
	allow()
	w.poll(t, intake, 1)
	if c, err := w.inbox.Get(w.ctx, w.ws.ID, id); err != nil || c.Status != "open" {
		t.Fatalf("the thread after the reply: %+v %v", c, err)
	}
	if convs := w.conversations(t); len(convs) != 1 || len(convs[id]) < 3 {
		t.Fatalf("the reply in its thread: %v", convs)
	}
}
