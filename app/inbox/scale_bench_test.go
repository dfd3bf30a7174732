package inbox_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/store"
)

// BenchmarkScale measures the store's side of the message path and the inbox's queries on
// a small workspace and on one of 100,000 conversations and about 1,000,000 messages, each
// generated straight through SQL into a fresh database file: the cost of a customer's
// message (into a conversation of 10 messages and into one of 1,000), the AI's read of
// the conversation, finding a visitor's conversation, and the inbox's lists, counts and
// searches. The goal is the same cost at both sizes (within 20 %). SCALE=N changes the
// large size (conversations; ten messages each).
func BenchmarkScale(b *testing.B) {
	large := 100_000
	if s := os.Getenv("SCALE"); s != "" {
		large, _ = strconv.Atoi(s)
	}
	for _, n := range []int{1_000, large} {
		b.Run(fmt.Sprintf("conversations=%d", n), func(b *testing.B) { benchScale(b, n) })
	}
}

// scaleWorld is a generated workspace: its store, its owner and team, its visitors, and
// the open conversations its owner has (the long one of 1,000 messages among them).
type scaleWorld struct {
	db       *store.DB
	inbox    *inbox.Store
	ws       int64
	owner    int64
	team     int64
	channel  channel.Channel
	visitors []inbox.Visitor
	mine     []int64
	long     int64
}

// The generated conversations: one in ten open; the open ones taken in turn by the AI,
// the owner, no one, and the team (waiting unread); the rest closed. One in nineteen is in
// Chinese. Every English message names an order; "damaged" is in one conversation in a
// hundred, "invoice"/"发票" in one in two hundred, "退款" in every Chinese one.
func benchScale(b *testing.B, conversations int) {
	w := newScaleWorld(b, conversations)
	ctx := context.Background()
	svc := &inbox.Service{Store: w.inbox}

	visitorMessage := func(id int64) func(int) error {
		return func(i int) error {
			c, err := w.inbox.Get(ctx, w.ws, id)
			if err != nil {
				return err
			}
			// What the widget does with a customer's message (app/web/widget.go, send).
			_, _, err = svc.VisitorMessage(ctx, w.channel, c, "Is there any news about my order "+strconv.Itoa(i)+"?", "en")
			return err
		}
	}
	small := func(i int) error { return visitorMessage(w.mine[i%len(w.mine)])(i) }
	timed(b, "message/conversation=10", small)
	timed(b, "message/conversation=1000", visitorMessage(w.long))
	timed(b, "ai-history/conversation=10", func(i int) error {
		_, err := w.inbox.AIHistory(ctx, w.mine[i%len(w.mine)])
		return err
	})
	timed(b, "ai-history/conversation=1000", func(int) error {
		_, err := w.inbox.AIHistory(ctx, w.long)
		return err
	})
	timed(b, "find-visitor-conversation", func(i int) error {
		_, err := w.inbox.VisitorConversation(ctx, w.visitors[(i*7919)%len(w.visitors)])
		return err
	})
	for _, v := range []inbox.View{inbox.ViewUnassigned, inbox.ViewMine, inbox.ViewTeam, inbox.ViewUnreplied, inbox.ViewUnread, inbox.ViewAll, inbox.ViewClosed} {
		timed(b, "list/"+string(v), func(int) error {
			_, err := w.inbox.List(ctx, w.ws, inbox.Filter{View: v, UserID: w.owner, TeamID: w.team, Limit: 101})
			return err
		})
	}
	timed(b, "counts", func(int) error {
		_, err := w.inbox.Count(ctx, w.ws, w.owner, []int64{w.team})
		return err
	})
	for _, s := range []struct{ name, words string }{
		{"common", "order"}, {"1pct", "damaged"}, {"two-words", "damaged parcel"}, {"none", "zeppelin"},
		{"zh-common", "退款"}, {"zh-rare", "发票"},
	} {
		for _, v := range []inbox.View{inbox.ViewAll, inbox.ViewClosed} {
			timed(b, "search/"+s.name+"/"+string(v), func(int) error {
				_, err := w.inbox.List(ctx, w.ws, inbox.Filter{View: v, Search: s.words, Limit: 101})
				return err
			})
		}
	}
}

// timed runs op as a sub-benchmark and reports its p50 and p99.
func timed(b *testing.B, name string, op func(i int) error) {
	b.Run(name, func(b *testing.B) {
		var ds []time.Duration
		for i := 0; b.Loop(); i++ {
			start := time.Now()
			if err := op(i); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		report(b, "op", ds)
	})
}

func newScaleWorld(b *testing.B, conversations int) *scaleWorld {
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	accts := account.New(db)
	owner, ws, _, err := accts.Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner"}, "Shop")
	if err != nil {
		b.Fatal(err)
	}
	team, err := accts.CreateTeam(ctx, ws.ID, "Billing")
	if err != nil {
		b.Fatal(err)
	}
	a, err := agent.NewStore(db).Create(ctx, ws.ID, agent.Input{Name: "Ava", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	ch, err := channel.NewStore(db).Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: a.ID, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	w := &scaleWorld{db: db, inbox: inbox.New(db), ws: ws.ID, owner: owner.ID, team: team.ID, channel: ch}

	start := time.Now()
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		prep := func(q string) *sql.Stmt {
			s, err := tx.PrepareContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			return s
		}
		visitor := prep("INSERT INTO visitors (workspace_id, channel_id, token_hash, lang, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)")
		conv := prep(`INSERT INTO conversations (workspace_id, agent_id, channel_id, channel, visitor_id, lang, status, assignee_id, team_id,
			ai_active, unread, awaiting, first_ai_at, last_activity_at, closed_at, created_at, updated_at)
			VALUES (?, ?, ?, 'chat', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		msg := prep("INSERT INTO messages (conversation_id, author, user_id, body, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)")
		reply := prep(`INSERT INTO ai_replies (message_id, agent_id, decision, reason, confidence, mode, query, fingerprint)
			VALUES (?, ?, 'answer', 'answered', 0.8, 'extractive', ?, ?)`)
		t0 := time.Now().Add(-time.Duration(conversations) * time.Minute).Unix()
		for i := range conversations {
			lang := "en"
			if i%19 == 7 {
				lang = "zh"
			}
			at := t0 + int64(i)*60
			sum := sha256.Sum256([]byte(strconv.Itoa(i)))
			res, err := visitor.ExecContext(ctx, ws.ID, ch.ID, sum[:], lang, at, at)
			if err != nil {
				return err
			}
			vid, _ := res.LastInsertId()
			w.visitors = append(w.visitors, inbox.Visitor{ID: vid, WorkspaceID: ws.ID, ChannelID: ch.ID})

			status, ai, unread, awaiting := "closed", false, false, false
			var assignee, teamID, closed any
			closed = at
			kind := -1
			if i%10 == 0 {
				status, closed, kind = "open", nil, (i/10)%4
			}
			switch kind {
			case 0:
				ai = true
			case 1:
				assignee, awaiting = owner.ID, i%80 == 10
			case 2:
				unread, awaiting = true, true
			case 3:
				teamID, unread, awaiting = team.ID, true, true
			}
			res, err = conv.ExecContext(ctx, ws.ID, a.ID, ch.ID, vid, lang, status, assignee, teamID, ai, unread, awaiting, at, at, closed, at, at)
			if err != nil {
				return err
			}
			cid, _ := res.LastInsertId()
			n := 10
			if kind == 1 {
				w.mine = append(w.mine, cid)
				if w.long == 0 && len(w.mine) > 1 {
					w.long, n = cid, 1000
				}
			}
			for j := range n {
				author, body := "visitor", scaleBody(i, j, lang)
				var user any
				if j%2 == 1 {
					author = "bot"
					if kind == 1 || kind == 3 {
						author, user = "human", owner.ID
					}
				}
				res, err := msg.ExecContext(ctx, cid, author, user, body, lang, at)
				if err != nil {
					return err
				}
				if author == "bot" {
					mid, _ := res.LastInsertId()
					if _, err := reply.ExecContext(ctx, mid, a.ID, body, fmt.Sprintf("%d:%d", j, j)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.inbox.IndexMessages(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d conversations in %v", conversations, time.Since(start).Round(time.Millisecond))
	return w
}

var (
	scaleEnglish = []string{
		"Hello, my order %d has not arrived yet. Can you check where it is?",
		"Thanks for waiting. Order %d left our warehouse on Monday and should arrive within three days.",
		"Can I change the delivery address of order %d to my office?",
		"Of course: the address of order %d can be changed until it is shipped.",
		"What is your return policy for shoes bought with order %d?",
	}
	scaleChinese = []string{
		"你好，我的订单%d还没有到，可以帮我查一下吗？",
		"您好，订单%d已经发货，预计三天内送达。",
		"我想申请退款，订单%d的商品有问题。",
		"好的，退款会在五个工作日内退回原支付方式。",
	}
)

// scaleBody is message j of conversation i.
func scaleBody(i, j int, lang string) string {
	if lang == "zh" {
		s := fmt.Sprintf(scaleChinese[j%len(scaleChinese)], i)
		if j == 2 && i%209 == 7 {
			s += "另外，请给我开一张发票。"
		}
		return s
	}
	s := fmt.Sprintf(scaleEnglish[j%len(scaleEnglish)], i)
	if j == 4 && i%101 == 0 {
		s += " The parcel was damaged."
	}
	if j == 6 && i%199 == 1 {
		s += " Please send me an invoice."
	}
	return s
}
