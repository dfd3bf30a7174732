package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/ids"
)

// TestTeamFormsRefuseAnotherWorkspace: a team's form naming a person of another workspace,
// and a user's teams naming a team of another workspace, are shown again with the error
// (422) and nothing of them is saved, the team's new name included.
func TestTeamFormsRefuseAnotherWorkspace(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	ctx := context.Background()
	owner := e.ownerID()
	ann := mustAddUser(t, e, "ann@example.com")
	billing, err := e.accounts.CreateTeam(ctx, e.wsID, "Billing")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.SetTeamMembers(ctx, e.wsID, billing.ID, []int64{ann}); err != nil {
		t.Fatal(err)
	}
	other, err := e.accounts.CreateWorkspace(ctx, "Other shop", owner)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _, err := e.accounts.AddMember(ctx, other.ID, account.NewUser{Email: "zoe@example.com", Name: "Zoe", Password: "zoe password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := e.accounts.CreateTeam(ctx, other.ID, "Theirs")
	if err != nil {
		t.Fatal(err)
	}
	b.get(e.path("settings/teams"))

	for _, tc := range []struct {
		name, path string
		form       url.Values
	}{
		{"team with a stranger", "settings/teams/" + ids.Encode(billing.ID),
			url.Values{"name": {"Money"}, "member": {ids.Encode(ann), ids.Encode(stranger.ID)}}},
		{"user in another workspace's team", "settings/users/" + ids.Encode(owner) + "/teams",
			url.Values{"team": {ids.Encode(billing.ID), ids.Encode(theirs.ID)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := b.post(e.path(tc.path), tc.form)
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "is not in this workspace") {
				t.Fatalf("save = %d, want 422 with the error", res.status)
			}
			got, err := e.accounts.Team(ctx, e.wsID, billing.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Billing" || !slices.Equal(got.MemberIDs, []int64{ann}) {
				t.Errorf("team = %q with %v, want Billing with Ann alone", got.Name, got.MemberIDs)
			}
		})
	}
}
