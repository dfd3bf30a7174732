package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
)

// TestBrowserSetupLoginTeam clicks through first-run setup, login and team creation in a
// real headless Chromium, with htmx doing the navigation as it does for people.
func TestBrowserSetupLoginTeam(t *testing.T) {
	e := newEnv(t, nil)
	ctx := browsertest.New(t, 60*time.Second)

	var flash, teams, title string
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(`[data-testid="setup-form"]`),
		chromedp.SendKeys(`#f-workspace`, "Nordic Bikes"),
		chromedp.SendKeys(`#f-name`, "Olga Owner"),
		chromedp.SendKeys(`#f-email`, "olga@example.com"),
		chromedp.SendKeys(`#f-password`, "a long password"),
		chromedp.Click(`[data-testid="setup-form"] button[type="submit"]`),

		chromedp.WaitVisible(`[data-testid="login-form"]`),
		chromedp.Text(`.flash`, &flash),
		chromedp.SendKeys(`#f-password`, "a long password"),
		chromedp.Click(`[data-testid="login-form"] button[type="submit"]`),

		chromedp.WaitVisible(`[data-testid="section-inbox"]`),
		chromedp.Click(`[data-testid="nav-settings"]`),
		chromedp.WaitVisible(`.tabs`),
		chromedp.Click(`//nav[@class="tabs"]/a[text()="Teams"]`),
		chromedp.WaitVisible(`[data-testid="team-form"]`),
		chromedp.SendKeys(`[data-testid="team-form"] #f-name`, "Billing"),
		chromedp.Click(`[data-testid="team-form"] button[type="submit"]`),

		chromedp.WaitVisible(`[data-testid="teams-list"]`),
		chromedp.Text(`[data-testid="teams-list"]`, &teams),
		chromedp.Title(&title),
	)
	if err != nil {
		t.Fatalf("browser flow: %v", err)
	}
	if !strings.Contains(flash, "Log in to continue") {
		t.Errorf("login page flash = %q", flash)
	}
	if !strings.Contains(title, "Teams") {
		t.Errorf("title after creating a team = %q", title)
	}
	var value string
	if err := chromedp.Run(ctx, chromedp.Value(`[data-testid="team-name"]`, &value)); err != nil || value != "Billing" {
		t.Errorf("listed team = %q (%v), want Billing; list text %q", value, err, teams)
	}
}
