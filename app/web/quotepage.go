package web

// The public page of a quote, /q/{token}: anyone with the link reads the quote, prints it
// and asks about it in the chat (quotechat.go). The token is signed (app/quote/link.go):
// a changed one is refused, and the page is down once the quote is withdrawn or expired,
// which the page says plainly. Requests are rate limited per IP; every opening by a
// browser that is not a member of the workspace is recorded as a view.

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"agent/app/quote"
	"agent/app/ratelimit"
	quotesview "agent/views/quotes"
)

// quoteVisitorCookie keeps a browser's short visitor id for the quote pages' views.
const quoteVisitorCookie = "agent_quote_visitor"

func (s *Server) publicQuoteRoutes(public route) {
	limit := ratelimit.New(s.cfg.Chat.IPRequestsPerMinute, time.Minute)
	public("GET /q/{token}", func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := limit.Allow("ip:" + s.clientKey(r)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			s.quoteGone(w, r, http.StatusTooManyRequests, "Too many requests", "Wait a moment and load the page again.")
			return
		}
		s.publicQuote(w, r)
	})
}

func (s *Server) publicQuote(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, err := s.quotes.Open(ctx, r.PathValue("token"))
	switch {
	case errors.Is(err, quote.ErrLinkInvalid):
		s.quoteGone(w, r, http.StatusNotFound, "This link does not open a quote",
			"Check that the whole link was copied, or ask the sender for it again.")
		return
	case errors.Is(err, quote.ErrLinkWithdrawn):
		s.quoteGone(w, r, http.StatusGone, "This quote has been withdrawn",
			"The seller withdrew quote "+q.Number+". Ask them for a current quote.")
		return
	case errors.Is(err, quote.ErrLinkExpired):
		s.quoteGone(w, r, http.StatusGone, "This quote has expired",
			"Quote "+q.Number+" was valid until "+quotesview.ExpiryDay(q.ExpiresOn)+". Ask the seller for a new one.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	ws, err := s.accounts.Workspace(ctx, q.WorkspaceID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := quotesview.PublicData{Quote: q, Totals: q.Totals(), Seller: ws.Name, State: q.State(time.Now()), ExpiresOn: quotesview.ExpiryDay(q.ExpiresOn)}
	if q.OwnerID != 0 {
		if d.Owner, err = s.accounts.User(ctx, q.OwnerID); err != nil {
			s.log.Warn("quote page: owner", "quote", q.ID, "err", err)
		}
	}
	if _, ok, err := s.quoteChannel(ctx, q.WorkspaceID); err != nil {
		s.serverError(w, r, err)
		return
	} else if ok {
		d.ChatKey = r.PathValue("token")
	}
	if !s.isMember(r, q.WorkspaceID) {
		if err := s.quotes.RecordView(ctx, q.ID, s.quoteVisitor(w, r), r.UserAgent()); err != nil {
			s.log.Error("quote page: record view", "quote", q.ID, "err", err)
		}
	}
	s.render(w, r, http.StatusOK, quotesview.Public(d))
}

func (s *Server) quoteGone(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	s.render(w, r, status, quotesview.Gone(quotesview.GoneData{Title: title, Message: message}))
}

// isMember reports whether the request comes from a signed-in member of the workspace
// (the seller checking the page): their openings are not the buyer's views.
func (s *Server) isMember(r *http.Request, workspaceID int64) bool {
	v := visitOf(r)
	if !v.loggedIn {
		return false
	}
	_, err := s.accounts.Membership(r.Context(), workspaceID, v.user.ID)
	return err == nil
}

// quoteVisitor is the browser's short id for the views list: from its cookie, set on
// its first visit (a year, quote pages only). Only a hash of the cookie is shown.
func (s *Server) quoteVisitor(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(quoteVisitorCookie)
	value := ""
	if err == nil && len(c.Value) == 22 {
		value = c.Value
	} else {
		b := make([]byte, 16)
		rand.Read(b)
		value = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: quoteVisitorCookie, Value: value, Path: "/q/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	}
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:4])
}
