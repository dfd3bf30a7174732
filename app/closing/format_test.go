package closing

import "testing"

func TestMoneyFormat(t *testing.T) {
	cases := []struct {
		m         Money
		cur, lang string
		want      string
	}{
		{"12400.00", "EUR", "en", "12,400.00 EUR"},
		{"12400", "EUR", "en", "12,400.00 EUR"},
		{"12400.00", "EUR", "fr", "12\u202f400,00 EUR"},
		{"12400.00", "EUR", "de", "12.400,00 EUR"},
		{"1234567.5", "NOK", "nb", "1\u00a0234\u00a0567,50 NOK"},
		{"98000", "JPY", "en", "98,000 JPY"},
		{"12.345", "BHD", "en", "12.345 BHD"},
		{"0.0125", "EUR", "en", "0.0125 EUR"}, // more decimals than the currency: all shown, none rounded
		{"-30.5", "USD", "es", "-30,50 USD"},
		{"999", "EUR", "zh", "999.00 EUR"},
		{"1000", "EUR", "pl", "1,000.00 EUR"}, // a language without its own style writes as English does
	}
	for _, c := range cases {
		if got := c.m.Format(c.cur, c.lang); got != c.want {
			t.Errorf("%s %s in %s = %q, want %q", c.m, c.cur, c.lang, got, c.want)
		}
	}
}

func TestUnderstandLeavesOtherQuestions(t *testing.T) {
	q := Quote{Lines: []Line{{Name: "Priority support"}, {Name: "Pro licence"}}}
	for _, text := range []string{
		"What are your support hours?",                    // names a line, asks no figure
		"How much does shipping to Tromsø cost?",          // a cost the quote does not hold
		"Can we get a bigger discount?",                   // a change to the quote
		"Do you offer discounts for nonprofits?",          // a policy
		"Quelle est votre politique de remise ?",          // a policy, in French
		"Können Sie uns einen zusätzlichen Rabatt geben?", // a change, in German
	} {
		if a := Understand(q, text); len(a.Fields) > 0 {
			t.Errorf("%q read as a question about the quote's %v", text, a.Fields)
		}
	}
}
