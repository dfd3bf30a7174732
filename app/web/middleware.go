package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/ratelimit"
)

// maxFormBytes bounds a form body; uploads have their own, larger limits (bodyLimit).
const maxFormBytes = 1 << 20

// maxMultipartMemory is how much of an upload is held in memory; larger files are
// spooled to temporary files, which net/http removes after the request.
const maxMultipartMemory = 32 << 20

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.fail(w, r, http.StatusInternalServerError, "Something went wrong on our side. It has been logged.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush on the real writer (for SSE).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if s.metrics != nil {
			_, route := s.mux.Handler(r)
			s.metrics.Request(route, r.Method, rec.status, time.Since(start))
		}
		if strings.HasPrefix(r.URL.Path, "/static/") || strings.HasPrefix(r.URL.Path, apiPrefix) {
			return // the API logs its calls with their token (logAPICall)
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration", time.Since(start).Round(time.Microsecond), "ip", s.clientIP(r))
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

// crossOrigin rejects state-changing requests that a browser marks as coming from another
// site (Sec-Fetch-Site / Origin). It covers the forms used before login, where there is
// no session to bind a token to. The chat widget's API is called from customers' sites,
// so it is exempt and checks the channel's allowed origins itself (widget.go).
func crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern(widgetAPIPrefix)
	cop.AddInsecureBypassPattern(apiPrefix) // no cookie is read there: a bearer token cannot be forged by a page
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Cross-origin request refused.", http.StatusForbidden)
	}))
	return cop.Handler(next)
}

const sessionCookie = "agent_session"

// loadSession attaches the visit, with the logged-in user when the session cookie is valid.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &visit{}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && !strings.HasPrefix(r.URL.Path, apiPrefix) {
			sess, u, err := s.accounts.SessionUser(r.Context(), c.Value)
			switch {
			case err == nil:
				v.token, v.session, v.user, v.loggedIn = c.Value, sess, u, true
			case errors.Is(err, account.ErrSessionNotFound):
				s.clearSessionCookie(w, r)
			default:
				s.serverError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, withVisit(r, v))
	})
}

// bodyTimeout is how long a request body may take to arrive on top of the time its size
// needs at bodyMinRate: a client that sends a byte now and then must not hold a
// connection (and a file descriptor) for ever. A variable so that tests can shorten it.
var bodyTimeout = 30 * time.Second

// bodyMinRate is the slowest upload given time for its size, in bytes per second: a poor
// mobile connection. A 20 MB file gets 30 s + 5 min, a 1 MiB form 30 s + 16 s.
const bodyMinRate = 64 << 10

// limitBodyTime sets a read deadline for the request's body, scaled to the most it may
// hold (bodyLimit, or less when Content-Length says so). net/http lifts it once the body
// has been read (its read behind the handler, which notices a client leaving, starts
// without one), so a long reply (an AI answer) is not cut; a body left unread bounds the
// server's draining of it after the handler. Requests without a body get none: that read
// has already begun and would hit it, ending an event stream.
func (s *Server) limitBodyTime(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			size := s.bodyLimit(r, visitOf(r))
			if r.ContentLength >= 0 {
				size = min(size, r.ContentLength)
			}
			// Not every writer can (a test's recorder); the body is then as bounded as before.
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyTimeout + time.Duration(size/bodyMinRate)*time.Second))
		}
		next.ServeHTTP(w, r)
	})
}

// csrf requires the session's token on every state-changing request of a logged-in
// user, from the X-CSRF-Token header (htmx) or the csrf form field. The chat widget's API
// has its own protection (allowed origins, visitor tokens; a preview must be same-origin),
// the JSON API needs a bearer token and reads no cookie, and Meta's webhooks theirs (a signature over the raw body, which must stay unread here).
// Form bodies are read here, capped in size, so that one too large, too slow or malformed
// is answered the same way on every route.
func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, widgetAPIPrefix) || strings.HasPrefix(r.URL.Path, metaHookPrefix) || strings.HasPrefix(r.URL.Path, apiPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		v := visitOf(r)
		r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r, v))
		var err error
		if multipartForm(r) {
			err = r.ParseMultipartForm(maxMultipartMemory)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			s.bodyError(w, r, err)
			return
		}
		if v.loggedIn {
			got := r.Header.Get("X-CSRF-Token")
			if got == "" {
				got = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(v.session.CSRFToken)) != 1 {
				s.fail(w, r, http.StatusForbidden, "This form has expired. Reload the page and try again.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// multipartForm reports whether r carries a multipart form (a file upload).
func multipartForm(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/form-data")
}

// bodyLimit is the most a request body may hold: room for a full upload of files for a
// signed-in user's multipart form, 1 MiB for everything else (and for anonymous
// requests, which have nothing to upload).
func (s *Server) bodyLimit(r *http.Request, v *visit) int64 {
	if v.loggedIn && multipartForm(r) {
		return int64(s.cfg.Knowledge.MaxFileMB)<<20*maxFilesPerUpload + maxFormBytes
	}
	return maxFormBytes
}

// bodyError answers a request whose body could not be read: too large (413), too slow
// (408) or malformed.
func (s *Server) bodyError(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The failed read cancelled the request's context; the page is still rendered.
		s.fail(w, r.WithContext(context.WithoutCancel(r.Context())), http.StatusRequestTimeout, "The form took too long to arrive. Check the connection and try again.")
	case errors.As(err, &mbe) && multipartForm(r):
		s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("This is too much to upload at once: at most %d files of up to %d MB each.",
			maxFilesPerUpload, s.cfg.Knowledge.MaxFileMB))
	case errors.As(err, &mbe):
		s.fail(w, r, http.StatusRequestEntityTooLarge, "This form is too large to send.")
	default:
		s.fail(w, r, http.StatusBadRequest, "The form could not be read. Reload the page and try again.")
	}
}

// requireUser sends visitors without a session to the login page, and users who must
// change a one-time password to the password page.
func (s *Server) requireUser(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		if !v.loggedIn {
			if r.Method == http.MethodGet {
				s.redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
				return
			}
			s.fail(w, r, http.StatusUnauthorized, "Your session has ended. Log in again.")
			return
		}
		if v.user.MustChangePassword && r.URL.Path != "/account/password" {
			s.redirect(w, r, "/account/password")
			return
		}
		next(w, r)
	})
}

// inWorkspace resolves {ws}, checks the user is a member with permission p, and loads the
// workspace list for the switcher. Not being a member is a 404, so IDs reveal nothing.
func (s *Server) inWorkspace(p account.Permission, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		wsID, ok := ids.Decode(r.PathValue("ws"))
		if !ok {
			s.notFound(w, r)
			return
		}
		m, err := s.accounts.Membership(r.Context(), wsID, v.user.ID)
		if errors.Is(err, account.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if !m.Can(p) {
			s.fail(w, r, http.StatusForbidden, "You do not have permission to open this page. Ask an admin of the workspace.")
			return
		}
		if v.workspaces, err = s.accounts.WorkspacesOf(r.Context(), v.user.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, ws := range v.workspaces {
			if ws.ID == wsID {
				v.workspace = ws
			}
		}
		v.membership = m
		if v.user.LastWorkspaceID != wsID && r.Method == http.MethodGet {
			if err := s.accounts.SetLastWorkspace(r.Context(), v.user.ID, wsID); err != nil {
				s.log.Warn("remember workspace", "err", err)
			}
		}
		next(w, r)
	}
}

// clientKey is the key of the client's address in every per-address limit: its IPv6
// addresses count by their /64 (ratelimit.AddressKey).
func (s *Server) clientKey(r *http.Request) string {
	return ratelimit.AddressKey(s.clientIP(r))
}

// clientIP is the address logs and sessions record: the peer, or with trust_proxy the
// nearest address the proxy appended to X-Forwarded-For. Limits key on clientKey.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.Server.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure reports whether cookies must carry the Secure flag.
func (s *Server) secure(r *http.Request) bool {
	return s.cfg.Server.SecureCookies || r.TLS != nil ||
		strings.HasPrefix(s.cfg.Server.BaseURL, "https://") ||
		(s.cfg.Server.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// maxNext bounds a ?next= path; the admin's own addresses are far shorter.
const maxNext = 2048

// safeNext keeps only paths that a browser resolves to this site, so ?next= cannot send
// a user elsewhere; anything else becomes "/".
func safeNext(next string) string {
	if len(next) > maxNext || !sameSitePath(next) {
		return "/"
	}
	return next
}

// sameSitePath reports whether p is a path on this site however a browser reads it.
// Browsers drop tabs and newlines from a Location, read "\" as "/" and follow "//host"
// to another site, so control characters, spaces, backslashes and anything but ASCII are
// refused outright; what remains must be what net/url serialises back unchanged (no
// scheme, no host, nothing to escape), and must still begin with a single slash and hold
// no control character or backslash once percent-decoded, as a proxy might decode it.
func sameSitePath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '\\' }) {
		return false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil || u.String() != p {
		return false
	}
	return strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//") &&
		!strings.ContainsFunc(u.Path, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' })
}
