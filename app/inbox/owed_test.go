package inbox_test

import (
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
)

const recoverWithin = 10 * time.Minute

// crashed opens a visitor's conversation on ch and stores their message the way a process
// killed before the AI replied leaves it: the message, and nothing after it.
func (r *routing) crashed(t *testing.T, ch channel.Channel, text string) (inbox.Conversation, inbox.Message) {
	t.Helper()
	v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.inbox.OpenConversation(r.ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.inbox.AddMessage(r.ctx, c.ID, agent.AuthorVisitor, 0, text, "en")
	if err != nil {
		t.Fatal(err)
	}
	return c, m
}

func (r *routing) answerOwed(t *testing.T) {
	t.Helper()
	if err := r.svc.AnswerOwed(r.ctx, recoverWithin); err != nil {
		t.Fatal(err)
	}
}

func (r *routing) claims(t *testing.T) int {
	t.Helper()
	n, err := r.inbox.Claims(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAnswerOwedAfterACrash: a customer's message the AI owed a reply when the process
// stopped is answered at the next start, once, however often the recovery runs, and a
// visitor following the conversation sees the reply arrive.
func TestAnswerOwedAfterACrash(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after func(r *routing, c inbox.Conversation, m inbox.Message) error
	}{
		{"stored without a claim", nil},
		{"claimed by a process that died", func(r *routing, _ inbox.Conversation, m inbox.Message) error {
			return r.inbox.ClaimAs(r.ctx, m.ID, "a process that died")
		}},
		{"with a note after it", func(r *routing, c inbox.Conversation, _ inbox.Message) error {
			_, err := r.svc.Note(r.ctx, r.ws, c.ID, r.owner, "looking into it")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRouting(t)
			ch := r.channel(t, channel.Input{AgentID: r.agent.ID})
			c, m := r.crashed(t, ch, "Do you sell gift cards?")
			if tc.after != nil {
				if err := tc.after(r, c, m); err != nil {
					t.Fatal(err)
				}
			}
			r.clock.add(time.Minute) // the restart
			widget := r.svc.Hub.Subscribe(inbox.Topic{Conversation: c.ID}, nil)
			defer widget.Close()

			r.answerOwed(t)
			r.answerOwed(t)

			var bot []inbox.Message
			for _, x := range r.messages(t, c) {
				if x.Author == agent.AuthorBot {
					bot = append(bot, x)
				}
			}
			if len(bot) != 1 || bot[0].AI.Decision != agent.Answer || bot[0].ID < m.ID {
				t.Fatalf("AI replies = %+v, want one answer", bot)
			}
			if got := r.get(t, c.ID); !got.AIActive || got.Awaiting {
				t.Errorf("conversation = %+v, want the AI on it and the customer answered", got)
			}
			seen := false
			events, _ := widget.Take()
			for _, e := range events {
				if e.Kind == inbox.EventMessage && e.MessageID == bot[0].ID {
					seen = true
				}
			}
			if !seen {
				t.Error("the visitor's widget was not told of the reply")
			}
			if n := r.claims(t); n != 0 {
				t.Errorf("claims left = %d", n)
			}
		})
	}
}

// TestAnswerOwedHandsOff: a message older than the window, or one the AI fails to answer,
// goes to a person, once.
func TestAnswerOwedHandsOff(t *testing.T) {
	for _, tc := range []struct {
		name  string
		wait  time.Duration
		fails bool
	}{
		{"the customer wrote long ago", recoverWithin + time.Minute, false},
		{"the AI fails", time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRouting(t)
			ch := r.channel(t, channel.Input{AgentID: r.agent.ID, HandoffUsers: []int64{r.ann}})
			r.online(t, r.ann)
			c, _ := r.crashed(t, ch, "Do you sell gift cards?")
			r.clock.add(tc.wait)
			if tc.fails {
				r.svc.Engine = agent.NewEngine(agent.Options{Knowledge: failingSearch{}})
			}

			r.answerOwed(t)
			r.answerOwed(t)

			hs := r.handoffs(t, c)
			if len(hs) != 1 || hs[0].Cause != inbox.CauseNoAnswer || hs[0].ToUserID != r.ann {
				t.Fatalf("handoffs = %+v, want one to Ann", hs)
			}
			if got := authors(r.messages(t, c)); len(got) != 1 {
				t.Errorf("messages by %v, want the customer's alone (Ann takes it from here)", got)
			}
			if got := r.get(t, c.ID); got.AIActive || got.AssigneeID != r.ann {
				t.Errorf("conversation = %+v, want it Ann's", got)
			}
			if n := r.claims(t); n != 0 {
				t.Errorf("claims left = %d", n)
			}
		})
	}
}

// TestAnswerOwedLeavesAlone: messages answered, being answered by this process, or owed
// nothing by the AI are left as they are.
func TestAnswerOwedLeavesAlone(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, r *routing, ch channel.Channel) inbox.Conversation
		claims int // claims held afterwards
	}{
		{"answered", func(t *testing.T, r *routing, ch channel.Channel) inbox.Conversation {
			c, _ := r.visit(t, ch, "Do you sell gift cards?")
			return c
		}, 0},
		{"being answered by this process", func(t *testing.T, r *routing, ch channel.Channel) inbox.Conversation {
			c, _ := r.crashed(t, ch, "Hello?")
			if _, err := r.inbox.AddAnswering(r.ctx, c.ID, "Do you sell gift cards?"); err != nil {
				t.Fatal(err)
			}
			return c
		}, 1},
		{"a person replied", func(t *testing.T, r *routing, ch channel.Channel) inbox.Conversation {
			c, _ := r.crashed(t, ch, "Do you sell gift cards?")
			if _, err := r.svc.HumanReply(r.ctx, r.ws, c.ID, r.ann, "We do."); err != nil {
				t.Fatal(err)
			}
			return c
		}, 0},
		{"closed", func(t *testing.T, r *routing, ch channel.Channel) inbox.Conversation {
			c, _ := r.crashed(t, ch, "Do you sell gift cards?")
			if err := r.svc.SetStatus(r.ctx, r.ws, c.ID, true); err != nil {
				t.Fatal(err)
			}
			return c
		}, 0},
		{"idle past the channel's limit", func(t *testing.T, r *routing, ch channel.Channel) inbox.Conversation {
			c, _ := r.crashed(t, ch, "Do you sell gift cards?")
			r.clock.add(25 * time.Hour)
			return c
		}, 0},
		{"the agent paused", func(t *testing.T, r *routing, ch channel.Channel) inbox.Conversation {
			c, _ := r.crashed(t, ch, "Do you sell gift cards?")
			if err := r.agents.SetActive(r.ctx, r.ws, r.agent.ID, false); err != nil {
				t.Fatal(err)
			}
			return c
		}, 0},
		{"a preview", func(t *testing.T, r *routing, ch channel.Channel) inbox.Conversation {
			c, err := r.inbox.Create(r.ctx, r.ws, inbox.NewConversation{AgentID: r.agent.ID, ChannelID: ch.ID, Channel: "chat", Preview: true, CreatedBy: r.owner})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.inbox.AddMessage(r.ctx, c.ID, agent.AuthorVisitor, 0, "Do you sell gift cards?", "en"); err != nil {
				t.Fatal(err)
			}
			return c
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRouting(t)
			ch := r.channel(t, channel.Input{AgentID: r.agent.ID, HandoffUsers: []int64{r.ann}})
			c := tc.setup(t, r, ch)
			before := authors(r.messages(t, c))
			r.answerOwed(t)
			if got := authors(r.messages(t, c)); len(got) != len(before) {
				t.Errorf("messages by %v, were by %v", got, before)
			}
			if hs := r.handoffs(t, c); len(hs) != 0 {
				t.Errorf("handoffs = %+v", hs)
			}
			if n := r.claims(t); n != tc.claims {
				t.Errorf("claims held = %d, want %d", n, tc.claims)
			}
		})
	}
}

// TestAnswerOfATakenOverMessageIsNotStored: when another process took a message over (a
// start beside a process still answering it), the first one's late reply is refused, so
// the customer gets one reply.
func TestAnswerOfATakenOverMessageIsNotStored(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID})
	c, m := r.crashed(t, ch, "Do you sell gift cards?")
	if err := r.inbox.ClaimAs(r.ctx, m.ID, "the first process"); err != nil {
		t.Fatal(err)
	}
	r.answerOwed(t) // this process takes it over and answers
	late := agent.Reply{Text: "Yes, gift cards.", Decision: agent.Answer, Mode: agent.ModeRule}
	if err := r.inbox.AddAIReplyAs(r.ctx, c.ID, r.agent.ID, m.ID, "the first process", late); err == nil {
		t.Error("the first process's late reply was stored")
	}
	if got := authors(r.messages(t, c)); len(got) != 2 || got[1] != agent.AuthorBot {
		t.Errorf("messages by %v, want the customer's and one reply", got)
	}
}

// TestVisitorMessageHandsOffWhenTheAIFails: a live message the engine fails on goes to a
// person rather than waiting for an answer that will not come, and leaves no claim.
func TestVisitorMessageHandsOffWhenTheAIFails(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID, HandoffUsers: []int64{r.ann}})
	r.online(t, r.ann)
	r.svc.Engine = agent.NewEngine(agent.Options{Knowledge: failingSearch{}})
	c, out := r.visit(t, ch, "Do you sell gift cards?")
	if hs := r.handoffs(t, c); len(hs) != 1 || hs[0].Cause != inbox.CauseNoAnswer || c.AssigneeID != r.ann || c.AIActive {
		t.Errorf("handoffs = %+v, conversation = %+v, want it handed to Ann", hs, c)
	}
	if len(out) != 0 {
		t.Errorf("said in return: %+v", out)
	}
	if n := r.claims(t); n != 0 {
		t.Errorf("claims left = %d", n)
	}
}

// TestAIHandoffIsStoredWithItsReply: the AI's reply that hands off and the handoff are
// stored together, so a stop at the handoff leaves the customer's message owed (and
// answered at the next start), not answered with a promise of a person no one was given.
func TestAIHandoffIsStoredWithItsReply(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID, HandoffUsers: []int64{r.ann}})
	r.online(t, r.ann)
	// The process dies as the handoff is written: here, the write fails.
	if _, err := r.db.Write.Exec(`CREATE TRIGGER dies BEFORE INSERT ON handoffs BEGIN SELECT RAISE(ABORT, 'killed'); END`); err != nil {
		t.Fatal(err)
	}
	v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.inbox.OpenConversation(r.ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := r.svc.VisitorMessage(r.ctx, ch, c, askHuman, "en")
	if err == nil {
		t.Fatal("the handoff did not fail")
	}
	if got := authors(r.messages(t, c)); len(got) != 1 {
		t.Fatalf("messages by %v, want the customer's alone", got)
	}

	// The next start.
	if _, err := r.db.Write.Exec("DROP TRIGGER dies"); err != nil {
		t.Fatal(err)
	}
	if err := r.inbox.ClaimAs(r.ctx, m.ID, "the process that died"); err != nil {
		t.Fatal(err)
	}
	r.answerOwed(t)
	r.answerOwed(t)
	if got := authors(r.messages(t, c)); len(got) != 2 || got[1] != agent.AuthorBot {
		t.Errorf("messages by %v, want the customer's and the AI's", got)
	}
	if hs := r.handoffs(t, c); len(hs) != 1 || hs[0].Cause != inbox.CauseVisitor || hs[0].ToUserID != r.ann {
		t.Errorf("handoffs = %+v, want one to Ann", hs)
	}
}
