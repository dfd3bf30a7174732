package knowledge

import (
	"context"
	"strings"
	"unicode"
)

// UnknownWords returns the content words of text that the knowledge never uses, neither
// the word nor its stem: "dog" in "Can I bring my dog into the shop?" when no article
// mentions dogs. A question about something the knowledge does not mention is not
// answered by the source that matched its other words, however well they match; the
// decision counts these against an answer (agent/decide.go). Question and function words
// are not content words, nor numbers (values, not topics: an order number). The counts are the install's, so a word another workspace uses
// is not unknown: the reading errs toward answering as before. nil when the index
// statistics cannot be read or are older than the last change of the knowledge (for up
// to a minute after it): a word just added must not send customers away.
func (m *Manager) UnknownWords(ctx context.Context, text string) []string {
	stats, exact := m.stats.get(ctx)
	if stats == nil || !exact {
		return nil
	}
	a := analyze(text)
	var unknown []string
	seen := map[string]bool{}
	for _, w := range a.words {
		f, r := fold(w), []rune(w)
		if commonWords[f] || seen[f] || isUnspaced(r[0]) || unicode.IsDigit(r[0]) {
			continue
		}
		seen[f] = true
		if stats.df[f] == 0 && !knownStem(stats, fold(string(r[:min(len(r), unknownStemLen)]))) {
			unknown = append(unknown, w)
		}
	}
	return unknown
}

// unknownStemLen is how many letters a word shares with one the knowledge uses to count as
// known: shorter than stemLen, so that the inflections stems keep apart ("closing",
// "close") are known; a word the knowledge only resembles in four letters is rare.
const unknownStemLen = 4

// knownStem reports whether the index holds a word starting with stem. Only words missing
// as they are get here, so the scan of the vocabulary is rare.
func knownStem(stats *indexStats, stem string) bool {
	if stats.df[stem] > 0 {
		return true
	}
	for t := range stats.df {
		if strings.HasPrefix(t, stem) {
			return true
		}
	}
	return false
}
