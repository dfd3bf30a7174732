package extract

import (
	"fmt"
	"strings"
	"testing"
)

// benchDOCX is an ordinary document of some 40 pages: headings, paragraphs, lists and
// a table in each of 100 sections.
func benchDOCX(b *testing.B) []byte {
	var body strings.Builder
	for i := range 100 {
		body.WriteString(para("Heading1", fmt.Sprintf("Section %d", i)))
		for range 5 {
			body.WriteString(para("", strings.Repeat("An ordinary sentence of an ordinary handbook. ", 8)))
		}
		body.WriteString(listPara(1, 0, "First step") + listPara(1, 1, "A detail") + listPara(1, 0, "Second step"))
		body.WriteString(`<w:tbl><w:tr>` + tcell("Method") + tcell("Days") + `</w:tr><w:tr>` + tcell("Card") + tcell("5") + `</w:tr></w:tbl>`)
	}
	return buildZip(b, docxFiles(body.String()))
}

// benchMarkdown is an ordinary article of some 50 KB with every kind of block.
func benchMarkdown() []byte {
	var s strings.Builder
	s.WriteString("# Handbook\n\n")
	for i := range 100 {
		fmt.Fprintf(&s, "## Section %d\n\nA paragraph with *emphasis*, **strong** words, a [link](https://example.com/%d) and `code`.\n"+
			"It goes on over a second line.\n\n- one\n- two\n  - nested\n\n1. first\n2. second\n\n> A quote.\n\n"+
			"```go\nfunc main() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n", i, i)
	}
	return []byte(s.String())
}

// The bounds must not slow ordinary files (docs/BENCHMARKS.md has the figures).
func BenchmarkDOCX(b *testing.B) {
	data := benchDOCX(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DOCX(b.Context(), data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarkdown(b *testing.B) {
	data := benchMarkdown()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Markdown(b.Context(), data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	data := []byte(noisyHead + "<main>" + strings.Repeat(noisyContent, 50) + "</main>" + noisyTail)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := HTML(b.Context(), data, "text/html"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkText(b *testing.B) {
	data := []byte(strings.Repeat("A line of an ordinary text file.\nAnother line.\n\n", 2000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Text(data); err != nil {
			b.Fatal(err)
		}
	}
}
