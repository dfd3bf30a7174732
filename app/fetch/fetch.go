// Package fetch does the network side of turning public web pages into
// knowledge sources: it downloads one URL (Client.Get) or politely crawls a
// site (Client.Crawl), honouring robots.txt and sitemaps.
//
// Admins type arbitrary URLs, so every connection is checked after DNS
// resolution and on every redirect: loopback, private, link-local, metadata and
// other non-public addresses are refused (ErrBlocked) unless the operator opts
// in with knowledge.allow_private_urls. Bodies, redirects and time are capped.
// Turning the bytes into text is another package's job.
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	defaultTimeout   = 20 * time.Second
	defaultMaxBytes  = 10 << 20
	defaultRedirects = 5
	defaultUserAgent = "agent-knowledge-fetcher/1.0 (+self-hosted support bot)"
	acceptHeader     = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5"
)

var (
	// ErrTooLarge reports a body over Options.MaxBytes; the page is not imported
	// rather than imported truncated.
	ErrTooLarge = errors.New("response body too large")
	// ErrTooManyRedirects reports a redirect chain longer than
	// Options.MaxRedirects or one that comes back to a URL it already visited.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrBadURL reports a URL that cannot be fetched at all (not absolute
	// http/https, no host, credentials in it, ...); the message says which.
	ErrBadURL = errors.New("invalid URL")
)

// Options configures a Client. The zero value is usable: every zero field gets
// the default named in its comment.
type Options struct {
	Timeout      time.Duration // whole request including body (default 20s)
	MaxBytes     int64         // body cap (default 10 MiB); larger => ErrTooLarge
	MaxRedirects int           // default 5; negative means follow none
	UserAgent    string        // default "agent-knowledge-fetcher/1.0 (+self-hosted support bot)"
	AllowPrivate bool          // knowledge.allow_private_urls: allow loopback/private targets and local names
	// Setting is the name of the setting that sets AllowPrivate, told in refusals;
	// knowledge.allow_private_urls when empty.
	Setting string
	// Allow, when set, decides instead of the built-in policy whether a
	// resolved address may be dialled (tests use it to allow exactly one
	// httptest server's host:port while everything else stays refused). The
	// local-name rule (localhost, .local, .internal, one-label names and the
	// like) still applies unless AllowPrivate is set.
	Allow func(netip.AddrPort) bool
}

// Client fetches URLs under the SSRF policy in its Options. It is safe for
// concurrent use and keeps idle connections for reuse, so create one and share it.
type Client struct {
	opts     Options
	hc       *http.Client
	dialer   *net.Dialer
	resolver *net.Resolver
}

// New returns a Client with opts' zero fields replaced by defaults. The
// transport never uses a proxy from the environment: a proxy would make the
// connection, and the address check, somebody else's.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMaxBytes
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = defaultRedirects
	} else if opts.MaxRedirects < 0 {
		opts.MaxRedirects = 0
	}
	if strings.TrimSpace(opts.UserAgent) == "" {
		opts.UserAgent = defaultUserAgent
	}
	if opts.Setting == "" {
		opts.Setting = "knowledge.allow_private_urls"
	}
	c := &Client{opts: opts, resolver: net.DefaultResolver}
	c.dialer = &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: c.control}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            c.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           16,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	c.hc = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c
}

// Request is one GET. ETag and LastModified, when set (from a previous Page),
// make it conditional so an unchanged page costs no body transfer.
type Request struct {
	URL          string
	ETag         string
	LastModified string
}

// Page is a fetched response: what the extractor needs (body, type, final URL
// for resolving relative links) plus the validators for the next conditional GET.
type Page struct {
	URL          string // as requested
	FinalURL     string // after redirects
	Status       int
	NotModified  bool   // 304 for a conditional request; Body is empty
	ContentType  string // full header value incl. charset ("" when the server sent none)
	Body         []byte
	ETag         string
	LastModified string
	// Links are the absolute http(s) links in an HTML body (resolved against
	// FinalURL and <base href>), fragments removed, de-duplicated, in document
	// order; nil for non-HTML.
	Links []string
}

// StatusError is a final response that is neither 2xx nor a 304 answer to a
// conditional request, so there is nothing to import.
type StatusError struct {
	URL    string // the URL that answered (after redirects)
	Status int
}

// Error reads like "https://x/y: HTTP 404 Not Found".
func (e *StatusError) Error() string {
	return strings.TrimSpace(fmt.Sprintf("%s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status)))
}

// CheckURL parses what an admin typed (surrounding spaces are trimmed) and
// accepts only absolute http/https URLs with a plausible host, an optional valid
// port and no user name or password. Errors wrap ErrBadURL and say what is wrong.
// It does not judge the address; that happens at connect time.
func CheckURL(raw string) (*url.URL, error) {
	bad := func(why string) error { return &urlError{raw: raw, why: why} }
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, bad("empty URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, bad(err.Error())
	}
	switch u.Scheme {
	case "http", "https":
	case "":
		return nil, bad("not an absolute URL (it must start with http:// or https://)")
	default:
		return nil, bad(fmt.Sprintf("scheme %q is not supported (only http and https)", u.Scheme))
	}
	if u.Opaque != "" {
		return nil, bad("missing // after " + u.Scheme + ":")
	}
	if u.User != nil {
		return nil, bad("user names and passwords in URLs are not allowed")
	}
	host := u.Hostname()
	if host == "" {
		return nil, bad("no host name")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, bad(fmt.Sprintf("invalid port %q", p))
		}
	} else {
		u.Host = strings.TrimSuffix(u.Host, ":")
	}
	if !validHost(host) {
		return nil, bad(fmt.Sprintf("%q is not a valid host name or IP address", host))
	}
	return u, nil
}

// urlError is a URL CheckURL refuses, saying why; it unwraps to ErrBadURL.
type urlError struct{ raw, why string }

func (e *urlError) Error() string { return fmt.Sprintf("fetch: %q: %s: %s", e.raw, e.why, ErrBadURL) }

func (e *urlError) Unwrap() error { return ErrBadURL }

// validHost accepts IP literals and DNS-looking names (letters, digits, '-',
// '_' and non-ASCII for IDNs). A name whose last label is numeric is refused:
// browsers read such hosts ("2130706433", "0x7f.1") as IPv4 in odd notation.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r == '_' || r >= 0x80 || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
				return false
			}
		}
	}
	last := strings.ToLower(labels[len(labels)-1])
	if strings.Trim(last, "0123456789") == "" {
		return false
	}
	if strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == "" {
		return false
	}
	return true
}

// hopCheck is an extra per-redirect rule (the crawler keeps redirects on site).
type hopCheck func(*url.URL) error

type hopKey struct{}

// checkRedirect re-validates every hop: count, loops, URL shape (which also
// refuses a switch to a non-http scheme) and local names; the dialer then
// checks the addresses.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	target := req.URL.String()
	for _, v := range via {
		if v.URL.String() == target {
			return fmt.Errorf("redirect loop back to %s: %w", target, ErrTooManyRedirects)
		}
	}
	if len(via) > c.opts.MaxRedirects {
		return fmt.Errorf("stopped after %d redirects: %w", c.opts.MaxRedirects, ErrTooManyRedirects)
	}
	if _, err := CheckURL(target); err != nil {
		return fmt.Errorf("redirect: %w", err)
	}
	if err := c.permitHost(req.URL.Hostname()); err != nil {
		return err
	}
	if f, ok := req.Context().Value(hopKey{}).(hopCheck); ok && f != nil {
		return f(req.URL)
	}
	return nil
}

// Get fetches r.URL with a GET, following redirects under the SSRF policy.
// A non-2xx answer is a *StatusError (the Page still carries Status and
// FinalURL); a 304 to a conditional request is success with NotModified set.
func (c *Client) Get(ctx context.Context, r Request) (Page, error) {
	return c.get(ctx, r, c.opts.MaxBytes, false, nil)
}

// get is Get with a body limit, the choice to truncate at it instead of
// failing (robots.txt), and an optional per-redirect rule.
func (c *Client) get(ctx context.Context, r Request, limit int64, truncate bool, hop hopCheck) (Page, error) {
	page := Page{URL: r.URL}
	u, err := CheckURL(r.URL)
	if err != nil {
		return page, err
	}
	tctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	if hop != nil {
		tctx = context.WithValue(tctx, hopKey{}, hop)
	}
	req, err := http.NewRequestWithContext(tctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return page, fmt.Errorf("fetch: %s: %w", r.URL, err)
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", acceptHeader)
	conditional := false
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
		conditional = true
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
		conditional = true
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return page, c.describe(ctx, tctx, r.URL, err)
	}
	defer resp.Body.Close()
	page.FinalURL = resp.Request.URL.String()
	page.Status = resp.StatusCode
	page.ContentType = resp.Header.Get("Content-Type")
	page.ETag = resp.Header.Get("ETag")
	page.LastModified = resp.Header.Get("Last-Modified")
	switch {
	case resp.StatusCode == http.StatusNotModified && conditional:
		page.NotModified = true
		return page, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return page, &StatusError{URL: page.FinalURL, Status: resp.StatusCode}
	}
	if !truncate && resp.ContentLength > limit {
		return page, fmt.Errorf("fetch: %s: body is %d bytes: %w", r.URL, resp.ContentLength, &sizeError{limit})
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return page, c.describe(ctx, tctx, r.URL, err)
	}
	if int64(len(body)) > limit {
		if !truncate {
			return page, fmt.Errorf("fetch: %s: body: %w", r.URL, &sizeError{limit})
		}
		body = body[:limit]
	}
	page.Body = body
	if isHTML(page.ContentType, body) {
		page.Links = extractLinks(body, page.ContentType, resp.Request.URL)
	}
	return page, nil
}

// describe turns a transport error into one message naming the URL, keeping
// the sentinel (ErrBlocked, ErrTooManyRedirects, ErrBadURL, context errors)
// reachable with errors.Is.
func (c *Client) describe(parent, tctx context.Context, raw string, err error) error {
	hop := raw
	var ue *url.Error
	if errors.As(err, &ue) {
		hop, err = ue.URL, ue.Err
	}
	var be *blockedError
	switch {
	case errors.As(err, &be):
		if hop != raw {
			return fmt.Errorf("fetch: refusing to fetch %s (redirected from %s): %w", hop, raw, redirectError{be})
		}
		return fmt.Errorf("fetch: refusing to fetch %s: %w", raw, be)
	case hop != raw && parent.Err() == nil && tctx.Err() == nil:
		return fmt.Errorf("fetch: %s (redirected from %s): %w", hop, raw, redirectError{err})
	case parent.Err() != nil:
		return fmt.Errorf("fetch: %s: %w", raw, parent.Err())
	case errors.Is(tctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("fetch: %s: %w", raw, &timeoutError{c.opts.Timeout})
	}
	return fmt.Errorf("fetch: %s: %w", raw, err)
}

// redirectError marks a failure at a URL the page redirected to, so that Explain can
// say so; its text is the cause's own.
type redirectError struct{ err error }

func (e redirectError) Error() string { return e.err.Error() }

func (e redirectError) Unwrap() error { return e.err }

// timeoutError is a request that ran out of Options.Timeout; it unwraps to
// context.DeadlineExceeded.
type timeoutError struct{ limit time.Duration }

func (e *timeoutError) Error() string {
	return "no complete response within " + e.limit.String() + ": " + context.DeadlineExceeded.Error()
}

func (e *timeoutError) Unwrap() error { return context.DeadlineExceeded }

// sizeError is a body over the limit; it unwraps to ErrTooLarge.
type sizeError struct{ limit int64 }

func (e *sizeError) Error() string {
	return fmt.Sprintf("over the %d-byte limit: %s", e.limit, ErrTooLarge)
}

func (e *sizeError) Unwrap() error { return ErrTooLarge }

// mediaType is the lower-case type/subtype of ct, sniffed from body when the
// server sent no Content-Type.
func mediaType(ct string, body []byte) string {
	if strings.TrimSpace(ct) == "" {
		ct = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt
}

func isHTML(ct string, body []byte) bool {
	switch mediaType(ct, body) {
	case "text/html", "application/xhtml+xml":
		return true
	}
	return false
}

// Explain says in one sentence, for the admin who added a page, why fetching it failed;
// the error itself, with its addresses and causes, is for the log. It returns "" for an
// error that does not come from fetching.
func Explain(err error) string {
	var (
		re  redirectError
		be  *blockedError
		ue  *urlError
		se  *StatusError
		te  *timeoutError
		ze  *sizeError
		de  *net.DNSError
		ne  net.Error
		cve *tls.CertificateVerificationError
		uae x509.UnknownAuthorityError
		he  x509.HostnameError
		cie x509.CertificateInvalidError
	)
	redirected := errors.As(err, &re)
	switch {
	case errors.As(err, &be):
		if be.why == whyMetadata {
			if redirected {
				return "The page redirected to a cloud metadata service, which the agent never reads."
			}
			return "This is the address of a cloud metadata service, which the agent never reads."
		}
		what := "This address is"
		if redirected {
			what = "The page redirected to an address"
		}
		return what + " on a private or local network; the agent only reads public web pages." +
			" Pages on your own network need the server setting knowledge.allow_private_urls."
	case errors.As(err, &ue):
		if redirected {
			return "The page redirected to an address that cannot be fetched: " + ue.why + "."
		}
		return "The address cannot be fetched: " + ue.why + "."
	case errors.Is(err, ErrTooManyRedirects):
		return "The page redirected too many times, or in a loop."
	case errors.As(err, &se):
		return strings.TrimSpace(fmt.Sprintf("The page answered %d %s", se.Status, http.StatusText(se.Status))) + "."
	case errors.As(err, &te):
		return "The page did not answer within " + strconv.FormatFloat(te.limit.Seconds(), 'f', -1, 64) + " s."
	case errors.As(err, &ze):
		return "The page is larger than the " + megabytes(ze.limit) + " limit."
	case errors.Is(err, ErrTooLarge):
		return "The page is too large to import."
	case errors.As(err, &de):
		switch {
		case de.IsNotFound:
			return "The site could not be found (" + de.Name + ")."
		case de.IsTimeout:
			return "The site's name (" + de.Name + ") could not be looked up in time; this is usually temporary."
		}
		return "The site's name (" + de.Name + ") could not be looked up; this is usually temporary."
	case errors.As(err, &cve), errors.As(err, &uae), errors.As(err, &he), errors.As(err, &cie):
		return "The site's security certificate is not valid, so the page was not read."
	case errors.Is(err, syscall.ECONNREFUSED):
		return "The site refused the connection."
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "The site closed the connection before the page arrived."
	case errors.As(err, &ne) && ne.Timeout():
		return "The site did not answer in time."
	case errors.Is(err, context.Canceled):
		return "The fetch was cancelled."
	case errors.As(err, new(*net.OpError)):
		return "The site could not be reached."
	}
	return ""
}

// megabytes says a byte limit the way the settings do: "10 MB".
func megabytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + "-byte"
}
