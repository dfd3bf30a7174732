// Package extract turns the raw bytes of an uploaded file or a fetched web page into
// structured text: a title, sections along the document's headings, and (for FAQ
// sheets) question/answer pairs. It exists so that the knowledge indexer never has to
// know about file formats: it chunks and indexes Documents, and cites a section by its
// heading path and anchor.
//
// Every extractor treats its input as hostile: it never panics, caps what it
// decompresses, and reports failures with one of the sentinel errors below wrapped in a
// message that can be shown to an admin as is.
package extract

import (
	"context"
	"errors"
	"mime"
	"path"
	"strings"
)

// Document is the text of one source with its structure, in document order, so that
// the indexer can chunk along headings and cite title, heading path and anchor.
type Document struct {
	// Title is the document's own title: <title> (or og:title, or the first h1) for
	// HTML, the first level-1 heading for Markdown, the Info Title or first line for
	// PDF, the core title (or Title paragraph, or first heading) for DOCX; "" when none.
	Title string
	// Sections hold the text in document order; text before the first heading is a
	// section with no headings.
	Sections []Section
	// Pairs holds the question/answer pairs of a CSV FAQ sheet; other formats leave
	// it empty.
	Pairs []QA
}

// Section is the text under one heading, so that a chunk can be cited by where it
// sits in the document.
type Section struct {
	// Headings is the heading path from the top, e.g. ["Shipping", "International orders"].
	Headings []string
	// Anchor is the URL fragment (without "#") that jumps to the section: the id of an
	// HTML heading (or of an <a> inside it, or of its section), a GitHub-style slug for
	// Markdown, "page=N" for PDF pages; "" when there is none.
	Anchor string
	// Text is the section's text without markup: paragraphs separated by "\n\n",
	// list items as lines starting with "- " (ordered: "1. "), table rows as cells
	// joined by " | ", whitespace collapsed within lines (code keeps its indentation).
	Text string
}

// QA is one question/answer pair from an FAQ sheet; such pairs are indexed as they are
// rather than chunked, since the sheet already states what is asked.
type QA struct {
	Question string
	Variants []string // other phrasings of the same question
	Answer   string
	Lang     string // as given in the sheet's language column, "" when none
}

// The sentinel errors classify every failure so callers can react (ask for another
// file, show a hint) with errors.Is. The errors returned wrap them with a message fit
// to show an admin.
var (
	// ErrEmpty means the source has no text to index.
	ErrEmpty = errors.New("the file has no text")
	// ErrEncrypted means the file is password-protected and cannot be read.
	ErrEncrypted = errors.New("the file is password-protected")
	// ErrCorrupt means the file is damaged or not in the format its name claims.
	ErrCorrupt = errors.New("the file is damaged or not in the expected format")
	// ErrUnsupported means the file type is not one extract can read.
	ErrUnsupported = errors.New("unsupported file type")
	// ErrTooLarge means the file expands to more than extract is willing to read.
	ErrTooLarge = errors.New("the file is too large")
)

// Kinds of source, as returned by KindOf.
const (
	kindPDF      = "pdf"
	kindDOCX     = "docx"
	kindHTML     = "html"
	kindMarkdown = "markdown"
	kindText     = "text"
	kindCSV      = "csv"
)

const supportedKinds = "PDF, Word (.docx), HTML, Markdown, plain text (.txt) and CSV"

// extractError carries a message for an admin, the sentinel it belongs to and the
// underlying cause (if any), so that errors.Is works on both.
type extractError struct {
	format string
	msg    string
	kind   error
	cause  error
}

func (e *extractError) Error() string {
	s := "extract: " + e.format + ": " + e.msg
	if e.cause != nil {
		s += " (" + e.cause.Error() + ")"
	}
	return s
}

func (e *extractError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// fail builds an error of the given sentinel kind for a format with an admin-facing
// message; cause may be nil.
func fail(format string, kind error, msg string, cause error) error {
	return &extractError{format: format, msg: msg, kind: kind, cause: cause}
}

var extKinds = map[string]string{
	".pdf":      kindPDF,
	".docx":     kindDOCX,
	".html":     kindHTML,
	".htm":      kindHTML,
	".xhtml":    kindHTML,
	".md":       kindMarkdown,
	".markdown": kindMarkdown,
	".txt":      kindText,
	".text":     kindText,
	".csv":      kindCSV,
	".tsv":      kindCSV,
}

// unsupportedHints names file types people commonly try, with what to do instead.
var unsupportedHints = map[string]string{
	".doc":  "old Word .doc files are not supported; save the file as .docx",
	".dot":  "old Word templates are not supported; save the file as .docx",
	".docm": "macro-enabled Word files are not supported; save the file as .docx",
	".rtf":  "RTF files are not supported; save the file as .docx",
	".odt":  "OpenDocument files are not supported; save the file as .docx",
	".xls":  "spreadsheets are not supported; export the sheet as CSV",
	".xlsx": "spreadsheets are not supported; export the sheet as CSV",
	".ods":  "spreadsheets are not supported; export the sheet as CSV",
	".ppt":  "presentations are not supported; export them as PDF",
	".pptx": "presentations are not supported; export them as PDF",
	".odp":  "presentations are not supported; export them as PDF",
	".png":  "images are not supported: text in pictures cannot be read",
	".jpg":  "images are not supported: text in pictures cannot be read",
	".jpeg": "images are not supported: text in pictures cannot be read",
	".gif":  "images are not supported: text in pictures cannot be read",
	".webp": "images are not supported: text in pictures cannot be read",
	".heic": "images are not supported: text in pictures cannot be read",
	".tif":  "images are not supported: text in pictures cannot be read",
	".tiff": "images are not supported: text in pictures cannot be read",
	".bmp":  "images are not supported: text in pictures cannot be read",
	".svg":  "images are not supported: text in pictures cannot be read",
}

var typeKinds = map[string]string{
	"application/pdf":   kindPDF,
	"application/x-pdf": kindPDF,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": kindDOCX,
	"text/html":                 kindHTML,
	"application/xhtml+xml":     kindHTML,
	"text/markdown":             kindMarkdown,
	"text/x-markdown":           kindMarkdown,
	"text/plain":                kindText,
	"text/csv":                  kindCSV,
	"application/csv":           kindCSV,
	"text/tab-separated-values": kindCSV,
}

// KindOf names the format of a source ("pdf", "docx", "html", "markdown", "text",
// "csv") so that callers can decide before reading it whether it is supported. The
// file name's extension wins; the content type (parameters allowed) is used when the
// name has no known extension, as for web pages. Anything else is ErrUnsupported with
// a message naming the supported kinds.
func KindOf(filename, contentType string) (string, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(filename, `\`, "/")))
	if k, ok := extKinds[ext]; ok {
		return k, nil
	}
	if hint, ok := unsupportedHints[ext]; ok {
		return "", fail("kind", ErrUnsupported, hint+" (supported: "+supportedKinds+")", nil)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	}
	if k, ok := typeKinds[mt]; ok {
		return k, nil
	}
	what := ext
	switch {
	case what == "" && mt != "":
		what = mt
	case what == "":
		what = "unknown"
	}
	return "", fail("kind", ErrUnsupported, "cannot read files of type "+what+"; supported: "+supportedKinds, nil)
}

// File extracts any supported source, choosing the extractor with KindOf. When neither
// the name nor the content type tells the kind (a download without extension served as
// application/octet-stream), it looks at the first bytes. Content that is not the kind
// the name or type claims is refused (checkContent). ctx stops the reading when the
// request that wants it ends.
func File(ctx context.Context, filename, contentType string, data []byte) (Document, error) {
	kind, err := KindOf(filename, contentType)
	if err != nil {
		ext := strings.ToLower(path.Ext(filename))
		if _, known := unsupportedHints[ext]; known {
			return Document{}, err
		}
		sniffed := sniff(data)
		if sniffed == "" {
			return Document{}, err
		}
		kind = sniffed
	}
	if len(data) == 0 {
		return Document{}, fail(kind, ErrEmpty, "the file is empty (0 bytes)", nil)
	}
	if err := checkContent(filename, contentType, kind, data); err != nil {
		return Document{}, err
	}
	switch kind {
	case kindPDF:
		return PDF(data)
	case kindDOCX:
		return DOCX(ctx, data)
	case kindHTML:
		return HTML(ctx, data, contentType)
	case kindMarkdown:
		return Markdown(ctx, data)
	case kindCSV:
		return CSV(data)
	default:
		return Text(data)
	}
}
