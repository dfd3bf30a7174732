package quote_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"agent/app/quote"
)

// listed reads every page of the list with f, page by page, and returns the numbers.
func (f *fixture) listed(t *testing.T, filter quote.ListFilter, page int) []string {
	t.Helper()
	var numbers []string
	filter.Limit = page + 1
	for range 100 {
		list, err := f.quotes.List(f.ctx, f.ws, filter)
		if err != nil {
			t.Fatal(err)
		}
		more := len(list) > page
		if more {
			list = list[:page]
		}
		for _, s := range list {
			numbers = append(numbers, s.Number)
		}
		if !more {
			return numbers
		}
		next, err := quote.ParseCursor(quote.CursorOf(list[len(list)-1]).String())
		if err != nil {
			t.Fatal(err)
		}
		filter.After = next
	}
	t.Fatal("the pages never end")
	return nil
}

// TestListPages: the list reads in pages, the last changed first and ties by the newest,
// each quote once, whatever the page size; filtered by state (expired as the clock says)
// and searched in the number, title and buyer.
func TestListPages(t *testing.T) {
	f := newFixture(t)
	start := f.now
	for i := range 9 {
		in := sample(fmt.Sprintf("Q-%d", i))
		in.Title = []string{"Shelving", "Racks", "Forklift"}[i%3]
		in.BuyerCompany = []string{"Acme AS", "Nordlys 100% AS", "Bistro_Lyon"}[i%3]
		f.now = start.Add(time.Duration(i/2) * time.Minute) // two quotes a minute: ties in updated_at
		q, err := f.quotes.Create(f.ctx, f.ws, in)
		if err != nil {
			t.Fatal(err)
		}
		switch i {
		case 2, 5:
			_, err = f.quotes.Publish(f.ctx, f.ws, q.ID)
		case 7:
			in.ExpiresOn = "2027-03-05"
			if _, err = f.quotes.Update(f.ctx, f.ws, q.ID, in); err == nil {
				_, err = f.quotes.Publish(f.ctx, f.ws, q.ID)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.quotes.Create(f.ctx, f.other, sample("Q-OTHER")); err != nil {
		t.Fatal(err)
	}
	want := []string{"Q-8", "Q-7", "Q-6", "Q-5", "Q-4", "Q-3", "Q-2", "Q-1", "Q-0"}
	for _, page := range []int{1, 2, 4, 9, 50} {
		if got := f.listed(t, quote.ListFilter{}, page); !slices.Equal(got, want) {
			t.Errorf("pages of %d: %v, want %v", page, got, want)
		}
	}
	f.now = start.Add(7 * 24 * time.Hour) // Q-7's last day has passed
	for _, c := range []struct {
		filter quote.ListFilter
		want   []string
	}{
		{quote.ListFilter{Status: quote.Published}, []string{"Q-5", "Q-2"}},
		{quote.ListFilter{Status: quote.Expired}, []string{"Q-7"}},
		{quote.ListFilter{Status: quote.Draft, Search: "forklift"}, []string{"Q-8"}},
		{quote.ListFilter{Search: "q-1"}, []string{"Q-1"}},
		{quote.ListFilter{Search: "100%"}, []string{"Q-7", "Q-4", "Q-1"}},                                               // % is a character, not a wildcard
		{quote.ListFilter{Search: "o_L"}, []string{"Q-8", "Q-5", "Q-2"}},                                                // and _ too
		{quote.ListFilter{Search: "SHELV"}, []string{"Q-6", "Q-3", "Q-0"}},                                              // any case
		{quote.ListFilter{Search: "SHELV" + strings.Repeat(" ", quote.MaxSearch) + "x"}, []string{"Q-6", "Q-3", "Q-0"}}, // cut at MaxSearch
		{quote.ListFilter{Status: quote.Accepted}, nil},
	} {
		if got := f.listed(t, c.filter, 1); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.filter, got, c.want)
		}
	}
	if _, err := f.quotes.List(f.ctx, f.ws, quote.ListFilter{Status: "lost"}); err == nil {
		t.Error("an unknown status was taken")
	}
	for _, bad := range []string{"x", "12", "12-", "-3", "1-0", "a-b"} {
		if _, err := quote.ParseCursor(bad); err == nil {
			t.Errorf("cursor %q was read", bad)
		}
	}
}
