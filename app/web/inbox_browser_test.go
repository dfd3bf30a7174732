package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"agent/app/agent"
	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
)

// TestBrowserInboxLive has a person go online in the inbox of a real headless Chromium,
// then a visitor asks the AI for a human: the conversation appears in the list without a
// reload, the person opens it, sees the visitor's next message arrive live and replies.
func TestBrowserInboxLive(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	owner, err := e.accounts.UserByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ava := e.createAgent("Ava")
	ch, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: ava.ID,
		HandoffUsers: []int64{owner.ID}, Active: true})
	if err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, bctx)
	step("log in and go online",
		e.browserLogIn(),
		chromedp.WaitVisible(`[data-testid="list-empty"]`),
		chromedp.Click(`[data-testid="go-online"]`),
		chromedp.WaitVisible(`[data-testid="go-away"]`),
		chromedp.WaitVisible(`[data-testid="online-person"]`),
		// The page follows the workspace's events.
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
		// A mark that a reload would wipe.
		chromedp.Evaluate(`window.notReloaded = true`, nil),
	)
	if p, _ := e.service.Store.PresenceOf(ctx, e.wsID, owner.ID); !p.Online {
		t.Fatal("the owner is not online after clicking Go online")
	}

	// A visitor asks for a human: the AI hands off to the owner, who is online.
	v, _, err := e.service.Store.NewVisitor(ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.service.Store.OpenConversation(ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.service.VisitorMessage(ctx, ch, c, "can I talk to a human", "en"); err != nil {
		t.Fatal(err)
	}
	item := `[data-testid="conv-item"][data-id="` + ids.Encode(c.ID) + `"]`
	var notReloaded bool
	var mineCount, excerpt string
	step("the conversation appears in Mine without a reload",
		chromedp.WaitVisible(item),
		chromedp.Evaluate(`window.notReloaded === true`, &notReloaded),
		chromedp.AttributeValue(`[data-testid="view-mine"]`, "data-count", &mineCount, nil),
		chromedp.Text(item+` [data-testid="excerpt"]`, &excerpt),
	)
	if !notReloaded {
		t.Error("the page was reloaded")
	}
	if mineCount != "1" || !strings.Contains(excerpt, "AI:") {
		t.Errorf("Mine count %q, excerpt %q", mineCount, excerpt)
	}

	step("open it: the handoff and its cause are shown",
		chromedp.Click(item),
		chromedp.WaitVisible(`[data-testid="conversation"]`),
		chromedp.WaitVisible(`[data-testid="handoff"][data-cause="visitor_asked"]`),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
	)
	if got, _ := e.service.Store.Get(ctx, e.wsID, c.ID); got.Unread {
		t.Error("opening the conversation did not mark it read")
	}

	// The visitor writes again: the message appears in the open transcript.
	if _, _, err := e.service.VisitorMessage(ctx, ch, c, "Are you there?", "en"); err != nil {
		t.Fatal(err)
	}
	step("the visitor's message arrives live",
		chromedp.WaitVisible(`//li[@data-author="visitor"]/p[@class="msg-body" and text()="Are you there?"]`),
	)

	step("reply",
		chromedp.SendKeys(`#f-message`, "Hi, Olga here. How can I help?"),
		chromedp.Click(`[data-testid="send-reply"]`),
		chromedp.WaitVisible(`//li[@data-author="human"]/p[@class="msg-body" and text()="Hi, Olga here. How can I help?"]`),
	)
	msgs, err := e.service.Store.Messages(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := msgs[len(msgs)-1]
	if last.Author != agent.AuthorHuman || last.UserID != owner.ID || last.Body != "Hi, Olga here. How can I help?" {
		t.Fatalf("last message = %+v", last)
	}
	if got, _ := e.service.Store.Get(ctx, e.wsID, c.ID); got.Awaiting || got.AssigneeID != owner.ID || got.Status != "open" {
		t.Errorf("after the reply: %+v", got)
	}
	var value string
	step("the reply box is empty again", chromedp.Value(`#f-message`, &value))
	if value != "" {
		t.Errorf("reply box = %q", value)
	}

	// A conversation the AI handles: its reply shows as it is written, then as stored.
	e.shopKnowledge()
	e.replyWith(giftReply)
	e.ollama.SetTokenDelay(40 * time.Millisecond)
	v2, _, err := e.service.Store.NewVisitor(ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	c2, err := e.service.Store.OpenConversation(ctx, ch, v2, true)
	if err != nil {
		t.Fatal(err)
	}
	step("open the AI's conversation in All",
		chromedp.Navigate(e.srv.URL+e.path("inbox/"+ids.Encode(c2.ID)+"?view=all")),
		chromedp.WaitVisible(`[data-testid="ai-active"]`),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
	)
	done := make(chan error, 1)
	go func() {
		_, _, err := e.service.VisitorMessage(ctx, ch, c2, giftQuestion, "en")
		done <- err
	}()
	step("the reply streams in, then is replaced by the stored one with its sources",
		chromedp.WaitVisible(`[data-testid="draft"]`),
		chromedp.WaitVisible(`//li[@data-author="bot"]/p[@class="msg-body" and text()="`+giftReply+`"]`),
		chromedp.WaitVisible(`//li[@data-author="bot"]//ol[@data-testid="sources"]`),
		chromedp.WaitNotPresent(`[data-testid="draft"]`),
	)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	var found []*cdp.Node
	step("search the messages",
		chromedp.Navigate(e.srv.URL+e.path("inbox?view=all")),
		chromedp.WaitVisible(`[data-testid="inbox-search"]`),
		chromedp.SendKeys(`[data-testid="inbox-search"]`, "olga here\n"),
		chromedp.WaitVisible(`[data-testid="list-search"]`),
		chromedp.Nodes(`[data-testid="conv-item"]`, &found, chromedp.ByQueryAll),
	)
	if len(found) != 1 || found[0].AttributeValue("data-id") != ids.Encode(c.ID) {
		t.Errorf("the search for Olga's reply lists %d conversations", len(found))
	}
}
