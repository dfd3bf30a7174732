package fetch

import (
	"bytes"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// hrefCleaner removes the characters browsers strip from inside URLs.
var hrefCleaner = strings.NewReplacer("\t", "", "\n", "", "\r", "")

// extractLinks returns the absolute http(s) links of an HTML document
// (a/area href, frame/iframe src), resolved against the first <base href> or
// else page, without fragments or credentials, de-duplicated, in document
// order. The body is decoded to UTF-8 first (header charset, BOM or <meta>),
// so non-ASCII paths survive.
func extractLinks(body []byte, contentType string, page *url.URL) []string {
	var r io.Reader = bytes.NewReader(body)
	if dr, err := charset.NewReader(r, contentType); err == nil {
		r = dr
	} else {
		r = bytes.NewReader(body)
	}
	z := html.NewTokenizer(r)
	var refs []string
	base, haveBase := "", false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		var want string
		switch atom.Lookup(name) {
		case atom.A, atom.Area, atom.Base:
			want = "href"
		case atom.Frame, atom.Iframe:
			want = "src"
		default:
			continue
		}
		isBase := atom.Lookup(name) == atom.Base
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			if string(k) != want {
				continue
			}
			if isBase {
				if !haveBase {
					base, haveBase = string(v), true
				}
			} else {
				refs = append(refs, string(v))
			}
			break
		}
	}
	// The first <base href> applies to the whole document, even links before it.
	resolveFrom := page
	if haveBase {
		if b, err := page.Parse(cleanHref(base)); err == nil && (b.Scheme == "http" || b.Scheme == "https") {
			resolveFrom = b
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, ref := range refs {
		ref = cleanHref(ref)
		if ref == "" || strings.HasPrefix(ref, "#") {
			continue // same-document link
		}
		u, err := resolveFrom.Parse(ref)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			continue
		}
		u.Fragment, u.RawFragment = "", ""
		s := u.String()
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func cleanHref(s string) string {
	return hrefCleaner.Replace(strings.Trim(s, " \t\n\r\f"))
}
