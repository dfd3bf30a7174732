package closing

import (
	"testing"
	"time"
)

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
		{"12400", "PLN", "pl", "12\u00a0400,00 PLN"},
		{"12400", "SEK", "sv", "12\u00a0400,00 SEK"},
		{"12400", "DKK", "da", "12.400,00 DKK"},
		{"12400.5", "EUR", "it", "12.400,50 EUR"},
		{"12400", "BRL", "pt-BR", "12.400,00 BRL"},
		{"12400", "EUR", "nl", "12.400,00 EUR"},
		{"1234567", "JPY", "ja", "1,234,567 JPY"},
		{"1000", "EUR", "tr", "1,000.00 EUR"}, // a language without its own style writes as English does
	}
	for _, c := range cases {
		if got := c.m.Format(c.cur, c.lang); got != c.want {
			t.Errorf("%s %s in %s = %q, want %q", c.m, c.cur, c.lang, got, c.want)
		}
	}
}

func TestDateAndPercent(t *testing.T) {
	d := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for lang, want := range map[string]string{"en": "1 March 2027", "it": "1 marzo 2027", "pt": "1 de março de 2027", "nl": "1 maart 2027",
		"sv": "1 mars 2027", "da": "1. marts 2027", "pl": "1 marca 2027", "ja": "2027年3月1日", "ko": "2027-03-01"} {
		if got := date(d, lang); got != want {
			t.Errorf("date in %s = %q, want %q", lang, got, want)
		}
	}
	for lang, want := range map[string]string{"en": "12.5%", "fr": "12,5\u00a0%", "da": "12,5\u00a0%", "it": "12,5%", "pl": "12,5%", "ja": "12.5%"} {
		if got := percent("12.50", lang); got != want {
			t.Errorf("percent in %s = %q, want %q", lang, got, want)
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
