package agent

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"agent/app/knowledge"
)

// Trust is how sure an agent must be to answer on its own. A wrong answer with a source
// looks authoritative to a customer, so the default asks for a precision of 0.85 or
// better; Cautious for 0.95; Eager answers more and is wrong more often.
type Trust string

// The trust levels.
const (
	TrustCautious Trust = "cautious"
	TrustBalanced Trust = "balanced"
	TrustEager    Trust = "eager"
)

// Trusts lists every level in the order the admin shows them.
var Trusts = []Trust{TrustCautious, TrustBalanced, TrustEager}

// Label is the level's name as shown to people.
func (t Trust) Label() string {
	switch t {
	case TrustCautious:
		return "Cautious"
	case TrustEager:
		return "Eager"
	}
	return "Balanced"
}

// Explain says in one line what the level does, for the agent form.
func (t Trust) Explain() string {
	switch t {
	case TrustCautious:
		return "Answers only when the knowledge clearly answers the question; asks or hands off more often."
	case TrustEager:
		return "Answers more questions on its own, and is wrong more often."
	}
	return "Answers when the knowledge very likely answers the question; offers the closest topics otherwise."
}

// bands are the confidences at or above which a level answers, and at or above which it
// offers the best candidates as options; below, it hands off. Chosen on the development
// sets jointly (docs/EVAL.md, Trust levels): the lowest answer band at which every set
// reaches the level's precision (0.95, 0.85, 0.75), or, for a set whose evidence cannot
// with a coverage of 0.10, the band where its precision is highest.
var bands = map[Trust]struct{ answer, clarify float64 }{
	TrustCautious: {answerCautious, clarifyFloor},
	TrustBalanced: {answerBalanced, clarifyFloor},
	TrustEager:    {answerEager, clarifyFloor},
}

// The confidence weighs the evidence for the best source (docs/EVAL.md, Trust levels):
// (coverage + marginWeight × margin) / (1 + marginWeight), where coverage is the
// idf-weighted share of the question's words the best source holds and margin how far its
// keyword score is ahead of the next source's (0 = tied, 1 = alone). When the best source is
// a short answer the phrasing model scored, how sure the model is (Result.Match) is a second
// reading, (match + coverage + marginWeight × margin) / (2 + marginWeight). With embeddings,
// a third is the similarity on the workspace's own scale (Result.Closeness, calibrated on
// the workspace's short answers, knowledge/calibration.go): 0.5 at its cut. The strongest
// reading counts: the model knows phrasings that share few words with the question, the
// embeddings words that mean the same, the keywords do better where short answers have
// only one or two phrasings. A question with a content word the knowledge never uses
// ("dog" asked of a bike shop) is handed off whatever the confidence: the customer asked
// about something the knowledge does not mention, and a source matching the other words
// answers another question (on the development sets, 3 in 10 such answers were right).
const (
	marginWeight = 1.0
	// The keyword reading needs this much of the question in the best source, however
	// alone it is.
	minCoverage = 0.35

	answerCautious = 0.725
	answerBalanced = 0.685
	answerEager    = 0.57
	clarifyFloor   = 0.24 // below: nothing in the knowledge answers it

	// Two sources within tieMargin of each other, the second covering at least tieCoverage
	// of the question, are both plausible answers: ask which one is meant.
	tieMargin   = 0.03
	tieCoverage = 0.6
	// Two short answers the phrasing model scored tie only when it is about as sure of
	// both: keywords alone often tie where the model does not.
	tieMatch = 0.1
	// Nor do two sources the embeddings tell apart by a quarter of the workspace's spread.
	tieCloseness = 0.25
	maxOptions   = 3
	// The model gets the best chunks whose keyword score is at least evidenceShare of the
	// best one's, or that are close in meaning, at most maxEvidence.
	evidenceShare = 0.5
	maxEvidence   = 4
	// A message this short says too little to answer straight away ("price?"): it gets
	// the candidates as options, or a question back.
	vagueWords = 2
	vagueRunes = 4 // for scripts written without spaces
)

type decision struct {
	decision    Decision
	reason      Reason
	confidence  float64
	options     []knowledge.Result // clarify: the sources offered, best first
	evidence    []knowledge.Result // answer: what the reply rests on, best first
	fingerprint string             // answer: to spot a repeat
	signals     *Signals           // the figures it was weighed on, when the search found anything
}

// Signals are the figures a decision was weighed on, so that a person (and agent eval's
// --details) can see why it went as it did, and eval can replay the decision at every
// trust level (Band).
type Signals struct {
	Coverage   float64 `json:"coverage"`   // the share of the question the best source holds
	Margin     float64 `json:"margin"`     // keywordMargin: how far the best source is ahead
	Keyword    float64 `json:"keyword"`    // the best source's keyword score
	Match      float64 `json:"match"`      // the phrasing model's sureness, when Matched
	Matched    bool    `json:"matched"`    // the best source is a short answer the model scored
	Closeness  float64 `json:"closeness"`  // the calibrated closeness in meaning, when Calibrated
	Calibrated bool    `json:"calibrated"` // the best source has a calibrated closeness
	Source     int64   `json:"source"`     // the best source
	Unknown    int     `json:"unknown"`    // content words of the question the knowledge never uses
	Vague      bool    `json:"vague"`      // the message is too short to answer straight away
	Confidence float64 `json:"confidence"` // the evidence weighed (see confidence)
	// Exact: the message is one of the best source's phrasings, and no other's (exactFirst).
	Exact bool `json:"exact,omitempty"`
	// Tied lists the sources tied with the best one, itself first, when there are
	// several: a confident decision asks which one is meant.
	Tied []int64 `json:"tied,omitempty"`
	// Options lists the sources a clarify would offer, best first.
	Options []int64 `json:"options,omitempty"`
	// Agreeing lists the other sources that give the same price or time as the best
	// one (backedUp): not counted as competing with it.
	Agreeing []int64 `json:"agreeing,omitempty"`
}

// Band is what the evidence alone calls for at a trust level: Answer (from the best
// source, or a clarify among Tied), Clarify with Options, or Handoff. The conversation
// may still turn it (decide): a repeat hands off, a second clarify hands off.
func (s *Signals) Band(t Trust) Decision {
	b, ok := bands[t]
	if !ok {
		b = bands[TrustBalanced]
	}
	switch {
	case s.Exact:
		return Answer
	case s.Unknown > 0 && !(s.Calibrated && s.Closeness >= 0):
		// The embeddings know words that mean the same: close enough, the word is known.
		return Handoff
	case s.Confidence >= b.answer && !s.Vague:
		return Answer
	case s.Confidence >= b.clarify && len(s.Options) > 0:
		return Clarify
	}
	return Handoff
}

// Replay is the decision decide makes on a first message at a trust level, with the
// sources it rests on: the one answered from, the tied or likely ones offered, none for a
// handoff or a question back. agent eval measures every level from one pass with it.
func (s *Signals) Replay(t Trust) (Decision, []int64) {
	switch s.Band(t) {
	case Answer:
		if len(s.Tied) > 1 {
			return Clarify, s.Tied
		}
		return Answer, []int64{s.Source}
	case Clarify:
		if len(s.Tied) > 1 {
			return Clarify, s.Tied
		}
		return Clarify, s.Options
	}
	if s.Vague {
		return Clarify, nil
	}
	return Handoff, nil
}

// decide makes the decision from the search results and the conversation so far, without
// a model, so that it is the same in extractive mode and can be measured. unknown is how
// many content words of the question the knowledge never uses; vague, whether the
// message is too short to answer straight away (isVague).
func decide(a Agent, query string, vague bool, results []knowledge.Result, unknown int, history []Turn) decision {
	tops := bestPerSource(results)
	var d decision
	band := Handoff
	exact := false
	if len(tops) > 0 {
		var agree []int64
		tops, agree = backedUp(query, tops)
		d.confidence = confidence(tops)
		if tops, exact = exactFirst(tops); exact {
			d.confidence, vague = 1, false
		}
		d.signals = signals(tops, d.confidence, unknown, vague)
		d.signals.Exact = exact
		d.signals.Agreeing = agree
		band = d.signals.Band(a.Trust)
	}
	last := lastBotTurn(history)
	if band == Clarify && len(last.Options) > 0 {
		band = Handoff // the customer did not take the options offered: ask no more
	}
	switch band {
	case Handoff:
		switch {
		case vague && last.Reason != ReasonVague && last.Reason != ReasonRephrase:
			d.decision, d.reason = Clarify, ReasonVague
		case a.RephraseFirst && last.Reason != ReasonRephrase && last.Reason != ReasonVague:
			d.decision, d.reason = Clarify, ReasonRephrase
		default:
			d.decision, d.reason = Handoff, ReasonNoMatch
		}
		return d
	case Clarify:
		d.decision, d.reason, d.options = Clarify, ReasonUnsure, optionSources(tops)
		if tied := tiedSources(tops); len(tied) > 1 {
			d.reason, d.options = ReasonAmbiguous, tied
		}
		return d
	}
	if tied := tiedSources(tops); len(tied) > 1 && !exact && last.Reason != ReasonAmbiguous {
		d.decision, d.reason, d.options = Clarify, ReasonAmbiguous, tied
		return d
	}
	return answerFrom(d, tops[0], results, history)
}

// exactFirst puts first the one source the message is a phrasing of (knowledge.Result's
// Exact), and reports whether there is one: the business wrote that this is how customers
// ask for that answer, which is as sure as the knowledge can be, however short the message.
// Two sources with the same phrasing are no such evidence.
func exactFirst(tops []knowledge.Result) ([]knowledge.Result, bool) {
	at := -1
	for i, r := range tops {
		if r.Exact {
			if at >= 0 {
				return tops, false
			}
			at = i
		}
	}
	if at < 0 {
		return tops, false
	}
	out := append([]knowledge.Result{tops[at]}, tops[:at]...)
	return append(out, tops[at+1:]...), true
}

// answerFrom answers from best, with the results that back it up as evidence, unless the
// conversation already had that answer.
func answerFrom(d decision, best knowledge.Result, results []knowledge.Result, history []Turn) decision {
	d.fingerprint = strconv.FormatInt(best.Source.ID, 10) + ":" + strconv.FormatInt(best.ID, 10)
	for _, t := range history {
		if t.Author == AuthorBot && t.Decision == Answer && t.Fingerprint == d.fingerprint {
			d.decision, d.reason = Handoff, ReasonRepeated
			return d
		}
	}
	d.decision, d.reason = Answer, ReasonAnswered
	for _, r := range results {
		byWords := best.Keyword > 0 && r.Keyword >= evidenceShare*best.Keyword
		byMeaning := r.Calibrated && r.Closeness >= 0
		if (byWords || byMeaning) && len(d.evidence) < maxEvidence {
			d.evidence = append(d.evidence, r)
		}
	}
	if len(d.evidence) == 0 || d.evidence[0].ID != best.ID {
		d.evidence = append([]knowledge.Result{best}, d.evidence...)
	}
	return d
}

// backedUp sets apart the sources that give what the question asks for, a price or a
// time, the same as the best source does: the price list and the battery article both
// saying "699 EUR" back one answer up rather than compete, so they neither narrow the
// best one's margin nor tie with it. It returns the other sources, best first, and the
// ones set apart.
func backedUp(query string, tops []knowledge.Result) ([]knowledge.Result, []int64) {
	want := askedKind(query)
	if len(tops) < 2 || want != priceKind && want != timeKind {
		return tops, nil
	}
	q := knowledge.ContentTerms(query)
	given := func(r knowledge.Result) map[string]bool {
		ss := splitSentences(r.Text)
		if len(ss) == 0 {
			return nil
		}
		at, _, _ := bestSentence(q, want, ss)
		return want.values(ss[at].text)
	}
	best := given(tops[0])
	if len(best) == 0 {
		return tops, nil
	}
	rest := []knowledge.Result{tops[0]}
	var agree []int64
	for _, r := range tops[1:] {
		if r.Keyword > 0 && shares(given(r), best) {
			agree = append(agree, r.Source.ID)
			continue
		}
		rest = append(rest, r)
	}
	return rest, agree
}

// bestPerSource keeps the best chunk of each source, in ranking order: candidates are
// sources, since two chunks of one article are not two different answers.
func bestPerSource(results []knowledge.Result) []knowledge.Result {
	seen := map[int64]bool{}
	var tops []knowledge.Result
	for _, r := range results {
		if !seen[r.Source.ID] {
			seen[r.Source.ID] = true
			tops = append(tops, r)
		}
	}
	return tops
}

// confidence weighs the evidence for the best source: the strongest of its readings.
func confidence(tops []knowledge.Result) float64 {
	best := tops[0]
	margin := keywordMargin(tops)
	c := 0.0
	if best.Coverage >= minCoverage {
		c = (best.Coverage + marginWeight*margin) / (1 + marginWeight)
	}
	if best.Matched {
		c = max(c, (best.Match+best.Coverage+marginWeight*margin)/(2+marginWeight))
	}
	if best.Calibrated {
		// The cut answers at Balanced, as the calibration was measured (it was not on the
		// keyword-only development sets); a spread above it, sure.
		c = max(c, min(1, max(0, answerBalanced+(1-answerBalanced)*best.Closeness)))
	}
	return c
}

// signals reports the figures the decision about tops is weighed on.
func signals(tops []knowledge.Result, c float64, unknown int, vague bool) *Signals {
	best := tops[0]
	s := &Signals{Coverage: best.Coverage, Margin: keywordMargin(tops), Keyword: best.Keyword, Match: best.Match,
		Matched: best.Matched, Closeness: best.Closeness, Calibrated: best.Calibrated, Source: best.Source.ID, Unknown: unknown, Vague: vague,
		Confidence: c}
	if tied := tiedSources(tops); len(tied) > 1 && !best.Exact {
		for _, r := range tied {
			s.Tied = append(s.Tied, r.Source.ID)
		}
	}
	for _, r := range optionSources(tops) {
		s.Options = append(s.Options, r.Source.ID)
	}
	return s
}

// optionSources are the sources a clarify offers: the best ones with distinct titles, at
// most maxOptions.
func optionSources(tops []knowledge.Result) []knowledge.Result {
	var opts []knowledge.Result
	seen := map[string]bool{}
	for _, r := range tops {
		t := strings.ToLower(strings.TrimSpace(optionText(r)))
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		if opts = append(opts, r); len(opts) == maxOptions {
			break
		}
	}
	return opts
}

// optionText is how a source is offered as a quick reply: its title (a short answer's
// title is its question).
func optionText(r knowledge.Result) string { return r.Source.Title }

// keywordMargin is how far the best source's keyword score is ahead of the next best
// keyword score among the other sources: 1 when no other source matches a word, 0 when
// one matches as well or better (or the best matches none). Keyword scores, not the
// ranking's: fused ranks say little about how far apart two sources are.
func keywordMargin(tops []knowledge.Result) float64 {
	best := tops[0]
	if best.Keyword <= 0 {
		return 0
	}
	next := 0.0
	for _, r := range tops[1:] {
		next = max(next, r.Keyword)
	}
	return max(0, (best.Keyword-next)/best.Keyword)
}

// tiedSources returns the best source and those tied with it that have other titles, at
// most maxOptions; nil when the best matches no keyword.
func tiedSources(tops []knowledge.Result) []knowledge.Result {
	best := tops[0]
	if best.Keyword <= 0 {
		return nil
	}
	tied := []knowledge.Result{best}
	seen := map[string]bool{strings.ToLower(best.Source.Title): true}
	for _, r := range tops[1:] {
		if len(tied) == maxOptions {
			break
		}
		if math.Abs(best.Keyword-r.Keyword)/max(best.Keyword, r.Keyword) >= tieMargin || r.Coverage < tieCoverage ||
			best.Matched && r.Matched && best.Match-r.Match >= tieMatch ||
			best.Calibrated && r.Calibrated && best.Closeness-r.Closeness >= tieCloseness {
			continue // with embeddings, sources are in the fused order: a tie may come later
		}
		if t := strings.ToLower(r.Source.Title); !seen[t] && r.Source.Title != "" {
			seen[t] = true
			tied = append(tied, r)
		}
	}
	return tied
}

// isVague reports whether a message is too short to say what is wanted ("help", "order").
func isVague(text string) bool {
	if n := len(strings.Fields(text)); n > 1 {
		return n <= vagueWords
	}
	unspaced := 0
	for _, r := range text {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai) {
			unspaced++
		}
	}
	if unspaced > 0 {
		return unspaced <= vagueRunes
	}
	return true
}

func lastBotTurn(history []Turn) Turn {
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Author == AuthorBot {
			return history[i]
		}
	}
	return Turn{}
}
