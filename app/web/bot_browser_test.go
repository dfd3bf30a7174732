package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"agent/app/agent"
	"agent/app/browsertest"
	"agent/app/ids"
)

// TestBrowserBotAtNight: outside working hours, with no one online, a visitor asks the
// shop's widget in a real Chromium; the automatic bot answers, labelled as the chat
// assistant; the visitor says it did not resolve the question and why; the rating is
// stored on the message and shown to staff beside the bot's badge. A question it cannot
// answer gets the fallback, then the off-hours reply.
func TestBrowserBotAtNight(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	e.replyWith(giftReply)
	site := httptest.NewUnstartedServer(nil)
	siteURL := "http://localhost:" + fmt.Sprint(site.Listener.Addr().(*net.TCPAddr).Port)
	ch := e.botAtNight(t, e.createAgent("Ava"), siteURL)
	site.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Bikes</h1><script src="%s/widget.js" data-agent="%s" async></script></body></html>`, e.srv.URL, ch.PublicKey)
	})
	site.Start()
	t.Cleanup(site.Close)

	bctx := browsertest.New(t, 60*time.Second)
	const root = widgetRoot
	wp := widgetPage{t, bctx}
	step, waitJS, click := wp.step, wp.waitJS, wp.click

	step("open the shop", chromedp.Navigate(siteURL+"/"))
	click(".launch")
	waitJS("panel", `!r.querySelector(".panel").hidden`)
	step("ask", chromedp.Evaluate(root+`.querySelector("textarea").focus()`, nil), chromedp.KeyEvent(giftQuestion), chromedp.KeyEvent(kb.Enter))
	waitJS("the bot's answer, labelled", `[...r.querySelectorAll(".m.bot[data-id] .by.assistant")].some(b => b.textContent === "Sent by the chat assistant")`)
	waitJS("rated resolved or not", `r.querySelector('.m.bot[data-id] .rate > button[aria-label="Resolved"]')`)

	click(`.m.bot[data-id] .rate > button[aria-label="Not resolved"]`)
	waitJS("the reasons", `[...r.querySelectorAll(".m.bot[data-id] .why button")].map(b => b.textContent).join("|") === "Too long to read|Useless answer|Answered another question|Other"`)
	click(`.m.bot[data-id] button[data-reason="off_topic"]`)
	waitJS("thanks", `r.querySelector(".rate [role=status]")`)

	var conv int64
	if err := e.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	msgs, err := e.service.Store.Messages(ctx, conv)
	if err != nil || len(msgs) != 2 || msgs[1].Author != agent.AuthorBot {
		t.Fatalf("messages %+v, %v", msgs, err)
	}
	if f, ok, _ := e.service.Store.FeedbackOf(ctx, msgs[1].ID); !ok || f.Helpful || f.Reason != "off_topic" {
		t.Errorf("rating %+v %v", f, ok)
	}

	// A question the knowledge does not answer: the fallback, then the off-hours reply.
	step("ask again", chromedp.Evaluate(root+`.querySelector("textarea").focus()`, nil), chromedp.KeyEvent("Which planets have rings?"), chromedp.KeyEvent(kb.Enter))
	waitJS("fallback and off-hours reply", `(function(){const s=[...r.querySelectorAll(".m.system[data-id] .tx")].map(m => m.textContent);
		return s.length === 2 && s[0] === `+jsString(agent.Say("en", agent.PhraseOffline))+` && s[1] === `+jsString(offHoursReply)+`})()`)

	// Staff see the bot's badge and the visitor's rating.
	page := e.ownerBrowser().get(e.path("inbox/" + ids.Encode(conv)))
	for _, want := range []string{`data-kind="bot_answer"`, `data-testid="feedback"`, "Not resolved: answered another question"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("conversation page lacks %s", want)
		}
	}
}
