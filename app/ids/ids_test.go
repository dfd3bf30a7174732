package ids

import "testing"

func TestRoundTrip(t *testing.T) {
	seen := map[string]int64{}
	for _, id := range []int64{1, 2, 3, 42, 1000, 123456789, 1 << 40} {
		s := Encode(id)
		if len(s) < 6 {
			t.Errorf("Encode(%d) = %q, shorter than 6", id, s)
		}
		if prev, ok := seen[s]; ok {
			t.Errorf("Encode(%d) = Encode(%d) = %q", id, prev, s)
		}
		seen[s] = id
		got, ok := Decode(s)
		if !ok || got != id {
			t.Errorf("Decode(Encode(%d)) = %d, %v", id, got, ok)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	valid := Encode(7)
	for _, s := range []string{"", "!!!", "0", valid + "x", valid[:len(valid)-1], "aaaaaaaaaaaaaaaaaaaaaaaaa", "7"} {
		if id, ok := Decode(s); ok {
			t.Errorf("Decode(%q) = %d, accepted", s, id)
		}
	}
	if Encode(0) != "" || Encode(-5) != "" {
		t.Error("non-positive keys must not encode")
	}
}

// BenchmarkEncode: a page of the inbox's ids, encoded again on each request.
func BenchmarkEncode(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		Encode(int64(100_000 + i%300))
	}
}

// Two ids in the same slot of the cache each get their own encoding.
func TestEncodeSharedSlot(t *testing.T) {
	a, b := int64(7), int64(7+len(current.Load().encoded))
	ea, eb := Encode(a), Encode(b)
	if ea == eb || Encode(a) != ea || Encode(b) != eb {
		t.Errorf("Encode(%d) = %q, Encode(%d) = %q", a, ea, b, eb)
	}
	for _, id := range []int64{a, b} {
		if got, ok := Decode(Encode(id)); !ok || got != id {
			t.Errorf("Decode(Encode(%d)) = %d, %v", id, got, ok)
		}
	}
}
