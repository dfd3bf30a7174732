package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/ids"
	"agent/app/inbox"
)

// TestBrowserContactMerge: in a real headless Chromium, a person opens a visitor's contact
// from the Contacts list, finds the record with the customer's name and address, merges
// it into this one after the confirmation, and the page then shows the name and both
// conversations.
func TestBrowserContactMerge(t *testing.T) {
	w := newInboxWorld(t)
	st := w.service.Store
	first := w.visit(t, w.chat, giftQuestion)
	second := w.visit(t, w.chat, "can I talk to a human")
	keep, _, _ := st.ContactOf(w.ctx, first)
	gone, _, _ := st.ContactOf(w.ctx, second)
	if _, err := st.UpdateContact(w.ctx, w.wsID, gone.ID, inbox.ContactInput{Name: "Kari Nordmann", Email: "kari@example.com"}); err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, bctx)
	row := `[data-testid="contact-row"][data-id="` + ids.Encode(keep.ID) + `"] a`
	step("log in and open the visitor's contact from the list",
		w.browserLogIn(),
		chromedp.Click(`[data-testid="nav-contacts"]`),
		chromedp.WaitVisible(`[data-testid="contacts-table"]`),
		chromedp.Click(row),
		chromedp.WaitVisible(`[data-testid="merge-search-form"]`),
	)
	var title string
	step("find Kari Nordmann and merge her record into this one",
		chromedp.SendKeys(`[data-testid="merge-search"]`, "nordmann"),
		chromedp.Click(`[data-testid="merge-find"]`),
		chromedp.WaitVisible(`[data-testid="merge-candidate"]`),
		chromedp.Click(`[data-testid="merge-candidate"]`),
		chromedp.WaitVisible(`[data-testid="merge-confirm"]`),
		chromedp.Click(`[data-testid="merge-confirm-button"]`),
		chromedp.WaitVisible(`//div[@role="status" and contains(., "merged into this contact")]`),
		chromedp.Text(`[data-testid="contact-title"]`, &title),
	)
	var rows []string
	step("both conversations are listed", chromedp.Evaluate(
		`[...document.querySelectorAll('[data-testid="contact-conversation"]')].map(r => r.dataset.id)`, &rows))
	if title != "Kari Nordmann" || strings.Join(rows, ",") != ids.Encode(second.ID)+","+ids.Encode(first.ID) {
		t.Errorf("after the merge: title %q, conversations %v", title, rows)
	}
	if _, err := st.Contact(w.ctx, w.wsID, gone.ID); err == nil {
		t.Error("the merged record is still there")
	}
}
