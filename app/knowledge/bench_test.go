package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// corpus generates articles of about 150 words each from a Zipf-distributed vocabulary
// of 30,000 made-up words, like the long tail of a real help centre.
type corpus struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

func newCorpus(seed uint64) *corpus {
	rng := rand.New(rand.NewPCG(seed, 1))
	c := &corpus{rng: rng, zipf: rand.NewZipf(rng, 1.1, 2, 29_999)}
	const letters = "abcdefghijklmnopqrstuvwxyz"
	seen := map[string]bool{}
	for len(c.vocab) < 30_000 {
		n := 3 + rng.IntN(8)
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			c.vocab = append(c.vocab, w)
		}
	}
	return c
}

func (c *corpus) words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = c.vocab[c.zipf.Uint64()]
	}
	return strings.Join(ws, " ")
}

// jsonl returns n one-chunk articles in the import format.
func (c *corpus) jsonl(n, offset int) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for i := range n {
		enc.Encode(Item{Kind: "article", ID: fmt.Sprint(offset + i), Title: c.words(4), Body: c.words(150) + ".", Lang: "en"})
	}
	return b.String()
}

// BenchmarkIngest measures indexing without embeddings: chunks per second through
// ImportJSONL (analysis, chunking, FTS5 inserts, one transaction per batch of 1,000).
func BenchmarkIngest(b *testing.B) {
	m, ws := newBenchManager(b)
	c := newCorpus(1)
	batches := make([]string, 8)
	for i := range batches {
		batches[i] = c.jsonl(1000, i*1000)
	}
	ctx := context.Background()
	b.ResetTimer()
	chunks := 0
	for i := 0; b.Loop(); i++ {
		res, err := m.ImportJSONL(ctx, ws, strings.NewReader(batches[i%len(batches)]), nil)
		if err != nil {
			b.Fatal(err)
		}
		chunks += res.Imported
	}
	b.ReportMetric(float64(chunks)/b.Elapsed().Seconds(), "chunks/s")
}

func newBenchManager(b *testing.B) (*Manager, int64) {
	b.Helper()
	m, ws, _ := newTest(b)
	return m, ws
}

// BenchmarkSearch measures query latency (p50, p99) on 10k and 100k chunks, and the
// database size per 1,000 chunks.
func BenchmarkSearch(b *testing.B) {
	for _, size := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("chunks=%d", size), func(b *testing.B) {
			m, ws := newBenchManager(b)
			c := newCorpus(2)
			ctx := context.Background()
			for done := 0; done < size; done += 5000 {
				if _, err := m.ImportJSONL(ctx, ws, strings.NewReader(c.jsonl(5000, done)), nil); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := m.db.Write.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				b.Fatal(err)
			}
			// Questions are 6-12 words: most from one chunk's text, plus a few others.
			qc := newCorpus(2)
			queries := make([]string, 500)
			for i := range queries {
				queries[i] = qc.words(4+qc.rng.IntN(5)) + " " + c.words(2+qc.rng.IntN(4))
			}
			// A first search reads the term statistics (freq.go), as a running server has.
			if _, err := m.Search(ctx, ws, queries[0], SearchOptions{Lang: "en", Limit: 10}); err != nil {
				b.Fatal(err)
			}
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				if _, err := m.Search(ctx, ws, queries[i%len(queries)], SearchOptions{Lang: "en", Limit: 10}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			reportLatency(b, lat)
			if info, err := os.Stat(m.db.Path); err == nil {
				b.ReportMetric(float64(info.Size())/float64(size)*1000/(1<<20), "MB/1k-chunks")
			}
		})
	}
}

// phrasings returns each phrasings for each of n short answers: a two-word topic they
// share and 4 to 10 more words.
func (c *corpus) phrasings(n, each int) []phrasing {
	var out []phrasing
	for i := range n {
		topic := c.words(2)
		for range each {
			out = append(out, phrasing{chunk: int64(i), text: topic + " " + c.words(4+c.rng.IntN(7))})
		}
	}
	return out
}

// BenchmarkPhraseTrain measures training the phrasing model of a workspace with short
// answers of 10 phrasings each (6 to 12 words from the Zipf vocabulary), of 130 each as
// banking77's training set has, and with one answer of maxVariants+1 phrasings among
// 150, and the size of its weight table; training happens on the first search after
// short answers change.
func BenchmarkPhraseTrain(b *testing.B) {
	for _, c := range []struct {
		name          string
		answers, each int
		bigPhrasings  int // of one more answer
	}{
		{"150", 150, 10, 0},
		{"1000", 1_000, 10, 0},
		{"5000", 5_000, 10, 0},
		{"77x130", 77, 130, 0},
		{"150+1x1001", 150, 10, maxVariants + 1},
	} {
		b.Run(c.name, func(b *testing.B) {
			cp := newCorpus(7)
			examples := cp.phrasings(c.answers, c.each)
			if c.bigPhrasings > 0 {
				for _, p := range cp.phrasings(1, c.bigPhrasings) {
					examples = append(examples, phrasing{chunk: int64(c.answers), text: p.text})
				}
			}
			b.ReportAllocs()
			var m *phraseModel
			for b.Loop() {
				m = trainPhraseModel(examples)
			}
			b.ReportMetric(float64(len(m.weights)*4)/(1<<20), "MB")
		})
	}
}

// BenchmarkSearchManyPhrasings measures a search in a workspace of 150 short answers of
// 10 phrasings each and one of 1,000 (the most allowed), for a question the big one
// answers and for one a small one answers: the big answer's phrasings are in its index
// row and in what its coverage is measured against.
func BenchmarkSearchManyPhrasings(b *testing.B) {
	m, ws := newBenchManager(b)
	ctx := context.Background()
	c := newCorpus(7)
	byAnswer := map[int64][]string{}
	for _, p := range c.phrasings(150, 10) {
		byAnswer[p.chunk] = append(byAnswer[p.chunk], p.text)
	}
	for i := range int64(150) {
		ps := byAnswer[i]
		if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: ps[0], Variants: ps[1:], Answer: c.words(20), Lang: "en"}); err != nil {
			b.Fatal(err)
		}
	}
	var big []string
	for _, p := range c.phrasings(1, maxVariants+1) {
		big = append(big, p.text)
	}
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: big[0], Variants: big[1:], Answer: c.words(20), Lang: "en"}); err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct{ name, text string }{{"big", big[500]}, {"small", byAnswer[42][5]}} {
		b.Run(q.name, func(b *testing.B) {
			if _, err := m.Search(ctx, ws, q.text, SearchOptions{Lang: "en"}); err != nil { // trains the phrasing model
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := m.Search(ctx, ws, q.text, SearchOptions{Lang: "en"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPhraseRerank measures what the phrasing model adds to a search: features of the
// question, the probabilities and the reordering of 30 keyword results.
func BenchmarkPhraseRerank(b *testing.B) {
	examples := newCorpus(7).phrasings(1_000, 10)
	m := trainPhraseModel(examples)
	ids := make([]int64, 30)
	scores := map[int64]float64{}
	for i := range ids {
		ids[i] = int64(i * 30)
		scores[ids[i]] = float64(100 - i)
	}
	q := examples[42].text
	for b.Loop() {
		m.rerank(q, ids, scores)
	}
}

// reportLatency reports the p50 and p99 of the timed operations.
func reportLatency(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkVectorNearest measures the brute-force vector search of a query (the part after
// Ollama embedded it) over 10k and 100k chunks of 768 dimensions, nomic-embed-text's size.
func BenchmarkVectorNearest(b *testing.B) {
	const dims = 768
	rng := rand.New(rand.NewPCG(3, 4))
	unit := func() []float32 {
		v := make([]float32, dims)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return decodeVector(encodeVector(v))
	}
	for _, size := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("chunks=%d", size), func(b *testing.B) {
			set := &vectorSet{}
			for i := range size {
				v := unit()
				set.add(int64(i+1), int64(i/5+1), "", false, v, len(v))
			}
			queries := make([][]float32, 50)
			for i := range queries {
				queries[i] = unit()
			}
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				set.nearest(queries[i%len(queries)], nil, "", 30)
				lat = append(lat, time.Since(start))
			}
			reportLatency(b, lat)
		})
	}
}

// BenchmarkCalibrate measures the calibration of a workspace's similarities (done once
// after each change to its vectors) with 768-dimension vectors, 10 phrasings an answer.
func BenchmarkCalibrate(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, answers := range []int{150, 1000} {
		b.Run(fmt.Sprintf("phrasings=%d", answers*10), func(b *testing.B) {
			src := answerSet(rng, answers, 10, 768, 0.8)
			for b.Loop() {
				set := &vectorSet{}
				for c, id := range src.ids {
					set.add(id, id, "", true, src.data[src.first[c]*src.dims:src.first[c+1]*src.dims], src.dims)
				}
				if !set.calibrate().ok {
					b.Fatal("not calibrated")
				}
			}
		})
	}
}
