package closing_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
	"agent/app/closing"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/quote"
)

// conversations is the eval fixture with an inbox in which the closing agent answers.
type conversations struct {
	*evalFixture
	svc *inbox.Service
	ann account.User // a member of the Sales team
	// sales is the team the settings hand off to after the owner.
	sales account.Team
}

func newConversations(t *testing.T, edit func(*closing.Input)) *conversations {
	t.Helper()
	f := newEvalFixture(t)
	ann, _, err := f.accounts.AddMember(f.ctx, f.ws, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	sales, err := f.accounts.CreateTeam(f.ctx, f.ws, "Sales")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.accounts.SetTeamMembers(f.ctx, f.ws, sales.ID, []int64{ann.ID}); err != nil {
		t.Fatal(err)
	}
	in := f.input
	in.NewInbox, in.InboxChannelID = "", f.settings.InboxChannelID
	in.TeamIDs = []int64{sales.ID}
	if edit != nil {
		edit(&in)
	}
	if f.settings, err = f.store.Save(f.ctx, f.superAdmin(), f.ws, in); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetActive(f.ctx, f.superAdmin(), f.ws, true); err != nil {
		t.Fatal(err)
	}
	engine := agent.NewEngine(agent.Options{Knowledge: f.knowledge})
	svc := &inbox.Service{Store: inbox.New(f.db), Hub: inbox.NewHub(), Engine: engine, Agents: agent.NewStore(f.db), Channels: channel.NewStore(f.db)}
	svc.Closer = &closing.Responder{Settings: f.store, Engine: engine, Quotes: closing.Stored{Quotes: f.quoteStore(), URL: func(_ context.Context, q quote.Quote) string { return quoteURL(q) }}}
	return &conversations{evalFixture: f, svc: svc, ann: ann, sales: sales}
}

// start opens a buyer's conversation on quote number's page, as the quote page does.
func (c *conversations) start(t *testing.T, number string) inbox.Conversation {
	t.Helper()
	conv, err := c.svc.Store.Create(c.ctx, c.ws, inbox.NewConversation{Channel: inbox.ChannelQuote, QuoteID: c.stored[number].ID, ChannelID: c.settings.InboxChannelID})
	if err != nil {
		t.Fatal(err)
	}
	if !conv.AIActive || conv.FirstAIAt.IsZero() {
		t.Fatalf("a quote's conversation starts without the closing agent: %+v", conv)
	}
	return conv
}

func (c *conversations) say(t *testing.T, conv inbox.Conversation, text string) []inbox.Message {
	t.Helper()
	_, out, err := c.svc.VisitorMessage(c.ctx, c.inbox(t), conv, text, "en")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// inbox is the chat channel the quote page's chat runs on: the handoff inbox.
func (c *conversations) inbox(t *testing.T) channel.Channel {
	t.Helper()
	ch, err := c.svc.Channels.ByID(c.ctx, c.settings.InboxChannelID)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func (c *conversations) online(t *testing.T, userID int64, on bool) {
	t.Helper()
	if err := c.svc.SetOnline(c.ctx, c.ws, userID, on); err != nil {
		t.Fatal(err)
	}
}

func (c *conversations) get(t *testing.T, id int64) inbox.Conversation {
	t.Helper()
	conv, err := c.svc.Store.Get(c.ctx, c.ws, id)
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

func TestFieldAnswerInTheConversation(t *testing.T) {
	c := newConversations(t, nil)
	conv := c.start(t, "Q-2026-014")
	out := c.say(t, conv, "What is the total?")
	if len(out) != 1 || out[0].Body != "The total is 15,750.00 EUR including VAT." {
		t.Fatalf("replies %+v", out)
	}
	msgs, err := c.svc.Store.Messages(c.ctx, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	reply := msgs[len(msgs)-1]
	if reply.AI == nil || reply.AI.Reason != closing.ReasonQuote || len(reply.AI.Sources) != 1 ||
		reply.AI.Sources[0].URL != "https://seller.example/q/Q-2026-014" {
		t.Fatalf("the reply's record: %+v", reply.AI)
	}
	if got := c.get(t, conv.ID); !got.AIActive || got.AssigneeID != 0 {
		t.Errorf("an answer handed the conversation off: %+v", got)
	}
}

// TestQueuedAnswer is the path of the quote page's messages: stored, then answered by the
// queued job.
func TestQueuedAnswer(t *testing.T) {
	c := newConversations(t, nil)
	conv := c.start(t, "Q-2026-020")
	m, err := c.svc.Store.AddMessage(c.ctx, conv.ID, agent.AuthorVisitor, 0, "¿Cuál es el precio total?", "es")
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(map[string]int64{"workspace_id": c.ws, "conversation_id": conv.ID, "message_id": m.ID})
	if err := c.svc.AnswerQueued(c.ctx, payload); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.svc.Store.Messages(c.ctx, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := msgs[len(msgs)-1]; last.Body != "El total es de 66.953,13 NOK con IVA incluido." {
		t.Fatalf("answered %q", last.Body)
	}
}

func TestHandoffToTheOwner(t *testing.T) {
	c := newConversations(t, nil)
	c.online(t, c.owner.ID, true)
	c.online(t, c.ann.ID, true)
	conv := c.start(t, "Q-2026-014")
	out := c.say(t, conv, "Can I talk to a person?")
	if len(out) != 1 || out[0].AI == nil || out[0].AI.Decision != agent.Handoff {
		t.Fatalf("replies %+v", out)
	}
	got := c.get(t, conv.ID)
	if got.AssigneeID != c.owner.ID || got.AIActive || got.ChannelID != c.settings.InboxChannelID {
		t.Fatalf("after the handoff: %+v (inbox %d)", got, c.settings.InboxChannelID)
	}
	msgs, _ := c.svc.Store.Messages(c.ctx, conv.ID)
	var note bool
	for _, m := range msgs {
		if m.Author == inbox.AuthorNote && strings.Contains(m.Body, "Q-2026-014") {
			note = true
		}
		if m.Author == inbox.AuthorSystem {
			t.Errorf("the buyer was told %q although the owner took over", m.Body)
		}
	}
	if !note {
		t.Error("no staff note says which quote the conversation is about")
	}
	// The owner answers from then on: the closing agent stays out.
	if out := c.say(t, c.get(t, conv.ID), "What is the total?"); len(out) != 0 {
		t.Errorf("the closing agent answered a conversation people have: %+v", out)
	}
}

func TestHandoffToATeamWhenTheOwnerIsAway(t *testing.T) {
	c := newConversations(t, func(in *closing.Input) { in.UnavailableOne = "Olga is away; Ann from Sales takes over." })
	c.online(t, c.ann.ID, true)
	conv := c.start(t, "Q-2026-031")
	out := c.say(t, conv, "I want to speak to a human")
	if len(out) != 2 || out[1].Body != "Olga is away; Ann from Sales takes over." {
		t.Fatalf("replies %+v", out)
	}
	if got := c.get(t, conv.ID); got.AssigneeID != c.ann.ID || got.TeamID != c.sales.ID {
		t.Fatalf("after the handoff: %+v", got)
	}
}

func TestHandoffToTeamsOnly(t *testing.T) {
	c := newConversations(t, func(in *closing.Input) { in.ToOwner = false })
	c.online(t, c.owner.ID, true) // online, but not among whom the rules name
	c.online(t, c.ann.ID, true)
	conv := c.start(t, "Q-2026-031")
	out := c.say(t, conv, "I want to speak to a human")
	if got := c.get(t, conv.ID); got.AssigneeID != c.ann.ID || len(out) != 1 {
		t.Fatalf("after the handoff: %+v, replies %+v", got, out)
	}
}

func TestNoRepresentativeAvailable(t *testing.T) {
	c := newConversations(t, func(in *closing.Input) { in.UnavailableAll = "Everyone is out; we reply tomorrow morning." })
	conv := c.start(t, "Q-2026-031")
	out := c.say(t, conv, "Ich möchte mit einem Menschen sprechen")
	if len(out) != 2 || out[1].Body != "Everyone is out; we reply tomorrow morning." {
		t.Fatalf("replies %+v", out)
	}
	got := c.get(t, conv.ID)
	if got.AssigneeID != 0 || got.TeamID != c.sales.ID || got.AIActive || got.ChannelID != c.settings.InboxChannelID {
		t.Fatalf("after the handoff: %+v", got)
	}
}

// TestDefaultUnavailableMessageInTheBuyersLanguage: with no message set, the buyer is
// told in their language.
func TestDefaultUnavailableMessageInTheBuyersLanguage(t *testing.T) {
	c := newConversations(t, nil)
	conv := c.start(t, "Q-2026-031")
	_, out, err := c.svc.VisitorMessage(c.ctx, c.inbox(t), conv, "Je voudrais parler à un conseiller", "fr")
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[1].Body != agent.Say("fr", agent.PhraseUnavailable) {
		t.Fatalf("replies %+v", out)
	}
}

// TestWithoutAClosingAgent: a workspace that never set one up, or deactivated it, has its
// quotes' conversations answered as its chat channel's are (here by people: the channel
// has no agent).
func TestWithoutAClosingAgent(t *testing.T) {
	for _, off := range []struct {
		name string
		do   func(c *conversations) error
	}{
		{"deactivated", func(c *conversations) error { return c.store.SetActive(c.ctx, c.superAdmin(), c.ws, false) }},
		{"never set up", func(c *conversations) error {
			_, err := c.db.Write.ExecContext(c.ctx, "DELETE FROM closing_agents")
			return err
		}},
	} {
		t.Run(off.name, func(t *testing.T) {
			c := newConversations(t, nil)
			if err := off.do(c); err != nil {
				t.Fatal(err)
			}
			c.online(t, c.owner.ID, true)
			conv := c.start(t, "Q-2026-014")
			out := c.say(t, conv, "What is the total?")
			for _, m := range out {
				if m.Author == agent.AuthorBot {
					t.Fatalf("answered without a closing agent: %+v", m)
				}
			}
			if got := c.get(t, conv.ID); got.AIActive {
				t.Errorf("the conversation waits for an AI that is not there: %+v", got)
			}
		})
	}
}

// TestOwnerIsMailed: a handoff queues a mail to the quote's owner, sent from the
// workspace's mailbox when it has one; without one, the job sends nothing and succeeds.
func TestOwnerIsMailed(t *testing.T) {
	c := newConversations(t, nil)
	c.online(t, c.ann.ID, true)
	smtpServer := mailtest.NewSMTP(t, "sales@seller.example", "smtp password")
	settings := mailbox.NewStore(c.db)
	runner := jobs.New(c.db, slog.New(slog.DiscardHandler))
	runner.Handle(closing.JobNotify, (&closing.Notifier{Accounts: c.accounts, Quotes: c.quoteStore(), BaseURL: "https://seller.example",
		Mail: &mailbox.Sender{DB: c.db, Settings: settings, Inbox: c.svc.Store, Net: mailbox.NewNetwork(true)}}).Run)

	c.say(t, c.start(t, "Q-2026-031"), "I want to speak to a human")
	if n, err := runner.RunDue(c.ctx); err != nil || n != 1 {
		t.Fatalf("without a mailbox: %d jobs, %v", n, err)
	}
	if got := smtpServer.Received(); len(got) != 0 {
		t.Fatalf("mailed without a mailbox: %d", len(got))
	}

	ch, err := c.svc.Channels.Create(c.ctx, c.ws, channel.Input{Kind: channel.Email, Name: "Sales mailbox", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := settings.Save(c.ctx, mailbox.Settings{ChannelID: ch.ID, Address: "sales@seller.example", FromName: "Seller",
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: 1, Security: mailbox.Plain, User: "sales@seller.example", Password: "imap password"},
		SMTP: mailbox.Server{Host: "127.0.0.1", Port: smtpServer.Port, Security: mailbox.Plain, User: "sales@seller.example", Password: "smtp password"}}); err != nil {
		t.Fatal(err)
	}
	conv := c.start(t, "Q-2026-031")
	c.say(t, conv, "I want to speak to a human")
	if n, err := runner.RunDue(c.ctx); err != nil || n != 1 {
		t.Fatalf("with a mailbox: %d jobs, %v", n, err)
	}
	got := smtpServer.Received()
	if len(got) != 1 {
		t.Fatalf("%d mails", len(got))
	}
	m := got[0]
	body := m.Header.Get("Subject") + "\n" + m.Body
	if m.To != c.owner.Email || !strings.Contains(body, "Quote Q-2026-031: a buyer needs a person") ||
		!strings.Contains(body, "assigned to Ann") || !strings.Contains(body, "https://seller.example/w/") {
		t.Fatalf("the owner's mail: %+v\n%s", m.To, body)
	}
}
