package extract

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Limits that keep a hostile PDF (cyclic page trees, decompression bombs, endless
// content) from running for ever or eating memory.
const (
	maxPDFPageNodes    = 200000    // page tree nodes visited
	maxPDFOps          = 20000000  // content stream operators interpreted, all pages
	maxPDFStreamBytes  = 256 << 20 // decoded content stream bytes, all pages
	maxPDFText         = 50 << 20  // bytes of text collected
	maxPDFFormDepth    = 8         // nesting of form XObjects
	maxPDFObjects      = 50000000  // object numbers in a cross-reference table
	maxPDFOperands     = 1024      // operands kept before an operator
	maxPDFArray        = 1 << 16   // elements kept in one array
	maxPDFNesting      = 32        // arrays and dictionaries in each other
	maxPDFInherit      = 32        // steps up the page tree for inherited resources
	maxPDFCMapEntries  = 100000    // ToUnicode mappings kept per font
	maxPDFPrescanBytes = 64 << 20  // decoded bytes of one stream checked by the pre-scan
	// maxPDFColumns bounds the row of a PNG predictor: the library allocates two rows
	// before it reads a byte, and a claimed 10^11 is a fatal out-of-memory.
	maxPDFColumns = 1 << 20
)

var (
	errPDFBudget = errors.New("pdf: content limit reached")
	encryptRef   = regexp.MustCompile(`/Encrypt\s*(?:\d+\s+\d+\s+R|<<)`)
	ligatures    = strings.NewReplacer("ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl", "ﬅ", "st", "ﬆ", "st")
)

// extractPDF reads a PDF in this process; PDF runs it in a child (pdfchild.go).
func extractPDF(data []byte) (doc Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = Document{}, fail("pdf", ErrCorrupt, "the PDF is damaged and could not be read", fmt.Errorf("%v", r))
		}
	}()
	data, ok := normalizePDF(data)
	if !ok {
		return Document{}, fail("pdf", ErrCorrupt, "the file is not a PDF", nil)
	}
	encrypted := encryptRef.Match(data)
	if err := prescanPDF(data, encrypted); err != nil {
		return Document{}, fail("pdf", ErrCorrupt, "the PDF is damaged and could not be read", err)
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(strings.ToLower(err.Error()), "encrypt") || encrypted {
			return Document{}, fail("pdf", ErrEncrypted, "the PDF is password-protected; upload an unprotected copy", nil)
		}
		return Document{}, fail("pdf", ErrCorrupt, "the PDF is damaged and could not be read", err)
	}
	if enc := r.Trailer().Key("Encrypt"); !enc.IsNull() {
		// It opened without a password: only editing is restricted. The library gets
		// 40-bit keys wrong (it does not shorten the per-object key), so only longer
		// keys are trusted to decrypt.
		if n := enc.Key("Length").Int64(); n < 128 && enc.Key("V").Int64() != 4 {
			return Document{}, fail("pdf", ErrEncrypted, "the PDF is protected with old 40-bit encryption; upload an unprotected copy", nil)
		}
	}

	pages, err := pdfPages(r)
	if err != nil {
		return Document{}, err
	}
	if len(pages) == 0 {
		return Document{}, fail("pdf", ErrEmpty, "the PDF has no pages", nil)
	}
	e := &pdfExtractor{}
	texts := make([][]string, len(pages))
	failed, any := 0, false
	for i, p := range pages {
		paras, err := e.pageText(p)
		if errors.Is(err, errPDFBudget) {
			return Document{}, fail("pdf", ErrTooLarge, "the PDF has more content than can be read", nil)
		}
		if err != nil {
			failed++
			continue
		}
		texts[i] = paras
		any = any || len(paras) > 0
	}
	if !any {
		if failed > 0 {
			return Document{}, fail("pdf", ErrCorrupt, "the PDF is damaged: no page could be read", nil)
		}
		return Document{}, fail("pdf", ErrEmpty, "the PDF has no text; it seems to be scanned images (run it through OCR and upload the result)", nil)
	}
	dropRunningLines(texts)
	var sections []Section
	for i, paras := range texts {
		if len(paras) > 0 {
			sections = append(sections, Section{Anchor: "page=" + strconv.Itoa(i+1), Text: strings.Join(paras, "\n\n")})
		}
	}
	if len(sections) == 0 { // only running headers: keep them after all
		return Document{}, fail("pdf", ErrEmpty, "the PDF has no text besides page headers", nil)
	}
	return Document{Title: pdfTitle(r, sections), Sections: sections}, nil
}

// normalizePDF finds the %PDF header (some files carry junk before it), rewrites a
// version the library does not know (PDF 2.0) and cuts junk after the last %%EOF, so
// that more real-world files open. It returns false when there is no header at all.
func normalizePDF(data []byte) ([]byte, bool) {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	i := bytes.Index(head, []byte("%PDF-"))
	if i < 0 {
		return nil, false
	}
	data = data[i:]
	if end := bytes.LastIndex(data, []byte("%%EOF")); end > 0 {
		data = data[:end+len("%%EOF")]
	}
	if len(data) < 10 {
		return data, true
	}
	if v := data[7]; data[5] != '1' || data[6] != '.' || v < '0' || v > '7' || (data[8] != '\n' && data[8] != '\r') {
		fixed := make([]byte, len(data))
		copy(fixed, data)
		if fixed[5] != '1' || fixed[6] != '.' || v < '0' || v > '7' {
			copy(fixed[5:8], "1.7")
		}
		if fixed[8] != '\n' && fixed[8] != '\r' {
			fixed[8] = '\n'
		}
		data = fixed
	}
	return data, true
}

// pdfPages walks the page tree with a bound on visited nodes and depth, since the
// library's own lookup loops for ever on a cyclic tree.
func pdfPages(r *pdf.Reader) ([]pdf.Page, error) {
	var pages []pdf.Page
	root := r.Trailer().Key("Root").Key("Pages")
	// A real tree has about as many nodes as pages; a cyclic one never ends, so the
	// walk stops well past what the declared page count allows.
	limit := maxPDFPageNodes
	if count := root.Key("Count").Int64(); count > 0 && count < int64(limit)/10 {
		limit = int(count)*10 + 100
	}
	visited := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		visited++
		if visited > limit {
			return fail("pdf", ErrCorrupt, "the PDF's page tree is damaged", nil)
		}
		if depth > 64 || v.Kind() != pdf.Dict {
			return nil
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Pages" || (kids.Kind() == pdf.Array && v.Key("Type").Name() != "Page") {
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		pages = append(pages, pdf.Page{V: v})
		return nil
	}
	err := walk(root, 0)
	return pages, err
}

func pdfTitle(r *pdf.Reader, sections []Section) string {
	t := collapse(r.Trailer().Key("Info").Key("Title").Text())
	t = strings.TrimPrefix(t, "Microsoft Word - ")
	for _, ext := range []string{".docx", ".doc", ".pdf", ".odt", ".rtf", ".txt"} {
		if strings.HasSuffix(strings.ToLower(t), ext) {
			t = strings.TrimSpace(t[:len(t)-len(ext)])
		}
	}
	if t != "" && !strings.EqualFold(t, "untitled") {
		return t
	}
	first, _, _ := strings.Cut(sections[0].Text, "\n")
	if utf8.RuneCountInString(first) < maxTitleRunes {
		return first
	}
	return ""
}

var pageNumber = regexp.MustCompile(`(?i)^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$`)

// dropRunningLines removes the first and last paragraph of pages when, digits
// ignored, the same short text sits there on most pages: running headers, footers
// and page numbers, which would otherwise repeat in every chunk.
func dropRunningLines(pages [][]string) {
	key := func(s string) string {
		if utf8.RuneCountInString(s) > maxTitleRunes {
			return "\x00long"
		}
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) || unicode.IsSpace(r) {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	for i, p := range pages { // bare page numbers: "7", "vii", "Page 7", "7 of 9"
		for len(p) > 1 && pageNumber.MatchString(p[len(p)-1]) {
			p = p[:len(p)-1]
		}
		for len(p) > 1 && pageNumber.MatchString(p[0]) {
			p = p[1:]
		}
		pages[i] = p
	}
	if len(pages) < 3 {
		return
	}
	for _, end := range []int{0, 1} { // 0: first paragraph, 1: last
		count := map[string]int{}
		for _, p := range pages {
			if len(p) > 1 {
				count[key(p[(len(p)-1)*end])]++
			}
		}
		for i, p := range pages {
			if len(p) < 2 || i == 0 && end == 0 { // the first page's top is its title
				continue
			}
			at := (len(p) - 1) * end
			if k := key(p[at]); k != "\x00long" && count[k]*2 >= len(pages) && count[k] >= 3 {
				pages[i] = append(p[:at:at], p[at+1:]...)
			}
		}
	}
}

// pdfExtractor interprets content streams, sharing budgets over all pages.
type pdfExtractor struct {
	ops         int
	streamBytes int
	textSize    int
	fonts       map[string]*pdfFont
}

// mat is a PDF transformation matrix [a b c d e f].
type mat [6]float64

var identity = mat{1, 0, 0, 1, 0, 0}

// mul returns m×n: m applied first, then n.
func (m mat) mul(n mat) mat {
	return mat{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) mat { return mat{1, 0, 0, 1, x, y} }

// pdfRun is one string shown on the page: where it starts and ends on the baseline.
type pdfRun struct {
	s               string
	x0, x1, y, size float64
}

// pdfBox is a rectangle on the page: the bounds of a path.
type pdfBox struct {
	x0, y0, x1, y1 float64
	empty          bool
}

func (b *pdfBox) add(x, y float64) {
	if b.empty {
		*b = pdfBox{x0: x, y0: y, x1: x, y1: y}
		return
	}
	b.x0, b.y0 = math.Min(b.x0, x), math.Min(b.y0, y)
	b.x1, b.y1 = math.Max(b.x1, x), math.Max(b.y1, y)
}

// bullet reports whether the path is the size and shape of a drawn list bullet: a dot
// or square of one to ten points (browsers draw bullets as paths, not characters).
func (b pdfBox) bullet() bool {
	w, h := b.x1-b.x0, b.y1-b.y0
	return !b.empty && w >= 1 && h >= 1 && w <= 10 && h <= 10 && w <= 2*h && h <= 2*w
}

// maxPDFMarks bounds the bullets kept per page.
const maxPDFMarks = 10000

// pdfPage is what a page's content shows: its text and the bullets it draws.
type pdfPage struct {
	runs  []pdfRun
	marks []pdfBox
}

type pdfGState struct {
	ctm                  mat
	tc, tw, th, tl, rise float64
	font                 *pdfFont
	fontSize             float64
}

// pageText returns the page's paragraphs, or an error when its content is unreadable.
func (e *pdfExtractor) pageText(p pdf.Page) (paras []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			if re, ok := r.(error); ok && errors.Is(re, errPDFBudget) {
				err = errPDFBudget
				return
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	var page pdfPage
	content := e.streamData(p.V.Key("Contents"))
	e.interpret(content, inherited(p.V, "Resources"), identity, &page, 0)
	text := ligatures.Replace(layoutRuns(page))
	if text == "" {
		return nil, nil
	}
	return strings.Split(text, "\n\n"), nil
}

// inherited looks key up in a page and its ancestors, a bounded number of steps (the
// library's own lookup follows a cyclic Parent chain for ever).
func inherited(v pdf.Value, key string) pdf.Value {
	for i := 0; i < maxPDFInherit && v.Kind() == pdf.Dict; i++ {
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// streamData decodes a stream (or an array of streams, as page contents may be)
// within the shared byte budget.
func (e *pdfExtractor) streamData(v pdf.Value) []byte {
	if v.Kind() == pdf.Array {
		var b []byte
		for i := 0; i < v.Len() && i < maxPDFArray; i++ {
			if s := v.Index(i); s.Kind() == pdf.Stream {
				b = append(b, e.streamData(s)...)
				b = append(b, '\n')
			}
		}
		return b
	}
	if v.Kind() != pdf.Stream {
		return nil
	}
	parms := []pdf.Value{v.Key("DecodeParms")}
	if parms[0].Kind() == pdf.Array {
		parms = nil
		for i := 0; i < v.Key("DecodeParms").Len() && i < maxPDFArray; i++ {
			parms = append(parms, v.Key("DecodeParms").Index(i))
		}
	}
	for _, p := range parms {
		if c := p.Key("Columns").Int64(); c < 0 || c > maxPDFColumns {
			panic(fmt.Errorf("stream with predictor rows of %d bytes", c))
		}
	}
	left := maxPDFStreamBytes - e.streamBytes
	rc := v.Reader()
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(left)+1))
	e.streamBytes += len(b)
	if e.streamBytes > maxPDFStreamBytes {
		panic(errPDFBudget)
	}
	if err != nil && len(b) == 0 {
		panic(err)
	}
	return b // a stream damaged at the end still gives what precedes
}

// interpret runs a content stream, collecting the text it shows.
func (e *pdfExtractor) interpret(content []byte, res pdf.Value, ctm mat, out *pdfPage, depth int) {
	g := pdfGState{ctm: ctm, th: 1}
	path := pdfBox{empty: true}
	point := func(x, y float64) {
		path.add(g.ctm[0]*x+g.ctm[2]*y+g.ctm[4], g.ctm[1]*x+g.ctm[3]*y+g.ctm[5])
	}
	var stack []pdfGState
	tm, tlm := identity, identity
	fonts := map[string]*pdfFont{}

	show := func(raw string) {
		f := g.font
		if f == nil || raw == "" {
			return
		}
		s, codes := f.decode(raw)
		e.textSize += len(s)
		if e.textSize > maxPDFText {
			panic(errPDFBudget)
		}
		start := tm.mul(g.ctm)
		x0 := start[4] + g.rise*start[2]
		y := start[5] + g.rise*start[3]
		size := math.Abs(g.fontSize) * math.Hypot(start[2], start[3])
		tm = translate(f.advance(codes, g), 0).mul(tm)
		end := tm.mul(g.ctm)
		out.runs = append(out.runs, pdfRun{s: s, x0: x0, x1: end[4] + g.rise*end[2], y: y, size: size})
	}
	nextLine := func() {
		tlm = translate(0, -g.tl).mul(tlm)
		tm = tlm
	}

	l := &pdfLexer{b: content}
	var args []pdfObj
	for {
		t := l.token()
		if t.kind == pEOF {
			return
		}
		if t.kind != pOp {
			v := l.value(t, 0)
			if len(args) < maxPDFOperands {
				args = append(args, v)
			}
			continue
		}
		e.ops++
		if e.ops > maxPDFOps {
			panic(errPDFBudget)
		}
		num := func(i int) float64 {
			if i < len(args) && args[i].kind == pNum {
				return args[i].num
			}
			return 0
		}
		matrix := func() mat {
			if len(args) < 6 {
				return identity
			}
			return mat{num(0), num(1), num(2), num(3), num(4), num(5)}
		}
		str := func(i int) string {
			if i >= 0 && i < len(args) && args[i].kind == pStr {
				return args[i].s
			}
			return ""
		}
		switch t.s {
		case "BI":
			l.skipInlineImage()
		case "q":
			if len(stack) < 256 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			g.ctm = matrix().mul(g.ctm)
		case "m", "l":
			point(num(0), num(1))
		case "c", "v", "y":
			for i := 0; i+1 < len(args); i += 2 {
				point(num(i), num(i+1))
			}
		case "re":
			point(num(0), num(1))
			point(num(0)+num(2), num(1)+num(3))
		case "f", "F", "f*", "B", "B*", "b", "b*", "S", "s":
			if path.bullet() && len(out.marks) < maxPDFMarks {
				out.marks = append(out.marks, path)
			}
			path = pdfBox{empty: true}
		case "n":
			path = pdfBox{empty: true}
		case "BT":
			tm, tlm = identity, identity
		case "Td":
			tlm = translate(num(0), num(1)).mul(tlm)
			tm = tlm
		case "TD":
			g.tl = -num(1)
			tlm = translate(num(0), num(1)).mul(tlm)
			tm = tlm
		case "Tm":
			tm = matrix()
			tlm = tm
		case "T*":
			nextLine()
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Ts":
			g.rise = num(0)
		case "Tf":
			if len(args) >= 2 && args[0].kind == pName {
				g.font = e.font(fonts, res, args[0].s)
				g.fontSize = num(1)
			}
		case "Tj":
			show(str(len(args) - 1))
		case "'":
			nextLine()
			show(str(len(args) - 1))
		case "\"":
			if len(args) >= 3 {
				g.tw, g.tc = num(0), num(1)
				nextLine()
				show(str(2))
			}
		case "TJ":
			if len(args) >= 1 {
				for _, x := range args[len(args)-1].arr {
					switch x.kind {
					case pStr:
						show(x.s)
					case pNum:
						tm = translate(-x.num/1000*g.fontSize*g.th, 0).mul(tm)
					}
				}
			}
		case "Do":
			if len(args) >= 1 && args[0].kind == pName && depth < maxPDFFormDepth {
				xo := res.Key("XObject").Key(args[0].s)
				if xo.Kind() == pdf.Stream && xo.Key("Subtype").Name() == "Form" {
					fres := xo.Key("Resources")
					if fres.Kind() != pdf.Dict {
						fres = res
					}
					m := identity
					if fm := xo.Key("Matrix"); fm.Len() == 6 {
						for i := range m {
							m[i] = fm.Index(i).Float64()
						}
					}
					e.interpret(e.streamData(xo), fres, m.mul(g.ctm), out, depth+1)
				}
			}
		}
		args = args[:0]
	}
}

// pdfFont decodes the strings shown in one font and knows their widths.
type pdfFont struct {
	simple   pdf.TextEncoding // the library's decoder, for fonts without ToUnicode
	cmap     *toUnicode
	cid      bool // composite (Type0) font: multi-byte codes
	widths   []float64
	first    int
	hasWidth bool
	cidW     map[int]float64
	cidDW    float64
}

func (e *pdfExtractor) font(cache map[string]*pdfFont, res pdf.Value, name string) *pdfFont {
	if f, ok := cache[name]; ok {
		return f
	}
	v := res.Key("Font").Key(name)
	// Pages share fonts; the dictionary's text (with its references) identifies one,
	// so its ToUnicode map is read once per document, not once per page.
	key := v.String()
	if f, ok := e.fonts[key]; ok {
		cache[name] = f
		return f
	}
	f := &pdfFont{}
	if v.Key("Subtype").Name() == "Type0" {
		f.cid = true
		d := v.Key("DescendantFonts").Index(0)
		f.cidDW = 1000
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.cidDW = dw.Float64()
		}
		f.cidW = cidWidths(d.Key("W"))
	} else if w := v.Key("Widths"); w.Kind() == pdf.Array {
		f.first = int(v.Key("FirstChar").Int64())
		f.hasWidth = true
		for i := 0; i < w.Len() && i < 256; i++ {
			f.widths = append(f.widths, w.Index(i).Float64())
		}
	}
	tu := v.Key("ToUnicode")
	if tu.Kind() == pdf.Stream {
		f.cmap = parseToUnicode(e.streamData(tu))
	}
	if f.cmap == nil && !f.cid {
		enc := v.Key("Encoding")
		if tu.Kind() == pdf.Stream && (enc.Kind() == pdf.Null || enc.Kind() == pdf.Name && enc.Name() == "Identity-H") {
			// the library would read the (unusable) ToUnicode stream with its own
			// interpreter, which can loop for ever on a damaged one
			f.simple = latin1{}
		} else {
			// safe: this way the library only uses its encoding tables
			font := pdf.Font{V: v}
			f.simple = font.Encoder()
		}
	}
	cache[name] = f
	if e.fonts == nil {
		e.fonts = map[string]*pdfFont{}
	}
	if len(e.fonts) < 10000 {
		e.fonts[key] = f
	}
	return f
}

// latin1 decodes each byte as the character with that number.
type latin1 struct{}

func (latin1) Decode(raw string) string {
	r := make([]rune, len(raw))
	for i := 0; i < len(raw); i++ {
		r[i] = rune(raw[i])
	}
	return string(r)
}

// decode returns the text of a shown string and its character codes.
func (f *pdfFont) decode(raw string) (string, []int) {
	var codes []int
	var b strings.Builder
	for i := 0; i < len(raw); {
		n := 1
		if f.cid {
			n = 2
		}
		if f.cmap != nil {
			n = f.cmap.codeLen(raw[i:], n)
		}
		if i+n > len(raw) {
			n = len(raw) - i
		}
		code := raw[i : i+n]
		i += n
		c := 0
		for j := 0; j < len(code); j++ {
			c = c<<8 | int(code[j])
		}
		codes = append(codes, c)
		switch {
		case f.cmap != nil:
			if s, ok := f.cmap.lookup(code); ok {
				b.WriteString(s)
			} else if !f.cid && n == 1 {
				b.WriteRune(rune(code[0]))
			}
		case f.simple != nil:
			b.WriteString(f.simple.Decode(code))
		}
		// a composite font without ToUnicode has no text we can know
	}
	return b.String(), codes
}

// cidWidths reads a composite font's W array: "c [w1 w2 …]" and "cfirst clast w".
func cidWidths(w pdf.Value) map[int]float64 {
	m := map[int]float64{}
	n := w.Len()
	for i := 0; i < n && len(m) < maxPDFArray; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(m) < maxPDFArray; j++ {
				m[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		width := w.Index(i + 2).Float64()
		for cc := c; cc <= last && len(m) < maxPDFArray; cc++ {
			m[cc] = width
		}
		i += 3
	}
	return m
}

// advance is how far (in text space) showing the codes moves the text position.
// Simple fonts without widths (old files using the standard 14 fonts) do not
// advance, so a run's end is its start; layout then only sees explicit moves.
func (f *pdfFont) advance(codes []int, g pdfGState) float64 {
	var tx float64
	for _, c := range codes {
		var w float64
		switch {
		case f.cid:
			var ok bool
			if w, ok = f.cidW[c]; !ok {
				w = f.cidDW
			}
		case !f.hasWidth:
			return 0
		default:
			if i := c - f.first; i >= 0 && i < len(f.widths) {
				w = f.widths[i]
			}
		}
		tx += w/1000*g.fontSize + g.tc
		if !f.cid && c == ' ' {
			tx += g.tw
		}
	}
	return tx * g.th
}

// toUnicode is a font's ToUnicode CMap: which text each character code stands for.
type toUnicode struct {
	spaces [][2]string // codespace ranges, low and high codes of equal length
	chars  map[string]string
	ranges []cmapRange
}

type cmapRange struct {
	lo, hi string
	dst    string   // text of lo; later codes increment its last character
	arr    []string // or one text per code
}

func parseToUnicode(data []byte) *toUnicode {
	m := &toUnicode{chars: map[string]string{}}
	l := &pdfLexer{b: data}
	mode := ""
	var pending []pdfObj
	entries := 0
	for {
		t := l.token()
		if t.kind == pEOF {
			break
		}
		if t.kind == pOp {
			switch t.s {
			case "begincodespacerange", "beginbfchar", "beginbfrange":
				mode = t.s
			default:
				mode = ""
			}
			pending = pending[:0]
			continue
		}
		v := l.value(t, 0)
		if mode == "" || entries >= maxPDFCMapEntries {
			continue
		}
		pending = append(pending, v)
		switch {
		case mode == "begincodespacerange" && len(pending) == 2:
			if lo, hi := pending[0].s, pending[1].s; lo != "" && len(lo) == len(hi) && len(lo) <= 4 {
				m.spaces = append(m.spaces, [2]string{lo, hi})
			}
			pending = pending[:0]
		case mode == "beginbfchar" && len(pending) == 2:
			if pending[0].kind == pStr && pending[0].s != "" {
				m.chars[pending[0].s] = utf16Text(pending[1].s)
				entries++
			}
			pending = pending[:0]
		case mode == "beginbfrange" && len(pending) == 3:
			lo, hi, dst := pending[0], pending[1], pending[2]
			if lo.kind == pStr && hi.kind == pStr && lo.s != "" && len(lo.s) == len(hi.s) && lo.s <= hi.s {
				r := cmapRange{lo: lo.s, hi: hi.s, dst: dst.s}
				for _, a := range dst.arr {
					r.arr = append(r.arr, utf16Text(a.s))
				}
				m.ranges = append(m.ranges, r)
				entries++
			}
			pending = pending[:0]
		}
	}
	if len(m.chars) == 0 && len(m.ranges) == 0 {
		return nil
	}
	return m
}

// codeLen is the length of the code at the start of s: the codespace range it falls
// in, else def.
func (m *toUnicode) codeLen(s string, def int) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
		for _, sp := range m.spaces {
			if len(sp[0]) == n && sp[0] <= s[:n] && s[:n] <= sp[1] {
				return n
			}
		}
	}
	return def
}

func (m *toUnicode) lookup(code string) (string, bool) {
	if s, ok := m.chars[code]; ok {
		return s, true
	}
	for _, r := range m.ranges {
		if len(r.lo) != len(code) || code < r.lo || code > r.hi {
			continue
		}
		off := 0
		for i := 0; i < len(code); i++ {
			off = off<<8 | (int(code[i]) - int(r.lo[i]))
		}
		if r.arr != nil {
			if off >= 0 && off < len(r.arr) {
				return r.arr[off], true
			}
			return "", false
		}
		u := utf16Units(r.dst)
		if len(u) == 0 {
			return "", false
		}
		u[len(u)-1] += uint16(off)
		return string(utf16.Decode(u)), true
	}
	return "", false
}

func utf16Units(s string) []uint16 {
	if len(s) == 1 {
		return []uint16{uint16(s[0])}
	}
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return u
}

func utf16Text(s string) string { return string(utf16.Decode(utf16Units(s))) }

// ---------------------------------------------------------------------------
// A small lexer for PDF syntax (ISO 32000-1 §7.2–7.3), used on content streams,
// CMaps and, in the pre-scan, on the file itself. It never fails: malformed input
// ends strings and containers at the end of the data.

type pdfKind int

const (
	pEOF pdfKind = iota
	pNum
	pName
	pStr
	pOp // an operator or other bare keyword
	pArr
	pDict
	pRef
	pArrOpen
	pArrClose
	pDictOpen
	pDictClose
)

type pdfObj struct {
	kind pdfKind
	num  float64
	s    string // name, string or keyword
	arr  []pdfObj
	dict map[string]pdfObj
}

type pdfLexer struct {
	b   []byte
	pos int
	// refs makes value read "1 0 R" as a reference (file syntax, not content).
	refs bool
	// openHex is set when the data ended inside a hex string.
	openHex bool
}

func isPDFSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isPDFDelim(c byte) bool { return strings.IndexByte("()<>[]{}/%", c) >= 0 }

func (l *pdfLexer) token() pdfObj {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isPDFSpace(c):
			l.pos++
			continue
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		case c == '(':
			l.pos++
			return pdfObj{kind: pStr, s: l.literal()}
		case c == '<':
			if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
				l.pos += 2
				return pdfObj{kind: pDictOpen}
			}
			l.pos++
			return pdfObj{kind: pStr, s: l.hex()}
		case c == '>':
			l.pos++
			if l.pos < len(l.b) && l.b[l.pos] == '>' {
				l.pos++
				return pdfObj{kind: pDictClose}
			}
			continue // stray
		case c == '[':
			l.pos++
			return pdfObj{kind: pArrOpen}
		case c == ']':
			l.pos++
			return pdfObj{kind: pArrClose}
		case c == '/':
			l.pos++
			return pdfObj{kind: pName, s: l.name()}
		case c == ')' || c == '{' || c == '}':
			l.pos++
			continue
		}
		start := l.pos
		for l.pos < len(l.b) && !isPDFSpace(l.b[l.pos]) && !isPDFDelim(l.b[l.pos]) {
			l.pos++
		}
		word := string(l.b[start:l.pos])
		if n, ok := pdfNumber(word); ok {
			return pdfObj{kind: pNum, num: n}
		}
		return pdfObj{kind: pOp, s: word}
	}
	return pdfObj{kind: pEOF}
}

func pdfNumber(w string) (float64, bool) {
	digits := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || (i == 0 && (c == '+' || c == '-')):
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	n, err := strconv.ParseFloat(w, 64)
	if err != nil {
		return 0, true // "1.2.3" and the like: a number all the same
	}
	return n, true
}

func (l *pdfLexer) literal() string {
	var b []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return string(b)
			}
		case '\\':
			if l.pos >= len(l.b) {
				return string(b)
			}
			c = l.b[l.pos]
			l.pos++
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			case '0', '1', '2', '3', '4', '5', '6', '7':
				x := int(c - '0')
				for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
					x = x*8 + int(l.b[l.pos]-'0')
					l.pos++
				}
				c = byte(x)
			}
		}
		b = append(b, c)
	}
	return string(b)
}

func (l *pdfLexer) hex() string {
	var b []byte
	half := -1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			if half >= 0 {
				b = append(b, byte(half<<4))
			}
			return string(b)
		}
		v := unhexDigit(c)
		if v < 0 {
			continue
		}
		if half < 0 {
			half = v
		} else {
			b = append(b, byte(half<<4|v))
			half = -1
		}
	}
	l.openHex = true
	return string(b)
}

func unhexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (l *pdfLexer) name() string {
	var b []byte
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isPDFSpace(c) || isPDFDelim(c) {
			break
		}
		l.pos++
		if c == '#' && l.pos+1 < len(l.b) {
			if h, lo := unhexDigit(l.b[l.pos]), unhexDigit(l.b[l.pos+1]); h >= 0 && lo >= 0 {
				b = append(b, byte(h<<4|lo))
				l.pos += 2
				continue
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// value reads a whole value starting with token t: arrays and dictionaries are
// collected (within limits), and with refs "n g R" becomes a reference.
func (l *pdfLexer) value(t pdfObj, depth int) pdfObj {
	if (t.kind == pArrOpen || t.kind == pDictOpen) && depth >= maxPDFNesting {
		l.skipNested()
		return pdfObj{kind: pOp, s: "null"}
	}
	switch t.kind {
	case pNum:
		if l.refs {
			save := l.pos
			if t2 := l.token(); t2.kind == pNum {
				if t3 := l.token(); t3.kind == pOp && t3.s == "R" {
					return pdfObj{kind: pRef, num: t.num}
				}
			}
			l.pos = save
		}
	case pArrOpen:
		a := pdfObj{kind: pArr}
		for {
			e := l.token()
			if e.kind == pEOF || e.kind == pArrClose {
				return a
			}
			v := l.value(e, depth+1)
			if len(a.arr) < maxPDFArray {
				a.arr = append(a.arr, v)
			}
		}
	case pDictOpen:
		d := pdfObj{kind: pDict, dict: map[string]pdfObj{}}
		for {
			k := l.token()
			if k.kind == pEOF || k.kind == pDictClose {
				return d
			}
			if k.kind != pName {
				continue
			}
			v := l.value(l.token(), depth+1)
			if len(d.dict) < maxPDFArray {
				d.dict[k.s] = v
			}
		}
	}
	return t
}

// skipNested moves past the array or dictionary just opened, without recursion:
// nesting beyond maxPDFNesting is only ever hostile.
func (l *pdfLexer) skipNested() {
	for open := 1; open > 0; {
		switch l.token().kind {
		case pEOF:
			return
		case pArrOpen, pDictOpen:
			open++
		case pArrClose, pDictClose:
			open--
		}
	}
}

// skipInlineImage moves past an inline image: its dictionary up to ID, then the
// binary data up to an EI that stands on its own.
func (l *pdfLexer) skipInlineImage() {
	for {
		t := l.token()
		if t.kind == pEOF {
			return
		}
		if t.kind == pOp && t.s == "ID" {
			break
		}
	}
	l.pos++ // the single white-space byte after ID
	for l.pos < len(l.b) {
		i := bytes.Index(l.b[l.pos:], []byte("EI"))
		if i < 0 {
			l.pos = len(l.b)
			return
		}
		at := l.pos + i
		l.pos = at + 2
		before := at == 0 || isPDFSpace(l.b[at-1])
		after := l.pos >= len(l.b) || isPDFSpace(l.b[l.pos]) || isPDFDelim(l.b[l.pos])
		if before && after {
			return
		}
	}
}

// ---------------------------------------------------------------------------
// Pre-scan: the pdf library loops for ever, recurses without end or allocates without
// bound on some damaged structures: a /Prev chain of cross-reference sections that
// comes round again, object streams that extend each other in a cycle, hold
// themselves, claim absurd object counts or end inside a hex string, object numbers or
// field widths far beyond what the file holds. The pre-scan reads the cross-reference
// as the library builds it, and each object stream it names, from where the library
// finds it (not by looking for what an object stream usually looks like, which a
// padded dictionary, an escaped name or an indirect /Type would hide); such a file is
// reported as damaged before the library sees it.

// pdfXref is the cross-reference as the library builds it: where each object is, the
// newest section's entry winning.
type pdfXref map[int]pdfXrefEntry

type pdfXrefEntry struct {
	offset     int  // of "n g obj", for an object stored as it is
	stream     int  // the object stream holding it, when compressed
	compressed bool // in an object stream
	free       bool
}

func prescanPDF(data []byte, encrypted bool) error {
	// The library starts from the last startxref in its window at the end of the file;
	// every one there is followed, so that none is missed.
	tail := data[max(0, len(data)-pdfTailWindow):]
	for at := len(tail); ; {
		i := bytes.LastIndex(tail[:at], []byte("startxref"))
		if i < 0 {
			return nil
		}
		at = i
		off, ok := pdfOffset(data, (&pdfLexer{b: tail, pos: i + len("startxref")}).token())
		if !ok {
			continue
		}
		xref, err := readXrefChain(data, off)
		if err != nil {
			return err
		}
		if err := checkObjectStreams(data, xref, encrypted); err != nil {
			return err
		}
	}
}

// pdfTailWindow is how many bytes at the end of a file the library searches for
// startxref.
const pdfTailWindow = 100

// pdfOffset is a number read from the file as an offset into it.
func pdfOffset(data []byte, v pdfObj) (int, bool) {
	if v.kind != pNum || v.num < 0 || v.num >= float64(len(data)) || v.num != math.Trunc(v.num) {
		return 0, false
	}
	return int(v.num), true
}

// readXrefChain reads the cross-reference sections from off through each /Prev. The
// library follows /Prev with no memory of where it has been, so a section whose /Prev
// leads back to itself or to any section before it (a 600-byte file will do) keeps it
// reading for ever: here each section is read once, and coming to one again is a
// cycle.
func readXrefChain(data []byte, off int) (pdfXref, error) {
	xref := pdfXref{}
	seen := map[int]bool{}
	for ok := true; ok; {
		key, prev, err := xrefSection(data, off, xref)
		if err != nil || key < 0 {
			return xref, err // key < 0: nothing the library can read, and it says so
		}
		if seen[key] {
			return nil, fmt.Errorf("the cross-reference section at byte %d is reached again through /Prev: a cycle", off)
		}
		seen[key] = true
		off, ok = pdfOffset(data, prev)
	}
	return xref, nil
}

// xrefSection reads the cross-reference section the library finds at off into xref:
// a table ("xref" … "trailer" <<…>>) or a stream ("n g obj" <</Type /XRef …>>). It
// returns a key for the section (where its first token ends, whatever white space and
// comments precede it: two offsets before one section give the same key) or -1 when
// none is there, its /Prev entry, and an error for what would make the library
// allocate without bound.
func xrefSection(data []byte, off int, xref pdfXref) (key int, prev pdfObj, err error) {
	l := &pdfLexer{b: data, pos: off, refs: true}
	t := l.token()
	key = l.pos
	switch {
	case t.kind == pOp && t.s == "xref":
		for {
			first := l.token()
			if first.kind == pOp && first.s == "trailer" {
				break
			}
			count := l.token()
			if first.kind != pNum || count.kind != pNum {
				return -1, prev, nil
			}
			if err := checkObjectRange(data, first.num, count.num); err != nil {
				return -1, prev, err
			}
			for i := range int(count.num) {
				at, gen, use := l.token(), l.token(), l.token()
				if at.kind != pNum || gen.kind != pNum || use.kind != pOp {
					return -1, prev, nil
				}
				if _, set := xref[int(first.num)+i]; !set && use.s == "n" {
					xref[int(first.num)+i] = pdfXrefEntry{offset: int(at.num)}
				}
			}
		}
	case t.kind == pNum:
		if gen, obj := l.token(), l.token(); gen.kind != pNum || obj.kind != pOp || obj.s != "obj" {
			return -1, prev, nil
		}
	default:
		return -1, prev, nil
	}
	d := l.value(l.token(), 0)
	if d.kind != pDict {
		return -1, prev, nil
	}
	if t.kind == pNum {
		if err := checkXrefStream(data, d); err != nil {
			return -1, prev, err
		}
		if raw, ok := rawStream(l, d); ok {
			if decoded, ok := decodePrescan(raw, d); ok {
				xrefStreamEntries(decoded, d, xref)
			}
		}
	}
	return key, d.dict["Prev"], nil
}

// checkObjectRange refuses a run of count object numbers from first that the file
// cannot hold: the library makes room for every number up to the last.
func checkObjectRange(data []byte, first, count float64) error {
	if first < 0 || count < 0 || first+count > maxPDFObjects || first+count > float64(len(data))+1000 {
		return fmt.Errorf("cross-reference table claims objects up to %.0f", first+count)
	}
	return nil
}

// checkXrefStream refuses a cross-reference stream dictionary on which the library
// would allocate without bound: a Size or Index beyond what the file can hold, or
// field widths (W) beyond the 8 bytes of a number.
func checkXrefStream(data []byte, d pdfObj) error {
	if size := d.dict["Size"]; size.kind == pNum && (size.num > maxPDFObjects || size.num > float64(len(data))+1000) {
		return fmt.Errorf("cross-reference stream claims %.0f objects", size.num)
	}
	for _, w := range d.dict["W"].arr {
		if w.kind == pNum && (w.num < 0 || w.num > 8) {
			return fmt.Errorf("cross-reference stream has fields of %.0f bytes", w.num)
		}
	}
	index := d.dict["Index"].arr
	for i := 0; i+1 < len(index); i += 2 {
		if err := checkObjectRange(data, index[i].num, index[i+1].num); err != nil {
			return err
		}
	}
	// While it reads the cross-reference, the library finds no indirect object.
	return checkColumns(data, nil, d)
}

// checkColumns refuses a stream whose PNG predictor rows (DecodeParms /Columns, as the
// library resolves them) are wider than maxPDFColumns.
func checkColumns(data []byte, xref pdfXref, d pdfObj) error {
	parms, ok := xrefValue(data, xref, d.dict["DecodeParms"])
	list := []pdfObj{parms}
	if parms.kind == pArr {
		list = parms.arr
	}
	for _, p := range list {
		p, ok2 := xrefValue(data, xref, p)
		c, ok3 := xrefValue(data, xref, p.dict["Columns"])
		if !ok || !ok2 || !ok3 {
			return fmt.Errorf("a stream's decoding parameters are in an object stream")
		}
		if c.kind == pNum && (c.num < 0 || c.num > maxPDFColumns) {
			return fmt.Errorf("a stream claims predictor rows of %.0f bytes", c.num)
		}
	}
	return nil
}

// checkObjectStreams checks every object stream the cross-reference names, and the
// ones they extend: the library looks for an object in its stream, then in the stream
// that one extends, and so on for ever if they extend each other in a cycle.
func checkObjectStreams(data []byte, xref pdfXref, encrypted bool) error {
	done := map[int]bool{} // streams whose chain is checked
	for _, e := range xref {
		if !e.compressed {
			continue
		}
		chain := map[int]bool{}
		for s := e.stream; s >= 0 && !done[s]; {
			if chain[s] {
				return fmt.Errorf("object streams extend each other in a cycle (object stream %d)", s)
			}
			chain[s] = true
			next, err := checkObjectStream(data, xref, s, encrypted)
			if err != nil {
				return err
			}
			s = next
		}
		for s := range chain {
			done[s] = true
		}
	}
	return nil
}

// checkObjectStream checks object stream s and returns the one it extends (-1 when
// none): it must be stored as it is (the library would recurse for ever into one held
// in itself), claim no more objects than it has bytes (the library reads that many
// for each object it looks up) and not end inside a hex string (which the library
// reads for ever).
func checkObjectStream(data []byte, xref pdfXref, s int, encrypted bool) (int, error) {
	e, ok := xref[s]
	switch {
	case !ok || e.free:
		return -1, nil // the library finds no stream and stops there
	case e.compressed:
		return -1, fmt.Errorf("object stream %d is itself compressed", s)
	}
	l, d, ok := objectAt(data, e.offset)
	if !ok || d.kind != pDict {
		return -1, nil
	}
	// The library resolves these entries; so does the pre-scan, to read the stream as
	// the library will.
	for _, k := range []string{"N", "Length", "Filter"} {
		v, ok := xrefValue(data, xref, d.dict[k])
		if !ok {
			return -1, fmt.Errorf("object stream %d keeps its /%s in another object stream", s, k)
		}
		d.dict[k] = v
	}
	n := d.dict["N"]
	if err := checkColumns(data, xref, d); err != nil {
		return -1, err
	}
	limit := maxPDFObjects
	if raw, ok := rawStream(l, d); ok {
		if decoded, ok := decodePrescan(raw, d); ok {
			limit = len(decoded)
			if sl := (&pdfLexer{b: decoded}); !encrypted {
				for sl.token().kind != pEOF {
				}
				if sl.openHex {
					return -1, fmt.Errorf("object stream %d ends inside a string", s)
				}
			}
		}
	}
	if n.kind == pNum && (n.num < 0 || n.num > float64(limit)) {
		return -1, fmt.Errorf("object stream %d claims %.0f objects", s, n.num)
	}
	if ext := d.dict["Extends"]; ext.kind == pRef {
		return int(ext.num), nil
	}
	return -1, nil
}

// objectAt reads the object ("n g obj" value) at off, leaving l after its value.
func objectAt(data []byte, off int) (*pdfLexer, pdfObj, bool) {
	if off < 0 || off >= len(data) {
		return nil, pdfObj{}, false
	}
	l := &pdfLexer{b: data, pos: off, refs: true}
	if num, gen, obj := l.token(), l.token(), l.token(); num.kind != pNum || gen.kind != pNum || obj.kind != pOp || obj.s != "obj" {
		return nil, pdfObj{}, false
	}
	return l, l.value(l.token(), 0), true
}

// xrefValue is v, or the value it refers to as the library resolves it (one step: a
// reference to nothing is null); false for a reference into an object stream, which
// the pre-scan does not follow.
func xrefValue(data []byte, xref pdfXref, v pdfObj) (pdfObj, bool) {
	if v.kind != pRef {
		return v, true
	}
	e, ok := xref[int(v.num)]
	switch {
	case !ok || e.free:
		return pdfObj{}, true
	case e.compressed:
		return pdfObj{}, false
	}
	_, x, ok := objectAt(data, e.offset)
	if !ok || x.kind == pRef {
		return pdfObj{}, true
	}
	return x, true
}

// rawStream returns the bytes of the stream whose dictionary l has just read.
func rawStream(l *pdfLexer, d pdfObj) ([]byte, bool) {
	if t := l.token(); t.kind != pOp || t.s != "stream" {
		return nil, false
	}
	if l.pos < len(l.b) && l.b[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(l.b) && l.b[l.pos] == '\n' {
		l.pos++
	}
	start := l.pos
	if n := d.dict["Length"]; n.kind == pNum && n.num >= 0 && float64(start)+n.num <= float64(len(l.b)) {
		return l.b[start : start+int(n.num)], true
	}
	end := bytes.Index(l.b[start:], []byte("endstream"))
	if end < 0 {
		return nil, false
	}
	return l.b[start : start+end], true
}

// decodePrescan undoes a stream's filters as the library can (none, Flate with or
// without a PNG predictor, ASCII85, one after the other); it returns false for any
// other, on which the library gives up too.
func decodePrescan(raw []byte, d pdfObj) ([]byte, bool) {
	filters, parms := []pdfObj{d.dict["Filter"]}, []pdfObj{d.dict["DecodeParms"]}
	if filters[0].kind == pArr {
		filters, parms = filters[0].arr, d.dict["DecodeParms"].arr
	}
	out := raw
	for i, f := range filters {
		var p pdfObj
		if i < len(parms) {
			p = parms[i]
		}
		switch {
		case f.kind == pEOF || f.kind == pOp && f.s == "null":
		case f.kind == pName && f.s == "FlateDecode":
			zr, err := zlib.NewReader(bytes.NewReader(out))
			if err != nil {
				return nil, false
			}
			out, _ = io.ReadAll(io.LimitReader(zr, maxPDFPrescanBytes))
			if pred := p.dict["Predictor"]; pred.kind == pNum && pred.num >= 10 {
				cols := 1
				if c := p.dict["Columns"]; c.kind == pNum && c.num >= 1 && c.num < 1<<16 {
					cols = int(c.num)
				}
				out = unpredictPNG(out, cols)
			}
		case f.kind == pName && f.s == "ASCII85Decode":
			if end := bytes.Index(out, []byte("~>")); end >= 0 {
				out = out[:end]
			}
			out, _ = io.ReadAll(io.LimitReader(ascii85.NewDecoder(bytes.NewReader(out)), maxPDFPrescanBytes))
		default:
			return nil, false
		}
	}
	return out, true
}

// unpredictPNG reverses PNG row filters (one byte per sample, as in xref streams).
func unpredictPNG(data []byte, cols int) []byte {
	var out []byte
	prev := make([]byte, cols)
	for len(data) >= cols+1 {
		ft, row := data[0], append([]byte(nil), data[1:cols+1]...)
		data = data[cols+1:]
		for i := range row {
			var left, upLeft byte
			if i > 0 {
				left, upLeft = row[i-1], prev[i-1]
			}
			up := prev[i]
			switch ft {
			case 1:
				row[i] += left
			case 2:
				row[i] += up
			case 3:
				row[i] += byte((int(left) + int(up)) / 2)
			case 4:
				p := int(left) + int(up) - int(upLeft)
				pa, pb, pc := absInt(p-int(left)), absInt(p-int(up)), absInt(p-int(upLeft))
				switch {
				case pa <= pb && pa <= pc:
					row[i] += left
				case pb <= pc:
					row[i] += up
				default:
					row[i] += upLeft
				}
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// xrefStreamEntries records the entries of a cross-reference stream that no newer
// section has given, as the library does.
func xrefStreamEntries(data []byte, d pdfObj, xref pdfXref) {
	var w [3]int
	ww := d.dict["W"]
	if len(ww.arr) < 3 {
		return
	}
	total := 0
	for i := range w {
		if ww.arr[i].num < 0 || ww.arr[i].num > 8 {
			return
		}
		w[i] = int(ww.arr[i].num)
		total += w[i]
	}
	if total == 0 {
		return
	}
	var index []float64
	for _, v := range d.dict["Index"].arr {
		index = append(index, v.num)
	}
	if len(index) == 0 {
		index = []float64{0, d.dict["Size"].num}
	}
	field := func(b []byte) int {
		x := 0
		for _, c := range b {
			x = x<<8 | int(c)
		}
		return x
	}
	for len(index) >= 2 && len(data) >= total {
		start, n := int(index[0]), int(index[1])
		index = index[2:]
		for i := 0; i < n && len(data) >= total; i++ {
			typ := 1
			if w[0] > 0 {
				typ = field(data[:w[0]])
			}
			if _, set := xref[start+i]; !set {
				switch f2 := field(data[w[0] : w[0]+w[1]]); typ {
				case 0:
					xref[start+i] = pdfXrefEntry{free: true}
				case 1:
					xref[start+i] = pdfXrefEntry{offset: f2}
				case 2:
					xref[start+i] = pdfXrefEntry{stream: f2, compressed: true}
				}
			}
			data = data[total:]
		}
	}
}

type pdfLine struct {
	b       strings.Builder // the text of the cell being read
	cells   []string        // the cells before it
	y, size float64
	x0, x1  float64
	text    string
	row     bool // a table row, its cells joined by " | "
}

// pdfCellGap is the gap between two runs on a baseline, in font sizes, past which they
// are cells of a table row rather than words: word spaces are a quarter to half of one,
// and LaTeX sets its columns about one apart.
// Lines with such gaps are rows only where the line before or after has them too: one
// alone is a label and its value set apart ("Price:    10 EUR").
const pdfCellGap = 1.0

// layoutRuns rebuilds lines from runs (a new line when the baseline moves), puts
// spaces where runs are apart and " | " between the cells of a table row, and joins
// lines into paragraphs; lines that start with a bullet (a character or a drawn dot) or
// a number, and table rows, stay on their own lines.
func layoutRuns(page pdfPage) string {
	var lines []*pdfLine
	var cur *pdfLine
	pendingSpace := false
	for _, r := range page.runs {
		size := r.size
		if size < 1 {
			size = 1
		}
		blank := strings.TrimSpace(r.s) == ""
		if cur != nil && math.Abs(r.y-cur.y) <= 0.5*math.Max(size, cur.size) {
			if blank {
				pendingSpace = true
				cur.x1 = math.Max(cur.x1, r.x1)
				continue
			}
			gap := r.x0 - cur.x1
			switch {
			case gap > pdfCellGap*size:
				cur.cells = append(cur.cells, cur.b.String())
				cur.b.Reset()
			case pendingSpace || gap > 0.18*size || gap < -2*size:
				if !strings.HasSuffix(cur.b.String(), " ") {
					cur.b.WriteByte(' ')
				}
			}
			cur.b.WriteString(r.s)
			cur.x1 = r.x1
			cur.size = math.Max(cur.size, size)
			pendingSpace = false
			continue
		}
		if blank {
			continue
		}
		cur = &pdfLine{y: r.y, size: size, x0: r.x0, x1: r.x1}
		cur.b.WriteString(r.s)
		lines = append(lines, cur)
		pendingSpace = false
	}
	var kept []*pdfLine
	for i, l := range lines {
		l.row = len(l.cells) > 0 && (i > 0 && cellsNear(l, lines[i-1]) || i+1 < len(lines) && cellsNear(l, lines[i+1]))
		sep := " "
		if l.row {
			sep = " | "
		}
		l.text = collapse(strings.Join(append(l.cells, l.b.String()), sep))
		if l.text != "" {
			if drawnBullet(l, page.marks) {
				l.text = "• " + l.text
			}
			kept = append(kept, l)
		}
	}
	lines = kept
	if len(lines) == 0 {
		return ""
	}

	// typical distance between lines of a paragraph on this page: the lower quartile of
	// the gaps, since lists and tables (LaTeX's itemize) often set their lines further
	// apart than a paragraph's, and on a page full of them the median is theirs
	var gaps []float64
	for i := 1; i < len(lines); i++ {
		dy := lines[i-1].y - lines[i].y
		if dy > 0.5*lines[i].size && dy < 3*lines[i].size {
			gaps = append(gaps, dy)
		}
	}
	typical := 0.0 // unknown with fewer than two samples
	if len(gaps) > 1 {
		sort.Float64s(gaps)
		typical = gaps[len(gaps)/4]
	}

	var paras []string
	var para strings.Builder
	flush := func() {
		if para.Len() > 0 {
			paras = append(paras, para.String())
			para.Reset()
		}
	}
	for i, l := range lines {
		text, listLine := listItemLine(l.text)
		if i > 0 {
			prev := lines[i-1]
			dy := prev.y - l.y
			brk := dy < -0.5*l.size || // moved up: another column or block
				dy > 3*l.size ||
				(typical > 0 && dy > typical*1.4+0.5) ||
				(typical == 0 && dy > 1.5*l.size) ||
				// a heading one size up: LaTeX's \large is 12 pt over 10.95 pt text
				math.Abs(l.size-prev.size) > 0.08*math.Max(l.size, prev.size)
			switch {
			case brk:
				flush()
			case listLine || l.row || prev.row:
				para.WriteByte('\n')
			default:
				joinLine(&para, text)
				continue
			}
		}
		para.WriteString(text)
	}
	flush()
	return strings.Join(paras, "\n\n")
}

// cellsNear reports whether line n, next to l, has cells too and is close enough above
// or below to be another row of its table.
func cellsNear(l, n *pdfLine) bool {
	return len(n.cells) > 0 && math.Abs(l.y-n.y) <= 3*math.Max(l.size, n.size)
}

// drawnBullet reports whether a bullet is drawn just before the line's start, beside
// its first letters.
func drawnBullet(l *pdfLine, marks []pdfBox) bool {
	for _, m := range marks {
		cy := (m.y0 + m.y1) / 2
		if m.x1 <= l.x0+0.5 && l.x0-m.x1 <= 3*l.size && cy >= l.y-0.2*l.size && cy <= l.y+l.size {
			return true
		}
	}
	return false
}

// joinLine appends the next line of a paragraph: a word hyphenated at the line end
// is rejoined, otherwise the lines are joined with a space.
func joinLine(para *strings.Builder, next string) {
	s := para.String()
	if strings.HasSuffix(s, "-") && len(s) >= 2 {
		before, _ := utf8.DecodeLastRuneInString(s[:len(s)-1])
		first, _ := utf8.DecodeRuneInString(next)
		if unicode.IsLetter(before) && unicode.IsLower(first) {
			para.Reset()
			para.WriteString(s[:len(s)-1])
			para.WriteString(next)
			return
		}
	}
	para.WriteByte(' ')
	para.WriteString(next)
}

var numberedLine = regexp.MustCompile(`^\(?\d{1,3}[.)]\s`)

// listItemLine recognises a line starting a list item and writes bullets as "- ".
func listItemLine(s string) (string, bool) {
	r, size := utf8.DecodeRuneInString(s)
	switch r {
	case '•', '◦', '▪', '▫', '‣', '●', '○', '■', '□', '–', '-', '*', '·', '\uf0b7', '\uFFFD':
		rest := strings.TrimSpace(s[size:])
		if rest != "" && (r != '-' && r != '*' || strings.HasPrefix(s[size:], " ")) {
			return "- " + rest, true
		}
	}
	return s, numberedLine.MatchString(s)
}
