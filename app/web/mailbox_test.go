package web_test

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/ids"
)

// An admin connects an email channel's mailbox: the passwords are never shown again, a bad
// field says what is wrong, and Test connection says which server failed and how.
func TestMailboxSetup(t *testing.T) {
	w := newInboxWorld(t)
	if res := w.b.get(w.path("channels")); !strings.Contains(res.body, `data-testid="add-email-channel"`) {
		t.Fatal("the channels page offers no email channel")
	}
	res := w.b.post(w.path("channels/email"), url.Values{"name": {"Support mailbox"}})
	chs, err := w.channels.List(w.ctx, w.wsID)
	if err != nil {
		t.Fatal(err)
	}
	var mail channel.Channel
	for _, c := range chs {
		if c.Kind == channel.Email {
			mail = c
		}
	}
	page := w.path("channels/" + ids.Encode(mail.ID) + "/mailbox")
	if res.status != http.StatusOK || res.url != page || mail.AgentID != w.ava.ID || !strings.Contains(res.body, `data-testid="mailbox-form"`) ||
		!strings.Contains(res.body, "Connect its mailbox.") || strings.Contains(res.body, "mailbox-test-button") {
		t.Fatalf("a new email channel: %d at %s, %+v", res.status, res.url, mail)
	}
	if res := w.b.get(w.path("channels/" + ids.Encode(mail.ID))); !strings.Contains(res.body, `href="`+page+`" data-testid="mailbox-link"`) ||
		strings.Contains(res.body, `name="origins"`) || !strings.Contains(res.body, "the mailbox is read and answered") {
		t.Error("the email channel's page does not lead to its mailbox, or shows the widget's settings")
	}
	if res := w.b.get(w.path("channels/" + ids.Encode(w.chat.ID) + "/mailbox")); res.status != http.StatusNotFound {
		t.Errorf("a chat widget's mailbox page: %d", res.status)
	}

	// A port nothing listens on, so that the test fails to connect.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	form := url.Values{"address": {"support@shop.example"}, "from_name": {"Shop support"}, "poll": {"60"}, "folder": {""},
		"imap_host": {"127.0.0.1"}, "imap_port": {closed}, "imap_security": {"none"}, "imap_user": {"support"}, "imap_password": {"imap secret password"},
		"smtp_host": {"127.0.0.1"}, "smtp_port": {"0"}, "smtp_security": {"none"}, "smtp_user": {"support"}, "smtp_password": {"smtp secret password"}}
	res = w.b.post(page, form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Enter a port between 1 and 65535") {
		t.Fatalf("a bad port: %d\n%s", res.status, res.body)
	}
	form.Set("smtp_port", closed)
	res = w.b.post(page, form)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Mailbox saved.") || !strings.Contains(res.body, `value="INBOX"`) {
		t.Fatalf("save: %d %s", res.status, res.url)
	}
	if strings.Contains(res.body, "secret password") || !strings.Contains(res.body, "Set (••••••••rd)") {
		t.Error("a stored password is shown, or not said to be set")
	}
	// Saved again without the passwords: they are kept.
	form.Del("imap_password")
	form.Del("smtp_password")
	if res := w.b.post(page, form); res.status != http.StatusOK || strings.Count(res.body, "Set (••••••••rd)") != 2 {
		t.Errorf("saved without passwords: %d", res.status)
	}

	res = w.b.post(page+"/test", url.Values{})
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="imap-error"`) || !strings.Contains(res.body, `data-testid="smtp-error"`) ||
		!strings.Contains(res.body, "imap 127.0.0.1:"+closed+": connect") || !strings.Contains(res.body, "smtp 127.0.0.1:"+closed+": connect") {
		t.Errorf("the connection test: %d\n%s", res.status, res.body)
	}
	// By default the install's own network is not reached: the page names the setting.
	if strings.Count(res.body, "127.0.0.1 is loopback (127.0.0.0/8) (set email.allow_private_hosts to allow)") != 2 {
		t.Errorf("the connection test reached a loopback address:\n%s", res.body)
	}
}
