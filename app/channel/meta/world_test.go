package meta_test

import (
	"context"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/attach"
	"agent/app/channel"
	"agent/app/channel/meta"
	"agent/app/channel/meta/metatest"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/knowledge"
	"agent/app/store"
)

const (
	token     = "EAAGm0PX4ZCpsBAtesttoken"
	appSecret = "0123456789abcdef0123456789abcdef"
	phoneID   = "106540352242922"
	wabaID    = "102290129340398"
	pageID    = "104563788265123"
)

// world is a workspace with an AI agent that knows about gift cards, a WhatsApp and a
// Messenger channel connected to a fake Graph API, and the webhook's receiver and intake.
type world struct {
	ctx        context.Context
	db         *store.DB
	ws         int64
	owner      int64
	agent      int64 // the AI agent that knows about gift cards
	channels   *channel.Store
	inbox      *inbox.Store
	svc        *inbox.Service
	settings   *meta.Store
	runner     *jobs.Runner
	deliveries *inbox.Deliveries
	receiver   *meta.Receiver
	intake     *meta.Intake
	graph      *metatest.Graph
	files      *attach.Store
	senders    map[channel.Kind]*meta.Sender
	wa, ms     channel.Channel
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	owner, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner", Password: "owner password"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	km := knowledge.New(knowledge.Options{DB: db})
	if _, err := km.CreateShortAnswer(ctx, ws.ID, knowledge.ShortAnswerInput{Question: "Do you sell gift cards?",
		Answer: "Yes, gift cards from 100 to 2000 NOK are sold in the shop.", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	agents := agent.NewStore(db)
	a, err := agents.Create(ctx, ws.ID, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	channels, conversations, settings := channel.NewStore(db), inbox.New(db), meta.NewStore(db)
	w := &world{ctx: ctx, db: db, ws: ws.ID, owner: owner.ID, agent: a.ID, channels: channels, inbox: conversations, settings: settings}
	w.graph = metatest.NewGraph(t, token)
	graph := &meta.Graph{BaseURL: w.graph.URL, Version: w.graph.Version}
	w.runner = jobs.New(db, nil)
	w.senders = map[channel.Kind]*meta.Sender{}
	drivers := map[channel.Kind]channel.Driver{}
	for _, k := range []channel.Kind{channel.WhatsApp, channel.Messenger} {
		w.senders[k] = &meta.Sender{Kind: k, DB: db, Settings: settings, Inbox: conversations, Graph: graph}
		drivers[k] = w.senders[k]
	}
	w.deliveries = &inbox.Deliveries{Store: conversations, Channels: channels, Jobs: w.runner, Drivers: drivers, MaxAttempts: 3}
	w.runner.Handle(inbox.JobSend, w.deliveries.Send)
	w.svc = &inbox.Service{Store: conversations, Hub: inbox.NewHub(), Engine: agent.NewEngine(agent.Options{Knowledge: km}), Agents: agents,
		Channels: channels, Outboxes: map[channel.Kind]inbox.Outbox{channel.WhatsApp: w.deliveries, channel.Messenger: w.deliveries}}
	w.receiver = &meta.Receiver{DB: db, Channels: channels, Settings: settings, Jobs: w.runner}
	w.files = attach.NewStore(db)
	w.intake = &meta.Intake{DB: db, Settings: settings, Service: w.svc, Graph: graph, Files: w.files}
	w.runner.Handle(meta.JobEvent, w.intake.Process)
	w.runner.Handle(inbox.JobAnswer, w.svc.AnswerQueued)

	for _, c := range []struct {
		ch   *channel.Channel
		kind channel.Kind
		set  meta.Settings
	}{
		{&w.wa, channel.WhatsApp, meta.Settings{AccountID: phoneID, BusinessID: wabaID, AccessToken: token, AppSecret: appSecret,
			Templates: []meta.Template{{Name: "order_update", Lang: "en_US", Params: 1}}}},
		{&w.ms, channel.Messenger, meta.Settings{AccountID: pageID, AccessToken: token, AppSecret: appSecret}},
	} {
		*c.ch, err = channels.Create(ctx, ws.ID, channel.Input{Kind: c.kind, Name: string(c.kind), AgentID: a.ID, Handoff: channel.Unassigned, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		c.set.ChannelID = c.ch.ID
		if _, err := settings.Save(ctx, c.kind, c.set); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// post hands a signed event to the receiver and runs the jobs it makes.
func (w *world) post(t *testing.T, ch channel.Channel, body []byte) {
	t.Helper()
	if err := w.receiver.Receive(w.ctx, ch.PublicKey, metatest.Signature(appSecret, body), body); err != nil {
		t.Fatalf("Receive: %v", err)
	}
	w.run(t)
}

func (w *world) run(t *testing.T) {
	t.Helper()
	if _, err := w.runner.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
}

// messages returns the messages of the channel's conversations, oldest conversation first.
func (w *world) messages(t *testing.T, ch channel.Channel) [][]inbox.Message {
	t.Helper()
	rows, err := w.db.Read.Query("SELECT id FROM conversations WHERE channel_id = ? ORDER BY id", ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var out [][]inbox.Message
	for _, id := range ids {
		ms, err := w.inbox.Messages(w.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ms)
	}
	return out
}

func (w *world) delivery(t *testing.T, messageID int64) inbox.Delivery {
	t.Helper()
	d, ok, err := w.inbox.Delivery(w.ctx, messageID)
	if err != nil || !ok {
		t.Fatalf("delivery of %d: %v %v", messageID, ok, err)
	}
	return d
}

func ago(d time.Duration) time.Time { return time.Now().Add(-d) }
