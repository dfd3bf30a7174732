package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/usererr"
)

// apiPrefix is where the JSON API lives. It is called by scripts and other systems with a
// bearer token: no cookie is read there, so no CSRF protection applies (csrf, loadSession
// and crossOrigin skip it).
const apiPrefix = "/api/v1/"

// apiDeadline bounds one API call, the time a slow client takes to send its body included.
const apiDeadline = 30 * time.Second

// maxAPIBody bounds a request body: an article of 1 MB with room for its JSON escaping.
const maxAPIBody = 2 << 20

// API pages hold apiDefaultLimit items unless ?limit= asks for up to apiMaxLimit.
const (
	apiDefaultLimit = 50
	apiMaxLimit     = 200
)

// apiRequestsPerMinute is how many calls one token may make a minute, in bursts of as
// many: a sync script's pace, while one leaked token cannot flood the server.
const apiRequestsPerMinute = 600

// apiFailuresPerMinute is how many calls with a missing or wrong token one client address
// may make a minute, in bursts of as many: past it the address is answered 429 before any
// lookup and unlogged (one line a minute says so), so that guessing tokens or a script
// with a stale one floods neither the log nor the database.
const apiFailuresPerMinute = 30

// apiMethods are the methods a 405's Allow may name.
var apiMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// apiRoute is one operation of the API: the router registers it and the OpenAPI document
// describes it, both from this table (apiRoutes), so they cannot disagree.
type apiRoute struct {
	method, path string
	scope        account.Scope // "" only for the document itself, which needs no token
	id, summary  string        // the OpenAPI operationId and summary
	query        []apiParam
	body         any // the request body's type (a zero value), nil when none
	out          any // the response's type (a zero value); a list's item type when list
	list         bool
	status       int // the success status: 200 unless set
	handle       func(*apiCall) (any, error)
}

// apiParam is a query parameter of an operation.
type apiParam struct {
	name, desc string
	enum       []string
}

// apiCall is one request to the API, as far as it is known: the token once checked.
type apiCall struct {
	w     http.ResponseWriter
	r     *http.Request
	token account.APIToken
	route string
	quiet bool // refused for its address's failures: not logged
}

// ws is the workspace of the token: every object is looked up in it, so a token never
// reaches another workspace's.
func (c *apiCall) ws() int64 { return c.token.WorkspaceID }

// apiError is an error answered in the API's envelope.
type apiError struct {
	status  int
	code    string
	message string
	field   string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// apiEnvelope is the body of every error answer.
type apiEnvelope struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func errNotFound() *apiError {
	return &apiError{http.StatusNotFound, "not_found", "There is nothing at this address.", ""}
}

func errBadRequest(code, message string) *apiError {
	return &apiError{http.StatusBadRequest, code, message, ""}
}

// api is the handler of everything under apiPrefix.
func (s *Server) api() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.method+" "+rt.path, s.apiHandler(rt))
	}
	mux.Handle(apiPrefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allow := apiAllowed(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.apiFail(w, r, &apiError{http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("%s answers %s only: see %sopenapi.json.", r.URL.Path, strings.Join(allow, ", "), apiPrefix), ""})
			return
		}
		s.apiFail(w, r, &apiError{http.StatusNotFound, "unknown_route", "There is no such API call: see " + apiPrefix + "openapi.json.", ""})
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(r.Context(), apiDeadline)
		defer cancel()
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(apiDeadline))
		r = r.WithContext(context.WithValue(ctx, apiCallKey{}, &apiCall{}))
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.apiFail(rec, r, &apiError{http.StatusInternalServerError, "internal", "Something went wrong on our side. It has been logged.", ""})
			}
			s.logAPICall(r, rec.status, time.Since(start))
		}()
		mux.ServeHTTP(rec, r)
	})
}

type apiCallKey struct{}

// apiAllowed lists the methods the router has a route for at r's path, asking the router
// itself, so that its patterns and their precedence decide; none means no such path.
func apiAllowed(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range apiMethods {
		if _, pattern := mux.Handler(&http.Request{Method: m, URL: r.URL, Host: r.Host}); pattern != "" && pattern != apiPrefix {
			allow = append(allow, m)
		}
	}
	return allow
}

// logAPICall writes one structured log line per call, with the token that made it: the
// log is the API's audit trail (its retention is the log's).
func (s *Server) logAPICall(r *http.Request, status int, d time.Duration) {
	c, _ := r.Context().Value(apiCallKey{}).(*apiCall)
	if c != nil && c.quiet {
		return
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	var token, ws string
	if c != nil && c.token.ID != 0 {
		token, ws = ids.Encode(c.token.ID), ids.Encode(c.token.WorkspaceID)
	}
	s.log.Log(r.Context(), level, "api", "method", r.Method, "path", r.URL.Path, "route", c.routeOrEmpty(), "status", status,
		"duration", d.Round(time.Microsecond), "token", token, "workspace", ws, "ip", s.clientIP(r))
}

func (c *apiCall) routeOrEmpty() string {
	if c == nil {
		return ""
	}
	return c.route
}

// apiHandler checks the token, its rate and its scope, then runs the route's handler and
// answers its result as JSON or its error in the envelope.
func (s *Server) apiHandler(rt apiRoute) http.Handler {
	status := rt.status
	if status == 0 {
		status = http.StatusOK
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(apiCallKey{}).(*apiCall)
		c.w, c.r, c.route = w, r, rt.method+" "+rt.path
		if rt.scope != "" {
			if err := s.apiAuthenticate(c, rt.scope); err != nil {
				s.apiFail(w, r, s.apiErrorOf(r, err))
				return
			}
		}
		v, err := rt.handle(c)
		switch {
		case err != nil:
			s.apiFail(w, r, s.apiErrorOf(r, err))
		case status == http.StatusNoContent:
			w.WriteHeader(status)
		default:
			apiWrite(w, status, v)
		}
	})
}

// apiAuthenticate reads the bearer token: missing or invalid is 401, over its rate 429,
// without the scope 403. An address that sent apiFailuresPerMinute missing or invalid
// tokens is 429 whatever it sends, until its failures age out.
func (s *Server) apiAuthenticate(c *apiCall, scope account.Scope) error {
	addr := s.clientKey(c.r)
	if blocked, wait := s.apiFailures.Exhausted(addr); blocked {
		return s.apiRefuseAddress(c, addr, wait)
	}
	auth := c.r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || secret == "" {
		s.apiFailures.Allow(addr)
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		return &apiError{http.StatusUnauthorized, "unauthorized", "Send an API token: Authorization: Bearer <token>.", ""}
	}
	t, err := s.accounts.APITokenBySecret(c.r.Context(), strings.TrimSpace(secret))
	if errors.Is(err, account.ErrTokenInvalid) {
		s.apiFailures.Allow(addr)
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
		return &apiError{http.StatusUnauthorized, "invalid_token", capitalize(err.Error()) + ".", ""}
	}
	if err != nil {
		return err
	}
	c.token = t
	if ok, wait := s.apiLimit.Allow(strconv.FormatInt(t.ID, 10)); !ok {
		c.w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return &apiError{http.StatusTooManyRequests, "rate_limited", fmt.Sprintf("This token made more than %d calls a minute. Wait and try again.", apiRequestsPerMinute), ""}
	}
	if !t.Allows(scope) {
		c.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="api", error="insufficient_scope", scope=%q`, scope))
		return &apiError{http.StatusForbidden, "insufficient_scope", fmt.Sprintf("This token does not have the scope %s.", scope), ""}
	}
	return nil
}

// apiRefuseAddress answers a call from an address over its failures: 429, unlogged but
// for one line a minute per address.
func (s *Server) apiRefuseAddress(c *apiCall, addr string, wait time.Duration) error {
	c.quiet = true
	if ok, _ := s.apiFailuresLogged.Allow(addr); ok {
		s.log.Warn("api: calls refused after too many missing or invalid tokens", "ip", s.clientIP(c.r), "limit", apiFailuresPerMinute, "retry_after", wait.Round(time.Second))
	}
	c.w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	return &apiError{http.StatusTooManyRequests, "rate_limited",
		fmt.Sprintf("More than %d calls a minute from this address had a missing or invalid token. Check the token, wait and try again.", apiFailuresPerMinute), ""}
}

// apiErrorOf turns a handler's error into the envelope's: a domain's "not found" is 404, a
// person's mistake 422 naming the field, a refusal 409, the rest a logged 500.
func (s *Server) apiErrorOf(r *http.Request, err error) *apiError {
	var ae *apiError
	var ie *usererr.InputError
	var ue usererr.Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae
	case isNotFound(err): // the inbox's ErrNotFound is the same value as account's
		return errNotFound()
	case errors.As(err, &ie):
		return &apiError{http.StatusUnprocessableEntity, "invalid", capitalize(ie.Message) + ".", ie.Field}
	case errors.As(err, &ue):
		return &apiError{http.StatusConflict, "conflict", capitalize(ue.Error()) + ".", ""}
	case errors.As(err, &mbe):
		return &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("The body is larger than %d bytes.", maxAPIBody), ""}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		return &apiError{http.StatusServiceUnavailable, "timeout", "The call took too long and was stopped. Try again.", ""}
	}
	s.log.Error("api call failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return &apiError{http.StatusInternalServerError, "internal", "Something went wrong on our side. It has been logged.", ""}
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, e *apiError) {
	apiWrite(w, e.status, apiEnvelope{apiErrorBody{Code: e.code, Message: e.message, Field: e.field}})
}

func apiWrite(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads the JSON body into v strictly: only application/json, no unknown field, one
// value and nothing after it.
func (c *apiCall) decode(v any) error {
	if mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); mt != "application/json" {
		return &apiError{http.StatusUnsupportedMediaType, "unsupported_media_type", "Send the body as Content-Type: application/json.", ""}
	}
	dec := json.NewDecoder(c.r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || errors.Is(err, os.ErrDeadlineExceeded) {
			return err
		}
		return errBadRequest("invalid_json", "The body is not valid JSON for this call: "+err.Error()+".")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errBadRequest("invalid_json", "The body holds more than one JSON value.")
	}
	return nil
}

// renamed gives an InputError of a domain package the name of the API's field (the
// inbox says "message" of what the API calls "text").
func renamed(err error, fields map[string]string) error {
	var ie *usererr.InputError
	if errors.As(err, &ie) && fields[ie.Field] != "" {
		return &usererr.InputError{Field: fields[ie.Field], Message: ie.Message}
	}
	return err
}

// id decodes the path's public ID name; one that is not well formed is a 404, like one of
// another workspace.
func (c *apiCall) id(name string) (int64, error) {
	id, ok := ids.Decode(c.r.PathValue(name))
	if !ok {
		return 0, errNotFound()
	}
	return id, nil
}

// optionalID decodes a public ID given in a body or query ("" is 0); a malformed one is
// an error on field.
func optionalID(field, v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, ok := ids.Decode(v)
	if !ok {
		return 0, &apiError{http.StatusUnprocessableEntity, "invalid", "Not an ID of this workspace.", field}
	}
	return id, nil
}

// apiPage is the body of every list: a page of items and the cursor of the next page
// (null on the last).
type apiPage[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// cursor is where a page starts: opaque to callers (base64 of JSON), so that how a list
// pages may change without breaking them. Kind names the list it belongs to.
type cursor struct {
	Kind string `json:"k"`
	At   int64  `json:"a,omitempty"` // a time or an offset, as the list needs
	ID   int64  `json:"i,omitempty"`
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// page reads ?limit= and ?cursor= for a list of kind: the limit and the start (zero
// cursor for the first page).
func (c *apiCall) page(kind string) (int, cursor, error) {
	q := c.r.URL.Query()
	limit := apiDefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiMaxLimit {
			return 0, cursor{}, errBadRequest("invalid_limit", fmt.Sprintf("limit must be between 1 and %d.", apiMaxLimit))
		}
		limit = n
	}
	var cur cursor
	if v := q.Get("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(b) > 200 || json.Unmarshal(b, &cur) != nil || cur.Kind != kind || cur.At < 0 || cur.ID < 0 {
			return 0, cursor{}, errBadRequest("invalid_cursor", "This cursor is not one of this list's: pass next_cursor as it came.")
		}
	}
	return limit, cur, nil
}

// pageOf makes a page from up to limit+1 items: the extra one says a next page exists,
// and next gives the cursor after the last item shown.
func pageOf[T any](items []T, limit int, next func(last T) cursor) apiPage[T] {
	p := apiPage[T]{Data: items}
	if len(items) > limit {
		p.Data = items[:limit]
		s := next(p.Data[limit-1]).String()
		p.NextCursor = &s
	}
	if p.Data == nil {
		p.Data = []T{}
	}
	return p
}

// mapPage turns a page's items into what the API shows of them.
func mapPage[T, U any](p apiPage[T], f func(T) (U, error)) (apiPage[U], error) {
	out := apiPage[U]{Data: make([]U, len(p.Data)), NextCursor: p.NextCursor}
	for i, x := range p.Data {
		var err error
		if out.Data[i], err = f(x); err != nil {
			return apiPage[U]{}, err
		}
	}
	return out, nil
}

// apiAt is how times are written: RFC 3339 in UTC, to the second as they are stored, so
// that an object just written is answered as it will be read.
func apiAt(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// apiTime is an optional time: apiAt, or null when unset.
func apiTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := apiAt(t)
	return &u
}

// apiID is an object's public ID, "" for none (omitted).
func apiID(id int64) string { return ids.Encode(id) }
