package quote_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/quote"
	"agent/app/store"
	"agent/app/usererr"
)

type fixture struct {
	ctx    context.Context
	db     *store.DB
	quotes *quote.Store
	ws     int64 // the workspace
	other  int64 // another workspace
	owner  account.User
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m := account.New(db)
	u, w, _, err := m.Setup(ctx, account.NewUser{Email: "owner@example.com", Name: "Olga", Password: "correct horse"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	o, err := m.CreateWorkspace(ctx, "Other", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: ctx, db: db, quotes: quote.New(db), ws: w.ID, other: o.ID, owner: u,
		now: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.quotes.SetClock(func() time.Time { return f.now })
	return f
}

func sample(number string) quote.Input {
	return quote.Input{Number: number, Title: "Warehouse shelving", BuyerCompany: "Acme AS", Currency: "EUR",
		Contacts:     []quote.Contact{{Name: "Kari Nordmann", Email: "kari@acme.example", Role: "Buyer"}},
		PaymentTerms: "30 days net", DeliveryTerms: "DAP Oslo, 3 weeks", ExpiresOn: "2027-03-31",
		Lines: []quote.LineInput{
			{Name: "Shelf unit", Quantity: "10", UnitPrice: "1000.00", DiscountPercent: "10", TaxRate: "25"},
			{Name: "Assembly", Quantity: "8", UnitPrice: "450", TaxRate: "25"},
		}}
}

func TestCreateGetAndTotals(t *testing.T) {
	f := newFixture(t)
	in := sample("Q-1")
	in.OwnerID = f.owner.ID
	q, err := f.quotes.Create(f.ctx, f.ws, in)
	if err != nil {
		t.Fatal(err)
	}
	if q.Status != quote.Draft || q.Number != "Q-1" || len(q.Lines) != 2 || q.OwnerID != f.owner.ID || q.Contacts[0].Email != "kari@acme.example" {
		t.Fatalf("got %+v", q)
	}
	// 9000 + 3600 = 12600; 25 % = 3150; 15750.
	if got := q.Format(q.Totals().Total); got != "15,750.00 EUR" {
		t.Errorf("total = %s", got)
	}
	if want := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC); !q.ExpiresAt.Equal(want) {
		t.Errorf("expires at %v, want %v (end of the day in the workspace's zone)", q.ExpiresAt, want)
	}
	list, err := f.quotes.List(f.ctx, f.ws, quote.ListFilter{})
	if err != nil || len(list) != 1 || list[0].Total != "15750.00" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if _, err := f.quotes.Get(f.ctx, f.other, q.ID); !errors.Is(err, quote.ErrNotFound) {
		t.Errorf("get from another workspace: %v", err)
	}
	if _, err := f.quotes.Create(f.ctx, f.ws, sample("q-1")); !errors.Is(err, quote.ErrNumberTaken) {
		t.Errorf("same number (other case): %v", err)
	}
	if _, err := f.quotes.Create(f.ctx, f.other, sample("Q-1")); err != nil {
		t.Errorf("the same number in another workspace: %v", err)
	}
}

func TestCheckRefuses(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		field  string
		change func(*quote.Input)
	}{
		{"number", func(in *quote.Input) { in.Number = " " }},
		{"currency", func(in *quote.Input) { in.Currency = "EURO" }},
		{"expires_on", func(in *quote.Input) { in.ExpiresOn = "31/03/2027" }},
		{"lines[0].quantity", func(in *quote.Input) { in.Lines[0].Quantity = "0" }},
		{"lines[0].quantity", func(in *quote.Input) { in.Lines[0].Quantity = "1e3" }},
		{"lines[1].unit_price", func(in *quote.Input) { in.Lines[1].UnitPrice = "-1" }},
		{"lines[1].unit_price", func(in *quote.Input) { in.Lines[1].UnitPrice = "1,000.00" }},
		{"lines[1].unit_price", func(in *quote.Input) { in.Lines[1].UnitPrice = "0.0000001" }},
		{"lines[0].discount_percent", func(in *quote.Input) { in.Lines[0].DiscountPercent = "100.5" }},
		{"lines[0].discount_amount", func(in *quote.Input) { in.Lines[0].DiscountAmount = "5" }},       // and a percent
		{"lines[1].discount_amount", func(in *quote.Input) { in.Lines[1].DiscountAmount = "3600.01" }}, // more than the line
		{"lines[1].discount_amount", func(in *quote.Input) { in.Lines[1].DiscountAmount = "1.001" }},   // below a cent
		{"lines[1].tax_rate", func(in *quote.Input) { in.Lines[1].TaxRate = "abc" }},
		{"contacts[0].email", func(in *quote.Input) { in.Contacts[0].Email = "kari at acme" }},
		{"lines", func(in *quote.Input) { in.Lines = make([]quote.LineInput, quote.MaxLines+1) }},
		{"owner", func(in *quote.Input) { in.OwnerID = 1 << 40 }},
	} {
		in := sample("Q-9")
		tc.change(&in)
		_, err := f.quotes.Create(f.ctx, f.ws, in)
		var ie *usererr.InputError
		if !errors.As(err, &ie) || ie.Field != tc.field {
			t.Errorf("%s: err = %v", tc.field, err)
		}
	}
	if list, _ := f.quotes.List(f.ctx, f.ws, quote.ListFilter{}); len(list) != 0 {
		t.Errorf("refused quotes were saved: %+v", list)
	}
}

func TestImportIsIdempotent(t *testing.T) {
	f := newFixture(t)
	q, out, err := f.quotes.Import(f.ctx, f.ws, sample("Q-7"))
	if err != nil || out != quote.Created {
		t.Fatalf("first import: %v, %v", out, err)
	}
	before := q.UpdatedAt
	f.now = f.now.Add(time.Hour)
	in := sample("Q-7")
	in.Lines[0].UnitPrice = "1000" // the same number written differently
	if _, out, err := f.quotes.Import(f.ctx, f.ws, in); err != nil || out != quote.Unchanged {
		t.Fatalf("same import: %v, %v", out, err)
	}
	if q, _ := f.quotes.Get(f.ctx, f.ws, q.ID); !q.UpdatedAt.Equal(before) {
		t.Error("an unchanged import touched the quote")
	}
	in.Lines = in.Lines[:1]
	q2, out, err := f.quotes.Import(f.ctx, f.ws, in)
	if err != nil || out != quote.Updated || q2.ID != q.ID || len(q2.Lines) != 1 {
		t.Fatalf("changed import: %v, %v, %+v", out, err, q2)
	}
	if _, err := f.quotes.Publish(f.ctx, f.ws, q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.quotes.Accept(f.ctx, f.ws, q.ID); err != nil {
		t.Fatal(err)
	}
	if _, out, err := f.quotes.Import(f.ctx, f.ws, in); err != nil || out != quote.Unchanged {
		t.Errorf("an accepted quote imported again unchanged: %v, %v", out, err)
	}
	in.Title = "Changed"
	if _, _, err := f.quotes.Import(f.ctx, f.ws, in); !errors.Is(err, quote.ErrAccepted) {
		t.Errorf("changing an accepted quote: %v", err)
	}
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	q, err := f.quotes.Create(f.ctx, f.ws, sample("Q-2"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.quotes.Withdraw(f.ctx, f.ws, q.ID); !errors.Is(err, quote.ErrNotWithdrawable) {
		t.Errorf("withdraw a draft: %v", err)
	}
	if _, err := f.quotes.Accept(f.ctx, f.ws, q.ID); !errors.Is(err, quote.ErrNotPublished) {
		t.Errorf("accept a draft: %v", err)
	}
	if _, err := f.quotes.Publish(f.ctx, f.other, q.ID); !errors.Is(err, quote.ErrNotFound) {
		t.Errorf("publish from another workspace: %v", err)
	}
	p, err := f.quotes.Publish(f.ctx, f.ws, q.ID)
	if err != nil || p.State(f.now) != quote.Published || p.PublishedAt.IsZero() {
		t.Fatalf("publish: %+v, %v", p, err)
	}
	if p.State(time.Date(2027, 3, 31, 23, 59, 59, 0, time.UTC)) != quote.Published ||
		p.State(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)) != quote.Expired {
		t.Error("a quote holds through its expiry day and no longer")
	}
	w, err := f.quotes.Withdraw(f.ctx, f.ws, q.ID)
	if err != nil || w.Status != quote.Withdrawn || w.LinkVersion != p.LinkVersion+1 {
		t.Fatalf("withdraw: %+v, %v", w, err)
	}
	f.now = time.Date(2027, 4, 2, 0, 0, 0, 0, time.UTC)
	if _, err := f.quotes.Publish(f.ctx, f.ws, q.ID); !errors.Is(err, quote.ErrPastExpiry) {
		t.Errorf("publish past expiry: %v", err)
	}
	in := sample("Q-2")
	in.ExpiresOn = "2027-05-31"
	if _, err := f.quotes.Update(f.ctx, f.ws, q.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.quotes.Publish(f.ctx, f.ws, q.ID); err != nil {
		t.Fatal(err)
	}
	a, err := f.quotes.Accept(f.ctx, f.ws, q.ID)
	if err != nil || a.State(f.now) != quote.Accepted {
		t.Fatalf("accept: %v", err)
	}
	if _, err := f.quotes.Update(f.ctx, f.ws, q.ID, in); !errors.Is(err, quote.ErrAccepted) {
		t.Errorf("edit an accepted quote: %v", err)
	}
}

func TestExpiryFollowsTheWorkspaceZone(t *testing.T) {
	f := newFixture(t)
	if _, err := f.db.Write.Exec("UPDATE workspaces SET time_zone = 'Europe/Oslo' WHERE id = ?", f.ws); err != nil {
		t.Fatal(err)
	}
	q, err := f.quotes.Create(f.ctx, f.ws, sample("Q-3"))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2027, 3, 31, 22, 0, 0, 0, time.UTC); !q.ExpiresAt.Equal(want) { // midnight in Oslo (CEST)
		t.Errorf("expires at %v, want %v", q.ExpiresAt.UTC(), want)
	}
}
