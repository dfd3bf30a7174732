package agent

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"agent/app/knowledge"
)

// The decision thresholds, chosen on the clinc150 development set (docs/EVAL.md, Decisions):
// confidence = (coverage + marginWeight × margin) / (1 + marginWeight), where coverage is the
// idf-weighted share of the question's words the best source holds and margin how far its
// keyword score is ahead of the next source's (0 = tied, 1 = alone). When the best source is
// a short answer the phrasing model scored, how sure the model is (Result.Match) is a second
// reading of the evidence, (match + coverage + marginWeight × margin) / (2 + marginWeight).
// With embeddings, a third reading is the similarity on the workspace's own scale
// (Result.Closeness), enough at or above its cut, calibrated on the workspace's short
// answers (knowledge/calibration.go), since no fixed threshold suits every model. Any
// reading can be enough: the model knows phrasings that share few words with the question
// ("when are you closing"), the embeddings know words that mean the same ("shut"), the
// keywords do better where short answers have only one or two phrasings to learn from.
const (
	marginWeight  = 0.5
	minConfidence = 0.24 // below: nothing in the knowledge answers it
	minCoverage   = 0.35 // below: too little of the question is in the best source, however alone it is
	// The same for the reading with the phrasing model; it needs no coverage floor.
	minMatchedConfidence = 0.28
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
	// A message this short that matches nothing gets a question back rather than a handoff.
	vagueWords = 2
	vagueRunes = 4 // for scripts written without spaces
)

type decision struct {
	decision    Decision
	reason      Reason
	confidence  float64
	options     []string           // clarify: quick replies
	evidence    []knowledge.Result // answer: what the reply rests on, best first
	fingerprint string             // answer: to spot a repeat
	signals     *Signals           // the figures it was weighed on, when the search found anything
}

// Signals are the figures a decision was weighed on, so that a person (and agent eval's
// --details) can see why it went as it did; nothing decides from them.
type Signals struct {
	Coverage   float64 `json:"coverage"`   // the share of the question the best source holds
	Margin     float64 `json:"margin"`     // keywordMargin: how far the best source is ahead
	Keyword    float64 `json:"keyword"`    // the best source's keyword score
	Match      float64 `json:"match"`      // the phrasing model's sureness, when Matched
	Matched    bool    `json:"matched"`    // the best source is a short answer the model scored
	Closeness  float64 `json:"closeness"`  // the calibrated closeness in meaning, when Calibrated
	Calibrated bool    `json:"calibrated"` // the best source has a calibrated closeness
	Enough     bool    `json:"enough"`     // the confidence is enough to answer (see confidence)
	// Tied lists the sources tied with the best one, itself first, when there are
	// several: a confident decision asks which one is meant.
	Tied []int64 `json:"tied,omitempty"`
}

// decide makes the decision from the search results and the conversation so far, without
// a model, so that it is the same in extractive mode and can be measured.
func decide(a Agent, text string, results []knowledge.Result, history []Turn) decision {
	tops := bestPerSource(results)
	var d decision
	confident := false
	if len(tops) > 0 {
		d.confidence, confident = confidence(tops)
		d.signals = signals(tops, confident)
	}
	last := lastBotTurn(history)
	if !confident {
		switch {
		case isVague(text) && last.Reason != ReasonVague && last.Reason != ReasonRephrase:
			d.decision, d.reason = Clarify, ReasonVague
		case a.RephraseFirst && last.Reason != ReasonRephrase && last.Reason != ReasonVague:
			d.decision, d.reason = Clarify, ReasonRephrase
		default:
			d.decision, d.reason = Handoff, ReasonNoMatch
		}
		return d
	}
	if opts := tiedOptions(tops); len(opts) > 1 && last.Reason != ReasonAmbiguous {
		d.decision, d.reason, d.options = Clarify, ReasonAmbiguous, opts
		return d
	}
	best := tops[0]
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

// confidence weighs the evidence for the best source and reports whether it is enough to
// answer; with several readings, the confidence is the strongest.
func confidence(tops []knowledge.Result) (float64, bool) {
	best := tops[0]
	margin := keywordMargin(tops)
	c := (best.Coverage + marginWeight*margin) / (1 + marginWeight)
	enough := c >= minConfidence && best.Coverage >= minCoverage
	if best.Matched {
		cm := (best.Match + best.Coverage + marginWeight*margin) / (2 + marginWeight)
		c, enough = max(c, cm), enough || cm >= minMatchedConfidence
	}
	if best.Calibrated {
		// At the cut, as sure as a guess either way; a spread above it, sure.
		cs := min(1, max(0, 0.5+best.Closeness/2))
		c, enough = max(c, cs), enough || best.Closeness >= 0
	}
	return c, enough
}

// signals reports the figures the decision about tops is weighed on.
func signals(tops []knowledge.Result, enough bool) *Signals {
	best := tops[0]
	s := &Signals{Coverage: best.Coverage, Margin: keywordMargin(tops), Keyword: best.Keyword, Match: best.Match,
		Matched: best.Matched, Closeness: best.Closeness, Calibrated: best.Calibrated, Enough: enough}
	if tied := tiedSources(tops); len(tied) > 1 {
		for _, r := range tied {
			s.Tied = append(s.Tied, r.Source.ID)
		}
	}
	return s
}

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

// tiedOptions returns the titles of the sources tied with the best one, when they are
// about different things (different titles); nil when the best stands out.
func tiedOptions(tops []knowledge.Result) []string {
	var opts []string
	for _, r := range tiedSources(tops) {
		opts = append(opts, r.Source.Title)
	}
	return opts
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
