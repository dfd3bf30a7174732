package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"agent/app/attach"
	"agent/app/channel"
	"agent/app/channel/meta"
	"agent/app/channel/meta/metatest"
	"agent/app/config"
	"agent/app/ids"
	"agent/app/inbox"
)

const (
	metaToken  = "EAAGm0PX4ZCpsBAwebtesttoken"
	metaSecret = "fedcba9876543210fedcba9876543210"
	metaPhone  = "106540352242922"
)

// metaWorld is an install whose Graph API is a fake, with the WhatsApp drivers and the
// webhook's intake on the test's job runner.
type metaWorld struct {
	*env
	graph *metatest.Graph
	b     *browser
}

func newMetaWorld(t *testing.T) *metaWorld {
	t.Helper()
	graph := metatest.NewGraph(t, metaToken)
	e := newEnv(t, func(c *config.Config) { c.Meta.GraphURL = graph.URL })
	e.setupOwner()
	e.shopKnowledge()
	e.replyWith(giftReply)
	g := &meta.Graph{BaseURL: graph.URL, Version: graph.Version}
	for _, k := range []channel.Kind{channel.WhatsApp, channel.Messenger} {
		e.deliveries.Drivers[k] = &meta.Sender{Kind: k, DB: e.db, Settings: meta.NewStore(e.db), Inbox: e.service.Store, Graph: g}
	}
	e.service.Outboxes = map[channel.Kind]inbox.Outbox{channel.WhatsApp: e.deliveries, channel.Messenger: e.deliveries}
	intake := &meta.Intake{DB: e.db, Settings: meta.NewStore(e.db), Service: e.service, Graph: g, Files: attach.NewStore(e.db)}
	e.deliveries.Jobs.Handle(meta.JobEvent, intake.Process)
	return &metaWorld{env: e, graph: graph, b: e.ownerBrowser()}
}

// whatsApp adds a WhatsApp channel through the admin and connects it; it returns the
// channel and its page's path.
func (w *metaWorld) whatsApp(t *testing.T) (channel.Channel, string) {
	t.Helper()
	w.b.post(w.path("channels/whatsapp"), url.Values{"name": {"WhatsApp"}})
	chs, err := w.channels.List(context.Background(), w.wsID)
	if err != nil {
		t.Fatal(err)
	}
	var ch channel.Channel
	for _, c := range chs {
		if c.Kind == channel.WhatsApp {
			ch = c
		}
	}
	page := w.path("channels/" + ids.Encode(ch.ID) + "/meta")
	res := w.b.post(page, url.Values{"account_id": {metaPhone}, "business_id": {"102290129340398"}, "access_token": {metaToken},
		"app_secret": {metaSecret}, "templates": {"order_update en_US 1\nwelcome_back en"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Connection saved.") {
		t.Fatalf("save: %d\n%s", res.status, res.body)
	}
	return ch, page
}

var verifyTokenRE = regexp.MustCompile(`data-testid="meta-verify-token">([0-9a-f]{32})<`)

// An admin adds a WhatsApp channel and connects it: a bad field says what is wrong, the
// secrets are never shown again, the page gives the webhook URL and a generated verify
// token, and Test checks the token with the Graph API and says whether Meta verified the
// webhook.
func TestMetaSetup(t *testing.T) {
	w := newMetaWorld(t)
	ava := w.createAgent("Ava")
	res := w.b.post(w.path("channels/whatsapp"), url.Values{"name": {"WhatsApp"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "WhatsApp channel WhatsApp added. Connect it to Meta.") ||
		!strings.Contains(res.body, `data-testid="meta-form"`) || strings.Contains(res.body, "meta-test-button") || strings.Contains(res.body, "meta-verify-token") {
		t.Fatalf("a new WhatsApp channel: %d\n%s", res.status, res.body)
	}
	page := strings.TrimPrefix(res.url, w.srv.URL)
	chID, _ := ids.Decode(strings.Split(page, "/")[4])
	ch, err := w.channels.Get(context.Background(), w.wsID, chID)
	if err != nil || ch.Kind != channel.WhatsApp || ch.AgentID != ava.ID {
		t.Fatalf("the channel: %+v %v", ch, err)
	}
	if res := w.b.get(w.path("channels/" + ids.Encode(ch.ID))); !strings.Contains(res.body, `data-testid="meta-link"`) {
		t.Error("the channel's page does not lead to its connection")
	}
	form := url.Values{"account_id": {"not a number"}, "access_token": {metaToken}, "app_secret": {metaSecret}, "templates": {"order_update en_US 1"}}
	if res := w.b.post(page, form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "nter the phone number id") {
		t.Fatalf("a bad phone number id: %d", res.status)
	}
	form.Set("account_id", metaPhone)
	form.Set("templates", "Order Update")
	if res := w.b.post(page, form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "ine 1: write a template") {
		t.Fatalf("a bad template: %d", res.status)
	}
	form.Set("templates", "order_update en_US 1")
	res = w.b.post(page, form)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Connection saved.") {
		t.Fatalf("save: %d", res.status)
	}
	if strings.Contains(res.body, metaToken) || strings.Contains(res.body, metaSecret) || strings.Count(res.body, "Set (••••••••") != 2 {
		t.Error("a stored secret is shown, or not said to be set")
	}
	hook := w.srv.URL + "/hooks/meta/" + ch.PublicKey
	m := verifyTokenRE.FindStringSubmatch(res.body)
	if m == nil || !strings.Contains(res.body, `data-testid="meta-webhook-url">`+hook+`<`) {
		t.Fatalf("the page does not give the webhook URL and verify token:\n%s", res.body)
	}
	verifyToken := m[1]
	form.Del("access_token")
	form.Del("app_secret")
	if res := w.b.post(page, form); res.status != http.StatusOK || strings.Count(res.body, "Set (••••••••") != 2 || !strings.Contains(res.body, verifyToken) {
		t.Errorf("saved without the secrets: %d", res.status)
	}

	res = w.b.post(page+"/test", url.Values{})
	if !strings.Contains(res.body, `data-testid="meta-test-ok"`) || !strings.Contains(res.body, "Shop") || !strings.Contains(res.body, "meta-webhook-unverified") {
		t.Errorf("the test before Meta checked the webhook:\n%s", res.body)
	}
	get := func(q url.Values) (int, string) {
		r, err := http.Get(hook + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if code, body := get(url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"guess"}, "hub.challenge": {"1158201444"}}); code != http.StatusForbidden || strings.Contains(body, "1158201444") {
		t.Errorf("verification with a wrong token: %d %q", code, body)
	}
	if code, body := get(url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {verifyToken}, "hub.challenge": {"1158201444"}}); code != http.StatusOK || body != "1158201444" {
		t.Errorf("verification: %d %q", code, body)
	}
	if res := w.b.post(page+"/test", url.Values{}); !strings.Contains(res.body, "meta-webhook-verified") {
		t.Error("the test does not say the webhook was verified")
	}
	form.Set("access_token", "EAAexpiredtoken123")
	w.b.post(page, form)
	if res := w.b.post(page+"/test", url.Values{}); !strings.Contains(res.body, `data-testid="meta-test-error"`) || !strings.Contains(res.body, "(#190) Invalid OAuth access token") {
		t.Errorf("the test with a wrong token:\n%s", res.body)
	}
	chat, _ := w.channels.Create(context.Background(), w.wsID, channel.Input{Kind: channel.Chat, Name: "Site", Active: true})
	if res := w.b.get(w.path("channels/" + ids.Encode(chat.ID) + "/meta")); res.status != http.StatusNotFound {
		t.Errorf("a chat widget's connection page: %d", res.status)
	}
}

// Meta's POSTs over HTTP: unsigned 401, signed 200 and stored, too large 413; the
// channel page lists the event and a delivery error.
func TestMetaWebhook(t *testing.T) {
	w := newMetaWorld(t)
	w.createAgent("Ava")
	ch, page := w.whatsApp(t)
	hook := w.srv.URL + "/hooks/meta/" + ch.PublicKey
	body := metatest.WhatsApp("102290129340398", metaPhone, []metatest.WAMessage{{ID: "wamid.web1", From: "4790000001", Name: "Kari",
		Text: giftQuestion, At: time.Now()}}, nil)
	post := func(sig string, body []byte) int {
		t.Helper()
		res, err := metatest.Post(hook, sig, body)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := post("", body); code != http.StatusUnauthorized {
		t.Errorf("unsigned: %d", code)
	}
	if code := post(metatest.Signature("wrong", body), body); code != http.StatusUnauthorized {
		t.Errorf("signed with another secret: %d", code)
	}
	big := append([]byte(`{"object":"`), make([]byte, meta.MaxBody)...)
	if code := post(metatest.Signature(metaSecret, big), big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d", code)
	}
	if code := post(metatest.Signature(metaSecret, body), body); code != http.StatusOK {
		t.Fatalf("signed: %d", code)
	}
	if _, err := w.deliveries.Jobs.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	sent := w.graph.Sent()
	if len(sent) != 1 || sent[0].Body["to"] != "4790000001" || !strings.Contains(sent[0].Text(), "gift cards") {
		t.Fatalf("the AI's answer at the fake API: %+v", sent)
	}
	w.graph.Fail(http.StatusBadRequest, 131047, "Re-engagement message")
	var conv int64
	w.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&conv)
	owner, _ := w.accounts.UserByEmail(context.Background(), "owner@example.com")
	if _, err := w.service.HumanReply(context.Background(), w.wsID, conv, owner.ID, "Hello"); err != nil {
		t.Fatal(err)
	}
	w.deliveries.Jobs.RunDue(context.Background())
	res := w.b.get(page)
	events := regexp.MustCompile(`(?s)data-testid="meta-events".*?</section>`).FindString(res.body)
	errs := regexp.MustCompile(`(?s)data-testid="meta-errors".*?</section>`).FindString(res.body)
	if !strings.Contains(events, "1 message") || !strings.Contains(errs, "(#131047) Re-engagement message") {
		t.Errorf("the channel page's events and errors:\n%s\n%s", events, errs)
	}
}

// After 24 hours the WhatsApp composer says only templates may go and offers the
// channel's; a template with the wrong number of parameters is refused, the right one
// reaches the fake API as a template message.
func TestMetaReplyWindow(t *testing.T) {
	w := newMetaWorld(t)
	w.createAgent("Ava")
	ch, _ := w.whatsApp(t)
	body := metatest.WhatsApp("102290129340398", metaPhone, []metatest.WAMessage{{ID: "wamid.late", From: "4790000001", Name: "Kari",
		Text: giftQuestion, At: time.Now().Add(-25 * time.Hour)}}, nil)
	if res, err := metatest.Post(w.srv.URL+"/hooks/meta/"+ch.PublicKey, metatest.Signature(metaSecret, body), body); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("post: %v %v", res, err)
	}
	ctx := context.Background()
	w.deliveries.Jobs.RunDue(ctx)
	if n := len(w.graph.Sent()); n != 0 {
		t.Fatalf("the AI wrote outside the window: %d sends", n)
	}
	var conv int64
	w.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&conv)
	page := w.path("inbox/" + ids.Encode(conv))
	res := w.b.get(page)
	if !strings.Contains(res.body, `data-testid="reply-window" data-open="false"`) || !strings.Contains(res.body, "only approved template messages") ||
		!strings.Contains(res.body, `data-testid="template-form"`) || strings.Contains(res.body, `data-testid="reply-form"`) ||
		!strings.Contains(res.body, `<option value="order_update en_US">order_update (en_US, 1 parameter)</option>`) {
		t.Fatalf("the composer outside the window:\n%s", res.body)
	}
	res = w.b.post(page+"/template", url.Values{"template": {"order_update en_US"}, "params": {""}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "his template takes 1 parameter, one a line") {
		t.Errorf("a missing parameter: %d", res.status)
	}
	if res := w.b.post(page+"/template", url.Values{"template": {"not_ours en"}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("a template the channel does not have: %d", res.status)
	}
	res = w.b.post(page+"/template", url.Values{"template": {"order_update en_US"}, "params": {"#1042\n"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Template order_update (en_US): #1042") {
		t.Fatalf("the template: %d", res.status)
	}
	w.deliveries.Jobs.RunDue(ctx)
	sent := w.graph.Sent()
	if len(sent) != 1 || sent[0].Body["type"] != "template" || sent[0].Body["to"] != "4790000001" {
		t.Fatalf("the fake API received: %+v", sent)
	}
}
