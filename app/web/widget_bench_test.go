package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/config"
	"agent/app/eval"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/llm/llmtest"
	"agent/app/store"
)

// BenchmarkWidgetStreams holds WIDGET_STREAMS (default 10,000) widget event streams open
// on one server, each a visitor of its own following their conversation, and reports
// the server's memory: once they are open, and again after a message (answered by the
// AI) in a tenth of them and a round of keep-alives. The server is the binary, on a fresh
// data directory (startAgent).
func BenchmarkWidgetStreams(b *testing.B) {
	n := 10_000
	if s := os.Getenv("WIDGET_STREAMS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Max < uint64(n+500) {
		b.Skipf("needs an open-file limit above %d for %d streams (hard limit %d); raise it with ulimit -n or set WIDGET_STREAMS", n+500, n, lim.Max)
	}
	ctx := context.Background()
	bin := buildAgent(b)

	// The install: an owner, an agent, a chat channel and n visitors with a conversation each.
	data := filepath.Join(b.TempDir(), "data")
	db, err := store.Open(ctx, data)
	if err != nil {
		b.Fatal(err)
	}
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner", Password: "owner password"}, "Shop")
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
	conversations := inbox.New(db)
	paths, tokens := make([]string, n), make([]string, n)
	for i := range paths {
		v, token, err := conversations.NewVisitor(ctx, ch, "en")
		if err != nil {
			b.Fatal(err)
		}
		c, err := conversations.OpenConversation(ctx, ch, v, true)
		if err != nil {
			b.Fatal(err)
		}
		paths[i], tokens[i] = "/widget/v1/"+ch.PublicKey+"/conversations/"+ids.Encode(c.ID), token
	}
	db.Close()

	ollama := llmtest.New(b)
	srv := startAgent(b, bin, data, "", "AGENT_LLM_URL="+ollama.URL(), "AGENT_CHAT_IP_REQUESTS_PER_MINUTE=100000000",
		"AGENT_CHAT_STREAMS_PER_IP="+strconv.Itoa(n))
	host := srv.host
	if res, err := http.Get("http://" + host + "/widget.js"); err == nil {
		res.Body.Close()
	}
	base := srv.rss(b)

	b.ResetTimer()
	start := time.Now()
	conns := make([]net.Conn, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				c, err := openStream(host, paths[i]+"/events?token="+tokens[i])
				if err != nil {
					failed.Store(fmt.Errorf("stream %d: %w", i, err))
					return
				}
				conns[i] = c
			}
		}()
	}
	wg.Wait()
	opened := time.Since(start)
	if err, _ := failed.Load().(error); err != nil {
		b.Fatalf("%v\n%s", err, srv.stderr.String())
	}
	time.Sleep(2 * time.Second) // let the server settle
	held := srv.rss(b)

	// A message, answered by the AI, in a tenth of the conversations, each seen on its
	// stream; then a round of keep-alives (every stream's is due within 20 s of its
	// opening): the memory the streams keep once they have been written to.
	next.Store(0)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n/10; i = int(next.Add(1)) - 1 {
				if err := postAndSee(host, paths[i], tokens[i], conns[i]); err != nil {
					failed.Store(fmt.Errorf("stream %d: %w", i, err))
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatalf("%v\n%s", err, srv.stderr.String())
	}
	time.Sleep(time.Until(start.Add(opened + 22*time.Second)))
	written := srv.rss(b)
	b.StopTimer()

	b.ReportMetric(float64(n), "streams")
	b.ReportMetric(float64(held)/1024, "server-RSS-MB")
	b.ReportMetric(float64(base)/1024, "idle-RSS-MB")
	b.ReportMetric(float64(held-base)/float64(n), "KB/stream")
	b.ReportMetric(float64(written)/1024, "RSS-after-traffic-MB")
	b.ReportMetric(float64(n)/opened.Seconds(), "opened/s")

	// Shutting down ends the streams at once instead of waiting for them.
	b.ReportMetric(srv.stop(b).Seconds(), "shutdown-s")
	for _, c := range conns {
		c.Close()
	}
}

// openStream opens one event stream over a raw connection and reads up to its first event.
func openStream(host, path string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", host, 10*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n", path, host)
	r := bufio.NewReaderSize(c, 512)
	status, err := r.ReadString('\n')
	if err == nil && !strings.Contains(status, " 200 ") {
		err = fmt.Errorf("status %q", strings.TrimSpace(status))
	}
	for err == nil {
		var line string
		if line, err = r.ReadString('\n'); strings.HasPrefix(line, "event: conversation") {
			break
		}
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// postAndSee posts a visitor's message through the widget's API and reads the stream c
// of the conversation at path until the message's event arrives on it.
func postAndSee(host, path, token string, c net.Conn) error {
	req, _ := http.NewRequest(http.MethodPost, "http://"+host+path+"/messages", strings.NewReader(`{"text":"Do you ship abroad?","lang":"en"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("message: %s", res.Status)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	var seen []byte
	buf := make([]byte, 4096)
	for !bytes.Contains(seen, []byte("event: message\n")) {
		n, err := c.Read(buf)
		if err != nil {
			return fmt.Errorf("stream: %w after %q", err, seen)
		}
		seen = append(seen, buf[:n]...)
	}
	return nil
}

// BenchmarkWidgetMessages measures messages end to end through the widget's API: 50
// visitors at once, each POST answered with the stored reply as JSON, the fake Ollama
// answering at once. The knowledge and questions are clinc150's (as BenchmarkAsk), in
// conversations of ten messages (a new visitor each time).
func BenchmarkWidgetMessages(b *testing.B) {
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
	e := newEnv(b, func(c *config.Config) { c.Chat.MessagesPerMinute, c.Chat.IPRequestsPerMinute = 1e6, 1e8 })
	e.setupOwner()
	if _, err := e.knowledge.ImportJSONL(context.Background(), e.wsID, kb, nil); err != nil {
		b.Fatal(err)
	}
	e.ollama.SetReply(func(api.ChatRequest) string { return "Here is what our help centre says about it [1]." })
	a := e.createAgent("Ava")
	ch := e.createChannel(channel.Input{Name: "Website", AgentID: a.ID, Handoff: channel.Unassigned})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	post := func(path, token string, body any) (map[string]any, error) {
		j, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/widget/v1/"+ch.PublicKey+"/"+path, bytes.NewReader(j))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "https://shop.example")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %d %v %v", path, res.StatusCode, out, err)
		}
		return out, nil
	}

	const visitors = 50
	var count atomic.Int64
	var mu sync.Mutex
	var took []time.Duration
	var failed atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range visitors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var token, path string
			for i := int(count.Add(1)) - 1; i < b.N; i = int(count.Add(1)) - 1 {
				if token == "" || i%10 == 0 {
					s, err := post("visitor", "", map[string]string{"lang": "en"})
					if err == nil {
						token = s["token"].(string)
						s, err = post("conversations", token, nil)
					}
					if err != nil {
						failed.Store(err)
						return
					}
					path = "conversations/" + s["conversation"].(map[string]any)["id"].(string) + "/messages"
				}
				q := qs[i%len(qs)]
				t0 := time.Now()
				if _, err := post(path, token, map[string]string{"text": q.Question, "lang": q.Lang}); err != nil {
					failed.Store(err)
					return
				}
				d := time.Since(t0)
				mu.Lock()
				took = append(took, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	at := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
