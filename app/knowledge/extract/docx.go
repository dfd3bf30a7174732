package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"
)

// maxDOCXBytes caps the decompressed bytes read from a .docx, against zip bombs.
const maxDOCXBytes = 50 << 20

// oleMagic starts an OLE compound file: what Office writes for a password-protected
// document (and for old binary .doc files).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

var errBudget = errors.New("decompressed size limit reached")

// DOCX extracts a Word document. Paragraph styles Title and Heading 1–9 (also
// localized ones, found through styles.xml, and outline levels) build the section
// path, list paragraphs become "- " or "N. " lines, tables one line per row. The title
// is the document property title, else the Title paragraph, else the first heading.
// Deleted tracked changes, field codes and duplicate fallback content are skipped.
//
// Besides the decompressed size, the reading is bounded by nesting (maxDepth), element
// count (maxXMLElements), the size of one tag or text (maxXMLToken), the text it yields
// (maxTextBytes) and time (ctx, and extractTimeout): a few kilobytes of zip can hold
// millions of unclosed elements, each of which would otherwise cost memory.
func DOCX(ctx context.Context, data []byte) (doc Document, err error) {
	ctx, cancel := context.WithTimeout(ctx, extractTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			doc, err = Document{}, fail("docx", ErrCorrupt, "the file is not a readable Word document", fmt.Errorf("%v", r))
		}
	}()
	if bytes.HasPrefix(data, oleMagic) {
		if !bytes.Contains(data, utf16le("EncryptedPackage")) && bytes.Contains(data, utf16le("WordDocument")) {
			return Document{}, fail("docx", ErrUnsupported, "this is an old Word .doc file, not .docx; open it in Word and save it as .docx", nil)
		}
		return Document{}, fail("docx", ErrEncrypted, "the document is password-protected; upload an unprotected copy", nil)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Document{}, fail("docx", ErrCorrupt, "the file is not a Word .docx document (not a valid zip archive)", err)
	}
	p := &docxPackage{zr: zr, budget: maxDOCXBytes, stop: interrupt{ctx: ctx}}

	mainPart := "word/document.xml"
	if rels, err := p.read("_rels/.rels"); err == nil {
		if t := officeDocumentTarget(rels); t != "" && p.find(t) != nil {
			mainPart = t
		}
	} else if bad := p.failure(err); bad != nil {
		return Document{}, bad
	}
	if p.find(mainPart) == nil {
		return Document{}, fail("docx", ErrCorrupt, "the file is not a Word .docx document (it has no word/document.xml)", nil)
	}
	dir := path.Dir(mainPart)

	w := &docxWalker{styles: map[string]*docxStyle{}, abstract: map[string]map[int]*docxLevel{}, nums: map[string]*docxNum{}, counters: map[string]*docxCounter{}}
	for _, part := range []struct {
		name  string
		parse func(*xmlTokens) error
	}{
		{path.Join(dir, "styles.xml"), w.parseStyles},
		{path.Join(dir, "numbering.xml"), w.parseNumbering},
	} {
		// a damaged styles or numbering part only costs us headings and list numbers
		if bad := p.failure(p.parse(part.name, part.parse)); bad != nil {
			return Document{}, bad
		}
	}
	coreTitle := ""
	if bad := p.failure(p.parse("docProps/core.xml", func(d *xmlTokens) error {
		coreTitle, err = coreXMLTitle(d)
		return err
	})); bad != nil {
		return Document{}, bad
	}
	if err := p.parse(mainPart, w.parseDocument); err != nil {
		if bad := p.failure(err); bad != nil {
			return Document{}, bad
		}
		return Document{}, fail("docx", ErrCorrupt, "the document text is damaged", err)
	}
	sections := w.b.finish()
	if w.b.err != nil {
		return Document{}, tooMuchText("docx")
	}
	if len(sections) == 0 {
		return Document{}, fail("docx", ErrEmpty, "the document has no text", nil)
	}
	title := collapse(coreTitle)
	if title == "" {
		title = w.titlePara
	}
	if title == "" {
		title = w.firstHeading
	}
	return Document{Title: title, Sections: sections}, nil
}

func tooLarge() error {
	return fail("docx", ErrTooLarge, fmt.Sprintf("the document expands to more than %d MiB", maxDOCXBytes>>20), nil)
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}

// docxPackage reads parts of the zip within a shared decompression budget and element
// count.
type docxPackage struct {
	zr       *zip.Reader
	budget   int64
	elements int
	stop     interrupt
}

// The bounds on the XML of a .docx besides its size. A real document nests some 30
// levels deep, has well under a million elements (some 500 a page) and no tag or text
// run of 256 KiB (a hundred pages without a change of font). A tag costs some 40 times
// its size in memory while it is read, one attribute after another.
const (
	maxXMLElements = 2_000_000
	maxXMLToken    = 256 << 10
)

var (
	errTooDeep       = errors.New("nesting limit reached")
	errTooMany       = errors.New("element limit reached")
	errTokenTooLarge = errors.New("tag size limit reached")
)

// failure turns an error that ends the reading of a part into the error for the
// admin; nil for other errors (a damaged part), which the caller judges.
func (p *docxPackage) failure(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errBudget):
		return tooLarge()
	case errors.Is(err, errTooDeep):
		return fail("docx", ErrTooLarge, fmt.Sprintf("the document nests elements more than %d levels deep", maxDepth), nil)
	case errors.Is(err, errTooMany):
		return fail("docx", ErrTooLarge, fmt.Sprintf("the document has more than %d million XML elements; split it into smaller files", maxXMLElements/1_000_000), nil)
	case errors.Is(err, errTokenTooLarge):
		return fail("docx", ErrTooLarge, fmt.Sprintf("the document has a tag or text run larger than %d KiB", maxXMLToken>>10), nil)
	case errors.Is(err, errTooMuchText):
		return tooMuchText("docx")
	case errors.Is(err, errStopped):
		return stopped(p.stop.ctx, "docx")
	}
	return nil
}

func (p *docxPackage) find(name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	for _, f := range p.zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

func (p *docxPackage) open(name string) (io.ReadCloser, io.Reader, error) {
	f := p.find(name)
	if f == nil {
		return nil, nil, fmt.Errorf("%s: %w", name, errNoPart)
	}
	if f.UncompressedSize64 > uint64(p.budget) {
		return nil, nil, errBudget
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, err
	}
	return rc, &budgetReader{r: rc, n: &p.budget}, nil
}

var errNoPart = errors.New("part missing")

func (p *docxPackage) read(name string) ([]byte, error) {
	rc, r, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(r)
}

// parse streams one XML part through fn; a missing part is not an error.
func (p *docxPackage) parse(name string, fn func(*xmlTokens) error) error {
	rc, r, err := p.open(name)
	if errors.Is(err, errNoPart) {
		return nil
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(r)
	d.CharsetReader = charset.NewReaderLabel
	return fn(&xmlTokens{d: d, p: p})
}

// xmlTokens reads the tokens of one part, refusing to go deeper than maxDepth or past
// maxXMLElements in the whole package, since the decoder (and the walker) keep state
// for every open element.
type xmlTokens struct {
	d     *xml.Decoder
	p     *docxPackage
	depth int
}

func (t *xmlTokens) Token() (xml.Token, error) {
	tok, err := t.d.Token()
	switch tok.(type) {
	case xml.StartElement:
		t.depth++
		t.p.elements++
		switch {
		case t.depth > maxDepth:
			return nil, errTooDeep
		case t.p.elements > maxXMLElements:
			return nil, errTooMany
		}
	case xml.EndElement:
		t.depth--
	}
	if t.p.stop.stopped() {
		return nil, errStopped
	}
	return tok, err
}

// budgetReader counts decompressed bytes against the package's budget, and refuses a
// run of more than maxXMLToken bytes without a "<": the decoder holds a whole tag (all
// its attributes) or text in memory at once.
type budgetReader struct {
	r   io.Reader
	n   *int64
	run int // bytes since the last "<"
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if *b.n <= 0 {
		return 0, errBudget
	}
	if int64(len(p)) > *b.n {
		p = p[:*b.n]
	}
	n, err := b.r.Read(p)
	*b.n -= int64(n)
	for rest := p[:n]; ; {
		i := bytes.IndexByte(rest, '<')
		if i < 0 {
			b.run += len(rest)
			break
		}
		if b.run+i > maxXMLToken {
			break
		}
		b.run, rest = 0, rest[i+1:]
	}
	if b.run > maxXMLToken {
		return n, errTokenTooLarge
	}
	return n, err
}

func officeDocumentTarget(rels []byte) string {
	d := xml.NewDecoder(bytes.NewReader(rels))
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" &&
			strings.HasSuffix(xmlAttr(se, "Type"), "/officeDocument") {
			return strings.TrimPrefix(xmlAttr(se, "Target"), "/")
		}
	}
}

func coreXMLTitle(d *xmlTokens) (string, error) {
	in := false
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Local == "title"
		case xml.EndElement:
			if in {
				return b.String(), nil
			}
		case xml.CharData:
			if in {
				b.Write(t)
			}
		}
	}
}

func xmlAttr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

type docxStyle struct {
	name    string
	basedOn string
	outline int // -1 when not set
	numID   string
	ilvl    int
}

type docxLevel struct {
	start  int
	bullet bool
}

type docxNum struct {
	abstract string
	starts   map[int]int // startOverride per level
	used     bool
}

// docxCounter numbers the items of one list, per level.
type docxCounter struct {
	n   [9]int
	set [9]bool
}

type docxPara struct {
	text    strings.Builder
	style   string
	outline int
	numID   string
	ilvl    int
	hasNum  bool
}

type docxTable struct {
	cells []string
	cell  *strings.Builder
	group int
}

type docxWalker struct {
	styles   map[string]*docxStyle
	abstract map[string]map[int]*docxLevel
	nums     map[string]*docxNum
	counters map[string]*docxCounter

	b            docBuilder
	paras        []*docxPara
	tables       []*docxTable
	listGroup    int
	titlePara    string
	firstHeading string
}

func isWordNS(space string) bool {
	return space == "" || strings.HasSuffix(space, "wordprocessingml/2006/main") || strings.HasSuffix(space, "wordprocessingml/main")
}

func wordVal(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "val" && isWordNS(a.Name.Space) {
			return a.Value
		}
	}
	return ""
}

func (w *docxWalker) parseStyles(d *xmlTokens) error {
	var cur *docxStyle
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				cur = &docxStyle{outline: -1}
				w.styles[xmlAttr(t, "styleId")] = cur
			case "name":
				if cur != nil {
					cur.name = wordVal(t)
				}
			case "basedOn":
				if cur != nil {
					cur.basedOn = wordVal(t)
				}
			case "outlineLvl":
				if cur != nil {
					cur.outline = atoiOr(wordVal(t), -1)
				}
			case "numId":
				if cur != nil {
					cur.numID = wordVal(t)
				}
			case "ilvl":
				if cur != nil {
					cur.ilvl = atoiOr(wordVal(t), 0)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "style" {
				cur = nil
			}
		}
	}
}

func (w *docxWalker) parseNumbering(d *xmlTokens) error {
	var abs map[int]*docxLevel
	var lvl *docxLevel
	var num *docxNum
	overrideLvl := -1
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "abstractNum":
				abs = map[int]*docxLevel{}
				w.abstract[xmlAttr(t, "abstractNumId")] = abs
			case "lvl":
				if abs != nil && num == nil {
					lvl = &docxLevel{start: 1}
					abs[atoiOr(xmlAttr(t, "ilvl"), 0)] = lvl
				}
			case "start":
				if lvl != nil {
					lvl.start = atoiOr(wordVal(t), 1)
				}
			case "numFmt":
				if lvl != nil {
					v := wordVal(t)
					lvl.bullet = v == "bullet" || v == "none" || v == ""
				}
			case "num":
				num = &docxNum{starts: map[int]int{}}
				w.nums[xmlAttr(t, "numId")] = num
			case "abstractNumId":
				if num != nil {
					num.abstract = wordVal(t)
				}
			case "lvlOverride":
				overrideLvl = atoiOr(xmlAttr(t, "ilvl"), -1)
			case "startOverride":
				if num != nil && overrideLvl >= 0 {
					num.starts[overrideLvl] = atoiOr(wordVal(t), 1)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "abstractNum":
				abs = nil
			case "lvl":
				lvl = nil
			case "num":
				num = nil
			case "lvlOverride":
				overrideLvl = -1
			}
		}
	}
}

// skippedParts are elements whose content is not document text: deleted or moved-away
// revisions, old formatting of tracked changes, and the fallback copy of alternate
// content (text boxes appear twice otherwise).
var skippedParts = map[string]bool{
	"del": true, "moveFrom": true, "pPrChange": true, "rPrChange": true, "Fallback": true,
	"instrText": true, "delInstrText": true, "footnoteReference": true, "commentReference": true,
}

func (w *docxWalker) parseDocument(d *xmlTokens) error {
	skip := 0
	inRun := 0
	inText := false
	inPPr := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			w.endListGroup()
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			local := t.Name.Local
			if skippedParts[local] {
				skip = 1
				continue
			}
			if !isWordNS(t.Name.Space) && !strings.HasSuffix(t.Name.Space, "/math") {
				continue
			}
			para := w.para()
			switch local {
			case "p":
				w.paras = append(w.paras, &docxPara{outline: -1})
			case "pPr":
				inPPr = true
			case "pStyle":
				if para != nil && inPPr {
					para.style = wordVal(t)
				}
			case "outlineLvl":
				if para != nil && inPPr {
					para.outline = atoiOr(wordVal(t), -1)
				}
			case "numPr":
				if para != nil && inPPr {
					para.hasNum = true
				}
			case "numId":
				if para != nil && inPPr {
					para.numID = wordVal(t)
				}
			case "ilvl":
				if para != nil && inPPr {
					para.ilvl = atoiOr(wordVal(t), 0)
				}
			case "r":
				inRun++
			case "t":
				inText = true
			case "tab", "ptab":
				if para != nil && inRun > 0 {
					para.text.WriteByte(' ')
				}
			case "br", "cr":
				if para != nil && inRun > 0 {
					para.text.WriteByte('\n')
				}
			case "noBreakHyphen":
				if para != nil && inRun > 0 {
					para.text.WriteByte('-')
				}
			case "tbl":
				w.endListGroup()
				w.tables = append(w.tables, &docxTable{group: w.b.newGroup()})
			case "tr":
				if tb := w.table(); tb != nil {
					tb.cells = tb.cells[:0]
				}
			case "tc":
				if tb := w.table(); tb != nil {
					tb.cell = &strings.Builder{}
				}
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			switch t.Name.Local {
			case "pPr":
				inPPr = false
			case "r":
				if inRun > 0 {
					inRun--
				}
			case "t":
				inText = false
			case "p":
				if n := len(w.paras); n > 0 {
					p := w.paras[n-1]
					w.paras = w.paras[:n-1]
					w.endPara(p)
				}
			case "tc":
				if tb := w.table(); tb != nil && tb.cell != nil {
					tb.cells = append(tb.cells, collapse(tb.cell.String()))
					tb.cell = nil
				}
			case "tr":
				if tb := w.table(); tb != nil {
					w.endRow(tb)
				}
			case "tbl":
				if n := len(w.tables); n > 0 {
					w.tables = w.tables[:n-1]
				}
			}
		case xml.CharData:
			if skip == 0 && inText {
				if p := w.para(); p != nil {
					if p.text.Len()+len(t) > maxTextBytes {
						return errTooMuchText
					}
					p.text.Write(t)
				}
			}
		}
		if w.b.err != nil {
			return w.b.err
		}
	}
}

func (w *docxWalker) para() *docxPara {
	if n := len(w.paras); n > 0 {
		return w.paras[n-1]
	}
	return nil
}

func (w *docxWalker) table() *docxTable {
	if n := len(w.tables); n > 0 {
		return w.tables[n-1]
	}
	return nil
}

// openCell is the innermost table cell being read, if any: paragraphs in it are
// cell text, not paragraphs of their own.
func (w *docxWalker) openCell() *strings.Builder {
	if tb := w.table(); tb != nil {
		return tb.cell
	}
	return nil
}

func (w *docxWalker) endRow(tb *docxTable) {
	empty := true
	for _, c := range tb.cells {
		if c != "" {
			empty = false
		}
	}
	if empty {
		return
	}
	line := strings.Join(tb.cells, " | ")
	tb.cells = tb.cells[:0]
	if n := len(w.tables); n > 1 { // a nested table is text of the outer cell
		if outer := w.tables[n-2].cell; outer != nil {
			if outer.Len()+len(line) > maxTextBytes {
				w.b.err = errTooMuchText
				return
			}
			outer.WriteString(" " + line + " ")
			return
		}
	}
	w.b.add(line, tb.group)
}

func (w *docxWalker) endListGroup() { w.listGroup = 0 }

func (w *docxWalker) endPara(p *docxPara) {
	if cell := w.openCell(); cell != nil {
		if cell.Len()+p.text.Len() > maxTextBytes {
			w.b.err = errTooMuchText
			return
		}
		cell.WriteString(" " + p.text.String() + " ")
		return
	}
	text := cleanLines(p.text.String(), false)
	if text == "" {
		return
	}
	if level, ok := w.headingLevel(p); ok {
		w.endListGroup()
		h := collapse(text)
		if level == 0 && w.titlePara == "" {
			w.titlePara = h
		}
		if level > 0 && w.firstHeading == "" {
			w.firstHeading = h
		}
		w.b.heading(level, h, "")
		return
	}
	if marker, indent, ok := w.listMarker(p); ok {
		if w.listGroup == 0 {
			w.listGroup = w.b.newGroup()
		}
		for i, line := range strings.Split(text, "\n") {
			prefix := indent + "  "
			if i == 0 {
				prefix = indent + marker
			}
			w.b.add(prefix+strings.TrimSpace(line), w.listGroup)
		}
		return
	}
	w.endListGroup()
	w.b.add(text, 0)
}

// headingLevel is 0 for the Title style, 1–9 for headings, from the paragraph's
// outline level, its style (following basedOn) or a conventional style id.
func (w *docxWalker) headingLevel(p *docxPara) (int, bool) {
	if p.outline >= 0 && p.outline <= 8 {
		return p.outline + 1, true
	}
	seen := 0
	for id := p.style; id != "" && seen < 16; seen++ {
		s, ok := w.styles[id]
		if !ok {
			break
		}
		if l, ok := styleNameLevel(s.name); ok {
			return l, true
		}
		if s.outline >= 0 && s.outline <= 8 {
			return s.outline + 1, true
		}
		id = s.basedOn
	}
	return styleNameLevel(p.style)
}

// styleNameLevel reads "Title", "heading 2", "Heading2" (any case) as levels.
func styleNameLevel(name string) (int, bool) {
	n := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	if n == "title" {
		return 0, true
	}
	if rest, ok := strings.CutPrefix(n, "heading"); ok {
		if l, err := strconv.Atoi(rest); err == nil && l >= 1 && l <= 9 {
			return l, true
		}
	}
	return 0, false
}

// listMarker returns the "- " or "N. " marker and indentation for a list paragraph.
func (w *docxWalker) listMarker(p *docxPara) (marker, indent string, ok bool) {
	numID, ilvl := p.numID, p.ilvl
	if !p.hasNum || numID == "" {
		if s := w.styles[p.style]; s != nil && s.numID != "" && !p.hasNum {
			numID, ilvl = s.numID, s.ilvl
		} else if !p.hasNum {
			return "", "", false
		}
	}
	if numID == "0" {
		return "", "", false // numbering explicitly removed
	}
	if ilvl < 0 || ilvl > 8 {
		ilvl = 0
	}
	indent = strings.Repeat("  ", ilvl)
	num := w.nums[numID]
	if num == nil {
		return "- ", indent, true
	}
	lvl := w.abstract[num.abstract][ilvl]
	if lvl == nil || lvl.bullet {
		return "- ", indent, true
	}
	c := w.counters[num.abstract]
	if c == nil {
		c = &docxCounter{}
		w.counters[num.abstract] = c
	}
	if !num.used { // a restarted list: its overrides apply from its first item
		num.used = true
		for l, start := range num.starts {
			if l >= 0 && l < 9 {
				c.n[l], c.set[l] = start-1, true
			}
		}
	}
	if !c.set[ilvl] {
		c.n[ilvl], c.set[ilvl] = lvl.start-1, true
	}
	c.n[ilvl]++
	for l := ilvl + 1; l < 9; l++ {
		c.set[l] = false
	}
	return strconv.Itoa(c.n[ilvl]) + ". ", indent, true
}

func atoiOr(s string, def int) int {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return v
}
