package inbox_test

import (
	"slices"
	"testing"

	"agent/app/agent"
	"agent/app/inbox"
)

func TestListSearchAndPages(t *testing.T) {
	f := newFixture(t)
	say := func(c inbox.Conversation, author agent.Author, body string) {
		t.Helper()
		if _, err := f.inbox.AddMessage(f.ctx, c.ID, author, 0, body, "en"); err != nil {
			t.Fatal(err)
		}
	}
	order := f.conversation(t, inbox.NewConversation{})
	say(order, agent.AuthorVisitor, "My order 1000 never arrived")
	say(order, agent.AuthorHuman, "Sorry! A refund is on its way.")
	cotton := f.conversation(t, inbox.NewConversation{})
	say(cotton, agent.AuthorVisitor, "Is the shirt 100% cotton?")
	say(cotton, inbox.AuthorNote, "Ask the supplier")
	hello := f.conversation(t, inbox.NewConversation{})
	say(hello, agent.AuthorVisitor, "hello")

	ids := func(search string, limit, offset int) []int64 {
		t.Helper()
		return f.ids(t, inbox.Filter{View: inbox.ViewAll, Search: search, Limit: limit, Offset: offset})
	}
	for _, tc := range []struct {
		search string
		want   []int64
	}{
		{"", []int64{hello.ID, cotton.ID, order.ID}},
		{"ORDER", []int64{order.ID}},          // case does not matter
		{"order   refund", []int64{order.ID}}, // every word, in any of the messages
		{"order cotton", nil},
		{"100%", []int64{cotton.ID}}, // % and _ are literal: "100%" is not "1000"
		{"_", nil},
		{"supplier", []int64{cotton.ID}}, // notes count
	} {
		if got := ids(tc.search, 10, 0); !slices.Equal(got, tc.want) {
			t.Errorf("search %q = %v, want %v", tc.search, got, tc.want)
		}
	}
	if first, second := ids("", 2, 0), ids("", 2, 2); !slices.Equal(first, []int64{hello.ID, cotton.ID}) || !slices.Equal(second, []int64{order.ID}) {
		t.Errorf("pages of 2: %v then %v", first, second)
	}
}
