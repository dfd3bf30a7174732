package ratelimit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(3, time.Minute)
	l.SetClock(func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("4th attempt = %v, wait %v; want refused with wait <= 20s", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another key is limited too")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("no token after refill")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Error("more than one token after 20s at 3/min")
	}
	l.Reset("a")
	if ok, _ := l.Allow("a"); !ok {
		t.Error("Reset did not clear the key")
	}
}

func TestExhausted(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(2, time.Minute)
	l.SetClock(func() time.Time { return now })
	if ex, _ := l.Exhausted("a"); ex {
		t.Fatal("an unknown key is exhausted")
	}
	l.Allow("a")
	if ex, _ := l.Exhausted("a"); ex {
		t.Fatal("exhausted with a token left")
	}
	l.Allow("a")
	ex, wait := l.Exhausted("a")
	if !ex || wait <= 0 || wait > 30*time.Second {
		t.Fatalf("after 2 of 2: exhausted %v, wait %v; want true, up to 30s", ex, wait)
	}
	for range 5 {
		l.Exhausted("a") // looking takes nothing
	}
	now = now.Add(30 * time.Second)
	if ex, _ := l.Exhausted("a"); ex {
		t.Error("still exhausted after a refill")
	}
	if ok, _ := l.Allow("a"); !ok {
		t.Error("the refilled token was taken by looking")
	}
}

func TestSweepBoundsMemory(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(1, time.Second)
	l.SetClock(func() time.Time { return now })
	for i := range maxKeys {
		l.Allow(string(rune(i)))
	}
	now = now.Add(time.Hour)
	l.Allow("new")
	if n := len(l.buckets); n != 1 {
		t.Errorf("%d buckets after sweep, want 1", n)
	}
}
