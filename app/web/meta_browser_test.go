package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/channel/meta/metatest"
	"agent/app/ids"
)

// TestBrowserWhatsApp: a customer's WhatsApp message arrives at the webhook, signed; the
// AI answers it through the fake Graph API; a person opens the conversation in a real
// headless Chromium, sees both, takes over with a reply, and the fake API receives it.
func TestBrowserWhatsApp(t *testing.T) {
	w := newMetaWorld(t)
	w.createAgent("Ava")
	ch, _ := w.whatsApp(t)
	ctx := context.Background()
	body := metatest.WhatsApp("102290129340398", metaPhone, []metatest.WAMessage{{ID: "wamid.browser1", From: "4790000001",
		Name: "Kari Nordmann", Text: giftQuestion, At: time.Now()}}, nil)
	res, err := metatest.Post(w.srv.URL+"/hooks/meta/"+ch.PublicKey, metatest.Signature(metaSecret, body), body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %v %v", res, err)
	}
	if _, err := w.deliveries.Jobs.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := w.graph.Sent(); len(sent) != 1 || !strings.Contains(sent[0].Text(), "gift cards") {
		t.Fatalf("the AI's answer at the fake API: %+v", sent)
	}
	var convID int64
	if err := w.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&convID); err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, bctx)
	var who string
	step("log in and open the WhatsApp conversation",
		w.browserLogIn(),
		chromedp.Navigate(w.srv.URL+w.path("inbox/"+ids.Encode(convID)+"?view=all")),
		chromedp.WaitVisible(`[data-testid="conversation"]`),
		chromedp.Text(`[data-testid="conv-who"]`, &who),
		chromedp.WaitVisible(`//li[@data-author="bot"]/p[@class="msg-body" and contains(text(), "gift cards")]`),
		chromedp.WaitVisible(`[data-testid="reply-window"][data-open="true"]`),
	)
	if who != "Kari Nordmann" {
		t.Errorf("the conversation is named %q", who)
	}
	step("take over with a reply",
		chromedp.SendKeys(`#f-message`, "Hi Kari, Olga here."),
		chromedp.Click(`[data-testid="send-reply"]`),
		chromedp.WaitVisible(`//li[@data-author="human"]/p[@class="msg-body" and text()="Hi Kari, Olga here."]`),
	)
	if _, err := w.deliveries.Jobs.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	sent := w.graph.Sent()
	if len(sent) != 2 || sent[1].Text() != "Hi Kari, Olga here." || sent[1].Body["to"] != "4790000001" || sent[1].Body["type"] != "text" {
		t.Fatalf("the fake API received: %+v", sent)
	}
	if c, _ := w.service.Store.Get(ctx, w.wsID, convID); c.AIActive {
		t.Error("the AI still answers after the person's reply")
	}
}
