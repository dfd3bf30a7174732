package extract

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// maxDepth bounds every recursive walk over a parsed tree, so hostile nesting (a
// million nested <div>s) cannot exhaust the stack; deeper content is ignored.
const maxDepth = 512

// The bounds on what one document may produce, whatever its format, so that a small
// file cannot make the server hold gigabytes: its text (list indentation and table
// cells can make it larger than the file) and its blocks (each costs memory of its own).
const (
	maxTextBytes = 16 << 20
	maxBlocks    = 500_000
)

// errTooMuchText is returned by the walks when a document passes maxTextBytes or
// maxBlocks; tooMuchText turns it into the error for the admin.
var errTooMuchText = errors.New("text limit reached")

func tooMuchText(format string) error {
	return fail(format, ErrTooLarge, fmt.Sprintf("the document holds more than %d MB of text or %d paragraphs; split it into smaller files",
		maxTextBytes>>20, maxBlocks), nil)
}

// extractTimeout bounds the reading of one document (PDFs have pdfTimeout): the bounds
// on size and nesting keep normal work far below it, so it only stops a pathological
// file that they do not foresee.
const extractTimeout = 30 * time.Second

// interrupt lets a long loop stop when its context ends (the request is gone, or the
// deadline passed). Looking at the context takes a lock, so it looks every 1024 steps.
type interrupt struct {
	ctx   context.Context
	steps int
	done  bool
}

func (s *interrupt) stopped() bool {
	if !s.done {
		s.steps++
		s.done = s.steps&1023 == 0 && s.ctx.Err() != nil
	}
	return s.done
}

// errStopped ends a walk whose interrupt has stopped it.
var errStopped = errors.New("stopped")

// stopped is the error of an extraction cut short by its context.
func stopped(ctx context.Context, format string) error {
	return fail(format, ErrTooLarge, "reading the file took too long and was stopped", context.Cause(ctx))
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// trimBOM drops a UTF-8 byte order mark.
func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, bomUTF8) }

// decodeText turns the bytes of a plain-text-like file into UTF-8: it strips a UTF-8
// BOM, decodes UTF-16 (with a BOM, or without one when every other byte is zero, as
// Windows tools write it) and reads anything that is still not valid UTF-8 as
// windows-1252, the encoding such files almost always come in.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data = data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeUTF16(data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeUTF16(data[2:], binary.BigEndian)
	default:
		if order := guessUTF16(data); order != nil {
			return decodeUTF16(data, order)
		}
	}
	if utf8.Valid(data) {
		return string(data)
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil { // cannot happen for a single-byte charmap; keep the text anyway
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(s)
}

func decodeUTF16(b []byte, order binary.ByteOrder) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// guessUTF16 recognises BOM-less UTF-16 of mostly-Latin text: in its first bytes, the
// zero bytes sit almost all at odd (little endian) or even (big endian) positions.
func guessUTF16(b []byte) binary.ByteOrder {
	if len(b) > 512 {
		b = b[:512]
	}
	if len(b) < 4 {
		return nil
	}
	var even, odd int
	for i, c := range b {
		if c != 0 {
			continue
		}
		if i%2 == 0 {
			even++
		} else {
			odd++
		}
	}
	half := len(b) / 2
	switch {
	case odd > half*3/4 && even == 0:
		return binary.LittleEndian
	case even > half*3/4 && odd == 0:
		return binary.BigEndian
	}
	return nil
}

// dropRune reports runes that carry no text: control characters other than the
// whitespace ones, zero-width spaces, soft hyphens and stray BOMs.
func dropRune(r rune) bool {
	switch r {
	case '\t', '\n', '\r', '\f', '\v':
		return false
	case '\u00AD', '\u200B', '\u2060', '\uFEFF':
		return true
	}
	return unicode.Is(unicode.Cc, r)
}

// collapse folds every run of whitespace (line breaks included) into one space and
// trims the ends: the form of a heading, a cell or a title.
func collapse(s string) string {
	if collapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if dropRune(r) {
			continue
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// collapsed reports ASCII text that collapse leaves as it is (most lines), so that it
// is not copied.
func collapsed(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < ' ' || c >= 0x7f:
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' '):
			return false
		}
	}
	return true
}

// cleanLines keeps the line breaks of s but collapses whitespace within each line,
// drops blank lines at the ends and keeps at most one blank line in a row. With
// keepIndent, leading indentation survives (tabs as four spaces), for code. It writes
// line by line, holding no value per line, whatever their number.
func cleanLines(s string, keepIndent bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.Contains(s, "\n") { // most paragraphs: no copy but collapse's
		if keepIndent {
			return indentedLine(s)
		}
		return collapse(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	blank := false
	for rest, more := s, true; more; {
		var line string
		line, rest, more = strings.Cut(rest, "\n")
		var c string
		if keepIndent {
			c = indentedLine(line)
		} else {
			c = collapse(line)
		}
		if c == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		if blank {
			b.WriteByte('\n')
			blank = false
		}
		b.WriteString(c)
	}
	return b.String()
}

// indentedLine is a code line: leading indentation kept, control characters dropped,
// trailing space trimmed.
func indentedLine(line string) string {
	var b strings.Builder
	lead := true
	for _, r := range line {
		if dropRune(r) && r != '\t' {
			continue
		}
		if lead && r == '\t' {
			b.WriteString("    ")
			continue
		}
		if lead && unicode.IsSpace(r) {
			b.WriteByte(' ')
			continue
		}
		lead = false
		if r == '\t' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace)
}

// docBuilder accumulates the sections of a document as blocks arrive in order, and is
// shared by the extractors that know headings (HTML, Markdown, DOCX).
type docBuilder struct {
	sections []Section
	path     []heading
	anchor   string
	blocks   []block
	groups   int
	sawHead  bool
	// size and count are the text and blocks added so far; err is errTooMuchText once
	// they pass the bounds, after which nothing more is kept.
	size, count int
	err         error
}

type heading struct {
	level int
	text  string
}

// block is one paragraph, or one line of a list, table or code block; lines of the
// same group are joined with "\n", everything else with a blank line.
type block struct {
	text  string
	group int
}

// newGroup returns an id for the lines of one list, table or code block.
func (d *docBuilder) newGroup() int {
	d.groups++
	return d.groups
}

// add appends a block of already cleaned text; empty text is ignored.
func (d *docBuilder) add(text string, group int) {
	if strings.TrimSpace(text) == "" || !d.room(len(text)) {
		return
	}
	d.blocks = append(d.blocks, block{text: text, group: group})
}

// room counts a block of n bytes against the bounds and reports whether it fits.
func (d *docBuilder) room(n int) bool {
	d.size += n + 2
	d.count++
	if d.size > maxTextBytes || d.count > maxBlocks {
		d.err = errTooMuchText
	}
	return d.err == nil
}

// heading ends the current section and starts one under a heading of the given level
// (1 is the top; lower numbers close deeper headings).
func (d *docBuilder) heading(level int, text, anchor string) {
	text = collapse(text)
	if text == "" || !d.room(len(text)) {
		return
	}
	d.flush()
	for len(d.path) > 0 && d.path[len(d.path)-1].level >= level {
		d.path = d.path[:len(d.path)-1]
	}
	d.path = append(d.path, heading{level: level, text: text})
	d.anchor = anchor
	d.sawHead = true
}

func (d *docBuilder) flush() {
	if len(d.blocks) == 0 {
		return
	}
	var b strings.Builder
	for i, bl := range d.blocks {
		if i > 0 {
			if bl.group != 0 && bl.group == d.blocks[i-1].group {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		b.WriteString(bl.text)
	}
	d.blocks = d.blocks[:0]
	d.sections = append(d.sections, Section{Headings: d.headings(), Anchor: d.anchor, Text: b.String()})
}

func (d *docBuilder) headings() []string {
	if len(d.path) == 0 {
		return nil
	}
	h := make([]string, len(d.path))
	for i, p := range d.path {
		h[i] = p.text
	}
	return h
}

// finish returns the sections. A document made of headings only keeps its last
// heading path as text, since the headings are its only text.
func (d *docBuilder) finish() []Section {
	d.flush()
	if len(d.sections) == 0 && d.sawHead {
		return []Section{{Headings: d.headings(), Anchor: d.anchor, Text: strings.Join(d.headings(), "\n")}}
	}
	return d.sections
}
