package extract

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown extracts a Markdown file (CommonMark with GitHub tables): headings build
// the section path with GitHub-style slug anchors, so citations can link to the
// heading on GitHub-like renderers; lists become "- " / "N. " lines (nested ones
// indented two spaces), code blocks keep their lines, links keep their text, images
// their alt text, and raw HTML its text. YAML/TOML front matter is skipped (its title
// is used when the document has no level-1 heading).
func Markdown(data []byte) (doc Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = Document{}, fail("markdown", ErrCorrupt, "the file could not be read as Markdown", fmt.Errorf("%v", r))
		}
	}()
	src := []byte(decodeText(data))
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	src, fmTitle := stripFrontMatter(src)
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	root := md.Parser().Parse(text.NewReader(src))
	w := &mdWalker{src: src, slugs: map[string]int{}}
	w.blocks(root, nil, 0)
	sections := w.b.finish()
	if len(sections) == 0 {
		return Document{}, fail("markdown", ErrEmpty, "the file has no text", nil)
	}
	title := w.title
	if title == "" {
		title = fmTitle
	}
	return Document{Title: title, Sections: sections}, nil
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
