package inbox_test

import (
	"errors"
	"fmt"
	"testing"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/usererr"
)

// A contact's name, email and phone are checked and stored in one form; an address or
// phone of another contact is refused, naming that contact; another workspace's contact
// cannot be changed.
func TestUpdateContact(t *testing.T) {
	r := newRouting(t)
	kari, err := r.inbox.ContactByEmail(r.ctx, r.ws, "kari@example.com", "Kari")
	if err != nil {
		t.Fatal(err)
	}
	ola, err := r.inbox.ContactByEmail(r.ctx, r.ws, "ola@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.inbox.UpdateContact(r.ctx, r.ws, ola.ID, inbox.ContactInput{Name: "  Ola   Nordmann ", Email: "Ola.N@Example.com", Phone: "+47 912-34 (567)"})
	if err != nil || got.Name != "Ola Nordmann" || got.Email != "ola.n@example.com" || got.Phone != "+4791234567" {
		t.Fatalf("update = %+v, %v", got, err)
	}
	for _, c := range []struct {
		in    inbox.ContactInput
		field string
	}{
		{inbox.ContactInput{Email: "not an address"}, "email"},
		{inbox.ContactInput{Email: "Ola <ola@example.com>"}, "email"},
		{inbox.ContactInput{Email: "ola@localhost"}, "email"},
		{inbox.ContactInput{Phone: "call me"}, "phone"},
		{inbox.ContactInput{Phone: "12"}, "phone"},
		{inbox.ContactInput{Phone: "1234567890123456"}, "phone"},
		{inbox.ContactInput{Name: string(make([]rune, 201))}, "name"},
	} {
		var ie *usererr.InputError
		if _, err := r.inbox.UpdateContact(r.ctx, r.ws, ola.ID, c.in); !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%+v: %v, want an error on %s", c.in, err, c.field)
		}
	}
	// Kari's address, in another case: refused, naming Kari; Ola is unchanged.
	var taken *inbox.ContactTaken
	_, err = r.inbox.UpdateContact(r.ctx, r.ws, ola.ID, inbox.ContactInput{Name: "Ola", Email: "KARI@example.com"})
	if !errors.As(err, &taken) || taken.Field != "email" || taken.Other.ID != kari.ID {
		t.Fatalf("a taken address: %v", err)
	}
	var ie *usererr.InputError
	if !errors.As(err, &ie) || ie.Field != "email" || ie.Message != "another contact (Kari) has this address: merge the two instead" {
		t.Errorf("the taken address's message: %v", err)
	}
	if k, _ := r.inbox.Contact(r.ctx, r.ws, ola.ID); k.Email != "ola.n@example.com" {
		t.Errorf("a refused update changed the contact: %+v", k)
	}
	if _, err := r.inbox.UpdateContact(r.ctx, r.ws, kari.ID, inbox.ContactInput{Phone: "+47 91 23 45 67"}); !errors.As(err, &taken) || taken.Field != "phone" || taken.Other.ID != ola.ID {
		t.Errorf("a taken phone: %v", err)
	}
	// Emptied, the address and phone are gone (and free for another).
	if k, err := r.inbox.UpdateContact(r.ctx, r.ws, ola.ID, inbox.ContactInput{Name: "Ola"}); err != nil || k.Email != "" || k.Phone != "" {
		t.Errorf("emptied = %+v, %v", k, err)
	}
	other, err := r.accts.CreateWorkspace(r.ctx, "Other shop", r.owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.inbox.UpdateContact(r.ctx, other.ID, kari.ID, inbox.ContactInput{Name: "Mallory"}); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("another workspace's contact changed: %v", err)
	}
}

// Merging moves the merged contact's conversations and channel identities to the kept one
// in one go, keeps both widget visitors (their next chats are the kept contact's), and
// deletes the merged contact; it stays within the workspace.
func TestMergeContacts(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{Name: "Website", AgentID: r.agent.ID})
	mail := r.channel(t, channel.Input{Kind: channel.Email, Name: "Support mailbox", AgentID: r.agent.ID})
	visit := func() (inbox.Visitor, inbox.Conversation) {
		v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
		if err != nil {
			t.Fatal(err)
		}
		c, err := r.inbox.OpenConversation(r.ctx, ch, v, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.inbox.AddMessage(r.ctx, c.ID, agent.AuthorVisitor, 0, "Hello", "en"); err != nil { // listed from its first message
			t.Fatal(err)
		}
		return v, c
	}
	v1, c1 := visit()
	v2, c2 := visit()
	keep, _, _ := r.inbox.ContactOf(r.ctx, c1)
	gone, _, _ := r.inbox.ContactOf(r.ctx, c2)
	// The second record has an address, a phone and a mail conversation; the kept one has a phone of its own.
	if _, err := r.inbox.UpdateContact(r.ctx, r.ws, gone.ID, inbox.ContactInput{Name: "Kari", Email: "kari@example.com", Phone: "+4791234567"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.inbox.UpdateContact(r.ctx, r.ws, keep.ID, inbox.ContactInput{Phone: "+4722222222"}); err != nil {
		t.Fatal(err)
	}
	c3, err := r.inbox.Create(r.ctx, r.ws, inbox.NewConversation{ChannelID: mail.ID, Channel: string(mail.Kind)})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.inbox.SetContact(r.ctx, r.ws, c3.ID, gone.ID); err != nil {
		t.Fatal(err)
	}

	other, err := r.accts.CreateWorkspace(r.ctx, "Other shop", r.owner)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := r.inbox.ContactByEmail(r.ctx, other.ID, "mallory@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][3]int64{{r.ws, keep.ID, theirs.ID}, {r.ws, theirs.ID, keep.ID}, {other.ID, theirs.ID, gone.ID}} {
		if _, err := r.inbox.MergeContacts(r.ctx, pair[0], pair[1], pair[2]); !errors.Is(err, inbox.ErrNotFound) {
			t.Errorf("merge across workspaces %v: %v", pair, err)
		}
	}
	if _, err := r.inbox.MergeContacts(r.ctx, r.ws, keep.ID, keep.ID); err == nil {
		t.Error("a contact merged into itself")
	}
	if n, _ := r.inbox.CountContactConversations(r.ctx, r.ws, gone.ID); n != 2 {
		t.Fatalf("a refused merge moved conversations: %d left", n)
	}

	merged, err := r.inbox.MergeContacts(r.ctx, r.ws, keep.ID, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Name != "Kari" || merged.Email != "kari@example.com" || merged.Phone != "+4722222222" || merged.VisitorID != v1.ID {
		t.Errorf("merged = %+v: the name and address move, the kept phone and visitor stay", merged)
	}
	if _, err := r.inbox.Contact(r.ctx, r.ws, gone.ID); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("the merged contact is still there: %v", err)
	}
	cs, err := r.inbox.ContactConversations(r.ctx, r.ws, keep.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(ids(cs)); got != fmt.Sprint([]int64{c3.ID, c2.ID, c1.ID}) {
		t.Errorf("the kept contact's conversations = %v, want %v", got, []int64{c3.ID, c2.ID, c1.ID})
	}
	// The same person on their second browser: the kept contact, now and in their next chat.
	if k, err := r.inbox.ContactOfVisitor(r.ctx, v2); err != nil || k.ID != keep.ID {
		t.Errorf("the merged visitor's contact = %+v, %v", k, err)
	}
	if err := r.inbox.SetStatus(r.ctx, r.ws, c2.ID, true); err != nil {
		t.Fatal(err)
	}
	next, err := r.inbox.OpenConversation(r.ctx, ch, v2, true)
	if err != nil || next.ID == c2.ID {
		t.Fatalf("next chat = %+v, %v", next, err)
	}
	if k, ok, _ := r.inbox.ContactOf(r.ctx, next); !ok || k.ID != keep.ID {
		t.Errorf("the merged visitor's next chat belongs to %+v", k)
	}
	// The address found by the email intake is the kept contact's.
	if k, err := r.inbox.ContactByEmail(r.ctx, r.ws, "kari@example.com", ""); err != nil || k.ID != keep.ID {
		t.Errorf("the moved address names %+v, %v", k, err)
	}
	// Merged again into a third: the visitors kept in contact_visitors move too.
	_, c4 := visit()
	third, _, _ := r.inbox.ContactOf(r.ctx, c4)
	if _, err := r.inbox.MergeContacts(r.ctx, r.ws, third.ID, keep.ID); err != nil {
		t.Fatal(err)
	}
	for _, v := range []inbox.Visitor{v1, v2} {
		if k, err := r.inbox.ContactOfVisitor(r.ctx, v); err != nil || k.ID != third.ID {
			t.Errorf("visitor %d's contact after a second merge = %+v, %v", v.ID, k, err)
		}
	}
}

func ids(ss []inbox.Summary) []int64 {
	var out []int64
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

// The list pages through every contact once, newest first, and a search finds a contact
// by a part of their name, address or phone (written with spaces), in the workspace only.
func TestContactList(t *testing.T) {
	r := newRouting(t)
	var all []int64
	for i := range 120 {
		k, err := r.inbox.ContactByEmail(r.ctx, r.ws, fmt.Sprintf("customer%03d@example.com", i), fmt.Sprintf("Customer %03d", i))
		if err != nil {
			t.Fatal(err)
		}
		all = append([]int64{k.ID}, all...)
	}
	kari, err := r.inbox.ContactByEmail(r.ctx, r.ws, "kari@nordmann.example", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.inbox.UpdateContact(r.ctx, r.ws, kari.ID, inbox.ContactInput{Name: "Kari Nordmann", Email: kari.Email, Phone: "+47 912 34 567"}); err != nil {
		t.Fatal(err)
	}
	all = append([]int64{kari.ID}, all...)
	var seen []int64
	before := int64(0)
	for page := 0; ; page++ {
		got, err := r.inbox.Contacts(r.ctx, r.ws, inbox.ContactFilter{Before: before, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range got {
			seen = append(seen, k.ID)
		}
		if len(got) < 50 {
			break
		}
		before = got[len(got)-1].ID
	}
	if fmt.Sprint(seen) != fmt.Sprint(all) {
		t.Errorf("paged through %d contacts, want %d, newest first", len(seen), len(all))
	}
	other, err := r.accts.CreateWorkspace(r.ctx, "Other shop", r.owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.inbox.ContactByEmail(r.ctx, other.ID, "kari.other@nordmann.example", "Kari Other"); err != nil {
		t.Fatal(err)
	}
	for search, want := range map[string]int{
		"nordmann": 1, "KARI": 1, "kari nordmann.example": 1, "912 34": 1, "+4791234567": 1, "34-567": 1,
		"customer": 50, "customer 07": 12, "customer017": 1, "07": 12, "ka": 1, "x": 121, "nobody": 0, "%": 0, "_": 0,
	} {
		got, err := r.inbox.Contacts(r.ctx, r.ws, inbox.ContactFilter{Search: search, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != min(want, 50) {
			t.Errorf("search %q found %d contacts, want %d", search, len(got), min(want, 50))
		}
	}
	got, _ := r.inbox.Contacts(r.ctx, r.ws, inbox.ContactFilter{Search: "nordmann"})
	if len(got) != 1 || got[0].ID != kari.ID {
		t.Errorf("search nordmann = %+v", got)
	}
}
