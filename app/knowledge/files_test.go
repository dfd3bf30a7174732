package knowledge

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestUploadAgain: the same file uploaded twice is stored once; a new version under the
// same name replaces the content of the source it had, which keeps its id.
func TestUploadAgain(t *testing.T) {
	ctx := context.Background()
	m, ws, other := newTest(t)
	v1 := []byte("# Our bikes\n\nWe sell city bikes.\n")
	first, err := m.AddFile(ctx, ws, "bikes.md", "text/markdown", v1)
	if err != nil || first.Outcome != FileAdded || first.Source == nil {
		t.Fatalf("first upload = %+v, %v", first, err)
	}
	again, err := m.AddFile(ctx, ws, "bikes.md", "text/markdown", v1)
	if err != nil || again.Outcome != FileUnchanged || again.Source == nil || again.Source.ID != first.Source.ID {
		t.Fatalf("same upload = %+v, %v; want unchanged %d", again, err, first.Source.ID)
	}
	if _, total, _ := m.List(ctx, ws, ListFilter{}); total != 1 {
		t.Fatalf("%d sources after uploading the same file twice, want 1", total)
	}

	v2 := []byte("# Our bikes\n\nWe sell city bikes.\n\n## Cargo bikes\n\nAnd cargo bikes now.\n")
	updated, err := m.AddFile(ctx, ws, "bikes.md", "text/markdown", v2)
	if err != nil || updated.Outcome != FileUpdated || updated.Source.ID != first.Source.ID || updated.Source.ChunkCount != 2 {
		t.Fatalf("new version = %+v, %v", updated, err)
	}
	src, _ := m.Source(ctx, ws, first.Source.ID)
	if src.Size != int64(len(v2)) || src.ContentHash != contentHash(v2) || src.ChunkCount != 2 {
		t.Errorf("source after the new version: %+v", src)
	}
	var stored []byte
	if err := m.db.Read.QueryRow("SELECT data FROM source_files WHERE source_id = ?", src.ID).Scan(&stored); err != nil || string(stored) != string(v2) {
		t.Errorf("stored bytes = %q, %v", stored, err)
	}
	if rs, _ := m.Search(ctx, ws, "cargo bikes", SearchOptions{}); len(rs) == 0 || rs[0].Source.ID != src.ID {
		t.Errorf("the new content is not searchable: %v", titles(rs))
	}
	if _, total, _ := m.List(ctx, ws, ListFilter{}); total != 1 {
		t.Errorf("%d sources after a new version, want 1", total)
	}

	// Another name, or another workspace, is another file.
	if r, err := m.AddFile(ctx, ws, "bikes-copy.md", "text/markdown", v1); err != nil || r.Outcome != FileAdded {
		t.Errorf("same content under another name = %+v, %v", r, err)
	}
	if r, err := m.AddFile(ctx, other, "bikes.md", "text/markdown", v2); err != nil || r.Outcome != FileAdded {
		t.Errorf("same file in another workspace = %+v, %v", r, err)
	}
}

// TestSheetUpdatesShortAnswers: a sheet's row whose question a short answer has already
// (any case, any spacing) changes that short answer instead of adding a twin.
func TestSheetUpdatesShortAnswers(t *testing.T) {
	ctx := context.Background()
	m, ws, _ := newTest(t)
	typed, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Do you ship abroad?", Variants: []string{"international shipping"}, Answer: "No."})
	if err != nil {
		t.Fatal(err)
	}
	sheet := []byte("question,answer,variants\nDo you ship abroad?,Yes within the EU.,shipping to Germany\nCan I pay by invoice?,Yes for companies.,\n")
	r, err := m.AddFile(ctx, ws, "faq.csv", "text/csv", sheet)
	if err != nil || r.ShortAnswers != 2 || r.ShortAnswersAdded != 1 || r.ShortAnswersUpdated != 1 {
		t.Fatalf("first sheet = %+v, %v", r, err)
	}
	src, _ := m.Source(ctx, ws, typed.ID)
	if src.Body != "Yes within the EU." || !slices.Equal(src.Variants, []string{"international shipping", "shipping to Germany"}) {
		t.Errorf("updated short answer = %q %q", src.Body, src.Variants)
	}
	if rs, _ := m.Search(ctx, ws, "ship abroad", SearchOptions{}); len(rs) != 1 || rs[0].Text != "Yes within the EU." {
		t.Errorf("search after the update = %+v", rs)
	}

	// The same sheet again changes nothing; other case and spacing are the same question.
	r, err = m.AddFile(ctx, ws, "faq.csv", "text/csv", sheet)
	if err != nil || r.ShortAnswers != 2 || r.ShortAnswersAdded != 0 || r.ShortAnswersUpdated != 0 {
		t.Errorf("same sheet again = %+v, %v", r, err)
	}
	r, err = m.AddFile(ctx, ws, "faq2.csv", "text/csv", []byte("question;answer\n  can I  PAY by invoice? ;Yes, for companies and schools.\n"))
	if err != nil || r.ShortAnswersAdded != 0 || r.ShortAnswersUpdated != 1 {
		t.Errorf("differently written question = %+v, %v", r, err)
	}
	list, total, _ := m.List(ctx, ws, ListFilter{Kind: KindShortAnswer})
	if total != 2 {
		t.Fatalf("%d short answers, want 2: %+v", total, list)
	}
	for _, s := range list {
		if s.Question == "can I PAY by invoice?" && s.Body != "Yes, for companies and schools." {
			t.Errorf("invoice answer = %q", s.Body)
		}
	}
}

// Extractions wait for their turn, at most maxExtractions at once, and a request that
// ends while it waits gives up rather than read the file for nobody.
func TestExtractionsTakeTurns(t *testing.T) {
	m, ws, _ := newTest(t)
	for range maxExtractions {
		m.extracting <- struct{}{} // every turn taken
	}
	gone, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.AddFile(gone, ws, "bikes.md", "text/markdown", []byte("# Bikes\n\nCity bikes.\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("upload while every turn is taken: %v, want context.Canceled", err)
	}
	if _, err := m.CreateArticle(gone, ws, ArticleInput{Title: "Bikes", Body: "City bikes."}); !errors.Is(err, context.Canceled) {
		t.Errorf("article while every turn is taken: %v, want context.Canceled", err)
	}
	if _, total, _ := m.List(t.Context(), ws, ListFilter{}); total != 0 {
		t.Errorf("%d sources stored by requests that gave up", total)
	}
	<-m.extracting
	if res, err := m.AddFile(t.Context(), ws, "bikes.md", "text/markdown", []byte("# Bikes\n\nCity bikes.\n")); err != nil || res.Outcome != FileAdded {
		t.Errorf("upload with a turn free: %+v, %v", res, err)
	}
	if len(m.extracting) != maxExtractions-1 {
		t.Errorf("%d turns taken after the upload, want its turn given back", len(m.extracting))
	}
}

// An article nested past the bounds (the report's "- "*500k took minutes) is saved,
// its nesting past them read as text.
func TestArticleBounds(t *testing.T) {
	m, ws, _ := newTest(t)
	src, err := m.CreateArticle(t.Context(), ws, ArticleInput{Title: "Deep", Body: strings.Repeat("- ", 500_000) + "x"})
	if err != nil || src.ChunkCount == 0 {
		t.Errorf("deep list: %+v, %v", src, err)
	}
}
