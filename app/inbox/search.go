package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode"
)

// The message search (Filter.Search) keeps the conversations whose messages contain every
// word, as LIKE finds them. The trigram index messages_fts (migration 0011) narrows it: a
// word found in few messages leads, and only their conversations are read; when every
// word is common, the list reads its view in order, which meets them soon.

// searchCandidates is how many messages a word may be in, at most, for the search index
// to lead: reading that many messages and their conversations takes a few milliseconds.
const searchCandidates = 10_000

// searchBatch is how many messages are stored before they are added to the search index
// together: indexing each in its own transaction cost twice what storing it does (FTS5
// writes its index at every commit), in batches a little more. The message that completes
// a batch waits for it (about 1 ms), so batches are kept small. Until then a search reads
// them directly.
const searchBatch = 16

const (
	// sqlIndexMessages adds the messages waiting for the index; sqlIndexed empties the wait.
	sqlIndexMessages = "INSERT INTO messages_fts (rowid, body) SELECT m.id, m.body || ' ' FROM messages_unindexed u JOIN messages m ON m.id = u.id"
	sqlIndexed       = "DELETE FROM messages_unindexed"
	// sqlUnindexed lists the messages not yet in the index.
	sqlUnindexed = "SELECT id FROM messages_unindexed"
	// sqlMessageCount is about how many messages there are (ids are given in order).
	sqlMessageCount = "SELECT COALESCE(MAX(id), 0) FROM messages"
	// sqlFound lists the messages an FTS5 query finds, up to a limit (?2).
	sqlFound = "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 LIMIT ?2"
	// sqlTrigramsFrom lists the indexed trigrams that begin with a word of two characters.
	sqlTrigramsFrom = "SELECT term FROM messages_fts_vocab WHERE term >= ?1 AND term < ?1 || char(1114111)"
)

// IndexMessages adds the messages stored since it last ran to the search index, in one
// transaction. Storing messages runs it every searchBatch messages.
func (s *Store) IndexMessages(ctx context.Context) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, sqlIndexMessages); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, sqlIndexed)
		return err
	})
	if err != nil {
		return fmt.Errorf("inbox: index messages: %w", err)
	}
	return nil
}

// stored counts a message stored, and indexes the waiting ones every searchBatch. A batch
// that fails is left to the next: searches read its messages directly meanwhile.
func (s *Store) stored(ctx context.Context) {
	if s.unindexed.Add(1)%searchBatch == 0 {
		_ = s.IndexMessages(ctx)
	}
}

// lead is a search word that leads a search through the index: the messages that may hold
// it (a JSON array of ids), each checked with LIKE.
type lead struct {
	word     string
	messages string
}

// narrow returns the search's rarest word, with the messages that may hold it (those not
// yet indexed counted in), when reading them costs less than reading the view in order:
// for a page of n rows out of m messages, a word in k of them is met about every m/k
// messages, so the view costs about n*m/k reads against k for the word's messages; it
// leads while k*k <= n*m, and never past searchCandidates. Otherwise, or when no word has
// a trigram, it returns nil, and the list reads its view in order.
func (s *Store) narrow(ctx context.Context, search string, n int) (*lead, error) {
	var best *lead
	var waiting []int64 // read with the first word that has a query
	fewest := 0         // one more than the messages a lead may have
	for _, word := range strings.Fields(search) {
		q, err := s.trigramQuery(ctx, word)
		if err != nil {
			return nil, err
		}
		if q == "" {
			continue
		}
		if waiting == nil {
			if waiting, err = s.ids(ctx, sqlUnindexed); err != nil {
				return nil, err
			}
			var m int
			if err := s.db.Read.QueryRowContext(ctx, sqlMessageCount).Scan(&m); err != nil {
				return nil, fmt.Errorf("inbox: search: %w", err)
			}
			fewest = min(searchCandidates, int(math.Sqrt(float64(n)*float64(m)))) + 1
		}
		if len(waiting) >= fewest {
			break
		}
		ids, err := s.ids(ctx, sqlFound, q, fewest-len(waiting))
		if err != nil {
			return nil, err
		}
		if ids = append(ids, waiting...); len(ids) < fewest {
			list, _ := json.Marshal(ids)
			best, fewest = &lead{word: word, messages: string(list)}, len(ids)
		}
	}
	return best, nil
}

// ids runs a query of message ids.
func (s *Store) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: search: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("inbox: search: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// trigramQuery is the FTS5 query that finds the messages that may hold word: those with
// all its trigrams; for a word of two characters, those with any trigram that begins with
// it (each text is indexed with a space after it, so one at the end begins one too), when
// it has no upper and lower case, which the index folds; nothing ("") otherwise.
func (s *Store) trigramQuery(ctx context.Context, word string) (string, error) {
	switch r := []rune(word); {
	case len(r) >= 3:
		return allTrigrams(word), nil
	case len(r) < 2 || strings.IndexFunc(word, func(r rune) bool { return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) }) >= 0:
		return "", nil
	}
	rows, err := s.db.Read.QueryContext(ctx, sqlTrigramsFrom, word)
	if err != nil {
		return "", fmt.Errorf("inbox: search: %w", err)
	}
	defer rows.Close()
	var terms []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return "", fmt.Errorf("inbox: search: %w", err)
		}
		terms = append(terms, ftsString(t))
	}
	if len(terms) == 0 {
		return ftsString(word), rows.Err() // in no indexed message; with no trigram of its own, it finds none
	}
	return strings.Join(terms, " OR "), rows.Err()
}

// allTrigrams is the FTS5 query of the texts that hold every trigram of word (of three
// characters or more).
func allTrigrams(word string) string {
	r := []rune(word)
	trigrams := make([]string, len(r)-2)
	for i := range trigrams {
		trigrams[i] = ftsString(string(r[i : i+3]))
	}
	return strings.Join(trigrams, " AND ")
}

// ftsString quotes s as an FTS5 string, which matches its text literally.
func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
