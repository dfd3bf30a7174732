package agent

import (
	"strings"
	"testing"
	"unicode/utf8"

	"agent/app/knowledge"
)

// The extractive answer quotes the passage as it was written: a list stays a list, on
// its own lines with its dashes or numbers, and a list item comes with the sentence that
// introduces it.
func TestExtractiveKeepsStructure(t *testing.T) {
	for _, tc := range []struct{ name, query, text, want string }{
		{"sentence and the one after",
			"how much does shipping cost",
			"We ship from Bergen. Shipping costs 49 NOK. Orders over 500 NOK ship free. Returns are free.",
			"Shipping costs 49 NOK. Orders over 500 NOK ship free. Returns are free."},
		{"list item with its introduction",
			"Tromsø?",
			"We deliver to these cities:\n- Oslo\n- Bergen\n- Tromsø and Bodø\n\nOther places on request.",
			"We deliver to these cities:\n- Tromsø and Bodø\nOther places on request."},
		{"numbered steps stay numbered",
			"how do I return a bike",
			"To return a bike:\n1. Pack the bike in its box.\n2. Print the return label.\n3. Drop it at any post office.",
			"To return a bike:\n1. Pack the bike in its box.\n2. Print the return label."},
		{"items are not glued together",
			"what do I need to keep",
			"- keep the receipt\n- use the label",
			"- keep the receipt\n- use the label"},
		{"bullets become dashes",
			"what do I need to keep",
			"• keep the receipt\n• use the label",
			"- keep the receipt\n- use the label"},
	} {
		got, _ := extractive(tc.query, knowledge.Result{Chunk: knowledge.Chunk{Text: tc.text}})
		if got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// The answer is the sentence that answers the question, not the first one that shares
// its words: for "how much" the one with the price, for "when" the one with the time.
func TestExtractiveAnswersTheQuestion(t *testing.T) {
	const batteries = "Batteries and chargers\n" +
		"Old batteries: we take back your old battery for recycling when you buy a new battery from us, free of charge.\n" +
		"Prices, fitting included:\n" +
		"- Battery check: 25 EUR\n" +
		"- New battery 500 Wh: 699 EUR\n" +
		"- Charger 4 A: 89 EUR\n" +
		"- Bike service: 119 EUR\n" +
		"Batteries are in stock for all bikes we sell."
	for _, tc := range []struct{ name, query, text, want string }{
		{"price from a price list, not the recycling note",
			"How much is a new battery?", batteries,
			"Prices, fitting included:\n- New battery 500 Wh: 699 EUR\nBatteries are in stock for all bikes we sell."},
		{"price asked another way",
			"What does a new battery cost", batteries,
			"Prices, fitting included:\n- New battery 500 Wh: 699 EUR\nBatteries are in stock for all bikes we sell."},
		{"no kind asked: most shared words",
			"Do you recycle old batteries?", batteries,
			"Old batteries: we take back your old battery for recycling when you buy a new battery from us, free of charge.\n" +
				"Prices, fitting included:\n- Battery check: 25 EUR"},
		{"table row with its header, other rows left out",
			"What does the battery cost?",
			"Part | Price | Note\nCharger | 89 EUR | Fits all models. Ships in a box\nBattery 500 Wh | 699 EUR | Incl. fitting. Two years warranty\nLock | 19 EUR | Keys included",
			"Part | Price | Note\nBattery 500 Wh | 699 EUR | Incl. fitting. Two years warranty"},
		{"when: the sentence with the time",
			"When is the workshop open?",
			"Our workshop repairs all brands. The workshop is open Tuesday to Saturday, 10:00 to 18:00. Book a slot online.",
			"The workshop is open Tuesday to Saturday, 10:00 to 18:00. Book a slot online."},
		{"how long: the sentence with the number",
			"How long does a battery repair take?",
			"Battery repairs are done in our workshop. A battery repair takes 3 to 5 days. We call you when it is ready.",
			"A battery repair takes 3 to 5 days. We call you when it is ready."},
		{"numbered steps are all kept, even without the asked number",
			"how long does a refund take?",
			"Refunds:\n1. We check the item within 2 days.\n2. We pay back the money. Cards can take longer.\n3. You get an email.",
			"Refunds:\n1. We check the item within 2 days.\n2. We pay back the money. Cards can take longer."},
		{"list items are never run together",
			"what frame sizes are there",
			"Frame sizes:\n- S. For 150 to 165 cm\n- M. For 165 to 180 cm\n- L. For 180 to 195 cm",
			"Frame sizes:\n- S. For 150 to 165 cm\n- M. For 165 to 180 cm"},
	} {
		got, _ := extractive(tc.query, knowledge.Result{Chunk: knowledge.Chunk{Text: tc.text}})
		if got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// A sentence too long to quote (a paragraph of PDF text without punctuation) is cut to a
// window around the question's words, at spaces, with the cuts marked.
func TestExtractiveBoundsLength(t *testing.T) {
	filler := strings.Repeat("the frame is made of aluminium and comes in three colours ", 12)
	text := filler + "a new battery costs 699 EUR with fitting " + filler
	got, _ := extractive("How much is a new battery?", knowledge.Result{Chunk: knowledge.Chunk{Text: text}})
	if !strings.Contains(got, "a new battery costs 699 EUR") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") ||
		len(got) > maxExtractChars+2*len("…") {
		t.Errorf("got %d bytes: %q", len(got), got)
	}
	cjk := strings.Repeat("電池の価格は", 200)
	if got, _ := extractive("電池", knowledge.Result{Chunk: knowledge.Chunk{Text: cjk}}); !utf8.ValidString(got) || len(got) > maxExtractChars+2*len("…") {
		t.Errorf("unspaced text cut badly: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

func TestAskedKind(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  kind
	}{
		{"How much is a new battery?", priceKind},
		{"Was kostet ein neuer Akku?", priceKind},
		{"Hva koster et nytt batteri?", priceKind},
		{"Combien coûte une batterie ?", priceKind},
		{"How many bikes can I rent?", numberKind},
		{"Combien de temps dure la livraison ?", numberKind},
		{"When do you open on Saturday?", timeKind},
		{"Når åpner dere?", timeKind},
		{"Do you recycle batteries?", anyKind},
		{"Is the charger included?", anyKind},
	} {
		if got := askedKind(tc.query); got != tc.want {
			t.Errorf("%q: got %d, want %d", tc.query, got, tc.want)
		}
	}
	for _, tc := range []struct {
		k    kind
		text string
		want bool
	}{
		{priceKind, "New battery 500 Wh: 699 EUR", true},
		{priceKind, "Shipping costs 49 NOK.", true},
		{priceKind, "From €5 a month", true},
		{priceKind, "A 500 Wh battery lasts 80 km", false},
		{priceKind, "Recycling is free of charge", false},
		{timeKind, "Open Tuesday to Saturday", true},
		{timeKind, "Open 10:00 to 18:00", true},
		{timeKind, "Delivery takes 3 business days", true},
		{timeKind, "New battery 500 Wh: 699 EUR", false},
		{numberKind, "Up to 80 km", true},
		{numberKind, "As far as you like", false},
	} {
		if got := tc.k.carriedBy(tc.text); got != tc.want {
			t.Errorf("kind %d in %q: got %v", tc.k, tc.text, got)
		}
	}
}
