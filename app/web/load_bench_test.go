package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/eval"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/llm/llmtest"
	"agent/app/store"
)

// BenchmarkLoad measures the message path as customers and staff use it: real clients
// over HTTP against the real binary (`make loadtest`; docs/BENCHMARKS.md, "Load"). Each
// shape runs for LOAD_SECONDS (20) with LOAD_CLIENTS (16) clients, each sending its next
// request as soon as the last is answered, and reports requests per second, p50 and p99:
//
//   - write: a visitor's message in a conversation a person has (stored, nothing answers);
//   - ai: a visitor's message the AI answers (extractive mode, on clinc150's knowledge,
//     its in-scope questions; the channel keeps the AI on the conversation after a handoff);
//   - new: a new conversation, the widget's three requests (visitor, conversation, first
//     message, which the AI answers), timed together;
//   - reply: a person's reply from the inbox (the form post, answered with a redirect);
//   - list, search: the inbox's list with its counts, and the list searched for a word.
//
// Each client has conversations of its own (100 per shape, written to in turn, or 10 in a
// scale run) and a staff member's session. LOAD_SCALE=1 first fills the workspace, with
// plain INSERTs into the migrated database, up to 100,000 conversations and 1,000,000
// messages, the clients' conversations holding 1,000 messages each
// (LOAD_SCALE_CONVERSATIONS, LOAD_SCALE_MESSAGES, LOAD_SCALE_HISTORY change these).
//
// When taskset exists and there are two CPUs, the server runs on CPU 0 and the benchmark
// (its clients) on CPU 1, so that neither takes the other's time (LOAD_PIN=off: no pinning).
func BenchmarkLoad(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "shared", "eval", "clinc150")
	kbPath := filepath.Join(dir, "kb.jsonl")
	if _, err := os.Stat(kbPath); err != nil {
		b.Skip("needs ../shared/eval/clinc150 beside the project:", err)
	}
	qs, err := eval.ReadQuestions(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	var questions, texts []string // in-scope questions (the AI answers them); every question
	for _, q := range qs {
		if q.Lang == "en" {
			texts = append(texts, q.Question)
			if len(q.Gold) > 0 {
				questions = append(questions, q.Question)
			}
		}
	}
	o := loadOptionsFromEnv(b)
	bin := buildAgent(b)
	w := prepareLoad(b, o, kbPath, texts)
	serverCPU, clientCPU := loadCPUs(b)
	ollama := llmtest.New(b)
	srv := startAgent(b, bin, w.data, serverCPU, "AGENT_LLM_URL="+ollama.URL(),
		"AGENT_CHAT_IP_REQUESTS_PER_MINUTE=100000000", "AGENT_CHAT_MESSAGES_PER_MINUTE=100000000")
	if clientCPU != "" {
		pinSelf(b, clientCPU)
	}
	lc := &loadClient{base: "http://" + srv.host, w: w, c: &http.Client{
		Timeout:       time.Minute,
		Transport:     &http.Transport{MaxIdleConnsPerHost: o.clients},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	pick := func(list []string, c, i int) string { return list[(c*7919+i)%len(list)] }
	shapes := []loadShape{
		{"write", "msg/s", "visitor message, conversation with a person (pure write)", func(c, i int) error {
			conv := w.human[c][i%len(w.human[c])]
			return lc.widget(w.humanKey, "conversations/"+conv.id+"/messages", conv.token, message(pick(texts, c, i)), nil)
		}},
		{"ai", "msg/s", "visitor message the AI answers", func(c, i int) error {
			conv := w.ai[c][i%len(w.ai[c])]
			return lc.widget(w.aiKey, "conversations/"+conv.id+"/messages", conv.token, message(pick(questions, c, i)), nil)
		}},
		{"new", "conv/s", "new conversation: 3 requests, the AI answers the first message", func(c, i int) error {
			var visit struct{ Token string }
			var open struct{ Conversation struct{ ID string } }
			err := lc.widget(w.aiKey, "visitor", "", map[string]string{"lang": "en"}, &visit)
			if err == nil {
				err = lc.widget(w.aiKey, "conversations", visit.Token, nil, &open)
			}
			if err == nil {
				err = lc.widget(w.aiKey, "conversations/"+open.Conversation.ID+"/messages", visit.Token, message(pick(questions, c, i)), nil)
			}
			return err
		}},
		{"reply", "msg/s", "a person's reply from the inbox", func(c, i int) error {
			conv := w.human[c][i%len(w.human[c])]
			return lc.staff(c, http.MethodPost, "inbox/"+conv.id+"/reply", url.Values{"message": {"Thanks, I am looking into it."}}, http.StatusSeeOther)
		}},
		{"list", "req/s", "the inbox's list with its counts", func(c, i int) error {
			return lc.staff(c, http.MethodGet, "inbox/list", nil, http.StatusOK)
		}},
		{"search", "req/s", "the inbox's list searched for a word", func(c, i int) error {
			return lc.staff(c, http.MethodGet, "inbox/list?q=transfer", nil, http.StatusOK)
		}},
	}
	// A warm-up: the first searches read the knowledge's term statistics.
	if _, err := runLoad(o.clients, time.Second, shapes[1].op); err != nil {
		b.Fatalf("warm-up: %v\n%s", err, srv.stderr.String())
	}

	b.ResetTimer()
	var report strings.Builder
	fmt.Fprintf(&report, "\nload: %d clients, %s per shape, %s; %s\n", o.clients, o.duration, loadPinning(serverCPU, clientCPU), w.about)
	fmt.Fprintf(&report, "| shape | rate | p50 | p99 |\n|---|---|---|---|\n")
	for _, s := range shapes {
		r, err := runLoad(o.clients, o.duration, s.op)
		if err != nil {
			b.Fatalf("%s: %v\n%s", s.name, err, srv.stderr.String())
		}
		rate, p50, p99 := r.figures()
		b.ReportMetric(rate, s.name+"-"+s.unit)
		b.ReportMetric(p50, s.name+"-p50-ms")
		b.ReportMetric(p99, s.name+"-p99-ms")
		fmt.Fprintf(&report, "| %s | %.0f %s | %.1f ms | %.1f ms |\n", s.about, rate, s.unit, p50, p99)
	}
	b.StopTimer()
	fmt.Print(report.String())
	srv.stop(b)
}

// loadOptions are the benchmark's settings, from the environment.
type loadOptions struct {
	clients  int
	duration time.Duration
	perShape int // conversations per client and shape
	// A scale run's workspace: conversations and messages in all, messages in each of
	// the clients' conversations (0: no scale run).
	conversations, messages, history int
}

func loadOptionsFromEnv(b *testing.B) loadOptions {
	num := func(name string, def int) int {
		s := os.Getenv(name)
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			b.Fatalf("%s=%q: want a number", name, s)
		}
		return n
	}
	o := loadOptions{clients: max(1, num("LOAD_CLIENTS", 16)), duration: time.Duration(num("LOAD_SECONDS", 20)) * time.Second, perShape: 100}
	if num("LOAD_SCALE", 0) != 0 {
		o.perShape = 10
		o.conversations = num("LOAD_SCALE_CONVERSATIONS", 100_000)
		o.messages = num("LOAD_SCALE_MESSAGES", 1_000_000)
		o.history = num("LOAD_SCALE_HISTORY", 1_000)
	}
	return o
}

// loadWorkspace is the install the clients use.
type loadWorkspace struct {
	data            string
	ws              string // its id as in addresses
	aiKey, humanKey string // the chat channels: with the AI, and people only
	human, ai       [][]loadConversation
	staff           []loadSession
	about           string // its size, for the report
}

type loadConversation struct{ id, token string }

type loadSession struct{ token, csrf string }

// prepareLoad builds the install in a new data directory, before the server starts: an
// owner, one staff member per client with a session, clinc150's knowledge, an AI agent on
// one chat channel and none on another, and each client's conversations; then, for a
// scale run, the rest of the conversations and messages.
func prepareLoad(b *testing.B, o loadOptions, kbPath string, texts []string) *loadWorkspace {
	ctx := context.Background()
	data := filepath.Join(b.TempDir(), "data")
	db, err := store.Open(ctx, data)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	check := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	accounts := account.New(db)
	owner, ws, _, err := accounts.Setup(ctx, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "owner password"}, "Shop")
	check(err)
	kb, err := os.Open(kbPath)
	check(err)
	defer kb.Close()
	_, err = knowledge.New(knowledge.Options{DB: db}).ImportJSONL(ctx, ws.ID, kb, nil)
	check(err)
	a, err := agent.NewStore(db).Create(ctx, ws.ID, agent.Input{Name: "Ava", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	check(err)
	channels := channel.NewStore(db)
	aiCh, err := channels.Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: a.ID, Handoff: channel.Stay, Active: true})
	check(err)
	humanCh, err := channels.Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "Help desk", Handoff: channel.Unassigned, Active: true})
	check(err)

	w := &loadWorkspace{data: data, ws: ids.Encode(ws.ID), aiKey: aiCh.PublicKey, humanKey: humanCh.PublicKey,
		human: make([][]loadConversation, o.clients), ai: make([][]loadConversation, o.clients)}
	conversations := inbox.New(db)
	open := func(ch channel.Channel, ai bool) (inbox.Conversation, loadConversation) {
		v, token, err := conversations.NewVisitor(ctx, ch, "en")
		check(err)
		c, err := conversations.OpenConversation(ctx, ch, v, ai)
		check(err)
		return c, loadConversation{id: ids.Encode(c.ID), token: token}
	}
	var staff []int64
	var humanIDs, aiIDs []int64 // the clients' conversations, by client
	for c := range o.clients {
		u, _, err := accounts.AddMember(ctx, ws.ID, account.NewUser{Email: fmt.Sprintf("agent%d@example.com", c),
			Name: fmt.Sprintf("Agent %d", c), Password: "agent password"}, account.RoleAgent, false)
		check(err)
		token, sess, err := accounts.CreateSession(ctx, u.ID, 24*time.Hour, "127.0.0.1", "load")
		check(err)
		staff = append(staff, u.ID)
		w.staff = append(w.staff, loadSession{token: token, csrf: sess.CSRFToken})
		for range o.perShape {
			hc, h := open(humanCh, false)
			check(conversations.Assign(ctx, ws.ID, hc.ID, owner.ID, u.ID, 0))
			ac, ai := open(aiCh, true)
			w.human[c], w.ai[c] = append(w.human[c], h), append(w.ai[c], ai)
			humanIDs, aiIDs = append(humanIDs, hc.ID), append(aiIDs, ac.ID)
		}
	}
	w.about = fmt.Sprintf("%d conversations of the clients' (empty at the start)", 2*o.clients*o.perShape)
	if o.conversations > 0 {
		p := prefill{db: db.Write, ws: ws.ID, agent: a.ID, aiCh: aiCh.ID, humanCh: humanCh.ID, staff: staff, texts: texts}
		n, m, err := p.fill(ctx, o, humanIDs, aiIDs)
		check(err)
		w.about = fmt.Sprintf("a workspace of %d conversations and %d messages, the clients' %d conversations of %d messages at the start",
			n, m, len(humanIDs)+len(aiIDs), o.history)
	}
	return w
}

// prefill writes a scale run's conversations and messages with plain INSERTs into the
// migrated schema (so that its triggers and indexes follow), as they would be after months
// of use: a visitor each, nearly all closed, an AI reply's record for each of the AI's
// messages, a message every 30 s in a conversation.
type prefill struct {
	db               *sql.DB
	ws, agent        int64
	aiCh, humanCh    int64
	staff            []int64
	texts            []string
	tx               *sql.Tx
	rows             int
	visitor, conv    *sql.Stmt
	message, aiReply *sql.Stmt
}

// prefillBatch is how many rows a transaction of the prefill writes.
const prefillBatch = 50_000

func (p *prefill) fill(ctx context.Context, o loadOptions, humanIDs, aiIDs []int64) (conversations, messages int, err error) {
	defer func() {
		if p.tx != nil {
			if err == nil {
				err = p.tx.Commit()
			} else {
				p.tx.Rollback()
			}
		}
	}()
	now := time.Now().Unix()
	// The clients' conversations: o.history messages each, the last a minute ago.
	for i, id := range slices.Concat(humanIDs, aiIDs) {
		ai := i >= len(humanIDs)
		user := p.staff[i%len(p.staff)]
		start := now - 60 - int64(o.history)*30
		if err := p.messages(ctx, id, ai, user, o.history, start, i); err != nil {
			return 0, 0, err
		}
		if err := p.begin(ctx); err != nil {
			return 0, 0, err
		}
		if _, err := p.tx.ExecContext(ctx, "UPDATE conversations SET last_activity_at = ?, updated_at = ? WHERE id = ?", now-60, now-60, id); err != nil {
			return 0, 0, err
		}
	}
	clients := len(humanIDs) + len(aiIDs)
	rest, restMessages := o.conversations-clients, o.messages-clients*o.history
	if rest <= 0 {
		return clients, clients * o.history, nil
	}
	// The rest over the past 90 days, the newest last; those idle for a day are closed, as
	// the server's job would have done.
	span := int64(90 * 24 * 3600)
	for i := range rest {
		n := restMessages / rest
		if i < restMessages%rest {
			n++
		}
		created := now - span + int64(i)*span/int64(rest)
		last := created + int64(max(n-1, 0))*30
		ai := i%10 < 7 // the AI handles most conversations, people the rest
		if err := p.begin(ctx); err != nil {
			return 0, 0, err
		}
		ch, agentID, firstAI, assignee := p.aiCh, any(p.agent), any(created), any(nil)
		status, closedAt, awaiting := "open", any(nil), 0
		if !ai {
			ch, agentID, firstAI, assignee = p.humanCh, nil, nil, p.staff[i%len(p.staff)]
			awaiting = n % 2 // the visitor wrote last
		}
		if now-last > 24*3600 {
			status, closedAt, awaiting = "closed", last+24*3600, 0
		}
		res, err := p.visitor.ExecContext(ctx, p.ws, ch, tokenHash(i), created, last)
		if err != nil {
			return 0, 0, err
		}
		visitor, _ := res.LastInsertId()
		res, err = p.conv.ExecContext(ctx, p.ws, agentID, status, created, last, ch, visitor, assignee, ai, awaiting, awaiting, firstAI, last, closedAt)
		if err != nil {
			return 0, 0, err
		}
		conv, _ := res.LastInsertId()
		p.rows++
		if err := p.messages(ctx, conv, ai, p.staff[i%len(p.staff)], n, created, i); err != nil {
			return 0, 0, err
		}
	}
	return o.conversations, o.messages, nil
}

// messages adds n messages to conversation conv, one every 30 s from start: the
// visitor's, then the AI's (ai) or a person's, in turn.
func (p *prefill) messages(ctx context.Context, conv int64, ai bool, user int64, n int, start int64, seed int) error {
	for k := range n {
		if err := p.begin(ctx); err != nil {
			return err
		}
		author, userID := "visitor", any(nil)
		if k%2 == 1 {
			author = "bot"
			if !ai {
				author, userID = "human", user
			}
		}
		res, err := p.message.ExecContext(ctx, conv, author, userID, p.texts[(seed*31+k)%len(p.texts)], start+int64(k)*30)
		if err != nil {
			return err
		}
		p.rows++
		if author == "bot" {
			id, _ := res.LastInsertId()
			if _, err := p.aiReply.ExecContext(ctx, id, p.agent); err != nil {
				return err
			}
		}
	}
	return nil
}

// begin starts a transaction with the prefill's statements, committing the last one once
// it holds prefillBatch rows.
func (p *prefill) begin(ctx context.Context) error {
	if p.tx != nil && p.rows < prefillBatch {
		return nil
	}
	if p.tx != nil {
		if err := p.tx.Commit(); err != nil {
			return err
		}
	}
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	p.tx, p.rows = tx, 0
	prepare := func(q string) *sql.Stmt {
		s, e := tx.PrepareContext(ctx, q)
		if err == nil {
			err = e
		}
		return s
	}
	p.visitor = prepare("INSERT INTO visitors (workspace_id, channel_id, token_hash, lang, created_at, last_seen_at) VALUES (?, ?, ?, 'en', ?, ?)")
	p.conv = prepare(`INSERT INTO conversations (workspace_id, agent_id, channel, lang, status, created_at, updated_at, channel_id,
		visitor_id, assignee_id, ai_active, unread, awaiting, first_ai_at, last_activity_at, closed_at)
		VALUES (?, ?, 'chat', 'en', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	p.message = prepare("INSERT INTO messages (conversation_id, author, user_id, body, lang, created_at) VALUES (?, ?, ?, ?, 'en', ?)")
	p.aiReply = prepare("INSERT INTO ai_replies (message_id, agent_id, decision, reason, confidence, mode) VALUES (?, ?, 'answer', 'answered', 0.8, 'extractive')")
	return err
}

// tokenHash is a prefilled visitor's token hash: unique, and no token's.
func tokenHash(i int) []byte {
	h := sha256.Sum256([]byte("prefilled visitor " + strconv.Itoa(i)))
	return h[:]
}

// loadCPUs returns the CPUs for the server and for the clients, or none.
func loadCPUs(b *testing.B) (server, client string) {
	if os.Getenv("LOAD_PIN") == "off" || runtime.NumCPU() < 2 {
		return "", ""
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return "", ""
	}
	return "0", "1"
}

func loadPinning(server, client string) string {
	if server == "" {
		return "not pinned"
	}
	return "server on CPU " + server + ", clients on CPU " + client
}

// pinSelf runs this process, every thread of it, on cpu until the benchmark ends.
func pinSelf(b *testing.B, cpu string) {
	all := fmt.Sprintf("0-%d", runtime.NumCPU()-1)
	pid := strconv.Itoa(os.Getpid())
	if out, err := exec.Command("taskset", "-a", "-p", "-c", cpu, pid).CombinedOutput(); err != nil {
		b.Fatalf("taskset: %v %s", err, out)
	}
	procs := runtime.GOMAXPROCS(1)
	b.Cleanup(func() {
		exec.Command("taskset", "-a", "-p", "-c", all, pid).Run()
		runtime.GOMAXPROCS(procs)
	})
}

// loadShape is one kind of request, op doing the i-th of client c.
type loadShape struct {
	name, unit, about string
	op                func(c, i int) error
}

type loadResult struct {
	ops     int
	elapsed time.Duration
	took    []time.Duration
}

// runLoad runs op from clients goroutines, one request after another, for d.
func runLoad(clients int, d time.Duration, op func(c, i int) error) (loadResult, error) {
	start := time.Now()
	end := start.Add(d)
	took := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := 0; time.Now().Before(end); i++ {
				t0 := time.Now()
				if errs[c] = op(c, i); errs[c] != nil {
					return
				}
				took[c] = append(took[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	r := loadResult{elapsed: time.Since(start), took: slices.Concat(took...)}
	r.ops = len(r.took)
	return r, errors.Join(errs...)
}

// figures are the rate per second and the p50 and p99 latencies in milliseconds.
func (r loadResult) figures() (rate, p50, p99 float64) {
	if r.ops == 0 {
		return 0, 0, 0
	}
	slices.Sort(r.took)
	at := func(p float64) float64 { return float64(r.took[int(p*float64(r.ops-1))].Microseconds()) / 1000 }
	return float64(r.ops) / r.elapsed.Seconds(), at(0.5), at(0.99)
}

// loadClient makes the benchmark's requests.
type loadClient struct {
	base string
	w    *loadWorkspace
	c    *http.Client
}

func message(text string) map[string]string { return map[string]string{"text": text, "lang": "en"} }

// widget calls the chat widget's API of the channel key as a visitor with token, decoding
// the answer into out when it is not nil.
func (l *loadClient) widget(key, path, token string, body, out any) error {
	var r io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(http.MethodPost, l.base+"/widget/v1/"+key+"/"+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := l.c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("%s: %s %s", path, res.Status, b)
	}
	if out != nil {
		return json.NewDecoder(res.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, res.Body)
	return err
}

// staff makes a request of the workspace's pages as client c's staff member, wanting status.
func (l *loadClient) staff(c int, method, path string, form url.Values, status int) error {
	var r io.Reader
	if form != nil {
		r = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, l.base+"/w/"+l.w.ws+"/"+path, r)
	s := l.w.staff[c]
	req.AddCookie(&http.Cookie{Name: "agent_session", Value: s.token})
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	res, err := l.c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		return fmt.Errorf("%s %s: %s %.300s", method, path, res.Status, b)
	}
	return nil
}
