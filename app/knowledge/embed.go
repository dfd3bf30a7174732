package knowledge

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"
)

// embedBatch is how many chunks go to Ollama in one request: large enough to amortise
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

// resetStaleEmbeddings drops vectors made by another model than the configured one, so
// they are made again (vectors of different models cannot be compared).
func (m *Manager) resetStaleEmbeddings(ctx context.Context) {
	model := m.embedModel()
	if model == "" {
		return
	}
	if _, err := m.db.Write.ExecContext(ctx, "UPDATE chunks SET embedding = NULL, embed_model = '' WHERE embedding IS NOT NULL AND embed_model != ?", model); err != nil {
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
		rows, err := m.db.Read.QueryContext(ctx, `SELECT c.id, c.workspace_id, s.title, c.heading, c.text FROM chunks c
			JOIN sources s ON s.id = c.source_id WHERE c.embedding IS NULL LIMIT ?`, embedBatch)
		if err != nil {
			m.log.Error("knowledge: chunks to embed", "err", err)
			return
		}
		var ids, workspaces []int64
		var texts []string
		for rows.Next() {
			var id, ws int64
			var title, heading, text string
			if err := rows.Scan(&id, &ws, &title, &heading, &text); err != nil {
				rows.Close()
				m.log.Error("knowledge: chunks to embed", "err", err)
				return
			}
			ids, workspaces = append(ids, id), append(workspaces, ws)
			texts = append(texts, title+"\n"+heading+"\n"+text)
		}
		rows.Close()
		if len(ids) == 0 {
			return
		}
		vecs, err := m.llm.Embed(ctx, model, texts)
		if err != nil {
			if ctx.Err() == nil {
				m.log.Warn("knowledge: embedding failed; will retry", "model", model, "err", err)
			}
			return
		}
		err = m.db.Tx(ctx, func(tx *sql.Tx) error {
			for i, v := range vecs {
				if _, err := tx.ExecContext(ctx, "UPDATE chunks SET embedding = ?, embed_model = ? WHERE id = ?", encodeVector(v), model, ids[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			m.log.Error("knowledge: store embeddings", "err", err)
			return
		}
		for _, ws := range workspaces {
			m.vectors.invalidate(ws)
		}
	}
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

// vectorSet is a workspace's embedded chunks held in memory for brute-force search: a
// few thousand chunks take well under a millisecond to scan.
type vectorSet struct {
	ids     []int64
	sources []int64
	vecs    [][]float32
}

// vectorCache holds vector sets per workspace, dropped whenever the workspace's chunks
// or vectors change.
type vectorCache struct {
	mu   sync.Mutex
	sets map[int64]*vectorSet
}

func (c *vectorCache) get(workspaceID int64) (*vectorSet, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sets[workspaceID]
	return s, ok
}

func (c *vectorCache) put(workspaceID int64, s *vectorSet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sets == nil {
		c.sets = map[int64]*vectorSet{}
	}
	c.sets[workspaceID] = s
}

func (c *vectorCache) invalidate(workspaceID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sets, workspaceID)
}

func (m *Manager) vectorSet(ctx context.Context, workspaceID int64) (*vectorSet, error) {
	if set, ok := m.vectors.get(workspaceID); ok {
		return set, nil
	}
	rows, err := m.db.Read.QueryContext(ctx, "SELECT id, source_id, embedding FROM chunks WHERE workspace_id = ? AND embedding IS NOT NULL AND embed_model = ?",
		workspaceID, m.embedModel())
	if err != nil {
		return nil, fmt.Errorf("knowledge: load vectors: %w", err)
	}
	defer rows.Close()
	set := &vectorSet{}
	for rows.Next() {
		var id, src int64
		var blob []byte
		if err := rows.Scan(&id, &src, &blob); err != nil {
			return nil, fmt.Errorf("knowledge: load vectors: %w", err)
		}
		set.ids, set.sources, set.vecs = append(set.ids, id), append(set.sources, src), append(set.vecs, decodeVector(blob))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: load vectors: %w", err)
	}
	m.vectors.put(workspaceID, set)
	return set, nil
}

// vectorSearch ranks the workspace's embedded chunks by cosine similarity to the query,
// returning chunk ids best first with their similarity. It returns nothing, without
// error, when no embedding model is set or Ollama cannot embed the query in time.
func (m *Manager) vectorSearch(ctx context.Context, workspaceID int64, query string, o SearchOptions) ([]int64, map[int64]float64, error) {
	model := m.embedModel()
	if model == "" {
		return nil, nil, nil
	}
	set, err := m.vectorSet(ctx, workspaceID)
	if err != nil || len(set.ids) == 0 {
		return nil, nil, err
	}
	ectx, cancel := context.WithTimeout(ctx, queryEmbedTimeout)
	defer cancel()
	vecs, err := m.llm.Embed(ectx, model, []string{query})
	if err != nil || len(vecs) != 1 {
		m.log.Debug("knowledge: query embedding unavailable; keyword search only", "err", err)
		return nil, nil, nil
	}
	q := decodeVector(encodeVector(vecs[0]))
	allowed := map[int64]bool{}
	for _, id := range o.SourceIDs {
		allowed[id] = true
	}
	sims := map[int64]float64{}
	var ids []int64
	for i, v := range set.vecs {
		if len(v) != len(q) || (len(allowed) > 0 && !allowed[set.sources[i]]) {
			continue
		}
		var dot float32
		for j := range v {
			dot += v[j] * q[j]
		}
		sims[set.ids[i]] = float64(dot)
		ids = append(ids, set.ids[i])
	}
	sort.Slice(ids, func(i, j int) bool { return sims[ids[i]] > sims[ids[j]] })
	if n := o.Limit * 3; len(ids) > n {
		ids = ids[:n]
	}
	return ids, sims, nil
}
