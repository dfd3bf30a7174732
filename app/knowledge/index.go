package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// ftsRow is what the index holds for one chunk: the analysed token streams of its title,
// heading and text, and the scope tokens used to filter by workspace and language.
type ftsRow struct {
	scope, title, heading, body, stems string
}

func scopeTokens(workspaceID int64, lang string) string {
	s := "w" + strconv.FormatInt(workspaceID, 10)
	if lang != "" {
		s += " l" + lang
	}
	return s
}

// indexText is the text a source contributes to the title field of each of its chunks:
// its title and, for short answers, the question and its other phrasings.
func indexText(src *Source) string {
	if src.Kind != KindShortAnswer {
		return src.Title
	}
	parts := append([]string{src.Question}, src.Variants...)
	if src.Title != src.Question {
		parts = append(parts, src.Title)
	}
	return strings.Join(parts, "\n")
}

func buildRow(workspaceID int64, lang, title, heading, text string) ftsRow {
	t, h, b := analyze(title), analyze(heading), analyze(text)
	var stems []string
	for _, x := range []analysis{t, h, b} {
		stems = append(append(stems, x.stems...), x.chars...)
	}
	return ftsRow{
		scope:   scopeTokens(workspaceID, lang),
		title:   strings.Join(t.words, " "),
		heading: strings.Join(h.words, " "),
		body:    strings.Join(b.words, " "),
		stems:   strings.Join(stems, " "),
	}
}

// replaceChunks swaps a source's chunks (and their index rows) for drafts, inside tx, and
// records the new chunk count.
func replaceChunks(ctx context.Context, tx *sql.Tx, src *Source, drafts []draft) error {
	if err := deleteChunks(ctx, tx, src.ID); err != nil {
		return err
	}
	title := indexText(src)
	insChunk, err := tx.PrepareContext(ctx, `INSERT INTO chunks (source_id, workspace_id, ord, heading, anchor, lang, text) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insChunk.Close()
	insFTS, err := tx.PrepareContext(ctx, `INSERT INTO chunks_fts (rowid, scope, title, heading, body, stems) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insFTS.Close()
	docLang := src.Lang
	if docLang == "" {
		var all strings.Builder
		for _, d := range drafts {
			all.WriteString(d.text)
			all.WriteByte('\n')
		}
		docLang = DetectLang(title + "\n" + all.String())
	}
	for i, d := range drafts {
		lang := src.Lang
		if lang == "" {
			// A long enough chunk speaks for itself (a page may mix languages); a short
			// one takes the language of the whole document.
			if lang = docLang; len(d.text) >= 200 {
				if l := DetectLang(d.text); l != "" {
					lang = l
				}
			}
		}
		res, err := insChunk.ExecContext(ctx, src.ID, src.WorkspaceID, i, d.heading, d.anchor, lang, d.text)
		if err != nil {
			return fmt.Errorf("insert chunk: %w", err)
		}
		id, _ := res.LastInsertId()
		r := buildRow(src.WorkspaceID, lang, title, d.heading, d.text)
		if _, err := insFTS.ExecContext(ctx, id, r.scope, r.title, r.heading, r.body, r.stems); err != nil {
			return fmt.Errorf("index chunk: %w", err)
		}
	}
	src.ChunkCount = len(drafts)
	_, err = tx.ExecContext(ctx, "UPDATE sources SET chunk_count = ? WHERE id = ?", len(drafts), src.ID)
	return err
}

// deleteChunks removes a source's chunks and their index rows.
func deleteChunks(ctx context.Context, tx *sql.Tx, sourceID int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE source_id = ?)", sourceID); err != nil {
		return fmt.Errorf("unindex chunks: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM chunks WHERE source_id = ?", sourceID); err != nil {
		return fmt.Errorf("delete chunks: %w", err)
	}
	return nil
}
