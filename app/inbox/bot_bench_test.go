package inbox_test

import (
	"fmt"
	"testing"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
)

// BenchmarkBot measures a customer's message in a people's conversation while everyone
// online is at capacity: with the bot off (stored and left for people) and on (the duty
// check, the engine's answer from the short answers, the reply stored with its kind).
// The workspace has 20 people online, each with 50 open conversations.
func BenchmarkBot(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("on=%v", on), func(b *testing.B) {
			r := newRouting(b)
			var people []int64
			for i := range 20 {
				u, _, err := r.accts.AddMember(r.ctx, r.ws, account.NewUser{Email: fmt.Sprintf("p%d@example.com", i), Name: "P", Password: "long password"}, account.RoleAgent, false)
				if err != nil {
					b.Fatal(err)
				}
				people = append(people, u.ID)
				if err := r.svc.SetOnline(r.ctx, r.ws, u.ID, true); err != nil {
					b.Fatal(err)
				}
			}
			ch := r.channel(b, channel.Input{HandoffUsers: people})
			for i := range 50 * len(people) {
				c, err := r.inbox.Create(r.ctx, r.ws, inbox.NewConversation{ChannelID: ch.ID, Channel: "chat"})
				if err != nil {
					b.Fatal(err)
				}
				if err := r.inbox.Assign(r.ctx, r.ws, c.ID, 0, people[i%len(people)], 0); err != nil {
					b.Fatal(err)
				}
			}
			for _, p := range people {
				if err := r.inbox.SetCapacity(r.ctx, r.ws, p, 50); err != nil {
					b.Fatal(err)
				}
			}
			if on {
				r.bot(b, inbox.Bot{})
			}
			v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				c, err := r.inbox.Create(r.ctx, r.ws, inbox.NewConversation{ChannelID: ch.ID, Channel: "chat", VisitorID: v.ID})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				_, out, err := r.svc.VisitorMessage(r.ctx, ch, c, giftCards, "en")
				if err != nil || (on && (len(out) != 1 || out[0].Author != agent.AuthorBot)) {
					b.Fatalf("said %+v, %v", out, err)
				}
			}
		})
	}
}
