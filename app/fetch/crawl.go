package fetch

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	defaultMaxPages = 200
	hardMaxPages    = 1000
	maxConcurrency  = 2
	defaultDelay    = 500 * time.Millisecond
	maxCrawlDelay   = 10 * time.Second
	maxSitemapFiles = 10
	// maxSeen bounds the URLs remembered from links and sitemaps so a huge
	// sitemap or a link-generating site cannot grow memory without limit.
	maxSeen = 20_000
)

// CrawlOptions describes an "import related URLs" run. Zero fields get defaults.
type CrawlOptions struct {
	Start       string        // the URL the admin typed
	MaxPages    int           // pages handed to onPage: default 200, clamped to 1000
	Concurrency int           // parallel requests: default 2, never more than 2
	Delay       time.Duration // minimum gap between request starts (default 500ms); a larger robots Crawl-delay wins, capped at 10s
}

// Progress is a running tally for the admin UI. Discovered counts unique
// same-site page URLs found (start, sitemaps, links); each ends up Fetched
// (handed to onPage, which accepted it), Skipped (robots.txt, not a page type,
// duplicate after a redirect) or Failed (fetch error or onPage error), except
// those left over when MaxPages is reached or the crawl is cancelled.
type Progress struct {
	Discovered, Fetched, Skipped, Failed int
	Current                              string // URL most recently requested; "" in the final report
}

var (
	errOffSite    = errors.New("redirect leaves the site")
	errDisallowed = errors.New("disallowed by robots.txt")
)

// withDefaults fills and clamps the options.
func (o CrawlOptions) withDefaults() CrawlOptions {
	if o.MaxPages <= 0 {
		o.MaxPages = defaultMaxPages
	}
	o.MaxPages = min(o.MaxPages, hardMaxPages)
	if o.Concurrency <= 0 || o.Concurrency > maxConcurrency {
		o.Concurrency = maxConcurrency
	}
	if o.Delay <= 0 {
		o.Delay = defaultDelay
	}
	return o
}

// politeDelay is the gap between requests: ours, or the site's Crawl-delay
// when larger (capped so a hostile robots.txt cannot stall an import forever).
func politeDelay(ours, crawlDelay time.Duration) time.Duration {
	return max(ours, min(crawlDelay, maxCrawlDelay))
}

// Crawl imports a site: robots.txt first (disallowed URLs are counted Skipped
// and never requested), then the start page, then the sitemaps (robots.txt
// Sitemap lines, else /sitemap.xml; index files followed one level, at most 10
// files), then links found in fetched HTML, breadth-first. Only the start URL's
// host is crawled (exact host and port; "www." makes a different host), except
// that when the start URL itself redirects to another host, that host is
// crawled too: admins type "example.com" for a site living at "www.example.com".
// Every request goes through the SSRF policy and the polite delay.
//
// onPage gets every 2xx HTML, XHTML, PDF or plain-text page, at most MaxPages
// of them; onProgress is called after every page and once more at the end.
// Calls to both are serialised, so callers need no locking. A failing page or
// onPage error is counted and the crawl goes on. Crawl returns ctx.Err() when
// cancelled; an error when the start URL is invalid or blocked or its
// robots.txt cannot be read (RFC 9309 then forbids crawling); nil otherwise.
func (c *Client) Crawl(ctx context.Context, o CrawlOptions, onPage func(context.Context, Page) error, onProgress func(Progress)) error {
	o = o.withDefaults()
	start, err := CheckURL(o.Start)
	if err != nil {
		return err
	}
	if onPage == nil {
		onPage = func(context.Context, Page) error { return nil }
	}
	if onProgress == nil {
		onProgress = func(Progress) {}
	}
	cr := &crawler{
		c: c, o: o, onPage: onPage, onProgress: onProgress,
		pace:   &pacer{gap: o.Delay},
		hosts:  map[string]bool{hostKey(start): true},
		robots: map[string]*Robots{},
		seen:   map[string]bool{},
		done:   map[string]bool{},
	}
	cr.cond = sync.NewCond(&cr.mu)
	stop := context.AfterFunc(ctx, func() {
		cr.mu.Lock()
		cr.cond.Broadcast()
		cr.mu.Unlock()
	})
	defer stop()

	rb, err := cr.robotsFor(ctx, start)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err // names the robots.txt URL and why it could not be read
	}

	startKey := normalizeURL(start)
	cr.mu.Lock()
	cr.seen[startKey] = true
	cr.prog.Discovered = 1
	cr.mu.Unlock()
	primary := start
	if rb.Allowed(start.RequestURI()) {
		if final := cr.visit(ctx, startKey, true); final != nil {
			primary = final
		}
	} else {
		cr.count(outSkipped)
	}
	if ctx.Err() == nil {
		cr.readSitemaps(ctx, primary)
	}
	if ctx.Err() == nil {
		cr.run(ctx)
	}

	cr.cbMu.Lock()
	cr.mu.Lock()
	cr.prog.Current = ""
	p := cr.prog
	cr.mu.Unlock()
	cr.onProgress(p)
	cr.cbMu.Unlock()
	return ctx.Err()
}

type crawler struct {
	c          *Client
	o          CrawlOptions
	onPage     func(context.Context, Page) error
	onProgress func(Progress)
	pace       *pacer

	cbMu sync.Mutex // serialises onPage and onProgress; taken before mu, never inside it

	mu       sync.Mutex
	cond     *sync.Cond         // signalled when inflight drops or ctx ends
	hosts    map[string]bool    // in-scope hosts (hostKey)
	robots   map[string]*Robots // per in-scope host
	seen     map[string]bool    // normalised URLs ever queued or skipped
	done     map[string]bool    // normalised final URLs already handed over
	queue    []string           // normalised URLs waiting, breadth-first
	prog     Progress
	handed   int // pages given to onPage
	attempts int // page requests made
	inflight int // requests being made now
}

type outcome int

const (
	outFetched outcome = iota
	outSkipped
	outFailed
)

// count records an outcome and reports progress.
func (cr *crawler) count(out outcome) {
	cr.cbMu.Lock()
	defer cr.cbMu.Unlock()
	cr.record(out)
}

// record is count for callers already holding cbMu.
func (cr *crawler) record(out outcome) {
	cr.mu.Lock()
	switch out {
	case outFetched:
		cr.prog.Fetched++
	case outSkipped:
		cr.prog.Skipped++
	case outFailed:
		cr.prog.Failed++
	}
	p := cr.prog
	cr.mu.Unlock()
	cr.onProgress(p)
}

// full says the page budget is used up, counting requests in flight as pages.
// Requests are also capped at twice MaxPages so a site of broken links
// cannot keep us busy.
func (cr *crawler) full() bool {
	return cr.handed+cr.inflight >= cr.o.MaxPages || cr.attempts >= 2*cr.o.MaxPages
}

// run drains the queue with up to Concurrency workers.
func (cr *crawler) run(ctx context.Context) {
	var wg sync.WaitGroup
	for {
		cr.mu.Lock()
		for ctx.Err() == nil && cr.inflight > 0 &&
			(cr.inflight >= cr.o.Concurrency || len(cr.queue) == 0 || cr.full()) {
			cr.cond.Wait()
		}
		if ctx.Err() != nil || len(cr.queue) == 0 || cr.full() {
			cr.mu.Unlock()
			break
		}
		next := cr.queue[0]
		cr.queue = cr.queue[1:]
		if cr.done[next] { // already imported under this URL via a redirect
			cr.prog.Skipped++
			cr.mu.Unlock()
			continue
		}
		cr.inflight++
		cr.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			cr.visit(ctx, next, false)
			cr.mu.Lock()
			cr.inflight--
			cr.cond.Broadcast()
			cr.mu.Unlock()
		}()
	}
	wg.Wait()
}

// visit fetches one page, hands it over and queues its links. For the start
// page, redirects may leave the host and the final host joins the crawl; it
// returns the start page's final URL so sitemaps are looked for there.
func (cr *crawler) visit(ctx context.Context, target string, start bool) *url.URL {
	if cr.pace.wait(ctx) != nil {
		return nil
	}
	cr.mu.Lock()
	cr.attempts++
	cr.prog.Current = target
	cr.mu.Unlock()

	var hop hopCheck
	if !start {
		hop = cr.inScope
	}
	page, err := cr.c.get(ctx, Request{URL: target}, cr.c.opts.MaxBytes, false, hop)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		if errors.Is(err, errDisallowed) {
			cr.count(outSkipped)
		} else {
			cr.count(outFailed)
		}
		return nil
	}
	final, err := url.Parse(page.FinalURL)
	if err != nil {
		cr.count(outFailed)
		return nil
	}
	fhost := hostKey(final)
	if start {
		cr.mu.Lock()
		known := cr.hosts[fhost]
		cr.mu.Unlock()
		if !known {
			_, _ = cr.robotsFor(ctx, final) // on error that host is simply all-disallowed
			if ctx.Err() != nil {
				return nil
			}
			cr.mu.Lock()
			cr.hosts[fhost] = true
			cr.mu.Unlock()
		}
	}

	cr.mu.Lock()
	fkey := normalizeURL(final)
	out := outFetched
	switch {
	case !cr.hosts[fhost]:
		out = outFailed // unreachable: hop keeps redirects on site
	case !cr.robots[fhost].Allowed(final.RequestURI()):
		out = outSkipped
	case cr.done[fkey]:
		out = outSkipped
	case !isPageType(page.ContentType, page.Body):
		out = outSkipped
	}
	cr.seen[fkey] = true
	if out == outFetched {
		cr.done[fkey] = true
		cr.handed++
		cr.queue = append(cr.queue, cr.discover(page.Links)...)
	}
	cr.mu.Unlock()

	cr.cbMu.Lock()
	defer cr.cbMu.Unlock()
	if out == outFetched {
		if err := cr.onPage(ctx, page); err != nil {
			out = outFailed
		}
	}
	cr.record(out)
	return final
}

// inScope is the crawl's redirect rule: stay on the site and inside robots.txt.
func (cr *crawler) inScope(u *url.URL) error {
	h := hostKey(u)
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if !cr.hosts[h] {
		return fmt.Errorf("%s: %w", u, errOffSite)
	}
	if !cr.robots[h].Allowed(u.RequestURI()) {
		return fmt.Errorf("%s: %w", u, errDisallowed)
	}
	return nil
}

// onSite is the redirect rule for sitemap files: stay on the site.
func (cr *crawler) onSite(u *url.URL) error {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if !cr.hosts[hostKey(u)] {
		return fmt.Errorf("%s: %w", u, errOffSite)
	}
	return nil
}

// discover filters raw URLs down to new same-site pages, counting them as
// Discovered and the robots-disallowed ones as Skipped; it returns the URLs to
// queue. The caller holds mu.
func (cr *crawler) discover(raw []string) []string {
	var add []string
	for _, s := range raw {
		u, err := CheckURL(s)
		if err != nil {
			continue
		}
		h := hostKey(u)
		if !cr.hosts[h] || skipExt(u.Path) {
			continue
		}
		k := normalizeURL(u)
		if cr.seen[k] || len(cr.seen) >= maxSeen {
			continue
		}
		cr.seen[k] = true
		cr.prog.Discovered++
		if !cr.robots[h].Allowed(u.RequestURI()) {
			cr.prog.Skipped++
			continue
		}
		add = append(add, k)
	}
	return add
}

// readSitemaps fetches the sitemaps named in robots.txt (or /sitemap.xml on
// the primary host) plus the files an index names, one level deep, and puts
// their pages at the front of the queue: the site's own list comes before
// whatever links the start page happened to have.
func (cr *crawler) readSitemaps(ctx context.Context, primary *url.URL) {
	var roots []string
	cr.mu.Lock()
	for _, h := range slices.Sorted(maps.Keys(cr.robots)) {
		roots = append(roots, cr.robots[h].Sitemaps()...)
	}
	cr.mu.Unlock()
	listed := map[string]bool{}
	for _, r := range roots {
		listed[r] = true
	}
	if len(roots) == 0 {
		roots = []string{(&url.URL{Scheme: primary.Scheme, Host: primary.Host, Path: "/sitemap.xml"}).String()}
	}

	var pages []string
	fetched := 0
	tried := map[string]bool{}
	level := roots
	for depth := 0; depth < 2 && len(level) > 0; depth++ {
		var next []string
		for _, sm := range level {
			if fetched >= maxSitemapFiles || ctx.Err() != nil {
				break
			}
			u, err := CheckURL(sm)
			if err != nil || tried[u.String()] {
				continue
			}
			tried[u.String()] = true
			h := hostKey(u)
			cr.mu.Lock()
			ok := cr.hosts[h] && (listed[sm] || cr.robots[h].Allowed(u.RequestURI()))
			cr.mu.Unlock()
			if !ok {
				continue
			}
			fetched++
			if cr.pace.wait(ctx) != nil {
				return
			}
			page, err := cr.c.get(ctx, Request{URL: u.String()}, cr.c.opts.MaxBytes, false, cr.onSite)
			if err != nil {
				continue // a missing sitemap is normal
			}
			urls, subs, _ := ParseSitemap(page.Body)
			pages = append(pages, urls...)
			if depth == 0 {
				next = append(next, subs...)
			}
		}
		level = next
	}
	cr.mu.Lock()
	cr.queue = append(cr.discover(pages), cr.queue...)
	cr.mu.Unlock()
}

// robotsFor fetches robots.txt for u's host (paced like any request), stores
// it, and slows the crawl down to its Crawl-delay.
func (cr *crawler) robotsFor(ctx context.Context, u *url.URL) (*Robots, error) {
	if err := cr.pace.wait(ctx); err != nil {
		return nil, err
	}
	rb, err := cr.c.Robots(ctx, u)
	cr.mu.Lock()
	cr.robots[hostKey(u)] = rb
	cr.mu.Unlock()
	cr.pace.atLeast(politeDelay(cr.o.Delay, rb.CrawlDelay()))
	return rb, err
}

// pacer spaces request starts at least gap apart across all workers. It
// remembers when the last request was allowed to start, so a gap raised by a
// Crawl-delay applies from the very next request.
type pacer struct {
	mu   sync.Mutex
	last time.Time
	gap  time.Duration
}

func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	at := time.Now()
	if !p.last.IsZero() {
		at = later(at, p.last.Add(p.gap))
	}
	p.last = at
	p.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (p *pacer) atLeast(d time.Duration) {
	p.mu.Lock()
	p.gap = max(p.gap, d)
	p.mu.Unlock()
}

// hostKey is the host as compared for "same site": lower-case, no trailing
// dot, default port dropped, brackets kept for IPv6.
func hostKey(u *url.URL) string {
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	p := u.Port()
	scheme := strings.ToLower(u.Scheme)
	if scheme == "http" && p == "80" || scheme == "https" && p == "443" {
		p = ""
	}
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if p != "" {
		return h + ":" + p
	}
	return h
}

// normalizeURL is the de-duplication key: lower-case scheme and host, default
// port dropped, fragment and credentials dropped, "/" for an empty path, query kept.
func normalizeURL(u *url.URL) string {
	v := *u
	v.Scheme = strings.ToLower(v.Scheme)
	v.Host = hostKey(u)
	v.User = nil
	v.Fragment, v.RawFragment = "", ""
	if v.Path == "" && v.RawPath == "" {
		v.Path = "/"
	}
	v.ForceQuery = false
	return v.String()
}

// skipExts are extensions that are never pages worth importing.
var skipExts = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`
		.jpg .jpeg .png .gif .webp .svg .ico .bmp .tif .tiff .avif .heic
		.css .js .mjs .map .json .xml .rss .atom .wasm
		.zip .gz .tgz .tar .rar .7z .bz2 .xz .exe .dmg .msi .pkg .deb .rpm .apk .iso .bin
		.mp3 .mp4 .m4a .m4v .avi .mov .wmv .webm .ogg .ogv .wav .flac .mkv .mpg .mpeg
		.woff .woff2 .ttf .otf .eot
		.doc .docx .xls .xlsx .ppt .pptx .odt .ods .odp .psd .ai .eps`) {
		skipExts[e] = true
	}
}

func skipExt(p string) bool {
	return skipExts[strings.ToLower(path.Ext(p))]
}

// isPageType reports whether a body is something the importer can use.
func isPageType(ct string, body []byte) bool {
	switch mediaType(ct, body) {
	case "text/html", "application/xhtml+xml", "application/pdf", "text/plain", "text/markdown", "text/x-markdown":
		return true
	}
	return false
}
