package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/ids"
)

// TestEveryRouteIsGuarded walks the whole route table, so that a route added later is
// checked without anyone remembering to: no route but the public ones answers an anonymous
// visitor, a user of another workspace gets 404 on every workspace route (IDs reveal
// nothing), an agent gets 403 on every route whose permission the role lacks (and on the
// closing agent's, which only super admins may use), and every
// install route is refused to owners who are not super admins.
func TestEveryRouteIsGuarded(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	zed := mustAddUser(t, e, "zed@example.com")
	other, err := e.accounts.CreateWorkspace(ctx, "Zed's shop", zed)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.RemoveMember(ctx, e.wsID, zed); err != nil {
		t.Fatal(err)
	}
	ann, outsider := e.browser(), e.browser()
	if res := ann.login("ann@example.com", "ann password"); res.status != http.StatusOK {
		t.Fatalf("agent login: %d", res.status)
	}
	if res := outsider.login("zed@example.com", "zz password"); res.status != http.StatusOK || !strings.Contains(res.url, ids.Encode(other.ID)) {
		t.Fatalf("outsider login: %d at %s", res.status, res.url)
	}
	annMembership := account.Membership{Role: account.RoleAgent}

	checks := 0
	for _, r := range e.server.Routes() {
		method, pattern, ok := strings.Cut(r.Pattern, " ")
		if !ok || r.Public {
			continue
		}
		path := fillPattern(pattern, e.wsID)
		send := func(b *browser) response {
			if method == http.MethodGet {
				return b.get(path)
			}
			return b.post(path, url.Values{"name": {"X"}, "email": {"x@example.com"}, "role": {"owner"}})
		}
		anonymous := send(e.browser())
		switch {
		case method == http.MethodGet && anonymous.url != "/login":
			t.Errorf("anonymous %s %s ended at %s (%d), want the login page", method, path, anonymous.url, anonymous.status)
		case method != http.MethodGet && anonymous.status != http.StatusUnauthorized:
			t.Errorf("anonymous %s %s = %d, want 401", method, path, anonymous.status)
		}
		checks++
		if r.SuperAdmin {
			if res := send(outsider); res.status != http.StatusForbidden {
				t.Errorf("an owner who is not a super admin: %s %s = %d, want 403", method, path, res.status)
			}
			checks++
		}
		if !r.Workspace {
			continue
		}
		if res := send(outsider); res.status != http.StatusNotFound {
			t.Errorf("another workspace's owner: %s %s = %d, want 404", method, path, res.status)
		}
		checks++
		// Routes the agent may use are exercised by their own tests; here only refusals.
		if !annMembership.Can(r.Permission) || r.SuperAdminHere {
			if res := send(ann); res.status != http.StatusForbidden {
				t.Errorf("agent: %s %s = %d, want 403", method, path, res.status)
			}
			checks++
		}
	}
	if checks < 100 {
		t.Fatalf("only %d checks: the route table was not walked", checks)
	}
	members, err := e.accounts.Members(ctx, e.wsID)
	if err != nil || len(members) != 2 {
		t.Fatalf("refused requests changed the members: %d %v", len(members), err)
	}
	if teams, _ := e.accounts.Teams(ctx, e.wsID); len(teams) != 0 {
		t.Error("a refused request created a team")
	}
	t.Logf("%d access checks", checks)
}

// fillPattern turns a route pattern into a path: the workspace's ID for {ws}, a
// well-formed ID of nothing for other wildcards.
func fillPattern(pattern string, wsID int64) string {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		switch {
		case seg == "{ws}":
			seg = ids.Encode(wsID)
		case seg == "{$}":
			seg = ""
		case strings.HasPrefix(seg, "{"):
			seg = ids.Encode(987654)
		}
		out = append(out, seg)
	}
	return strings.Join(out, "/")
}
