package inbox_test

import (
	"context"
	"testing"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/store"
)

// BenchmarkAutoSend measures what auto-send adds to a customer's message in a
// conversation a person has: "off" (the workspace has it off: one read), "idle" (allowed
// and on, the person not busy: the settings, the switch and the presence are read),
// "answer" (the person busy elsewhere: the engine answers from a short answer, and the reply
// is stored with its auto_sent row), and "note" (it cannot answer: a note is added). Each
// iteration is the whole VisitorMessage.
func BenchmarkAutoSend(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	accts := account.New(db)
	_, ws, _, err := accts.Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner", Password: "owner password"}, "Shop")
	if err != nil {
		b.Fatal(err)
	}
	km := knowledge.New(knowledge.Options{DB: db})
	if _, err := km.CreateShortAnswer(ctx, ws.ID, knowledge.ShortAnswerInput{Question: "Do you sell gift cards?",
		Answer: "Yes, gift cards from 100 to 2000 NOK are sold in the shop.", Lang: "en"}); err != nil {
		b.Fatal(err)
	}
	agents := agent.NewStore(db)
	a, err := agents.Create(ctx, ws.ID, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	ann, _, err := accts.AddMember(ctx, ws.ID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "long password"}, account.RoleAgent, false)
	if err != nil {
		b.Fatal(err)
	}
	st := inbox.New(db)
	channels := channel.NewStore(db)
	svc := &inbox.Service{Store: st, Hub: inbox.NewHub(), Engine: agent.NewEngine(agent.Options{Knowledge: km}), Agents: agents, Channels: channels}
	ch, err := channels.Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: a.ID, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	handed := func() inbox.Conversation {
		v, _, err := st.NewVisitor(ctx, ch, "en")
		if err != nil {
			b.Fatal(err)
		}
		c, err := st.OpenConversation(ctx, ch, v, true)
		if err != nil {
			b.Fatal(err)
		}
		// Given to Ann by hand: routing would stop at her capacity.
		if err := st.Assign(ctx, ws.ID, c.ID, 0, ann.ID, 0); err != nil {
			b.Fatal(err)
		}
		c, err = st.Get(ctx, ws.ID, c.ID)
		if err != nil || c.AssigneeID != ann.ID || c.AIActive {
			b.Fatalf("not handed to Ann: %+v %v", c, err)
		}
		return c
	}
	busy := handed()
	for _, tc := range []struct {
		name, text    string
		allowed, busy bool
		want          int // messages said in return
	}{
		{"off", "Do you sell gift cards?", false, true, 0},
		{"idle", "Do you sell gift cards?", true, false, 0},
		{"answer", "Do you sell gift cards?", true, true, 1},
		{"note", "My parcel arrived broken and the box smelled of fish", true, true, 1},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if err := st.SetAssistSettings(ctx, ws.ID, inbox.AssistSettings{Suggestions: true, AutoSendAllowed: tc.allowed}); err != nil {
				b.Fatal(err)
			}
			if err := st.SetAutoSend(ctx, ws.ID, ann.ID, true); err != nil {
				b.Fatal(err)
			}
			if err := st.Viewing(ctx, ws.ID, ann.ID, busy.ID, tc.busy); err != nil {
				b.Fatal(err)
			}
			// A fresh conversation per iteration: the engine would not give one answer twice.
			convs := make([]inbox.Conversation, b.N)
			for i := range convs {
				convs[i] = handed()
			}
			b.ResetTimer()
			for i := range b.N {
				_, out, err := svc.VisitorMessage(ctx, ch, convs[i], tc.text, "en")
				if err != nil || len(out) != tc.want {
					b.Fatalf("said %+v, %v", out, err)
				}
			}
		})
	}
}
