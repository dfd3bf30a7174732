package web_test

import (
	"context"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"agent/app/account"
	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

// recordNotifications has the page's desktop notifications recorded in window.notes (each
// its title, body and the notification), the browser still creating them.
const recordNotifications = `(function(){window.notes = [];
	if (window.Notification.recorded) return;
	const Shown = window.Notification;
	window.Notification = class extends Shown {
		constructor(title, opts) { super(title, opts); window.notes.push({title: title, body: opts && opts.body, note: this}); }
	};
	window.Notification.recorded = true;})()`

// allowNotifications grants the page's origin the permission a person gives with a click.
func allowNotifications(origin string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		c := chromedp.FromContext(ctx)
		return cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeNotifications}).
			WithOrigin(origin).Do(cdp.WithExecutor(ctx, c.Browser))
	})
}

// TestBrowserDesktopNotifications has the owner's inbox open, with desktop notifications
// allowed: a conversation assigned to her and a new message in it each show one, which
// opens the conversation; a colleague's conversation shows none; with desktop
// notifications turned off in her settings, none either.
func TestBrowserDesktopNotifications(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	owner := e.ownerID()
	bo, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "bo@example.com", Name: "Bo", Password: "long password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	ch := e.createChannel(channel.Input{Name: "Website"})
	visit := func(text string) inbox.Conversation { return e.customerWrites(ch, text) }
	assign := func(c inbox.Conversation, to int64) {
		t.Helper()
		if err := e.service.Assign(ctx, e.wsID, c.ID, owner, to, 0); err != nil {
			t.Fatal(err)
		}
	}
	wait := func(cond string) chromedp.Action {
		return chromedp.Poll(cond, nil, chromedp.WithPollingTimeout(15*time.Second))
	}
	bctx := browsertest.New(t, 120*time.Second)
	step := browsertest.Steps(t, bctx)
	var permission string
	step("allow notifications and log in",
		allowNotifications(e.srv.URL),
		e.browserLogIn(),
		chromedp.Navigate(e.srv.URL+e.path("inbox?view=all")),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
		chromedp.Evaluate(recordNotifications, nil),
		chromedp.Evaluate(`Notification.permission`, &permission),
	)
	if permission != "granted" {
		t.Fatalf("permission %q", permission)
	}

	c := visit("Hello, my parcel is late")
	assign(c, owner)
	var title string
	step("a conversation assigned to her: a notification",
		wait(`window.notes.length === 1`),
		chromedp.Evaluate(`window.notes[0].title`, &title),
	)
	if title != "A customer is waiting for you" {
		t.Errorf("notification %q", title)
	}
	if _, _, err := e.service.VisitorMessage(ctx, ch, c, "Are you there?", "en"); err != nil {
		t.Fatal(err)
	}
	step("a new message in it: another",
		wait(`window.notes.length === 2`),
		chromedp.Evaluate(`window.notes[1].title`, &title),
	)
	if title != "New message in one of your conversations" {
		t.Errorf("notification %q", title)
	}

	// A colleague's conversation, and a new message in it: shown in the list, not notified.
	other := visit("A question for Bo")
	assign(other, bo.ID)
	if _, _, err := e.service.VisitorMessage(ctx, ch, other, "Still there?", "en"); err != nil {
		t.Fatal(err)
	}
	var n int
	step("a colleague's conversation: none",
		wait(`[...document.querySelectorAll("[data-testid=conv-item]")].some(a => a.dataset.id === `+jsString(ids.Encode(other.ID))+` && a.textContent.includes("Still there?"))`),
		chromedp.Sleep(500*time.Millisecond), // a notification, if any, comes with the list
		chromedp.Evaluate(`window.notes.length`, &n),
	)
	if n != 2 {
		t.Errorf("%d notifications after a colleague's conversation, want 2", n)
	}

	step("clicking the notification opens its conversation",
		chromedp.Evaluate(`window.notes[1].note.onclick()`, nil),
		chromedp.WaitVisible(`[data-testid="conversation"][data-id="`+ids.Encode(c.ID)+`"]`),
	)

	step("turn desktop notifications off",
		chromedp.Click(`[data-testid="notify-settings"] summary`),
		chromedp.Click(`[data-testid="notify-desktop"]`),
		chromedp.Click(`[data-testid="save-notify"]`),
		chromedp.WaitVisible(`.flash-ok`),
		chromedp.WaitReady(`[data-inbox][data-desktop="false"][data-stream="on"]`),
		chromedp.Evaluate(recordNotifications, nil),
	)
	assign(visit("Third question"), owner)
	step("counted in the title, with no notification",
		wait(`document.title.indexOf("(1) ") === 0`),
		chromedp.Sleep(500*time.Millisecond), // a notification, if any, comes with the count
		chromedp.Evaluate(`window.notes.length`, &n),
	)
	if n != 0 {
		t.Errorf("%d notifications while turned off", n)
	}
}
