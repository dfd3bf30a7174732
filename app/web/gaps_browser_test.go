package web_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
)

// TestBrowserGaps: in a real headless Chromium, the owner opens Reports → Knowledge gaps,
// opens the most asked topic, writes its answer and resolves it, then dismisses the other
// topic after confirming.
func TestBrowserGaps(t *testing.T) {
	w, _ := gapWorld(t)
	bctx := browsertest.New(t, 60*time.Second)
	var dialogs atomic.Int32
	chromedp.ListenTarget(bctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok && d.Type == page.DialogTypeConfirm {
			dialogs.Add(1)
			go chromedp.Run(bctx, page.HandleJavaScriptDialog(true))
		}
	})
	step := browsertest.Steps(t, bctx)
	var topics, questions int
	var first, count, replayed, empty string
	step("open Knowledge gaps",
		w.browserLogIn(),
		chromedp.Click(`[data-testid="nav-reports"]`),
		chromedp.WaitVisible(`[data-testid="report-impact"]`),
		chromedp.Click(`[data-testid="gaps-link"]`),
		chromedp.WaitVisible(`[data-testid="gaps-table"]`),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="gap-topic"]').length`, &topics),
		chromedp.Text(`[data-testid="gap-topic"] a`, &first),
		chromedp.Text(`[data-testid="gap-count"]`, &count),
	)
	if topics != 2 || first != "Do you rent kayaks?" || count != "2" {
		t.Fatalf("%d topics, first %q asked %q times; want 2, the kayaks, 2", topics, first, count)
	}
	step("open the topic and resolve it",
		chromedp.Click(`[data-testid="gap-topic"] a`),
		chromedp.WaitVisible(`[data-testid="gap-resolve-form"]`),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="gap-question"]').length`, &questions),
		chromedp.SendKeys(`#f-answer`, "Yes: kayaks are 300 NOK a day."),
		chromedp.Click(`[data-testid="gap-resolve"]`),
		chromedp.WaitVisible(`[data-testid="gap-resolved"]`),
		chromedp.Text(`[data-testid="gap-replayed"]`, &replayed),
	)
	if questions != 2 || !strings.Contains(replayed, "2 of its 2") {
		t.Errorf("%d questions, replayed: %q", questions, replayed)
	}
	step("dismiss the other topic",
		chromedp.Click(`a[href$="/reports/gaps"]`),
		chromedp.WaitVisible(`[data-testid="gaps-table"]`),
		chromedp.Click(`[data-testid="gap-topic"] a`),
		chromedp.WaitVisible(`[data-testid="gap-resolve-form"]`),
		chromedp.Click(`form[action$="/dismiss"]:not([action*="/questions/"]) button`),
		chromedp.WaitVisible(`[data-testid="gaps-empty"]`),
		chromedp.Text(`[data-testid="gaps-empty"]`, &empty),
	)
	if dialogs.Load() != 1 || !strings.Contains(empty, "No open knowledge gap") {
		t.Errorf("%d confirmations; the list reads %q", dialogs.Load(), empty)
	}
}
