package fetch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

const (
	// sitemapMaxBytes bounds a decompressed sitemap (the protocol's own limit
	// is 50 MB), so a small gzip bomb cannot eat memory.
	sitemapMaxBytes = 50 << 20
	// sitemapMaxEntries is the protocol's per-file limit.
	sitemapMaxEntries = 50_000
)

// ParseSitemap reads a sitemap so the crawler learns the pages a site wants
// indexed: <urlset> gives page URLs, <sitemapindex> gives further sitemap
// URLs. Gzip-compressed bodies (magic 1f 8b) and the plain-text format (one
// URL per line) are accepted too. Entries are returned as written, trimmed;
// on a syntax error the entries read so far come back with the error.
func ParseSitemap(body []byte) (urls []string, sitemaps []string, err error) {
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, nil, fmt.Errorf("fetch: sitemap: %w", err)
		}
		body, err = io.ReadAll(io.LimitReader(zr, sitemapMaxBytes+1))
		if err != nil {
			return nil, nil, fmt.Errorf("fetch: sitemap: gzip: %w", err)
		}
		if len(body) > sitemapMaxBytes {
			return nil, nil, fmt.Errorf("fetch: sitemap: over %d bytes uncompressed: %w", sitemapMaxBytes, ErrTooLarge)
		}
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 {
		return nil, nil, errors.New("fetch: sitemap: empty")
	}
	if trimmed[0] != '<' {
		return textSitemap(trimmed)
	}

	d := xml.NewDecoder(bytes.NewReader(trimmed))
	d.Strict = false // real sitemaps often contain bare '&' in URLs
	d.CharsetReader = charset.NewReaderLabel
	var stack []string
	var text strings.Builder
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if root == "" {
				return nil, nil, fmt.Errorf("fetch: sitemap: not XML: %w", err)
			}
			return urls, sitemaps, fmt.Errorf("fetch: sitemap: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if root == "" {
				root = name
				if root != "urlset" && root != "sitemapindex" {
					return nil, nil, fmt.Errorf("fetch: sitemap: root element is <%s>, not <urlset> or <sitemapindex>", t.Name.Local)
				}
			}
			stack = append(stack, name)
			text.Reset()
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] == "loc" {
				text.Write(t)
			}
		case xml.EndElement:
			n := len(stack)
			if n == 0 {
				continue
			}
			if stack[n-1] == "loc" && n >= 2 {
				loc := strings.TrimSpace(text.String())
				switch {
				case loc == "":
				case stack[n-2] == "url" && root == "urlset" && len(urls) < sitemapMaxEntries:
					urls = append(urls, loc)
				case stack[n-2] == "sitemap" && root == "sitemapindex" && len(sitemaps) < sitemapMaxEntries:
					sitemaps = append(sitemaps, loc)
				}
			}
			stack = stack[:n-1]
		}
	}
	if root == "" {
		return nil, nil, errors.New("fetch: sitemap: no root element")
	}
	return urls, sitemaps, nil
}

// textSitemap reads the plain-text sitemap format: one absolute URL per line.
func textSitemap(body []byte) ([]string, []string, error) {
	var urls []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() && len(urls) < sitemapMaxEntries {
		line := strings.TrimSpace(sc.Text())
		l := strings.ToLower(line)
		if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
			urls = append(urls, line)
		}
	}
	if len(urls) == 0 {
		return nil, nil, errors.New("fetch: sitemap: neither XML nor a list of URLs")
	}
	return urls, nil, sc.Err()
}
