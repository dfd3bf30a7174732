package web

import (
	"bytes"
	"context"
	"errors"
	"mime"
	"net/http"
	"time"

	"agent/app/attach"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/inbox"
	inboxview "agent/views/inbox"
)

// fileData adds to a conversation's pane the files of its messages, and which messages
// came as HTML mail whose original can be shown.
func (s *Server) fileData(ctx context.Context, d *inboxview.ConvData) error {
	var err error
	if d.Files, err = s.files.OfConversation(ctx, d.WS, d.Conv.ID); err != nil {
		return err
	}
	if d.Conv.Channel == string(channel.Email) {
		d.Originals, err = mailbox.NewStore(s.db).WithOriginal(ctx, d.WS, d.Conv.ID)
	}
	return err
}

// conversationItem loads the conversation named in the path and decodes the ID of the
// path value name under it (a message, a file); a bad ID is a 404 (false, response sent).
func (s *Server) conversationItem(w http.ResponseWriter, r *http.Request, name string) (inbox.Conversation, int64, bool) {
	c, ok := s.conversation(w, r)
	if !ok {
		return c, 0, false
	}
	id, ok := s.pathID(w, r, name)
	return c, id, ok
}

// conversationFile serves a file of a message of the conversation, to those who may read
// the conversation: another workspace's file, or one of another conversation, is a 404.
// Only the images browsers decode safely are shown in the page; everything else is a
// download, typed by its bytes, never sniffed, and sandboxed should a browser open it.
func (s *Server) conversationFile(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.conversationItem(w, r, "file")
	if !ok {
		return
	}
	a, data, err := s.files.Open(r.Context(), c.WorkspaceID, id)
	if errors.Is(err, attach.ErrNotFound) || (err == nil && a.ConversationID != c.ID) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	serveAttachment(w, r, a, data, a.Image() && !r.URL.Query().Has("download"))
}

// serveAttachment serves a stored file: in place (inline, for the images Viewable allows)
// or as a download, typed by its bytes, never sniffed, and sandboxed should a browser open it.
func serveAttachment(w http.ResponseWriter, r *http.Request, a attach.Attachment, data []byte, inline bool) {
	disposition := "attachment"
	if inline && a.Image() {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	if named := mime.FormatMediaType(disposition, map[string]string{"filename": a.Name}); named != "" {
		disposition = named
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("ETag", `"`+a.SHA256+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// originalMail shows an email message's HTML as it came, sanitized, with its inline
// images served from the conversation's files.
func (s *Server) originalMail(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.conversationItem(w, r, "msg")
	if !ok {
		return
	}
	m, err := s.inbox.Message(r.Context(), c.ID, id)
	if errors.Is(err, inbox.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	html, err := mailbox.NewStore(s.db).Original(r.Context(), c.WorkspaceID, m.ID, inboxview.FileURL)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	d := inboxview.OriginalData{Conv: c, Message: m, HTML: html, Now: time.Now()}
	s.render(w, r, http.StatusOK, inboxview.Original(s.page(w, r, "Original mail · Inbox", "inbox"), d))
}
