package agent_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/knowledge"
	"agent/app/store"
)

// fixture is a migrated database with one workspace, its knowledge and agents.
type fixture struct {
	db        *store.DB
	ws        int64
	knowledge *knowledge.Manager
	agents    *agent.Store
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner"}, "owner password")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, ws: ws.ID, knowledge: knowledge.New(knowledge.Options{DB: db}), agents: agent.NewStore(db)}
}

func (f *fixture) otherWorkspace(t testing.TB) int64 {
	t.Helper()
	res, err := f.db.Write.Exec("INSERT INTO workspaces (name, created_at) VALUES ('Other', 0)")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

func validInput() agent.Input {
	return agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true}
}

func TestAgentCRUD(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	src, err := f.knowledge.CreateShortAnswer(ctx, f.ws, knowledge.ShortAnswerInput{Question: "Do you ship abroad?", Answer: "Yes."})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := f.knowledge.CreateShortAnswer(ctx, f.otherWorkspace(t), knowledge.ShortAnswerInput{Question: "Q?", Answer: "A."})
	if err != nil {
		t.Fatal(err)
	}

	a, err := f.agents.Create(ctx, f.ws, validInput())
	if err != nil {
		t.Fatal(err)
	}
	if !a.Active || !a.AllSources || a.Role != agent.RoleSupport || a.Trust != agent.TrustBalanced {
		t.Fatalf("created %+v (Balanced is the default trust level)", a)
	}
	if _, err := f.agents.Create(ctx, f.ws, validInput()); !isInput(err, "name") {
		t.Fatalf("same name twice: %v", err)
	}

	in := validInput()
	in.Name, in.AllSources, in.Trust = "Ada Lovelace", false, agent.TrustCautious
	// A source of another workspace, or one that does not exist, is refused, not dropped:
	// the agent would be left with less knowledge than chosen, or none. Nothing is saved.
	for _, bad := range [][]int64{{src.ID, foreign.ID}, {1 << 40}} {
		in.SourceIDs = bad
		if _, err := f.agents.Update(ctx, f.ws, a.ID, in); !isInput(err, "sources") {
			t.Fatalf("update with sources %v: err = %v, want an error on sources", bad, err)
		}
		if _, err := f.agents.Create(ctx, f.ws, agent.Input{Name: "Bo", Role: agent.RoleSupport, Personality: agent.Friendly, SourceIDs: bad}); !isInput(err, "sources") {
			t.Fatalf("create with sources %v: err = %v, want an error on sources", bad, err)
		}
	}
	if got, _ := f.agents.Get(ctx, f.ws, a.ID); got.Name != "Ada" || !got.AllSources {
		t.Fatalf("a refused update saved %+v", got)
	}
	if list, _ := f.agents.List(ctx, f.ws); len(list) != 1 {
		t.Fatalf("a refused create saved an agent: %+v", list)
	}
	in.SourceIDs = []int64{src.ID, src.ID}
	a, err = f.agents.Update(ctx, f.ws, a.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Ada Lovelace" || a.AllSources || len(a.SourceIDs) != 1 || a.SourceIDs[0] != src.ID || a.Trust != agent.TrustCautious {
		t.Fatalf("updated %+v", a)
	}
	if got, err := f.agents.ByName(ctx, f.ws, "ada lovelace"); err != nil || got.ID != a.ID {
		t.Fatalf("by name: %+v %v", got, err)
	}
	if err := f.agents.SetActive(ctx, f.ws, a.ID, false); err != nil {
		t.Fatal(err)
	}
	if a, _ = f.agents.Get(ctx, f.ws, a.ID); a.Active {
		t.Fatal("still active after pausing")
	}
	if _, err := f.agents.Get(ctx, f.otherWorkspace(t), a.ID); !errors.Is(err, agent.ErrNotFound) {
		t.Fatalf("other workspace: %v", err)
	}
	if err := f.agents.Delete(ctx, f.ws, a.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.agents.List(ctx, f.ws); len(list) != 0 {
		t.Fatalf("after delete: %+v", list)
	}
}

func TestAgentInputChecks(t *testing.T) {
	f := newFixture(t)
	for field, edit := range map[string]func(*agent.Input){
		"name":        func(in *agent.Input) { in.Name = "  " },
		"role":        func(in *agent.Input) { in.Role = "pirate" },
		"personality": func(in *agent.Input) { in.Personality = "" },
		"voice":       func(in *agent.Input) { in.Personality = agent.Custom },
		"sources":     func(in *agent.Input) { in.AllSources = false },
		"trust":       func(in *agent.Input) { in.Trust = "reckless" },
	} {
		in := validInput()
		edit(&in)
		if _, err := f.agents.Create(context.Background(), f.ws, in); !isInput(err, field) {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestAvatar(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, err := f.agents.Create(ctx, f.ws, validInput())
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := f.agents.SetAvatar(ctx, f.ws, a.ID, []byte("<svg onload=alert(1)>")); !isInput(err, "avatar") {
		t.Fatalf("svg accepted: %v", err)
	}
	if err := f.agents.SetAvatar(ctx, f.ws, a.ID, make([]byte, agent.MaxAvatar+1)); !isInput(err, "avatar") {
		t.Fatalf("oversized accepted: %v", err)
	}
	if err := f.agents.SetAvatar(ctx, f.ws, a.ID, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	got, ct, err := f.agents.Avatar(ctx, f.ws, a.ID)
	if err != nil || ct != "image/png" || !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("avatar: %q %v", ct, err)
	}
	if err := f.agents.RemoveAvatar(ctx, f.ws, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.agents.Avatar(ctx, f.ws, a.ID); !errors.Is(err, agent.ErrNotFound) {
		t.Fatalf("after remove: %v", err)
	}
}

func isInput(err error, field string) bool {
	var ie *agent.InputError
	return errors.As(err, &ie) && ie.Field == field
}
