package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"agent/app/inbox"
)

// sseHeartbeat is how often an idle event stream sends a comment, so that proxies and
// browsers keep the connection open.
var sseHeartbeat = 20 * time.Second

// sse writes server-sent events through the middleware's wrapped writer (the
// ResponseController reaches the real writer's Flush).
type sse struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// startSSE sends the headers of an event stream.
func startSSE(w http.ResponseWriter) sse {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	return sse{w: w, rc: http.NewResponseController(w)}
}

func (e sse) send(text string) error {
	if _, err := fmt.Fprint(e.w, text); err != nil {
		return err
	}
	if err := e.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// event sends one named event with data encoded as JSON.
func (e sse) event(name string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return e.send("event: " + name + "\ndata: " + string(b) + "\n\n")
}

// stream follows topic and sends its events, as write turns them into server-sent events,
// until the client goes, the server shuts down or a write fails; first, when set, sends
// what the client needs before any event. When the hub had to drop events for this
// follower, a "reload" event tells the client to reload what it shows.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, topic inbox.Topic, first func(sse) error, write func(sse, inbox.Event) error) {
	sub := s.service.Hub.Subscribe(topic)
	defer sub.Close()
	out := startSSE(w)
	if out.send("retry: 3000\n: connected\n\n") != nil || (first != nil && first(out) != nil) {
		return
	}
	tick := time.NewTicker(sseHeartbeat)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-r.Context().Done():
			return
		case <-s.streamsDone:
			return
		case <-tick.C:
			err = out.send(": ping\n\n")
		case e := <-sub.C:
			err = write(out, e)
		}
		if err == nil && sub.Lost() {
			err = out.event("reload", "")
		}
		if err != nil {
			return
		}
	}
}
