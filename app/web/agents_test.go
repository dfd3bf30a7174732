package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/ids"
	"agent/app/knowledge"
)

var agentRow = regexp.MustCompile(`(?s)<tr data-testid="agent-row".*?</tr>`)

// agentsOwner is a fresh install with its owner logged in, on the empty Agents page.
func agentsOwner(t *testing.T) (*env, *browser) {
	t.Helper()
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	res := b.get(e.path("agents"))
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="agents-empty"`) || !strings.Contains(res.body, "Create an agent") {
		t.Fatalf("empty agents page: %d\n%s", res.status, res.body)
	}
	return e, b
}

// agentForm is a valid form for a new agent called name.
func agentForm(name string) url.Values {
	return url.Values{"name": {name}, "role": {"support"}, "personality": {"friendly"}, "knowledge": {"all"}, "active": {"1"}}
}

// agent returns the workspace's agent called name, failing the test without one.
func (e *env) agent(name string) agent.Agent {
	e.t.Helper()
	a, err := e.agents.ByName(context.Background(), e.wsID, name)
	if err != nil {
		e.t.Fatalf("agent %q: %v", name, err)
	}
	return a
}

// createAgent adds an agent through the store.
func (e *env) createAgent(name string) agent.Agent {
	e.t.Helper()
	a, err := e.agents.Create(context.Background(), e.wsID, agent.Input{Name: name, Role: agent.RoleSupport,
		Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) agentPath(a agent.Agent, rest string) string {
	p := e.path("agents/" + ids.Encode(a.ID))
	if rest != "" {
		p += "/" + rest
	}
	return p
}

func TestAgentCreateAndList(t *testing.T) {
	e, b := agentsOwner(t)
	res := b.get(e.path("agents/new"))
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="agent-form"`) {
		t.Fatalf("new agent page: %d", res.status)
	}
	// A new agent starts active, with all knowledge, and offers every role and personality.
	for _, want := range []string{`name="active" value="1" checked`, `value="all" id="knowledge-all" checked`,
		"Customer support", "Marketing specialist", "Sales representative", "Empathetic", "Custom brand voice", `for="f-voice"`,
		"There is no knowledge to choose from yet.", `<option value="balanced" selected>Balanced: `, `<option value="cautious">Cautious: `} {
		if !strings.Contains(res.body, want) {
			t.Errorf("new agent form lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`name="personality"`).FindAllString(res.body, -1)); n != 6 {
		t.Errorf("%d personality choices, want 6", n)
	}

	form := agentForm("Ava")
	form.Set("role", "sales")
	form.Set("personality", "custom")
	form.Set("voice", "Short sentences. Never say 'awesome'.")
	form.Set("rephrase_first", "1")
	form.Set("trust", "cautious")
	res = b.post(e.path("agents"), form)
	if res.status != http.StatusOK || res.url != e.path("agents") || !strings.Contains(res.body, "Agent Ava created.") {
		t.Fatalf("create: %d at %s\n%s", res.status, res.url, res.body)
	}
	a := e.agent("Ava")
	if a.Role != agent.RoleSales || a.Personality != agent.Custom || a.Voice != "Short sentences. Never say 'awesome'." ||
		!a.AllSources || !a.RephraseFirst || !a.Active || a.HasAvatar || a.Trust != agent.TrustCautious {
		t.Errorf("stored agent = %+v", a)
	}
	rows := agentRow.FindAllString(res.body, -1)
	if len(rows) != 1 {
		t.Fatalf("%d agent rows, want 1", len(rows))
	}
	for _, want := range []string{">Ava</a>", "Sales representative", "Custom brand voice", "All knowledge", `data-testid="agent-status">Active`,
		`<span class="avatar" aria-hidden="true">A</span>`, `href="` + e.agentPath(a, "edit") + `"`, `href="` + e.agentPath(a, "preview") + `"`,
		`action="` + e.agentPath(a, "pause") + `"`} {
		if !strings.Contains(rows[0], want) {
			t.Errorf("agent row lacks %q:\n%s", want, rows[0])
		}
	}
	if strings.Contains(res.body, `data-testid="agents-empty"`) {
		t.Error("the list with an agent still shows the empty state")
	}
}

func TestAgentInputErrors(t *testing.T) {
	e, b := agentsOwner(t)

	// No name, a custom voice left empty: the form comes back as typed, with the error on its field.
	form := agentForm("")
	form.Set("personality", "custom")
	form.Set("rephrase_first", "1")
	form.Set("trust", "eager")
	form.Del("active")
	res := b.post(e.path("agents"), form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<p class="error" id="e-name">An agent needs a name</p>`) ||
		!strings.Contains(res.body, `aria-describedby="e-name"`) {
		t.Fatalf("agent without a name: %d\n%s", res.status, res.body)
	}
	if got := res.header.Get("HX-Push-Url"); got != e.path("agents/new") {
		t.Errorf("rejected form shown at %q for htmx, want the new agent form's address", got)
	}
	for _, want := range []string{`value="custom" id="personality-custom" checked`, `name="rephrase_first" value="1" checked`, `<option value="eager" selected>`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the rejected form lost %q", want)
		}
	}
	if strings.Contains(res.body, `name="active" value="1" checked`) {
		t.Error("the rejected form checked Active, which was left unchecked")
	}

	form.Set("name", "Ava")
	res = b.post(e.path("agents"), form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-voice">Describe the brand voice, or choose another personality</p>`) ||
		!strings.Contains(res.body, `value="Ava"`) || !strings.Contains(res.body, `aria-describedby="h-voice e-voice"`) {
		t.Fatalf("custom voice left empty: %d\n%s", res.status, res.body)
	}

	form = agentForm("Ava")
	form.Set("knowledge", "chosen")
	res = b.post(e.path("agents"), form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-sources">Choose at least one source, or let the agent use all knowledge</p>`) ||
		!strings.Contains(res.body, `value="chosen" id="knowledge-chosen" checked`) {
		t.Fatalf("chosen sources, none checked: %d\n%s", res.status, res.body)
	}
	if list, _ := e.agents.List(context.Background(), e.wsID); len(list) != 0 {
		t.Fatalf("rejected forms stored agents: %+v", list)
	}

	// A name taken already, in another case.
	e.createAgent("Ava")
	res = b.post(e.path("agents"), agentForm("AVA"))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-name">Another agent already has this name</p>`) ||
		!strings.Contains(res.body, `value="AVA"`) {
		t.Fatalf("duplicate name: %d\n%s", res.status, res.body)
	}
	// A role that does not exist.
	form = agentForm("Bo")
	form.Set("role", "pirate")
	if res := b.post(e.path("agents"), form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-role">Choose a role</p>`) {
		t.Errorf("unknown role: %d", res.status)
	}
}

func TestAgentEditChosenSources(t *testing.T) {
	e, b := agentsOwner(t)
	ctx := context.Background()
	var srcs []knowledge.Source
	for _, title := range []string{"Returns policy", "Delivery times", "Warranty"} {
		s, err := e.knowledge.CreateArticle(ctx, e.wsID, knowledge.ArticleInput{Title: title, Body: "About " + title + "."})
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, s)
	}
	a := e.createAgent("Ava")

	res := b.get(e.agentPath(a, "edit"))
	if res.status != http.StatusOK || !strings.Contains(res.body, "Edit Ava") || !strings.Contains(res.body, `data-testid="source-list"`) {
		t.Fatalf("edit page: %d\n%s", res.status, res.body)
	}
	// The sources to choose from are listed by title, with their kind.
	if i, j := strings.Index(res.body, "Delivery times"), strings.Index(res.body, "Warranty"); i < 0 || j < i ||
		!strings.Contains(res.body, `<span class="muted">Article</span>`) {
		t.Error("the sources are not listed by title with their kind")
	}

	form := agentForm("Ava Support")
	form.Set("knowledge", "chosen")
	form["source"] = []string{ids.Encode(srcs[0].ID), ids.Encode(srcs[2].ID)}
	res = b.post(e.agentPath(a, ""), form)
	if res.status != http.StatusOK || res.url != e.path("agents") || !strings.Contains(res.body, "Agent Ava Support saved.") {
		t.Fatalf("save: %d at %s", res.status, res.url)
	}
	if rows := agentRow.FindAllString(res.body, -1); len(rows) != 1 || !strings.Contains(rows[0], "2 sources") {
		t.Errorf("list after choosing sources: %v", rows)
	}
	got := e.agent("Ava Support")
	if got.ID != a.ID || got.AllSources || !slices.Equal(got.SourceIDs, []int64{srcs[0].ID, srcs[2].ID}) {
		t.Fatalf("stored agent = %+v", got)
	}
	res = b.get(e.agentPath(a, "edit"))
	for i, s := range srcs {
		box := `value="` + ids.Encode(s.ID) + `" checked`
		if strings.Contains(res.body, box) != (i != 1) {
			t.Errorf("source %q checked = %v on the edit page", s.Title, i != 1)
		}
	}
	if !strings.Contains(res.body, `value="chosen" id="knowledge-chosen" checked`) || !strings.Contains(res.body, `value="Ava Support"`) {
		t.Error("the edit page does not show the saved settings")
	}

	// A rejected edit keeps the checked sources and changes nothing.
	form.Set("name", "")
	res = b.post(e.agentPath(a, ""), form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `value="`+ids.Encode(srcs[2].ID)+`" checked`) ||
		!strings.Contains(res.body, "Edit Ava Support") {
		t.Errorf("rejected edit: %d", res.status)
	}
	if e.agent("Ava Support").ID != a.ID {
		t.Error("a rejected edit changed the agent")
	}
	// A source of another workspace is refused with the form shown again and nothing saved
	// (it used to be dropped silently: an agent could be left with no knowledge).
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", e.ownerID())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := e.knowledge.CreateArticle(ctx, other.ID, knowledge.ArticleInput{Title: "Their secrets", Body: "Not yours."})
	if err != nil {
		t.Fatal(err)
	}
	form.Set("name", "Ava Renamed")
	form["source"] = []string{ids.Encode(theirs.ID)}
	res = b.post(e.agentPath(a, ""), form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "One of the chosen sources is not in this workspace") {
		t.Errorf("foreign source: %d, want 422 with the error", res.status)
	}
	if got := e.agent("Ava Support"); !slices.Equal(got.SourceIDs, []int64{srcs[0].ID, srcs[2].ID}) {
		t.Errorf("a refused edit saved %+v", got)
	}
	// A source ID that is not one is a 404; back to all knowledge works.
	form.Set("name", "Ava")
	form["source"] = []string{"not-an-id!"}
	if res := b.post(e.agentPath(a, ""), form); res.status != http.StatusNotFound {
		t.Errorf("bad source ID = %d, want 404", res.status)
	}
	form.Set("knowledge", "all")
	form.Del("source")
	if res := b.post(e.agentPath(a, ""), form); res.status != http.StatusOK || !strings.Contains(res.body, "All knowledge") {
		t.Errorf("back to all knowledge: %d", res.status)
	}
	if got := e.agent("Ava"); !got.AllSources || len(got.SourceIDs) != 0 {
		t.Errorf("after choosing all knowledge: %+v", got)
	}
}

func TestAgentPauseResumeDelete(t *testing.T) {
	e, b := agentsOwner(t)
	a := e.createAgent("Ava")
	b.get(e.path("agents"))

	res := b.post(e.agentPath(a, "pause"), url.Values{})
	if res.status != http.StatusOK || res.url != e.path("agents") || !strings.Contains(res.body, "Ava is paused") ||
		!strings.Contains(res.body, `data-testid="agent-status">Paused`) || !strings.Contains(res.body, `action="`+e.agentPath(a, "resume")+`"`) {
		t.Fatalf("pause: %d at %s", res.status, res.url)
	}
	if e.agent("Ava").Active {
		t.Fatal("paused agent still active")
	}
	res = b.post(e.agentPath(a, "resume"), url.Values{})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Ava is active again.") || !strings.Contains(res.body, `data-testid="agent-status">Active`) {
		t.Fatalf("resume: %d", res.status)
	}
	if !e.agent("Ava").Active {
		t.Fatal("resumed agent still paused")
	}

	res = b.get(e.agentPath(a, "edit"))
	if !strings.Contains(res.body, `action="`+e.agentPath(a, "delete")+`"`) || !strings.Contains(res.body, `hx-confirm="Delete the agent Ava?`) {
		t.Error("the edit page has no delete button asking first")
	}
	res = b.post(e.agentPath(a, "delete"), url.Values{})
	if res.status != http.StatusOK || res.url != e.path("agents") || !strings.Contains(res.body, "Agent Ava deleted.") ||
		!strings.Contains(res.body, `data-testid="agents-empty"`) {
		t.Fatalf("delete: %d at %s", res.status, res.url)
	}
	if _, err := e.agents.Get(context.Background(), e.wsID, a.ID); err != agent.ErrNotFound {
		t.Fatalf("deleted agent: %v", err)
	}
	for _, p := range []string{"edit", "avatar"} {
		if res := b.get(e.agentPath(a, p)); res.status != http.StatusNotFound {
			t.Errorf("GET %s of a deleted agent = %d, want 404", p, res.status)
		}
	}
	if res := b.post(e.agentPath(a, "pause"), url.Values{}); res.status != http.StatusNotFound {
		t.Errorf("pause a deleted agent = %d, want 404", res.status)
	}
}

// pngImage is a small real PNG.
func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, color.RGBA{R: uint8(x * 30), G: 120, B: uint8(y * 30), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAgentAvatar(t *testing.T) {
	e, b := agentsOwner(t)
	a := e.createAgent("Ava")
	if res := b.get(e.agentPath(a, "avatar")); res.status != http.StatusNotFound {
		t.Fatalf("avatar before upload = %d, want 404", res.status)
	}
	res := b.get(e.agentPath(a, "edit"))
	if !strings.Contains(res.body, `data-testid="avatar-form"`) || !strings.Contains(res.body, `accept="image/png,image/jpeg,image/gif,image/webp"`) ||
		strings.Contains(res.body, `data-testid="avatar-remove"`) {
		t.Fatal("the edit page lacks the avatar upload, or offers to remove a picture there is not")
	}

	pic := pngImage(t)
	res = b.uploadAs(e.agentPath(a, "avatar"), "avatar", []file{{"ava.png", "image/png", pic}}, false)
	if res.status != http.StatusOK || res.url != e.agentPath(a, "edit") || !strings.Contains(res.body, "New picture saved.") ||
		!strings.Contains(res.body, `data-testid="avatar-remove"`) {
		t.Fatalf("upload PNG: %d at %s", res.status, res.url)
	}
	res = b.get(e.agentPath(a, "avatar"))
	if res.status != http.StatusOK || res.body != string(pic) || res.header.Get("Content-Type") != "image/png" ||
		res.header.Get("X-Content-Type-Options") != "nosniff" || res.header.Get("Cache-Control") != "private, max-age=300" {
		t.Fatalf("avatar: %d %q %q %q, %d bytes", res.status, res.header.Get("Content-Type"), res.header.Get("X-Content-Type-Options"),
			res.header.Get("Cache-Control"), len(res.body))
	}
	list := b.get(e.path("agents"))
	if !regexp.MustCompile(`<img class="avatar avatar-img" src="` + regexp.QuoteMeta(e.agentPath(a, "avatar")) + `\?v=\d+"`).MatchString(list.body) {
		t.Error("the list does not show the uploaded picture")
	}

	// Not images, or not ones we take: a message on the edit page, and the picture stays.
	for _, tc := range []struct {
		name string
		f    []file
		want string
	}{
		{"svg", []file{{"ava.svg", "image/png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}}, "Use a PNG, JPEG, GIF or WebP image"},
		{"html", []file{{"ava.png", "image/png", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")}}, "Use a PNG, JPEG, GIF or WebP image"},
		{"empty", []file{{"ava.png", "image/png", nil}}, "The image is empty"},
		{"too large", []file{{"ava.png", "image/png", append(pic, make([]byte, agent.MaxAvatar)...)}}, "The image is larger than 512 KB"},
		{"no file", nil, "Choose an image to upload"},
	} {
		res := b.uploadAs(e.agentPath(a, "avatar"), "avatar", tc.f, tc.name == "html")
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<p class="error" id="e-avatar">`+tc.want) ||
			!strings.Contains(res.body, `aria-describedby="h-avatar e-avatar"`) || !strings.Contains(res.body, `value="Ava"`) {
			t.Errorf("%s upload: %d\n%s", tc.name, res.status, res.body)
		}
		if got := res.header.Get("HX-Push-Url"); got != e.agentPath(a, "edit") {
			t.Errorf("%s upload: shown at %q for htmx, want the edit page's address", tc.name, got)
		}
	}
	if res := b.get(e.agentPath(a, "avatar")); res.body != string(pic) || res.header.Get("Content-Type") != "image/png" {
		t.Error("a rejected upload changed the picture")
	}

	res = b.post(e.agentPath(a, "avatar/remove"), url.Values{})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Picture removed.") || strings.Contains(res.body, `data-testid="avatar-remove"`) {
		t.Fatalf("remove: %d", res.status)
	}
	if res := b.get(e.agentPath(a, "avatar")); res.status != http.StatusNotFound {
		t.Errorf("avatar after removal = %d, want 404", res.status)
	}
}

// TestAgentPagesForbidden: people with the agent role (knowledge editors too) open none
// of the agent pages and change nothing.
func TestAgentPagesForbidden(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	a := e.createAgent("Ava")
	if err := e.agents.SetAvatar(ctx, e.wsID, a.ID, pngImage(t)); err != nil {
		t.Fatal(err)
	}
	for i, editor := range []bool{false, true} {
		email := []string{"ann@example.com", "ed@example.com"}[i]
		if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: email, Name: "Ann", Password: "ann password"}, account.RoleAgent, editor); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		if res := b.login(email, "ann password"); res.status != http.StatusOK {
			t.Fatalf("login: %d", res.status)
		}
		for _, p := range []string{"agents", "agents/new", "agents/" + ids.Encode(a.ID) + "/edit", "agents/" + ids.Encode(a.ID) + "/avatar"} {
			if res := b.get(e.path(p)); res.status != http.StatusForbidden {
				t.Errorf("editor=%v GET %s = %d, want 403", editor, p, res.status)
			}
		}
		for _, p := range []string{"agents", "agents/" + ids.Encode(a.ID), "agents/" + ids.Encode(a.ID) + "/pause",
			"agents/" + ids.Encode(a.ID) + "/delete", "agents/" + ids.Encode(a.ID) + "/avatar/remove"} {
			if res := b.post(e.path(p), agentForm("Mine")); res.status != http.StatusForbidden {
				t.Errorf("editor=%v POST %s = %d, want 403", editor, p, res.status)
			}
		}
		if res := b.uploadAs(e.agentPath(a, "avatar"), "avatar", []file{{"x.png", "image/png", pngImage(t)}}, false); res.status != http.StatusForbidden {
			t.Errorf("editor=%v avatar upload = %d, want 403", editor, res.status)
		}
	}
	got := e.agent("Ava")
	if list, _ := e.agents.List(ctx, e.wsID); len(list) != 1 || !got.Active || !got.HasAvatar || got.Name != "Ava" {
		t.Errorf("forbidden requests changed the agents: %+v", list)
	}
}

// TestAgentIDs: an agent ID that is not one, or one of another workspace, is a 404.
func TestAgentIDs(t *testing.T) {
	e, b := agentsOwner(t)
	ctx := context.Background()
	owner, _ := e.accounts.UserByEmail(ctx, "owner@example.com")
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := e.agents.Create(ctx, other.ID, agent.Input{Name: "Theirs", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.agents.SetAvatar(ctx, other.ID, foreign.ID, pngImage(t)); err != nil {
		t.Fatal(err)
	}
	mine := e.createAgent("Mine")
	b.get(e.path("agents"))
	for _, id := range []string{"zzzzzz", "not-an-id!", ids.Encode(foreign.ID), ids.Encode(mine.ID) + "x"} {
		for _, p := range []string{"edit", "avatar"} {
			if res := b.get(e.path("agents/" + id + "/" + p)); res.status != http.StatusNotFound {
				t.Errorf("GET agent %s %s = %d, want 404", id, p, res.status)
			}
		}
		for _, p := range []string{"", "/pause", "/resume", "/delete", "/avatar/remove"} {
			if res := b.post(e.path("agents/"+id+p), agentForm("Stolen")); res.status != http.StatusNotFound {
				t.Errorf("POST agent %s%s = %d, want 404", id, p, res.status)
			}
		}
	}
	if got, err := e.agents.Get(ctx, other.ID, foreign.ID); err != nil || got.Name != "Theirs" || !got.Active || !got.HasAvatar {
		t.Errorf("the other workspace's agent changed: %+v %v", got, err)
	}
	// Through its own workspace, the owner (a member of both) reaches it.
	if res := b.get("/w/" + ids.Encode(other.ID) + "/agents/" + ids.Encode(foreign.ID) + "/edit"); res.status != http.StatusOK {
		t.Errorf("the agent in its own workspace = %d", res.status)
	}
}

func TestAgentCSRF(t *testing.T) {
	e, b := agentsOwner(t)
	a := e.createAgent("Ava")
	b.get(e.path("agents"))
	for name, token := range map[string]string{"missing": "", "wrong": "forged"} {
		for _, p := range []string{e.path("agents"), e.agentPath(a, ""), e.agentPath(a, "pause"), e.agentPath(a, "delete")} {
			form := agentForm("Forged " + name)
			form.Set("csrf", token)
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+p, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if res := b.do(req); res.status != http.StatusForbidden {
				t.Errorf("%s token, POST %s = %d, want 403", name, p, res.status)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+e.path("agents"), strings.NewReader(agentForm("Cross").Encode()+"&csrf="+url.QueryEscape(b.csrf)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := b.do(req); res.status != http.StatusForbidden {
		t.Errorf("cross-site create = %d, want 403", res.status)
	}
	// An avatar upload without the token is refused too.
	b.csrf = ""
	if res := b.uploadAs(e.agentPath(a, "avatar"), "avatar", []file{{"x.png", "image/png", pngImage(t)}}, false); res.status != http.StatusForbidden {
		t.Errorf("avatar upload without token = %d, want 403", res.status)
	}
	list, _ := e.agents.List(context.Background(), e.wsID)
	if got := e.agent("Ava"); len(list) != 1 || !got.Active || got.HasAvatar {
		t.Errorf("refused requests changed the agents: %+v", list)
	}
}

// TestAgentModelNotice: the Agents list and the preview say, in the same plain words, when
// the agents cannot use the language model, why and what fixes it; never the Go error.
func TestAgentModelNotice(t *testing.T) {
	e, b := agentsOwner(t)
	if res := b.get(e.path("agents")); strings.Contains(res.body, `data-testid="model-notice"`) {
		t.Error("notice shown while the model is ready")
	}

	for _, tc := range []struct {
		name         string
		breakIt      func(e *env)
		problem, fix string
		reply        string // why a preview reply was not written by the model
	}{
		{"model not installed", func(e *env) { e.ollama.SetModels("nomic-embed-text:latest") },
			`The model &#34;llama3.2&#34; is not installed in Ollama at {url}, so the agents answer by quoting your knowledge (extractive mode).`,
			"Run: ollama pull llama3.2 (or set llm.chat_model to a model that is installed).",
			"The model is not installed in Ollama, so this reply quotes your knowledge."},
		{"Ollama down", func(e *env) { e.ollama.Down() },
			"Ollama is not running at {url}, so the agents answer by quoting your knowledge (extractive mode).",
			"Start Ollama or change llm.url.",
			"Ollama was not running, so this reply quotes your knowledge."},
		{"Ollama failing", func(e *env) { e.ollama.FailAll(http.StatusInternalServerError, "out of memory") },
			"Ollama at {url} answered with an error, so the agents answer by quoting your knowledge (extractive mode).",
			"The error is in the server log",
			"The model failed (the error is in the server log), so this reply quotes your knowledge."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ollamaURL := e.ollama.URL()
			tc.breakIt(e)
			e.setupOwner()
			e.shopKnowledge()
			b := e.ownerBrowser()
			a := e.createAgent("Ava")
			b.get(e.agentPath(a, "preview"))
			if _, _, events := b.stream(e.agentPath(a, "preview"), url.Values{"message": {giftQuestion}, "channel": {"chat"}}); len(events) == 0 || events[len(events)-1].name != "done" {
				t.Fatalf("preview reply: %+v", events)
			}
			for _, page := range []string{e.path("agents"), e.agentPath(a, "preview")} {
				res := b.get(page)
				notice := regexp.MustCompile(`(?s)<div class="notice" role="status" data-testid="model-notice">.*?</div>`).FindString(res.body)
				for _, want := range []string{strings.ReplaceAll(tc.problem, "{url}", ollamaURL), tc.fix} {
					if !strings.Contains(notice, want) {
						t.Errorf("%s: the notice lacks %q:\n%s", page, want, notice)
					}
				}
				if page != e.path("agents") && !strings.Contains(res.body, `data-testid="model-not-used">`+tc.reply+`</p>`) {
					t.Errorf("the preview's reply does not say %q:\n%s", tc.reply, botMessages(res.body))
				}
				for _, goText := range []string{"llm:", "dial tcp", "api/version", "connection refused", "out of memory"} {
					if strings.Contains(res.body, goText) {
						t.Errorf("%s shows the error's text %q", page, goText)
					}
				}
			}
		})
	}
}
