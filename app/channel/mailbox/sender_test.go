package mailbox_test

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/knowledge"
	"agent/app/store"
)

// A customer's mail is answered by the AI: the reply goes out over SMTP in the customer's
// thread, marked automatic, with its sources; a person's reply is not marked; a refusal
// is kept with the server's words.
func TestSenderAnswersInThread(t *testing.T) {
	w := newWorld(t)
	ctx, db, ws, ch, conversations, svc, runner, deliveries, server, owner := w.ctx, w.db, w.ws, w.ch, w.inbox, w.svc, w.runner, w.deliveries, w.smtp, w.owner
	a := w.agent
	// The customer's mail, as the intake stores it: a contact, the conversation, the message and its headers.
	k, err := conversations.ContactByEmail(ctx, ws.ID, "kari@customer.example", "Kari Nordmann")
	if err != nil {
		t.Fatal(err)
	}
	c, err := conversations.Create(ctx, ws.ID, inbox.NewConversation{AgentID: a.ID, ChannelID: ch.ID, Channel: string(channel.Email)})
	if err != nil {
		t.Fatal(err)
	}
	if err := conversations.SetContact(ctx, ws.ID, c.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	m, out, err := svc.VisitorMessage(ctx, ch, c, "Do you sell gift cards?", "en")
	if err != nil || len(out) != 1 || out[0].Author != agent.AuthorBot {
		t.Fatalf("the AI's answer: %+v %v", out, err)
	}
	if _, err := db.Write.Exec(`INSERT INTO email_messages (message_id, channel_id, conversation_id, rfc_id, in_reply_to, refs, subject, incoming)
		VALUES (?, ?, ?, 'kari-2@customer.example', 'ours-1@shop.example', 'ours-0@shop.example ours-1@shop.example', 'Gift cards', 1)`, m.ID, ch.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := runner.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if len(server.Received()) != 1 {
		t.Fatalf("the SMTP server received %d messages", len(server.Received()))
	}
	got := server.Received()[0]
	del, _, _ := conversations.Delivery(ctx, out[0].ID)
	h := got.Header
	for name, want := range map[string]string{
		"From": `"Shop support" <support@shop.example>`, "To": `"Kari Nordmann" <kari@customer.example>`,
		"Subject": "Re: Gift cards", "In-Reply-To": "<kari-2@customer.example>",
		"References":     "<ours-0@shop.example> <ours-1@shop.example> <kari-2@customer.example>",
		"Auto-Submitted": "auto-replied", "Message-Id": "<" + del.ExternalID + ">",
	} {
		if h.Get(name) != want {
			t.Errorf("%s: %q, want %q", name, h.Get(name), want)
		}
	}
	if del.Status != inbox.DeliverySent || !strings.HasSuffix(del.ExternalID, "@shop.example") {
		t.Errorf("delivery: %+v", del)
	}
	replyTo, err := mail.ParseAddress(h.Get("Reply-To"))
	if err != nil || !strings.HasPrefix(replyTo.Address, "support+c-") || !strings.HasSuffix(replyTo.Address, "@shop.example") {
		t.Errorf("Reply-To: %q (%v), want the conversation's plus address", h.Get("Reply-To"), err)
	}
	if got.From != "support@shop.example" || got.To != "kari@customer.example" || !strings.Contains(got.Body, "gift cards from 100 to 2000 NOK") ||
		!strings.Contains(got.Body, "Sources") {
		t.Errorf("envelope %s -> %s, body:\n%s", got.From, got.To, got.Body)
	}

	// A person's reply: same thread, not marked automatic; refused, then kept with the server's words.
	server.Refuse(true)
	hm, err := svc.HumanReply(ctx, ws.ID, c.ID, owner.ID, "Thanks, "+strconv.Itoa(2000)+" NOK is the most.")
	if err != nil {
		t.Fatal(err)
	}
	runner.RunDue(ctx)
	if del, _, _ := conversations.Delivery(ctx, hm.ID); del.Status != inbox.DeliveryFailed || !strings.Contains(del.Error, "550") ||
		!strings.Contains(del.Error, "no such user here") {
		t.Errorf("a refused reply: %+v", del)
	}
	server.Refuse(false)
	if err := deliveries.Retry(ctx, ws.ID, c.ID, hm.ID); err != nil {
		t.Fatal(err)
	}
	runner.RunDue(ctx)
	if len(server.Received()) != 2 {
		t.Fatalf("after the retry the server has %d messages", len(server.Received()))
	}
	h2 := server.Received()[1].Header
	if h2.Get("Auto-Submitted") != "" || h2.Get("In-Reply-To") != "<kari-2@customer.example>" || h2.Get("Reply-To") != h.Get("Reply-To") {
		t.Errorf("a person's reply: Auto-Submitted %q, In-Reply-To %q, Reply-To %q", h2.Get("Auto-Submitted"), h2.Get("In-Reply-To"), h2.Get("Reply-To"))
	}
}

// world is a workspace with an AI agent that knows about gift cards, an email channel
// answered by it, its mailbox on an in-process SMTP server, and the job runner that sends.
type world struct {
	ctx        context.Context
	db         *store.DB
	ws         account.Workspace
	owner      account.User
	agent      agent.Agent
	ch         channel.Channel
	inbox      *inbox.Store
	settings   *mailbox.Store
	svc        *inbox.Service
	runner     *jobs.Runner
	deliveries *inbox.Deliveries
	smtp       *mailtest.SMTP
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	owner, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner", Password: "owner password"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	km := knowledge.New(knowledge.Options{DB: db})
	if _, err := km.CreateShortAnswer(ctx, ws.ID, knowledge.ShortAnswerInput{Question: "Do you sell gift cards?",
		Answer: "Yes, gift cards from 100 to 2000 NOK are sold in the shop.", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	agents := agent.NewStore(db)
	a, err := agents.Create(ctx, ws.ID, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	channels, conversations, settings := channel.NewStore(db), inbox.New(db), mailbox.NewStore(db)
	ch, err := channels.Create(ctx, ws.ID, channel.Input{Kind: channel.Email, Name: "Support", AgentID: a.ID, Handoff: channel.Unassigned, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	server := mailtest.NewSMTP(t, "support@shop.example", "mailbox password")
	if _, err := settings.Save(ctx, mailbox.Settings{ChannelID: ch.ID, Address: "Support@Shop.example", FromName: "Shop support",
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: 1, Security: mailbox.Plain, User: "support@shop.example", Password: "imap password"},
		SMTP: mailbox.Server{Host: "127.0.0.1", Port: server.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "mailbox password"}}); err != nil {
		t.Fatal(err)
	}
	sender := &mailbox.Sender{DB: db, Settings: settings, Inbox: conversations, Net: loopback}
	runner := jobs.New(db, nil)
	deliveries := &inbox.Deliveries{Store: conversations, Channels: channels, Jobs: runner, Drivers: map[channel.Kind]channel.Driver{channel.Email: sender}, MaxAttempts: 1}
	runner.Handle(inbox.JobSend, deliveries.Send)
	svc := &inbox.Service{Store: conversations, Hub: inbox.NewHub(), Engine: agent.NewEngine(agent.Options{Knowledge: km}), Agents: agents,
		Channels: channels, Outboxes: map[channel.Kind]inbox.Outbox{channel.Email: deliveries}}
	runner.Handle(inbox.JobAnswer, svc.AnswerQueued)

	return &world{ctx: ctx, db: db, ws: ws, owner: owner, agent: a, ch: ch, inbox: conversations, settings: settings, svc: svc,
		runner: runner, deliveries: deliveries, smtp: server}
}

// loopback reaches the test's servers on 127.0.0.1, as an install with
// email.allow_private_hosts does.
var loopback = mailbox.NewNetwork(true)

// A mail the SMTP server took is sent, even when the server hangs up before QUIT. One
// whose taking never reached us (the connection lost before the server's reply) is sent
// again, with the same Message-ID and headers, so that mail clients show it once.
func TestSenderSendsOnce(t *testing.T) {
	w := newWorld(t)
	k, err := w.inbox.ContactByEmail(w.ctx, w.ws.ID, "kari@customer.example", "Kari Nordmann")
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.inbox.Create(w.ctx, w.ws.ID, inbox.NewConversation{ChannelID: w.ch.ID, Channel: string(channel.Email)})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.inbox.SetContact(w.ctx, w.ws.ID, c.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	w.smtp.HangUp(mailtest.AfterReply)
	m, err := w.svc.HumanReply(w.ctx, w.ws.ID, c.ID, w.owner.ID, "Hello Kari.")
	if err != nil {
		t.Fatal(err)
	}
	w.runner.RunDue(w.ctx)
	if del, _, _ := w.inbox.Delivery(w.ctx, m.ID); del.Status != inbox.DeliverySent || len(w.smtp.Received()) != 1 {
		t.Fatalf("a mail taken, then the connection lost: %+v, %d received", del, len(w.smtp.Received()))
	}

	w.smtp.HangUp(mailtest.BeforeReply)
	m, err = w.svc.HumanReply(w.ctx, w.ws.ID, c.ID, w.owner.ID, "One more thing.")
	if err != nil {
		t.Fatal(err)
	}
	w.runner.RunDue(w.ctx)
	if del, _, _ := w.inbox.Delivery(w.ctx, m.ID); del.Status != inbox.DeliveryFailed {
		t.Fatalf("no reply to the data: %+v", del)
	}
	w.smtp.HangUp(mailtest.Never)
	if err := w.deliveries.Retry(w.ctx, w.ws.ID, c.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	w.runner.RunDue(w.ctx)
	got := w.smtp.Received()
	if del, _, _ := w.inbox.Delivery(w.ctx, m.ID); del.Status != inbox.DeliverySent || len(got) != 3 {
		t.Fatalf("the retry: %+v, %d received", del, len(got))
	}
	for _, h := range []string{"Message-Id", "In-Reply-To", "References", "Subject"} {
		if got[1].Header.Get(h) != got[2].Header.Get(h) {
			t.Errorf("%s: %q, then %q", h, got[1].Header.Get(h), got[2].Header.Get(h))
		}
	}
	if got[0].Header.Get("Message-Id") == got[1].Header.Get("Message-Id") {
		t.Error("two messages sent with one Message-ID")
	}
}
