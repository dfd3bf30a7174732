package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"agent/app/jsonl"
)

// Question is one line of a questions file. An empty Gold means the knowledge has no
// answer and the right decision is handoff.
type Question struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Lang     string   `json:"lang"`
	Gold     []string `json:"gold"`
}

// The decisions an agent makes about a question.
const (
	Answer  = "answer"
	Clarify = "clarify"
	Handoff = "handoff"
)

// Outcome is what the agent did with one question.
type Outcome struct {
	Ranking    []string // distinct knowledge ids, best first
	Top        []Ranked // the first ten of Ranking with their scores, for --details
	Decision   string   // Answer, Clarify or Handoff
	Reason     string   // why, in the agent's words (answered, no_match, ambiguous, ...)
	Confidence float64  // the decision's confidence, 0..1
	Evidence   any      // the figures the decision was weighed on, written as they are to --details
	// Candidate is the knowledge id the agent would answer from were its confidence
	// enough: the top source, when the decision turned on confidence; "" when it did not
	// (a greeting, a request for a person, nothing found, or a tie, which is a clarify at
	// any confidence). The risk–coverage table answers it at each threshold.
	Candidate string
	Options   []string // clarify: the knowledge ids behind the options offered
	Cited     string   // the knowledge id the answer rests on, when answering
	Lang      string   // the language of the reply
	// Settings are what the agent would have done at each of its named settings (trust
	// levels), replayed from the same evidence; nil when it has none.
	Settings map[string]Setting
}

// Setting is the decision at one named setting: Cited for an answer, Options for a
// clarify.
type Setting struct {
	Decision string
	Cited    string
	Options  []string
}

// Ranked is a knowledge id with its best score in a ranking.
type Ranked struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// Responder runs one question through the agent.
type Responder func(ctx context.Context, q Question) (Outcome, error)

// Decision holds the decision figures over all questions.
type Decision struct {
	Accuracy         float64 `json:"accuracy"`
	AnswerRate       float64 `json:"answer_rate"`
	ClarifyRate      float64 `json:"clarify_rate"`
	HandoffPrecision float64 `json:"handoff_precision"`
	HandoffRecall    float64 `json:"handoff_recall"`
	HandoffF1        float64 `json:"handoff_f1"`
}

// Latency is per question, in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

// Report is the output of agent eval.
type Report struct {
	Questions  int `json:"questions"`
	Answerable int `json:"answerable"`
	// How far the answers can be trusted (docs/EVAL.md, Definitions): the share of
	// answers that rest on a gold source, the share of all questions answered wrongly,
	// the share of answerable questions answered rightly, and the share of clarifies on
	// answerable questions that offer a gold source.
	AnswerPrecision float64              `json:"answer_precision"`
	WrongAnswerRate float64              `json:"wrong_answer_rate"`
	Coverage        float64              `json:"coverage"`
	ClarifyHitRate  float64              `json:"clarify_hit_rate"`
	RiskCoverage    RiskCoverage         `json:"risk_coverage"`
	Recall1         float64              `json:"recall@1"`
	Recall5         float64              `json:"recall@5"`
	Recall10        float64              `json:"recall@10"`
	MRR10           float64              `json:"mrr@10"`
	MAP             float64              `json:"map"`
	NDCG10          float64              `json:"ndcg@10"`
	Decision        Decision             `json:"decision"`
	LangAccuracy    float64              `json:"lang_accuracy"`
	Latency         Latency              `json:"latency_ms"`
	ByLang          map[string]Retrieval `json:"by_lang"`
}

// ReadQuestions reads a questions JSONL file.
func ReadQuestions(path string) ([]Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	return parseQuestions(f)
}

func parseQuestions(r io.Reader) ([]Question, error) {
	var qs []Question
	err := jsonl.Decode(r, func(_ int, q Question) error {
		if q.Question == "" {
			return errors.New("no question")
		}
		qs = append(qs, q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("eval: questions %w", err)
	}
	return qs, nil
}

// Run asks every question and computes the report. With details not nil, it writes a
// JSON line per question there as it goes (see Detail).
func Run(ctx context.Context, qs []Question, respond Responder, details io.Writer) (Report, error) {
	var all retrievalAcc
	byLang := map[string]*retrievalAcc{}
	var latencies []float64
	var correct, answered, clarified, langOK int
	var handoffs, handoffsRight, shouldHandoff int
	var rightAnswers, answerableClarifies, clarifyHits int
	var enc *json.Encoder
	if details != nil {
		enc = json.NewEncoder(details)
		enc.SetEscapeHTML(false) // a person reads it: "<" stays "<"
	}
	outs := make([]Outcome, 0, len(qs))
	for _, q := range qs {
		start := time.Now()
		out, err := respond(ctx, q)
		if err != nil {
			return Report{}, fmt.Errorf("eval: question %s: %w", q.ID, err)
		}
		latencies = append(latencies, float64(time.Since(start).Microseconds())/1000)
		outs = append(outs, out)

		if len(q.Gold) > 0 {
			s := score(out.Ranking, q.Gold)
			all.add(s)
			acc := byLang[q.Lang]
			if acc == nil {
				acc = &retrievalAcc{}
				byLang[q.Lang] = acc
			}
			acc.add(s)
		} else {
			shouldHandoff++
		}
		switch out.Decision {
		case Answer:
			answered++
			if contains(q.Gold, out.Cited) {
				correct++
				rightAnswers++
			}
		case Clarify:
			clarified++
			if len(q.Gold) > 0 {
				answerableClarifies++
				if hits(q.Gold, out.Options) {
					clarifyHits++
				}
			}
		case Handoff:
			handoffs++
			if len(q.Gold) == 0 {
				handoffsRight++
				correct++
			}
		}
		if q.Lang == "" || strings.EqualFold(out.Lang, q.Lang) {
			langOK++
		}
		if enc != nil {
			if err := enc.Encode(detailOf(q, out)); err != nil {
				return Report{}, fmt.Errorf("eval: details: %w", err)
			}
		}
	}
	n := float64(max(len(qs), 1))
	r := all.result()
	rep := Report{
		Questions: len(qs), Answerable: r.Questions,
		AnswerPrecision: round(ratio(rightAnswers, answered)),
		WrongAnswerRate: round(ratio(answered-rightAnswers, len(qs))),
		Coverage:        round(ratio(rightAnswers, r.Questions)),
		ClarifyHitRate:  round(ratio(clarifyHits, answerableClarifies)),
		RiskCoverage:    riskCoverage(qs, outs),
		Recall1:         r.Recall1, Recall5: r.Recall5, Recall10: r.Recall10, MRR10: r.MRR10, MAP: r.MAP, NDCG10: r.NDCG10,
		LangAccuracy: round(float64(langOK) / n),
		Latency:      Latency{P50: round(percentile(latencies, 50)), P99: round(percentile(latencies, 99))},
		ByLang:       map[string]Retrieval{},
	}
	precision, recall := ratio(handoffsRight, handoffs), ratio(handoffsRight, shouldHandoff)
	rep.Decision = Decision{
		Accuracy: round(float64(correct) / n), AnswerRate: round(float64(answered) / n), ClarifyRate: round(float64(clarified) / n),
		HandoffPrecision: round(precision), HandoffRecall: round(recall), HandoffF1: round(f1(precision, recall)),
	}
	for lang, acc := range byLang {
		rep.ByLang[lang] = acc.result()
	}
	return rep, nil
}

// Detail is one line of --details: a question, what the agent did with it and why.
// Correct is an answer resting on a gold source, a handoff of a question without gold,
// or a clarify offering a gold source.
type Detail struct {
	ID         string   `json:"id"`
	Question   string   `json:"question"`
	Lang       string   `json:"lang"`
	Gold       []string `json:"gold"`
	Decision   string   `json:"decision"`
	Reason     string   `json:"reason"`
	Confidence float64  `json:"confidence"`
	Evidence   any      `json:"evidence"`
	Top        []Ranked `json:"top"`
	Options    []string `json:"options,omitempty"`
	Cited      string   `json:"cited,omitempty"`
	Correct    bool     `json:"correct"`
}

func detailOf(q Question, out Outcome) Detail {
	d := Detail{ID: q.ID, Question: q.Question, Lang: q.Lang, Gold: q.Gold, Decision: out.Decision, Reason: out.Reason,
		Confidence: round(out.Confidence), Evidence: out.Evidence, Top: out.Top, Options: out.Options, Cited: out.Cited}
	if d.Gold == nil {
		d.Gold = []string{}
	}
	if d.Top == nil {
		d.Top = []Ranked{}
	}
	switch out.Decision {
	case Answer:
		d.Correct = contains(q.Gold, out.Cited)
	case Clarify:
		d.Correct = hits(q.Gold, out.Options)
	case Handoff:
		d.Correct = len(q.Gold) == 0
	}
	return d
}

// hits reports whether any of ids is in gold.
func hits(gold, ids []string) bool {
	for _, id := range ids {
		if contains(gold, id) {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// WriteText prints the report for people: the headline figures and a line per language.
func WriteText(w io.Writer, r Report) {
	fmt.Fprintf(w, "questions %d (answerable %d)\n", r.Questions, r.Answerable)
	fmt.Fprintf(w, "recall@1 %.4f  recall@5 %.4f  recall@10 %.4f  mrr@10 %.4f  map %.4f  ndcg@10 %.4f\n",
		r.Recall1, r.Recall5, r.Recall10, r.MRR10, r.MAP, r.NDCG10)
	d := r.Decision
	fmt.Fprintf(w, "decision accuracy %.4f  answer %.4f  clarify %.4f  handoff precision %.4f recall %.4f f1 %.4f\n",
		d.Accuracy, d.AnswerRate, d.ClarifyRate, d.HandoffPrecision, d.HandoffRecall, d.HandoffF1)
	fmt.Fprintf(w, "answer precision %.4f  wrong answers %.4f of questions  coverage %.4f  clarify hits %.4f\n",
		r.AnswerPrecision, r.WrongAnswerRate, r.Coverage, r.ClarifyHitRate)
	fmt.Fprintf(w, "lang_accuracy %.4f  latency p50 %.2f ms  p99 %.2f ms\n", r.LangAccuracy, r.Latency.P50, r.Latency.P99)
	writeRiskCoverage(w, r.RiskCoverage)
	if len(r.ByLang) > 1 {
		langs := make([]string, 0, len(r.ByLang))
		for l := range r.ByLang {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		fmt.Fprintln(w, "by language:")
		for _, l := range langs {
			b := r.ByLang[l]
			fmt.Fprintf(w, "  %-3s n=%-5d recall@1 %.4f  recall@5 %.4f  recall@10 %.4f  mrr@10 %.4f\n", l, b.Questions, b.Recall1, b.Recall5, b.Recall10, b.MRR10)
		}
	}
}

// writeRiskCoverage prints the thresholds 0, 0.1, ..., 1 and the targets; --json has
// every point.
func writeRiskCoverage(w io.Writer, rc RiskCoverage) {
	fmt.Fprintf(w, "risk-coverage: answering the %d questions decided by confidence when it is at least the threshold\n", rc.Candidates)
	fmt.Fprintln(w, "  threshold  answers  precision  coverage  wrong")
	for _, p := range rc.Points {
		if p.Decile == 0 && math.Mod(math.Round(p.Threshold*100), 10) == 0 {
			fmt.Fprintf(w, "  %9.2f  %7d  %9.4f  %8.4f  %.4f\n", p.Threshold, p.Answers, p.Precision, p.Coverage, p.WrongAnswerRate)
		}
	}
	for _, t := range rc.Targets {
		if !t.Reached {
			fmt.Fprintf(w, "  precision %.2f: not reached at any threshold\n", t.Precision)
			continue
		}
		fmt.Fprintf(w, "  precision %.2f: from threshold %.4f, coverage %.4f (%d answers)\n", t.Precision, t.At.Threshold, t.At.Coverage, t.At.Answers)
	}
	names := slices.Sorted(maps.Keys(rc.Settings))
	for _, name := range names {
		p := rc.Settings[name]
		fmt.Fprintf(w, "  setting %s: precision %.4f, coverage %.4f, wrong %.4f, clarifies %.4f (offering the answer %.4f)\n",
			name, p.Precision, p.Coverage, p.WrongAnswerRate, p.ClarifyRate, p.ClarifyHitRate)
	}
}
