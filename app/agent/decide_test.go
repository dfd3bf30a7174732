package agent

import (
	"slices"
	"testing"

	"agent/app/knowledge"
)

// Each trust level answers, offers options or hands off by its bands, and what the
// evidence says against an answer (a word the knowledge never uses, a bare word) holds at
// every level.
func TestBandsByTrust(t *testing.T) {
	between := func(lo, hi float64) float64 { return (lo + hi) / 2 }
	tests := []struct {
		name                      string
		s                         Signals
		cautious, balanced, eager Decision
	}{
		{"sure", Signals{Confidence: 0.95, Options: []int64{1}}, Answer, Answer, Answer},
		{"between balanced and cautious", Signals{Confidence: between(answerBalanced, answerCautious), Options: []int64{1}}, Clarify, Answer, Answer},
		{"between eager and balanced", Signals{Confidence: between(answerEager, answerBalanced), Options: []int64{1, 2}}, Clarify, Clarify, Answer},
		{"unsure", Signals{Confidence: between(clarifyFloor, answerEager), Options: []int64{1, 2}}, Clarify, Clarify, Clarify},
		{"unsure with nothing to offer", Signals{Confidence: between(clarifyFloor, answerEager)}, Handoff, Handoff, Handoff},
		{"nothing answers", Signals{Confidence: clarifyFloor / 2, Options: []int64{1}}, Handoff, Handoff, Handoff},
		{"a word the knowledge never uses", Signals{Confidence: 0.95, Unknown: 1, Options: []int64{1}}, Handoff, Handoff, Handoff},
		{"a word the embeddings know", Signals{Confidence: 0.95, Unknown: 1, Calibrated: true, Closeness: 0.5, Options: []int64{1}}, Answer, Answer, Answer},
		{"a word far in meaning", Signals{Confidence: 0.95, Unknown: 1, Calibrated: true, Closeness: -0.1, Options: []int64{1}}, Handoff, Handoff, Handoff},
		{"a bare word", Signals{Confidence: 0.95, Vague: true, Options: []int64{1, 2}}, Clarify, Clarify, Clarify},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for level, want := range map[Trust]Decision{TrustCautious: tt.cautious, TrustBalanced: tt.balanced, TrustEager: tt.eager} {
				if got := tt.s.Band(level); got != want {
					t.Errorf("%s: %s, want %s", level, got, want)
				}
			}
			if got, want := tt.s.Band(""), tt.s.Band(TrustBalanced); got != want {
				t.Errorf("no level: %s, want Balanced's %s", got, want)
			}
		})
	}
}

// result is a hand-made search result of one source.
func result(source int64, title string, keyword, coverage float64) knowledge.Result {
	return knowledge.Result{Chunk: knowledge.Chunk{ID: source * 10, SourceID: source}, Source: knowledge.SourceRef{ID: source, Title: title},
		Keyword: keyword, Score: keyword, Coverage: coverage}
}

// decide turns the evidence into the decision, with the conversation's rules on top, and
// Replay (what agent eval measures every level with) agrees with it on a first message.
func TestDecide(t *testing.T) {
	returns, recycling, shipping := result(1, "Returns policy", 20, 1), result(2, "Battery recycling", 5, 0.3), result(3, "Shipping", 4, 0.2)
	halfReturns := result(1, "Returns policy", 10, 0.6)
	closeRecycling := result(2, "Battery recycling", 9, 0.5)
	var bot = func(d Decision, r Reason, options ...string) []Turn {
		return []Turn{{Author: AuthorVisitor, Text: "?"}, {Author: AuthorBot, Decision: d, Reason: r, Options: options}}
	}
	tests := []struct {
		name     string
		trust    Trust
		vague    bool
		unknown  int
		results  []knowledge.Result
		history  []Turn
		decision Decision
		reason   Reason
		options  []int64
	}{
		{"clear", TrustBalanced, false, 0, []knowledge.Result{returns, recycling}, nil, Answer, ReasonAnswered, nil},
		{"clear, unknown word", TrustBalanced, false, 1, []knowledge.Result{returns, recycling}, nil, Handoff, ReasonNoMatch, nil},
		{"likely", TrustBalanced, false, 0, []knowledge.Result{halfReturns, closeRecycling, shipping}, nil, Clarify, ReasonUnsure, []int64{1, 2, 3}},
		{"likely, eager", TrustEager, false, 0, []knowledge.Result{result(1, "Returns policy", 10, 0.7), recycling}, nil, Answer, ReasonAnswered, nil},
		{"likely, balanced", TrustBalanced, false, 0, []knowledge.Result{result(1, "Returns policy", 10, 0.7), recycling}, nil, Clarify, ReasonUnsure, []int64{1, 2}},
		{"likely, options refused", TrustBalanced, false, 0, []knowledge.Result{halfReturns, closeRecycling}, bot(Clarify, ReasonUnsure, "Returns policy", "Something else"), Handoff, ReasonNoMatch, nil},
		{"bare word", TrustBalanced, true, 0, []knowledge.Result{returns, recycling}, nil, Clarify, ReasonUnsure, []int64{1, 2}},
		{"bare word, nothing found", TrustBalanced, true, 0, nil, nil, Clarify, ReasonVague, nil},
		{"nothing found", TrustBalanced, false, 0, nil, nil, Handoff, ReasonNoMatch, nil},
		{"tied", TrustBalanced, false, 0, []knowledge.Result{returns, result(2, "Refunds", 20, 1)}, nil, Clarify, ReasonAmbiguous, []int64{1, 2}},
		{"repeated", TrustBalanced, false, 0, []knowledge.Result{returns, recycling}, []Turn{{Author: AuthorBot, Decision: Answer, Fingerprint: "1:10"}}, Handoff, ReasonRepeated, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(Agent{Trust: tt.trust}, "", tt.vague, tt.results, tt.unknown, tt.history)
			var options []int64
			for _, o := range d.options {
				options = append(options, o.Source.ID)
			}
			if d.decision != tt.decision || d.reason != tt.reason || !slices.Equal(options, tt.options) {
				t.Fatalf("%s (%s) options %v, confidence %.3f; want %s (%s) %v", d.decision, d.reason, options, d.confidence,
					tt.decision, tt.reason, tt.options)
			}
			if d.signals == nil || tt.history != nil {
				return
			}
			replayed, sources := d.signals.Replay(tt.trust)
			want := options
			if d.decision == Answer {
				want = []int64{d.evidence[0].Source.ID}
			}
			if replayed != d.decision || !slices.Equal(sources, want) {
				t.Errorf("replayed %s %v, decided %s %v", replayed, sources, d.decision, want)
			}
		})
	}
}

// A second source that gives the same price as the best one backs its answer up: it
// neither narrows the margin nor ties with it. One that gives another price still does,
// and a question that asks for no price or time sets nothing apart.
func TestBackedUp(t *testing.T) {
	with := func(r knowledge.Result, text string) knowledge.Result { r.Text = text; return r }
	article := with(result(1, "E-bike batteries", 25, 1), "## Replacing a battery\n\nWe test batteries for free. "+
		"A new Bosch PowerPack 500 costs 699 EUR, fitted. We order other brands on request.")
	list := func(price string) knowledge.Result {
		return with(result(2, "Price list", 17, 1), "Parts and batteries:\n- New e-bike battery: "+price+", fitted\n- Charger: 89 EUR")
	}
	guide := with(result(3, "New bike guide", 12, 0.5), "A new bike needs a first service after a month.")
	tests := []struct {
		name     string
		query    string
		results  []knowledge.Result
		decision Decision
		agreeing []int64
	}{
		{"same price", "How much is a new battery?", []knowledge.Result{article, list("699 EUR"), guide}, Answer, []int64{2}},
		{"same price, written another way", "How much is a new battery?", []knowledge.Result{article, list("EUR 699"), guide}, Answer, []int64{2}},
		{"same price, with cents", "How much is a new battery?", []knowledge.Result{article, list("699.00 €"), guide}, Answer, []int64{2}},
		{"another price", "How much is a new battery?", []knowledge.Result{article, list("749 EUR"), guide}, Clarify, nil},
		{"no price asked", "Tell me about a new battery", []knowledge.Result{article, list("699 EUR"), guide}, Clarify, nil},
		{"tied, same price", "How much is a new battery?", []knowledge.Result{article, with(result(2, "Price list", 25, 1), "New battery: 699 EUR.")}, Answer, []int64{2}},
		{"tied, another price", "How much is a new battery?", []knowledge.Result{article, with(result(2, "Price list", 25, 1), "New battery: 749 EUR.")}, Clarify, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(Agent{Trust: TrustBalanced}, tt.query, false, tt.results, 0, nil)
			if d.decision != tt.decision || !slices.Equal(d.signals.Agreeing, tt.agreeing) {
				t.Errorf("%s (%s), confidence %.3f, agreeing %v; want %s, agreeing %v", d.decision, d.reason, d.confidence,
					d.signals.Agreeing, tt.decision, tt.agreeing)
			}
			if d.decision == Answer && d.evidence[0].Source.ID != 1 {
				t.Errorf("answered from %d", d.evidence[0].Source.ID)
			}
		})
	}
}
