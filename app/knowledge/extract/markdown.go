package extract

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown extracts a Markdown file (CommonMark with GitHub tables): headings build
// the section path with GitHub-style slug anchors, so citations can link to the
// heading on GitHub-like renderers; lists become "- " / "N. " lines (nested ones
// indented two spaces), code blocks keep their lines, links keep their text, images
// their alt text, and raw HTML its text. YAML/TOML front matter is skipped (its title
// is used when the document has no level-1 heading). It is parsed with ParseMarkdown,
// so within its bounds of nesting, text and time (ctx).
func Markdown(ctx context.Context, data []byte) (doc Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = Document{}, fail("markdown", ErrCorrupt, "the file could not be read as Markdown", fmt.Errorf("%v", r))
		}
	}()
	src := []byte(decodeText(data))
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	src, fmTitle := stripFrontMatter(src)
	root, src, err := ParseMarkdown(ctx, extractMarkdown, src)
	if err != nil {
		return Document{}, err
	}
	w := &mdWalker{src: src, slugs: map[string]int{}}
	w.blocks(root, nil, 0)
	sections := w.b.finish()
	if w.b.err != nil {
		return Document{}, tooMuchText("markdown")
	}
	if len(sections) == 0 {
		return Document{}, fail("markdown", ErrEmpty, "the file has no text", nil)
	}
	title := w.title
	if title == "" {
		title = fmTitle
	}
	return Document{Title: title, Sections: sections}, nil
}

// extractMarkdown is the parser of Markdown files and articles.
var extractMarkdown = NewMarkdown()

// NewMarkdown returns goldmark with GitHub's extensions, the given options, and the
// hooks through which ParseMarkdown stops a parse when its context ends. Every
// Markdown that people write is parsed with one (the admin's preview and article pages
// too), so that it is parsed within the same bounds.
func NewMarkdown(opts ...goldmark.Option) goldmark.Markdown {
	return goldmark.New(append([]goldmark.Option{
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(
			parser.WithBlockParsers(util.Prioritized(blockDeadline{}, 1)),
			parser.WithInlineParsers(util.Prioritized(inlineDeadline{}, 1)),
		),
	}, opts...)...)
}

// maxMarkdownNesting is how many lists and block quotes a line may open: goldmark
// takes time quadratic in it ("- - - - … x"), and no document needs more than a few.
const maxMarkdownNesting = 32

// maxLinkAttempts is how many "](" a run of text without spaces may hold, and how many
// "](<" without a ">" after them a line may: goldmark reads from each to the end of
// the run (or line) looking for the link's destination, quadratic in their number.
const maxLinkAttempts = 32

// ParseMarkdown parses src with md, made by NewMarkdown, within bounds: nesting past
// maxMarkdownNesting on a line, and link openers past maxLinkAttempts, are escaped so
// that they read as text (flattenMarkdown), and the parse stops with an error when ctx
// ends or after extractTimeout. It returns the tree and the source its segments point
// into.
func ParseMarkdown(ctx context.Context, md goldmark.Markdown, src []byte) (root ast.Node, flat []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, extractTimeout)
	defer cancel()
	flat = flattenMarkdown(src)
	pc := parser.NewContext()
	pc.Set(boundsKey, &mdBounds{stop: interrupt{ctx: ctx}})
	defer func() {
		if r := recover(); r != nil {
			if r != errStopped {
				panic(r)
			}
			root, flat, err = nil, nil, stopped(ctx, "markdown")
		}
	}()
	return md.Parser().Parse(text.NewReader(flat), parser.WithContext(pc)), flat, nil
}

var boundsKey = parser.NewContextKey()

// mdBounds is the state of the hooks below in one parse.
type mdBounds struct {
	stop    interrupt
	block   ast.Node // the block whose inline markup is being read
	markers int      // how many markup characters of it have been read as markup
}

// maxInlineMarkers is how many characters of one block (a paragraph, a heading, a
// table cell) are read as inline markup: goldmark keeps state for every "[" and "*"
// until the block ends, some hundreds of bytes each. The rest of its lines past that
// read as plain text; a real paragraph has a few dozen.
const maxInlineMarkers = 10_000

// bounds returns the parse's state, ending the parse when its context has ended:
// goldmark has no way to stop a parse, so the hooks panic and ParseMarkdown recovers.
func bounds(pc parser.Context) *mdBounds {
	b, ok := pc.Get(boundsKey).(*mdBounds)
	if !ok {
		return &mdBounds{stop: interrupt{ctx: context.Background()}}
	}
	if b.stop.stopped() {
		panic(errStopped)
	}
	return b
}

// blockDeadline is tried first on every line and at every container a line opens; it
// opens nothing.
type blockDeadline struct{}

var everyByte = func() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

func (blockDeadline) Trigger() []byte { return everyByte }

func (blockDeadline) Open(_ ast.Node, _ text.Reader, pc parser.Context) (ast.Node, parser.State) {
	bounds(pc)
	return nil, parser.NoChildren
}

func (blockDeadline) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}
func (blockDeadline) Close(ast.Node, text.Reader, parser.Context) {}
func (blockDeadline) CanInterruptParagraph() bool                 { return true }
func (blockDeadline) CanAcceptIndentedLine() bool                 { return true }

// inlineDeadline is tried first at every character that starts inline markup with
// GitHub's extensions (only those, so that text is not split where it was not). Past
// maxInlineMarkers in a block, it takes the rest of the line as text.
type inlineDeadline struct{}

func (inlineDeadline) Trigger() []byte {
	return []byte{' ', '!', '(', '*', '<', '[', ']', '_', '`', '~'}
}

func (inlineDeadline) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	b := bounds(pc)
	line, seg := block.PeekLine()
	if len(line) == 0 {
		return nil
	}
	switch line[0] {
	case '!', '*', '<', '[', ']', '_', '`', '~':
	default: // a space, "(" or the start of a line, where only links are looked for
		return nil
	}
	if b.block != parent {
		b.block, b.markers = parent, 0
	}
	if b.markers++; b.markers <= maxInlineMarkers {
		return nil
	}
	n := len(bytes.TrimRight(line, "\r\n"))
	block.Advance(n)
	return ast.NewTextSegment(seg.WithStop(seg.Start + n))
}

// flattenMarkdown escapes, with a backslash, the list and quote markers of a line past
// maxMarkdownNesting and the "]" of link openers past maxLinkAttempts, so that they
// read as the text they are. Fenced code is left alone. Documents within the bounds
// come back as they are.
func flattenMarkdown(src []byte) []byte {
	var out []byte // nil while nothing has changed
	var fence []byte
	done := 0 // src[:done] is in out
	for start := 0; start < len(src); {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		line := src[start:end]
		body, at := containerMarkers(line)
		switch {
		case fence != nil:
			if t := bytes.TrimSpace(line[body:]); bytes.HasPrefix(t, fence) && len(bytes.Trim(t, string(fence[:1]))) == 0 {
				fence = nil
			}
		case isFence(line[body:]):
			t := bytes.TrimLeft(line[body:], " \t")
			n := 0
			for n < len(t) && t[n] == t[0] {
				n++
			}
			fence = t[:n]
		default:
			var points []int
			if at >= 0 {
				points = append(points, start+at)
			}
			for _, i := range append(points, linkEscapes(line, start)...) {
				out = append(append(out, src[done:i]...), '\\')
				done = i
			}
		}
		start = end + 1
	}
	if out == nil {
		return src
	}
	return append(out, src[done:]...)
}

// containerMarkers reads the list and quote markers at the start of a line. It
// returns where the content after them begins, and the index in line of the marker to
// escape (the first one past maxMarkdownNesting), or -1 when the line is within bounds
// or is a thematic break ("- - - -"), which is not nesting.
func containerMarkers(line []byte) (body, escape int) {
	depth, i := 0, 0
	for {
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if j >= len(line) {
			return i, -1
		}
		next, mark := 0, j
		switch c := line[j]; {
		case c == '>':
			next = j + 1
		case c == '-' || c == '*' || c == '+':
			if j+1 == len(line) || line[j+1] == ' ' || line[j+1] == '\t' {
				next = j + 1
			}
		case c >= '0' && c <= '9':
			k := j
			for k < len(line) && k-j < 9 && line[k] >= '0' && line[k] <= '9' {
				k++
			}
			if k < len(line) && (line[k] == '.' || line[k] == ')') && (k+1 == len(line) || line[k+1] == ' ' || line[k+1] == '\t') {
				next, mark = k+1, k // "1\." reads as text; "\1." does not escape
			}
		}
		if next == 0 {
			return i, -1
		}
		if depth++; depth > maxMarkdownNesting {
			if isThematicBreak(line) {
				return i, -1
			}
			return i, mark
		}
		i = next
	}
}

func isThematicBreak(line []byte) bool {
	t := bytes.TrimSpace(line)
	if len(t) == 0 {
		return false
	}
	for _, c := range t {
		if c != t[0] && c != ' ' && c != '\t' {
			return false
		}
	}
	return t[0] == '-' || t[0] == '*' || t[0] == '_'
}

func isFence(s []byte) bool {
	t := bytes.TrimLeft(s, " \t")
	return bytes.HasPrefix(t, []byte("```")) || bytes.HasPrefix(t, []byte("~~~"))
}

// linkEscapes returns the positions (offset by start) of the "]" to escape on a line:
// those of "](" past maxLinkAttempts in one run without spaces, and of "](<" past
// maxLinkAttempts without a ">" after them on the line.
func linkEscapes(line []byte, start int) []int {
	if bytes.Count(line, []byte("](")) <= maxLinkAttempts {
		return nil
	}
	var at []int
	lastGT := bytes.LastIndexByte(line, '>')
	inRun, open := 0, 0
	for i := 0; i+1 < len(line); i++ {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			inRun = 0
		case c == ']' && line[i+1] == '(' && (i == 0 || line[i-1] != '\\'):
			if i+2 < len(line) && line[i+2] == '<' && i > lastGT {
				if open++; open > maxLinkAttempts {
					at = append(at, start+i)
					continue
				}
			}
			if inRun++; inRun > maxLinkAttempts {
				at = append(at, start+i)
			}
		}
	}
	return at
}

type mdWalker struct {
	src   []byte
	b     docBuilder
	slugs map[string]int
	title string
}

// listItem is the list item being written: its lines share the list's group, and the
// first one carries the marker.
type listItem struct {
	indent string
	marker string // pending until the item's first line is written
	group  int
}

func (w *mdWalker) blocks(parent ast.Node, item *listItem, depth int) {
	if depth > maxDepth {
		return
	}
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		w.block(n, item, depth+1)
	}
}

func (w *mdWalker) block(n ast.Node, item *listItem, depth int) {
	switch n := n.(type) {
	case *ast.Heading:
		t := collapse(w.inlineText(n))
		if item != nil {
			w.emit(t, item, false)
			return
		}
		if n.Level == 1 && w.title == "" {
			w.title = t
		}
		w.b.heading(n.Level, t, w.slug(t))
	case *ast.Paragraph, *ast.TextBlock:
		w.emit(cleanLines(w.inlineText(n), false), item, false)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		w.emit(cleanLines(string(w.lines(n)), true), item, true)
	case *ast.HTMLBlock:
		raw := w.lines(n)
		if n.HasClosure() {
			raw = append(raw, n.ClosureLine.Value(w.src)...)
		}
		for _, p := range htmlFragmentText(raw) {
			w.emit(p, item, false)
		}
	case *ast.List:
		w.list(n, item, depth)
	case *extast.Table:
		group := w.b.newGroup()
		if item != nil {
			group = item.group
		}
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, collapse(w.inlineText(c)))
			}
			line := strings.Join(cells, " | ")
			if collapse(strings.ReplaceAll(line, "|", "")) == "" {
				continue
			}
			if item != nil {
				w.emit(line, item, false)
			} else {
				w.b.add(line, group)
			}
		}
	case *ast.ThematicBreak, *ast.LinkReferenceDefinition:
	default: // blockquotes, definition lists and anything else: their blocks in order
		w.blocks(n, item, depth)
	}
}

func (w *mdWalker) list(l *ast.List, parent *listItem, depth int) {
	indent, group := "", 0
	if parent != nil {
		indent, group = parent.indent+"  ", parent.group
	} else {
		group = w.b.newGroup()
	}
	num := l.Start
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		marker := "- "
		if l.IsOrdered() {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		w.blocks(it, &listItem{indent: indent, marker: marker, group: group}, depth+1)
	}
}

// emit writes cleaned text: at the top level as one block; inside a list item as
// lines of the list, the first one marked and the rest indented under it.
func (w *mdWalker) emit(t string, item *listItem, code bool) {
	if t == "" {
		return
	}
	if item == nil {
		w.b.add(t, 0)
		return
	}
	for _, line := range strings.Split(t, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		prefix := item.indent + "  "
		if item.marker != "" {
			prefix, item.marker = item.indent+item.marker, ""
		}
		if !code {
			line = strings.TrimSpace(line)
		}
		w.b.add(prefix+line, item.group)
	}
}

func (w *mdWalker) lines(n ast.Node) []byte {
	var b []byte
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b = append(b, seg.Value(w.src)...)
	}
	return b
}

// inlineText renders the inline content of a block as plain text: hard line breaks
// as "\n", soft ones as spaces, link text without URLs, image alt text.
func (w *mdWalker) inlineText(n ast.Node) string {
	var b strings.Builder
	w.inline(n, &b, 0)
	return b.String()
}

func (w *mdWalker) inline(parent ast.Node, b *strings.Builder, depth int) {
	if depth > maxDepth {
		return
	}
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Text:
			v := n.Segment.Value(w.src)
			if !n.IsRaw() {
				v = unescapeMarkdown(v)
			}
			b.Write(v)
			if n.HardLineBreak() {
				b.WriteByte('\n')
			} else if n.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(bytes.ReplaceAll(t.Segment.Value(w.src), []byte("\n"), []byte(" ")))
				}
			}
		case *ast.AutoLink:
			b.Write(n.Label(w.src))
		case *ast.RawHTML:
			var raw []byte
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				raw = append(raw, seg.Value(w.src)...)
			}
			if t := bytes.ToLower(bytes.TrimSpace(raw)); bytes.HasPrefix(t, []byte("<br")) {
				b.WriteByte('\n')
			}
		case *extast.TaskCheckBox:
		default: // emphasis, links, images (their alt text), strikethrough
			w.inline(n, b, depth+1)
		}
	}
}

func unescapeMarkdown(v []byte) []byte {
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

// slug makes GitHub's anchor for a heading: lowercase, punctuation other than "-" and
// "_" dropped, each space a "-", and "-1", "-2"... for repeats.
func (w *mdWalker) slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.Pc):
			b.WriteRune(r)
		}
	}
	base := b.String()
	s := base
	for {
		if _, taken := w.slugs[s]; !taken {
			break
		}
		w.slugs[base]++
		s = base + "-" + strconv.Itoa(w.slugs[base])
	}
	w.slugs[s] = 0
	return s
}

// stripFrontMatter removes a leading YAML (---) or TOML (+++) block, which Markdown
// would otherwise read as a heading, and returns its title field if any.
func stripFrontMatter(src []byte) ([]byte, string) {
	var fence string
	switch {
	case bytes.HasPrefix(src, []byte("---\n")):
		fence = "---"
	case bytes.HasPrefix(src, []byte("+++\n")):
		fence = "+++"
	default:
		return src, ""
	}
	lines := strings.SplitAfter(string(src), "\n")
	title := ""
	offset := len(lines[0])
	for _, line := range lines[1:] {
		offset += len(line)
		t := strings.TrimSpace(line)
		if t == fence || (fence == "---" && t == "...") {
			return src[offset:], title
		}
		if k, v, ok := strings.Cut(t, ":"); ok && fence == "---" && strings.EqualFold(strings.TrimSpace(k), "title") && title == "" {
			title = strings.Trim(strings.TrimSpace(v), `"'`)
		}
		if k, v, ok := strings.Cut(t, "="); ok && fence == "+++" && strings.EqualFold(strings.TrimSpace(k), "title") && title == "" {
			title = strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return src, "" // no closing fence: not front matter
}
