package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/ids"
)

// ownerElsewhere makes a user who owns a workspace of their own and belongs to no other,
// as any owner can make one; it returns the user and the workspace.
func (e *env) ownerElsewhere(email, name string) (account.User, account.Workspace) {
	e.t.Helper()
	ctx := context.Background()
	u, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: email, Name: name, Password: name + " password"}, account.RoleOwner, false)
	if err != nil {
		e.t.Fatal(err)
	}
	ws, err := e.accounts.CreateWorkspace(ctx, name+"'s shop", u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.accounts.RemoveMember(ctx, e.wsID, u.ID); err != nil {
		e.t.Fatal(err)
	}
	return u, ws
}

func (e *env) loggedIn(email, password string) *browser {
	e.t.Helper()
	b := e.browser()
	if res := b.login(email, password); res.status != http.StatusOK {
		e.t.Fatalf("login of %s: %d at %s", email, res.status, res.url)
	}
	return b
}

func wsPath(wsID int64, rest string) string { return "/w/" + ids.Encode(wsID) + "/" + rest }

var invitationLinkRe = regexp.MustCompile(`Send them this link: <code>[^<]*(/invitation\?token=[^<]+)</code>`)

// invite posts the invitation form and returns the response and the link's path.
func (b *browser) invite(wsID int64, email, role string) (response, string) {
	b.e.t.Helper()
	b.get(wsPath(wsID, "settings/users"))
	// A name is sent as the form before the fix asked for one; invitations ignore it.
	res := b.post(wsPath(wsID, "settings/users"), url.Values{"name": {"Someone"}, "email": {email}, "role": {role}})
	m := invitationLinkRe.FindStringSubmatch(res.body)
	if m == nil {
		return res, ""
	}
	return res, strings.ReplaceAll(m[1], "&amp;", "&")
}

// TestTakeoverByAnotherWorkspaceAdmin is the attack: the owner of workspace B adds
// the owner of workspace A to B, then resets their password or disables them from B.
func TestTakeoverByAnotherWorkspaceAdmin(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner() // Olga owns Shop (A)
	ctx := context.Background()
	olga, _ := e.accounts.UserByEmail(ctx, "owner@example.com")
	_, b := e.ownerElsewhere("bob@example.com", "Bob")
	bob := e.loggedIn("bob@example.com", "Bob password")

	existing, link := bob.invite(b.ID, "owner@example.com", "agent")
	if existing.status != http.StatusOK || link == "" {
		t.Fatalf("inviting an existing account: %d, no link", existing.status)
	}
	fresh, freshLink := bob.invite(b.ID, "nobody@example.com", "agent")
	if fresh.status != http.StatusOK || freshLink == "" {
		t.Fatalf("inviting a new address: %d, no link", fresh.status)
	}
	// The answer is the same whether or not the address has an account.
	if a, n := sameAnswer(existing.body, "owner@example.com", link), sameAnswer(fresh.body, "nobody@example.com", freshLink); a != n {
		t.Errorf("the answer tells whether the address has an account:\n%s\n---\n%s", a, n)
	}
	if strings.Contains(existing.body, "already had an account") || strings.Contains(existing.body, olga.Name) {
		t.Error("the answer names the existing account")
	}

	// Olga is not a member of B, so nothing of B reaches her account.
	if _, err := e.accounts.Membership(ctx, b.ID, olga.ID); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("the invited owner of A is a member of B before accepting (%v)", err)
	}
	for _, action := range []string{"password", "disable", "remove", "role"} {
		res := bob.post(wsPath(b.ID, "settings/users/"+ids.Encode(olga.ID)+"/"+action), url.Values{"role": {"agent"}})
		if res.status != http.StatusNotFound {
			t.Errorf("B's owner %s on A's owner = %d, want 404", action, res.status)
		}
	}

	// Once she accepts, her account is shared: B may remove her, not reset or disable her.
	olgaB := e.ownerBrowser()
	olgaB.get(link)
	if res := olgaB.post("/invitation/accept", url.Values{"token": {tokenOf(link)}}); res.status != http.StatusOK {
		t.Fatalf("accept: %d", res.status)
	}
	page := bob.get(wsPath(b.ID, "settings/users"))
	olgaBase := wsPath(b.ID, "settings/users/"+ids.Encode(olga.ID))
	if strings.Contains(page.body, olgaBase+"/password") || strings.Contains(page.body, olgaBase+"/disable") || !strings.Contains(page.body, olgaBase+"/remove") {
		t.Error("B's users page offers account actions on a shared account, or no removal")
	}
	for _, action := range []string{"password", "disable"} {
		if res := bob.post(olgaBase+"/"+action, url.Values{}); res.status != http.StatusForbidden {
			t.Errorf("B's owner %s on a shared account = %d, want 403", action, res.status)
		}
	}
	if _, err := e.accounts.Authenticate(ctx, "owner@example.com", "owner password"); err != nil {
		t.Fatalf("A's owner can no longer log in: %v", err)
	}
	if res := bob.post(olgaBase+"/remove", url.Values{}); res.status != http.StatusOK {
		t.Errorf("remove from B = %d", res.status)
	}
	if ms, err := e.accounts.Membership(ctx, e.wsID, olga.ID); err != nil || ms.Role != account.RoleOwner {
		t.Errorf("removing her from B changed A: %+v, %v", ms, err)
	}
}

// sameAnswer is the invitation response with what differs by right (the address, the
// link, its expiry and the list of pending invitations) taken out.
func sameAnswer(body, email, link string) string {
	body = regexp.MustCompile(`(?s)<section class="panel"><h2>Pending invitations</h2>.*?</section>`).ReplaceAllString(body, "")
	body = regexp.MustCompile(`works until [^.]*\.`).ReplaceAllString(body, "works until EXPIRY.")
	if link != "" {
		body = strings.ReplaceAll(body, strings.ReplaceAll(link, "&", "&amp;"), "LINK")
	}
	return strings.ReplaceAll(body, email, "EMAIL")
}

func tokenOf(link string) string { return strings.TrimPrefix(link, "/invitation?token=") }

func invitationID(t *testing.T, e *env, wsID int64, email string) string {
	t.Helper()
	list, err := e.accounts.Invitations(context.Background(), wsID)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range list {
		if inv.Email == email {
			return ids.Encode(inv.ID)
		}
	}
	t.Fatalf("no invitation of %s", email)
	return ""
}

func TestInvitationNewPerson(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	owner := e.ownerBrowser()
	_, link := owner.invite(e.wsID, "nia@example.com", "agent")
	if link == "" {
		t.Fatal("no link")
	}
	if list, _ := e.accounts.Invitations(ctx, e.wsID); len(list) != 1 {
		t.Fatalf("pending invitations = %+v", list)
	}
	if res := owner.get(e.path("settings/users")); !strings.Contains(res.body, `data-testid="invitation-row"`) || strings.Contains(res.body, "token=") {
		t.Error("the users page does not list the pending invitation, or shows its link again")
	}

	nia := e.browser()
	page := nia.get(link)
	if page.status != http.StatusOK || !strings.Contains(page.body, "Olga Owner invited") || !strings.Contains(page.body, `data-testid="invitation-account-form"`) {
		t.Fatalf("link page: %d %s", page.status, page.body)
	}
	token := tokenOf(link)
	if res := nia.post("/invitation", url.Values{"token": {token}, "name": {"Nia"}, "password": {"short"}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "at least 8") {
		t.Fatalf("short password: %d", res.status)
	}
	res := nia.post("/invitation", url.Values{"token": {token}, "name": {"Nia"}, "password": {"nia password"}})
	if res.status != http.StatusOK || !strings.HasSuffix(res.url, "/inbox") {
		t.Fatalf("create account: %d at %s", res.status, res.url)
	}
	u, err := e.accounts.UserByEmail(ctx, "nia@example.com")
	if err != nil || u.SuperAdmin {
		t.Fatalf("new account = %+v, %v", u, err)
	}
	if ms, err := e.accounts.Membership(ctx, e.wsID, u.ID); err != nil || ms.Role != account.RoleAgent {
		t.Fatalf("membership = %+v, %v", ms, err)
	}
	// The link is used up.
	if res := e.browser().get(link); res.status != http.StatusNotFound || !strings.Contains(res.body, "no longer valid") {
		t.Errorf("used link: %d", res.status)
	}
	if res := e.browser().post("/invitation", url.Values{"token": {token}, "name": {"X"}, "password": {"x password"}}); res.status != http.StatusNotFound {
		t.Errorf("account from a used link: %d", res.status)
	}
}

func TestInvitationExistingAccount(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	bobUser, b := e.ownerElsewhere("bob@example.com", "Bob")
	owner := e.ownerBrowser()

	// Logged out: the page offers to log in with the invited address and come back.
	_, link := owner.invite(e.wsID, "bob@example.com", "admin")
	anon := e.browser()
	page := anon.get(link)
	m := regexp.MustCompile(`href="(/login\?[^"]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no login link on %s", page.body)
	}
	// Creating an account over the address creates nothing.
	token := tokenOf(link)
	if res := anon.post("/invitation", url.Values{"token": {token}, "name": {"Impostor"}, "password": {"impostor pw"}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "log in to accept") {
		t.Errorf("account over an existing address: %d", res.status)
	}
	loginPage := anon.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	next := regexp.MustCompile(`name="next" value="([^"]+)"`).FindStringSubmatch(loginPage.body)
	if next == nil {
		t.Fatal("the login page does not keep next")
	}
	res := anon.post("/login", url.Values{"email": {"bob@example.com"}, "password": {"Bob password"}, "next": {strings.ReplaceAll(next[1], "&amp;", "&")}})
	if res.status != http.StatusOK || res.url != "/invitation" || !strings.Contains(res.body, `data-testid="invitation-accept"`) {
		t.Fatalf("after login: %d at %s", res.status, res.url)
	}
	if _, err := e.accounts.Membership(ctx, e.wsID, bobUser.ID); !errors.Is(err, account.ErrNotFound) {
		t.Fatal("a member before accepting")
	}

	// Someone else, logged in, is told the invitation is not theirs and cannot use it.
	nia := inviteAndJoin(t, e, owner, "nia@example.com", "Nia")
	if res := nia.get(link); !strings.Contains(res.body, `data-testid="invitation-other-address"`) || strings.Contains(res.body, `data-testid="invitation-accept"`) {
		t.Errorf("another user's view of the link: %s", res.body)
	}
	for _, action := range []string{"accept", "decline"} {
		if res := nia.post("/invitation/"+action, url.Values{"token": {token}}); res.status != http.StatusForbidden {
			t.Errorf("%s by another user = %d, want 403", action, res.status)
		}
	}
	// Without the link, the invited account cannot accept either.
	if res := anon.post("/invitation/accept", url.Values{"token": {"guessed"}}); res.status != http.StatusNotFound {
		t.Errorf("accept without the link = %d, want 404", res.status)
	}
	if _, err := e.accounts.Membership(ctx, e.wsID, bobUser.ID); !errors.Is(err, account.ErrNotFound) {
		t.Fatal("a member after refused requests")
	}

	if res := anon.post("/invitation/accept", url.Values{"token": {token}}); res.status != http.StatusOK || !strings.Contains(res.url, ids.Encode(e.wsID)) {
		t.Fatalf("accept: %d at %s", res.status, res.url)
	}
	if ms, err := e.accounts.Membership(ctx, e.wsID, bobUser.ID); err != nil || ms.Role != account.RoleAdmin {
		t.Fatalf("membership = %+v, %v", ms, err)
	}
	if _, err := e.accounts.Membership(ctx, b.ID, bobUser.ID); err != nil {
		t.Error("accepting lost the other membership")
	}
	if res := anon.get(link); res.status != http.StatusNotFound {
		t.Errorf("used link = %d, want 404", res.status)
	}

	// Declining from the link's page deletes the invitation.
	bob := e.loggedIn("bob@example.com", "Bob password")
	_, declined := bob.invite(b.ID, "nia@example.com", "agent")
	if res := nia.get(declined); !strings.Contains(res.body, "Bob invited") || !strings.Contains(res.body, `data-testid="invitation-decline"`) {
		t.Fatalf("invited user's view of the link: %s", res.body)
	}
	if res := nia.post("/invitation/decline", url.Values{"token": {tokenOf(declined)}}); res.status != http.StatusOK || !strings.HasSuffix(res.url, "/inbox") {
		t.Errorf("decline: %d at %s", res.status, res.url)
	}
	if list, _ := e.accounts.Invitations(ctx, b.ID); len(list) != 0 {
		t.Errorf("declined invitation kept: %+v", list)
	}
	niaUser, _ := e.accounts.UserByEmail(ctx, "nia@example.com")
	if _, err := e.accounts.Membership(ctx, b.ID, niaUser.ID); !errors.Is(err, account.ErrNotFound) {
		t.Error("declining made a member")
	}
}

// inviteAndJoin invites a new person and has them create their account from the link.
func inviteAndJoin(t *testing.T, e *env, admin *browser, email, name string) *browser {
	t.Helper()
	wsID := e.wsID
	_, link := admin.invite(wsID, email, "agent")
	if link == "" {
		t.Fatal("no link")
	}
	b := e.browser()
	if res := b.post("/invitation", url.Values{"token": {tokenOf(link)}, "name": {name}, "password": {name + " password"}}); res.status != http.StatusOK {
		t.Fatalf("join: %d", res.status)
	}
	return b
}

func TestInvitationExpiredAndRevoked(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	owner := e.ownerBrowser()
	_, link := owner.invite(e.wsID, "late@example.com", "agent")
	_, revoked := owner.invite(e.wsID, "revoked@example.com", "agent")
	owner.get(e.path("settings/users"))
	if res := owner.post(e.path("settings/invitations/"+invitationID(t, e, e.wsID, "revoked@example.com")+"/revoke"), url.Values{}); res.status != http.StatusOK {
		t.Fatalf("revoke: %d", res.status)
	}
	if res := e.browser().get(revoked); res.status != http.StatusNotFound || !strings.Contains(res.body, "revoked") {
		t.Errorf("revoked link: %d", res.status)
	}
	e.accounts.SetClock(func() time.Time { return time.Now().Add(account.InvitationTTL) })
	res := e.browser().get(link)
	if res.status != http.StatusGone || !strings.Contains(res.body, "has expired") {
		t.Errorf("expired link: %d", res.status)
	}
	if res := owner.get(e.path("settings/users")); !strings.Contains(res.body, "Expired") {
		t.Error("the users page does not show the invitation as expired")
	}
	// An invitation of another workspace cannot be revoked from this one.
	_, b := e.ownerElsewhere("bob@example.com", "Bob")
	bob := e.loggedIn("bob@example.com", "Bob password")
	bob.get(wsPath(b.ID, "settings/users"))
	if res := bob.post(wsPath(b.ID, "settings/invitations/"+invitationID(t, e, e.wsID, "late@example.com")+"/revoke"), url.Values{}); res.status != http.StatusNotFound {
		t.Errorf("revoke from another workspace = %d, want 404", res.status)
	}
}

// TestAccountOfOneWorkspace: its admin may reset the password of and disable an account
// that belongs to the workspace alone; a super admin may do it to any account.
func TestAccountOfOneWorkspace(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	_, b := e.ownerElsewhere("bob@example.com", "Bob")
	bob := e.loggedIn("bob@example.com", "Bob password")

	// Nia joins B only.
	_, link := bob.invite(b.ID, "nia@example.com", "agent")
	nia := e.browser()
	if res := nia.post("/invitation", url.Values{"token": {tokenOf(link)}, "name": {"Nia"}, "password": {"nia password"}}); res.status != http.StatusOK {
		t.Fatalf("join: %d", res.status)
	}
	niaUser, _ := e.accounts.UserByEmail(ctx, "nia@example.com")
	base := wsPath(b.ID, "settings/users/"+ids.Encode(niaUser.ID))
	bob.get(wsPath(b.ID, "settings/users"))
	res := bob.post(base+"/password", url.Values{})
	otp := regexp.MustCompile(`One-time password for Nia: <code>([^<]+)</code>`).FindStringSubmatch(res.body)
	if res.status != http.StatusOK || otp == nil {
		t.Fatalf("reset by the admin of her only workspace: %d", res.status)
	}
	if res := nia.get(wsPath(b.ID, "inbox")); res.url != "/login" {
		t.Error("a reset password left the session open")
	}
	nia = e.browser()
	res = nia.login("nia@example.com", otp[1])
	if res.url != "/account/password" {
		t.Fatalf("one-time login went to %s, want the password page", res.url)
	}
	// The one-time password is not asked again: only the new one.
	if strings.Contains(res.body, `name="current"`) {
		t.Error("the one-time password is asked again as the current one")
	}
	if res := nia.post("/account/password", url.Values{"password": {otp[1]}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("the one-time password kept as the new one: %d", res.status)
	}
	if res := nia.post("/account/password", url.Values{"password": {"nia's own pw"}}); res.status != http.StatusOK || res.url == "/account/password" {
		t.Fatalf("change password: %d at %s", res.status, res.url)
	}
	// With her own password, changing it asks for the current one again.
	if res := nia.post("/account/password", url.Values{"password": {"another pw 123"}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("changed without the current password: %d", res.status)
	}
	if res := bob.post(base+"/disable", url.Values{}); res.status != http.StatusOK || !strings.Contains(res.body, "Disabled") {
		t.Fatalf("disable: %d", res.status)
	}
	if res := nia.get(wsPath(b.ID, "inbox")); res.url != "/login" {
		t.Error("a disabled user is still logged in")
	}
	if res := bob.post(base+"/enable", url.Values{}); res.status != http.StatusOK {
		t.Fatalf("enable: %d", res.status)
	}
	bobUser, _ := e.accounts.UserByEmail(ctx, "bob@example.com")
	for _, action := range []string{"disable", "password"} {
		if res := bob.post(wsPath(b.ID, "settings/users/"+ids.Encode(bobUser.ID)+"/"+action), url.Values{}); res.status != http.StatusForbidden {
			t.Errorf("%s oneself = %d, want 403", action, res.status)
		}
	}

	// Once Nia is in Shop too, only a super admin (Olga) resets or disables her.
	if _, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "nia@example.com", Name: "Nia"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	if res := bob.post(base+"/password", url.Values{}); res.status != http.StatusForbidden {
		t.Errorf("reset of a shared account by a workspace owner = %d, want 403", res.status)
	}
	olga := e.ownerBrowser()
	olga.get(e.path("settings/users"))
	if res := olga.post(e.path("settings/users/"+ids.Encode(niaUser.ID)+"/password"), url.Values{}); res.status != http.StatusOK || !strings.Contains(res.body, "One-time password for Nia") {
		t.Errorf("reset of a shared account by a super admin = %d", res.status)
	}
}

func TestInstallPage(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	bobUser, b := e.ownerElsewhere("bob@example.com", "Bob")
	olgaUser, _ := e.accounts.UserByEmail(ctx, "owner@example.com")
	bob := e.loggedIn("bob@example.com", "Bob password")

	// Refused to everyone but super admins, workspace owners included.
	if res := e.browser().get("/install"); res.url != "/login" {
		t.Errorf("anonymous /install went to %s", res.url)
	}
	if res := bob.get(wsPath(b.ID, "inbox")); strings.Contains(res.body, `data-testid="nav-install"`) {
		t.Error("an owner who is not super admin sees the Install link")
	}
	if res := bob.get("/install"); res.status != http.StatusForbidden {
		t.Errorf("owner GET /install = %d, want 403", res.status)
	}
	for _, action := range []string{"super", "unsuper", "disable", "enable", "password"} {
		if res := bob.post("/install/accounts/"+ids.Encode(olgaUser.ID)+"/"+action, url.Values{}); res.status != http.StatusForbidden {
			t.Errorf("owner POST %s = %d, want 403", action, res.status)
		}
	}
	if u, _ := e.accounts.UserByEmail(ctx, "bob@example.com"); u.SuperAdmin {
		t.Fatal("a refused request made a super admin")
	}

	olga := e.ownerBrowser()
	if res := olga.get(e.path("inbox")); !strings.Contains(res.body, `data-testid="nav-install"`) {
		t.Error("the super admin has no Install link")
	}
	page := olga.get("/install")
	if page.status != http.StatusOK || !strings.Contains(page.body, "bob@example.com") || !strings.Contains(page.body, "Bob&#39;s shop (Owner)") {
		t.Fatalf("install page: %d %s", page.status, page.body)
	}
	// Not oneself: a super admin does not remove their own role, disable or reset themselves.
	for _, action := range []string{"unsuper", "disable", "password"} {
		if res := olga.post("/install/accounts/"+ids.Encode(olgaUser.ID)+"/"+action, url.Values{}); res.status != http.StatusForbidden {
			t.Errorf("super admin %s oneself = %d, want 403", action, res.status)
		}
	}
	res := olga.post("/install/accounts/"+ids.Encode(bobUser.ID)+"/password", url.Values{})
	otp := regexp.MustCompile(`One-time password for Bob: <code>([^<]+)</code>`).FindStringSubmatch(res.body)
	if res.status != http.StatusOK || otp == nil {
		t.Fatalf("reset: %d", res.status)
	}
	if res := bob.get(wsPath(b.ID, "inbox")); res.url != "/login" {
		t.Error("reset left Bob logged in")
	}
	if res := olga.post("/install/accounts/"+ids.Encode(bobUser.ID)+"/disable", url.Values{}); res.status != http.StatusOK {
		t.Errorf("disable: %d", res.status)
	}
	if _, err := e.accounts.Authenticate(ctx, "bob@example.com", otp[1]); !errors.Is(err, account.ErrDisabled) {
		t.Errorf("disabled Bob logs in: %v", err)
	}
	if res := olga.post("/install/accounts/"+ids.Encode(bobUser.ID)+"/enable", url.Values{}); res.status != http.StatusOK {
		t.Errorf("enable: %d", res.status)
	}

	// Olga names Bob; then Bob may take the role from Olga, and the Install page is his.
	if res := olga.post("/install/accounts/"+ids.Encode(bobUser.ID)+"/super", url.Values{}); res.status != http.StatusOK {
		t.Fatalf("make super admin: %d", res.status)
	}
	bob = e.loggedIn("bob@example.com", otp[1])
	bob.post("/account/password", url.Values{"current": {otp[1]}, "password": {"bob's own pw"}})
	bob.get("/install")
	if res := bob.post("/install/accounts/"+ids.Encode(olgaUser.ID)+"/unsuper", url.Values{}); res.status != http.StatusOK {
		t.Fatalf("unmake: %d", res.status)
	}
	if res := olga.get("/install"); res.status != http.StatusForbidden {
		t.Errorf("former super admin GET /install = %d, want 403", res.status)
	}
	if res := e.browser().post("/install/accounts/"+ids.Encode(olgaUser.ID)+"/super", url.Values{}); res.status != http.StatusUnauthorized {
		t.Errorf("anonymous POST = %d, want 401", res.status)
	}
}
