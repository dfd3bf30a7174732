package knowledge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

var restaurantAnswers = []ShortAnswerInput{
	{Question: "Do you take reservations?", Variants: []string{"can I book a table", "I would like to reserve a table for tonight", "is booking possible for a group of eight", "how do I make a reservation"}, Answer: "Yes: book on our website or call us."},
	{Question: "What are your opening hours?", Variants: []string{"when do you open", "are you open on sunday", "what time do you close tonight", "is the restaurant open on public holidays"}, Answer: "Every day from 11:00 to 23:00."},
	{Question: "Is there parking?", Variants: []string{"where can I park my car", "is there a car park near the restaurant", "do you have parking for a group"}, Answer: "Yes, behind the restaurant."},
	{Question: "Do you have vegetarian dishes?", Variants: []string{"is there a vegan option", "what can a vegetarian eat here", "do you cook without meat"}, Answer: "Yes, a third of the menu."},
	{Question: "Can I bring my dog?", Variants: []string{"are pets allowed", "is the terrace dog friendly", "may I come with my puppy"}, Answer: "Dogs are welcome on the terrace."},
}

func addRestaurant(t *testing.T, m *Manager, ws int64) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, in := range restaurantAnswers {
		src, err := m.CreateShortAnswer(context.Background(), ws, in)
		if err != nil {
			t.Fatal(err)
		}
		ids[in.Question] = src.ID
	}
	return ids
}

func TestSureness(t *testing.T) {
	for _, c := range []struct {
		p    float64
		n    int
		want float64
	}{
		{1, 5, 1}, {0.2, 5, 0}, {0.01, 5, 0}, {0, 5, 0},
		{1 / math.Sqrt(500), 500, 0.5}, {0.2, 500, 1 - math.Log(5)/math.Log(500)},
	} {
		if got := sureness(c.p, c.n); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("sureness(%v, %d) = %v, want %v", c.p, c.n, got, c.want)
		}
	}
}

func TestPhraseModel(t *testing.T) {
	var examples []phrasing
	for i, in := range restaurantAnswers {
		for _, text := range append([]string{in.Question}, in.Variants...) {
			examples = append(examples, phrasing{chunk: int64(100 + i), text: text})
		}
	}
	m := trainPhraseModel(examples)
	all := []int64{100, 101, 102, 103, 104}
	for q, want := range map[string]int64{
		"I want to make a reservaton": 100, // a typo: character n-grams still match
		"how late are you open":       101,
		"where do I leave the car":    102,
		"do you do vegan food":        103,
		"are dogs allowed inside":     104,
	} {
		p := m.probabilities(q, all)
		best, bestP, sum := int64(0), 0.0, 0.0
		for id, v := range p {
			sum += v
			if v > bestP {
				best, bestP = id, v
			}
		}
		if best != want {
			t.Errorf("%q: best answer %d (p %.2f), want %d", q, best, bestP, want)
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%q: probabilities sum to %v", q, sum)
		}
	}
	// Training is deterministic: the same phrasings make the same model.
	again := trainPhraseModel(examples)
	p1 := m.probabilities("table for two at eight", all)
	p2 := again.probabilities("table for two at eight", all)
	for id, v := range p1 {
		if p2[id] != v {
			t.Fatalf("two trainings differ for answer %d: %v and %v", id, v, p2[id])
		}
	}
	if trainPhraseModel(examples[:5]) != nil {
		t.Error("a model trained on one short answer; want none")
	}
}

func TestSearchReordersShortAnswersByPhrasings(t *testing.T) {
	m, ws, _ := newTest(t)
	ctx := context.Background()
	ids := addRestaurant(t, m, ws)
	mustArticle(t, m, ws, "Our terrace", "The terrace seats forty people and opens in May when the weather allows.", "en")

	// A misspelt booking on the terrace: keywords know only the terrace, which the dog's
	// answer is about; the model knows "reservaton" by its letters.
	const q = "I want a reservaton on the terrace"
	rs, err := m.Search(ctx, ws, q, SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) < 2 || rs[0].Source.ID != ids["Do you take reservations?"] {
		t.Fatalf("best result %v, want the reservations", titles(rs))
	}
	var dog Result
	for _, r := range rs {
		if r.Source.ID == ids["Can I bring my dog?"] {
			dog = r
		}
	}
	bm25 := map[int64]float64{}
	if err := m.bm25(ctx, matchExpr(planQuery(nil, ws, analyze(q))), nil, 30, 1, bm25); err != nil {
		t.Fatal(err)
	}
	if bm25[dog.ID] <= bm25[rs[0].ID] {
		t.Fatalf("BM25: dog %.2f, reservations %.2f; the test needs keywords to prefer the dog", bm25[dog.ID], bm25[rs[0].ID])
	}
	// Each takes the keyword score of the place it moved to.
	if rs[0].Keyword != bm25[dog.ID] || dog.Keyword >= rs[0].Keyword {
		t.Errorf("keyword scores of the places: reservations %.2f, dog %.2f (BM25 %.2f)", rs[0].Keyword, dog.Keyword, bm25[dog.ID])
	}
	if !rs[0].Matched || rs[0].Match < 0.3 || dog.Match >= rs[0].Match {
		t.Errorf("match: reservations %v %.2f, dog %.2f", rs[0].Matched, rs[0].Match, dog.Match)
	}
	for i := 1; i < len(rs); i++ {
		if rs[i].Score > rs[i-1].Score {
			t.Errorf("scores rise from rank %d to %d: %.2f, %.2f", i, i+1, rs[i-1].Score, rs[i].Score)
		}
	}

	rs, err = m.Search(ctx, ws, "how many people fit on the terrace", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Matched != (r.Source.Kind == KindShortAnswer) {
			t.Errorf("%s (%s): matched %v", r.Source.Title, r.Source.Kind, r.Matched)
		}
	}
}

func TestPhraseModelFollowsChanges(t *testing.T) {
	m, ws, other := newTest(t)
	ctx := context.Background()
	if _, err := m.CreateShortAnswer(ctx, other, restaurantAnswers[0]); err != nil {
		t.Fatal(err)
	}
	rs, err := m.Search(ctx, other, "can I book a table", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Matched {
		t.Fatalf("one short answer: %v matched %v; want found, not matched (nothing to tell apart)", titles(rs), rs[0].Matched)
	}

	addRestaurant(t, m, ws)
	classes := func() int {
		pm, err := m.phraseModel(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		return len(pm.chunks)
	}
	if n := classes(); n != 5 {
		t.Fatalf("model knows %d answers, want 5", n)
	}
	deliver, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Do you deliver?", Variants: []string{"can you bring food to my house", "is home delivery available"}, Answer: "Within 5 km."})
	if err != nil {
		t.Fatal(err)
	}
	rs, err = m.Search(ctx, ws, "do you deliver to my house", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].Source.ID != deliver.ID || !rs[0].Matched || rs[0].Match < 0.3 {
		t.Fatalf("after adding: best %q matched %v %.2f, want the new answer, matched", rs[0].Source.Title, rs[0].Matched, rs[0].Match)
	}
	if n := classes(); n != 6 {
		t.Fatalf("model knows %d answers after adding one, want 6", n)
	}
	if _, err := m.Remove(ctx, ws, []int64{deliver.ID}); err != nil {
		t.Fatal(err)
	}
	if n := classes(); n != 5 {
		t.Fatalf("model knows %d answers after removing one, want 5", n)
	}
}

func TestLargePhraseModelRetrainsInBackground(t *testing.T) {
	m, ws, _ := newTest(t)
	ctx := context.Background()
	m.phrases.syncExamples = 10 // the restaurant has 22 phrasings
	addRestaurant(t, m, ws)
	pm, err := m.phraseModel(ctx, ws) // the first model trains in the foreground
	if err != nil || pm == nil || len(pm.chunks) != 5 {
		t.Fatalf("first model: %v, %v", pm, err)
	}
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Do you deliver?", Answer: "Within 5 km."}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		pm, err := m.phraseModel(ctx, ws) // the previous model serves while the next trains
		if err != nil || pm == nil {
			t.Fatalf("while retraining: %v, %v", pm, err)
		}
		if len(pm.chunks) == 6 {
			break
		}
		if len(pm.chunks) != 5 || time.Now().After(deadline) {
			t.Fatalf("model knows %d answers, want 5 then 6", len(pm.chunks))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// phrasingsOf returns n distinct ways of asking base.
func phrasingsOf(base string, n int) []string {
	openers := []string{"", "hi, ", "hello, ", "please tell me ", "quick question: ", "I need to know ", "hey ", "can you say ", "so ", "help: "}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%s, case %d", openers[i%len(openers)], base, i)
	}
	return out
}

// Real intent sets have hundreds of phrasings for one answer: a thousand are kept,
// indexed and learnt by the phrasing model.
func TestThousandVariants(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	addRestaurant(t, m, ws)
	in := ShortAnswerInput{Question: "How can I pay?", Variants: phrasingsOf("which payment methods do you accept", 1000), Answer: "By card or invoice.", Lang: "en"}
	src, err := m.CreateShortAnswer(ctx, ws, in)
	if err != nil || len(src.Variants) != 1000 {
		t.Fatalf("%d variants: %v", len(src.Variants), err)
	}
	rs, err := m.Search(ctx, ws, "hello, which payment methods do you accept", SearchOptions{})
	if err != nil || len(rs) == 0 || rs[0].Source.ID != src.ID || !rs[0].Matched {
		t.Fatalf("results %+v, %v", rs, err)
	}
	in.Variants = phrasingsOf("which payment methods do you accept", 1001)
	var ie *InputError
	if _, err := m.CreateShortAnswer(ctx, ws, in); !errors.As(err, &ie) || ie.Field != "variants" {
		t.Errorf("%d variants: err = %v", len(in.Variants), err)
	}
	in.Variants = []string{strings.Repeat("very long ", 51)}
	if _, err := m.CreateShortAnswer(ctx, ws, in); !errors.As(err, &ie) || ie.Field != "variants" {
		t.Errorf("a variant of 510 characters: err = %v", err)
	}
}
