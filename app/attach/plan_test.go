package attach

import (
	"context"
	"strings"
	"testing"
)

// The statements that run per attachment use indexes: releasing a content looks up the
// attachments that still name it (deleting a workspace runs it once per file), and a
// conversation's files are read by message.
func TestQueryPlans(t *testing.T) {
	db := newDB(t)
	for q, index := range map[string]string{
		"SELECT 1 FROM attachments WHERE sha256 = x'00'":                                "attachments_sha256",
		selectFrom + "WHERE m.conversation_id = 1 AND a.workspace_id = 1 ORDER BY a.id": "attachments_message",
		selectFrom + "WHERE a.message_id = 1 AND a.workspace_id = 1 ORDER BY a.id":      "attachments_message",
	} {
		plan, err := db.QueryPlan(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if p := strings.Join(plan, "; "); !strings.Contains(p, "INDEX "+index) || strings.Contains(p, "SCAN a") || strings.Contains(p, "SCAN attachments") {
			t.Errorf("%s\nplan: %s", q, p)
		}
	}
}
