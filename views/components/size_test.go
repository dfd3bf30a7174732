package components

import "testing"

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{512: "512 B", 14 << 10: "14 KB", 1536: "2 KB", 1258291: "1.2 MB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
