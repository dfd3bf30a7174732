package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

func TestRobotsMatching(t *testing.T) {
	// Precedence examples from RFC 9309 §2.2.2 and Google's robots.txt documentation.
	cases := []struct {
		rules string
		path  string
		want  bool
	}{
		{"Allow: /p\nDisallow: /", "/page", true},                   // longer allow wins
		{"Allow: /folder\nDisallow: /folder", "/folder/page", true}, // tie: allow wins
		{"Allow: /page\nDisallow: /*.htm", "/page.htm", false},      // longer disallow wins
		{"Allow: /page\nDisallow: /*.ph", "/page.php5", true},       // tie again
		{"Allow: /$\nDisallow: /", "/", true},
		{"Allow: /$\nDisallow: /", "/page.htm", false},
		{"Disallow: /*.gif$", "/images/x.gif", false},
		{"Disallow: /*.gif$", "/images/x.gif?size=2", true},
		{"Disallow: /*.gif$", "/x.gifs", true},
		{"Disallow: /fish", "/fish.html", false},
		{"Disallow: /fish", "/Fish.html", true}, // case-sensitive
		{"Disallow: /fish/", "/fish", true},
		{"Disallow: /*/private/*/x", "/a/private/b/c/x", false},
		{"Disallow: /search?q=", "/search?q=cats", false},
		{"Disallow: /search?q=", "/search", true},
		{"Disallow:", "/anything", true}, // empty disallow matches nothing
		{"Disallow: /", "/robots.txt", true},
		{"Disallow: /%7Ejoe/", "/~joe/index.html", false}, // unreserved escapes are decoded
		{"Disallow: /~joe/", "/%7ejoe/index.html", false},
		{"Disallow: /a%2fb", "/a%2Fb", false}, // reserved escapes compare case-insensitively
		{"Disallow: /a%2fb", "/a/b", true},    // ...but not decoded
		{"Disallow: /café", "/caf%C3%A9", false},
		{"Disallow: /x*", "/y", true},
		{"Disallow: /**a**b$", "/zzazzbzz", true},
		{"Disallow: /**a**b$", "/zzazzb", false},
		{"Disallow: /**a**b**$", "/zzazzbzz", false},
	}
	for _, tc := range cases {
		r := ParseRobots([]byte("User-agent: *\n"+tc.rules+"\n"), "agent-knowledge-fetcher")
		if got := r.Allowed(tc.path); got != tc.want {
			t.Errorf("%q on %q: Allowed = %v, want %v", tc.rules, tc.path, got, tc.want)
		}
	}
}

func TestRobotsGroups(t *testing.T) {
	// The example file of RFC 9309 §5.1, plus our own token and odd formatting.
	body := []byte("\xef\xbb\xbf# comment\r\n" +
		"User-Agent: *\r\n" +
		"Disallow: *.gif$\r\n" +
		"Disallow: /example/\r\n" +
		"Allow: /publications/\r\n" +
		"\r\n" +
		"User-Agent: foobot\n" +
		"Disallow:/\n" +
		"Allow:/example/page.html\n" +
		"Allow:/example/allowed.gif\n" +
		"\n" +
		"User-Agent: barbot\n" +
		"User-Agent: bazbot\n" +
		"Disallow: /example/page.html\n" +
		"Crawl-delay: 2.5\n" +
		"\n" +
		"User-Agent: quxbot\n" +
		"\n" +
		"Sitemap: https://example.com/sitemap.xml # the main one\n" +
		"sitemap: https://example.com/news.xml\n" +
		"Sitemap: https://example.com/sitemap.xml\n" +
		"\n" +
		"user-agent: FooBot\n" +
		"disallow: /merged-later\n")
	check := func(agent, path string, want bool) {
		t.Helper()
		if got := ParseRobots(body, agent).Allowed(path); got != want {
			t.Errorf("%s %s: Allowed = %v, want %v", agent, path, got, want)
		}
	}
	check("foobot", "/example/page.html", true)
	check("foobot", "/example/allowed.gif", true)
	check("foobot", "/other", false)
	check("FooBot/2.1 (+http://foo)", "/other", false) // token from a full User-Agent, case-insensitive
	check("foobot", "/merged-later", false)            // groups for one agent are merged
	check("barbot", "/example/page.html", false)
	check("bazbot", "/example/page.html", false)
	check("bazbot", "/example/other.html", true) // its own group, not "*"
	check("quxbot", "/example/x.gif", true)      // empty group: everything allowed
	check("otherbot", "/example/x", false)       // falls back to "*"
	check("otherbot", "/x.gif", false)
	check("otherbot", "/publications/x.gif", true) // longer Allow beats "*.gif$"
	check("otherbot", "/publications/x", true)
	check("agent-knowledge-fetcher", "/pic.gif", false)

	if d := ParseRobots(body, "bazbot").CrawlDelay(); d != 2500*time.Millisecond {
		t.Errorf("Crawl-delay = %s, want 2.5s", d)
	}
	if d := ParseRobots(body, "foobot").CrawlDelay(); d != 0 {
		t.Errorf("foobot Crawl-delay = %s, want 0", d)
	}
	want := []string{"https://example.com/sitemap.xml", "https://example.com/news.xml"}
	if got := ParseRobots(body, "quxbot").Sitemaps(); !slices.Equal(got, want) {
		t.Errorf("Sitemaps = %q, want %q", got, want)
	}

	// Our group beats "*"; no matching group and no "*" means allow all.
	ours := []byte("User-agent: *\nDisallow: /\n\nUser-agent: agent-knowledge-fetcher\nDisallow: /private/\n")
	r := ParseRobots(ours, defaultUserAgent)
	if !r.Allowed("/docs") || r.Allowed("/private/x") {
		t.Error("our own group should be used instead of *")
	}
	if !ParseRobots([]byte("User-agent: otherbot\nDisallow: /\n"), defaultUserAgent).Allowed("/x") {
		t.Error("no group for us and no * group: everything should be allowed")
	}
	if !ParseRobots([]byte("Disallow: /\n"), defaultUserAgent).Allowed("/x") {
		t.Error("rules before any User-agent line belong to no group")
	}
	var nilRobots *Robots
	if !nilRobots.Allowed("/x") || nilRobots.CrawlDelay() != 0 || nilRobots.Sitemaps() != nil {
		t.Error("nil *Robots should allow everything")
	}
}

func TestClientRobots(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			t.Errorf("requested %s", r.URL.Path)
		}
		w.Write([]byte("User-agent: *\nDisallow: /no/\n"))
	})
	c := New(Options{Allow: allowOnly(t, s)})
	site, _ := url.Parse(s.URL + "/some/page?x=1") // only scheme and host matter
	r, err := c.Robots(context.Background(), site)
	if err != nil || r.Allowed("/no/x") || !r.Allowed("/yes") {
		t.Fatalf("200 robots: allowed(/no/x)=%v, err=%v", r.Allowed("/no/x"), err)
	}

	for _, code := range []int{401, 403, 404, 410, 429, 500, 503} {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) })
		site, _ := url.Parse(s.URL)
		r, err := New(Options{Allow: allowOnly(t, s)}).Robots(context.Background(), site)
		if r == nil {
			t.Fatalf("%d: nil *Robots", code)
		}
		if code < 500 && code != 429 {
			if err != nil || !r.Allowed("/anything") {
				t.Errorf("%d: want allow-all and no error, got allowed=%v err=%v", code, r.Allowed("/anything"), err)
			}
		} else if err == nil || r.Allowed("/anything") {
			t.Errorf("%d: want disallow-all and an error, got allowed=%v err=%v", code, r.Allowed("/anything"), err)
		}
	}

	// Unreachable (here: refused by the SSRF policy) means disallow all, with an error.
	r, err = New(Options{}).Robots(context.Background(), site)
	if err == nil || r.Allowed("/x") {
		t.Errorf("unreachable robots: allowed=%v err=%v", r.Allowed("/x"), err)
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestParseSitemap(t *testing.T) {
	urlset := `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc> https://example.com/a </loc><lastmod>2024-01-01</lastmod></url>
  <url><loc>https://example.com/b?x=1&amp;y=2</loc><image:image><image:loc>https://example.com/i.png</image:loc></image:image></url>
  <url><loc>https://example.com/c?bare=1&y=2</loc></url>
  <url><loc></loc></url>
</urlset>`
	wantURLs := []string{"https://example.com/a", "https://example.com/b?x=1&y=2", "https://example.com/c?bare=1&y=2"}
	for name, body := range map[string][]byte{"plain": []byte(urlset), "gzip": gz(t, urlset)} {
		urls, maps, err := ParseSitemap(body)
		if err != nil || !slices.Equal(urls, wantURLs) || maps != nil {
			t.Errorf("%s urlset: %q %q %v", name, urls, maps, err)
		}
	}

	index := `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.com/s1.xml</loc></sitemap>
  <sitemap><loc>https://example.com/s2.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>
</sitemapindex>`
	urls, maps, err := ParseSitemap([]byte(index))
	if err != nil || urls != nil || !slices.Equal(maps, []string{"https://example.com/s1.xml", "https://example.com/s2.xml.gz"}) {
		t.Errorf("index: %q %q %v", urls, maps, err)
	}

	urls, _, err = ParseSitemap([]byte("https://example.com/x\n\nhttps://example.com/y\r\nnot a url\n"))
	if err != nil || !slices.Equal(urls, []string{"https://example.com/x", "https://example.com/y"}) {
		t.Errorf("text sitemap: %q %v", urls, err)
	}

	latin1 := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><urlset><url><loc>https://example.com/caf\xe9</loc></url></urlset>"
	urls, _, err = ParseSitemap([]byte(latin1))
	if err != nil || !slices.Equal(urls, []string{"https://example.com/café"}) {
		t.Errorf("latin-1 sitemap: %q %v", urls, err)
	}

	for name, body := range map[string]string{
		"html":    "<html><body>Not found</body></html>",
		"empty":   "",
		"garbage": "hello world",
		"badgzip": "\x1f\x8bnot really",
	} {
		if _, _, err := ParseSitemap([]byte(body)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
