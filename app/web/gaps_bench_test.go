package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"agent/app/channel"
	"agent/app/gaps"
	"agent/app/ids"
)

// BenchmarkGaps measures the knowledge gaps of a big workspace (docs/BENCHMARKS.md,
// "Knowledge gaps"): 10,000 questions (GAPS_SCALE sets another number) about some 2,000
// subjects, each asked in several wordings, recorded one by one as the inbox records them
// (the time is logged), then over HTTP, as the owner, the list, a later page of it, its
// JSON and the most asked topic; and recording one more question.
func BenchmarkGaps(b *testing.B) {
	n := 10_000
	if s := os.Getenv("GAPS_SCALE"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	e := newEnv(b, nil)
	e.setupOwner()
	ctx := context.Background()
	a := e.createAgent("Ava")
	if _, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: a.ID, Active: true}); err != nil {
		b.Fatal(err)
	}
	questions := gapQuestions(n + 1000)
	asked := time.Now().Add(-90 * 24 * time.Hour)
	// The customers' messages, stored at once; the gaps are then recorded one by one.
	msgs := make([]gaps.Question, len(questions))
	tx, err := e.db.Write.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i, q := range questions {
		at := asked.Add(time.Duration(i) * 90 * 24 * time.Hour / time.Duration(len(questions)))
		res, err := tx.Exec("INSERT INTO conversations (workspace_id, agent_id, channel, created_at, updated_at) VALUES (?, ?, 'chat', ?, ?)",
			e.wsID, a.ID, at.Unix(), at.Unix())
		if err != nil {
			b.Fatal(err)
		}
		conv, _ := res.LastInsertId()
		res, err = tx.Exec("INSERT INTO messages (conversation_id, author, body, created_at) VALUES (?, 'visitor', ?, ?)", conv, q, at.Unix())
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := res.LastInsertId()
		msgs[i] = gaps.Question{WorkspaceID: e.wsID, ConversationID: conv, MessageID: msg, Text: q, Cause: gaps.CauseNoAnswer, AskedAt: at}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for _, q := range msgs[:n] {
		if _, _, err := e.gaps.Record(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	took := time.Since(start)
	topics, total, err := e.gaps.Topics(ctx, e.wsID, gaps.Open, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("recorded %d questions in %s (%s each): %d topics, the most asked %q with %d", n, took.Round(time.Millisecond),
		(took / time.Duration(n)).Round(time.Microsecond), total, topics[0].Title, topics[0].Questions)

	br := e.ownerBrowser()
	for _, path := range []string{"reports/gaps", "reports/gaps?page=20", "reports/gaps.json", "reports/gaps/" + ids.Encode(topics[0].ID)} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				if res := br.get(e.path(path)); res.status != http.StatusOK {
					b.Fatalf("%s = %d", path, res.status)
				}
			}
		})
	}
	more := msgs[n:]
	b.Run("record one more", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if i == len(more) {
				b.Fatal("out of questions: use a smaller -benchtime")
			}
			if _, _, err := e.gaps.Record(ctx, more[i]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// gapQuestions makes n questions customers might ask, about a fifth as many subjects:
// each subject is two or three words of a large vocabulary, asked in one of several
// wordings, some with a word more.
func gapQuestions(n int) []string {
	r := rand.New(rand.NewPCG(19, 22))
	vocab := make([]string, 3000)
	for i := range vocab {
		var w strings.Builder
		for range 5 + r.IntN(4) {
			w.WriteByte(byte('a' + r.IntN(26)))
		}
		vocab[i] = w.String()
	}
	subjects := make([][]string, n/5)
	for i := range subjects {
		s := make([]string, 2+r.IntN(2))
		for j := range s {
			s[j] = vocab[r.IntN(len(vocab))]
		}
		subjects[i] = s
	}
	forms := []string{"Do you have %s?", "Can I get %s", "how much is %s", "Where do I find %s?", "is there any %s", "%s please"}
	out := make([]string, n)
	for i := range out {
		// Popular subjects come up more often.
		s := subjects[int(float64(len(subjects))*r.Float64()*r.Float64())]
		words := append([]string{}, s...)
		if r.IntN(3) == 0 {
			words = append(words, vocab[r.IntN(len(vocab))])
		}
		out[i] = fmt.Sprintf(forms[r.IntN(len(forms))], strings.Join(words, " "))
	}
	return out
}
