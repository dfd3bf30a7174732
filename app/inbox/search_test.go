package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/store"
)

// newWorkspace is a migrated database with one workspace, and its Store.
func newWorkspace(t *testing.T) (*store.DB, *Store, int64) {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, ws, _, err := account.New(db).Setup(context.Background(), account.NewUser{Email: "o@example.com", Name: "Owner"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	return db, New(db), ws.ID
}

// The search index only narrows: whichever way a search goes (led by the index for a rare
// word, or reading the view in order for common or short words), and whether the messages
// are indexed yet or not, it finds exactly the conversations LIKE alone finds, in any
// script.
func TestSearchFindsWhatLikeFinds(t *testing.T) {
	ctx := context.Background()
	db, s, ws := newWorkspace(t)
	conversation := func(bodies ...string) int64 {
		c, err := s.Create(ctx, ws, NewConversation{Channel: "chat"})
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range bodies {
			author := agent.AuthorVisitor
			if i%2 == 1 {
				author = AuthorNote
			}
			if _, err := s.AddMessage(ctx, c.ID, author, 0, b, ""); err != nil {
				t.Fatal(err)
			}
		}
		return c.ID
	}
	damaged := conversation("My parcel arrived DAMAGED.", "Ask the courier")
	refund := conversation("我想申请退款", "请给我开发票。")
	japanese := conversation("返金してください")
	korean := conversation("환불 받고 싶어요")
	tv := conversation("The TV is broken", `He said "hi" and left`)
	// "order" in more messages than the index leads for, a hundred to a conversation.
	var orders []int64
	for range searchCandidates/100 + 1 {
		orders = append(orders, conversation("first order"))
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		for i := range searchCandidates {
			if _, err := tx.ExecContext(ctx, "INSERT INTO messages (conversation_id, author, body, created_at) VALUES (?, 'visitor', ?, 1)",
				orders[i/100], fmt.Sprintf("Order %d is on its way", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.IndexMessages(ctx); err != nil {
		t.Fatal(err)
	}
	// Not indexed yet: a search reads it directly.
	late := conversation("Where is my parcel? It was damaged, the box is torn.")

	for _, c := range []struct {
		search string
		led    bool    // the index leads
		want   []int64 // nil: checked against LIKE only
	}{
		{"damaged", true, []int64{late, damaged}},
		{"amage", true, []int64{late, damaged}},
		{"torn", true, []int64{late}},
		{"courier parcel", true, []int64{damaged}}, // every word, in any of the messages, notes too
		{"退款", true, []int64{refund}},              // two characters, at the end of the text
		{"开发票", true, []int64{refund}},
		{"发票", true, []int64{refund}},
		{"票", false, []int64{refund}}, // one character: no trigram
		{"返金", true, []int64{japanese}},
		{"환불", true, []int64{korean}},
		{"退货", true, nil},
		{"tv", false, []int64{tv}}, // two letters with case: LIKE alone
		{`"hi"`, true, []int64{tv}},
		{"order", false, nil},
		{"order damaged", true, nil},
		{"zeppelin", true, nil},
	} {
		lead, err := s.narrow(ctx, c.search, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if (lead != nil) != c.led {
			t.Errorf("search %q: led by the index %v, want %v", c.search, lead != nil, c.led)
		}
		f := Filter{View: ViewAll, Search: c.search, Limit: 1000}
		list, err := s.List(ctx, ws, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, sm := range list {
			got = append(got, sm.ID)
		}
		q, args := listQuery(ws, f, nil)
		rows, err := db.Read.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var like []int64
		for rows.Next() {
			sm, err := scanConversation(rows, new(string), new(string), new(string), new(string), new(string), new(string))
			if err != nil {
				t.Fatal(err)
			}
			like = append(like, sm.ID)
		}
		rows.Close()
		if !slices.Equal(got, like) || c.want != nil && !slices.Equal(got, c.want) {
			t.Errorf("search %q = %v; LIKE finds %v, want %v", c.search, got, like, c.want)
		}
	}
}

// Messages wait for the index until a batch of them is stored, then go in together.
func TestMessagesAreIndexedInBatches(t *testing.T) {
	ctx := context.Background()
	db, s, ws := newWorkspace(t)
	c, err := s.Create(ctx, ws, NewConversation{Channel: "chat"})
	if err != nil {
		t.Fatal(err)
	}
	counts := func() (waiting, indexed int) {
		t.Helper()
		if err := db.Read.QueryRow("SELECT (SELECT count(*) FROM messages_unindexed), (SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'mes')").Scan(&waiting, &indexed); err != nil {
			t.Fatal(err)
		}
		return waiting, indexed
	}
	for i := range searchBatch {
		if w, n := counts(); w != i || n != 0 {
			t.Fatalf("after %d messages: %d waiting, %d indexed", i, w, n)
		}
		if _, err := s.AddMessage(ctx, c.ID, agent.AuthorVisitor, 0, fmt.Sprintf("message %d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if w, n := counts(); w != 0 || n != searchBatch {
		t.Errorf("after a batch: %d waiting, %d indexed", w, n)
	}
}
