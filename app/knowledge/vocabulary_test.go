package knowledge

import (
	"context"
	"slices"
	"testing"
)

// A word is unknown only when the knowledge uses neither it nor a word sharing its first
// letters; question words and numbers never are; until the statistics catch up with a
// change, nothing is.
func TestUnknownWords(t *testing.T) {
	m, ws, _ := newTest(t)
	ctx := context.Background()
	if _, err := m.CreateArticle(ctx, ws, ArticleInput{Title: "Battery recycling", Lang: "en",
		Body: "Bring your old e-bike battery to the shop. Bikes that have been ridden cannot be returned."}); err != nil {
		t.Fatal(err)
	}
	m.Search(ctx, ws, "battery", SearchOptions{}) // builds the statistics
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"Can I bring my dog into the shop?", []string{"dog"}},
		{"Do you sell skateboards?", []string{"sell", "skateboards"}},
		{"how long are batteries recycled", nil},
		{"Is order 12345 returned today?", []string{"order", "today"}},
	} {
		if got := m.UnknownWords(ctx, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%q: %q, want %q", tt.text, got, tt.want)
		}
	}
	if _, err := m.CreateArticle(ctx, ws, ArticleInput{Title: "Dogs", Lang: "en", Body: "Dogs are welcome."}); err != nil {
		t.Fatal(err)
	}
	if got := m.UnknownWords(ctx, "Can I bring my dog into the shop?"); got != nil {
		t.Errorf("after a change: %q, want nothing judged until the statistics are rebuilt", got)
	}
}
