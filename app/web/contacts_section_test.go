package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"agent/app/ids"
	"agent/app/inbox"
)

// The Contacts section: the list pages through every contact and searches them; a
// contact's page shows every conversation; an address another contact has is refused,
// offering the merge; a merge moves the conversations; another workspace's contacts are
// 404 everywhere; every POST needs the CSRF token.
func TestContactsSection(t *testing.T) {
	w := newInboxWorld(t)
	st := w.service.Store
	for i := range 60 {
		if _, err := st.ContactByEmail(w.ctx, w.wsID, fmt.Sprintf("customer%02d@example.com", i), fmt.Sprintf("Customer %02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	first := w.visit(t, w.chat, giftQuestion)
	second := w.visit(t, w.chat, "can I talk to a human")
	keep, _, _ := st.ContactOf(w.ctx, first)
	gone, _, _ := st.ContactOf(w.ctx, second)
	if _, err := st.UpdateContact(w.ctx, w.wsID, gone.ID, inbox.ContactInput{Name: "Kari Nordmann", Email: "kari@example.com"}); err != nil {
		t.Fatal(err)
	}

	// The list: 62 contacts, newest first, 50 a page; the next page goes on after the last.
	res := w.b.get(w.path("contacts"))
	if res.status != http.StatusOK || strings.Count(res.body, `data-testid="contact-row"`) != 50 ||
		!strings.Contains(res.body, `data-testid="nav-contacts"`) || !strings.Contains(res.body, ">Kari Nordmann</a>") {
		t.Fatalf("contacts page: %d, %d rows", res.status, strings.Count(res.body, `data-testid="contact-row"`))
	}
	older := regexpFind(t, res.body, `href="([^"]+)" rel="next" data-testid="older"`)
	res = w.b.get(strings.ReplaceAll(older, "&amp;", "&"))
	if n := strings.Count(res.body, `data-testid="contact-row"`); res.status != http.StatusOK || n != 12 || !strings.Contains(res.body, ">Customer 00</a>") ||
		strings.Contains(res.body, `data-testid="older"`) {
		t.Errorf("the second page: %d, %d rows", res.status, n)
	}
	res = w.b.get(w.path("contacts?q=" + url.QueryEscape("nordmann")))
	if n := strings.Count(res.body, `data-testid="contact-row"`); n != 1 || !strings.Contains(res.body, `href="`+w.path("contacts/"+ids.Encode(gone.ID))+`"`) {
		t.Errorf("search by name found %d rows", n)
	}
	if res := w.b.get(w.path("contacts?q=customer0")); strings.Count(res.body, `data-testid="contact-row"`) != 10 {
		t.Errorf("search by address found %d rows", strings.Count(res.body, `data-testid="contact-row"`))
	}

	// A contact's page: details and their conversation, with its last message.
	page := w.path("contacts/" + ids.Encode(gone.ID))
	res = w.b.get(page)
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="contact-title">Kari Nordmann<`) ||
		!strings.Contains(res.body, `data-testid="contact-conversation" data-id="`+ids.Encode(second.ID)+`"`) || !strings.Contains(res.body, `value="kari@example.com"`) {
		t.Fatalf("contact page: %d\n%s", res.status, res.body)
	}

	// Kari's address given to the other record: refused on the field, with the way to merge.
	keepPage := w.path("contacts/" + ids.Encode(keep.ID))
	res = w.b.post(keepPage, url.Values{"name": {"Kari N."}, "email": {"Kari@Example.com"}, "phone": {""}})
	mergeLink := w.path("contacts/"+ids.Encode(keep.ID)+"/merge") + "?other=" + ids.Encode(gone.ID)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Another contact (Kari Nordmann) has this address: merge the two instead") ||
		!strings.Contains(res.body, `href="`+mergeLink+`" data-testid="merge-taken"`) {
		t.Fatalf("a taken address: %d\n%s", res.status, res.body)
	}
	if k, _ := st.Contact(w.ctx, w.wsID, keep.ID); k.Name != "" || k.Email != "" {
		t.Errorf("a refused save changed the contact: %+v", k)
	}
	res = w.b.post(keepPage, url.Values{"name": {"Kari N."}, "email": {"kari.n@example.com"}, "phone": {"+47 912 34 567"}})
	if res.status != http.StatusOK || res.url != keepPage || !strings.Contains(res.body, "Contact saved.") || !strings.Contains(res.body, `value="+4791234567"`) {
		t.Errorf("save: %d at %s", res.status, res.url)
	}

	// The merge: found by the search on the page, confirmed, done.
	res = w.b.get(keepPage + "?merge=nordmann")
	if !strings.Contains(res.body, `href="`+mergeLink+`" data-testid="merge-candidate"`) {
		t.Fatalf("the merge search does not offer Kari Nordmann:\n%s", res.body)
	}
	res = w.b.get(mergeLink)
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="merge-moves">Conversations of Kari Nordmann that move: 1<`) ||
		!strings.Contains(res.body, "Kari Nordmann&#39;s email kari@example.com will be dropped") {
		t.Fatalf("merge confirmation: %d\n%s", res.status, res.body)
	}
	// An inbox page open on the merged contact's conversation hears of the merge, to show the new name.
	live := w.b.follow(t, w.path("inbox/events?conv="+ids.Encode(second.ID)))
	await(t, live, ": connected")
	res = w.b.post(w.path("contacts/"+ids.Encode(keep.ID)+"/merge"), url.Values{"other": {ids.Encode(gone.ID)}})
	await(t, live, "conversation")
	if res.status != http.StatusOK || res.url != keepPage || !strings.Contains(res.body, "Kari Nordmann merged into this contact.") ||
		!strings.Contains(res.body, `data-testid="contact-conversation" data-id="`+ids.Encode(second.ID)+`"`) {
		t.Fatalf("merge: %d at %s", res.status, res.url)
	}
	if res := w.b.get(page); res.status != http.StatusNotFound {
		t.Errorf("the merged contact's page: %d", res.status)
	}
	if k, ok, _ := st.ContactOf(w.ctx, w.conv(t, second.ID)); !ok || k.ID != keep.ID {
		t.Errorf("the merged contact's conversation belongs to %+v", k)
	}
	if body := w.b.get(w.convPath(second, "")).body; !strings.Contains(body, `data-testid="contact-link">Kari N.<`) {
		t.Error("the conversation does not name its new contact")
	}

	// Another workspace's contact: 404 on its page, its edit, its merge, as the other of a merge.
	other, err := w.accounts.CreateWorkspace(w.ctx, "Other shop", w.owner)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := st.ContactByEmail(w.ctx, other.ID, "mallory@example.com", "Mallory")
	if err != nil {
		t.Fatal(err)
	}
	theirPath := w.path("contacts/" + ids.Encode(theirs.ID))
	for name, res := range map[string]response{
		"page":              w.b.get(theirPath),
		"edit":              w.b.post(theirPath, url.Values{"name": {"Hacked"}}),
		"merge page":        w.b.get(theirPath + "/merge?other=" + ids.Encode(keep.ID)),
		"merge":             w.b.post(theirPath+"/merge", url.Values{"other": {ids.Encode(keep.ID)}}),
		"merge theirs":      w.b.post(keepPage+"/merge", url.Values{"other": {ids.Encode(theirs.ID)}}),
		"merge page theirs": w.b.get(keepPage + "/merge?other=" + ids.Encode(theirs.ID)),
		"merge itself":      w.b.post(keepPage+"/merge", url.Values{"other": {ids.Encode(keep.ID)}}),
		"new email to them": w.b.get(w.path("inbox/new-email?contact=" + ids.Encode(theirs.ID))),
		"contact bad ID":    w.b.get(w.path("contacts/nonsense")),
		"merge with bad ID": w.b.post(keepPage+"/merge", url.Values{"other": {"nonsense"}}),
	} {
		if res.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, res.status)
		}
	}
	if k, err := st.Contact(w.ctx, other.ID, theirs.ID); err != nil || k.Name != "Mallory" {
		t.Errorf("another workspace's contact changed: %+v, %v", k, err)
	}

	// Without the CSRF token, the POSTs are refused and change nothing.
	for _, path := range []string{keepPage, keepPage + "/merge", w.path("inbox/new-email")} {
		req, _ := http.NewRequest(http.MethodPost, w.srv.URL+path, strings.NewReader(url.Values{"name": {"Forged"}, "other": {ids.Encode(keep.ID)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := w.b.do(req); res.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d, want 403", path, res.status)
		}
	}
	if k, _ := st.Contact(w.ctx, w.wsID, keep.ID); k.Name != "Kari N." {
		t.Errorf("a forged post changed the contact: %+v", k)
	}
}

// regexpFind returns the first group of pattern's first match in s.
func regexpFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in\n%s", pattern, s)
	}
	return m[1]
}
