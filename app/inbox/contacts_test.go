package inbox_test

import (
	"errors"
	"testing"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
)

func TestContacts(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{Name: "Website", AgentID: r.agent.ID})

	// A widget visitor's conversations are their contact's, made with the first one.
	v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.inbox.OpenConversation(r.ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.inbox.AddMessage(r.ctx, first.ID, agent.AuthorVisitor, 0, "Hello", "en"); err != nil { // listed from its first message
		t.Fatal(err)
	}
	k, ok, err := r.inbox.ContactOf(r.ctx, first)
	if err != nil || !ok || k.VisitorID != v.ID || k.Label() != "" {
		t.Fatalf("contact of a visitor's conversation = %+v, %v, %v", k, ok, err)
	}
	if again, err := r.inbox.ContactOfVisitor(r.ctx, v); err != nil || again.ID != k.ID {
		t.Fatalf("ContactOfVisitor = %+v, %v; want contact %d", again, err, k.ID)
	}

	// An address names one contact of the workspace, whatever its case; the first name given sticks.
	byMail, err := r.inbox.ContactByEmail(r.ctx, r.ws, "Kari.Nordmann@Example.com", "Kari Nordmann")
	if err != nil {
		t.Fatal(err)
	}
	same, err := r.inbox.ContactByEmail(r.ctx, r.ws, "kari.nordmann@example.com", "kari (work)")
	if err != nil || same.ID != byMail.ID || same.Name != "Kari Nordmann" || same.Email != "kari.nordmann@example.com" {
		t.Fatalf("the same address again = %+v, %v; want contact %d named Kari Nordmann", same, err, byMail.ID)
	}
	unnamed, err := r.inbox.ContactByEmail(r.ctx, r.ws, "ola@example.com", "")
	if err != nil || unnamed.Label() != "ola@example.com" {
		t.Fatalf("a contact without a name = %+v, %v", unnamed, err)
	}
	if named, err := r.inbox.ContactByEmail(r.ctx, r.ws, "ola@example.com", "Ola"); err != nil || named.ID != unnamed.ID || named.Name != "Ola" {
		t.Fatalf("a name given later fills an empty one: %+v, %v", named, err)
	}
	if _, err := r.inbox.ContactByEmail(r.ctx, r.ws, "not an address", ""); err == nil {
		t.Error("a contact was made for a word that is no address")
	}

	// Another workspace has its own contact for the same address, and cannot take this one's.
	other, err := r.accts.CreateWorkspace(r.ctx, "Other shop", r.owner)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := r.inbox.ContactByEmail(r.ctx, other.ID, "kari.nordmann@example.com", "")
	if err != nil || theirs.ID == byMail.ID {
		t.Fatalf("another workspace's contact = %+v, %v", theirs, err)
	}
	if err := r.inbox.SetContact(r.ctx, r.ws, first.ID, theirs.ID); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("a conversation given another workspace's contact: %v", err)
	}
	if _, err := r.inbox.Contact(r.ctx, r.ws, theirs.ID); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("another workspace's contact read: %v", err)
	}

	// A contact's conversations on every channel, newest first.
	mail := r.channel(t, channel.Input{Kind: channel.Email, Name: "Support mailbox", AgentID: r.agent.ID})
	var want []int64
	for range 2 {
		c, err := r.inbox.Create(r.ctx, r.ws, inbox.NewConversation{ChannelID: mail.ID, Channel: string(mail.Kind)})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.inbox.SetContact(r.ctx, r.ws, c.ID, byMail.ID); err != nil {
			t.Fatal(err)
		}
		want = append([]int64{c.ID}, want...)
	}
	if err := r.inbox.SetContact(r.ctx, r.ws, first.ID, byMail.ID); err != nil {
		t.Fatal(err)
	}
	want = append(want, first.ID)
	cs, err := r.inbox.ContactConversations(r.ctx, r.ws, byMail.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, c := range cs {
		got = append(got, c.ID)
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("contact's conversations = %v, want %v", got, want)
	}
	if k, ok, _ := r.inbox.ContactOf(r.ctx, first); !ok || k.ID != byMail.ID {
		t.Errorf("the widget conversation's contact after SetContact = %+v", k)
	}

	// An admin trying the widget makes no contact.
	v.PreviewBy = r.owner
	preview, err := r.inbox.OpenConversation(r.ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	if k, ok, err := r.inbox.ContactOf(r.ctx, preview); ok || err != nil {
		t.Errorf("a preview has a contact: %+v, %v", k, err)
	}
}
