package inbox_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"agent/app/account"
	"agent/app/inbox"
	"agent/app/store"
)

// BenchmarkContacts measures the Contacts section's queries (a page of 51, as the section
// asks for it) on a workspace of 100,000 contacts (CONTACTS=N changes it), generated
// through SQL: three in ten with a name and an address, one in ten with a phone too, the
// rest widget visitors known by nothing else; every other one with a conversation. It
// measures the first page, a page deep in the list, searches for a name one contact has,
// a word every named contact's address has ("example"), a phone written with spaces, two
// letters (read in order, not through the index), a word nobody has; and a contact's
// conversations.
func BenchmarkContacts(b *testing.B) {
	n := 100_000
	if s := os.Getenv("CONTACTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner"}, "Shop")
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO channels (id, workspace_id, kind, name, public_key, created_at, updated_at) VALUES (1, ?1, 'chat', 'Website', 'k', 1, 1)",
		`WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?2)
			INSERT INTO contacts (id, workspace_id, name, email, phone, created_at, updated_at)
			SELECT n, ?1, CASE WHEN n % 10 < 3 THEN 'Customer ' || n ELSE '' END,
				CASE WHEN n % 10 < 3 THEN 'customer' || n || '@example.com' END,
				CASE WHEN n % 10 = 0 THEN '+47' || (90000000 + n) END, n, n FROM i`,
		`WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?2)
			INSERT INTO conversations (workspace_id, channel_id, channel, contact_id, status, last_activity_at, created_at, updated_at)
			SELECT ?1, 1, 'chat', n, 'closed', n, n, n FROM i WHERE n % 2 = 0`,
		"UPDATE contacts SET name = 'Kari Nordmann' WHERE id = ?2 / 2 + 3",
	} {
		if _, err := db.Write.ExecContext(ctx, q, ws.ID, n); err != nil {
			b.Fatal(err)
		}
	}
	st := inbox.New(db)
	list := func(f inbox.ContactFilter, want int) func(int) error {
		return func(int) error {
			f.Limit = 51
			got, err := st.Contacts(ctx, ws.ID, f)
			if err == nil && len(got) != want {
				err = fmt.Errorf("%+v: %d contacts, want %d", f, len(got), want)
			}
			return err
		}
	}
	timed(b, "list/first-page", list(inbox.ContactFilter{}, 51))
	timed(b, "list/middle-page", list(inbox.ContactFilter{Before: int64(n / 2)}, 51))
	timed(b, "search/one-name", list(inbox.ContactFilter{Search: "nordmann"}, 1))
	timed(b, "search/every-address", list(inbox.ContactFilter{Search: "example"}, 51))
	timed(b, "search/phone", list(inbox.ContactFilter{Search: "+47 9000 0010"}, 1))
	timed(b, "search/two-letters", list(inbox.ContactFilter{Search: "ka"}, 1))
	timed(b, "search/nobody", list(inbox.ContactFilter{Search: "zyxwv"}, 0))
	timed(b, "contact-conversations", func(i int) error {
		_, err := st.ContactConversations(ctx, ws.ID, int64(2*(i%(n/2))+2), 0, 51)
		return err
	})
}
