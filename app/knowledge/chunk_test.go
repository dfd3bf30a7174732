package knowledge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"agent/app/fetch"
	"agent/app/knowledge/extract"
)

// repeatedPagePDF is a PDF of n pages that all show one content stream, as a
// generated file repeating a page is.
func repeatedPagePDF(n int) []byte {
	content := "BT /F1 12 Tf 72 720 Td (Returns are free within 30 days.) Tj ET"
	objs := []string{"",
		"<< /Type /Catalog /Pages 2 0 R >>",
		"", // the page tree, below
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	var kids []string
	for range n {
		kids = append(kids, fmt.Sprintf("%d 0 R", len(objs)))
		objs = append(objs, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
	}
	objs[2] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i := 1; i < len(objs); i++ {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i, objs[i])
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs))
	for _, off := range offsets[1:] {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs), xref)
	return b.Bytes()
}

// A chunk with the heading and text of one before it in the same source is left out,
// wherever it comes from: repeated pages, sections, paragraphs.
func TestChunkDocumentSkipsRepeats(t *testing.T) {
	doc := extract.Document{Sections: []extract.Section{
		{Anchor: "page=1", Text: "Returns are free."},
		{Anchor: "page=2", Text: "Returns are free."},
		{Headings: []string{"Shipping"}, Anchor: "shipping", Text: "Returns are free."}, // another heading: kept
		{Headings: []string{"Shipping"}, Anchor: "shipping-1", Text: "Returns are free."},
		{Anchor: "page=3", Text: "  Returns are free.\n"},
	}}
	want := []draft{
		{anchor: "page=1", text: "Returns are free."},
		{heading: "Shipping", anchor: "shipping", text: "Returns are free."},
	}
	if got := chunkDocument(doc, ""); !reflect.DeepEqual(got, want) {
		t.Errorf("chunks = %+v, want %+v", got, want)
	}
}

// A PDF repeating one page thousands of times (the one reported repeated it 150,000
// times, and made 60 MB of chunks) is indexed as the one page it is.
func TestRepeatedPagesMakeOneChunk(t *testing.T) {
	ctx := context.Background()
	m, ws := newWithOptions(t, Options{MaxChunksPerSource: 100})
	res, err := m.AddFile(ctx, ws, "returns.pdf", "application/pdf", repeatedPagePDF(3000))
	if err != nil {
		t.Fatal(err)
	}
	if res.Source.ChunkCount != 1 {
		t.Errorf("%d chunks, want 1", res.Source.ChunkCount)
	}
	if rs, _ := m.Search(ctx, ws, "free returns", SearchOptions{}); len(rs) != 1 || rs[0].Anchor != "page=1" {
		t.Errorf("search = %+v", rs)
	}
}

// sections is a Markdown document of n sections of different text: n chunks.
func sections(n int, topic string) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "## %s %d\n\nWhat to know about %s number %d.\n\n", topic, i, topic, i)
	}
	return []byte(b.String())
}

// A source that makes more chunks than a source may have is refused with its count and
// the limit; an older version of it, and everything else, stays as it was.
func TestChunkLimitPerSource(t *testing.T) {
	ctx := context.Background()
	var body, contentType atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType.Load().(string))
		w.Write(body.Load().([]byte))
	}))
	t.Cleanup(srv.Close)
	allow := func(ap netip.AddrPort) bool { return ap.String() == strings.TrimPrefix(srv.URL, "http://") }
	m, ws := newWithOptions(t, Options{MaxChunksPerSource: 3, Fetch: fetch.New(fetch.Options{Allow: allow})})
	const want = "makes 5 chunks of text, more than the 3 a source may have (knowledge.max_chunks_per_source)"

	// a new file: refused, nothing stored
	_, err := m.AddFile(ctx, ws, "guide.md", "", sections(5, "bikes"))
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "file" || !strings.Contains(ie.Message, "this file "+want) {
		t.Fatalf("too many chunks: %v", err)
	}
	if _, total, _ := m.List(ctx, ws, ListFilter{}); total != 0 {
		t.Errorf("%d sources after a refused file", total)
	}

	// a new version of a file: refused, the old one kept
	v1, err := m.AddFile(ctx, ws, "guide.md", "", sections(2, "bikes"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.AddFile(ctx, ws, "guide.md", "", sections(5, "cargo")); !errors.As(err, &ie) {
		t.Fatalf("too many chunks in a new version: %v", err)
	}
	if src, _ := m.Source(ctx, ws, v1.Source.ID); src.ChunkCount != 2 || src.ContentHash != v1.Source.ContentHash {
		t.Errorf("the old version after a refused one: %+v", src)
	}

	// an article
	if _, err := m.CreateArticle(ctx, ws, ArticleInput{Title: "Guide", Body: string(sections(5, "locks"))}); !errors.As(err, &ie) || ie.Field != "body" || !strings.Contains(ie.Message, "this article "+want) {
		t.Errorf("too many chunks in an article: %v", err)
	}

	// a web page: the error on the source, failed; later the last good version stays
	contentType.Store("text/markdown")
	body.Store(sections(5, "helmets"))
	page, err := m.AddURL(ctx, ws, srv.URL+"/guide")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := m.Sync(ctx, ws, page.ID); r != SyncFailed || err != nil {
		t.Fatalf("sync = %s, %v", r, err)
	}
	page, _ = m.Source(ctx, ws, page.ID)
	if page.Status != StatusError || !strings.Contains(page.Error, "This page "+want) {
		t.Errorf("page after a refused sync: %s %q", page.Status, page.Error)
	}
	body.Store(sections(2, "helmets"))
	if r, err := m.Sync(ctx, ws, page.ID); r != SyncUpdated || err != nil {
		t.Fatalf("sync = %s, %v", r, err)
	}
	body.Store(sections(4, "gloves"))
	if r, _ := m.Sync(ctx, ws, page.ID); r != SyncFailed {
		t.Fatalf("sync = %s", r)
	}
	page, _ = m.Source(ctx, ws, page.ID)
	if page.Status != StatusReady || page.ChunkCount != 2 || !strings.Contains(page.Error, "makes 4 chunks") {
		t.Errorf("page after a refused re-sync: %s %d %q", page.Status, page.ChunkCount, page.Error)
	}
	if rs, _ := m.Search(ctx, ws, "helmets", SearchOptions{}); len(rs) == 0 {
		t.Error("the last good version of the page is gone")
	}
}

// A web page is checked like an upload: binary data the server calls text is refused
// with the reason on the source, not indexed as text.
func TestURLSourceContentMustMatchType(t *testing.T) {
	ctx := context.Background()
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0, 1, 2, 0x48, 0x89}, 400)...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(elf)
	}))
	t.Cleanup(srv.Close)
	allow := func(ap netip.AddrPort) bool { return ap.String() == strings.TrimPrefix(srv.URL, "http://") }
	m, ws := newWithOptions(t, Options{Fetch: fetch.New(fetch.Options{Allow: allow})})
	page, err := m.AddURL(ctx, ws, srv.URL+"/notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := m.Sync(ctx, ws, page.ID); r != SyncFailed || err != nil {
		t.Fatalf("sync = %s, %v", r, err)
	}
	page, _ = m.Source(ctx, ws, page.ID)
	if page.Status != StatusError || page.ChunkCount != 0 || !strings.Contains(page.Error, "a program (an ELF executable), not text") {
		t.Errorf("after the sync: %s %d %q", page.Status, page.ChunkCount, page.Error)
	}
}
