package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
	Ranking  []string // distinct knowledge ids, best first
	Decision string   // Answer, Clarify or Handoff
	Cited    string   // the knowledge id the answer rests on, when answering
	Lang     string   // the language of the reply
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
	Questions    int                  `json:"questions"`
	Answerable   int                  `json:"answerable"`
	Recall1      float64              `json:"recall@1"`
	Recall5      float64              `json:"recall@5"`
	Recall10     float64              `json:"recall@10"`
	MRR10        float64              `json:"mrr@10"`
	MAP          float64              `json:"map"`
	NDCG10       float64              `json:"ndcg@10"`
	Decision     Decision             `json:"decision"`
	LangAccuracy float64              `json:"lang_accuracy"`
	Latency      Latency              `json:"latency_ms"`
	ByLang       map[string]Retrieval `json:"by_lang"`
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

// Run asks every question and computes the report.
func Run(ctx context.Context, qs []Question, respond Responder) (Report, error) {
	var all retrievalAcc
	byLang := map[string]*retrievalAcc{}
	var latencies []float64
	var correct, answered, clarified, langOK int
	var handoffs, handoffsRight, shouldHandoff int
	for _, q := range qs {
		start := time.Now()
		out, err := respond(ctx, q)
		if err != nil {
			return Report{}, fmt.Errorf("eval: question %s: %w", q.ID, err)
		}
		latencies = append(latencies, float64(time.Since(start).Microseconds())/1000)

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
			}
		case Clarify:
			clarified++
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
	}
	n := float64(max(len(qs), 1))
	r := all.result()
	rep := Report{
		Questions: len(qs), Answerable: r.Questions,
		Recall1: r.Recall1, Recall5: r.Recall5, Recall10: r.Recall10, MRR10: r.MRR10, MAP: r.MAP, NDCG10: r.NDCG10,
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
	fmt.Fprintf(w, "lang_accuracy %.4f  latency p50 %.2f ms  p99 %.2f ms\n", r.LangAccuracy, r.Latency.P50, r.Latency.P99)
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
