package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

// TestBrowserBulkCloseConfirms has the owner tick two conversations, one whose customer
// wrote last, and close them: the actions show once one is ticked; the inbox asks first,
// naming the one waiting, and closes both once she confirms.
func TestBrowserBulkCloseConfirms(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	owner := e.ownerID()
	ch := e.createChannel(channel.Input{Name: "Website"})
	visit := func(text string) inbox.Conversation { return e.customerWrites(ch, text) }
	waiting := visit("Where is my parcel?")
	answered := visit("Thanks!")
	if _, err := e.service.HumanReply(ctx, e.wsID, answered.ID, owner, "You are welcome."); err != nil {
		t.Fatal(err)
	}
	tick := func(c inbox.Conversation) chromedp.Action {
		return chromedp.Click(`.bulk-tick[value="` + ids.Encode(c.ID) + `"]`)
	}
	bctx := browsertest.New(t, 90*time.Second)
	step := browsertest.Steps(t, bctx)
	var question string
	step("the actions show once a conversation is ticked",
		e.browserLogIn(),
		chromedp.Navigate(e.srv.URL+e.path("inbox?view=all")),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
		chromedp.WaitNotVisible(`[data-testid="bulk-form"]`),
		tick(waiting),
		chromedp.WaitVisible(`[data-testid="bulk-close"]`),
	)
	step("tick both and close",
		tick(answered),
		chromedp.Click(`[data-testid="bulk-close"]`),
		chromedp.WaitVisible(`[data-testid="confirm-bulk-close"]`),
		chromedp.Text(`#confirm-bulk-text`, &question),
	)
	if question != "1 of the 2 conversations is waiting for a reply: its customer wrote last. Close both anyway?" {
		t.Errorf("asked %q", question)
	}
	for _, c := range []inbox.Conversation{waiting, answered} {
		if got, _ := e.service.Store.Get(ctx, e.wsID, c.ID); got.Status != "open" {
			t.Fatalf("closed before the confirmation: %+v", got)
		}
	}
	var flash string
	step("close anyway",
		chromedp.Click(`[data-testid="bulk-close-anyway"]`),
		chromedp.WaitVisible(`.flash-ok`),
		chromedp.Text(`.flash-ok`, &flash),
	)
	if flash != "2 conversations closed." {
		t.Errorf("flash %q", flash)
	}
	for _, c := range []inbox.Conversation{waiting, answered} {
		if got, _ := e.service.Store.Get(ctx, e.wsID, c.ID); got.Status != "closed" {
			t.Errorf("left open: %+v", got)
		}
	}
}
