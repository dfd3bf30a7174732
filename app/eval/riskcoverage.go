package eval

import (
	"math"
	"slices"
	"sort"
)

// RiskCoverage shows what a confidence threshold would buy: at each threshold t, the
// agent answers the questions whose decision turned on confidence (Outcome.Candidate)
// when their confidence is at least t, from their top source, and hands off or asks the
// rest; the answers that do not turn on confidence (greetings, thanks) count at every
// threshold. The precision and coverage there are defined as in Report.
type RiskCoverage struct {
	// Candidates is how many questions the threshold decides.
	Candidates int `json:"candidates"`
	// Points are the thresholds 0, 0.05, ..., 1 and the deciles of the candidates'
	// confidences, in ascending order.
	Points []RiskPoint `json:"points"`
	// Targets are, for each precision in TargetPrecisions, the lowest threshold that
	// reaches it, so the most coverage at that precision.
	Targets []Target `json:"targets"`
	// Settings are the points of the agent's named settings (Outcome.Settings): its
	// decision as set, rather than a bare threshold, with its clarifies.
	Settings map[string]RiskPoint `json:"settings,omitempty"`
}

// RiskPoint is the outcome of answering at one threshold.
type RiskPoint struct {
	Threshold       float64 `json:"threshold"`
	Decile          int     `json:"decile,omitempty"` // 1..9 when the threshold is that decile of the confidences
	Answers         int     `json:"answers"`
	Precision       float64 `json:"precision"`
	Coverage        float64 `json:"coverage"`
	WrongAnswerRate float64 `json:"wrong_answer_rate"`
	// Settings only: the share of questions clarified, and of the clarifies on answerable
	// questions that offer a gold source.
	ClarifyRate    float64 `json:"clarify_rate,omitempty"`
	ClarifyHitRate float64 `json:"clarify_hit_rate,omitempty"`
}

// Target is the lowest threshold at which the answers reach a precision.
type Target struct {
	Precision float64   `json:"precision"`
	Reached   bool      `json:"reached"`
	At        RiskPoint `json:"at"`
}

// TargetPrecisions are the precisions the issue of trustworthy answers asks for
// (Balanced 0.85, Cautious 0.95), with 0.90 between them.
var TargetPrecisions = []float64{0.85, 0.90, 0.95}

// gated is one candidate answer of the sweep.
type gated struct {
	confidence float64
	right      bool
}

// settingPoints measures each named setting as Report measures the agent's decisions.
func settingPoints(qs []Question, outs []Outcome) map[string]RiskPoint {
	type tally struct{ answers, right, clarifies, answerableClarifies, hits int }
	by := map[string]*tally{}
	answerable := 0
	for i, q := range qs {
		if len(q.Gold) > 0 {
			answerable++
		}
		for name, s := range outs[i].Settings {
			t := by[name]
			if t == nil {
				t = &tally{}
				by[name] = t
			}
			switch s.Decision {
			case Answer:
				t.answers++
				if contains(q.Gold, s.Cited) {
					t.right++
				}
			case Clarify:
				t.clarifies++
				if len(q.Gold) > 0 {
					t.answerableClarifies++
					if hits(q.Gold, s.Options) {
						t.hits++
					}
				}
			}
		}
	}
	if len(by) == 0 {
		return nil
	}
	points := map[string]RiskPoint{}
	for name, t := range by {
		points[name] = RiskPoint{Answers: t.answers, Precision: round(ratio(t.right, t.answers)),
			Coverage: round(ratio(t.right, answerable)), WrongAnswerRate: round(ratio(t.answers-t.right, len(qs))),
			ClarifyRate: round(ratio(t.clarifies, len(qs))), ClarifyHitRate: round(ratio(t.hits, t.answerableClarifies))}
	}
	return points
}

func riskCoverage(qs []Question, outs []Outcome) RiskCoverage {
	var cands []gated
	var fixed, fixedRight, answerable int
	for i, q := range qs {
		out := outs[i]
		if len(q.Gold) > 0 {
			answerable++
		}
		switch {
		case out.Candidate != "":
			cands = append(cands, gated{out.Confidence, contains(q.Gold, out.Candidate)})
		case out.Decision == Answer:
			fixed++
			if contains(q.Gold, out.Cited) {
				fixedRight++
			}
		}
	}
	// Sorted by confidence, highest first, the answers at t are a prefix.
	slices.SortFunc(cands, func(a, b gated) int { return cmpDesc(a.confidence, b.confidence) })
	right := make([]int, len(cands)+1) // right[k]: right answers among the first k
	for k, c := range cands {
		right[k+1] = right[k]
		if c.right {
			right[k+1]++
		}
	}
	// count is how many answers a threshold gives, and how many of them are right.
	count := func(t float64) (answers, ok int) {
		k := sort.Search(len(cands), func(i int) bool { return cands[i].confidence < t })
		return fixed + k, fixedRight + right[k]
	}
	at := func(t float64) RiskPoint {
		answers, ok := count(t)
		return RiskPoint{Threshold: round(t), Answers: answers, Precision: round(ratio(ok, answers)),
			Coverage: round(ratio(ok, answerable)), WrongAnswerRate: round(ratio(answers-ok, len(qs)))}
	}

	rc := RiskCoverage{Candidates: len(cands), Settings: settingPoints(qs, outs)}
	for i := 0; i <= 20; i++ {
		rc.Points = append(rc.Points, at(float64(i)/20))
	}
	for d := 1; d <= 9 && len(cands) > 0; d++ {
		j := int(math.Ceil(float64(len(cands)*d)/10)) - 1 // by nearest rank, lowest first
		p := at(cands[len(cands)-1-j].confidence)
		p.Decile = d
		rc.Points = append(rc.Points, p)
	}
	slices.SortStableFunc(rc.Points, func(a, b RiskPoint) int { return cmpDesc(b.Threshold, a.Threshold) })

	for _, goal := range TargetPrecisions {
		tg := Target{Precision: goal}
		// Every candidate's confidence is a threshold that changes the answers: the
		// lowest one that reaches the goal answers the most.
		for k := len(cands) - 1; k >= 0 && !tg.Reached; k-- {
			if answers, ok := count(cands[k].confidence); answers > 0 && ratio(ok, answers) >= goal {
				tg.Reached, tg.At = true, at(cands[k].confidence)
			}
		}
		rc.Targets = append(rc.Targets, tg)
	}
	return rc
}

// cmpDesc orders highest first.
func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
