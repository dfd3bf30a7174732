package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTitleRunes is how long a first line may be and still count as a title.
const maxTitleRunes = 100

// Text extracts a plain-text file: one section whose paragraphs are the blank-line
// separated blocks of the file (line breaks inside a paragraph are kept, as plain text
// often holds addresses and lists). The title is the first non-empty line when it is
// short enough to be one. The text is built as the file is read, without a value per
// line or paragraph, so that memory stays a small multiple of the file's size however
// it is cut (20 MB of line breaks would otherwise be 20 million strings).
func Text(data []byte) (Document, error) {
	s := decodeText(data)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\f", "\n\n")
	var b strings.Builder
	title := ""
	eachParagraph(s, func(p string) {
		c := cleanLines(p, false)
		if c == "" {
			return
		}
		if b.Len() == 0 {
			if first, _, _ := strings.Cut(c, "\n"); utf8.RuneCountInString(first) < maxTitleRunes {
				title = first
			}
		} else {
			b.WriteString("\n\n")
		}
		b.WriteString(c)
	})
	if b.Len() == 0 {
		return Document{}, fail("text", ErrEmpty, "the file has no text", nil)
	}
	return Document{Title: title, Sections: []Section{{Text: b.String()}}}, nil
}

// eachParagraph calls fn with each run of lines between lines that are empty or hold
// only whitespace.
func eachParagraph(s string, fn func(string)) {
	start := -1 // where the paragraph being read began
	for pos := 0; pos <= len(s); {
		line, rest, found := strings.Cut(s[pos:], "\n")
		end, blank := pos+len(line), blankLine(line)
		switch {
		case !blank && start < 0:
			start = pos
		case blank && start >= 0:
			fn(s[start : pos-1])
			start = -1
		}
		if !found {
			if start >= 0 {
				fn(s[start:end])
			}
			return
		}
		pos = len(s) - len(rest)
	}
}

// blankLine reports a line that collapse makes empty.
func blankLine(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !dropRune(r) {
			return false
		}
	}
	return true
}
