package web

// The chat widget: /widget.js (static/widget.js) and the public JSON API it calls from
// customers' sites, under /widget/v1/{key}/ where key is the channel's public key.
//
// Security: the admin's cross-origin and CSRF checks do not apply here (middleware.go).
// Instead every request must come from one of the channel's allowed origins (or the
// server's own), which then get Access-Control-Allow-Origin; a visitor token, sent as
// "Authorization: Bearer" (or ?token= on the event stream, which EventSource cannot give
// headers), opens only that visitor's conversations on that channel; requests are rate
// limited per IP and messages per visitor. Session cookies are ignored, except for the
// admin's live preview (?preview=1), which must be a same-origin request of a signed-in
// member of the channel's workspace.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/agent"
	"agent/app/attach"
	"agent/app/channel"
	"agent/app/closing"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/ratelimit"
	"agent/app/usererr"
	"agent/static"
)

// widgetAPIPrefix is where the widget's API lives; the admin's cross-origin and CSRF
// checks skip it.
const widgetAPIPrefix = "/widget/v1/"

// widgetMaxBody bounds a request body: a message of inbox.MaxMessage characters, even
// with every character escaped in JSON, and room for the rest.
const widgetMaxBody = 64 << 10

// widgetLabel is shown under the agent's name while the AI handles the conversation.
const widgetLabel = "Powered by AI"

// widgetAPI serves the widget; it holds the rate limits and the script.
type widgetAPI struct {
	s                *Server
	byVisitor        *ratelimit.Limiter // messages per visitor
	byIP             *ratelimit.Limiter // requests per IP
	streamsByVisitor *ratelimit.Slots   // open event streams per visitor
	streamsByIP      *ratelimit.Slots   // open event streams per IP
	uploads, typing  *ratelimit.Limiter // files and typing signals per visitor (widgetwork.go)

	script, scriptGzip []byte
	scriptTag          string // its ETag
}

// widgetRoutes lists the chat widget's public routes.
func (s *Server) widgetRoutes(public route) {
	wa := &widgetAPI{
		s:         s,
		byVisitor: ratelimit.New(s.cfg.Chat.MessagesPerMinute, time.Minute),
		byIP:      ratelimit.New(s.cfg.Chat.IPRequestsPerMinute, time.Minute),
		script:    static.Widget(),

		streamsByVisitor: ratelimit.NewSlots(s.cfg.Chat.StreamsPerVisitor),
		streamsByIP:      ratelimit.NewSlots(s.cfg.Chat.StreamsPerIP),
	}
	sum := sha256.Sum256(wa.script)
	wa.scriptTag = `W/"` + hex.EncodeToString(sum[:8]) + `"` // weak: the same for the gzipped body
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(wa.script)
	zw.Close()
	wa.scriptGzip = gz.Bytes()

	public("GET /widget.js", wa.serveScript)
	api := func(pattern string, h widgetHandler) {
		method, path, _ := strings.Cut(pattern, " ")
		public(method+" "+widgetAPIPrefix+"{key}/"+path, wa.handle(h))
	}
	api("OPTIONS {path...}", nil) // CORS preflight
	api("GET config", wa.config)
	api("GET avatar", wa.avatar)
	api("POST visitor", wa.start)
	api("POST conversations", wa.openConversation)
	api("GET conversations/{conv}", wa.conversation)
	api("POST conversations/{conv}/messages", wa.send)
	api("GET conversations/{conv}/events", wa.events)
	api("POST conversations/{conv}/messages/{msg}/feedback", wa.feedback)
	api("POST profile", wa.profile)
	api("POST offline", wa.leaveMessage)
	wa.workRoutes(api)
	public(widgetAPIPrefix, func(w http.ResponseWriter, r *http.Request) {
		widgetError(w, http.StatusNotFound, "There is nothing at this address.")
	})
}

// serveScript serves static/widget.js under a fixed name, cached briefly, gzipped for
// browsers that take it.
func (wa *widgetAPI) serveScript(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", wa.scriptTag)
	h.Set("Vary", "Accept-Encoding")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if slices.Contains(strings.Split(strings.ReplaceAll(r.Header.Get("If-None-Match"), " ", ""), ","), wa.scriptTag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := wa.script
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = wa.scriptGzip
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// widgetRequest is what every API handler gets: the channel, on a quote's public page
// the quote (quotechat.go), and for the admin's live preview the signed-in member trying it.
type widgetRequest struct {
	ch        channel.Channel
	quoteID   int64
	previewBy int64
}

type widgetHandler func(w http.ResponseWriter, r *http.Request, wr *widgetRequest)

// handle runs the checks every API request passes: the per-IP rate limit, the channel
// (unknown or inactive: 404), the preview's session, and the origin (CORS).
func (wa *widgetAPI) handle(next widgetHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Add("Vary", "Origin")
		if r.Method != http.MethodOptions && !wa.allow(w, wa.byIP, "ip:"+wa.s.clientKey(r), "requests") {
			return
		}
		wr, err := wa.target(r.Context(), r.PathValue("key"))
		if errors.Is(err, channel.ErrNotFound) || (err == nil && wr.ch.Kind != channel.Chat) {
			widgetError(w, http.StatusNotFound, "There is no chat with this key.")
			return
		}
		if err != nil {
			wa.serverError(w, r, err)
			return
		}
		ch := wr.ch
		if r.URL.Query().Get("preview") == "1" {
			if wr.previewBy = wa.previewer(r, ch); wr.previewBy == 0 {
				widgetError(w, http.StatusForbidden, "The preview is only for signed-in members of the workspace.")
				return
			}
		}
		if !ch.Active && wr.previewBy == 0 {
			widgetError(w, http.StatusNotFound, "There is no chat with this key.")
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(r) {
			if !ch.AllowsOrigin(origin) {
				// The page may read this refusal (and the widget log it), rather than see a
				// network error: it says nothing but that the site is not allowed. A
				// preflight stays refused, so no request that needs one is sent.
				if r.Method != http.MethodOptions {
					h.Set("Access-Control-Allow-Origin", origin)
				}
				widgetJSON(w, http.StatusForbidden, map[string]string{"code": "origin_not_allowed",
					"error": fmt.Sprintf("This site (%s) is not in the channel's allowed origins: add it to the channel's allowed sites.", origin)})
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "7200")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next(w, r, wr)
	}
}

// previewer returns the signed-in member of the channel's workspace who asks for a
// preview from the server's own pages, or 0.
func (wa *widgetAPI) previewer(r *http.Request, ch channel.Channel) int64 {
	v := visitOf(r)
	if !v.loggedIn || !sameOrigin(r) {
		return 0
	}
	if _, err := wa.s.accounts.Membership(r.Context(), ch.WorkspaceID, v.user.ID); err != nil {
		return 0
	}
	return v.user.ID
}

// sameOrigin reports whether a browser sent r from the server's own pages.
func sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	u, err := url.Parse(r.Header.Get("Origin"))
	return err == nil && u.Host != "" && u.Host == r.Host
}

// allow takes a token from the limiter for key, or answers 429 with Retry-After.
func (wa *widgetAPI) allow(w http.ResponseWriter, l *ratelimit.Limiter, key, what string) bool {
	ok, wait := l.Allow(key)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		widgetError(w, http.StatusTooManyRequests, "Too many "+what+". Wait a moment and try again.")
	}
	return ok
}

func widgetJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func widgetError(w http.ResponseWriter, status int, msg string) {
	widgetJSON(w, status, map[string]string{"error": msg})
}

func (wa *widgetAPI) serverError(w http.ResponseWriter, r *http.Request, err error) {
	wa.s.log.Error("widget request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	widgetError(w, http.StatusInternalServerError, "Something went wrong on our side. Try again in a moment.")
}

// domainError answers an error of a domain call: its own text for input errors, 404 for
// what is not found, a logged 500 for the rest.
func (wa *widgetAPI) domainError(w http.ResponseWriter, r *http.Request, err error) {
	var ie *usererr.InputError
	switch {
	case errors.Is(err, inbox.ErrNotFound):
		widgetError(w, http.StatusNotFound, "There is no such conversation.")
	case errors.As(err, &ie):
		widgetError(w, http.StatusUnprocessableEntity, capitalize(ie.Message)+".")
	default:
		wa.serverError(w, r, err)
	}
}

// widgetInput is the JSON body of one of the API's requests. check says what is wrong
// with it in words for the visitor, with the status to answer, or returns 0; it may
// tidy the input (trim spaces).
type widgetInput interface {
	check() (status int, message string)
}

// visitorInput is the body of POST visitor.
type visitorInput struct {
	Lang string `json:"lang"` // the browser's language, normalised by the store
	// Identity is the host site's signed token for its signed-in visitor (channel.VerifyIdentity).
	Identity string `json:"identity"`
	// Name and Email are what the page's script says of the visitor, unverified.
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (*visitorInput) check() (int, string) { return 0, "" }

// messageInput is the body of POST conversations/{conv}/messages.
type messageInput struct {
	Text string    `json:"text"`
	Lang string    `json:"lang"`
	Page pageInput `json:"page"`
}

func (in *messageInput) check() (int, string) {
	in.Text = strings.TrimSpace(in.Text)
	switch {
	case in.Text == "":
		return http.StatusUnprocessableEntity, "Write a message first."
	case utf8.RuneCountInString(in.Text) > inbox.MaxMessage:
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("The message is too long: keep it under %d characters.", inbox.MaxMessage)
	}
	return 0, ""
}

// feedbackInput is the body of POST conversations/{conv}/messages/{msg}/feedback.
type feedbackInput struct {
	Helpful bool   `json:"helpful"`
	Reason  string `json:"reason"`  // one of inbox.FeedbackReasons when not helpful
	Comment string `json:"comment"` // cut to its first 500 characters by the store
}

func (in *feedbackInput) check() (int, string) {
	if !in.Helpful && !slices.Contains(inbox.FeedbackReasons, in.Reason) {
		return http.StatusUnprocessableEntity, "Choose a reason: " + strings.Join(inbox.FeedbackReasons, ", ") + "."
	}
	in.Comment = strings.TrimSpace(in.Comment)
	return 0, ""
}

// readInput reads a JSON body of at most widgetMaxBody bytes into in and checks it, or
// answers what is wrong; an empty body leaves in as it is before the check.
func readInput(w http.ResponseWriter, r *http.Request, in widgetInput) bool {
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, widgetMaxBody)).Decode(in)
	var mbe *http.MaxBytesError
	switch {
	case err == nil, errors.Is(err, io.EOF):
		if status, msg := in.check(); status != 0 {
			widgetError(w, status, msg)
			return false
		}
		return true
	case errors.As(err, &mbe):
		widgetError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The message is too long: keep it under %d characters.", inbox.MaxMessage))
	case errors.Is(err, os.ErrDeadlineExceeded):
		widgetError(w, http.StatusRequestTimeout, "The request took too long to arrive. Try again.")
	default:
		widgetError(w, http.StatusBadRequest, "The request is not valid JSON.")
	}
	return false
}

// agentOf returns the channel's AI agent, and whether it answers (it exists and is not paused).
func (wa *widgetAPI) agentOf(ctx context.Context, ch channel.Channel) (agent.Agent, bool) {
	if ch.AgentID == 0 {
		return agent.Agent{}, false
	}
	a, err := wa.s.agents.Get(ctx, ch.WorkspaceID, ch.AgentID)
	if err != nil {
		return agent.Agent{}, false
	}
	return a, a.Active
}

// config is what the widget shows before the visitor writes.
func (wa *widgetAPI) config(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	a, active := wa.agentOf(r.Context(), wr.ch)
	offline, err := wa.s.service.Offline(r.Context(), wr.ch, active)
	if err != nil {
		wa.serverError(w, r, err)
		return
	}
	name, avatar := wr.ch.Name, ""
	if a.ID != 0 {
		name = a.Name
		if a.HasAvatar {
			avatar = widgetAPIPrefix + wr.ch.PublicKey + "/avatar?v=" + strconv.FormatInt(a.UpdatedAt.Unix(), 36)
		}
	}
	label := ""
	if active {
		label = widgetLabel
	}
	out := map[string]any{
		"name": name, "avatar": avatar, "ai": active, "label": label,
		"show_human": wr.ch.ShowHuman, "max_message": inbox.MaxMessage,
		"feedback_reasons": inbox.FeedbackReasons, "offline": offline,
		"closed_notice": widgetClosedNotice, "max_file_mb": attach.MaxUpload >> 20, "file_types": widgetFileTypes,
	}
	maps.Copy(out, widgetLook(wr.ch, r.URL.Query().Get("lang")))
	if st, ok := wa.s.quoteCloser(r.Context(), wr); ok {
		// A quote page's chat is the closing agent's: its identity and greeting, and no
		// offline form (it says itself when no representative is available).
		out["name"], out["avatar"], out["ai"], out["label"], out["offline"] = st.Name, "", true, widgetLabel, false
		if st.HasAvatar {
			out["avatar"] = widgetAPIPrefix + r.PathValue("key") + "/avatar?v=" + strconv.FormatInt(st.UpdatedAt.Unix(), 36)
		}
		out["welcome"], out["quick_replies"] = closerWelcome(st), append([]string{}, st.QuickReplies...)
		out["greetings"] = []any{}
		out["default"] = map[string]any{"lang": "", "welcome": out["welcome"], "quick_replies": out["quick_replies"]}
	}
	widgetJSON(w, http.StatusOK, out)
}

// avatar serves the channel's agent's avatar, for the widget's header.
func (wa *widgetAPI) avatar(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	img, ct, err := wa.s.agents.Avatar(r.Context(), wr.ch.WorkspaceID, wr.ch.AgentID)
	if _, ok := wa.s.quoteCloser(r.Context(), wr); ok {
		img, ct, err = wa.s.closing.Avatar(r.Context(), wr.ch.WorkspaceID)
	}
	if errors.Is(err, agent.ErrNotFound) || errors.Is(err, closing.ErrNotFound) {
		widgetError(w, http.StatusNotFound, "This agent has no avatar.")
		return
	}
	if err != nil {
		wa.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(img)))
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(img)
	}
}

// visitor finds the visitor the request's token names: the Authorization header, or the
// token query parameter (event streams). An unknown token is a 401: the widget then
// starts over with a new one.
func (wa *widgetAPI) visitor(w http.ResponseWriter, r *http.Request, wr *widgetRequest) (inbox.Visitor, bool) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	v, err := wa.s.inbox.VisitorByToken(r.Context(), wr.ch, token)
	if errors.Is(err, inbox.ErrUnknownVisitor) {
		widgetError(w, http.StatusUnauthorized, "Unknown visitor: start again.")
		return v, false
	}
	if err != nil {
		wa.serverError(w, r, err)
		return v, false
	}
	v.PreviewBy, v.QuoteID = wr.previewBy, wr.quoteID
	return v, true
}

// visitorConversation finds the conversation {conv} of the visitor; any other (another
// visitor's, another channel's) is a 404.
func (wa *widgetAPI) visitorConversation(w http.ResponseWriter, r *http.Request, wr *widgetRequest, v inbox.Visitor) (inbox.Conversation, bool) {
	return wa.conversationOf(w, r, wr, v, false)
}

// conversationOf is visitorConversation; with gone, a conversation that is no more (one
// the widget opened for a first message that never came, deleted after its channel's
// close-after time) is returned empty rather than refused, so that a message to it starts
// a new one, as a message to a closed one does.
func (wa *widgetAPI) conversationOf(w http.ResponseWriter, r *http.Request, wr *widgetRequest, v inbox.Visitor, gone bool) (inbox.Conversation, bool) {
	id, ok := ids.Decode(r.PathValue("conv"))
	var c inbox.Conversation
	var err error
	if ok {
		c, err = wa.s.inbox.Get(r.Context(), wr.ch.WorkspaceID, id)
	}
	if ok && gone && errors.Is(err, inbox.ErrNotFound) {
		return inbox.Conversation{}, true
	}
	if !ok || errors.Is(err, inbox.ErrNotFound) || (err == nil && (c.VisitorID != v.ID || !wr.holds(c))) {
		widgetError(w, http.StatusNotFound, "There is no such conversation.")
		return c, false
	}
	if err != nil {
		wa.serverError(w, r, err)
		return c, false
	}
	return c, true
}

// start begins or resumes a visit: with a known token, the visitor's latest conversation
// and its messages; without one (or with an unknown one), a new visitor and their token.
func (wa *widgetAPI) start(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	var in visitorInput
	if !readInput(w, r, &in) {
		return
	}
	ctx := r.Context()
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	v, err := wa.s.inbox.VisitorByToken(ctx, wr.ch, token)
	if errors.Is(err, inbox.ErrUnknownVisitor) {
		v, token, err = wa.s.inbox.NewVisitor(ctx, wr.ch, in.Lang)
	} else if err == nil {
		err = wa.s.inbox.TouchVisitor(ctx, v, in.Lang)
	}
	if err != nil {
		wa.serverError(w, r, err)
		return
	}
	v.QuoteID = wr.quoteID
	out := map[string]any{"token": token, "conversation": nil, "messages": []widgetMessage{}}
	if v, token, err = wa.identify(ctx, wr.ch, v, token, in, out); err != nil {
		wa.serverError(w, r, err)
		return
	}
	out["token"] = token
	c, err := wa.s.inbox.VisitorConversation(ctx, v)
	if err == nil && wr.holds(c) {
		out["conversation"], out["messages"], err = wa.state(ctx, wr.ch, c)
	}
	if err != nil && !errors.Is(err, inbox.ErrNotFound) {
		wa.serverError(w, r, err)
		return
	}
	widgetJSON(w, http.StatusOK, out)
}

// openConversation returns the visitor's open conversation, starting one when they have
// none, before their first message, so that the widget follows its events first.
func (wa *widgetAPI) openConversation(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok {
		return
	}
	var in pageInput
	if !readInput(w, r, &in) {
		return
	}
	ctx := r.Context()
	_, active := wa.agentOf(ctx, wr.ch)
	c, err := wa.s.service.OpenConversation(ctx, wr.ch, v, active)
	if err == nil {
		err = wa.recordVisit(r, c, in, v.Lang)
	}
	if err != nil {
		wa.serverError(w, r, err)
		return
	}
	wa.writeState(w, r, wr, c)
}

// conversation returns one of the visitor's conversations with its messages.
func (wa *widgetAPI) conversation(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok {
		return
	}
	c, ok := wa.visitorConversation(w, r, wr, v)
	if !ok {
		return
	}
	wa.writeState(w, r, wr, c)
}

func (wa *widgetAPI) writeState(w http.ResponseWriter, r *http.Request, wr *widgetRequest, c inbox.Conversation) {
	conv, msgs, err := wa.state(r.Context(), wr.ch, c)
	if err != nil {
		wa.serverError(w, r, err)
		return
	}
	widgetJSON(w, http.StatusOK, map[string]any{"conversation": conv, "messages": msgs})
}

// send stores the visitor's message and returns it with what was said in return. A
// message to a closed conversation starts a new one, returned as conversation.
func (wa *widgetAPI) send(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok || !wa.allow(w, wa.byVisitor, "v:"+strconv.FormatInt(v.ID, 10), "messages") {
		return
	}
	var in messageInput
	if !readInput(w, r, &in) {
		return
	}
	c, ok := wa.conversationOf(w, r, wr, v, true)
	if !ok {
		return
	}
	wa.visitorWrote(w, r, wr, v, c, in.Text, in.Lang, in.Page, nil)
}

// visitorWrote stores what the visitor sent to conversation c (text, and files by record)
// from the page they are on and answers it with what was said in return. A message to a closed conversation starts
// a new one, returned as conversation.
func (wa *widgetAPI) visitorWrote(w http.ResponseWriter, r *http.Request, wr *widgetRequest, v inbox.Visitor, c inbox.Conversation,
	text, lang string, page pageInput, record func(tx *sql.Tx, messageID int64) error) {
	// The reply is stored even when the visitor leaves while it is written: they, or
	// their other tabs, see it later.
	ctx := context.WithoutCancel(r.Context())
	browserLang := lang
	lang = knowledge.NormalizeLang(lang)
	var err error
	if c.Status != "open" {
		_, active := wa.agentOf(ctx, wr.ch)
		if c, err = wa.s.service.OpenConversation(ctx, wr.ch, v, active); err != nil {
			wa.serverError(w, r, err)
			return
		}
	}
	if err := wa.recordVisit(r, c, page, browserLang); err != nil {
		wa.s.log.Warn("widget: record visit", "conversation", c.ID, "err", err)
	}
	// Storing the message records that the visitor is around, in the same write.
	m, replies, err := wa.s.service.VisitorMessageWith(ctx, wr.ch, c, text, lang, record)
	if m.ID == 0 && err != nil {
		wa.domainError(w, r, err)
		return
	}
	if err != nil {
		wa.s.log.Error("widget reply failed", "conversation", c.ID, "err", err)
	}
	if c, err = wa.s.inbox.Get(ctx, c.WorkspaceID, c.ID); err != nil {
		wa.serverError(w, r, err)
		return
	}
	names := map[int64]string{}
	wm := wa.messageJSON(ctx, wr.ch, m, names)
	wm.Files = wa.filesOf(ctx, wr.ch, c.ID, m.ID)
	out := map[string]any{"conversation": wa.conversationJSON(ctx, wr.ch, c, names), "message": wm, "replies": []widgetMessage{}}
	var rs []widgetMessage
	for _, rm := range replies {
		rs = append(rs, wa.messageJSON(ctx, wr.ch, rm, names))
	}
	if rs != nil {
		out["replies"] = rs
	}
	widgetJSON(w, http.StatusOK, out)
}

// feedback records the visitor's thumbs up or down on an AI reply of their conversation.
func (wa *widgetAPI) feedback(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok {
		return
	}
	c, ok := wa.visitorConversation(w, r, wr, v)
	if !ok {
		return
	}
	var in feedbackInput
	if !readInput(w, r, &in) {
		return
	}
	msg, ok := ids.Decode(r.PathValue("msg"))
	var err error = inbox.ErrNotFound
	if ok {
		err = wa.s.service.Rate(r.Context(), c, inbox.Feedback{MessageID: msg, Helpful: in.Helpful, Reason: in.Reason,
			Comment: in.Comment})
	}
	if err != nil {
		wa.domainError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// events streams the conversation to the widget as server-sent events: token (a piece of
// the AI reply being written, a JSON string), message (a message the visitor sees),
// conversation (who handles it now) and reload (events were lost: fetch the conversation
// again), with a comment line as heartbeat. The conversation's state comes first.
func (wa *widgetAPI) events(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok {
		return
	}
	c, ok := wa.visitorConversation(w, r, wr, v)
	if !ok {
		return
	}
	release, ok := wa.holdStream(w, r, v)
	if !ok {
		return
	}
	names := map[int64]string{}
	wa.s.stream(w, r, inbox.Topic{Conversation: c.ID}, release,
		func(ctx context.Context, out sse) error {
			return out.event("conversation", wa.conversationJSON(ctx, wr.ch, c, names))
		},
		func(ctx context.Context, out sse, e inbox.Event) error {
			return wa.sendEvent(ctx, wr.ch, c, e, names, out)
		})
}

// streamRetry is the Retry-After of a refused event stream: a slot frees when a tab
// closes, at no time the server can tell.
const streamRetry = "30"

// holdStream holds one of the visitor's event streams and one of their IP address's, so
// that one visitor or one address cannot open connections until the server runs out of
// file descriptors; release gives both back when the stream ends, however it ends.
// Beyond a limit the answer is 429, which the widget retries later.
func (wa *widgetAPI) holdStream(w http.ResponseWriter, r *http.Request, v inbox.Visitor) (release func(), ok bool) {
	visitor, ip := strconv.FormatInt(v.ID, 10), wa.s.clientKey(r)
	if !wa.streamsByVisitor.Take(visitor) {
		w.Header().Set("Retry-After", streamRetry)
		widgetError(w, http.StatusTooManyRequests, "This chat is open in too many tabs. Close some and try again.")
		return nil, false
	}
	if !wa.streamsByIP.Take(ip) {
		wa.streamsByVisitor.Release(visitor)
		w.Header().Set("Retry-After", streamRetry)
		widgetError(w, http.StatusTooManyRequests, "Too many chats are open from this network. Try again in a moment.")
		return nil, false
	}
	return func() {
		wa.streamsByIP.Release(ip)
		wa.streamsByVisitor.Release(visitor)
	}, true
}

// sendEvent passes one hub event on to the widget, leaving out what visitors must not see.
func (wa *widgetAPI) sendEvent(ctx context.Context, ch channel.Channel, c inbox.Conversation, e inbox.Event,
	names map[int64]string, out sse) error {
	if e.Staff || e.ConversationID != c.ID {
		return nil
	}
	switch e.Kind {
	case inbox.EventToken:
		return out.event("token", e.Token)
	case inbox.EventTyping:
		if e.Typer == inbox.TyperStaff {
			return out.event("typing", typingJSON{Stopped: e.Stopped})
		}
	case inbox.EventMessage:
		m, err := wa.s.inbox.Message(ctx, c.ID, e.MessageID)
		if err != nil {
			wa.s.log.Warn("widget event", "err", err)
			return out.event("reload", "")
		}
		if visibleToVisitor(m) {
			wm := wa.messageJSON(ctx, ch, m, names)
			wm.Files = wa.filesOf(ctx, ch, c.ID, m.ID)
			return out.event("message", wm)
		}
	case inbox.EventConversation:
		cur, err := wa.s.inbox.Get(ctx, c.WorkspaceID, c.ID)
		if err != nil {
			wa.s.log.Warn("widget event", "err", err)
			return out.event("reload", "")
		}
		return out.event("conversation", wa.conversationJSON(ctx, ch, cur, names))
	}
	return nil
}

// widgetConversation is a conversation as the widget sees it.
type widgetConversation struct {
	ID    string `json:"id"`
	Open  bool   `json:"open"`
	Lang  string `json:"lang,omitempty"`  // the visitor's language, from their messages
	AI    bool   `json:"ai"`              // the AI answers
	Human string `json:"human,omitempty"` // the person who has it, when the channel shows them
	Seen  string `json:"seen,omitempty"`  // the last message staff have read: the visitor's up to it are "Seen"
}

// widgetMessage is a message as the widget shows it.
type widgetMessage struct {
	ID      string         `json:"id"`
	Author  string         `json:"author"` // visitor, bot, human or system
	Text    string         `json:"text"`
	Name    string         `json:"name,omitempty"` // a person's name, when the channel shows it
	At      int64          `json:"at"`
	Sources []widgetSource `json:"sources,omitempty"`
	Quick   []string       `json:"quick_replies,omitempty"`
	Rate    bool           `json:"rate,omitempty"`     // an AI reply the visitor may rate
	Rated   string         `json:"feedback,omitempty"` // "up" or "down" once rated
	Label   string         `json:"label,omitempty"`    // the automatic bot's messages: "Sent by the chat assistant"
	Files   []widgetFile   `json:"files,omitempty"`
}

type widgetSource struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

func visibleToVisitor(m inbox.Message) bool {
	switch m.Author {
	case agent.AuthorVisitor, agent.AuthorBot, agent.AuthorHuman, inbox.AuthorSystem:
		return true
	}
	return false // internal notes and anything else meant for staff
}

// state is a conversation with the messages the visitor sees.
func (wa *widgetAPI) state(ctx context.Context, ch channel.Channel, c inbox.Conversation) (widgetConversation, []widgetMessage, error) {
	msgs, err := wa.s.inbox.Messages(ctx, c.ID)
	if err != nil {
		return widgetConversation{}, nil, err
	}
	files, err := wa.s.files.OfConversation(ctx, ch.WorkspaceID, c.ID)
	if err != nil {
		return widgetConversation{}, nil, err
	}
	names := map[int64]string{}
	out := []widgetMessage{}
	for _, m := range msgs {
		if visibleToVisitor(m) {
			wm := wa.messageJSON(ctx, ch, m, names)
			wm.Files = widgetFiles(ch, files[m.ID])
			out = append(out, wm)
		}
	}
	return wa.conversationJSON(ctx, ch, c, names), out, nil
}

// personName is the name the widget shows for a person, when the channel shows people.
func (wa *widgetAPI) personName(ctx context.Context, ch channel.Channel, userID int64, names map[int64]string) string {
	if !ch.ShowHuman || userID == 0 {
		return ""
	}
	if n, ok := names[userID]; ok {
		return n
	}
	u, err := wa.s.accounts.User(ctx, userID)
	if err != nil {
		wa.s.log.Warn("widget: person's name", "user", userID, "err", err)
	}
	names[userID] = u.Name
	return u.Name
}

func (wa *widgetAPI) conversationJSON(ctx context.Context, ch channel.Channel, c inbox.Conversation, names map[int64]string) widgetConversation {
	wc := widgetConversation{ID: ids.Encode(c.ID), Open: c.Status == "open", AI: c.AIActive, Lang: c.Lang}
	if c.SeenMessageID != 0 {
		wc.Seen = ids.Encode(c.SeenMessageID)
	}
	if !c.AIActive {
		wc.Human = wa.personName(ctx, ch, c.AssigneeID, names)
	}
	return wc
}

func (wa *widgetAPI) messageJSON(ctx context.Context, ch channel.Channel, m inbox.Message, names map[int64]string) widgetMessage {
	wm := widgetMessage{ID: ids.Encode(m.ID), Author: string(m.Author), Text: m.Body, At: m.CreatedAt.Unix()}
	if m.Author == agent.AuthorHuman {
		wm.Name = wa.personName(ctx, ch, m.UserID, names)
	}
	wm.Label = wa.s.botLabel(ctx, ch, m)
	if m.AI != nil {
		for _, s := range m.AI.Sources {
			wm.Sources = append(wm.Sources, widgetSource{N: s.N, Title: s.Title, URL: s.URL})
		}
		wm.Quick = m.AI.QuickReplies
		wm.Rate = m.AI.Decision != agent.Handoff
		if wm.Rate && m.ID != 0 {
			if f, ok, err := wa.s.inbox.FeedbackOf(ctx, m.ID); err == nil && ok {
				wm.Rated = map[bool]string{true: "up", false: "down"}[f.Helpful]
			}
		}
	}
	return wm
}
