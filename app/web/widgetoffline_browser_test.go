package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/channel"
)

// TestBrowserWidgetOfflineFollowsPresence: the widget's offline form follows who is
// there. A visitor loads the page while no one is online; the owner comes online before
// they open the chat, which then offers the message box. She goes away while it is open:
// the offline form comes, with what the visitor had typed; she comes back: the message
// box again, with what they typed in the form.
func TestBrowserWidgetOfflineFollowsPresence(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	owner := e.ownerID()
	ch := e.createChannel(channel.Input{Name: "Website", Welcome: "Hi!", HandoffUsers: []int64{owner}})
	site := newShopSite(t, e, ch.PublicKey)
	online := func(on bool) {
		t.Helper()
		if err := e.service.SetOnline(context.Background(), e.wsID, owner, on); err != nil {
			t.Fatal(err)
		}
	}
	bctx := browsertest.New(t, 150*time.Second)
	wp := widgetPage{t, bctx}
	// Checks while the chat is open come every 15 s: wait longer than that.
	waitLong := func(what, cond string) {
		t.Helper()
		wp.step(what, chromedp.ActionFunc(func(ctx context.Context) error {
			for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				var ok bool
				if err := chromedp.Evaluate(`(function(){const r=`+widgetRoot+`;return !!(`+cond+`)})()`, &ok).Do(ctx); err == nil && ok {
					return nil
				}
			}
			return fmt.Errorf("timed out waiting for %s", cond)
		}))
	}
	const offlineForm = `r.querySelector("form[data-form=offline]") && r.querySelector("form:not(.ask)").hidden`
	const messageBox = `!r.querySelector("form[data-form=offline]") && !r.querySelector("form:not(.ask)").hidden`

	wp.step("load the shop while no one is online", chromedp.Navigate(site.URL+"/"))
	wp.waitJS("the launcher", `r.querySelector(".launch")`)
	online(true)
	wp.click(".launch")
	wp.waitJS("the visit started", `r.querySelector(".m.welcome")`)
	wp.waitJS("the message box, the owner being online now", messageBox)

	wp.step("the visitor types", chromedp.Evaluate(widgetRoot+`.querySelector("textarea").value = "Do you ship to Norway?"`, nil))
	online(false)
	waitLong("the offline form once she went away", offlineForm)
	var text string
	wp.step("with what they typed", chromedp.Evaluate(widgetRoot+`.querySelector("[data-field=text]").value`, &text))
	if text != "Do you ship to Norway?" {
		t.Errorf("the offline form's message %q", text)
	}

	wp.step("they add to it", chromedp.Evaluate(widgetRoot+`.querySelector("[data-field=text]").value += " And Sweden?"`, nil))
	online(true)
	waitLong("the message box once she is back", messageBox)
	wp.step("with what they typed", chromedp.Evaluate(widgetRoot+`.querySelector("textarea").value`, &text))
	if text != "Do you ship to Norway? And Sweden?" {
		t.Errorf("the message box holds %q", text)
	}
}
