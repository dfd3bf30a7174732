package knowledge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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

// ImportResult says how an import went: Imported counts the items written, Updated
// those of them that replaced a source imported before with the same id.
type ImportResult struct {
	Imported int
	Updated  int
	Failed   int
}

// ItemError is an item an import left out: its line, its id when it has one, and why.
type ItemError struct {
	Line int
	ID   string
	Err  error
}

func (e ItemError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("line %d (%s): %v", e.Line, e.ID, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e ItemError) Unwrap() error { return e.Err }

// ImportJSONL adds the items of a JSONL stream in one transaction; an item whose id names
// a source of its kind already in the workspace replaces it, so that importing an export
// again updates the knowledge instead of doubling it. An item that cannot
// be added (not JSON, an unknown kind, a field out of bounds) is passed to skipped, when
// it is not nil, and the import goes on: a real knowledge base has a bad line now and
// then, and losing the other thousand for it helps no one. An error of the stream or the
// database adds nothing.
func (m *Manager) ImportJSONL(ctx context.Context, workspaceID int64, r io.Reader, skipped func(ItemError)) (ImportResult, error) {
	var res ImportResult
	err := m.write(ctx, workspaceID, true, func(tx *sql.Tx) error {
		return jsonl.Lines(r, func(line int, b []byte, err error) error {
			var it Item
			if err == nil {
				err = json.Unmarshal(b, &it)
			}
			updated := false
			if err == nil {
				updated, err = m.importItem(ctx, tx, workspaceID, it)
			}
			// Bad input is found before anything of the item is written; any other
			// error is not the item's.
			var ie *InputError
			var se *json.SyntaxError
			var te *json.UnmarshalTypeError
			switch {
			case err == nil:
				res.Imported++
				if updated {
					res.Updated++
				}
			case errors.As(err, &ie) || errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, jsonl.ErrLineTooLong):
				res.Failed++
				if skipped != nil {
					skipped(ItemError{Line: line, ID: it.ID, Err: err})
				}
			default:
				return fmt.Errorf("line %d (%s): %w", line, it.ID, err)
			}
			return nil
		})
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("knowledge: import: %w", err)
	}
	return res, nil
}

// importItem writes it, and says whether it replaced a source with its id.
func (m *Manager) importItem(ctx context.Context, tx *sql.Tx, workspaceID int64, it Item) (bool, error) {
	if it.Kind != string(KindArticle) && it.Kind != string(KindShortAnswer) {
		return false, inputError("kind", fmt.Sprintf("%q is not article or short_answer", it.Kind))
	}
	var id int64
	if it.ID != "" {
		// "external_id != ''" lets SQLite use the partial index sources_external.
		err := tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE workspace_id = ? AND kind = ? AND external_id = ? AND external_id != ''
			ORDER BY id LIMIT 1`, workspaceID, it.Kind, it.ID).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	if it.Kind == string(KindShortAnswer) {
		_, err := m.putShortAnswer(ctx, tx, Source{ID: id, WorkspaceID: workspaceID, Kind: KindShortAnswer, ExternalID: it.ID},
			ShortAnswerInput{Question: it.Question, Variants: it.Variants, Answer: it.Answer, Lang: it.Lang})
		return id != 0, err
	}
	in := ArticleInput{Title: it.Title, Body: it.Body, Lang: it.Lang, URL: it.URL}
	if err := in.check(); err != nil {
		return false, err
	}
	drafts, err := m.articleDrafts(ctx, in.Title, in.Body)
	if err != nil {
		return false, err
	}
	src := Source{ID: id, WorkspaceID: workspaceID, Kind: KindArticle, ExternalID: it.ID, Title: in.Title, Body: in.Body,
		Lang: in.Lang, URL: in.URL, Status: StatusReady, SyncedAt: m.now()}
	return id != 0, m.save(ctx, tx, &src, drafts)
}
