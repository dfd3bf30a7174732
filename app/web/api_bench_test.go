package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/knowledge"
)

// BenchmarkAPI measures a sync script's typical calls through the whole stack (HTTP over
// loopback, the token's lookup and limits, JSON both ways, the domain, SQLite) on a
// workspace of 10,000 conversations, 100,000 messages and 1,000 knowledge articles
// (API_SCALE=1: 100,000 conversations and 1,000,000 messages):
//
//   - conversations-page2: the second page of 50 closed conversations, by its cursor;
//   - reply: a person's reply in an open conversation (stored, announced to its streams);
//   - short-answer: a new short answer with two variants (stored and indexed).
func BenchmarkAPI(b *testing.B) {
	o := loadOptions{conversations: 10_000, messages: 100_000}
	if os.Getenv("API_SCALE") == "1" {
		o.conversations, o.messages = 100_000, 1_000_000
	}
	e := newEnv(b, nil)
	e.setupOwner()
	ctx := context.Background()
	a := e.createAgent("Ava")
	aiCh, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: a.ID, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	humanCh, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Help desk", Handoff: channel.Unassigned, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	p := prefill{db: e.db.Write, ws: e.wsID, agent: a.ID, aiCh: aiCh.ID, humanCh: humanCh.ID, staff: []int64{e.ownerID()},
		texts: []string{"Where is my parcel?", "Do you sell gift cards?", "Can I return shoes?", "What are your opening hours?"}}
	if _, _, err := p.fill(ctx, o, nil, nil); err != nil {
		b.Fatal(err)
	}
	var kb strings.Builder
	enc := json.NewEncoder(&kb)
	for i := range 1000 {
		enc.Encode(knowledge.Item{Kind: "article", ID: fmt.Sprint(i), Title: fmt.Sprintf("Policy %d", i), Lang: "en",
			Body: strings.Repeat(fmt.Sprintf("Orders of kind %d ship within %d days and may be returned within %d days. ", i, i%7+1, i%30+14), 12)})
	}
	if _, err := e.knowledge.ImportJSONL(ctx, e.wsID, strings.NewReader(kb.String()), nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d conversations, %d messages and 1,000 articles in %s", o.conversations, o.messages, time.Since(start).Round(time.Second))

	conv, err := e.service.Store.Create(ctx, e.wsID, inbox.NewConversation{Channel: "chat"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.service.Store.AddMessage(ctx, conv.ID, agent.AuthorVisitor, 0, "Where is my order?", "en"); err != nil {
		b.Fatal(err)
	}
	e.server.SetAPILimit(1<<30, time.Minute)
	token := e.apiToken(e.wsID, e.ownerID(), account.Scopes...)
	first := e.api(token, http.MethodGet, "/api/v1/conversations?view=closed&limit=50", nil)
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal(first.body, &page); err != nil || page.NextCursor == "" {
		b.Fatalf("first page = %d %s", first.status, first.body)
	}

	b.Run("conversations-page2", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if res := e.api(token, http.MethodGet, "/api/v1/conversations?view=closed&limit=50&cursor="+page.NextCursor, nil); res.status != http.StatusOK {
				b.Fatalf("%d %s", res.status, res.body)
			}
		}
	})
	b.Run("reply", func(b *testing.B) {
		b.ReportAllocs()
		path := "/api/v1/conversations/" + ids.Encode(conv.ID) + "/messages"
		for b.Loop() {
			if res := e.api(token, http.MethodPost, path, map[string]string{"text": "It ships tomorrow."}); res.status != http.StatusCreated {
				b.Fatalf("%d %s", res.status, res.body)
			}
		}
	})
	b.Run("short-answer", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			body := map[string]any{"question": fmt.Sprintf("Do you ship parcel %d to Norway?", i),
				"variants": []string{fmt.Sprintf("Shipping %d to Norway?", i), fmt.Sprintf("Norway delivery %d?", i)}, "answer": "Yes, in 3 to 5 days."}
			if res := e.api(token, http.MethodPost, "/api/v1/knowledge/short-answers", body); res.status != http.StatusCreated {
				b.Fatalf("%d %s", res.status, res.body)
			}
		}
	})
}
