package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/store"
	"agent/app/usererr"
)

// fixture is a migrated database with one workspace, its owner, an agent and a short answer.
type fixture struct {
	db     *store.DB
	inbox  *inbox.Store
	ws     int64
	owner  int64
	agent  agent.Agent
	engine *agent.Engine
	answer knowledge.Source
	km     *knowledge.Manager
	accts  *account.Manager
	agents *agent.Store
	ctx    context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	accts := account.New(db)
	owner, ws, _, err := accts.Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner", Password: "owner password"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	km := knowledge.New(knowledge.Options{DB: db})
	answer, err := km.CreateShortAnswer(ctx, ws.ID, knowledge.ShortAnswerInput{Question: "Do you sell gift cards?",
		Answer: "Yes, gift cards from 100 to 2000 NOK are sold in the shop.", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	agents := agent.NewStore(db)
	a, err := agents.Create(ctx, ws.ID, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, inbox: inbox.New(db), ws: ws.ID, owner: owner.ID, agent: a, answer: answer, km: km, accts: accts, agents: agents,
		engine: agent.NewEngine(agent.Options{Knowledge: km}), ctx: ctx}
}

func (f *fixture) conversation(t *testing.T, n inbox.NewConversation) inbox.Conversation {
	t.Helper()
	if n.AgentID == 0 {
		n.AgentID = f.agent.ID
	}
	if n.Channel == "" {
		n.Channel = "chat"
	}
	c, err := f.inbox.Create(f.ctx, f.ws, n)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ids lists the conversations the filter chooses, in the list's order.
func (f *fixture) ids(t *testing.T, filter inbox.Filter) []int64 {
	t.Helper()
	list, err := f.inbox.List(f.ctx, f.ws, filter)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func (f *fixture) messages(t *testing.T, c inbox.Conversation) []inbox.Message {
	t.Helper()
	msgs, err := f.inbox.Messages(f.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestAskStoresMessageAndReply(t *testing.T) {
	f := newFixture(t)
	c := f.conversation(t, inbox.NewConversation{Preview: true, CreatedBy: f.owner})
	if !c.Preview || c.CreatedBy != f.owner || c.AgentID != f.agent.ID || c.WorkspaceID != f.ws || c.Status != "open" {
		t.Fatalf("conversation = %+v", c)
	}

	m, r, err := f.inbox.Ask(f.ctx, f.engine, f.agent, c, "  Do you sell gift cards?\n", "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Decision != agent.Answer || r.Mode != agent.ModeExtractive || len(r.Sources) != 1 || m.AI == nil || m.Body != r.Text || m.ID == 0 {
		t.Fatalf("reply %+v, message %+v", r, m)
	}

	msgs := f.messages(t, c)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	v, b := msgs[0], msgs[1]
	if v.Author != agent.AuthorVisitor || v.Body != "Do you sell gift cards?" || v.Lang != "en" || v.AI != nil || v.ConversationID != c.ID {
		t.Errorf("visitor message = %+v", v)
	}
	if b.ID != m.ID || b.Author != agent.AuthorBot || b.Body != "Yes, gift cards from 100 to 2000 NOK are sold in the shop." || b.Lang != r.Lang || b.AI == nil {
		t.Fatalf("bot message = %+v", b)
	}
	ai := b.AI
	if ai.Decision != agent.Answer || ai.Reason != agent.ReasonAnswered || ai.Confidence != r.Confidence || ai.Confidence <= 0 ||
		ai.Mode != agent.ModeExtractive || ai.ModelError != "no language model configured" || ai.Model != "" ||
		ai.Query != "Do you sell gift cards?" || ai.Query != r.Query || ai.Fingerprint == "" || ai.Fingerprint != r.Fingerprint ||
		len(ai.QuickReplies) != 0 {
		t.Errorf("AI record = %+v\nreply = %+v", ai, r)
	}
	if ai.Total <= 0 || ai.Total != r.Total.Truncate(time.Microsecond) || ai.Retrieval != r.Retrieval.Truncate(time.Microsecond) || ai.ModelTime != 0 {
		t.Errorf("timings: total %v retrieval %v model %v; reply total %v retrieval %v", ai.Total, ai.Retrieval, ai.ModelTime, r.Total, r.Retrieval)
	}
	if len(ai.Sources) != 1 {
		t.Fatalf("sources = %+v", ai.Sources)
	}
	got, want := ai.Sources[0], r.Sources[0]
	if got.N != 1 || got.SourceID != f.answer.ID || got.Title != "Do you sell gift cards?" ||
		got.N != want.N || got.SourceID != want.SourceID || got.ChunkID != want.ChunkID || got.Title != want.Title || got.URL != want.URL {
		t.Errorf("stored source %+v, replied %+v", got, want)
	}

	// The conversation took the customer's language.
	if c, err := f.inbox.Get(f.ctx, f.ws, c.ID); err != nil || c.Lang != "en" {
		t.Errorf("conversation after the reply: %+v %v", c, err)
	}
}

func TestAskStoresQuickReplies(t *testing.T) {
	f := newFixture(t)
	for _, q := range []string{"Is the blue winter jacket waterproof?", "Is the green winter jacket waterproof?"} {
		if _, err := f.km.CreateShortAnswer(f.ctx, f.ws, knowledge.ShortAnswerInput{Question: q, Answer: "It depends on the jacket.", Lang: "en"}); err != nil {
			t.Fatal(err)
		}
	}
	c := f.conversation(t, inbox.NewConversation{})
	_, r, err := f.inbox.Ask(f.ctx, f.engine, f.agent, c, "is the winter jacket waterproof?", "en", nil)
	if err != nil || r.Decision != agent.Clarify || len(r.QuickReplies) != 3 {
		t.Fatalf("reply %+v, %v", r, err)
	}
	msgs := f.messages(t, c)
	if ai := msgs[1].AI; ai.Decision != agent.Clarify || ai.Mode != agent.ModeRule || !slices.Equal(ai.QuickReplies, r.QuickReplies) || len(ai.Sources) != 0 {
		t.Errorf("clarify record = %+v", ai)
	}
	// The options offered go back to the engine, so that a tapped one is answered from its source.
	if turns := inbox.History(msgs); !slices.Equal(turns[1].Options, r.QuickReplies) {
		t.Errorf("history of the clarify: %+v", turns[1])
	}
}

func TestHistory(t *testing.T) {
	f := newFixture(t)
	c := f.conversation(t, inbox.NewConversation{})
	if _, _, err := f.inbox.Ask(f.ctx, f.engine, f.agent, c, "Do you sell gift cards?", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.inbox.AddMessage(f.ctx, c.ID, agent.Author("note"), f.owner, "Customer is a VIP", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.inbox.AddMessage(f.ctx, c.ID, agent.AuthorHuman, f.owner, "Hi, Olga here.", ""); err != nil {
		t.Fatal(err)
	}
	msgs := f.messages(t, c)
	if len(msgs) != 4 || msgs[2].UserID != f.owner {
		t.Fatalf("%d messages: %+v", len(msgs), msgs)
	}
	turns := inbox.History(msgs)
	if len(turns) != 3 {
		t.Fatalf("turns = %+v, want 3 (the note left out)", turns)
	}
	ai := msgs[1].AI
	want := []agent.Turn{
		{Author: agent.AuthorVisitor, Text: "Do you sell gift cards?"},
		{Author: agent.AuthorBot, Text: msgs[1].Body, Decision: agent.Answer, Reason: agent.ReasonAnswered, Query: ai.Query, Fingerprint: ai.Fingerprint,
			Options: ai.QuickReplies},
		{Author: agent.AuthorHuman, Text: "Hi, Olga here."},
	}
	for i := range want {
		if !reflect.DeepEqual(turns[i], want[i]) {
			t.Errorf("turn %d = %+v, want %+v", i, turns[i], want[i])
		}
	}
	if turns[1].Query == "" || turns[1].Fingerprint == "" {
		t.Errorf("bot turn lacks query or fingerprint: %+v", turns[1])
	}
	if got := inbox.History(nil); len(got) != 0 {
		t.Errorf("history of nothing = %+v", got)
	}

	// What the AI is shown: the same turns, and of a long conversation the last ones only.
	if got, err := f.inbox.AIHistory(f.ctx, c.ID); err != nil || !reflect.DeepEqual(got, turns) {
		t.Errorf("AI history = %+v, %v; want %+v", got, err, turns)
	}
	for i := range 2 * inbox.HistoryTurns {
		author := agent.AuthorVisitor
		if i%3 == 2 {
			author = inbox.AuthorSystem
		}
		if _, err := f.inbox.AddMessage(f.ctx, c.ID, author, 0, fmt.Sprintf("message %d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	all := inbox.History(f.messages(t, c))
	if got, err := f.inbox.AIHistory(f.ctx, c.ID); err != nil || !reflect.DeepEqual(got, all[len(all)-inbox.HistoryTurns:]) {
		t.Errorf("AI history of %d turns = %+v, %v; want the last %d", len(all), got, err, inbox.HistoryTurns)
	}
}

func TestAskRepeatedAnswerHandsOff(t *testing.T) {
	f := newFixture(t)
	c := f.conversation(t, inbox.NewConversation{})
	_, first, err := f.inbox.Ask(f.ctx, f.engine, f.agent, c, "Do you sell gift cards?", "en", nil)
	if err != nil || first.Decision != agent.Answer {
		t.Fatalf("first: %+v %v", first, err)
	}
	_, second, err := f.inbox.Ask(f.ctx, f.engine, f.agent, c, "Do you sell gift cards?", "en", nil)
	if err != nil || second.Decision != agent.Handoff || second.Reason != agent.ReasonRepeated || second.Text != agent.Say("en", agent.PhraseRepeated) {
		t.Fatalf("second: %+v %v", second, err)
	}
	msgs := f.messages(t, c)
	if len(msgs) != 4 || msgs[3].AI == nil || msgs[3].AI.Reason != agent.ReasonRepeated || msgs[3].AI.Fingerprint != "" {
		t.Fatalf("stored: %+v", msgs)
	}
	// A new conversation starts afresh.
	_, again, err := f.inbox.Ask(f.ctx, f.engine, f.agent, f.conversation(t, inbox.NewConversation{}), "Do you sell gift cards?", "en", nil)
	if err != nil || again.Decision != agent.Answer {
		t.Fatalf("in a new conversation: %+v %v", again, err)
	}
}

func TestAskRefusesBadMessages(t *testing.T) {
	f := newFixture(t)
	c := f.conversation(t, inbox.NewConversation{})
	for name, text := range map[string]string{
		"empty":    "",
		"blank":    " \n\t ",
		"too long": strings.Repeat("å", inbox.MaxMessage+1),
	} {
		_, _, err := f.inbox.Ask(f.ctx, f.engine, f.agent, c, text, "", nil)
		var ie *usererr.InputError
		if !errors.As(err, &ie) || ie.Field != "message" {
			t.Errorf("%s: err = %v, want an input error on message", name, err)
		}
	}
	if msgs := f.messages(t, c); len(msgs) != 0 {
		t.Fatalf("refused messages were stored: %+v", msgs)
	}
	// Exactly the limit is fine.
	if _, _, err := f.inbox.Ask(f.ctx, f.engine, f.agent, c, strings.Repeat("å", inbox.MaxMessage), "", nil); err != nil {
		t.Fatalf("a message of %d characters: %v", inbox.MaxMessage, err)
	}
}

type failingSearch struct{}

func (failingSearch) Search(context.Context, int64, string, knowledge.SearchOptions) ([]knowledge.Result, error) {
	return nil, errors.New("disk I/O error")
}

func (failingSearch) UnknownWords(context.Context, string) []string { return nil }

func TestAskKeepsTheMessageWhenAnsweringFails(t *testing.T) {
	f := newFixture(t)
	c := f.conversation(t, inbox.NewConversation{})
	broken := agent.NewEngine(agent.Options{Knowledge: failingSearch{}})
	_, _, err := f.inbox.Ask(f.ctx, broken, f.agent, c, "Where is my order?", "", nil)
	if err == nil || !strings.Contains(err.Error(), "disk I/O error") {
		t.Fatalf("err = %v", err)
	}
	msgs := f.messages(t, c)
	if len(msgs) != 1 || msgs[0].Author != agent.AuthorVisitor || msgs[0].Body != "Where is my order?" || msgs[0].AI != nil {
		t.Fatalf("stored: %+v", msgs)
	}
}

func TestGetOfAnotherWorkspace(t *testing.T) {
	f := newFixture(t)
	c := f.conversation(t, inbox.NewConversation{})
	other, err := f.accts.CreateWorkspace(f.ctx, "Other", f.owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.inbox.Get(f.ctx, other.ID, c.ID); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("Get from another workspace: %v, want ErrNotFound", err)
	}
	if _, err := f.inbox.Get(f.ctx, f.ws, c.ID+100); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("Get of a missing conversation: %v, want ErrNotFound", err)
	}
	if got, err := f.inbox.Get(f.ctx, f.ws, c.ID); err != nil || got.ID != c.ID {
		t.Errorf("Get = %+v, %v", got, err)
	}
}

func TestLatestPreview(t *testing.T) {
	f := newFixture(t)
	ann, _, err := f.accts.AddMember(f.ctx, f.ws, account.NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, account.RoleAdmin, false)
	if err != nil {
		t.Fatal(err)
	}
	bo, err := f.agents.Create(f.ctx, f.ws, agent.Input{Name: "Bo", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.inbox.LatestPreview(f.ctx, f.ws, f.agent.ID, f.owner); !errors.Is(err, inbox.ErrNotFound) {
		t.Fatalf("no preview yet: %v", err)
	}
	f.conversation(t, inbox.NewConversation{Preview: true, CreatedBy: f.owner})
	newest := f.conversation(t, inbox.NewConversation{Preview: true, CreatedBy: f.owner, Channel: "email"})
	f.conversation(t, inbox.NewConversation{Preview: true, CreatedBy: ann.ID})                  // another admin's
	f.conversation(t, inbox.NewConversation{Preview: true, CreatedBy: f.owner, AgentID: bo.ID}) // another agent's
	f.conversation(t, inbox.NewConversation{CreatedBy: f.owner})                                // not a preview

	got, err := f.inbox.LatestPreview(f.ctx, f.ws, f.agent.ID, f.owner)
	if err != nil || got.ID != newest.ID || got.Channel != "email" || !got.Preview {
		t.Fatalf("latest preview = %+v, %v; want %d", got, err, newest.ID)
	}
	other, err := f.accts.CreateWorkspace(f.ctx, "Other", f.owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.inbox.LatestPreview(f.ctx, other.ID, f.agent.ID, f.owner); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("latest preview in another workspace: %v", err)
	}
}
