package knowledge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/fetch"
	"agent/app/llm"
	"agent/app/llm/llmtest"
	"agent/app/store"
)

// site is a local web site the fetcher is allowed to reach (and nothing else local).
type site struct {
	*httptest.Server
	hits     atomic.Int64
	body     atomic.Value // string served at /page
	notFound atomic.Bool
}

func newSite(t *testing.T) *site {
	s := &site{}
	s.body.Store("<html><head><title>Delivery</title></head><body><main><h1 id=\"d\">Delivery</h1><p>We deliver in two days.</p></main></body></html>")
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/page" {
			http.NotFound(w, r)
			return
		}
		s.hits.Add(1)
		if s.notFound.Load() {
			http.NotFound(w, r)
			return
		}
		body := s.body.Load().(string)
		etag := fmt.Sprintf(`"%x"`, len(body))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) allow(ap netip.AddrPort) bool {
	return ap.String() == strings.TrimPrefix(s.URL, "http://")
}

func newWithOptions(t *testing.T, o Options) (*Manager, int64) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "O", Password: "owner password"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	o.DB = db
	return New(o), ws.ID
}

func TestURLSourceSync(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{Allow: s.allow}), SyncEvery: time.Hour})

	if _, err := m.AddURL(ctx, ws, "ftp://example.com/x"); err == nil {
		t.Error("ftp URL accepted")
	}
	src, err := m.AddURL(ctx, ws, s.URL+"/page")
	if err != nil || src.Status != StatusPending {
		t.Fatalf("AddURL = %+v, %v", src, err)
	}
	if _, err := m.AddURL(ctx, ws, s.URL+"/page"); err == nil {
		t.Error("same URL added twice")
	}
	if r, err := m.Sync(ctx, ws, src.ID); err != nil || r != SyncUpdated {
		t.Fatalf("first sync = %s, %v", r, err)
	}
	src, _ = m.Source(ctx, ws, src.ID)
	if src.Title != "Delivery" || src.Status != StatusReady || src.ChunkCount != 1 || src.NextSyncAt.IsZero() {
		t.Fatalf("after sync: %+v", src)
	}
	rs, _ := m.Search(ctx, ws, "how long is delivery", SearchOptions{})
	if len(rs) != 1 || rs[0].Anchor != "d" {
		t.Fatalf("search = %+v", rs)
	}

	// Unchanged: one conditional request, no re-indexing.
	chunksBefore, _ := m.Chunks(ctx, ws, src.ID)
	if r, err := m.Sync(ctx, ws, src.ID); err != nil || r != SyncUnchanged {
		t.Fatalf("unchanged sync = %s, %v", r, err)
	}
	chunksAfter, _ := m.Chunks(ctx, ws, src.ID)
	if chunksAfter[0].ID != chunksBefore[0].ID {
		t.Error("an unchanged page was re-indexed")
	}

	// Changed page: re-indexed.
	s.body.Store("<html><head><title>Delivery</title></head><body><main><p>We deliver the next day, always.</p></main></body></html>")
	if r, _ := m.Sync(ctx, ws, src.ID); r != SyncUpdated {
		t.Fatalf("changed sync = %s", r)
	}
	if rs, _ := m.Search(ctx, ws, "next day", SearchOptions{}); len(rs) != 1 {
		t.Fatalf("new text not found: %+v", rs)
	}

	// The page disappears: the error shows, the old chunks stay.
	s.notFound.Store(true)
	if r, err := m.Sync(ctx, ws, src.ID); err != nil || r != SyncFailed {
		t.Fatalf("404 sync = %s, %v", r, err)
	}
	src, _ = m.Source(ctx, ws, src.ID)
	if !strings.Contains(src.Error, "404") || src.ChunkCount != 1 {
		t.Errorf("after 404: %+v", src)
	}
}

// TestURLSourceRefusesPrivateAddresses: an address that is plainly private or local is
// refused when it is added, in plain words, and stores nothing.
func TestURLSourceRefusesPrivateAddresses(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{}), SyncEvery: time.Hour}) // the real policy
	port := s.URL[strings.LastIndex(s.URL, ":"):]
	const private = "This address is on a private or local network; the agent only reads public web pages. Pages on your own network need the server setting knowledge.allow_private_urls."
	for raw, want := range map[string]string{
		s.URL + "/page":                    private,
		"http://localhost" + port + "/":    private,
		"http://[::1]" + port + "/":        private,
		"http://app.localhost/":            private,
		"http://printer.local/faq":         private,
		"http://10.0.0.1/":                 private,
		"http://[::ffff:192.168.1.1]/":     private,
		"http://169.254.169.254/latest/":   "This is the address of a cloud metadata service, which the agent never reads.",
		"http://metadata.google.internal/": "This is the address of a cloud metadata service, which the agent never reads.",
	} {
		_, err := m.AddURL(ctx, ws, raw)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != "url" || ie.Message != want {
			t.Errorf("AddURL(%s) = %v, want %q on url", raw, err, want)
		}
	}
	if _, total, _ := m.List(ctx, ws, ListFilter{}); total != 0 || s.hits.Load() != 0 {
		t.Fatalf("refused addresses stored %d sources, fetched %d times", total, s.hits.Load())
	}

	// knowledge.allow_private_urls lets an intranet page in, never a metadata service.
	intranet, ws2 := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{AllowPrivate: true})})
	if _, err := intranet.AddURL(ctx, ws2, s.URL+"/page"); err != nil {
		t.Errorf("allow_private_urls refused %s: %v", s.URL, err)
	}
	if _, err := intranet.AddURL(ctx, ws2, "http://169.254.169.254/"); err == nil {
		t.Error("allow_private_urls let the metadata address in")
	}
}

// TestURLSourceGuardAtFetchTime: a page that leads somewhere private only when fetched
// (here by a redirect; a name resolving to a private address is the same) fails with a
// sentence for people, is not shown as synced, and is not tried again every day; a page
// that is missing today may be back tomorrow and is.
func TestURLSourceGuardAtFetchTime(t *testing.T) {
	ctx := context.Background()
	inside := newSite(t)
	outside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, inside.URL+"/page", http.StatusFound)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(outside.Close)
	allowOutside := func(ap netip.AddrPort) bool { return ap.String() == strings.TrimPrefix(outside.URL, "http://") }
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{Allow: allowOutside}), SyncEvery: 24 * time.Hour})

	away, err := m.AddURL(ctx, ws, outside.URL+"/away")
	if err != nil {
		t.Fatal(err)
	}
	gone, err := m.AddURL(ctx, ws, outside.URL+"/gone")
	if err != nil {
		t.Fatal(err)
	}
	m.RunPending(ctx)
	away, _ = m.Source(ctx, ws, away.ID)
	if want := "The page redirected to an address on a private or local network; the agent only reads public web pages. Pages on your own network need the server setting knowledge.allow_private_urls."; away.Error != want {
		t.Errorf("error = %q, want %q", away.Error, want)
	}
	if away.Status != StatusError || !away.SyncedAt.IsZero() || !away.NextSyncAt.IsZero() || inside.hits.Load() != 0 {
		t.Errorf("refused page: status %s, synced %v, next %v, private site hit %d times", away.Status, away.SyncedAt, away.NextSyncAt, inside.hits.Load())
	}
	gone, _ = m.Source(ctx, ws, gone.ID)
	if gone.Error != "The page answered 404 Not Found." || !gone.SyncedAt.IsZero() || gone.NextSyncAt.IsZero() {
		t.Errorf("missing page: error %q, synced %v, next %v", gone.Error, gone.SyncedAt, gone.NextSyncAt)
	}
	// A re-sync tries the refused page again.
	if n, err := m.RequestSync(ctx, ws, []int64{away.ID}); err != nil || n != 1 {
		t.Fatalf("RequestSync = %d, %v", n, err)
	}
	if r, _ := m.Sync(ctx, ws, away.ID); r != SyncFailed {
		t.Errorf("re-sync = %s", r)
	}
}

// TestFailedSyncKeepsLastGoodSync: a page that worked and then fails keeps its chunks and
// the time it last synced, and shows the error in plain words.
func TestFailedSyncKeepsLastGoodSync(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{Allow: s.allow}), SyncEvery: time.Hour})
	now := time.Unix(1_700_000_000, 0)
	m.now = func() time.Time { return now }
	src, err := m.AddURL(ctx, ws, s.URL+"/page")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := m.Sync(ctx, ws, src.ID); r != SyncUpdated || err != nil {
		t.Fatalf("sync = %s, %v", r, err)
	}
	now = now.Add(2 * time.Hour)
	s.notFound.Store(true)
	m.Sync(ctx, ws, src.ID)
	src, _ = m.Source(ctx, ws, src.ID)
	if src.Status != StatusReady || src.ChunkCount != 1 || src.Error != "The page answered 404 Not Found." {
		t.Errorf("after failing: %+v", src)
	}
	if !src.SyncedAt.Equal(now.Add(-2*time.Hour)) || !src.NextSyncAt.Equal(now.Add(time.Hour)) {
		t.Errorf("synced %v, next %v; want the first sync and an hour from the failure", src.SyncedAt, src.NextSyncAt)
	}
}

func TestWorkerRunsCrawlAndEmbeds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n") })
	page := func(title, body string, links ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, "<html><head><title>%s</title></head><body><main><p>%s</p>", title, body)
			for _, l := range links {
				fmt.Fprintf(w, `<p><a href="%s">next page</a></p>`, l)
			}
			fmt.Fprint(w, "</main></body></html>")
		}
	}
	var privateHits atomic.Int64
	mux.HandleFunc("/", page("Home", "Welcome to our shop.", "/repairs", "/private/admin"))
	mux.HandleFunc("/repairs", page("Repairs", "We repair bikes within a week."))
	mux.HandleFunc("/private/", func(w http.ResponseWriter, r *http.Request) { privateHits.Add(1) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ollama := llmtest.New(t)
	client, err := llm.New(llm.Options{URL: ollama.URL(), EmbedModel: "nomic-embed-text"})
	if err != nil {
		t.Fatal(err)
	}
	allow := func(ap netip.AddrPort) bool { return ap.String() == strings.TrimPrefix(srv.URL, "http://") }
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{Allow: allow}), LLM: client})
	go m.Run(ctx)

	c, err := m.StartCrawl(ctx, ws, srv.URL+"/", 0)
	if err != nil || c.MaxPages != 200 {
		t.Fatalf("StartCrawl = %+v, %v", c, err)
	}
	if _, err := m.StartCrawl(ctx, ws, srv.URL+"/", 5000); err == nil {
		t.Error("a 5000-page crawl was accepted")
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.Active() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		c, _ = m.Crawl(ctx, ws, c.ID)
	}
	if c.Status != CrawlDone || c.Fetched != 2 || c.Skipped != 1 || privateHits.Load() != 0 {
		t.Fatalf("crawl = %+v, private hits %d", c, privateHits.Load())
	}
	// The worker embeds the new chunks; then search fuses keyword and vector rankings.
	for time.Now().Before(deadline) {
		var left int
		m.db.Read.QueryRow("SELECT count(*) FROM chunks WHERE embedding IS NULL").Scan(&left)
		if left == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	rs, err := m.Search(ctx, ws, "bike repairs", SearchOptions{})
	if err != nil || len(rs) == 0 || rs[0].Source.Title != "Repairs" || rs[0].Similarity <= 0 {
		t.Fatalf("hybrid search = %+v, %v", rs, err)
	}
	// Ollama down: keyword search still answers.
	ollama.Down()
	if rs, err := m.Search(ctx, ws, "bike repairs", SearchOptions{}); err != nil || len(rs) == 0 || rs[0].Similarity != 0 {
		t.Fatalf("search with Ollama down = %+v, %v", rs, err)
	}
}

func TestCrawlResumesAfterRestart(t *testing.T) {
	ctx := context.Background()
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{})})
	// A crash left a crawl running; its start address is not a public one (StartCrawl
	// refuses such an address today, so the row is written as an older version would).
	res, err := m.db.Write.Exec(`INSERT INTO crawls (workspace_id, start_url, max_pages, status, created_at)
		VALUES (?, 'http://192.0.2.1/', 10, 'running', ?)`, ws, time.Now().Unix())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	c := Crawl{ID: id}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { m.Run(runCtx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, _ = m.Crawl(ctx, ws, c.ID); !c.Active() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	// Resumed, then failed cleanly: the start address is not a public one.
	if c.Status != CrawlFailed || !strings.Contains(c.Error, "private or local network") {
		t.Fatalf("crawl after restart = %+v", c)
	}
}

// A crawl of a private or local address is refused when it is asked for, in words the
// admin understands, and never queued.
func TestCrawlRefusesPrivateStart(t *testing.T) {
	ctx := context.Background()
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{})})
	for _, raw := range []string{"http://192.168.1.10/", "http://localhost:8080/", "http://intranet/"} {
		_, err := m.StartCrawl(ctx, ws, raw, 10)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != "url" || !strings.Contains(ie.Message, "private or local network") {
			t.Errorf("StartCrawl(%s) = %v, want an input error on url", raw, err)
		}
	}
	var n int
	if err := m.db.Read.QueryRow("SELECT count(*) FROM crawls").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d crawls queued, %v", n, err)
	}
}

// TestFailingSyncIsNotRetriedAtOnce: with scheduled syncs off, a page that fails to sync
// waits for the next re-sync request instead of being fetched again and again.
func TestFailingSyncIsNotRetriedAtOnce(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{Allow: s.allow})})
	src, err := m.AddURL(ctx, ws, s.URL+"/page")
	if err != nil {
		t.Fatal(err)
	}
	m.RunPending(ctx)
	s.notFound.Store(true)
	if _, err := m.RequestSync(ctx, ws, []int64{src.ID}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { m.RunPending(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the worker keeps re-fetching a failing page")
	}
	if hits := s.hits.Load(); hits != 2 {
		t.Errorf("page fetched %d times, want 2", hits)
	}
	src, _ = m.Source(ctx, ws, src.ID)
	if !src.NextSyncAt.IsZero() || src.ChunkCount != 1 || !strings.Contains(src.Error, "404") {
		t.Errorf("after failed sync: %+v", src)
	}
}
