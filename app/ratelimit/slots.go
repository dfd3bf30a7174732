package ratelimit

import "sync"

// Slots bounds how many of something one key holds at the same time (open event streams
// per visitor, per IP), where a Limiter bounds how often. Memory holds only the keys
// that hold a slot.
type Slots struct {
	max  int
	mu   sync.Mutex
	held map[string]int
}

// NewSlots allows max slots at once for each key.
func NewSlots(max int) *Slots {
	return &Slots{max: max, held: map[string]int{}}
}

// Take holds a slot for key, or reports false when key holds max already. Every
// successful Take must be followed by one Release.
func (s *Slots) Take(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[key] >= s.max {
		return false
	}
	s.held[key]++
	return true
}

// Release gives back a slot that Take held for key.
func (s *Slots) Release(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[key] <= 1 {
		delete(s.held, key)
	} else {
		s.held[key]--
	}
}

// keys is how many keys hold a slot, for tests of the memory bound.
func (s *Slots) keys() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}
