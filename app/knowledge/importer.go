package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"agent/app/jsonl"
)

// Item is one line of the JSONL import format (also used by agent eval): an article or a
// short answer, with the id it has where it comes from.
type Item struct {
	Kind     string   `json:"kind"` // "article" or "short_answer"
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	URL      string   `json:"url"`
	Lang     string   `json:"lang"`
	Question string   `json:"question"`
	Variants []string `json:"variants"`
	Answer   string   `json:"answer"`
}

// ImportJSONL adds every item of a JSONL stream in one transaction: either all of them
// or, on the first bad line, none (the error names the line).
func (m *Manager) ImportJSONL(ctx context.Context, workspaceID int64, r io.Reader) (int, error) {
	var items []Item
	err := jsonl.Decode(r, func(line int, it Item) error {
		if it.Kind != string(KindArticle) && it.Kind != string(KindShortAnswer) {
			return fmt.Errorf("kind %q is not article or short_answer", it.Kind)
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("knowledge: import: %w", err)
	}
	err = m.write(ctx, workspaceID, true, func(tx *sql.Tx) error {
		for i, it := range items {
			if err := m.importItem(ctx, tx, workspaceID, it); err != nil {
				return fmt.Errorf("item %d (%s): %w", i+1, it.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("knowledge: import: %w", err)
	}
	return len(items), nil
}

func (m *Manager) importItem(ctx context.Context, tx *sql.Tx, workspaceID int64, it Item) error {
	if it.Kind == string(KindShortAnswer) {
		_, err := m.putShortAnswer(ctx, tx, Source{WorkspaceID: workspaceID, Kind: KindShortAnswer, ExternalID: it.ID},
			ShortAnswerInput{Question: it.Question, Variants: it.Variants, Answer: it.Answer, Lang: it.Lang})
		return err
	}
	in := ArticleInput{Title: it.Title, Body: it.Body, Lang: it.Lang, URL: it.URL}
	if err := in.check(); err != nil {
		return err
	}
	drafts, err := m.articleDrafts(ctx, in.Title, in.Body)
	if err != nil {
		return err
	}
	src := Source{WorkspaceID: workspaceID, Kind: KindArticle, ExternalID: it.ID, Title: in.Title, Body: in.Body,
		Lang: in.Lang, URL: in.URL, Status: StatusReady, SyncedAt: m.now()}
	return m.save(ctx, tx, &src, drafts)
}
