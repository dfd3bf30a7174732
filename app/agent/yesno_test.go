package agent

import "testing"

func TestYesNo(t *testing.T) {
	for _, c := range []struct {
		text string
		yes  bool
		rest string
		ok   bool
	}{
		{"YES", true, "", true},
		{"Yes!", true, "", true},
		{"yes, thank you", true, "", true},
		{"Ja takk", true, "", true},
		{"oui merci", true, "", true},
		{"是", true, "", true},
		{"是的。", true, "", true},
		{"はい", true, "", true},
		{"No", false, "", true},
		{"NO - it does not say how long it takes to Bergen", false, "it does not say how long it takes to Bergen", true},
		{"nei, for langt", false, "for langt", true},
		{"Non. Je voulais savoir le prix.", false, "Je voulais savoir le prix", true},
		{"否，答非所问", false, "答非所问", true},
		{"いいえ", false, "", true},
		// Not an answer to the rating: new questions, or words that only start alike.
		{"Yes, but where is my parcel?", false, "", false},
		{"Yesterday I ordered a lamp", false, "", false},
		{"Nothing arrived", false, "", false},
		{"Not sure what you mean", false, "", false},
		{"不知道", false, "", false},
		{"Do you ship to Norway?", false, "", false},
		{"", false, "", false},
	} {
		yes, rest, ok := YesNo(c.text)
		if yes != c.yes || rest != c.rest || ok != c.ok {
			t.Errorf("YesNo(%q) = %v, %q, %v; want %v, %q, %v", c.text, yes, rest, ok, c.yes, c.rest, c.ok)
		}
	}
}
