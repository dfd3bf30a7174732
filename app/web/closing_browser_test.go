package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"agent/app/browsertest"
	"agent/app/closing"
	"agent/app/ids"
	"agent/app/knowledge"
)

// TestBrowserClosingAgent: the owner of a quote is online in the inbox of a headless
// Chromium; in another tab a buyer opens the quote's public page, asks the chat for the
// total (answered exactly from the quote, by the closing agent), then a policy question
// (answered from the closing agent's knowledge, citing it), then for a person: the
// conversation appears in the owner's inbox without a reload, assigned to them, with the
// note naming the quote.
func TestBrowserClosingAgent(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	owner, err := e.accounts.UserByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	returns, err := e.knowledge.CreateArticle(ctx, e.wsID, knowledge.ArticleInput{Title: "Returns policy", Lang: "en", URL: "https://seller.example/returns",
		Body: "## Returns\n\nUnused goods can be returned within 30 days of delivery for a full refund. Contact us to get a return label."})
	if err != nil {
		t.Fatal(err)
	}
	e.replyWith("Unused goods can be returned within 30 days of delivery for a full refund [1].")
	st, err := e.server.Closing().Save(ctx, closing.Actor{ID: owner.ID, SuperAdmin: owner.SuperAdmin}, e.wsID, closing.Input{
		Name: "Quinn", NewInbox: "Quotes", ToOwner: true, SourceIDs: []int64{returns.ID},
		Welcome: "Hi, I'm Quinn.", FirstAction: "I can answer questions about this quote.", QuickReplies: []string{"What is the total?"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.server.Closing().SetActive(ctx, closing.Actor{ID: owner.ID, SuperAdmin: true}, e.wsID, true); err != nil {
		t.Fatal(err)
	}
	admin := e.ownerBrowser()
	form := quoteForm("Q-7")
	form.Set("owner", ids.Encode(owner.ID))
	res := admin.post(e.path("quotes"), form)
	if res.status != http.StatusOK {
		t.Fatalf("create quote: %d", res.status)
	}
	quoteID, _ := ids.Decode(res.url[strings.LastIndex(res.url, "/")+1:])
	res = admin.post(e.path("quotes/"+ids.Encode(quoteID)+"/publish"), url.Values{})
	m := linkRe.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("publish: %d", res.status)
	}
	page, _ := url.Parse(m[1])

	bctx := browsertest.New(t, 90*time.Second)
	step := browsertest.Steps(t, bctx)
	step("the owner logs in and goes online",
		e.browserLogIn(),
		chromedp.Click(`[data-testid="go-online"]`),
		chromedp.WaitVisible(`[data-testid="go-away"]`),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
		chromedp.Evaluate(`window.notReloaded = true`, nil),
	)

	buyer, cancel := chromedp.NewContext(bctx) // another tab
	defer cancel()
	wp := widgetPage{t, buyer}
	wp.step("the buyer opens the quote", chromedp.Navigate(e.srv.URL+page.Path), chromedp.WaitVisible(`[data-testid="quote-page"]`))
	wp.waitJS("launcher", `r.querySelector(".launch")`)
	wp.click(".launch")
	wp.waitJS("the closing agent's welcome", `r.querySelector(".log") && r.querySelector(".log").textContent.includes("I can answer questions about this quote")`)
	ask := func(text string, n int) string {
		wp.step("ask "+text, chromedp.Evaluate(widgetRoot+`.querySelector("textarea").focus()`, nil), chromedp.KeyEvent(text), chromedp.KeyEvent(kb.Enter))
		wp.waitJS("reply to "+text, `r.querySelectorAll(".m.bot[data-id]").length >= `+strconv.Itoa(n))
		var got string
		wp.step("read the reply", chromedp.Evaluate(`(function(){const ms=`+widgetRoot+`.querySelectorAll(".m.bot[data-id]");return ms[`+strconv.Itoa(n-1)+`].textContent})()`, &got))
		return got
	}
	// 3 × 19.99 less 15 % and 2.5 × 0.10: 51.22 EUR, taxes 10.22 EUR (quotes_test.go).
	if got := ask("What is the total?", 1); !strings.Contains(got, "The total is 61.44 EUR including VAT.") {
		t.Errorf("the total: %q", got)
	}
	if got := ask("What is your returns policy?", 2); !strings.Contains(got, "30 days") || !strings.Contains(got, "Returns policy") {
		t.Errorf("the policy answer, with its source: %q", got)
	}
	ask("Can I talk to a person?", 3)

	var conv int64
	if err := e.db.Read.QueryRow("SELECT id FROM conversations WHERE quote_id = ?", quoteID).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	item := `[data-testid="conv-item"][data-id="` + ids.Encode(conv) + `"]`
	var notReloaded bool
	step("the conversation appears in the owner's inbox without a reload",
		chromedp.WaitVisible(item),
		chromedp.Evaluate(`window.notReloaded === true`, &notReloaded),
	)
	if !notReloaded {
		t.Error("the owner's page was reloaded")
	}
	step("the owner opens it: the note names the quote",
		chromedp.Click(item),
		chromedp.WaitVisible(`[data-testid="conversation"]`),
		chromedp.WaitVisible(`//li[@data-author="note"]/p[contains(., "Q-7")]`),
	)
	c, err := e.service.Store.Get(ctx, e.wsID, conv)
	if err != nil || c.AssigneeID != owner.ID || c.AIActive || c.ChannelID != st.InboxChannelID {
		t.Fatalf("after the handoff: %+v %v", c, err)
	}
}
