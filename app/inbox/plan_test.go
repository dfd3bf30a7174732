package inbox

import (
	"context"
	"strings"
	"testing"

	"agent/app/store"
)

// TestHotQueriesUseIndexes has SQLite plan every query run for each customer message and
// each inbox page, with the arguments they run with, and fails when one reads the whole
// of conversations or messages (a SCAN, even of an index) or sorts its rows instead of
// reading them in order (but a search led by the index, which sorts its few
// conversations), or when a view's list or count, or the search for a visitor's
// conversation, does not read the index made for it (a view read through another index
// reads every open conversation). SQLite plans without statistics here (nothing runs
// ANALYZE), so an empty database plans as a full one.
func TestHotQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const ws, user, team, conv, msg = 1, 2, 3, 4, 5
	type query struct {
		args  []any
		uses  string // what the plan must hold, if anything
		sorts bool
	}
	queries := map[string]query{}
	for q, args := range map[string][]any{
		sqlInsertMessage:  {conv, "visitor", nil, "Where is my order?", "en", 1},
		sqlMessageAdded:   {1, "en", "visitor", conv},
		sqlSeeVisitor:     {1, "en", 6},
		sqlClaim:          {msg, "p"},
		sqlEndClaim:       {msg, "p"},
		sqlInsertAIReply:  {msg, 7, "answer", "answered", 0.9, "extractive", "", "", "", "", "[]", 0, 0, 0, 0, 0},
		sqlInsertSource:   {msg, 1, 8, 9, "Shipping", ""},
		sqlHumanReplied:   {user, conv},
		sqlConversation:   {conv, ws},
		sqlVisitorByToken: {[]byte("hash"), 10},
		sqlHistory:        {conv, msg, historyTurns},
		sqlMessages:       {conv},
		sqlMessage:        {conv, msg},
		sqlSources:        {conv},
		sqlMessageSources: {conv, msg},
		sqlPresence:       {DefaultCapacity, ws, "[5, 6]"},
		sqlPeopleFree:     {ws, DefaultCapacity, user},
		sqlBotSent:        {"Yes.", conv},
		sqlFound:          {`"dam" AND "ama" AND "mag" AND "age" AND "ged"`, searchCandidates + 1},
		sqlUnindexed:      nil,
		sqlMessageCount:   nil,
		sqlIndexMessages:  nil,
		sqlIndexed:        nil,
		sqlTrigramsFrom:   {"退款"},
	} {
		queries[q] = query{args: args}
	}
	queries[sqlVisitorConversation] = query{args: []any{6, ws, 0}, uses: "INDEX conversations_visitor "}
	// Auto-send's checks, on each customer message in a person's conversation (assist.go).
	queries[sqlHeld] = query{args: []any{conv, 1}, uses: "INDEX assist_people_conversation "}
	queries[sqlStopped] = query{args: []any{conv}}
	viewIndex := map[View]string{ViewUnassigned: "conversations_unassigned", ViewMine: "conversations_assignee", ViewTeam: "conversations_team",
		ViewUnreplied: "conversations_unreplied", ViewUnread: "conversations_unread", ViewAll: "conversations_inbox", ViewClosed: "conversations_inbox"}
	for v, index := range viewIndex {
		f := Filter{View: v, UserID: user, TeamID: team, Limit: 101}
		q, args := countQuery(ws, f)
		queries[q] = query{args: args, uses: "INDEX " + index + " "}
		q, args = listQuery(ws, f, nil)
		queries[q] = query{args: args, uses: "INDEX " + index + " "}
		for _, search := range []string{"damaged", "damaged parcel"} {
			f.Search = search
			q, args = listQuery(ws, f, nil) // every word common: the view in order
			queries[q] = query{args: args, uses: "INDEX " + index + " "}
			q, args = listQuery(ws, f, &lead{word: "damaged", messages: "[8, 9]"}) // a rare word: its messages' conversations
			queries[q] = query{args: args, uses: "SEARCH c USING INTEGER PRIMARY KEY", sorts: true}
		}
	}
	q, args := listQuery(ws, Filter{View: ViewAll, ChannelID: 11, AgentID: 7, Limit: 101}, nil)
	queries[q] = query{args: args, uses: "INDEX conversations_inbox "}

	// The Contacts section: a page of the list, searched in order or led by the index, and
	// a contact's conversations.
	for _, f := range []ContactFilter{{Limit: 51}, {Before: 12, Limit: 51}, {Search: "ka", Before: 12, Limit: 51}} {
		q, args := contactsQuery(ws, f, "")
		queries[q] = query{args: args, uses: "INDEX contacts_workspace "}
		q, args = contactsQuery(ws, f, "[8, 9]")
		queries[q] = query{args: args, uses: "INDEX contacts_workspace (workspace_id=? AND id=?"}
	}
	queries[sqlContactsFound] = query{args: []any{`"kar" AND "ari"`, 1000}}
	queries[sqlContactCount] = query{}
	queries[sqlContactTrigramsFrom] = query{args: []any{"ka"}}
	queries[sqlContactConversations] = query{args: []any{12, ws, 1 << 62, 51}, uses: "INDEX conversations_contact "}

	for q, want := range queries {
		plan, err := db.QueryPlan(ctx, q, want.args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		for _, step := range plan {
			if fullScan(step) || !want.sorts && strings.Contains(step, "TEMP B-TREE FOR ORDER BY") {
				t.Errorf("%s in the plan of\n%s\nplan:\n  %s", step, q, strings.Join(plan, "\n  "))
			}
		}
		if all := strings.Join(plan, "\n"); !strings.Contains(all, want.uses) {
			t.Errorf("no %s in the plan of\n%s\nplan:\n  %s", want.uses, q, strings.Join(plan, "\n  "))
		}
	}
}

// fullScan reports whether a step of a plan reads all of conversations or messages, under
// their names or the aliases the queries give them.
func fullScan(step string) bool {
	table, ok := strings.CutPrefix(step, "SCAN ")
	if !ok {
		return false
	}
	table, _, _ = strings.Cut(table, " ")
	switch table {
	case "conversations", "c", "messages", "m", "lm", "contacts", "k":
		return true
	}
	return false
}
