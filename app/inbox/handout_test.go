package inbox_test

import (
	"testing"
	"time"

	"agent/app/channel"
	"agent/app/inbox"
)

// TestFreedPlacesGoToWaitingConversations has two people taking one conversation each:
// the customers who come next wait, and each place freed (a conversation closed, handed
// over, more capacity) goes to the one waiting longest, by the channel's rules, to a
// team's member when it waits for a team, and never back to who just handed it over.
func TestFreedPlacesGoToWaitingConversations(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann, r.bo}})
	billing, err := r.accts.CreateTeam(r.ctx, r.ws, "Billing")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.accts.SetTeamMembers(r.ctx, r.ws, billing.ID, []int64{r.ann}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{r.ann, r.bo} {
		if err := r.svc.SetCapacity(r.ctx, r.ws, u, 1); err != nil {
			t.Fatal(err)
		}
	}
	r.online(t, r.ann, r.bo)
	var c [5]inbox.Conversation
	for i := range c {
		r.clock.add(time.Minute)
		c[i], _ = r.visit(t, ch, "Hello, is anyone there?")
	}
	assignee := func(i int) int64 { t.Helper(); return r.get(t, c[i].ID).AssigneeID }
	if assignee(0) != r.ann || assignee(1) != r.bo || assignee(2) != 0 || assignee(3) != 0 || assignee(4) != 0 {
		t.Fatalf("assignees %d %d %d %d %d; Ann %d, Bo %d", assignee(0), assignee(1), assignee(2), assignee(3), assignee(4), r.ann, r.bo)
	}

	// Ann closes hers: the conversation waiting longest is hers, and only that one.
	r.clock.add(time.Minute)
	if err := r.svc.SetStatus(r.ctx, r.ws, c[0].ID, true); err != nil {
		t.Fatal(err)
	}
	if assignee(2) != r.ann || assignee(3) != 0 {
		t.Fatalf("after Ann closed: %d, %d", assignee(2), assignee(3))
	}
	if hs := r.handoffs(t, c[2]); len(hs) != 2 || hs[1].Cause != inbox.CauseAutomation || hs[1].ToUserID != r.ann {
		t.Errorf("handoffs %+v", hs)
	}

	// Bo hands his over to Billing (Ann only, full): it waits for the team, and the place
	// he freed goes to the next one waiting.
	r.clock.add(time.Minute)
	if err := r.svc.Assign(r.ctx, r.ws, c[1].ID, r.bo, 0, billing.ID); err != nil {
		t.Fatal(err)
	}
	if got := r.get(t, c[1].ID); got.AssigneeID != 0 || got.TeamID != billing.ID {
		t.Fatalf("handed to Billing: %+v", got)
	}
	if assignee(3) != r.bo || assignee(4) != 0 {
		t.Fatalf("after Bo handed over: %d, %d", assignee(3), assignee(4))
	}

	// Bo closes his: the conversation waiting for Billing is not for him, the next is.
	r.clock.add(time.Minute)
	if err := r.svc.SetStatus(r.ctx, r.ws, c[3].ID, true); err != nil {
		t.Fatal(err)
	}
	if assignee(1) != 0 || assignee(4) != r.bo {
		t.Fatalf("after Bo closed: %d, %d", assignee(1), assignee(4))
	}

	// Ann closes hers: the conversation waiting for Billing goes to her, through the team.
	r.clock.add(time.Minute)
	if err := r.svc.SetStatus(r.ctx, r.ws, c[2].ID, true); err != nil {
		t.Fatal(err)
	}
	if got := r.get(t, c[1].ID); got.AssigneeID != r.ann || got.TeamID != billing.ID {
		t.Fatalf("after Ann closed again: %+v", got)
	}

	// Bo unassigns his, with no one else free: it waits rather than coming back to him.
	r.clock.add(time.Minute)
	if err := r.svc.Assign(r.ctx, r.ws, c[4].ID, r.bo, 0, 0); err != nil {
		t.Fatal(err)
	}
	if assignee(4) != 0 {
		t.Fatalf("handed back to Bo: %d", assignee(4))
	}
	// Bo goes away; Ann makes room for one more: it is hers.
	if err := r.svc.SetOnline(r.ctx, r.ws, r.bo, false); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.SetCapacity(r.ctx, r.ws, r.ann, 2); err != nil {
		t.Fatal(err)
	}
	if assignee(4) != r.ann {
		t.Fatalf("after Ann made room: %d", assignee(4))
	}
}

// TestBulkCloseAsksAboutAwaitingCustomers: a bulk close of conversations whose customer
// wrote last is refused until confirmed, naming how many wait; once confirmed, the places
// it frees go to the conversations waiting.
func TestBulkCloseAsksAboutAwaitingCustomers(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann}})
	if err := r.svc.SetCapacity(r.ctx, r.ws, r.ann, 1); err != nil {
		t.Fatal(err)
	}
	r.online(t, r.ann)
	first, _ := r.visit(t, ch, "Hello?")
	r.clock.add(time.Minute)
	waiting, _ := r.visit(t, ch, "Anyone?")
	r.clock.add(time.Minute)
	answered, _ := r.visit(t, ch, "Hi")
	if _, err := r.svc.HumanReply(r.ctx, r.ws, answered.ID, r.owner, "Hello, how can I help?"); err != nil {
		t.Fatal(err)
	}
	ids := []int64{first.ID, answered.ID}
	_, err := r.svc.Bulk(r.ctx, r.ws, r.owner, ids, inbox.BulkAction{Close: true})
	if e, ok := err.(*inbox.AwaitingError); !ok || e.Awaiting != 1 || e.Of != 2 {
		t.Fatalf("unconfirmed: %v", err)
	}
	if got := r.get(t, first.ID); got.Status != "open" {
		t.Fatalf("closed unconfirmed: %+v", got)
	}
	n, err := r.svc.Bulk(r.ctx, r.ws, r.owner, ids, inbox.BulkAction{Close: true, Confirmed: true})
	if err != nil || n != 2 {
		t.Fatalf("confirmed: %d, %v", n, err)
	}
	if got := r.get(t, waiting.ID); got.AssigneeID != r.ann {
		t.Errorf("the place freed: %+v", got)
	}
}
