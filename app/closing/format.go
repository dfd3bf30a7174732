package closing

import (
	"agent/app/agent"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/currency"
)

// Money is an exact decimal amount as the quote stores it ("12400", "12400.5", "-30.00"):
// digits with an optional point, never a float, so that what the buyer reads is what the
// quote says to the cent.
type Money string

// numberStyle is how a language writes a number: the group and decimal separators, and
// whether a percent sign is set off by a no-break space ("25 %").
type numberStyle struct {
	group, decimal string
	spacedPercent  bool
}

// numberStyles are CLDR's number symbols for the languages the closing agent answers in
// (TestNumberStylesAreCLDRs checks them against golang.org/x/text's copy of CLDR); any
// other language writes numbers as English does. They are a table rather than x/text's
// number formatting because that formats floats, and an amount must go through as the
// quote's exact decimal string: 10^18-sized amounts and six-decimal unit prices lose
// digits in a float. French groups with the narrow no-break space of current CLDR
// (x/text's older copy has the wide one); both keep an amount on one line.
var numberStyles = map[string]numberStyle{
	"en": {",", ".", false}, "zh": {",", ".", false}, "ja": {",", ".", false},
	"fr": {"\u202f", ",", true}, "no": {"\u00a0", ",", true}, "sv": {"\u00a0", ",", true}, "pl": {"\u00a0", ",", false},
	"de": {".", ",", true}, "es": {".", ",", true}, "da": {".", ",", true},
	"it": {".", ",", false}, "nl": {".", ",", false}, "pt": {".", ",", false},
}

// Format writes m in lang's style with the currency's code after it ("12,400.00 EUR",
// "12 400,00 EUR", "12.400,00 EUR"): the currency's usual number of decimals (two for
// EUR, none for JPY), padded with zeros but never rounded, so a quote holding more
// decimals shows them all. The code, not a symbol: "kr" is three currencies.
func (m Money) Format(cur, lang string) string {
	s := strings.TrimSpace(string(m))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(s, ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	scale := 2
	if u, err := currency.ParseISO(cur); err == nil {
		scale, _ = currency.Standard.Rounding(u)
	}
	for len(frac) < scale {
		frac += "0"
	}
	st, ok := numberStyles[agent.BaseLang(lang)]
	if !ok {
		st = numberStyles["en"]
	}
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(st.group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(st.decimal + frac)
	}
	if cur != "" {
		b.WriteString(" " + strings.ToUpper(cur))
	}
	return b.String()
}

// IsZero reports whether m is zero (or empty).
func (m Money) IsZero() bool {
	return strings.Trim(strings.TrimLeft(strings.TrimSpace(string(m)), "+-"), "0.") == ""
}

// percent writes a rate such as "10" or "12.5" in lang's style ("12,5 %" in French and
// German, which put a space before the sign).
func percent(rate, lang string) string {
	rate = strings.TrimSpace(rate)
	if strings.Contains(rate, ".") {
		rate = strings.TrimRight(strings.TrimRight(rate, "0"), ".")
	}
	st, ok := numberStyles[agent.BaseLang(lang)]
	if !ok {
		return rate + "%"
	}
	rate = strings.Replace(rate, ".", st.decimal, 1)
	if st.spacedPercent {
		return rate + "\u00a0%"
	}
	return rate + "%"
}

// monthNames are the months as each language writes them in a date (Polish in the
// genitive its dates take: "31 marca").
var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"no": {"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"it": {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
	"pt": {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"sv": {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"},
	"da": {"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"},
	"pl": {"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"},
}

// date writes a calendar day as lang writes it in a sentence, after CLDR's long date
// ("31 January 2027", "31. Januar 2027", "31 de enero de 2027", "2027年1月31日");
// languages without their own form get the ISO date, which no reader misreads.
func date(d time.Time, lang string) string {
	l := agent.BaseLang(lang)
	if l == "zh" || l == "ja" {
		return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
	}
	names, ok := monthNames[l]
	if !ok {
		return d.Format(time.DateOnly)
	}
	month := names[d.Month()-1]
	switch l {
	case "de", "no", "da":
		return fmt.Sprintf("%d. %s %d", d.Day(), month, d.Year())
	case "es", "pt":
		return fmt.Sprintf("%d de %s de %d", d.Day(), month, d.Year())
	}
	return fmt.Sprintf("%d %s %d", d.Day(), month, d.Year())
}
