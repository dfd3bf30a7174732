package mailbox_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
	"agent/app/fetch"
	"agent/app/inbox"
)

// newIMAPServer serves the mailbox support@shop.example in process and points the
// channel's settings at it.
func (w *world) newIMAPServer(t testing.TB) *mailtest.IMAP {
	t.Helper()
	return w.useIMAP(t, mailtest.NewIMAP(t, "support@shop.example", "imap password"))
}

// useIMAP points the channel's settings at the IMAP server m.
func (w *world) useIMAP(t testing.TB, m *mailtest.IMAP) *mailtest.IMAP {
	t.Helper()
	set, err := w.settings.Get(w.ctx, w.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	set.IMAP.Port = m.Port
	if _, err := w.settings.Save(w.ctx, set); err != nil {
		t.Fatal(err)
	}
	return m
}

// poll reads the mailbox once, then runs the jobs it queued: the AI's answers, their sending.
func (w *world) poll(t *testing.T, intake *mailbox.Intake, want int) {
	t.Helper()
	n, err := intake.Poll(w.ctx, w.ch)
	if err != nil || n != want {
		t.Fatalf("Poll = %d, %v; want %d new", n, err, want)
	}
	if _, err := w.runner.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
}

// conversations lists the channel's conversations with their messages' authors and texts.
func (w *world) conversations(t *testing.T) map[int64][]inbox.Message {
	t.Helper()
	rows, err := w.db.Read.Query("SELECT id FROM conversations WHERE channel_id = ?", w.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	out := map[int64][]inbox.Message{}
	for _, id := range ids {
		if out[id], err = w.inbox.Messages(w.ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

const firstMail = `
From: Kari Nordmann <kari@customer.example>
To: support@shop.example
Subject: Gift cards
Message-ID: <kari-1@customer.example>
Date: Sat, 05 Dec 2026 10:00:00 +0100
Content-Type: text/plain; charset=utf-8

Hello, do you sell gift cards?

Kari
`

// A mail arrives → stored once → the AI answers → the SMTP server gets the answer in the
// thread; the customer's reply by the plus address alone joins the same conversation, its
// quote stripped; an out-of-office is stored and not answered; a fetch repeated after a
// stop, and a changed UIDVALIDITY, store nothing twice; the mailbox's \Seen flags stay.
func TestIntake(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}

	user.Deliver(t, firstMail)
	w.poll(t, intake, 1)
	w.poll(t, intake, 0)
	convs := w.conversations(t)
	if len(convs) != 1 {
		t.Fatalf("conversations: %v", convs)
	}
	var c int64
	for id, msgs := range convs {
		c = id
		if len(msgs) != 2 || msgs[0].Body != "Hello, do you sell gift cards?\n\nKari" && msgs[0].Body != "Hello, do you sell gift cards?" || msgs[1].Author != agent.AuthorBot {
			t.Fatalf("the first mail and its answer: %+v", msgs)
		}
	}
	conv, _ := w.inbox.Get(w.ctx, w.ws.ID, c)
	if k, ok, _ := w.inbox.ContactOf(w.ctx, conv); !ok || k.Email != "kari@customer.example" || k.Name != "Kari Nordmann" {
		t.Errorf("the conversation's contact: %+v", k)
	}
	if _, err := w.runner.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
	if len(w.smtp.Received()) != 1 {
		t.Fatalf("the SMTP server got %d mails", len(w.smtp.Received()))
	}
	answer := w.smtp.Received()[0].Header
	if answer.Get("In-Reply-To") != "<kari-1@customer.example>" || answer.Get("Auto-Submitted") != "auto-replied" || answer.Get("Subject") != "Re: Gift cards" {
		t.Errorf("the answer's headers: %v", answer)
	}
	plus := answer.Get("Reply-To")
	plus = plus[strings.Index(plus, "<")+1 : len(plus)-1]

	// A kill after storing, before the place was saved: the same mails are fetched again.
	if _, err := w.db.Write.Exec("UPDATE email_settings SET last_uid = 0"); err != nil {
		t.Fatal(err)
	}
	w.poll(t, intake, 0)

	// The customer answers from a client that drops References and In-Reply-To, to the plus address.
	user.Deliver(t, `
From: kari@customer.example
To: `+plus+`
Subject: gift card for my mother
Message-ID: <kari-2@customer.example>
Date: Sat, 05 Dec 2026 11:00:00 +0100
Content-Type: text/plain; charset=utf-8

Great, I will take one.

On Sat, Dec 5, 2026 at 10:01 AM Shop support <support@shop.example> wrote:
> Yes, gift cards from 100 to 2000 NOK are sold in the shop.
`)
	// Her out-of-office, in the thread: stored, never answered.
	user.Deliver(t, `
From: kari@customer.example
To: support@shop.example
Subject: Out of office: Re: Gift cards
Message-ID: <kari-ooo@customer.example>
In-Reply-To: <`+strings.Trim(answer.Get("Message-Id"), "<>")+`>
Auto-Submitted: auto-replied
Date: Sat, 05 Dec 2026 11:05:00 +0100
Content-Type: text/plain; charset=utf-8

I am away until Monday.
`)
	// Someone else answering a mail that names Kari's conversation starts their own.
	user.Deliver(t, `
From: ola@customer.example
To: support@shop.example
Subject: Re: Gift cards
Message-ID: <ola-1@customer.example>
In-Reply-To: <kari-1@customer.example>
Date: Sat, 05 Dec 2026 11:10:00 +0100
Content-Type: text/plain; charset=utf-8

Do you sell gift cards too?
`)
	w.poll(t, intake, 3)
	convs = w.conversations(t)
	if len(convs) != 2 {
		t.Fatalf("conversations after the replies: %d", len(convs))
	}
	msgs := convs[c]
	var bodies []string
	for _, m := range msgs {
		bodies = append(bodies, string(m.Author)+": "+strings.SplitN(m.Body, "\n", 2)[0])
	}
	got := strings.Join(bodies, " | ")
	if !strings.Contains(got, "visitor: Great, I will take one.") || strings.Contains(got, "> Yes") ||
		!strings.HasSuffix(got, "visitor: I am away until Monday.") {
		t.Errorf("Kari's conversation: %s", got)
	}
	for id, msgs := range convs {
		if id != c && (len(msgs) < 1 || msgs[0].Body != "Do you sell gift cards too?") {
			t.Errorf("Ola's conversation: %+v", msgs)
		}
	}

	// Closed after its 72 hours, the thread reopens on a reply in it: the same conversation.
	if err := w.inbox.SetStatus(w.ctx, w.ws.ID, c, true); err != nil {
		t.Fatal(err)
	}
	user.Deliver(t, `
From: kari@customer.example
To: support@shop.example
Subject: Re: Gift cards
Message-ID: <kari-late@customer.example>
In-Reply-To: <kari-1@customer.example>
Date: Wed, 09 Dec 2026 11:00:00 +0100
Content-Type: text/plain; charset=utf-8

One more question about gift cards.
`)
	w.poll(t, intake, 1)
	if conv, _ := w.inbox.Get(w.ctx, w.ws.ID, c); conv.Status != "open" || len(w.conversations(t)) != 2 {
		t.Errorf("a reply to a closed thread: status %s, %d conversations", conv.Status, len(w.conversations(t)))
	}

	// The folder made anew (another UIDVALIDITY) holding the same mails: nothing twice.
	user.Recreate(t)
	user.Deliver(t, firstMail)
	w.poll(t, intake, 0)

	// A new mail in the new folder is read.
	user.Deliver(t, strings.Replace(firstMail, "kari-1@", "kari-3@", 1))
	w.poll(t, intake, 1)

	// Nothing was marked read in the mailbox.
	if n := user.Unseen(t); n != 2 {
		t.Errorf("unseen in the mailbox: %d, want 2", n)
	}
}

// Test connection says which server failed and how.
func TestConnectionTest(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	user.Deliver(t, firstMail)
	set, err := w.settings.Get(w.ctx, w.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := mailbox.Test(w.ctx, set, loopback); got.IMAP != nil || got.SMTP != nil || got.Messages != 1 {
		t.Errorf("working servers: %+v", got)
	}
	bad := set
	bad.IMAP.Password, bad.SMTP.Password = "wrong", "wrong"
	got := mailbox.Test(w.ctx, bad, loopback)
	if got.IMAP == nil || !strings.Contains(got.IMAP.Error(), "log in") || got.SMTP == nil || !strings.Contains(got.SMTP.Error(), "log in") {
		t.Errorf("wrong passwords: %+v", got)
	}
	bad = set
	bad.Folder, bad.SMTP.Port = "Nowhere", 1
	got = mailbox.Test(w.ctx, bad, loopback)
	if got.IMAP == nil || !strings.Contains(got.IMAP.Error(), "open Nowhere") || got.SMTP == nil || !strings.Contains(got.SMTP.Error(), "connect") {
		t.Errorf("a missing folder, a closed port: %+v", got)
	}
	// An install that does not allow private hosts reaches none (the sender dials as the
	// test does), and says which setting would; cloud metadata is never reached.
	got = mailbox.Test(w.ctx, set, mailbox.Network{})
	for _, err := range []error{got.IMAP, got.SMTP} {
		if err == nil || !strings.Contains(err.Error(), "127.0.0.1 is loopback") || !strings.Contains(err.Error(), mailbox.SettingAllowPrivate) {
			t.Errorf("a loopback server by default: %v", err)
		}
	}
	if _, err := (&mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc}).Poll(w.ctx, w.ch); !errors.Is(err, fetch.ErrBlocked) {
		t.Errorf("the intake by default: %v", err)
	}
	meta := set
	meta.IMAP.Host, meta.SMTP.Host = "169.254.169.254", "metadata.google.internal"
	got = mailbox.Test(w.ctx, meta, loopback)
	if !errors.Is(got.IMAP, fetch.ErrBlocked) || !errors.Is(got.SMTP, fetch.ErrBlocked) {
		t.Errorf("cloud metadata with private hosts allowed: %+v", got)
	}
}

// A thread gets at most MaxAutoRepliesPerHour automatic replies an hour, whatever its
// headers say: the mail past it goes to people, even on a channel whose rule keeps the AI
// on, with a note saying why, and the customer is told nothing.
func TestIntakeCapsAutomaticReplies(t *testing.T) {
	w := newWorld(t)
	// The AI stays on the thread whatever it is asked (a repeated question would hand it off).
	ch, err := w.svc.Channels.Update(w.ctx, w.ws.ID, w.ch.ID, channel.Input{Kind: channel.Email, Name: w.ch.Name, AgentID: w.agent.ID,
		Handoff: channel.Stay, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	w.ch = ch
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}
	user.Deliver(t, firstMail)
	w.poll(t, intake, 1)
	for i := range mailbox.MaxAutoRepliesPerHour + 1 {
		user.Deliver(t, strings.Replace(strings.Replace(firstMail, "kari-1@", "kari-1"+strings.Repeat("x", i+1)+"@", 1),
			"Subject: Gift cards", "Subject: Gift cards\nIn-Reply-To: <kari-1@customer.example>", 1))
		w.poll(t, intake, 1)
	}
	convs := w.conversations(t)
	if len(convs) != 1 {
		t.Fatalf("%d conversations", len(convs))
	}
	for id, msgs := range convs {
		count := map[agent.Author]int{}
		for _, m := range msgs {
			count[m.Author]++
		}
		note := msgs[len(msgs)-2] // after the mail past the cap; the last mail is only stored
		if count[agent.AuthorVisitor] != mailbox.MaxAutoRepliesPerHour+2 || count[agent.AuthorBot] != mailbox.MaxAutoRepliesPerHour ||
			note.Author != inbox.AuthorNote || !strings.Contains(note.Body, "automatic replies in this thread") {
			t.Errorf("authors %v, note %+v", count, note)
		}
		w.assertWithPeople(t, id, inbox.CauseAutomation)
		// Each repeated answer came with the notice that no one is free (the AI stays on): sent too.
		if got, want := len(w.smtp.Received()), count[agent.AuthorBot]+count[inbox.AuthorSystem]; got != want {
			t.Errorf("%d mails sent, want %d", got, want)
		}
	}
}

// assertWithPeople checks that conversation id was handed to people for cause and waits
// in Unassigned and Unreplied.
func (w *world) assertWithPeople(t *testing.T, id int64, cause inbox.Cause) {
	t.Helper()
	hs, err := w.inbox.Handoffs(w.ctx, id)
	if err != nil || len(hs) == 0 || hs[len(hs)-1].Cause != cause || hs[len(hs)-1].Outcome != inbox.LeftUnassigned {
		t.Errorf("handoffs: %+v %v; want the last for %s, unassigned", hs, err, cause)
	}
	for _, v := range []inbox.View{inbox.ViewUnassigned, inbox.ViewUnreplied} {
		list, err := w.inbox.List(w.ctx, w.ws.ID, inbox.Filter{View: v})
		if err != nil || len(list) != 1 || list[0].ID != id {
			t.Errorf("%s: %+v %v", v, list, err)
		}
	}
}

// A bounce of our answer becomes a note on its conversation, is never answered, and
// stops mail to the address until the customer writes again.
func TestIntakeBounce(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}
	user.Deliver(t, firstMail)
	w.poll(t, intake, 1)
	if _, err := w.runner.RunDue(w.ctx); err != nil || len(w.smtp.Received()) != 1 {
		t.Fatalf("the answer was not sent: %v", err)
	}
	ours := strings.Trim(w.smtp.Received()[0].Header.Get("Message-Id"), "<>")
	raw, err := os.ReadFile("../email/testdata/bounces/postfix.eml")
	if err != nil {
		t.Fatal(err)
	}
	bounce := strings.NewReplacer("ada@example.com", "kari@customer.example", "lt9x2k1.q7ymnw3c5rbd2ehk4vtaoxs6pi@shop.example", ours).Replace(string(raw))
	user.Deliver(t, bounce)
	w.poll(t, intake, 1)
	convs := w.conversations(t)
	var c int64
	for id, msgs := range convs {
		c = id
		last := msgs[len(msgs)-1]
		if len(convs) != 1 || len(msgs) != 3 || last.Author != inbox.AuthorNote || !strings.Contains(last.Body, "kari@customer.example") {
			t.Fatalf("after the bounce: %d conversations, %+v", len(convs), msgs)
		}
	}
	k, err := w.inbox.ContactByEmail(w.ctx, w.ws.ID, "kari@customer.example", "")
	if err != nil || k.EmailBounced.IsZero() {
		t.Fatalf("the bounced address is not flagged: %+v %v", k, err)
	}
	m, err := w.svc.HumanReply(w.ctx, w.ws.ID, c, w.owner.ID, "Did you get this?")
	if err != nil {
		t.Fatal(err)
	}
	w.runner.RunDue(w.ctx)
	if del, _, _ := w.inbox.Delivery(w.ctx, m.ID); len(w.smtp.Received()) != 1 || !strings.Contains(del.Error, "bounced") {
		t.Errorf("mail to a bounced address: %d sent, %+v", len(w.smtp.Received()), del)
	}
	// She writes again: her address works.
	user.Deliver(t, strings.Replace(firstMail, "kari-1@", "kari-9@", 1))
	w.poll(t, intake, 1)
	if k, _ := w.inbox.ContactByEmail(w.ctx, w.ws.ID, "kari@customer.example", ""); !k.EmailBounced.IsZero() {
		t.Error("the flag stays after the customer wrote again")
	}
}

// The AI answers a mail in a job of its own, queued with the stored mail: run again after
// a stop (the job not marked done), or beside the recovery at a start, it answers once.
func TestIntakeAnswersOnce(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}
	user.Deliver(t, strings.Replace(firstMail, "\nKari\n", "", 1))
	if n, err := intake.Poll(w.ctx, w.ch); err != nil || n != 1 {
		t.Fatalf("Poll = %d, %v", n, err)
	}
	convs := w.conversations(t)
	for _, msgs := range convs {
		if len(msgs) != 1 {
			t.Fatalf("answered before its job ran: %+v", msgs)
		}
	}
	// A start's recovery answers it first; the job then finds nothing owed.
	if err := w.svc.AnswerOwed(w.ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := w.runner.RunDue(w.ctx); err != nil {
			t.Fatal(err)
		}
		// A stop after the answer, before the job was marked done: it runs again.
		if _, err := w.db.Write.Exec("UPDATE jobs SET done_at = NULL WHERE kind = ?", inbox.JobAnswer); err != nil {
			t.Fatal(err)
		}
	}
	for _, msgs := range w.conversations(t) {
		if len(msgs) != 2 || msgs[1].Author != agent.AuthorBot || msgs[1].AI.Decision != agent.Answer {
			t.Errorf("the mail and its answer: %+v", msgs)
		}
	}
	if got := len(w.smtp.Received()); got != 1 {
		t.Errorf("%d mails sent, want 1", got)
	}
}

// A mail the AI may not answer (an out-of-office) in a conversation the AI is on goes to
// people with a note saying why, unanswered; a mail the AI hands off is routed as in chat.
func TestIntakeHandsOff(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}
	user.Deliver(t, strings.Replace(firstMail, "\nKari\n", "", 1))
	w.poll(t, intake, 1)
	if len(w.smtp.Received()) != 1 {
		t.Fatalf("the answer was not sent: %d", len(w.smtp.Received()))
	}
	ours := w.smtp.Received()[0].Header.Get("Message-Id")
	user.Deliver(t, `
From: kari@customer.example
To: support@shop.example
Subject: Out of office: Re: Gift cards
Message-ID: <kari-ooo@customer.example>
In-Reply-To: `+ours+`
Auto-Submitted: auto-replied
Date: Sat, 05 Dec 2026 11:05:00 +0100
Content-Type: text/plain; charset=utf-8

I am away until Monday.
`)
	w.poll(t, intake, 1)
	convs := w.conversations(t)
	if len(convs) != 1 {
		t.Fatalf("%d conversations", len(convs))
	}
	for id, msgs := range convs {
		if len(msgs) != 4 || msgs[2].Body != "I am away until Monday." || msgs[3].Author != inbox.AuthorNote ||
			msgs[3].Body != "Not answered automatically: sent automatically (Auto-Submitted)." {
			t.Errorf("the out-of-office: %+v", msgs[2:])
		}
		w.assertWithPeople(t, id, inbox.CauseAutomation)
	}
	if len(w.smtp.Received()) != 1 {
		t.Errorf("%d mails sent, want the first answer only", len(w.smtp.Received()))
	}

	// The AI hands off, asked to or unsure: the channel's rules (Unassigned) as in chat; its
	// message says so.
	for i, tc := range []struct {
		ask   string
		cause inbox.Cause
	}{
		{"Can I talk to a human, please?", inbox.CauseVisitor},
		{"Why does my parrot refuse to eat sunflower seeds?", inbox.CauseNoAnswer},
	} {
		if _, err := w.db.Write.Exec("DELETE FROM conversations"); err != nil {
			t.Fatal(err)
		}
		user.Deliver(t, strings.NewReplacer("kari-1@", "kari-h"+strconv.Itoa(i)+"@", "Hello, do you sell gift cards?", tc.ask).Replace(firstMail))
		w.poll(t, intake, 1)
		for id, msgs := range w.conversations(t) {
			if len(msgs) != 2 || msgs[1].Author != agent.AuthorBot || msgs[1].AI.Decision != agent.Handoff {
				t.Errorf("%s: %+v", tc.ask, msgs)
			}
			w.assertWithPeople(t, id, tc.cause)
		}
		if got := len(w.smtp.Received()); got != 2+i {
			t.Errorf("%s: %d mails sent, want the AI's handoff message too", tc.ask, got)
		}
	}
}
