package web_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
)

// A model that is down is logged once, not on every Agents or Preview page view (an error
// that changes is logged again).
func TestModelDownLoggedOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	a := e.createAgent("Ava")
	e.ollama.Down()
	for range 3 {
		b.get(e.path("agents"))
		b.get(e.agentPath(a, "preview"))
	}
	if n := strings.Count(e.logs.String(), "language model unavailable"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, e.logs.String())
	}
}

// selectOptions returns the values of the options of the select with id in a page, the
// empty one aside.
func selectOptions(t *testing.T, page, id string) []string {
	t.Helper()
	i := strings.Index(page, `<select id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no select %s", id)
	}
	sel := page[i : i+strings.Index(page[i:], "</select>")]
	var out []string
	for _, part := range strings.Split(sel, `<option value="`)[1:] {
		if v := part[:strings.Index(part, `"`)]; v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Every language select offers the same languages: the knowledge forms, the test search
// and the preview's customer language.
func TestLanguageListsAgree(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	a := e.createAgent("Ava")
	article := selectOptions(t, b.get(e.path("knowledge/new/article")).body, "f-lang")
	preview := selectOptions(t, b.get(e.agentPath(a, "preview")).body, "preview-lang")
	if strings.Join(article, " ") != strings.Join(preview, " ") || !slices.Contains(article, "nb") || len(article) < 20 {
		t.Errorf("article form %v\npreview %v", article, preview)
	}
}

// With a mailbox that can send, an invitation is emailed (the link to set a password and
// join), and not shown; the link in the mail works. Without one, the link is shown to pass
// on, as before.
func TestInvitationEmailed(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	if res, link := b.invite(e.wsID, "ann@example.com", "agent"); res.status != http.StatusOK || link == "" {
		t.Fatalf("without a mailbox: %d, no link shown", res.status)
	}

	ctx := context.Background()
	smtpServer := mailtest.NewSMTP(t, "support@shop.example", "smtp password")
	ch, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Email, Name: "Support mailbox", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	settings := mailbox.NewStore(e.db)
	if _, err := settings.Save(ctx, mailbox.Settings{ChannelID: ch.ID, Address: "support@shop.example", FromName: "Shop",
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: 1, Security: mailbox.Plain},
		SMTP: mailbox.Server{Host: "127.0.0.1", Port: smtpServer.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "smtp password"}}); err != nil {
		t.Fatal(err)
	}
	e.deliveries.Drivers[channel.Email] = &mailbox.Sender{DB: e.db, Settings: settings, Inbox: e.service.Store, Net: mailbox.NewNetwork(true)}

	res, shown := b.invite(e.wsID, "bo@example.com", "agent")
	if res.status != http.StatusOK || shown != "" || !strings.Contains(res.body, `data-testid="invitation-mailed"`) ||
		!strings.Contains(res.body, "support@shop.example") {
		t.Fatalf("with a mailbox: %d, link shown %q", res.status, shown)
	}
	got := smtpServer.Received()
	if len(got) != 1 || got[0].To != "bo@example.com" || !strings.Contains(got[0].Header.Get("Subject"), "Join Shop") {
		t.Fatalf("mails: %+v", got)
	}
	link := regexp.MustCompile(`/invitation\?token=[A-Za-z0-9_=-]+`).FindString(strings.ReplaceAll(got[0].Body, "=\r\n", ""))
	if link == "" {
		t.Fatalf("no link in the mail:\n%s", got[0].Body)
	}
	bo := e.browser()
	if page := bo.get(link); page.status != http.StatusOK || !strings.Contains(page.body, "bo@example.com") {
		t.Errorf("the mailed link: %d", page.status)
	}
}
