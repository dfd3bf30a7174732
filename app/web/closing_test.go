package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/channel"
	"agent/app/closing"
	"agent/app/ids"
	"agent/app/knowledge"
)

// TestOnlySuperAdminsConfigureTheClosingAgent: every closing agent route, for every kind
// of person. Owners and admins of the workspace are refused like agents: configuring it
// is the install's super admins' alone.
func TestOnlySuperAdminsConfigureTheClosingAgent(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	src, err := e.knowledge.CreateArticle(ctx, e.wsID, knowledge.ArticleInput{Title: "Payment", Body: "We accept bank transfer and card."})
	if err != nil {
		t.Fatal(err)
	}
	add := func(email string, role account.Role) {
		if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: email, Name: email, Password: "the password"}, role, false); err != nil {
			t.Fatal(err)
		}
	}
	add("otto@example.com", account.RoleOwner)
	add("adam@example.com", account.RoleAdmin)
	add("ann@example.com", account.RoleAgent)
	zed := mustAddUser(t, e, "zed@example.com")
	if _, err := e.accounts.CreateWorkspace(ctx, "Zed's shop", zed); err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.RemoveMember(ctx, e.wsID, zed); err != nil {
		t.Fatal(err)
	}
	login := func(email, password string) *browser {
		b := e.browser()
		if res := b.login(email, password); res.status != http.StatusOK {
			t.Fatalf("login %s: %d", email, res.status)
		}
		return b
	}
	people := []struct {
		who  string
		b    *browser
		want int // for every route; the super admin's are checked below
	}{
		{"an owner who is not a super admin", login("otto@example.com", "the password"), http.StatusForbidden},
		{"an admin", login("adam@example.com", "the password"), http.StatusForbidden},
		{"an agent", login("ann@example.com", "the password"), http.StatusForbidden},
		{"another workspace's owner", login("zed@example.com", "zz password"), http.StatusNotFound},
		{"no one logged in", e.browser(), http.StatusUnauthorized},
	}
	form := url.Values{"name": {"Closer"}, "inbox_choice": {"new"}, "new_inbox": {"Quotes"}, "to_owner": {"1"}, "source": {ids.Encode(src.ID)}}
	routes := []struct {
		method, path string
	}{
		{http.MethodGet, "closing-agent"},
		{http.MethodPost, "closing-agent"},
		{http.MethodPost, "closing-agent/activate"},
		{http.MethodPost, "closing-agent/deactivate"},
		{http.MethodGet, "closing-agent/avatar"},
		{http.MethodPost, "closing-agent/avatar"},
	}
	for _, p := range people {
		p.b.get("/") // a CSRF token, for those who have a page
		for _, r := range routes {
			var res response
			if r.method == http.MethodGet {
				res = p.b.get(e.path(r.path))
			} else {
				res = p.b.post(e.path(r.path), clone(form))
			}
			want := p.want
			if want == http.StatusUnauthorized && r.method == http.MethodGet {
				if res.url != "/login" {
					t.Errorf("%s: GET %s ended at %s (%d), want the login page", p.who, r.path, res.url, res.status)
				}
				continue
			}
			if res.status != want {
				t.Errorf("%s: %s %s = %d, want %d", p.who, r.method, r.path, res.status, want)
			}
		}
	}
	if _, err := e.server.Closing().Get(ctx, e.wsID); !errors.Is(err, closing.ErrNotFound) {
		t.Fatalf("refused requests created a closing agent: %v", err)
	}
	if chans, _ := e.channels.List(ctx, e.wsID); len(chans) != 0 {
		t.Fatalf("refused requests created an inbox: %+v", chans)
	}

	// The super admin (the first owner) sees the page, creates the agent with a new
	// inbox, and activates it.
	olga := e.ownerBrowser()
	if res := olga.get(e.path("closing-agent")); res.status != http.StatusOK || !strings.Contains(res.body, "Create the closing agent") {
		t.Fatalf("super admin's page: %d", res.status)
	}
	if res := olga.get(e.path("inbox")); !strings.Contains(res.body, "Closing agent") {
		t.Error("the navigation does not offer the closing agent to a super admin")
	}
	if res := people[0].b.get(e.path("inbox")); strings.Contains(res.body, ">Closing agent<") {
		t.Error("the navigation offers the closing agent to an owner who is not a super admin")
	}
	bad := url.Values{"name": {"Closer"}, "inbox_choice": {"new"}, "new_inbox": {"Quotes"}, "to_owner": {"1"}}
	if res := olga.post(e.path("closing-agent"), bad); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "at least one knowledge source") {
		t.Fatalf("no sources: %d", res.status)
	}
	if res := olga.post(e.path("closing-agent"), clone(form)); res.status != http.StatusOK || !strings.Contains(res.body, "Closing agent saved") {
		t.Fatalf("create: %d %s", res.status, res.url)
	}
	if res := olga.post(e.path("closing-agent/activate"), url.Values{}); !strings.Contains(res.body, "The closing agent is active") {
		t.Fatalf("activate: %d", res.status)
	}
	st, err := e.server.Closing().Get(ctx, e.wsID)
	if err != nil || !st.Active || st.Name != "Closer" || !st.ToOwner || len(st.SourceIDs) != 1 {
		t.Fatalf("saved %+v %v", st, err)
	}
	ch, err := e.channels.ByID(ctx, st.InboxChannelID)
	if err != nil || ch.Name != "Quotes" || ch.Kind != channel.Chat || ch.WorkspaceID != e.wsID {
		t.Fatalf("the new inbox: %+v %v", ch, err)
	}
	// Now that it exists, the others are still refused, and change nothing.
	if res := people[1].b.post(e.path("closing-agent/deactivate"), url.Values{}); res.status != http.StatusForbidden {
		t.Errorf("an admin deactivating: %d", res.status)
	}
	if st, _ := e.server.Closing().Get(ctx, e.wsID); !st.Active {
		t.Error("a refused request deactivated the closing agent")
	}
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
