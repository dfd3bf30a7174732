package account

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestTeamFormsRefuseIDsOfAnotherWorkspace: a person or team of another workspace named in
// a team's form or a user's teams is refused with an error on the field, and nothing of the
// form is saved; the same ID twice is no error.
func TestTeamFormsRefuseIDsOfAnotherWorkspace(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	owner, w := setup(t, m)
	ann, _, err := m.AddMember(ctx, w.ID, NewUser{Email: "ann@example.com", Name: "Ann"}, RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	other, err := m.CreateWorkspace(ctx, "Other", owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _, err := m.AddMember(ctx, other.ID, NewUser{Email: "s@example.com", Name: "S"}, RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	foreignTeam, err := m.CreateTeam(ctx, other.ID, "Theirs")
	if err != nil {
		t.Fatal(err)
	}
	team, err := m.CreateTeam(ctx, w.ID, "Billing")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetTeamMembers(ctx, w.ID, team.ID, []int64{ann.ID}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		save  func() error
		field string // "" when the save must succeed
	}{
		{"members with a stranger", func() error { return m.SetTeamMembers(ctx, w.ID, team.ID, []int64{owner.ID, stranger.ID}) }, "members"},
		{"update with a stranger", func() error { return m.UpdateTeam(ctx, w.ID, team.ID, "Renamed", []int64{stranger.ID}) }, "members"},
		{"update with an unknown id", func() error { return m.UpdateTeam(ctx, w.ID, team.ID, "Renamed", []int64{1 << 40}) }, "members"},
		{"user teams with another workspace's team", func() error {
			return m.SetUserTeams(ctx, w.ID, owner.ID, []int64{team.ID, foreignTeam.ID})
		}, "teams"},
		{"the same member twice", func() error { return m.UpdateTeam(ctx, w.ID, team.ID, "Billing", []int64{ann.ID, ann.ID}) }, ""},
		{"the same team twice", func() error { return m.SetUserTeams(ctx, w.ID, ann.ID, []int64{team.ID, team.ID}) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.save()
			var ie *InputError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("err = %v, want none", err)
			case tc.field != "" && (!errors.As(err, &ie) || ie.Field != tc.field):
				t.Fatalf("err = %v, want an input error on %q", err, tc.field)
			}
			got, err := m.Team(ctx, w.ID, team.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Billing" || !slices.Equal(got.MemberIDs, []int64{ann.ID}) {
				t.Errorf("team = %q with %v, want Billing with Ann alone (nothing of a refused form saved)", got.Name, got.MemberIDs)
			}
		})
	}
}
