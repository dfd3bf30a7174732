package web_test

import (
	"bytes"
	"encoding/json"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/inbox"
)

// TestInboxWork drives tags, snooze and bulk actions through their forms, each refused on
// another workspace's conversation, and the saved replies' permissions.
func TestInboxWork(t *testing.T) {
	w := newInboxWorld(t)
	a := w.visit(t, w.chat, "can I talk to a human")
	b := w.visit(t, w.chat, "can I talk to a human")

	if res := w.b.post(w.convPath(a, "tags"), url.Values{"tags": {"Refund, vip"}}); res.status != http.StatusOK || !strings.Contains(res.body, "Tags saved.") {
		t.Fatalf("tags: %d", res.status)
	}
	tag, err := w.service.Store.TagByName(w.ctx, w.wsID, "refund")
	if err != nil {
		t.Fatal(err)
	}
	res := w.b.get(w.path("inbox?view=all&tag=" + ids.Encode(tag.ID)))
	if !strings.Contains(res.body, `data-id="`+ids.Encode(a.ID)+`"`) || strings.Contains(res.body, `data-testid="conv-item" data-id="`+ids.Encode(b.ID)+`"`) {
		t.Errorf("the list of tag refund: %d\n%s", res.status, res.body)
	}
	if res := w.b.post(w.convPath(a, "tags"), url.Values{"tags": {strings.Repeat("x", inbox.MaxTagName+1)}}); !strings.Contains(res.body, "Tags: keep each tag") {
		t.Errorf("a tag too long: %d", res.status)
	}

	if res := w.b.post(w.convPath(b, "snooze"), url.Values{"until": {"tomorrow"}}); res.status != http.StatusOK || !strings.Contains(res.body, "Snoozed until") {
		t.Fatalf("snooze: %d", res.status)
	}
	if got := w.conv(t, b.ID); got.SnoozedUntil.IsZero() {
		t.Fatal("not snoozed")
	}
	if res := w.b.get(w.path("inbox?view=snoozed")); !strings.Contains(res.body, `data-id="`+ids.Encode(b.ID)+`"`) {
		t.Error("the snoozed conversation is not in Snoozed")
	}
	if res := w.b.post(w.convPath(b, "snooze"), url.Values{"at": {"2001-01-01T09:00"}}); !strings.Contains(res.body, "Snooze: choose a time") {
		t.Errorf("snooze into the past: %d", res.status)
	}
	if res := w.b.post(w.convPath(b, "unsnooze"), url.Values{}); res.status != http.StatusOK || !w.conv(t, b.ID).SnoozedUntil.IsZero() {
		t.Errorf("unsnooze: %d", res.status)
	}

	// Another workspace's conversation among those ticked: a 404, and nothing changes.
	other, err := w.accounts.CreateWorkspace(w.ctx, "Other", w.owner)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := w.service.Store.Create(w.ctx, other.ID, inbox.NewConversation{Channel: "chat"})
	if err != nil {
		t.Fatal(err)
	}
	bulk := func(action string, convs ...inbox.Conversation) response {
		form := url.Values{"action": {action}, "back": {w.path("inbox?view=all")}}
		for _, c := range convs {
			form.Add("conv", ids.Encode(c.ID))
		}
		return w.b.post(w.path("inbox/bulk"), form)
	}
	if res := bulk("close", a, foreign, b); res.status != http.StatusNotFound {
		t.Errorf("bulk with another workspace's conversation: %d", res.status)
	}
	if w.conv(t, a.ID).Status != "open" {
		t.Fatal("a refused bulk action closed a conversation")
	}
	// Both customers wrote last: the close asks first, naming them, and closes nothing.
	res = bulk("close", a, b)
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="confirm-bulk-close"`) ||
		!strings.Contains(res.body, "2 customers are waiting for a reply") {
		t.Fatalf("bulk close unconfirmed: %d\n%s", res.status, res.body)
	}
	if w.conv(t, a.ID).Status != "open" || w.conv(t, b.ID).Status != "open" {
		t.Fatal("an unconfirmed bulk close closed a conversation")
	}
	form := url.Values{"action": {"close"}, "confirmed": {"1"}, "back": {w.path("inbox?view=all")}, "conv": {ids.Encode(a.ID), ids.Encode(b.ID)}}
	if res := w.b.post(w.path("inbox/bulk?view=all"), form); res.status != http.StatusOK || !strings.Contains(res.body, "2 conversations closed.") {
		t.Errorf("bulk close: %d", res.status)
	}
	if w.conv(t, a.ID).Status != "closed" || w.conv(t, b.ID).Status != "closed" {
		t.Error("bulk close left a conversation open")
	}

	// Saved replies: managed by those who manage the workspace, read by everyone in the inbox.
	if _, err := w.service.Store.SaveReply(w.ctx, w.wsID, w.owner, inbox.SavedReply{Shortcut: "hi", Body: "Hello {{name}}!"}); err != nil {
		t.Fatal(err)
	}
	w.addMember(t, "agent@example.com", "Ann Agent", account.RoleAgent)
	ann := w.browser()
	ann.login("agent@example.com", "long password")
	if res := ann.get(w.path("settings/replies")); res.status == http.StatusOK {
		t.Errorf("an agent opens the saved replies' settings: %d", res.status)
	}
	if res := ann.post(w.path("settings/replies"), url.Values{"shortcut": {"x"}, "body": {"y"}}); res.status == http.StatusOK {
		t.Errorf("an agent saves a reply: %d", res.status)
	}
	res = ann.get(w.path("inbox/saved-replies"))
	var list []struct{ Shortcut, Body string }
	if err := json.Unmarshal([]byte(res.body), &list); err != nil || len(list) != 1 || list[0].Body != "Hello {{name}}!" {
		t.Errorf("the saved replies an agent reads: %d %s", res.status, res.body)
	}
}

// multipartFile is a multipart body with one file, and its content type.
func multipartFile(t *testing.T, name string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.WriteField("lang", "en")
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// TestWidgetFiles: a visitor's file is checked by its bytes, stored with their message and
// served only within their conversation; uploads are limited per visitor.
func TestWidgetFiles(t *testing.T) {
	e, ch := chatEnv(t, nil)
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	_, img := pngFile(t, t.TempDir(), "photo.png", color.RGBA{1, 2, 3, 255})
	upload := func(v *widgetVisitor, conv, name string, data []byte) wResponse {
		t.Helper()
		body, ct := multipartFile(t, name, data)
		return e.widgetDo(nil, http.MethodPost, v.path("conversations/"+conv+"/files"), body,
			"Origin", v.origin, "Authorization", "Bearer "+v.token, "Content-Type", ct)
	}
	res := upload(v, v.conv, "photo.png", img)
	var sent struct {
		Message struct {
			Text  string
			Files []struct {
				Name, Type, URL string
				Image           bool
			}
		}
	}
	if res.status != http.StatusOK {
		t.Fatalf("upload: %d %s", res.status, res.body)
	}
	res.decode(t, &sent)
	if f := sent.Message.Files; len(f) != 1 || !f[0].Image || f[0].Type != "image/png" || sent.Message.Text != "Sent 1 file: photo.png" {
		t.Fatalf("sent %+v", sent.Message)
	}
	file := e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/"+sent.Message.Files[0].URL+"?token="+v.token, nil, "Origin", v.origin)
	if file.status != http.StatusOK || !bytes.Equal(file.body, img) || file.header.Get("Content-Type") != "image/png" ||
		file.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the file: %d %v", file.status, file.header)
	}

	// Another visitor reaches neither the conversation nor its file.
	other := e.widgetVisitor(ch, shopOrigin)
	other.start()
	other.open()
	if res := upload(other, v.conv, "photo.png", img); res.status != http.StatusNotFound {
		t.Errorf("upload to another's conversation: %d", res.status)
	}
	fileID := sent.Message.Files[0].URL[strings.LastIndex(sent.Message.Files[0].URL, "/")+1:]
	for _, path := range []string{"conversations/" + v.conv + "/files/" + fileID, "conversations/" + other.conv + "/files/" + fileID} {
		if res := e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/"+path+"?token="+other.token, nil, "Origin", other.origin); res.status != http.StatusNotFound {
			t.Errorf("another visitor reads %s: %d", path, res.status)
		}
	}

	// A page named .png is refused by its bytes; an empty file too.
	if res := upload(v, v.conv, "photo.png", []byte("<html><script>alert(1)</script>")); res.status != http.StatusUnprocessableEntity {
		t.Errorf("HTML named .png: %d %s", res.status, res.body)
	}
	if res := upload(v, v.conv, "empty.txt", nil); res.status != http.StatusUnprocessableEntity {
		t.Errorf("an empty file: %d", res.status)
	}
	// Six uploads a minute: three were taken above, three more pass, the next waits.
	for i := 0; i < 3; i++ {
		if res := upload(v, v.conv, "photo.png", img); res.status != http.StatusOK {
			t.Fatalf("upload %d: %d %s", i+4, res.status, res.body)
		}
	}
	if res := upload(v, v.conv, "photo.png", img); res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Errorf("the seventh upload in a minute: %d", res.status)
	}
}
