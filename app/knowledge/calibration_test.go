package knowledge

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBestCut(t *testing.T) {
	for _, tc := range []struct {
		highs, lows []float64
		want        float64
	}{
		{[]float64{0.8, 0.9, 0.7}, []float64{0.2, 0.3, 0.4}, 0.55},            // apart: midway between
		{[]float64{0.8, 0.9, 0.5}, []float64{0.2, 0.3, 0.6}, 0.4},             // one each on the wrong side: the first best split
		{[]float64{0.6, 0.7, 0.8, 0.9}, []float64{0.1, 0.65, 0.2, 0.3}, 0.45}, // one low among the highs: leave it above
		{[]float64{0.5}, []float64{0.5}, 0.5},                                 // nothing to split: the lowest value
	} {
		if got := bestCut(tc.highs, tc.lows); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("bestCut(%v, %v) = %v, want %v", tc.highs, tc.lows, got, tc.want)
		}
	}
}

// answerSet builds a vector set of short answers: each answer's phrasings lie around a
// direction of its own, at the given noise, as a model that understands them would put them.
func answerSet(rng *rand.Rand, answers, phrasings, dims int, noise float64) *vectorSet {
	gauss := func() []float32 {
		v := make([]float32, dims)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	set := &vectorSet{}
	for a := range answers {
		center := gauss()
		var rows []float32
		for range 1 + phrasings { // the chunk's own text, then each phrasing
			v := gauss()
			for i := range v {
				v[i] = center[i] + float32(noise)*v[i]
			}
			rows = append(rows, decodeVector(encodeVector(v))...)
		}
		set.add(int64(a+1), int64(a+1), "", true, rows, dims)
	}
	return set
}

func TestCalibration(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	set := answerSet(rng, 40, 6, 48, 0.8)
	var cache vectorCache
	cache.calibrate(1, set)
	cal := set.cal
	if !cal.ok || cal.spread <= 0 {
		t.Fatalf("not calibrated: %+v", cal)
	}
	// The cut lies between what phrasings of one answer and of different answers score.
	c0, c1 := set.row(set.first[0]+1), set.row(set.first[0]+2)
	own, another := float64(dot(c0, c1)), float64(dot(c0, set.row(set.first[1]+1)))
	if !(another < cal.cut && cal.cut < own) {
		t.Errorf("cut %.3f, want between another answer's phrasing (%.3f) and one of its own (%.3f)", cal.cut, another, own)
	}
	// A new phrasing of an answer is close; a question about nothing the set holds is not.
	_, sims := set.nearest(c0, nil, "", 1)
	if c, ok := sims.closeness(1); !ok || c <= 0 {
		t.Errorf("closeness of a known phrasing %.3f, %v", c, ok)
	}
	stranger := answerSet(rng, 1, 1, 48, 0.8).row(1)
	_, sims = set.nearest(stranger, nil, "", 1)
	for _, id := range set.ids {
		if c, ok := sims.closeness(id); !ok || c >= 0 {
			t.Fatalf("an unrelated question is close to answer %d: %.3f, %v", id, c, ok)
		}
	}

	// The scale of the similarities does not matter: a model that squeezes them all near
	// 1 (every vector sharing one large component) gets a cut of its own, on its scale.
	squeezed := &vectorSet{}
	for c, id := range set.ids {
		rows := slices.Clone(set.data[set.first[c]*set.dims : set.first[c+1]*set.dims])
		var out []float32
		for r := 0; r < len(rows); r += set.dims {
			v := append(slices.Clone(rows[r:r+set.dims]), 3)
			out = append(out, decodeVector(encodeVector(v))...)
		}
		squeezed.add(id, id, "", true, out, set.dims+1)
	}
	cache.calibrate(1, squeezed)
	if sq := squeezed.cal; !sq.ok || sq.cut < 0.85 || sq.cut == cal.cut {
		t.Errorf("squeezed scale: %+v (the plain one: %+v)", sq, cal)
	}

	// A set loaded again with the same short answers keeps the calibration, without
	// measuring again; another workspace's is its own.
	again := &vectorSet{}
	for c, id := range squeezed.ids {
		again.add(id, id, "", true, squeezed.data[squeezed.first[c]*squeezed.dims:squeezed.first[c+1]*squeezed.dims], squeezed.dims)
	}
	again.add(5000, 5000, "", false, squeezed.row(0), squeezed.dims) // a new article
	cache.cals[1] = keptCalibration{again.phrasings, calibration{cut: 0.123, spread: 1, ok: true}}
	if cache.calibrate(1, again); again.cal.cut != 0.123 {
		t.Errorf("calibrated again: %+v", again.cal)
	}
	other := answerSet(rng, 40, 6, 48, 0.8)
	if cache.calibrate(2, other); other.cal.cut == 0.123 || !other.cal.ok {
		t.Errorf("another workspace: %+v", other.cal)
	}
}

func TestCalibrationNeedsEvidence(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	if cal := answerSet(rng, calibrationAnswers-1, 4, 48, 0.8).calibrate(); cal.ok {
		t.Errorf("calibrated on %d answers: %+v", calibrationAnswers-1, cal)
	}
	if cal := answerSet(rng, 20, 1, 48, 0.8).calibrate(); cal.ok {
		t.Errorf("calibrated on answers with one phrasing each: %+v", cal)
	}
	// Phrasings no closer to their own answer's than to others' (noise drowns the
	// answer): the model cannot tell, so no cut.
	if cal := answerSet(rng, 20, 4, 48, 50).calibrate(); cal.ok {
		t.Errorf("calibrated on noise: %+v", cal)
	}
	// Articles (one vector a chunk) take no part.
	set := answerSet(rng, 3, 4, 48, 0.8)
	for i := range 10 {
		v := answerSet(rng, 1, 0, 48, 1).row(0)
		set.add(int64(100+i), int64(100+i), "", false, v, len(v))
	}
	if cal := set.calibrate(); cal.ok {
		t.Errorf("calibrated with 3 short answers and articles: %+v", cal)
	}
}
