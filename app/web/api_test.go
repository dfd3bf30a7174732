package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/schema_validation"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/quote"
	"agent/app/web"
)

// apiResponse is an API answer: its status, raw body and error envelope (if any).
type apiResponse struct {
	status int
	body   []byte
	header http.Header
	req    *http.Request
	res    *http.Response
	err    struct{ Code, Message, Field string }
}

// api calls the JSON API with a bearer token ("" for none) and a JSON body (nil for none).
func (e *env) api(token, method, path string, body any) apiResponse {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.apiDo(req)
}

func (e *env) apiDo(req *http.Request) apiResponse {
	e.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out := apiResponse{status: res.StatusCode, header: res.Header, req: req, res: res}
	out.body, _ = io.ReadAll(res.Body)
	var env struct {
		Error struct{ Code, Message, Field string }
	}
	if json.Unmarshal(out.body, &env) == nil {
		out.err = env.Error
	}
	return out
}

// apiToken makes a token of workspace ws as its owner with the given scopes.
func (e *env) apiToken(ws, owner int64, scopes ...account.Scope) string {
	e.t.Helper()
	secret, _, err := e.accounts.CreateAPIToken(context.Background(), ws, owner, "test", scopes)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// apiObjects are one workspace's objects that the API's paths name.
type apiObjects struct {
	ws, owner                                                       int64
	conversation, contact, article, page, agent, team, otherMessage int64
	quote                                                           int64
}

// newAPIObjects fills a workspace with one of each object the API reaches.
func (e *env) newAPIObjects(ws, owner int64) apiObjects {
	e.t.Helper()
	ctx := context.Background()
	o := apiObjects{ws: ws, owner: owner}
	a, err := e.agents.Create(ctx, ws, agent.Input{Name: "Ava", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true})
	if err != nil {
		e.t.Fatal(err)
	}
	o.agent = a.ID
	st := e.service.Store
	k, err := st.ContactByEmail(ctx, ws, "carla@example.com", "Carla")
	if err != nil {
		e.t.Fatal(err)
	}
	o.contact = k.ID
	c, err := st.Create(ctx, ws, inbox.NewConversation{Channel: "chat"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := st.SetContact(ctx, ws, c.ID, k.ID); err != nil {
		e.t.Fatal(err)
	}
	m, err := st.AddMessage(ctx, c.ID, agent.AuthorVisitor, 0, "Where is my order?", "en")
	if err != nil {
		e.t.Fatal(err)
	}
	o.conversation, o.otherMessage = c.ID, m.ID
	src, err := e.knowledge.CreateArticle(ctx, ws, knowledge.ArticleInput{Title: "Returns", Body: "Return anything within 30 days."})
	if err != nil {
		e.t.Fatal(err)
	}
	o.article = src.ID
	page, err := e.knowledge.AddURL(ctx, ws, "https://shop.example.com/faq")
	if err != nil {
		e.t.Fatal(err)
	}
	o.page = page.ID
	team, err := e.accounts.CreateTeam(ctx, ws, "Billing")
	if err != nil {
		e.t.Fatal(err)
	}
	o.team = team.ID
	q, err := quote.New(e.db).Create(ctx, ws, quote.Input{Number: "Q-1", Title: "Bikes", Currency: "EUR", ExpiresOn: "2099-12-31",
		Lines: []quote.LineInput{{Name: "City bike", Quantity: "2", UnitPrice: "499.00", TaxRate: "25"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	o.quote = q.ID
	return o
}

// path fills a route's pattern with o's objects: the web page source for a sync, the
// article otherwise.
func (o apiObjects) path(rt web.APIRoute) string {
	src := o.article
	if strings.HasSuffix(rt.Path, "/sync") {
		src = o.page
	}
	return strings.NewReplacer("{conversation}", ids.Encode(o.conversation), "{contact}", ids.Encode(o.contact),
		"{source}", ids.Encode(src), "{agent}", ids.Encode(o.agent), "{quote}", ids.Encode(o.quote)).Replace(rt.Path)
}

// body is a valid request body for a route of o's workspace, nil for routes without one.
func (o apiObjects) body(rt web.APIRoute) any {
	switch {
	case rt.Method == http.MethodGet || rt.Method == http.MethodDelete || strings.HasSuffix(rt.Path, "/sync") ||
		strings.HasSuffix(rt.Path, "/close") || strings.HasSuffix(rt.Path, "/reopen") || strings.HasSuffix(rt.Path, "/publish"):
		return nil
	case strings.HasSuffix(rt.Path, "/quotes"), strings.HasSuffix(rt.Path, "/{quote}"):
		number := "Q-NEW"
		if rt.Method == http.MethodPut {
			number = "Q-1"
		}
		return map[string]any{"number": number, "title": "Bikes for the team", "currency": "EUR", "expires_on": "2099-12-31",
			"buyer": map[string]any{"company": "Acme", "contacts": []any{map[string]any{"name": "Ana", "email": "ana@example.com"}}},
			"lines": []any{map[string]any{"name": "City bike", "quantity": 3, "unit_price": "499.00", "discount_percent": 10, "tax_rate": 25}}}
	case strings.HasSuffix(rt.Path, "/messages"):
		return map[string]any{"text": "It ships tomorrow."}
	case strings.HasSuffix(rt.Path, "/notes"):
		return map[string]any{"text": "Checked with the warehouse."}
	case strings.HasSuffix(rt.Path, "/assignment"):
		return map[string]any{"user_id": ids.Encode(o.owner), "team_id": ids.Encode(o.team)}
	case strings.HasSuffix(rt.Path, "/articles"):
		return map[string]any{"title": "Shipping", "body": "We ship in two days."}
	case strings.HasSuffix(rt.Path, "/short-answers"):
		return map[string]any{"question": "Do you ship to Norway?", "variants": []string{"Shipping to Norway?"}, "answer": "Yes."}
	case strings.HasSuffix(rt.Path, "/urls"):
		return map[string]any{"url": "https://shop.example.com/shipping"}
	}
	return map[string]any{}
}

// apiWorld is a server with two workspaces, each with its objects: the owner's (ours) and
// another owner's (theirs).
type apiWorld struct {
	*env
	ours, theirs apiObjects
	doc          libopenapi.Document
	validator    validator.Validator
}

func newAPIWorld(t *testing.T) *apiWorld {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	zed, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "zed@example.com", Name: "Zed", Password: "zed password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.accounts.CreateWorkspace(ctx, "Zed's shop", zed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.RemoveMember(ctx, e.wsID, zed.ID); err != nil {
		t.Fatal(err)
	}
	w := &apiWorld{env: e, ours: e.newAPIObjects(e.wsID, e.ownerID()), theirs: e.newAPIObjects(other.ID, zed.ID)}
	res := e.api("", http.MethodGet, "/api/v1/openapi.json", nil)
	if res.status != http.StatusOK {
		t.Fatalf("openapi.json = %d %s", res.status, res.body)
	}
	if w.doc, err = libopenapi.NewDocument(res.body); err != nil {
		t.Fatal(err)
	}
	var errs []error
	if w.validator, errs = validator.NewValidator(w.doc); len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	return w
}

// conforms checks a response against the document's schema for its operation.
func (w *apiWorld) conforms(res apiResponse) {
	w.t.Helper()
	res.res.Body = io.NopCloser(bytes.NewReader(res.body))
	if ok, errs := w.validator.ValidateHttpResponse(res.req, res.res); !ok {
		for _, e := range errs {
			w.t.Errorf("%s %s: response does not match the document: %s (%s)", res.req.Method, res.req.URL.Path, e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				w.t.Errorf("    %s at %s", se.Reason, se.FieldPath+se.KeywordLocation)
			}
		}
	}
}

// TestAPIScopesOnEveryRoute walks the API's route table, so that an operation added later
// is checked without anyone remembering to: each refuses a call without a token (401) and
// with a token lacking its scope (403), answers one with it (its success status, in the
// document's shape), and finds nothing of another workspace (404), nor lists it.
func TestAPIScopesOnEveryRoute(t *testing.T) {
	w := newAPIWorld(t)
	w.server.SetAPIFailureLimit(1000, time.Minute) // two failed calls per route, from one address
	checks := 0
	for _, rt := range w.server.APIRoutes() {
		name := rt.Method + " " + rt.Path
		if rt.Scope == "" {
			if res := w.api("", rt.Method, w.ours.path(rt), nil); res.status != rt.Status {
				t.Errorf("%s without a token = %d, want %d", name, res.status, rt.Status)
			}
			continue
		}
		var others []account.Scope
		for _, s := range account.Scopes {
			if !(account.APIToken{Scopes: []account.Scope{s}}).Allows(rt.Scope) {
				others = append(others, s)
			}
		}
		right, wrong := w.apiToken(w.wsID, w.ours.owner, rt.Scope), w.apiToken(w.wsID, w.ours.owner, others...)
		path, body := w.ours.path(rt), w.ours.body(rt)

		if res := w.api("", rt.Method, path, body); res.status != http.StatusUnauthorized || res.err.Code != "unauthorized" {
			t.Errorf("%s without a token = %d %s, want 401", name, res.status, res.err.Code)
		}
		if res := w.api(right+"x", rt.Method, path, body); res.status != http.StatusUnauthorized || res.err.Code != "invalid_token" {
			t.Errorf("%s with a wrong token = %d %s, want 401", name, res.status, res.err.Code)
		}
		if res := w.api(wrong, rt.Method, path, body); res.status != http.StatusForbidden || res.err.Code != "insufficient_scope" {
			t.Errorf("%s with scopes %v = %d %s, want 403", name, others, res.status, res.err.Code)
		}
		checks += 3
		if theirs := w.theirs.path(rt); theirs != path {
			if res := w.api(right, rt.Method, theirs, w.theirs.body(rt)); res.status != http.StatusNotFound || res.err.Code != "not_found" {
				t.Errorf("%s of another workspace = %d %s, want 404", name, res.status, res.err.Code)
			}
			checks++
		}
		res := w.api(right, rt.Method, path, body)
		if res.status != rt.Status {
			t.Errorf("%s with %s = %d %s, want %d", name, rt.Scope, res.status, res.body, rt.Status)
			continue
		}
		w.conforms(res)
		// A list shows none of the other workspace's (IDs of one kind only: kinds share numbers).
		lists := map[string]int64{"/api/v1/contacts": w.theirs.contact, "/api/v1/conversations": w.theirs.conversation,
			"/api/v1/knowledge": w.theirs.article, "/api/v1/agents": w.theirs.agent, "/api/v1/members": w.theirs.owner, "/api/v1/teams": w.theirs.team,
			"/api/v1/quotes": w.theirs.quote}
		if id, ok := lists[rt.Path]; ok && bytes.Contains(res.body, []byte(`"`+ids.Encode(id)+`"`)) {
			t.Errorf("%s shows another workspace's %s: %s", name, ids.Encode(id), res.body)
		}
		checks++
	}
	if checks < 80 {
		t.Fatalf("only %d checks: the route table was not walked", checks)
	}
	// Nothing of the other workspace changed.
	if src, err := w.knowledge.Source(context.Background(), w.theirs.ws, w.theirs.article); err != nil || src.Title != "Returns" {
		t.Errorf("their article: %+v %v", src, err)
	}
	if msgs, _ := w.service.Store.Messages(context.Background(), w.theirs.conversation); len(msgs) != 1 {
		t.Errorf("their conversation has %d messages, want 1", len(msgs))
	}
	t.Logf("%d checks", checks)
}

// TestOpenAPIParity checks the served document against the router: it is valid OpenAPI
// 3.1, its operations are exactly the route table's, and each answers on the live server
// as a known route (the router's "unknown_route" is what a documented path must never get).
func TestOpenAPIParity(t *testing.T) {
	w := newAPIWorld(t)
	if v := w.doc.GetVersion(); v != "3.1.0" {
		t.Fatalf("openapi version %q", v)
	}
	if ok, errs := schema_validation.ValidateOpenAPIDocument(w.doc); !ok {
		for _, e := range errs {
			t.Errorf("not valid OpenAPI 3.1: %s (%s)", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("    %s at %s", se.Reason, se.FieldPath+se.KeywordLocation)
			}
		}
	}
	model, err := w.doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	routed := map[string]bool{}
	for _, rt := range w.server.APIRoutes() {
		routed[rt.Method+" "+rt.Path] = true
	}
	all := w.apiToken(w.wsID, w.ours.owner, account.Scopes...)
	for op := range documented {
		if !routed[op] {
			t.Errorf("documented but not routed: %s", op)
		}
		method, path, _ := strings.Cut(op, " ")
		rt := web.APIRoute{Method: method, Path: path}
		if res := w.api(all, method, w.ours.path(rt), w.ours.body(rt)); res.err.Code == "unknown_route" || res.status == http.StatusMethodNotAllowed {
			t.Errorf("documented %s: the server does not know it (%d %s)", op, res.status, res.err.Code)
		}
	}
	for op := range routed {
		if !documented[op] {
			t.Errorf("routed but not documented: %s", op)
		}
	}
	if len(documented) < 20 {
		t.Errorf("only %d operations documented", len(documented))
	}
	// The router's own answer for what the document does not have.
	for _, p := range []string{"/api/v1/", "/api/v1/nothing", "/api/v1/contacts/x/y"} {
		if res := w.api(all, http.MethodGet, p, nil); res.status != http.StatusNotFound || res.err.Code != "unknown_route" {
			t.Errorf("GET %s = %d %s, want 404 unknown_route", p, res.status, res.err.Code)
		}
	}
	// A path the document has, with a method it does not: 405 naming those it has.
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodDelete, "/api/v1/contacts", "GET, HEAD"},
		{http.MethodPost, "/api/v1/contacts/" + ids.Encode(w.ours.contact), "GET, HEAD"},
		{http.MethodPatch, "/api/v1/knowledge/" + ids.Encode(w.ours.article), "GET, HEAD, DELETE"},
		{http.MethodDelete, "/api/v1/conversations/" + ids.Encode(w.ours.conversation) + "/messages", "GET, HEAD, POST"},
		{http.MethodPost, "/api/v1/openapi.json", "GET, HEAD"},
	} {
		res := w.api(all, c.method, c.path, nil)
		if res.status != http.StatusMethodNotAllowed || res.err.Code != "method_not_allowed" || res.header.Get("Allow") != c.allow ||
			!strings.Contains(res.err.Message, c.allow) {
			t.Errorf("%s %s = %d %s %q (Allow %q), want 405 with Allow %q", c.method, c.path, res.status, res.err.Code, res.err.Message,
				res.header.Get("Allow"), c.allow)
		}
	}
}

// TestAPIPagination walks lists page by page: every item once, in order, the last page's
// next_cursor null; a cursor of another list, a forged one or a limit out of bounds is 400.
func TestAPIPagination(t *testing.T) {
	w := newAPIWorld(t)
	ctx := context.Background()
	st := w.service.Store
	for i := range 6 {
		if _, err := st.ContactByEmail(ctx, w.wsID, "c"+string(rune('a'+i))+"@example.com", ""); err != nil {
			t.Fatal(err)
		}
		c, err := st.Create(ctx, w.wsID, inbox.NewConversation{Channel: "chat"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddMessage(ctx, c.ID, agent.AuthorVisitor, 0, "hello", "en"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddMessage(ctx, w.ours.conversation, agent.AuthorVisitor, 0, "more", "en"); err != nil {
			t.Fatal(err)
		}
	}
	token := w.apiToken(w.wsID, w.ours.owner, account.ScopeContactsRead, account.ScopeConversationsRead, account.ScopeKnowledgeRead, account.ScopeAgentsRead)
	walk := func(path string) (got []string, pages int) {
		t.Helper()
		next := ""
		for {
			p := path + "?limit=2"
			if next != "" {
				p += "&cursor=" + next
			}
			res := w.api(token, http.MethodGet, p, nil)
			var page struct {
				Data       []struct{ ID string }
				NextCursor *string `json:"next_cursor"`
			}
			if res.status != http.StatusOK || json.Unmarshal(res.body, &page) != nil {
				t.Fatalf("GET %s = %d %s", p, res.status, res.body)
			}
			pages++
			for _, d := range page.Data {
				got = append(got, d.ID)
			}
			if page.NextCursor == nil {
				return got, pages
			}
			if len(page.Data) != 2 || pages > 20 {
				t.Fatalf("GET %s: %d items with a next page", p, len(page.Data))
			}
			next = *page.NextCursor
		}
	}
	for _, c := range []struct {
		path  string
		count int
		all   func() []string
	}{
		{"/api/v1/contacts", 7, func() []string {
			list, _ := st.Contacts(ctx, w.wsID, inbox.ContactFilter{Limit: 100})
			var out []string
			for _, k := range list {
				out = append(out, ids.Encode(k.ID))
			}
			return out
		}},
		{"/api/v1/conversations", 7, func() []string {
			list, _ := st.List(ctx, w.wsID, inbox.Filter{View: inbox.ViewAll, Limit: 100})
			var out []string
			for _, c := range list {
				out = append(out, ids.Encode(c.ID))
			}
			return out
		}},
		{"/api/v1/conversations/" + ids.Encode(w.ours.conversation) + "/messages", 7, func() []string {
			list, _ := st.Messages(ctx, w.ours.conversation)
			var out []string
			for _, m := range list {
				out = append(out, ids.Encode(m.ID))
			}
			return out
		}},
		{"/api/v1/knowledge", 2, nil},
		{"/api/v1/agents", 1, nil},
	} {
		got, pages := walk(c.path)
		if len(got) != c.count || pages != (c.count+1)/2 {
			t.Errorf("%s: %d items in %d pages, want %d", c.path, len(got), pages, c.count)
		}
		if c.all != nil && strings.Join(got, " ") != strings.Join(c.all(), " ") {
			t.Errorf("%s by pages = %v, want %v", c.path, got, c.all())
		}
	}
	res := w.api(token, http.MethodGet, "/api/v1/contacts?limit=1", nil)
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	json.Unmarshal(res.body, &page)
	for _, p := range []string{
		"/api/v1/conversations?cursor=" + page.NextCursor, // another list's
		"/api/v1/contacts?cursor=not-a-cursor",
		"/api/v1/contacts?cursor=eyJrIjoiY29udGFjdHMiLCJpIjotMX0", // {"k":"contacts","i":-1}
	} {
		if res := w.api(token, http.MethodGet, p, nil); res.status != http.StatusBadRequest || res.err.Code != "invalid_cursor" {
			t.Errorf("GET %s = %d %s, want 400 invalid_cursor", p, res.status, res.err.Code)
		}
	}
	for _, l := range []string{"0", "201", "x", "-1"} {
		if res := w.api(token, http.MethodGet, "/api/v1/contacts?limit="+l, nil); res.status != http.StatusBadRequest || res.err.Code != "invalid_limit" {
			t.Errorf("limit %s = %d %s, want 400 invalid_limit", l, res.status, res.err.Code)
		}
	}
}

// TestAPIRequests covers what every call goes through: the token (header only, never a
// cookie; revoked in Settings and refused at once), strict JSON bodies, size bounds, and
// the service functions' own checks answered in the envelope.
func TestAPIRequests(t *testing.T) {
	w := newAPIWorld(t)
	conv := "/api/v1/conversations/" + ids.Encode(w.ours.conversation)

	// Made on the settings page, shown once; the owner's browser session does not open the API.
	b := w.ownerBrowser()
	b.get(w.path("settings/api"))
	page := b.post(w.path("settings/api"), map[string][]string{"name": {"Shop sync"}, "scope": {"conversations:write", "knowledge:write"}})
	secret := regexpFind(t, page.body, `<code>(agt_[A-Za-z0-9_-]+)</code>`)
	if page.status != http.StatusOK || !strings.Contains(page.body, "shown only once") {
		t.Fatalf("create token page = %d", page.status)
	}
	if again := b.get(w.path("settings/api")); strings.Contains(again.body, secret) || !strings.Contains(again.body, secret[:10]) {
		t.Error("the list shows the whole secret, or not its prefix")
	}
	req, _ := http.NewRequest(http.MethodGet, w.srv.URL+conv, nil)
	for _, c := range b.c.Jar.Cookies(mustURL(w.srv.URL)) {
		req.AddCookie(c)
	}
	if res := w.apiDo(req); res.status != http.StatusUnauthorized {
		t.Errorf("API with the session cookie only = %d, want 401", res.status)
	}

	// A reply: the service's rules apply (the conversation is taken off the AI, the reply is the admin's).
	res := w.api(secret, http.MethodPost, conv+"/messages", map[string]any{"text": "It ships tomorrow."})
	var m struct {
		ID, Author, Body string
		UserID           string `json:"user_id"`
		CreatedAt        string `json:"created_at"`
	}
	json.Unmarshal(res.body, &m)
	if res.status != http.StatusCreated || m.Author != "human" || m.UserID != ids.Encode(w.ours.owner) || m.Body != "It ships tomorrow." {
		t.Fatalf("reply = %d %s", res.status, res.body)
	}
	// The answer's time is the stored one: the same when the message is read again.
	if list := w.api(secret, http.MethodGet, conv+"/messages", nil); !bytes.Contains(list.body, []byte(`"id":"`+m.ID+`"`)) ||
		!bytes.Contains(list.body, []byte(`"created_at":"`+m.CreatedAt+`"`)) {
		t.Errorf("the reply was answered with created_at %s, and is listed as: %s", m.CreatedAt, list.body)
	}
	if c, _ := w.service.Store.Get(context.Background(), w.wsID, w.ours.conversation); c.AssigneeID != w.ours.owner {
		t.Errorf("after the API's reply the conversation is assigned to %d, want the token's admin", c.AssigneeID)
	}
	for _, c := range []struct {
		name, contentType, body string
		status                  int
		code, field             string
	}{
		{"unknown field", "application/json", `{"text":"hi","html":"<b>"}`, 400, "invalid_json", ""},
		{"two values", "application/json", `{"text":"hi"}{"text":"again"}`, 400, "invalid_json", ""},
		{"not JSON", "application/json", `text=hi`, 400, "invalid_json", ""},
		{"a form", "application/x-www-form-urlencoded", `text=hi`, 415, "unsupported_media_type", ""},
		{"empty text", "application/json", `{"text":"  "}`, 422, "invalid", "text"},
		{"too large", "application/json", `{"text":"` + strings.Repeat("a", 3<<20) + `"}`, 413, "too_large", ""},
	} {
		req, _ := http.NewRequest(http.MethodPost, w.srv.URL+conv+"/notes", strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.contentType)
		req.Header.Set("Authorization", "Bearer "+secret)
		res := w.apiDo(req)
		if res.status != c.status || res.err.Code != c.code || res.err.Field != c.field || res.err.Message == "" {
			t.Errorf("%s: %d %+v, want %d %s on %q", c.name, res.status, res.err, c.status, c.code, c.field)
		}
	}
	res = w.api(secret, http.MethodPut, conv+"/assignment", map[string]any{"user_id": ids.Encode(w.theirs.owner)})
	if res.status != http.StatusUnprocessableEntity || res.err.Field != "user_id" {
		t.Errorf("assigning to another workspace's owner = %d %+v", res.status, res.err)
	}
	res = w.api(secret, http.MethodPost, "/api/v1/knowledge/articles", map[string]any{"body": "No title"})
	if res.status != http.StatusUnprocessableEntity || res.err.Field != "title" {
		t.Errorf("article without a title = %d %+v", res.status, res.err)
	}
	res = w.api(secret, http.MethodPost, "/api/v1/knowledge/"+ids.Encode(w.ours.article)+"/sync", nil)
	if res.status != http.StatusConflict || res.err.Code != "not_syncable" {
		t.Errorf("sync of an article = %d %+v", res.status, res.err)
	}

	// Quotes: the same exact totals as the admin's (3 x 499.00, 10% off, 25% tax).
	quotes := w.apiToken(w.wsID, w.ours.owner, account.ScopeQuotesWrite)
	rt := web.APIRoute{Method: http.MethodPost, Path: "/api/v1/quotes"}
	res = w.api(quotes, http.MethodPost, "/api/v1/quotes", w.ours.body(rt))
	var q struct{ ID, Status, Subtotal, Tax, Total string }
	if json.Unmarshal(res.body, &q); res.status != http.StatusCreated || q.Status != "draft" || q.Subtotal != "1347.30" || q.Tax != "336.83" || q.Total != "1684.13" {
		t.Errorf("create quote = %d %s", res.status, res.body)
	}
	if res := w.api(quotes, http.MethodPost, "/api/v1/quotes/"+q.ID+"/publish", nil); res.status != http.StatusOK || !strings.Contains(string(res.body), `"status":"published"`) {
		t.Errorf("publish = %d %s", res.status, res.body)
	}
	if res := w.api(quotes, http.MethodPost, "/api/v1/quotes", w.ours.body(rt)); res.status != http.StatusConflict {
		t.Errorf("a second quote with the same number = %d %s, want 409", res.status, res.body)
	}

	// Revoked in Settings: refused at once.
	tokens, _ := w.accounts.APITokens(context.Background(), w.wsID)
	var id int64
	for _, tk := range tokens {
		if tk.Name == "Shop sync" {
			id = tk.ID
		}
	}
	if res := b.post(w.path("settings/api/"+ids.Encode(id)+"/revoke"), map[string][]string{}); res.status != http.StatusOK || !strings.Contains(res.body, "Revoked") {
		t.Fatalf("revoke = %d", res.status)
	}
	if res := w.api(secret, http.MethodGet, conv, nil); res.status != http.StatusUnauthorized || res.err.Code != "invalid_token" {
		t.Errorf("revoked token = %d %s, want 401", res.status, res.err.Code)
	}
}

// TestAPIRateLimit: a token over its rate gets 429 with Retry-After, and another token of
// the same workspace is not held back by it.
func TestAPIRateLimit(t *testing.T) {
	w := newAPIWorld(t)
	w.server.SetAPILimit(3, time.Hour)
	busy, calm := w.apiToken(w.wsID, w.ours.owner, account.ScopeAgentsRead), w.apiToken(w.wsID, w.ours.owner, account.ScopeAgentsRead)
	for i := range 3 {
		if res := w.api(busy, http.MethodGet, "/api/v1/agents", nil); res.status != http.StatusOK {
			t.Fatalf("call %d = %d", i+1, res.status)
		}
	}
	res := w.api(busy, http.MethodGet, "/api/v1/agents", nil)
	if res.status != http.StatusTooManyRequests || res.err.Code != "rate_limited" || res.header.Get("Retry-After") == "" {
		t.Errorf("4th call = %d %s (Retry-After %q), want 429", res.status, res.err.Code, res.header.Get("Retry-After"))
	}
	if res := w.api(calm, http.MethodGet, "/api/v1/agents", nil); res.status != http.StatusOK {
		t.Errorf("another token = %d, want 200", res.status)
	}
}
