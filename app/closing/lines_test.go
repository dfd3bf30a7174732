package closing

import (
	"slices"
	"testing"
)

func TestNamedLines(t *testing.T) {
	q := Quote{Lines: []Line{
		{Name: "Road helmet", Description: "Casque route"},
		{Name: "Winter gloves", Description: "Gants d'hiver"},
		{Name: "Summer gloves"},
		{Name: "Pro licence"},
		{Name: "Basic licence"},
		{Name: "Espresso machine"},
	}}
	cases := []struct {
		text           string
		named, choices []int
	}{
		{"How much are the HELMETS?", []int{0}, nil},           // plural and case
		{"Quel est le prix des casques ?", []int{0}, nil},      // the description's word, plural
		{"Combien coûtent les gants d'hiver ?", []int{1}, nil}, // the description
		{"What do the Winter Gloves cost?", []int{1}, nil},     // the whole name
		{"Price of the summer glove?", []int{2}, nil},          // the whole name, singular
		{"What do the gloves cost?", nil, []int{1, 2}},         // two lines: ask which
		{"How much are the licences?", nil, []int{3, 4}},
		{"How much are the Pro licences?", []int{3}, nil},     // a short word of the name as written
		{"Was kostet die Espressomaschine?", nil, nil},        // a compound of the name: not read
		{"Quanto costa la macchina espresso?", []int{5}, nil}, // a word no other line has
		{"Wie viel kostet es, das zu machen?", nil, nil},      // "machen" is not "machine"
		{"What is the price per unit?", nil, nil},             // cue words name no line
		{"How much are the helmets and the winter gloves?", []int{0, 1}, nil},
		{"When do the gloves get delivered?", nil, nil}, // no line figure asked: no choice
	}
	for _, c := range cases {
		a := Understand(q, c.text)
		if !slices.Equal(a.Lines, c.named) || !slices.Equal(a.Choices, c.choices) {
			t.Errorf("%q: lines %v, choices %v; want %v, %v", c.text, a.Lines, a.Choices, c.named, c.choices)
		}
	}
}

func TestSameWord(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"casque", "casques", true}, {"unit", "units", true}, {"licence", "licencias", true}, {"helmet", "helmets", true},
		{"machine", "machen", false}, {"gloves", "glow", false}, {"cap", "caps", false}, {"support", "supplement", false},
	} {
		if got := sameWord(c.a, c.b); got != c.same {
			t.Errorf("sameWord(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestScript(t *testing.T) {
	for _, c := range []struct{ lang, browser, want string }{
		{"zh", "zh-TW", "zh-Hant"}, {"zh", "zh_HK", "zh-Hant"}, {"zh", "zh-Hant-MO", "zh-Hant"}, {"zh", "zh-CN", "zh"},
		{"zh", "", "zh"}, {"zh", "zh-Hans-HK", "zh"}, {"ja", "zh-TW", "ja"}, {"en", "zh-TW", "en"},
	} {
		if got := Script(c.lang, c.browser); got != c.want {
			t.Errorf("Script(%q, %q) = %q, want %q", c.lang, c.browser, got, c.want)
		}
	}
}
