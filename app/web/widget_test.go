package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"agent/app/channel"
	"agent/app/config"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/web"
)

const shopOrigin = "https://shop.example"

// chatEnv is an install with knowledge, the agent Ava and an active chat channel on
// shopOrigin whose handoffs go to the owner; the model answers giftReply.
func chatEnv(t *testing.T, edit func(*config.Config)) (*env, channel.Channel) {
	t.Helper()
	e := newEnv(t, edit)
	e.setupOwner()
	e.shopKnowledge()
	a := e.createAgent("Ava")
	e.replyWith(giftReply)
	return e, e.createChannel(channel.Input{Name: "Website", AgentID: a.ID, AllowedOrigins: []string{shopOrigin},
		Welcome: "Hi! Ask me anything.", QuickReplies: []string{"Shipping costs"}, HandoffUsers: []int64{e.ownerID()}, ShowHuman: true})
}

func (e *env) createChannel(in channel.Input) channel.Channel {
	e.t.Helper()
	in.Kind, in.Active = channel.Chat, true
	ch, err := e.channels.Create(context.Background(), e.wsID, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return ch
}

// customerWrites has a new visitor of ch write text, and returns their conversation.
func (e *env) customerWrites(ch channel.Channel, text string) inbox.Conversation {
	e.t.Helper()
	ctx := context.Background()
	v, _, err := e.service.Store.NewVisitor(ctx, ch, "en")
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.service.Store.OpenConversation(ctx, ch, v, false)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, _, err := e.service.VisitorMessage(ctx, ch, c, text, "en"); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) ownerID() int64 {
	e.t.Helper()
	u, err := e.accounts.UserByEmail(context.Background(), "owner@example.com")
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

type wResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r wResponse) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d %q: %v", r.status, r.body, err)
	}
}

// errorText is the JSON error of a refused request ("" when the body is not one).
func (r wResponse) errorText() string {
	var e struct{ Error string }
	json.Unmarshal(r.body, &e)
	return e.Error
}

// widgetDo sends a request to the widget API as a browser on another site would; headers
// come in pairs.
func (e *env) widgetDo(c *http.Client, method, path string, body any, headers ...string) wResponse {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return wResponse{status: res.StatusCode, header: res.Header, body: b}
}

// widgetVisitor is one browser with the widget on a site.
type widgetVisitor struct {
	e      *env
	key    string
	origin string
	token  string
	conv   string
	query  string // "?preview=1"
	client *http.Client
}

type wConversation struct {
	ID    string
	Open  bool
	AI    bool
	Human string
}

type wMessage struct {
	ID      string
	Author  string
	Text    string
	Name    string
	Sources []struct {
		N     int
		Title string
		URL   string
	}
	QuickReplies []string `json:"quick_replies"`
	Rate         bool
	Feedback     string
	Label        string
}

type wState struct {
	Token        string
	Conversation *wConversation
	Messages     []wMessage
}

type wSent struct {
	Conversation wConversation
	Message      wMessage
	Replies      []wMessage
}

func (e *env) widgetVisitor(ch channel.Channel, origin string) *widgetVisitor {
	return &widgetVisitor{e: e, key: ch.PublicKey, origin: origin}
}

func (v *widgetVisitor) path(rest string) string {
	return "/widget/v1/" + v.key + "/" + rest + v.query
}

func (v *widgetVisitor) do(method, rest string, body any) wResponse {
	v.e.t.Helper()
	h := []string{"Origin", v.origin}
	if v.token != "" {
		h = append(h, "Authorization", "Bearer "+v.token)
	}
	if v.client != nil {
		h = append(h, "Sec-Fetch-Site", "same-origin")
	}
	return v.e.widgetDo(v.client, method, v.path(rest), body, h...)
}

// start begins (or resumes) the visit and keeps the token.
func (v *widgetVisitor) start() wState {
	v.e.t.Helper()
	res := v.do(http.MethodPost, "visitor", map[string]string{"lang": "en-GB"})
	if res.status != http.StatusOK {
		v.e.t.Fatalf("start: %d %s", res.status, res.body)
	}
	var s wState
	res.decode(v.e.t.(*testing.T), &s)
	v.token = s.Token
	return s
}

// open starts the visitor's conversation and keeps its id.
func (v *widgetVisitor) open() {
	v.e.t.Helper()
	res := v.do(http.MethodPost, "conversations", nil)
	if res.status != http.StatusOK {
		v.e.t.Fatalf("open conversation: %d %s", res.status, res.body)
	}
	var s wState
	res.decode(v.e.t.(*testing.T), &s)
	v.conv = s.Conversation.ID
}

func (v *widgetVisitor) say(text string) (wResponse, wSent) {
	v.e.t.Helper()
	res := v.do(http.MethodPost, "conversations/"+v.conv+"/messages", map[string]string{"text": text, "lang": "en-GB"})
	var s wSent
	if res.status == http.StatusOK {
		res.decode(v.e.t.(*testing.T), &s)
	}
	return res, s
}

type wEvent struct {
	name string // "" for a comment
	data string
}

// stream follows the conversation's events until ctx ends; the first value is the status.
func (v *widgetVisitor) stream(ctx context.Context, conv string) (int, <-chan wEvent) {
	v.e.t.Helper()
	q := "?token=" + v.token
	if v.query != "" {
		q += "&" + strings.TrimPrefix(v.query, "?")
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, v.e.srv.URL+"/widget/v1/"+v.key+"/conversations/"+conv+"/events"+q, nil)
	req.Header.Set("Origin", v.origin)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		v.e.t.Fatal(err)
	}
	ch := make(chan wEvent, 1000)
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		close(ch)
		return res.StatusCode, ch
	}
	go func() {
		defer close(ch)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev wEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, ":"):
				ch <- wEvent{data: strings.TrimSpace(line[1:])}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				ch <- ev
				ev = wEvent{}
			}
		}
	}()
	return res.StatusCode, ch
}

// next returns the next event of a stream with a name (comments skipped unless wanted).
func next(t *testing.T, events <-chan wEvent, comments bool) wEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the event stream ended")
			}
			if ev.name != "" || comments {
				return ev
			}
		case <-timeout:
			t.Fatal("no event within 10s")
		}
	}
}

func TestWidgetScript(t *testing.T) {
	e := newEnv(t, nil)
	res := e.widgetDo(nil, http.MethodGet, "/widget.js", nil)
	h := res.header
	if res.status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") ||
		h.Get("Cache-Control") != "public, max-age=300" || !bytes.Contains(res.body, []byte("attachShadow")) {
		t.Fatalf("widget.js: %d %v", res.status, h)
	}
	if bytes.Contains(res.body, []byte("eval(")) || bytes.Contains(res.body, []byte("innerHTML")) {
		t.Error("widget.js uses eval or innerHTML")
	}
	if h.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
		t.Errorf("CORP = %q", h.Get("Cross-Origin-Resource-Policy"))
	}
	if res := e.widgetDo(nil, http.MethodGet, "/widget.js", nil, "If-None-Match", h.Get("ETag")); res.status != http.StatusNotModified {
		t.Errorf("revalidation: %d", res.status)
	}
	// Go's client asks for gzip itself and undoes it; asking explicitly keeps it as sent.
	gz := e.widgetDo(nil, http.MethodGet, "/widget.js", nil, "Accept-Encoding", "gzip")
	if gz.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: %v", gz.header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.body))
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, res.body) {
		t.Error("the gzipped script differs")
	}
	t.Logf("widget.js: %d bytes, %d gzipped", len(res.body), len(gz.body))
}

func TestWidgetUnknownOrInactive(t *testing.T) {
	e, ch := chatEnv(t, nil)
	res := e.widgetDo(nil, http.MethodGet, "/widget/v1/ch_unknown/config", nil, "Origin", shopOrigin)
	if res.status != http.StatusNotFound || res.errorText() == "" || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Errorf("unknown key: %d %s", res.status, res.body)
	}
	email, err := e.channels.Create(context.Background(), e.wsID, channel.Input{Kind: channel.Email, Name: "Mail", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if res := e.widgetDo(nil, http.MethodGet, "/widget/v1/"+email.PublicKey+"/config", nil); res.status != http.StatusNotFound {
		t.Errorf("email channel: %d", res.status)
	}
	res = e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/config", nil, "Origin", shopOrigin)
	var cfg struct {
		Name, Avatar, Welcome, Label string
		AI                           bool
		QuickReplies                 []string `json:"quick_replies"`
	}
	res.decode(t, &cfg)
	if res.status != http.StatusOK || cfg.Name != "Ava" || !cfg.AI || cfg.Label != "Powered by AI" || cfg.Welcome != "Hi! Ask me anything." ||
		len(cfg.QuickReplies) != 1 || cfg.Avatar != "" {
		t.Errorf("config: %d %+v", res.status, cfg)
	}
	in := channel.Input{Kind: channel.Chat, Name: ch.Name, AgentID: ch.AgentID, Active: false}
	if _, err := e.channels.Update(context.Background(), e.wsID, ch.ID, in); err != nil {
		t.Fatal(err)
	}
	if res := e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/config", nil); res.status != http.StatusNotFound {
		t.Errorf("inactive channel: %d", res.status)
	}
}

func TestWidgetAvatar(t *testing.T) {
	e, ch := chatEnv(t, nil)
	if res := e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/avatar", nil); res.status != http.StatusNotFound {
		t.Errorf("no avatar: %d", res.status)
	}
	img := pngImage(t)
	if err := e.agents.SetAvatar(context.Background(), e.wsID, ch.AgentID, img); err != nil {
		t.Fatal(err)
	}
	var cfg struct{ Avatar string }
	e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/config", nil).decode(t, &cfg)
	if !strings.HasPrefix(cfg.Avatar, "/widget/v1/"+ch.PublicKey+"/avatar?v=") {
		t.Fatalf("avatar URL %q", cfg.Avatar)
	}
	res := e.widgetDo(nil, http.MethodGet, cfg.Avatar, nil)
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "image/png" || !bytes.Equal(res.body, img) ||
		res.header.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
		t.Errorf("avatar: %d %v", res.status, res.header)
	}
}

func TestWidgetCORS(t *testing.T) {
	e, ch := chatEnv(t, nil)
	config := "/widget/v1/" + ch.PublicKey + "/config"

	res := e.widgetDo(nil, http.MethodGet, config, nil, "Origin", shopOrigin)
	if res.status != http.StatusOK || res.header.Get("Access-Control-Allow-Origin") != shopOrigin || !strings.Contains(res.header.Get("Vary"), "Origin") {
		t.Errorf("allowed origin: %d %v", res.status, res.header)
	}
	res = e.widgetDo(nil, http.MethodGet, config, nil, "Origin", "https://evil.example")
	// The page may read the refusal, which says only that the site is not allowed.
	if res.status != http.StatusForbidden || res.header.Get("Access-Control-Allow-Origin") != "https://evil.example" ||
		!strings.Contains(res.errorText(), "not in the channel's allowed origins") || !strings.Contains(string(res.body), `"code":"origin_not_allowed"`) {
		t.Errorf("refused origin: %d %v %s", res.status, res.header, res.body)
	}
	if res := e.widgetDo(nil, http.MethodGet, config, nil); res.status != http.StatusOK || res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no origin: %d %v", res.status, res.header)
	}

	// Preflight of a message post.
	path := "/widget/v1/" + ch.PublicKey + "/conversations/x/messages"
	res = e.widgetDo(nil, http.MethodOptions, path, nil, "Origin", shopOrigin, "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "authorization,content-type")
	if res.status != http.StatusNoContent || res.header.Get("Access-Control-Allow-Origin") != shopOrigin ||
		!strings.Contains(res.header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(strings.ToLower(res.header.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("preflight: %d %v", res.status, res.header)
	}
	res = e.widgetDo(nil, http.MethodOptions, path, nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if res.status != http.StatusForbidden || res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("refused preflight: %d %v", res.status, res.header)
	}

	// A visitor's post from a refused site does nothing, even with a valid token.
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	v.origin = "https://evil.example"
	before := e.messageCount()
	if res, _ := v.say(giftQuestion); res.status != http.StatusForbidden {
		t.Errorf("post from a refused site: %d", res.status)
	}
	if e.messageCount() != before {
		t.Error("a refused post stored a message")
	}

	// No allowed origins: any site may embed the chat.
	open := e.createChannel(channel.Input{Name: "Anywhere", AgentID: ch.AgentID})
	res = e.widgetDo(nil, http.MethodGet, "/widget/v1/"+open.PublicKey+"/config", nil, "Origin", "https://any.example")
	if res.status != http.StatusOK || res.header.Get("Access-Control-Allow-Origin") != "https://any.example" {
		t.Errorf("open channel: %d %v", res.status, res.header)
	}
}

func TestWidgetRateLimits(t *testing.T) {
	e, ch := chatEnv(t, func(c *config.Config) { c.Chat.MessagesPerMinute = 2 })
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	for i := range 2 {
		if res, _ := v.say("Hello"); res.status != http.StatusOK {
			t.Fatalf("message %d: %d %s", i+1, res.status, res.body)
		}
	}
	res, _ := v.say("Hello again")
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || res.errorText() == "" {
		t.Errorf("third message: %d %v %s", res.status, res.header, res.body)
	}
	// Another visitor has their own allowance.
	w := e.widgetVisitor(ch, shopOrigin)
	w.start()
	w.open()
	if res, _ := w.say("Hello"); res.status != http.StatusOK {
		t.Errorf("another visitor: %d", res.status)
	}

	e, ch = chatEnv(t, func(c *config.Config) { c.Chat.IPRequestsPerMinute = 3 })
	for i := range 3 {
		if res := e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/config", nil); res.status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, res.status)
		}
	}
	res = e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/config", nil)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Errorf("fourth request from the IP: %d %v", res.status, res.header)
	}
}

func TestWidgetMessageSize(t *testing.T) {
	e, ch := chatEnv(t, nil)
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	before := e.messageCount()
	res, _ := v.say(strings.Repeat("a", inbox.MaxMessage+1))
	if res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.errorText(), "4000") {
		t.Errorf("too long: %d %s", res.status, res.body)
	}
	huge := []byte(`{"text":"` + strings.Repeat("b", 200<<10) + `"}`)
	res = v.do(http.MethodPost, "conversations/"+v.conv+"/messages", huge)
	if res.status != http.StatusRequestEntityTooLarge || res.errorText() == "" {
		t.Errorf("huge body: %d %s", res.status, res.body)
	}
	if res, _ := v.say("   "); res.status != http.StatusUnprocessableEntity || res.errorText() == "" {
		t.Errorf("empty: %d %s", res.status, res.body)
	}
	if res := v.do(http.MethodPost, "conversations/"+v.conv+"/messages", []byte("{not json")); res.status != http.StatusBadRequest {
		t.Errorf("bad JSON: %d", res.status)
	}
	if e.messageCount() != before {
		t.Error("a refused message was stored")
	}
	if res, _ := v.say(strings.Repeat("é", inbox.MaxMessage)); res.status != http.StatusOK {
		t.Errorf("a message of exactly the limit: %d %s", res.status, res.body)
	}
}

func TestWidgetVisitorsApart(t *testing.T) {
	e, ch := chatEnv(t, nil)
	a, b := e.widgetVisitor(ch, shopOrigin), e.widgetVisitor(ch, shopOrigin)
	a.start()
	a.open()
	b.start()
	b.open()
	_, sent := b.say(giftQuestion)
	if len(sent.Replies) != 1 {
		t.Fatalf("b's replies: %+v", sent)
	}
	if a.conv == b.conv || a.token == b.token {
		t.Fatal("two visitors share a conversation or token")
	}
	before := e.messageCount()
	bConv := "conversations/" + b.conv
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, bConv},
		{http.MethodPost, bConv + "/messages"},
		{http.MethodPost, bConv + "/messages/" + sent.Replies[0].ID + "/feedback"},
	} {
		res := a.do(r.method, r.path, map[string]any{"text": "mine now", "helpful": true})
		if res.status != http.StatusNotFound || res.errorText() == "" {
			t.Errorf("a %s %s: %d %s", r.method, r.path, res.status, res.body)
		}
	}
	if status, _ := a.stream(context.Background(), b.conv); status != http.StatusNotFound {
		t.Errorf("a streams b's conversation: %d", status)
	}
	if _, ok := e.feedback(sent.Replies[0].ID); ok {
		t.Error("a rated b's reply")
	}
	if e.messageCount() != before {
		t.Error("a wrote into b's conversation")
	}
	// No token, or a made-up one: 401, and the stream is refused too.
	a.token = "v_madeup"
	if res := a.do(http.MethodGet, "conversations/"+a.conv, nil); res.status != http.StatusUnauthorized {
		t.Errorf("made-up token: %d", res.status)
	}
	if status, _ := a.stream(context.Background(), a.conv); status != http.StatusUnauthorized {
		t.Errorf("stream with a made-up token: %d", status)
	}
	// A token is valid on its own channel only.
	other := e.createChannel(channel.Input{Name: "Other site", AgentID: ch.AgentID})
	c := e.widgetVisitor(other, shopOrigin)
	c.token = b.token
	if res := c.do(http.MethodGet, bConv, nil); res.status != http.StatusUnauthorized {
		t.Errorf("b's token on another channel: %d", res.status)
	}
	// Starting with an unknown token makes a new visitor with a new token.
	a.token = "v_madeup"
	if s := a.start(); s.Token == "v_madeup" || s.Token == "" || s.Conversation != nil {
		t.Errorf("restart with an unknown token: %+v", s)
	}
}

func (e *env) feedback(messageID string) (inbox.Feedback, bool) {
	e.t.Helper()
	id, _ := ids.Decode(messageID)
	f, ok, err := e.service.Store.FeedbackOf(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return f, ok
}

// TestWidgetRoundTrip is a visit through the API: start, a question answered with its
// source while the stream shows it being written, feedback, a request for a person who
// takes over and replies live; internal notes never reach the visitor.
func TestWidgetRoundTrip(t *testing.T) {
	e, ch := chatEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	owner := e.ownerID()
	if err := e.service.SetOnline(ctx, e.wsID, owner, true); err != nil {
		t.Fatal(err)
	}

	v := e.widgetVisitor(ch, shopOrigin)
	if s := v.start(); s.Token == "" || s.Conversation != nil || len(s.Messages) != 0 {
		t.Fatalf("first start: %+v", s)
	}
	v.open()
	status, events := v.stream(ctx, v.conv)
	if status != http.StatusOK {
		t.Fatalf("stream: %d", status)
	}
	var conv wConversation
	if ev := next(t, events, false); ev.name != "conversation" || json.Unmarshal([]byte(ev.data), &conv) != nil || !conv.AI || conv.ID != v.conv {
		t.Fatalf("first event %+v", ev)
	}

	res, sent := v.say(giftQuestion)
	if res.status != http.StatusOK || res.header.Get("Access-Control-Allow-Origin") != shopOrigin {
		t.Fatalf("send: %d %s", res.status, res.body)
	}
	if sent.Message.Author != "visitor" || sent.Message.Text != giftQuestion || len(sent.Replies) != 1 {
		t.Fatalf("sent %+v", sent)
	}
	reply := sent.Replies[0]
	if reply.Author != "bot" || reply.Text != giftReply || !reply.Rate || len(reply.Sources) != 1 || reply.Sources[0].Title != giftQuestion || reply.Sources[0].N != 1 {
		t.Fatalf("reply %+v", reply)
	}

	// The stream: the visitor's message, the reply's words, then the reply.
	var m wMessage
	if ev := next(t, events, false); ev.name != "message" || json.Unmarshal([]byte(ev.data), &m) != nil || m.ID != sent.Message.ID {
		t.Fatalf("expected the visitor's message, got %+v", ev)
	}
	var written string
	tokens := 0
	for {
		ev := next(t, events, false)
		if ev.name == "token" {
			var tok string
			json.Unmarshal([]byte(ev.data), &tok)
			written += tok
			tokens++
			continue
		}
		if ev.name != "message" || json.Unmarshal([]byte(ev.data), &m) != nil || m.ID != reply.ID || len(m.Sources) != 1 {
			t.Fatalf("expected the reply, got %+v", ev)
		}
		break
	}
	if tokens < 2 || written != giftReply {
		t.Errorf("%d tokens writing %q", tokens, written)
	}

	// Thumbs down with a reason, then changed to up.
	fb := v.do(http.MethodPost, "conversations/"+v.conv+"/messages/"+reply.ID+"/feedback", map[string]any{"helpful": false, "reason": "not_useful", "comment": "Which shops?"})
	if fb.status != http.StatusNoContent {
		t.Fatalf("feedback: %d %s", fb.status, fb.body)
	}
	if f, ok := e.feedback(reply.ID); !ok || f.Helpful || f.Reason != "not_useful" || f.Comment != "Which shops?" {
		t.Errorf("stored feedback %+v %v", f, ok)
	}
	if res := v.do(http.MethodPost, "conversations/"+v.conv+"/messages/"+reply.ID+"/feedback", map[string]any{"helpful": false, "reason": "rude"}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown reason: %d", res.status)
	}
	if res := v.do(http.MethodPost, "conversations/"+v.conv+"/messages/"+sent.Message.ID+"/feedback", map[string]any{"helpful": true}); res.status != http.StatusNotFound {
		t.Errorf("feedback on the visitor's own message: %d", res.status)
	}

	// Asking for a person: the AI hands off to the owner, who is online.
	_, sent = v.say("Can I talk to a human?")
	hs, err := e.service.Store.Handoffs(ctx, mustDecode(t, v.conv))
	if err != nil || len(hs) != 1 || hs[0].Cause != inbox.CauseVisitor || hs[0].Outcome != inbox.Assigned || hs[0].ToUserID != owner {
		t.Fatalf("handoffs %+v %v", hs, err)
	}
	if sent.Conversation.AI || sent.Conversation.Human != "Olga Owner" {
		t.Errorf("conversation after handoff %+v", sent.Conversation)
	}
	for {
		ev := next(t, events, false)
		if ev.name == "conversation" {
			json.Unmarshal([]byte(ev.data), &conv)
			if conv.AI || conv.Human != "Olga Owner" {
				t.Errorf("conversation event %+v", conv)
			}
			break
		}
	}

	// A note stays with staff; the person's reply arrives live.
	id := mustDecode(t, v.conv)
	if _, err := e.service.Note(ctx, e.wsID, id, owner, "secret note: VIP customer"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.service.HumanReply(ctx, e.wsID, id, owner, "Hello, Olga here. How can I help?"); err != nil {
		t.Fatal(err)
	}
	for {
		ev := next(t, events, false)
		if strings.Contains(ev.data, "secret note") {
			t.Fatalf("the note reached the visitor: %+v", ev)
		}
		if ev.name == "message" {
			var m wMessage
			json.Unmarshal([]byte(ev.data), &m)
			if m.Author != "human" || m.Text != "Hello, Olga here. How can I help?" || m.Name != "Olga Owner" || m.Rate {
				t.Errorf("human reply %+v", m)
			}
			break
		}
	}

	// A reload resumes the conversation, without the note, with the feedback given.
	s := v.start()
	if s.Conversation == nil || s.Conversation.ID != v.conv || s.Conversation.Human != "Olga Owner" {
		t.Fatalf("resume: %+v", s.Conversation)
	}
	var authors []string
	for _, m := range s.Messages {
		authors = append(authors, m.Author)
		if strings.Contains(m.Text, "secret") {
			t.Error("the note is in the resumed conversation")
		}
		if m.ID == reply.ID && m.Feedback != "down" {
			t.Errorf("resumed reply's feedback %q", m.Feedback)
		}
	}
	if got := strings.Join(authors, ","); got != "visitor,bot,visitor,bot,human" {
		t.Errorf("resumed messages by %s", got)
	}
}

func mustDecode(t *testing.T, id string) int64 {
	t.Helper()
	n, ok := ids.Decode(id)
	if !ok {
		t.Fatalf("bad id %q", id)
	}
	return n
}

// TestWidgetClosedConversation: a message to a closed conversation starts a new one.
func TestWidgetClosedConversation(t *testing.T) {
	e, ch := chatEnv(t, nil)
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	v.say(giftQuestion)
	if err := e.service.SetStatus(context.Background(), e.wsID, mustDecode(t, v.conv), true); err != nil {
		t.Fatal(err)
	}
	if s := v.start(); s.Conversation == nil || s.Conversation.Open || len(s.Messages) != 2 {
		t.Fatalf("resumed closed conversation %+v", s)
	}
	res, sent := v.say("Hello again")
	if res.status != http.StatusOK || sent.Conversation.ID == v.conv || !sent.Conversation.Open || !sent.Conversation.AI || len(sent.Replies) != 1 {
		t.Fatalf("message to a closed conversation: %d %+v", res.status, sent)
	}
	// The new conversation greets the visitor (the channel's welcome) before their message.
	if s := v.start(); s.Conversation.ID != sent.Conversation.ID || len(s.Messages) != 3 || s.Messages[0].Author != "system" ||
		s.Messages[0].Text != ch.Welcome || s.Messages[1].Text != "Hello again" {
		t.Errorf("resumed %+v", s)
	}
	// Anything else under the API is a JSON 404.
	if res := v.do(http.MethodPut, "config", nil); res.status != http.StatusNotFound || res.errorText() == "" {
		t.Errorf("PUT config: %d %s", res.status, res.body)
	}
}

func TestWidgetHeartbeat(t *testing.T) {
	defer web.SetHeartbeat(50 * time.Millisecond)()
	e, ch := chatEnv(t, nil)
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, events := v.stream(ctx, v.conv)
	next(t, events, false)
	if ev := next(t, events, true); ev.name != "" || ev.data != "ping" {
		t.Errorf("heartbeat %+v", ev)
	}
}

// TestWidgetPausedAgent: with the agent paused, conversations go straight to people.
func TestWidgetPausedAgent(t *testing.T) {
	e, ch := chatEnv(t, nil)
	if err := e.agents.SetActive(context.Background(), e.wsID, ch.AgentID, false); err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		AI    bool
		Label string
	}
	e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/config", nil).decode(t, &cfg)
	if cfg.AI || cfg.Label != "" {
		t.Errorf("config of a paused agent %+v", cfg)
	}
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	res, sent := v.say(giftQuestion)
	if res.status != http.StatusOK || sent.Conversation.AI {
		t.Fatalf("send: %d %+v", res.status, sent)
	}
	for _, r := range sent.Replies {
		if r.Author == "bot" {
			t.Errorf("a paused agent replied: %+v", r)
		}
	}
	hs, _ := e.service.Store.Handoffs(context.Background(), mustDecode(t, v.conv))
	if len(hs) != 1 || hs[0].Cause != inbox.CauseAutomation {
		t.Errorf("handoffs %+v", hs)
	}
}

// TestWidgetPreview: the admin's live preview needs a same-origin request of a signed-in
// member of the channel's workspace, and makes preview conversations.
func TestWidgetPreview(t *testing.T) {
	e, ch := chatEnv(t, nil)
	anon := e.widgetVisitor(ch, e.srv.URL)
	anon.query = "?preview=1"
	if res := anon.do(http.MethodPost, "visitor", nil); res.status != http.StatusForbidden || res.errorText() == "" {
		t.Errorf("preview without a session: %d %s", res.status, res.body)
	}

	// A signed-in member of another workspace is refused too.
	ctx := context.Background()
	sid := mustAddUser(t, e, "s@example.com")
	if _, err := e.accounts.CreateWorkspace(ctx, "Elsewhere", sid); err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.RemoveMember(ctx, e.wsID, sid); err != nil {
		t.Fatal(err)
	}
	stranger := e.browser()
	if res := stranger.login("s@example.com", "zz password"); res.status != http.StatusOK {
		t.Fatalf("stranger login: %d", res.status)
	}
	anon.client = stranger.c
	if res := anon.do(http.MethodPost, "visitor", nil); res.status != http.StatusForbidden {
		t.Errorf("preview by a member of another workspace: %d %s", res.status, res.body)
	}

	admin := e.widgetVisitor(ch, e.srv.URL)
	admin.query = "?preview=1"
	admin.client = e.ownerBrowser().c
	admin.start()
	admin.open()
	if _, sent := admin.say(giftQuestion); len(sent.Replies) != 1 || sent.Replies[0].Text != giftReply {
		t.Fatalf("preview reply %+v", sent)
	}
	if got := e.previewConversations(); len(got) != 1 || !got[0] {
		t.Errorf("conversations' preview flags %v, want one preview", got)
	}

	// The same session from another site is no preview.
	cross := *admin
	cross.origin = shopOrigin
	cross.client = &http.Client{Jar: admin.client.Jar}
	res := e.widgetDo(cross.client, http.MethodPost, cross.path("conversations"), nil, "Origin", shopOrigin, "Authorization", "Bearer "+admin.token,
		"Sec-Fetch-Site", "cross-site")
	if res.status != http.StatusForbidden {
		t.Errorf("cross-site preview: %d", res.status)
	}

	// Without the preview flag, the same visitor's conversations are real ones.
	real := e.widgetVisitor(ch, shopOrigin)
	real.start()
	real.open()
	real.say(giftQuestion)
	if got := e.previewConversations(); len(got) != 2 || got[1] {
		t.Errorf("preview flags %v", got)
	}

	// An inactive channel can still be tried in the preview.
	if _, err := e.channels.Update(context.Background(), e.wsID, ch.ID, channel.Input{Kind: channel.Chat, Name: ch.Name, AgentID: ch.AgentID}); err != nil {
		t.Fatal(err)
	}
	if res := admin.do(http.MethodGet, "config", nil); res.status != http.StatusOK {
		t.Errorf("preview of an inactive channel: %d", res.status)
	}
	if res := real.do(http.MethodGet, "config", nil); res.status != http.StatusNotFound {
		t.Errorf("inactive channel: %d", res.status)
	}
}

// TestWidgetStreamLimits: a visitor may hold streams_per_visitor event streams open and an
// IP address streams_per_ip; beyond them the answer is 429 with Retry-After, and a slot
// is free again once its stream's client has gone, refused attempts holding none.
func TestWidgetStreamLimits(t *testing.T) {
	e, ch := chatEnv(t, func(c *config.Config) { c.Chat.StreamsPerVisitor, c.Chat.StreamsPerIP = 2, 3 })
	a, b := e.widgetVisitor(ch, shopOrigin), e.widgetVisitor(ch, shopOrigin)
	for _, v := range []*widgetVisitor{a, b} {
		v.start()
		v.open()
	}
	var stops []context.CancelFunc
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	// open follows v's conversation and returns the status and how to leave.
	open := func(v *widgetVisitor) (int, context.CancelFunc) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		stops = append(stops, cancel)
		status, events := v.stream(ctx, v.conv)
		if status == http.StatusOK {
			next(t, events, false) // the stream is open and counted
		}
		return status, cancel
	}
	refused := func(v *widgetVisitor, want string) {
		t.Helper()
		if status, _ := open(v); status != http.StatusTooManyRequests {
			t.Fatalf("stream = %d, want 429", status)
		}
		res := v.do(http.MethodGet, "conversations/"+v.conv+"/events", nil)
		if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || !strings.Contains(res.errorText(), want) {
			t.Errorf("refused stream: %d Retry-After %q %q", res.status, res.header.Get("Retry-After"), res.body)
		}
	}

	status, leaveA := open(a)
	if status2, _ := open(a); status != http.StatusOK || status2 != http.StatusOK {
		t.Fatalf("visitor's streams = %d, %d", status, status2)
	}
	refused(a, "too many tabs")
	if status, _ := open(b); status != http.StatusOK {
		t.Fatalf("another visitor's stream = %d", status)
	}
	refused(b, "from this network") // the address holds 3

	// When one of a's tabs closes, b takes its place: b's refusals held nothing.
	leaveA()
	waitFor(t, "a closed stream's slot", func() bool {
		status, _ := open(b)
		return status == http.StatusOK
	})
	refused(b, "too many tabs")

	// With every client gone, every slot is free again.
	for _, stop := range stops {
		stop()
	}
	for _, v := range []*widgetVisitor{a, a, b} {
		waitFor(t, "the streams' slots to be free", func() bool {
			status, _ := open(v)
			return status == http.StatusOK
		})
	}
}

// TestStreamsEndAtShutdown: shutting the server down ends its open event streams at once
// rather than waiting for their clients to leave.
func TestStreamsEndAtShutdown(t *testing.T) {
	e, ch := chatEnv(t, func(c *config.Config) { c.Server.Listen = "127.0.0.1:0" })
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- e.server.ListenAndServe(ctx, func(a string) { addr <- a }) }()
	res, err := http.Get("http://" + <-addr + v.path("conversations/"+v.conv+"/events") + "?token=" + v.token)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body := bufio.NewReader(res.Body)
	for line := ""; !strings.HasPrefix(line, "event: conversation"); {
		if line, err = body.ReadString('\n'); err != nil {
			t.Fatalf("the stream ended before its first event: %v", err)
		}
	}

	cancel()
	ended := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, body); ended <- err }()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream outlived the shutdown")
	}
	if err := <-served; err != nil {
		t.Errorf("ListenAndServe = %v", err)
	}
}
