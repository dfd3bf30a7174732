package knowledge

import (
	"context"
	"maps"
	"testing"
)

// TestCountsFollowFilter: each kind tab counts what it would show with the search and
// the status filter on.
func TestCountsFollowFilter(t *testing.T) {
	ctx := context.Background()
	m, ws, other := newTest(t)
	mustArticle(t, m, ws, "Shipping rates", "Text one.", "en")
	mustArticle(t, m, ws, "Payments", "Text two.", "en")
	mustArticle(t, m, other, "Shipping elsewhere", "Text three.", "en")
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Shipping cost?", Answer: "Free."}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Opening hours?", Answer: "Nine to five."}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    ListFilter
		want map[Kind]int
	}{
		{ListFilter{}, map[Kind]int{KindArticle: 2, KindShortAnswer: 2}},
		{ListFilter{Query: "shipping"}, map[Kind]int{KindArticle: 1, KindShortAnswer: 1}},
		{ListFilter{Query: "shipping", Kind: KindArticle}, map[Kind]int{KindArticle: 1, KindShortAnswer: 1}}, // the kind is the tab's own
		{ListFilter{Status: StatusError}, map[Kind]int{}},
		{ListFilter{Status: StatusReady, Query: "hours"}, map[Kind]int{KindShortAnswer: 1}},
	} {
		got, err := m.Counts(ctx, ws, c.f)
		if err != nil || !maps.Equal(got, c.want) {
			t.Errorf("Counts(%+v) = %v, %v; want %v", c.f, got, err, c.want)
		}
		for k, n := range c.want { // each tab shows as many rows as it says
			f := c.f
			f.Kind = k
			if _, total, _ := m.List(ctx, ws, f); total != n {
				t.Errorf("List(%+v) total %d, but its tab says %d", f, total, n)
			}
		}
	}
}
