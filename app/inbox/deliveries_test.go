package inbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/jobs"
)

// driver records what it is asked to send, failing while fails > 0.
type driver struct {
	mu    sync.Mutex
	sent  []channel.Outgoing
	fails int
}

func (d *driver) Rules() channel.Rules { return channel.DefaultRules[channel.Email] }

func (d *driver) Send(_ context.Context, out channel.Outgoing) (channel.Receipt, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fails > 0 {
		d.fails--
		return channel.Receipt{}, errors.New("550 5.7.1 relaying denied")
	}
	d.sent = append(d.sent, out)
	return channel.Receipt{ExternalID: "id-" + out.Text}, nil
}

func TestDeliveries(t *testing.T) {
	r := newRouting(t)
	drv := &driver{}
	runner := jobs.New(r.db, nil)
	d := &inbox.Deliveries{Store: r.inbox, Channels: r.channels, Jobs: runner, Drivers: map[channel.Kind]channel.Driver{channel.Email: drv}, MaxAttempts: 3}
	runner.Handle(inbox.JobSend, d.Send)
	r.svc.Outboxes = map[channel.Kind]inbox.Outbox{channel.Email: d}
	ch := r.channel(t, channel.Input{Kind: channel.Email, Name: "Support mailbox", AgentID: r.agent.ID, Handoff: channel.Unassigned})
	c, out := r.visit(t, ch, "Do you sell gift cards?")
	if len(out) != 1 {
		t.Fatalf("replies: %+v", out)
	}
	ai := out[0]
	if del, ok, err := r.inbox.Delivery(r.ctx, ai.ID); err != nil || !ok || del.Status != inbox.DeliveryQueued {
		t.Fatalf("the AI's reply before the job runs: %+v %v %v", del, ok, err)
	}
	if len(drv.sent) != 0 {
		t.Fatal("sent before the job ran")
	}
	if n, err := runner.RunDue(r.ctx); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	if len(drv.sent) != 1 || drv.sent[0].MessageID != ai.ID || !drv.sent[0].Automatic || len(drv.sent[0].Sources) == 0 || drv.sent[0].Channel.ID != ch.ID {
		t.Fatalf("sent: %+v", drv.sent)
	}
	if del, _, _ := r.inbox.Delivery(r.ctx, ai.ID); del.Status != inbox.DeliverySent || del.ExternalID != "id-"+ai.Body || del.Attempts != 1 {
		t.Errorf("after sending: %+v", del)
	}
	// The job run again (a lease ran out) sends nothing twice.
	payload, _ := json.Marshal(map[string]int64{"workspace_id": r.ws, "conversation_id": c.ID, "message_id": ai.ID})
	if err := d.Send(r.ctx, payload); err != nil || len(drv.sent) != 1 {
		t.Errorf("a second run: %v, sent %d", err, len(drv.sent))
	}

	// A person's reply that the server refuses: retried, then failed with the server's words, then retried by hand.
	drv.fails = 3
	m, err := r.svc.HumanReply(r.ctx, r.ws, c.ID, r.owner, "Hello from a person")
	if err != nil {
		t.Fatal(err)
	}
	payload, _ = json.Marshal(map[string]int64{"workspace_id": r.ws, "conversation_id": c.ID, "message_id": m.ID})
	for i, want := range []inbox.DeliveryStatus{inbox.DeliveryQueued, inbox.DeliveryQueued, inbox.DeliveryFailed} {
		err := d.Send(r.ctx, payload)
		if (err != nil) != (want == inbox.DeliveryQueued) {
			t.Errorf("attempt %d: %v (an error makes the runner try again)", i+1, err)
		}
		del, _, _ := r.inbox.Delivery(r.ctx, m.ID)
		if del.Status != want || del.Error != "550 5.7.1 relaying denied" || del.Attempts != i+1 {
			t.Errorf("after attempt %d: %+v, want %s", i+1, del, want)
		}
	}
	if err := d.Retry(r.ctx, r.ws, c.ID, ai.ID); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("retrying a sent message: %v", err)
	}
	if err := d.Retry(r.ctx, r.ws+1, c.ID, m.ID); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("retrying another workspace's message: %v", err)
	}
	if err := d.Retry(r.ctx, r.ws, c.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	runner.RunDue(r.ctx) // the original job is done; the retry's runs
	dels, err := r.inbox.Deliveries(r.ctx, c.ID)
	if err != nil || dels[m.ID].Status != inbox.DeliverySent || dels[ai.ID].Status != inbox.DeliverySent || len(drv.sent) != 2 || drv.sent[1].Automatic {
		t.Errorf("after the retry: %+v %v, sent %+v", dels, err, drv.sent)
	}
}
