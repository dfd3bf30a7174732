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
	"time"

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
		if n == 0 {
			return
		}
	}
}

// Embed embeds every chunk of the workspace that has no vector yet, now, and returns how
// many it embedded: for commands that need the vectors before going on (agent eval).
func (m *Manager) Embed(ctx context.Context, workspaceID int64) (int, error) {
	model := m.embedModel()
	if model == "" {
		return 0, errors.New("knowledge: no embedding model is configured (llm.embed_model)")
	}
	total := 0
	for {
		n, err := m.embedNext(ctx, model, workspaceID)
		if total += n; err != nil || n == 0 {
			return total, err
		}
	}
}

// QueryEmbedFailures counts the searches since start that went on with keywords alone
// because Ollama could not embed the question in time.
func (m *Manager) QueryEmbedFailures() int64 { return m.queryEmbedFailures.Load() }

// embedNext embeds the next chunks that have no vector (of one workspace, or of any when
// workspaceID is 0), about embedBatch texts in one request, and returns how many chunks.
func (m *Manager) embedNext(ctx context.Context, model string, workspaceID int64) (int, error) {
	rows, err := m.db.Read.QueryContext(ctx, `SELECT c.id, c.workspace_id, c.ord, c.heading, c.text, s.kind, s.title, s.question, s.variants
		FROM chunks c JOIN sources s ON s.id = c.source_id WHERE c.embedding IS NULL AND (? = 0 OR c.workspace_id = ?) LIMIT ?`,
		workspaceID, workspaceID, embedBatch)
	if err != nil {
		return 0, fmt.Errorf("knowledge: chunks to embed: %w", err)
	}
	type pending struct {
		id, workspace int64
		texts         int
	}
	var chunks []pending
	var texts []string
	for rows.Next() {
		var c pending
		var e embedding
		var variants string
		if err := rows.Scan(&c.id, &c.workspace, &e.ord, &e.heading, &e.text, &e.kind, &e.title, &e.question, &variants); err != nil {
			rows.Close()
			return 0, fmt.Errorf("knowledge: chunks to embed: %w", err)
		}
		if err := json.Unmarshal([]byte(variants), &e.variants); err != nil {
			rows.Close()
			return 0, fmt.Errorf("knowledge: variants of chunk %d: %w", c.id, err)
		}
		t := e.texts(llm.EmbedPrefixes(model))
		if len(texts) > 0 && len(texts)+len(t) > embedBatch {
			break // the next request takes it
		}
		c.texts = len(t)
		chunks, texts = append(chunks, c), append(texts, t...)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(chunks) == 0 {
		return 0, err
	}
	vecs, err := m.llm.Embed(ctx, model, texts)
	if err != nil {
		return 0, err
	}
	if len(vecs) != len(texts) {
		return 0, fmt.Errorf("knowledge: %s returned %d vectors for %d texts", model, len(vecs), len(texts))
	}
	dims := len(vecs[0])
	for _, v := range vecs {
		if len(v) != dims || dims == 0 {
			return 0, fmt.Errorf("knowledge: %s returned vectors of %d and %d dimensions", model, dims, len(v))
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
		return 0, fmt.Errorf("knowledge: store embeddings: %w", err)
	}
	for _, c := range chunks {
		m.vectors.invalidate(c.workspace)
	}
	return len(chunks), nil
}

// embedding is what a chunk's vectors are made from.
type embedding struct {
	ord                            int
	kind                           Kind
	title, heading, text, question string
	variants                       []string
}

// texts are the texts to embed for a chunk: its title, heading and text, as a passage;
// for a short answer, also each way of asking it, as a question, since a customer's
// question is best compared with each phrasing on its own (a blend of ten phrasings is
// close to none of them). The first text is always the chunk itself.
func (e embedding) texts(queryPrefix, documentPrefix string) []string {
	out := []string{documentPrefix + e.title + "\n" + e.heading + "\n" + e.text}
	if e.kind != KindShortAnswer || e.ord != 0 {
		return out
	}
	seen := map[string]bool{}
	for _, p := range append([]string{e.question}, e.variants...) {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, queryPrefix+p)
		}
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
