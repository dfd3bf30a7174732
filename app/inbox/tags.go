package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"agent/app/usererr"
)

// Tag is a label of a workspace that people put on conversations ("refund", "vip") to find
// them again; the list filters by one.
type Tag struct {
	ID   int64
	Name string
}

// Tag limits: a name is a word or two, and a conversation carries a handful.
const (
	MaxTagName          = 40
	MaxConversationTags = 20
)

// Tags returns a workspace's tags, by name.
func (s *Store) Tags(ctx context.Context, workspaceID int64) ([]Tag, error) {
	return s.tags(ctx, "SELECT id, name FROM tags WHERE workspace_id = ? ORDER BY name", workspaceID)
}

// TagsOf returns the tags of a conversation, by name.
func (s *Store) TagsOf(ctx context.Context, conversationID int64) ([]Tag, error) {
	return s.tags(ctx, `SELECT t.id, t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
		WHERE ct.conversation_id = ? ORDER BY t.name`, conversationID)
}

// sqlTagsOfMany reads the tags of the conversations of a JSON list.
const sqlTagsOfMany = `SELECT ct.conversation_id, t.id, t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
	WHERE ct.conversation_id IN (SELECT value FROM json_each(?)) ORDER BY t.name`

// TagsOfMany returns the tags of each of the conversations (a page of the list), by name.
func (s *Store) TagsOfMany(ctx context.Context, conversationIDs []int64) (map[int64][]Tag, error) {
	out := map[int64][]Tag{}
	if len(conversationIDs) == 0 {
		return out, nil
	}
	list, err := json.Marshal(conversationIDs)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Read.QueryContext(ctx, sqlTagsOfMany, string(list))
	if err != nil {
		return nil, fmt.Errorf("inbox: tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var conv int64
		var t Tag
		if err := rows.Scan(&conv, &t.ID, &t.Name); err != nil {
			return nil, fmt.Errorf("inbox: tags: %w", err)
		}
		out[conv] = append(out[conv], t)
	}
	return out, rows.Err()
}

func (s *Store) tags(ctx context.Context, q string, arg int64) ([]Tag, error) {
	rows, err := s.db.Read.QueryContext(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("inbox: tags: %w", err)
	}
	defer rows.Close()
	var out []Tag
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.ID, &t.Name); err != nil {
			return nil, fmt.Errorf("inbox: tags: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ParseTags splits what a person typed ("refund, VIP customer") into tag names: trimmed,
// inner spaces collapsed, duplicates (in any case) dropped, in the order typed.
func ParseTags(text string) ([]string, error) {
	var names []string
	seen := map[string]bool{}
	for _, part := range strings.Split(text, ",") {
		name := strings.Join(strings.Fields(part), " ")
		if name == "" || seen[strings.ToLower(name)] {
			continue
		}
		if utf8.RuneCountInString(name) > MaxTagName {
			return nil, &usererr.InputError{Field: "tags", Message: fmt.Sprintf("keep each tag under %d characters", MaxTagName)}
		}
		seen[strings.ToLower(name)] = true
		names = append(names, name)
	}
	if len(names) > MaxConversationTags {
		return nil, &usererr.InputError{Field: "tags", Message: fmt.Sprintf("put at most %d tags on a conversation", MaxConversationTags)}
	}
	return names, nil
}

// SetTags replaces a conversation's tags by the named ones, creating the workspace's tags
// that do not exist yet (a name matches in any case). A conversation of another workspace,
// or a preview, is ErrNotFound.
func (s *Store) SetTags(ctx context.Context, workspaceID, conversationID int64, names []string) error {
	now := s.now().Unix()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := ownConversation(ctx, tx, workspaceID, conversationID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM conversation_tags WHERE conversation_id = ?", conversationID); err != nil {
			return err
		}
		for _, name := range names {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO tags (workspace_id, name, created_at) VALUES (?, ?, ?)
				ON CONFLICT (workspace_id, name) DO UPDATE SET name = tags.name RETURNING id`, workspaceID, name, now).Scan(&id)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO conversation_tags (conversation_id, tag_id) VALUES (?, ?)", conversationID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && err != ErrNotFound {
		return fmt.Errorf("inbox: set tags: %w", err)
	}
	return err
}

// TagByName returns the workspace's tag with this name (in any case), or ErrNotFound.
func (s *Store) TagByName(ctx context.Context, workspaceID int64, name string) (Tag, error) {
	var t Tag
	err := s.db.Read.QueryRowContext(ctx, "SELECT id, name FROM tags WHERE workspace_id = ? AND name = ?", workspaceID, name).Scan(&t.ID, &t.Name)
	if err == sql.ErrNoRows {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("inbox: tag: %w", err)
	}
	return t, nil
}

// ownConversation checks within tx that a conversation is the workspace's and not a
// preview: ErrNotFound otherwise.
func ownConversation(ctx context.Context, tx *sql.Tx, workspaceID, conversationID int64) error {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM conversations WHERE id = ? AND workspace_id = ? AND preview = 0", conversationID, workspaceID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
