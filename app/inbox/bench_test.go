package inbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/eval"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/llm"
	"agent/app/llm/llmtest"
	"agent/app/store"
)

// BenchmarkAsk measures the whole pipeline of one customer message except the model's
// own work: store the message, read the conversation, understand, retrieve, decide, ask the
// fake Ollama (which answers at once, over loopback HTTP), check the reply, store it with
// its record. The knowledge is the clinc150 development set (150 FAQ entries, 1,000
// out-of-scope questions among 5,500), so every decision path is taken.
func BenchmarkAsk(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "shared", "eval", "clinc150")
	kb, err := os.Open(filepath.Join(dir, "kb.jsonl"))
	if err != nil {
		b.Skip("needs ../shared/eval/clinc150 beside the project:", err)
	}
	defer kb.Close()
	qs, err := eval.ReadQuestions(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	user, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner"}, "owner password")
	if err != nil {
		b.Fatal(err)
	}
	km := knowledge.New(knowledge.Options{DB: db})
	if _, err := km.ImportJSONL(ctx, ws.ID, kb, nil); err != nil {
		b.Fatal(err)
	}
	a, err := agent.NewStore(db).Create(ctx, ws.ID, agent.Input{Name: "Bench", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	ollama := llmtest.New(b)
	ollama.SetReply(func(api.ChatRequest) string { return "Here is what our help centre says about it [1]." })
	client, err := llm.New(llm.Options{URL: ollama.URL(), ChatModel: "llama3.2"})
	if err != nil {
		b.Fatal(err)
	}
	engine := agent.NewEngine(agent.Options{Knowledge: km, LLM: client})
	conversations := inbox.New(db)

	var totals, pipeline []time.Duration
	var conv inbox.Conversation
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%10 == 0 { // conversations of ten messages, so history is read and checked
			if conv, err = conversations.Create(ctx, ws.ID, inbox.NewConversation{AgentID: a.ID, Channel: "chat", CreatedBy: user.ID}); err != nil {
				b.Fatal(err)
			}
		}
		q := qs[i%len(qs)]
		start := time.Now()
		_, r, err := conversations.Ask(ctx, engine, a, conv, q.Question, q.Lang, func(string) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		totals, pipeline = append(totals, total), append(pipeline, total-r.ModelTime)
	}
	b.StopTimer()
	report(b, "total", totals)
	report(b, "no-model", pipeline)
}

func report(b *testing.B, name string, ds []time.Duration) {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), name+"-p50-ms")
	b.ReportMetric(at(0.99), name+"-p99-ms")
}

// BenchmarkList measures the inbox's list (the first page of 101, as the inbox asks for it)
// over 10,000 conversations of 5 messages each: a view, a search for a word in 1% of the
// conversations, a search for one in none (which reads every message), and the view
// filtered by a tag on half of them and by one on 1%.
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner"}, "owner password")
	if err != nil {
		b.Fatal(err)
	}
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().Unix()
	// Two tags: "half" on every other conversation, "rare" on one in a hundred (the oldest
	// first, so that a page of the rare one reads most of the view).
	for _, name := range []string{"half", "rare"} {
		if _, err := tx.ExecContext(ctx, "INSERT INTO tags (workspace_id, name, created_at) VALUES (?, ?, ?)", ws.ID, name, now); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 10_000 {
		res, err := tx.ExecContext(ctx, `INSERT INTO conversations (workspace_id, channel, last_activity_at, created_at, updated_at)
			VALUES (?, 'chat', ?, ?, ?)`, ws.ID, now+int64(i), now, now)
		if err != nil {
			b.Fatal(err)
		}
		id, _ := res.LastInsertId()
		for _, t := range []struct {
			name string
			on   bool
		}{{"half", i%2 == 0}, {"rare", i%100 == 0}} {
			if !t.on {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_tags (conversation_id, tag_id)
				SELECT ?, id FROM tags WHERE workspace_id = ? AND name = ?`, id, ws.ID, t.name); err != nil {
				b.Fatal(err)
			}
		}
		for j := range 5 {
			body := fmt.Sprintf("Hello, this is message %d about my order number %d, which has not arrived yet. Can you check it?", j, i)
			if j == 4 && i%100 == 0 {
				body += " The parcel was damaged."
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO messages (conversation_id, author, body, created_at) VALUES (?, 'visitor', ?, ?)`,
				id, body, now); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	conversations := inbox.New(db)
	if err := conversations.IndexMessages(ctx); err != nil {
		b.Fatal(err)
	}
	tagID := func(name string) int64 {
		t, err := conversations.TagByName(ctx, ws.ID, name)
		if err != nil {
			b.Fatal(err)
		}
		return t.ID
	}
	for _, bc := range []struct {
		name, search string
		tag          int64
	}{{"view", "", 0}, {"search-1pct", "damaged", 0}, {"search-none", "refund", 0}, {"tag-half", "", tagID("half")}, {"tag-1pct", "", tagID("rare")}} {
		b.Run(bc.name, func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := conversations.List(ctx, ws.ID, inbox.Filter{View: inbox.ViewAll, Search: bc.search, TagID: bc.tag, Limit: 101}); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
			}
			report(b, "list", ds)
		})
	}
}
