package knowledge

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"agent/app/fetch"
	"agent/app/knowledge/extract"
)

// FileResult is what an upload became: a file source, or for a CSV sheet of questions
// and answers, that many short answers.
type FileResult struct {
	// Outcome says what happened to a file source: added, updated (a file of the same
	// name was there and got the new content) or unchanged (the same name and content
	// were there; nothing was stored).
	Outcome FileOutcome
	Source  *Source
	// ShortAnswers counts the rows of a sheet: ShortAnswersAdded new short answers,
	// ShortAnswersUpdated that changed one with the same question, and the rest that
	// were already there as they are.
	ShortAnswers, ShortAnswersAdded, ShortAnswersUpdated int
}

// FileOutcome is what an upload did to the knowledge.
type FileOutcome string

// The outcomes of an upload.
const (
	FileAdded     FileOutcome = "added"
	FileUpdated   FileOutcome = "updated"
	FileUnchanged FileOutcome = "unchanged"
)

// userFacing turns an extraction failure into an error fit to show next to the file.
func userFacing(field string, err error) error {
	for _, e := range []error{extract.ErrEmpty, extract.ErrEncrypted, extract.ErrCorrupt, extract.ErrUnsupported, extract.ErrTooLarge} {
		if errors.Is(err, e) {
			return inputError(field, plainMessage(err))
		}
	}
	return err
}

// plainMessage is an error's text without the package prefixes and sentinel suffix
// that help in logs ("extract: pdf: …", "…: invalid URL"), for showing to an admin.
func plainMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"fetch: ", "extract: "} {
		if rest, ok := strings.CutPrefix(msg, p); ok {
			msg = rest
			if i := strings.Index(msg, ": "); i >= 0 && p == "extract: " && !strings.Contains(msg[:i], " ") {
				msg = msg[i+2:] // the format name: "pdf: "
			}
		}
	}
	return strings.TrimSuffix(msg, ": "+fetch.ErrBadURL.Error())
}

func contentHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// AddFile extracts an uploaded file and indexes it, keeping the original bytes. A bad file
// (too big, unsupported, encrypted, empty, corrupt) is an *InputError and changes nothing.
// Uploading a file again changes nothing; a new version under the same name replaces the
// old one's content and keeps its identity (the agents that answer from it). A sheet's
// rows update the short answers that have their question.
func (m *Manager) AddFile(ctx context.Context, workspaceID int64, filename, contentType string, data []byte) (FileResult, error) {
	if int64(len(data)) > m.opts.MaxFileBytes {
		return FileResult{}, inputError("file", fmt.Sprintf("%s is larger than the %d MB limit", filename, m.opts.MaxFileBytes>>20))
	}
	hash := contentHash(data)
	// Looked for before extracting, which may keep a PDF child process busy for seconds.
	same, found, err := m.fileSource(ctx, m.db.Read, workspaceID, filename, hash)
	if err != nil {
		return FileResult{}, err
	}
	if found && same.ContentHash == hash {
		return FileResult{Outcome: FileUnchanged, Source: &same}, nil
	}
	doc, err := m.extract(ctx, func(ctx context.Context) (extract.Document, error) {
		return extract.File(ctx, filename, contentType, data)
	})
	if err != nil {
		return FileResult{}, userFacing("file", err)
	}
	if len(doc.Pairs) > 0 {
		return m.addPairs(ctx, workspaceID, doc.Pairs)
	}
	drafts := chunkDocument(doc, doc.Title)
	if len(drafts) == 0 {
		return FileResult{}, inputError("file", filename+" has no text")
	}
	if err := m.checkChunks("file", drafts); err != nil {
		return FileResult{}, inputError("file", err.Error())
	}
	title := doc.Title
	if title == "" {
		title = filename
	}
	res := FileResult{Outcome: FileAdded}
	src := &Source{WorkspaceID: workspaceID, Kind: KindFile, Filename: filename}
	err = m.write(ctx, workspaceID, false, func(tx *sql.Tx) error {
		old, found, err := m.fileSource(ctx, tx, workspaceID, filename, hash)
		switch {
		case err != nil:
			return err
		case found && old.ContentHash == hash: // uploaded meanwhile
			*src, res.Outcome = old, FileUnchanged
			return nil
		case found:
			*src, res.Outcome = old, FileUpdated
		}
		src.Title, src.ContentType, src.Size, src.ContentHash = truncate(title, 200), contentType, int64(len(data)), hash
		src.Status, src.Error, src.SyncedAt = StatusReady, "", m.now()
		if err := m.save(ctx, tx, src, drafts); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO source_files (source_id, data) VALUES (?, ?)
			ON CONFLICT (source_id) DO UPDATE SET data = excluded.data`, src.ID, data)
		return err
	})
	if err != nil {
		return FileResult{}, fmt.Errorf("knowledge: add file %s: %w", filename, err)
	}
	res.Source = src
	return res, nil
}

// queryer is a read connection or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// fileSource finds the file source of a workspace uploaded under filename: the one with
// this content hash if there is one, else the most recently changed.
func (m *Manager) fileSource(ctx context.Context, q queryer, workspaceID int64, filename, hash string) (Source, bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+sourceColumns+` FROM sources WHERE workspace_id = ? AND kind = 'file' AND filename = ?
		ORDER BY content_hash = ? DESC, updated_at DESC, id DESC LIMIT 1`, workspaceID, filename, hash)
	if err != nil {
		return Source{}, false, fmt.Errorf("knowledge: file source: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return Source{}, false, rows.Err()
	}
	s, err := scanSource(rows)
	if err != nil {
		return Source{}, false, fmt.Errorf("knowledge: file source: %w", err)
	}
	return s, true, nil
}

// addPairs turns the rows of an FAQ sheet into short answers, all or none. A row whose
// question a short answer already has (whatever the case and spacing) updates it: its
// answer and language are the row's, its variants those it had and the row's.
func (m *Manager) addPairs(ctx context.Context, workspaceID int64, pairs []extract.QA) (FileResult, error) {
	res := FileResult{ShortAnswers: len(pairs)}
	err := m.write(ctx, workspaceID, true, func(tx *sql.Tx) error {
		res.ShortAnswersAdded, res.ShortAnswersUpdated = 0, 0
		existing, err := m.shortAnswersByQuestion(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		for i, p := range pairs {
			in := ShortAnswerInput{Question: p.Question, Variants: p.Variants, Answer: p.Answer, Lang: p.Lang}
			src, found := existing[questionKey(p.Question)]
			if found {
				in.Variants = append(slices.Clone(src.Variants), p.Variants...)
				if in.Lang == "" {
					in.Lang = src.Lang
				}
			} else {
				src = Source{WorkspaceID: workspaceID, Kind: KindShortAnswer}
			}
			var ie *InputError
			if err := in.check(); errors.As(err, &ie) {
				return inputError("file", fmt.Sprintf("row %d: %s %s", i+1, ie.Field, ie.Message))
			}
			if found && in.Question == src.Question && in.Answer == src.Body && in.Lang == src.Lang && slices.Equal(in.Variants, src.Variants) {
				continue // already there as it is
			}
			saved, err := m.putShortAnswer(ctx, tx, src, in)
			if err != nil {
				return err
			}
			if found {
				res.ShortAnswersUpdated++
			} else {
				res.ShortAnswersAdded++
			}
			existing[questionKey(saved.Question)] = saved
		}
		return nil
	})
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return FileResult{}, ie
		}
		return FileResult{}, fmt.Errorf("knowledge: add short answers: %w", err)
	}
	return res, nil
}

// questionKey is a question as short answers are matched on: any case, any spacing.
func questionKey(q string) string {
	return strings.ToLower(strings.Join(strings.Fields(q), " "))
}

// shortAnswersByQuestion maps a workspace's short answers by questionKey.
func (m *Manager) shortAnswersByQuestion(ctx context.Context, tx *sql.Tx, workspaceID int64) (map[string]Source, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+sourceColumns+" FROM sources WHERE workspace_id = ? AND kind = 'short_answer' ORDER BY id", workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Source{}
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		if k := questionKey(s.Question); k != "" {
			if _, dup := out[k]; !dup { // the oldest, should there be twins from before
				out[k] = s
			}
		}
	}
	return out, rows.Err()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
