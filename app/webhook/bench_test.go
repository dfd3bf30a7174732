package webhook_test

import (
	"testing"

	"agent/app/agent"
	"agent/app/webhook"
)

// BenchmarkMessagePath measures what webhooks add to storing a customer's message
// (inbox.Store.AddMessage): none (no webhook in the workspace), other (a webhook that wants
// other events: the trigger's check only), wanted (the event and its dispatch job written
// in the message's transaction).
func BenchmarkMessagePath(b *testing.B) {
	for _, tc := range []struct {
		name   string
		events []webhook.Type
	}{{"none", nil}, {"other", []webhook.Type{webhook.ConversationClosed}}, {"wanted", []webhook.Type{webhook.MessageCustomer}}} {
		b.Run(tc.name, func(b *testing.B) {
			w := newWorld(b, true)
			if tc.events != nil {
				w.subscribe(tc.events...)
			}
			c := w.conversation(false)
			b.ResetTimer()
			for range b.N {
				if _, err := w.inbox.AddMessage(w.ctx, c.ID, agent.AuthorVisitor, 0, "Where is my order?", "en"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDelivery measures one event from its record to its signed delivery to a local
// receiver: the dispatch (payload built, a delivery queued) and the POST, through the
// job runner.
func BenchmarkDelivery(b *testing.B) {
	w := newWorld(b, true)
	w.subscribe(webhook.MessageCustomer)
	c := w.conversation(false)
	b.ResetTimer()
	for range b.N {
		if _, err := w.inbox.AddMessage(w.ctx, c.ID, agent.AuthorVisitor, 0, "Where is my order?", "en"); err != nil {
			b.Fatal(err)
		}
		w.runDue()
	}
	b.StopTimer()
	if n := len(w.recv.received()); n != b.N {
		b.Fatalf("%d deliveries for %d events", n, b.N)
	}
}
