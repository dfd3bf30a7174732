package agent_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"agent/app/agent"
)

// The bike shop's price list, uploaded as the PDF Chromium prints (bullets drawn as
// dots, a table), answers "How much is a new battery?" without a model by quoting the
// battery's price line, not the recycling note nor the other prices.
func TestExtractiveAnswersFromAPricePDF(t *testing.T) {
	f := newFixture(t)
	data, err := os.ReadFile("../knowledge/extract/testdata/pricelist-chrome.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.knowledge.AddFile(context.Background(), f.ws, "pricelist.pdf", "application/pdf", data); err != nil {
		t.Fatal(err)
	}
	e := agent.NewEngine(agent.Options{Knowledge: f.knowledge})
	r := ask(t, e, f.agent(t, nil), "How much is a new battery?")
	if r.Decision != agent.Answer || r.Mode != agent.ModeExtractive {
		t.Fatalf("reply: %+v", r)
	}
	if !strings.Contains(r.Text, "- New battery 500 Wh: 699 EUR") || strings.Contains(r.Text, "recycling") || strings.Contains(r.Text, "89 EUR") {
		t.Errorf("quote %q", r.Text)
	}
}
