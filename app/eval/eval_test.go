package eval

import (
	"bytes"
	"context"
	"io"
	"math"
	"reflect"
	"strings"
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
	rep, err := Run(context.Background(), qs, func(_ context.Context, q Question) (Outcome, error) { return outcomes[q.ID], nil }, nil)
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

// trustSet is a set small enough to work out on paper: answers right and wrong (one to a
// question the knowledge has no answer for), a clarify offering the gold source and one
// offering nothing (vague), handoffs right and wrong, and a greeting answered whatever
// the confidence.
func trustSet() ([]Question, []Outcome) {
	qs := []Question{
		{ID: "1", Question: "q1", Lang: "en", Gold: []string{"a"}},
		{ID: "2", Question: "q2", Lang: "en", Gold: []string{"b"}},
		{ID: "3", Question: "q3", Lang: "en", Gold: []string{"c"}},
		{ID: "4", Question: "q4", Lang: "en", Gold: []string{"d"}},
		{ID: "5", Question: "q5", Lang: "en"},
		{ID: "6", Question: "q6", Lang: "en"},
		{ID: "7", Question: "q7", Lang: "en", Gold: []string{"e"}},
		{ID: "8", Question: "q8", Lang: "en", Gold: []string{"f"}},
	}
	outs := []Outcome{
		{Decision: Answer, Reason: "answered", Confidence: 0.9, Candidate: "a", Cited: "a"},
		{Decision: Answer, Reason: "answered", Confidence: 0.6, Candidate: "x", Cited: "x"},
		{Decision: Clarify, Reason: "ambiguous", Confidence: 0.7, Options: []string{"y", "c"}},
		{Decision: Clarify, Reason: "vague", Confidence: 0.2, Candidate: "d"},
		{Decision: Answer, Reason: "answered", Confidence: 0.5, Candidate: "z", Cited: "z"},
		{Decision: Handoff, Reason: "no_match", Confidence: 0.1, Candidate: "w", Evidence: map[string]float64{"coverage": 0.2},
			Ranking: []string{"w"}, Top: []Ranked{{"w", 1.5}}},
		{Decision: Answer, Reason: "greeting", Confidence: 1},
		{Decision: Handoff, Reason: "human_requested", Confidence: 1},
	}
	for i := range outs {
		outs[i].Lang = "en"
	}
	return qs, outs
}

func runSet(t *testing.T, qs []Question, outs []Outcome, details io.Writer) Report {
	t.Helper()
	byID := map[string]Outcome{}
	for i, q := range qs {
		byID[q.ID] = outs[i]
	}
	rep, err := Run(context.Background(), qs, func(_ context.Context, q Question) (Outcome, error) { return byID[q.ID], nil }, details)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestTrustFigures(t *testing.T) {
	qs, outs := trustSet()
	for _, c := range []struct {
		name string
		keep []int // indexes into the set
		// answer precision, wrong answer rate, coverage, clarify hit rate
		precision, wrong, coverage, clarifyHits float64
		candidates                              int
		points                                  map[float64]RiskPoint // by threshold, deciles left out
		deciles                                 map[int]float64       // decile -> threshold
		targets                                 []Target
	}{
		{
			name: "all", keep: []int{0, 1, 2, 3, 4, 5, 6, 7},
			// Answers: 1 right; 2, 5 (no gold) and 7 (a greeting cites nothing) wrong.
			precision: 1.0 / 4, wrong: 3.0 / 8, coverage: 1.0 / 6, clarifyHits: 1.0 / 2,
			candidates: 5, // 1, 2, 4, 5, 6: not the tie (3), the greeting (7) nor the request for a person (8)
			points: map[float64]RiskPoint{
				0:    {Answers: 6, Precision: 2.0 / 6, Coverage: 2.0 / 6, WrongAnswerRate: 4.0 / 8},
				0.15: {Answers: 5, Precision: 2.0 / 5, Coverage: 2.0 / 6, WrongAnswerRate: 3.0 / 8},
				0.25: {Answers: 4, Precision: 1.0 / 4, Coverage: 1.0 / 6, WrongAnswerRate: 3.0 / 8},
				0.65: {Answers: 2, Precision: 1.0 / 2, Coverage: 1.0 / 6, WrongAnswerRate: 1.0 / 8},
				0.95: {Answers: 1, Precision: 0, Coverage: 0, WrongAnswerRate: 1.0 / 8}, // the greeting alone
			},
			deciles: map[int]float64{1: 0.1, 2: 0.1, 3: 0.2, 5: 0.5, 8: 0.6, 9: 0.9},
			targets: []Target{{Precision: 0.85}, {Precision: 0.9}, {Precision: 0.95}}, // the greeting is wrong at every threshold
		},
		{
			name: "decided by confidence alone", keep: []int{0, 1, 3, 4, 5},
			precision: 1.0 / 3, wrong: 2.0 / 5, coverage: 1.0 / 3, clarifyHits: 0,
			candidates: 5,
			points: map[float64]RiskPoint{
				0.2: {Answers: 4, Precision: 2.0 / 4, Coverage: 2.0 / 3, WrongAnswerRate: 2.0 / 5},
				0.6: {Answers: 2, Precision: 1.0 / 2, Coverage: 1.0 / 3, WrongAnswerRate: 1.0 / 5},
				1:   {Answers: 0},
			},
			deciles: map[int]float64{5: 0.5},
			targets: []Target{
				{Precision: 0.85, Reached: true, At: RiskPoint{Threshold: 0.9, Answers: 1, Precision: 1, Coverage: round(1.0 / 3)}},
				{Precision: 0.9, Reached: true, At: RiskPoint{Threshold: 0.9, Answers: 1, Precision: 1, Coverage: round(1.0 / 3)}},
				{Precision: 0.95, Reached: true, At: RiskPoint{Threshold: 0.9, Answers: 1, Precision: 1, Coverage: round(1.0 / 3)}},
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			var kq []Question
			var ko []Outcome
			for _, i := range c.keep {
				kq, ko = append(kq, qs[i]), append(ko, outs[i])
			}
			rep := runSet(t, kq, ko, nil)
			for name, g := range map[string][2]float64{
				"answer_precision":  {rep.AnswerPrecision, c.precision},
				"wrong_answer_rate": {rep.WrongAnswerRate, c.wrong},
				"coverage":          {rep.Coverage, c.coverage},
				"clarify_hit_rate":  {rep.ClarifyHitRate, c.clarifyHits},
			} {
				if !near(g[0], g[1]) {
					t.Errorf("%s = %.4f, want %.4f", name, g[0], g[1])
				}
			}
			rc := rep.RiskCoverage
			if rc.Candidates != c.candidates || len(rc.Points) != 21+9 {
				t.Errorf("%d candidates, %d points", rc.Candidates, len(rc.Points))
			}
			found := map[float64]bool{}
			for i, p := range rc.Points {
				if i > 0 && p.Threshold < rc.Points[i-1].Threshold {
					t.Errorf("points out of order at %d: %v", i, rc.Points)
				}
				if want, ok := c.deciles[p.Decile]; ok && p.Decile > 0 && p.Threshold != want {
					t.Errorf("decile %d at %v, want %v", p.Decile, p.Threshold, want)
				}
				want, ok := c.points[p.Threshold]
				if !ok || p.Decile > 0 {
					continue
				}
				found[p.Threshold] = true
				want.Threshold = p.Threshold
				if p.Answers != want.Answers || !near(p.Precision, want.Precision) || !near(p.Coverage, want.Coverage) || !near(p.WrongAnswerRate, want.WrongAnswerRate) {
					t.Errorf("at %v: %+v, want %+v", p.Threshold, p, want)
				}
			}
			if len(found) != len(c.points) {
				t.Errorf("thresholds found %v, want those of %v", found, c.points)
			}
			if !reflect.DeepEqual(rc.Targets, c.targets) {
				t.Errorf("targets %+v, want %+v", rc.Targets, c.targets)
			}
		})
	}
}

// Each question gets one JSON line saying what was decided and why.
func TestDetails(t *testing.T) {
	qs, outs := trustSet()
	var buf bytes.Buffer
	runSet(t, qs, outs, &buf)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(qs) {
		t.Fatalf("%d lines for %d questions:\n%s", len(lines), len(qs), buf.String())
	}
	want := map[int]string{
		0: `{"id":"1","question":"q1","lang":"en","gold":["a"],"decision":"answer","reason":"answered","confidence":0.9,"evidence":null,"top":[],"cited":"a","correct":true}`,
		2: `{"id":"3","question":"q3","lang":"en","gold":["c"],"decision":"clarify","reason":"ambiguous","confidence":0.7,"evidence":null,"top":[],"options":["y","c"],"correct":true}`,
		3: `{"id":"4","question":"q4","lang":"en","gold":["d"],"decision":"clarify","reason":"vague","confidence":0.2,"evidence":null,"top":[],"correct":false}`,
		4: `{"id":"5","question":"q5","lang":"en","gold":[],"decision":"answer","reason":"answered","confidence":0.5,"evidence":null,"top":[],"cited":"z","correct":false}`,
		5: `{"id":"6","question":"q6","lang":"en","gold":[],"decision":"handoff","reason":"no_match","confidence":0.1,"evidence":{"coverage":0.2},"top":[{"id":"w","score":1.5}],"correct":true}`,
		6: `{"id":"7","question":"q7","lang":"en","gold":["e"],"decision":"answer","reason":"greeting","confidence":1,"evidence":null,"top":[],"correct":false}`,
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], w)
		}
	}
}

// Each named setting is measured as the agent's own decisions are, from its replayed
// decision: an answer citing gold is right, a clarify offering gold a hit.
func TestSettingsFigures(t *testing.T) {
	qs := []Question{
		{ID: "1", Question: "q1", Gold: []string{"a"}},
		{ID: "2", Question: "q2", Gold: []string{"b"}},
		{ID: "3", Question: "q3"},
	}
	outs := []Outcome{
		{Decision: Answer, Cited: "a", Settings: map[string]Setting{"eager": {Decision: Answer, Cited: "a"}, "cautious": {Decision: Clarify, Options: []string{"a", "x"}}}},
		{Decision: Clarify, Settings: map[string]Setting{"eager": {Decision: Answer, Cited: "x"}, "cautious": {Decision: Clarify, Options: []string{"x"}}}},
		{Decision: Handoff, Settings: map[string]Setting{"eager": {Decision: Answer, Cited: "y"}, "cautious": {Decision: Handoff}}},
	}
	got := runSet(t, qs, outs, nil).RiskCoverage.Settings
	want := map[string]RiskPoint{
		"eager":    {Answers: 3, Precision: 0.3333, Coverage: 0.5, WrongAnswerRate: 0.6667},
		"cautious": {ClarifyRate: 0.6667, ClarifyHitRate: 0.5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("settings = %+v, want %+v", got, want)
	}
}
