package quote_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/quote"
	"agent/app/store"
)

// BenchmarkList measures a page of 51 quotes (as the admin asks for one) over a workspace
// of 10,000, made through SQL, each with views and a conversation on one in ten: the first
// page, a page in the middle, each state, a search for one quote's number and one for a
// buyer no quote has (which reads them all).
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner"}, "owner password")
	if err != nil {
		b.Fatal(err)
	}
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().Unix()
	statuses := []string{"draft", "published", "accepted", "withdrawn"}
	var middle quote.Cursor
	for i := range 10_000 {
		expires := now + 86400
		if i%8 == 1 {
			expires = now - 86400 // published and past its last day: expired
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO quotes (workspace_id, number, title, buyer_company, currency, expires_on, expires_at,
			status, total, created_at, updated_at) VALUES (?, ?, ?, ?, 'EUR', '2099-12-31', ?, ?, '125.00', ?, ?)`,
			ws.ID, fmt.Sprintf("Q-%05d", i), fmt.Sprintf("Shelving for site %d", i%300), fmt.Sprintf("Buyer %d AS", i%1000),
			expires, statuses[i%4], now+int64(i), now+int64(i/2)) // two quotes a second: ties in the order
		if err != nil {
			b.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if i == 5_000 {
			middle = quote.Cursor{UpdatedAt: now + int64(i/2), ID: id}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO quote_views (quote_id, visitor, viewed_at) VALUES (?, 'v', ?), (?, 'w', ?)",
			id, now, id, now); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO conversations (workspace_id, channel, quote_id, last_activity_at, created_at, updated_at) VALUES (?, 'quote', ?, ?, ?, ?)",
				ws.ID, id, now, now, now); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	qs := quote.New(db)
	for _, c := range []struct {
		name string
		f    quote.ListFilter
	}{
		{"first-page", quote.ListFilter{}},
		{"middle-page", quote.ListFilter{After: middle}},
		{"draft", quote.ListFilter{Status: quote.Draft}},
		{"published", quote.ListFilter{Status: quote.Published}},
		{"expired", quote.ListFilter{Status: quote.Expired}},
		{"search-number", quote.ListFilter{Search: "Q-04321"}},
		{"search-none", quote.ListFilter{Search: "Nobody Ltd"}},
	} {
		c.f.Limit = 51
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := qs.List(ctx, ws.ID, c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
