package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/knowledge"
	"agent/app/store"
)

// childServeEnv makes the test binary run `agent serve` with the arguments in it, so that
// a test can kill a real server process with SIGKILL.
const childServeEnv = "AGENT_TEST_SERVE_ARGS"

func TestMain(m *testing.M) {
	if path := os.Getenv(childHoldEnv); path != "" {
		os.Exit(holdDatabase(path))
	}
	if args := os.Getenv(childServeEnv); args != "" {
		// The child reads the AGENT_* settings a test gives it, but not the test's own variables.
		environ := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "AGENT_TEST_") })
		os.Exit(Run(context.Background(), strings.Fields(args), Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: environ, Version: "v-test"}))
	}
	os.Exit(m.Run())
}

// TestKilledServerLosesNoAcknowledgedMessage kills the server with SIGKILL three times
// while visitors are writing to it; every message the server acknowledged must be in the
// database afterwards, the database must be intact, and once the server is started again
// no customer is left waiting: every conversation's last word is the AI's or a person's.
func TestKilledServerLosesNoAcknowledgedMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills real server processes")
	}
	data := t.TempDir()
	key := durabilityWorkspace(t, data)

	var mu sync.Mutex
	acked := map[string]bool{}
	for round := range 3 {
		cmd, base := startChildServer(t, data)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for v := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				visitorWrites(base, key, fmt.Sprintf("r%d-v%d", round, v), stop, func(text string) {
					mu.Lock()
					acked[text] = true
					mu.Unlock()
				})
			}()
		}
		// Kill once the visitors are well under way, in the middle of their traffic.
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= (round+1)*60 {
				break
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		close(stop)
		wg.Wait()
	}
	if len(acked) < 180 {
		t.Fatalf("only %d messages were acknowledged: the load did not run", len(acked))
	}

	db, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.Read.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	stored := map[string]bool{}
	rows, err := db.Read.Query("SELECT body FROM messages WHERE author = 'visitor'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		rows.Scan(&body)
		stored[body] = true
	}
	lost := 0
	for text := range acked {
		if !stored[text] {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged messages are not in the database", lost, len(acked))
	}
	t.Logf("%d acknowledged messages over 3 kills, all stored", len(acked))

	startChildServer(t, data)
	waiting := -1
	for deadline := time.Now().Add(30 * time.Second); waiting != 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		err := db.Read.QueryRow(`SELECT count(*) FROM conversations c WHERE (SELECT author FROM messages
			WHERE conversation_id = c.id AND author != 'note' ORDER BY id DESC LIMIT 1) = 'visitor'`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
	}
	if waiting != 0 {
		t.Fatalf("%d conversations still wait for an answer after the restart", waiting)
	}
}

// durabilityWorkspace makes an install with a chat channel whose agent answers from one
// short answer and stays on every conversation (a handoff sends the "no one available"
// notice and keeps the AI on it), and returns the channel's public key.
func durabilityWorkspace(t *testing.T, data string) string {
	t.Helper()
	if r := run(t, "owner password\n", "user", "add", "--data", data, "--email", "o@example.com", "--name", "O",
		"--workspace", "Shop", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %q", r.stderr)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wss, err := account.New(db).Workspaces(ctx)
	if err != nil || len(wss) != 1 {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	ws := wss[0].ID
	km := knowledge.New(knowledge.Options{DB: db})
	if _, err := km.CreateShortAnswer(ctx, ws, knowledge.ShortAnswerInput{Question: "When are you open?",
		Answer: "We are open from 9 to 17 on weekdays.", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	a, err := agent.NewStore(db).Create(ctx, ws, agent.Input{Name: "Ada", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := channel.NewStore(db).Create(ctx, ws, channel.Input{Kind: channel.Chat, Name: "Site", AgentID: a.ID, Handoff: channel.Stay, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return ch.PublicKey
}

// startChildServer runs `agent serve` in a child process and returns it with its address.
func startChildServer(t *testing.T, data string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childServeEnv+"=serve --data "+data+" --listen 127.0.0.1:0 --ollama http://127.0.0.1:1 --log-level error",
		"AGENT_CHAT_MESSAGES_PER_MINUTE=1000000", "AGENT_CHAT_IP_REQUESTS_PER_MINUTE=1000000")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`Open (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case base := <-addr:
		return cmd, strings.TrimSuffix(base, "/")
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not start: %s", errb.String())
		return nil, ""
	}
}

// visitorWrites is one widget visitor sending messages until stop or until the server
// dies, calling acked for each message the server answered 200 to.
func visitorWrites(base, key, name string, stop <-chan struct{}, acked func(string)) {
	c := &http.Client{Timeout: 10 * time.Second}
	call := func(path, token string, body any, out any) bool {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, base+"/widget/v1/"+key+"/"+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := c.Do(req)
		if err != nil {
			return false
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return false
		}
		return json.NewDecoder(res.Body).Decode(out) == nil
	}
	var visitor struct{ Token string }
	var conv struct{ Conversation struct{ ID string } }
	if !call("visitor", "", map[string]string{"lang": "en"}, &visitor) || !call("conversations", visitor.Token, struct{}{}, &conv) {
		return
	}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		text := fmt.Sprintf("%s message %d: when are you open?", name, i)
		var reply map[string]any
		if !call("conversations/"+conv.Conversation.ID+"/messages", visitor.Token, map[string]string{"text": text, "lang": "en"}, &reply) {
			return
		}
		acked(text)
	}
}
