package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"agent/app/agent"
	"agent/app/attach"
	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

// countPlays replaces the page's audio play with a counter (window.plays), so that a test
// sees the sound requested without speakers or a click to allow autoplay.
const countPlays = `window.plays = 0; HTMLMediaElement.prototype.play = function () { window.plays++; return Promise.resolve(); }`

// TestBrowserInboxNotifications has the owner's inbox open while conversations are
// assigned to her: the tab's title counts them and the sound is requested for each new
// one; with the sound turned off in her settings, the title still counts, silently.
func TestBrowserInboxNotifications(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	owner := e.ownerID()
	ch := e.createChannel(channel.Input{Name: "Website"})
	visit := func(text string) inbox.Conversation { return e.customerWrites(ch, text) }
	bctx := browsertest.New(t, 120*time.Second)
	step := browsertest.Steps(t, bctx)
	step("log in",
		e.browserLogIn(),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
		chromedp.Evaluate(countPlays, nil),
	)
	var title string
	var plays int
	step("no waiting conversation: a plain title", chromedp.Title(&title))
	if strings.HasPrefix(title, "(") {
		t.Errorf("title %q before anything waits", title)
	}

	c := visit("Hello, my parcel is late")
	if err := e.service.Assign(ctx, e.wsID, c.ID, owner, owner, 0); err != nil {
		t.Fatal(err)
	}
	step("a conversation assigned to her: counted in the title, with a sound",
		chromedp.Poll(`document.title.indexOf("(1) ") === 0`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Poll(`window.plays === 1`, nil, chromedp.WithPollingTimeout(5*time.Second)),
	)

	// A new message in it is announced too, the count unchanged.
	if _, _, err := e.service.VisitorMessage(ctx, ch, c, "Are you there?", "en"); err != nil {
		t.Fatal(err)
	}
	step("a new message in one of hers: another sound",
		chromedp.Poll(`window.plays === 2`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Title(&title),
	)
	if !strings.HasPrefix(title, "(1) ") {
		t.Errorf("title %q, want one waiting", title)
	}

	// A conversation someone else has is not hers to be told of.
	other := visit("Another question")
	if err := e.service.Assign(ctx, e.wsID, other.ID, owner, 0, 0); err != nil {
		t.Fatal(err)
	}

	step("turn the sound off",
		chromedp.Click(`[data-testid="notify-settings"] summary`),
		chromedp.Click(`[data-testid="notify-sound"]`),
		chromedp.Click(`[data-testid="save-notify"]`),
		chromedp.WaitVisible(`.flash-ok`),
		chromedp.WaitReady(`[data-inbox][data-sound="false"][data-stream="on"]`),
		chromedp.Evaluate(countPlays, nil),
	)
	if n, _ := e.service.Store.NotificationsOf(ctx, owner); n.Sound || !n.Desktop {
		t.Errorf("settings saved as %+v", n)
	}
	c2 := visit("Third question")
	if err := e.service.Assign(ctx, e.wsID, c2.ID, owner, owner, 0); err != nil {
		t.Fatal(err)
	}
	step("counted, silently",
		chromedp.Poll(`document.title.indexOf("(2) ") === 0`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Sleep(500*time.Millisecond), // a sound, if any, would have been requested with the count
		chromedp.Evaluate(`window.plays`, &plays),
	)
	if plays != 0 {
		t.Errorf("the sound was requested %d times while off", plays)
	}

	// Opening a conversation reads it: the count goes down.
	step("open one",
		chromedp.Click(`[data-testid="conv-item"][data-id="`+ids.Encode(c2.ID)+`"]`),
		chromedp.WaitVisible(`[data-testid="conversation"][data-id="`+ids.Encode(c2.ID)+`"]`),
		chromedp.Poll(`document.title.indexOf("(1) ") === 0`, nil, chromedp.WithPollingTimeout(10*time.Second)),
	)
}

// TestBrowserSavedReplies has the owner save a reply in Settings, then type "/" and a few
// letters in a conversation's reply box, choose it with the keyboard and send it, its
// placeholder filled in.
func TestBrowserSavedReplies(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	ch := e.createChannel(channel.Input{Name: "Website"})
	v, _, err := e.service.Store.NewVisitor(ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.service.Store.OpenConversation(ctx, ch, v, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.service.VisitorMessage(ctx, ch, c, "Can I get a refund?", "en"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.service.Store.SaveReply(ctx, e.wsID, e.ownerID(), inbox.SavedReply{Shortcut: "shipping", Body: "Parcels leave within a day."}); err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t, 120*time.Second)
	step := browsertest.Steps(t, bctx)
	step("save a reply in Settings",
		e.browserLogIn(),
		chromedp.Navigate(e.srv.URL+e.path("settings/replies")),
		chromedp.WaitVisible(`[data-testid="new-saved-reply"]`),
		chromedp.SendKeys(`#f-shortcut`, "refund"),
		chromedp.SendKeys(`#f-body`, "Refunds take 5 days. Best, {{agent}}"),
		chromedp.Click(`[data-testid="save-reply"]`),
		chromedp.WaitVisible(`.flash-ok`),
	)
	var texts []string
	step("type / and a few letters",
		chromedp.Navigate(e.srv.URL+e.path("inbox/"+ids.Encode(c.ID)+"?view=all")),
		chromedp.WaitVisible(`#f-message`),
		chromedp.SendKeys(`#f-message`, "Hello! /"),
		chromedp.WaitVisible(`[data-testid="saved-menu"] [data-testid="saved-option"]`),
		chromedp.Evaluate(`[...document.querySelectorAll("[data-testid=saved-option]")].map(o => o.textContent)`, &texts),
	)
	if len(texts) != 2 {
		t.Errorf("the menu of / lists %q, want both saved replies", texts)
	}
	var value, selected string
	step("narrow, move down and back, choose with Enter",
		chromedp.SendKeys(`#f-message`, "ref"),
		chromedp.Poll(`document.querySelectorAll("[data-testid=saved-option]").length === 1`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.SendKeys(`#f-message`, kb.ArrowDown),
		chromedp.Evaluate(`document.querySelector("[data-testid=saved-option][aria-selected=true]").textContent`, &selected),
		chromedp.SendKeys(`#f-message`, kb.Enter),
		chromedp.WaitNotVisible(`[data-testid="saved-menu"]`),
		chromedp.Value(`#f-message`, &value),
	)
	if !strings.HasPrefix(selected, "/refund") {
		t.Errorf("selected %q", selected)
	}
	const want = "Hello! Refunds take 5 days. Best, Olga Owner"
	if value != want {
		t.Fatalf("reply box %q, want %q", value, want)
	}
	step("send it",
		chromedp.Click(`[data-testid="send-reply"]`),
		chromedp.WaitVisible(`//li[@data-author="human"]/p[@class="msg-body" and text()="`+want+`"]`),
	)
	msgs, err := e.service.Store.Messages(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := msgs[len(msgs)-1]; last.Author != agent.AuthorHuman || last.Body != want {
		t.Errorf("stored %+v", last)
	}

	// The shortcuts, last: a modal dialog's top layer confuses the driver's view of the page.
	var tab string
	var open bool
	key := func(k string) chromedp.Action {
		return chromedp.Evaluate(`document.dispatchEvent(new KeyboardEvent("keydown", {key: `+jsString(k)+`, bubbles: true}))`, nil)
	}
	step("the shortcuts: n goes to the note tab, r back to the reply, ? lists them",
		chromedp.Evaluate(`document.activeElement.blur()`, nil),
		key("n"),
		chromedp.Poll(`!document.getElementById("note-form").hidden && document.getElementById("reply-form").hidden`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Evaluate(`document.activeElement.id`, &tab),
		chromedp.Evaluate(`document.activeElement.blur()`, nil),
		key("r"),
		chromedp.Poll(`!document.getElementById("reply-form").hidden && document.getElementById("note-form").hidden`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Evaluate(`document.activeElement.blur()`, nil),
		key("?"),
		chromedp.Evaluate(`document.getElementById("shortcuts").open`, &open),
	)
	if tab != "f-note" || !open {
		t.Errorf("after n the focus is on %q; the shortcuts' list open after ?: %v", tab, open)
	}
}

// pngFile writes a small PNG image to a file of dir and returns its path and bytes.
func pngFile(t *testing.T, dir, name string, c color.Color) (string, []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 12, 8))
	for x := 0; x < 12; x++ {
		for y := 0; y < 8; y++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, b.Bytes()
}

// TestBrowserAttachments sends files both ways on a shop's site: the visitor attaches an
// image in the widget, which the owner sees in place in the inbox; she opens it (the widget
// shows "Seen"), types (the widget shows her typing) and replies with an image, which the
// visitor sees in place. A page disguised as an image is refused.
func TestBrowserAttachments(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	owner := e.ownerID()
	ctx := context.Background()
	site := httptest.NewUnstartedServer(nil)
	siteURL := "http://localhost:" + fmt.Sprint(site.Listener.Addr().(*net.TCPAddr).Port)
	ch := e.createChannel(channel.Input{Name: "Website", AllowedOrigins: []string{siteURL}, HandoffUsers: []int64{owner}})
	site.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src "+e.srv.URL+"; connect-src "+e.srv.URL+"; img-src "+e.srv.URL)
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Bikes</h1><script src="%s/widget.js" data-agent="%s" data-open="1" async></script></body></html>`, e.srv.URL, ch.PublicKey)
	})
	site.Start()
	t.Cleanup(site.Close)
	if err := e.service.SetOnline(ctx, e.wsID, owner, true); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	visitorPNG, _ := pngFile(t, dir, "broken-bike.png", color.RGBA{200, 30, 30, 255})
	staffPNG, staffBytes := pngFile(t, dir, "label.png", color.RGBA{30, 30, 200, 255})
	fake := filepath.Join(dir, "fake.png")
	if err := os.WriteFile(fake, []byte("<!doctype html><script>alert(1)</script>"), 0o600); err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t, 90*time.Second)
	wp := widgetPage{t, bctx}
	const root = widgetRoot
	fileInput := chromedp.ByJSPath
	wp.step("open the shop", chromedp.Navigate(siteURL+"/"))
	wp.waitJS("the chat with its file button", `!r.querySelector(".panel").hidden && !r.querySelector(".clip").hidden`)
	wp.step("the visitor attaches an image",
		chromedp.SetUploadFiles(root+`.querySelector("input[type=file]")`, []string{visitorPNG}, fileInput))
	wp.waitJS("the image in the widget", `[...r.querySelectorAll(".m.visitor .files img")].some(i => i.complete && i.naturalWidth === 12)`)

	var conv int64
	if err := e.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	files, err := e.files(conv)
	if err != nil || len(files) != 1 || files[0].ContentType != "image/png" || files[0].Name != "broken-bike.png" {
		t.Fatalf("stored files %+v, %v", files, err)
	}
	wp.step("a page disguised as an image is refused",
		chromedp.SetUploadFiles(root+`.querySelector("input[type=file]")`, []string{fake}, fileInput))
	wp.waitJS("the refusal", `!r.querySelector(".err").hidden && r.querySelector(".err").textContent.includes("not a kind of file")`)
	if files, _ := e.files(conv); len(files) != 1 {
		t.Errorf("%d files stored after the refusal", len(files))
	}

	staff, cancelStaff := chromedp.NewContext(bctx)
	defer cancelStaff()
	inStaffTab := func(name string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(staff, actions...); err != nil {
			var body string
			chromedp.Run(staff, chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &body))
			t.Fatalf("inbox: %s: %v\n%s", name, err, body)
		}
	}
	inStaffTab("the owner opens the conversation: the visitor's image in place",
		e.browserLogIn(),
		chromedp.Navigate(e.srv.URL+e.path("inbox/"+ids.Encode(conv)+"?view=all")),
		chromedp.WaitVisible(`[data-testid="file"][data-kind="image"] img`),
		chromedp.Poll(`[...document.querySelectorAll("[data-testid=file] img")].every(i => i.complete && i.naturalWidth === 12)`, nil,
			chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
	)
	wp.waitJS("the visitor sees it seen", `r.querySelector(".seen")`)
	wp.step("the visitor types", chromedp.Evaluate(`(function(){const t=`+root+`.querySelector("textarea");t.value="One more";
		t.dispatchEvent(new Event("input", {bubbles: true}))})()`, nil))
	inStaffTab("she sees the visitor typing", chromedp.WaitVisible(`[data-testid="customer-typing"]`))
	inStaffTab("she types", chromedp.SendKeys(`#f-message`, "Thanks, here is"))
	wp.waitJS("the visitor sees her typing", `r.querySelector(".typing")`)
	inStaffTab("and replies with an image",
		chromedp.SendKeys(`#f-message`, " the return label."),
		chromedp.SetUploadFiles(`#f-file`, []string{staffPNG}),
		chromedp.Click(`[data-testid="send-reply"]`),
		chromedp.WaitVisible(`//li[@data-author="human"]//img[@alt="label.png"]`),
	)
	wp.waitJS("the visitor sees the staff's image", `[...r.querySelectorAll(".m.human .files img")].some(i => i.complete && i.naturalWidth === 12 && i.alt === "label.png")`)
	files, _ = e.files(conv)
	if len(files) != 2 || files[1].Size != int64(len(staffBytes)) {
		t.Errorf("stored files after the reply: %+v", files)
	}
}

// files lists the stored files of a conversation, in the order stored.
func (e *env) files(conv int64) ([]attach.Attachment, error) {
	by, err := attach.NewStore(e.db).OfConversation(context.Background(), e.wsID, conv)
	var all []attach.Attachment
	for _, list := range by {
		all = append(all, list...)
	}
	slices.SortFunc(all, func(a, b attach.Attachment) int { return int(a.ID - b.ID) })
	return all, err
}
