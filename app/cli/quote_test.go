package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"agent/app/quote"
)

const quotesJSON = `[
 {"number": "Q-100", "title": "Shelving", "buyer": {"company": "Acme AS", "contacts": [{"name": "Kari", "email": "kari@acme.example"}]},
  "owner": "olga@example.com", "currency": "EUR", "payment_terms": "30 days net", "expires_on": "2099-12-31",
  "lines": [{"name": "Shelf", "quantity": 3, "unit_price": "19.99", "discount_percent": 15, "tax_rate": 20},
            {"name": "Assembly", "quantity": "2.5", "unit_price": 0.1, "tax_rate": "20"}]}
]
{"number": "Q-101", "title": "Yen quote", "currency": "JPY", "expires_on": "2099-12-31",
 "lines": [{"name": "Item", "quantity": 3, "unit_price": "333.5", "tax_rate": 10}]}
`

// agent quote import creates, then changes nothing on the same input, updates what
// changed, refuses a bad quote without stopping the others, and prints exact totals.
func TestQuoteImportIsIdempotent(t *testing.T) {
	data := t.TempDir()
	if r := run(t, "", "user", "add", "--data", data, "--email", "olga@example.com", "--name", "Olga", "--workspace", "Shop"); r.code != 0 {
		t.Fatalf("user add = %d %q", r.code, r.stderr)
	}
	r := run(t, quotesJSON, "quote", "import", "--data", data)
	// 3 × 19.99 = 59.97 - 9.00 = 50.97; 2.5 × 0.1 = 0.25; 20 % of 51.22 = 10.244 -> 10.24; 61.46.
	if r.code != 0 || !strings.Contains(r.stdout, "Q-100: created (draft, total 61.46 EUR)") ||
		!strings.Contains(r.stdout, "Q-101: created (draft, total 1,101 JPY)") || !strings.Contains(r.stdout, "2 created, 0 updated, 0 unchanged, 0 failed") {
		t.Fatalf("import = %d %q %q", r.code, r.stdout, r.stderr)
	}
	file := filepath.Join(t.TempDir(), "quotes.json")
	os.WriteFile(file, []byte(quotesJSON), 0o600)
	if r := run(t, "", "quote", "import", "--data", data, file); r.code != 0 || !strings.Contains(r.stdout, "0 created, 0 updated, 2 unchanged") {
		t.Fatalf("import again = %d %q %q", r.code, r.stdout, r.stderr)
	}
	changed := strings.Replace(quotesJSON, `"unit_price": "19.99"`, `"unit_price": "29.99"`, 1) +
		`{"number": "Q-102", "title": "Bad", "currency": "EUR", "expires_on": "2099-12-31", "lines": [{"name": "X", "quantity": 1, "unitprice": 5}]}` + "\n" +
		`{"number": "Q-103", "title": "Bad owner", "owner": "nobody@example.com", "currency": "EUR", "expires_on": "2099-12-31", "lines": []}` + "\n" +
		`{"number": "Q-104", "title": "Bad price", "currency": "EUR", "expires_on": "2099-12-31", "lines": [{"name": "X", "quantity": 1, "unit_price": "1e3"}]}`
	r = run(t, changed, "quote", "import", "--data", data, "-")
	if r.code != 1 || !strings.Contains(r.stdout, "Q-100: updated") || !strings.Contains(r.stdout, "1 updated, 1 unchanged, 3 failed") ||
		!strings.Contains(r.stderr, `unknown field "unitprice"`) || !strings.Contains(r.stderr, "no user with the email nobody@example.com") ||
		!strings.Contains(r.stderr, "lines[0].unit_price") {
		t.Fatalf("changed import = %d %q %q", r.code, r.stdout, r.stderr)
	}

	r = run(t, "", "quote", "publish", "--data", data, "Q-100")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "/q/"+quote.TokenPrefix) {
		t.Fatalf("publish = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if l := run(t, "", "quote", "link", "--data", data, "Q-100"); l.stdout != r.stdout {
		t.Errorf("link = %q, publish printed %q", l.stdout, r.stdout)
	}
	r = run(t, "", "quote", "show", "--data", data, "q-100")
	var shown struct {
		quote.Record
		Status, Total string
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.Status != "published" || shown.Total != "92.06" ||
		shown.Owner != "olga@example.com" || shown.Lines[0].UnitPrice != "29.99" {
		t.Fatalf("show = %d %q (%v)", r.code, r.stdout, err)
	}
	// 3 × 29.99 = 89.97 - 13.50 = 76.47 + 0.25 = 76.72; tax 15.344 -> 15.34. What show
	// prints imports back unchanged (its extra fields are refused, so drop them).
	back, _ := json.Marshal(shown.Record)
	if r := run(t, string(back), "quote", "import", "--data", data); r.code != 0 || !strings.Contains(r.stdout, "1 unchanged") {
		t.Errorf("show's output imported again = %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", "quote", "list", "--data", data)
	if r.code != 0 || !strings.Contains(r.stdout, "Q-100   published  92.06 EUR") || !strings.Contains(r.stdout, "Q-101   draft      1101 JPY") {
		t.Fatalf("list = %d %q", r.code, r.stdout)
	}
	// A page at a time: the rest is named on stderr, and the next page starts after it.
	r = run(t, "", "quote", "list", "--data", data, "--limit", "1")
	more := regexp.MustCompile(`add --after (\S+)`).FindStringSubmatch(r.stderr)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || more == nil {
		t.Fatalf("list --limit 1 = %d %q %q", r.code, r.stdout, r.stderr)
	}
	next := run(t, "", "quote", "list", "--data", data, "--limit", "1", "--after", more[1])
	if next.code != 0 || strings.Count(next.stdout, "\n") != 2 || next.stderr != "" || next.stdout == r.stdout {
		t.Errorf("the next page = %d %q %q", next.code, next.stdout, next.stderr)
	}
	if r := run(t, "", "quote", "list", "--data", data, "--status", "draft", "--search", "q-1"); r.code != 0 || !strings.Contains(r.stdout, "Q-101") || strings.Contains(r.stdout, "Q-100") {
		t.Errorf("list --status draft = %d %q", r.code, r.stdout)
	}
	for _, bad := range [][]string{{"--status", "lost"}, {"--limit", "0"}, {"--after", "yesterday"}} {
		if r := run(t, "", append([]string{"quote", "list", "--data", data}, bad...)...); r.code != 1 {
			t.Errorf("list %v = %d %q", bad, r.code, r.stderr)
		}
	}
	// Importing with --publish prints the link to send, as publish and link do.
	r = run(t, `{"number": "Q-102", "title": "Cups", "currency": "EUR", "expires_on": "2099-01-31", "lines": [{"name": "Cup", "quantity": 1, "unit_price": 2}]}`,
		"quote", "import", "--data", data, "--publish")
	if link := run(t, "", "quote", "link", "--data", data, "Q-102"); r.code != 0 || link.stdout == "" ||
		!strings.HasPrefix(r.stdout, "Q-102: created (published, total 2.00 EUR) "+strings.TrimSpace(link.stdout)+"\n") {
		t.Errorf("import --publish = %d %q, link %q", r.code, r.stdout, link.stdout)
	}
	if r := run(t, "", "quote", "withdraw", "--data", data, "Q-100"); r.code != 0 || !strings.Contains(r.stdout, "withdrawn") {
		t.Fatalf("withdraw = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "", "quote", "publish", "--data", data, "Q-999"); r.code != 1 || !strings.Contains(r.stderr, `no quote numbered "Q-999"`) {
		t.Errorf("publish unknown = %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "quote", "frobnicate"); r.code != 2 {
		t.Errorf("quote frobnicate = %d", r.code)
	}
}

// The input is bounded: its size, the quotes in it, and (through the quote's own checks)
// the lines of each.
func TestQuoteImportBounds(t *testing.T) {
	data := t.TempDir()
	if r := run(t, "", "user", "add", "--data", data, "--email", "olga@example.com", "--name", "Olga", "--workspace", "Shop"); r.code != 0 {
		t.Fatalf("user add = %d %q", r.code, r.stderr)
	}
	big := `{"number": "Q-1", "title": "` + strings.Repeat("x", quote.MaxImportBytes) + `"}`
	if r := run(t, big, "quote", "import", "--data", data); r.code != 1 || !strings.Contains(r.stderr, "larger than 16 MiB") {
		t.Errorf("too large = %d %q", r.code, r.stderr)
	}
	lines := strings.Repeat(`{"name": "x", "quantity": 1, "unit_price": 1},`, quote.MaxLines)
	many := `{"number": "Q-2", "title": "Many", "currency": "EUR", "expires_on": "2099-12-31", "lines": [` + lines + `{"name": "x", "quantity": 1, "unit_price": 1}]}`
	if r := run(t, many, "quote", "import", "--data", data); r.code != 1 || !strings.Contains(r.stderr, "at most 200 line items") {
		t.Errorf("too many lines = %d %q", r.code, r.stderr)
	}
	long := `{"number": "Q-3", "title": "` + strings.Repeat("é", 201) + `", "currency": "EUR", "expires_on": "2099-12-31", "lines": []}`
	if r := run(t, long, "quote", "import", "--data", data); r.code != 1 || !strings.Contains(r.stderr, "title: at most 200 characters") {
		t.Errorf("long title = %d %q", r.code, r.stderr)
	}
	if r := run(t, `{"number": "Q-4"`, "quote", "import", "--data", data); r.code != 1 || !strings.Contains(r.stderr, "after 0 quotes") {
		t.Errorf("malformed = %d %q", r.code, r.stderr)
	}
}
