package inbox

import "time"

// SetClock replaces the store's clock, for the tests of package inbox_test (compiled into
// tests only).
func (s *Store) SetClock(now func() time.Time) { s.now = now }
