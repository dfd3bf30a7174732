package closing_test

import (
	"context"
	"testing"

	"agent/app/agent"
	"agent/app/closing"
)

// TestWhichLine: a word that means two lines gets the question back, with the lines as
// options; a tapped line is answered from the quote, "Something else" goes to a person.
func TestWhichLine(t *testing.T) {
	f := newEvalFixture(t)
	e := agent.NewEngine(agent.Options{Knowledge: f.knowledge})
	q := f.quotes["Q-2026-044"]
	ctx := context.Background()
	ask := agent.Message{Text: "What do the gloves cost?", Lang: "en"}
	r, err := closing.Reply(ctx, e, f.settings, q, ask)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Winter gloves", "Summer gloves", "Something else"}
	if r.Decision != agent.Clarify || r.Reason != closing.ReasonQuoteLine || r.Text != "Which line of the quote do you mean?" ||
		len(r.QuickReplies) != 3 || r.QuickReplies[0] != want[0] || r.QuickReplies[1] != want[1] || r.QuickReplies[2] != want[2] {
		t.Fatalf("asked which gloves: %s (%s) %q %q", r.Decision, r.Reason, r.Text, r.QuickReplies)
	}
	history := []agent.Turn{{Author: agent.AuthorVisitor, Text: ask.Text},
		{Author: agent.AuthorBot, Text: r.Text, Decision: r.Decision, Reason: r.Reason, Query: r.Query, Options: r.QuickReplies}}
	r, err = closing.Reply(ctx, e, f.settings, q, agent.Message{Text: "summer gloves", Lang: "en", History: history})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Summer gloves: 12 × 29.90 USD, 358.80 USD before VAT."; r.Decision != agent.Answer || r.Reason != closing.ReasonQuote || r.Text != want {
		t.Errorf("the tapped line: %s (%s) %q, want %q", r.Decision, r.Reason, r.Text, want)
	}
	r, err = closing.Reply(ctx, e, f.settings, q, agent.Message{Text: "Something else", Lang: "en", History: history})
	if err != nil {
		t.Fatal(err)
	}
	if r.Decision != agent.Handoff || r.Reason != agent.ReasonOther {
		t.Errorf("something else: %s (%s) %q", r.Decision, r.Reason, r.Text)
	}
}
