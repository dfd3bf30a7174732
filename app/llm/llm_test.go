package llm_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"agent/app/llm"
	"agent/app/llm/llmtest"
)

// newClient returns a client for srv with the fake's default models configured; edit tweaks the options.
func newClient(t *testing.T, url string, edit func(*llm.Options)) *llm.Client {
	t.Helper()
	opts := llm.Options{URL: url, ChatModel: "llama3.2", EmbedModel: "nomic-embed-text", Timeout: 5 * time.Second}
	if edit != nil {
		edit(&opts)
	}
	c, err := llm.New(opts)
	if err != nil {
		t.Fatalf("New(%+v): %v", opts, err)
	}
	return c
}

func userSays(s string) llm.ChatRequest {
	return llm.ChatRequest{Messages: []llm.Message{{Role: "system", Content: "You are helpful."}, {Role: "user", Content: s}}}
}

func TestNew(t *testing.T) {
	tests := []struct {
		url     string
		wantErr bool
		wantURL string
	}{
		{url: "http://127.0.0.1:11434", wantURL: "http://127.0.0.1:11434"},
		{url: "https://ollama.internal/", wantURL: "https://ollama.internal"},
		{url: " http://localhost:11434 ", wantURL: "http://localhost:11434"},
		{url: "", wantErr: true},
		{url: "127.0.0.1:11434", wantErr: true},
		{url: "localhost:11434", wantErr: true},
		{url: "ftp://127.0.0.1:11434", wantErr: true},
		{url: "http://", wantErr: true},
		{url: "/api", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := llm.New(llm.Options{URL: tt.url, ChatModel: "m", EmbedModel: "e"})
			if tt.wantErr {
				if err == nil {
					t.Fatalf("New(%q) = nil error, want an error", tt.url)
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.url)) {
					t.Errorf("error %q does not name the URL %q", err, tt.url)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.url, err)
			}
			if c.URL() != tt.wantURL || c.ChatModel() != "m" || c.EmbedModel() != "e" {
				t.Errorf("got URL %q chat %q embed %q, want %q m e", c.URL(), c.ChatModel(), c.EmbedModel(), tt.wantURL)
			}
		})
	}
}

func TestChatStreamsTokenByToken(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetReply(func(api.ChatRequest) string { return "Hello there, how can I help?" })
	const delay = 15 * time.Millisecond
	srv.SetTokenDelay(delay)
	c := newClient(t, srv.URL(), nil)

	temp := 0.2
	req := userSays("hi")
	req.Temperature = &temp
	start := time.Now()
	var got []string
	var firstAt time.Duration
	res, err := c.Chat(context.Background(), req, func(tok string) error {
		if len(got) == 0 {
			firstAt = time.Since(start)
		}
		got = append(got, tok)
		return nil
	})
	if err != nil {
		t.Fatalf("Chat: %v", err)
	}

	want := []string{"Hello ", "there, ", "how ", "can ", "I ", "help?"}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("tokens = %q, want %q", got, want)
	}
	if res.Content != strings.Join(got, "") || res.Content != "Hello there, how can I help?" {
		t.Errorf("Content = %q, want the tokens joined: %q", res.Content, strings.Join(got, ""))
	}
	if res.CompletionTokens != len(want) || res.PromptTokens <= 0 {
		t.Errorf("tokens: prompt %d completion %d, want >0 and %d", res.PromptTokens, res.CompletionTokens, len(want))
	}
	if res.Model != "llama3.2" {
		t.Errorf("Model = %q, want llama3.2", res.Model)
	}
	if res.Duration < time.Duration(len(want))*delay {
		t.Errorf("Duration = %s, want at least %s", res.Duration, time.Duration(len(want))*delay)
	}
	// Streaming, not buffering: the first token must arrive well before the last one was even sent.
	if firstAt > res.Duration-2*delay {
		t.Errorf("first token after %s of %s: tokens were not delivered as they arrived", firstAt, res.Duration)
	}

	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Chat == nil {
		t.Fatalf("server saw %+v, want one chat request", reqs)
	}
	sent := reqs[0].Chat
	if sent.Stream == nil || !*sent.Stream {
		t.Errorf("stream = %v, want true", sent.Stream)
	}
	if sent.Options["temperature"] != 0.2 {
		t.Errorf("options = %v, want temperature 0.2", sent.Options)
	}
	if len(sent.Messages) != 2 || sent.Messages[1].Role != "user" || sent.Messages[1].Content != "hi" {
		t.Errorf("messages = %+v, want system + user hi", sent.Messages)
	}
}

func TestChatWithoutCallbackDoesNotStream(t *testing.T) {
	srv := llmtest.New(t)
	c := newClient(t, srv.URL(), nil)

	res, err := c.Chat(context.Background(), userSays("where is my order?"), nil)
	if err != nil {
		t.Fatalf("Chat: %v", err)
	}
	if res.Content != "You said: where is my order?" || res.CompletionTokens != 6 || res.PromptTokens <= 0 {
		t.Errorf("got %+v, want the echoed reply with token counts", res)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Chat == nil || reqs[0].Chat.Stream == nil || *reqs[0].Chat.Stream {
		t.Fatalf("server saw %+v, want one chat request with stream:false", reqs)
	}
	if reqs[0].Chat.Options != nil {
		t.Errorf("options = %v, want none when Temperature is nil", reqs[0].Chat.Options)
	}
}

func TestChatErrors(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(*llmtest.Server)
		chatModel string // Options.ChatModel
		model     string // ChatRequest.Model
		wantIs    error
		wantMsg   []string // substrings; "URL" is replaced by the server's URL
		noRequest bool     // the client must not have called Ollama
	}{
		{
			name:    "ollama error body surfaces",
			setup:   func(s *llmtest.Server) { s.FailNext(500, "llama runner process has terminated: out of memory") },
			wantMsg: []string{"llm: chat llama3.2: ", "ollama error 500", "llama runner process has terminated: out of memory"},
		},
		{
			name:    "bad request",
			setup:   func(s *llmtest.Server) { s.FailNext(400, "invalid role") },
			wantMsg: []string{"ollama error 400: invalid role"},
		},
		{
			name:      "unknown default model",
			setup:     func(*llmtest.Server) {},
			chatModel: "mistral",
			wantIs:    llm.ErrModelNotFound,
			wantMsg:   []string{`model "mistral" is not installed in Ollama at URL; run: ollama pull mistral`},
		},
		{
			name:    "unknown model in request",
			setup:   func(*llmtest.Server) {},
			model:   "qwen2.5:7b",
			wantIs:  llm.ErrModelNotFound,
			wantMsg: []string{"llm: chat qwen2.5:7b: ", "run: ollama pull qwen2.5:7b"},
		},
		{
			name:    "real Ollama 404 text",
			setup:   func(s *llmtest.Server) { s.FailNext(404, "model 'llama3.2' not found") },
			wantIs:  llm.ErrModelNotFound,
			wantMsg: []string{`model "llama3.2" is not installed in Ollama at URL; run: ollama pull llama3.2`},
		},
		{
			name:    "any 404 from chat means missing model",
			setup:   func(s *llmtest.Server) { s.FailNext(404, "file does not exist") },
			wantIs:  llm.ErrModelNotFound,
			wantMsg: []string{"run: ollama pull llama3.2"},
		},
		{
			name:    "server down",
			setup:   func(s *llmtest.Server) { s.Down() },
			wantIs:  llm.ErrUnavailable,
			wantMsg: []string{"ollama at URL is not reachable"},
		},
		{
			name:      "no model",
			setup:     func(*llmtest.Server) {},
			chatModel: "-",
			wantIs:    llm.ErrNoModel,
			wantMsg:   []string{"Options.ChatModel"},
			noRequest: true,
		},
	}
	sentinels := []error{llm.ErrNoModel, llm.ErrUnavailable, llm.ErrModelNotFound, llm.ErrStreamCut}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			c := newClient(t, srv.URL(), func(o *llm.Options) {
				switch tt.chatModel {
				case "":
				case "-":
					o.ChatModel = ""
				default:
					o.ChatModel = tt.chatModel
				}
			})
			tt.setup(srv)
			req := userSays("hi")
			req.Model = tt.model
			_, err := c.Chat(context.Background(), req, func(string) error { return nil })
			if err == nil {
				t.Fatal("Chat succeeded, want an error")
			}
			for _, s := range sentinels {
				if got, want := errors.Is(err, s), s == tt.wantIs; got != want {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", err, s, got, want)
				}
			}
			for _, m := range tt.wantMsg {
				m = strings.ReplaceAll(m, "URL", srv.URL())
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not contain %q", err, m)
				}
			}
			if tt.noRequest && len(srv.Requests()) != 0 {
				t.Errorf("server got %d requests, want none", len(srv.Requests()))
			}
		})
	}
}

func TestChatStreamCut(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetReply(func(api.ChatRequest) string { return "one two three four five" })
	srv.CutAfter(2)
	c := newClient(t, srv.URL(), nil)

	var got []string
	res, err := c.Chat(context.Background(), userSays("count"), func(tok string) error {
		got = append(got, tok)
		return nil
	})
	if !errors.Is(err, llm.ErrStreamCut) || errors.Is(err, llm.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrStreamCut only", err)
	}
	if strings.Join(got, "|") != "one |two " || res.Content != "one two " {
		t.Errorf("delivered %q (Content %q), want the 2 tokens before the cut", got, res.Content)
	}
}

// TestChatTruncatedLine covers a connection dropped in the middle of an NDJSON line, which
// api.Client reports as a plain error holding the partial JSON rather than as a clean end.
func TestChatTruncatedLine(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		fmt.Fprintln(w, `{"model":"llama3.2","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Hel"},"done":false}`)
		fmt.Fprint(w, `{"model":"llama3.2","created_at":"2025-01-01T00:00:00Z","message":{"role":"assis`)
		http.NewResponseController(w).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		conn.Close()
	}))
	t.Cleanup(ts.Close)
	c := newClient(t, ts.URL, nil)

	var got []string
	_, err := c.Chat(context.Background(), userSays("hi"), func(tok string) error {
		got = append(got, tok)
		return nil
	})
	if !errors.Is(err, llm.ErrStreamCut) {
		t.Fatalf("err = %v, want ErrStreamCut", err)
	}
	if len(got) != 1 || got[0] != "Hel" {
		t.Errorf("delivered %q, want the one complete token", got)
	}
}

func TestChatCallbackErrorStops(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetReply(func(api.ChatRequest) string { return "a b c d e f g h" })
	c := newClient(t, srv.URL(), nil)

	stop := errors.New("client went away")
	calls := 0
	_, err := c.Chat(context.Background(), userSays("hi"), func(string) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Fatalf("err = %v, want the callback's error as is", err)
	}
	if calls != 2 {
		t.Errorf("onToken called %d times, want 2 (stop after the error)", calls)
	}
}

func TestChatContext(t *testing.T) {
	tests := []struct {
		name     string
		timeout  time.Duration // Options.Timeout
		ctx      func() (context.Context, context.CancelFunc)
		cancelOn int // cancel the caller's context on this token (0: never)
		stream   bool
		wantIs   []error
		wantNot  []error
	}{
		{
			name:     "caller cancels mid-stream",
			timeout:  5 * time.Second,
			ctx:      func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			cancelOn: 2,
			stream:   true,
			wantIs:   []error{context.Canceled},
			wantNot:  []error{llm.ErrUnavailable, llm.ErrStreamCut},
		},
		{
			name:    "caller deadline while waiting for a non-streamed answer",
			timeout: 5 * time.Second,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 60*time.Millisecond)
			},
			wantIs:  []error{context.DeadlineExceeded},
			wantNot: []error{llm.ErrUnavailable},
		},
		{
			name:    "client timeout is an outage",
			timeout: 60 * time.Millisecond,
			ctx:     func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			stream:  true,
			wantIs:  []error{llm.ErrUnavailable, context.DeadlineExceeded},
			wantNot: []error{llm.ErrStreamCut, context.Canceled},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.SetReply(func(api.ChatRequest) string { return strings.Repeat("slow ", 200) })
			srv.SetTokenDelay(25 * time.Millisecond) // 5s for the whole reply
			c := newClient(t, srv.URL(), func(o *llm.Options) { o.Timeout = tt.timeout })

			ctx, cancel := tt.ctx()
			defer cancel()
			var onToken func(string) error
			if tt.stream {
				n := 0
				onToken = func(string) error {
					n++
					if n == tt.cancelOn {
						cancel()
					}
					return nil
				}
			}
			start := time.Now()
			_, err := c.Chat(ctx, userSays("hi"), onToken)
			if elapsed := time.Since(start); elapsed > 2500*time.Millisecond { // half the reply: slack for a loaded machine
				t.Errorf("Chat took %s, want it to stop promptly", elapsed)
			}
			for _, e := range tt.wantIs {
				if !errors.Is(err, e) {
					t.Errorf("err = %v, want errors.Is %v", err, e)
				}
			}
			for _, e := range tt.wantNot {
				if errors.Is(err, e) {
					t.Errorf("err = %v, must not be %v", err, e)
				}
			}
		})
	}
}

func TestEmbed(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetEmbedDims(32)
	c := newClient(t, srv.URL(), nil)

	inputs := []string{"reset my password", "refund for order 42", "reset my password"}
	vecs, err := c.Embed(context.Background(), "", inputs)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if len(vecs) != len(inputs) {
		t.Fatalf("got %d vectors, want %d", len(vecs), len(inputs))
	}
	for i, v := range vecs {
		if len(v) != 32 {
			t.Errorf("vector %d has %d dims, want 32", i, len(v))
		}
		var norm float64
		for _, x := range v {
			norm += float64(x) * float64(x)
		}
		if math.Abs(norm-1) > 1e-4 {
			t.Errorf("vector %d has squared norm %f, want 1", i, norm)
		}
	}
	if fmt.Sprint(vecs[0]) != fmt.Sprint(vecs[2]) || fmt.Sprint(vecs[0]) == fmt.Sprint(vecs[1]) {
		t.Errorf("equal texts must embed equally and different texts differently")
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Embed == nil || reqs[0].Embed.Model != "nomic-embed-text" {
		t.Fatalf("server saw %+v, want one embed request for nomic-embed-text", reqs)
	}
	if in, ok := reqs[0].Embed.Input.([]any); !ok || len(in) != 3 {
		t.Errorf("input = %#v, want the 3 inputs as one batch", reqs[0].Embed.Input)
	}
	// The model is kept loaded between questions, and an input too long for it is refused
	// rather than cut where the caller cannot see.
	if e := reqs[0].Embed; e.KeepAlive == nil || e.KeepAlive.Duration < 30*time.Minute || e.Truncate == nil || *e.Truncate {
		t.Errorf("keep_alive %v, truncate %v: want a long keep-alive and truncate false", e.KeepAlive, e.Truncate)
	}
}

// An input longer than the model's context is refused, and the refusal says so: the
// caller sets that input aside instead of retrying it for ever.
func TestEmbedRefused(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetContextLength(4, true)
	c := newClient(t, srv.URL(), nil)
	if _, err := c.Embed(context.Background(), "", []string{"short", "one two three four five"}); !errors.Is(err, llm.ErrRefused) ||
		!strings.Contains(err.Error(), "exceeds the context length") {
		t.Errorf("err = %v, want ErrRefused about the context length", err)
	}
	if n, err := c.ContextLength(context.Background(), "nomic-embed-text"); n != 4 || err != nil {
		t.Errorf("ContextLength = %d, %v; want 4", n, err)
	}
	srv.SetContextLength(4, false)
	if n, err := c.ContextLength(context.Background(), "nomic-embed-text"); n != 0 || err != nil {
		t.Errorf("ContextLength of a model that does not say = %d, %v; want 0", n, err)
	}
	srv.FailNext(500, "llama runner process has terminated")
	if _, err := c.Embed(context.Background(), "", []string{"short"}); err == nil || errors.Is(err, llm.ErrRefused) {
		t.Errorf("a server error is no refusal of the input: %v", err)
	}
}

// A failed embedding shows in Health until the next one succeeds: the admin learns that
// questions were searched by their words alone.
func TestHealthEmbedError(t *testing.T) {
	srv := llmtest.New(t)
	c := newClient(t, srv.URL(), nil)
	ctx := context.Background()
	if h := c.Health(ctx); h.EmbedError != "" {
		t.Fatalf("before any failure: %q", h.EmbedError)
	}
	srv.FailNext(500, "model is loading")
	if _, err := c.Embed(ctx, "", []string{"hello"}); err == nil {
		t.Fatal("want the injected failure")
	}
	h := c.Health(ctx)
	if !strings.Contains(h.EmbedError, "model is loading") {
		t.Errorf("EmbedError = %q", h.EmbedError)
	}
	if problem, _ := h.Notice(); !strings.Contains(problem, "by its words only") {
		t.Errorf("notice %q does not tell the admin", problem)
	}
	// The caller giving up is not the model failing.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	c.Embed(cancelled, "", []string{"hello"})
	if _, err := c.Embed(ctx, "", []string{"hello"}); err != nil {
		t.Fatal(err)
	}
	if h := c.Health(ctx); h.EmbedError != "" {
		t.Errorf("after a success: %q", h.EmbedError)
	}
}

func TestEmbedErrors(t *testing.T) {
	tests := []struct {
		name       string
		embedModel string
		model      string
		setup      func(*llmtest.Server)
		wantIs     error
		wantMsg    string
	}{
		{name: "no model", wantIs: llm.ErrNoModel, wantMsg: "Options.EmbedModel"},
		{name: "unknown model", model: "mxbai-embed-large", wantIs: llm.ErrModelNotFound, wantMsg: "run: ollama pull mxbai-embed-large"},
		{name: "server down", embedModel: "nomic-embed-text", setup: func(s *llmtest.Server) { s.Down() }, wantIs: llm.ErrUnavailable, wantMsg: "llm: embed nomic-embed-text: ollama at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			c := newClient(t, srv.URL(), func(o *llm.Options) { o.EmbedModel = tt.embedModel })
			_, err := c.Embed(context.Background(), tt.model, []string{"hello"})
			if !errors.Is(err, tt.wantIs) || !strings.Contains(fmt.Sprint(err), tt.wantMsg) {
				t.Errorf("err = %v, want %v containing %q", err, tt.wantIs, tt.wantMsg)
			}
		})
	}
}

func TestModels(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetModels("llama3.2:latest", "qwen2.5:7b")
	c := newClient(t, srv.URL(), nil)

	ms, err := c.Models(context.Background())
	if err != nil {
		t.Fatalf("Models: %v", err)
	}
	if len(ms) != 2 || ms[0].Name != "llama3.2:latest" || ms[1].Name != "qwen2.5:7b" {
		t.Fatalf("models = %+v, want llama3.2:latest and qwen2.5:7b", ms)
	}
	if m := ms[1]; m.Family != "qwen" || m.Size <= 0 || m.ModifiedAt.IsZero() || m.ParameterSize == "" || m.Quantization == "" {
		t.Errorf("details not filled: %+v", m)
	}
}

func TestHealth(t *testing.T) {
	tests := []struct {
		name            string
		chat, embed     string
		down            bool
		wantReachable   bool
		wantChat        bool
		wantEmbed       bool
		wantErrContains string // "" means Error must be empty
	}{
		{name: "untagged names match :latest", chat: "llama3.2", embed: "nomic-embed-text", wantReachable: true, wantChat: true, wantEmbed: true},
		{name: "exact and case-insensitive", chat: "llama3.2:latest", embed: "Nomic-Embed-Text", wantReachable: true, wantChat: true, wantEmbed: true},
		{name: "other tag is missing", chat: "llama3.2:1b", embed: "nomic-embed-text", wantReachable: true, wantEmbed: true, wantErrContains: "run: ollama pull llama3.2:1b"},
		{name: "prefix is not a match", chat: "llama3", embed: "nomic", wantReachable: true, wantErrContains: "ollama pull nomic"},
		{name: "no models configured", wantReachable: true},
		{name: "unreachable", chat: "llama3.2", down: true, wantErrContains: "is not reachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			if tt.down {
				srv.Down()
			}
			c := newClient(t, srv.URL(), func(o *llm.Options) { o.ChatModel, o.EmbedModel = tt.chat, tt.embed })
			h := c.Health(context.Background())
			if h.Reachable != tt.wantReachable || h.ChatModelFound != tt.wantChat || h.EmbedModelFound != tt.wantEmbed {
				t.Errorf("got %+v, want reachable %v chat %v embed %v", h, tt.wantReachable, tt.wantChat, tt.wantEmbed)
			}
			if h.ChatModel != tt.chat || h.EmbedModel != tt.embed {
				t.Errorf("got models %q/%q, want %q/%q", h.ChatModel, h.EmbedModel, tt.chat, tt.embed)
			}
			if tt.wantReachable && h.Version != llmtest.Version {
				t.Errorf("Version = %q, want %q", h.Version, llmtest.Version)
			}
			if tt.wantErrContains == "" && h.Error != "" || !strings.Contains(h.Error, tt.wantErrContains) {
				t.Errorf("Error = %q, want it to contain %q", h.Error, tt.wantErrContains)
			}
		})
	}
}

func TestConcurrentChats(t *testing.T) {
	srv := llmtest.New(t)
	c := newClient(t, srv.URL(), nil)

	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			msg := fmt.Sprintf("question %d", i)
			var sb strings.Builder
			res, err := c.Chat(context.Background(), userSays(msg), func(tok string) error {
				sb.WriteString(tok)
				return nil
			})
			if err == nil && (res.Content != "You said: "+msg || sb.String() != res.Content) {
				err = fmt.Errorf("got %q / streamed %q", res.Content, sb.String())
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("chat %d: %v", i, err)
		}
	}
	if got := len(srv.Requests()); got != n {
		t.Errorf("server recorded %d requests, want %d", got, n)
	}
}

func TestEmbedPrefixes(t *testing.T) {
	for _, tc := range []struct{ model, query, doc string }{
		{"nomic-embed-text", "search_query: ", "search_document: "},
		{"nomic-embed-text:latest", "search_query: ", "search_document: "},
		{"someone/Nomic-Embed-Text:v1.5", "search_query: ", "search_document: "},
		{"mxbai-embed-large:335m", "Represent this sentence for searching relevant passages: ", ""},
		{"bge-m3", "", ""},
		{"", "", ""},
	} {
		if q, d := llm.EmbedPrefixes(tc.model); q != tc.query || d != tc.doc {
			t.Errorf("EmbedPrefixes(%q) = %q, %q; want %q, %q", tc.model, q, d, tc.query, tc.doc)
		}
	}
}
