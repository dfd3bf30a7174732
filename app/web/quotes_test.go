package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/config"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/quote"
)

// quoteForm is the admin form of a quote with two line items (one discounted, on two tax
// rates) and one buyer contact; more blank rows come as the browser sends them.
func quoteForm(number string) url.Values {
	return url.Values{
		"number": {number}, "title": {"Warehouse shelving"}, "buyer_company": {"Acme AS"}, "currency": {"EUR"},
		"expires_on": {"2099-12-31"}, "payment_terms": {"30 days net"}, "owner": {""},
		"line_name": {"Shelf unit", "Assembly", ""}, "line_description": {"Steel, 2 m", "", ""},
		"line_quantity": {"3", "2.5", ""}, "line_unit_price": {"19.99", "0.1", ""},
		"line_discount_percent": {"15", "", ""}, "line_discount_amount": {"", "", ""}, "line_tax_rate": {"20", "10", ""},
		"contact_name": {"Kari Nordmann", ""}, "contact_email": {"kari@acme.example", ""}, "contact_role": {"Buyer", ""},
	}
}

var linkRe = regexp.MustCompile(`value="(http[^"]*/q/q_[^"]+)"`)

// createQuote creates and publishes a quote through the admin (from form when one is
// given, else quoteForm) and returns its id and its public page's path.
func (e *env) createQuote(b *browser, number string, form ...url.Values) (int64, string) {
	e.t.Helper()
	f := quoteForm(number)
	if len(form) > 0 {
		f = form[0]
	}
	res := b.post(e.path("quotes"), f)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Quote "+number+" saved.") {
		e.t.Fatalf("create quote: %d at %s", res.status, res.url)
	}
	id, _ := ids.Decode(res.url[strings.LastIndex(res.url, "/")+1:])
	res = b.post(e.path("quotes/"+ids.Encode(id)+"/publish"), url.Values{})
	m := linkRe.FindStringSubmatch(res.body)
	if res.status != http.StatusOK || m == nil {
		e.t.Fatalf("publish: %d %s", res.status, res.body)
	}
	u, _ := url.Parse(m[1])
	return id, u.Path
}

func TestQuoteAdminAndPublicPage(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	owner := e.ownerBrowser()
	if res := owner.get(e.path("quotes")); res.status != http.StatusOK || !strings.Contains(res.body, "No quotes yet") {
		t.Fatalf("empty list: %d", res.status)
	}
	id, page := e.createQuote(owner, "Q-1")
	admin := e.path("quotes/" + ids.Encode(id))
	res := owner.get(admin)
	// 3 × 19.99 = 59.97 − 9.00 (15 %) = 50.97 at 20 %; 2.5 × 0.1 = 0.25 at 10 %; taxes 10.19 and 0.03 (0.025 up).
	for _, want := range []string{"50.97 EUR", "0.25 EUR", "51.22 EUR", "10.19 EUR", "0.03 EUR", "61.44 EUR", "15 % (−9.00 EUR)", "No one has opened the page yet."} {
		if !strings.Contains(res.body, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}

	if res := owner.get(e.path("quotes")); !strings.Contains(res.body, "61.44 EUR") || !strings.Contains(res.body, ">Published<") {
		t.Errorf("the list lacks the quote's total or status")
	}
	// The owner's own look at the page is not a view; a buyer's is, with their browser.
	if res := owner.get(page); res.status != http.StatusOK {
		t.Fatalf("owner opens the page: %d", res.status)
	}
	buyer := e.browser()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+page, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	res = buyer.do(req)
	if res.status != http.StatusOK || !strings.Contains(res.body, "61.44 EUR") || !strings.Contains(res.body, "Kari Nordmann") ||
		!strings.Contains(res.body, ">0.10 EUR<") || // the unit price 0.1 as a price
		!strings.Contains(res.body, "31 December 2099") || strings.Contains(res.body, "<script>") {
		t.Fatalf("public page: %d %s", res.status, res.body)
	}
	if cc := res.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q", cc)
	}
	if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	buyer.get(page) // the same browser again
	res = owner.get(admin)
	if !strings.Contains(res.body, "2 views by 1 browsers.") || !strings.Contains(res.body, "Firefox on Linux") {
		t.Errorf("views not shown: %s", res.body)
	}

	// A tampered token, a withdrawn quote, an expired one: a clear page, never a 500.
	if res := e.browser().get(page[:len(page)-3] + "AAA"); res.status != http.StatusNotFound || !strings.Contains(res.body, "This link does not open a quote") {
		t.Errorf("tampered: %d", res.status)
	}
	if res := owner.post(admin+"/withdraw", url.Values{}); !strings.Contains(res.body, "withdrawn: its link no longer works") {
		t.Fatalf("withdraw: %d", res.status)
	}
	if res := e.browser().get(page); res.status != http.StatusGone || !strings.Contains(res.body, "This quote has been withdrawn") {
		t.Errorf("withdrawn: %d", res.status)
	}
	res = owner.post(admin+"/publish", url.Values{})
	m := linkRe.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("publish again: %d", res.status)
	}
	u, _ := url.Parse(m[1])
	if u.Path == page {
		t.Error("publishing again kept the withdrawn link")
	}
	if _, err := e.db.Write.Exec("UPDATE quotes SET expires_on = '2020-01-31', expires_at = ? WHERE id = ?",
		time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC).Unix(), id); err != nil {
		t.Fatal(err)
	}
	if res := e.browser().get(u.Path); res.status != http.StatusGone || !strings.Contains(res.body, "valid until 31 January 2020") {
		t.Errorf("expired: %d %s", res.status, res.body)
	}
}

// A refused line is shown in the form again as typed, naming its row; nothing is saved.
func TestQuoteFormNamesTheRow(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	owner := e.ownerBrowser()
	form := quoteForm("Q-2")
	form["line_unit_price"] = []string{"19.99", "1,000.00", ""}
	res := owner.post(e.path("quotes"), form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Line 2, unit price: ") ||
		!strings.Contains(res.body, `value="1,000.00"`) || !strings.Contains(res.body, `aria-invalid="true"`) {
		t.Fatalf("refused line: %d %s", res.status, res.body)
	}
	form = quoteForm("Q-2")
	form.Set("owner", "not-an-id")
	if res := owner.post(e.path("quotes"), form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "owner is not a member of this workspace") {
		t.Errorf("unknown owner: %d", res.status)
	}
	if list, _ := quote.New(e.db).List(context.Background(), e.wsID, quote.ListFilter{}); len(list) != 0 {
		t.Errorf("saved anyway: %+v", list)
	}
}

// Every quote handler of a workspace answers 404 for another workspace's quote, and an
// agent may read quotes but not change them.
func TestQuoteHandlersRefuse(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	owner := e.ownerBrowser()
	id, page := e.createQuote(owner, "Q-3")
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", e.ownerID())
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := "/w/" + ids.Encode(other.ID) + "/quotes/" + ids.Encode(id)
	for _, r := range []struct{ method, path string }{
		{"GET", ""}, {"GET", "/edit"}, {"POST", ""}, {"POST", "/publish"}, {"POST", "/withdraw"}, {"POST", "/accept"},
	} {
		var res response
		if r.method == "GET" {
			res = owner.get(elsewhere + r.path)
		} else {
			res = owner.post(elsewhere+r.path, quoteForm("Q-3"))
		}
		if res.status != http.StatusNotFound {
			t.Errorf("%s %s from another workspace = %d, want 404", r.method, r.path, res.status)
		}
	}
	if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	ann := e.browser()
	ann.login("ann@example.com", "ann password")
	admin := e.path("quotes/" + ids.Encode(id))
	if res := ann.get(admin); res.status != http.StatusOK || strings.Contains(res.body, "quote-actions") {
		t.Errorf("agent reads the quote: %d, actions shown: %v", res.status, strings.Contains(res.body, "quote-actions"))
	}
	for _, p := range []string{"", "/publish", "/withdraw", "/accept"} {
		if res := ann.post(admin+p, quoteForm("Q-3")); res.status != http.StatusForbidden {
			t.Errorf("agent POST %s = %d, want 403", p, res.status)
		}
	}
	if res := e.browser().get(page); res.status != http.StatusOK {
		t.Errorf("the page after the refusals: %d", res.status)
	}
}

// The chat on a quote's page: the widget's API with the quote's token as its key. Each
// visitor gets their own conversation, channel "quote", bound to the quote; another
// quote's key does not open it; the quote's admin page lists it; a withdrawn quote's chat
// is gone.
func TestQuoteChat(t *testing.T) {
	e, ch := chatEnv(t, nil)
	owner := e.ownerBrowser()
	id, page := e.createQuote(owner, "Q-4")
	_, otherPage := e.createQuote(owner, "Q-5")
	token := strings.TrimPrefix(page, "/q/")
	res := e.browser().get(page)
	if !strings.Contains(res.body, `data-agent="`+token+`"`) {
		t.Fatalf("the page has no chat: %s", res.body)
	}
	v := &widgetVisitor{e: e, key: token, origin: e.srv.URL}
	v.start()
	v.open()
	if r, sent := v.say("When do you deliver?"); r.status != http.StatusOK || len(sent.Replies) == 0 {
		t.Fatalf("say: %d %s", r.status, r.body)
	}
	convID, _ := ids.Decode(v.conv)
	c, err := e.service.Store.Get(context.Background(), e.wsID, convID)
	if err != nil || c.Channel != inbox.ChannelQuote || c.QuoteID != id || c.ChannelID != ch.ID {
		t.Fatalf("conversation: %+v, %v", c, err)
	}
	second := &widgetVisitor{e: e, key: token, origin: e.srv.URL}
	second.start()
	second.open()
	if second.conv == v.conv {
		t.Error("two visitors share a conversation")
	}
	// The first visitor's token on another quote's page: not their conversation there.
	cross := &widgetVisitor{e: e, key: strings.TrimPrefix(otherPage, "/q/"), origin: e.srv.URL, token: v.token, conv: v.conv}
	if r := cross.do(http.MethodGet, "conversations/"+v.conv, nil); r.status != http.StatusNotFound {
		t.Errorf("another quote's key opens the conversation: %d", r.status)
	}
	if s := cross.start(); s.Conversation != nil {
		t.Errorf("another quote's page resumes the conversation: %+v", s.Conversation)
	}
	// Nor does the channel's own widget.
	plain := &widgetVisitor{e: e, key: ch.PublicKey, origin: shopOrigin, token: v.token}
	if r := plain.do(http.MethodGet, "conversations/"+v.conv, nil); r.status != http.StatusNotFound {
		t.Errorf("the channel's widget opens the quote's conversation: %d", r.status)
	}
	// The second visitor's conversation, opened for a message that has not come, is not listed.
	admin := e.path("quotes/" + ids.Encode(id))
	if res := owner.get(admin); !strings.Contains(res.body, "/inbox/"+v.conv) || strings.Count(res.body, `data-testid="quote-chat"`) != 1 {
		t.Errorf("the quote's page does not list its conversations: %s", res.body)
	}
	if res := owner.get(e.path("inbox/" + v.conv)); !strings.Contains(res.body, `href="`+admin+`" data-testid="conv-quote"`) ||
		!strings.Contains(res.body, "quote page") {
		t.Errorf("the inbox does not link the conversation to its quote")
	}
	owner.post(admin+"/withdraw", url.Values{})
	if r := v.do(http.MethodGet, "config", nil); r.status != http.StatusNotFound {
		t.Errorf("a withdrawn quote's chat: %d", r.status)
	}
	tampered := &widgetVisitor{e: e, key: token[:len(token)-2] + "xx", origin: e.srv.URL}
	if r := tampered.do(http.MethodGet, "config", nil); r.status != http.StatusNotFound {
		t.Errorf("a tampered key: %d", r.status)
	}
}

// The public page is rate limited per address.
func TestQuotePageRateLimit(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Chat.IPRequestsPerMinute = 3 })
	e.setupOwner()
	_, page := e.createQuote(e.ownerBrowser(), "Q-6")
	b := e.browser()
	var last response
	for range 5 {
		last = b.get(page)
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("after 5 requests: %d", last.status)
	}
}
