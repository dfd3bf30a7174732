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
	// Allow, when set, decides instead of the built-in policy whether a
	// resolved address may be dialled (tests use it to allow exactly one
	// httptest server's host:port while everything else stays refused). The
	// local-name rule (localhost, metadata.google.internal) still applies
	// unless AllowPrivate is set.
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
	c := &Client{opts: opts, resolver: net.DefaultResolver}
	c.dialer = &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: c.control}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            c.dial,
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
	bad := func(why string) error { return fmt.Errorf("fetch: %q: %s: %w", raw, why, ErrBadURL) }
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
		return page, fmt.Errorf("fetch: %s: body is %d bytes, over the %d-byte limit: %w", r.URL, resp.ContentLength, limit, ErrTooLarge)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return page, c.describe(ctx, tctx, r.URL, err)
	}
	if int64(len(body)) > limit {
		if !truncate {
			return page, fmt.Errorf("fetch: %s: body is over the %d-byte limit: %w", r.URL, limit, ErrTooLarge)
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
			return fmt.Errorf("fetch: refusing to fetch %s (redirected from %s): %w", hop, raw, be)
		}
		return fmt.Errorf("fetch: refusing to fetch %s: %w", raw, be)
	case parent.Err() != nil:
		return fmt.Errorf("fetch: %s: %w", raw, parent.Err())
	case errors.Is(tctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("fetch: %s: no complete response within %s: %w", raw, c.opts.Timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("fetch: %s: %w", raw, err)
}

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
