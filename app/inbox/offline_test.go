package inbox_test

import (
	"strings"
	"testing"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
)

func TestOfflineAndLeaveMessage(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{Name: "Website"})
	offline := func() bool {
		t.Helper()
		off, err := r.svc.Offline(r.ctx, ch, false)
		if err != nil {
			t.Fatal(err)
		}
		return off
	}
	if !offline() {
		t.Fatal("no AI, no bot and no one online, yet not offline")
	}
	if off, _ := r.svc.Offline(r.ctx, ch, true); off {
		t.Error("offline while the AI answers")
	}
	if err := r.svc.SetOnline(r.ctx, r.ws, r.ann, true); err != nil {
		t.Fatal(err)
	}
	if offline() {
		t.Error("offline while someone is online")
	}
	if err := r.svc.SetOnline(r.ctx, r.ws, r.ann, false); err != nil {
		t.Fatal(err)
	}

	v, _, err := r.inbox.NewVisitor(r.ctx, ch, "fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []inbox.LeftMessage{{Text: "Bonjour"}, {Email: "nope", Text: "Bonjour"}, {Email: "a@shop.example"},
		{Email: "a@shop.example", Text: strings.Repeat("x", inbox.MaxMessage+1)}} {
		if _, _, err := r.svc.LeaveMessage(r.ctx, ch, v, bad); err == nil {
			t.Errorf("%+v was taken", bad)
		}
	}

	// Without an email channel: the widget's conversation, the address as a claim, a note saying so.
	in := inbox.LeftMessage{Email: "Ana@Shop.Example", Name: "Ana", Text: "Bonjour, ma commande ?", Lang: "fr",
		Visit: inbox.Visit{PageURL: "https://shop.example/orders", PageTitle: "Orders"}}
	c, byMail, err := r.svc.LeaveMessage(r.ctx, ch, v, in)
	if err != nil {
		t.Fatal(err)
	}
	if byMail || c.ChannelID != ch.ID || c.VisitorID != v.ID || c.AIActive || c.AssigneeID != 0 {
		t.Errorf("conversation without mail = %+v, by mail %v", c, byMail)
	}
	if claims, _ := r.inbox.ClaimsOf(r.ctx, v.ID); claims.Email != "ana@shop.example" {
		t.Errorf("claims = %+v", claims)
	}
	msgs, err := r.inbox.Messages(r.ctx, c.ID)
	if err != nil || len(msgs) != 2 || msgs[0].Author != agent.AuthorVisitor || msgs[0].Body != in.Text ||
		msgs[1].Author != inbox.AuthorNote || !strings.Contains(msgs[1].Body, "no email channel") {
		t.Fatalf("messages = %+v, %v", msgs, err)
	}
	if visit, ok, _ := r.inbox.VisitOf(r.ctx, c.ID); !ok || visit.PageURL != in.Visit.PageURL {
		t.Errorf("visit = %+v", visit)
	}

	// With an email channel: that channel's conversation, with the contact of the address.
	mail := r.channel(t, channel.Input{Kind: channel.Email, Name: "Support mail"})
	c, byMail, err = r.svc.LeaveMessage(r.ctx, ch, v, in)
	if err != nil {
		t.Fatal(err)
	}
	k, ok, err := r.inbox.ContactOf(r.ctx, c)
	if !byMail || c.ChannelID != mail.ID || c.Channel != "email" || !ok || err != nil || k.Email != "ana@shop.example" {
		t.Errorf("conversation with mail = %+v, by mail %v, contact %+v", c, byMail, k)
	}
	msgs, _ = r.inbox.Messages(r.ctx, c.ID)
	if len(msgs) != 2 || !strings.Contains(msgs[1].Body, "not verified") || !strings.Contains(msgs[1].Body, "Support mail") {
		t.Errorf("messages = %+v", msgs)
	}
}
