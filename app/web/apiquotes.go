package web

import (
	"errors"
	"slices"
	"time"

	"agent/app/account"
	"agent/app/quote"
)

// apiQuote is a quote in the JSON form `agent quote import` reads (quote.Record: the owner
// by email, amounts as decimal numbers), with its status and exact totals.
type apiQuote struct {
	ID     string `json:"id"`
	Status string `json:"status" doc:"draft, published, accepted, expired or withdrawn"`
	quote.Record
	Discount    string     `json:"discount" doc:"the lines' discounts, fixed to the currency's decimals"`
	Subtotal    string     `json:"subtotal"`
	Tax         string     `json:"tax"`
	Total       string     `json:"total"`
	PublishedAt *time.Time `json:"published_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// apiQuoteSummary is a quote as the list shows it.
type apiQuoteSummary struct {
	ID           string    `json:"id"`
	Number       string    `json:"number"`
	Title        string    `json:"title"`
	BuyerCompany string    `json:"buyer_company"`
	OwnerID      string    `json:"owner_id,omitempty"`
	Currency     string    `json:"currency"`
	Total        string    `json:"total"`
	Status       string    `json:"status"`
	ExpiresOn    string    `json:"expires_on"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func (s *Server) apiQuoteJSON(c *apiCall, q quote.Quote) (apiQuote, error) {
	var owner string
	if q.OwnerID != 0 {
		u, err := s.accounts.User(c.r.Context(), q.OwnerID)
		if err != nil {
			return apiQuote{}, err
		}
		owner = u.Email
	}
	t := q.Totals()
	return apiQuote{ID: apiID(q.ID), Status: string(q.State(time.Now())), Record: quote.RecordOf(q, owner),
		Discount: t.Discount.StringFixed(t.Scale), Subtotal: t.Subtotal.StringFixed(t.Scale), Tax: t.Tax.StringFixed(t.Scale),
		Total: t.Total.StringFixed(t.Scale), PublishedAt: apiTime(q.PublishedAt), CreatedAt: apiAt(q.CreatedAt), UpdatedAt: apiAt(q.UpdatedAt)}, nil
}

// apiQuotes pages the quotes by the list's own order (the last changed first), with the
// admin list's filter and search.
func (s *Server) apiQuotes(c *apiCall) (any, error) {
	limit, cur, err := c.page("quotes")
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := quote.ListFilter{Status: quote.Status(q.Get("status")), Search: q.Get("q"), After: quote.Cursor{UpdatedAt: cur.At, ID: cur.ID}, Limit: limit + 1}
	if f.Status != "" && !slices.Contains(quote.Statuses, f.Status) {
		return nil, errBadRequest("invalid_status", "status must be one of draft, published, expired, accepted, withdrawn.")
	}
	list, err := s.quotes.List(c.r.Context(), c.ws(), f)
	if err != nil {
		return nil, err
	}
	p := pageOf(list, limit, func(last quote.Summary) cursor { return cursor{Kind: "quotes", At: last.UpdatedAt.Unix(), ID: last.ID} })
	now := time.Now()
	out := apiPage[apiQuoteSummary]{Data: make([]apiQuoteSummary, len(p.Data)), NextCursor: p.NextCursor}
	for i, q := range p.Data {
		out.Data[i] = apiQuoteSummary{ID: apiID(q.ID), Number: q.Number, Title: q.Title, BuyerCompany: q.BuyerCompany, OwnerID: apiID(q.OwnerID),
			Currency: q.Currency, Total: q.Total, Status: string(q.State(now)), ExpiresOn: q.ExpiresOn, UpdatedAt: apiAt(q.UpdatedAt)}
	}
	return out, nil
}

func (s *Server) apiQuoteOf(c *apiCall) (quote.Quote, error) {
	id, err := c.id("quote")
	if err != nil {
		return quote.Quote{}, err
	}
	return s.quotes.Get(c.r.Context(), c.ws(), id)
}

func (s *Server) apiQuote(c *apiCall) (any, error) {
	q, err := s.apiQuoteOf(c)
	if err != nil {
		return nil, err
	}
	return s.apiQuoteJSON(c, q)
}

// apiQuoteInput reads a quote record, its owner named by email as in `agent quote import`
// (the quote store checks that they are a member).
func (s *Server) apiQuoteInput(c *apiCall) (quote.Input, error) {
	var rec quote.Record
	if err := c.decode(&rec); err != nil {
		return quote.Input{}, err
	}
	var owner int64
	if rec.Owner != "" {
		u, err := s.accounts.UserByEmail(c.r.Context(), rec.Owner)
		if errors.Is(err, account.ErrNotFound) {
			return quote.Input{}, &account.InputError{Field: "owner", Message: "no member has this email"}
		}
		if err != nil {
			return quote.Input{}, err
		}
		owner = u.ID
	}
	return rec.Input(owner), nil
}

func (s *Server) apiCreateQuote(c *apiCall) (any, error) {
	in, err := s.apiQuoteInput(c)
	if err != nil {
		return nil, err
	}
	q, err := s.quotes.Create(c.r.Context(), c.ws(), in)
	if err != nil {
		return nil, err
	}
	return s.apiQuoteJSON(c, q)
}

func (s *Server) apiUpdateQuote(c *apiCall) (any, error) {
	in, err := s.apiQuoteInput(c)
	if err != nil {
		return nil, err
	}
	q, err := s.apiQuoteOf(c)
	if err != nil {
		return nil, err
	}
	saved, err := s.quotes.Update(c.r.Context(), c.ws(), q.ID, in)
	if err != nil {
		return nil, err
	}
	return s.apiQuoteJSON(c, saved)
}

func (s *Server) apiPublishQuote(c *apiCall) (any, error) {
	q, err := s.apiQuoteOf(c)
	if err != nil {
		return nil, err
	}
	saved, err := s.quotes.Publish(c.r.Context(), c.ws(), q.ID)
	if err != nil {
		return nil, err
	}
	return s.apiQuoteJSON(c, saved)
}
