package eval

import (
	"context"
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-4 }

// TestMetricsByHand checks every figure on a set small enough to work out on paper.
func TestMetricsByHand(t *testing.T) {
	qs := []Question{
		{ID: "1", Question: "q1", Lang: "en", Gold: []string{"a"}},      // rank 1
		{ID: "2", Question: "q2", Lang: "en", Gold: []string{"b"}},      // rank 3
		{ID: "3", Question: "q3", Lang: "es", Gold: []string{"c", "d"}}, // ranks 2 and 4
		{ID: "4", Question: "q4", Lang: "en", Gold: nil},                // no answer: handoff is right
	}
	outcomes := map[string]Outcome{
		"1": {Ranking: []string{"a", "x"}, Decision: Answer, Cited: "a", Lang: "en"},
		"2": {Ranking: []string{"x", "y", "b"}, Decision: Handoff, Lang: "en"},
		"3": {Ranking: []string{"x", "c", "y", "d"}, Decision: Clarify, Lang: "en"},
		"4": {Ranking: []string{"x"}, Decision: Handoff, Lang: "en"},
	}
	rep, err := Run(context.Background(), qs, func(_ context.Context, q Question) (Outcome, error) { return outcomes[q.ID], nil })
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]float64{
		"recall@1":  {rep.Recall1, (1 + 0 + 0) / 3.0},
		"recall@5":  {rep.Recall5, (1 + 1 + 1) / 3.0},
		"mrr@10":    {rep.MRR10, (1 + 1.0/3 + 1.0/2) / 3},
		"map":       {rep.MAP, (1 + 1.0/3 + (1.0/2+2.0/4)/2) / 3},
		"ndcg@10":   {rep.NDCG10, (1 + 0.5 + (1/math.Log2(3)+1/math.Log2(5))/(1+1/math.Log2(3))) / 3},
		"accuracy":  {rep.Decision.Accuracy, 2.0 / 4},   // q1 answered right, q4 handed off right
		"answer":    {rep.Decision.AnswerRate, 1.0 / 4}, // q1
		"clarify":   {rep.Decision.ClarifyRate, 1.0 / 4},
		"h_prec":    {rep.Decision.HandoffPrecision, 1.0 / 2},
		"h_recall":  {rep.Decision.HandoffRecall, 1},
		"h_f1":      {rep.Decision.HandoffF1, 2 * 0.5 * 1 / 1.5},
		"lang":      {rep.LangAccuracy, 3.0 / 4}, // q3 replied in en to an es question
		"es recall": {rep.ByLang["es"].Recall5, 1},
	}
	for name, w := range want {
		if !near(w[0], w[1]) {
			t.Errorf("%s = %.4f, want %.4f", name, w[0], w[1])
		}
	}
	if rep.Questions != 4 || rep.Answerable != 3 {
		t.Errorf("questions = %d/%d", rep.Questions, rep.Answerable)
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	if p := percentile(xs, 50); p != 3 {
		t.Errorf("p50 = %v", p)
	}
	if p := percentile(xs, 99); p != 5 {
		t.Errorf("p99 = %v", p)
	}
}
