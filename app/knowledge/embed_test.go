package knowledge

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"agent/app/llm"
	"agent/app/llm/llmtest"
)

// restaurant is a small restaurant's FAQ, each answer with a few ways of asking it.
var restaurant = []ShortAnswerInput{
	{Question: "Do you take reservations?", Variants: []string{"can I book a table", "I would like to reserve a table for tonight", "how do I make a reservation"}, Answer: "Book on our website."},
	{Question: "What are your opening hours?", Variants: []string{"when do you open", "are you open on sunday", "what time do you close tonight"}, Answer: "Every day from 11:00 to 23:00."},
	{Question: "Is there parking?", Variants: []string{"where can I park my car", "is there a car park near the restaurant"}, Answer: "Behind the restaurant."},
	{Question: "Can I bring my dog?", Variants: []string{"are pets allowed", "is the terrace dog friendly", "may I come with my puppy"}, Answer: "Dogs are welcome on the terrace."},
	{Question: "Do you have vegetarian dishes?", Variants: []string{"is there food without meat", "vegan options"}, Answer: "Half of the menu is vegetarian."},
	{Question: "Can I pay by card?", Variants: []string{"do you accept visa", "is cash the only way to pay"}, Answer: "All cards are accepted."},
}

// restaurantModel is an embedding model that knows a few of the restaurant's synonyms.
var restaurantModel = llmtest.Synonyms(512,
	strings.Fields("a an the is are do does you your i my me we our can may there to on in of for with how what when where who which this it be"),
	[]string{"close", "shut", "closing"}, []string{"open", "opening"}, []string{"hours", "time"},
	[]string{"dog", "puppy", "pets", "hound", "pet"}, []string{"park", "parking", "car"},
	[]string{"book", "reserve", "reservation", "reservations", "booking"})

// Short answers are embedded a vector per phrasing; a question worded like none of them
// is found by meaning, and only what the knowledge answers is close on the workspace's
// own scale.
func TestSearchByMeaning(t *testing.T) {
	ctx := context.Background()
	ollama := llmtest.New(t)
	ollama.SetEmbedding(restaurantModel)
	ollama.SetModels("bge-m3") // a model that needs no task prefixes
	client, err := llm.New(llm.Options{URL: ollama.URL(), EmbedModel: "bge-m3"})
	if err != nil {
		t.Fatal(err)
	}
	m, ws := newWithOptions(t, Options{LLM: client})
	for _, in := range restaurant {
		if _, err := m.CreateShortAnswer(ctx, ws, in); err != nil {
			t.Fatal(err)
		}
	}
	mustArticle(t, m, ws, "Our story", "The restaurant opened in 1998 by the harbour.", "en")
	if n, err := m.Embed(ctx, ws); err != nil || n.Embedded != len(restaurant)+1 {
		t.Fatalf("Embed = %d, %v", n, err)
	}
	// One vector for the chunk, and one for each phrasing.
	rows, err := m.db.Read.Query("SELECT s.kind, s.variants, length(c.embedding) / 4 / c.embed_dims FROM chunks c JOIN sources s ON s.id = c.source_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind Kind
		var variants string
		var n int
		if err := rows.Scan(&kind, &variants, &n); err != nil {
			t.Fatal(err)
		}
		want := 1
		if kind == KindShortAnswer {
			want = 2 + strings.Count(variants, `","`) + 1
		}
		if n != want {
			t.Errorf("%s %s: %d vectors, want %d", kind, variants, n, want)
		}
	}
	rows.Close()

	rs, err := m.Search(ctx, ws, "may i bring my hound", SearchOptions{})
	if err != nil || len(rs) == 0 {
		t.Fatal(rs, err)
	}
	if best := rs[0]; best.Source.Title != "Can I bring my dog?" || !best.Calibrated || best.Closeness < 0 || best.Similarity < 0.7 {
		t.Errorf("best result %q: similarity %.2f, closeness %.2f (calibrated %v)", best.Source.Title, best.Similarity, best.Closeness, best.Calibrated)
	}
	// Nothing shares a word with it, but it means the opening hours.
	rs, err = m.Search(ctx, ws, "what time do you shut", SearchOptions{})
	if err != nil || len(rs) == 0 || rs[0].Source.Title != "What are your opening hours?" || rs[0].Closeness < 0 {
		t.Fatalf("search by meaning = %+v, %v", rs, err)
	}
	rs, err = m.Search(ctx, ws, "who won the football world cup", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if !r.Calibrated || r.Closeness >= 0 {
			t.Errorf("out of scope, %q is close: %.2f (calibrated %v)", r.Source.Title, r.Closeness, r.Calibrated)
		}
	}
}

func TestVectorNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	unit := func(dims int) []float32 {
		v := make([]float32, dims)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return decodeVector(encodeVector(v))
	}
	defer func(w int) { nearestWorkers = w }(nearestWorkers)
	nearestWorkers = 3 // chunks split unevenly between workers
	set := &vectorSet{}
	const n = 3*scanRows + 7
	rowsOf := map[int64][][]float32{}
	for i := range n {
		id := int64(i + 100)
		// Every seventh chunk is a short answer with a vector per phrasing.
		for range 1 + 3*min(1, i%7) {
			rowsOf[id] = append(rowsOf[id], unit(32))
		}
		set.add(id, int64(i%10), "", i%7 != 0, slices.Concat(rowsOf[id]...), 32)
	}
	set.add(999_999, 1, "", false, unit(16), 16) // another model's length: left out
	if len(set.ids) != n {
		t.Fatalf("%d chunks kept, want %d", len(set.ids), n)
	}
	q := unit(32)
	// A chunk's similarity is that of its nearest vector.
	sim := func(id int64) float32 {
		best := float32(-2)
		for _, v := range rowsOf[id] {
			best = max(best, dot(q, v))
		}
		return best
	}
	// What a plain sort of every similarity gives.
	want := func(allowed map[int64]bool, k int) []int64 {
		var ids []int64
		for i, id := range set.ids {
			if len(allowed) == 0 || allowed[set.sources[i]] {
				ids = append(ids, id)
			}
		}
		sort.SliceStable(ids, func(i, j int) bool { return sim(ids[i]) > sim(ids[j]) })
		return ids[:min(k, len(ids))]
	}
	for _, tc := range []struct {
		allowed map[int64]bool
		k       int
	}{{nil, 30}, {map[int64]bool{3: true, 7: true}, 30}, {nil, n + 5}, {map[int64]bool{42: true}, 10}} {
		got, sims := set.nearest(q, tc.allowed, "", tc.k)
		if w := want(tc.allowed, tc.k); !slices.Equal(got, w) {
			t.Errorf("allowed %v, k %d: got %d ids %v…, want %d %v…", tc.allowed, tc.k, len(got), got[:min(3, len(got))], len(w), w[:min(3, len(w))])
		}
		if len(got) > 0 && sims.of(got[0]) < sims.of(got[len(got)-1]) {
			t.Errorf("similarities out of order")
		}
	}
	// Every chunk's similarity is known, not only the nearest ones'.
	_, sims := set.nearest(q, nil, "", 1)
	for _, id := range []int64{100, 101, set.ids[n-1]} {
		if sims.of(id) != float64(sim(id)) {
			t.Errorf("similarity of chunk %d: %v, want %v", id, sims.of(id), sim(id))
		}
	}
	if sims.of(5) != 0 {
		t.Errorf("similarity of an unknown chunk: %v", sims.of(5))
	}
	if ids, _ := set.nearest(unit(16), nil, "", 10); ids != nil {
		t.Errorf("a query of another length found %v", ids)
	}
}

// A model trained with task prefixes gets its passages and its questions (a customer's,
// and the ways of asking a short answer) each with its own; the vectors remember it, so
// that a change of prefixes has them made again.
func TestEmbedPrefixes(t *testing.T) {
	ctx := context.Background()
	ollama := llmtest.New(t)
	client, err := llm.New(llm.Options{URL: ollama.URL(), EmbedModel: "nomic-embed-text"})
	if err != nil {
		t.Fatal(err)
	}
	m, ws := newWithOptions(t, Options{LLM: client})
	if _, err := m.CreateShortAnswer(ctx, ws, restaurant[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Embed(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Search(ctx, ws, "can we book", SearchOptions{}); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, r := range ollama.Requests() {
		if r.Embed != nil {
			for _, in := range r.Embed.Input.([]any) {
				inputs = append(inputs, in.(string))
			}
		}
	}
	want := []string{
		"search_document: Do you take reservations?\n\nBook on our website.",
		"search_query: Do you take reservations?", "search_query: can I book a table",
		"search_query: I would like to reserve a table for tonight", "search_query: how do I make a reservation",
		"search_query: can we book",
	}
	if !slices.Equal(inputs, want) {
		t.Errorf("embedded %q,\nwant %q", inputs, want)
	}
	var stamp string
	m.db.Read.QueryRow("SELECT embed_model FROM chunks").Scan(&stamp)
	if stamp != "nomic-embed-text|search_query: |search_document: " {
		t.Errorf("stamp %q", stamp)
	}
	// Vectors made without the prefixes are made again.
	m.db.Write.Exec("UPDATE chunks SET embed_model = 'nomic-embed-text'")
	m.resetStaleEmbeddings(ctx)
	if n, err := m.Embed(ctx, ws); n.Embedded != 1 || err != nil {
		t.Errorf("re-embedded %d, %v", n, err)
	}
}

// embedClient is a client of the fake Ollama with a model that needs no task prefixes.
func embedClient(t *testing.T, ollama *llmtest.Server) *llm.Client {
	t.Helper()
	ollama.SetModels("bge-m3")
	client, err := llm.New(llm.Options{URL: ollama.URL(), EmbedModel: "bge-m3"})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// A chunk Ollama refuses to embed is set aside, shown in the knowledge table and never
// asked for again; it does not keep the chunks after it from being embedded.
func TestEmbedRefusedChunk(t *testing.T) {
	ctx := context.Background()
	ollama := llmtest.New(t)
	ollama.SetRefuse(func(in string) string {
		if strings.Contains(in, "poison") {
			return "the input length exceeds the context length"
		}
		return ""
	})
	m, ws := newWithOptions(t, Options{LLM: embedClient(t, ollama)})
	for i := range 5 {
		mustArticle(t, m, ws, fmt.Sprintf("Article %d", i), "Delivery takes three days.", "en")
	}
	bad := mustArticle(t, m, ws, "Poisoned", "This poison text is refused.", "en")
	for i := range 5 {
		mustArticle(t, m, ws, fmt.Sprintf("Later %d", i), "Returns are free.", "en")
	}
	n, err := m.Embed(ctx, ws)
	if err != nil || n != (EmbedCounts{Embedded: 10, Failed: 1}) {
		t.Fatalf("Embed = %+v, %v; want 10 embedded and 1 failed", n, err)
	}
	if n, err := m.Embed(ctx, ws); err != nil || n != (EmbedCounts{}) {
		t.Errorf("the refused chunk is asked for again: %+v, %v", n, err)
	}
	sources, _, err := m.List(ctx, ws, ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sources {
		if want := map[bool]int{true: 1}[s.ID == bad.ID]; s.EmbedFailed != want {
			t.Errorf("%s: %d chunks shown as not embedded, want %d", s.Title, s.EmbedFailed, want)
		}
	}
	// It is still found by its words.
	if rs, err := m.Search(ctx, ws, "poison", SearchOptions{}); err != nil || len(rs) == 0 || rs[0].SourceID != bad.ID {
		t.Errorf("search = %v, %v", titles(rs), err)
	}
}

// Every text sent to Ollama fits the model's context as /api/show reports it, or a safe
// default when it does not: a long chunk is split into pieces (a vector each), nothing is
// cut by Ollama, and the model is kept loaded.
func TestEmbedWithinContext(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("The warranty covers parts and labour for two years. ", 28) // one chunk
	for _, tc := range []struct {
		name     string
		context  int // tokens (for the fake: words)
		reported bool
		maxBytes int // the longest input allowed
	}{
		{"reported", 64, true, 64 * bytesPerToken},
		{"not reported", 2000, false, defaultEmbedContext * bytesPerToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ollama := llmtest.New(t)
			ollama.SetContextLength(tc.context, tc.reported)
			m, ws := newWithOptions(t, Options{LLM: embedClient(t, ollama)})
			mustArticle(t, m, ws, "Warranty", long, "en")
			if n, err := m.Embed(ctx, ws); err != nil || n != (EmbedCounts{Embedded: 1}) {
				t.Fatalf("Embed = %+v, %v", n, err)
			}
			inputs := 0
			for _, r := range ollama.Requests() {
				if r.Embed == nil {
					continue
				}
				if r.Embed.KeepAlive == nil || r.Embed.Truncate == nil || *r.Embed.Truncate {
					t.Errorf("keep_alive %v, truncate %v", r.Embed.KeepAlive, r.Embed.Truncate)
				}
				for _, in := range r.Embed.Input.([]any) {
					inputs++
					if n := len(in.(string)); n > tc.maxBytes {
						t.Errorf("an input of %d bytes, want at most %d", n, tc.maxBytes)
					}
				}
			}
			var rows int
			m.db.Read.QueryRow("SELECT length(embedding) / 4 / embed_dims FROM chunks").Scan(&rows)
			if inputs < 2 || rows != inputs {
				t.Errorf("%d inputs, %d vectors: want the chunk split into several, a vector each", inputs, rows)
			}
			if rs, err := m.Search(ctx, ws, "how long is the warranty", SearchOptions{}); err != nil || len(rs) != 1 || rs[0].Similarity <= 0 {
				t.Errorf("search = %+v, %v", rs, err)
			}
		})
	}
}

// When a question cannot be embedded, the search goes on with keywords; the admin is told
// (llm.Health) and the log says so once, and again when questions are embedded again.
func TestQueryEmbedFallbackShown(t *testing.T) {
	ctx := context.Background()
	ollama := llmtest.New(t)
	client := embedClient(t, ollama)
	var log strings.Builder
	m, ws := newWithOptions(t, Options{LLM: client, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	mustArticle(t, m, ws, "Delivery", "Delivery takes three days.", "en")
	if _, err := m.Embed(ctx, ws); err != nil {
		t.Fatal(err)
	}
	ollama.FailAll(500, "model is loading")
	for range 3 {
		if rs, err := m.Search(ctx, ws, "delivery", SearchOptions{}); err != nil || len(rs) != 1 {
			t.Fatalf("search = %v, %v", titles(rs), err)
		}
	}
	if m.QueryEmbedFailures() != 3 || strings.Count(log.String(), "cannot embed questions") != 1 {
		t.Errorf("%d failures counted; log:\n%s", m.QueryEmbedFailures(), log.String())
	}
	if h := client.Health(ctx); !strings.Contains(h.EmbedError, "model is loading") {
		t.Errorf("Health.EmbedError = %q", h.EmbedError)
	}
	ollama.Recover()
	if _, err := m.Search(ctx, ws, "delivery", SearchOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "questions are embedded again") || client.Health(ctx).EmbedError != "" {
		t.Errorf("recovery not told; log:\n%s", log.String())
	}
}

// A question with no word the keyword index can take (an emoji) is still searched by
// meaning.
func TestSearchWithoutKeywords(t *testing.T) {
	ctx := context.Background()
	ollama := llmtest.New(t)
	model := llmtest.Synonyms(512, nil, []string{"dog", "puppy", "pets"})
	ollama.SetEmbedding(func(text string) []float32 { return model(strings.ReplaceAll(text, "🐶", " dog ")) })
	m, ws := newWithOptions(t, Options{LLM: embedClient(t, ollama)})
	for _, in := range restaurant {
		if _, err := m.CreateShortAnswer(ctx, ws, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Embed(ctx, ws); err != nil {
		t.Fatal(err)
	}
	rs, err := m.Search(ctx, ws, "🐶?", SearchOptions{})
	if err != nil || len(rs) == 0 || rs[0].Source.Title != "Can I bring my dog?" {
		t.Errorf("search = %v, %v", titles(rs), err)
	}
}

// Similarities are compared within the customer's language when the knowledge has it: an
// English-only model would otherwise put English chunks first for every question.
func TestVectorSearchInCustomersLanguage(t *testing.T) {
	set := &vectorSet{}
	set.add(1, 1, "en", false, []float32{1, 0}, 2)
	set.add(2, 2, "de", false, []float32{0.6, 0.8}, 2)
	set.add(3, 3, "de", false, []float32{0, 1}, 2)
	q := []float32{1, 0}
	for _, tc := range []struct {
		lang string
		want []int64
	}{{"", []int64{1, 2, 3}}, {"de", []int64{2, 3}}, {"fr", []int64{1, 2, 3}}} {
		if got, _ := set.nearest(q, nil, tc.lang, 10); !slices.Equal(got, tc.want) {
			t.Errorf("lang %q: %v, want %v", tc.lang, got, tc.want)
		}
	}
}

// Without a calibration the vector ranking reorders nothing the keywords found (it would
// only lower the confidence read from them) and adds what they missed after them; with
// one, it votes by its weight for the chunks above the similarity floor, when it agrees
// with the keywords on what the question is about.
func TestFuse(t *testing.T) {
	set := &vectorSet{}
	for id := int64(1); id <= 5; id++ {
		set.add(id, id, "", false, []float32{1, 0}, 2)
	}
	sims := similarities{set: set, sims: []float32{0.1, 0.9, 0.95, 0.2, 0.8}} // chunks 1..5
	keyword := []int64{1, 2}
	agreeing, disagreeing := []int64{2, 3, 5, 4, 1}, []int64{3, 2, 5, 4, 1}
	if got, _ := fuse(keyword, agreeing, sims); !slices.Equal(got, []int64{1, 2, 3, 5, 4}) {
		t.Errorf("uncalibrated: %v, want the keyword ranking then the rest by similarity", got)
	}
	set.cal = calibration{cut: 0.5, spread: 0.3, weight: 1, floor: 0.3, ok: true}
	got, scores := fuse(keyword, agreeing, sims)
	if !slices.Equal(got, []int64{2, 1, 3, 5, 4}) || scores[4] != 0 || scores[1] != 1.0/(rrfK+1) {
		t.Errorf("calibrated: %v %v, want 2 (both agree) first, and no vote below the floor", got, scores)
	}
	if got, _ := fuse(keyword, disagreeing, sims); !slices.Equal(got, []int64{1, 2, 3, 5, 4}) {
		t.Errorf("disagreeing: %v, want the keyword ranking then the rest", got)
	}
	if got, _ := fuse(nil, disagreeing, sims); !slices.Equal(got, []int64{3, 2, 5, 4, 1}) {
		t.Errorf("no keyword: %v, want the vector ranking", got)
	}
	set.cal.weight = 0
	if got, _ := fuse(keyword, agreeing, sims); !slices.Equal(got, []int64{1, 2, 3, 5, 4}) {
		t.Errorf("a model that tells nothing apart: %v", got)
	}
}
