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

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"agent/app/account"
	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

// TestBrowserAutoSend has two people in their own browser sessions: the owner allows
// auto-send in the settings; Ann turns hers on in the inbox and works in one
// conversation. A visitor on the shop's site, handed to Ann, asks a question the
// knowledge answers: the reply arrives in the widget with no label, and the owner, who
// opens that conversation, sees it labelled "auto-sent"; the conversation was in Unread
// but not in Unreplied.
func TestBrowserAutoSend(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	e.replyWith(giftReply)
	ctx := context.Background()
	a := e.createAgent("Ava")
	annID, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	ann := annID.ID

	site := httptest.NewUnstartedServer(nil)
	siteURL := "http://localhost:" + fmt.Sprint(site.Listener.Addr().(*net.TCPAddr).Port)
	ch := e.createChannel(channel.Input{Name: "Website", AgentID: a.ID, AllowedOrigins: []string{siteURL}, HandoffUsers: []int64{ann}, ShowHuman: true})
	site.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Bikes</h1><script src="%s/widget.js" data-agent="%s" async></script></body></html>`, e.srv.URL, ch.PublicKey)
	})
	site.Start()
	t.Cleanup(site.Close)

	// Ann in a Chromium of her own; the owner and the visitor in two tabs of another (the
	// shop's site is another host: its visitor shares nothing with the owner's session).
	annTab := browsertest.New(t, 90*time.Second)
	ownerTab := browsertest.New(t, 90*time.Second)
	visitor, cancelVisitor := chromedp.NewContext(ownerTab)
	defer cancelVisitor()
	inVisitor, inAnn, inOwner := browsertest.Steps(t, visitor), browsertest.Steps(t, annTab), browsertest.Steps(t, ownerTab)
	// Ann's page keeps its focus whatever else runs on the machine, as on a person's screen.
	inAnn("log in, go online",
		emulation.SetFocusEmulationEnabled(true),
		e.browserLogInAs("ann@example.com", "ann password"),
		chromedp.Click(`[data-testid="go-online"]`),
		chromedp.WaitVisible(`[data-testid="go-away"]`),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
	)
	var switches int
	inAnn("no switch while auto-send is not allowed",
		chromedp.Evaluate(`window.notReloaded = true`, nil),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="autosend-on"]').length`, &switches))
	if switches != 0 {
		t.Fatalf("%d auto-send switches before it was allowed", switches)
	}
	inOwner("allow auto-send",
		e.browserLogIn(),
		chromedp.Navigate(e.srv.URL+e.path("settings/assist")),
		chromedp.Click(`[data-testid="assist-suggestions"]`),
		chromedp.Click(`[data-testid="assist-autosend"]`),
		chromedp.Click(`[data-testid="save-assist"]`),
		chromedp.WaitVisible(`.flash`),
	)
	if s, _ := e.service.Store.AssistSettings(ctx, e.wsID); !s.AutoSendOn() {
		t.Fatalf("settings after saving: %+v", s)
	}
	// The switch appears on Ann's open page, without a reload.
	inAnn("turn auto-send on",
		chromedp.WaitVisible(`[data-testid="autosend-on"]`),
		chromedp.Evaluate(`window.notReloaded === true || (()=>{throw new Error("the page reloaded")})()`, nil),
		chromedp.Click(`[data-testid="autosend-on"]`),
		chromedp.WaitVisible(`[data-testid="autosend-off"]`),
	)

	// A first customer, handed to Ann: she works in that conversation.
	v, _, err := e.service.Store.NewVisitor(ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.service.Store.OpenConversation(ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.service.VisitorMessage(ctx, ch, first, "can I talk to a human", "en"); err != nil {
		t.Fatal(err)
	}
	inAnn("open the first conversation",
		chromedp.Navigate(e.srv.URL+e.path("inbox/"+ids.Encode(first.ID))),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
		chromedp.WaitVisible(`[data-testid="suggestions"]`),
	)
	if busy, _ := e.service.Store.BusyIn(ctx, e.wsID, ann); busy != first.ID {
		t.Fatalf("Ann busy in %d, want %d", busy, first.ID)
	}
	// Her page tells the server when it loses the focus, and when it has it back.
	busyIn := func(want int64) chromedp.Action {
		return chromedp.ActionFunc(func(context.Context) error {
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if busy, _ := e.service.Store.BusyIn(ctx, e.wsID, ann); busy == want {
					return nil
				}
			}
			return fmt.Errorf("Ann is not busy in %d", want)
		})
	}
	inAnn("blur and focus",
		chromedp.Evaluate(`window.dispatchEvent(new Event("blur"))`, nil),
		busyIn(0),
		chromedp.Evaluate(`window.dispatchEvent(new Event("focus"))`, nil),
		busyIn(first.ID),
	)

	// A second customer on the shop's site asks for a person (Ann), then a question.
	const root = `document.querySelector("agent-chat").shadowRoot`
	waitWidget := func(what, cond string) {
		t.Helper()
		inVisitor(what, chromedp.Poll(`(function(){const h=document.querySelector("agent-chat");const r=h&&h.shadowRoot;return !!(r&&(`+cond+`))})()`,
			nil, chromedp.WithPollingTimeout(20*time.Second)))
	}
	inVisitor("open the shop", chromedp.Navigate(siteURL+"/"))
	waitWidget("launcher", `r.querySelector(".launch")`)
	inVisitor("open the chat", chromedp.Evaluate(root+`.querySelector(".launch").click()`, nil))
	waitWidget("panel", `!r.querySelector(".panel").hidden`)
	inVisitor("ask for a person", chromedp.Evaluate(root+`.querySelector("textarea").focus()`, nil),
		chromedp.KeyEvent("Can I talk to a human?"), chromedp.KeyEvent(kb.Enter))
	waitWidget("Ann takes over", `r.querySelector(".name").textContent === "Ann"`)
	inVisitor("ask", chromedp.Evaluate(root+`.querySelector("textarea").focus()`, nil),
		chromedp.KeyEvent(giftQuestion), chromedp.KeyEvent(kb.Enter))
	waitWidget("the assistant answers for Ann", `[...r.querySelectorAll(".m.bot")].some(m => m.textContent.includes("gift cards from 100 to 2000 NOK"))`)
	var widgetText string
	inVisitor("read the widget", chromedp.Evaluate(root+`.querySelector(".log").textContent`, &widgetText))
	if strings.Contains(strings.ToLower(widgetText), "auto-sent") || strings.Contains(widgetText, "Assistant") {
		t.Errorf("the visitor sees the label: %q", widgetText)
	}

	list, err := e.service.Store.List(ctx, e.wsID, inbox.Filter{View: inbox.ViewAll})
	if err != nil || len(list) != 2 {
		t.Fatalf("conversations: %+v, %v", list, err)
	}
	second := list[0].Conversation
	if second.ID == first.ID || second.AssigneeID != ann {
		t.Fatalf("second conversation %+v", second)
	}
	item := `[data-testid="conv-item"][data-id="` + ids.Encode(second.ID) + `"]`
	var unreplied, unread int
	inOwner("Unread lists it, Unreplied does not",
		chromedp.Navigate(e.srv.URL+e.path("inbox?view=unreplied")),
		chromedp.WaitVisible(`[data-testid="section-inbox"]`),
		chromedp.Evaluate(`document.querySelectorAll('`+item+`').length`, &unreplied),
		chromedp.Navigate(e.srv.URL+e.path("inbox?view=unread")),
		chromedp.WaitVisible(item),
		chromedp.Evaluate(`document.querySelectorAll('`+item+`').length`, &unread),
	)
	if unreplied != 0 || unread != 1 {
		t.Errorf("in Unreplied %d times, in Unread %d times", unreplied, unread)
	}
	var label string
	inOwner("the owner sees the reply labelled",
		chromedp.Navigate(e.srv.URL+e.path("inbox/"+ids.Encode(second.ID))),
		chromedp.WaitVisible(`[data-testid="message"][data-author="bot"] [data-testid="auto-sent"]`),
		chromedp.Text(`[data-testid="message"][data-author="bot"] [data-testid="auto-sent"]`, &label),
	)
	if label != "auto-sent" {
		t.Errorf("label %q", label)
	}

	// Ann, in her conversation, types: a suggestion from the knowledge appears with its
	// source; she moves its text into the box, adds a line and sends it (edited). Then she
	// types again and sends the next suggestion with Alt+1 (sent as is).
	const suggestion = `[data-testid="suggestion"] [data-suggestion-text]`
	var boxed, source string
	inAnn("a suggestion from the typed words",
		chromedp.SendKeys(`#f-message`, "gift ca"),
		chromedp.WaitVisible(suggestion),
		chromedp.Text(`[data-testid="suggestion-source"]`, &source),
		chromedp.Click(suggestion),
		chromedp.Value(`#f-message`, &boxed),
	)
	if boxed != giftAnswer || !strings.Contains(source, giftQuestion) {
		t.Errorf("moved into the box: %q (source %q)", boxed, source)
	}
	inAnn("edit and send",
		chromedp.SendKeys(`#f-message`, " Which amount?"),
		chromedp.Click(`[data-testid="send-reply"]`),
		chromedp.WaitVisible(`[data-testid="message"][data-author="human"]`),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
		chromedp.SendKeys(`#f-message`, "gift cards"),
		chromedp.WaitVisible(suggestion),
		chromedp.KeyEvent("1", chromedp.KeyModifiers(input.ModifierAlt)),
		chromedp.Poll(`document.querySelectorAll('[data-testid="message"][data-author="human"]').length === 2`, nil,
			chromedp.WithPollingTimeout(10*time.Second)),
	)
	n, err := e.service.Store.AssistCounts(ctx, e.wsID, 0, 1<<40)
	if err != nil || n != (inbox.AssistCounts{AutoSent: 1, Sent: 1, Edited: 1}) {
		t.Errorf("recorded %+v, %v", n, err)
	}
}
