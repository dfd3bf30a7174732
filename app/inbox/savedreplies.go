package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"agent/app/store"
	"agent/app/usererr"
)

// SavedReply is a workspace's ready answer: a person types "/" and its shortcut (or words of
// it) in the reply box to put its text there. The text may hold placeholders filled in
// when it is inserted: {{name}} the customer's name, {{agent}} the person replying.
type SavedReply struct {
	ID       int64
	Shortcut string // a short name: "refund-policy"
	Body     string
}

// Saved reply limits.
const (
	MaxShortcut     = 40
	MaxSavedReplies = 500 // per workspace
)

var shortcutPattern = regexp.MustCompile(`^[\p{L}\p{N}_-]+$`)

// check tidies r and says what is wrong with it.
func (r *SavedReply) check() error {
	r.Shortcut, r.Body = strings.TrimPrefix(strings.TrimSpace(r.Shortcut), "/"), strings.TrimSpace(r.Body)
	switch {
	case r.Shortcut == "":
		return &usererr.InputError{Field: "shortcut", Message: "give it a shortcut"}
	case utf8.RuneCountInString(r.Shortcut) > MaxShortcut:
		return &usererr.InputError{Field: "shortcut", Message: fmt.Sprintf("keep the shortcut under %d characters", MaxShortcut)}
	case !shortcutPattern.MatchString(r.Shortcut):
		return &usererr.InputError{Field: "shortcut", Message: "use letters, digits, - and _ only (no spaces)"}
	case r.Body == "":
		return &usererr.InputError{Field: "body", Message: "write the reply"}
	case utf8.RuneCountInString(r.Body) > MaxMessage:
		return &usererr.InputError{Field: "body", Message: fmt.Sprintf("keep the reply under %d characters", MaxMessage)}
	}
	return nil
}

var errShortcutTaken = &usererr.InputError{Field: "shortcut", Message: "another saved reply has this shortcut"}

// SavedReplies returns a workspace's saved replies, by shortcut.
func (s *Store) SavedReplies(ctx context.Context, workspaceID int64) ([]SavedReply, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT id, shortcut, body FROM saved_replies WHERE workspace_id = ? ORDER BY shortcut", workspaceID)
	if err != nil {
		return nil, fmt.Errorf("inbox: saved replies: %w", err)
	}
	defer rows.Close()
	var out []SavedReply
	for rows.Next() {
		var r SavedReply
		if err := rows.Scan(&r.ID, &r.Shortcut, &r.Body); err != nil {
			return nil, fmt.Errorf("inbox: saved replies: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SavedReply returns one of a workspace's saved replies, or ErrNotFound.
func (s *Store) SavedReply(ctx context.Context, workspaceID, id int64) (SavedReply, error) {
	var r SavedReply
	err := s.db.Read.QueryRowContext(ctx, "SELECT id, shortcut, body FROM saved_replies WHERE id = ? AND workspace_id = ?", id, workspaceID).
		Scan(&r.ID, &r.Shortcut, &r.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("inbox: saved reply: %w", err)
	}
	return r, nil
}

// SaveReply creates a saved reply (r.ID 0) or changes one of the workspace's.
func (s *Store) SaveReply(ctx context.Context, workspaceID, userID int64, r SavedReply) (SavedReply, error) {
	if err := r.check(); err != nil {
		return r, err
	}
	now := s.now().Unix()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM saved_replies WHERE workspace_id = ? AND shortcut = ? AND id <> ?",
			workspaceID, r.Shortcut, r.ID).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return errShortcutTaken
		}
		if r.ID != 0 {
			res, err := tx.ExecContext(ctx, "UPDATE saved_replies SET shortcut = ?, body = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
				r.Shortcut, r.Body, now, r.ID, workspaceID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM saved_replies WHERE workspace_id = ?", workspaceID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxSavedReplies {
			return &usererr.InputError{Field: "shortcut", Message: fmt.Sprintf("a workspace keeps at most %d saved replies", MaxSavedReplies)}
		}
		return tx.QueryRowContext(ctx, `INSERT INTO saved_replies (workspace_id, shortcut, body, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, workspaceID, r.Shortcut, r.Body, store.NullID(userID), now, now).Scan(&r.ID)
	})
	var ie *usererr.InputError
	if err != nil && !errors.As(err, &ie) && !errors.Is(err, ErrNotFound) {
		return r, fmt.Errorf("inbox: save reply: %w", err)
	}
	return r, err
}

// DeleteSavedReply removes one of the workspace's saved replies.
func (s *Store) DeleteSavedReply(ctx context.Context, workspaceID, id int64) error {
	res, err := s.db.Write.ExecContext(ctx, "DELETE FROM saved_replies WHERE id = ? AND workspace_id = ?", id, workspaceID)
	if err != nil {
		return fmt.Errorf("inbox: delete saved reply: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
