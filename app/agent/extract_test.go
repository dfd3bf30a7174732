package agent

import (
	"testing"

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
