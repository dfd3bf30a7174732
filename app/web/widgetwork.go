package web

// The widget's side of working the inbox: the visitor's files (sent and received), their
// typing signal, and the texts the widget shows when a conversation closes.

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"agent/app/attach"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/ratelimit"
)

// widgetClosedNotice is what the widget shows when the conversation is closed.
const widgetClosedNotice = "This conversation has been closed. Write again any time to start a new one."

// widgetFileTypes is the file picker's accept list; the server checks the bytes (attach.Upload).
const widgetFileTypes = "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,.docx,.xlsx,.pptx,.odt,.ods"

// Uploads per visitor: a few files a minute is a person sending screenshots; more is not.
const (
	widgetUploadsPerMinute = 6
	widgetUploadMaxBody    = attach.MaxUpload + 64<<10 // one file and the form around it
)

// widgetFile is a file of a message as the widget shows it; url is under the API and needs
// the visitor's token.
type widgetFile struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Size  int64  `json:"size"`
	URL   string `json:"url"`
	Image bool   `json:"image,omitempty"`
}

// workRoutes adds the widget's routes for files and typing.
func (wa *widgetAPI) workRoutes(api func(string, widgetHandler)) {
	wa.uploads = ratelimit.New(widgetUploadsPerMinute, time.Minute)
	wa.typing = ratelimit.New(typingPerMinute, time.Minute)
	api("POST conversations/{conv}/typing", wa.visitorTyping)
	api("POST conversations/{conv}/files", wa.upload)
	api("GET conversations/{conv}/files/{file}", wa.file)
}

// widgetFiles turns a message's stored files into what the widget shows: only files kept.
func widgetFiles(ch channel.Channel, files []attach.Attachment) []widgetFile {
	var out []widgetFile
	for _, a := range files {
		if !a.Kept() {
			continue
		}
		out = append(out, widgetFile{Name: a.Name, Type: a.ContentType, Size: a.Size, Image: a.Image(),
			URL: "conversations/" + ids.Encode(a.ConversationID) + "/files/" + ids.Encode(a.ID)})
	}
	return out
}

// filesOf is the files of one message of conversation convID.
func (wa *widgetAPI) filesOf(ctx context.Context, ch channel.Channel, convID, messageID int64) []widgetFile {
	files, err := wa.s.files.List(ctx, ch.WorkspaceID, messageID)
	if err != nil {
		wa.s.log.Warn("widget: files of a message", "message", messageID, "err", err)
		return nil
	}
	return widgetFiles(ch, files)
}

// typingJSON is a typing event of the inbox's and the widget's streams.
type typingJSON struct {
	Stopped bool `json:"stopped,omitempty"` // the typer emptied the box
}

// visitorTyping tells the inbox that the visitor is typing in their conversation, or with
// stop=1 that they emptied the box.
func (wa *widgetAPI) visitorTyping(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok {
		return
	}
	c, ok := wa.visitorConversation(w, r, wr, v)
	if !ok {
		return
	}
	if ok, _ := wa.typing.Allow("v:" + strconv.FormatInt(v.ID, 10)); ok && c.Status == "open" {
		if err := wa.s.service.Typing(r.Context(), c.WorkspaceID, c.ID, inbox.TyperVisitor, r.URL.Query().Get("stop") == "1"); err != nil {
			wa.domainError(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// upload stores a file the visitor sends (multipart field file, with optional text and
// lang) as their message in their conversation, checked by its bytes, and answers as a
// message does. It is rate limited per visitor apart from messages.
func (wa *widgetAPI) upload(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok || !wa.allow(w, wa.uploads, "v:"+strconv.FormatInt(v.ID, 10), "files") {
		return
	}
	c, ok := wa.conversationOf(w, r, wr, v, true)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, widgetUploadMaxBody)
	if err := r.ParseMultipartForm(maxMultipartMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			widgetError(w, http.StatusRequestEntityTooLarge, "The file is too large: send files of up to "+strconv.Itoa(attach.MaxUpload>>20)+" MB.")
			return
		}
		widgetError(w, http.StatusBadRequest, "The file could not be read. Try again.")
		return
	}
	headers := r.MultipartForm.File["file"]
	if len(headers) != 1 {
		widgetError(w, http.StatusUnprocessableEntity, "Choose one file.")
		return
	}
	files, err := readUploads(headers)
	if err != nil {
		wa.domainError(w, r, err)
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	if text == "" {
		text = fileNotice(files)
	}
	wa.visitorWrote(w, r, wr, v, c, text, r.PostFormValue("lang"), pageInput{}, wa.s.storeFiles(context.WithoutCancel(r.Context()), c.WorkspaceID, files))
}

// file serves a file of the visitor's conversation (token in the query, as an img cannot
// send headers): another conversation's is a 404. Only images are shown in place; the rest
// are downloads, typed by their bytes, never sniffed.
func (wa *widgetAPI) file(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok {
		return
	}
	c, ok := wa.visitorConversation(w, r, wr, v)
	if !ok {
		return
	}
	id, ok := ids.Decode(r.PathValue("file"))
	var a attach.Attachment
	var data []byte
	var err error = attach.ErrNotFound
	if ok {
		a, data, err = wa.s.files.Open(r.Context(), c.WorkspaceID, id)
	}
	if errors.Is(err, attach.ErrNotFound) || (err == nil && a.ConversationID != c.ID) {
		widgetError(w, http.StatusNotFound, "There is no such file.")
		return
	}
	if err != nil {
		wa.serverError(w, r, err)
		return
	}
	// A customer's site shows the images: they are fetched across origins.
	w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
	serveAttachment(w, r, a, data, true)
}
