package closing

import (
	"agent/app/agent"
	"fmt"
	"strings"
)

// Answer writes the answer to a from the quote's fields, in lang (the languages of
// sentences below; any other gets English). Every figure is the quote's own, formatted for
// the language, never computed by a model nor rounded. "" when the quote holds none of
// what is asked (no payment terms written): the knowledge, or a person, answers then.
func (q Quote) Answer(a Ask, lang string) string {
	l := sentenceLang(lang)
	say := func(key string, args ...any) string { return fmt.Sprintf(sentences[l][key], args...) }
	money := func(m Money) string { return m.Format(q.Currency, l) }
	var out []string
	for _, f := range a.Fields {
		var s string
		switch f {
		case FieldTotal:
			if q.Total == "" {
				continue
			}
			s = say("total", money(q.Total))
			if !q.Tax.IsZero() {
				s = say("total_tax", money(q.Total))
			}
		case FieldSubtotal:
			if q.Subtotal == "" {
				continue
			}
			s = say("net", money(q.Subtotal))
			if !q.Discount.IsZero() {
				s = say("net_discount", money(q.Subtotal), money(q.Discount))
			}
		case FieldTax:
			if q.Tax.IsZero() {
				s = say("no_tax")
			} else if rate := sameRate(q.Lines); rate != "" {
				s = say("tax_rate", percent(rate, l), money(q.Tax))
			} else {
				s = say("tax", money(q.Tax))
			}
		case FieldDiscount:
			if q.Discount.IsZero() {
				s = say("no_discount")
				break
			}
			var per []string
			for _, ln := range q.Lines {
				if d := strings.TrimSpace(ln.Discount); d != "" && !Money(d).IsZero() {
					per = append(per, ln.Name+" "+percent(d, l))
				} else if !ln.DiscountAmount.IsZero() {
					per = append(per, ln.Name+" "+money(ln.DiscountAmount))
				}
			}
			detail := ""
			if len(per) > 0 {
				detail = " (" + strings.Join(per, ", ") + ")"
				if b := agent.BaseLang(l); b == "zh" || b == "ja" {
					detail = "（" + strings.Join(per, ", ") + "）"
				}
			}
			s = say("discount", money(q.Discount)+detail)
		case FieldExpiry:
			if q.ExpiresOn.IsZero() {
				s = say("no_expiry")
			} else {
				s = say("expiry", date(q.ExpiresOn, l))
			}
		case FieldPayment:
			if strings.TrimSpace(q.Payment) == "" {
				continue
			}
			s = say("payment", strings.TrimSpace(q.Payment))
		case FieldDelivery:
			if strings.TrimSpace(q.Delivery) == "" {
				continue
			}
			s = say("delivery", strings.TrimSpace(q.Delivery))
		case FieldCurrency:
			s = say("currency", strings.ToUpper(q.Currency))
		case FieldItems:
			var items []string
			for _, ln := range q.Lines {
				items = append(items, say("item", ln.Quantity, ln.Name, money(ln.Net)))
			}
			if len(items) == 0 {
				continue
			}
			s = say("items", strings.Join(items, "; "))
		case FieldLine:
			for _, i := range a.Lines {
				ln := q.Lines[i]
				line := say("line", ln.Name, ln.Quantity, money(ln.UnitPrice), money(ln.Net))
				if d := strings.TrimSpace(ln.Discount); d != "" && !Money(d).IsZero() {
					line = say("line_discount", ln.Name, ln.Quantity, money(ln.UnitPrice), percent(d, l), money(ln.Net))
				} else if !ln.DiscountAmount.IsZero() {
					line = say("line_discount", ln.Name, ln.Quantity, money(ln.UnitPrice), money(ln.DiscountAmount), money(ln.Net))
				}
				out = append(out, line)
			}
			continue
		case FieldQuantity:
			for _, i := range a.Lines {
				out = append(out, say("quantity", q.Lines[i].Quantity, q.Lines[i].Name))
			}
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// sameRate is the tax rate all lines share, or "" when they differ.
func sameRate(lines []Line) string {
	rate := ""
	for i, l := range lines {
		r := strings.TrimSpace(l.TaxRate)
		if i > 0 && r != rate {
			return ""
		}
		rate = r
	}
	return rate
}

// sentenceLang is the language of sentences lang's answers are written in: its own
// ("zh-Hant" has its own), else its base language's, else English.
func sentenceLang(lang string) string {
	if sentences[lang] != nil {
		return lang
	}
	if l := agent.BaseLang(lang); sentences[l] != nil {
		return l
	}
	return "en"
}

// Script is the language to write lang's sentences in, with browser the browser's
// language tag: traditional Chinese ("zh-Hant") for a Chinese buyer whose browser is set
// to Taiwan, Hong Kong, Macau or the traditional script, since neither the language
// detection nor lang tells the scripts apart.
func Script(lang, browser string) string {
	if agent.BaseLang(lang) != "zh" {
		return lang
	}
	switch b := strings.ToLower(strings.ReplaceAll(browser, "_", "-")); {
	case strings.HasPrefix(b, "zh-hant"), b == "zh-tw", b == "zh-hk", b == "zh-mo":
		return "zh-Hant"
	}
	return lang
}

// say is the fixed sentence key in lang (one without values).
func say(lang, key string) string { return sentences[sentenceLang(lang)][key] }
