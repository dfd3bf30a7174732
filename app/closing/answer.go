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
	l := agent.BaseLang(lang)
	if _, ok := sentences[l]; !ok {
		l = "en"
	}
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
				if l == "zh" {
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

// sentences are the closing agent's answers from a quote's fields, by language, with the
// quote's values in place of the verbs (%s). They are fixed sentences rather than a model's
// so that the figures cannot change on the way.
var sentences = map[string]map[string]string{
	"en": {
		"owner_away": "The owner of this quote is not available right now, so a colleague will reply here.",
		"total":      "The total is %s.", "total_tax": "The total is %s including VAT.",
		"net": "Before VAT the quote comes to %s.", "net_discount": "Before VAT the quote comes to %s, after a discount of %s.",
		"tax": "The VAT is %s.", "tax_rate": "The VAT (%s) is %s.", "no_tax": "This quote has no VAT.",
		"discount": "The discount on this quote is %s.", "no_discount": "This quote has no discount.",
		"expiry": "This quote is valid until %s.", "no_expiry": "This quote has no expiry date.",
		"payment": "Payment terms: %s", "delivery": "Delivery terms: %s", "currency": "The quote is in %s.",
		"items": "The quote includes: %s.", "item": "%s × %s (%s)",
		"line":          "%s: %s × %s, %s before VAT.",
		"line_discount": "%s: %s × %s less %s, %s before VAT.",
		"quantity":      "The quote has %s × %s.",
	},
	"fr": {
		"owner_away": "Le responsable de ce devis n'est pas disponible pour le moment ; un collègue va vous répondre ici.",
		"total":      "Le total est de %s.", "total_tax": "Le total est de %s TTC.",
		"net": "Hors taxes, le devis s'élève à %s.", "net_discount": "Hors taxes, le devis s'élève à %s, après une remise de %s.",
		"tax": "La TVA est de %s.", "tax_rate": "La TVA (%s) est de %s.", "no_tax": "Ce devis ne comporte pas de TVA.",
		"discount": "La remise sur ce devis est de %s.", "no_discount": "Ce devis ne comporte pas de remise.",
		"expiry": "Ce devis est valable jusqu'au %s.", "no_expiry": "Ce devis n'a pas de date d'expiration.",
		"payment": "Conditions de paiement : %s", "delivery": "Conditions de livraison : %s", "currency": "Le devis est en %s.",
		"items": "Le devis comprend : %s.", "item": "%s × %s (%s)",
		"line":          "%s : %s × %s, soit %s HT.",
		"line_discount": "%s : %s × %s moins %s, soit %s HT.",
		"quantity":      "Le devis comprend %s × %s.",
	},
	"de": {
		"owner_away": "Die zuständige Person für dieses Angebot ist gerade nicht erreichbar; eine Kollegin oder ein Kollege antwortet Ihnen hier.",
		"total":      "Der Gesamtbetrag beträgt %s.", "total_tax": "Der Gesamtbetrag beträgt %s inkl. MwSt.",
		"net": "Ohne MwSt. beträgt das Angebot %s.", "net_discount": "Ohne MwSt. beträgt das Angebot %s, nach Abzug von %s Rabatt.",
		"tax": "Die MwSt. beträgt %s.", "tax_rate": "Die MwSt. (%s) beträgt %s.", "no_tax": "Dieses Angebot enthält keine MwSt.",
		"discount": "Der Rabatt auf dieses Angebot beträgt %s.", "no_discount": "Dieses Angebot enthält keinen Rabatt.",
		"expiry": "Dieses Angebot ist gültig bis zum %s.", "no_expiry": "Dieses Angebot hat kein Ablaufdatum.",
		"payment": "Zahlungsbedingungen: %s", "delivery": "Lieferbedingungen: %s", "currency": "Das Angebot ist in %s.",
		"items": "Das Angebot umfasst: %s.", "item": "%s × %s (%s)",
		"line":          "%s: %s × %s, %s netto.",
		"line_discount": "%s: %s × %s abzüglich %s, %s netto.",
		"quantity":      "Das Angebot umfasst %s × %s.",
	},
	"no": {
		"owner_away": "Den som har ansvar for tilbudet er ikke tilgjengelig akkurat nå, så en kollega svarer deg her.",
		"total":      "Totalbeløpet er %s.", "total_tax": "Totalbeløpet er %s inkl. mva.",
		"net": "Eksklusiv mva. er tilbudet på %s.", "net_discount": "Eksklusiv mva. er tilbudet på %s, etter %s i rabatt.",
		"tax": "Mva. utgjør %s.", "tax_rate": "Mva. (%s) utgjør %s.", "no_tax": "Dette tilbudet har ingen mva.",
		"discount": "Rabatten på dette tilbudet er %s.", "no_discount": "Dette tilbudet har ingen rabatt.",
		"expiry": "Dette tilbudet er gyldig til %s.", "no_expiry": "Dette tilbudet har ingen utløpsdato.",
		"payment": "Betalingsbetingelser: %s", "delivery": "Leveringsbetingelser: %s", "currency": "Tilbudet er i %s.",
		"items": "Tilbudet omfatter: %s.", "item": "%s × %s (%s)",
		"line":          "%s: %s × %s, %s eks. mva.",
		"line_discount": "%s: %s × %s minus %s, %s eks. mva.",
		"quantity":      "Tilbudet omfatter %s × %s.",
	},
	"es": {
		"owner_away": "La persona responsable de este presupuesto no está disponible ahora; un compañero le responderá aquí.",
		"total":      "El total es de %s.", "total_tax": "El total es de %s con IVA incluido.",
		"net": "Sin IVA, el presupuesto asciende a %s.", "net_discount": "Sin IVA, el presupuesto asciende a %s, tras un descuento de %s.",
		"tax": "El IVA es de %s.", "tax_rate": "El IVA (%s) es de %s.", "no_tax": "Este presupuesto no incluye IVA.",
		"discount": "El descuento de este presupuesto es de %s.", "no_discount": "Este presupuesto no tiene descuento.",
		"expiry": "Este presupuesto es válido hasta el %s.", "no_expiry": "Este presupuesto no tiene fecha de vencimiento.",
		"payment": "Condiciones de pago: %s", "delivery": "Condiciones de entrega: %s", "currency": "El presupuesto está en %s.",
		"items": "El presupuesto incluye: %s.", "item": "%s × %s (%s)",
		"line":          "%s: %s × %s, %s sin IVA.",
		"line_discount": "%s: %s × %s menos %s, %s sin IVA.",
		"quantity":      "El presupuesto incluye %s × %s.",
	},
	"zh": {
		"owner_away": "本报价的负责人暂时不在，同事会在这里回复您。",
		"total":      "总价为 %s。", "total_tax": "总价为 %s（含税）。",
		"net": "不含税金额为 %s。", "net_discount": "不含税金额为 %s（已扣除折扣 %s）。",
		"tax": "税额为 %s。", "tax_rate": "税额（%s）为 %s。", "no_tax": "本报价不含税。",
		"discount": "本报价的折扣为 %s。", "no_discount": "本报价没有折扣。",
		"expiry": "本报价有效期至 %s。", "no_expiry": "本报价没有有效期限制。",
		"payment": "付款条件：%s", "delivery": "交货条件：%s", "currency": "本报价的货币为 %s。",
		"items": "本报价包括：%s。", "item": "%s × %s（%s）",
		"line":          "%s：%s × %s，不含税 %s。",
		"line_discount": "%s：%s × %s，折扣 %s，不含税 %s。",
		"quantity":      "本报价包括 %s × %s。",
	},
}
