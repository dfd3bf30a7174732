package web

import "time"

// SetWidgetHeartbeat changes how often idle widget event streams get a comment line,
// until the returned function restores it.
func SetWidgetHeartbeat(d time.Duration) (restore func()) {
	old := widgetHeartbeat
	widgetHeartbeat = d
	return func() { widgetHeartbeat = old }
}
