package inbox_test

import (
	"slices"
	"strings"
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
	// Keyset pages (the API's) go on after the last one shown, ties in time broken by id.
	after, err := f.inbox.Get(f.ctx, hello.WorkspaceID, cotton.ID)
	if err != nil {
		t.Fatal(err)
	}
	keyset := f.ids(t, inbox.Filter{View: inbox.ViewAll, Limit: 10, BeforeActive: after.LastActive.Unix(), BeforeID: after.ID})
	if !slices.Equal(keyset, []int64{order.ID}) {
		t.Errorf("after %d: %v, want %v", cotton.ID, keyset, []int64{order.ID})
	}
}

// A view's count stops at CountCap+1 ("999+"): counting reads the view's index entries,
// and a view holding 100,000 conversations would cost every list request milliseconds.
func TestCountsStopAtCap(t *testing.T) {
	f := newFixture(t)
	c := f.conversation(t, inbox.NewConversation{})
	count := func() int {
		t.Helper()
		n, err := f.inbox.Count(f.ctx, f.ws, f.owner, nil)
		if err != nil {
			t.Fatal(err)
		}
		return n.Views[inbox.ViewAll]
	}
	if n := count(); n != 1 {
		t.Fatalf("All = %d with one conversation", n)
	}
	// Copies of c, by SQL: a thousand conversations through the store would take seconds.
	rows, err := f.db.Read.QueryContext(f.ctx, "SELECT name FROM pragma_table_info('conversations') WHERE name <> 'id'")
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, name)
	}
	rows.Close()
	list := strings.Join(cols, ", ")
	copies := func(n int) {
		t.Helper()
		_, err := f.db.Write.ExecContext(f.ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO conversations (`+list+`) SELECT `+list+` FROM conversations, n WHERE id = ?`, n, c.ID)
		if err != nil {
			t.Fatal(err)
		}
	}
	copies(inbox.CountCap - 1)
	if n := count(); n != inbox.CountCap {
		t.Errorf("All = %d with %d conversations", n, inbox.CountCap)
	}
	copies(5)
	if n := count(); n != inbox.CountCap+1 {
		t.Errorf("All = %d with %d conversations, want the cap %d", n, inbox.CountCap+5, inbox.CountCap+1)
	}
}
