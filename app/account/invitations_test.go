package account

import (
	"context"
	"errors"
	"testing"
	"time"
)

// twoWorkspaces is an install where Olga owns Shop (and is the super admin) and Bob, an
// owner made by the operator, owns Other, the workspace of the takeover in the issue.
func twoWorkspaces(t *testing.T, m *Manager) (olga User, shop Workspace, bob User, other Workspace) {
	t.Helper()
	ctx := context.Background()
	olga, shop = setup(t, m)
	bob, _, err := m.AddMember(ctx, shop.ID, NewUser{Email: "bob@example.com", Name: "Bob", Password: "bob password"}, RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	if other, err = m.CreateWorkspace(ctx, "Other", bob.ID); err != nil {
		t.Fatal(err)
	}
	if err := m.RemoveMember(ctx, shop.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	return olga, shop, bob, other
}

func TestInviteExistingAccountNeedsConsent(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	olga, shop, bob, other := twoWorkspaces(t, m)

	token, inv, err := m.Invite(ctx, other.ID, bob.ID, "OWNER@example.com", RoleAdmin, true)
	if err != nil || token == "" {
		t.Fatalf("Invite = %q, %v", token, err)
	}
	// Only the token's hash is stored: a copy of the database accepts nothing.
	var plain, hashed int
	if err := m.db.Read.QueryRow("SELECT count(*) FILTER (WHERE token_hash = ?), count(*) FILTER (WHERE token_hash = ?) FROM invitations",
		[]byte(token), tokenHash(token)).Scan(&plain, &hashed); err != nil || plain != 0 || hashed != 1 {
		t.Fatalf("stored tokens: %d plain, %d hashed, %v", plain, hashed, err)
	}
	// Inviting joins nobody: Olga is not a member of Other until she accepts.
	if _, err := m.Membership(ctx, other.ID, olga.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("invited account is a member before accepting: %v", err)
	}
	if got, err := m.InvitationByToken(ctx, token); err != nil || got.ID != inv.ID || got.WorkspaceName != "Other" || got.InvitedBy != "Bob" || got.Email != "OWNER@example.com" {
		t.Fatalf("InvitationByToken = %+v, %v", got, err)
	}
	// Someone else cannot use it, even holding the link; nor can anyone without it.
	if _, err := m.AcceptInvitation(ctx, token, bob.ID); !errors.Is(err, ErrInvitationOtherAddress) {
		t.Errorf("accept by another account err = %v", err)
	}
	if _, err := m.DeclineInvitation(ctx, token, bob.ID); !errors.Is(err, ErrInvitationOtherAddress) {
		t.Errorf("decline by another account err = %v", err)
	}
	if _, err := m.AcceptInvitation(ctx, token+"x", olga.ID); !errors.Is(err, ErrInvitationGone) {
		t.Errorf("accept with a wrong token err = %v", err)
	}
	got, err := m.AcceptInvitation(ctx, token, olga.ID)
	if err != nil || got.WorkspaceID != other.ID {
		t.Fatalf("accept = %+v, %v", got, err)
	}
	ms, err := m.Membership(ctx, other.ID, olga.ID)
	if err != nil || ms.Role != RoleAdmin || !ms.AgentEditor {
		t.Fatalf("membership after accepting = %+v, %v; want the invited role", ms, err)
	}
	// Used up: the link and the ID no longer work.
	if _, err := m.InvitationByToken(ctx, token); !errors.Is(err, ErrInvitationGone) {
		t.Errorf("used token err = %v", err)
	}
	if _, err := m.AcceptInvitation(ctx, token, olga.ID); !errors.Is(err, ErrInvitationGone) {
		t.Errorf("accepting twice err = %v", err)
	}
	// A member is not invited again.
	if _, _, err := m.Invite(ctx, other.ID, bob.ID, "owner@example.com", RoleAgent, false); !errors.Is(err, ErrAlreadyMember) {
		t.Errorf("inviting a member err = %v", err)
	}
	if _, err := m.Membership(ctx, shop.ID, olga.ID); err != nil {
		t.Errorf("accepting changed the other membership: %v", err)
	}
}

func TestInvitationLifecycle(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	olga, shop, bob, other := twoWorkspaces(t, m)
	now := time.Now()
	m.SetClock(func() time.Time { return now })

	// Decline deletes it.
	token, _, err := m.Invite(ctx, shop.ID, olga.ID, "bob@example.com", RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.DeclineInvitation(ctx, token, bob.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := m.Invitations(ctx, shop.ID); len(list) != 0 {
		t.Errorf("declined invitation still listed: %+v", list)
	}

	// Inviting again replaces the pending invitation: the old link stops working.
	old, _, err := m.Invite(ctx, shop.ID, olga.ID, "bob@example.com", RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	token, inv, err := m.Invite(ctx, shop.ID, olga.ID, "bob@example.com", RoleAdmin, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.AcceptInvitation(ctx, old, bob.ID); !errors.Is(err, ErrInvitationGone) {
		t.Errorf("accepting with a replaced link err = %v", err)
	}
	if _, err := m.InvitationByToken(ctx, old); !errors.Is(err, ErrInvitationGone) {
		t.Errorf("replaced token err = %v", err)
	}
	if list, _ := m.Invitations(ctx, shop.ID); len(list) != 1 || list[0].Role != RoleAdmin {
		t.Errorf("invitations after replacing = %+v", list)
	}

	// Expiry.
	now = now.Add(InvitationTTL)
	if _, err := m.InvitationByToken(ctx, token); !errors.Is(err, ErrInvitationExpired) {
		t.Errorf("expired token err = %v", err)
	}
	if _, err := m.AcceptInvitation(ctx, token, bob.ID); !errors.Is(err, ErrInvitationExpired) {
		t.Errorf("accepting an expired invitation err = %v", err)
	}
	if list, _ := m.Invitations(ctx, shop.ID); len(list) != 1 || !list[0].Expired || list[0].ID != inv.ID {
		t.Errorf("expired invitation not listed as such: %+v", list)
	}
	if _, _, err := m.AcceptInvitationAsNewUser(ctx, token, "Bob", "some password"); !errors.Is(err, ErrInvitationExpired) {
		t.Errorf("new account on an expired invitation err = %v", err)
	}
	if _, err := m.Membership(ctx, shop.ID, bob.ID); !errors.Is(err, ErrNotFound) {
		t.Error("an expired invitation made a member")
	}

	// An expired invitation stays listed for a while, then is swept.
	if n, err := m.DeleteExpiredInvitations(ctx); err != nil || n != 0 {
		t.Errorf("DeleteExpiredInvitations just after expiry = %d, %v; want 0", n, err)
	}
	now = now.Add(ExpiredInvitationKept)
	if n, err := m.DeleteExpiredInvitations(ctx); err != nil || n != 1 {
		t.Errorf("DeleteExpiredInvitations = %d, %v; want 1", n, err)
	}
	if list, _ := m.Invitations(ctx, shop.ID); len(list) != 0 {
		t.Errorf("a long-expired invitation is still listed: %+v", list)
	}

	// Revoke: only from its own workspace.
	now = time.Now()
	token, inv, err = m.Invite(ctx, shop.ID, olga.ID, "bob@example.com", RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.RevokeInvitation(ctx, other.ID, inv.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke from another workspace err = %v", err)
	}
	if err := m.RevokeInvitation(ctx, shop.ID, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.InvitationByToken(ctx, token); !errors.Is(err, ErrInvitationGone) {
		t.Errorf("revoked token err = %v", err)
	}
	if _, err := m.AcceptInvitation(ctx, token, bob.ID); !errors.Is(err, ErrInvitationGone) {
		t.Errorf("accepting a revoked invitation err = %v", err)
	}

	for _, bad := range []string{"", "not a token", string(make([]byte, 200))} {
		if _, err := m.InvitationByToken(ctx, bad); !errors.Is(err, ErrInvitationGone) {
			t.Errorf("InvitationByToken(%q) err = %v", bad, err)
		}
	}
}

func TestInvitationNewAccount(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	olga, shop := setup(t, m)

	token, _, err := m.Invite(ctx, shop.ID, olga.ID, "new@example.com", RoleAgent, true)
	if err != nil {
		t.Fatal(err)
	}
	var ie *InputError
	if _, _, err := m.AcceptInvitationAsNewUser(ctx, token, "Nia", "short"); !errors.As(err, &ie) || ie.Field != "password" {
		t.Errorf("short password err = %v", err)
	}
	if _, _, err := m.AcceptInvitationAsNewUser(ctx, token, " ", "long enough"); !errors.As(err, &ie) || ie.Field != "name" {
		t.Errorf("empty name err = %v", err)
	}
	u, inv, err := m.AcceptInvitationAsNewUser(ctx, token, "Nia", "nia password")
	if err != nil || u.Email != "new@example.com" || u.SuperAdmin || u.MustChangePassword || inv.WorkspaceID != shop.ID {
		t.Fatalf("new account = %+v, %+v, %v", u, inv, err)
	}
	if ms, err := m.Membership(ctx, shop.ID, u.ID); err != nil || ms.Role != RoleAgent || !ms.AgentEditor {
		t.Errorf("membership = %+v, %v", ms, err)
	}
	if _, _, err := m.AcceptInvitationAsNewUser(ctx, token, "Nia", "nia password"); !errors.Is(err, ErrInvitationGone) {
		t.Errorf("reusing the link err = %v", err)
	}

	// The link of an address with an account creates nothing: its owner logs in instead.
	other, err := m.CreateWorkspace(ctx, "Other", olga.ID)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err = m.Invite(ctx, other.ID, olga.ID, "new@example.com", RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.AcceptInvitationAsNewUser(ctx, token, "Impostor", "impostor password"); !errors.Is(err, ErrInvitationHasAccount) {
		t.Errorf("account over an existing address err = %v", err)
	}
	if _, err := m.Authenticate(ctx, "new@example.com", "nia password"); err != nil {
		t.Errorf("the existing account's password changed: %v", err)
	}
	if _, err := m.Membership(ctx, other.ID, u.ID); !errors.Is(err, ErrNotFound) {
		t.Error("a refused account creation made a member")
	}
}

func TestMembersElsewhere(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	olga, shop, bob, other := twoWorkspaces(t, m)
	ann, _, err := m.AddMember(ctx, other.ID, NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := func(ws, user int64) bool {
		t.Helper()
		mb, err := m.Member(ctx, ws, user)
		if err != nil {
			t.Fatal(err)
		}
		return mb.Elsewhere
	}
	if elsewhere(other.ID, ann.ID) || elsewhere(other.ID, bob.ID) || elsewhere(shop.ID, olga.ID) {
		t.Fatal("an account of one workspace counts as shared")
	}
	// An invitation elsewhere changes nothing until it is accepted (it needs its link).
	if _, _, err := m.Invite(ctx, shop.ID, olga.ID, "ann@example.com", RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	if elsewhere(other.ID, ann.ID) {
		t.Error("a pending invitation makes the account shared")
	}
	if _, _, err := m.AddMember(ctx, shop.ID, NewUser{Email: "bob@example.com", Name: "Bob"}, RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	if !elsewhere(other.ID, bob.ID) || !elsewhere(shop.ID, bob.ID) {
		t.Error("an account in two workspaces counts as one's alone")
	}
	if _, err := m.Member(ctx, shop.ID, ann.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Member of a non-member err = %v", err)
	}
}

func TestManageAccount(t *testing.T) {
	const ws = 7
	admin := Membership{WorkspaceID: ws, UserID: 1, Role: RoleAdmin}
	owner := Membership{WorkspaceID: ws, UserID: 1, Role: RoleOwner}
	agent := Membership{WorkspaceID: ws, UserID: 1, Role: RoleAgent}
	me := User{ID: 1}
	super := User{ID: 1, SuperAdmin: true}
	alone := Member{User: User{ID: 2}, Role: RoleAgent}
	shared := Member{User: User{ID: 2}, Role: RoleAgent, Elsewhere: true}
	aloneOwner := Member{User: User{ID: 2}, Role: RoleOwner}
	aloneSuper := Member{User: User{ID: 2, SuperAdmin: true}, Role: RoleAgent}
	for _, c := range []struct {
		name   string
		actor  User
		in     Membership
		target Member
		want   error
	}{
		{"admin, account of this workspace alone", me, admin, alone, nil},
		{"admin, account also used elsewhere", me, admin, shared, ErrSharedAccount},
		{"owner, account also used elsewhere", me, owner, shared, ErrSharedAccount},
		{"admin, owner of this workspace alone", me, admin, aloneOwner, ErrOwnerOnly},
		{"owner, owner of this workspace alone", me, owner, aloneOwner, nil},
		{"owner, a super admin of this workspace alone", me, owner, aloneSuper, ErrSuperAdminOnly},
		{"agent", me, agent, alone, ErrSharedAccount},
		{"oneself", me, owner, Member{User: me, Role: RoleOwner}, ErrOwnAccount},
		{"super admin, shared account", super, admin, shared, nil},
		{"super admin, another super admin", super, agent, aloneSuper, nil},
		{"super admin, no workspace (Install page)", super, Membership{}, Member{User: User{ID: 2}}, nil},
		{"super admin, oneself", super, Membership{}, Member{User: super}, ErrOwnAccount},
		{"no workspace, not super admin", me, Membership{}, Member{User: User{ID: 2}}, ErrSharedAccount},
	} {
		if got := ManageAccount(c.actor, c.in, c.target); !errors.Is(got, c.want) {
			t.Errorf("%s: ManageAccount = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestManageMembership(t *testing.T) {
	admin := Membership{UserID: 1, Role: RoleAdmin}
	owner := Membership{UserID: 1, Role: RoleOwner}
	for _, c := range []struct {
		in     Membership
		target Membership
		want   error
	}{
		{admin, Membership{UserID: 2, Role: RoleAgent}, nil},
		{admin, Membership{UserID: 2, Role: RoleOwner}, ErrOwnerOnly},
		{owner, Membership{UserID: 2, Role: RoleOwner}, nil},
		{owner, Membership{UserID: 1, Role: RoleOwner}, ErrOwnAccount},
	} {
		if got := ManageMembership(1, c.in, c.target); !errors.Is(got, c.want) {
			t.Errorf("ManageMembership(%+v, %+v) = %v, want %v", c.in, c.target, got, c.want)
		}
	}
}

func TestSuperAdmins(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	olga, shop, bob, _ := twoWorkspaces(t, m)
	if !olga.SuperAdmin || bob.SuperAdmin {
		t.Fatalf("super admins: olga %v, bob %v; want only the user of setup", olga.SuperAdmin, bob.SuperAdmin)
	}
	token, _, err := m.CreateSession(ctx, olga.ID, time.Hour, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, u, err := m.SessionUser(ctx, token); err != nil || !u.SuperAdmin {
		t.Fatalf("the session's user does not carry the flag: %+v, %v", u, err)
	}
	if u, err := m.UserByEmail(ctx, "bob@example.com"); err != nil || u.SuperAdmin {
		t.Fatalf("UserByEmail = %+v, %v", u, err)
	}
	if err := m.SetSuperAdmin(ctx, olga.ID, false); !errors.Is(err, ErrLastSuperAdmin) {
		t.Errorf("removing the last super admin err = %v", err)
	}
	if err := m.SetDisabled(ctx, olga.ID, true); !errors.Is(err, ErrLastSuperAdmin) {
		t.Errorf("disabling the last super admin err = %v", err)
	}
	if err := m.SetSuperAdmin(ctx, bob.ID, true); err != nil {
		t.Fatal(err)
	}
	// A disabled super admin does not count as another one.
	if err := m.SetDisabled(ctx, bob.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := m.SetSuperAdmin(ctx, olga.ID, false); !errors.Is(err, ErrLastSuperAdmin) {
		t.Errorf("removing the last enabled super admin err = %v", err)
	}
	if err := m.SetDisabled(ctx, bob.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := m.SetSuperAdmin(ctx, olga.ID, false); err != nil {
		t.Errorf("removing one of two super admins: %v", err)
	}
	if err := m.SetSuperAdmin(ctx, 9999, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user err = %v", err)
	}
	accounts, err := m.Accounts(ctx)
	if err != nil || len(accounts) != 2 {
		t.Fatalf("Accounts = %+v, %v", accounts, err)
	}
	for _, a := range accounts {
		switch a.Email {
		case "bob@example.com":
			if !a.SuperAdmin || len(a.Memberships) != 1 || a.Memberships[0].Workspace.Name != "Other" || a.Memberships[0].Role != RoleOwner {
				t.Errorf("bob = %+v", a)
			}
		case "owner@example.com":
			if a.SuperAdmin || len(a.Memberships) != 1 || a.Memberships[0].Workspace.ID != shop.ID {
				t.Errorf("olga = %+v", a)
			}
		}
	}
}
