package cli

import (
	"context"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/store"
)

// TestServeAnswersWhatAStopLeftUnanswered: a customer's message stored by a process that
// was killed before the AI replied is answered once the server starts again.
func TestServeAnswersWhatAStopLeftUnanswered(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	db, ws, a := giftShop(t, data)
	ch, err := channel.NewStore(db).Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: a.ID, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	conversations := inbox.New(db)
	v, _, err := conversations.NewVisitor(ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	c, err := conversations.OpenConversation(ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conversations.AddMessage(ctx, c.ID, agent.AuthorVisitor, 0, "Do you sell gift cards?", "en"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	stop, errb := serveInProcess(t, data)
	db, err = store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var msgs []inbox.Message
	for deadline := time.Now().Add(20 * time.Second); len(msgs) < 2 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if msgs, err = inbox.New(db).Messages(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if len(msgs) != 2 || msgs[1].Author != agent.AuthorBot || msgs[1].AI.Decision != agent.Answer {
		t.Fatalf("messages = %+v, want the customer's and the AI's answer\n%s", msgs, errb.String())
	}
	stop()
}

// giftShop makes, in a new database in data (the caller closes it), a workspace whose
// knowledge answers "Do you sell gift cards?" and its active AI agent.
func giftShop(t *testing.T, data string) (*store.DB, account.Workspace, agent.Agent) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "O", Password: "owner password"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := knowledge.New(knowledge.Options{DB: db}).CreateShortAnswer(ctx, ws.ID, knowledge.ShortAnswerInput{
		Question: "Do you sell gift cards?", Answer: "Yes, from 100 to 2000 NOK.", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	a, err := agent.NewStore(db).Create(ctx, ws.ID, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return db, ws, a
}

// serveInProcess runs `agent serve` on data in this process, with environ, until stop,
// which checks that it shuts down cleanly; errb is what it writes to stderr.
func serveInProcess(t *testing.T, data string, environ ...string) (stop func(), errb *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	errb = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--data", data, "--listen", "127.0.0.1:0", "--ollama", "http://127.0.0.1:1"},
			Env{Stdout: &out, Stderr: errb, Version: "v-test", Environ: environ})
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d: %s", code, errb.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not shut down")
		}
	}
	t.Cleanup(stop)
	return stop, errb
}
