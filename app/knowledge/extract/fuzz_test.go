package extract

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// maxFuzzInput is the largest input the fuzz targets read. Go's fuzzer minimizes each
// new interesting input for up to a minute (-fuzzminimizetime), running the target
// again and again, during which it counts no executions: large inputs made the
// fuzzers sit at 0 executions a second for most of their time. What large inputs do is
// the business of the tests of the bounds (bounds_test.go); the fuzzers look for
// panics and wrong errors in small ones. Run them with `make fuzz`.
const maxFuzzInput = 64 << 10

// FuzzDOCX fuzzes the XML of a document's main part and of its numbering, the parts
// that the walker interprets, inside a valid zip (a fuzzed zip seldom gets past its
// checksums).
func FuzzDOCX(f *testing.F) {
	f.Add(docxBody, "")
	f.Add(para("Heading1", "H")+listPara(1, 0, "one")+listPara(1, 9, "deep")+`<w:tbl><w:tr>`+tcell("a")+`</w:tr></w:tbl>`,
		`<w:numbering><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>`+
			`<w:num w:numId="1"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num></w:numbering>`)
	f.Add(`<w:p><w:r><w:t>a</w:t><w:del><w:r><w:t>b</w:t></w:r></w:del><w:tab/><w:br/><w:instrText>x</w:instrText></w:r></w:p>`, "<bad")
	f.Add(strings.Repeat("<w:p>", 600), "")
	f.Fuzz(func(t *testing.T, body, numbering string) {
		if len(body)+len(numbering) > maxFuzzInput {
			return
		}
		files := docxFiles(body)
		files["word/numbering.xml"] = numbering
		doc, err := DOCX(t.Context(), storedZip(t, files))
		checkResult(t, doc, err)
	})
}

// storedZip is buildZip without compression, which would take most of a fuzz run's time.
func storedZip(t *testing.T, files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzMarkdown fuzzes Markdown files, and checks that flattening never makes a
// document deeper than it was.
func FuzzMarkdown(f *testing.F) {
	f.Add([]byte(markdownDoc))
	f.Add([]byte(strings.Repeat("- ", 40) + "x\n" + strings.Repeat("> ", 40) + "y"))
	f.Add([]byte(strings.Repeat("[a](", 40) + "\n" + strings.Repeat("[a](< ", 40)))
	f.Add([]byte("```\n- - -\n```\n1. a\n   2) b\n\n* [ ] c\n\n| a | b |\n|---|---|\n| [x](y) | *z* |\n"))
	f.Add([]byte("---\ntitle: T\n---\n\x00\xff\r\n# h\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		doc, err := Markdown(t.Context(), data)
		checkResult(t, doc, err)
		flat := flattenMarkdown(data)
		if len(flat) < len(data) || len(flat) > 2*len(data) {
			t.Fatalf("flattening made %d bytes of %d", len(flat), len(data))
		}
	})
}

// FuzzCSV fuzzes FAQ sheets.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("question,answer,variants,lang\nWhy?,Because.,How come?|Why so?,en\n"))
	f.Add([]byte("sep=;\nFrage;Antwort\n\"Wie?\";\"So; genau.\"\n"))
	f.Add([]byte("Topic\tReply\nShipping\tTwo days.\n"))
	f.Add([]byte("a,b\n\"unterminated,x\n"))
	f.Add([]byte("\xff\xfeq\x00,\x00a\x00\n\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		doc, err := CSV(data)
		checkResult(t, doc, err)
	})
}
