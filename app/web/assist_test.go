package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/inbox"
)

var suggestionItem = regexp.MustCompile(`data-testid="suggestion" data-id="([^"]+)"`)

// The assistant's settings are the owners' and admins'; a person's auto-send switch needs
// them to allow it; suggestions come as a fragment, and sending one, or a reply written
// from one, records what became of them.
func TestAssistHTTP(t *testing.T) {
	w := newInboxWorld(t)
	settings := w.path("settings/assist")

	// An agent-role member can neither see nor change the settings.
	w.addMember(t, "agent@example.com", "Agnes", account.RoleAgent)
	ag := w.browser()
	ag.login("agent@example.com", "long password")
	if res := ag.get(settings); res.status != http.StatusForbidden && res.status != http.StatusNotFound {
		t.Errorf("agent role GET settings: %d", res.status)
	}
	if res := ag.post(settings, url.Values{"suggestions": {"1"}}); res.status != http.StatusForbidden && res.status != http.StatusNotFound {
		t.Errorf("agent role POST settings: %d", res.status)
	}

	// Auto-send cannot be turned on before it is allowed.
	res := w.b.post(w.path("inbox/autosend"), url.Values{"on": {"1"}, "back": {w.path("inbox")}})
	if !strings.Contains(res.body, "not allowed") {
		t.Errorf("auto-send before allowed: %d %s", res.status, res.body)
	}
	if on, _ := w.service.Store.AutoSend(w.ctx, w.wsID, w.owner); on {
		t.Fatal("auto-send turned on while not allowed")
	}

	if res := w.b.get(settings); res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="assist-settings"`) {
		t.Fatalf("settings page: %d", res.status)
	}
	w.b.post(settings, url.Values{"suggestions": {"1"}, "autosend": {"1"}})
	if a, _ := w.service.Store.AssistSettings(w.ctx, w.wsID); !a.Suggestions || !a.AutoSendAllowed {
		t.Fatalf("settings saved as %+v", a)
	}
	res = w.b.post(w.path("inbox/autosend"), url.Values{"on": {"1"}, "back": {w.path("inbox")}})
	if !strings.Contains(res.body, `data-testid="autosend-off"`) {
		t.Errorf("after turning auto-send on, the inbox shows no switch to turn it off")
	}

	// A conversation handed to the owner: its page offers suggestions for the customer's message.
	w.setOnline(t, w.owner, true)
	c := w.visit(t, w.chat, "can I talk to a human")
	if _, _, err := w.service.VisitorMessage(w.ctx, w.chat, c, giftQuestion, "en"); err != nil {
		t.Fatal(err)
	}
	page := w.b.get(w.convPath(c, ""))
	if !strings.Contains(page.body, `data-testid="suggestions"`) {
		t.Fatal("the conversation page has no suggestions box")
	}
	// Opening it is a presence signal: the owner is busy in it.
	if busy, _ := w.service.Store.BusyIn(w.ctx, w.wsID, w.owner); busy != c.ID {
		t.Errorf("busy in %d after opening %d", busy, c.ID)
	}
	if res := w.b.post(w.convPath(c, "viewing"), url.Values{"active": {"0"}}); res.status != http.StatusNoContent {
		t.Errorf("viewing: %d", res.status)
	}
	if busy, _ := w.service.Store.BusyIn(w.ctx, w.wsID, w.owner); busy != 0 {
		t.Errorf("busy in %d with the page out of view", busy)
	}

	frag := w.b.get(w.convPath(c, "suggestions"))
	m := suggestionItem.FindAllStringSubmatch(frag.body, -1)
	if frag.status != http.StatusOK || len(m) != 1 || !strings.Contains(frag.body, giftAnswer) || !strings.Contains(frag.body, "Source:") {
		t.Fatalf("suggestions: %d %s", frag.status, frag.body)
	}
	w.b.post(w.convPath(c, "suggestions/"+m[0][1]+"/send"), url.Values{})
	msgs, _ := w.service.Store.Messages(w.ctx, c.ID)
	if last := msgs[len(msgs)-1]; last.Body != giftAnswer || last.UserID != w.owner {
		t.Errorf("sent suggestion stored as %+v", last)
	}

	// From typed words, moved into the box and edited: recorded as edited.
	frag = w.b.get(w.convPath(c, "suggestions") + "?q=" + url.QueryEscape("gift cards"))
	m = suggestionItem.FindAllStringSubmatch(frag.body, -1)
	if len(m) != 1 {
		t.Fatalf("typed suggestions: %s", frag.body)
	}
	w.b.post(w.convPath(c, "reply"), url.Values{"message": {giftAnswer + "\r\nAnything else?"}, "suggestion": {m[0][1]}})
	n, err := w.service.Store.AssistCounts(w.ctx, w.wsID, 0, 1<<40)
	if err != nil || n != (inbox.AssistCounts{Sent: 1, Edited: 1}) {
		t.Errorf("counts %+v, %v", n, err)
	}

	// Someone else's suggestion cannot be sent.
	other := w.addMember(t, "bo@example.com", "Bo", account.RoleAgent)
	if _, err := w.service.Suggest(w.ctx, w.wsID, c.ID, other, ""); err != nil {
		t.Fatal(err)
	}
	frag = w.b.get(w.convPath(c, "suggestions"))
	m = suggestionItem.FindAllStringSubmatch(frag.body, -1)
	if len(m) != 1 {
		t.Fatal("no suggestion")
	}
	id, _ := ids.Decode(m[0][1])
	if res := w.b.post(w.convPath(c, "suggestions/"+ids.Encode(id-1)+"/send"), url.Values{}); res.status != http.StatusNotFound {
		t.Errorf("sending Bo's suggestion: %d", res.status)
	}
}
