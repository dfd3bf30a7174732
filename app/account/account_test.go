package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"agent/app/store"
)

func newManager(t *testing.T) *Manager {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db)
}

func setup(t *testing.T, m *Manager) (User, Workspace) {
	t.Helper()
	u, w, pw, err := m.Setup(context.Background(), NewUser{Email: "owner@example.com", Name: "Olga", Password: "correct horse"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	if pw != "" {
		t.Fatal("a chosen password must not be echoed back")
	}
	return u, w
}

func TestSetupOnlyOnce(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	if has, _ := m.HasUsers(ctx); has {
		t.Fatal("fresh database has users")
	}
	u, w := setup(t, m)
	ms, err := m.Membership(ctx, w.ID, u.ID)
	if err != nil || ms.Role != RoleOwner {
		t.Fatalf("membership = %+v, %v; want owner", ms, err)
	}
	_, _, _, err = m.Setup(ctx, NewUser{Email: "b@example.com", Name: "B", Password: "another pass"}, "Other")
	if !errors.Is(err, ErrAlreadySetUp) {
		t.Fatalf("second setup err = %v", err)
	}
}

func TestSetupValidation(t *testing.T) {
	m := newManager(t)
	for _, c := range []struct {
		nu    NewUser
		ws    string
		field string
	}{
		{NewUser{Email: "not-an-email", Name: "A", Password: "long enough"}, "Shop", "email"},
		{NewUser{Email: "a@example.com", Name: " ", Password: "long enough"}, "Shop", "name"},
		{NewUser{Email: "a@example.com", Name: "A", Password: "short"}, "Shop", "password"},
		{NewUser{Email: "a@example.com", Name: "A", Password: "long enough"}, "", "workspace"},
	} {
		_, _, _, err := m.Setup(context.Background(), c.nu, c.ws)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("Setup(%+v, %q) err = %v, want an input error on %s", c.nu, c.ws, err, c.field)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	u, w := setup(t, m)
	if got, err := m.Authenticate(ctx, "OWNER@example.com", "correct horse"); err != nil || got.ID != u.ID {
		t.Fatalf("login = %+v, %v", got, err)
	}
	for _, c := range []struct{ email, pw string }{
		{"owner@example.com", "wrong horse"},
		{"nobody@example.com", "correct horse"},
	} {
		if _, err := m.Authenticate(ctx, c.email, c.pw); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("Authenticate(%q, %q) err = %v, want bad credentials", c.email, c.pw, err)
		}
	}
	ann, _, err := m.AddMember(ctx, w.ID, NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetDisabled(ctx, ann.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Authenticate(ctx, "ann@example.com", "ann password"); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled login err = %v", err)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("s3cret pass")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("s3cret pass")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !VerifyPassword(h, "s3cret pass") || VerifyPassword(h, "s3cret pasS") || VerifyPassword("garbage", "s3cret pass") {
		t.Error("VerifyPassword gives wrong answers")
	}
	if p := GeneratePassword(); len(p) != 16 || CheckPasswordRules(p) != nil {
		t.Errorf("generated password %q", p)
	}
}

func TestAddMemberAndRoles(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	owner, w := setup(t, m)

	agent, pw, err := m.AddMember(ctx, w.ID, NewUser{Email: "ann@example.com", Name: "Ann"}, RoleAgent, false)
	if err != nil || pw == "" || !agent.MustChangePassword {
		t.Fatalf("AddMember = %+v, %q, %v; want a new user with a one-time password", agent, pw, err)
	}
	if _, err := m.Authenticate(ctx, "ann@example.com", pw); err != nil {
		t.Fatalf("one-time password does not log in: %v", err)
	}
	if _, _, err := m.AddMember(ctx, w.ID, NewUser{Email: "ann@example.com", Name: "Ann"}, RoleAgent, false); !errors.Is(err, ErrAlreadyMember) {
		t.Errorf("adding twice err = %v", err)
	}

	// An existing user joins a second workspace without a new password.
	w2, err := m.CreateWorkspace(ctx, "Second shop", owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, pw2, err := m.AddMember(ctx, w2.ID, NewUser{Email: "ann@example.com", Name: "Ann"}, RoleAdmin, false)
	if err != nil || pw2 != "" || again.ID != agent.ID {
		t.Fatalf("existing user join = %+v, %q, %v", again, pw2, err)
	}
	if ws, _ := m.WorkspacesOf(ctx, agent.ID); len(ws) != 2 {
		t.Errorf("Ann is in %d workspaces, want 2", len(ws))
	}

	// The last owner cannot be demoted or removed.
	if err := m.SetRole(ctx, w.ID, owner.ID, RoleAdmin, false); !errors.Is(err, ErrLastOwner) {
		t.Errorf("demoting the last owner err = %v", err)
	}
	if err := m.RemoveMember(ctx, w.ID, owner.ID); !errors.Is(err, ErrLastOwner) {
		t.Errorf("removing the last owner err = %v", err)
	}
	if err := m.SetRole(ctx, w.ID, agent.ID, RoleOwner, false); err != nil {
		t.Fatal(err)
	}
	if err := m.SetRole(ctx, w.ID, owner.ID, RoleAdmin, false); err != nil {
		t.Errorf("demoting one of two owners: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	all := []Permission{PermUseInbox, PermEditKnowledge, PermManageAgents, PermManageChannels, PermViewReports, PermManageTeams, PermManageUsers, PermManageWorkspace,
		PermViewQuotes, PermManageQuotes}
	agent := Membership{Role: RoleAgent}
	editor := Membership{Role: RoleAgent, AgentEditor: true}
	for _, p := range all {
		if !(Membership{Role: RoleOwner}).Can(p) || !(Membership{Role: RoleAdmin}).Can(p) {
			t.Errorf("owner/admin lack permission %d", p)
		}
		if want := p == PermUseInbox || p == PermViewQuotes; agent.Can(p) != want {
			t.Errorf("agent.Can(%d) = %v", p, !want)
		}
		if want := p == PermUseInbox || p == PermViewQuotes || p == PermEditKnowledge; editor.Can(p) != want {
			t.Errorf("editor.Can(%d) = %v", p, !want)
		}
	}
	if (Membership{Role: RoleAdmin}).CanAssignRole(RoleOwner) || !(Membership{Role: RoleOwner}).CanAssignRole(RoleOwner) {
		t.Error("only owners may make owners")
	}
}

func TestTeams(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	owner, w := setup(t, m)
	team, err := m.CreateTeam(ctx, w.ID, "Billing")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.CreateTeam(ctx, w.ID, "billing"); !errors.Is(err, ErrTeamNameTaken) {
		t.Errorf("duplicate team name err = %v", err)
	}
	if err := m.SetTeamMembers(ctx, w.ID, team.ID, []int64{owner.ID}); err != nil {
		t.Fatal(err)
	}
	// A user from another workspace cannot be put in the team, nor the team renamed from there.
	other, err := m.CreateWorkspace(ctx, "Other", owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _, err := m.AddMember(ctx, other.ID, NewUser{Email: "s@example.com", Name: "S"}, RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	var ie *InputError
	if err := m.SetTeamMembers(ctx, w.ID, team.ID, []int64{stranger.ID}); !errors.As(err, &ie) {
		t.Errorf("stranger in team err = %v", err)
	}
	if err := m.UpdateTeam(ctx, other.ID, team.ID, "Hijack", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("rename from another workspace err = %v", err)
	}
	members, err := m.Members(ctx, w.ID)
	if err != nil || len(members) != 1 || len(members[0].Teams) != 1 || members[0].Teams[0].Name != "Billing" {
		t.Fatalf("members = %+v, %v", members, err)
	}
	if err := m.DeleteTeam(ctx, w.ID, team.ID); err != nil {
		t.Fatal(err)
	}
	if teams, _ := m.Teams(ctx, w.ID); len(teams) != 0 {
		t.Errorf("teams after delete = %+v", teams)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	u, _ := setup(t, m)
	now := time.Unix(1_800_000_000, 0)
	m.SetClock(func() time.Time { return now })

	token, s, err := m.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "test")
	if err != nil || s.CSRFToken == "" {
		t.Fatal(err)
	}
	other, _, _ := m.CreateSession(ctx, u.ID, time.Hour, "127.0.0.2", "other browser")
	if _, got, err := m.SessionUser(ctx, token); err != nil || got.ID != u.ID {
		t.Fatalf("SessionUser = %+v, %v", got, err)
	}
	if _, _, err := m.SessionUser(ctx, token+"x"); !errors.Is(err, ErrSessionNotFound) {
		t.Errorf("forged token err = %v", err)
	}

	// Changing the password ends every session.
	if err := m.ChangePassword(ctx, u.ID, "wrong", "new password 1"); err == nil {
		t.Error("password changed without the current one")
	}
	if err := m.ChangePassword(ctx, u.ID, "correct horse", "new password 1"); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{token, other} {
		if _, _, err := m.SessionUser(ctx, tok); !errors.Is(err, ErrSessionNotFound) {
			t.Errorf("session survived a password change: %v", err)
		}
	}

	// Expiry.
	token, _, _ = m.CreateSession(ctx, u.ID, time.Hour, "", "")
	now = now.Add(2 * time.Hour)
	if _, _, err := m.SessionUser(ctx, token); !errors.Is(err, ErrSessionNotFound) {
		t.Errorf("expired session err = %v", err)
	}
	if n, err := m.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
}
