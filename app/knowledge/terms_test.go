package knowledge

import (
	"reflect"
	"testing"
)

// The terms of a question are the stems the search would look for, without the question
// and function words, which every passage shares.
func TestContentTerms(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"How much is a new battery?", []string{"new", "batte"}},
		{"Batteries: we recycle them", []string{"batte", "recyc"}},
		{"Wie viel kostet ein Akku?", []string{"koste", "akku"}},
		{"Café in Tromsø", []string{"cafe", "troms"}},
		{"電池の価格", []string{"電池", "池の", "の価", "価格"}},
		{"699 EUR", []string{"699", "eur"}},
	} {
		got := ContentTerms(tc.text)
		want := map[string]bool{}
		for _, w := range tc.want {
			want[w] = true
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %v, want %v", tc.text, got, want)
		}
	}
}
