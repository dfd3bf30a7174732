package inbox

import (
	"context"
	"slices"
	"testing"

	"agent/app/store"
)

// Every column of contacts is either a channel identity, which a merge moves, or a detail
// whose fate in a merge is written down: a migration that adds a column (a WhatsApp or
// Messenger id) fails this until it says which.
func TestContactColumns(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Read.QueryContext(ctx, "SELECT name FROM pragma_table_info('contacts')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var col string
		if err := rows.Scan(&col); err != nil {
			t.Fatal(err)
		}
		n++
		_, detail := contactDetails[col]
		if identity := slices.Contains(contactIdentities, col); identity == detail {
			t.Errorf("column contacts.%s: identity %v, detail %v; it must be one of them (contactedit.go)", col, identity, detail)
		}
	}
	if n != len(contactIdentities)+len(contactDetails) {
		t.Errorf("contacts has %d columns; contactIdentities and contactDetails name %d", n, len(contactIdentities)+len(contactDetails))
	}
}
