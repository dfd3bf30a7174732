package web

import "time"

// SetHeartbeat makes idle event streams send their keep-alive comment every d, until
// restore is called.
func SetHeartbeat(d time.Duration) (restore func()) {
	old := sseHeartbeat
	sseHeartbeat = d
	return func() { sseHeartbeat = old }
}
