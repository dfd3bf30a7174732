package knowledge

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

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
	nearestWorkers = 3 // rows split unevenly between workers
	set := &vectorSet{}
	const n = 3*scanRows + 7
	for i := range n {
		set.add(int64(i+100), int64(i%10), unit(32))
	}
	set.add(999_999, 1, unit(16)) // another model's length: left out
	if len(set.ids) != n {
		t.Fatalf("%d vectors kept, want %d", len(set.ids), n)
	}
	q := unit(32)
	// What a plain sort of every similarity gives.
	want := func(allowed map[int64]bool, k int) []int64 {
		var ids []int64
		for i, id := range set.ids {
			if len(allowed) == 0 || allowed[set.sources[i]] {
				ids = append(ids, id)
			}
		}
		sim := func(id int64) float32 { r := set.row[id]; return dot(q, set.data[r*32:(r+1)*32]) }
		sort.SliceStable(ids, func(i, j int) bool { return sim(ids[i]) > sim(ids[j]) })
		return ids[:min(k, len(ids))]
	}
	for _, tc := range []struct {
		allowed map[int64]bool
		k       int
	}{{nil, 30}, {map[int64]bool{3: true, 7: true}, 30}, {nil, n + 5}, {map[int64]bool{42: true}, 10}} {
		got, sims := set.nearest(q, tc.allowed, tc.k)
		if w := want(tc.allowed, tc.k); !slices.Equal(got, w) {
			t.Errorf("allowed %v, k %d: got %d ids %v…, want %d %v…", tc.allowed, tc.k, len(got), got[:min(3, len(got))], len(w), w[:min(3, len(w))])
		}
		if len(got) > 0 && sims.of(got[0]) < sims.of(got[len(got)-1]) {
			t.Errorf("similarities out of order")
		}
	}
	// Every chunk's similarity is known, not only the nearest ones'.
	_, sims := set.nearest(q, nil, 1)
	last := set.ids[n-1]
	if r := set.row[last]; sims.of(last) != float64(dot(q, set.data[r*32:(r+1)*32])) || sims.of(5) != 0 {
		t.Errorf("similarity of the last chunk %v, of an unknown one %v", sims.of(last), sims.of(5))
	}
	if ids, _ := set.nearest(unit(16), nil, 10); ids != nil {
		t.Errorf("a query of another length found %v", ids)
	}
}
