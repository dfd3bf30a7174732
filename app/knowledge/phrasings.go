package knowledge

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
)

// Short answers come with the ways customers ask for them: a question and its other
// phrasings. BM25 weighs a word by how rare it is in the whole index; it cannot learn that
// in this workspace "reservation" tells two answers apart while "restaurant" does not, nor
// match "reservaton". The phrasing model learns both from the phrasings themselves: a
// softmax regression over words, word pairs and character n-grams of words, trained per
// workspace with each phrasing labelled by its short answer. Search uses it to reorder the
// short answers among the keyword results and reports how sure it is as Result.Match.
// On clinc150 (docs/EVAL.md) it lifts mrr@10 from 0.851 to 0.87.
const (
	// Each phrasing is trained against the answers it shares the most rare words with,
	// which are the ones a search will put beside it; softmax over every answer would make
	// training quadratic in their number.
	phraseCandidates = 10
	phraseEpochs     = 15
	phraseRate       = 0.5
	// Within the short answers a search found, the order is by probability +
	// phraseKeywordWeight × BM25 / best BM25: the model decides, keywords break its doubts.
	phraseKeywordWeight = 0.25
	// Character 4-grams of each word, with its boundaries marked ("<res", "rese", ...):
	// 3- and 5-grams as well made the model three times larger for +0.002 mrr@10.
	phraseGram = 4
)

// phraseFeature is one hashed feature of a text with its (normalised) weight.
type phraseFeature struct {
	hash  uint64
	value float32
}

// phraseFeatures turns a text's words (as analyze finds them, so bigrams for scripts
// without spaces) into the model's features: the words, pairs of neighbouring words and
// character n-grams, L2-normalised so that long and short phrasings weigh alike.
func phraseFeatures(words []string) []phraseFeature {
	counts := map[uint64]float32{}
	for i, w := range words {
		counts[hashFeature('w', w, "")]++
		if i > 0 {
			counts[hashFeature('b', words[i-1], w)]++
		}
		r := []rune("<" + w + ">")
		for j := 0; j+phraseGram <= len(r); j++ {
			counts[hashFeature('c', string(r[j:j+phraseGram]), "")]++
		}
	}
	fs := make([]phraseFeature, 0, len(counts))
	var norm float64
	for h, c := range counts {
		fs = append(fs, phraseFeature{h, c})
		norm += float64(c * c)
	}
	slices.SortFunc(fs, func(a, b phraseFeature) int { return cmp.Compare(a.hash, b.hash) })
	norm = math.Sqrt(norm)
	for i := range fs {
		fs[i].value = float32(float64(fs[i].value) / norm)
	}
	return fs
}

// hashFeature is FNV-1a over the feature's kind and parts: stable across runs, so that
// training is deterministic.
func hashFeature(kind byte, a, b string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	h = (h ^ uint64(kind)) * prime
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * prime
	}
	h = (h ^ 0xff) * prime
	for i := 0; i < len(b); i++ {
		h = (h ^ uint64(b[i])) * prime
	}
	return h
}

// phraseModel is a trained model. Its weights live in one hashed table: the weight of
// feature f for class c is at slot(f, c). Only the pairs that training touched have a
// weight; the table is kept at most half full, so the rare collisions add a little noise
// rather than another answer's evidence, and no map of pairs is needed to train or ask.
type phraseModel struct {
	chunks  []int64         // the chunk of each class (short answers have one)
	classOf map[int64]int32 // chunk -> class
	weights []float32
	mask    uint64
}

// Bounds of the weight table: 16 KB for a handful of short answers, 16 MB at most.
const (
	phraseMinSlots = 1 << 12
	phraseMaxSlots = 1 << 22
)

func (m *phraseModel) slot(f uint64, c int32) uint64 {
	// splitmix64's finaliser mixes the class into the feature's hash.
	x := f ^ (uint64(c)+1)*0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return (x ^ x>>31) & m.mask
}

func (m *phraseModel) logit(fs []phraseFeature, c int32) float64 {
	var l float32
	for _, f := range fs {
		l += m.weights[m.slot(f.hash, c)] * f.value
	}
	return float64(l)
}

// phrasing is one training example: a way of asking for the short answer whose chunk it names.
type phrasing struct {
	chunk int64
	text  string
}

// trainPhraseModel trains a model on the phrasings, or returns nil when there are fewer
// than two short answers to tell apart.
func trainPhraseModel(examples []phrasing) *phraseModel {
	m := &phraseModel{classOf: map[int64]int32{}}
	labels := make([]int32, len(examples))
	words := make([][]string, len(examples))
	feats := make([][]phraseFeature, len(examples))
	for i, e := range examples {
		c, ok := m.classOf[e.chunk]
		if !ok {
			c = int32(len(m.chunks))
			m.classOf[e.chunk] = c
			m.chunks = append(m.chunks, e.chunk)
		}
		words[i] = analyze(e.text).words
		labels[i], feats[i] = c, phraseFeatures(words[i])
	}
	if len(m.chunks) < 2 {
		return nil
	}
	cands := confusableClasses(words, labels, len(m.chunks))
	pairs := 0
	for i := range examples {
		pairs += len(feats[i]) * len(cands[i])
	}
	size := uint64(phraseMinSlots)
	for size < 2*uint64(pairs) && size < phraseMaxSlots {
		size *= 2
	}
	m.weights, m.mask = make([]float32, size), size-1

	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	var p []float64
	for range phraseEpochs {
		rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			p = p[:0]
			for _, c := range cands[i] {
				p = append(p, m.logit(feats[i], c))
			}
			softmax(p)
			for k, c := range cands[i] {
				g := p[k]
				if c == labels[i] {
					g--
				}
				step := float32(phraseRate * g)
				for _, f := range feats[i] {
					m.weights[m.slot(f.hash, c)] -= step * f.value
				}
			}
		}
	}
	return m
}

// confusableClasses lists, for each example (given by its words), its own class and the
// phraseCandidates other classes whose phrasings share the most rare words with it
// (idf-weighted overlap).
func confusableClasses(exampleWords [][]string, labels []int32, classes int) [][]int32 {
	words := make([][]string, len(exampleWords))
	postings := map[string][]int32{} // word -> classes that use it, each once
	type use struct {
		word  string
		class int32
	}
	seen := map[use]bool{}
	for i, ws := range exampleWords {
		words[i] = distinct(ws)
		for _, t := range words[i] {
			if u := (use{t, labels[i]}); !seen[u] {
				seen[u] = true
				postings[t] = append(postings[t], labels[i])
			}
		}
	}
	out := make([][]int32, len(words))
	score := make([]float64, classes)
	better := func(a, b int32) bool { return score[a] > score[b] || score[a] == score[b] && a < b }
	var touched []int32
	for i := range words {
		clear(score)
		touched = touched[:0]
		for _, t := range words[i] {
			p := postings[t]
			idf := math.Log(1 + float64(classes)/float64(len(p)))
			for _, c := range p {
				if score[c] == 0 {
					touched = append(touched, c)
				}
				score[c] += idf
			}
		}
		// The best phraseCandidates by score (ties to the lower class), kept sorted by
		// insertion: touched can hold most classes, a full sort of it would dominate training.
		cs := make([]int32, 0, phraseCandidates+1)
		for _, c := range touched {
			if c == labels[i] {
				continue
			}
			if len(cs) == phraseCandidates && !better(c, cs[len(cs)-1]) {
				continue
			}
			k := len(cs)
			for k > 0 && better(c, cs[k-1]) {
				k--
			}
			cs = slices.Insert(cs, k, c)
			if len(cs) > phraseCandidates {
				cs = cs[:phraseCandidates]
			}
		}
		cs = append([]int32{labels[i]}, cs...)
		out[i] = cs
	}
	return out
}

// softmax turns logits into probabilities in place.
func softmax(x []float64) {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = max(mx, v)
	}
	var z float64
	for i, v := range x {
		x[i] = math.Exp(v - mx)
		z += x[i]
	}
	for i := range x {
		x[i] /= z
	}
}

// probabilities returns, for each of the given short answers' chunks (distinct, all
// known to the model), the probability that it is what text asks for among all the
// workspace's short answers. Answers not given count as a guess (logit 0): they are the
// ones the search did not find, and computing every answer's logit would make each search
// as slow as the workspace is large.
func (m *phraseModel) probabilities(text string, chunks []int64) map[int64]float64 {
	fs := phraseFeatures(analyze(text).words)
	logits := make([]float64, len(chunks))
	mx := 0.0 // the logit of an answer not given
	for i, id := range chunks {
		logits[i] = m.logit(fs, m.classOf[id])
		mx = max(mx, logits[i])
	}
	z := float64(len(m.chunks)-len(chunks)) * math.Exp(-mx)
	for _, l := range logits {
		z += math.Exp(l - mx)
	}
	p := make(map[int64]float64, len(chunks))
	for i, id := range chunks {
		p[id] = math.Exp(logits[i]-mx) / z
	}
	return p
}

// rerank reorders the short answers among the ranked keyword results by the model, in the
// places they held, and returns how sure it is of each one found (see sureness). ids is
// best first and scores holds their BM25 scores; scores is left as it is.
func (m *phraseModel) rerank(text string, ids []int64, scores map[int64]float64) map[int64]float64 {
	var places []int
	for i, id := range ids {
		if _, ok := m.classOf[id]; ok {
			places = append(places, i)
		}
	}
	if len(places) == 0 {
		return nil
	}
	found := make([]int64, len(places))
	for k, i := range places {
		found[k] = ids[i]
	}
	p := m.probabilities(text, found)
	best := scores[ids[0]]
	match := make(map[int64]float64, len(places))
	fused := make(map[int64]float64, len(places))
	answers := make([]int64, len(places))
	for k, i := range places {
		id := ids[i]
		prob := p[id]
		match[id] = sureness(prob, len(m.chunks))
		fused[id] = prob
		if best > 0 {
			fused[id] += phraseKeywordWeight * scores[id] / best
		}
		answers[k] = id
	}
	sort.SliceStable(answers, func(a, b int) bool { return fused[answers[a]] > fused[answers[b]] })
	for k, i := range places {
		ids[i] = answers[k]
	}
	return match
}

// sureness rescales the probability p of one answer among n to [0, 1] in a way that does
// not depend on n: 0 at 1/n (a guess) or below, 1 at certainty, 0.5 at 1/√n. A raw
// probability cannot serve as evidence across workspaces: 0.2 is a guess among five
// short answers and a strong hint among five hundred.
func sureness(p float64, n int) float64 {
	if p <= 0 {
		return 0
	}
	return max(0, 1+math.Log(p)/math.Log(float64(n)))
}

// phraseCache keeps a trained model per workspace. A change to a workspace's short
// answers bumps its generation, and the next search trains the model again: in the
// foreground for up to phraseSyncExamples phrasings (a fraction of a second, see
// docs/BENCHMARKS.md; concurrent searches of the workspace wait for it once), in the
// background beyond, the previous model serving meanwhile.
type phraseCache struct {
	mu     sync.Mutex
	gen    map[int64]uint64
	models map[int64]*cachedPhrases
	// syncExamples is phraseSyncExamples; tests lower it.
	syncExamples int
}

const phraseSyncExamples = 2_000

type cachedPhrases struct {
	mu       sync.Mutex // held while training in the foreground
	gen      uint64     // the generation the model was trained on
	ready    bool
	training bool         // a newer model is training in the background
	examples int          // how many phrasings the model was trained on
	model    *phraseModel // nil when the workspace has fewer than two short answers
}

func (c *phraseCache) changed(workspaceID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == nil {
		c.gen = map[int64]uint64{}
	}
	c.gen[workspaceID]++
}

// phraseModel returns the workspace's model, training it when its short answers changed
// since (see phraseCache). It returns nil when there is nothing to tell apart.
func (m *Manager) phraseModel(ctx context.Context, workspaceID int64) (*phraseModel, error) {
	c := &m.phrases
	c.mu.Lock()
	if c.models == nil {
		c.models = map[int64]*cachedPhrases{}
	}
	e := c.models[workspaceID]
	if e == nil {
		e = &cachedPhrases{}
		c.models[workspaceID] = e
	}
	gen, syncExamples := c.gen[workspaceID], c.syncExamples
	c.mu.Unlock()
	if syncExamples == 0 {
		syncExamples = phraseSyncExamples
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ready && (e.gen == gen || e.training) {
		return e.model, nil
	}
	if e.ready && e.examples > syncExamples {
		e.training = true
		go func() {
			examples, err := m.phrasings(context.WithoutCancel(ctx), workspaceID)
			var model *phraseModel
			if err == nil {
				model = trainPhraseModel(examples)
			} else {
				m.log.Error("knowledge: train phrasing model", "workspace", workspaceID, "err", err)
			}
			e.mu.Lock()
			defer e.mu.Unlock()
			if err == nil {
				e.model, e.gen, e.examples = model, gen, len(examples)
			}
			e.training = false
		}()
		return e.model, nil
	}
	examples, err := m.phrasings(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	e.model, e.gen, e.examples, e.ready = trainPhraseModel(examples), gen, len(examples), true
	return e.model, nil
}

// phrasings reads the question and other phrasings of every short answer of a workspace.
func (m *Manager) phrasings(ctx context.Context, workspaceID int64) ([]phrasing, error) {
	rows, err := m.db.Read.QueryContext(ctx, `SELECT c.id, s.question, s.variants FROM sources s
		JOIN chunks c ON c.source_id = s.id AND c.ord = 0
		WHERE s.workspace_id = ? AND s.kind = ? ORDER BY s.id`, workspaceID, KindShortAnswer)
	if err != nil {
		return nil, fmt.Errorf("knowledge: read phrasings: %w", err)
	}
	defer rows.Close()
	var out []phrasing
	for rows.Next() {
		var chunk int64
		var question, variants string
		if err := rows.Scan(&chunk, &question, &variants); err != nil {
			return nil, fmt.Errorf("knowledge: read phrasings: %w", err)
		}
		var vs []string
		if err := json.Unmarshal([]byte(variants), &vs); err != nil {
			return nil, fmt.Errorf("knowledge: variants of chunk %d: %w", chunk, err)
		}
		for _, t := range append([]string{question}, vs...) {
			out = append(out, phrasing{chunk, t})
		}
	}
	return out, rows.Err()
}

// matchShortAnswers reorders the short answers among the keyword results (ids, best
// first, with their scores) by the workspace's phrasing model, and returns their
// probabilities; nothing when the workspace has fewer than two short answers.
func (m *Manager) matchShortAnswers(ctx context.Context, workspaceID int64, query string, ids []int64, scores map[int64]float64) (map[int64]float64, error) {
	pm, err := m.phraseModel(ctx, workspaceID)
	if err != nil || pm == nil {
		return nil, err
	}
	return pm.rerank(query, ids, scores), nil
}
