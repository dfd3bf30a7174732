package mailbox_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"agent/app/attach"
	"agent/app/channel/email"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
)

var (
	pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	pdfBytes = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
)

// files lists the attachments of the channel's messages, in the order stored.
func (w *world) files(t *testing.T) []attach.Attachment {
	t.Helper()
	var ids []int64
	for _, msgs := range w.conversations(t) {
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
	}
	slices.Sort(ids)
	var all []attach.Attachment
	for _, id := range ids {
		list, err := attach.NewStore(w.db).List(w.ctx, w.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, list...)
	}
	return all
}

func describe(files []attach.Attachment) string {
	var out []string
	for _, f := range files {
		s := fmt.Sprintf("%s %s %d", f.Name, f.ContentType, f.Size)
		if f.Inline {
			s += " inline:" + f.ContentID
		}
		if !f.Kept() {
			s += " (" + f.Omitted + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, " | ")
}

// A mail with a PDF, an inline image its HTML shows and a page disguised as a PNG is stored
// with its files once, fetched again after a stop or not; the disguised page is not an image;
// the HTML is kept sanitized for the inbox's view of the original.
func TestIntakeKeepsFiles(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}
	disguised := []byte("<html><body><script>alert(document.cookie)</script></body></html>")
	user.Deliver(t, mailtest.Mail(`
From: Ada <ada@customer.example>
To: support@shop.example
Subject: Damaged parcel
Message-ID: <ada-1@customer.example>`,
		"Here is the box.\n\nThe invoice is attached.",
		`<p>Here is the box:</p><img src="cid:box@ada"><script>alert(1)</script><p>The invoice is attached.</p>`,
		mailtest.File{Name: "box.png", Type: "image/png", ContentID: "box@ada", Data: pngBytes},
		mailtest.File{Name: "invoice.pdf", Type: "application/pdf", Data: pdfBytes},
		mailtest.File{Name: "receipt.png", Type: "image/png", Data: disguised}))
	w.poll(t, intake, 1)
	want := fmt.Sprintf("box.png image/png %d inline:box@ada | invoice.pdf application/pdf %d | receipt.png application/octet-stream %d",
		len(pngBytes), len(pdfBytes), len(disguised))
	files := w.files(t)
	if got := describe(files); got != want {
		t.Fatalf("files:\n%s\nwant\n%s", got, want)
	}
	if files[2].Image() {
		t.Error("a page claimed as a PNG is an image")
	}
	_, data, err := attach.NewStore(w.db).Open(w.ctx, w.ws.ID, files[1].ID)
	if err != nil || !bytes.Equal(data, pdfBytes) {
		t.Errorf("the PDF read back: %d bytes, %v", len(data), err)
	}
	var html string
	if err := w.db.Read.QueryRow("SELECT html FROM email_messages WHERE rfc_id = 'ada-1@customer.example'").Scan(&html); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, `src="cid:box@ada"`) || strings.Contains(html, "script") {
		t.Errorf("kept HTML: %s", html)
	}

	// A stop before the place in the folder was saved: the mail is fetched again.
	if _, err := w.db.Write.Exec("UPDATE email_settings SET last_uid = 0"); err != nil {
		t.Fatal(err)
	}
	w.poll(t, intake, 0)
	if got := describe(w.files(t)); got != want {
		t.Errorf("files after a second fetch:\n%s", got)
	}
	var blobs int
	w.db.Read.QueryRow("SELECT COUNT(*) FROM attachment_blobs").Scan(&blobs)
	if blobs != 3 {
		t.Errorf("%d contents stored, want 3", blobs)
	}
}

// Files past the limits (one too large, the mail's total, the count) are listed on the
// message as not kept, saying why; the others are kept.
func TestIntakeFileLimits(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback,
		Limits: email.Limits{MaxAttachment: 4000, MaxAttachments: 6000}}
	var files []mailtest.File
	files = append(files, mailtest.File{Name: "big.pdf", Type: "application/pdf", Data: append(bytes.Clone(pdfBytes), make([]byte, 4000)...)})
	for i := range 3 {
		files = append(files, mailtest.File{Name: fmt.Sprintf("part%d.pdf", i), Type: "application/pdf", Data: append(bytes.Clone(pdfBytes), make([]byte, 2500)...)})
	}
	for i := range mailbox.MaxFilesPerMail {
		files = append(files, mailtest.File{Name: fmt.Sprintf("note%d.txt", i), Type: "text/plain", Data: []byte("note")})
	}
	user.Deliver(t, mailtest.Mail(`
From: ada@customer.example
To: support@shop.example
Subject: Many files
Message-ID: <ada-2@customer.example>`, "All the papers.", "<p>All the papers.</p>", files...))
	w.poll(t, intake, 1)
	got := w.files(t)
	if len(got) != 3+1+mailbox.MaxFilesPerMail {
		t.Fatalf("%d files recorded: %s", len(got), describe(got))
	}
	size := len(pdfBytes) + 2500
	for i, want := range map[int]string{
		0:  fmt.Sprintf("big.pdf application/pdf %d (larger than 4000 bytes)", len(pdfBytes)+4000),
		1:  fmt.Sprintf("part0.pdf application/pdf %d", size),
		2:  fmt.Sprintf("part1.pdf application/pdf %d", size),
		3:  fmt.Sprintf("part2.pdf application/pdf %d (the mail's files together are larger than 6000 bytes)", size),
		4:  "note0.txt text/plain 4",
		19: "note15.txt text/plain 4",
		20: "note16.txt text/plain 4 (more than 20 files in one mail)",
		23: "note19.txt text/plain 4 (more than 20 files in one mail)",
	} {
		if s := describe(got[i : i+1]); s != want {
			t.Errorf("file %d: %s, want %s", i, s, want)
		}
	}
}
