package web_test

import (
	"net/http"
	"strings"
	"testing"

	"agent/app/ids"
)

// The conversation page and the list name a known customer by name and address instead of
// a visitor number, and the page links their other conversations.
func TestInboxConversationContact(t *testing.T) {
	w := newInboxWorld(t)
	st := w.service.Store
	earlier := w.visit(t, w.chat, giftQuestion)
	c := w.visit(t, w.chat, "can I talk to a human")
	unknown := w.visit(t, w.chat, giftQuestion)

	// Before anything is known, the visitor's number names them.
	body := w.b.get(w.convPath(c, "")).body
	if !strings.Contains(body, `data-testid="contact-link">Visitor `+ids.Pseudonym(c.VisitorID)+`<`) || strings.Contains(body, `data-testid="contact-conversations"`) {
		t.Errorf("a visitor without a name or other conversations:\n%s", body)
	}

	k, err := st.ContactByEmail(w.ctx, w.wsID, "Kari@Example.com", "Kari Nordmann")
	if err != nil {
		t.Fatal(err)
	}
	for _, conv := range []int64{earlier.ID, c.ID} {
		if err := st.SetContact(w.ctx, w.wsID, conv, k.ID); err != nil {
			t.Fatal(err)
		}
	}
	res := w.b.get(w.convPath(c, ""))
	if res.status != http.StatusOK {
		t.Fatalf("conversation page: %d", res.status)
	}
	for _, want := range []string{
		`<h2 data-testid="conv-who"><a href="` + w.path("contacts/"+ids.Encode(k.ID)) + `" data-testid="contact-link">Kari Nordmann</a>`,
		`data-testid="contact-email">kari@example.com<`, "<title>Kari Nordmann · Inbox",
		`<label for="f-message">Reply to Kari Nordmann</label>`,
		`Other conversations (1)`, `href="` + w.convPath(earlier, "") + `" data-testid="contact-conversation"`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the conversation page lacks %s", want)
		}
	}
	// The list names them too, and still names a visitor without a contact.
	list := w.b.get(w.path("inbox/list?view=all")).body
	for _, want := range []string{`<span class="conv-who">Kari Nordmann</span>`, `<span class="conv-who">Visitor ` + ids.Pseudonym(unknown.VisitorID) + `</span>`} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %s", want)
		}
	}
	if strings.Contains(res.body, `href="`+w.convPath(c, "")+`" data-testid="contact-conversation"`) ||
		strings.Contains(res.body, `href="`+w.convPath(unknown, "")+`" data-testid="contact-conversation"`) {
		t.Error("the list of the contact's other conversations holds the open one or someone else's")
	}
}
