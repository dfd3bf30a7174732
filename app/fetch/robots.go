package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// robotsLimit is how much of a robots.txt is read; RFC 9309 asks crawlers to
// parse at least 500 KiB and lets them ignore the rest.
const robotsLimit = 500 << 10

// Robots is a site's robots.txt reduced to what applies to us: the rules of
// the group naming our product token (or of "*" when none does), that group's
// Crawl-delay, and every Sitemap line. A nil *Robots allows everything.
type Robots struct {
	rules       []robotsRule
	delay       time.Duration
	sitemaps    []string
	disallowAll bool
}

type robotsRule struct {
	allow   bool
	pattern string // percent-normalised; '*' is a wildcard
	anchor  bool   // pattern ended in '$': must match to the end
}

type robotsGroup struct {
	agents []string
	rules  []robotsRule
	delay  time.Duration
}

// productToken is the leading [A-Za-z0-9_-] run of a User-Agent or
// user-agent line, lower-cased: "Agent-Knowledge-Fetcher/1.0 (...)" →
// "agent-knowledge-fetcher".
func productToken(s string) string {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) {
		b := s[end]
		if b == '-' || b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' {
			end++
			continue
		}
		break
	}
	if end == 0 && strings.HasPrefix(s, "*") {
		return "*"
	}
	return strings.ToLower(s[:end])
}

// ParseRobots parses a robots.txt body per RFC 9309 for agent (a product token
// or a whole User-Agent string). Groups naming the agent are merged; if there
// are none, the "*" groups are; if neither exists everything is allowed.
// Unknown lines and rules outside any group are ignored.
func ParseRobots(body []byte, agent string) *Robots {
	if len(body) > robotsLimit {
		body = body[:robotsLimit]
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	r := &Robots{}
	var groups []robotsGroup
	cur := -1
	lastWasAgent := false
	seenMap := map[string]bool{}
	text := strings.ReplaceAll(strings.ReplaceAll(string(body), "\r\n", "\n"), "\r", "\n")
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		switch key {
		case "user-agent", "useragent", "user agent":
			if cur < 0 || !lastWasAgent {
				groups = append(groups, robotsGroup{})
				cur = len(groups) - 1
			}
			groups[cur].agents = append(groups[cur].agents, productToken(val))
			lastWasAgent = true
		case "allow", "disallow", "dissallow", "disalow":
			lastWasAgent = false
			if cur < 0 || val == "" {
				continue // an empty rule matches nothing
			}
			rule := robotsRule{allow: key == "allow"}
			if strings.HasSuffix(val, "$") {
				rule.anchor = true
				val = strings.TrimSuffix(val, "$")
			}
			rule.pattern = normalizeEscapes(val)
			groups[cur].rules = append(groups[cur].rules, rule)
		case "crawl-delay":
			lastWasAgent = false
			if cur < 0 {
				continue
			}
			if secs, err := strconv.ParseFloat(val, 64); err == nil && secs >= 0 && !math.IsInf(secs, 0) {
				secs = math.Min(secs, 3600)
				groups[cur].delay = time.Duration(secs * float64(time.Second))
			}
		case "sitemap":
			if val != "" && !seenMap[val] {
				seenMap[val] = true
				r.sitemaps = append(r.sitemaps, val)
			}
		}
	}
	pick := func(token string) bool {
		found := false
		for _, g := range groups {
			for _, a := range g.agents {
				if a == token {
					found = true
					r.rules = append(r.rules, g.rules...)
					r.delay = max(r.delay, g.delay)
					break
				}
			}
		}
		return found
	}
	if tok := productToken(agent); tok == "" || !pick(tok) {
		pick("*")
	}
	return r
}

// normalizeEscapes makes percent-encoding comparable (RFC 9309 §2.2.2):
// escapes of unreserved characters are decoded, other escapes upper-cased,
// and bytes that must be escaped (non-ASCII, controls, space) are escaped.
func normalizeEscapes(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if v == '-' || v == '.' || v == '_' || v == '~' || '0' <= v && v <= '9' || 'a' <= v && v <= 'z' || 'A' <= v && v <= 'Z' {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[v>>4])
				b.WriteByte(hex[v&15])
			}
			i += 2
			continue
		}
		if c <= ' ' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// Allowed reports whether path (the URL's path plus "?query", as from
// url.URL.RequestURI) may be crawled: the longest matching rule wins, Allow
// wins a tie, and no match means allowed. /robots.txt is always allowed.
func (r *Robots) Allowed(path string) bool {
	if r == nil {
		return true
	}
	if path == "" {
		path = "/"
	}
	if path == "/robots.txt" {
		return true
	}
	if r.disallowAll {
		return false
	}
	p := normalizeEscapes(path)
	best, allowed := -1, true
	for _, rule := range r.rules {
		if !matchRule(rule, p) {
			continue
		}
		if n := len(rule.pattern); n > best || n == best && rule.allow {
			best, allowed = n, rule.allow
		}
	}
	return allowed
}

// matchRule matches a robots pattern against a path: '*' is any run of
// characters and the pattern is a prefix unless anchored with '$'. The greedy
// backtracking walk is O(len(pattern)·len(path)) at worst.
func matchRule(rule robotsRule, s string) bool {
	pat := rule.pattern
	if !rule.anchor {
		pat += "*"
	}
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case p < len(pat) && pat[p] == s[i]:
			p++
			i++
		case star >= 0:
			mark++
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

// CrawlDelay is the Crawl-delay of the selected group (0 when absent), a
// non-standard but widely used request to slow down.
func (r *Robots) CrawlDelay() time.Duration {
	if r == nil {
		return 0
	}
	return r.delay
}

// Sitemaps lists the Sitemap lines, which apply whatever the group.
func (r *Robots) Sitemaps() []string {
	if r == nil {
		return nil
	}
	return append([]string(nil), r.sitemaps...)
}

// Robots fetches and parses site's /robots.txt (scheme and host of site; the
// path is ignored) following RFC 9309's error rules: a 4xx answer (or a
// redirect chain too long to follow) means no rules, so everything is allowed
// and the error is nil; a 5xx or 429 answer, or a network failure, means the
// site must be treated as fully disallowed, and the error says why. The
// returned *Robots is never nil.
func (c *Client) Robots(ctx context.Context, site *url.URL) (*Robots, error) {
	u := url.URL{Scheme: site.Scheme, Host: site.Host, Path: "/robots.txt"}
	page, err := c.get(ctx, Request{URL: u.String()}, robotsLimit, true, nil)
	var se *StatusError
	switch {
	case err == nil:
		return ParseRobots(page.Body, c.opts.UserAgent), nil
	case errors.As(err, &se) && se.Status < 500 && se.Status != http.StatusTooManyRequests:
		return &Robots{}, nil
	case errors.Is(err, ErrTooManyRedirects):
		return &Robots{}, nil
	case se != nil:
		return &Robots{disallowAll: true}, fmt.Errorf("fetch: %w (a site must answer for its robots.txt before it is crawled, RFC 9309)", err)
	}
	return &Robots{disallowAll: true}, err
}
