package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"agent/app/store"
)

// ContactFilter chooses a page of a workspace's contacts, newest first.
type ContactFilter struct {
	// Search keeps the contacts whose name, email or phone holds every word (a phone
	// number is one word: "912 34-567" is 91234567).
	Search string
	Before int64 // keyset paging: only contacts older than this one (0: the first page)
	Limit  int   // default 50
}

// ContactSummary is a contact as the list shows it.
type ContactSummary struct {
	Contact
	Conversations int
	LastActive    time.Time // of their latest conversation; zero when they have none
}

// Contacts returns a page of a workspace's contacts, newest first. Ask for one more than
// shown to know whether an older page exists; the last one shown is the next page's
// Before. A search is led by the trigram index contacts_fts (migration 0015) when its
// words are in few contacts (contactLead), LIKE deciding; otherwise it reads the
// workspace's contacts in order, which meets common words soon.
func (s *Store) Contacts(ctx context.Context, workspaceID int64, f ContactFilter) ([]ContactSummary, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	lead, err := s.contactLead(ctx, f.Search, f.Limit)
	if err != nil {
		return nil, err
	}
	q, args := contactsQuery(workspaceID, f, lead)
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: contacts: %w", err)
	}
	defer rows.Close()
	var out []ContactSummary
	for rows.Next() {
		var cs ContactSummary
		var last int64
		k, err := scanContact(rows, &cs.Conversations, &last)
		if err != nil {
			return nil, fmt.Errorf("inbox: contacts: %w", err)
		}
		cs.Contact, cs.LastActive = k, store.TimeOrZero(last)
		out = append(out, cs)
	}
	return out, rows.Err()
}

// contactCandidates is how many contacts the index may find for a search, at most, for it
// to lead (reading that many takes a few milliseconds).
const contactCandidates = 10_000

const (
	// sqlContactsFound lists the contacts an FTS5 query finds, up to a limit (?2).
	sqlContactsFound = "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?1 LIMIT ?2"
	// sqlContactCount is about how many contacts there are (ids are given in order).
	sqlContactCount = "SELECT COALESCE(MAX(id), 0) FROM contacts"
	// sqlContactTrigramsFrom lists the indexed trigrams that begin with two characters.
	sqlContactTrigramsFrom = "SELECT term FROM contacts_fts_vocab WHERE term >= ?1 AND term < ?1 || char(1114111)"
)

// contactLead returns the contacts (a JSON array of ids) that may hold every word of the
// search of a page of n, as the index finds them, when reading them costs less than
// reading the contacts in order: for m contacts, k found are met about every m/k, so the
// order costs about n*m/k reads against k; the index leads while k*k <= n*m, and never
// past contactCandidates. "" when it does not lead, or no word has two characters.
func (s *Store) contactLead(ctx context.Context, search string, n int) (string, error) {
	var parts []string
	for _, word := range contactWords(search) {
		switch r := []rune(word); {
		case len(r) >= 3:
			parts = append(parts, allTrigrams(word))
		case len(r) == 2:
			terms, err := s.texts(ctx, sqlContactTrigramsFrom, strings.ToLower(word))
			if err != nil {
				return "", err
			}
			if len(terms) == 0 {
				return "[]", nil // begins no trigram: in no contact
			}
			for i, t := range terms {
				terms[i] = ftsString(t)
			}
			parts = append(parts, "("+strings.Join(terms, " OR ")+")")
		}
	}
	if len(parts) == 0 {
		return "", nil
	}
	var m int
	if err := s.db.Read.QueryRowContext(ctx, sqlContactCount).Scan(&m); err != nil {
		return "", fmt.Errorf("inbox: contacts: %w", err)
	}
	most := min(contactCandidates, int(math.Sqrt(float64(n)*float64(m)))) + 1
	ids, err := s.ids(ctx, sqlContactsFound, strings.Join(parts, " AND "), most)
	if err != nil || len(ids) >= most {
		return "", err
	}
	list, err := json.Marshal(ids)
	return string(list), err
}

// texts runs a query of strings.
func (s *Store) texts(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: contacts: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("inbox: contacts: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// contactsQuery is the query of Contacts and its arguments; lead, when not "", is the
// JSON array of the only contacts that may match (contactLead).
func contactsQuery(workspaceID int64, f ContactFilter, lead string) (string, []any) {
	conds := []string{"workspace_id = ?"}
	args := []any{workspaceID}
	if f.Before > 0 {
		conds = append(conds, "id < ?")
		args = append(args, f.Before)
	}
	if lead != "" {
		conds = append(conds, "id IN (SELECT value FROM json_each(?))")
		args = append(args, lead)
	}
	for _, word := range contactWords(f.Search) {
		conds = append(conds, `(name LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\' OR phone LIKE ? ESCAPE '\')`)
		p := likePattern(word)
		args = append(args, p, p, p)
	}
	return `SELECT ` + contactColumns + `,
		(SELECT COUNT(*) FROM conversations c WHERE c.contact_id = contacts.id AND c.workspace_id = contacts.workspace_id AND c.preview = 0 AND c.pending = 0),
		(SELECT COALESCE(MAX(c.last_activity_at), 0) FROM conversations c WHERE c.contact_id = contacts.id AND c.workspace_id = contacts.workspace_id AND c.preview = 0 AND c.pending = 0)
		FROM contacts WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)
}

// contactWords are the words of a search of contacts; a search that is a phone number
// (digits, with the spaces, dashes and brackets it is written with) is one word, its
// digits, as phones are stored.
func contactWords(search string) []string {
	if p, ok := phoneDigits(strings.TrimSpace(search)); ok {
		return []string{p}
	}
	return strings.Fields(search)
}

// ContactConversations returns a page of a contact's conversations on every channel,
// newest first, with their last message: those older than conversation before (0: the
// first page), at most limit.
func (s *Store) ContactConversations(ctx context.Context, workspaceID, contactID, before int64, limit int) ([]Summary, error) {
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := s.db.Read.QueryContext(ctx, sqlContactConversations, contactID, workspaceID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: contact conversations: %w", err)
	}
	out, err := summaries(rows)
	if err != nil {
		return nil, fmt.Errorf("inbox: contact conversations: %w", err)
	}
	return out, nil
}

// sqlContactConversations reads a contact's (?1) conversations of a workspace (?2) older
// than ?3, newest first, at most ?4.
var sqlContactConversations = `SELECT ` + summaryColumns + ` FROM conversations c ` + summaryJoins + `
	WHERE c.contact_id = ?1 AND c.workspace_id = ?2 AND c.preview = 0 AND c.pending = 0 AND c.id < ?3 ORDER BY c.id DESC LIMIT ?4`

// CountContactConversations counts a contact's conversations on every channel.
func (s *Store) CountContactConversations(ctx context.Context, workspaceID, contactID int64) (int, error) {
	var n int
	err := s.db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND workspace_id = ? AND preview = 0 AND pending = 0",
		contactID, workspaceID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("inbox: count contact conversations: %w", err)
	}
	return n, nil
}
