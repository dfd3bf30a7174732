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
		if n := overlap(q, termSet(s.text)); n > bestScore {
			bestAt, bestScore = i, n
		}
	}
	// The best sentence and what follows it, which usually completes it ("It costs 5 €.
	// Orders over 50 € ship free."), within the length budget; a list item comes with the
	// sentence that introduces the list ("Orders ship free to:"), which it means nothing
	// without.
	var picked []sentence
	if sentences[bestAt].mark != "" {
		intro := bestAt - 1
		for intro >= 0 && sentences[intro].mark != "" {
			intro--
		}
		if intro >= 0 && strings.HasSuffix(sentences[intro].text, ":") {
			picked = append(picked, sentences[intro])
		}
	}
	size := 0
	for i := bestAt; i < len(sentences) && len(picked) < maxSentences; i++ {
		if i > bestAt && size+len(sentences[i].text) > maxExtractChars {
			break
		}
		picked = append(picked, sentences[i])
		size += len(sentences[i].text)
	}
	return joinSentences(picked), cite
}

// sentence is a piece of a chunk's text as the extractive answer quotes it.
type sentence struct {
	text    string
	newLine bool   // it begins a line of the text
	mark    string // of the list item it begins: "- " or "2. "
}

// joinSentences puts sentences back together as the text had them: on their own lines
// when they began one, list items with their dash, so that a list stays a list.
func joinSentences(ss []sentence) string {
	var b strings.Builder
	for i, s := range ss {
		switch {
		case i == 0:
		case s.newLine:
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
		b.WriteString(s.mark)
		b.WriteString(s.text)
	}
	return b.String()
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
func splitSentences(text string) []sentence {
	var out []sentence
	var b strings.Builder
	newLine := true
	flush := func() {
		raw := strings.TrimSpace(b.String())
		s := strings.TrimSpace(strings.TrimLeft(raw, "-*•#> "))
		if s != "" {
			mark := ""
			switch {
			case strings.IndexAny(raw, "-*•") == 0 && raw != s:
				mark = "- "
			case numbered(raw):
				k := strings.IndexAny(raw, ".)") + 1
				mark, s = raw[:k]+" ", strings.TrimSpace(raw[k:])
			}
			out = append(out, sentence{text: s, newLine: newLine, mark: mark})
		}
		b.Reset()
		newLine = false
	}
	rs := []rune(text)
	for i, r := range rs {
		if r == '\n' {
			flush()
			newLine = true
			continue
		}
		b.WriteRune(r)
		switch r {
		case '。', '！', '？', '｡':
			flush()
		case '.', '!', '?':
			// A sentence ends at punctuation followed by a space and not inside "e.g." or
			// "3.5", nor after the number of a numbered list item.
			if i+1 < len(rs) && unicode.IsSpace(rs[i+1]) && !abbreviation(b.String()) && !numbered(b.String()) {
				flush()
			}
		}
	}
	flush()
	return out
}

// numbered reports whether s opens with the number of a list item: "1. " or "2) ".
func numbered(s string) bool {
	s = strings.TrimSpace(s)
	k := 0
	for k < len(s) && k < 3 && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	return k > 0 && k < len(s) && (s[k] == '.' || s[k] == ')') && (k+1 == len(s) || s[k+1] == ' ')
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
