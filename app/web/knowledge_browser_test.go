package web_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/knowledge"
)

// TestBrowserKnowledgeRemoveNothing: Remove with nothing checked says so at once, without
// asking "are you sure" about nothing; with a source checked it still asks. The page is
// reached by a boosted link, so knowledge.js runs as it does for people, and twice, so a
// second load of it must not double the listener.
func TestBrowserKnowledgeRemoveNothing(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	if _, err := e.knowledge.CreateArticle(context.Background(), e.wsID, knowledge.ArticleInput{Title: "Tandems", Body: "We rent tandems."}); err != nil {
		t.Fatal(err)
	}

	ctx := browsertest.New(t, 30*time.Second)
	var dialogs atomic.Int32
	chromedp.ListenTarget(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok && d.Type == page.DialogTypeConfirm {
			dialogs.Add(1)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
		}
	})
	var nothing, removed string
	var dialogsAfterNothing int32
	var rows int
	err := chromedp.Run(ctx,
		e.browserLogIn(),

		chromedp.Navigate(e.srv.URL+e.path("knowledge")),
		chromedp.WaitVisible(`[data-testid="knowledge-table"]`),
		chromedp.Click(`[data-testid="kind-article"]`), // boosted: the script runs a second time
		chromedp.WaitVisible(`[data-testid="kind-article"][aria-current="page"]`),
		chromedp.Click(`[data-testid="bulk-remove"]`),
		chromedp.WaitVisible(`.flash`),
		chromedp.Text(`.flash`, &nothing),
		chromedp.ActionFunc(func(context.Context) error { dialogsAfterNothing = dialogs.Load(); return nil }),

		chromedp.Click(`//tr[.//a[.="Tandems"]]//input[@type="checkbox"]`),
		chromedp.Click(`[data-testid="bulk-remove"]`),
		chromedp.WaitVisible(`[data-testid="no-sources"], [data-testid="knowledge-empty"]`),
		chromedp.Text(`.flash`, &removed),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="source-row"]').length`, &rows),
	)
	if err != nil {
		t.Fatalf("browser flow: %v", err)
	}
	if nothing != "Check the sources to remove first." || dialogsAfterNothing != 0 {
		t.Errorf("remove with nothing checked: flash %q after %d confirmations, want the message and none", nothing, dialogsAfterNothing)
	}
	if removed != "Removed 1 source." || rows != 0 || dialogs.Load() != 1 {
		t.Errorf("remove with a source checked: flash %q, %d rows, %d confirmations in all", removed, rows, dialogs.Load())
	}
}
