package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

// refusing is a channel driver whose server refuses mail until told otherwise.
type refusing struct{ refuse bool }

func (d *refusing) Rules() channel.Rules { return channel.DefaultRules[channel.Email] }

func (d *refusing) Send(context.Context, channel.Outgoing) (channel.Receipt, error) {
	if d.refuse {
		return channel.Receipt{}, errors.New("554 5.7.1 message refused")
	}
	return channel.Receipt{ExternalID: "sent@shop.example"}, nil
}

// A reply the channel could not send shows on the message with the server's words and a
// retry button; the retry sends it.
func TestInboxDeliveryFailedAndRetried(t *testing.T) {
	w := newInboxWorld(t)
	drv := &refusing{refuse: true}
	w.deliveries.Drivers[channel.Email] = drv
	w.deliveries.MaxAttempts = 1
	w.service.Outboxes = map[channel.Kind]inbox.Outbox{channel.Email: w.deliveries}
	mail, err := w.channels.Create(w.ctx, w.wsID, channel.Input{Kind: channel.Email, Name: "Mailbox", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.service.Store.Create(w.ctx, w.wsID, inbox.NewConversation{ChannelID: mail.ID, Channel: string(channel.Email)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.service.HumanReply(w.ctx, w.wsID, c.ID, w.owner, "Your parcel left today.")
	if err != nil {
		t.Fatal(err)
	}
	if body := w.b.get(w.convPath(c, "")).body; !strings.Contains(body, `data-testid="delivery" data-status="queued"`) {
		t.Errorf("a reply waiting to be sent is not marked so")
	}
	if _, err := w.deliveries.Jobs.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
	body := w.b.get(w.convPath(c, "")).body
	retry := w.convPath(c, "retry/"+ids.Encode(m.ID))
	for _, want := range []string{`data-testid="delivery" data-status="failed"`, "Not sent", "554 5.7.1 message refused", `action="` + retry + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the failed reply lacks %s", want)
		}
	}

	drv.refuse = false
	res := w.b.post(retry, url.Values{})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Sending again.") {
		t.Fatalf("retry: %d", res.status)
	}
	if _, err := w.deliveries.Jobs.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
	if body := w.b.get(w.convPath(c, "")).body; strings.Contains(body, `data-testid="delivery"`) {
		t.Error("a sent reply still shows a delivery state")
	}
	// A sent message cannot be retried.
	if res := w.b.post(retry, url.Values{}); res.status != http.StatusNotFound {
		t.Errorf("retrying a sent reply: %d", res.status)
	}
}
