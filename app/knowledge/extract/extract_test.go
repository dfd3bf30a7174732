package extract

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// ---------------------------------------------------------------------------
// PDF

// pdfSpec describes a small PDF written by hand: one content stream per page, set
// in Helvetica, with optional Info title and encryption.
type pdfSpec struct {
	pages []string
	title string
	// userPassword, when encrypt is set, is the password needed to open the file
	// (RC4 128-bit, revision 3); "" makes a file that opens without one.
	encrypt      bool
	userPassword string
	// bogusEncrypt adds an /Encrypt dictionary the library cannot use.
	bogusEncrypt bool
	// extra objects appended as they are; pagesExtra goes into the page tree root;
	// noResources leaves the pages without fonts.
	extra       []string
	pagesExtra  string
	noResources bool
	resources   string // replaces the page resources
}

var testFileID = []byte("0123456789abcdef")

func buildPDF(t testing.TB, s pdfSpec) []byte {
	t.Helper()
	var key []byte
	var o, u []byte
	const perms = -4
	if s.encrypt {
		o = bytes.Repeat([]byte{0x5A}, 32) // the reader never checks O
		key, u = rc4Key(s.userPassword, o, perms, testFileID)
	}
	objs := []string{"", "<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
	var kids []string
	for _, content := range s.pages {
		page := len(objs)
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		resources := "/Resources << /Font << /F1 3 0 R >> >>"
		if s.noResources {
			resources = ""
		}
		if s.resources != "" {
			resources = "/Resources " + s.resources
		}
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s /Contents %d 0 R >>", resources, page+1))
		data := []byte(content)
		if key != nil {
			data = rc4Object(key, page+1, data)
		}
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data))
	}
	objs[2] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d %s>>", strings.Join(kids, " "), len(s.pages), s.pagesExtra)
	objs = append(objs, s.extra...)
	info := 0
	if s.title != "" {
		info = len(objs)
		objs = append(objs, fmt.Sprintf("<< /Title (%s) /Producer (extract test) >>", s.title))
	}

	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i := 1; i < len(objs); i++ {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i, objs[i])
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs))
	for i := 1; i < len(objs); i++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[i])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R", len(objs))
	if info > 0 {
		fmt.Fprintf(&b, " /Info %d 0 R", info)
	}
	switch {
	case s.encrypt:
		fmt.Fprintf(&b, " /Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /O <%x> /U <%x> /P %d >> /ID [<%x> <%x>]", o, u, perms, testFileID, testFileID)
	case s.bogusEncrypt:
		b.WriteString(" /Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>")
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

var pdfPad = []byte{
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
}

// rc4Key computes the file key and U entry of the standard security handler,
// revision 3 (PDF 32000-1 §7.6.3, algorithms 2 and 5).
func rc4Key(password string, o []byte, perms int32, id []byte) (key, u []byte) {
	h := md5.New()
	h.Write(append([]byte(password), pdfPad...)[:32])
	h.Write(o)
	var p [4]byte
	binary.LittleEndian.PutUint32(p[:], uint32(perms))
	h.Write(p[:])
	h.Write(id)
	key = h.Sum(nil)
	for range 50 {
		sum := md5.Sum(key[:16])
		key = sum[:]
	}
	key = key[:16]
	h.Reset()
	h.Write(pdfPad)
	h.Write(id)
	u = h.Sum(nil)
	for i := 0; i <= 19; i++ {
		k := make([]byte, len(key))
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		c, _ := rc4.NewCipher(k)
		c.XORKeyStream(u, u)
	}
	return key, append(u, bytes.Repeat([]byte{0}, 16)...)
}

func rc4Object(key []byte, obj int, data []byte) []byte {
	h := md5.New()
	h.Write(key)
	h.Write([]byte{byte(obj), byte(obj >> 8), byte(obj >> 16), 0, 0})
	c, _ := rc4.NewCipher(h.Sum(nil))
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

const page1 = `BT /F1 12 Tf 72 720 Td (Welcome to Acme support.) Tj 0 -14 Td (Our team answers within one day and keeps a hyphen-) Tj 0 -14 Td (ated word together.) Tj ET
BT /F1 12 Tf 72 650 Td (Second paragraph after a gap.) Tj ET
BT /F1 12 Tf 72 620 Td (Price:) Tj 60 0 Td (10 EUR) Tj ET`

const page2 = `BT /F1 12 Tf 72 720 Td (Page two text.) Tj T* ET
BT /F1 12 Tf 72 700 Td [(Ke) 20 (rning) -300 (works)] TJ ET`

func TestPDF(t *testing.T) {
	doc, err := PDF(buildPDF(t, pdfSpec{pages: []string{page1, page2}, title: "Acme Help"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []Section{
		{Anchor: "page=1", Text: "Welcome to Acme support. Our team answers within one day and keeps a hyphenated word together.\n\nSecond paragraph after a gap.\n\nPrice: 10 EUR"},
		{Anchor: "page=2", Text: "Page two text.\n\nKerning works"},
	}
	if doc.Title != "Acme Help" {
		t.Errorf("title = %q", doc.Title)
	}
	if !reflect.DeepEqual(doc.Sections, want) {
		t.Errorf("sections:\n got %q\nwant %q", doc.Sections, want)
	}

	// without Info title, the first line is the title
	doc, err = PDF(buildPDF(t, pdfSpec{pages: []string{page2}}))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Page two text." {
		t.Errorf("title from first line = %q", doc.Title)
	}
}

func TestPDFErrors(t *testing.T) {
	valid := buildPDF(t, pdfSpec{pages: []string{page1}})
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"password needed", buildPDF(t, pdfSpec{pages: []string{page1}, encrypt: true, userPassword: "secret"}), ErrEncrypted},
		{"unusable encrypt dictionary", buildPDF(t, pdfSpec{pages: []string{page1}, bogusEncrypt: true}), ErrEncrypted},
		{"garbage", []byte("this is not a pdf at all \x00\x01\x02"), ErrCorrupt},
		{"truncated", valid[:len(valid)/2], ErrCorrupt},
		{"broken xref", bytes.Replace(valid, []byte("xref\n0 "), []byte("xref\nX "), 1), ErrCorrupt},
		{"empty", nil, ErrCorrupt},
		{"no text", buildPDF(t, pdfSpec{pages: []string{"0 0 m 100 100 l S", "q 10 0 0 10 0 0 cm Q"}}), ErrEmpty},
		{"no pages", buildPDF(t, pdfSpec{}), ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PDF(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "extract: pdf: ") {
				t.Errorf("message %q lacks context", err)
			}
		})
	}
	_, err := PDF(buildPDF(t, pdfSpec{pages: []string{"0 0 m 100 100 l S"}}))
	if err == nil || !strings.Contains(err.Error(), "scanned") {
		t.Errorf("no-text error %v should mention scanned images", err)
	}
}

// Modern PDFs use composite fonts with two-byte codes, widths in the W array and a
// ToUnicode CMap (bfchar, bfrange with a start value and with an array).
func TestPDFCompositeFont(t *testing.T) {
	cmap := `/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0001> <0048> <0002> <00E9> endbfchar
2 beginbfrange <0003> <0005> <0061> <0006> <0007> [<0066> <00660069>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end`
	content := "BT /F2 12 Tf 72 720 Td <000100020003> Tj 40 0 Td <00040005> Tj 12 0 Td <00060007> Tj ET"
	data := buildPDF(t, pdfSpec{
		pages:     []string{content},
		resources: "<< /Font << /F2 6 0 R >> >>",
		extra: []string{
			"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Test /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
			"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Test /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 /W [4 [500 500]] >>",
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(cmap), cmap),
		},
	})
	doc, err := PDF(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Sections[0].Text; got != "Héa bcffi" {
		t.Errorf("text = %q, want %q", got, "Héa bcffi")
	}
}

// Structures on which the pdf library would loop for ever, recurse without end or
// allocate without bound are caught before it sees them (or avoided).
func TestPDFLibraryTraps(t *testing.T) {
	valid := buildPDF(t, pdfSpec{pages: []string{page2}})
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"xref subsection at a huge object number", bytes.Replace(valid, []byte("xref\n0 "), []byte("xref\n1999999999 "), 1), ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PDF(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}

	// resources are looked up the page tree a bounded number of steps (the library
	// follows a cyclic Parent chain for ever); a missing font still shows its text
	doc, err := PDF(buildPDF(t, pdfSpec{pages: []string{page2}, noResources: true, pagesExtra: "/Parent 2 0 R "}))
	if err != nil || !strings.HasPrefix(doc.Sections[0].Text, "Page two text.") {
		t.Errorf("cyclic parent chain: %q, %v", doc.Sections, err)
	}

	// a content stream cut inside a hex string still gives the text before it
	doc, err = PDF(buildPDF(t, pdfSpec{pages: []string{"BT /F1 12 Tf 72 720 Td (Before the cut.) Tj <4142"}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Sections[0].Text; got != "Before the cut." {
		t.Errorf("text = %q", got)
	}
}

// A file encrypted only against editing (empty user password) opens in every viewer,
// so it is read.
func TestPDFEncryptedWithoutUserPassword(t *testing.T) {
	doc, err := PDF(buildPDF(t, pdfSpec{pages: []string{page2}, encrypt: true}))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Sections) != 1 || !strings.Contains(doc.Sections[0].Text, "Page two text.") {
		t.Errorf("sections = %q", doc.Sections)
	}
}

// FuzzPDF reads any bytes in this process, where a panic or a hang shows (the child
// process would hide both). Seeds are small, since the fuzzer minimizes each new input
// it keeps, which takes time growing with the square of its length: run it with
// make fuzz FUZZ=FuzzPDF, which bounds that time.
func FuzzPDF(f *testing.F) {
	one := buildPDF(f, pdfSpec{pages: []string{page2}})
	self := startXref(f, one)
	f.Add(one)
	f.Add(one[:len(one)-40])
	f.Add(buildPDF(f, pdfSpec{pages: []string{"BT /F1 12 Tf (a) Tj"}, encrypt: true, userPassword: "x"}))
	f.Add(buildPDF(f, pdfSpec{pages: []string{"BT /F1 12 Tf (unclosed Tj ET Q Q Q"}}))
	f.Add(buildPDF(f, pdfSpec{pages: []string{"BT /F9 12 Tf [(a) (b) 5] TJ ' \" Tm Td TD ET /X Do"}}))
	f.Add(buildPDF(f, pdfSpec{pages: []string{"q"}, pagesExtra: "/Parent 2 0 R", noResources: true}))
	f.Add(bytes.Replace(one, []byte("/Kids [4 0 R]"), []byte("/Kids [2 0 R 2 0 R]"), 1)) // cyclic page tree
	f.Add(withPrev(f, one, self))                                                        // cyclic /Prev chain
	f.Add(append(bytes.Clone(one), fmt.Appendf(nil, "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", self, len(one))...))
	f.Add(xrefStreamPDF(f, xrefSpec{}))
	f.Add(xrefStreamPDF(f, xrefSpec{objs: []string{objStm("/N 1 /Extends 7 0 R", 4, "9 0 (a)"), objStm("/N 1", 4, "3 0 << /Type /Font >>")}, in: map[int]int{3: 6}}))
	f.Add([]byte("%PDF-1.4\n%%EOF"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := extractPDF(data)
		checkResult(t, doc, err)
	})
}

// checkResult holds for every extractor on any input: an error is one of the
// sentinels, and a document has text.
func checkResult(t *testing.T, doc Document, err error) {
	t.Helper()
	if err != nil {
		for _, s := range []error{ErrEmpty, ErrEncrypted, ErrCorrupt, ErrUnsupported, ErrTooLarge} {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error %v is none of the sentinels", err)
	}
	if len(doc.Sections) == 0 && len(doc.Pairs) == 0 {
		t.Fatal("no error and no text")
	}
}

// ---------------------------------------------------------------------------
// DOCX

func buildZip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/styles.xml", "word/numbering.xml", "word/document.xml"} {
		content, ok := files[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
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

const (
	wNS          = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`
	rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`
	coreXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>Returns Handbook</dc:title><dc:creator>Acme</dc:creator></cp:coreProperties>`
	// a German Word names its heading styles by id "berschrift2"; styles.xml maps them
	stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ` + wNS + `>
<w:style w:type="paragraph" w:styleId="Standard"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/><w:basedOn w:val="Standard"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
</w:styles>`
	numberingXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering ` + wNS + `>
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>`
)

func para(style, text string) string {
	ppr := ""
	if style != "" {
		ppr = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
	}
	return `<w:p>` + ppr + `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func listPara(numID, ilvl int, text string) string {
	return fmt.Sprintf(`<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr></w:pPr><w:r><w:t>%s</w:t></w:r></w:p>`, ilvl, numID, text)
}

func tcell(text string) string {
	return `<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>` + para("", text) + `</w:tc>`
}

var docxBody = para("Title", "Returns Handbook") +
	para("", "Read this first.") +
	para("Heading1", "Returns") +
	`<w:p><w:r><w:t>Items can be returned</w:t></w:r><w:r><w:tab/><w:t>within 30 days.</w:t><w:br/><w:t>Keep the receipt.</w:t></w:r>` +
	`<w:del w:id="1" w:author="x"><w:r><w:delText>deleted words</w:delText></w:r></w:del>` +
	`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "http://x" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> See policy.</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` +
	para("heading 2", "How to return") +
	listPara(1, 0, "Pack the item") +
	listPara(1, 1, "Use the original box") +
	listPara(1, 0, "Print the label") +
	listPara(2, 0, "A bullet without numbering definition") +
	para("berschrift2", "Refunds") +
	`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>` +
	`<w:tr>` + tcell("Method") + tcell("Days") + `</w:tr>` +
	`<w:tr>` + tcell("Card") + tcell("5") + `</w:tr>` +
	`<w:tr>` + tcell("Invoice") + tcell("10") + `</w:tr></w:tbl>` +
	para("", "After the table.")

func docxFiles(body string) map[string]string {
	return map[string]string{
		"[Content_Types].xml": contentTypes,
		"_rels/.rels":         rootRels,
		"docProps/core.xml":   coreXML,
		"word/styles.xml":     stylesXML,
		"word/numbering.xml":  numberingXML,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + wNS + `><w:body>` + body + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`,
	}
}

func TestDOCX(t *testing.T) {
	doc, err := DOCX(t.Context(), buildZip(t, docxFiles(docxBody)))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Returns Handbook" {
		t.Errorf("title = %q", doc.Title)
	}
	want := []Section{
		{Headings: []string{"Returns Handbook"}, Text: "Read this first."},
		{Headings: []string{"Returns Handbook", "Returns"}, Text: "Items can be returned within 30 days.\nKeep the receipt. See policy."},
		{Headings: []string{"Returns Handbook", "Returns", "How to return"}, Text: "1. Pack the item\n  - Use the original box\n2. Print the label\n- A bullet without numbering definition"},
		{Headings: []string{"Returns Handbook", "Returns", "Refunds"}, Text: "Method | Days\nCard | 5\nInvoice | 10\n\nAfter the table."},
	}
	if !reflect.DeepEqual(doc.Sections, want) {
		t.Errorf("sections:\n got %q\nwant %q", doc.Sections, want)
	}

	// without core title or Title paragraph, the first heading is the title
	files := docxFiles(para("Heading1", "FAQ") + para("", "Text."))
	delete(files, "docProps/core.xml")
	doc, err = DOCX(t.Context(), buildZip(t, files))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "FAQ" {
		t.Errorf("title from heading = %q", doc.Title)
	}
}

func TestDOCXErrors(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	encrypted := append(append([]byte{}, ole...), utf16le("EncryptedPackage")...)
	legacyDoc := append(append([]byte{}, ole...), utf16le("WordDocument")...)
	noDocument := docxFiles("")
	delete(noDocument, "word/document.xml")

	// a document.xml that inflates past the cap from a small file
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("word/document.xml")
	chunk := bytes.Repeat([]byte("<w:p/>"), 1<<16)
	for written := 0; written <= maxDOCXBytes; written += len(chunk) {
		w.Write(chunk)
	}
	zw.Close()

	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"not a zip", []byte("hello, I am a text file"), ErrCorrupt},
		{"zip without document", buildZip(t, noDocument), ErrCorrupt},
		{"broken xml", buildZip(t, docxFiles(`<w:p><w:r><w:t>unclosed`)), ErrCorrupt},
		{"OLE header", ole, ErrEncrypted},
		{"encrypted OOXML", encrypted, ErrEncrypted},
		{"legacy .doc", legacyDoc, ErrUnsupported},
		{"no text", buildZip(t, docxFiles(para("", "  "))), ErrEmpty},
		{"zip bomb", bomb.Bytes(), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DOCX(t.Context(), tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// HTML

const noisyHead = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Shipping help | Acme</title>
<style>body { color: red } .x:before { content: "STYLE TEXT" }</style>
<script>var s = "SCRIPT TEXT";</script></head>
<body class="no-sidebar">
<header class="site-header"><a href="/">Acme logo</a>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/shop">Shop</a></li><li><a href="/help">Help center</a></li></ul></nav>
</header>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience.</p><button>Accept all</button></div>
<aside class="sidebar"><h3>Popular articles</h3><p>Sidebar teaser text.</p></aside>
`

const noisyContent = `
  <h1 id="shipping">Shipping</h1>
  <p>We ship   worldwide &amp; fast,
     see <a href="/zones">our zones</a>.</p>
  <div class="ad-slot">Buy our premium plan!</div>
  <h2 id="domestic">Domestic orders</h2>
  <p>Orders arrive in 2–3 days.<br>Tracking is included.</p>
  <ul>
    <li>Standard: free</li>
    <li>Express: 9&nbsp;€
      <ul><li>Next day</li></ul>
    </li>
  </ul>
  <div class="share-buttons"><a href="https://x.com">Share on X</a></div>
  <h3><a id="costs"></a>Costs <a class="headerlink" href="#costs">¶</a></h3>
  <table>
    <thead><tr><th>Zone</th><th>Price</th></tr></thead>
    <tbody><tr><td>EU</td><td><p>5 €</p></td></tr><tr><td>World</td><td>15 €</td></tr></tbody>
  </table>
  <h2 id="international">International orders</h2>
  <ol start="1"><li>Pick a country</li><li>Pay duties</li></ol>
  <pre>customs:
	form: CN22</pre>
  <div class="see-also"><a href="/a">Returns</a> · <a href="/b">Payments</a> · <a href="/c">Accounts</a></div>
  <section id="returns"><h2>Returns</h2><p>Return within 30 days.</p></section>
  <div hidden>Hidden text</div><p aria-hidden="true">Aria hidden text</p><p style="display: none">Invisible text</p>
`

const noisyTail = `
<footer><p>© 2024 Acme Inc.</p><a href="/imprint">Imprint</a> <a href="/privacy">Privacy</a></footer>
<div class="modal" role="dialog"><p>Subscribe to our newsletter!</p></div>
<script>document.write("late script")</script>
</body></html>`

var noisyWant = []Section{
	{Headings: []string{"Shipping"}, Anchor: "shipping", Text: "We ship worldwide & fast, see our zones."},
	{Headings: []string{"Shipping", "Domestic orders"}, Anchor: "domestic", Text: "Orders arrive in 2–3 days.\nTracking is included.\n\n- Standard: free\n- Express: 9 €\n  - Next day"},
	{Headings: []string{"Shipping", "Domestic orders", "Costs"}, Anchor: "costs", Text: "Zone | Price\nEU | 5 €\nWorld | 15 €"},
	{Headings: []string{"Shipping", "International orders"}, Anchor: "international", Text: "1. Pick a country\n2. Pay duties\n\ncustoms:\n    form: CN22"},
	{Headings: []string{"Shipping", "Returns"}, Anchor: "returns", Text: "Return within 30 days."},
}

var noise = []string{"STYLE TEXT", "SCRIPT TEXT", "late script", "Acme logo", "Home", "Help center", "cookies", "Accept all",
	"Popular articles", "Sidebar teaser", "premium plan", "Share on X", "Payments", "Hidden text", "Aria hidden", "Invisible",
	"© 2024", "Imprint", "newsletter", "¶"}

func TestHTMLMain(t *testing.T) {
	page := noisyHead + "<main>" + noisyContent + "</main>" + noisyTail
	doc, err := HTML(t.Context(), []byte(page), "text/html; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Shipping help | Acme" {
		t.Errorf("title = %q", doc.Title)
	}
	if !reflect.DeepEqual(doc.Sections, noisyWant) {
		t.Errorf("sections:\n got %q\nwant %q", doc.Sections, noisyWant)
	}
	checkNoNoise(t, doc)
}

// Without <main>, the body minus boilerplate is the content; a layout wrapper whose
// class happens to contain a boilerplate word is not dropped with it.
func TestHTMLWithoutMain(t *testing.T) {
	page := noisyHead + `<div id="page" class="layout-with-sidebar"><div class="content">` + noisyContent + `</div></div>` + noisyTail
	doc, err := HTML(t.Context(), []byte(page), "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(doc.Sections, noisyWant) {
		t.Errorf("sections:\n got %q\nwant %q", doc.Sections, noisyWant)
	}
	checkNoNoise(t, doc)
}

func checkNoNoise(t *testing.T, doc Document) {
	t.Helper()
	for _, s := range doc.Sections {
		for _, n := range noise {
			if strings.Contains(s.Text, n) || strings.Contains(strings.Join(s.Headings, "/"), n) {
				t.Errorf("boilerplate %q kept in section %q", n, s.Headings)
			}
		}
	}
}

func TestHTMLCharsets(t *testing.T) {
	sjis, err := japanese.ShiftJIS.NewEncoder().String("<html><body><h1>配送について</h1><p>日本語のテキストです。</p></body></html>")
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("<html><head><title>帮助中心</title></head><body><p>中文文本，退货政策。</p></body></html>")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, contentType string
		data              []byte
		title, text       string
	}{
		{"meta charset windows-1252", "", []byte("<html><head><meta charset=\"windows-1252\"><title>Caf\xe9</title></head><body><p>Caf\xe9 au lait \x80 5</p></body></html>"), "Café", "Café au lait € 5"},
		{"meta http-equiv latin1", "", []byte("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head><body><p>na\xefve</p></body></html>"), "", "naïve"},
		{"undeclared windows-1252", "", []byte("<p>Men\xfc</p>"), "", "Menü"},
		{"content type wins", "text/html; charset=Shift_JIS", []byte(sjis), "配送について", "日本語のテキストです。"},
		{"gbk", "text/html; charset=gbk", []byte(gbk), "帮助中心", "中文文本，退货政策。"},
		{"utf-8 bom", "", append([]byte{0xEF, 0xBB, 0xBF}, "<p>Grüße</p>"...), "", "Grüße"},
		{"utf-16le bom", "", utf16LEWithBOM("<p>Grüße aus Köln</p>"), "", "Grüße aus Köln"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := HTML(t.Context(), tc.data, tc.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tc.title {
				t.Errorf("title = %q, want %q", doc.Title, tc.title)
			}
			if got := doc.Sections[len(doc.Sections)-1].Text; got != tc.text {
				t.Errorf("text = %q, want %q", got, tc.text)
			}
		})
	}
}

func TestHTMLDetails(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		title      string
		want       []Section
	}{
		{"og:title and a name anchors", `<html><head><meta property="og:title" content="OG Title"></head><body>
			<p>Intro.</p><a name="faq1"></a><h2>First question?</h2><p>Answer one.</p>
			<h2><a name="q2">Second?</a></h2><p>Answer two.</p></body></html>`,
			"OG Title", []Section{
				{Text: "Intro."},
				{Headings: []string{"First question?"}, Anchor: "faq1", Text: "Answer one."},
				{Headings: []string{"Second?"}, Anchor: "q2", Text: "Answer two."},
			}},
		{"h1 as title, largest article, header inside article kept", `<body>
			<article><p>Short teaser.</p></article>
			<article><header><h1>Real post</h1></header><p>The long article body with enough words to win.</p>
			<footer>Posted in Help</footer></article></body>`,
			"Real post", []Section{{Headings: []string{"Real post"}, Text: "The long article body with enough words to win.\n\nPosted in Help"}}},
		{"layout table and definition list", `<body><table role="presentation"><tr><td><h2>Left</h2><p>Cell text.</p></td></tr></table>
			<dl><dt>Term</dt><dd>Definition</dd></dl></body>`,
			"", []Section{{Headings: []string{"Left"}, Text: "Cell text.\n\nTerm\n\nDefinition"}}},
		{"asp.net form wrapper", `<body><form id="form1" action="x"><div><h1>Welcome</h1><p>Our opening hours are 9 to 5.</p></div>
			<div><input type="text" value="search"><button>Go</button></div></form></body>`,
			"Welcome", []Section{{Headings: []string{"Welcome"}, Text: "Our opening hours are 9 to 5."}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := HTML(t.Context(), []byte(tc.page), "text/html")
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tc.title {
				t.Errorf("title = %q, want %q", doc.Title, tc.title)
			}
			if !reflect.DeepEqual(doc.Sections, tc.want) {
				t.Errorf("sections:\n got %q\nwant %q", doc.Sections, tc.want)
			}
		})
	}
}

func TestHTMLEmpty(t *testing.T) {
	for _, page := range []string{
		"",
		"<html><head><title>Only a title</title></head><body>  </body></html>",
		noisyHead + noisyTail,
		"<body><script>alert(1)</script><div hidden>secret</div></body>",
	} {
		_, err := HTML(t.Context(), []byte(page), "text/html")
		if !errors.Is(err, ErrEmpty) {
			t.Errorf("HTML(%.40q) err = %v, want ErrEmpty", page, err)
		}
	}
}

func FuzzHTML(f *testing.F) {
	f.Add([]byte(noisyHead+"<main>"+noisyContent+"</main>"+noisyTail), "text/html")
	f.Add([]byte(noisyHead+noisyContent), "")
	f.Add([]byte("<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>"), "text/html; charset=gbk")
	f.Add([]byte(strings.Repeat("<div>", 600)+"deep"), "") // past the parser's 512
	f.Add([]byte("<ul><li><ol><li><li>x</ol><h2 id=a>h<h1>"), "text/html; charset=bogus")
	f.Add([]byte("<pre>\n\tcode</pre><br><br><p>\x00\xff"), "")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		if len(data) > maxFuzzInput {
			return
		}
		doc, err := HTML(t.Context(), data, contentType)
		checkResult(t, doc, err)
	})
}

// ---------------------------------------------------------------------------
// Markdown

const markdownDoc = "---\ntitle: Front matter title\nlayout: page\n---\n" +
	"Intro paragraph with a [link](https://example.com) and ![alt text](img.png).\n\n" +
	"# Guide\n\nSome *emphasis*,  `code` and &amp; entities\\!\nSoft break.  \nHard break.\n\n" +
	"## Setup\n\n1. First step\n2. Second step\n   - nested bullet\n   - another\n\n" +
	"```go\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n```\n\n" +
	"Setup\n-----\n\n| Name | Value |\n|------|-------|\n| a    | 1     |\n| b    | 2     |\n\n" +
	"### Über uns & Co.!\n\n<div class=\"note\">Raw <b>HTML</b> text</div>\n\n> Quoted text.\n\n" +
	"* [x] done task\n* plain item\n"

func TestMarkdown(t *testing.T) {
	doc, err := Markdown(t.Context(), []byte(markdownDoc))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Guide" {
		t.Errorf("title = %q", doc.Title)
	}
	want := []Section{
		{Text: "Intro paragraph with a link and alt text."},
		{Headings: []string{"Guide"}, Anchor: "guide", Text: "Some emphasis, code and & entities! Soft break.\nHard break."},
		{Headings: []string{"Guide", "Setup"}, Anchor: "setup", Text: "1. First step\n2. Second step\n  - nested bullet\n  - another\n\nfunc main() {\n    fmt.Println(\"hi\")\n}"},
		{Headings: []string{"Guide", "Setup"}, Anchor: "setup-1", Text: "Name | Value\na | 1\nb | 2"},
		{Headings: []string{"Guide", "Setup", "Über uns & Co.!"}, Anchor: "über-uns--co", Text: "Raw HTML text\n\nQuoted text.\n\n- done task\n- plain item"},
	}
	if !reflect.DeepEqual(doc.Sections, want) {
		t.Errorf("sections:\n got %q\nwant %q", doc.Sections, want)
	}

	doc, err = Markdown(t.Context(), []byte("---\ntitle: \"Only FM\"\n---\nJust text.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Only FM" {
		t.Errorf("front matter title = %q", doc.Title)
	}
	if _, err := Markdown(t.Context(), []byte("\n\n<!-- only a comment -->\n\n---\n")); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty markdown err = %v", err)
	}
}

func TestSlugDedup(t *testing.T) {
	w := &mdWalker{slugs: map[string]int{}}
	var got []string
	for _, h := range []string{"FAQ", "FAQ", "FAQ-1", "FAQ", "C++ & Go_lang", "日本語 見出し", "?!"} {
		got = append(got, w.slug(h))
	}
	want := []string{"faq", "faq-1", "faq-1-1", "faq-2", "c--go_lang", "日本語-見出し", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("slugs = %q, want %q", got, want)
	}
}

// ---------------------------------------------------------------------------
// Text

func utf16LEWithBOM(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestText(t *testing.T) {
	long := strings.Repeat("word ", 30)
	for _, tc := range []struct {
		name        string
		data        []byte
		title, text string
	}{
		{"utf-8 bom", []byte("\xef\xbb\xbfOpening hours\r\n\r\nMonday  to Friday\r\n9 to 5\n\n\n\nClosed\ton Sundays\n"), "Opening hours", "Opening hours\n\nMonday to Friday\n9 to 5\n\nClosed on Sundays"},
		{"utf-16le bom", utf16LEWithBOM("Grüße\r\n\r\nZweiter Absatz"), "Grüße", "Grüße\n\nZweiter Absatz"},
		{"windows-1252", []byte("Caf\xe9 menu\n\nPrices in \x80"), "Café menu", "Café menu\n\nPrices in €"},
		{"long first line", []byte(long + "\n\nmore"), "", strings.TrimSpace(long) + "\n\nmore"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Text(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tc.title {
				t.Errorf("title = %q, want %q", doc.Title, tc.title)
			}
			want := []Section{{Text: tc.text}}
			if !reflect.DeepEqual(doc.Sections, want) {
				t.Errorf("sections = %q, want %q", doc.Sections, want)
			}
		})
	}
	if _, err := Text([]byte(" \n\t\n\xef\xbb\xbf")); !errors.Is(err, ErrEmpty) {
		t.Errorf("blank text err = %v", err)
	}
}

// ---------------------------------------------------------------------------
// CSV

func TestCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want []QA
	}{
		{"comma with header", "Question,Answer\n\"How do I reset my password?\",\"Click \"\"Forgot password\"\".\nThen check your mail.\"\n,Answer without question\nNo answer?,\n\n",
			[]QA{{Question: "How do I reset my password?", Answer: "Click \"Forgot password\".\nThen check your mail."}}},
		{"semicolon german", "\xef\xbb\xbfFrage;Antwort\nWie lange dauert der Versand?;2–3 Tage\nKann ich bar zahlen?;Nein, leider nicht.\n",
			[]QA{{Question: "Wie lange dauert der Versand?", Answer: "2–3 Tage"}, {Question: "Kann ich bar zahlen?", Answer: "Nein, leider nicht."}}},
		{"tab without header", "Do you ship abroad?\tYes, to 30 countries.\nOpening hours\t9 to 5\n",
			[]QA{{Question: "Do you ship abroad?", Answer: "Yes, to 30 countries."}, {Question: "Opening hours", Answer: "9 to 5"}}},
		{"variants and language, extra columns", "id,question,alternatives,answer,lang,,\n1,Where is my order?,\"Track order|Order status\nwhere's my parcel\",Use the tracking link.,en,,\n2,Wo ist meine Bestellung?,,Nutzen Sie den Link.,de,,\n",
			[]QA{
				{Question: "Where is my order?", Variants: []string{"Track order", "Order status", "where's my parcel"}, Answer: "Use the tracking link.", Lang: "en"},
				{Question: "Wo ist meine Bestellung?", Answer: "Nutzen Sie den Link.", Lang: "de"},
			}},
		{"unnamed header on two columns", "Topic,Reply\nCan I return sale items?,Yes within 14 days.\n",
			[]QA{{Question: "Can I return sale items?", Answer: "Yes within 14 days."}}},
		{"excel sep line and windows-1252", "sep=;\nQuestion;Réponse\nCaf\xe9?;Oui\n",
			[]QA{{Question: "Café?", Answer: "Oui"}}},
		// A header of other names is dropped, whatever the rows below look like.
		{"column names above labels", "title,body\nfoo,bar\n",
			[]QA{{Question: "foo", Answer: "bar"}}},
		{"column names, semicolons", "Tittel;Innhold\nÅpningstider;9 til 17\nTelefon;22 22 22 22\n",
			[]QA{{Question: "Åpningstider", Answer: "9 til 17"}, {Question: "Telefon", Answer: "22 22 22 22"}}},
		{"half-empty row says nothing of the header", "Topic,Reply\nReturns,\nCan I return sale items?,Yes within 14 days.\n",
			[]QA{{Question: "Can I return sale items?", Answer: "Yes within 14 days."}}},
		{"one named column", "Question,Reply\nShipping,2 days\n",
			[]QA{{Question: "Shipping", Answer: "2 days"}}},
		{"norwegian header", "Spørsmål;Svar\nHar dere butikk?;Ja, i Bergen.\n",
			[]QA{{Question: "Har dere butikk?", Answer: "Ja, i Bergen."}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := CSV([]byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(doc.Pairs, tc.want) {
				t.Errorf("pairs:\n got %q\nwant %q", doc.Pairs, tc.want)
			}
			if len(doc.Sections) != 0 {
				t.Errorf("CSV produced sections %q", doc.Sections)
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       error
		msg        string
	}{
		{"only header", "question,answer\n", ErrEmpty, ""},
		{"empty", "", ErrEmpty, ""},
		{"rows without answers", "question,answer\nA?,\nB?,  \n", ErrEmpty, ""},
		{"bad quoting", "question,answer\nok?,fine\nbad \"quote\" here?,x\n", ErrCorrupt, "line 3"},
		{"unterminated quote", "question,answer\n\"never closed,x\n", ErrCorrupt, "line 2"},
		{"unknown columns", "a1,b1,c1\nx,y,z\n", ErrUnsupported, "question"},
		{"only column names", "title,body\n", ErrEmpty, ""},
		// Labels above labels, none a known column name: a header or a first row? Asked
		// rather than guessed, so neither a header becomes a short answer nor a row is lost.
		{"labels only", "Phone,Opening hours\n22 22 22 22,9 to 5\n", ErrUnsupported, `"question" and "answer"`},
		{"one row of labels", "foo,bar\n", ErrUnsupported, `"question" and "answer"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CSV([]byte(tc.data))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q should mention %q", err, tc.msg)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Kinds and dispatch

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		filename, contentType, want string
	}{
		{"Manual.PDF", "", "pdf"},
		{"guide.docx", "application/octet-stream", "docx"},
		{"page.html", "", "html"},
		{"page.htm", "", "html"},
		{"README.md", "", "markdown"},
		{"notes.markdown", "", "markdown"},
		{"notes.txt", "", "text"},
		{"notes.text", "", "text"},
		{"faq.csv", "", "csv"},
		{"", "text/html; charset=utf-8", "html"},
		{"https://example.com/help/shipping", "text/html", "html"},
		{"index.php", "application/xhtml+xml", "html"},
		{"download", "application/pdf", "pdf"},
		{"export", "text/csv", "csv"},
		{"notes", "text/plain; charset=iso-8859-1", "text"},
		{"doc", "text/markdown", "markdown"},
		{`C:\Users\me\FAQ.csv`, "", "csv"},
		{"sheet.xlsx", "", ""},
		{"photo.png", "image/png", ""},
		{"old.doc", "application/msword", ""},
		{"old.doc", "text/plain", ""},
		{"archive.zip", "application/zip", ""},
		{"", "", ""},
	} {
		got, err := KindOf(tc.filename, tc.contentType)
		if got != tc.want {
			t.Errorf("KindOf(%q, %q) = %q, want %q", tc.filename, tc.contentType, got, tc.want)
		}
		if tc.want == "" {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("KindOf(%q, %q) err = %v, want ErrUnsupported", tc.filename, tc.contentType, err)
			} else if !strings.Contains(err.Error(), "CSV") {
				t.Errorf("message %q does not name the supported kinds", err)
			}
		} else if err != nil {
			t.Errorf("KindOf(%q, %q) err = %v", tc.filename, tc.contentType, err)
		}
	}
}

func TestFile(t *testing.T) {
	pdfData := buildPDF(t, pdfSpec{pages: []string{page2}})
	for _, tc := range []struct {
		filename, contentType string
		data                  []byte
		want                  string
	}{
		{"a.pdf", "", pdfData, "Page two text."},
		{"a.docx", "", buildZip(t, docxFiles(para("", "Docx text."))), "Docx text."},
		{"a.html", "text/html; charset=iso-8859-1", []byte("<p>Caf\xe9</p>"), "Café"},
		{"a.md", "", []byte("# H\n\nMarkdown text."), "Markdown text."},
		{"a.txt", "", []byte("Plain text."), "Plain text."},
		{"download", "application/octet-stream", pdfData, "Page two text."}, // sniffed
	} {
		doc, err := File(t.Context(), tc.filename, tc.contentType, tc.data)
		if err != nil {
			t.Errorf("File(%q): %v", tc.filename, err)
			continue
		}
		if len(doc.Sections) == 0 || !strings.Contains(doc.Sections[0].Text, tc.want) {
			t.Errorf("File(%q) = %q, want text %q", tc.filename, doc.Sections, tc.want)
		}
	}
	doc, err := File(t.Context(), "faq.csv", "", []byte("q;a\nWhy?;Because.\n"))
	if err != nil || len(doc.Pairs) != 1 {
		t.Errorf("File(csv) = %v, %v", doc, err)
	}
	if _, err := File(t.Context(), "sheet.xlsx", "", pdfData); !errors.Is(err, ErrUnsupported) {
		t.Errorf("File(xlsx) err = %v", err)
	}
	if _, err := File(t.Context(), "blob", "application/octet-stream", []byte{1, 2, 3}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("File(unknown blob) err = %v", err)
	}
	// An empty file says so, not that it is not a PDF.
	for _, name := range []string{"empty.pdf", "empty.docx", "empty.md"} {
		if _, err := File(t.Context(), name, "", nil); !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "empty") {
			t.Errorf("File(%s) err = %v", name, err)
		}
	}
}
