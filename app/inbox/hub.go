package inbox

import "sync"

// EventKind says what changed.
type EventKind string

// The kinds of event.
const (
	EventMessage      EventKind = "message"      // a message was added (MessageID)
	EventToken        EventKind = "token"        // a piece of an AI reply being written (Token)
	EventConversation EventKind = "conversation" // assignment, status or read state changed
	EventPresence     EventKind = "presence"     // someone went online or away
	EventTyping       EventKind = "typing"       // the customer or a person is typing (Typer); never stored
)

// Who is typing, in an EventTyping.
const (
	TyperVisitor = "visitor"
	TyperStaff   = "staff"
)

// Event is one change, published to the workspace's staff and to the conversation.
type Event struct {
	Kind           EventKind `json:"kind"`
	ConversationID int64     `json:"-"`
	MessageID      int64     `json:"-"`
	Token          string    `json:"token,omitempty"`
	Typer          string    `json:"-"` // TyperVisitor or TyperStaff, in an EventTyping
	Stopped        bool      `json:"-"` // in an EventTyping: the typer emptied the box
	// Staff marks events visitors must not see (internal notes).
	Staff bool `json:"-"`
}

// Topic names what a subscriber follows.
type Topic struct {
	Workspace    int64 // every event of the workspace (the staff's lists)
	Conversation int64 // the events of one conversation (a visitor's widget)
}

// Hub delivers events to the connections that follow them (in this process). Each
// follower has a short queue, empty (and unallocated) while it is idle, and is woken when
// an event arrives in it. A follower that does not keep up loses events rather than
// slowing the publisher; Take tells it so, and it reloads what it shows.
type Hub struct {
	mu   sync.Mutex
	subs map[Topic]map[*Subscription]struct{}
}

// Subscription is one follower's queue of events.
type Subscription struct {
	topic Topic
	hub   *Hub
	wake  func()
	mu    sync.Mutex
	queue []Event
	lost  bool
}

// subscriberQueue is how many events a slow follower may lag behind before losing some.
const subscriberQueue = 64

// NewHub returns an empty Hub.
func NewHub() *Hub { return &Hub{subs: map[Topic]map[*Subscription]struct{}{}} }

// Subscribe follows a topic until Close. wake, when not nil, is called when an event
// arrives in an empty queue, so that the follower need not wait on a channel; it is
// called with the hub locked, so it must return at once (start a goroutine, set a flag)
// and not call the hub.
func (h *Hub) Subscribe(t Topic, wake func()) *Subscription {
	s := &Subscription{topic: t, hub: h, wake: wake}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[t] == nil {
		h.subs[t] = map[*Subscription]struct{}{}
	}
	h.subs[t][s] = struct{}{}
	return s
}

// Close stops following.
func (s *Subscription) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs[s.topic], s)
	if len(h.subs[s.topic]) == 0 {
		delete(h.subs, s.topic)
	}
}

// Take returns the events queued since the last call, oldest first, and whether some were
// dropped since then (the queue was full).
func (s *Subscription) Take() (events []Event, lost bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	events, lost = s.queue, s.lost
	s.queue, s.lost = nil, false
	return events, lost
}

// Publish sends e to the followers of the workspace (none when workspaceID is 0) and of
// the conversation.
func (h *Hub) Publish(workspaceID int64, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if workspaceID != 0 {
		h.deliver(Topic{Workspace: workspaceID}, e)
	}
	if e.ConversationID != 0 {
		h.deliver(Topic{Conversation: e.ConversationID}, e)
	}
}

// Subscribers counts the open subscriptions, for benchmarks and health.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.subs {
		n += len(m)
	}
	return n
}

func (h *Hub) deliver(t Topic, e Event) {
	for s := range h.subs[t] {
		s.mu.Lock()
		first := len(s.queue) == 0
		if len(s.queue) < subscriberQueue {
			s.queue = append(s.queue, e)
		} else {
			s.lost = true
		}
		s.mu.Unlock()
		if first && s.wake != nil {
			s.wake()
		}
	}
}
