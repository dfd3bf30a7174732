package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ollama/ollama/api"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/browsertest"
	"agent/app/ids"
	"agent/app/knowledge"
)

const (
	giftQuestion = "Do you sell gift cards?"
	giftAnswer   = "Yes, gift cards from 100 to 2000 NOK are sold in the shop."
	giftReply    = "Yes, we sell gift cards from 100 to 2000 NOK in the shop [1]."
)

// previewOwner is an install with an agent and some knowledge, its owner logged in.
func previewOwner(t *testing.T) (*env, *browser, agent.Agent) {
	t.Helper()
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	return e, e.ownerBrowser(), e.createAgent("Ava")
}

// shopKnowledge adds a short answer about gift cards and an article about shipping.
func (e *env) shopKnowledge() {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.knowledge.CreateShortAnswer(ctx, e.wsID, knowledge.ShortAnswerInput{Question: giftQuestion, Answer: giftAnswer, Lang: "en"}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.knowledge.CreateArticle(ctx, e.wsID, knowledge.ArticleInput{Title: "Shipping", Lang: "en",
		Body: "## Delivery times\n\nOrders ship within 2 business days. Delivery in Norway takes 3 to 5 days.\n\n" +
			"## Shipping costs\n\nShipping costs 49 NOK. Orders over 500 NOK ship free."}); err != nil {
		e.t.Fatal(err)
	}
}

// replyWith makes the fake model answer every chat with text.
func (e *env) replyWith(text string) {
	e.ollama.SetReply(func(api.ChatRequest) string { return text })
}

// postNoFollow posts a form and returns the response itself, not where it redirects.
func (b *browser) postNoFollow(path string, form url.Values) response {
	c := *b.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	nb := *b
	nb.c = &c
	res := nb.post(path, form)
	b.csrf = nb.csrf
	return res
}

type sseEvent struct {
	name string
	data string // decoded from its JSON string
	at   time.Time
}

// stream posts a question as the preview's script does and reads the server-sent events.
func (b *browser) stream(path string, form url.Values) (int, string, []sseEvent) {
	b.e.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept", "text/event-stream")
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	var events []sseEvent
	var ev sseEvent
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev = sseEvent{name: strings.TrimPrefix(line, "event: "), at: time.Now()}
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data); err != nil {
				b.e.t.Fatalf("event data %q: %v", line, err)
			}
		case line == "":
			events = append(events, ev)
			ev = sseEvent{}
		}
	}
	if err := sc.Err(); err != nil {
		b.e.t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), events
}

// botMessages cuts the bot replies out of a page or transcript, oldest first.
func botMessages(body string) []string {
	if i := strings.Index(body, `id="preview-form"`); i >= 0 {
		body = body[:i]
	}
	parts := strings.Split(body, `<li class="msg msg-bot"`)
	return parts[1:]
}

var (
	confidence = regexp.MustCompile(`<dt>Confidence</dt><dd>(\d+)%</dd>`)
	usage      = regexp.MustCompile(`<dt>Written</dt><dd>by llama3.2, \d+ \+ \d+ tokens</dd>`)
)

func (e *env) previewConversations() []bool {
	e.t.Helper()
	rows, err := e.db.Read.Query("SELECT preview FROM conversations ORDER BY id")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var previews []bool
	for rows.Next() {
		var p bool
		if err := rows.Scan(&p); err != nil {
			e.t.Fatal(err)
		}
		previews = append(previews, p)
	}
	return previews
}

func (e *env) messageCount() int {
	e.t.Helper()
	var n int
	if err := e.db.Read.QueryRow("SELECT COUNT(*) FROM messages").Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestPreviewPlainPost(t *testing.T) {
	e, b, a := previewOwner(t)
	e.replyWith(giftReply)
	page := e.agentPath(a, "preview")

	res := b.get(page)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Preview: Ava") || !strings.Contains(res.body, `data-testid="empty-transcript"`) ||
		!strings.Contains(res.body, `id="preview-form"`) || !strings.Contains(res.body, "js/preview.js") {
		t.Fatalf("preview page: %d\n%s", res.status, res.body)
	}
	if strings.Contains(res.body, `data-testid="model-notice"`) || strings.Contains(res.body, "extractive mode") {
		t.Error("the model note shows while the model is up")
	}

	res = b.postNoFollow(page, url.Values{"message": {giftQuestion}, "channel": {"chat"}, "lang": {"en"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != page+"?lang=en" {
		t.Fatalf("plain post: %d to %q", res.status, res.header.Get("Location"))
	}
	res = b.get(res.header.Get("Location"))
	if res.status != http.StatusOK || !strings.Contains(res.body, `<li class="msg msg-visitor" data-testid="visitor-message"><p class="msg-body">`+giftQuestion+`</p>`) {
		t.Fatalf("page after the post: %d\n%s", res.status, res.body)
	}
	if strings.Contains(res.body, `data-testid="empty-transcript"`) {
		t.Error("the transcript still says it is empty")
	}
	bots := botMessages(res.body)
	if len(bots) != 1 {
		t.Fatalf("%d bot messages, want 1", len(bots))
	}
	bot := bots[0]
	sources := e.sources()
	for _, want := range []string{`data-decision="answer"`, `<p class="msg-body">Yes, we sell gift cards from 100 to 2000 NOK in the shop [1].</p>`,
		`<span class="badge badge-answer">Answer</span> the knowledge answers it`, `<ol class="msg-sources" aria-label="Sources"><li value="1">`,
		`href="` + e.path("knowledge/"+ids.Encode(sources[giftQuestion].ID)) + `">` + giftQuestion + `</a>`, "by llama3.2, "} {
		if !strings.Contains(bot, want) {
			t.Errorf("the reply lacks %q:\n%s", want, bot)
		}
	}
	if !usage.MatchString(bot) {
		t.Error("the reply does not say how many tokens the model took")
	}
	if m := confidence.FindStringSubmatch(bot); m == nil || m[1] == "0" {
		t.Errorf("no confidence shown: %v", m)
	}
	if strings.Contains(bot, `data-testid="add-content"`) || strings.Contains(bot, "Model not used") {
		t.Error("an answered question asks for content or says the model was not used")
	}
	// The page keeps the chosen browser language.
	if !strings.Contains(res.body, `<option value="en" selected>`) {
		t.Error("the language choice was not kept")
	}

	// A conversation of the preview, counted in no report.
	if p := e.previewConversations(); len(p) != 1 || !p[0] {
		t.Errorf("conversations: preview flags %v, want one preview", p)
	}

	// An empty message: an error, and nothing stored.
	before := e.messageCount()
	res = b.post(page, url.Values{"message": {"   "}, "channel": {"chat"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, `<div class="flash flash-error" role="status">Write a message first</div>`) {
		t.Errorf("empty message: %d\n%s", res.status, res.body)
	}
	if n := e.messageCount(); n != before {
		t.Errorf("an empty message stored %d messages", n-before)
	}

	// New conversation: the transcript starts empty, the old conversation stays.
	res = b.post(e.agentPath(a, "preview/new"), url.Values{})
	if res.status != http.StatusOK || res.url != page || !strings.Contains(res.body, `data-testid="empty-transcript"`) ||
		strings.Contains(res.body, `data-testid="visitor-message"`) || strings.Contains(res.body, `data-testid="bot-message"`) {
		t.Fatalf("new conversation: %d at %s", res.status, res.url)
	}
	if p := e.previewConversations(); len(p) != 2 || !p[0] || !p[1] {
		t.Errorf("conversations after New: %v", p)
	}
	// The same question again is answered anew, not refused as a repeat.
	b.post(page, url.Values{"message": {giftQuestion}, "channel": {"chat"}})
	if res := b.get(e.agentPath(a, "preview/transcript")); len(botMessages(res.body)) != 1 || !strings.Contains(res.body, `data-decision="answer"`) {
		t.Errorf("the question in the new conversation:\n%s", res.body)
	}
}

func TestPreviewStreams(t *testing.T) {
	e, b, a := previewOwner(t)
	page := e.agentPath(a, "preview")
	b.get(page)
	e.replyWith(giftReply)
	delay := 20 * time.Millisecond
	e.ollama.SetTokenDelay(delay)

	status, ctype, events := b.stream(page, url.Values{"message": {giftQuestion}, "channel": {"chat"}})
	if status != http.StatusOK || ctype != "text/event-stream" {
		t.Fatalf("stream: %d %q", status, ctype)
	}
	if len(events) < 4 {
		t.Fatalf("events: %+v", events)
	}
	last := events[len(events)-1]
	var draft strings.Builder
	for _, ev := range events[:len(events)-1] {
		if ev.name != "token" {
			t.Fatalf("event %q before the end: %+v", ev.name, events)
		}
		draft.WriteString(ev.data)
	}
	if last.name != "done" {
		t.Fatalf("last event = %+v", last)
	}
	if draft.String() != giftReply {
		t.Errorf("streamed %q, want %q", draft.String(), giftReply)
	}
	// The tokens came as the model wrote them, not all at the end.
	tokens := len(events) - 1
	if gap := last.at.Sub(events[0].at); gap < time.Duration(tokens-1)*delay/2 {
		t.Errorf("the first of %d tokens came only %v before the end: the stream is buffered", tokens, gap)
	}

	res := b.get(e.agentPath(a, "preview/transcript"))
	bots := botMessages(res.body)
	if res.status != http.StatusOK || len(bots) != 1 || !strings.Contains(bots[0], `data-decision="answer"`) ||
		!strings.Contains(bots[0], `<p class="msg-body">`+giftReply+`</p>`) || strings.Contains(res.body, "<html") {
		t.Fatalf("transcript after the stream: %d\n%s", res.status, res.body)
	}

	// A reply without citations: the draft streamed is replaced by a handoff, and the
	// admin is offered to add the answer for the question (a new short answer, since no
	// customer asked it).
	e.ollama.SetTokenDelay(0)
	e.replyWith("Shipping is free for everyone.")
	question := "How much does shipping cost?"
	_, _, events = b.stream(page, url.Values{"message": {question}, "channel": {"chat"}})
	if len(events) < 2 || events[len(events)-1].name != "done" {
		t.Fatalf("uncited stream: %+v", events)
	}
	res = b.get(e.agentPath(a, "preview/transcript"))
	bots = botMessages(res.body)
	if len(bots) != 2 {
		t.Fatalf("%d bot messages, want 2", len(bots))
	}
	bot := bots[1]
	link := e.path("reports/gaps/answer") + "?question=" + url.QueryEscape(question)
	for _, want := range []string{`data-decision="handoff"`, `<span class="badge badge-handoff">Hand off</span> the model&#39;s reply cited no source`,
		`data-testid="add-content"`, `<a href="` + link + `" data-testid="add-content-link">Add the answer</a>`} {
		if !strings.Contains(bot, want) {
			t.Errorf("the handoff lacks %q:\n%s", want, bot)
		}
	}
	if strings.Contains(bot, "Shipping is free for everyone") || strings.Contains(bot, "msg-sources") {
		t.Errorf("the unchecked draft or sources remain:\n%s", bot)
	}
	// The link opens the short answer form with the question.
	if res := b.get(link); res.status != http.StatusOK || !strings.Contains(res.body, `value="`+question+`"`) {
		t.Errorf("add content link: %d", res.status)
	}
	if p := e.previewConversations(); len(p) != 1 || !p[0] {
		t.Errorf("conversations: %v, want one preview", p)
	}

	// Without the CSRF token the stream is refused and nothing stored.
	before := e.messageCount()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+page, strings.NewReader(url.Values{"message": {giftQuestion}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/event-stream")
	if res := b.do(req); res.status != http.StatusForbidden {
		t.Errorf("stream without CSRF = %d, want 403", res.status)
	}
	// An empty message ends the stream with the error.
	_, _, events = b.stream(page, url.Values{"message": {""}, "channel": {"chat"}})
	if len(events) != 1 || events[0].name != "error" || events[0].data != "Write a message first" {
		t.Errorf("empty message events: %+v", events)
	}
	if n := e.messageCount(); n != before {
		t.Errorf("refused requests stored %d messages", n-before)
	}
}

func TestPreviewWithoutModel(t *testing.T) {
	e, b, a := previewOwner(t)
	e.ollama.Down()
	page := e.agentPath(a, "preview")
	res := b.get(page)
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="model-notice"`) ||
		!strings.Contains(res.body, "Ollama is not running at "+e.ollama.URL()+", so the agents answer by quoting your knowledge (extractive mode).") {
		t.Fatalf("model notice: %d\n%s", res.status, res.body)
	}
	_, _, events := b.stream(page, url.Values{"message": {giftQuestion}, "channel": {"chat"}})
	if len(events) != 1 || events[0].name != "done" {
		t.Fatalf("events: %+v", events)
	}
	res = b.get(page)
	bots := botMessages(res.body)
	if len(bots) != 1 {
		t.Fatalf("%d bot messages", len(bots))
	}
	// The reply says why in the notice's words, not the error's.
	for _, want := range []string{`data-decision="answer"`, `<p class="msg-body">` + giftAnswer + `</p>`, "quoted from the knowledge (extractive)",
		`<p class="muted small" data-testid="model-not-used">Ollama was not running, so this reply quotes your knowledge.</p>`, giftQuestion + `</a>`} {
		if !strings.Contains(bots[0], want) {
			t.Errorf("the extractive reply lacks %q:\n%s", want, bots[0])
		}
	}
	for _, goText := range []string{"llm:", "dial tcp", "not reachable", "Model not used"} {
		if strings.Contains(res.body, goText) {
			t.Errorf("the page shows the error's text %q", goText)
		}
	}
}

func TestPreviewPermissions(t *testing.T) {
	e, b, a := previewOwner(t)
	ctx := context.Background()
	if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	ann := e.browser()
	if res := ann.login("ann@example.com", "ann password"); res.status != http.StatusOK {
		t.Fatalf("agent login: %d", res.status)
	}
	ann.get(e.path("inbox"))
	for _, p := range []string{"preview", "preview/transcript"} {
		if res := ann.get(e.agentPath(a, p)); res.status != http.StatusForbidden {
			t.Errorf("agent GET %s = %d, want 403", p, res.status)
		}
	}
	for _, p := range []string{"preview", "preview/new"} {
		if res := ann.post(e.agentPath(a, p), url.Values{"message": {giftQuestion}}); res.status != http.StatusForbidden {
			t.Errorf("agent POST %s = %d, want 403", p, res.status)
		}
	}

	// Another workspace's agent, and an ID that is no agent's: not found.
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", mustAddUser(t, e, "z@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := e.agents.Create(ctx, other.ID, agent.Input{Name: "Zed", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	b.get(e.agentPath(a, "preview"))
	for _, p := range []string{e.agentPath(foreign, "preview"), e.path("agents/zzzzzz/preview"), e.path("agents/" + ids.Encode(a.ID+1000) + "/preview")} {
		if res := b.get(p); res.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.status)
		}
		if res := b.post(p, url.Values{"message": {giftQuestion}}); res.status != http.StatusNotFound {
			t.Errorf("POST %s = %d, want 404", p, res.status)
		}
	}

	// A plain post without the CSRF token is refused.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+e.agentPath(a, "preview"), strings.NewReader(url.Values{"message": {giftQuestion}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := b.do(req); res.status != http.StatusForbidden {
		t.Errorf("post without CSRF = %d, want 403", res.status)
	}
	if n := e.messageCount(); n != 0 {
		t.Errorf("refused requests stored %d messages", n)
	}
	if p := e.previewConversations(); len(p) != 0 {
		t.Errorf("refused requests started conversations: %v", p)
	}
}

// TestBrowserPreviewSendLocked: while a reply is being written in the preview of a real
// headless Chromium, Send and the message box are disabled, so a second click or Enter
// cannot send the question twice; both come back when the reply is done, and after a
// failed request too.
func TestBrowserPreviewSendLocked(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	a := e.createAgent("Ava")
	e.replyWith(giftReply)
	e.ollama.SetTokenDelay(40 * time.Millisecond)

	ctx := browsertest.New(t, 30*time.Second)
	step := browsertest.Steps(t, ctx)
	type controls struct {
		Button bool `json:"button"` // disabled
		Input  bool `json:"input"`  // disabled
		Draft  bool `json:"draft"`  // a reply is being written
	}
	const state = `({button: document.querySelector('[data-testid="preview-form"] button[type="submit"]').disabled,
		input: document.querySelector("#preview-message").disabled, draft: !!document.querySelector(".msg-draft")})`
	send := `[data-testid="preview-form"] button[type="submit"]`
	step("log in",
		e.browserLogIn(),
	)
	var before, during, after controls
	step("ask, and try to send again while the reply is written",
		chromedp.Navigate(e.srv.URL+e.agentPath(a, "preview")),
		chromedp.WaitVisible(`[data-testid="empty-transcript"]`),
		chromedp.Evaluate(state, &before),
		chromedp.SendKeys(`#preview-message`, giftQuestion),
		chromedp.Click(send),
		chromedp.WaitVisible(`.msg-draft`),
		chromedp.Evaluate(state, &during),
		// What a second click, Enter or a quick reply would do: the script must ignore them.
		chromedp.Evaluate(`(function () {
			const f = document.querySelector('[data-testid="preview-form"]');
			document.querySelector("#preview-message").value = "again";
			f.requestSubmit();
			f.querySelector("textarea").dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
		})()`, nil),
		chromedp.WaitVisible(`[data-testid="bot-message"]`),
		chromedp.Evaluate(state, &after),
	)
	if before.Button || before.Input {
		t.Errorf("before sending: %+v, want both enabled", before)
	}
	if !during.Draft || !during.Button || !during.Input {
		t.Errorf("while the reply is written: %+v, want both disabled", during)
	}
	if after.Button || after.Input || after.Draft {
		t.Errorf("after the reply: %+v, want both enabled again", after)
	}
	if n := e.messageCount(); n != 2 {
		t.Errorf("%d messages stored, want the question and its reply once", n)
	}

	// A request that fails unlocks the form too, with the error in the reply's place.
	var failed controls
	var errText string
	step("a failed request",
		chromedp.Evaluate(`document.querySelector('[data-testid="preview-form"]').action = "/no-such-page"`, nil),
		chromedp.SendKeys(`#preview-message`, "Is the shop open on Sundays?"),
		chromedp.Click(send),
		chromedp.WaitVisible(`.msg-error`),
		chromedp.Text(`.msg-error`, &errText),
		chromedp.Evaluate(state, &failed),
	)
	if failed.Button || failed.Input || !strings.Contains(errText, "404") {
		t.Errorf("after a failed request: %+v, error %q", failed, errText)
	}
}
