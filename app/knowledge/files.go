package knowledge

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"agent/app/fetch"
	"agent/app/knowledge/extract"
)

// FileResult is what an upload became: a file source, or for a CSV sheet of questions
// and answers, that many short answers.
type FileResult struct {
	Source       *Source
	ShortAnswers int
}

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
func (m *Manager) AddFile(ctx context.Context, workspaceID int64, filename, contentType string, data []byte) (FileResult, error) {
	if int64(len(data)) > m.opts.MaxFileBytes {
		return FileResult{}, inputError("file", fmt.Sprintf("%s is larger than the %d MB limit", filename, m.opts.MaxFileBytes>>20))
	}
	doc, err := extract.File(filename, contentType, data)
	if err != nil {
		return FileResult{}, userFacing("file", err)
	}
	if len(doc.Pairs) > 0 {
		n, err := m.addPairs(ctx, workspaceID, doc.Pairs)
		return FileResult{ShortAnswers: n}, err
	}
	drafts := chunkDocument(doc)
	if len(drafts) == 0 {
		return FileResult{}, inputError("file", filename+" has no text")
	}
	title := doc.Title
	if title == "" {
		title = filename
	}
	src := &Source{WorkspaceID: workspaceID, Kind: KindFile, Title: truncate(title, 200), Filename: filename, ContentType: contentType,
		Size: int64(len(data)), ContentHash: contentHash(data), Status: StatusReady, SyncedAt: m.now()}
	err = m.write(ctx, workspaceID, false, func(tx *sql.Tx) error {
		if err := m.save(ctx, tx, src, drafts); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO source_files (source_id, data) VALUES (?, ?)", src.ID, data)
		return err
	})
	if err != nil {
		return FileResult{}, fmt.Errorf("knowledge: add file %s: %w", filename, err)
	}
	return FileResult{Source: src}, nil
}

// addPairs turns the rows of an FAQ sheet into short answers, all or none.
func (m *Manager) addPairs(ctx context.Context, workspaceID int64, pairs []extract.QA) (int, error) {
	err := m.write(ctx, workspaceID, true, func(tx *sql.Tx) error {
		for i, p := range pairs {
			_, err := m.putShortAnswer(ctx, tx, Source{WorkspaceID: workspaceID, Kind: KindShortAnswer},
				ShortAnswerInput{Question: p.Question, Variants: p.Variants, Answer: p.Answer, Lang: p.Lang})
			var ie *InputError
			if errors.As(err, &ie) {
				return inputError("file", fmt.Sprintf("row %d: %s %s", i+1, ie.Field, ie.Message))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return 0, ie
		}
		return 0, fmt.Errorf("knowledge: add short answers: %w", err)
	}
	return len(pairs), nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
