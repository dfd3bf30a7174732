// Package llmtest is a fake Ollama HTTP server speaking the real wire format, so tests of anything
// that talks to Ollama run fast, offline and deterministically, including failure modes.
package llmtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/ollama/ollama/api"
)

// Version is what GET /api/version reports, matching the Ollama release the product is built against.
const Version = "0.17.4"

// Recorded is one request the fake received, so tests can assert on what the client sent.
type Recorded struct {
	Method string
	Path   string
	Chat   *api.ChatRequest  // decoded body of POST /api/chat, nil otherwise or if it did not parse
	Embed  *api.EmbedRequest // decoded body of POST /api/embed, nil otherwise or if it did not parse
}

// failure is one injected error answer.
type failure struct {
	status int
	msg    string
}

// Server is a fake Ollama; configure it with the Set*/Fail*/CutAfter methods, all safe for concurrent use.
type Server struct {
	srv       *httptest.Server
	closeOnce sync.Once

	mu         sync.Mutex
	models     []string
	reply      func(api.ChatRequest) string
	tokenDelay time.Duration
	failQueue  []failure
	failAll    *failure
	cutAfter   int
	dims       int
	embedding  func(string) []float32
	contextLen int                 // tokens (words) an input may hold; 0: no limit
	showsCtx   bool                // /api/show reports contextLen
	refuse     func(string) string // a refusal for an input, "" to embed it
	requests   []Recorded
}

// New starts a fake Ollama on a local port; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		models: []string{"llama3.2:latest", "nomic-embed-text:latest"},
		reply:  defaultReply,
		dims:   64,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat", s.chat)
	mux.HandleFunc("POST /api/embed", s.embed)
	mux.HandleFunc("GET /api/tags", s.tags)
	mux.HandleFunc("POST /api/show", s.show)
	mux.HandleFunc("GET /api/version", s.version)
	mux.HandleFunc("HEAD /api/version", s.version)
	mux.HandleFunc("GET /{$}", s.root)
	mux.HandleFunc("HEAD /{$}", s.root)
	s.srv = httptest.NewServer(s.intercept(mux))
	t.Cleanup(s.close)
	return s
}

// URL returns the base URL to give the client, e.g. http://127.0.0.1:40123.
func (s *Server) URL() string { return s.srv.URL }

// SetModels replaces the installed models (default "llama3.2:latest", "nomic-embed-text:latest").
func (s *Server) SetModels(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.models = append([]string(nil), names...)
}

// SetReply decides the assistant's answer for each chat request; it is streamed word by word.
func (s *Server) SetReply(fn func(req api.ChatRequest) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn == nil {
		fn = defaultReply
	}
	s.reply = fn
}

// SetTokenDelay makes the model slow: the fake waits d before sending each token.
func (s *Server) SetTokenDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenDelay = d
}

// FailNext answers the next request with status and {"error": msg}; calls queue up, one failure per request.
func (s *Server) FailNext(status int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failQueue = append(s.failQueue, failure{status, msg})
}

// FailAll answers every request with status and {"error": msg} until Recover.
func (s *Server) FailAll(status int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = &failure{status, msg}
}

// Recover cancels FailAll and any queued FailNext.
func (s *Server) Recover() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = nil
	s.failQueue = nil
}

// CutAfter makes streaming chats send n tokens and then drop the connection without the done line; 0 disables.
func (s *Server) CutAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cutAfter = n
}

// SetEmbedding replaces the bag-of-words vectors (Embedding) with fn's, for tests that need
// a model that knows which words mean the same; nil restores the default.
func (s *Server) SetEmbedding(fn func(text string) []float32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embedding = fn
}

// SetContextLength makes the embedding model take at most n tokens (here: words) in an
// input, as Ollama does: a longer input is cut silently, or refused with 400 when the
// request says "truncate": false. reported says whether /api/show tells the length.
func (s *Server) SetContextLength(n int, reported bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contextLen, s.showsCtx = n, reported
}

// SetRefuse makes the embedding of a request fail with 400 and fn's message when fn
// returns one for any of its inputs, as Ollama refuses a whole batch for one input.
func (s *Server) SetRefuse(fn func(input string) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = fn
}

// SetEmbedDims sets the length of the embedding vectors (default 64).
func (s *Server) SetEmbedDims(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dims = n
}

// Requests returns a copy of every request received so far, in arrival order.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.requests...)
}

// Down stops the server: the listener is closed, so later calls get "connection refused".
func (s *Server) Down() { s.close() }

func (s *Server) close() { s.closeOnce.Do(s.srv.Close) }

// intercept records each request and applies injected failures before routing.
func (s *Server) intercept(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))

		rec := Recorded{Method: r.Method, Path: r.URL.Path}
		switch r.URL.Path {
		case "/api/chat":
			var cr api.ChatRequest
			if json.Unmarshal(body, &cr) == nil {
				rec.Chat = &cr
			}
		case "/api/embed":
			var er api.EmbedRequest
			if json.Unmarshal(body, &er) == nil {
				rec.Embed = &er
			}
		}

		s.mu.Lock()
		s.requests = append(s.requests, rec)
		var f *failure
		switch {
		case len(s.failQueue) > 0:
			f = &s.failQueue[0]
			s.failQueue = s.failQueue[1:]
		case s.failAll != nil:
			f = s.failAll
		}
		s.mu.Unlock()

		if f != nil {
			writeError(w, f.status, f.msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// chat serves POST /api/chat like Ollama: NDJSON chunks by default, one JSON object with "stream": false.
func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var req api.ChatRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Model == "" {
		writeError(w, http.StatusBadRequest, "model is required")
		return
	}
	s.mu.Lock()
	installed := s.installed(req.Model)
	reply, delay, cut := s.reply, s.tokenDelay, s.cutAfter
	s.mu.Unlock()
	if !installed {
		writeError(w, http.StatusNotFound, fmt.Sprintf("model %q not found, try pulling it first", req.Model))
		return
	}

	start := time.Now()
	text := reply(req)
	tokens := splitTokens(text)
	promptCount := 0
	for _, m := range req.Messages {
		promptCount += len(strings.Fields(m.Content)) + 4 // role and template overhead, like a real prompt
	}
	final := func() api.ChatResponse {
		total := time.Since(start) + time.Millisecond
		return api.ChatResponse{
			Model:      req.Model,
			CreatedAt:  time.Now().UTC(),
			Message:    api.Message{Role: "assistant"},
			Done:       true,
			DoneReason: "stop",
			Metrics: api.Metrics{
				TotalDuration:      total,
				LoadDuration:       time.Millisecond / 2,
				PromptEvalCount:    promptCount,
				PromptEvalDuration: time.Millisecond / 4,
				EvalCount:          len(tokens),
				EvalDuration:       total / 2,
			},
		}
	}

	if req.Stream != nil && !*req.Stream {
		if !sleep(r, delay*time.Duration(len(tokens))) {
			return
		}
		resp := final()
		resp.Message.Content = text
		writeJSON(w, http.StatusOK, resp)
		return
	}

	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	flush(w)
	for i, tok := range tokens {
		if cut > 0 && i == cut {
			hangUp(w)
			return
		}
		if !sleep(r, delay) {
			return
		}
		if !writeLine(w, api.ChatResponse{
			Model:     req.Model,
			CreatedAt: time.Now().UTC(),
			Message:   api.Message{Role: "assistant", Content: tok},
		}) {
			return
		}
	}
	if cut > 0 {
		hangUp(w) // fewer tokens than the cut point: still never say done
		return
	}
	writeLine(w, final())
}

// embed serves POST /api/embed with deterministic bag-of-words vectors.
func (s *Server) embed(w http.ResponseWriter, r *http.Request) {
	var req api.EmbedRequest
	if !decode(w, r, &req) {
		return
	}
	var inputs []string
	switch in := req.Input.(type) {
	case nil:
	case string:
		if in != "" {
			inputs = []string{in}
		}
	case []any:
		for _, v := range in {
			str, ok := v.(string)
			if !ok {
				writeError(w, http.StatusBadRequest, "invalid input type")
				return
			}
			inputs = append(inputs, str)
		}
	default:
		writeError(w, http.StatusBadRequest, "invalid input type")
		return
	}
	s.mu.Lock()
	installed := s.installed(req.Model)
	dims, embedding, ctxLen, refuse := s.dims, s.embedding, s.contextLen, s.refuse
	s.mu.Unlock()
	if !installed {
		writeError(w, http.StatusNotFound, fmt.Sprintf("model %q not found, try pulling it first", req.Model))
		return
	}
	if req.Dimensions > 0 && req.Dimensions < dims {
		dims = req.Dimensions
	}
	if embedding == nil {
		embedding = func(text string) []float32 { return Embedding(text, dims) }
	}

	for i, in := range inputs {
		if refuse != nil {
			if msg := refuse(in); msg != "" {
				writeError(w, http.StatusBadRequest, msg)
				return
			}
		}
		if words := strings.Fields(in); ctxLen > 0 && len(words) > ctxLen {
			if req.Truncate != nil && !*req.Truncate {
				writeError(w, http.StatusBadRequest, "the input length exceeds the context length")
				return
			}
			inputs[i] = strings.Join(words[:ctxLen], " ")
		}
	}
	resp := api.EmbedResponse{Model: req.Model, Embeddings: [][]float32{}}
	count := 0
	for _, in := range inputs {
		resp.Embeddings = append(resp.Embeddings, embedding(in))
		count += len(strings.Fields(in))
	}
	resp.TotalDuration = time.Millisecond
	resp.LoadDuration = time.Millisecond / 2
	resp.PromptEvalCount = count
	writeJSON(w, http.StatusOK, resp)
}

// tags serves GET /api/tags with plausible details derived from each name.
func (s *Server) tags(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	names := append([]string(nil), s.models...)
	s.mu.Unlock()

	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	resp := api.ListResponse{Models: []api.ListModelResponse{}}
	for i, name := range names {
		sum := sha256.Sum256([]byte(name))
		family := familyOf(name)
		resp.Models = append(resp.Models, api.ListModelResponse{
			Name:       name,
			Model:      name,
			ModifiedAt: base.Add(-time.Duration(i) * time.Hour), // newest first, as Ollama sorts
			Size:       int64(1_000_000_000 + int(sum[0])*1_000_000),
			Digest:     hex.EncodeToString(sum[:]),
			Details: api.ModelDetails{
				Format:            "gguf",
				Family:            family,
				Families:          []string{family},
				ParameterSize:     "3.2B",
				QuantizationLevel: "Q4_K_M",
			},
		})
	}
	writeJSON(w, http.StatusOK, resp)
}

// familyOf guesses a model family from its name the way Ollama's details read: "llama3.2:latest" => "llama".
func familyOf(name string) string {
	base := name[strings.LastIndex(name, "/")+1:]
	end := strings.IndexFunc(base, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(base)
	}
	if end == 0 {
		return "llama"
	}
	return strings.ToLower(base[:end])
}

// show serves POST /api/show with the embedding model's architecture and, when set to,
// its context length.
func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	var req api.ShowRequest
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	installed := s.installed(req.Model)
	ctxLen, shows := s.contextLen, s.showsCtx
	s.mu.Unlock()
	if !installed {
		writeError(w, http.StatusNotFound, fmt.Sprintf("model '%s' not found", req.Model))
		return
	}
	info := map[string]any{"general.architecture": "bert"}
	if shows {
		info["bert.context_length"] = ctxLen
	}
	writeJSON(w, http.StatusOK, api.ShowResponse{ModelInfo: info, Details: api.ModelDetails{Family: familyOf(req.Model)}})
}

// version serves GET /api/version.
func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": Version})
}

// root serves GET and HEAD / like Ollama's liveness endpoint.
func (s *Server) root(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		io.WriteString(w, "Ollama is running")
	}
}

// installed reports whether name is installed, with Ollama's ":latest" default; s.mu must be held.
func (s *Server) installed(name string) bool {
	for _, m := range s.models {
		if strings.EqualFold(withTag(m), withTag(name)) {
			return true
		}
	}
	return false
}

// withTag appends ":latest" to a name without a tag.
func withTag(name string) string {
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		return name
	}
	return name + ":latest"
}

// defaultReply echoes the last user message so tests can see their prompt reached the model.
func defaultReply(req api.ChatRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "user" {
			return "You said: " + req.Messages[i].Content
		}
	}
	return "Hello! How can I help you today?"
}

// splitTokens cuts text into words, each keeping the whitespace that follows it, so the tokens join back exactly.
func splitTokens(text string) []string {
	var tokens []string
	start := 0
	inSpace := false
	for i, r := range text {
		space := unicode.IsSpace(r)
		if inSpace && !space {
			tokens = append(tokens, text[start:i])
			start = i
		}
		inSpace = space
	}
	if start < len(text) {
		tokens = append(tokens, text[start:])
	}
	return tokens
}

// Synonyms returns an embedding for SetEmbedding that knows the words of each group mean
// the same thing and that the stop words mean little: a bag of words like Embedding, each
// group counted as one word and the stop words left out, so that texts sharing no word
// but meaning the same are close, as with a real model.
func Synonyms(dims int, stop []string, groups ...[]string) func(string) []float32 {
	same := map[string]string{}
	for _, w := range stop {
		same[strings.ToLower(w)] = ""
	}
	for _, g := range groups {
		for _, w := range g {
			same[strings.ToLower(w)] = strings.ToLower(g[0])
		}
	}
	return func(text string) []float32 {
		var words []string
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if s, ok := same[w]; ok {
				w = s
			}
			if w != "" {
				words = append(words, w)
			}
		}
		return Embedding(strings.Join(words, " "), dims)
	}
}

// Embedding is the fake's vector for text: a hashed bag of lower-cased words, L2-normalised, so equal
// texts get equal vectors and texts sharing words are closer. Exported so tests can compute expectations.
func Embedding(text string, dims int) []float32 {
	v := make([]float32, dims)
	if dims <= 0 {
		return v
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		h := fnv.New64a()
		h.Write([]byte(w))
		sum := h.Sum64()
		sign := float32(1)
		if sum&(1<<63) != 0 {
			sign = -1
		}
		v[sum%uint64(dims)] += sign
	}
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		n := float32(math.Sqrt(norm))
		for i := range v {
			v[i] /= n
		}
	}
	return v
}

// decode reads a JSON body like Ollama's handlers do, answering 400 on failure.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	err := json.NewDecoder(r.Body).Decode(v)
	switch {
	case errors.Is(err, io.EOF):
		writeError(w, http.StatusBadRequest, "missing request body")
		return false
	case err != nil:
		writeError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

// writeJSON sends one application/json answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError sends Ollama's error shape, {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeLine sends one NDJSON line and flushes it, reporting whether the client is still there.
func writeLine(w http.ResponseWriter, v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return false
	}
	flush(w)
	return true
}

// flush pushes buffered bytes to the client so each token arrives on its own.
func flush(w http.ResponseWriter) {
	http.NewResponseController(w).Flush()
}

// hangUp drops the connection mid-response, without the chunked terminator, like a crashed server.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // still aborts the response if hijacking is impossible
	}
	conn.Close()
}

// sleep waits d unless the client goes away first, reporting whether to carry on.
func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return r.Context().Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
