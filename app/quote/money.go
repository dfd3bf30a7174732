package quote

import (
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// Rounding rules. Every figure a quote shows is rounded once, to the currency's minor
// unit (2 decimals for EUR, 0 for JPY, 3 for BHD: ISO 4217 via CLDR), half away from zero
// (commercial rounding: 0.125 EUR is 0.13, -0.125 is -0.13), and every sum is a sum of
// figures as shown, so the page always adds up:
//
//   - a line's amount is quantity × unit price, rounded;
//   - its discount is the percentage of that amount, rounded, or the fixed amount given;
//   - its net is amount − discount (exact: both are already rounded);
//   - the subtotal is the sum of the nets;
//   - tax is computed per rate on the sum of the nets at that rate, rounded (one tax
//     figure per rate, as an invoice shows it, not one per line);
//   - the total is subtotal + the taxes.
//
// Quantities and unit prices may carry more decimals than the currency (0.0125 per unit)
// up to maxDecimals; the rounding happens on the line's amount.

// Bounds of the numbers a quote accepts.
const (
	maxDecimals      = 6  // quantity, unit price
	maxRateDecimals  = 4  // discount and tax percentages (8.875 %)
	maxIntegerDigits = 12 // quantity and unit price below 10^12
)

var (
	hundred   = decimal.NewFromInt(100)
	numberRe  = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	maxAmount = decimal.New(1, maxIntegerDigits)
)

// Scale is the number of decimals of the currency's minor unit.
func Scale(cur string) (int32, bool) {
	u, err := currency.ParseISO(cur)
	if err != nil || strings.ToUpper(cur) != u.String() {
		return 0, false
	}
	s, _ := currency.Standard.Rounding(u)
	return int32(s), true
}

// LineTotal is the computed figures of one line.
type LineTotal struct {
	Amount   decimal.Decimal // quantity × unit price, rounded
	Discount decimal.Decimal
	Net      decimal.Decimal // Amount − Discount
}

// TaxTotal is the tax at one rate.
type TaxTotal struct {
	Rate   decimal.Decimal // percent
	Base   decimal.Decimal // the nets taxed at this rate
	Amount decimal.Decimal
}

// Totals is every computed figure of a quote, in its currency's minor unit.
type Totals struct {
	Scale    int32
	Lines    []LineTotal
	Discount decimal.Decimal // the lines' discounts
	Subtotal decimal.Decimal // the lines' nets
	Taxes    []TaxTotal      // by rate, ascending; rates with no lines are left out
	Tax      decimal.Decimal
	Total    decimal.Decimal
}

// Compute works out the totals of lines in the currency whose minor unit has scale
// decimals, by the rounding rules above.
func Compute(scale int32, lines []Line) Totals {
	t := Totals{Scale: scale, Lines: make([]LineTotal, len(lines))}
	bases := map[string]*TaxTotal{}
	for i, l := range lines {
		amount := l.Quantity.Mul(l.UnitPrice).Round(scale)
		discount := l.DiscountAmount.Round(scale)
		if l.DiscountPercent.IsPositive() {
			discount = amount.Mul(l.DiscountPercent).Div(hundred).Round(scale)
		}
		net := amount.Sub(discount)
		t.Lines[i] = LineTotal{Amount: amount, Discount: discount, Net: net}
		t.Discount = t.Discount.Add(discount)
		t.Subtotal = t.Subtotal.Add(net)
		key := l.TaxRate.String() // canonical: "20" and "20.00" are one rate
		b := bases[key]
		if b == nil {
			b = &TaxTotal{Rate: l.TaxRate}
			bases[key] = b
		}
		b.Base = b.Base.Add(net)
	}
	for _, b := range bases {
		b.Amount = b.Base.Mul(b.Rate).Div(hundred).Round(scale)
		t.Taxes = append(t.Taxes, *b)
		t.Tax = t.Tax.Add(b.Amount)
	}
	slices.SortFunc(t.Taxes, func(a, b TaxTotal) int { return a.Rate.Cmp(b.Rate) })
	t.Total = t.Subtotal.Add(t.Tax)
	return t
}

// Fixed writes d with exactly scale decimals, as stored and as the CLI prints it ("1234.50").
func Fixed(d decimal.Decimal, scale int32) string { return d.StringFixed(scale) }

// Format writes an amount for people, with thousands separators and the currency code:
// "12,400.00 EUR". The closing agent quotes amounts in this form, from the fields.
func Format(d decimal.Decimal, scale int32, cur string) string {
	s := d.StringFixed(scale)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return sign + b.String() + " " + cur
}

// Percent writes a rate without trailing zeros: "20", "5.5", "8.875".
func Percent(d decimal.Decimal) string { return d.String() }
