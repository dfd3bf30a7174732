package inbox

import (
	"context"
	"fmt"

	"agent/app/usererr"
)

// MaxBulk bounds how many conversations one bulk action changes: a page of the list.
const MaxBulk = 100

// BulkAction is what a person does to the conversations they ticked in the list.
type BulkAction struct {
	Close bool
	// Assign gives them to ToUserID and/or ToTeamID (both 0: to no one).
	Assign             bool
	ToUserID, ToTeamID int64
	// Confirmed closes conversations whose customer awaits a reply: without it, Close
	// refuses them all with an AwaitingError.
	Confirmed bool
}

// AwaitingError refuses a bulk close unconfirmed: Awaiting of the ticked conversations'
// customers wrote last and await a reply.
type AwaitingError struct{ Awaiting, Of int }

func (e *AwaitingError) Error() string {
	return fmt.Sprintf("inbox: %d of %d conversations await a reply", e.Awaiting, e.Of)
}

// Bulk applies an action to conversations of a workspace and returns how many it changed.
// Every one is checked first: one of another workspace, a preview or an unknown id is
// ErrNotFound and nothing is changed; then each is changed as the single action would
// (Assign, SetStatus), so the same rules and events apply, and the places freed go to
// conversations waiting for a person once all are done.
func (s *Service) Bulk(ctx context.Context, workspaceID, byUserID int64, conversationIDs []int64, a BulkAction) (int, error) {
	switch {
	case len(conversationIDs) == 0:
		return 0, &usererr.InputError{Field: "conversations", Message: "tick one conversation or more"}
	case len(conversationIDs) > MaxBulk:
		return 0, &usererr.InputError{Field: "conversations", Message: fmt.Sprintf("tick at most %d conversations", MaxBulk)}
	case a.Close == a.Assign:
		return 0, &usererr.InputError{Field: "action", Message: "choose to assign or to close"}
	}
	seen := map[int64]bool{}
	var todo []int64
	awaiting := 0
	for _, id := range conversationIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, err := s.Store.Get(ctx, workspaceID, id)
		if err != nil {
			return 0, err
		}
		if c.Preview {
			return 0, ErrNotFound
		}
		if c.Awaiting && c.Status == "open" {
			awaiting++
		}
		todo = append(todo, id)
	}
	if a.Close && !a.Confirmed && awaiting > 0 {
		return 0, &AwaitingError{Awaiting: awaiting, Of: len(todo)}
	}
	notTo := map[int64]int64{}
	defer func() { s.freed(ctx, workspaceID, notTo) }()
	for i, id := range todo {
		var err error
		if a.Close {
			err = s.setStatus(ctx, workspaceID, id, true)
		} else {
			notTo[id], err = s.assign(ctx, workspaceID, id, byUserID, a.ToUserID, a.ToTeamID)
		}
		if err != nil {
			return i, err
		}
	}
	return len(todo), nil
}
