package mailbox_test

import (
	"slices"
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/inbox"
)

// The bot's answer by mail ends with its label and "Reply YES, or NO and tell us why"; a
// reply that is only yes rates it resolved (a note: nothing is asked of anyone, nothing
// sent); a no with words rates it not resolved with those words as the reason, and goes
// to people; a reply that is more than yes is a new question.
func TestIntakeRatesByReply(t *testing.T) {
	w := newWorld(t)
	var err error
	if w.ch, err = channel.NewStore(w.db).Update(w.ctx, w.ws.ID, w.ch.ID, channel.Input{Kind: channel.Email, Name: w.ch.Name,
		Handoff: channel.Unassigned, Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := w.inbox.SaveBot(w.ctx, inbox.Bot{WorkspaceID: w.ws.ID, Enabled: true, AgentID: w.agent.ID, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}
	user.Deliver(t, strings.Replace(firstMail, "\nKari\n", "", 1))
	w.poll(t, intake, 1)
	if len(w.smtp.Received()) != 1 {
		t.Fatalf("%d mails sent", len(w.smtp.Received()))
	}
	mail := w.smtp.Received()[0]
	if !strings.Contains(mail.Body, "Sent by the chat assistant\r\nDid this answer your question? Reply YES, or NO and tell us why.") {
		t.Errorf("the answer's footer:\n%s", mail.Body)
	}
	ours := mail.Header.Get("Message-Id")
	var conv int64
	var answer inbox.Message
	for id, msgs := range w.conversations(t) {
		conv, answer = id, msgs[len(msgs)-1]
	}
	reply := func(id, text string) {
		t.Helper()
		user.Deliver(t, `
From: Kari Nordmann <kari@customer.example>
To: support@shop.example
Subject: Re: Gift cards
Message-ID: <`+id+`@customer.example>
In-Reply-To: `+ours+`
Date: Sat, 05 Dec 2026 11:00:00 +0100
Content-Type: text/plain; charset=utf-8

`+text+`

On Sat, 5 Dec 2026 at 10:01, Shop support <support@shop.example> wrote:
> Yes, gift cards from 100 to 2000 NOK are sold in the shop.
`)
		w.poll(t, intake, 1)
	}

	reply("kari-2", "Yes, thanks!")
	f, ok, err := w.inbox.FeedbackOf(w.ctx, answer.ID)
	if err != nil || !ok || !f.Helpful {
		t.Fatalf("after yes: %+v %v %v", f, ok, err)
	}
	c, _ := w.inbox.Get(w.ctx, w.ws.ID, conv)
	msgs, _ := w.inbox.Messages(w.ctx, conv)
	if last := msgs[len(msgs)-1]; last.Author != inbox.AuthorNote || c.Awaiting || len(w.smtp.Received()) != 1 {
		t.Errorf("a yes asks nothing: %+v, awaiting %v, %d mails", last, c.Awaiting, len(w.smtp.Received()))
	}

	reply("kari-3", "NEI - jeg lurte på om dere sender til Bergen")
	if f, _, _ = w.inbox.FeedbackOf(w.ctx, answer.ID); f.Helpful || f.Reason != "other" || f.Comment != "jeg lurte på om dere sender til Bergen" {
		t.Errorf("after no: %+v", f)
	}
	c, _ = w.inbox.Get(w.ctx, w.ws.ID, conv)
	msgs, _ = w.inbox.Messages(w.ctx, conv)
	if last := msgs[len(msgs)-1]; last.Author != "visitor" || !c.Awaiting || c.AIActive || len(w.smtp.Received()) != 1 {
		t.Errorf("a no goes to people: %+v, %+v, %d mails", last, c, len(w.smtp.Received()))
	}
	if list, _ := w.inbox.List(w.ctx, w.ws.ID, inbox.Filter{View: inbox.ViewUnreplied}); len(list) != 1 || list[0].ID != conv {
		t.Errorf("Unreplied: %+v", list)
	}

	reply("kari-4", "Yes, but do you sell them in euros?")
	if f, _, _ = w.inbox.FeedbackOf(w.ctx, answer.ID); f.Helpful || f.Comment != "jeg lurte på om dere sender til Bergen" {
		t.Errorf("a new question changed the rating: %+v", f)
	}
	msgs, _ = w.inbox.Messages(w.ctx, conv)
	if !slices.ContainsFunc(msgs, func(m inbox.Message) bool {
		return m.Author == "visitor" && m.Body == "Yes, but do you sell them in euros?"
	}) {
		t.Errorf("the new question is not the customer's message: %+v", msgs)
	}
}
