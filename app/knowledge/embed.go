package knowledge

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"agent/app/llm"
)

// embedBatch is how many texts go to Ollama in one request: large enough to amortise
// the call, small enough to finish well within the request timeout on a CPU.
const embedBatch = 32

// queryEmbedTimeout bounds embedding a customer's question; past it the search goes on
// with keywords alone rather than keep the customer waiting.
const queryEmbedTimeout = 2 * time.Second

// rrfK is the usual constant of reciprocal rank fusion: it keeps the first few ranks of
// either list from dominating.
const rrfK = 60

// agreeWithin is how high in the keyword ranking the vector ranking's nearest chunk must
// be for the two rankings to count as agreeing (fuse).
const agreeWithin = 3

func (m *Manager) embedModel() string {
	if m.llm == nil {
		return ""
	}
	return m.llm.EmbedModel()
}

// embedStamp names how vectors are made, kept with each (chunks.embed_model): the model,
// and the task prefixes it is given (llm.EmbedPrefixes), since vectors made otherwise
// cannot be compared with a question's.
func embedStamp(model string) string {
	q, d := llm.EmbedPrefixes(model)
	if q == "" && d == "" {
		return model
	}
	return model + "|" + q + "|" + d
}

// resetStaleEmbeddings drops vectors made otherwise than the configured model now makes
// them, so they are made again.
func (m *Manager) resetStaleEmbeddings(ctx context.Context) {
	model := m.embedModel()
	if model == "" {
		return
	}
	if _, err := m.db.Write.ExecContext(ctx, "UPDATE chunks SET embedding = NULL, embed_model = '', embed_dims = 0 WHERE embedding IS NOT NULL AND embed_model != ?", embedStamp(model)); err != nil {
		m.log.Error("knowledge: reset embeddings", "err", err)
	}
}

// embedPending embeds chunks that have no vector yet, batch by batch, until none is left
// or Ollama fails (the next round tries again).
func (m *Manager) embedPending(ctx context.Context) {
	model := m.embedModel()
	if model == "" {
		return
	}
	for ctx.Err() == nil {
		n, err := m.embedNext(ctx, model, 0)
		if err != nil {
			if ctx.Err() == nil {
				m.log.Warn("knowledge: embedding failed; will retry", "model", model, "err", err)
			}
			return
		}
		if n.Embedded+n.Failed == 0 {
			return
		}
	}
}

// EmbedCounts says how many chunks an embedding round embedded, and how many Ollama
// refused (set aside with no vector, found by their words only).
type EmbedCounts struct {
	Embedded, Failed int
}

// Embed embeds every chunk of the workspace that has no vector yet, now: for commands
// that need the vectors before going on (agent eval).
func (m *Manager) Embed(ctx context.Context, workspaceID int64) (EmbedCounts, error) {
	model := m.embedModel()
	if model == "" {
		return EmbedCounts{}, errors.New("knowledge: no embedding model is configured (llm.embed_model)")
	}
	var total EmbedCounts
	for {
		n, err := m.embedNext(ctx, model, workspaceID)
		total.Embedded, total.Failed = total.Embedded+n.Embedded, total.Failed+n.Failed
		if err != nil || n.Embedded+n.Failed == 0 {
			return total, err
		}
	}
}

// QueryEmbedFailures counts the searches since start that went on with keywords alone
// because Ollama could not embed the question in time.
func (m *Manager) QueryEmbedFailures() int64 { return m.queryEmbedFailures.Load() }

// pendingChunk is a chunk being embedded, and how many of the batch's texts are its.
type pendingChunk struct {
	id, workspace int64
	texts         int
}

// embedNext embeds the next chunks that have no vector (of one workspace, or of any when
// workspaceID is 0), about embedBatch texts in one request.
func (m *Manager) embedNext(ctx context.Context, model string, workspaceID int64) (EmbedCounts, error) {
	limit := m.embedContext(ctx, model)
	rows, err := m.db.Read.QueryContext(ctx, `SELECT c.id, c.workspace_id, c.ord, c.heading, c.text, s.kind, s.title, s.question, s.variants
		FROM chunks c JOIN sources s ON s.id = c.source_id WHERE c.embedding IS NULL AND (? = 0 OR c.workspace_id = ?) LIMIT ?`,
		workspaceID, workspaceID, embedBatch)
	if err != nil {
		return EmbedCounts{}, fmt.Errorf("knowledge: chunks to embed: %w", err)
	}
	var chunks []pendingChunk
	var texts []string
	for rows.Next() {
		var c pendingChunk
		var e embedding
		var variants string
		if err := rows.Scan(&c.id, &c.workspace, &e.ord, &e.heading, &e.text, &e.kind, &e.title, &e.question, &variants); err != nil {
			rows.Close()
			return EmbedCounts{}, fmt.Errorf("knowledge: chunks to embed: %w", err)
		}
		if err := json.Unmarshal([]byte(variants), &e.variants); err != nil {
			rows.Close()
			return EmbedCounts{}, fmt.Errorf("knowledge: variants of chunk %d: %w", c.id, err)
		}
		q, d := llm.EmbedPrefixes(model)
		t := e.texts(q, d, limit)
		if len(texts) > 0 && len(texts)+len(t) > embedBatch {
			break // the next request takes it
		}
		c.texts = len(t)
		chunks, texts = append(chunks, c), append(texts, t...)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(chunks) == 0 {
		return EmbedCounts{}, err
	}
	return m.embedChunks(ctx, model, chunks, texts)
}

// embedChunks embeds and stores chunks whose texts are texts. Ollama refuses a whole
// request for one input it will not take, so a refused request is halved until the
// chunk at fault is alone: it is set aside (markEmbedFailed) and the others go on.
func (m *Manager) embedChunks(ctx context.Context, model string, chunks []pendingChunk, texts []string) (EmbedCounts, error) {
	vecs, err := m.llm.Embed(ctx, model, texts)
	if errors.Is(err, llm.ErrRefused) {
		if len(chunks) == 1 {
			return EmbedCounts{Failed: 1}, m.markEmbedFailed(ctx, model, chunks[0], err)
		}
		half, split := len(chunks)/2, 0
		for _, c := range chunks[:half] {
			split += c.texts
		}
		a, err := m.embedChunks(ctx, model, chunks[:half], texts[:split])
		if err != nil {
			return a, err
		}
		b, err := m.embedChunks(ctx, model, chunks[half:], texts[split:])
		return EmbedCounts{a.Embedded + b.Embedded, a.Failed + b.Failed}, err
	}
	if err != nil {
		return EmbedCounts{}, err
	}
	if len(vecs) != len(texts) {
		return EmbedCounts{}, fmt.Errorf("knowledge: %s returned %d vectors for %d texts", model, len(vecs), len(texts))
	}
	dims := len(vecs[0])
	for _, v := range vecs {
		if len(v) != dims || dims == 0 {
			return EmbedCounts{}, fmt.Errorf("knowledge: %s returned vectors of %d and %d dimensions", model, dims, len(v))
		}
	}
	err = m.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, c := range chunks {
			var blob []byte
			for _, v := range vecs[:c.texts] {
				blob = append(blob, encodeVector(v)...)
			}
			vecs = vecs[c.texts:]
			if _, err := tx.ExecContext(ctx, "UPDATE chunks SET embedding = ?, embed_model = ?, embed_dims = ? WHERE id = ?", blob, embedStamp(model), dims, c.id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return EmbedCounts{}, fmt.Errorf("knowledge: store embeddings: %w", err)
	}
	for _, c := range chunks {
		m.vectors.invalidate(c.workspace)
	}
	return EmbedCounts{Embedded: len(chunks)}, nil
}

// markEmbedFailed sets aside a chunk Ollama refused to embed: an empty vector stamped
// with the model, so that it is not asked for again until the model or the chunk changes
// (a changed chunk is a new row), and so that the knowledge table can show it
// (Source.EmbedFailed). It is still found by its words.
func (m *Manager) markEmbedFailed(ctx context.Context, model string, c pendingChunk, cause error) error {
	m.log.Warn("knowledge: Ollama refused to embed a chunk; it is found by its words only", "model", model, "chunk", c.id, "err", cause)
	if _, err := m.db.Write.ExecContext(ctx, "UPDATE chunks SET embedding = X'', embed_model = ?, embed_dims = 0 WHERE id = ?", embedStamp(model), c.id); err != nil {
		return fmt.Errorf("knowledge: mark chunk %d unembeddable: %w", c.id, err)
	}
	return nil
}

// The context of an embedding model, in tokens: what Ollama's /api/show reports, at most
// maxEmbedContext (Ollama runs a model with a context of its own setting, 4096 tokens
// by default, whatever the model could take), and defaultEmbedContext when it does not
// say. Texts are kept within it by bytesPerToken bytes a token, fewer than any tokenizer
// gives for real text (English averages about four), so that nothing is cut by Ollama.
const (
	maxEmbedContext     = 2048
	defaultEmbedContext = 512
	bytesPerToken       = 2
)

// embedContextCache remembers the context of the embedding model, asked once per model.
type embedContextCache struct {
	mu     sync.Mutex
	model  string
	tokens int
}

// embedContext is how many bytes one text sent to model may hold. The answer is kept
// once Ollama gave one; while it cannot be asked, the default stands in.
func (m *Manager) embedContext(ctx context.Context, model string) int {
	c := &m.embedCtx
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.model != model {
		n, err := m.llm.ContextLength(ctx, model)
		if err != nil {
			m.log.Warn("knowledge: context length of the embedding model unknown; assuming the default", "model", model, "tokens", defaultEmbedContext, "err", err)
			return defaultEmbedContext * bytesPerToken
		}
		if n <= 0 {
			n = defaultEmbedContext
		}
		c.model, c.tokens = model, min(n, maxEmbedContext)
	}
	return c.tokens * bytesPerToken
}

// embedding is what a chunk's vectors are made from.
type embedding struct {
	ord                            int
	kind                           Kind
	title, heading, text, question string
	variants                       []string
}

// texts are the texts to embed for a chunk, each within limit bytes: its title, heading
// and text, as a passage, split into pieces when longer (a vector each: the chunk is as
// close as its nearest piece); for a short answer, also each way of asking it, as a
// question, since a customer's question is best compared with each phrasing on its own
// (a blend of ten phrasings is close to none of them). A short answer's passage is cut
// rather than split, since the rows after its first are its phrasings; its phrasings
// are what a question is matched with. The first text is always the chunk itself.
func (e embedding) texts(queryPrefix, documentPrefix string, limit int) []string {
	passage := e.title + "\n" + e.heading + "\n" + e.text
	pieces := splitWithin(passage, limit-len(documentPrefix))
	if e.kind == KindShortAnswer && e.ord == 0 {
		pieces = pieces[:1]
	}
	var out []string
	for _, p := range pieces {
		out = append(out, documentPrefix+p)
	}
	if e.kind != KindShortAnswer || e.ord != 0 {
		return out
	}
	seen := map[string]bool{}
	for _, p := range append([]string{e.question}, e.variants...) {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, queryPrefix+splitWithin(p, limit-len(queryPrefix))[0])
		}
	}
	return out
}

// splitWithin cuts s into pieces of at most limit bytes, between words where it can
// (between characters for a word longer than limit, such as text written without spaces).
// It returns at least one piece.
func splitWithin(s string, limit int) []string {
	limit = max(limit, utf8.UTFMax)
	var out []string
	for len(s) > limit {
		cut := strings.LastIndexFunc(s[:limit+1], unicode.IsSpace)
		if cut <= 0 {
			cut = limit
			for !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		out = append(out, s[:cut])
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	if s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

// encodeVector stores a vector normalised to unit length, so a dot product is the cosine.
func encodeVector(v []float32) []byte {
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	norm = math.Sqrt(norm)
	if norm == 0 {
		norm = 1
	}
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(float64(x)/norm)))
	}
	return b
}

func decodeVector(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
