package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

// allocated is how many bytes fn allocates. TotalAlloc counts every allocation exactly,
// so, unlike a sampled peak, it does not depend on when the collector runs; it bounds
// the peak from above.
func allocated(fn func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// docxWith builds a .docx whose word/document.xml is head, then repeat n times, then
// tail, written through the zip without holding it whole.
func docxWith(t testing.TB, part, head, repeat string, n int, tail string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   "",
		"word/styles.xml":     "",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if name != "word/"+part {
			if name == "word/document.xml" {
				content = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
					`<w:p><w:r><w:t>Text.</w:t></w:r></w:p></w:body></w:document>`
			}
			io.WriteString(w, content)
			continue
		}
		io.WriteString(w, head)
		chunk := strings.Repeat(repeat, 4096)
		for i := 0; i < n; i += 4096 {
			if n-i < 4096 {
				chunk = strings.Repeat(repeat, n-i)
			}
			io.WriteString(w, chunk)
		}
		io.WriteString(w, tail)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const wordOpen = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

// The bomb of the report: 49 MB of unclosed <w:p> zipped into some 75 KB. Read, it
// took the server from 213 MB to 2.5 GB; now it is refused after 512 of them.
func TestDOCXBomb(t *testing.T) {
	const maxAlloc = 16 << 20
	bomb := docxWith(t, "document.xml", wordOpen, "<w:p>", 49<<20/len("<w:p>"), "")
	t.Logf("bomb: %d bytes zipped", len(bomb))
	var err error
	n := allocated(func() { _, err = DOCX(t.Context(), bomb) })
	t.Logf("reading it allocated %d KB", n>>10)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "nests elements more than 512 levels deep") {
		t.Errorf("err = %v, want ErrTooLarge about nesting", err)
	}
	if n > maxAlloc {
		t.Errorf("reading the bomb allocated %d MB, want at most %d MB", n>>20, maxAlloc>>20)
	}
}

// Each bound of the XML refuses the file with its own message, in every part that is
// read, and within a few megabytes of memory where the refusal comes early.
func TestDOCXBounds(t *testing.T) {
	para := `<w:p><w:r><w:t>` + strings.Repeat("word ", 200) + `</w:t></w:r></w:p>`
	for _, tc := range []struct {
		name     string
		data     []byte
		want     string
		maxAlloc uint64 // 0: not measured (the refusal comes after reading most of the file)
	}{
		{"deep styles", docxWith(t, "styles.xml", `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`, "<w:style>", 10<<20/9, ""),
			"nests elements more than 512 levels deep", 16 << 20},
		{"deep in table cells", docxWith(t, "document.xml", wordOpen, "<w:tbl><w:tr><w:tc>", 1000, ""),
			"nests elements more than 512 levels deep", 16 << 20},
		{"millions of elements", docxWith(t, "document.xml", wordOpen, "<w:p/>", 2_000_001, "</w:body></w:document>"),
			"more than 2 million XML elements", 0},
		{"a huge text run", docxWith(t, "document.xml", wordOpen+"<w:p><w:r><w:t>", "text ", 4<<20/5, "</w:t></w:r></w:p></w:body></w:document>"),
			"tag or text run larger than 256 KiB", 16 << 20},
		{"a huge tag", docxWith(t, "document.xml", wordOpen+"<w:p ", `a="" `, 4<<20/6, "/></w:body></w:document>"),
			"tag or text run larger than 256 KiB", 16 << 20},
		{"too much text", docxWith(t, "document.xml", wordOpen, para, 17<<20/len(para), "</w:body></w:document>"),
			"more than 16 MB of text", 0},
		{"too much text in one cell", docxWith(t, "document.xml", wordOpen+"<w:tbl><w:tr><w:tc>", para, 17<<20/len(para), "</w:tc></w:tr></w:tbl></w:body></w:document>"),
			"more than 16 MB of text", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = DOCX(t.Context(), tc.data) })
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrTooLarge with %q", err, tc.want)
			}
			if tc.maxAlloc > 0 && n > tc.maxAlloc {
				t.Errorf("allocated %d MB, want at most %d MB", n>>20, tc.maxAlloc>>20)
			}
		})
	}
}

// A document that needs long to read stops when its request ends.
func TestExtractStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	para := "<p>Some text of a paragraph, long enough to be read.</p>\n"
	for name, read := range map[string]func() (Document, error){
		"docx": func() (Document, error) {
			return DOCX(ctx, docxWith(t, "document.xml", wordOpen, "<w:p><w:r><w:t>text</w:t></w:r></w:p>", 10_000, "</w:body></w:document>"))
		},
		"html": func() (Document, error) { return HTML(ctx, []byte(strings.Repeat(para, 10_000)), "text/html") },
		"markdown": func() (Document, error) {
			return Markdown(ctx, []byte(strings.Repeat("Some *text* and [a link](x).\n\n", 10_000)))
		},
		"file": func() (Document, error) { return File(ctx, "notes.md", "", []byte(strings.Repeat("- item\n", 10_000))) },
	} {
		_, err := read()
		if !errors.Is(err, ErrTooLarge) || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "took too long") {
			t.Errorf("%s: err = %v, want ErrTooLarge caused by context.Canceled", name, err)
		}
	}
}

// Nested Markdown took time quadratic in its depth: "- "*100k took 20 s, and the 1 MiB
// of a form allows 500k. Each shape the report names (and their kin) is read at the
// size of the form within a bounded allocation, and nesting past maxMarkdownNesting
// is read as text.
func TestMarkdownNesting(t *testing.T) {
	const maxAlloc = 64 << 20
	for _, shape := range []string{"- ", "> ", "[a](", "1. ", "* ", "- > ", "[a](<", "[", "*a", "[a][", "![a](", "_a", "`a"} {
		t.Run(shape, func(t *testing.T) {
			src := []byte(strings.Repeat(shape, (1<<20)/len(shape)) + "x")
			var doc Document
			var err error
			n := allocated(func() { doc, err = Markdown(t.Context(), src) })
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(doc.Sections[len(doc.Sections)-1].Text, "x") {
				t.Errorf("the text lost its end: …%q", tail(doc.Sections[len(doc.Sections)-1].Text))
			}
			if n > maxAlloc {
				t.Errorf("allocated %d MB, want at most %d MB", n>>20, maxAlloc>>20)
			}
			root, _, err := ParseMarkdown(t.Context(), extractMarkdown, src)
			if err != nil {
				t.Fatal(err)
			}
			if d := containerDepth(root); d > maxMarkdownNesting {
				t.Errorf("%d lists and quotes deep, want at most %d", d, maxMarkdownNesting)
			}
		})
	}
}

func tail(s string) string {
	if len(s) > 40 {
		return s[len(s)-40:]
	}
	return s
}

// containerDepth is the deepest nesting of lists and block quotes in a tree.
func containerDepth(n ast.Node) int {
	deepest := 0
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		deepest = max(deepest, containerDepth(c))
	}
	switch n.Kind() {
	case ast.KindList, ast.KindBlockquote:
		deepest++
	}
	return deepest
}

// Flattening leaves Markdown within the bounds as it is, fenced code too, and escapes
// only what is past them.
func TestFlattenMarkdown(t *testing.T) {
	deep := strings.Repeat("- ", maxMarkdownNesting)
	links := strings.Repeat("[a](", maxLinkAttempts)
	for _, tc := range []struct{ in, want string }{
		{markdownDoc, markdownDoc},
		{deep + "x", deep + "x"},
		{deep + "- x", deep + "\\- x"},
		{strings.Repeat("> ", maxMarkdownNesting) + "> x\n", strings.Repeat("> ", maxMarkdownNesting) + "\\> x\n"},
		{strings.Repeat("1. ", maxMarkdownNesting) + "2) x", strings.Repeat("1. ", maxMarkdownNesting) + "2\\) x"},
		{strings.Repeat("- ", 40) + "\n", strings.Repeat("- ", 40) + "\n"}, // a thematic break
		{"```\n" + deep + "- x\n```\n" + deep + "- y", "```\n" + deep + "- x\n```\n" + deep + "\\- y"},
		{links + "[a](x", links + "[a\\](x"},
		{links + " [a](x", links + " [a](x"}, // a space ends the run: the search for ")" stops there
		{strings.Repeat("[a](< ", maxLinkAttempts) + "[a](<", strings.Repeat("[a](< ", maxLinkAttempts) + "[a\\](<"},
		{strings.Repeat("[a](<x> ", 40), strings.Repeat("[a](<x> ", 40)},
		{strings.Repeat("[a](x) ", 100), strings.Repeat("[a](x) ", 100)},
	} {
		if got := string(flattenMarkdown([]byte(tc.in))); got != tc.want {
			t.Errorf("flattenMarkdown(%.60q…)\n got %q\nwant %q", tc.in, tail(got), tail(tc.want))
		}
	}
}

// Past maxInlineMarkers, the rest of a block's lines read as text: what it says is
// kept, its markup is not.
func TestMarkdownInlineMarkers(t *testing.T) {
	src := strings.Repeat("*a* ", maxInlineMarkers/2) + "*b* [c](d)\n*e*"
	doc, err := Markdown(t.Context(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Sections[0].Text; !strings.HasSuffix(got, "a *b* [c](d) *e*") {
		t.Errorf("text ends with %q", tail(got))
	}
}

// HTML is bounded by the parser's nesting limit, its element count and its text.
func TestHTMLBounds(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		kind       error
		want       string
	}{
		{"deep", strings.Repeat("<div>", 100_000) + "x", ErrCorrupt, "open stack of elements exceeds 512"},
		{"many elements", strings.Repeat("<p>x", maxHTMLElements+1), ErrTooLarge, "more than 100000 elements"},
		{"many elements in UTF-16", string(utf16LEWithBOM(strings.Repeat("<p>x", maxHTMLElements+1))), ErrTooLarge, "more than 100000 elements"},
		// each item is indented by its depth: a 200-deep list turns a few bytes into a kilobyte
		{"indented text", strings.Repeat("<ul><li>", 200) + strings.Repeat("<li>x", 50_000), ErrTooLarge, "more than 16 MB of text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := HTML(t.Context(), []byte(tc.page), "text/html")
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %v with %q", err, tc.kind, tc.want)
			}
		})
	}
}

// Text and CSV hold no value per line or cell beyond the bounds: a file of line breaks
// or delimiters costs a small multiple of its size, as any other file.
func TestTextAndCSVBounds(t *testing.T) {
	const maxAlloc = 64 << 20
	lines := []byte(strings.Repeat("\n", 10<<20) + "x" + strings.Repeat("\ny", 5<<20))
	var doc Document
	var err error
	if n := allocated(func() { doc, err = Text(lines) }); n > 5*uint64(len(lines)) {
		t.Errorf("text: allocated %d MB for %d MB, want at most 5 times that", n>>20, len(lines)>>20)
	}
	if err != nil || !strings.HasPrefix(doc.Sections[0].Text, "x\ny\ny") || doc.Title != "x" {
		t.Errorf("text: %v, %.20q", err, doc.Sections)
	}

	cells := []byte("question,answer\n" + strings.Repeat(",", 10<<20))
	if n := allocated(func() { _, err = CSV(cells) }); n > maxAlloc {
		t.Errorf("csv: allocated %d MB, want at most %d MB", n>>20, maxAlloc>>20)
	}
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 2000000 cells") {
		t.Errorf("csv: err = %v, want ErrTooLarge", err)
	}
}
