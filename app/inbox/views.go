package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

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
	ViewSnoozed    View = "snoozed"    // open and snoozed: out of the other views until it wakes
	ViewClosed     View = "closed"
)

// Views lists the views in the order the inbox shows them (teams come after Mine).
var Views = []View{ViewUnassigned, ViewMine, ViewUnreplied, ViewUnread, ViewAll, ViewSnoozed, ViewClosed}

// Filter chooses conversations for a list.
type Filter struct {
	View      View
	UserID    int64  // the viewer, for Mine
	TeamID    int64  // for ViewTeam
	ChannelID int64  // 0: every channel
	AgentID   int64  // 0: every AI agent
	TagID     int64  // 0: with or without tags
	Search    string // words that each appear in a message or note of the conversation
	Limit     int    // default 50
	Offset    int
	// Keyset paging (the API's cursors): with BeforeID, only conversations after this one
	// in the list's order, whose last activity was at BeforeActive (unix seconds).
	BeforeActive int64
	BeforeID     int64
}

// Summary is a conversation as a list shows it.
type Summary struct {
	Conversation
	LastMessage  string
	LastAuthor   agent.Author
	AssigneeName string
	TeamName     string
	ChannelName  string
	// Contact names the customer when their contact record says who they are (its name,
	// email or phone); empty otherwise.
	Contact string
}

// where is the filter's condition on conversations c, with its arguments. With a lead
// (narrow), only the conversations of the messages the index found the lead word in, and
// that hold it, are kept; every other word is looked for in all their messages.
func (f Filter) where(lead *lead) (string, []any) {
	// A conversation the widget opened for a first message that has not come yet is
	// shown nowhere (NewConversation.Pending).
	conds := []string{"c.preview = 0", "c.pending = 0"}
	var args []any
	// A snoozed conversation is open but out of the open views (the column is read from the
	// row the view's index leads to).
	open := "c.status = 'open' AND c.snoozed_until IS NULL"
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
	case ViewSnoozed:
		conds = append(conds, "c.status = 'open'", "c.snoozed_until IS NOT NULL")
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
	if f.TagID != 0 {
		// Checked on each conversation of the view, in its order: a list never sorts.
		conds = append(conds, "EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.conversation_id = c.id AND ct.tag_id = ?)")
		args = append(args, f.TagID)
	}
	if f.BeforeID != 0 {
		conds = append(conds, "(c.last_activity_at < ? OR (c.last_activity_at = ? AND c.id < ?))")
		args = append(args, f.BeforeActive, f.BeforeActive, f.BeforeID)
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

// List returns a page of a workspace's conversations in a view, most recent activity first.
func (s *Store) List(ctx context.Context, workspaceID int64, f Filter) ([]Summary, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	lead, err := s.narrow(ctx, f.Search, f.Offset+f.Limit)
	if err != nil {
		return nil, err
	}
	q, args := listQuery(workspaceID, f, lead)
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	out, err := summaries(rows)
	if err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	return out, nil
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
	return `SELECT ` + summaryColumns + `
		FROM (SELECT c.id, c.last_activity_at FROM ` + from + ` WHERE c.workspace_id = ? AND ` + where + `
			ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ? OFFSET ?) page
		JOIN conversations c ON c.id = page.id ` + summaryJoins + `
		ORDER BY page.last_activity_at DESC, page.id DESC`,
		append(append([]any{workspaceID}, args...), f.Limit, f.Offset)
}

// A Summary of conversation c: its columns, then what its joins (summaryJoins) add.
var summaryColumns = prefixed("c.", conversationColumns) + `,
	COALESCE(lm.body, ''), COALESCE(lm.author, ''), COALESCE(u.name, ''), COALESCE(t.name, ''), COALESCE(ch.name, ''),
	COALESCE(NULLIF(k.name, ''), NULLIF(k.email, ''), k.phone, '')`

const summaryJoins = `LEFT JOIN messages lm ON lm.id = (SELECT MAX(id) FROM messages WHERE conversation_id = c.id AND author <> 'note')
	LEFT JOIN users u ON u.id = c.assignee_id
	LEFT JOIN teams t ON t.id = c.team_id
	LEFT JOIN channels ch ON ch.id = c.channel_id
	LEFT JOIN contacts k ON k.id = c.contact_id`

// summaries reads the rows of a query of summaryColumns.
func summaries(rows *sql.Rows) ([]Summary, error) {
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var sm Summary
		c, err := scanConversation(rows, &sm.LastMessage, &sm.LastAuthor, &sm.AssigneeName, &sm.TeamName, &sm.ChannelName, &sm.Contact)
		if err != nil {
			return nil, err
		}
		sm.Conversation = c
		out = append(out, sm)
	}
	return out, rows.Err()
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

// CountCap is the largest count Count reads: a view holding more shows CountCap+1, "999+".
// Counting is reading the view's index entries, so a view of 100,000 closed conversations
// would cost every list request milliseconds for a figure no one reads to the unit.
const CountCap = 999

// Counts are how many conversations each view holds for a viewer, up to CountCap+1.
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

// countQuery is the query that counts a view (f without search words) up to CountCap+1, and
// its arguments.
func countQuery(workspaceID int64, f Filter) (string, []any) {
	where, args := f.where(nil)
	return "SELECT COUNT(*) FROM (SELECT 1 FROM conversations c WHERE c.workspace_id = ? AND " + where + " LIMIT " + strconv.Itoa(CountCap+1) + ")",
		append([]any{workspaceID}, args...)
}
