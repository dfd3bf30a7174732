// Package eval measures the agent on a labelled question set (agent eval): retrieval
// figures over distinct knowledge ids, the answer/clarify/handoff decision, the reply
// language and the latency, following the format in DESIGN.md.
package eval

import (
	"math"
	"sort"
)

// Retrieval holds the ranking figures, averaged over questions that have gold ids.
type Retrieval struct {
	Questions int     `json:"questions"`
	Recall1   float64 `json:"recall@1"`
	Recall5   float64 `json:"recall@5"`
	Recall10  float64 `json:"recall@10"`
	MRR10     float64 `json:"mrr@10"`
	MAP       float64 `json:"map"`
	NDCG10    float64 `json:"ndcg@10"`
}

// scores are one question's figures.
type scores struct {
	recall1, recall5, recall10, mrr10, ap, ndcg10 float64
}

// score computes the figures of one ranking (distinct ids, best first) against gold.
func score(ranking, gold []string) scores {
	relevant := make(map[string]bool, len(gold))
	for _, g := range gold {
		relevant[g] = true
	}
	var s scores
	hits := 0
	var dcg float64
	for i, id := range ranking {
		if !relevant[id] {
			continue
		}
		hits++
		rank := i + 1
		if rank <= 10 && s.mrr10 == 0 {
			s.mrr10 = 1 / float64(rank)
		}
		s.ap += float64(hits) / float64(rank)
		if rank <= 10 {
			dcg += 1 / math.Log2(float64(rank)+1)
		}
		if rank <= 1 {
			s.recall1++
		}
		if rank <= 5 {
			s.recall5++
		}
		if rank <= 10 {
			s.recall10++
		}
	}
	n := float64(len(relevant))
	s.recall1 /= n
	s.recall5 /= n
	s.recall10 /= n
	s.ap /= n
	var ideal float64
	for i := 0; i < len(relevant) && i < 10; i++ {
		ideal += 1 / math.Log2(float64(i+2))
	}
	s.ndcg10 = dcg / ideal
	return s
}

// retrievalAcc sums per-question scores into averages.
type retrievalAcc struct {
	n   int
	sum scores
}

func (a *retrievalAcc) add(s scores) {
	a.n++
	a.sum.recall1 += s.recall1
	a.sum.recall5 += s.recall5
	a.sum.recall10 += s.recall10
	a.sum.mrr10 += s.mrr10
	a.sum.ap += s.ap
	a.sum.ndcg10 += s.ndcg10
}

func (a *retrievalAcc) result() Retrieval {
	if a.n == 0 {
		return Retrieval{}
	}
	n := float64(a.n)
	return Retrieval{
		Questions: a.n,
		Recall1:   round(a.sum.recall1 / n), Recall5: round(a.sum.recall5 / n), Recall10: round(a.sum.recall10 / n),
		MRR10: round(a.sum.mrr10 / n), MAP: round(a.sum.ap / n), NDCG10: round(a.sum.ndcg10 / n),
	}
}

func round(x float64) float64 { return math.Round(x*10000) / 10000 }

// percentile returns the p-th percentile (0-100) of xs by nearest rank.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
