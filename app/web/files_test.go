package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/channel/email"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
	"agent/app/ids"
)

var (
	pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
		"\x00\x00\x00\rIDATx\xdac\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
	pdfBytes  = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	disguised = []byte("<html><body><script>alert(document.cookie)</script></body></html>")
)

// mailWithFiles is an HTML mail showing an inline image, with a PDF, a page claimed as a
// PNG, a scan too large to keep (over the intake's limit of 1000 bytes a file) and a text
// file with a name made to be taken for markup.
var mailWithFiles = mailtest.Mail(`
From: Ada Lovelace <ada@customer.example>
To: support@shop.example
Subject: Damaged parcel
Message-ID: <ada-1@customer.example>`,
	"Here is the box.\n\nThe invoice is attached.",
	`<p>Here is the box:</p><p><img src="cid:box@ada" alt="the box"></p><img src="https://tracker.example/pixel.gif"><script>alert(1)</script><p>The <b>invoice</b> is attached.</p>`,
	mailtest.File{Name: "box.png", Type: "image/png", ContentID: "box@ada", Data: pngBytes},
	mailtest.File{Name: "Facture n° 10452.pdf", Type: "application/pdf", Data: pdfBytes},
	mailtest.File{Name: "receipt.png", Type: "image/png", Data: disguised},
	mailtest.File{Name: "scan.pdf", Type: "application/pdf", Data: append([]byte("%PDF-1.4\n"), make([]byte, 2000)...)},
	mailtest.File{Name: hostileName, Type: "text/plain", Data: []byte("notes")},
)

// hostileName is a file name that would run a script if a page took it for markup.
const hostileName = `<img src=x onerror=alert(1)>.txt`

// receiveMail sets up an email channel whose mailbox holds raw, and takes it in: the
// conversation it made.
func (e *env) receiveMail(t *testing.T, raw string) int64 {
	t.Helper()
	ctx := context.Background()
	ch, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Email, Name: "Support mailbox", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	imapServer := mailtest.NewIMAP(t, "support@shop.example", "imap password")
	settings := mailbox.NewStore(e.db)
	if _, err := settings.Save(ctx, mailbox.Settings{ChannelID: ch.ID, Address: "support@shop.example",
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: imapServer.Port, Security: mailbox.Plain, User: "support@shop.example", Password: "imap password"},
		SMTP: mailbox.Server{Host: "127.0.0.1", Port: 1, Security: mailbox.Plain}}); err != nil {
		t.Fatal(err)
	}
	imapServer.Deliver(t, raw)
	intake := &mailbox.Intake{DB: e.db, Settings: settings, Service: e.service, Limits: email.Limits{MaxAttachment: 1000}, Net: mailbox.NewNetwork(true)}
	if n, err := intake.Poll(ctx, ch); err != nil || n != 1 {
		t.Fatalf("Poll = %d, %v", n, err)
	}
	var id int64
	if err := e.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A mail's files on its conversation: the image shown, the others as downloads with their
// size, the one too large listed as not kept; each served with the headers for its kind,
// to the workspace's people only; the original HTML sanitized with its inline image.
func TestConversationFiles(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	conv := e.receiveMail(t, mailWithFiles)
	b := e.ownerBrowser()
	page := b.get(e.path("inbox/" + ids.Encode(conv)))
	if page.status != http.StatusOK {
		t.Fatalf("conversation page: %d", page.status)
	}
	files := page.body[strings.Index(page.body, `data-testid="files"`):]
	files = files[:strings.Index(files, "</div>")]
	for _, want := range []string{
		`data-kind="image"`, `alt="box.png"`,
		`data-kind="download"`, `download="Facture n° 10452.pdf"`, "Facture n° 10452.pdf</span> <span class=\"small muted\">45 B",
		`download="receipt.png"`,
		`data-kind="omitted"`, "scan.pdf</span> <span class=\"small muted\">2 KB · not kept: larger than 1000 bytes",
		`data-testid="original"`,
		`download="&lt;img src=x onerror=alert(1)&gt;.txt"`, `&lt;img src=x onerror=alert(1)&gt;.txt</span>`,
	} {
		if !strings.Contains(files, want) {
			t.Errorf("the message's files lack %s:\n%s", want, files)
		}
	}
	urlOf := map[string]string{}
	for _, m := range regexp.MustCompile(`<(?:a|img)[^>]*(?:href|src)="([^"]+/files/[^"]+)"[^>]*(?:alt|download)="([^"]+)"`).FindAllStringSubmatch(files, -1) {
		urlOf[m[2]] = m[1]
	}
	if strings.Contains(page.body, hostileName) {
		t.Error("a file's name is in the page as markup")
	}
	if len(urlOf) != 4 {
		t.Fatalf("file addresses: %v", urlOf)
	}

	for _, c := range []struct {
		name, path, typ, disposition string
		body                         []byte
	}{
		{"the image", urlOf["box.png"], "image/png", `inline; filename=box.png`, pngBytes},
		{"the image to download", urlOf["box.png"] + "?download", "image/png", `attachment; filename=box.png`, pngBytes},
		{"the PDF", urlOf["Facture n° 10452.pdf"], "application/pdf", `attachment; filename*=utf-8''Facture%20n%C2%B0%2010452.pdf`, pdfBytes},
		{"a page claimed as a PNG", urlOf["receipt.png"], "application/octet-stream", `attachment; filename=receipt.png`, disguised},
	} {
		res := b.get(c.path)
		h := res.header
		if res.status != http.StatusOK || h.Get("Content-Type") != c.typ || h.Get("Content-Disposition") != c.disposition ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" || res.body != string(c.body) {
			t.Errorf("%s: %d, %s, %s, %s, CSP %s, %d bytes", c.name, res.status, h.Get("Content-Type"), h.Get("Content-Disposition"),
				h.Get("X-Content-Type-Options"), h.Get("Content-Security-Policy"), len(res.body))
		}
	}

	// Another workspace's owner: 404 under our workspace and under theirs; the file under
	// another conversation of our workspace: 404.
	zed := mustAddUser(t, e, "zed@example.com")
	other, err := e.accounts.CreateWorkspace(context.Background(), "Zed's shop", zed)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.RemoveMember(context.Background(), e.wsID, zed); err != nil {
		t.Fatal(err)
	}
	outsider := e.browser()
	if res := outsider.login("zed@example.com", "zz password"); res.status != http.StatusOK {
		t.Fatalf("outsider login: %d", res.status)
	}
	pdf := urlOf["Facture n° 10452.pdf"]
	theirs := strings.Replace(pdf, "/w/"+ids.Encode(e.wsID)+"/", "/w/"+ids.Encode(other.ID)+"/", 1)
	// and under a conversation of theirs, which they may read
	theirChannel, err := e.channels.Create(context.Background(), other.ID, channel.Input{Kind: channel.Chat, Name: "Zed's site", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	visitor, _, _ := e.service.Store.NewVisitor(context.Background(), theirChannel, "en")
	theirConv, err := e.service.Store.OpenConversation(context.Background(), theirChannel, visitor, false)
	if err != nil {
		t.Fatal(err)
	}
	underTheirs := strings.Replace(theirs, "/inbox/"+ids.Encode(conv)+"/", "/inbox/"+ids.Encode(theirConv.ID)+"/", 1)
	if res := outsider.get("/w/" + ids.Encode(other.ID) + "/inbox/" + ids.Encode(theirConv.ID)); res.status != http.StatusOK {
		t.Fatalf("the outsider's own conversation: %d", res.status)
	}
	for _, p := range []string{pdf, theirs, underTheirs} {
		if res := outsider.get(p); res.status != http.StatusNotFound || strings.Contains(res.body, "%PDF") {
			t.Errorf("another workspace's owner: GET %s = %d", p, res.status)
		}
	}
	elsewhere := e.service.Store
	ch, _ := e.channels.Create(context.Background(), e.wsID, channel.Input{Kind: channel.Chat, Name: "Website", Active: true})
	v, _, _ := elsewhere.NewVisitor(context.Background(), ch, "en")
	c2, err := elsewhere.OpenConversation(context.Background(), ch, v, false)
	if err != nil {
		t.Fatal(err)
	}
	wrongConv := strings.Replace(pdf, "/inbox/"+ids.Encode(conv)+"/", "/inbox/"+ids.Encode(c2.ID)+"/", 1)
	if res := b.get(wrongConv); res.status != http.StatusNotFound {
		t.Errorf("a file under another conversation: %d", res.status)
	}

	// The original: sanitized, its inline image served from the conversation's files.
	link := regexp.MustCompile(`href="([^"]+/original)"`).FindStringSubmatch(files)
	if link == nil {
		t.Fatal("no link to the original")
	}
	orig := b.get(link[1])
	body := orig.body[strings.Index(orig.body, `data-testid="original-mail"`):]
	if orig.status != http.StatusOK || !strings.Contains(body, `<img src="`+urlOf["box.png"]+`" alt="the box"`) || !strings.Contains(body, "<b>invoice</b>") {
		t.Errorf("the original: %d\n%s", orig.status, body)
	}
	for _, bad := range []string{"cid:", "tracker.example", "<script", "alert("} {
		if strings.Contains(body, bad) {
			t.Errorf("the original keeps %s", bad)
		}
	}
	if res := outsider.get(link[1]); res.status != http.StatusNotFound {
		t.Errorf("another workspace's owner read the original: %d", res.status)
	}
}
