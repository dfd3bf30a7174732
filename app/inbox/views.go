package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"agent/app/agent"
)

// View is one of the inbox's lists of conversations.
type View string

// The inbox views. Conversations the AI is handling are in All only, until it hands off.
const (
	ViewUnassigned View = "unassigned" // open, no one has it, the AI is not on it
	ViewMine       View = "mine"       // open and assigned to the viewer
	ViewTeam       View = "team"       // open and waiting for Filter.TeamID
	ViewUnreplied  View = "unreplied"  // open, the customer wrote last and people must reply
	ViewUnread     View = "unread"     // open, with a customer message no person has opened
	ViewAll        View = "all"        // open
	ViewClosed     View = "closed"
)

// Views lists the views in the order the inbox shows them (teams come after Mine).
var Views = []View{ViewUnassigned, ViewMine, ViewUnreplied, ViewUnread, ViewAll, ViewClosed}

// Filter chooses conversations for a list.
type Filter struct {
	View      View
	UserID    int64  // the viewer, for Mine
	TeamID    int64  // for ViewTeam
	ChannelID int64  // 0: every channel
	AgentID   int64  // 0: every AI agent
	Search    string // words that each appear in a message or note of the conversation
	Limit     int    // default 50
	Offset    int
}

// Summary is a conversation as a list shows it.
type Summary struct {
	Conversation
	LastMessage  string
	LastAuthor   agent.Author
	AssigneeName string
	TeamName     string
	ChannelName  string
}

// where is the filter's condition on conversations c, with its arguments. With a lead
// (narrow), only the conversations of the messages the index found the lead word in, and
// that hold it, are kept; every other word is looked for in all their messages.
func (f Filter) where(lead *lead) (string, []any) {
	conds := []string{"c.preview = 0"}
	var args []any
	open := "c.status = 'open'"
	switch f.View {
	case ViewUnassigned:
		conds = append(conds, open, "c.assignee_id IS NULL", "c.ai_active = 0")
	case ViewMine:
		conds = append(conds, open, "c.assignee_id = ?")
		args = append(args, f.UserID)
	case ViewTeam:
		conds = append(conds, open, "c.team_id = ?")
		args = append(args, f.TeamID)
	case ViewUnreplied:
		conds = append(conds, open, "c.awaiting = 1", "c.ai_active = 0")
	case ViewUnread:
		conds = append(conds, open, "c.unread = 1", "c.ai_active = 0")
	case ViewClosed:
		conds = append(conds, "c.status = 'closed'")
	default:
		conds = append(conds, open)
	}
	if f.ChannelID != 0 {
		conds = append(conds, "c.channel_id = ?")
		args = append(args, f.ChannelID)
	}
	if f.AgentID != 0 {
		conds = append(conds, "c.agent_id = ?")
		args = append(args, f.AgentID)
	}
	if lead != nil {
		conds = append(conds, `c.id IN (SELECT m.conversation_id FROM messages m WHERE m.id IN (SELECT value FROM json_each(?)) AND m.body LIKE ? ESCAPE '\')`)
		args = append(args, lead.messages, likePattern(lead.word))
	}
	for _, word := range strings.Fields(f.Search) {
		if lead == nil || word != lead.word {
			conds = append(conds, `EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.body LIKE ? ESCAPE '\')`)
			args = append(args, likePattern(word))
		}
	}
	return strings.Join(conds, " AND "), args
}

// likePattern matches messages that contain word, literally, ASCII letters in any case.
func likePattern(word string) string {
	return "%" + likeEscaper.Replace(word) + "%"
}

// likeEscaper makes a search word match literally in a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// searchCandidates is how many messages a word may be in for the search index to lead:
// reading that many messages and their conversations takes a few milliseconds.
const searchCandidates = 10_000

// lead is a search word that leads a search through the index: the messages that may hold
// it (a JSON array of ids), each checked with LIKE.
type lead struct {
	word     string
	messages string
}

// sqlFound lists the messages an FTS5 query finds, up to a limit (?2).
const sqlFound = "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 LIMIT ?2"

// narrow returns the search's rarest word, when it is in at most searchCandidates
// messages, with them: the list then reads only their conversations. When every word is
// common, or has no trigram, it returns nil, and the list reads its view in order,
// checking each conversation's messages, which meets common words at once.
func (s *Store) narrow(ctx context.Context, search string) (*lead, error) {
	var best *lead
	fewest := searchCandidates + 1
	for _, word := range strings.Fields(search) {
		q, err := s.trigramQuery(ctx, word)
		if err != nil {
			return nil, err
		}
		if q == "" {
			continue
		}
		ids, err := s.found(ctx, q, fewest)
		if err != nil {
			return nil, err
		}
		if len(ids) < fewest {
			list, _ := json.Marshal(append([]int64{}, ids...))
			best, fewest = &lead{word: word, messages: string(list)}, len(ids)
		}
	}
	return best, nil
}

// found returns the ids of the messages (up to limit) that the FTS5 query q finds.
func (s *Store) found(ctx context.Context, q string, limit int) ([]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, sqlFound, q, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: search: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("inbox: search: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sqlTrigramsFrom lists the indexed trigrams that begin with a word of two characters.
const sqlTrigramsFrom = "SELECT term FROM messages_fts_vocab WHERE term >= ?1 AND term < ?1 || char(1114111)"

// trigramQuery is the FTS5 query that finds the messages holding word: its trigrams in a
// row; for a word of two characters, any trigram that begins with it (each text is indexed
// with a space after it, so one at the end begins one too), when it has no upper and lower
// case, which the index folds; nothing ("") otherwise.
func (s *Store) trigramQuery(ctx context.Context, word string) (string, error) {
	switch n := utf8.RuneCountInString(word); {
	case n >= 3:
		return ftsString(word), nil
	case n < 2 || strings.IndexFunc(word, func(r rune) bool { return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) }) >= 0:
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
		return ftsString(word), rows.Err() // in no message; with no trigram of its own, it finds none
	}
	return strings.Join(terms, " OR "), rows.Err()
}

// ftsString quotes s as an FTS5 string, which matches its text literally.
func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// List returns a page of a workspace's conversations in a view, most recent activity first.
func (s *Store) List(ctx context.Context, workspaceID int64, f Filter) ([]Summary, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	lead, err := s.narrow(ctx, f.Search)
	if err != nil {
		return nil, err
	}
	q, args := listQuery(workspaceID, f, lead)
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var sm Summary
		c, err := scanConversation(rows, &sm.LastMessage, &sm.LastAuthor, &sm.AssigneeName, &sm.TeamName, &sm.ChannelName)
		if err != nil {
			return nil, fmt.Errorf("inbox: list: %w", err)
		}
		sm.Conversation = c
		out = append(out, sm)
	}
	return out, rows.Err()
}

// listQuery is List's query and its arguments. The page is chosen first, from
// conversations alone; only its rows are joined with their last message and names. With a
// lead, the conversations are few: they are looked up by id and sorted (NOT INDEXED keeps
// SQLite from reading the whole view in order instead).
func listQuery(workspaceID int64, f Filter, lead *lead) (string, []any) {
	where, args := f.where(lead)
	from := "conversations c"
	if lead != nil {
		from += " NOT INDEXED"
	}
	return `SELECT ` + prefixed("c.", conversationColumns) + `,
		COALESCE(lm.body, ''), COALESCE(lm.author, ''), COALESCE(u.name, ''), COALESCE(t.name, ''), COALESCE(ch.name, '')
		FROM (SELECT c.id, c.last_activity_at FROM ` + from + ` WHERE c.workspace_id = ? AND ` + where + `
			ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ? OFFSET ?) page
		JOIN conversations c ON c.id = page.id
		LEFT JOIN messages lm ON lm.id = (SELECT MAX(id) FROM messages WHERE conversation_id = c.id AND author <> 'note')
		LEFT JOIN users u ON u.id = c.assignee_id
		LEFT JOIN teams t ON t.id = c.team_id
		LEFT JOIN channels ch ON ch.id = c.channel_id
		ORDER BY page.last_activity_at DESC, page.id DESC`,
		append(append([]any{workspaceID}, args...), f.Limit, f.Offset)
}

// prefixed qualifies each column of a list with p ("c."), the first argument of a
// COALESCE included; commas inside parentheses do not split columns.
func prefixed(p, columns string) string {
	var parts []string
	depth, start := 0, 0
	for i, r := range columns {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, columns[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, columns[start:])
	for i, c := range parts {
		c = strings.TrimSpace(c)
		if rest, ok := strings.CutPrefix(c, "COALESCE("); ok {
			parts[i] = "COALESCE(" + p + rest
		} else {
			parts[i] = p + c
		}
	}
	return strings.Join(parts, ", ")
}

// Counts are how many conversations each view holds for a viewer.
type Counts struct {
	Views map[View]int
	Teams map[int64]int
}

// Count returns the size of every view for a viewer, and of each of the given teams.
func (s *Store) Count(ctx context.Context, workspaceID, userID int64, teamIDs []int64) (Counts, error) {
	c := Counts{Views: map[View]int{}, Teams: map[int64]int{}}
	count := func(f Filter) (int, error) {
		var n int
		q, args := countQuery(workspaceID, f)
		err := s.db.Read.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, err
	}
	for _, v := range Views {
		n, err := count(Filter{View: v, UserID: userID})
		if err != nil {
			return c, fmt.Errorf("inbox: count: %w", err)
		}
		c.Views[v] = n
	}
	for _, t := range teamIDs {
		n, err := count(Filter{View: ViewTeam, TeamID: t})
		if err != nil {
			return c, fmt.Errorf("inbox: count: %w", err)
		}
		c.Teams[t] = n
	}
	return c, nil
}

// countQuery is the query that counts a view (f without search words), and its arguments.
func countQuery(workspaceID int64, f Filter) (string, []any) {
	where, args := f.where(nil)
	return "SELECT COUNT(*) FROM conversations c WHERE c.workspace_id = ? AND " + where, append([]any{workspaceID}, args...)
}
