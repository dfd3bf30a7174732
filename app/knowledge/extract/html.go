package extract

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// HTML extracts the main text of a web page or HTML file. The bytes are decoded with
// the charset from contentType, a BOM or a <meta> tag (windows-1252 when nothing is
// declared and the bytes are not UTF-8). The content is the largest <main>, <article>
// or role="main" element when there is one that holds a fair share of the page, else
// <body>; either way navigation, headers and footers outside the content, sidebars,
// hidden elements, forms, scripts, cookie banners, ads and other boilerplate (by tag,
// ARIA role, or a boilerplate word in id/class) and link-dense blocks are dropped.
// Headings h1–h6 build the section path; a section's anchor is the heading's id (or
// that of an <a> in it or just before it, or of the section that it opens).
//
// The parser refuses nesting deeper than 512 elements; a page of more than
// maxHTMLElements tags, or more than maxTextBytes of text, is refused too, and the
// walk stops when ctx ends or after extractTimeout.
func HTML(ctx context.Context, data []byte, contentType string) (doc Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = Document{}, fail("html", ErrCorrupt, "the page could not be read", fmt.Errorf("%v", r))
		}
	}()
	page := decodeHTML(data, contentType)
	if countTags(page) > maxHTMLElements {
		return Document{}, fail("html", ErrTooLarge, fmt.Sprintf("the page has more than %d elements", maxHTMLElements), nil)
	}
	ctx, cancel := context.WithTimeout(ctx, extractTimeout)
	defer cancel()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return Document{}, fail("html", ErrCorrupt, "the page could not be read", err)
	}
	x := &htmlExtractor{stats: map[*html.Node]nodeStat{}, firstHeading: map[*html.Node]*html.Node{}, stop: interrupt{ctx: ctx}}
	body := findElement(root, func(n *html.Node) bool { return n.DataAtom == atom.Body }, 0)
	if body == nil {
		body = root
	}
	x.measure(body, false, false, 0)
	content := x.chooseContent(body)
	sections := x.extract(content)
	if len(sections) == 0 && content != body && x.b.err == nil {
		sections = x.extract(body)
	}
	switch {
	case ctx.Err() != nil:
		return Document{}, stopped(ctx, "html")
	case x.b.err != nil:
		return Document{}, tooMuchText("html")
	}
	if len(sections) == 0 {
		return Document{}, fail("html", ErrEmpty, "the page has no text besides navigation and other boilerplate", nil)
	}
	return Document{Title: x.title(root), Sections: sections}, nil
}

// maxHTMLElements bounds the tags of a page, since the parsed tree costs memory for
// every element, and the parser may add dozens of its own for one tag (formatting
// elements left open are cloned into every new block): 100,000 tags built for that
// cost some 130 MB. A long documentation page has a few thousand tags.
const maxHTMLElements = 100_000

// countTags counts what may be start tags ("<" and a letter), before the page is parsed.
func countTags(page string) int {
	n := 0
	for i := strings.IndexByte(page, '<'); i >= 0 && i+1 < len(page); {
		if c := page[i+1] | 0x20; c >= 'a' && c <= 'z' {
			n++
		}
		j := strings.IndexByte(page[i+1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n
}

// decodeHTML converts the page to UTF-8 following the HTML rules for finding its
// encoding (BOM, then the content type's charset, then <meta>, then a guess).
func decodeHTML(data []byte, contentType string) string {
	enc, name, _ := charset.DetermineEncoding(data, contentType)
	var s string
	if name == "utf-8" || enc == nil {
		s = strings.ToValidUTF8(string(trimBOM(data)), "\uFFFD")
	} else if b, err := enc.NewDecoder().Bytes(data); err == nil {
		s = string(b)
	} else {
		s = decodeText(data)
	}
	return strings.TrimPrefix(s, "\uFEFF")
}

// nodeStat is the amount of visible text under an element, and how much of it is
// link text, ignoring elements that are always dropped.
type nodeStat struct {
	text, linkText, links int
}

type htmlExtractor struct {
	stats        map[*html.Node]nodeStat
	firstHeading map[*html.Node]*html.Node // cache for headingAnchor
	stop         interrupt

	// walk state
	b         docBuilder
	rootText  int
	mainDepth int
	para      strings.Builder
	list      *htmlList
	item      *listItem
}

type htmlList struct {
	ordered bool
	next    int
	indent  string
	group   int
}

var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Body: true,
	atom.Caption: true, atom.Center: true, atom.Dd: true, atom.Details: true, atom.Dialog: true,
	atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hgroup: true,
	atom.Hr: true, atom.Html: true, atom.Legend: true, atom.Li: true, atom.Main: true, atom.Menu: true,
	atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true,
	atom.Table: true, atom.Tbody: true, atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true,
	atom.Tr: true, atom.Ul: true, atom.Option: true,
}

// alwaysDropped are elements whose content is never page text.
var alwaysDropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Canvas: true, atom.Iframe: true, atom.Frame: true, atom.Frameset: true,
	atom.Object: true, atom.Embed: true, atom.Video: true, atom.Audio: true, atom.Map: true,
	atom.Button: true, atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Option: true,
	atom.Nav: true, atom.Aside: true, atom.Dialog: true, atom.Head: true, atom.Title: true,
	atom.Meta: true, atom.Link: true,
}

var boilerplateRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
	"search": true, "dialog": true, "alertdialog": true, "menu": true, "menubar": true,
	"tooltip": true, "button": true, "toolbar": true,
}

// boilerplateWords mark an element as boilerplate when they are one of its id or
// class tokens, or a "-", "_" or camelCase part of one. Strong words name things that
// are never content (a cookie banner is dropped even when it is most of a short
// page); weak ones also name layout, so an element holding most of the text is kept.
var boilerplateWords = map[string]bool{
	// strong
	"cookie": true, "cookies": true, "consent": true, "gdpr": true, "advert": true,
	"advertisement": true, "ads": true, "ad": true, "sponsor": true, "sponsored": true,
	"promo": true, "newsletter": true, "popup": true, "modal": true,
	// weak
	"nav": false, "navbar": false, "navigation": false, "menu": false, "footer": false,
	"header": false, "sidebar": false, "breadcrumb": false, "breadcrumbs": false,
	"banner": false, "share": false, "sharing": false, "social": false,
	"comments": false, "comment": false, "related": false, "skip": false,
}

// hardDrop reports elements dropped wherever they are: by tag, ARIA role, or being
// hidden; header and footer only outside the main content.
func hardDrop(n *html.Node, inMain bool) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if n.Namespace == "svg" && n.DataAtom != atom.Svg {
		return true
	}
	if alwaysDropped[n.DataAtom] {
		return true
	}
	if (n.DataAtom == atom.Header || n.DataAtom == atom.Footer) && !inMain {
		return true
	}
	var style string
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "role":
			for _, r := range strings.Fields(strings.ToLower(a.Val)) {
				if boilerplateRoles[r] {
					return true
				}
			}
		case "style":
			style = a.Val
		}
	}
	if style != "" {
		s := strings.ToLower(strings.Join(strings.Fields(style), ""))
		if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
			return true
		}
	}
	return false
}

// isMain reports elements that hold a page's main content.
func isMain(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	return n.DataAtom == atom.Main || n.DataAtom == atom.Article || strings.EqualFold(strings.TrimSpace(attr(n, "role")), "main")
}

// boilerplateAttr reports whether id or class name boilerplate, and whether by a
// strong word. Inside the main content, "header" and "footer" do not count: there
// they are the article's own.
func boilerplateAttr(n *html.Node, inMain bool) (match, strong bool) {
	for _, a := range n.Attr {
		if a.Key != "id" && a.Key != "class" {
			continue
		}
		for _, tok := range strings.Fields(a.Val) {
			for _, part := range nameParts(tok) {
				if inMain && (part == "header" || part == "footer") {
					continue
				}
				if s, ok := boilerplateWords[part]; ok {
					match = true
					strong = strong || s
				}
			}
		}
	}
	return match, strong
}

// nameParts splits an id or class token into itself and its parts at "-", "_" and
// lower-to-upper case changes, all lowercased.
func nameParts(tok string) []string {
	parts := []string{strings.ToLower(tok)}
	var cur []rune
	prevLower := false
	flush := func() {
		if len(cur) > 0 {
			parts = append(parts, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range tok {
		switch {
		case r == '-' || r == '_' || r == ':' || r == '.':
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		cur = append(cur, r)
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	flush()
	return parts
}

// measure records the visible text under every element not hard-dropped.
func (x *htmlExtractor) measure(n *html.Node, inMain, inLink bool, depth int) nodeStat {
	var s nodeStat
	if depth > maxDepth || x.stop.stopped() {
		return s
	}
	switch n.Type {
	case html.TextNode:
		c := visibleRunes(n.Data)
		s.text = c
		if inLink {
			s.linkText = c
		}
		return s
	case html.ElementNode, html.DocumentNode:
	default:
		return s
	}
	if hardDrop(n, inMain) {
		return s
	}
	if isMain(n) {
		inMain = true
	}
	isLink := n.DataAtom == atom.A && n.Type == html.ElementNode
	if isLink {
		s.links++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		cs := x.measure(c, inMain, inLink || isLink, depth+1)
		s.text += cs.text
		s.linkText += cs.linkText
		s.links += cs.links
	}
	x.stats[n] = s
	return s
}

func visibleRunes(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) && !dropRune(r) {
			n++
		}
	}
	return n
}

// chooseContent returns the largest main/article element when it holds at least a
// fifth of the page's text, else body.
func (x *htmlExtractor) chooseContent(body *html.Node) *html.Node {
	var best *html.Node
	bestText := 0
	var visit func(n *html.Node, depth int)
	visit = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			st, ok := x.stats[c]
			if !ok {
				continue // dropped, or not an element
			}
			if isMain(c) && st.text > bestText {
				best, bestText = c, st.text
			}
			visit(c, depth+1)
		}
	}
	visit(body, 0)
	if best == nil || bestText == 0 || bestText*5 < x.stats[body].text {
		return body
	}
	return best
}

// extract walks the content element and returns its sections.
func (x *htmlExtractor) extract(content *html.Node) []Section {
	x.b = docBuilder{}
	x.para.Reset()
	x.list, x.item = nil, nil
	x.rootText = x.stats[content].text
	x.mainDepth = 0
	if isMain(content) || hasAncestor(content, isMain) {
		x.mainDepth = 1
	}
	for c := content.FirstChild; c != nil; c = c.NextSibling {
		x.walk(c, 0)
	}
	x.flushPara()
	return x.b.finish()
}

// softDrop reports boilerplate recognised by name, by being a form, or by being
// mostly links. Except for strong boilerplate words, it never removes an element
// holding most of the content's text, which is the page itself (a site-wide <form>,
// a "with-sidebar" layout wrapper).
func (x *htmlExtractor) softDrop(n *html.Node) bool {
	st := x.stats[n]
	switch n.DataAtom {
	case atom.Div, atom.Ul, atom.Ol, atom.Section, atom.Table, atom.Dl:
		if st.links >= 3 && st.linkText*10 > st.text*7 {
			return true
		}
	}
	match, strong := boilerplateAttr(n, x.mainDepth > 0)
	if strong {
		return true
	}
	if !match && n.DataAtom != atom.Form {
		return false
	}
	return st.text*2 <= x.rootText
}

func (x *htmlExtractor) walk(n *html.Node, depth int) {
	if depth > maxDepth || x.b.err != nil || x.stop.stopped() {
		return
	}
	switch n.Type {
	case html.TextNode:
		x.para.WriteString(strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == '\t' || r == '\f' {
				return ' '
			}
			return r
		}, n.Data))
		return
	case html.ElementNode:
	default:
		return
	}
	if _, ok := x.stats[n]; !ok || x.softDrop(n) {
		return // hard-dropped (never measured) or soft-dropped
	}
	if isMain(n) {
		x.mainDepth++
		defer func() { x.mainDepth-- }()
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		x.flushPara()
		level := int(n.Data[1] - '0')
		x.b.heading(level, headingText(x.flatText(n)), x.headingAnchor(n))
		return
	case atom.Br:
		x.para.WriteByte('\n')
		return
	case atom.Img, atom.Wbr:
		return
	case atom.Hr:
		x.flushPara()
		return
	case atom.Pre:
		x.flushPara()
		var b strings.Builder
		x.rawText(n, &b, depth)
		x.emit(cleanLines(b.String(), true), true)
		return
	case atom.Ul, atom.Ol, atom.Menu:
		x.walkList(n, depth)
		return
	case atom.Li:
		x.walkItem(n, depth)
		return
	case atom.Table:
		if !isLayoutTable(n) {
			x.walkTable(n, depth)
			return
		}
	}
	block := blockTags[n.DataAtom]
	if block {
		x.flushPara()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.walk(c, depth+1)
	}
	if block {
		x.flushPara()
	}
}

func (x *htmlExtractor) walkList(n *html.Node, depth int) {
	x.flushPara()
	l := &htmlList{ordered: n.DataAtom == atom.Ol, next: 1}
	if v, err := strconv.Atoi(strings.TrimSpace(attr(n, "start"))); err == nil && l.ordered {
		l.next = v
	}
	if x.item != nil {
		l.indent, l.group = x.item.indent+"  ", x.item.group
	} else {
		l.group = x.b.newGroup()
	}
	saved := x.list
	x.list = l
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.walk(c, depth+1)
	}
	x.flushPara()
	x.list = saved
}

func (x *htmlExtractor) walkItem(n *html.Node, depth int) {
	x.flushPara()
	l := x.list
	if l == nil { // a stray <li>
		l = &htmlList{next: 1, group: x.b.newGroup()}
		if x.item != nil {
			l.indent, l.group = x.item.indent+"  ", x.item.group
		}
	}
	marker := "- "
	if l.ordered {
		if v, err := strconv.Atoi(strings.TrimSpace(attr(n, "value"))); err == nil {
			l.next = v
		}
		marker = strconv.Itoa(l.next) + ". "
		l.next++
	}
	savedItem, savedList := x.item, x.list
	x.item = &listItem{indent: l.indent, marker: marker, group: l.group}
	x.list = nil
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.walk(c, depth+1)
	}
	x.flushPara()
	x.item, x.list = savedItem, savedList
}

// walkTable writes a data table as one line per row, cells joined by " | ".
func (x *htmlExtractor) walkTable(t *html.Node, depth int) {
	x.flushPara()
	group := x.b.newGroup()
	var rows func(n *html.Node, depth int)
	rows = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if _, ok := x.stats[c]; !ok {
				continue
			}
			switch c.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				rows(c, depth+1)
			case atom.Caption:
				x.emit(collapse(x.flatText(c)), false)
			case atom.Tr:
				var cells []string
				empty := true
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.DataAtom != atom.Td && td.DataAtom != atom.Th {
						continue
					}
					if _, ok := x.stats[td]; !ok {
						continue
					}
					cell := collapse(x.flatText(td))
					if cell != "" {
						empty = false
					}
					cells = append(cells, cell)
				}
				if empty {
					continue
				}
				line := strings.Join(cells, " | ")
				if x.item != nil {
					x.emit(line, false)
				} else {
					x.b.add(line, group)
				}
			}
		}
	}
	rows(t, depth)
}

// isLayoutTable recognises tables used for page layout rather than data: marked as
// presentation, or holding headings or other tables. Those are read as blocks.
func isLayoutTable(t *html.Node) bool {
	switch strings.ToLower(strings.TrimSpace(attr(t, "role"))) {
	case "presentation", "none":
		return true
	}
	inner := findElement(t, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			return n != t
		}
		return false
	}, 0)
	return inner != nil
}

// flushPara ends the paragraph being collected.
func (x *htmlExtractor) flushPara() {
	if x.para.Len() == 0 {
		return
	}
	t := cleanLines(x.para.String(), false)
	x.para.Reset()
	x.emit(t, false)
}

// emit writes a cleaned block: inside a list item as marked/indented lines of the
// list, inside a list (outside items) as lines of it, else as a paragraph.
func (x *htmlExtractor) emit(t string, code bool) {
	if t == "" {
		return
	}
	switch {
	case x.item != nil:
		for _, line := range strings.Split(t, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			prefix := x.item.indent + "  "
			if x.item.marker != "" {
				prefix, x.item.marker = x.item.indent+x.item.marker, ""
			}
			if !code {
				line = strings.TrimSpace(line)
			}
			x.b.add(prefix+line, x.item.group)
		}
	case x.list != nil:
		x.b.add(t, x.list.group)
	default:
		x.b.add(t, 0)
	}
}

// flatText is the text under n on one line (blocks and <br> become spaces), with the
// same elements dropped as in the walk.
func (x *htmlExtractor) flatText(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node, depth int)
	visit = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				if _, ok := x.stats[c]; !ok || x.softDrop(c) {
					continue
				}
				if c.DataAtom == atom.Br || blockTags[c.DataAtom] {
					b.WriteByte(' ')
				}
				visit(c, depth+1)
				if blockTags[c.DataAtom] {
					b.WriteByte(' ')
				}
			}
		}
	}
	visit(n, 0)
	return b.String()
}

// rawText collects the text of a <pre> as is, <br> as a line break.
func (x *htmlExtractor) rawText(n *html.Node, b *strings.Builder, depth int) {
	if depth > maxDepth {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		case html.ElementNode:
			if _, ok := x.stats[c]; !ok {
				continue
			}
			if c.DataAtom == atom.Br {
				b.WriteByte('\n')
				continue
			}
			x.rawText(c, b, depth+1)
		}
	}
}

// headingText trims the permalink symbols that documentation generators append or
// prepend to headings.
func headingText(s string) string {
	return strings.TrimFunc(collapse(s), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("#¶§🔗", r)
	})
}

// headingAnchor finds the fragment that jumps to heading h: its id, an id or name on
// an <a> inside it or right before it, or the id of the enclosing section or div that
// it opens.
func (x *htmlExtractor) headingAnchor(h *html.Node) string {
	if id := strings.TrimSpace(attr(h, "id")); id != "" {
		return id
	}
	if a := findElement(h, func(n *html.Node) bool {
		return n.DataAtom == atom.A && (strings.TrimSpace(attr(n, "id")) != "" || strings.TrimSpace(attr(n, "name")) != "")
	}, 0); a != nil {
		return firstNonEmpty(attr(a, "id"), attr(a, "name"))
	}
	for p := h.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.TextNode && strings.TrimSpace(p.Data) == "" || p.Type == html.CommentNode {
			continue
		}
		if p.Type == html.ElementNode && p.DataAtom == atom.A && visibleRunes(textOf(p)) == 0 {
			if id := firstNonEmpty(attr(p, "id"), attr(p, "name")); id != "" {
				return id
			}
		}
		break
	}
	for p := h.Parent; p != nil && p.DataAtom != atom.Body; p = p.Parent {
		switch p.DataAtom {
		case atom.Section, atom.Div, atom.Article:
		default:
			continue
		}
		id := strings.TrimSpace(attr(p, "id"))
		if id == "" {
			continue
		}
		first, ok := x.firstHeading[p]
		if !ok {
			first = findElement(p, func(n *html.Node) bool {
				switch n.DataAtom {
				case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
					return true
				}
				return false
			}, 0)
			x.firstHeading[p] = first
		}
		if first == h {
			return id
		}
		return ""
	}
	return ""
}

// title is the page's <title>, else its og:title, else its first h1.
func (x *htmlExtractor) title(root *html.Node) string {
	if t := findElement(root, func(n *html.Node) bool {
		return n.DataAtom == atom.Title && n.Namespace == ""
	}, 0); t != nil {
		if s := collapse(textOf(t)); s != "" {
			return s
		}
	}
	if m := findElement(root, func(n *html.Node) bool {
		return n.DataAtom == atom.Meta && strings.EqualFold(firstNonEmpty(attr(n, "property"), attr(n, "name")), "og:title")
	}, 0); m != nil {
		if s := collapse(attr(m, "content")); s != "" {
			return s
		}
	}
	if h := findElement(root, func(n *html.Node) bool {
		_, ok := x.stats[n]
		return n.DataAtom == atom.H1 && ok
	}, 0); h != nil {
		return headingText(x.flatText(h))
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// findElement returns the first element under n (depth first, document order) for
// which match is true.
func findElement(n *html.Node, match func(*html.Node) bool, depth int) *html.Node {
	if depth > maxDepth {
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && match(c) {
			return c
		}
		if f := findElement(c, match, depth+1); f != nil {
			return f
		}
	}
	return nil
}

func hasAncestor(n *html.Node, match func(*html.Node) bool) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if match(p) {
			return true
		}
	}
	return false
}

// textOf is all the text under n, nothing dropped.
func textOf(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node, depth int)
	visit = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
			visit(c, depth+1)
		}
	}
	visit(n, 0)
	return b.String()
}

// htmlFragmentText reads the text of an HTML snippet (as embedded in Markdown) as
// paragraphs: tags dropped, block elements as paragraph breaks, <br> as line break,
// scripts and styles skipped.
func htmlFragmentText(raw []byte) []string {
	z := html.NewTokenizer(bytes.NewReader(raw))
	var paras []string
	var cur strings.Builder
	flush := func() {
		if t := cleanLines(cur.String(), false); t != "" {
			paras = append(paras, t)
		}
		cur.Reset()
	}
	skip := atom.Atom(0)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if skip == 0 {
				cur.WriteString(strings.ReplaceAll(tok.Data, "\n", " "))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if skip != 0 {
				continue
			}
			switch {
			case tok.DataAtom == atom.Script || tok.DataAtom == atom.Style || tok.DataAtom == atom.Template:
				if tt == html.StartTagToken {
					skip = tok.DataAtom
				}
			case tok.DataAtom == atom.Br:
				cur.WriteByte('\n')
			case blockTags[tok.DataAtom]:
				flush()
			}
		case html.EndTagToken:
			if skip != 0 {
				if tok.DataAtom == skip {
					skip = 0
				}
				continue
			}
			if blockTags[tok.DataAtom] {
				flush()
			}
		}
	}
	flush()
	return paras
}
