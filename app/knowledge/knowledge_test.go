package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/store"
)

// newTest returns a Manager on a fresh database with two workspaces.
func newTest(t testing.TB) (*Manager, int64, int64) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	accounts := account.New(db)
	u, ws, _, err := accounts.Setup(ctx, account.NewUser{Email: "o@example.com", Name: "O", Password: "owner password"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	other, err := accounts.CreateWorkspace(ctx, "Other", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return New(Options{DB: db}), ws.ID, other.ID
}

func mustArticle(t testing.TB, m *Manager, ws int64, title, body, lang string) Source {
	t.Helper()
	s, err := m.CreateArticle(context.Background(), ws, ArticleInput{Title: title, Body: body, Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func titles(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Source.Title)
	}
	return out
}

func TestArticleChunksAlongHeadings(t *testing.T) {
	m, ws, _ := newTest(t)
	src := mustArticle(t, m, ws, "Shipping and returns", "# Shipping\n\nWe ship worldwide.\n\n## Returns\n\nReturn within 30 days.\n\n- keep the receipt\n- use the label", "")
	chunks, err := m.Chunks(context.Background(), ws, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 2 || src.ChunkCount != 2 {
		t.Fatalf("chunks = %+v (count %d), want 2", chunks, src.ChunkCount)
	}
	if chunks[1].Heading != "Shipping › Returns" || chunks[1].Anchor != "returns" || !strings.Contains(chunks[1].Text, "- keep the receipt") {
		t.Errorf("second chunk = %+v", chunks[1])
	}
	if chunks[0].Lang != "en" {
		t.Errorf("detected language = %q", chunks[0].Lang)
	}
	// A top heading that repeats the title is not repeated in the path.
	src = mustArticle(t, m, ws, "Our bikes", "# Our bikes\n\nAll built in Bergen.\n\n## E-City\n\nThe E-City costs 24 990 NOK.", "en")
	chunks, err = m.Chunks(context.Background(), ws, src.ID)
	if err != nil || len(chunks) != 2 || chunks[0].Heading != "" || chunks[1].Heading != "E-City" {
		t.Errorf("chunks under a heading equal to the title = %+v, %v", chunks, err)
	}
}

func TestSearchRanksAndIsolatesWorkspaces(t *testing.T) {
	ctx := context.Background()
	m, ws, other := newTest(t)
	mustArticle(t, m, ws, "Shipping", "Parcels are shipped within two days by courier.", "en")
	mustArticle(t, m, ws, "Payment", "We accept cards and bank transfers.", "en")
	mustArticle(t, m, other, "Secret shipping", "Our shipping partner is a secret.", "en")

	rs, err := m.Search(ctx, ws, "how fast do you ship parcels?", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(rs); len(got) != 1 || got[0] != "Shipping" {
		t.Fatalf("results = %q, want only Shipping (no other workspace)", got)
	}
	if rs[0].Score <= 0 {
		t.Errorf("score = %v", rs[0].Score)
	}
	// Stems: "shipping" finds "shipped".
	if rs, _ := m.Search(ctx, ws, "shipping", SearchOptions{}); len(rs) != 1 {
		t.Errorf("stem search = %q", titles(rs))
	}
	if rs, _ := m.Search(ctx, ws, "?!", SearchOptions{}); rs != nil {
		t.Errorf("empty query = %q", titles(rs))
	}
}

// TestSearchSmallKnowledge: in a shop with three chunks, a word in the title of a
// two-chunk article must still count (see the filler rows in 0002_knowledge.sql).
func TestSearchSmallKnowledge(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	mustArticle(t, m, ws, "Shipping and delivery", "# Shipping\n\nWe ship within two days.\n\n## Returns\n\nReturn within 30 days.", "en")
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Do you take reservations?", Variants: []string{"can I book a table"}, Answer: "Yes, online."}); err != nil {
		t.Fatal(err)
	}
	rs, err := m.Search(ctx, ws, "how long does shipping take", SearchOptions{})
	if err != nil || len(rs) == 0 || rs[0].Source.Title != "Shipping and delivery" {
		t.Fatalf("results = %q, %v; want the shipping article first", titles(rs), err)
	}
}

// In a small shop, the section that holds the question's telling word comes first, not
// a short answer sharing its little words ("how", "is", "the"): the prior (prior.go)
// makes common words count for little, and their stems are not searched.
func TestSearchCommonWordsCountLittle(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	mustArticle(t, m, ws, "Shipping, returns and warranty", `# Shipping and delivery

We ship all bikes from our workshop in Bergen.

## Shipping costs

Shipping is free for orders over 5000 NOK. Below that, shipping costs 299 NOK.

# Returns

You can return an unused bike within 30 days for a full refund.

# Warranty

All frames have a 5-year warranty. Components have a 2-year warranty.`, "en")
	for _, in := range []ShortAnswerInput{
		{Question: "How do I track my order?", Answer: "You get a tracking link by email as soon as your bike leaves the workshop."},
		{Question: "Do you repair bikes?", Answer: "Yes, our workshop repairs all brands."},
	} {
		if _, err := m.CreateShortAnswer(ctx, ws, in); err != nil {
			t.Fatal(err)
		}
	}
	for q, want := range map[string]string{
		"How long is the warranty?":   "Warranty",
		"what does shipping cost":     "Shipping and delivery › Shipping costs",
		"how can i get my money back": "", // nothing telling matches: whatever comes, no test
		"how long are frames covered": "Warranty",
	} {
		rs, err := m.Search(ctx, ws, q, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if want != "" && (len(rs) == 0 || rs[0].Heading != want) {
			var got []string
			for _, r := range rs {
				got = append(got, r.Source.Title+" / "+r.Heading)
			}
			t.Errorf("%q: %q, want %q first", q, got, want)
		}
	}
	// The prior is written once, with this version's marker.
	var n int
	if err := m.db.Read.QueryRow("SELECT doc FROM chunks_fts_vocab WHERE term = ?", priorMarker).Scan(&n); err != nil || n != idfPrior {
		t.Errorf("prior rows: %d, %v", n, err)
	}
	if err := m.db.Read.QueryRow("SELECT count(*) FROM chunks_fts WHERE rowid < 0").Scan(&n); err != nil || n != idfPrior {
		t.Errorf("rows below 0: %d, %v", n, err)
	}
}

func TestSearchWithoutSpaces(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	mustArticle(t, m, ws, "配送", "我们的配送时间是三到五个工作日。", "")
	mustArticle(t, m, ws, "付款", "我们接受信用卡和银行转账。", "")
	mustArticle(t, m, ws, "การจัดส่ง", "เราจัดส่งสินค้าภายในสามวันทำการ", "")
	for q, want := range map[string]string{
		"配送需要多长时间？":    "配送",
		"可以用信用卡吗":      "付款",
		"จัดส่งกี่วัน": "การจัดส่ง",
	} {
		rs, err := m.Search(ctx, ws, q, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 || rs[0].Source.Title != want {
			t.Errorf("Search(%q) = %q, want %s first", q, titles(rs), want)
		}
	}
}

func TestSearchPrefersCustomerLanguage(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	mustArticle(t, m, ws, "Returns", "You can return the Model X 2000 within 30 days.", "en")
	mustArticle(t, m, ws, "Devoluciones", "Puede devolver el Model X 2000 en 30 días.", "es")
	rs, err := m.Search(ctx, ws, "Model X 2000", SearchOptions{Lang: "es-MX"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Source.Title != "Devoluciones" {
		t.Fatalf("Spanish customer got %q, want Devoluciones first", titles(rs))
	}
	rs, _ = m.Search(ctx, ws, "Model X 2000", SearchOptions{Lang: "en"})
	if len(rs) == 0 || rs[0].Source.Title != "Returns" {
		t.Fatalf("English customer got %q", titles(rs))
	}
	// A language the knowledge lacks still gets answers.
	rs, _ = m.Search(ctx, ws, "Model X 2000", SearchOptions{Lang: "de"})
	if len(rs) != 2 {
		t.Fatalf("German customer got %q, want both", titles(rs))
	}
}

func TestRemoveTakesChunksOut(t *testing.T) {
	ctx := context.Background()
	m, ws, other := newTest(t)
	keep := mustArticle(t, m, ws, "Opening hours", "The shop opens at nine.", "en")
	gone := mustArticle(t, m, ws, "Holiday hours", "The shop opens at ten on holidays.", "en")
	if n, err := m.Remove(ctx, other, []int64{gone.ID}); err != nil || n != 0 {
		t.Fatalf("remove from another workspace = %d, %v", n, err)
	}
	if n, err := m.Remove(ctx, ws, []int64{gone.ID}); err != nil || n != 1 {
		t.Fatalf("remove = %d, %v", n, err)
	}
	rs, err := m.Search(ctx, ws, "shop opens", SearchOptions{})
	if err != nil || len(rs) != 1 || rs[0].SourceID != keep.ID {
		t.Fatalf("after remove: %q, %v", titles(rs), err)
	}
	if _, err := m.Source(ctx, ws, gone.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("removed source still there: %v", err)
	}
	var left int
	m.db.Read.QueryRow("SELECT count(*) FROM chunks WHERE source_id = ?", gone.ID).Scan(&left)
	if left != 0 {
		t.Errorf("%d chunks left of a removed source", left)
	}
}

// A database whose index is empty or of an older version, as migration 0006 leaves it,
// gets it built again from the chunks: the knowledge is searchable after the upgrade.
func TestIndexRebuiltFromChunks(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	mustArticle(t, m, ws, "Opening hours", "The shop opens at nine and closes at six.", "en")
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Do you repair bikes?", Variants: []string{"can you fix my bicycle"}, Answer: "Yes, all brands."}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.db.Write.Exec("DELETE FROM chunks_fts"); err != nil {
		t.Fatal(err)
	}
	upgraded := New(Options{DB: m.db}) // the next start
	for q, want := range map[string]string{"when does the shop open": "Opening hours", "fix my bicycle": "Do you repair bikes?"} {
		rs, err := upgraded.Search(ctx, ws, q, SearchOptions{})
		if err != nil || len(rs) == 0 || rs[0].Source.Title != want {
			t.Errorf("%q after the rebuild: %q, %v", q, titles(rs), err)
		}
	}
	var n int
	if err := m.db.Read.QueryRow("SELECT count(*) FROM chunks_fts WHERE rowid > 0").Scan(&n); err != nil || n != 2 {
		t.Errorf("indexed chunks: %d, %v", n, err)
	}
}

// Removing and editing sources leaves nothing behind in the figures BM25 ranks by: the
// scores are those of a knowledge base that never held what was removed.
func TestRemoveLeavesNoGhosts(t *testing.T) {
	ctx := context.Background()
	keep := func(m *Manager, ws int64) {
		mustArticle(t, m, ws, "Opening hours", "The shop opens at nine and closes at six.", "en")
		mustArticle(t, m, ws, "Delivery", "We deliver within two days in Oslo.", "en")
	}
	churned, ws, _ := newTest(t)
	keep(churned, ws)
	long := strings.Repeat("A very long page about the shop, its history and its opening. ", 40)
	var gone []int64
	for range 5 {
		gone = append(gone, mustArticle(t, churned, ws, "Old page", long, "en").ID)
		edited := mustArticle(t, churned, ws, "Draft", long, "en")
		if _, err := churned.UpdateArticle(ctx, ws, edited.ID, ArticleInput{Title: "Draft", Body: "short", Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		gone = append(gone, edited.ID)
	}
	if _, err := churned.Remove(ctx, ws, gone); err != nil {
		t.Fatal(err)
	}
	fresh, ws2, _ := newTest(t)
	keep(fresh, ws2)
	for _, q := range []string{"when does the shop open", "delivery Oslo"} {
		a, err := churned.Search(ctx, ws, q, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := fresh.Search(ctx, ws2, q, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) {
			t.Fatalf("%q: %q after removals, %q fresh", q, titles(a), titles(b))
		}
		for i := range a {
			if math.Abs(a[i].Score-b[i].Score) > 1e-9 {
				t.Errorf("%q #%d: score %v after removals, %v fresh", q, i, a[i].Score, b[i].Score)
			}
		}
	}
}

func TestShortAnswers(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	sa, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{
		Question: "Do you take reservations?",
		Variants: []string{"can I book a table", " ", "Do you take reservations?"},
		Answer:   "Yes, book on our website.",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sa.Variants) != 1 || sa.Lang != "en" {
		t.Errorf("short answer = %+v", sa)
	}
	rs, _ := m.Search(ctx, ws, "book a table for two", SearchOptions{})
	if len(rs) != 1 || rs[0].Text != "Yes, book on our website." {
		t.Fatalf("search by a variant = %+v", rs)
	}
	var ie *InputError
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "x"}); !errors.As(err, &ie) || ie.Field != "answer" {
		t.Errorf("missing answer err = %v", err)
	}
	sa, err = m.UpdateShortAnswer(ctx, ws, sa.ID, ShortAnswerInput{Question: "Do you take walk-ins?", Answer: "Always."})
	if err != nil {
		t.Fatal(err)
	}
	if rs, _ := m.Search(ctx, ws, "book a table", SearchOptions{}); len(rs) != 0 {
		t.Errorf("old variant still found after update: %+v", rs)
	}
}

func TestImportJSONL(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	in := `{"kind":"article","id":"a1","title":"Hours","body":"Open nine to five.","lang":"en"}
{"kind":"short_answer","id":"s1","question":"Is there parking?","variants":["where do I park"],"answer":"Yes, behind the shop.","lang":"en"}
`
	res, err := m.ImportJSONL(ctx, ws, strings.NewReader(in), nil)
	if err != nil || res != (ImportResult{Imported: 2}) {
		t.Fatalf("import = %+v, %v", res, err)
	}
	rs, _ := m.Search(ctx, ws, "where can I park", SearchOptions{})
	if len(rs) == 0 || rs[0].Source.ExternalID != "s1" {
		t.Fatalf("results = %+v", rs)
	}

	// Importing the export again, changed, replaces each item by its id; a new id adds one.
	again := `{"kind":"article","id":"a1","title":"Hours","body":"Open eight to six.","lang":"en"}
{"kind":"short_answer","id":"s1","question":"Is there parking?","variants":["where do I park"],"answer":"Yes, on the square.","lang":"en"}
{"kind":"short_answer","id":"s2","question":"Do you deliver?","answer":"Within the city.","lang":"en"}
`
	if res, err = m.ImportJSONL(ctx, ws, strings.NewReader(again), nil); err != nil || res != (ImportResult{Imported: 3, Updated: 2}) {
		t.Fatalf("import again = %+v, %v", res, err)
	}
	list, _, err := m.List(ctx, ws, ListFilter{})
	if err != nil || len(list) != 3 {
		t.Fatalf("after importing again: %d sources, %v; want 3", len(list), err)
	}
	if rs, _ := m.Search(ctx, ws, "open nine to five", SearchOptions{}); len(rs) != 0 && strings.Contains(rs[0].Text, "nine") {
		t.Errorf("the replaced article's old text is still found: %+v", rs[0])
	}
	rs, _ = m.Search(ctx, ws, "where can I park", SearchOptions{})
	if len(rs) == 0 || !strings.Contains(rs[0].Text, "square") {
		t.Errorf("the replaced short answer: %+v", rs)
	}
}

// A bad item is reported with its line and id, and the import goes on with the others.
func TestImportGoesOnPastBadItems(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	tooMany, _ := json.Marshal(phrasingsOf("how do I pay", 1001))
	lines := []string{
		`{"kind":"article","id":"ok1","title":"Payments","body":"We take cards and invoices."}`,
		`{"kind":"video","id":"v1"}`,
		`{"kind":"article","id":"broken",`,
		`{"kind":"short_answer","id":"noanswer","question":"Do you deliver?"}`,
		`{"kind":"short_answer","id":"many","question":"How do I pay?","answer":"By card.","variants":` + string(tooMany) + `}`,
		`{"kind":"article","id":"typed","title":["not","a","string"],"body":"x"}`,
		``,
		`{"kind":"short_answer","id":"ok2","question":"Do you take invoices?","answer":"Yes, for companies.","lang":"en"}`,
	}
	var skipped []string
	res, err := m.ImportJSONL(ctx, ws, strings.NewReader(strings.Join(lines, "\n")), func(e ItemError) {
		skipped = append(skipped, e.Error())
	})
	if err != nil || res != (ImportResult{Imported: 2, Failed: 5}) {
		t.Fatalf("import = %+v, %v", res, err)
	}
	want := []string{
		`line 2 (v1): kind: "video" is not article or short_answer`,
		`line 3: unexpected end of JSON input`,
		`line 4 (noanswer): answer: is required`,
		`line 5 (many): variants: must be at most 1000`,
		`line 6 (typed): json: cannot unmarshal array into Go struct field Item.title of type string`,
	}
	if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
	list, _, err := m.List(ctx, ws, ListFilter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("sources = %d, %v", len(list), err)
	}
	if rs, _ := m.Search(ctx, ws, "invoices for companies", SearchOptions{}); len(rs) == 0 {
		t.Error("the item after the bad ones is not searchable")
	}
}

func TestList(t *testing.T) {
	ctx := context.Background()
	m, ws, other := newTest(t)
	mustArticle(t, m, ws, "Shipping 100%", "Text one.", "en")
	mustArticle(t, m, ws, "Payments", "Text two.", "en")
	mustArticle(t, m, other, "Shipping elsewhere", "Text three.", "en")
	m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Shipping cost?", Answer: "Free."})
	for _, c := range []struct {
		f    ListFilter
		want int
	}{
		{ListFilter{}, 3},
		{ListFilter{Query: "shipping"}, 2},
		{ListFilter{Query: "100%"}, 1},
		{ListFilter{Query: "_"}, 0},
		{ListFilter{Kind: KindShortAnswer}, 1},
		{ListFilter{Status: StatusError}, 0},
		{ListFilter{Limit: 2}, 3},
	} {
		got, total, err := m.List(ctx, ws, c.f)
		if err != nil || total != c.want || len(got) != min(c.want, max(c.f.Limit, 50)) && c.f.Limit == 0 {
			t.Errorf("List(%+v) = %d items, total %d, %v; want total %d", c.f, len(got), total, err, c.want)
		}
	}
	counts, _ := m.Counts(ctx, ws, ListFilter{})
	if counts[KindArticle] != 2 || counts[KindShortAnswer] != 1 {
		t.Errorf("counts = %v", counts)
	}
}

func TestPlainMessages(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	var ie *InputError
	_, err := m.AddFile(ctx, ws, "logo.png", "image/png", []byte("\x89PNG\r\n\x1a\n"))
	if !errors.As(err, &ie) || strings.HasPrefix(ie.Message, "extract") {
		t.Errorf("png upload err = %v", err)
	}
	_, err = m.CreateArticle(ctx, ws, ArticleInput{Title: "T", Body: "B", URL: "javascript:alert(1)"})
	if !errors.As(err, &ie) || ie.Field != "url" || strings.HasPrefix(ie.Message, "fetch") || strings.HasSuffix(ie.Message, "invalid URL") {
		t.Errorf("javascript URL err = %v", err)
	}
}

func TestCoverage(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	mustArticle(t, m, ws, "Opening hours", "The shop opens at nine on weekdays.", "en")
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Is there parking?", Variants: []string{"where can I park my car"}, Answer: "Behind the shop."}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q        string
		min, max float64
	}{
		{"when does the shop open", 0.3, 0.9},     // "open" only by stem, "when"/"does" missing
		{"opening hours", 0.99, 1},                // every word in the title
		{"where can I park my car", 0.99, 1},      // a phrasing, word for word
		{"opening hours of the museum", 0.3, 0.8}, // the rare word "museum" is missing
	} {
		rs, err := m.Search(ctx, ws, c.q, SearchOptions{})
		if err != nil || len(rs) == 0 {
			t.Fatalf("Search(%q) = %v, %v", c.q, rs, err)
		}
		if got := rs[0].Coverage; got < c.min || got > c.max {
			t.Errorf("coverage of %q by %q = %.2f, want %.2f..%.2f", c.q, rs[0].Source.Title, got, c.min, c.max)
		}
	}
}
