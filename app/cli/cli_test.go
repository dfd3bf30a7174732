package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/eval"
	"agent/app/llm/llmtest"
	"agent/app/store"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb syncBuffer
	code := Run(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Version: "v-test"})
	return result{code, out.String(), errb.String()}
}

func TestUsageErrors(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage: agent COMMAND"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"serve", "--frobnicate"}, 2, "flag provided but not defined: -frobnicate"},
		{[]string{"serve", "--data", data, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"backup", "--data", data}, 2, "missing argument"},
		{[]string{"user"}, 2, "Usage: agent user"},
		{[]string{"user", "remove"}, 2, `unknown subcommand "remove"`},
		{[]string{"user", "add", "--data", data}, 2, "--email and --name are required"},
		{[]string{"help", "nope"}, 2, `unknown command "nope"`},
	} {
		r := run(t, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("agent %v = %d, stderr %q; want %d with %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	if r := run(t, "", "help"); r.code != 0 || !strings.Contains(r.stdout, "backup") {
		t.Errorf("help = %d %q", r.code, r.stdout)
	}
	if r := run(t, "", "help", "serve"); r.code != 0 || !strings.Contains(r.stdout, "-listen") {
		t.Errorf("help serve = %d %q", r.code, r.stdout)
	}
	if r := run(t, "", "version"); r.code != 0 || r.stdout != "agent v-test\n" {
		t.Errorf("version = %d %q", r.code, r.stdout)
	}
}

func TestBadConfigIsOneLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[server]\nlisten = \"abc\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "serve", "--config", bad, "--data", dir)
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "server.listen") {
		t.Fatalf("serve with bad config = %d, stderr %q; want 1 and one line naming server.listen", r.code, r.stderr)
	}
	os.WriteFile(bad, []byte("[server]\nlisen = \"127.0.0.1:1\"\n"), 0o600)
	r = run(t, "", "serve", "--config", bad, "--data", dir)
	if r.code != 1 || !strings.Contains(r.stderr, `unknown key "server.lisen"`) {
		t.Fatalf("unknown key = %d %q", r.code, r.stderr)
	}
}

func TestUserCommands(t *testing.T) {
	data := t.TempDir()
	r := run(t, "", "user", "add", "--data", data, "--email", "olga@example.com", "--name", "Olga", "--workspace", "Shop")
	if r.code != 0 || !strings.Contains(r.stdout, `owner of the new workspace "Shop"`) {
		t.Fatalf("first user add = %d %q %q", r.code, r.stdout, r.stderr)
	}
	otp := regexp.MustCompile(`one-time password: (\S+)`).FindStringSubmatch(r.stdout)
	if otp == nil {
		t.Fatal("no one-time password printed")
	}
	r = run(t, "ann's password\n", "user", "add", "--data", data, "--email", "ann@example.com", "--name", "Ann", "--role", "admin", "--password-stdin")
	if r.code != 0 || strings.Contains(r.stdout, "one-time") {
		t.Fatalf("second user add = %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", "user", "add", "--data", data, "--email", "ann@example.com", "--name", "Ann")
	if r.code != 1 || !strings.Contains(r.stderr, "already a member") {
		t.Errorf("duplicate add = %d %q", r.code, r.stderr)
	}
	r = run(t, "", "user", "list", "--data", data)
	if r.code != 0 || !strings.Contains(r.stdout, "Shop (admin)") || !strings.Contains(r.stdout, "one-time password") {
		t.Errorf("list = %d %q", r.code, r.stdout)
	}

	db, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accounts := account.New(db)
	ctx := context.Background()
	if _, err := accounts.Authenticate(ctx, "olga@example.com", otp[1]); err != nil {
		t.Fatalf("printed one-time password does not log in: %v", err)
	}
	if _, err := accounts.Authenticate(ctx, "ann@example.com", "ann's password"); err != nil {
		t.Fatalf("stdin password does not log in: %v", err)
	}
	r = run(t, "a brand new one\n", "user", "passwd", "--data", data, "--password-stdin", "ann@example.com")
	if r.code != 0 {
		t.Fatalf("passwd = %d %q", r.code, r.stderr)
	}
	if _, err := accounts.Authenticate(ctx, "ann@example.com", "a brand new one"); err != nil {
		t.Errorf("new password does not log in: %v", err)
	}
	if r := run(t, "", "user", "passwd", "--data", data, "nobody@example.com"); r.code != 1 {
		t.Errorf("passwd of unknown user = %d", r.code)
	}

	// The first user is the super admin; the operator names another, and the last one stays.
	superOf := func(email string) bool {
		u, err := accounts.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u.SuperAdmin
	}
	if !superOf("olga@example.com") || superOf("ann@example.com") {
		t.Fatal("the first user added on an empty install must be the only super admin")
	}
	if r := run(t, "", "user", "super", "--data", data, "--off", "olga@example.com"); r.code != 1 || !strings.Contains(r.stderr, "at least one enabled super admin") {
		t.Errorf("removing the last super admin = %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "user", "super", "--data", data, "ann@example.com"); r.code != 0 || !superOf("ann@example.com") {
		t.Fatalf("super = %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "user", "super", "--data", data, "--off", "olga@example.com"); r.code != 0 || superOf("olga@example.com") {
		t.Errorf("super --off = %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "user", "list", "--data", data); !regexp.MustCompile(`ann@example\.com\s+Ann\s+active\s+yes`).MatchString(r.stdout) {
		t.Errorf("list does not show the super admin: %q", r.stdout)
	}
}

// TestServeAndBackup runs the real server, takes a backup while it serves, and checks
// that SIGTERM-style cancellation shuts it down cleanly.
func TestServeAndBackup(t *testing.T) {
	data := t.TempDir()
	if r := run(t, "owner password\n", "user", "add", "--data", data, "--email", "o@example.com", "--name", "O", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %q", r.stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--data", data, "--listen", "127.0.0.1:0", "--ollama", "http://127.0.0.1:1"},
			Env{Stdout: &out, Stderr: &errb, Version: "v-test"})
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := regexp.MustCompile(`Open (http://\S+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("server did not start: %s", errb.String())
	}
	if !regexp.MustCompile(`open files.* limit=\d+`).MatchString(errb.String()) {
		t.Errorf("serve does not log the open-file limit:\n%s", errb.String())
	}
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()

	dest := filepath.Join(t.TempDir(), "backup.db")
	if r := run(t, "", "backup", "--data", data, dest); r.code != 0 {
		t.Fatalf("backup = %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "backup", "--data", data, dest); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("backup over a file = %d %q", r.code, r.stderr)
	}
	copyDB, err := store.OpenFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if _, err := account.New(copyDB).Authenticate(context.Background(), "o@example.com", "owner password"); err != nil {
		t.Errorf("backup does not hold the user: %v", err)
	}

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

func TestBackupWithoutDatabase(t *testing.T) {
	r := run(t, "", "backup", "--data", t.TempDir(), filepath.Join(t.TempDir(), "x.db"))
	if r.code != 1 || !strings.Contains(r.stderr, "no database at") {
		t.Errorf("backup of nothing = %d %q", r.code, r.stderr)
	}
}

func TestImportAndEval(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	if r := run(t, "owner password\n", "user", "add", "--data", data, "--email", "o@example.com", "--name", "O", "--workspace", "Shop", "--password-stdin"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	kb := filepath.Join(dir, "kb.jsonl")
	os.WriteFile(kb, []byte(`{"kind":"article","id":"ship","title":"Shipping","body":"Parcels leave within two days.","lang":"en"}
{"kind":"short_answer","id":"park","question":"Is there parking?","variants":["where can I park"],"answer":"Behind the shop.","lang":"en"}
`), 0o600)
	if r := run(t, "", "import", "--data", data, "--workspace", "shop", kb); r.code != 0 || !strings.Contains(r.stdout, "imported 2 items") {
		t.Fatalf("import jsonl = %d %q %q", r.code, r.stdout, r.stderr)
	}
	docs := filepath.Join(dir, "docs")
	os.Mkdir(docs, 0o700)
	os.WriteFile(filepath.Join(docs, "returns.md"), []byte("# Returns\n\nReturn within 30 days."), 0o600)
	os.WriteFile(filepath.Join(docs, "logo.png"), []byte("\x89PNG\r\n"), 0o600)
	r := run(t, "", "import", "--data", data, docs)
	if r.code != 0 || !strings.Contains(r.stdout, "returns.md: 1 chunks") || !strings.Contains(r.stdout, "1 files added, 1 skipped") {
		t.Fatalf("import folder = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "", "import", "--data", data, "http://127.0.0.1:9/page"); r.code != 1 || !strings.Contains(r.stderr, "allow_private_urls") {
		t.Errorf("import of a private URL = %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "import", "--data", data, "--workspace", "Nope", kb); r.code != 1 || !strings.Contains(r.stderr, `no workspace named "Nope"`) {
		t.Errorf("unknown workspace = %d %q", r.code, r.stderr)
	}
	// A bad item fails the command, after the good ones are in.
	mixed := filepath.Join(dir, "mixed.jsonl")
	os.WriteFile(mixed, []byte(`{"kind":"article","id":"hours","title":"Opening hours","body":"Open nine to five.","lang":"en"}
{"kind":"short_answer","id":"bad","question":"Do you deliver?"}
{"kind":"short_answer","id":"pay","question":"How can I pay?","answer":"By card.","lang":"en"}
`), 0o600)
	r = run(t, "", "import", "--data", data, mixed)
	if r.code != 1 || !strings.Contains(r.stdout, "imported 2 items from "+mixed+", 1 failed") ||
		!strings.Contains(r.stderr, mixed+": line 2 (bad): answer: is required") || !strings.Contains(r.stderr, "1 items failed") {
		t.Errorf("import with a bad item = %d %q %q", r.code, r.stdout, r.stderr)
	}
	// Imported again, the items replace theirs.
	r = run(t, "", "import", "--data", data, mixed)
	if !strings.Contains(r.stdout, "imported 2 items from "+mixed+", 1 failed\n2 of them replaced the items imported before with their id") {
		t.Errorf("import again = %d %q %q", r.code, r.stdout, r.stderr)
	}

	qs := filepath.Join(dir, "q.jsonl")
	os.WriteFile(qs, []byte(`{"id":"1","question":"where can I park","lang":"en","gold":["park"]}
{"id":"2","question":"when do parcels leave","lang":"en","gold":["ship"]}
{"id":"3","question":"what is the weather like in Lisbon tomorrow","lang":"en","gold":[]}
`), 0o600)
	r = run(t, "", "eval", "--kb", kb, "--questions", qs, "--json")
	for _, want := range []string{`"recall@1": 1`, `"lang_accuracy": 1`, `"accuracy": 1`, `"handoff_f1": 1`, `"cautious": {`, `"balanced": {`, `"eager": {`} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("eval = %d, want %s in %q %q", r.code, want, r.stdout, r.stderr)
		}
	}
	if r := run(t, "", "eval", "--kb", kb); r.code != 2 {
		t.Errorf("eval without questions = %d", r.code)
	}
	if r := run(t, "", "eval", "--kb", kb, "--questions", qs, "--trust", "reckless"); r.code != 2 || !strings.Contains(r.stderr, "--trust must be") {
		t.Errorf("eval with a bad trust level = %d %q", r.code, r.stderr)
	}

	// --details: a line per question with the decision and why; the text report has the
	// trust figures and the risk–coverage table.
	details := filepath.Join(dir, "details.jsonl")
	r = run(t, "", "eval", "--kb", kb, "--questions", qs, "--details", details)
	for _, want := range []string{"answer precision 1.0000  wrong answers 0.0000 of questions  coverage 1.0000", "risk-coverage:", "precision 0.95: from threshold",
		"setting balanced: precision 1.0000, coverage 1.0000"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("eval = %d, want %q in %q %q", r.code, want, r.stdout, r.stderr)
		}
	}
	b, err := os.ReadFile(details)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d detail lines: %s", len(lines), b)
	}
	var park eval.Detail
	if err := json.Unmarshal([]byte(lines[0]), &park); err != nil {
		t.Fatal(err)
	}
	ev, _ := park.Evidence.(map[string]any)
	if park.ID != "1" || park.Decision != "answer" || park.Reason != "answered" || park.Cited != "park" || !park.Correct ||
		park.Confidence <= 0 || len(park.Top) == 0 || park.Top[0].ID != "park" || park.Top[0].Score <= 0 || ev["unknown"] != 0.0 || ev["confidence"] == nil {
		t.Errorf("details of question 1: %s", lines[0])
	}
	if !strings.Contains(lines[2], `"gold":[],"decision":"handoff","reason":"no_match"`) || !strings.Contains(lines[2], `"correct":true`) {
		t.Errorf("details of question 3: %s", lines[2])
	}

	// A bad knowledge line is reported; the other items are imported and measured.
	badKB := filepath.Join(dir, "bad.jsonl")
	good, _ := os.ReadFile(kb)
	os.WriteFile(badKB, append([]byte(`{"kind":"faq","id":"x1"}`+"\n"), good...), 0o600)
	r = run(t, "", "eval", "--kb", badKB, "--questions", qs, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"recall@1": 1`) || !strings.Contains(r.stderr, `line 1 (x1): kind: "faq" is not article or short_answer`) {
		t.Errorf("eval with a bad kb line = %d %q %q", r.code, r.stdout, r.stderr)
	}

	// With an embedding model: the knowledge and each question are embedded through Ollama.
	ollama := llmtest.New(t)
	r = run(t, "", "eval", "--kb", kb, "--questions", qs, "--json", "--embed-model", "nomic-embed-text", "--ollama", ollama.URL())
	if r.code != 0 || !strings.Contains(r.stdout, `"recall@1": 1`) || !strings.Contains(r.stderr, "embedded 2 chunks with nomic-embed-text") {
		t.Fatalf("eval with embeddings = %d %q %q", r.code, r.stdout, r.stderr)
	}
	embedded := 0
	for _, req := range ollama.Requests() {
		if req.Embed != nil && req.Embed.Model == "nomic-embed-text" {
			embedded++
		}
	}
	if embedded != 4 { // the chunks in one batch, then the three questions
		t.Errorf("%d embed requests, want 4", embedded)
	}
	// A chunk Ollama refuses is counted and searched by its words; the run goes on.
	ollama.SetRefuse(func(in string) string {
		if strings.Contains(in, "Parcels") {
			return "the input length exceeds the context length"
		}
		return ""
	})
	r = run(t, "", "eval", "--kb", kb, "--questions", qs, "--json", "--embed-model", "nomic-embed-text", "--ollama", ollama.URL())
	if r.code != 0 || !strings.Contains(r.stdout, `"recall@1": 1`) || !strings.Contains(r.stderr, "embedded 1 chunks") ||
		!strings.Contains(r.stderr, "nomic-embed-text refused 1 chunks") {
		t.Errorf("eval with a refused chunk = %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", "eval", "--kb", kb, "--questions", qs, "--embed-model", "nomic-embed-text", "--ollama", "http://127.0.0.1:9")
	if r.code != 1 || !strings.Contains(r.stderr, "127.0.0.1:9") {
		t.Errorf("eval with Ollama down = %d %q", r.code, r.stderr)
	}
}

func TestAsk(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	if r := run(t, "owner password\n", "user", "add", "--data", data, "--email", "o@example.com", "--name", "O", "--workspace", "Shop", "--password-stdin"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	kb := filepath.Join(dir, "kb.jsonl")
	os.WriteFile(kb, []byte(`{"kind":"short_answer","id":"park","question":"Is there parking?","variants":["where can I park"],"answer":"Behind the shop.","lang":"en"}
`), 0o600)
	if r := run(t, "", "import", "--data", data, kb); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "", "ask", "--data", data, "Is there parking?"); r.code != 1 || !strings.Contains(r.stderr, "no agent yet") {
		t.Fatalf("ask without agents = %d %q", r.code, r.stderr)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := account.New(db).Workspaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Ada", "Bob"} {
		if _, err := agent.NewStore(db).Create(ctx, ws[0].ID, agent.Input{Name: name, Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if r := run(t, "", "ask", "--data", data, "Is there parking?"); r.code != 1 || !strings.Contains(r.stderr, "choose one with --agent") {
		t.Fatalf("ask with two agents = %d %q", r.code, r.stderr)
	}

	// Without a model: the short answer, quoted.
	r := run(t, "", "ask", "--data", data, "--agent", "ada", "where can I park?")
	for _, want := range []string{"Behind the shop.", "[1] Is there parking?", "decision answer (answered)", "mode extractive", "model not used"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("ask = %d, want %q in %q %q", r.code, want, r.stdout, r.stderr)
		}
	}
	// With the fake Ollama: the model's reply, streamed.
	ollama := llmtest.New(t)
	ollama.SetReply(func(api.ChatRequest) string { return "You can park right behind the shop [1]." })
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("[llm]\nchat_model = \"llama3.2\"\n"), 0o600)
	r = run(t, "", "ask", "--config", cfg, "--data", data, "--agent", "Bob", "--ollama", ollama.URL(), "where can I park?")
	for _, want := range []string{"You can park right behind the shop [1].", "mode model, model llama3.2"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("ask with a model = %d, want %q in %q %q", r.code, want, r.stdout, r.stderr)
		}
	}
	if r := run(t, "", "ask", "--config", cfg, "--data", data, "--agent", "Bob", "--json", "--ollama", ollama.URL(), "Can I talk to a person?"); r.code != 0 || !strings.Contains(r.stdout, `"reason": "human_requested"`) {
		t.Fatalf("ask --json = %d %q %q", r.code, r.stdout, r.stderr)
	}
}
