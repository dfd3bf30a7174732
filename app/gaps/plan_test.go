package gaps

import (
	"context"
	"strings"
	"testing"

	"agent/app/store"
)

// TestQueriesUseIndexes has SQLite plan the queries that place each new question and
// those of the list and a topic's page, so that none reads a whole table or sorts the
// topics of a workspace of thousands (docs/BENCHMARKS.md, Knowledge gaps). SQLite plans
// without statistics here, so an empty database plans as a full one.
func TestQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		q    string
		args []any
		uses string
	}{
		{sqlTopicCount, []any{1, Open}, "gap_topics_list"},
		{sqlTopics, []any{1, Open, PageSize, 0}, "gap_topics_list"},
		{sqlQuestions, []any{1, Open, maxQuestions}, "gaps_topic"},
		{sqlMatchKey, []any{1, "do you ship to norway"}, "gaps_key"},
		{sqlMatchTerms(3), []any{1, "norwa", "ship", "order"}, "PRIMARY KEY"},
		{sqlMatchMeaning, []any{1, "bge-m3", meaningTopics}, "gap_topics_recent"},
		{sqlRefresh, []any{1}, "gaps_topic"},
		{"SELECT COUNT(*) FROM gaps WHERE message_id = ?", []any{1}, "sqlite_autoindex_gaps_1"},
	} {
		plan, err := db.QueryPlan(ctx, c.q, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(plan, "\n")
		if !strings.Contains(all, c.uses) {
			t.Errorf("%s\nplan does not use %s:\n%s", c.q, c.uses, all)
		}
		for _, line := range plan {
			if strings.Contains(line, "SCAN") || strings.Contains(line, "TEMP B-TREE FOR ORDER BY") {
				t.Errorf("%s\nplan: %s", c.q, all)
			}
		}
	}
}
