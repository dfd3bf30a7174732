package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/config"
	"agent/app/ids"
)

var (
	channelRowRE = regexp.MustCompile(`(?s)<tr data-testid="channel-row".*?</tr>`)
	snippetRE    = regexp.MustCompile(`<code id="snippet" data-testid="snippet">([^<]*)</code>`)
)

// channelsOwner is a fresh install with its owner logged in, on the empty Channels page.
func channelsOwner(t *testing.T, edit func(*config.Config)) (*env, *browser) {
	t.Helper()
	e := newEnv(t, edit)
	e.setupOwner()
	b := e.ownerBrowser()
	res := b.get(e.path("channels"))
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="channels-empty"`) || !strings.Contains(res.body, "Add a chat widget") {
		t.Fatalf("empty channels page: %d\n%s", res.status, res.body)
	}
	return e, b
}

// chatForm is a valid form for a new chat widget called name, answered by people only.
func chatForm(name string) url.Values {
	return url.Values{"name": {name}, "agent": {""}, "handoff": {"assign"}, "close_after": {"24"}, "show_human": {"1"}, "active": {"1"}}
}

// storedChannel returns the workspace's channel called name, failing the test without one.
func (e *env) storedChannel(name string) channel.Channel {
	e.t.Helper()
	list, err := e.channels.List(context.Background(), e.wsID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range list {
		if c.Name == name {
			return c
		}
	}
	e.t.Fatalf("no channel %q among %+v", name, list)
	return channel.Channel{}
}

func (e *env) channelPagePath(c channel.Channel, rest string) string {
	p := e.path("channels/" + ids.Encode(c.ID))
	if rest != "" {
		p += "/" + rest
	}
	return p
}

// snippetOf is the install snippet shown on a channel's page, unescaped.
func snippetOf(body string) string {
	m := snippetRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestChannelCreateAndList(t *testing.T) {
	e, b := channelsOwner(t, nil)
	ava := e.createAgent("Ava")

	res := b.get(e.path("channels"))
	// Every kind can be added: WhatsApp and Messenger by their name, leading to their connection.
	for _, kind := range []string{"whatsapp", "messenger"} {
		card := regexp.MustCompile(`(?s)<li class="card-item" data-kind="` + kind + `">.*?</li>`).FindString(res.body)
		if !strings.Contains(card, `data-testid="add-`+kind+`-channel"`) || !strings.Contains(card, `action="`+e.path("channels/"+kind)+`"`) {
			t.Errorf("%s card: %q", kind, card)
		}
	}
	if !strings.Contains(res.body, `data-kind="chat"`) || !strings.Contains(res.body, `href="`+e.path("channels/new")+`"`) {
		t.Error("the list does not offer to add a chat widget")
	}

	res = b.get(e.path("channels/new"))
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="channel-form"`) {
		t.Fatalf("new channel page: %d", res.status)
	}
	// A new widget starts active, assigning to chosen people, closing after 24 hours, with
	// the defaults as placeholders and the workspace's agents to choose from, answered by
	// the only one.
	for _, want := range []string{`name="active" value="1" checked`, `name="show_human" value="1" checked`,
		`value="assign" id="handoff-assign" checked`, `name="close_after" type="number" min="1" max="720" step="1" value="24"`,
		`placeholder="` + html.EscapeString(agent.Say("en", agent.PhraseHandoff)) + `"`, `placeholder="` + html.EscapeString(agent.Say("en", agent.PhraseUnavailable)) + `"`,
		`<option value="">None: people answer</option>`, `<option value="` + ids.Encode(ava.ID) + `" selected>Ava`,
		`data-testid="origins-warning"`, "in the visitor&#39;s language", `name="handoff_user"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("new channel form lacks %q", want)
		}
	}
	if strings.Contains(res.body, `data-testid="snippet"`) || strings.Contains(res.body, "/widget.js") {
		t.Error("the form of a new channel shows a snippet or preview")
	}

	form := chatForm("Shop site")
	form.Set("agent", ids.Encode(ava.ID))
	form.Set("origins", "https://Shop.example/\r\n\r\nhttp://localhost:3000")
	form.Set("welcome", "Hi! Ask us anything.")
	form.Set("quick_replies", "Where is my order?\r\nReturns")
	form.Set("handoff", "unassigned")
	form.Set("unavailable_message", "Back tomorrow at 9.")
	form.Set("close_after", "48")
	form.Del("show_human")
	res = b.post(e.path("channels"), form)
	c := e.storedChannel("Shop site")
	if res.status != http.StatusOK || res.url != e.channelPagePath(c, "") || !strings.Contains(res.body, "Chat widget Shop site created.") {
		t.Fatalf("create: %d at %s\n%s", res.status, res.url, res.body)
	}
	if c.Kind != channel.Chat || c.AgentID != ava.ID || !slices.Equal(c.AllowedOrigins, []string{"https://shop.example", "http://localhost:3000"}) ||
		c.Welcome != "Hi! Ask us anything." || !slices.Equal(c.QuickReplies, []string{"Where is my order?", "Returns"}) ||
		c.Handoff != channel.Unassigned || c.UnavailableMessage != "Back tomorrow at 9." || c.HandoffMessage != "" ||
		c.ShowHuman || c.CloseAfter != 48*time.Hour || !c.Active || c.PublicKey == "" {
		t.Errorf("stored channel = %+v", c)
	}
	// The page shows the saved settings, the snippet and the preview.
	for _, want := range []string{`value="Shop site"`, `<option value="` + ids.Encode(ava.ID) + `" selected>`,
		"https://shop.example\nhttp://localhost:3000</textarea>", `value="unassigned" id="handoff-unassigned" checked`,
		`value="48"`, `<script src="/widget.js" data-agent="` + c.PublicKey + `" data-preview="1" async></script>`,
		`data-testid="copy-snippet"`, "/static/js/channels.js?v="} {
		if !strings.Contains(res.body, want) {
			t.Errorf("channel page lacks %q", want)
		}
	}
	if strings.Contains(res.body, `name="show_human" value="1" checked`) {
		t.Error("the page checks Show the person's name, which was left unchecked")
	}

	res = b.get(e.path("channels"))
	rows := channelRowRE.FindAllString(res.body, -1)
	if len(rows) != 1 {
		t.Fatalf("%d channel rows, want 1", len(rows))
	}
	for _, want := range []string{">Shop site</a>", "Chat widget", "Ava", "Unassigned: anyone takes it", `data-testid="channel-status">Active`,
		`href="` + e.channelPagePath(c, "") + `" aria-label="Edit Shop site">Edit</a>`} {
		if !strings.Contains(rows[0], want) {
			t.Errorf("channel row lacks %q:\n%s", want, rows[0])
		}
	}
	if strings.Contains(res.body, `data-testid="channels-empty"`) {
		t.Error("the list with a channel still shows the empty state")
	}

	// A paused widget answered by people only.
	form = chatForm("Help centre")
	form.Del("active")
	if res := b.post(e.path("channels"), form); res.status != http.StatusOK {
		t.Fatalf("create paused: %d", res.status)
	}
	res = b.get(e.path("channels"))
	rows = channelRowRE.FindAllString(res.body, -1)
	if len(rows) != 2 || !strings.Contains(rows[0], ">Help centre</a>") || !strings.Contains(rows[0], "People only") ||
		!strings.Contains(rows[0], "Assign: no one chosen") || !strings.Contains(rows[0], `data-testid="channel-status">Paused`) {
		t.Errorf("rows: %v", rows)
	}
}

// TestChannelNewPreselectsAgent: a new widget is answered by the workspace's AI agent when
// exactly one is active; with several the admin chooses, and a paused one is not chosen.
func TestChannelNewPreselectsAgent(t *testing.T) {
	e, b := channelsOwner(t, nil)
	selected := regexp.MustCompile(`<option value="([^"]*)" selected>`)
	agentChoice := func() string {
		t.Helper()
		res := b.get(e.path("channels/new"))
		field := regexp.MustCompile(`(?s)<select id="f-agent".*?</select>`).FindString(res.body)
		m := selected.FindStringSubmatch(field)
		if m == nil {
			t.Fatalf("no agent selected:\n%s", field)
		}
		return m[1]
	}
	if got := agentChoice(); got != "" {
		t.Errorf("no agents: selected %q, want None", got)
	}
	ava := e.createAgent("Ava")
	if got := agentChoice(); got != ids.Encode(ava.ID) {
		t.Errorf("one agent: selected %q, want Ava (%s)", got, ids.Encode(ava.ID))
	}
	bo := e.createAgent("Bo")
	if got := agentChoice(); got != "" {
		t.Errorf("two active agents: selected %q, want None", got)
	}
	if err := e.agents.SetActive(context.Background(), e.wsID, ava.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := agentChoice(); got != ids.Encode(bo.ID) {
		t.Errorf("one active and one paused agent: selected %q, want Bo (%s)", got, ids.Encode(bo.ID))
	}
	// A rejected form keeps the choice as posted, None included.
	form := chatForm("")
	if res := b.post(e.path("channels"), form); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, `<option value="" selected>None: people answer</option>`) {
		t.Errorf("rejected form: %d, the choice of None not kept", res.status)
	}
}

func TestChannelInputErrors(t *testing.T) {
	e, b := channelsOwner(t, nil)
	ctx := context.Background()
	owner, _ := e.accounts.UserByEmail(ctx, "owner@example.com")
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := e.agents.Create(ctx, other.ID, agent.Input{Name: "Theirs", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true})
	if err != nil {
		t.Fatal(err)
	}

	sevenReplies := "one\ntwo\nthree\nfour\nfive\nsix\nseven"
	for _, tc := range []struct {
		name, field, value, want string
	}{
		{"no name", "name", "", `id="e-name">A channel needs a name</p>`},
		{"origin with a path", "origins", "https://shop.example\nshop.example/path", `id="e-origins">&#34;shop.example/path&#34; is not a site address such as https://shop.example</p>`},
		{"seven quick replies", "quick_replies", sevenReplies, `id="e-quick_replies">At most 6 quick replies</p>`},
		{"unknown agent", "agent", ids.Encode(foreign.ID + 1000), `id="e-agent">Choose one of this workspace&#39;s agents</p>`},
		{"another workspace's agent", "agent", ids.Encode(foreign.ID), `id="e-agent">Choose one of this workspace&#39;s agents</p>`},
		{"not an ID", "agent", "not-an-id!", `id="e-agent">Choose one of this workspace&#39;s agents</p>`},
		{"zero hours", "close_after", "0", `id="e-close_after">Choose between 1 and 720 hours (30 days)</p>`},
		{"unknown handoff", "handoff", "pigeon", `id="e-handoff">Choose what happens on handoff</p>`},
	} {
		form := chatForm("Shop site")
		form.Set("welcome", "Hello there")
		form.Set(tc.field, tc.value)
		res := b.post(e.path("channels"), form)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, tc.want) {
			t.Errorf("%s: %d\n%s", tc.name, res.status, res.body)
			continue
		}
		if got := res.header.Get("HX-Push-Url"); got != e.path("channels/new") {
			t.Errorf("%s: shown at %q for htmx, want the new channel form's address", tc.name, got)
		}
		// Everything comes back as typed.
		if !strings.Contains(res.body, ">Hello there</textarea>") || (tc.field != "name" && !strings.Contains(res.body, `value="Shop site"`)) {
			t.Errorf("%s: the rejected form lost what was typed", tc.name)
		}
		if tc.field == "origins" || tc.field == "quick_replies" {
			if !strings.Contains(res.body, ">"+html.EscapeString(tc.value)+"</textarea>") {
				t.Errorf("%s: the rejected form lost the lines typed", tc.name)
			}
		}
		if !strings.Contains(res.body, `aria-invalid="true"`) && !strings.Contains(res.body, `aria-describedby="e-`+tc.field+`"`) {
			t.Errorf("%s: no field marked invalid", tc.name)
		}
	}
	if list, _ := e.channels.List(ctx, e.wsID); len(list) != 0 {
		t.Fatalf("rejected forms stored channels: %+v", list)
	}

	// A name taken already, in another case; an edit is rejected the same way and changes nothing.
	if res := b.post(e.path("channels"), chatForm("Shop site")); res.status != http.StatusOK {
		t.Fatalf("create: %d", res.status)
	}
	res := b.post(e.path("channels"), chatForm("SHOP SITE"))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-name">Another channel already has this name</p>`) {
		t.Errorf("duplicate name: %d", res.status)
	}
	c := e.storedChannel("Shop site")
	form := chatForm("Renamed")
	form.Set("origins", "ftp://shop.example")
	res = b.post(e.channelPagePath(c, ""), form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-origins">`) || !strings.Contains(res.body, `value="Renamed"`) ||
		res.header.Get("HX-Push-Url") != e.channelPagePath(c, "") || snippetOf(res.body) == "" {
		t.Errorf("rejected edit: %d\n%s", res.status, res.body)
	}
	if got := e.storedChannel("Shop site"); got.UpdatedAt != c.UpdatedAt || len(got.AllowedOrigins) != 0 {
		t.Errorf("a rejected edit changed the channel: %+v", got)
	}
}

func TestChannelHandoffTargets(t *testing.T) {
	e, b := channelsOwner(t, nil)
	ctx := context.Background()
	owner, _ := e.accounts.UserByEmail(ctx, "owner@example.com")
	ann := mustAddUser(t, e, "ann@example.com")
	billing, err := e.accounts.CreateTeam(ctx, e.wsID, "Billing")
	if err != nil {
		t.Fatal(err)
	}
	sales, err := e.accounts.CreateTeam(ctx, e.wsID, "Sales")
	if err != nil {
		t.Fatal(err)
	}
	// Another workspace, with a user and a team that are not this workspace's.
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _, err := e.accounts.AddMember(ctx, other.ID, account.NewUser{Email: "zoe@example.com", Name: "Zoe Stranger", Password: "zoe password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	theirTeam, err := e.accounts.CreateTeam(ctx, other.ID, "Their team")
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Shop site", Active: true})
	if err != nil {
		t.Fatal(err)
	}

	res := b.get(e.channelPagePath(c, ""))
	for _, want := range []string{"Olga Owner", `value="` + ids.Encode(ann) + `"`, "Billing", "Sales"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the page lacks the handoff target %q", want)
		}
	}
	if strings.Contains(res.body, "Zoe Stranger") || strings.Contains(res.body, "Their team") {
		t.Error("the page offers people or teams of another workspace")
	}

	// A person or team of another workspace is refused with the form shown again, as
	// typed, and nothing saved (it used to be dropped silently, and the rest saved).
	for _, bad := range []url.Values{
		{"handoff_user": {ids.Encode(ann), ids.Encode(stranger.ID)}, "handoff_team": {ids.Encode(billing.ID)}},
		{"handoff_user": {ids.Encode(ann)}, "handoff_team": {ids.Encode(billing.ID), ids.Encode(theirTeam.ID)}},
	} {
		form := chatForm("Shop site renamed")
		form["handoff_user"], form["handoff_team"] = bad["handoff_user"], bad["handoff_team"]
		res := b.post(e.channelPagePath(c, ""), form)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "is not in this workspace") ||
			!strings.Contains(res.body, `value="Shop site renamed"`) {
			t.Fatalf("save with %v = %d, want 422 with the error and the form as typed", bad, res.status)
		}
		if got := e.storedChannel("Shop site"); len(got.HandoffUsers)+len(got.HandoffTeams) != 0 {
			t.Fatalf("a refused form saved targets: %+v", got)
		}
	}

	form := chatForm("Shop site")
	form["handoff_user"] = []string{ids.Encode(ann)}
	form["handoff_team"] = []string{ids.Encode(billing.ID)}
	form.Set("handoff_message", "A colleague will take it from here.")
	res = b.post(e.channelPagePath(c, ""), form)
	if res.status != http.StatusOK || res.url != e.channelPagePath(c, "") || !strings.Contains(res.body, "Channel Shop site saved.") {
		t.Fatalf("save targets: %d at %s", res.status, res.url)
	}
	got := e.storedChannel("Shop site")
	if !slices.Equal(got.HandoffUsers, []int64{ann}) || !slices.Equal(got.HandoffTeams, []int64{billing.ID}) ||
		got.HandoffMessage != "A colleague will take it from here." || got.PublicKey != c.PublicKey {
		t.Fatalf("stored channel = %+v", got)
	}
	for id, want := range map[int64]bool{ann: true, owner.ID: false} {
		if box := `name="handoff_user" value="` + ids.Encode(id) + `" checked`; strings.Contains(res.body, box) != want {
			t.Errorf("user %d checked = %v, want %v", id, !want, want)
		}
	}
	for id, want := range map[int64]bool{billing.ID: true, sales.ID: false} {
		if box := `name="handoff_team" value="` + ids.Encode(id) + `" checked`; strings.Contains(res.body, box) != want {
			t.Errorf("team %d checked = %v, want %v", id, !want, want)
		}
	}
	if list := b.get(e.path("channels")); !strings.Contains(list.body, "Assign to Z, Billing") {
		t.Errorf("the list does not name the handoff targets:\n%s", channelRowRE.FindString(list.body))
	}

	// Staying with the AI; the targets may be unchecked at the same time.
	form = chatForm("Shop site")
	form.Set("handoff", "stay")
	if res := b.post(e.channelPagePath(c, ""), form); res.status != http.StatusOK {
		t.Fatalf("stay: %d", res.status)
	}
	if got := e.storedChannel("Shop site"); got.Handoff != channel.Stay || len(got.HandoffUsers)+len(got.HandoffTeams) != 0 {
		t.Errorf("after stay: %+v", got)
	}
	if list := b.get(e.path("channels")); !strings.Contains(list.body, "The AI stays on it") {
		t.Error("the list does not say the AI stays on it")
	}
	// A target ID that is not one is a 404.
	form["handoff_team"] = []string{"not-an-id!"}
	if res := b.post(e.channelPagePath(c, ""), form); res.status != http.StatusNotFound {
		t.Errorf("bad team ID = %d, want 404", res.status)
	}
}

func TestChannelDelete(t *testing.T) {
	e, b := channelsOwner(t, nil)
	if res := b.post(e.path("channels"), chatForm("Shop site")); res.status != http.StatusOK {
		t.Fatalf("create: %d", res.status)
	}
	c := e.storedChannel("Shop site")
	res := b.get(e.channelPagePath(c, ""))
	if !strings.Contains(res.body, `action="`+e.channelPagePath(c, "delete")+`"`) || !strings.Contains(res.body, `hx-confirm="Delete the channel Shop site?`) {
		t.Error("the channel page has no delete button asking first")
	}
	res = b.post(e.channelPagePath(c, "delete"), url.Values{})
	if res.status != http.StatusOK || res.url != e.path("channels") || !strings.Contains(res.body, "Channel Shop site deleted.") ||
		!strings.Contains(res.body, `data-testid="channels-empty"`) {
		t.Fatalf("delete: %d at %s", res.status, res.url)
	}
	if _, err := e.channels.Get(context.Background(), e.wsID, c.ID); err != channel.ErrNotFound {
		t.Fatalf("deleted channel: %v", err)
	}
	if res := b.get(e.channelPagePath(c, "")); res.status != http.StatusNotFound {
		t.Errorf("GET a deleted channel = %d, want 404", res.status)
	}
	for _, p := range []string{"", "delete"} {
		if res := b.post(e.channelPagePath(c, p), chatForm("Again")); res.status != http.StatusNotFound {
			t.Errorf("POST %q of a deleted channel = %d, want 404", p, res.status)
		}
	}
}

func TestChannelSnippet(t *testing.T) {
	t.Run("base_url", func(t *testing.T) {
		e, b := channelsOwner(t, func(c *config.Config) { c.Server.BaseURL = "https://support.example.com/help" })
		res := b.post(e.path("channels"), chatForm("Shop site"))
		c := e.storedChannel("Shop site")
		want := `<script src="https://support.example.com/help/widget.js" data-agent="` + c.PublicKey + `" async></script>`
		if got := snippetOf(res.body); got != want {
			t.Errorf("snippet = %q, want %q", got, want)
		}
		if !strings.Contains(res.body, "Any website can show this widget") {
			t.Error("no warning for a widget any site may show")
		}
		if strings.Contains(res.body, `data-testid="base-url-warning"`) {
			t.Error("a public base_url is warned about")
		}
	})
	t.Run("from the request", func(t *testing.T) {
		e, b := channelsOwner(t, nil)
		form := chatForm("Shop site")
		form.Set("origins", "https://shop.example")
		form.Del("active")
		res := b.post(e.path("channels"), form)
		c := e.storedChannel("Shop site")
		want := `<script src="` + e.srv.URL + `/widget.js" data-agent="` + c.PublicKey + `" async></script>`
		if got := snippetOf(res.body); got != want {
			t.Errorf("snippet = %q, want %q", got, want)
		}
		if strings.Contains(res.body, "Any website can show this widget") || !strings.Contains(res.body, "This channel is paused") {
			t.Error("the warnings do not follow the settings")
		}
		// The test server is at 127.0.0.1: a snippet no website can use, and the page says
		// how to fix it.
		warning := regexp.MustCompile(`(?s)<div class="notice notice-warn" data-testid="base-url-warning">.*?</div>`).FindString(res.body)
		for _, want := range []string{"This snippet cannot work on your website yet.", e.srv.URL + ", an address of this computer only",
			"<code>server.base_url</code>", "<code>base_url</code> under <code>[server]</code> in config.toml", "<code>AGENT_SERVER_BASE_URL</code>"} {
			if !strings.Contains(warning, want) {
				t.Errorf("the loopback warning lacks %q:\n%s", want, warning)
			}
		}
		// Saving keeps the key, so installed snippets keep working.
		res = b.post(e.channelPagePath(c, ""), chatForm("Renamed"))
		if got := snippetOf(res.body); got != want {
			t.Errorf("snippet after an edit = %q, want %q", got, want)
		}
	})
	t.Run("behind a TLS proxy", func(t *testing.T) {
		e, b := channelsOwner(t, func(c *config.Config) { c.Server.TrustProxy = true })
		b.post(e.path("channels"), chatForm("Shop site"))
		c := e.storedChannel("Shop site")
		// As the proxy forwards it: the public host, and https in a header. The client's
		// cookie jar sends nothing for another Host, so the session cookie is added by hand.
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+e.channelPagePath(c, ""), nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Host = "chat.shop.example"
		for _, ck := range b.c.Jar.Cookies(mustURL(e.srv.URL)) {
			req.AddCookie(ck)
		}
		raw, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Body.Close()
		body, _ := io.ReadAll(raw.Body)
		if got, want := snippetOf(string(body)), `<script src="https://chat.shop.example/widget.js" data-agent="`+c.PublicKey+`" async></script>`; got != want {
			t.Errorf("snippet = %q, want %q", got, want)
		}
		if strings.Contains(string(body), `data-testid="base-url-warning"`) {
			t.Error("a public address behind the proxy is warned about")
		}
	})
	// Addresses no website can reach, set in base_url or not, are warned about; public ones not.
	for base, why := range map[string]string{
		"http://192.168.1.20:8080":      "an address of a private network",
		"http://10.0.0.5":               "an address of a private network",
		"http://100.101.102.103":        "an address of a private network",
		"http://[::1]:8080":             "an address of this computer only",
		"http://localhost:8080":         "an address of this computer only",
		"http://support:8080":           "a name only your own network knows",
		"http://agent.local":            "a name only your own network knows",
		"https://support.example.com":   "",
		"http://203.0.113.7":            "",
		"https://support.shop.example/": "",
	} {
		t.Run(base, func(t *testing.T) {
			e, b := channelsOwner(t, func(c *config.Config) { c.Server.BaseURL = base })
			res := b.post(e.path("channels"), chatForm("Shop site"))
			warning := regexp.MustCompile(`(?s)<div class="notice notice-warn" data-testid="base-url-warning">.*?</div>`).FindString(res.body)
			switch {
			case why == "" && warning != "":
				t.Errorf("warned about a public address:\n%s", warning)
			case why != "" && !strings.Contains(warning, why):
				t.Errorf("the warning does not say %q:\n%s", why, warning)
			}
		})
	}
}

// TestChannelPagesForbidden: people with the agent role open none of the channel pages
// and change nothing; IDs that are bad or of another workspace are 404; a post without
// the CSRF token is refused.
func TestChannelPagesForbidden(t *testing.T) {
	e, owner := channelsOwner(t, nil)
	ctx := context.Background()
	c, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Shop site", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	cp := "channels/" + ids.Encode(c.ID)

	if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, true); err != nil {
		t.Fatal(err)
	}
	ann := e.browser()
	if res := ann.login("ann@example.com", "ann password"); res.status != http.StatusOK {
		t.Fatalf("login: %d", res.status)
	}
	if res := ann.get(e.path("inbox")); strings.Contains(res.body, `data-testid="nav-channels"`) {
		t.Error("an agent sees Channels in the navigation")
	}
	for _, p := range []string{"channels", "channels/new", cp} {
		if res := ann.get(e.path(p)); res.status != http.StatusForbidden {
			t.Errorf("agent GET %s = %d, want 403", p, res.status)
		}
	}
	for _, p := range []string{"channels", cp, cp + "/delete"} {
		if res := ann.post(e.path(p), chatForm("Mine")); res.status != http.StatusForbidden {
			t.Errorf("agent POST %s = %d, want 403", p, res.status)
		}
	}

	// Bad IDs, and a channel of another workspace the owner also runs.
	o, _ := e.accounts.UserByEmail(ctx, "owner@example.com")
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := e.channels.Create(ctx, other.ID, channel.Input{Kind: channel.Chat, Name: "Theirs", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	owner.get(e.path("channels"))
	for _, p := range []string{"channels/nonsense!", "channels/" + ids.Encode(theirs.ID), "channels/" + ids.Encode(c.ID+1000)} {
		if res := owner.get(e.path(p)); res.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.status)
		}
		for _, rest := range []string{"", "/delete"} {
			if res := owner.post(e.path(p+rest), chatForm("Mine")); res.status != http.StatusNotFound {
				t.Errorf("POST %s%s = %d, want 404", p, rest, res.status)
			}
		}
	}
	if got, err := e.channels.Get(ctx, other.ID, theirs.ID); err != nil || got.Name != "Theirs" {
		t.Errorf("the other workspace's channel: %+v %v", got, err)
	}

	// Without the CSRF token: refused, nothing changed.
	for _, p := range []string{"channels", cp, cp + "/delete"} {
		form := chatForm("Forged")
		form.Set("csrf", "")
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+e.path(p), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := owner.do(req); res.status != http.StatusForbidden {
			t.Errorf("POST %s without a token = %d, want 403", p, res.status)
		}
	}
	if list, _ := e.channels.List(ctx, e.wsID); len(list) != 1 || list[0].Name != "Shop site" {
		t.Errorf("refused posts changed the channels: %+v", list)
	}
}
