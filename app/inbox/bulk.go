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
}

// Bulk applies an action to conversations of a workspace and returns how many it changed.
// Every one is checked first: one of another workspace, a preview or an unknown id is
// ErrNotFound and nothing is changed; then each is changed as the single action would
// (Assign, SetStatus), so the same rules and events apply.
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
		todo = append(todo, id)
	}
	for i, id := range todo {
		var err error
		if a.Close {
			err = s.SetStatus(ctx, workspaceID, id, true)
		} else {
			err = s.Assign(ctx, workspaceID, id, byUserID, a.ToUserID, a.ToTeamID)
		}
		if err != nil {
			return i, err
		}
	}
	return len(todo), nil
}
