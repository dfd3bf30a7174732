package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
)

// TestBrowserInvitation clicks through an invitation in a real headless Chromium: the
// owner invites a new person on Settings → Users and reads the link; the person, logged
// out, opens it, creates their account and lands in the workspace's inbox.
func TestBrowserInvitation(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, ctx)
	var link, pending, invitation string
	step("log in", e.browserLogIn())
	step("invite a person",
		chromedp.Navigate(e.srv.URL+e.path("settings/users")),
		chromedp.WaitVisible(`[data-testid="invite-form"]`),
		chromedp.SendKeys(`[data-testid="invite-form"] #f-email`, "nia@example.com"),
		chromedp.Click(`[data-testid="invite-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="invitation-link"]`),
		chromedp.Text(`[data-testid="invitation-link"] code`, &link),
		chromedp.Text(`[data-testid="invitations-table"]`, &pending),
	)
	if !strings.Contains(link, "/invitation?token=") || !strings.Contains(pending, "nia@example.com") {
		t.Fatalf("link %q, pending invitations %q", link, pending)
	}
	step("log out and open the link",
		chromedp.Click(`[data-testid="logout"]`),
		chromedp.WaitVisible(`[data-testid="login-form"]`),
		chromedp.Navigate(link),
		chromedp.WaitVisible(`[data-testid="invitation-account-form"]`),
		chromedp.Text(`[data-testid="invitation-text"]`, &invitation),
	)
	if !strings.Contains(invitation, "Olga Owner invited nia@example.com to join Shop as Agent") {
		t.Errorf("invitation text = %q", invitation)
	}
	step("create the account and join",
		chromedp.SendKeys(`#f-name`, "Nia"),
		chromedp.SendKeys(`#f-password`, "nia's long password"),
		chromedp.Click(`[data-testid="invitation-account-form"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="section-inbox"]`),
	)
}
