package extract

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// startXref is the offset after a file's last startxref.
func startXref(t testing.TB, data []byte) int {
	t.Helper()
	i := bytes.LastIndex(data, []byte("startxref\n"))
	rest := data[i+len("startxref\n"):]
	n, err := strconv.Atoi(string(rest[:bytes.IndexByte(rest, '\n')]))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// withPrev gives the trailer of a PDF from buildPDF a /Prev entry.
func withPrev(t testing.TB, data []byte, prev int) []byte {
	t.Helper()
	return bytes.Replace(data, []byte(" >>\nstartxref"), fmt.Appendf(nil, " /Prev %d >>\nstartxref", prev), 1)
}

// xrefSpec describes a one-page PDF whose cross-reference is a stream.
type xrefSpec struct {
	extra string        // more entries of the cross-reference stream's dictionary
	prev  func(int) int // its /Prev, given its own offset; nil for none
	objs  []string      // objects from number 6 on (the stream's number comes after)
	in    map[int]int   // objects held in an object stream: number → the stream's
}

// xrefStreamPDF writes the PDF of a xrefSpec: objects 1 to 5 are the catalog, the
// page tree, the font (the one object here that may sit in an object stream, since
// the page needs it), the page and its content.
func xrefStreamPDF(t testing.TB, s xrefSpec) []byte {
	t.Helper()
	objs := append([]string{"",
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(page2), page2),
	}, s.objs...)
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	offsets := make([]int, len(objs)+1)
	for i := 1; i < len(objs); i++ {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i, objs[i])
	}
	self := b.Len()
	offsets[len(objs)] = self
	var entries []byte
	for i, off := range offsets {
		stm, in := s.in[i]
		switch {
		case i == 0:
			entries = append(entries, 0, 0, 0, 0)
		case in:
			entries = append(entries, 2, byte(stm>>8), byte(stm), 0)
		default:
			entries = append(entries, 1, byte(off>>8), byte(off), 0)
		}
	}
	extra := s.extra
	if s.prev != nil {
		extra += fmt.Sprintf(" /Prev %d", s.prev(self))
	}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R /Length %d %s >>\nstream\n%s\nendstream\nendobj\n",
		len(objs), len(offsets), len(entries), extra, entries)
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", self)
	return b.Bytes()
}

// objStm is an object stream holding the objects of body (numbers and offsets first,
// then the objects from byte first), with more dictionary entries.
func objStm(dict string, first int, body string) string {
	return fmt.Sprintf("<< %s /Type /ObjStm /First %d /Length %d >>\nstream\n%s\nendstream", dict, first, len(body), body)
}

// The library follows /Prev from one cross-reference section to the one before with
// no memory of where it has been: a section whose /Prev leads back round would keep
// it (and a core) busy until the child is killed, on every upload and re-sync. The
// cycle is found before the library sees the file, in this process, in microseconds.
func TestPDFXrefCycle(t *testing.T) {
	valid := buildPDF(t, pdfSpec{pages: []string{page2}})
	self := startXref(t, valid)
	// an incremental update: a second table at the end, whose /Prev is the first
	update := func(prev, at int) []byte {
		return fmt.Appendf(nil, "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", prev, at)
	}
	chained := append(bytes.Clone(valid), update(self, len(valid))...)
	// the same, but with the first table's /Prev the second
	at := len(valid)
	for len(withPrev(t, valid, at)) != at {
		at = len(withPrev(t, valid, at))
	}
	twoSections := append(withPrev(t, valid, at), update(self, at)...)

	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"table whose /Prev is itself", withPrev(t, valid, self)},
		{"/Prev into the white space before the table", withPrev(t, bytes.Replace(valid, []byte("\nxref\n"), []byte("\n  \nxref\n"), 1), self+1)},
		{"two tables, each the other's /Prev", twoSections},
		{"stream whose /Prev is itself", xrefStreamPDF(t, xrefSpec{prev: func(self int) int { return self }})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) > 1000 {
				t.Fatalf("the file has %d bytes; the point is that a tiny one does it", len(tc.data))
			}
			_, err := extractPDF(tc.data) // returns: it does not need the child's kill
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "cycle") {
				t.Fatalf("in process: %v", err)
			}
			_, err = PDF(tc.data)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "cycle") {
				t.Errorf("through the child: %v", err)
			}
		})
	}

	// a chain that ends is read
	if doc, err := extractPDF(chained); err != nil || !strings.Contains(doc.Sections[0].Text, "Page two text.") {
		t.Errorf("an incremental update: %q, %v", doc.Sections, err)
	}
	if doc, err := extractPDF(xrefStreamPDF(t, xrefSpec{})); err != nil || !strings.Contains(doc.Sections[0].Text, "Page two text.") {
		t.Errorf("a cross-reference stream: %q, %v", doc.Sections, err)
	}
}

// Cross-reference sections the library reads make it allocate room for every object
// number they name, and a buffer as wide as their fields: numbers beyond what the file
// can hold are refused before it does.
func TestPDFXrefStreamBounds(t *testing.T) {
	for _, tc := range []struct{ name, extra string }{
		{"index at a huge object number", "/Index [1999999999 1]"},
		{"field wider than a number", "/W [1 2 99999999999]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := xrefStreamPDF(t, xrefSpec{})
			data = bytes.Replace(data, []byte("/W [1 2 1]"), []byte(tc.extra+" /W [1 2 1]"), 1)
			if strings.HasPrefix(tc.extra, "/W") {
				data = bytes.Replace(data, []byte(" /W [1 2 1]"), nil, 1)
			}
			if _, err := extractPDF(data); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "cross-reference stream") && !strings.Contains(err.Error(), "objects up to") {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// Object streams are checked where the library finds them, through the
// cross-reference, so that no padding, escaped name or indirect entry hides one: the
// library looks for an object in its stream, then in the one that extends, for ever
// when they extend each other; recurses for ever into a stream held in itself; reads
// as many objects as the stream claims; and reads a hex string cut by the stream's end
// for ever.
func TestPDFObjectStreams(t *testing.T) {
	font := "3 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
	pad := "/Padding [" + strings.Repeat(" ", 3000) + "]"
	for _, tc := range []struct {
		name string
		spec xrefSpec
		msg  string // "" for a file that reads
	}{
		{"font in an object stream", xrefSpec{objs: []string{objStm("/N 1", 4, font)}, in: map[int]int{3: 6}}, ""},
		{"found in the stream it extends", xrefSpec{objs: []string{objStm("/N 1 /Extends 7 0 R", 4, "9 0 (a)"), objStm("/N 1", 4, font)}, in: map[int]int{3: 6}}, ""},
		{"extending each other", xrefSpec{objs: []string{objStm(pad+" /N 1 /Extends 7 0 R", 4, "9 0 (a)"), objStm(pad+" /N 1 /Extends 6 0 R", 4, "9 0 (a)")}, in: map[int]int{3: 6}}, "cycle"},
		{"held in itself", xrefSpec{objs: []string{objStm("/N 1", 4, font)}, in: map[int]int{3: 6, 6: 6}}, "itself compressed"},
		{"claiming too many objects", xrefSpec{objs: []string{objStm("/N 999999999999", 4, font)}, in: map[int]int{3: 6}}, "claims 999999999999 objects"},
		{"claiming them through a reference", xrefSpec{objs: []string{objStm(pad+" /N 7 0 R", 4, font), "999999999999"}, in: map[int]int{3: 6}}, "claims 999999999999 objects"},
		{"ending inside a hex string", xrefSpec{objs: []string{objStm("/N 1", 4, "3 0 <41424")}, in: map[int]int{3: 6}}, "ends inside a string"},
		{"ending inside a hex string, filtered through a reference", xrefSpec{objs: []string{objStm("/Filter 7 0 R /N 1", 4, deflate("3 0 <41424")), "/FlateDecode"}, in: map[int]int{3: 6}}, "ends inside a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := extractPDF(xrefStreamPDF(t, tc.spec))
			switch {
			case tc.msg == "" && (err != nil || !strings.Contains(doc.Sections[0].Text, "Page two text.")):
				t.Errorf("%q, %v", doc.Sections, err)
			case tc.msg != "" && (!errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.msg)):
				t.Errorf("err = %v, want …%s", err, tc.msg)
			}
		})
	}
}

func deflate(s string) string {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// The library allocates two rows of a PNG predictor before it reads a byte of the
// stream: a claimed row of 10^11 bytes was a fatal out-of-memory, which no recover
// catches, in a content stream or an object stream alike.
func TestPDFPredictorRows(t *testing.T) {
	const parms = "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 100000000000 >>"
	content := deflate(page2)
	inContent := buildPDF(t, pdfSpec{pages: []string{page2}, extra: []string{
		fmt.Sprintf("<< /Length %d %s >>\nstream\n%s\nendstream", len(content), parms, content)}})
	inContent = bytes.Replace(inContent, []byte("/Contents 5 0 R"), []byte("/Contents 6 0 R"), 1)
	if _, err := extractPDF(inContent); !errors.Is(err, ErrCorrupt) {
		t.Errorf("in a content stream: %v", err)
	}
	font := deflate("3 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	inObjStm := xrefStreamPDF(t, xrefSpec{objs: []string{objStm("/N 1 "+parms, 4, font)}, in: map[int]int{3: 6}})
	if _, err := extractPDF(inObjStm); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "predictor rows") {
		t.Errorf("in an object stream: %v", err)
	}
}

// Structure survives: bullets drawn as paths (as browsers print them) make list items,
// runs far apart on lines close together make table rows, and a lone label set apart
// from its value stays a line of text.
func TestPDFDrawnBulletsAndRows(t *testing.T) {
	content := `BT /F1 12 Tf 72 720 Td (Prices:) Tj ET
74 703 4 4 re f
BT /F1 12 Tf 84 700 Td (Battery check: 25 EUR) Tj ET
q 1 0 0 1 76 688 cm 2 0 m 2 1.1 1.1 2 0 2 c -1.1 2 -2 1.1 -2 0 c -2 -1.1 -1.1 -2 0 -2 c 1.1 -2 2 -1.1 2 0 c h f Q
BT /F1 12 Tf 84 686 Td (New battery: 699 EUR) Tj ET
0 670 612 2 re f
BT /F1 12 Tf 72 650 Td (Part) Tj 120 0 Td (Price) Tj ET
BT /F1 12 Tf 72 636 Td (Battery) Tj 120 0 Td (699 EUR) Tj ET
BT /F1 12 Tf 72 540 Td (Price:) Tj 60 0 Td (10 EUR) Tj ET`
	doc, err := PDF(buildPDF(t, pdfSpec{pages: []string{content}}))
	if err != nil {
		t.Fatal(err)
	}
	want := "Prices:\n- Battery check: 25 EUR\n- New battery: 699 EUR\n\nPart | Price\nBattery | 699 EUR\n\nPrice: 10 EUR"
	if got := doc.Sections[0].Text; got != want {
		t.Errorf("text:\n got %q\nwant %q", got, want)
	}
}

// PDFs printed by real programs (testdata/README.md says how each was made) keep the
// price list's structure: each list item, numbered step and table row on its own line,
// headings as paragraphs of their own, ligatures as letters.
func TestPDFProducers(t *testing.T) {
	const (
		item    = "\n- New battery 500 Wh: 699 EUR\n"
		step    = "\n2. Bring the bike with its key and charger.\n"
		row     = "\nBasic service | 89 EUR | 1 day"
		heading = "\n\nBatteries and chargers\n\n"
		words   = "certified for efficient, official diagnostics."
	)
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"pricelist-chrome.pdf", []string{item, step, row, heading, words}},
		{"pricelist-libreoffice.pdf", []string{item, step, row, heading, words}},
		{"pricelist-scan-ocr.pdf", []string{step, row, heading, words}},
		{"pricelist-latex.pdf", []string{"\nNew battery 500 Wh: 699 EUR\n", step, row, "\nBrake bleeding | 49 EUR | 1 hour", heading, words}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := PDF(data)
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			for _, s := range doc.Sections {
				text.WriteString(s.Text + "\n\n")
			}
			for _, w := range tc.want {
				if !strings.Contains(text.String(), w) {
					t.Errorf("no %q in\n%s", w, text.String())
				}
			}
		})
	}
}

// A page that draws bullet-sized dots without end keeps a bounded number of them.
func TestPDFBulletMarksAreBounded(t *testing.T) {
	content := bytes.Repeat([]byte("10 10 4 4 re f\n"), maxPDFMarks+100)
	var page pdfPage
	(&pdfExtractor{}).interpret(content, pdf.Value{}, identity, &page, 0)
	if len(page.marks) != maxPDFMarks {
		t.Errorf("kept %d marks, want %d", len(page.marks), maxPDFMarks)
	}
}
