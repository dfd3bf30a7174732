// Package ratelimit bounds how often one key (a client address, see AddressKey; an email, a
// visitor) may do something (Limiter: login attempts, widget requests) and how many of
// something it may hold at once (Slots: open event streams).
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Limiter is a token bucket per key: up to Events at once, refilled evenly over Window.
// Memory is bounded: full buckets are forgotten when the table grows.
type Limiter struct {
	events  float64
	perSec  float64
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxKeys is the table size that triggers a sweep of idle keys.
const maxKeys = 10_000

// New allows events per window for each key.
func New(events int, window time.Duration) *Limiter {
	return &Limiter{
		events:  float64(events),
		perSec:  float64(events) / window.Seconds(),
		buckets: map[string]*bucket{},
		now:     time.Now,
	}
}

// SetClock replaces the clock, for tests.
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

// Allow takes one token for key. When none is left it reports false and how long until one is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.refill(key, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.perSec * float64(time.Second))
	return false, wait
}

// Reset forgets key, for example after a successful login.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.buckets, key)
	l.mu.Unlock()
}

func (l *Limiter) refill(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: l.events, at: now}
		l.buckets[key] = b
		return b
	}
	b.tokens = math.Min(l.events, b.tokens+now.Sub(b.at).Seconds()*l.perSec)
	b.at = now
	return b
}

// sweep drops buckets that have refilled completely; they hold no information.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.perSec >= l.events {
			delete(l.buckets, k)
		}
	}
}

// Exhausted reports whether key has no token left, and how long until one is, without
// taking one: a caller that counts only failures checks it before doing the work.
func (l *Limiter) Exhausted(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return false, 0
	}
	tokens := math.Min(l.events, b.tokens+l.now().Sub(b.at).Seconds()*l.perSec)
	if tokens >= 1 {
		return false, 0
	}
	return true, time.Duration((1 - tokens) / l.perSec * float64(time.Second))
}
