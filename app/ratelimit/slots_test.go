package ratelimit

import "testing"

func TestSlots(t *testing.T) {
	s := NewSlots(2)
	steps := []struct {
		op, key string
		want    bool // for take
	}{
		{"take", "a", true},
		{"take", "a", true},
		{"take", "a", false}, // full
		{"take", "b", true},  // keys apart
		{"release", "a", false},
		{"take", "a", true}, // the released slot is free again
		{"take", "a", false},
		{"release", "a", false},
		{"release", "a", false},
		{"release", "b", false},
	}
	for i, st := range steps {
		switch st.op {
		case "take":
			if got := s.Take(st.key); got != st.want {
				t.Errorf("step %d: Take(%q) = %v, want %v", i, st.key, got, st.want)
			}
		case "release":
			s.Release(st.key)
		}
	}
	if n := s.keys(); n != 0 {
		t.Errorf("%d keys remembered with every slot released", n)
	}
}
