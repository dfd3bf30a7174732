package closing

import (
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// TestNumberStylesAreCLDRs checks the separators and percent spacing of numberStyles
// against CLDR as golang.org/x/text carries it: an amount and a rate written by x/text
// (from floats, fine for these small values) must read the same as ours, but for French's
// group separator, where our table follows current CLDR (narrow no-break space).
func TestNumberStylesAreCLDRs(t *testing.T) {
	for lang := range numberStyles {
		tag := lang
		if tag == "no" {
			tag = "nb"
		}
		p := message.NewPrinter(language.MustParse(tag))
		want := p.Sprint(number.Decimal(1234567.5, number.Scale(2)))
		if lang == "fr" {
			want = strings.ReplaceAll(want, "\u00a0", "\u202f")
		}
		if got := strings.TrimSuffix(Money("1234567.50").Format("", lang), " "); got != want {
			t.Errorf("%s: %q, CLDR writes %q", lang, got, want)
		}
		if got, want := percent("12.5", lang), p.Sprint(number.Percent(0.125, number.Scale(1))); got != want {
			t.Errorf("%s: %q, CLDR writes %q", lang, got, want)
		}
	}
}

// TestSentencesInEveryLanguage: each language has every sentence, with the same values.
func TestSentencesInEveryLanguage(t *testing.T) {
	for lang, ss := range sentences {
		for key, en := range sentences["en"] {
			s, ok := ss[key]
			if !ok {
				t.Errorf("%s has no %q sentence", lang, key)
			} else if strings.Count(s, "%s") != strings.Count(en, "%s") {
				t.Errorf("%s %q: %q takes other values than %q", lang, key, s, en)
			}
		}
		if len(ss) != len(sentences["en"]) {
			t.Errorf("%s has %d sentences, English %d", lang, len(ss), len(sentences["en"]))
		}
	}
}
