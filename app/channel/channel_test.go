package channel_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/store"
	"agent/app/usererr"
)

func setup(t *testing.T) (*store.DB, *account.Manager, account.User, account.Workspace) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	accounts := account.New(db)
	owner, ws, _, err := accounts.Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner"}, "owner password")
	if err != nil {
		t.Fatal(err)
	}
	return db, accounts, owner, ws
}

func TestChannelCRUD(t *testing.T) {
	db, accounts, owner, ws := setup(t)
	ctx := context.Background()
	channels := channel.NewStore(db)
	a, err := agent.NewStore(db).Create(ctx, ws.ID, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	team, err := accounts.CreateTeam(ctx, ws.ID, "Support")
	if err != nil {
		t.Fatal(err)
	}
	other, err := accounts.CreateWorkspace(ctx, "Other", owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	foreignTeam, err := accounts.CreateTeam(ctx, other.ID, "Elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	stranger, _, err := accounts.AddMember(ctx, other.ID, account.NewUser{Email: "s@example.com", Name: "S"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}

	// People and teams of another workspace, or unknown ones, are refused, not skipped.
	for _, bad := range []channel.Input{
		{Kind: channel.Chat, Name: "Website", HandoffUsers: []int64{owner.ID, stranger.ID}},
		{Kind: channel.Chat, Name: "Website", HandoffUsers: []int64{999}},
		{Kind: channel.Chat, Name: "Website", HandoffTeams: []int64{team.ID, foreignTeam.ID}},
	} {
		_, err := channels.Create(ctx, ws.ID, bad)
		var ie *usererr.InputError
		if !errors.As(err, &ie) || ie.Field != "handoff" {
			t.Fatalf("create with users %v teams %v: err = %v, want an error on handoff", bad.HandoffUsers, bad.HandoffTeams, err)
		}
	}
	if list, _ := channels.List(ctx, ws.ID); len(list) != 0 {
		t.Fatalf("a refused create saved %+v", list)
	}
	c, err := channels.Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: a.ID,
		AllowedOrigins: []string{" https://Shop.example/ ", "", "http://localhost:3000"}, QuickReplies: []string{"Shipping", " ", "Returns"},
		HandoffUsers: []int64{owner.ID, owner.ID}, HandoffTeams: []int64{team.ID}, ShowHuman: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := channels.Update(ctx, ws.ID, c.ID, channel.Input{Kind: channel.Chat, Name: "Renamed", HandoffTeams: []int64{foreignTeam.ID}}); err == nil {
		t.Fatal("an update with another workspace's team was saved")
	}
	if got, _ := channels.Get(ctx, ws.ID, c.ID); got.Name != "Website" || len(got.HandoffTeams) != 1 {
		t.Fatalf("a refused update saved %+v", got)
	}
	if !strings.HasPrefix(c.PublicKey, "ch_") || len(c.PublicKey) < 16 || c.Handoff != channel.Assign || c.CloseAfter != 24*time.Hour {
		t.Fatalf("created %+v", c)
	}
	if strings.Join(c.AllowedOrigins, " ") != "https://shop.example http://localhost:3000" || strings.Join(c.QuickReplies, "|") != "Shipping|Returns" {
		t.Fatalf("origins %q, quick replies %q", c.AllowedOrigins, c.QuickReplies)
	}
	if len(c.HandoffUsers) != 1 || c.HandoffUsers[0] != owner.ID || len(c.HandoffTeams) != 1 || c.HandoffTeams[0] != team.ID {
		t.Fatalf("targets: users %v teams %v", c.HandoffUsers, c.HandoffTeams)
	}
	if !c.AllowsOrigin("https://shop.example") || !c.AllowsOrigin("HTTPS://SHOP.EXAMPLE/") || c.AllowsOrigin("https://evil.example") {
		t.Fatal("origin check")
	}
	if got, err := channels.ByPublicKey(ctx, c.PublicKey); err != nil || got.ID != c.ID {
		t.Fatalf("by key: %+v %v", got, err)
	}

	in := channel.Input{Kind: channel.Chat, Name: "Website", Handoff: channel.Stay, UnavailableMessage: "Back at 9.", CloseAfter: 2 * time.Hour, Active: true}
	u, err := channels.Update(ctx, ws.ID, c.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if u.PublicKey != c.PublicKey || u.AgentID != 0 || u.Handoff != channel.Stay || u.UnavailableMessage != "Back at 9." || len(u.HandoffUsers) != 0 {
		t.Fatalf("updated %+v", u)
	}
	if !u.AllowsOrigin("https://anything.example") {
		t.Fatal("no allowed origins must allow any")
	}
	if _, err := channels.Get(ctx, other.ID, c.ID); !errors.Is(err, channel.ErrNotFound) {
		t.Fatalf("other workspace: %v", err)
	}
	if err := channels.Delete(ctx, ws.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := channels.ByPublicKey(ctx, c.PublicKey); !errors.Is(err, channel.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestChannelInputErrors(t *testing.T) {
	db, _, owner, ws := setup(t)
	ctx := context.Background()
	channels := channel.NewStore(db)
	otherAgent := func() int64 {
		o, err := account.New(db).CreateWorkspace(ctx, "Other", owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, err := agent.NewStore(db).Create(ctx, o.ID, agent.Input{Name: "X", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}()
	for field, in := range map[string]channel.Input{
		"name":          {Kind: channel.Chat},
		"kind":          {Kind: "fax", Name: "Fax"},
		"origins":       {Kind: channel.Chat, Name: "W", AllowedOrigins: []string{"shop.example/path"}},
		"quick_replies": {Kind: channel.Chat, Name: "W", QuickReplies: strings.Split("a b c d e f g", " ")},
		"close_after":   {Kind: channel.Chat, Name: "W", CloseAfter: time.Minute},
		"handoff":       {Kind: channel.Chat, Name: "W", Handoff: "everyone"},
		"agent":         {Kind: channel.Chat, Name: "W", AgentID: otherAgent},
	} {
		_, err := channels.Create(ctx, ws.ID, in)
		var ie *usererr.InputError
		if !errors.As(err, &ie) || ie.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
	if _, err := channels.Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "Site"}); err != nil {
		t.Fatal(err)
	}
	_, err := channels.Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "site"})
	var ie *usererr.InputError
	if !errors.As(err, &ie) || ie.Field != "name" {
		t.Fatalf("duplicate name: %v", err)
	}
}
