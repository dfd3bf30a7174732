package web

import "time"

// SetHeartbeat makes idle event streams send their keep-alive comment every d, until
// restore is called.
func SetHeartbeat(d time.Duration) (restore func()) {
	old := sseHeartbeat
	sseHeartbeat = d
	return func() { sseHeartbeat = old }
}

// SetBodyTimeout makes request bodies time out after d (plus the time their size needs),
// until restore is called.
func SetBodyTimeout(d time.Duration) (restore func()) {
	old := bodyTimeout
	bodyTimeout = d
	return func() { bodyTimeout = old }
}
