package extract

import (
	"strings"
	"unicode/utf8"
)

// maxTitleRunes is how long a first line may be and still count as a title.
const maxTitleRunes = 100

// Text extracts a plain-text file: one section whose paragraphs are the blank-line
// separated blocks of the file (line breaks inside a paragraph are kept, as plain text
// often holds addresses and lists). The title is the first non-empty line when it is
// short enough to be one.
func Text(data []byte) (Document, error) {
	s := decodeText(data)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\f", "\n\n")
	var paras []string
	for _, p := range splitParagraphs(s) {
		if c := cleanLines(p, false); c != "" {
			paras = append(paras, c)
		}
	}
	if len(paras) == 0 {
		return Document{}, fail("text", ErrEmpty, "the file has no text", nil)
	}
	first, _, _ := strings.Cut(paras[0], "\n")
	title := ""
	if utf8.RuneCountInString(first) < maxTitleRunes {
		title = first
	}
	return Document{Title: title, Sections: []Section{{Text: strings.Join(paras, "\n\n")}}}, nil
}

// splitParagraphs splits on lines that are empty or hold only whitespace.
func splitParagraphs(s string) []string {
	var paras []string
	var cur []string
	for _, line := range strings.Split(s, "\n") {
		if collapse(line) == "" {
			if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, "\n"))
				cur = cur[:0]
			}
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		paras = append(paras, strings.Join(cur, "\n"))
	}
	return paras
}
