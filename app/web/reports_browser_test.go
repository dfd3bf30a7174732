package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
)

// TestBrowserReport: in a real headless Chromium, the owner opens Reports after a day of
// traffic, reads the figures and the charts, narrows the report to a channel with no
// conversations, and opens Usage.
func TestBrowserReport(t *testing.T) {
	w, _ := reportWorld(t)
	bctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, bctx)
	var handled, resolved, rateRow string
	var bars, weeks int
	step("open Reports",
		w.browserLogIn(),
		chromedp.Click(`[data-testid="nav-reports"]`),
		chromedp.WaitVisible(`[data-testid="report-impact"]`),
		chromedp.Text(`[data-testid="total-handled"]`, &handled),
		chromedp.Text(`[data-testid="total-resolved"]`, &resolved),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="chart-handled"] svg rect').length`, &bars),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="numbers-handled"] tbody tr').length`, &weeks),
		chromedp.Evaluate(`[...[...document.querySelectorAll('[data-testid="numbers-resolution-rate"] tbody tr')].pop().querySelectorAll('th, td')].map(c => c.textContent.trim()).join(' | ')`, &rateRow),
	)
	// Twelve weeks back from today: 12 or 13 weeks from Monday to Monday, a bar each.
	if handled != "3" || resolved != "1" || bars != weeks || weeks < 12 || weeks > 13 {
		t.Fatalf("handled %q, resolved %q, %d bars for %d weeks in the handled chart (want 3, 1, 12 or 13)", handled, resolved, bars, weeks)
	}
	if want := time.Now().UTC().Format(time.DateOnly); !strings.HasSuffix(rateRow, " (incomplete) | 33 %") || rateRow[:4] != want[:4] {
		t.Errorf("the resolution rate's last row reads %q", rateRow)
	}
	var narrowed, month string
	step("show email only",
		chromedp.SetValue(`[data-testid="report-channel"]`, "email"),
		chromedp.Click(`[data-testid="report-show"]`),
		chromedp.Poll(`location.search.includes("channel=email") && document.readyState == "complete"`, nil),
		chromedp.WaitVisible(`[data-testid="report-impact"]`),
		chromedp.Text(`[data-testid="total-handled"]`, &narrowed),
	)
	if narrowed != "0" {
		t.Errorf("email only: handled %q, want 0", narrowed)
	}
	step("open Usage",
		chromedp.Click(`[data-testid="usage-link"]`),
		chromedp.WaitVisible(`[data-testid="usage-table"]`),
		chromedp.Text(`[data-testid="usage-row"] td.num`, &month),
	)
	if month != "3" {
		t.Errorf("billable this month: %q, want 3", month)
	}
}
