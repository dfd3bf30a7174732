package extract

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// elfBinary is the start of a small Linux program: its header, then code and tables
// full of NULs and control bytes.
func elfBinary() []byte {
	b := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00")
	for i := range 4000 {
		b = append(b, byte(i*7), byte(i>>3), 0x48, 0x89, 0xe5, 0x00)
	}
	return b
}

// randomBytes is binary data with no known signature.
func randomBytes() []byte {
	b := make([]byte, 4096)
	x := uint32(1)
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}

// zipOf is a zip archive holding empty files of these names.
func zipOf(t *testing.T, names ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range names {
		if _, err := zw.Create(name); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func windowsProgram() []byte {
	b := make([]byte, 0x200)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x80)
	copy(b[0x80:], "PE\x00\x00")
	return b
}

// An upload is trusted by its bytes, not its name: a program named notes.md or a PDF
// named .txt is refused before any extractor reads it, with a message saying what the
// file is and, when it is a kind that can be read, how to upload it.
func TestFileContentMustMatchName(t *testing.T) {
	pdfData := buildPDF(t, pdfSpec{pages: []string{page2}})
	docx := buildZip(t, docxFiles(para("", "Docx text.")))
	for _, tc := range []struct {
		filename, contentType string
		data                  []byte
		msg                   string
	}{
		{"notes.md", "", elfBinary(), "this file is a program (an ELF executable), not text"},
		{"notes.txt", "", windowsProgram(), "this file is a Windows program (.exe or .dll), not text"},
		{"manual.txt", "", pdfData, "this file is a PDF, not text: upload it with a .pdf name"},
		{"manual.md", "text/markdown", pdfData, "this file is a PDF, not text: upload it with a .pdf name"},
		{"guide.html", "", docx, "this file is a Word document, not an HTML page: upload it with a .docx name"},
		{"faq.csv", "", zipOf(t, "xl/workbook.xml"), "this file is a spreadsheet (.xlsx), not text"},
		{"faq.csv", "", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), "this file is an image (PNG), not text"},
		{"notes.txt", "", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00"), "this file is a gzip archive, not text"},
		{"page.html", "", randomBytes(), "this file is binary data, not an HTML page"},
		{"notes.txt", "", append([]byte("Opening hours\n"), 0, 0, 0), "this file is binary data, not text"},
		{"manual.pdf", "", []byte("Opening hours: 9 to 5.\n"), "this file is text, not a PDF"},
		{"manual.pdf", "", []byte("<!DOCTYPE html><title>Not found</title>"), "this file is an HTML page, not a PDF"},
		{"manual.pdf", "", elfBinary(), "this file is a program (an ELF executable), not a PDF"},
		{"guide.docx", "", zipOf(t, "a.txt"), "this file is a ZIP archive, not a Word document"},
		{"guide.docx", "", pdfData, "this file is a PDF, not a Word document: upload it with a .pdf name"},
		// a web page: the server's type names the kind
		{"", "text/html; charset=utf-8", pdfData, "this file is a PDF, not an HTML page as its type (text/html; charset=utf-8) says"},
		{"", "text/plain", elfBinary(), "this file is a program (an ELF executable), not text as its type (text/plain) says"},
	} {
		t.Run(tc.msg, func(t *testing.T) {
			_, err := File(t.Context(), tc.filename, tc.contentType, tc.data)
			if !errors.Is(err, ErrCorrupt) || !strings.HasSuffix(err.Error(), ": "+tc.msg) {
				t.Errorf("err = %v, want …%q", err, tc.msg)
			}
		})
	}
}

// Text passes the check in the encodings the text extractors read: UTF-8, UTF-16 with a
// byte order mark (full of NUL bytes), legacy charsets; and any text passes for any
// text kind, as a PDF with a little junk before its header passes for a PDF.
func TestFileContentAccepted(t *testing.T) {
	sjis, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte("<html><meta charset=shift_jis><p>営業時間は、平日の九時から五時まで。「休日」は閉店です。</p></html>"))
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("<meta charset=gbk><p>营业时间：周一至周五，九点到五点。周末休息，节假日另行通知。</p>"))
	pdfData := buildPDF(t, pdfSpec{pages: []string{page2}})
	for _, tc := range []struct {
		name, filename string
		data           []byte
		want           string
	}{
		{"utf-16 with bom", "notes.txt", utf16LEWithBOM("Grüße aus Köln\n\nÖffnungszeiten"), "Öffnungszeiten"},
		{"windows-1252", "notes.txt", []byte("Caf\xe9 menu\n\nPrices in \x80"), "Café"},
		{"shift_jis", "page.html", sjis, "営業時間"},
		{"gbk", "page.html", gbk, "营业时间"},
		{"a form feed and coloured log lines", "log.txt", []byte("Start\f\x1b[32mok\x1b[0m\n\nDone"), "Done"},
		{"markdown named .txt", "notes.txt", []byte("# Title\n\nSome *text*."), "Some *text*."},
		{"html named .md", "notes.md", []byte("<!doctype html><p>Hello</p>"), "Hello"},
		{"junk before the header", "manual.pdf", append([]byte("\x00\x01junk\n"), pdfData...), "Page two text."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := File(t.Context(), tc.filename, "", tc.data)
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, s := range doc.Sections {
				all = append(all, s.Text)
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("text %q lacks %q", all, tc.want)
			}
		})
	}
}

// Without a name or type to go by, the bytes choose the extractor; what is not a kind
// extract reads stays unsupported.
func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{buildPDF(t, pdfSpec{pages: []string{page2}}), kindPDF},
		{buildZip(t, docxFiles(para("", "x"))), kindDOCX},
		{[]byte("  <!DOCTYPE html><p>x"), kindHTML},
		{[]byte("plain words"), ""},
		{elfBinary(), ""},
		{bytes.Repeat([]byte{0}, 10), ""},
	} {
		if got := sniff(tc.data); got != tc.want {
			t.Errorf("sniff(%.20q) = %q, want %q", tc.data, got, tc.want)
		}
	}
}
