package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/config"
	"agent/app/fetch"
	"agent/app/gaps"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/knowledge"
	"agent/app/llm"
	"agent/app/llm/llmtest"
	"agent/app/store"
	"agent/app/web"
)

// env is a running server on a fresh database, with the fake Ollama behind it and the
// knowledge worker running. Its fetcher reaches only the local servers a test allows.
type env struct {
	t         testing.TB
	srv       *httptest.Server
	server    *web.Server
	db        *store.DB
	accounts  *account.Manager
	knowledge *knowledge.Manager
	agents    *agent.Store
	channels  *channel.Store
	service   *inbox.Service // its Store is the inbox, its Hub the live events
	gaps      *gaps.Book     // the service's knowledge gaps
	// deliveries sends on channels that send, by the drivers a test plugs in, when a test
	// runs its jobs (deliveries.Jobs.RunDue).
	deliveries *inbox.Deliveries
	ollama     *llmtest.Server
	llm        *llm.Client
	wsID       int64
	allowed    *allowList
	freeSpace  *atomic.Uint64 // what the server reads as free on the data's disk: 1 TB unless a test says
	logs       *logBuffer     // what the server logged
}

// logBuffer is the server's log, safe for its goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// allowList is the set of host:port addresses the env's fetcher may reach.
type allowList struct {
	mu    sync.Mutex
	addrs map[string]bool
}

func (a *allowList) allows(ap netip.AddrPort) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addrs[ap.String()]
}

// allow lets the knowledge fetcher reach a local test server; everything else stays refused.
func (e *env) allow(site *httptest.Server) {
	e.allowed.mu.Lock()
	defer e.allowed.mu.Unlock()
	e.allowed.addrs[site.Listener.Addr().String()] = true
}

func newEnv(t testing.TB, edit func(*config.Config)) *env {
	t.Helper()
	cfg := config.Default()
	cfg.Data.Dir = t.TempDir()
	if edit != nil {
		edit(&cfg)
	}
	db, err := store.Open(context.Background(), cfg.Data.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ollama := llmtest.New(t)
	client, err := llm.New(llm.Options{URL: ollama.URL(), ChatModel: "llama3.2"})
	if err != nil {
		t.Fatal(err)
	}
	accounts := account.New(db)
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	allowed := &allowList{addrs: map[string]bool{}}
	km := knowledge.New(knowledge.Options{DB: db, Logger: logger,
		Fetch:         fetch.New(fetch.Options{Allow: allowed.allows}),
		MaxFileBytes:  int64(cfg.Knowledge.MaxFileMB) << 20,
		CrawlMaxPages: cfg.Knowledge.CrawlMaxPages})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { km.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	agents := agent.NewStore(db)
	engine := agent.NewEngine(agent.Options{Knowledge: km, LLM: client, Logger: logger})
	conversations, channels := inbox.New(db), channel.NewStore(db)
	book := gaps.New(gaps.Options{DB: db, Knowledge: km, Agents: agents, Logger: logger})
	service := &inbox.Service{Store: conversations, Hub: inbox.NewHub(), Engine: engine, Agents: agents, Channels: channels, Log: logger,
		Gaps: book}
	deliveries := &inbox.Deliveries{Store: conversations, Channels: channels, Jobs: jobs.New(db, logger), Hub: service.Hub,
		Drivers: map[channel.Kind]channel.Driver{}}
	deliveries.Jobs.Handle(inbox.JobSend, deliveries.Send)
	deliveries.Jobs.Handle(inbox.JobAnswer, service.AnswerQueued)
	free := new(atomic.Uint64)
	free.Store(1 << 40)
	s := web.New(web.Options{Config: &cfg, DB: db, Accounts: accounts, Knowledge: km, Agents: agents, Engine: engine,
		Inbox: conversations, Service: service, Gaps: book, Channels: channels, Deliveries: deliveries, LLM: client, Logger: logger, Version: "test",
		FreeSpace: func(string) (uint64, error) { return free.Load(), nil }})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, server: s, db: db, accounts: accounts, knowledge: km, agents: agents, channels: channels, service: service, gaps: book, deliveries: deliveries, llm: client,
		ollama: ollama, allowed: allowed, freeSpace: free, logs: logs}
}

// setupOwner creates the owner through the setup form.
func (e *env) setupOwner() {
	e.t.Helper()
	b := e.browser()
	res := b.post("/setup", url.Values{"workspace": {"Shop"}, "name": {"Olga Owner"}, "email": {"owner@example.com"}, "password": {"owner password"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Your account and workspace are ready") || !strings.Contains(res.body, `data-testid="section-inbox"`) {
		e.t.Fatalf("setup: %d %s", res.status, res.body)
	}
	ws, err := e.accounts.Workspaces(context.Background())
	if err != nil || len(ws) != 1 {
		e.t.Fatalf("workspaces after setup: %v %v", ws, err)
	}
	e.wsID = ws[0].ID
}

// browser is an HTTP client with its own cookies that remembers the last CSRF token it saw.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

type response struct {
	status int
	body   string
	header http.Header
	url    string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) response {
	b.e.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return response{status: res.StatusCode, body: string(body), header: res.Header, url: res.Request.URL.Path}
}

func (b *browser) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form as a same-origin browser would, with the CSRF token when it has one.
func (b *browser) post(path string, form url.Values) response {
	if b.csrf != "" && form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func (b *browser) login(email, password string) response {
	b.e.t.Helper()
	return b.post("/login", url.Values{"email": {email}, "password": {password}})
}

func (e *env) ownerBrowser() *browser {
	e.t.Helper()
	b := e.browser()
	if res := b.login("owner@example.com", "owner password"); res.status != http.StatusOK || !strings.HasSuffix(res.url, "/inbox") {
		e.t.Fatalf("owner login: %d at %s", res.status, res.url)
	}
	return b
}

func (e *env) path(rest string) string { return "/w/" + ids.Encode(e.wsID) + "/" + rest }

func TestSetupThenGone(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	if res := b.get("/"); res.url != "/setup" || res.status != http.StatusOK {
		t.Fatalf("a fresh install should lead to /setup, got %d at %s", res.status, res.url)
	}
	res := b.post("/setup", url.Values{"workspace": {"Shop"}, "name": {"O"}, "email": {"bad"}, "password": {"owner password"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Is not a valid email address") {
		t.Fatalf("bad email: %d", res.status)
	}
	e.setupOwner()
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(method, e.srv.URL+"/setup", strings.NewReader("email=x@example.com"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := e.browser().do(req); res.status != http.StatusNotFound {
			t.Errorf("%s /setup after setup = %d, want 404", method, res.status)
		}
	}
}

func TestLoginLogout(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.browser()
	if res := b.get(e.path("inbox")); res.url != "/login" {
		t.Fatalf("anonymous inbox went to %s, want /login", res.url)
	}
	res := b.login("owner@example.com", "wrong password")
	if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "Wrong email or password.") {
		t.Fatalf("wrong password: %d", res.status)
	}
	if res := b.get(e.path("inbox")); res.url != "/login" {
		t.Fatal("a failed login opened the inbox")
	}
	b = e.ownerBrowser()
	if res := b.get(e.path("inbox")); res.status != http.StatusOK || !strings.Contains(res.body, "Olga Owner") {
		t.Fatalf("inbox after login: %d", res.status)
	}
	for _, c := range b.c.Jar.Cookies(mustURL(e.srv.URL)) {
		if c.Name == "agent_session" && c.Value == "" {
			t.Error("empty session cookie")
		}
	}
	if res := b.post("/logout", url.Values{}); res.url != "/login" {
		t.Fatalf("logout went to %s", res.url)
	}
	if res := b.get(e.path("inbox")); res.url != "/login" {
		t.Error("still logged in after logout")
	}
}

func TestSessionCookieFlags(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Server.SecureCookies = true })
	e.setupOwner()
	form := url.Values{"email": {"owner@example.com"}, "password": {"owner password"}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var found bool
	for _, c := range res.Cookies() {
		if c.Name == "agent_session" {
			found = true
			if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie flags: HttpOnly=%v Secure=%v SameSite=%v", c.HttpOnly, c.Secure, c.SameSite)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie set")
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Auth.LoginAttempts = 3 })
	e.setupOwner()
	b := e.browser()
	for i := range 3 {
		if res := b.login("owner@example.com", "guess"); res.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d = %d, want 401", i+1, res.status)
		}
	}
	res := b.login("owner@example.com", "owner password")
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, "Too many login attempts") {
		t.Fatalf("4th attempt = %d (Retry-After %q), want 429", res.status, res.header.Get("Retry-After"))
	}
	// Another account from elsewhere is not locked out by these attempts.
	if _, _, err := e.accounts.AddMember(context.Background(), e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	if res := e.browser().login("ann@example.com", "ann password"); res.status != http.StatusOK {
		t.Errorf("other account login = %d", res.status)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	b.get(e.path("settings/teams"))

	// No token, a wrong token, and a cross-site request with the right token: all refused.
	for name, form := range map[string]url.Values{
		"missing": {"name": {"Sales"}, "csrf": {""}},
		"wrong":   {"name": {"Sales"}, "csrf": {"forged"}},
	} {
		form := form
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+e.path("settings/teams"), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := b.do(req); res.status != http.StatusForbidden {
			t.Errorf("%s token: %d, want 403", name, res.status)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+e.path("settings/teams"), strings.NewReader(url.Values{"name": {"Sales"}, "csrf": {b.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := b.do(req); res.status != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", res.status)
	}
	if teams, _ := e.accounts.Teams(context.Background(), e.wsID); len(teams) != 0 {
		t.Fatalf("a refused request created teams: %+v", teams)
	}
	// The same form with the token goes through, and the header works as well as the field.
	if res := b.post(e.path("settings/teams"), url.Values{"name": {"Sales"}}); res.status != http.StatusOK {
		t.Fatalf("valid post: %d", res.status)
	}
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+e.path("settings/teams"), strings.NewReader("name=Support"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", b.csrf)
	if res := b.do(req); res.status != http.StatusOK {
		t.Fatalf("header token post: %d", res.status)
	}
	if teams, _ := e.accounts.Teams(context.Background(), e.wsID); len(teams) != 2 {
		t.Fatalf("teams = %+v, want 2", teams)
	}
}

func TestAgentRolePermissions(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	if res := b.login("ann@example.com", "ann password"); res.status != http.StatusOK {
		t.Fatalf("agent login: %d", res.status)
	}
	res := b.get(e.path("inbox"))
	if res.status != http.StatusOK {
		t.Fatalf("agent inbox: %d", res.status)
	}
	if strings.Contains(res.body, `data-testid="nav-settings"`) || strings.Contains(res.body, `data-testid="nav-agents"`) {
		t.Error("agent sees admin navigation")
	}
	for _, p := range []string{"settings", "settings/users", "settings/teams", "agents", "channels", "reports", "knowledge"} {
		if res := b.get(e.path(p)); res.status != http.StatusForbidden {
			t.Errorf("agent GET %s = %d, want 403", p, res.status)
		}
	}
	if res := b.post(e.path("settings/teams"), url.Values{"name": {"Mine"}}); res.status != http.StatusForbidden {
		t.Errorf("agent POST teams = %d, want 403", res.status)
	}
	if res := b.post(e.path("settings/users"), url.Values{"name": {"X"}, "email": {"x@example.com"}, "role": {"owner"}}); res.status != http.StatusForbidden {
		t.Errorf("agent POST users = %d, want 403", res.status)
	}
	if teams, _ := e.accounts.Teams(ctx, e.wsID); len(teams) != 0 {
		t.Error("a forbidden request created a team")
	}
}

func TestIDsInURLs(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	other, err := e.accounts.CreateWorkspace(context.Background(), "Not yours", mustAddUser(t, e, "z@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"/w/nonsense/inbox",
		"/w/" + ids.Encode(e.wsID) + "x/inbox",
		"/w/" + ids.Encode(other.ID) + "/inbox", // exists, but the owner is not a member
		e.path("settings/teams/zzzzzz/delete"),
	} {
		method := http.MethodGet
		var res response
		if strings.HasSuffix(p, "/delete") {
			res = b.post(p, url.Values{})
			method = http.MethodPost
		} else {
			res = b.get(p)
		}
		if res.status != http.StatusNotFound {
			t.Errorf("%s %s = %d, want 404", method, p, res.status)
		}
	}
}

func mustAddUser(t *testing.T, e *env, email string) int64 {
	u, _, err := e.accounts.AddMember(context.Background(), e.wsID, account.NewUser{Email: email, Name: "Z", Password: "zz password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestPasswordChangeLogsOutEverywhere(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	laptop, phone := e.ownerBrowser(), e.ownerBrowser()
	laptop.get("/account/password")
	res := laptop.post("/account/password", url.Values{"current": {"owner password"}, "password": {"a new password"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Other devices have been logged out") {
		t.Fatalf("change: %d", res.status)
	}
	if res := laptop.get(e.path("inbox")); res.status != http.StatusOK || res.url == "/login" {
		t.Error("the browser that changed the password was logged out")
	}
	if res := phone.get(e.path("inbox")); res.url != "/login" {
		t.Error("another device stayed logged in after a password change")
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t, nil)
	res := e.browser().get("/healthz")
	var h struct {
		Status, Version, Database string
		Model                     struct {
			Reachable      bool
			ChatModelFound bool `json:"chat_model_found"`
			Mode           string
		}
	}
	if err := json.Unmarshal([]byte(res.body), &h); err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusOK || h.Status != "ok" || h.Database != "ok" || h.Version != "test" {
		t.Fatalf("healthz = %d %+v", res.status, h)
	}
	if !h.Model.Reachable || !h.Model.ChatModelFound || h.Model.Mode != "model" {
		t.Errorf("model with fake Ollama up = %+v", h.Model)
	}
	// A failed embedding (questions then searched by their words alone) shows until the next success.
	e.ollama.FailAll(500, "model is loading") // not FailNext: the server's own calls may take it
	e.llm.Embed(context.Background(), "nomic-embed-text", []string{"hello"})
	e.ollama.Recover()
	if res := e.browser().get("/healthz"); !strings.Contains(res.body, `"embed_error":"llm: embed nomic-embed-text: ollama error 500: model is loading"`) {
		t.Errorf("healthz after a failed embedding: %s", res.body)
	}
	e.ollama.Down()
	res = e.browser().get("/healthz")
	json.Unmarshal([]byte(res.body), &h)
	if res.status != http.StatusOK || h.Model.Mode != "extractive" || !strings.Contains(res.body, `"reachable":false`) {
		t.Errorf("healthz with Ollama down = %d %s", res.status, res.body)
	}
}

func TestStaticAssets(t *testing.T) {
	e := newEnv(t, nil)
	page := e.browser().get("/setup")
	m := regexp.MustCompile(`href="(/static/css/app\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("no hashed stylesheet link")
	}
	res := e.browser().get(m[1])
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Cache-Control"), "immutable") || !strings.Contains(res.header.Get("Content-Type"), "text/css") {
		t.Errorf("asset: %d %q %q", res.status, res.header.Get("Cache-Control"), res.header.Get("Content-Type"))
	}
	if res := e.browser().get("/static/css/app.css?v=old"); res.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale hash cached: %q", res.header.Get("Cache-Control"))
	}
	if res := e.browser().get("/static/nothing.js"); res.status != http.StatusNotFound {
		t.Errorf("missing asset = %d", res.status)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestTeamMembersWithHeaderToken saves a team's members the way htmx posts the form: with
// the CSRF token in a header, so nothing else has parsed the form before the handler.
func TestTeamMembersWithHeaderToken(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	ctx := context.Background()
	team, err := e.accounts.CreateTeam(ctx, e.wsID, "Billing")
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := e.accounts.UserByEmail(ctx, "owner@example.com")
	b.get(e.path("settings/teams"))
	form := url.Values{"name": {"Billing"}, "member": {ids.Encode(owner.ID)}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+e.path("settings/teams/"+ids.Encode(team.ID)), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", b.csrf)
	if res := b.do(req); res.status != http.StatusOK {
		t.Fatalf("save team = %d", res.status)
	}
	if got, _ := e.accounts.Team(ctx, e.wsID, team.ID); len(got.MemberIDs) != 1 || got.MemberIDs[0] != owner.ID {
		t.Fatalf("members = %v, want the owner", got.MemberIDs)
	}
}
