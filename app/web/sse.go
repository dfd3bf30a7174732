package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"agent/app/inbox"
)

// sseHeartbeat is how often an idle event stream sends a comment, so that proxies and
// browsers keep the connection open. Read when the server is built.
var sseHeartbeat = 20 * time.Second

// sse writes server-sent events: to a stream's connection, or through net/http's writer
// for a reply streamed by its handler (startSSE).
type sse struct{ w io.Writer }

// startSSE sends the headers of an event stream that the handler writes itself, to its
// end (the agent preview's reply).
func startSSE(w http.ResponseWriter) sse {
	sseHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	return sse{flushWriter{w, http.NewResponseController(w)}}
}

func sseHeaders(h http.Header) {
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
}

// flushWriter sends each write at once, through the middleware's wrapped writer (the
// ResponseController reaches the real writer's Flush).
type flushWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (f flushWriter) Write(b []byte) (int, error) {
	n, err := f.w.Write(b)
	if err == nil {
		if err = f.rc.Flush(); errors.Is(err, http.ErrNotSupported) {
			err = nil
		}
	}
	return n, err
}

func (e sse) send(text string) error {
	_, err := io.WriteString(e.w, text)
	return err
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
// until the client goes, the server shuts down or a write fails; then it calls done.
// first, when set, sends what the client needs before any event. When the hub had to
// drop events for this follower, a "reload" event tells the client to reload what it
// shows. ctx, given to first and write, ends with the stream.
//
// The chat widget keeps a stream open on every page a visitor has open, so an idle one
// must cost little: the connection is taken over from net/http (whose buffers and two
// goroutines would stay for the stream's life), one small goroutine blocked reading it
// notices the client leave, and another writes only while there is something to send.
// The hub queues the events meanwhile; the server's heartbeat sends the keep-alives.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, topic inbox.Topic, done func(),
	first func(ctx context.Context, out sse) error, write func(ctx context.Context, out sse, e inbox.Event) error) {
	sseHeaders(w.Header())
	// Not chunked: the body ends when the connection closes (the setup the server-sent
	// events specification recommends), so that the connection needs no framing of ours.
	w.Header().Set("Transfer-Encoding", "identity")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead { // the headers alone
		done()
		return
	}
	conn, _, err := http.NewResponseController(w).Hijack() // sends the headers first
	if err != nil {
		s.log.Error("event stream", "path", r.URL.Path, "err", err)
		done()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := &sseStream{conn: conn, ctx: ctx, cancel: cancel, write: write, done: done, streams: s.streams, busy: true}
	st.sub = s.service.Hub.Subscribe(topic, st.wake)
	out := sse{conn}
	if out.send("retry: 3000\n: connected\n\n") != nil || (first != nil && first(ctx, out) != nil) || !s.streams.add(st) {
		st.end()
		return
	}
	go st.watch()
	st.mu.Lock()
	st.busy = false
	st.kick() // events that came while first wrote
	st.mu.Unlock()
}

// sseStream is one open event stream.
type sseStream struct {
	conn    net.Conn
	sub     *inbox.Subscription
	ctx     context.Context
	cancel  context.CancelFunc
	write   func(context.Context, sse, inbox.Event) error
	done    func()
	streams *sseStreams

	prev, next *sseStream // in streams' heartbeat order; nil when not there
	due        time.Time  // of the next keep-alive

	mu    sync.Mutex
	busy  bool // a goroutine writes to the connection (the handler's, then run's)
	dirty bool // the hub queued events, or a keep-alive is due
	ping  bool // a keep-alive is due
	ended bool
}

// wake is the hub's call when an event arrives for an idle stream.
func (st *sseStream) wake() {
	st.mu.Lock()
	st.dirty = true
	st.kick()
	st.mu.Unlock()
}

// beat asks for a keep-alive.
func (st *sseStream) beat() {
	st.mu.Lock()
	st.dirty, st.ping = true, true
	st.kick()
	st.mu.Unlock()
}

// kick starts the writer when there is something to write and none runs; st.mu is held.
func (st *sseStream) kick() {
	if st.dirty && !st.busy && !st.ended {
		st.busy = true
		go st.run()
	}
}

// run writes what is due until nothing is left, then ends; a failed write ends the stream.
func (st *sseStream) run() {
	out := sse{st.conn}
	for {
		st.mu.Lock()
		if !st.dirty || st.ended {
			st.busy = false
			st.mu.Unlock()
			return
		}
		ping := st.ping
		st.dirty, st.ping = false, false
		st.mu.Unlock()
		events, lost := st.sub.Take()
		var err error
		for _, e := range events {
			if err = st.write(st.ctx, out, e); err != nil {
				break
			}
		}
		if err == nil && lost {
			err = out.event("reload", "")
		}
		if err == nil && ping {
			err = out.send(": ping\n\n")
		}
		if err != nil {
			st.end()
			return
		}
	}
}

// watch reads the connection, on which a client sends nothing, until the client goes.
func (st *sseStream) watch() {
	var b [64]byte
	for {
		if _, err := st.conn.Read(b[:]); err != nil {
			st.end()
			return
		}
	}
}

// end closes the stream, once.
func (st *sseStream) end() {
	st.mu.Lock()
	ended := st.ended
	st.ended = true
	st.mu.Unlock()
	if ended {
		return
	}
	st.streams.remove(st)
	st.conn.Close()
	st.sub.Close()
	st.cancel()
	st.done()
}

// sseStreams are a server's open event streams, in the order their keep-alives are due:
// a goroutine, running while there are streams, asks the first for its keep-alive when
// due and moves it to the end.
type sseStreams struct {
	every   time.Duration // between keep-alives
	mu      sync.Mutex
	ring    sseStream // ring.next is the first stream, ring.prev the last
	beating bool      // the heartbeat goroutine runs
	closed  bool      // the server shuts down: no new streams
}

func newSSEStreams(every time.Duration) *sseStreams {
	l := &sseStreams{every: every}
	l.ring.prev, l.ring.next = &l.ring, &l.ring
	return l
}

// add puts a new stream at the end, or refuses it once the server shuts down.
func (l *sseStreams) add(st *sseStream) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.push(st)
	if !l.beating {
		l.beating = true
		go l.heartbeat()
	}
	return true
}

// push puts st at the end, due a keep-alive after every; l.mu is held.
func (l *sseStreams) push(st *sseStream) {
	st.due = time.Now().Add(l.every)
	st.prev, st.next = l.ring.prev, &l.ring
	l.ring.prev.next = st
	l.ring.prev = st
}

// remove takes st out, if it is in.
func (l *sseStreams) remove(st *sseStream) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st.next != nil {
		st.prev.next, st.next.prev = st.next, st.prev
		st.prev, st.next = nil, nil
	}
}

func (l *sseStreams) heartbeat() {
	for {
		l.mu.Lock()
		st := l.ring.next
		if st == &l.ring {
			l.beating = false
			l.mu.Unlock()
			return
		}
		wait := time.Until(st.due)
		if wait <= 0 {
			st.prev.next, st.next.prev = st.next, st.prev
			l.push(st)
		}
		l.mu.Unlock()
		if wait > 0 {
			time.Sleep(wait)
			continue
		}
		st.beat()
	}
}

// closeAll ends every stream, at shutdown, and refuses new ones.
func (l *sseStreams) closeAll() {
	l.mu.Lock()
	l.closed = true
	var all []*sseStream
	for st := l.ring.next; st != &l.ring; st = st.next {
		all = append(all, st)
	}
	l.mu.Unlock()
	for _, st := range all {
		st.end()
	}
}
