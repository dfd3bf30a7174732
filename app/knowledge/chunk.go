package knowledge

import (
	"fmt"
	"strings"

	"agent/app/knowledge/extract"
)

// maxChunkTokens bounds a chunk: a few hundred words, enough to hold one answer with its
// context and small enough that a handful fit in a model's prompt.
const maxChunkTokens = 300

// draft is a chunk before it is stored.
type draft struct {
	heading string
	anchor  string
	text    string
}

// chunkDocument splits a document along its headings; a section longer than
// maxChunkTokens is split at paragraph (then sentence) boundaries, each piece keeping the
// section's heading path and anchor. A top heading that repeats the source's title is
// left out of the path, which is shown after the title ("Our bikes › E-City", not
// "Our bikes › Our bikes › E-City"). A chunk with the heading and text of one before
// is left out: it would answer nothing the first does not, and a file of one page
// repeated 150,000 times would otherwise be 150,000 chunks.
func chunkDocument(doc extract.Document, title string) []draft {
	var out []draft
	seen := map[[2]string]bool{}
	for _, s := range doc.Sections {
		text := strings.TrimSpace(s.Text)
		if text == "" {
			continue
		}
		headings := s.Headings
		if len(headings) > 0 && strings.EqualFold(strings.TrimSpace(headings[0]), strings.TrimSpace(title)) {
			headings = headings[1:]
		}
		heading := strings.Join(headings, " › ")
		for _, piece := range splitText(text, maxChunkTokens) {
			if key := [2]string{heading, piece}; !seen[key] {
				seen[key] = true
				out = append(out, draft{heading: heading, anchor: s.Anchor, text: piece})
			}
		}
	}
	return out
}

// chunkLimitError is a source that makes more chunks than a source may have.
type chunkLimitError struct {
	what          string // "file", "page", "article"
	chunks, limit int
}

func (e *chunkLimitError) Error() string {
	msg := fmt.Sprintf("this %s makes %d chunks of text, more than the %d a source may have (knowledge.max_chunks_per_source)",
		e.what, e.chunks, e.limit)
	if e.what != "page" { // a page cannot be split by whoever adds it
		msg += ": split it into smaller ones"
	}
	return msg
}

// checkChunks refuses a source with more chunks than the limit per source: one upload
// must not fill the database (and every search) with what may be a generated file.
func (m *Manager) checkChunks(what string, drafts []draft) error {
	if len(drafts) > m.opts.MaxChunksPerSource {
		return &chunkLimitError{what: what, chunks: len(drafts), limit: m.opts.MaxChunksPerSource}
	}
	return nil
}

// size counts a text's index tokens, so that Chinese and English chunks come out alike.
func size(text string) int { return len(analyze(text).words) }

// splitText cuts text into pieces of at most max tokens, preferring paragraph breaks,
// then sentence ends, then spaces.
func splitText(text string, max int) []string {
	if size(text) <= max {
		return []string{text}
	}
	var pieces []string
	var cur []string
	curSize := 0
	emit := func() {
		if len(cur) > 0 {
			pieces = append(pieces, strings.Join(cur, "\n\n"))
			cur, curSize = nil, 0
		}
	}
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		n := size(para)
		if n > max {
			emit()
			pieces = append(pieces, splitSentences(para, max)...)
			continue
		}
		if curSize+n > max {
			emit()
		}
		cur = append(cur, para)
		curSize += n
	}
	emit()
	return pieces
}

// sentenceEnds are the characters that end a sentence in the languages we index.
const sentenceEnds = ".!?。！？؟।"

// splitSentences packs the sentences of one long paragraph into pieces of at most max tokens.
func splitSentences(para string, max int) []string {
	var sentences []string
	start := 0
	runes := []rune(para)
	for i, r := range runes {
		if strings.ContainsRune(sentenceEnds, r) && (i+1 == len(runes) || runes[i+1] == ' ' || r > 0x2000) {
			sentences = append(sentences, strings.TrimSpace(string(runes[start:i+1])))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(string(runes[start:])); rest != "" {
		sentences = append(sentences, rest)
	}
	var pieces []string
	var cur strings.Builder
	curSize := 0
	for _, s := range sentences {
		n := size(s)
		if curSize > 0 && curSize+n > max {
			pieces = append(pieces, cur.String())
			cur.Reset()
			curSize = 0
		}
		if n > max {
			// One sentence longer than a chunk: cut it by words.
			pieces = append(pieces, splitWords(s, max)...)
			continue
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(s)
		curSize += n
	}
	if cur.Len() > 0 {
		pieces = append(pieces, cur.String())
	}
	return pieces
}

// splitWords cuts a text with no usable sentence breaks into pieces of about max tokens.
func splitWords(s string, max int) []string {
	runes := []rune(s)
	// Unspaced scripts: about one token per character.
	if !strings.ContainsRune(s, ' ') {
		var out []string
		for len(runes) > max {
			out = append(out, string(runes[:max]))
			runes = runes[max:]
		}
		return append(out, string(runes))
	}
	words := strings.Fields(s)
	var out []string
	for len(words) > max {
		out = append(out, strings.Join(words[:max], " "))
		words = words[max:]
	}
	return append(out, strings.Join(words, " "))
}
