package email

import (
	"net/url"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Sanitize makes a message's HTML safe to show inside the inbox: bluemonday's UGC policy
// (no scripts, styles, forms or event handlers; links open in a new tab without referrer),
// and images only from the message's own inline parts (cid: references to a content id in
// cids): a remote image is a tracking pixel that tells the sender when, where and by whom
// the mail was read.
func Sanitize(rawHTML string, cids map[string]bool) string {
	if strings.TrimSpace(rawHTML) == "" {
		return ""
	}
	// UGCPolicy allows images from anywhere, so the images are chosen after it, in its
	// well-formed output
	return strings.TrimSpace(mapImages(policy.Sanitize(rawHTML), func(u *url.URL) string {
		if strings.EqualFold(u.Scheme, "cid") && cids[cidOf(u)] {
			return u.String()
		}
		return ""
	}))
}

// policy is built once: UGCPolicy compiles regular expressions, and a policy is safe for
// concurrent use.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemeWithCustomPolicy("cid", func(*url.URL) bool { return true })
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}()

// cidOf is the content id a cid: URL names (RFC 2392: percent-encoded, no brackets).
func cidOf(u *url.URL) string {
	id := u.Opaque
	if id == "" {
		id = u.Path
	}
	if s, err := url.PathUnescape(id); err == nil {
		id = s
	}
	return strings.Trim(id, "<>")
}

// referencedCIDs lists the content ids an HTML body shows as images.
func referencedCIDs(rawHTML string) map[string]bool {
	used := map[string]bool{}
	if !strings.Contains(strings.ToLower(rawHTML), "cid:") {
		return used
	}
	z := html.NewTokenizer(strings.NewReader(rawHTML))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return used
		case html.StartTagToken, html.SelfClosingTagToken:
			if t := z.Token(); t.DataAtom == atom.Img {
				for _, a := range t.Attr {
					if a.Key == "src" {
						if u, err := url.Parse(strings.TrimSpace(a.Val)); err == nil && strings.EqualFold(u.Scheme, "cid") {
							used[cidOf(u)] = true
						}
					}
				}
			}
		}
	}
}

// RewriteCIDs points the cid: images of sanitized HTML (Message.HTML) at the addresses
// where the inbox serves the inline parts; an image whose id src returns "" for is dropped.
func RewriteCIDs(safeHTML string, src func(contentID string) string) string {
	return mapImages(safeHTML, func(u *url.URL) string {
		if !strings.EqualFold(u.Scheme, "cid") {
			return ""
		}
		return src(cidOf(u))
	})
}

// mapImages gives each img of well-formed HTML the src that src returns for its own, and
// drops those it returns "" for (and those without one).
func mapImages(safeHTML string, src func(*url.URL) string) string {
	if !strings.Contains(safeHTML, "<img") {
		return safeHTML
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(safeHTML))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(z.Raw())
			continue
		}
		t := z.Token()
		if t.DataAtom != atom.Img {
			b.WriteString(t.String())
			continue
		}
		keep := false
		for i, a := range t.Attr {
			if a.Key != "src" {
				continue
			}
			if u, err := url.Parse(strings.TrimSpace(a.Val)); err == nil {
				t.Attr[i].Val = src(u)
				keep = t.Attr[i].Val != ""
			}
		}
		if keep {
			b.WriteString(t.String())
		}
	}
}
