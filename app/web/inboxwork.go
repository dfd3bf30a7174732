package web

// Working the inbox: tags, snooze, bulk actions, typing, notification settings and the
// saved replies the reply box inserts (their management is in settings, savedreplies.go).

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/attach"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/ratelimit"
	"agent/app/report"
	"agent/app/usererr"
	inboxview "agent/views/inbox"
	"agent/views/urls"
)

// inboxWorkRoutes lists the routes of the inbox's daily tools.
func (s *Server) inboxWorkRoutes(ws wsRoute) {
	s.staffTyping = ratelimit.New(typingPerMinute, time.Minute)
	ws("GET /w/{ws}/inbox/saved-replies", account.PermUseInbox, s.savedRepliesJSON)
	ws("POST /w/{ws}/inbox/bulk", account.PermUseInbox, s.bulkConversations)
	ws("POST /w/{ws}/inbox/notifications", account.PermUseInbox, s.setNotifications)
	ws("POST /w/{ws}/inbox/{conv}/tags", account.PermUseInbox, s.tagConversation)
	ws("POST /w/{ws}/inbox/{conv}/snooze", account.PermUseInbox, s.snoozeConversation)
	ws("POST /w/{ws}/inbox/{conv}/unsnooze", account.PermUseInbox, s.unsnoozeConversation)
	ws("POST /w/{ws}/inbox/{conv}/typing", account.PermUseInbox, s.staffIsTyping)
}

// typingPerMinute bounds the typing signals one person or visitor sends: the pages send
// one every few seconds while keys are pressed.
const typingPerMinute = 30

// tagConversation replaces the conversation's tags by those typed (field tags, comma separated).
func (s *Server) tagConversation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	names, err := inbox.ParseTags(r.PostFormValue("tags"))
	if err == nil {
		err = s.inbox.SetTags(r.Context(), c.WorkspaceID, c.ID, names)
	}
	if _, msg, ok := userMessage(err); ok {
		s.redirectWithFlash(w, r, urls.Conversation(c.WorkspaceID, c.ID)+queryOf(r), "error", "Tags: "+uncapitalize(msg)+".")
		return
	}
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.service.Hub.Publish(c.WorkspaceID, inbox.Event{Kind: inbox.EventConversation, ConversationID: c.ID})
	s.backToConversation(w, r, c, "Tags saved.")
}

// uncapitalize puts a message after a label ("Tags: keep each tag …").
func uncapitalize(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]-'A'+'a') + s[1:]
}

// snoozeUntil reads when a snooze ends: field until is "1h", "3h", "tomorrow" or
// "next-week" (9:00 in the workspace's time zone), or field at, a local date and time.
func (s *Server) snoozeUntil(r *http.Request, ws int64) (time.Time, error) {
	loc, err := report.TimeZone(r.Context(), s.db, ws)
	if err != nil {
		return time.Time{}, err
	}
	now := time.Now().In(loc)
	morning := func(days int) time.Time {
		d := now.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
	}
	switch r.PostFormValue("until") {
	case "1h":
		return now.Add(time.Hour), nil
	case "3h":
		return now.Add(3 * time.Hour), nil
	case "tomorrow":
		return morning(1), nil
	case "next-week": // Monday
		days := (8 - int(now.Weekday())) % 7
		if days == 0 {
			days = 7
		}
		return morning(days), nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("at"), loc)
	if err != nil {
		return time.Time{}, &usererr.InputError{Field: "until", Message: "choose when it comes back"}
	}
	return t, nil
}

// snoozeConversation takes the conversation out of the open views until a time.
func (s *Server) snoozeConversation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	until, err := s.snoozeUntil(r, c.WorkspaceID)
	if err == nil {
		err = s.service.Snooze(r.Context(), c.WorkspaceID, c.ID, until)
	}
	if _, msg, ok := userMessage(err); ok {
		s.redirectWithFlash(w, r, urls.Conversation(c.WorkspaceID, c.ID)+queryOf(r), "error", "Snooze: "+uncapitalize(msg)+".")
		return
	}
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	loc, _ := report.TimeZone(r.Context(), s.db, c.WorkspaceID)
	s.backToConversation(w, r, c, "Snoozed until "+until.In(loc).Format("Mon 2 Jan 15:04")+": it comes back then, or when the customer writes.")
}

// unsnoozeConversation brings a snoozed conversation back at once.
func (s *Server) unsnoozeConversation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if err := s.service.Unsnooze(r.Context(), c.WorkspaceID, c.ID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.backToConversation(w, r, c, "The conversation is back in the open views.")
}

// bulkConversations assigns or closes the conversations ticked in the list (fields conv,
// action "assign" with assignee, or "close"), each checked to be the workspace's. Closing
// conversations whose customer wrote last asks first (field confirmed "1" once asked).
func (s *Server) bulkConversations(w http.ResponseWriter, r *http.Request) {
	ctx, v := r.Context(), visitOf(r)
	back := inboxBack(r)
	var convs []int64
	for _, c := range r.PostForm["conv"] {
		id, ok := ids.Decode(c)
		if !ok {
			s.notFound(w, r)
			return
		}
		convs = append(convs, id)
	}
	var a inbox.BulkAction
	switch r.PostFormValue("action") {
	case "close":
		a.Close, a.Confirmed = true, r.PostFormValue("confirmed") == "1"
	case "assign":
		a.Assign = true
		if choice := r.PostFormValue("assignee"); choice != "" {
			kind, id, _ := strings.Cut(choice, "-")
			n, ok := ids.Decode(id)
			switch {
			case ok && kind == "user":
				a.ToUserID = n
			case ok && kind == "team":
				a.ToTeamID = n
			default:
				s.redirectWithFlash(w, r, back, "error", "Choose a member or a team of this workspace.")
				return
			}
		}
	}
	n, err := s.service.Bulk(ctx, v.workspace.ID, v.user.ID, convs, a)
	var awaiting *inbox.AwaitingError
	if errors.As(err, &awaiting) {
		// The list, asking: its address is the list's, not this form's.
		list := urls.Inbox(v.workspace.ID) + queryOf(r)
		w.Header().Set("HX-Push-Url", list)
		s.renderInboxWith(w, r, http.StatusOK, nil, func(d *inboxview.PageData) {
			d.Back = list
			d.BulkClose = &inboxview.BulkClose{IDs: convs, Awaiting: awaiting.Awaiting, Of: awaiting.Of}
		})
		return
	}
	if _, msg, ok := userMessage(err); ok && !isNotFound(err) {
		s.redirectWithFlash(w, r, back, "error", capitalize(msg)+".")
		return
	}
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	done := "closed"
	if a.Assign {
		done = "assigned"
	}
	s.redirectWithFlash(w, r, back, "ok", plural(n, "conversation")+" "+done+".")
}

// setNotifications saves how the signed-in person is told of new conversations and
// messages (fields sound and desktop, "1" when on).
func (s *Server) setNotifications(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	n := inbox.Notifications{Sound: r.PostFormValue("sound") == "1", Desktop: r.PostFormValue("desktop") == "1"}
	if err := s.inbox.SetNotifications(r.Context(), v.user.ID, n); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, inboxBack(r), "ok", "Notification settings saved.")
}

// staffIsTyping tells the customer's widget that a person is writing a reply, or with
// stop=1 that they emptied the box.
func (s *Server) staffIsTyping(w http.ResponseWriter, r *http.Request) {
	c, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if ok, _ := s.staffTyping.Allow(strconv.FormatInt(visitOf(r).user.ID, 10)); ok {
		if err := s.service.Typing(r.Context(), c.WorkspaceID, c.ID, inbox.TyperStaff, r.URL.Query().Get("stop") == "1"); err != nil {
			s.domainError(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// savedReply is a saved reply as the reply box's "/" menu reads it.
type savedReply struct {
	Shortcut string `json:"shortcut"`
	Body     string `json:"body"`
}

// savedRepliesJSON lists the workspace's saved replies for the reply box.
func (s *Server) savedRepliesJSON(w http.ResponseWriter, r *http.Request) {
	list, err := s.inbox.SavedReplies(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]savedReply, 0, len(list))
	for _, sr := range list {
		out = append(out, savedReply{Shortcut: sr.Shortcut, Body: sr.Body})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(out)
}

// replyFiles reads the files attached to a person's reply (field file), each checked by its
// bytes (attach.Upload). Only the chat widget shows files: the other channels' outboxes
// send text, so a reply there carries none.
func (s *Server) replyFiles(r *http.Request, c inbox.Conversation) ([]attach.File, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return nil, nil
	}
	if c.Channel != string(channel.Chat) {
		return nil, &usererr.InputError{Field: "message", Message: "files can be sent in chat conversations only"}
	}
	return readUploads(r.MultipartForm.File["file"])
}

// readUploads reads and checks uploaded files, at most attach.MaxUploadFiles.
func readUploads(headers []*multipart.FileHeader) ([]attach.File, error) {
	if len(headers) > attach.MaxUploadFiles {
		return nil, &usererr.InputError{Field: "file", Message: fmt.Sprintf("send at most %d files at once", attach.MaxUploadFiles)}
	}
	var files []attach.File
	for _, fh := range headers {
		if fh.Size > attach.MaxUpload {
			return nil, &usererr.InputError{Field: "file", Message: fmt.Sprintf("%s is larger than %d MB", attach.CleanName(fh.Filename), attach.MaxUpload>>20)}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, attach.MaxUpload+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		file, err := attach.Upload(fh.Filename, fh.Header.Get("Content-Type"), data)
		if err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	return files, nil
}

// storeFiles stores files with a message, in its transaction; nil when there are none.
func (s *Server) storeFiles(ctx context.Context, ws int64, files []attach.File) func(tx *sql.Tx, messageID int64) error {
	if len(files) == 0 {
		return nil
	}
	return func(tx *sql.Tx, messageID int64) error {
		for _, f := range files {
			if _, err := s.files.Add(ctx, tx, ws, messageID, f); err != nil {
				return err
			}
		}
		return nil
	}
}

// fileNotice is the text of a message that is only files: what a list's excerpt and an
// email notification show.
func fileNotice(files []attach.File) string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return "Sent " + plural(len(files), "file") + ": " + strings.Join(names, ", ")
}

// listWork adds to the list each conversation's tags, the bulk form's token and the
// signed-in person's waiting conversations.
func (s *Server) listWork(r *http.Request, d *inboxview.ListData) error {
	ctx, v := r.Context(), visitOf(r)
	ids := make([]int64, len(d.Items))
	for i, it := range d.Items {
		ids[i] = it.ID
	}
	var err error
	if d.Work.Tags, err = s.inbox.TagsOfMany(ctx, ids); err != nil {
		return err
	}
	d.Work.CSRF = v.session.CSRFToken
	d.Work.Waiting, err = s.inbox.WaitingFor(ctx, v.workspace.ID, v.user.ID)
	return err
}

// pageWork adds to the page the workspace's tags and the person's notification settings.
func (s *Server) pageWork(r *http.Request, d *inboxview.PageData) error {
	ctx, v := r.Context(), visitOf(r)
	var err error
	if d.Tags, err = s.inbox.Tags(ctx, v.workspace.ID); err != nil {
		return err
	}
	d.Notify, err = s.inbox.NotificationsOf(ctx, v.user.ID)
	return err
}

// convWork adds to a conversation's pane its tags and what the snooze shows.
func (s *Server) convWork(r *http.Request, d *inboxview.ConvData) error {
	ctx, v := r.Context(), visitOf(r)
	var err error
	if d.Work.Tags, err = s.inbox.TagsOf(ctx, d.Conv.ID); err != nil {
		return err
	}
	d.Work.Me = v.user.Name
	d.Work.Zone, err = report.TimeZone(ctx, s.db, d.WS)
	return err
}
