package llmtest_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"

	"agent/app/llm/llmtest"
)

// do sends a raw request, so these tests check the bytes on the wire rather than what api.Client makes of them.
func do(t *testing.T, method, url, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return resp, string(b)
}

func TestChatStreamWireFormat(t *testing.T) {
	s := llmtest.New(t)
	resp, body := do(t, "POST", s.URL()+"/api/chat", `{"model":"llama3.2","messages":[{"role":"user","content":"hi there"}]}`)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d, content-type %q; want 200 application/x-ndjson", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	want := []string{"You ", "said: ", "hi ", "there"}
	if len(lines) != len(want)+1 {
		t.Fatalf("got %d lines, want %d tokens + done:\n%s", len(lines), len(want), body)
	}
	for i, tok := range want {
		var chunk map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &chunk); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		msg, _ := chunk["message"].(map[string]any)
		if chunk["model"] != "llama3.2" || chunk["done"] != false || chunk["created_at"] == nil ||
			msg["role"] != "assistant" || msg["content"] != tok {
			t.Errorf("line %d = %s, want token %q", i, lines[i], tok)
		}
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if last["done"] != true || last["done_reason"] != "stop" || last["eval_count"] != float64(len(want)) {
		t.Errorf("final line = %s, want done, stop, eval_count %d", lines[len(lines)-1], len(want))
	}
	for _, k := range []string{"total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_duration"} {
		if _, ok := last[k].(float64); !ok {
			t.Errorf("final line lacks numeric %q: %s", k, lines[len(lines)-1])
		}
	}
}

func TestChatNoStreamWireFormat(t *testing.T) {
	s := llmtest.New(t)
	s.SetReply(func(api.ChatRequest) string { return "Your order ships today." })
	resp, body := do(t, "POST", s.URL()+"/api/chat", `{"model":"llama3.2:latest","stream":false,"messages":[{"role":"user","content":"where?"}]}`)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, content-type %q; want 200 application/json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var got api.ChatResponse
	if err := json.Unmarshal([]byte(body), &got); err != nil || strings.Count(strings.TrimSpace(body), "\n") != 0 {
		t.Fatalf("want one JSON object, got %q (%v)", body, err)
	}
	if !got.Done || got.DoneReason != "stop" || got.Message.Content != "Your order ships today." || got.EvalCount != 4 {
		t.Errorf("got %+v", got)
	}
}

func TestErrorsWireFormat(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		setup                    func(*llmtest.Server)
		wantStatus               int
		wantError                string
	}{
		{name: "bad JSON", method: "POST", path: "/api/chat", body: `{"model":`, wantStatus: 400, wantError: "unexpected EOF"},
		{name: "empty body", method: "POST", path: "/api/chat", wantStatus: 400, wantError: "missing request body"},
		{name: "no model", method: "POST", path: "/api/chat", body: `{"messages":[]}`, wantStatus: 400, wantError: "model is required"},
		{name: "unknown chat model", method: "POST", path: "/api/chat", body: `{"model":"mistral"}`, wantStatus: 404, wantError: `model "mistral" not found, try pulling it first`},
		{name: "unknown embed model", method: "POST", path: "/api/embed", body: `{"model":"bge","input":"x"}`, wantStatus: 404, wantError: `model "bge" not found, try pulling it first`},
		{name: "bad embed input", method: "POST", path: "/api/embed", body: `{"model":"nomic-embed-text","input":[1,2]}`, wantStatus: 400, wantError: "invalid input type"},
		{
			name: "FailNext", method: "GET", path: "/api/tags", wantStatus: 503, wantError: "busy",
			setup: func(s *llmtest.Server) { s.FailNext(503, "busy") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := llmtest.New(t)
			if tt.setup != nil {
				tt.setup(s)
			}
			resp, body := do(t, tt.method, s.URL()+tt.path, tt.body)
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("body %q is not JSON: %v", body, err)
			}
			if resp.StatusCode != tt.wantStatus || !strings.Contains(e.Error, tt.wantError) {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, e.Error, tt.wantStatus, tt.wantError)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("content-type %q, want application/json", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestFailNextFailAllRecover(t *testing.T) {
	s := llmtest.New(t)
	status := func() int {
		resp, _ := do(t, "GET", s.URL()+"/api/version", "")
		return resp.StatusCode
	}
	s.FailNext(500, "a")
	s.FailNext(502, "b")
	if got := []int{status(), status(), status()}; got[0] != 500 || got[1] != 502 || got[2] != 200 {
		t.Errorf("FailNext x2 then ok: got %v", got)
	}
	s.FailAll(503, "down")
	if a, b := status(), status(); a != 503 || b != 503 {
		t.Errorf("FailAll: got %d %d, want 503 503", a, b)
	}
	s.Recover()
	if got := status(); got != 200 {
		t.Errorf("after Recover: got %d, want 200", got)
	}
	if n := len(s.Requests()); n != 6 {
		t.Errorf("recorded %d requests, want 6 (failed ones included)", n)
	}
}

func TestEmbedWireFormat(t *testing.T) {
	s := llmtest.New(t)
	s.SetEmbedDims(8)
	for _, tt := range []struct {
		input string
		want  int
	}{{`"one text"`, 1}, {`["a","b","c"]`, 3}, {`[]`, 0}} {
		resp, body := do(t, "POST", s.URL()+"/api/embed", `{"model":"nomic-embed-text","input":`+tt.input+`}`)
		var got api.EmbedResponse
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 {
			t.Fatalf("input %s: %d %q (%v)", tt.input, resp.StatusCode, body, err)
		}
		if len(got.Embeddings) != tt.want || got.Model != "nomic-embed-text" || !strings.Contains(body, `"embeddings":[`) {
			t.Errorf("input %s: got %s, want %d embeddings", tt.input, body, tt.want)
		}
		for _, v := range got.Embeddings {
			if len(v) != 8 {
				t.Errorf("input %s: %d dims, want 8", tt.input, len(v))
			}
		}
	}
}

func TestTagsVersionRoot(t *testing.T) {
	s := llmtest.New(t)
	s.SetModels("qwen2.5:7b")
	_, body := do(t, "GET", s.URL()+"/api/tags", "")
	var tags api.ListResponse
	if err := json.Unmarshal([]byte(body), &tags); err != nil || len(tags.Models) != 1 || tags.Models[0].Name != "qwen2.5:7b" || tags.Models[0].Details.Family != "qwen" {
		t.Errorf("tags = %s (%v)", body, err)
	}
	if _, body := do(t, "GET", s.URL()+"/api/version", ""); strings.TrimSpace(body) != `{"version":"0.17.4"}` {
		t.Errorf("version = %s", body)
	}
	if resp, body := do(t, "GET", s.URL()+"/", ""); resp.StatusCode != 200 || body != "Ollama is running" {
		t.Errorf("GET / = %d %q", resp.StatusCode, body)
	}
	if resp, _ := do(t, "HEAD", s.URL()+"/", ""); resp.StatusCode != 200 {
		t.Errorf("HEAD / = %d", resp.StatusCode)
	}
}

func TestCutAfterDropsConnection(t *testing.T) {
	s := llmtest.New(t)
	s.CutAfter(2)
	resp, err := http.Post(s.URL()+"/api/chat", "application/json", strings.NewReader(`{"model":"llama3.2","messages":[{"role":"user","content":"a b c d"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	lines := 0
	for sc.Scan() {
		lines++
		if strings.Contains(sc.Text(), `"done":true`) {
			t.Errorf("got a done line after the cut: %s", sc.Text())
		}
	}
	if lines != 2 || !errors.Is(sc.Err(), io.ErrUnexpectedEOF) {
		t.Errorf("got %d lines, read error %v; want 2 lines then io.ErrUnexpectedEOF", lines, sc.Err())
	}
}

func TestDown(t *testing.T) {
	s := llmtest.New(t)
	s.Down()
	if _, err := http.Get(s.URL() + "/api/version"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("after Down: err = %v, want connection refused", err)
	}
}

func TestEmbeddingIsDeterministicAndNormalised(t *testing.T) {
	a, b := llmtest.Embedding("Reset my password", 16), llmtest.Embedding("reset my PASSWORD!", 16)
	var dot float64
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("case/punctuation changed the vector: %v vs %v", a, b)
		}
		dot += float64(a[i]) * float64(a[i])
	}
	if dot < 0.9999 || dot > 1.0001 {
		t.Errorf("squared norm %f, want 1", dot)
	}
}
