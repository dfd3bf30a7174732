package closing

// The cues below are matched on words folded as fold folds them (lower case, no accents),
// so "Wann läuft das Angebot ab" and "wann lauft das angebot ab" are one question. Words
// of scripts without spaces (Chinese) are matched anywhere in the message. Each list holds
// English, French, German, Norwegian, Spanish and Chinese, then Italian, Portuguese, Dutch,
// Swedish, Danish, Polish and Japanese, then the traditional Chinese forms that differ
// from the simplified ones (a word two languages share is listed once).
var cues = map[Field]string{
	FieldTotal: "total|totals|in total|grand total|total price|total amount|total cost|overall price|overall cost|final price|" +
		"amount due|total due|how much do we pay|how much do i pay|how much will we pay|how much will i pay|" +
		"montant total|prix total|cout total|montant du devis|montant a payer|combien au total|combien en tout|" +
		"gesamt|gesamtbetrag|gesamtpreis|gesamtsumme|endbetrag|endpreis|summe|insgesamt|" +
		"totalt|totalsum|totalsummen|totalbelop|totalbelopet|totalpris|totalprisen|sluttsum|sluttsummen|sluttpris|sluttprisen|til sammen|" +
		"importe total|precio total|costo total|coste total|en total|monto total|" +
		"总价|总额|总计|合计|总共|一共|总金额|总费用|总价格|" +
		"including tax|including vat|incl tax|incl vat|inc vat|with vat|with tax|tax included|vat included|" +
		"ttc|toutes taxes comprises|tva comprise|tva incluse|inkl mwst|inklusive mwst|inkl mehrwertsteuer|brutto|bruttobetrag|" +
		"inkl mva|inklusive mva|med mva|iva incluido|iva incluida|con iva|impuestos incluidos|含税|含增值税|" +
		"totale|importo totale|prezzo totale|costo totale|in totale|complessivo|iva inclusa|iva compresa|compresa iva|" +
		"valor total|preço total|custo total|no total|com impostos|impostos incluídos|totaal|totaalbedrag|totaalprijs|" +
		"totale prijs|in totaal|eindbedrag|inclusief btw|incl btw|met btw|totalbelopp|totalbeloppet|totalpriset|" +
		"totalsumma|totalsumman|slutsumma|slutpriset|inklusive moms|inkl moms|med moms|totalbeløb|totalbeløbet|" +
		"samlet pris|samlet beløb|i alt|łączna kwota|łączną kwotę|kwota całkowita|cena całkowita|całkowity koszt|" +
		"łącznie|razem|w sumie|suma|z vat|合計|合計金額|総額|総計|全部で|税込|" +
		"總價|總額|總計|總共|總金額|總費用|總價格|含稅|含增值稅",
	FieldSubtotal: "subtotal|sub total|before tax|before vat|excluding tax|excluding vat|excl tax|excl vat|ex vat|net price|" +
		"net amount|without tax|without vat|" +
		"sous total|hors taxes|hors taxe|ht|sans tva|avant tva|avant taxes|" +
		"zwischensumme|netto|nettobetrag|ohne mwst|ohne mehrwertsteuer|vor steuern|" +
		"delsum|eks mva|eksklusiv mva|uten mva|for mva|" +
		"sin iva|antes de impuestos|antes de iva|base imponible|" +
		"税前|不含税|小计|" +
		"imponibile|iva esclusa|esclusa iva|senza iva|al netto|prima dell iva|sem impostos|antes dos impostos|" +
		"valor líquido|subtotaal|exclusief btw|excl btw|zonder btw|exklusive moms|exkl moms|utan moms|före moms|" +
		"ekskl moms|eksklusive moms|uden moms|før moms|kwota netto|bez vat|bez podatku|przed vat|税抜|税別|小計|" +
		"稅前|不含稅|小計",
	FieldTax: "tax|taxes|vat|sales tax|" +
		"tva|taxe|taxes|" +
		"mwst|mehrwertsteuer|ust|umsatzsteuer|steuer|steuern|" +
		"mva|merverdiavgift|moms|avgift|" +
		"iva|impuesto|impuestos|" +
		"税|增值税|税费|税额|" +
		"iva|imposta|imposte|tasse|imposto|impostos|btw|belasting|moms|momsen|mervärdesskatt|momsen|skat|vat|podatek|podatku|消費税|税金|税額|税|" +
		"稅|增值稅|稅費|稅額",
	FieldDiscount: "discount|discounts|rebate|reduction|savings|how much do we save|how much do i save|" +
		"remise|remises|reduction|rabais|ristourne|" +
		"rabatt|rabatte|nachlass|preisnachlass|ermassigung|" +
		"rabatter|avslag|" +
		"descuento|descuentos|rebaja|bonificacion|" +
		"折扣|优惠|折让|打折|减价|" +
		"sconto|" +
		"sconto|sconti|ribasso|desconto|descontos|abatimento|korting|kortingen|rabatten|rabat|rabatten|rabat|rabatu|" +
		"rabaty|zniżka|zniżki|upust|upustu|値引き|値引|割引|" +
		"優惠|折讓|減價",
	FieldExpiry: "expire|expires|expiry|expiration|expiring|valid until|valid till|valid for how long|how long is it valid|" +
		"how long is the quote valid|how long is this quote valid|validity|deadline|accept by|last day|" +
		"expire|expiration|valable jusqu|valable combien|validite|date limite|jusqu a quand|echeance du devis|" +
		"gultig|gultigkeit|gueltig|ablauf|ablaufdatum|lauft ab|laeuft ab|frist|bis wann|" +
		"gyldig|gyldighet|utlop|utloper|utlopsdato|frist|hvor lenge|" +
		"valido|validez|vence|vencimiento|caduca|caducidad|hasta cuando|fecha limite|" +
		"有效期|过期|到期|截止|有效|" +
		"scadenza|scade|valido fino|valida fino|validità|fino a quando|entro quando|validade|válido até|vale até|" +
		"expira|vence|até quando|prazo de validade|geldig|geldig tot|geldigheid|verloopt|vervalt|vervaldatum|" +
		"tot wanneer|giltig|giltig till|giltighet|giltighetstid|går ut|utgångsdatum|hur länge|gyldig|gyldigt|gyldighed|" +
		"udløber|udløbsdato|hvor længe|ważna|ważny|ważność|ważności|do kiedy|wygasa|termin ważności|有効期限|期限|いつまで有効|有効|" +
		"過期",
	FieldPayment: "payment terms|terms of payment|payment term|payment conditions|when do we pay|when do i pay|when must we pay|" +
		"when should we pay|when is payment due|payment due|due date|pay the invoice|when is the invoice due|" +
		"conditions de paiement|modalites de paiement|delai de paiement|quand payer|quand devons nous payer|quand faut il payer|echeance de paiement|" +
		"zahlungsbedingungen|zahlungsziel|zahlungsfrist|wann zahlen|wann mussen wir zahlen|wann muss ich zahlen|wann ist die zahlung fallig|" +
		"betalingsbetingelser|betalingsvilkar|betalingsfrist|forfall|forfallsdato|nar skal vi betale|nar ma vi betale|nar skal jeg betale|" +
		"condiciones de pago|terminos de pago|plazo de pago|cuando pagamos|cuando hay que pagar|cuando debemos pagar|" +
		"cuando tengo que pagar|vencimiento del pago|" +
		"付款条件|付款方式|付款期限|支付条件|什么时候付款|何时付款|账期|" +
		"condizioni di pagamento|termini di pagamento|quando dobbiamo pagare|quando si paga|scadenza del pagamento|" +
		"condições de pagamento|prazo de pagamento|quando pagamos|quando devemos pagar|quando temos que pagar|" +
		"betalingsvoorwaarden|betalingstermijn|betaaltermijn|wanneer moeten we betalen|wanneer betalen we|" +
		"betalningsvillkor|betalningsvillkoren|betalningstid|när ska vi betala|när måste vi betala|förfallodag|" +
		"betalingsbetingelser|betalingsbetingelserne|hvornår skal vi betale|warunki płatności|termin płatności|" +
		"kiedy płacimy|kiedy musimy zapłacić|kiedy mamy zapłacić|支払条件|支払い条件|お支払い条件|支払期限|支払い期限|いつ支払|" +
		"付款條件|付款期限|支付條件|什麼時候付款|帳期",
	FieldDelivery: "delivery terms|delivery date|delivery time|when will it be delivered|when will we receive|when will it arrive|" +
		"when is delivery|lead time|delivered when|how is it delivered|when do we get|" +
		"conditions de livraison|delai de livraison|date de livraison|quand sera livre|quand serons nous livres|quand la livraison|quand recevrons nous|" +
		"lieferbedingungen|lieferzeit|liefertermin|lieferdatum|wann wird geliefert|wann wird es geliefert|wann erfolgt die lieferung|wann bekommen wir|" +
		"leveringsbetingelser|leveringsvilkar|leveringstid|leveringsdato|nar blir det levert|nar kommer leveransen|nar far vi|levering|" +
		"condiciones de entrega|plazo de entrega|fecha de entrega|cuando se entrega|cuando llega|cuando recibiremos|" +
		"交货|交付|交货期|发货|送货|到货|交货时间|什么时候交付|什么时候发货|" +
		"condizioni di consegna|termini di consegna|tempi di consegna|data di consegna|quando arriva|consegna|" +
		"condições de entrega|prazo de entrega|data de entrega|quando chega|entrega|leveringsvoorwaarden|levertijd|" +
		"leverdatum|leveringstermijn|wanneer wordt het geleverd|levering|leveransvillkor|leveransvillkoren|leveranstid|" +
		"leveransdatum|när levereras|leverans|leveringsbetingelser|leveringsbetingelserne|leveringstid|leveringsdato|" +
		"hvornår leveres|levering|warunki dostawy|termin dostawy|czas dostawy|data dostawy|kiedy dostawa|dostawa|" +
		"dostawy|納期|納品|配送|お届け|納品条件|引き渡し|" +
		"交貨|交貨期|發貨|送貨|到貨|交貨時間|什麼時候交付|什麼時候發貨",
	FieldCurrency: "currency|which currency|what currency|devise|quelle devise|monnaie|wahrung|welche wahrung|valuta|" +
		"hvilken valuta|moneda|que moneda|divisa|货币|币种|" +
		"valuta|quale valuta|moeda|qual moeda|munteenheid|welke valuta|vilken valuta|hvilken valuta|waluta|walucie|jakiej walucie|通貨|" +
		"貨幣|幣種",
	FieldItems: "what is included|what's included|whats included|what is in the quote|what does the quote include|line items|" +
		"items in the quote|what are we buying|" +
		"qu est ce qui est inclus|que comprend le devis|contenu du devis|lignes du devis|" +
		"was ist enthalten|was ist im angebot|positionen|was beinhaltet das angebot|" +
		"hva er inkludert|hva inneholder tilbudet|hva er med i tilbudet|" +
		"que incluye|que esta incluido|que contiene el presupuesto|" +
		"包括什么|包含什么|包含哪些|报价包括|有哪些项目|" +
		"cosa include|cosa comprende|cosa è incluso|voci del preventivo|o que está incluído|o que inclui|" +
		"itens do orçamento|wat is inbegrepen|wat omvat de offerte|wat staat er in de offerte|vad ingår|" +
		"vad innehåller offerten|vad omfattar offerten|hvad er inkluderet|hvad indeholder tilbuddet|" +
		"hvad omfatter tilbuddet|co zawiera oferta|co obejmuje oferta|co jest w ofercie|pozycje oferty|何が含まれ|含まれているもの|" +
		"明細|" +
		"包括什麼|包含什麼|報價包括|有哪些項目",
}

// priceCues ask what something costs; with a line item named they ask for its price, and
// alone ("how much is it?") for the total, unless the question names something the
// quote does not hold ("how much is shipping to Norway?": the knowledge, or a person).
const priceCues = "how much|price|prices|cost|costs|priced|unit price|per unit|each|" +
	"combien|prix|coute|coutent|tarif|prix unitaire|" +
	"wie viel|wieviel|preis|preise|kostet|kosten|stuckpreis|einzelpreis|" +
	"hvor mye|pris|koster|enhetspris|" +
	"cuanto|cuanto cuesta|cuanto vale|precio|precios|cuesta|cuestan|vale|precio unitario|" +
	"多少钱|价格|价钱|单价|费用|多少|" +
	"quanto costa|quanto costano|prezzo|prezzi|costo|costa|costano|prezzo unitario|quanto|" +
	"quanto custa|quanto custam|preço|preços|custo|custa|custam|preço unitário|" +
	"hoeveel kost|hoeveel kosten|prijs|prijzen|kost|kosten|stukprijs|" +
	"vad kostar|hur mycket kostar|priset|priser|kostar|kostnad|styckpris|hur mycket|" +
	"hvad koster|hvor meget koster|prisen|koster|hvor meget|stykpris|" +
	"ile kosztuje|ile kosztują|ile kosztuja|cena|ceny|cenę|koszt|kosztuje|kosztują|cena jednostkowa|ile|" +
	"いくら|価格|値段|単価|料金|費用|" +
	"多少錢|價格|價錢|單價"

// quantityCues ask how many.
const quantityCues = "how many|quantity|quantities|number of|" +
	"combien de|quantite|nombre de|" +
	"wie viele|wieviele|menge|anzahl|stuckzahl|" +
	"hvor mange|antall|mengde|" +
	"cuantos|cuantas|cantidad|" +
	"几个|多少个|数量|几套|几份|" +
	"quanti|quante|quantità|numero di|quantos|quantas|quantidade|número de|aantal|hoeveelheid|hoeveel stuks|" +
	"hur många|antal|antalet|hvor mange|antallet|mængde|ile sztuk|ilość|ilości|liczba|" +
	"いくつ|何個|数量|何台|何名|何本|何セット|" +
	"幾個|多少個|數量|幾套|幾份"

// generalCues make a question about the business rather than this quote: a policy, what
// is offered to everyone, or a change to the quote ("can we get a bigger discount?"):
// the knowledge answers those, or a person. The quote's fields would answer the wrong
// question.
const generalCues = "policy|policies|in general|generally|usually|normally|do you offer|do you accept|do you ship|do you deliver|" +
	"more|extra|additional|bigger|better|lower|cheaper|negotiate|negotiable|instead|change|" +
	"politique|en general|generalement|proposez vous|acceptez vous|livrez vous|plus de|supplementaire|meilleur|moins cher|negocier|" +
	"richtlinie|richtlinien|allgemein|normalerweise|bieten sie|akzeptieren sie|liefern sie|zusatzlich|zusatzlichen|" +
	"weiteren|mehr|besseren|gunstiger|verhandeln|" +
	"retningslinjer|generelt|vanligvis|tilbyr dere|godtar dere|leverer dere|ekstra|mer|storre|bedre|billigere|forhandle|" +
	"politica|en general|normalmente|ofrecen|aceptan|envian|adicional|mas|mayor|mejor|mas barato|negociar|" +
	"政策|一般|通常|额外|更多|更大|更便宜|再便宜|谈判|" +
	"politica|in generale|di solito|normalmente|offrite|accettate|aggiuntivo|aggiuntiva|più|maggiore|migliore|più economico|negoziare|trattare|" +
	"política|em geral|geralmente|vocês oferecem|vocês aceitam|adicional|mais|maior|melhor|mais barato|" +
	"beleid|in het algemeen|meestal|normaal|bieden jullie|accepteren jullie|meer|grotere|betere|goedkoper|onderhandelen|" +
	"i allmänhet|vanligtvis|erbjuder ni|accepterar ni|större|bättre|förhandla|" +
	"politik|normalt|tilbyder i|accepterer i|mere|større|bedre|billigere|forhandle|" +
	"polityka|zasady|ogólnie|zazwyczaj|zwykle|czy oferujecie|czy akceptujecie|dodatkowy|dodatkowe|dodatkowy|więcej|" +
	"większy|większą|lepszy|lepszą|taniej|negocjować|" +
	"ポリシー|方針|一般的|通常|普段|追加|もっと|さらに|安く|交渉|" +
	"額外|更便宜|談判"

// stopWords are the words that say nothing of what is asked: a cost question made only
// of them and the cues ("how much is it altogether?") asks for the total.
const stopWords = "the a an is it this that what whats s how much for of in on to we i our my you your are be will do does please " +
	"quote quotation offer proposal altogether everything all whole overall pay price cost total amount " +
	"le la les l de du des un une est ce c que qu quel quelle il elle nous vous je pour en au aux devis offre tout " +
	"der die das den dem des ein eine ist es was wie wir ich sie fur im in an zu uns unser angebot alles " +
	"den det er hva hvor vi jeg for i pa til av et en dette tilbudet tilbud alt " +
	"el la los las lo un una es que de del por para en nos nosotros me mi presupuesto cotizacion oferta todo " +
	"il lo la i gli le un una uno e di del della dei per nel nella che cosa qual quale quali questo questa preventivo tutto ci mi " +
	"o os as e do da dos das um uma qual quais por no na isso este esta orçamento proposta tudo " +
	"de het een is wat hoe voor van op te we ik ons onze mijn u uw zijn deze dit offerte alles " +
	"är vad hur och denna detta offerten offert allt ni " +
	"hvad af og dette tilbuddet alt " +
	"jest jaka jaki jakie to ta ten co czy na w z do dla nas my mi tej oferta oferty ofercie wszystko "
