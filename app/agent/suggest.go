package agent

import (
	"context"
	"strings"
	"unicode/utf8"

	"agent/app/knowledge"
)

// Suggestion is a reply a person may send as is or edit first: the knowledge's own words
// for what the customer asked (or the person is typing), and the source they come from.
type Suggestion struct {
	Text   string
	Source Citation
}

// Suggestion bounds: at most MaxSuggestions replies, from at most MaxSuggestQuery characters
// of the question (what a person types can be long; the search needs its first words).
const (
	MaxSuggestions  = 3
	MaxSuggestQuery = 300
)

// Suggest returns up to MaxSuggestions replies to text, one per source, best first. A
// person picks among them, so no confidence is required; a source must hold enough of the
// question's words (or be a short answer the phrasing model or the embeddings matched) to
// be offered at all.
func (e *Engine) Suggest(ctx context.Context, a Agent, text, lang string) ([]Suggestion, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxSuggestQuery {
		text = string([]rune(text)[:MaxSuggestQuery])
	}
	if text == "" {
		return nil, nil
	}
	var r Reply
	results, err := e.search(ctx, a, text, lang, &r)
	if err != nil {
		return nil, err
	}
	var out []Suggestion
	for _, best := range bestPerSource(results) {
		if len(out) == MaxSuggestions {
			break
		}
		if !suggestible(best) {
			continue
		}
		body, cite := extractive(text, best)
		if strings.TrimSpace(body) == "" {
			continue
		}
		out = append(out, Suggestion{Text: body, Source: cite[0]})
	}
	return out, nil
}

// suggestible says whether a result says enough about the question to be offered.
func suggestible(r knowledge.Result) bool {
	return r.Coverage >= minCoverage || (r.Source.Kind == knowledge.KindShortAnswer && r.Match > 0.5) || (r.Calibrated && r.Closeness >= 0.5)
}
