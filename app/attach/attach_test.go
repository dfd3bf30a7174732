package attach

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"testing"

	"agent/app/store"
)

var (
	pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	pdfBytes = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
)

// newDB is a migrated database with two workspaces, each with a conversation: messages 1
// and 2 in workspace 1's conversation 1, message 3 in workspace 2's conversation 2.
func newDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		"INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Shop', 1), (2, 'Other', 1)",
		"INSERT INTO conversations (id, workspace_id, channel, created_at, updated_at) VALUES (1, 1, 'email', 1, 1), (2, 2, 'email', 1, 1)",
		"INSERT INTO messages (id, conversation_id, author, body, created_at) VALUES (1, 1, 'visitor', 'a', 1), (2, 1, 'visitor', 'b', 1), (3, 2, 'visitor', 'c', 1)",
	} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	return db
}

func add(t *testing.T, db *store.DB, s *Store, ws, msg int64, f File) (Attachment, error) {
	t.Helper()
	var a Attachment
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		a, err = s.Add(context.Background(), tx, ws, msg, f)
		return err
	})
	return a, err
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAddOpenList(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	s := NewStore(db)
	pdf, err := add(t, db, s, 1, 1, File{Name: `C:\Users\me\invoice.pdf`, DeclaredType: "application/pdf; name=invoice.pdf", Data: pdfBytes})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdfBytes)
	if pdf.Name != "invoice.pdf" || pdf.ContentType != "application/pdf" || pdf.Size != int64(len(pdfBytes)) ||
		pdf.SHA256 != hex.EncodeToString(sum[:]) || !pdf.Kept() || pdf.Image() || pdf.ConversationID != 1 {
		t.Errorf("stored %+v", pdf)
	}
	logo, err := add(t, db, s, 1, 1, File{Name: "logo.png", DeclaredType: "image/png", ContentID: "<logo@x>", Inline: true, Data: pngBytes})
	if err != nil {
		t.Fatal(err)
	}
	// The same logo in the next mail: a second attachment, one content.
	if _, err := add(t, db, s, 1, 2, File{Name: "logo.png", DeclaredType: "image/png", ContentID: "logo@x", Inline: true, Data: pngBytes}); err != nil {
		t.Fatal(err)
	}
	if got := count(t, db, "attachment_blobs"); got != 2 {
		t.Errorf("%d contents stored for two files and a repeat, want 2", got)
	}

	got, data, err := s.Open(ctx, 1, logo.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, pngBytes) || got.ContentID != "logo@x" || !got.Inline || !got.Image() || got.SHA256 != logo.SHA256 || got.MessageID != 1 || got.ConversationID != 1 {
		t.Errorf("opened %+v, %d bytes", got, len(data))
	}
	if _, _, err := s.Open(ctx, 2, logo.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another workspace opened a file: %v", err)
	}
	list, err := s.List(ctx, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != pdf.ID || list[1].ID != logo.ID {
		t.Errorf("List = %+v", list)
	}
	if list, err := s.List(ctx, 2, 1); err != nil || len(list) != 0 {
		t.Errorf("another workspace listed %d files (%v)", len(list), err)
	}
	by, err := s.OfConversation(ctx, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(by) != 2 || len(by[1]) != 2 || len(by[2]) != 1 {
		t.Errorf("OfConversation = %v", by)
	}
	if by, err := s.OfConversation(ctx, 2, 1); err != nil || len(by) != 0 {
		t.Errorf("another workspace read a conversation's files: %v %v", by, err)
	}
}

func TestAddRefusesAnotherWorkspacesMessage(t *testing.T) {
	db := newDB(t)
	s := NewStore(db)
	if _, err := add(t, db, s, 1, 3, File{Name: "x.pdf", Data: pdfBytes}); !errors.Is(err, ErrNotFound) {
		t.Errorf("stored a file on another workspace's message: %v", err)
	}
	if n := count(t, db, "attachment_blobs") + count(t, db, "attachments"); n != 0 {
		t.Errorf("%d rows left by a refused file", n)
	}
}

func TestAddOmitted(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	s := NewStore(db)
	big, err := add(t, db, s, 1, 1, File{Name: "video.mp4", DeclaredType: "video/mp4", Data: make([]byte, MaxSize+1)})
	if err != nil {
		t.Fatal(err)
	}
	skipped, err := add(t, db, s, 1, 1, File{Name: "21.pdf", DeclaredType: "text/html", Omitted: "more than 20 files in one mail", Size: 1234})
	if err != nil {
		t.Fatal(err)
	}
	if big.Kept() || big.Omitted != "larger than 10 MB" || big.Size != MaxSize+1 || big.ContentType != "video/mp4" {
		t.Errorf("over the limit: %+v", big)
	}
	if skipped.Kept() || skipped.Size != 1234 || skipped.ContentType != Unknown {
		t.Errorf("omitted by the caller: %+v", skipped)
	}
	if n := count(t, db, "attachment_blobs"); n != 0 {
		t.Errorf("%d contents kept of omitted files", n)
	}
	if _, _, err := s.Open(ctx, 1, big.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("opened a file not kept: %v", err)
	}
	if list, _ := s.List(ctx, 1, 1); len(list) != 2 || list[0].Omitted == "" {
		t.Errorf("omitted files not listed: %+v", list)
	}
}

// A content goes with its last attachment, however that is deleted: a message, a
// conversation (cascading to its messages), a workspace.
func TestNoOrphans(t *testing.T) {
	db := newDB(t)
	s := NewStore(db)
	for _, f := range []struct {
		msg  int64
		data []byte
	}{{1, pngBytes}, {2, pngBytes}, {2, pdfBytes}} {
		if _, err := add(t, db, s, 1, f.msg, File{Name: "f", Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := add(t, db, s, 2, 3, File{Name: "f", Data: pdfBytes}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		q            string
		files, blobs int
	}{
		{"DELETE FROM messages WHERE id = 1", 3, 2},      // the PNG is still message 2's
		{"DELETE FROM conversations WHERE id = 1", 1, 1}, // the PDF is still workspace 2's
		{"DELETE FROM workspaces WHERE id = 2", 0, 0},
	}
	for _, st := range steps {
		if _, err := db.Write.Exec(st.q); err != nil {
			t.Fatal(err)
		}
		if f, b := count(t, db, "attachments"), count(t, db, "attachment_blobs"); f != st.files || b != st.blobs {
			t.Errorf("after %s: %d attachments, %d contents; want %d, %d", st.q, f, b, st.files, st.blobs)
		}
	}
}

// A rolled-back transaction keeps neither the message nor its file.
func TestAddRolledBack(t *testing.T) {
	db := newDB(t)
	s := NewStore(db)
	stop := errors.New("stop")
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		if _, err := s.Add(context.Background(), tx, 1, 1, File{Name: "x.pdf", Data: pdfBytes}); err != nil {
			return err
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatal(err)
	}
	if n := count(t, db, "attachment_blobs") + count(t, db, "attachments"); n != 0 {
		t.Errorf("%d rows kept by a rolled-back transaction", n)
	}
}

func TestTypeOf(t *testing.T) {
	zip := []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
	for _, c := range []struct {
		name     string
		data     []byte
		declared string
		want     string
	}{
		{"png", pngBytes, "image/png", "image/png"},
		{"png declared as anything", pngBytes, "application/octet-stream", "image/png"},
		{"html claimed as png", []byte("<html><script>alert(1)</script></html>"), "image/png", Unknown},
		{"html declared html", []byte("<!DOCTYPE html><p>hi"), "text/html", Unknown},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "image/svg+xml", Unknown},
		{"svg without prolog is text at most", []byte(`<svg onload="alert(1)"/>`), "image/svg+xml", "text/plain"},
		{"docx", zip, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"docx claim on a pdf", pdfBytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/pdf"},
		{"zip", zip, "", "application/zip"},
		{"csv", []byte("a,b\n1,2\n"), "text/csv; charset=utf-8", "text/csv"},
		{"csv claim on binary", []byte{0, 1, 2, 3}, "text/csv", Unknown},
		{"program", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), "application/pdf", Unknown},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic"), 0, 0, 0, 0), "image/heic", "image/heic"},
		{"not kept, declared allowed", nil, "video/mp4", "video/mp4"},
		{"not kept, declared html", nil, "text/html", Unknown},
	} {
		if got := TypeOf(c.data, c.declared); got != c.want {
			t.Errorf("%s: TypeOf = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":     "passwd",
		`C:\tmp\a.pdf`:         "a.pdf",
		"a\r\nContent-Type: x": "aContent-Type: x",
		"  ":                   "file",
		"..":                   "file",
		"r\xe9sum\xe9.pdf":     "rsum.pdf",
		"résumé.pdf":           "résumé.pdf",
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
