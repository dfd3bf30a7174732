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
}

// The cues below are matched on words folded as fold folds them (lower case, no accents),
// so "Wann läuft das Angebot ab" and "wann lauft das angebot ab" are one question. Words
// of scripts without spaces (Chinese) are matched anywhere in the message. Each list holds
// English, French, German, Norwegian, Spanish and Chinese, then a few Swedish, Danish and
// Italian forms where they differ.
var cues = map[Field]string{
	FieldTotal: "total|totals|in total|grand total|total price|total amount|total cost|overall price|overall cost|final price|" +
		"amount due|total due|how much do we pay|how much do i pay|how much will we pay|how much will i pay|" +
		"montant total|prix total|cout total|montant du devis|montant a payer|combien au total|combien en tout|" +
		"gesamt|gesamtbetrag|gesamtpreis|gesamtsumme|endbetrag|endpreis|summe|insgesamt|" +
		"totalt|totalsum|totalsummen|totalbelop|totalbelopet|totalpris|totalprisen|sluttsum|sluttsummen|sluttpris|sluttprisen|til sammen|" +
		"importe total|precio total|costo total|coste total|en total|monto total|" +
		"总价|总额|总计|合计|总共|一共|总金额|总费用|总价格|" +
		"totalsumma|samlet pris|prezzo totale|importo totale|" +
		"including tax|including vat|incl tax|incl vat|inc vat|with vat|with tax|tax included|vat included|" +
		"ttc|toutes taxes comprises|tva comprise|tva incluse|inkl mwst|inklusive mwst|inkl mehrwertsteuer|brutto|bruttobetrag|" +
		"inkl mva|inklusive mva|med mva|iva incluido|iva incluida|con iva|impuestos incluidos|含税|含增值税",
	FieldSubtotal: "subtotal|sub total|before tax|before vat|excluding tax|excluding vat|excl tax|excl vat|ex vat|net price|net amount|without tax|without vat|" +
		"sous total|hors taxes|hors taxe|ht|sans tva|avant tva|avant taxes|" +
		"zwischensumme|netto|nettobetrag|ohne mwst|ohne mehrwertsteuer|vor steuern|" +
		"delsum|eks mva|eksklusiv mva|uten mva|for mva|" +
		"sin iva|antes de impuestos|antes de iva|base imponible|" +
		"税前|不含税|小计",
	FieldTax: "tax|taxes|vat|sales tax|" +
		"tva|taxe|taxes|" +
		"mwst|mehrwertsteuer|ust|umsatzsteuer|steuer|steuern|" +
		"mva|merverdiavgift|moms|avgift|" +
		"iva|impuesto|impuestos|" +
		"税|增值税|税费|税额",
	FieldDiscount: "discount|discounts|rebate|reduction|savings|how much do we save|how much do i save|" +
		"remise|remises|reduction|rabais|ristourne|" +
		"rabatt|rabatte|nachlass|preisnachlass|ermassigung|" +
		"rabatter|avslag|" +
		"descuento|descuentos|rebaja|bonificacion|" +
		"折扣|优惠|折让|打折|减价|" +
		"sconto",
	FieldExpiry: "expire|expires|expiry|expiration|expiring|valid until|valid till|valid for how long|how long is it valid|how long is the quote valid|how long is this quote valid|validity|deadline|accept by|last day|" +
		"expire|expiration|valable jusqu|valable combien|validite|date limite|jusqu a quand|echeance du devis|" +
		"gultig|gultigkeit|gueltig|ablauf|ablaufdatum|lauft ab|laeuft ab|frist|bis wann|" +
		"gyldig|gyldighet|utlop|utloper|utlopsdato|frist|hvor lenge|" +
		"valido|validez|vence|vencimiento|caduca|caducidad|hasta cuando|fecha limite|" +
		"有效期|过期|到期|截止|有效",
	FieldPayment: "payment terms|terms of payment|payment term|payment conditions|when do we pay|when do i pay|when must we pay|when should we pay|when is payment due|payment due|due date|pay the invoice|when is the invoice due|" +
		"conditions de paiement|modalites de paiement|delai de paiement|quand payer|quand devons nous payer|quand faut il payer|echeance de paiement|" +
		"zahlungsbedingungen|zahlungsziel|zahlungsfrist|wann zahlen|wann mussen wir zahlen|wann muss ich zahlen|wann ist die zahlung fallig|" +
		"betalingsbetingelser|betalingsvilkar|betalingsfrist|forfall|forfallsdato|nar skal vi betale|nar ma vi betale|nar skal jeg betale|" +
		"condiciones de pago|terminos de pago|plazo de pago|cuando pagamos|cuando hay que pagar|cuando debemos pagar|cuando tengo que pagar|vencimiento del pago|" +
		"付款条件|付款方式|付款期限|支付条件|什么时候付款|何时付款|账期",
	FieldDelivery: "delivery terms|delivery date|delivery time|when will it be delivered|when will we receive|when will it arrive|when is delivery|lead time|delivered when|how is it delivered|when do we get|" +
		"conditions de livraison|delai de livraison|date de livraison|quand sera livre|quand serons nous livres|quand la livraison|quand recevrons nous|" +
		"lieferbedingungen|lieferzeit|liefertermin|lieferdatum|wann wird geliefert|wann wird es geliefert|wann erfolgt die lieferung|wann bekommen wir|" +
		"leveringsbetingelser|leveringsvilkar|leveringstid|leveringsdato|nar blir det levert|nar kommer leveransen|nar far vi|levering|" +
		"condiciones de entrega|plazo de entrega|fecha de entrega|cuando se entrega|cuando llega|cuando recibiremos|" +
		"交货|交付|交货期|发货|送货|到货|交货时间|什么时候交付|什么时候发货",
	FieldCurrency: "currency|which currency|what currency|devise|quelle devise|monnaie|wahrung|welche wahrung|valuta|hvilken valuta|moneda|que moneda|divisa|货币|币种",
	FieldItems: "what is included|what's included|whats included|what is in the quote|what does the quote include|line items|items in the quote|what are we buying|" +
		"qu est ce qui est inclus|que comprend le devis|contenu du devis|lignes du devis|" +
		"was ist enthalten|was ist im angebot|positionen|was beinhaltet das angebot|" +
		"hva er inkludert|hva inneholder tilbudet|hva er med i tilbudet|" +
		"que incluye|que esta incluido|que contiene el presupuesto|" +
		"包括什么|包含什么|包含哪些|报价包括|有哪些项目",
}

// priceCues ask what something costs; with a line item named they ask for its price, and
// alone ("how much is it?") for the total, unless the question names something the
// quote does not hold ("how much is shipping to Norway?": the knowledge, or a person).
const priceCues = "how much|price|prices|cost|costs|priced|unit price|per unit|each|" +
	"combien|prix|coute|coutent|tarif|prix unitaire|" +
	"wie viel|wieviel|preis|preise|kostet|kosten|stuckpreis|einzelpreis|" +
	"hvor mye|pris|koster|enhetspris|" +
	"cuanto|cuanto cuesta|cuanto vale|precio|precios|cuesta|cuestan|vale|precio unitario|" +
	"多少钱|价格|价钱|单价|费用|多少"

// quantityCues ask how many.
const quantityCues = "how many|quantity|quantities|number of|" +
	"combien de|quantite|nombre de|" +
	"wie viele|wieviele|menge|anzahl|stuckzahl|" +
	"hvor mange|antall|mengde|" +
	"cuantos|cuantas|cantidad|" +
	"几个|多少个|数量|几套|几份"

// generalCues make a question about the business rather than this quote: a policy, what
// is offered to everyone, or a change to the quote ("can we get a bigger discount?"):
// the knowledge answers those, or a person. The quote's fields would answer the wrong
// question.
const generalCues = "policy|policies|in general|generally|usually|normally|do you offer|do you accept|do you ship|do you deliver|" +
	"more|extra|additional|bigger|better|lower|cheaper|negotiate|negotiable|instead|change|" +
	"politique|en general|generalement|proposez vous|acceptez vous|livrez vous|plus de|supplementaire|meilleur|moins cher|negocier|" +
	"richtlinie|richtlinien|allgemein|normalerweise|bieten sie|akzeptieren sie|liefern sie|zusatzlich|zusatzlichen|weiteren|mehr|besseren|gunstiger|verhandeln|" +
	"retningslinjer|generelt|vanligvis|tilbyr dere|godtar dere|leverer dere|ekstra|mer|storre|bedre|billigere|forhandle|" +
	"politica|en general|normalmente|ofrecen|aceptan|envian|adicional|mas|mayor|mejor|mas barato|negociar|" +
	"政策|一般|通常|额外|更多|更大|更便宜|再便宜|谈判"

// stopWords are the words that say nothing of what is asked: a cost question made only
// of them and the cues ("how much is it altogether?") asks for the total.
const stopWords = "the a an is it this that what whats s how much for of in on to we i our my you your are be will do does please " +
	"quote quotation offer proposal altogether everything all whole overall pay price cost total amount " +
	"le la les l de du des un une est ce c que qu quel quelle il elle nous vous je pour en au aux devis offre tout " +
	"der die das den dem des ein eine ist es was wie wir ich sie fur im in an zu uns unser angebot alles " +
	"den det er hva hvor vi jeg for i pa til av et en dette tilbudet tilbud alt " +
	"el la los las lo un una es que de del por para en nos nosotros me mi presupuesto cotizacion oferta todo"

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
var stopWordSet, lineStopWord = wordSet(stopWords), wordSet("the and with for from per year annual month monthly unit units " +
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
	for i, l := range q.Lines {
		if mentions(msg, l.Name, q.Lines) {
			a.Lines = append(a.Lines, i)
		}
	}
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
	if len(a.Lines) > 0 {
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

// mentions reports whether msg names the line item: the whole name, or a word of it
// that no other line's name has (at least four letters: "workshop", "support").
func mentions(msg, name string, lines []Line) bool {
	n := fold(name)
	if n == "" {
		return false
	}
	if strings.Contains(msg, " "+n+" ") || unspaced(n) && strings.Contains(msg, n) {
		return true
	}
	for _, w := range strings.Fields(n) {
		if len([]rune(w)) < 4 || lineStopWord[w] || !strings.Contains(msg, " "+w+" ") && !strings.Contains(msg, " "+w+"s ") {
			continue
		}
		shared := false
		for _, other := range lines {
			if o := " " + fold(other.Name) + " "; o != " "+n+" " && strings.Contains(o, " "+w+" ") {
				shared = true
			}
		}
		if !shared {
			return true
		}
	}
	return false
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
