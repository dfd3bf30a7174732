package inbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
)

// outbox records what it is asked to deliver, as email, WhatsApp and Messenger will send it.
type outbox struct {
	mu   sync.Mutex
	sent []inbox.Message
	fail bool
}

func (o *outbox) Deliver(_ context.Context, ch channel.Channel, c inbox.Conversation, m inbox.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ch.ID != c.ChannelID {
		return errors.New("wrong channel")
	}
	if o.fail {
		return errors.New("smtp: connection refused")
	}
	o.sent = append(o.sent, m)
	return nil
}

func TestOutboxDeliversWhatTheCustomerSees(t *testing.T) {
	r := newRouting(t)
	mail := &outbox{}
	r.svc.Outboxes = map[channel.Kind]inbox.Outbox{channel.Email: mail}
	ch := r.channel(t, channel.Input{Kind: channel.Email, Name: "Support mailbox", AgentID: r.agent.ID, Handoff: channel.Unassigned})

	c, out := r.visit(t, ch, "Do you sell gift cards?")
	if len(out) != 1 || len(mail.sent) != 1 || mail.sent[0].ID != out[0].ID || mail.sent[0].Author != agent.AuthorBot {
		t.Fatalf("AI reply: out %+v, sent %+v", out, mail.sent)
	}
	if _, err := r.svc.Note(r.ctx, r.ws, c.ID, r.owner, "VIP customer"); err != nil {
		t.Fatal(err)
	}
	m, err := r.svc.HumanReply(r.ctx, r.ws, c.ID, r.owner, "Hello from a person")
	if err != nil {
		t.Fatal(err)
	}
	if len(mail.sent) != 2 || mail.sent[1].ID != m.ID {
		t.Fatalf("a note must not be sent and the reply must: %+v", mail.sent)
	}

	// A failed delivery loses nothing: the reply is stored all the same.
	mail.fail = true
	m, err = r.svc.HumanReply(r.ctx, r.ws, c.ID, r.owner, "Are you still there?")
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := r.inbox.Messages(r.ctx, c.ID)
	if msgs[len(msgs)-1].ID != m.ID {
		t.Fatal("the reply was not stored")
	}

	// The chat widget has no outbox: it follows the conversation's events.
	chat := r.channel(t, channel.Input{Name: "Website", AgentID: r.agent.ID})
	r.visit(t, chat, "Do you sell gift cards?")
	if len(mail.sent) != 2 {
		t.Fatalf("a chat reply went to the mail outbox: %+v", mail.sent)
	}
}
