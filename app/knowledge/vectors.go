package knowledge

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"agent/app/llm"
)

// vectorSet is a workspace's embedded chunks held in memory for brute-force search: their
// vectors, all of one length (the model's), in one row-major array, each chunk's rows side
// by side: one, or for a short answer one more for each way of asking it.
type vectorSet struct {
	ids     []int64        // by chunk
	sources []int64        // by chunk
	phrased []bool         // by chunk: the rows after its first are a short answer's phrasings
	langs   []string       // by chunk
	inLang  map[string]int // chunks per language
	first   []int          // by chunk, and one more: chunk c's rows are first[c] up to first[c+1]
	dims    int
	data    []float32     // rows × dims
	index   map[int64]int // chunk id → chunk
	cal     calibration
	// phrasings fingerprints the short answers' vectors, so that a set loaded after a
	// change elsewhere (a crawled page) keeps the calibration of the one before.
	phrasings uint64
}

// add appends a chunk's unit vectors, rows × dims floats; a chunk whose vectors are of
// another length than the first chunk's is skipped.
func (s *vectorSet) add(id, source int64, lang string, phrased bool, rows []float32, dims int) {
	if s.dims == 0 {
		s.dims, s.index, s.first, s.inLang = dims, map[int64]int{}, []int{0}, map[string]int{}
	}
	if dims != s.dims || dims == 0 || len(rows) == 0 || len(rows)%dims != 0 {
		return
	}
	s.index[id] = len(s.ids)
	s.ids, s.sources, s.phrased = append(s.ids, id), append(s.sources, source), append(s.phrased, phrased)
	s.langs = append(s.langs, lang)
	s.inLang[lang]++
	s.data = append(s.data, rows...)
	s.first = append(s.first, len(s.data)/dims)
	if phrased {
		// FNV-1a over the chunk's id and the first few numbers of each of its vectors:
		// enough to tell a changed or re-embedded short answer, cheap on large sets.
		mix := func(x uint64) { s.phrasings = (s.phrasings ^ x) * 1099511628211 }
		mix(uint64(id))
		for r := 0; r < len(rows); r += dims {
			for _, x := range rows[r : r+min(dims, 8)] {
				mix(uint64(math.Float32bits(x)))
			}
		}
	}
}

func (s *vectorSet) row(r int) []float32 { return s.data[r*s.dims : (r+1)*s.dims] }

// closest is the similarity of the unit vector q to chunk c: to the nearest of its rows.
func (s *vectorSet) closest(q []float32, c int) float32 {
	best := dot(q, s.row(s.first[c]))
	for r := s.first[c] + 1; r < s.first[c+1]; r++ {
		best = max(best, dot(q, s.row(r)))
	}
	return best
}

// vectorCache holds vector sets per workspace, dropped whenever the workspace's chunks
// or vectors change, and the calibration of each workspace's last set.
type vectorCache struct {
	mu   sync.Mutex
	sets map[int64]*vectorSet
	cals map[int64]keptCalibration
}

// keptCalibration is a workspace's last calibration and the fingerprint of the short
// answers' vectors it was made from.
type keptCalibration struct {
	phrasings uint64
	cal       calibration
}

// calibrate gives set its calibration: the last one made for the workspace when the short
// answers' vectors are the same, else a new one.
func (c *vectorCache) calibrate(workspaceID int64, set *vectorSet) {
	c.mu.Lock()
	prev, ok := c.cals[workspaceID]
	c.mu.Unlock()
	if ok && prev.phrasings == set.phrasings {
		set.cal = prev.cal
		return
	}
	set.cal = set.calibrate()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cals == nil {
		c.cals = map[int64]keptCalibration{}
	}
	c.cals[workspaceID] = keptCalibration{set.phrasings, set.cal}
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
	rows, err := m.db.Read.QueryContext(ctx, `SELECT c.id, c.source_id, c.lang, s.kind = ? AND c.ord = 0, c.embed_dims, c.embedding
		FROM chunks c JOIN sources s ON s.id = c.source_id
		WHERE c.workspace_id = ? AND c.embed_dims > 0 AND c.embed_model = ? ORDER BY c.id`,
		KindShortAnswer, workspaceID, embedStamp(m.embedModel()))
	if err != nil {
		return nil, fmt.Errorf("knowledge: load vectors: %w", err)
	}
	defer rows.Close()
	set := &vectorSet{}
	for rows.Next() {
		var id, src int64
		var lang string
		var phrased bool
		var dims int
		var blob []byte
		if err := rows.Scan(&id, &src, &lang, &phrased, &dims, &blob); err != nil {
			return nil, fmt.Errorf("knowledge: load vectors: %w", err)
		}
		set.add(id, src, lang, phrased, decodeVector(blob), dims)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: load vectors: %w", err)
	}
	m.vectors.calibrate(workspaceID, set)
	m.vectors.put(workspaceID, set)
	return set, nil
}

// similarities are a query's similarity to each chunk of a vector set.
type similarities struct {
	set  *vectorSet
	sims []float32 // by chunk
}

// of returns the similarity of chunk id, 0 when it has no vector.
func (s similarities) of(id int64) float64 {
	if s.set == nil {
		return 0
	}
	if c, ok := s.set.index[id]; ok {
		return float64(s.sims[c])
	}
	return 0
}

// closeness places the similarity of chunk id on the workspace's own scale (calibration):
// 0 at the cut, 1 a whole spread above it. ok is false when the chunk has no vector or
// the workspace cannot be calibrated.
func (s similarities) closeness(id int64) (float64, bool) {
	if s.set == nil {
		return 0, false
	}
	c, found := s.set.index[id]
	cal := s.set.cal
	if !found || !cal.ok {
		return 0, false
	}
	return (float64(s.sims[c]) - cal.cut) / cal.spread, true
}

// vote is how much the vector ranking's vote for chunk id counts against the keyword
// ranking's 1 (calibration.weight): nothing when the workspace cannot be calibrated, or
// when the chunk is no closer than an unrelated answer typically is (calibration.floor).
func (s similarities) vote(id int64) float64 {
	if s.set == nil || !s.set.cal.ok {
		return 0
	}
	c, ok := s.set.index[id]
	if !ok || float64(s.sims[c]) <= s.set.cal.floor {
		return 0
	}
	return s.set.cal.weight
}

// nearestWorkers is how many goroutines scan a large vector set; scanRows is the size
// under which one does it alone.
var nearestWorkers = runtime.GOMAXPROCS(0)

const scanRows = 4096

// nearest returns the k chunks most similar to the unit vector q, best first, among those
// of the allowed sources (all when allowed is empty) and in lang when the set has chunks
// in lang (all when lang is ""), and the similarities of all. A model knows some
// languages better than others (an English-only one puts English chunks closest to a
// question in any language), so similarities are compared within the customer's
// language; the keyword search finds the chunks in others.
func (s *vectorSet) nearest(q []float32, allowed map[int64]bool, lang string, k int) ([]int64, similarities) {
	n := len(s.ids)
	if len(q) != s.dims || n == 0 || k <= 0 {
		return nil, similarities{}
	}
	sims := similarities{set: s, sims: make([]float32, n)}
	workers := min(nearestWorkers, (s.first[n]+scanRows-1)/scanRows)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			for c := lo; c < hi; c++ {
				sims.sims[c] = s.closest(q, c)
			}
		})
	}
	wg.Wait()
	if s.inLang[lang] == 0 {
		lang = ""
	}
	top := make([]int, 0, k+1) // chunks, best first
	for c, sim := range sims.sims {
		if len(top) == k && sim <= sims.sims[top[k-1]] || (len(allowed) > 0 && !allowed[s.sources[c]]) ||
			lang != "" && s.langs[c] != lang {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return sims.sims[top[i]] < sim })
		top = slices.Insert(top, i, c)
		if len(top) > k {
			top = top[:k]
		}
	}
	ids := make([]int64, len(top))
	for i, c := range top {
		ids[i] = s.ids[c]
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
// error, when no embedding model is set or Ollama cannot embed the query in time: the
// search goes on with keywords alone, which is logged when it starts and when it ends,
// counted (QueryEmbedFailures), and shown to the admin (llm.Health.EmbedError).
func (m *Manager) vectorSearch(ctx context.Context, workspaceID int64, query string, o SearchOptions) ([]int64, similarities, error) {
	model := m.embedModel()
	if model == "" {
		return nil, similarities{}, nil
	}
	set, err := m.vectorSet(ctx, workspaceID)
	if err != nil || len(set.ids) == 0 {
		return nil, similarities{}, err
	}
	q, ok := m.embedQuestion(ctx, model, query, set.dims)
	if !ok {
		return nil, similarities{}, nil
	}
	allowed := map[int64]bool{}
	for _, id := range o.SourceIDs {
		allowed[id] = true
	}
	ids, sims := set.nearest(q, allowed, NormalizeLang(o.Lang), o.Limit*3)
	return ids, sims, nil
}

// embedQuestion embeds a customer's question as a vector of dims, or reports false when
// Ollama cannot in time (logged once and counted, see vectorSearch).
func (m *Manager) embedQuestion(ctx context.Context, model, query string, dims int) ([]float32, bool) {
	ectx, cancel := context.WithTimeout(ctx, queryEmbedTimeout)
	defer cancel()
	prefix, _ := llm.EmbedPrefixes(model)
	// A question longer than the model's context is cut, deliberately, at its end.
	text := prefix + splitWithin(query, m.embedContext(ectx, model)-len(prefix))[0]
	vecs, err := m.llm.Embed(ectx, model, []string{text})
	if err != nil || len(vecs) != 1 || len(vecs[0]) != dims {
		if ctx.Err() != nil {
			return nil, false // the customer went away: says nothing of the model
		}
		m.queryEmbedFailures.Add(1)
		if !m.queryEmbedDown.Swap(true) {
			m.log.Warn("knowledge: cannot embed questions; searching by keywords only until it can", "model", model, "err", err)
		}
		return nil, false
	}
	if m.queryEmbedDown.Swap(false) {
		m.log.Info("knowledge: questions are embedded again", "model", model)
	}
	return decodeVector(encodeVector(vecs[0])), true
}

// QuestionVector embeds a question as the search does, for grouping questions by meaning
// (knowledge gaps). It also returns the cosine similarity from which two questions count
// as asking the same: the cut of the workspace's calibration (calibration.go), measured on
// its own short answers, since no fixed number holds across models. ok is false without
// an embedding model, without a calibration (too few short answers with phrasings), or
// when Ollama cannot embed in time or could not the last time: grouping then goes by
// words alone. stamp names how the vector was made, so that vectors made otherwise are
// not compared with it.
func (m *Manager) QuestionVector(ctx context.Context, workspaceID int64, text string) (vec []float32, cut float64, stamp string, ok bool) {
	model := m.embedModel()
	if model == "" || m.queryEmbedDown.Load() {
		// Down: the searches try again, and say when it is back; this waits for them.
		return nil, 0, "", false
	}
	set, err := m.vectorSet(ctx, workspaceID)
	if err != nil || len(set.ids) == 0 || !set.cal.ok {
		return nil, 0, "", false
	}
	v, ok := m.embedQuestion(ctx, model, text, set.dims)
	if !ok {
		return nil, 0, "", false
	}
	return v, set.cal.cut, embedStamp(model), true
}
