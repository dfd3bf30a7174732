package knowledge

import (
	"context"
	"testing"
)

// FuzzSearch sends any text as a customer's question: FTS5 query syntax, SQL, quotes and
// broken UTF-8 must neither fail the search nor reach another workspace's knowledge,
// because the match expression is built from analysed tokens, never from the text.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{
		`shipping`, `"shipping`, `ship*`, `NEAR(shipping secret)`, `shipping OR secret`, `-shipping`,
		`title:secret`, `{title body}: secret`, `^secret`, `secret AND NOT shipping`, `(((`, `"")`,
		`'; DROP TABLE chunks; --`, `workspace_id = 2`, "\x00secret", "\xff\xfe", `🚲 secret`, `秘密 配送`,
	} {
		f.Add(q)
	}
	m, ws, other := newTest(f)
	ctx := context.Background()
	mustArticle(f, m, ws, "Shipping", "Parcels are shipped within two days by courier.", "en")
	secret := mustArticle(f, m, other, "Secret shipping", "Our shipping partner is a secret.", "en")
	f.Fuzz(func(t *testing.T, q string) {
		rs, err := m.Search(ctx, ws, q, SearchOptions{})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		for _, r := range rs {
			if r.Source.ID == secret.ID {
				t.Fatalf("search %q reached another workspace", q)
			}
		}
	})
}
