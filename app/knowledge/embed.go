package knowledge

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
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

// embedNext embeds up to embedBatch chunks that have no vector (of one workspace, or of
// any when workspaceID is 0) and returns how many.
func (m *Manager) embedNext(ctx context.Context, model string, workspaceID int64) (int, error) {
	rows, err := m.db.Read.QueryContext(ctx, `SELECT c.id, c.workspace_id, s.title, c.heading, c.text FROM chunks c
		JOIN sources s ON s.id = c.source_id WHERE c.embedding IS NULL AND (? = 0 OR c.workspace_id = ?) LIMIT ?`,
		workspaceID, workspaceID, embedBatch)
	if err != nil {
		return 0, fmt.Errorf("knowledge: chunks to embed: %w", err)
	}
	var ids, workspaces []int64
	var texts []string
	for rows.Next() {
		var id, ws int64
		var title, heading, text string
		if err := rows.Scan(&id, &ws, &title, &heading, &text); err != nil {
			rows.Close()
			return 0, fmt.Errorf("knowledge: chunks to embed: %w", err)
		}
		ids, workspaces = append(ids, id), append(workspaces, ws)
		texts = append(texts, title+"\n"+heading+"\n"+text)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	vecs, err := m.llm.Embed(ctx, model, texts)
	if err != nil {
		return 0, err
	}
	if len(vecs) != len(ids) {
		return 0, fmt.Errorf("knowledge: %s returned %d vectors for %d chunks", model, len(vecs), len(ids))
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
		return 0, fmt.Errorf("knowledge: store embeddings: %w", err)
	}
	for _, ws := range workspaces {
		m.vectors.invalidate(ws)
	}
	return len(ids), nil
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

// vectorSet is a workspace's embedded chunks held in memory for brute-force search, the
// vectors of one length (the model's) in one row-major array.
type vectorSet struct {
	ids     []int64
	sources []int64
	dims    int
	data    []float32 // len(ids) × dims
	row     map[int64]int
}

// add appends a chunk's unit vector; one of another length than the first is skipped.
func (s *vectorSet) add(id, source int64, v []float32) {
	if s.dims == 0 {
		s.dims, s.row = len(v), map[int64]int{}
	}
	if len(v) != s.dims || len(v) == 0 {
		return
	}
	s.row[id] = len(s.ids)
	s.ids, s.sources, s.data = append(s.ids, id), append(s.sources, source), append(s.data, v...)
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
		set.add(id, src, decodeVector(blob))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: load vectors: %w", err)
	}
	m.vectors.put(workspaceID, set)
	return set, nil
}

// similarities are a query's similarity to each chunk of a vector set.
type similarities struct {
	set  *vectorSet
	sims []float32 // by row
}

// of returns the similarity of chunk id, 0 when it has no vector.
func (s similarities) of(id int64) float64 {
	if s.set == nil {
		return 0
	}
	if r, ok := s.set.row[id]; ok {
		return float64(s.sims[r])
	}
	return 0
}

// nearestWorkers is how many goroutines scan a large vector set; scanRows is the size
// under which one does it alone.
var nearestWorkers = runtime.GOMAXPROCS(0)

const scanRows = 4096

// nearest returns the k chunks most similar to the unit vector q, best first, among those
// of the allowed sources (all when allowed is empty), and the similarities of all.
func (s *vectorSet) nearest(q []float32, allowed map[int64]bool, k int) ([]int64, similarities) {
	n := len(s.ids)
	if len(q) != s.dims || n == 0 || k <= 0 {
		return nil, similarities{}
	}
	sims := similarities{set: s, sims: make([]float32, n)}
	workers := min(nearestWorkers, (n+scanRows-1)/scanRows)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			for r := lo; r < hi; r++ {
				sims.sims[r] = dot(q, s.data[r*s.dims:(r+1)*s.dims])
			}
		})
	}
	wg.Wait()
	top := make([]int, 0, k+1) // rows, best first
	for r, sim := range sims.sims {
		if len(top) == k && sim <= sims.sims[top[k-1]] || (len(allowed) > 0 && !allowed[s.sources[r]]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return sims.sims[top[i]] < sim })
		top = slices.Insert(top, i, r)
		if len(top) > k {
			top = top[:k]
		}
	}
	ids := make([]int64, len(top))
	for i, r := range top {
		ids[i] = s.ids[r]
	}
	return ids, sims
}

// dot is the dot product of two vectors of the same length, in four running sums so
// that the multiplications do not wait for each other.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// vectorSearch ranks the workspace's embedded chunks by cosine similarity to the query,
// returning chunk ids best first with their similarity. It returns nothing, without
// error, when no embedding model is set or Ollama cannot embed the query in time.
func (m *Manager) vectorSearch(ctx context.Context, workspaceID int64, query string, o SearchOptions) ([]int64, similarities, error) {
	model := m.embedModel()
	if model == "" {
		return nil, similarities{}, nil
	}
	set, err := m.vectorSet(ctx, workspaceID)
	if err != nil || len(set.ids) == 0 {
		return nil, similarities{}, err
	}
	ectx, cancel := context.WithTimeout(ctx, queryEmbedTimeout)
	defer cancel()
	vecs, err := m.llm.Embed(ectx, model, []string{query})
	if err != nil || len(vecs) != 1 {
		m.queryEmbedFailures.Add(1)
		m.log.Debug("knowledge: query embedding unavailable; keyword search only", "err", err)
		return nil, similarities{}, nil
	}
	q := decodeVector(encodeVector(vecs[0]))
	allowed := map[int64]bool{}
	for _, id := range o.SourceIDs {
		allowed[id] = true
	}
	ids, sims := set.nearest(q, allowed, o.Limit*3)
	return ids, sims, nil
}
