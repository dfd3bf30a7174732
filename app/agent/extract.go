package agent

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"agent/app/knowledge"
)

// Extractive replies quote at most this many sentences and about this many characters.
const (
	maxSentences    = 3
	maxExtractChars = 450
)

// extractive writes an answer without a model: a short answer as it is, else the one to
// three sentences of the best chunk that share most with the question, with its source.
func extractive(query string, best knowledge.Result) (string, []Citation) {
	cite := []Citation{citation(1, best)}
	if best.Source.Kind == knowledge.KindShortAnswer {
		return strings.TrimSpace(best.Text), cite
	}
	sentences := splitSentences(best.Text)
	if len(sentences) == 0 {
		return strings.TrimSpace(best.Text), cite
	}
	q := termSet(query)
	bestAt, bestScore := 0, -1
	for i, s := range sentences {
		if n := overlap(q, termSet(s)); n > bestScore {
			bestAt, bestScore = i, n
		}
	}
	// The best sentence and what follows it, which usually completes it ("It costs 5 €.
	// Orders over 50 € ship free."), within the length budget.
	picked := []string{sentences[bestAt]}
	size := len(sentences[bestAt])
	for i := bestAt + 1; i < len(sentences) && len(picked) < maxSentences; i++ {
		if size+len(sentences[i]) > maxExtractChars {
			break
		}
		picked = append(picked, sentences[i])
		size += len(sentences[i])
	}
	return strings.Join(picked, " "), cite
}

func citation(n int, r knowledge.Result) Citation {
	u := r.Source.URL
	if u != "" && r.Anchor != "" && !strings.Contains(u, "#") {
		u += "#" + r.Anchor
	}
	title := r.Source.Title
	if r.Heading != "" && r.Heading != title {
		title += " › " + r.Heading
	}
	return Citation{N: n, SourceID: r.Source.ID, ChunkID: r.ID, Title: title, URL: u, ExternalID: r.Source.ExternalID}
}

// splitSentences cuts text at sentence ends (., !, ?, and their CJK forms) and line
// breaks, which end list items and headings in extracted documents.
func splitSentences(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if s := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(b.String()), "-*•#> ")); s != "" {
			out = append(out, s)
		}
		b.Reset()
	}
	rs := []rune(text)
	for i, r := range rs {
		if r == '\n' {
			flush()
			continue
		}
		b.WriteRune(r)
		switch r {
		case '。', '！', '？', '｡':
			flush()
		case '.', '!', '?':
			// A sentence ends at punctuation followed by a space and not inside "e.g." or "3.5".
			if i+1 < len(rs) && unicode.IsSpace(rs[i+1]) && !abbreviation(b.String()) {
				flush()
			}
		}
	}
	flush()
	return out
}

// abbreviation reports whether s ends in an abbreviation whose dot ends no sentence.
func abbreviation(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	last := strings.ToLower(f[len(f)-1])
	switch last {
	case "e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "st.", "approx.", "z.b.", "p.ex.", "ca.":
		return true
	}
	return utf8.RuneCountInString(last) == 2 // an initial: "J. Smith"
}

// termSet is the set of a text's lower-cased words cut to five letters (a light stem),
// and of character pairs for scripts written without spaces.
func termSet(text string) map[string]bool {
	set := map[string]bool{}
	var prev rune
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		rs := []rune(w)
		if unicode.In(rs[0], unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai) {
			prev = 0
			for _, r := range rs {
				if prev != 0 {
					set[string([]rune{prev, r})] = true
				}
				prev = r
			}
			continue
		}
		if len(rs) > 5 {
			rs = rs[:5]
		}
		if len(rs) > 1 {
			set[string(rs)] = true
		}
	}
	return set
}

func overlap(a, b map[string]bool) int {
	n := 0
	for t := range a {
		if b[t] {
			n++
		}
	}
	return n
}
