package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/quote"
	"agent/app/report"
	"agent/views/components"
	quotesview "agent/views/quotes"
	"agent/views/urls"
)

// Blank rows the quote form offers beyond those filled in.
const (
	blankLines    = 5
	blankContacts = 2
)

// quoteRoutes are the admin's Quotes section and the buyers' public quote pages.
func (s *Server) quoteRoutes(public route, ws wsRoute) {
	ws("GET /w/{ws}/quotes", account.PermViewQuotes, s.quotesPage)
	ws("GET /w/{ws}/quotes/new", account.PermManageQuotes, s.newQuotePage)
	ws("POST /w/{ws}/quotes", account.PermManageQuotes, s.createQuote)
	ws("GET /w/{ws}/quotes/{quote}", account.PermViewQuotes, s.quotePage)
	ws("GET /w/{ws}/quotes/{quote}/edit", account.PermManageQuotes, s.editQuotePage)
	ws("POST /w/{ws}/quotes/{quote}", account.PermManageQuotes, s.updateQuote)
	ws("POST /w/{ws}/quotes/{quote}/publish", account.PermManageQuotes, s.quoteStep(s.quotes.Publish, "published: its page is live"))
	ws("POST /w/{ws}/quotes/{quote}/withdraw", account.PermManageQuotes, s.quoteStep(s.quotes.Withdraw, "withdrawn: its link no longer works"))
	ws("POST /w/{ws}/quotes/{quote}/accept", account.PermManageQuotes, s.quoteStep(s.quotes.Accept, "marked accepted"))
	s.publicQuoteRoutes(public)
}

// quotesPage lists the workspace's quotes a page at a time: ?status= filters them, ?q=
// searches them, ?after= is the page after that position (a bad one is the first page).
func (s *Server) quotesPage(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	d := quotesview.ListData{WS: v.workspace.ID, CanManage: v.membership.Can(account.PermManageQuotes), Now: time.Now(),
		Search: searchOf(r, "q")}
	if st := quote.Status(r.URL.Query().Get("status")); slices.Contains(quote.Statuses, st) {
		d.Status = st
	}
	d.After, _ = quote.ParseCursor(r.URL.Query().Get("after"))
	list, err := s.quotes.List(r.Context(), v.workspace.ID, quote.ListFilter{Status: d.Status, Search: d.Search, After: d.After, Limit: quotesview.PageSize + 1})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(list) > quotesview.PageSize {
		list = list[:quotesview.PageSize]
		d.Next = quote.CursorOf(list[len(list)-1])
	}
	d.Quotes = list
	if d.Owners, err = s.memberNames(r, v.workspace.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, quotesview.List(s.page(w, r, "Quotes", "quotes"), d))
}

// memberNames maps the workspace's members to their names.
func (s *Server) memberNames(r *http.Request, wsID int64) (map[int64]string, error) {
	members, err := s.accounts.Members(r.Context(), wsID)
	names := map[int64]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	return names, err
}

// quote loads the quote named in the path, which must belong to the current workspace.
func (s *Server) quote(w http.ResponseWriter, r *http.Request) (quote.Quote, bool) {
	id, ok := s.pathID(w, r, "quote")
	if !ok {
		return quote.Quote{}, false
	}
	q, err := s.quotes.Get(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return quote.Quote{}, false
	}
	return q, true
}

func (s *Server) quotePage(w http.ResponseWriter, r *http.Request) {
	q, ok := s.quote(w, r)
	if !ok {
		return
	}
	ctx, v := r.Context(), visitOf(r)
	d := quotesview.ShowData{Quote: q, Totals: q.Totals(), State: q.State(time.Now()), CanManage: v.membership.Can(account.PermManageQuotes)}
	var err error
	if d.People, err = s.memberNames(r, q.WorkspaceID); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Owner = d.People[q.OwnerID]
	if d.State == quote.Published || d.State == quote.Accepted {
		token, err := s.quotes.Token(ctx, q)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Link = s.publicBaseURL(r) + quote.PagePath(token)
	}
	if d.Viewers, err = s.quotes.Views(ctx, q.WorkspaceID, q.ID); err == nil {
		d.Conversations, err = s.quotes.Conversations(ctx, q.WorkspaceID, q.ID)
	}
	if err == nil {
		d.Zone, err = report.TimeZone(ctx, s.db, q.WorkspaceID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, quotesview.Show(s.page(w, r, "Quote "+q.Number, "quotes"), d))
}

// quoteStep is a handler that moves a quote to its next status with step.
func (s *Server) quoteStep(step func(ctx context.Context, ws, id int64) (quote.Quote, error), done string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := s.quote(w, r)
		if !ok {
			return
		}
		saved, err := step(r.Context(), q.WorkspaceID, q.ID)
		if err != nil {
			if _, msg, ok := userMessage(err); ok {
				s.redirectWithFlash(w, r, urls.Quote(q.WorkspaceID, q.ID), "error", msg)
				return
			}
			s.domainError(w, r, err)
			return
		}
		s.log.Info("quote status", "workspace", q.WorkspaceID, "quote", q.ID, "status", saved.Status, "by", visitOf(r).user.ID)
		s.redirectWithFlash(w, r, urls.Quote(q.WorkspaceID, q.ID), "ok", "Quote "+saved.Number+" "+done+".")
	}
}

func (s *Server) newQuotePage(w http.ResponseWriter, r *http.Request) {
	f := components.NewForm()
	f.Values["currency"] = "EUR"
	f.Values["owner"] = urls.ID(visitOf(r).user.ID)
	f.Values["expires_on"] = time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	s.quoteForm(w, r, http.StatusOK, 0, "", f, nil, nil)
}

func (s *Server) editQuotePage(w http.ResponseWriter, r *http.Request) {
	q, ok := s.quote(w, r)
	if !ok {
		return
	}
	f := components.NewForm()
	f.Values = map[string]string{"number": q.Number, "title": q.Title, "buyer_company": q.BuyerCompany, "currency": q.Currency,
		"expires_on": q.ExpiresOn, "payment_terms": q.PaymentTerms, "delivery_terms": q.DeliveryTerms, "notes": q.Notes, "owner": ""}
	if q.OwnerID != 0 {
		f.Values["owner"] = urls.ID(q.OwnerID)
	}
	in := quote.RecordOf(q, "").Input(q.OwnerID)
	s.quoteForm(w, r, http.StatusOK, q.ID, q.Number, f, in.Lines, q.Contacts)
}

// quoteForm shows the form of a new quote (id 0) or of quote id, with the rows as they
// are and blank ones to add more.
func (s *Server) quoteForm(w http.ResponseWriter, r *http.Request, status int, id int64, number string, f components.Form,
	lines []quote.LineInput, contacts []quote.Contact) {
	members, err := s.accounts.Members(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := quotesview.FormData{ID: id, Number: number, Form: f, Members: members, RowErrors: map[string]bool{},
		Lines: append(lines, make([]quote.LineInput, blankLines)...), Contacts: append(contacts, make([]quote.Contact, blankContacts)...)}
	for k := range f.Errors {
		d.RowErrors[k] = true
	}
	title := "New quote"
	if id != 0 {
		title = "Edit quote " + number
	}
	s.render(w, r, status, quotesview.Form(s.page(w, r, title, "quotes"), d))
}

var quoteFields = []string{"number", "title", "buyer_company", "owner", "currency", "expires_on", "payment_terms", "delivery_terms", "notes"}

// postedQuote reads the quote form: its fields, and its rows without the blank ones.
func postedQuote(r *http.Request) (components.Form, quote.Input) {
	f := formOf(r, quoteFields...)
	owner, ok := ids.Decode(f.Value("owner"))
	if !ok && f.Value("owner") != "" {
		owner = -1 // no one of the workspace: refused on its field
	}
	in := quote.Input{Number: f.Value("number"), Title: f.Value("title"), BuyerCompany: f.Value("buyer_company"), OwnerID: owner,
		Currency: f.Value("currency"), ExpiresOn: f.Value("expires_on"), PaymentTerms: f.Value("payment_terms"),
		DeliveryTerms: f.Value("delivery_terms"), Notes: f.Value("notes")}
	col := func(name string, i int) string {
		vs := r.PostForm[name]
		if i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	for i := range min(len(r.PostForm["line_name"]), quote.MaxLines+blankLines) {
		l := quote.LineInput{Name: col("line_name", i), Description: col("line_description", i), Quantity: col("line_quantity", i),
			UnitPrice: col("line_unit_price", i), DiscountPercent: col("line_discount_percent", i),
			DiscountAmount: col("line_discount_amount", i), TaxRate: col("line_tax_rate", i)}
		if l != (quote.LineInput{}) {
			in.Lines = append(in.Lines, l)
		}
	}
	for i := range min(len(r.PostForm["contact_name"]), quote.MaxContacts+blankContacts) {
		c := quote.Contact{Name: col("contact_name", i), Email: col("contact_email", i), Role: col("contact_role", i)}
		if c != (quote.Contact{}) {
			in.Contacts = append(in.Contacts, c)
		}
	}
	return f, in
}

func (s *Server) createQuote(w http.ResponseWriter, r *http.Request) {
	f, in := postedQuote(r)
	q, err := s.quotes.Create(r.Context(), visitOf(r).workspace.ID, in)
	s.quoteSaved(w, r, 0, "", q, err, f, in)
}

func (s *Server) updateQuote(w http.ResponseWriter, r *http.Request) {
	q, ok := s.quote(w, r)
	if !ok {
		return
	}
	f, in := postedQuote(r)
	saved, err := s.quotes.Update(r.Context(), q.WorkspaceID, q.ID, in)
	s.quoteSaved(w, r, q.ID, q.Number, saved, err, f, in)
}

// quoteSaved ends a create or an update: on to the quote's page, or back to the form
// with the error beside its field (a row's error also said above the form, naming the row).
func (s *Server) quoteSaved(w http.ResponseWriter, r *http.Request, id int64, number string, saved quote.Quote, err error,
	f components.Form, in quote.Input) {
	if err == nil {
		s.redirectWithFlash(w, r, urls.Quote(saved.WorkspaceID, saved.ID), "ok", "Quote "+saved.Number+" saved.")
		return
	}
	field, msg, ok := userMessage(err)
	if !ok {
		s.domainError(w, r, err)
		return
	}
	if _, known := f.Values[field]; known {
		f.Errors[field] = msg
	} else {
		f.Error = rowMessage(field, msg)
		if field != "" {
			f.Errors[field] = msg
		}
	}
	w.Header().Set("HX-Push-Url", r.URL.Path)
	s.quoteForm(w, r, http.StatusUnprocessableEntity, id, number, f, in.Lines, in.Contacts)
}

// rowMessage names the row an error is about: "lines[2].unit_price" is "Line 3, unit price: …".
func rowMessage(field, msg string) string {
	var rows string
	var i int
	var rest string
	if n, _ := fmt.Sscanf(strings.NewReplacer("[", " ", "]", " ", ".", " ").Replace(field), "%s %d %s", &rows, &i, &rest); n != 3 {
		return msg
	}
	what := map[string]string{"lines": "Line", "contacts": "Contact"}[rows]
	if what == "" {
		return msg
	}
	return fmt.Sprintf("%s %d, %s: %s", what, i+1, strings.ReplaceAll(rest, "_", " "), msg)
}
