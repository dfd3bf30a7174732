package closing

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Field is a part of the quote a buyer's question asks about.
type Field string

// The fields the closing agent answers from the quote itself.
const (
	FieldTotal    Field = "total"
	FieldSubtotal Field = "subtotal"
	FieldTax      Field = "tax"
	FieldDiscount Field = "discount"
	FieldExpiry   Field = "expiry"
	FieldPayment  Field = "payment"
	FieldDelivery Field = "delivery"
	FieldCurrency Field = "currency"
	FieldItems    Field = "items"
	FieldLine     Field = "line"     // one line item: quantity, unit price, discount, amount
	FieldQuantity Field = "quantity" // how many of a line item
)

// Ask is what a question asks of the quote: fields, and for the line fields the lines.
type Ask struct {
	Fields []Field
	Lines  []int // indexes into Quote.Lines, for FieldLine and FieldQuantity
	// Choices are the lines a word of the question could mean alike, when it asks a line's
	// figures: the buyer is asked which (Lines is empty then).
	Choices []int
}

// tagPrice, tagQuantity and tagGeneral mark the cues that are not fields.
const (
	tagPrice    Field = "price"
	tagQuantity Field = "how many"
	tagGeneral  Field = "general"
)

// cue is one phrase, folded, and what it asks.
type cue struct {
	text string // padded with spaces (" how much "), or bare in a script without spaces
	tag  Field
}

// allCues holds every phrase, longest first: a message is read by taking the longest
// phrase it holds out of it, then the next, so "total including VAT" is the total and not
// the tax, and "total before tax" the subtotal.
var allCues = compileCues()

func compileCues() []cue {
	var out []cue
	add := func(list string, tag Field) {
		for _, p := range strings.Split(list, "|") {
			f := fold(p)
			switch {
			case f == "":
			case unspaced(f):
				out = append(out, cue{f, tag})
			default:
				out = append(out, cue{" " + f + " ", tag})
			}
		}
	}
	for f, list := range cues {
		add(list, f)
	}
	add(priceCues, tagPrice)
	add(quantityCues, tagQuantity)
	add(generalCues, tagGeneral)
	slices.SortStableFunc(out, func(a, b cue) int {
		if d := len(b.text) - len(a.text); d != 0 {
			return d
		}
		return strings.Compare(a.text+string(a.tag), b.text+string(b.tag))
	})
	return out
}

// fieldOrder is the order answers give the fields asked together.
var fieldOrder = []Field{FieldTotal, FieldSubtotal, FieldDiscount, FieldTax, FieldExpiry, FieldPayment, FieldDelivery, FieldCurrency, FieldItems}

// lineStopWord are words of line items' names too common to name one alone.
var stopWordSet, lineStopWord = wordSet(fold(stopWords)), wordSet("the and with for from per year annual month monthly unit units " +
	"avec pour par der die das und mit fur pro jahr og med per ar con para por ano")

func wordSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}

// Understand reads which of the quote's fields a buyer's message asks about: none when it
// asks something else (a policy, a change, a person), to be answered from the knowledge
// or by a person. It is deterministic, so the eval measures it and an answer is never a
// guess.
func Understand(q Quote, text string) Ask {
	msg := " " + fold(text) + " "
	var a Ask
	a.Lines, a.Choices = namedLines(msg, q.Lines)
	found := map[Field]bool{}
	rest := msg
	for _, c := range allCues {
		if strings.Contains(rest, c.text) {
			found[c.tag] = true
			rest = strings.ReplaceAll(rest, c.text, "  ")
		}
	}
	if found[tagGeneral] {
		return Ask{}
	}
	for _, f := range fieldOrder {
		if found[f] {
			a.Fields = append(a.Fields, f)
		}
	}
	if len(a.Lines) > 0 || len(a.Choices) > 0 {
		// A named line: its own figures, and the whole quote's terms when asked (a line's
		// delivery is the quote's).
		var kept []Field
		for _, f := range a.Fields {
			if f == FieldExpiry || f == FieldPayment || f == FieldDelivery || f == FieldCurrency {
				kept = append(kept, f)
			}
		}
		// A line named without asking for a figure ("what are the support hours?" of a
		// quote with "Priority support") is not about the line.
		if found[tagQuantity] {
			kept = append(kept, FieldQuantity)
		} else if found[tagPrice] || found[FieldDiscount] || found[FieldTax] || found[FieldTotal] || found[FieldSubtotal] || found[FieldItems] {
			kept = append(kept, FieldLine)
		}
		if len(kept) == 0 {
			return Ask{}
		}
		if !slices.Contains(kept, FieldLine) && !slices.Contains(kept, FieldQuantity) {
			a.Choices = nil // only the quote's terms are asked: no line to choose
		}
		a.Fields = kept
		return a
	}
	if len(a.Fields) == 0 && found[tagPrice] && onlyStopWords(rest) {
		a.Fields = []Field{FieldTotal}
	}
	if len(a.Fields) == 0 {
		return Ask{}
	}
	// "Total tax" is the tax, "total discount" the discount.
	if found[FieldTotal] && (found[FieldSubtotal] || found[FieldTax] || found[FieldDiscount]) {
		a.Fields = without(a.Fields, FieldTotal)
	}
	return a
}

func onlyStopWords(rest string) bool {
	for _, w := range strings.Fields(rest) {
		if !stopWordSet[w] {
			return false
		}
	}
	return true
}

func without(fs []Field, f Field) []Field {
	var out []Field
	for _, x := range fs {
		if x != f {
			out = append(out, x)
		}
	}
	return out
}

// fold lowers text, drops accents and turns everything but letters and digits into single
// spaces; letters of scripts without spaces stay as they are.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'ß':
			b.WriteString("ss")
			space = false
		case r == 'ø':
			b.WriteRune('o')
			space = false
		case r == 'ł':
			b.WriteRune('l')
			space = false
		case r == 'æ':
			b.WriteString("ae")
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// unspaced reports whether s holds letters of a script written without spaces.
func unspaced(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}
