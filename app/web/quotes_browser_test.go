package web_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

// pdfPage finds a PDF's page objects (not the /Pages tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestBrowserQuotePage: a buyer opens a quote's public page in Chromium (the server's own
// strict CSP, no violation), reads the exact total, prints it (print media: the sheet
// alone, no buttons or chat; the PDF is one page), asks in the chat on the page and gets
// an answer in a conversation bound to the quote; the owner's page of the quote shows the
// view and the conversation. A tampered link shows a clear page.
func TestBrowserQuotePage(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	a := e.createAgent("Ava")
	e.replyWith(giftReply)
	e.createChannel(channel.Input{Name: "Website", AgentID: a.ID, Welcome: "Hi! Ask me about this quote.", ShowHuman: true})
	owner := e.ownerBrowser()
	id, path := e.createQuote(owner, "Q-7")

	bctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, bctx)
	step("watch for CSP violations", chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.__violations = [];
			document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`).Do(ctx)
		return err
	}))
	step("open the quote", chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(`[data-testid="quote-page"]`))
	var total, expiry string
	step("read it", chromedp.Text(`[data-testid="quote-total"]`, &total), chromedp.Text(`[data-testid="quote-expiry"]`, &expiry))
	if total != "61.44 EUR" || expiry != "31 December 2099" {
		t.Errorf("total %q, expiry %q", total, expiry)
	}

	// Print layout: under print media the tools and the chat are hidden and the sheet
	// fills the page; the PDF of this short quote is one page.
	step("chat launcher on screen", chromedp.Poll(`document.querySelector("agent-chat") !== null`, nil))
	step("print media", emulation.SetEmulatedMedia().WithMedia("print"))
	var printed struct {
		Tools, Chat string
		Sheet, Body float64
	}
	step("print layout", chromedp.Evaluate(`({
		tools: getComputedStyle(document.querySelector(".sheet-tools")).display,
		chat: getComputedStyle(document.querySelector("agent-chat")).display,
		sheet: document.querySelector(".sheet").getBoundingClientRect().width,
		body: document.body.getBoundingClientRect().width})`, &printed))
	if printed.Tools != "none" || printed.Chat != "none" || printed.Sheet < printed.Body-1 {
		t.Errorf("print layout: %+v", printed)
	}
	var pdf []byte
	step("print to PDF", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		pdf, _, err = page.PrintToPDF().WithPrintBackground(false).Do(ctx)
		return err
	}))
	if pages := pdfPage.FindAll(pdf, -1); !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pages) != 1 {
		t.Errorf("PDF: %d bytes, %d pages, want 1", len(pdf), len(pages))
	}
	step("screen media", emulation.SetEmulatedMedia().WithMedia(""))

	// The chat on the page: open it, ask, get the answer.
	wp := widgetPage{t, bctx}
	wp.waitJS("launcher", `r.querySelector(".launch")`)
	wp.click(".launch")
	wp.waitJS("welcome", `r.querySelector(".log") && r.querySelector(".log").textContent.includes("Ask me about this quote")`)
	wp.step("ask", chromedp.Evaluate(widgetRoot+`.querySelector("textarea").focus()`, nil),
		chromedp.KeyEvent("When do you deliver?"), chromedp.KeyEvent(kb.Enter))
	wp.waitJS("answer", `r.querySelector(".m.bot[data-id]")`)
	var violations []string
	step("CSP", chromedp.Evaluate(`window.__violations`, &violations))
	if len(violations) > 0 {
		t.Errorf("CSP violations: %v", violations)
	}
	var conv int64
	var channelName string
	if err := e.db.Read.QueryRow("SELECT id, channel FROM conversations WHERE quote_id = ?", id).Scan(&conv, &channelName); err != nil ||
		channelName != inbox.ChannelQuote {
		t.Fatalf("conversation: %v %q", err, channelName)
	}

	admin := owner.get(e.path("quotes/" + ids.Encode(id)))
	if !strings.Contains(admin.body, "1 views by 1 browsers.") || !strings.Contains(admin.body, "Chrome on Linux") ||
		!strings.Contains(admin.body, "/inbox/"+ids.Encode(conv)) {
		t.Errorf("the owner's page of the quote: %s", admin.body)
	}

	step("tampered link", chromedp.Navigate(e.srv.URL+path[:len(path)-4]+"AAAA"), chromedp.WaitVisible(`[data-testid="quote-gone"]`))
	var gone string
	step("read", chromedp.Text(`h1`, &gone))
	if gone != "This link does not open a quote" {
		t.Errorf("tampered link shows %q", gone)
	}
}
