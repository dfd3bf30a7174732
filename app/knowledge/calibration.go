package knowledge

import (
	"slices"
	"sort"
	"sync"
)

// calibration says which cosine similarities count as close in a workspace. Every
// embedding model has its own scale (one puts unrelated sentences at 0.3, another at 0.6),
// so no fixed threshold can tell a question the knowledge answers from one it does not.
// The workspace's short answers show where this model draws the line: a phrasing's
// similarity to the other phrasings of its own answer is what a question the knowledge
// answers looks like; its similarity to the nearest phrasing of any other answer is what
// a question the knowledge does not answer, but that sounds like this business, looks
// like. cut separates the two best; spread is the distance between their medians, so that
// (similarity − cut) / spread means the same whatever the model.
type calibration struct {
	cut, spread float64
	// weight is how well the model tells the workspace's answers apart: the share of the
	// phrasings sampled whose nearest other phrasing is one of their own answer's (its
	// recall@1 on the workspace's own questions). It weighs the vector ranking in fusion,
	// so that a model that knows this business's language well counts about as much as
	// its keywords, and one that barely does, barely.
	weight float64
	// floor is how close a phrasing typically is to the nearest phrasing of another
	// answer (the median): a chunk no closer than that is as close as an unrelated answer
	// is, and the similarity says nothing for it.
	floor float64
	ok    bool // false: too few short answers with several phrasings to tell
}

const (
	// calibrationAnswers is how many short answers with at least two phrasings a
	// workspace needs for a calibration.
	calibrationAnswers = 5
	// calibrationSamples bounds the phrasings compared with all others (the cost is
	// samples × phrasings dot products).
	calibrationSamples = 128
)

// calibrate measures the similarities of up to calibrationSamples phrasings, on all cores.
func (s *vectorSet) calibrate() calibration {
	var answers []int // chunks with two phrasings or more
	phrasings := 0
	for c := range s.ids {
		if n := s.first[c+1] - s.first[c] - 1; s.phrased[c] && n >= 2 {
			answers = append(answers, c)
			phrasings += n
		}
	}
	if len(answers) < calibrationAnswers {
		return calibration{}
	}
	type sample struct{ answer, row int }
	var samples []sample
	step, i := max(1, phrasings/calibrationSamples), 0
	for _, a := range answers {
		for r := s.first[a] + 1; r < s.first[a+1]; r++ {
			if i%step == 0 {
				samples = append(samples, sample{a, r})
			}
			i++
		}
	}
	same, other := make([]float64, len(samples)), make([]float64, len(samples))
	for i := range samples {
		same[i], other[i] = -1, -1
	}
	// Each worker takes blocks of samples and reads every phrasing once per block, not
	// once per sample: the set can be far larger than the processor's caches.
	const block = 16
	var wg sync.WaitGroup
	for w := range nearestWorkers {
		wg.Go(func() {
			for lo := w * block; lo < len(samples); lo += nearestWorkers * block {
				hi := min(lo+block, len(samples))
				for _, b := range answers {
					for r2 := s.first[b] + 1; r2 < s.first[b+1]; r2++ {
						row := s.row(r2)
						for i := lo; i < hi; i++ {
							switch sm := samples[i]; {
							case b != sm.answer:
								other[i] = max(other[i], float64(dot(s.row(sm.row), row)))
							case r2 != sm.row:
								same[i] = max(same[i], float64(dot(s.row(sm.row), row)))
							}
						}
					}
				}
			}
		})
	}
	wg.Wait()
	floor := median(other)
	spread := median(same) - floor
	if spread <= 0 {
		return calibration{} // the model cannot tell them apart here
	}
	told := 0
	for i := range samples {
		if same[i] > other[i] {
			told++
		}
	}
	return calibration{cut: bestCut(same, other), spread: spread, weight: float64(told) / float64(len(samples)), floor: floor, ok: true}
}

// bestCut is the threshold that best separates highs from lows: the one where the share
// of highs at or above it plus the share of lows below it is largest (midway between the
// two values it falls between).
func bestCut(highs, lows []float64) float64 {
	type point struct {
		v    float64
		high bool
	}
	pts := make([]point, 0, len(highs)+len(lows))
	for _, v := range highs {
		pts = append(pts, point{v, true})
	}
	for _, v := range lows {
		pts = append(pts, point{v, false})
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].v < pts[j].v })
	// With the cut below pts[i]: the highs under it are missed, the lows under it kept out.
	nh, nl := float64(len(highs)), float64(len(lows))
	best, cut := -1.0, pts[0].v
	missed, kept := 0.0, 0.0
	for i := 0; i <= len(pts); i++ {
		if i == 0 || i == len(pts) || pts[i].v != pts[i-1].v {
			if score := (nh-missed)/nh + kept/nl; score > best {
				best = score
				switch {
				case i == 0:
					cut = pts[0].v
				case i == len(pts):
					cut = pts[i-1].v + 1e-9
				default:
					cut = (pts[i-1].v + pts[i].v) / 2
				}
			}
		}
		if i < len(pts) {
			if pts[i].high {
				missed++
			} else {
				kept++
			}
		}
	}
	return cut
}

func median(vs []float64) float64 {
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
