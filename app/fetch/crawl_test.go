package fetch

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// site is a test web site that logs every request and tracks how many are
// being served at once.
type site struct {
	*server
	mu       sync.Mutex
	log      []string // RequestURI of each request, in arrival order
	times    []time.Time
	inflight atomic.Int32
	peak     atomic.Int32
}

func newSite(t *testing.T, work time.Duration, h http.HandlerFunc) *site {
	t.Helper()
	s := &site{}
	s.server = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := s.inflight.Add(1)
		defer s.inflight.Add(-1)
		for {
			p := s.peak.Load()
			if n <= p || s.peak.CompareAndSwap(p, n) {
				break
			}
		}
		s.mu.Lock()
		s.log = append(s.log, r.URL.RequestURI())
		s.times = append(s.times, time.Now())
		s.mu.Unlock()
		time.Sleep(work)
		h(w, r)
	})
	return s
}

func (s *site) paths() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]int{}
	for _, p := range s.log {
		m[p]++
	}
	return m
}

func (s *site) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// html serves a page linking to each href.
func htmlPage(hrefs ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body>")
		for _, h := range hrefs {
			fmt.Fprintf(w, "<a href=%q>link</a>\n", h)
		}
		fmt.Fprint(w, "</body></html>")
	}
}

func xmlDoc(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+body)
	}
}

func urlset(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		fmt.Fprintf(&b, "<url><loc>%s</loc></url>", l)
	}
	return b.String() + "</urlset>"
}

func sitemapIndex(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		fmt.Fprintf(&b, "<sitemap><loc>%s</loc></sitemap>", l)
	}
	return b.String() + "</sitemapindex>"
}

// recorder collects what Crawl reports and fails the test if callbacks overlap.
type recorder struct {
	t       *testing.T
	busy    atomic.Int32
	pages   []string
	reports []Progress
	onPage  func(n int) error // optional hook, gets the 1-based page count
}

func (rc *recorder) enter() {
	if rc.busy.Add(1) != 1 {
		rc.t.Error("onPage/onProgress called concurrently")
	}
	time.Sleep(time.Millisecond) // widen the window for overlap
}

func (rc *recorder) page(_ context.Context, p Page) error {
	rc.enter()
	defer rc.busy.Add(-1)
	if p.Status/100 != 2 || p.NotModified {
		rc.t.Errorf("onPage got %s with status %d", p.URL, p.Status)
	}
	rc.pages = append(rc.pages, p.URL)
	if rc.onPage != nil {
		return rc.onPage(len(rc.pages))
	}
	return nil
}

func (rc *recorder) progress(p Progress) {
	rc.enter()
	defer rc.busy.Add(-1)
	if n := len(rc.reports); n > 0 {
		q := rc.reports[n-1]
		if p.Discovered < q.Discovered || p.Fetched < q.Fetched || p.Skipped < q.Skipped || p.Failed < q.Failed {
			rc.t.Errorf("progress went backwards: %+v after %+v", p, q)
		}
	}
	if p.Fetched+p.Skipped+p.Failed > p.Discovered {
		rc.t.Errorf("progress over-counts: %+v", p)
	}
	rc.reports = append(rc.reports, p)
}

func (rc *recorder) last() Progress {
	if len(rc.reports) == 0 {
		return Progress{}
	}
	return rc.reports[len(rc.reports)-1]
}

func TestCrawlSite(t *testing.T) {
	other := newSite(t, 0, htmlPage()) // another host: linked to, never fetched
	away := newSite(t, 0, htmlPage())  // another local server: redirected to, never contacted
	a := newSite(t, 5*time.Millisecond, func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		switch r.URL.RequestURI() {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: agent-knowledge-fetcher\nDisallow: /private/\n")
		case "/sitemap.xml":
			xmlDoc(sitemapIndex(base+"/sitemap-pages.xml"))(w, r)
		case "/sitemap-pages.xml":
			xmlDoc(urlset(base+"/s1", base+"/s2", base+"/private/secret", base+"/", other.URL+"/elsewhere"))(w, r)
		case "/":
			htmlPage("a", "/b", "/a#top", "/a", "/private/x", "/loop1", "/away", other.URL+"/ext",
				"/img.png", "mailto:help@example.com", "/missing")(w, r)
		case "/a":
			htmlPage("/", "/b", "c", "/a?x=1", base+"/a")(w, r)
		case "/a?x=1", "/s1", "/A":
			htmlPage()(w, r)
		case "/b":
			htmlPage("/a", "/c", "/c", "/c#x", "/b", "/file", "/A")(w, r)
		case "/c":
			htmlPage("/d")(w, r)
		case "/d":
			text("plain text is a page too")(w, r)
		case "/file":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n"))
		case "/s2":
			htmlPage("/deep")(w, r)
		case "/deep":
			htmlPage("/s1", "/s2")(w, r)
		case "/loop1":
			http.Redirect(w, r, "/loop2", http.StatusFound)
		case "/loop2":
			http.Redirect(w, r, "/loop1", http.StatusFound)
		case "/away":
			http.Redirect(w, r, away.URL+"/stolen", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	c := New(Options{Allow: allowOnly(t, a.server)})
	rc := &recorder{t: t}
	err := c.Crawl(context.Background(), CrawlOptions{Start: a.URL, Concurrency: 8, Delay: time.Millisecond}, rc.page, rc.progress)
	if err != nil {
		t.Fatal(err)
	}

	var wantPages []string
	for _, p := range []string{"/", "/a", "/a?x=1", "/b", "/c", "/d", "/s1", "/s2", "/deep", "/A"} {
		wantPages = append(wantPages, a.URL+p)
	}
	slices.Sort(wantPages)
	slices.Sort(rc.pages)
	if !slices.Equal(rc.pages, wantPages) {
		t.Errorf("pages:\n got %q\nwant %q", rc.pages, wantPages)
	}

	wantHits := map[string]int{"/robots.txt": 1, "/sitemap.xml": 1, "/sitemap-pages.xml": 1, "/file": 1,
		"/loop1": 1, "/loop2": 1, "/away": 1, "/missing": 1}
	for _, p := range []string{"/", "/a", "/a?x=1", "/b", "/c", "/d", "/s1", "/s2", "/deep", "/A"} {
		wantHits[p] = 1
	}
	if got := a.paths(); !maps.Equal(got, wantHits) {
		t.Errorf("requests:\n got %v\nwant %v", got, wantHits)
	}
	for path := range a.paths() {
		if strings.HasPrefix(path, "/private/") {
			t.Errorf("robots-disallowed %s was requested", path)
		}
	}
	if n := other.server.hits.Load(); n != 0 {
		t.Errorf("other host got %d requests", n)
	}
	if n := away.server.hits.Load(); n != 0 {
		t.Errorf("redirect target on another port got %d requests", n)
	}
	if p := a.peak.Load(); p > 2 {
		t.Errorf("%d requests in flight at once, limit is 2", p)
	} else {
		t.Logf("peak concurrency %d", p)
	}

	// 16 pages found: 10 fetched; /private/x, /private/secret and the PNG skipped;
	// the redirect loop, the off-site redirect and the 404 failed.
	want := Progress{Discovered: 16, Fetched: 10, Skipped: 3, Failed: 3}
	if got := rc.last(); got != want {
		t.Errorf("final progress %+v, want %+v", got, want)
	}
	if len(rc.reports) != 15 { // 14 pages requested, plus the final report
		t.Errorf("%d progress reports, want 15", len(rc.reports))
	}
}

func TestCrawlMaxPages(t *testing.T) {
	s := newSite(t, 0, func(w http.ResponseWriter, r *http.Request) {
		var n int
		switch {
		case r.URL.Path == "/":
			var hrefs []string
			for i := range 50 {
				hrefs = append(hrefs, fmt.Sprintf("/p%d", i))
			}
			htmlPage(hrefs...)(w, r)
		case strings.HasPrefix(r.URL.Path, "/p"):
			fmt.Sscanf(r.URL.Path, "/p%d", &n)
			htmlPage(fmt.Sprintf("/p%d", n+50), fmt.Sprintf("/p%d", n+51))(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	rc := &recorder{t: t}
	err := New(Options{Allow: allowOnly(t, s.server)}).Crawl(context.Background(),
		CrawlOptions{Start: s.URL + "/", MaxPages: 5, Delay: time.Millisecond}, rc.page, rc.progress)
	if err != nil {
		t.Fatal(err)
	}
	if len(rc.pages) != 5 {
		t.Errorf("onPage called %d times, want 5", len(rc.pages))
	}
	pageRequests := 0
	for p, n := range s.paths() {
		if p != "/robots.txt" && p != "/sitemap.xml" {
			pageRequests += n
		}
	}
	if pageRequests != 5 {
		t.Errorf("%d page requests, want 5", pageRequests)
	}
	if got := rc.last(); got.Fetched != 5 || got.Discovered < 50 {
		t.Errorf("final progress %+v", got)
	}
}

func TestCrawlSitemapsFromRobots(t *testing.T) {
	s := newSite(t, 0, func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		var n int
		switch {
		case r.URL.Path == "/robots.txt":
			fmt.Fprintf(w, "Sitemap: %s/maps/index.xml.gz\n", base)
		case r.URL.Path == "/maps/index.xml.gz":
			var children []string
			for i := range 15 {
				children = append(children, fmt.Sprintf("%s/maps/c%d.xml", base, i))
			}
			w.Header().Set("Content-Type", "application/x-gzip")
			w.Write(gz(t, sitemapIndex(children...)))
		case r.URL.Path == "/maps/c0.xml":
			xmlDoc(sitemapIndex(base+"/maps/deeper.xml"))(w, r) // two levels down: ignored
		case strings.HasPrefix(r.URL.Path, "/maps/c"):
			fmt.Sscanf(r.URL.Path, "/maps/c%d.xml", &n)
			xmlDoc(urlset(fmt.Sprintf("%s/g%d", base, n)))(w, r)
		case r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/g"):
			htmlPage()(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	rc := &recorder{t: t}
	err := New(Options{Allow: allowOnly(t, s.server)}).Crawl(context.Background(),
		CrawlOptions{Start: s.URL, Delay: time.Millisecond}, rc.page, rc.progress)
	if err != nil {
		t.Fatal(err)
	}
	hits := s.paths()
	sitemapFiles := 0
	for p := range hits {
		if strings.HasPrefix(p, "/maps/") {
			sitemapFiles++
		}
	}
	if sitemapFiles != 10 {
		t.Errorf("fetched %d sitemap files, want 10", sitemapFiles)
	}
	if hits["/maps/deeper.xml"] != 0 || hits["/sitemap.xml"] != 0 {
		t.Errorf("fetched a sitemap it should not have: %v", hits)
	}
	want := []string{s.URL + "/"}
	for i := 1; i <= 8; i++ { // c0 is an index; c1..c8 complete the 10 files
		want = append(want, fmt.Sprintf("%s/g%d", s.URL, i))
	}
	slices.Sort(want)
	slices.Sort(rc.pages)
	if !slices.Equal(rc.pages, want) {
		t.Errorf("pages:\n got %q\nwant %q", rc.pages, want)
	}
}

func TestCrawlDelayFromRobots(t *testing.T) {
	s := newSite(t, 0, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.2\n")
		case "/":
			htmlPage("/a", "/b")(w, r)
		case "/a", "/b":
			htmlPage()(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	rc := &recorder{t: t}
	if err := New(Options{Allow: allowOnly(t, s.server)}).Crawl(context.Background(),
		CrawlOptions{Start: s.URL, Delay: time.Millisecond}, rc.page, rc.progress); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	times := slices.Clone(s.times)
	s.mu.Unlock()
	if len(times) != 5 { // robots, /, sitemap.xml, /a, /b
		t.Fatalf("%d requests, want 5", len(times))
	}
	// The crawler spaces the starts of its requests; when they arrive varies with the
	// machine's load, so each is measured from the first after robots.txt, and only that
	// one's late arrival (up to half a delay) is allowed for (a gap between two neighbours
	// would count twice).
	for i := 2; i < len(times); i++ {
		if d, want := times[i].Sub(times[1]), time.Duration(i-1)*200*time.Millisecond-100*time.Millisecond; d < want {
			t.Errorf("request %d came %s after the first page; at Crawl-delay 200ms that is at least %s", i, d, want)
		}
	}

	if d := politeDelay(time.Millisecond, time.Hour); d != maxCrawlDelay {
		t.Errorf("huge Crawl-delay not capped: %s", d)
	}
	if d := politeDelay(500*time.Millisecond, 2*time.Second); d != 2*time.Second {
		t.Errorf("larger Crawl-delay should win: %s", d)
	}
	if d := politeDelay(500*time.Millisecond, 0); d != 500*time.Millisecond {
		t.Errorf("our delay should stand: %s", d)
	}
}

func TestCrawlOptionDefaults(t *testing.T) {
	cases := []struct{ in, want CrawlOptions }{
		{CrawlOptions{}, CrawlOptions{MaxPages: 200, Concurrency: 2, Delay: 500 * time.Millisecond}},
		{CrawlOptions{MaxPages: 5000, Concurrency: 16, Delay: time.Millisecond}, CrawlOptions{MaxPages: 1000, Concurrency: 2, Delay: time.Millisecond}},
		{CrawlOptions{MaxPages: 7, Concurrency: 1, Delay: -1}, CrawlOptions{MaxPages: 7, Concurrency: 1, Delay: 500 * time.Millisecond}},
	}
	for _, tc := range cases {
		if got := tc.in.withDefaults(); got != tc.want {
			t.Errorf("%+v.withDefaults() = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestCrawlCancel(t *testing.T) {
	s := newSite(t, 10*time.Millisecond, func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &n); err == nil || r.URL.Path == "/" {
			htmlPage(fmt.Sprintf("/p/%d", n+1), fmt.Sprintf("/p/%d", n+2))(w, r) // endless
			return
		}
		http.NotFound(w, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled time.Time
	rc := &recorder{t: t, onPage: func(n int) error {
		if n == 3 {
			cancelled = time.Now()
			cancel()
		}
		return nil
	}}
	err := New(Options{Allow: allowOnly(t, s.server)}).Crawl(ctx, CrawlOptions{Start: s.URL, Delay: time.Millisecond}, rc.page, rc.progress)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(cancelled); d > time.Second {
		t.Errorf("Crawl returned %s after cancellation", d)
	}
	if n := len(rc.pages); n < 3 || n > 4 {
		t.Errorf("onPage called %d times; want 3 (or 4 with one page already in hand)", n)
	}
	before := s.requests()
	time.Sleep(50 * time.Millisecond)
	if after := s.requests(); after != before {
		t.Errorf("%d requests after Crawl returned", after-before)
	}
}

func TestCrawlStartErrors(t *testing.T) {
	ctx := context.Background()
	noop := func(context.Context, Page) error { return nil }
	if err := New(Options{}).Crawl(ctx, CrawlOptions{Start: "ftp://example.com/"}, noop, nil); !errors.Is(err, ErrBadURL) {
		t.Errorf("bad start: err = %v, want ErrBadURL", err)
	}

	s := newSite(t, 0, htmlPage())
	if err := New(Options{}).Crawl(ctx, CrawlOptions{Start: s.URL, Delay: time.Millisecond}, noop, nil); !errors.Is(err, ErrBlocked) {
		t.Errorf("blocked start: err = %v, want ErrBlocked", err)
	}
	if n := s.requests(); n != 0 {
		t.Errorf("blocked start made %d requests", n)
	}

	down := newSite(t, 0, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		htmlPage()(w, r)
	})
	err := New(Options{Allow: allowOnly(t, down.server)}).Crawl(ctx, CrawlOptions{Start: down.URL, Delay: time.Millisecond}, noop, nil)
	if err == nil || !strings.Contains(err.Error(), "robots.txt") {
		t.Errorf("robots.txt 503: err = %v, want an error about robots.txt", err)
	}
	if got := down.paths(); !maps.Equal(got, map[string]int{"/robots.txt": 1}) {
		t.Errorf("robots.txt 503: requests %v, want only robots.txt", got)
	}
}

func TestCrawlStartRedirectAdoptsHost(t *testing.T) {
	b := newSite(t, 0, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /nope\n")
		case "/":
			htmlPage("/b1", "/nope")(w, r)
		case "/b1":
			htmlPage()(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	a := newSite(t, 0, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			http.Redirect(w, r, b.URL+"/", http.StatusMovedPermanently) // "example.com" → "www.example.com"
			return
		}
		http.NotFound(w, r)
	})
	rc := &recorder{t: t}
	err := New(Options{Allow: allowOnly(t, a.server, b.server)}).Crawl(context.Background(),
		CrawlOptions{Start: a.URL, Delay: time.Millisecond}, rc.page, rc.progress)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rc.pages, []string{a.URL + "/", b.URL + "/b1"}) {
		t.Errorf("pages = %q", rc.pages)
	}
	if got, want := b.paths(), map[string]int{"/robots.txt": 1, "/": 1, "/sitemap.xml": 1, "/b1": 1}; !maps.Equal(got, want) {
		t.Errorf("new host requests %v, want %v", got, want)
	}
	if got, want := a.paths(), map[string]int{"/robots.txt": 1, "/": 1}; !maps.Equal(got, want) {
		t.Errorf("start host requests %v, want %v", got, want)
	}
}
