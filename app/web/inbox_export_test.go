package web

import "time"

// SetInboxHeartbeat makes the inbox's event streams send their keep-alive comment every d,
// until restore is called.
func SetInboxHeartbeat(d time.Duration) (restore func()) {
	old := sseHeartbeat
	sseHeartbeat = d
	return func() { sseHeartbeat = old }
}
