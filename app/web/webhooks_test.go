package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/webhook"
)

// TestWebhookSettings: an owner adds, changes, tests and deletes a webhook; its page shows
// the secret and the log; a bad URL is shown again with the error.
func TestWebhookSettings(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	ctx := context.Background()
	hooks := webhook.NewStore(e.db, false)

	b.get(e.path("settings/webhooks"))
	res := b.post(e.path("settings/webhooks"), url.Values{"url": {"ftp://example.com/in"}, "event": {"message.customer"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "absolute http") || !strings.Contains(res.body, `value="message.customer" checked`) {
		t.Fatalf("bad URL: %d", res.status)
	}
	res = b.post(e.path("settings/webhooks"), url.Values{"url": {"http://127.0.0.1:9000/in"}, "event": {"message.customer"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "private or local network") {
		t.Fatalf("loopback URL: %d", res.status)
	}
	res = b.post(e.path("settings/webhooks"), url.Values{"url": {"https://hooks.example.com/in"}, "event": {"message.customer", "conversation.closed"}})
	subs, err := hooks.List(ctx, e.wsID)
	if err != nil || len(subs) != 1 {
		t.Fatalf("after adding: %v %+v", err, subs)
	}
	sub := subs[0]
	if res.status != http.StatusOK || res.url != e.path("settings/webhooks/"+ids.Encode(sub.ID)) || !strings.Contains(res.body, sub.Secret) {
		t.Fatalf("add: %d at %s", res.status, res.url)
	}
	if !sub.Active || strings.Join([]string{string(sub.Events[0]), string(sub.Events[1])}, " ") != "message.customer conversation.closed" {
		t.Fatalf("saved %+v", sub)
	}

	hook := "settings/webhooks/" + ids.Encode(sub.ID)
	if res := b.post(e.path(hook), url.Values{"url": {"https://hooks.example.com/v2"}, "event": {"conversation.handoff"}}); res.status != http.StatusOK {
		t.Fatalf("update: %d", res.status)
	}
	if got, _ := hooks.Get(ctx, e.wsID, sub.ID); got.URL != "https://hooks.example.com/v2" || got.Active || len(got.Events) != 1 || got.Events[0] != webhook.Handoff {
		t.Fatalf("after update: %+v", got)
	}
	if res := b.post(e.path(hook+"/test"), url.Values{}); res.status != http.StatusOK || !strings.Contains(res.body, "Test event queued") {
		t.Fatalf("test: %d", res.status)
	}
	var queued int
	e.db.Read.QueryRow("SELECT count(*) FROM webhook_events WHERE type = 'ping' AND subscription_id = ?", sub.ID).Scan(&queued)
	if queued != 1 {
		t.Fatalf("test events queued: %d", queued)
	}
	if res := b.post(e.path(hook+"/delete"), url.Values{}); res.status != http.StatusOK || res.url != e.path("settings/webhooks") {
		t.Fatalf("delete: %d at %s", res.status, res.url)
	}
	if _, err := hooks.Get(ctx, e.wsID, sub.ID); err != webhook.ErrNotFound {
		t.Fatalf("after delete: %v", err)
	}
}

// TestWebhooksAreForOwnersAndAdminsOfTheirWorkspace: an agent may not see or change
// webhooks, and another workspace's webhook is not found from this one.
func TestWebhooksAreForOwnersAndAdminsOfTheirWorkspace(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	hooks := webhook.NewStore(e.db, false)
	mine, err := hooks.Create(ctx, e.wsID, e.ownerID(), "https://hooks.example.com/mine", []webhook.Type{webhook.Handoff})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", e.ownerID())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := hooks.Create(ctx, other.ID, e.ownerID(), "https://hooks.example.com/theirs", []webhook.Type{webhook.Handoff})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	ann := e.browser()
	if res := ann.login("ann@example.com", "ann password"); res.status != http.StatusOK {
		t.Fatalf("agent login: %d", res.status)
	}
	ann.get(e.path("inbox"))
	mineURL := "settings/webhooks/" + ids.Encode(mine.ID)
	for _, p := range []string{"settings/webhooks", mineURL} {
		if res := ann.get(e.path(p)); res.status != http.StatusForbidden || strings.Contains(res.body, mine.Secret) {
			t.Errorf("agent GET %s = %d, want 403", p, res.status)
		}
	}
	for _, p := range []string{"settings/webhooks", mineURL, mineURL + "/test", mineURL + "/resume", mineURL + "/delete"} {
		if res := ann.post(e.path(p), url.Values{"url": {"https://evil.example.com"}, "event": {"message.customer"}}); res.status != http.StatusForbidden {
			t.Errorf("agent POST %s = %d, want 403", p, res.status)
		}
	}

	b := e.ownerBrowser()
	b.get(e.path("settings/webhooks"))
	theirsURL := "settings/webhooks/" + ids.Encode(theirs.ID)
	if res := b.get(e.path(theirsURL)); res.status != http.StatusNotFound || strings.Contains(res.body, theirs.Secret) {
		t.Errorf("another workspace's webhook: %d, want 404", res.status)
	}
	for _, p := range []string{theirsURL, theirsURL + "/test", theirsURL + "/resume", theirsURL + "/delete"} {
		if res := b.post(e.path(p), url.Values{"url": {"https://evil.example.com"}, "event": {"message.customer"}}); res.status != http.StatusNotFound {
			t.Errorf("POST %s = %d, want 404", p, res.status)
		}
	}
	subs, _ := hooks.List(ctx, e.wsID)
	got, _ := hooks.Get(ctx, other.ID, theirs.ID)
	if len(subs) != 1 || got.URL != "https://hooks.example.com/theirs" {
		t.Errorf("a refused request changed webhooks: %+v %+v", subs, got)
	}
	var events int
	e.db.Read.QueryRow("SELECT count(*) FROM webhook_events").Scan(&events)
	if events != 0 {
		t.Errorf("a refused request queued %d events", events)
	}
}

// TestAPausedWebhookIsShownAndResumed: a webhook the product paused is named on every page
// of its workspace's owners and admins (not its agents'), its page says when and why with
// a Resume button, and resuming ends it all.
func TestAPausedWebhookIsShownAndResumed(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	hooks := webhook.NewStore(e.db, false)
	sub, err := hooks.Create(ctx, e.wsID, e.ownerID(), "https://hooks.example.com/in", []webhook.Type{webhook.Handoff})
	if err != nil {
		t.Fatal(err)
	}
	// As the sender pauses it (webhook TestAWebhookFailingForADayIsPausedItsEventsHeldAndSentOnResume).
	if _, err := e.db.Write.Exec("UPDATE webhook_subscriptions SET paused_at = unixepoch(), paused_reason = 'Every delivery failed: 502 Bad Gateway' WHERE id = ?", sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	ann := e.browser()
	if res := ann.login("ann@example.com", "ann password"); res.status != http.StatusOK || strings.Contains(res.body, "was paused") {
		t.Errorf("an agent's inbox = %d, or tells of the paused webhook", res.status)
	}
	b := e.ownerBrowser()
	if res := b.get(e.path("inbox")); !strings.Contains(res.body, `data-testid="install-warning">The webhook to https://hooks.example.com/in was paused on`) {
		t.Errorf("the owner's inbox does not tell of the paused webhook")
	}
	if res := b.get(e.path("settings/webhooks")); !strings.Contains(res.body, "<strong>Paused</strong>") {
		t.Errorf("the list does not show it paused")
	}
	hook := "settings/webhooks/" + ids.Encode(sub.ID)
	res := b.get(e.path(hook))
	if !strings.Contains(res.body, `data-testid="webhook-paused"`) || !strings.Contains(res.body, "502 Bad Gateway") || !strings.Contains(res.body, hook+"/resume") {
		t.Fatalf("its page does not say why, or offer Resume")
	}
	res = b.post(e.path(hook+"/resume"), url.Values{})
	if res.status != http.StatusOK || res.url != e.path(hook) || !strings.Contains(res.body, "Webhook resumed") ||
		strings.Contains(res.body, `data-testid="webhook-paused"`) || strings.Contains(res.body, "was paused") {
		t.Fatalf("resume: %d at %s", res.status, res.url)
	}
	if got, _ := hooks.Get(ctx, e.wsID, sub.ID); !got.PausedAt.IsZero() {
		t.Errorf("still paused: %+v", got)
	}

	// Test events: a few a minute, then a clear refusal on the page.
	for i := range webhook.TestsPerMinute {
		if res := b.post(e.path(hook+"/test"), url.Values{}); !strings.Contains(res.body, "Test event queued") {
			t.Fatalf("test %d: %d", i+1, res.status)
		}
	}
	res = b.post(e.path(hook+"/test"), url.Values{})
	if res.url != e.path(hook) || !strings.Contains(res.body, "A webhook may send 5 test events a minute: try again in") {
		t.Errorf("test %d: %d at %s", webhook.TestsPerMinute+1, res.status, res.url)
	}
}
