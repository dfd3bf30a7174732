package gaps_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/gaps"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/llm"
	"agent/app/store"
)

// world is a migrated database with a workspace, its owner, an AI agent answering a chat
// channel from a little knowledge, the inbox recording gaps as they come, and a book.
type world struct {
	t      testing.TB
	ctx    context.Context
	db     *store.DB
	ws     int64
	owner  int64
	km     *knowledge.Manager
	agents *agent.Store
	agent  agent.Agent
	svc    *inbox.Service
	chat   channel.Channel
	book   *gaps.Book
	made   []gaps.Gap // told by OnCreated
}

// shop is the knowledge the agent answers from.
var shop = []knowledge.ShortAnswerInput{
	{Question: "Do you sell gift cards?", Variants: []string{"can I buy a gift card"}, Answer: "Yes, gift cards from 100 to 2000 NOK.", Lang: "en"},
	{Question: "What are your opening hours?", Variants: []string{"when do you open"}, Answer: "Every day from 10 to 18.", Lang: "en"},
}

func newWorld(t testing.TB, client *llm.Client, knowledgeIn ...knowledge.ShortAnswerInput) *world {
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
	w := &world{t: t, ctx: ctx, db: db, ws: ws.ID, owner: owner.ID, agents: agent.NewStore(db)}
	w.km = knowledge.New(knowledge.Options{DB: db, LLM: client})
	if knowledgeIn == nil {
		knowledgeIn = shop
	}
	for _, in := range knowledgeIn {
		if _, err := w.km.CreateShortAnswer(ctx, w.ws, in); err != nil {
			t.Fatal(err)
		}
	}
	if client != nil {
		if _, err := w.km.Embed(ctx, w.ws); err != nil {
			t.Fatal(err)
		}
	}
	w.agent, err = w.agents.Create(ctx, w.ws, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	channels := channel.NewStore(db)
	w.chat, err = channels.Create(ctx, w.ws, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: w.agent.ID, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	w.book = gaps.New(gaps.Options{DB: db, Knowledge: w.km, Agents: w.agents,
		OnCreated: func(_ context.Context, g gaps.Gap) { w.made = append(w.made, g) }})
	w.svc = &inbox.Service{Store: inbox.New(db), Hub: inbox.NewHub(), Engine: agent.NewEngine(agent.Options{Knowledge: w.km}),
		Agents: w.agents, Channels: channels, Log: slog.New(slog.DiscardHandler), Gaps: w.book}
	return w
}

// ask has a new visitor write each text in turn in a conversation of its own, and
// returns the conversation and the AI's last reply.
func (w *world) ask(texts ...string) (inbox.Conversation, inbox.Message) {
	w.t.Helper()
	return w.converse(true, nil, texts...)
}

// converse is ask with the AI agent on the conversation or not (then the bot or people
// have it), and before each text, when set, prepare (which may change the conversation).
func (w *world) converse(ai bool, prepare func(inbox.Conversation), texts ...string) (inbox.Conversation, inbox.Message) {
	w.t.Helper()
	v, _, err := w.svc.Store.NewVisitor(w.ctx, w.chat, "")
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := w.svc.Store.OpenConversation(w.ctx, w.chat, v, ai)
	if err != nil {
		w.t.Fatal(err)
	}
	var last inbox.Message
	for _, text := range texts {
		if prepare != nil {
			prepare(c)
		}
		if c, err = w.svc.Store.Get(w.ctx, w.ws, c.ID); err != nil {
			w.t.Fatal(err)
		}
		_, out, err := w.svc.VisitorMessage(w.ctx, w.chat, c, text, "")
		if err != nil {
			w.t.Fatal(err)
		}
		for _, m := range out {
			if m.AI != nil {
				last = m
			}
		}
	}
	return c, last
}

// record stores a conversation with one customer message, text, asked at, and records it
// as a gap: grouping without the inbox's decisions.
func (w *world) record(text string, at time.Time) gaps.Gap {
	w.t.Helper()
	res, err := w.db.Write.Exec("INSERT INTO conversations (workspace_id, agent_id, channel, created_at, updated_at) VALUES (?, ?, 'chat', ?, ?)",
		w.ws, w.agent.ID, at.Unix(), at.Unix())
	if err != nil {
		w.t.Fatal(err)
	}
	conv, _ := res.LastInsertId()
	res, err = w.db.Write.Exec("INSERT INTO messages (conversation_id, author, body, created_at) VALUES (?, 'visitor', ?, ?)", conv, text, at.Unix())
	if err != nil {
		w.t.Fatal(err)
	}
	msg, _ := res.LastInsertId()
	g, created, err := w.book.Record(w.ctx, gaps.Question{WorkspaceID: w.ws, ConversationID: conv, MessageID: msg, Text: text,
		Cause: gaps.CauseNoAnswer, AskedAt: at})
	if err != nil || !created {
		w.t.Fatalf("record %q: %v (created %v)", text, err, created)
	}
	return g
}

// topics lists the workspace's topics of a status.
func (w *world) topics(status gaps.Status) []gaps.Topic {
	w.t.Helper()
	ts, _, err := w.book.Topics(w.ctx, w.ws, status, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	return ts
}

func (w *world) topic(id int64) gaps.Topic {
	w.t.Helper()
	t, err := w.book.Topic(w.ctx, w.ws, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return t
}

// openQuestions describes each open question of the workspace's open topics by line,
// sorted.
func (w *world) openQuestions(line func(gaps.Topic, gaps.Gap) string) []string {
	w.t.Helper()
	var out []string
	for _, tp := range w.topics(gaps.Open) {
		qs, err := w.book.Questions(w.ctx, tp, gaps.Open)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, q := range qs {
			out = append(out, line(tp, q))
		}
	}
	slices.Sort(out)
	return out
}
