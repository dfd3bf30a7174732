package extract

import (
	"bytes"
	"encoding/binary"
	"path"
	"strings"
)

// A file's name (or a server's Content-Type) only claims what the file is: an ELF
// program named notes.md would otherwise be indexed as Markdown, and a PDF named .txt as
// text. So the content is checked against the kind before it is extracted, and a file
// that is not what it claims gets an error naming what it is.

// signature is the magic number a kind of binary file holds at a fixed offset.
type signature struct {
	at    int // offset of magic
	magic string
	what  string // what the file is, for a message
}

// signatures name the binary files most often uploaded by mistake; they are looked
// for only in what is not text, so that no text is taken for one of them.
var signatures = []signature{
	{0, "\x7fELF", "a program (an ELF executable)"},
	{0, "\xfe\xed\xfa\xce", "a program (a Mach-O executable)"},
	{0, "\xfe\xed\xfa\xcf", "a program (a Mach-O executable)"},
	{0, "\xce\xfa\xed\xfe", "a program (a Mach-O executable)"},
	{0, "\xcf\xfa\xed\xfe", "a program (a Mach-O executable)"},
	{0, "\xca\xfe\xba\xbe", "a program (a Mach-O or Java class file)"},
	{0, "\x00asm", "a program (WebAssembly)"},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc, .xls or .ppt)"},
	{0, "\x1f\x8b", "a gzip archive"},
	{0, "\xfd7zXZ\x00", "an xz archive"},
	{0, "7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{0, "Rar!\x1a\x07", "a RAR archive"},
	{0, "\x28\xb5\x2f\xfd", "a zstd archive"},
	{257, "ustar", "a tar archive"},
	{0, "\x89PNG\r\n\x1a\n", "an image (PNG)"},
	{0, "\xff\xd8\xff", "an image (JPEG)"},
	{0, "GIF87a", "an image (GIF)"},
	{0, "GIF89a", "an image (GIF)"},
	{0, "II*\x00", "an image (TIFF)"},
	{0, "MM\x00*", "an image (TIFF)"},
	{8, "WEBP", "an image (WebP)"},
	{4, "ftyp", "a video or image (MP4, MOV or HEIC)"},
	{0, "OggS", "an audio or video file (Ogg)"},
	{0, "fLaC", "an audio file (FLAC)"},
	{0, "SQLite format 3\x00", "a database (SQLite)"},
}

// kindWords name the kinds as people know them, for messages.
var kindWords = map[string]string{
	kindPDF:      "a PDF",
	kindDOCX:     "a Word document",
	kindHTML:     "an HTML page",
	kindMarkdown: "text",
	kindText:     "text",
	kindCSV:      "text",
}

// contentKind says what data is by its bytes: the kind extract reads it as ("" for
// none) and a few words for a message ("a PDF", "a program (an ELF executable)",
// "binary data"). Text comes out as kindText, or kindHTML when it starts like a page.
func contentKind(data []byte) (kind, what string) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return kindPDF, kindWords[kindPDF]
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		// the names of a zip's files are stored as they are
		switch {
		case bytes.Contains(data, []byte("word/document.xml")):
			return kindDOCX, kindWords[kindDOCX]
		case bytes.Contains(data, []byte("xl/workbook.xml")):
			return "", "a spreadsheet (.xlsx)"
		case bytes.Contains(data, []byte("ppt/presentation.xml")):
			return "", "a presentation (.pptx)"
		}
		return "", "a ZIP archive"
	}
	head := data[:min(len(data), 1024)]
	if isText(data) {
		lower := bytes.ToLower(bytes.TrimLeft(trimBOM(head), " \t\r\n"))
		if bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) {
			return kindHTML, kindWords[kindHTML]
		}
		return kindText, "text"
	}
	if bytes.HasPrefix(data, []byte("MZ")) && len(data) >= 0x40 {
		if pe := int64(binary.LittleEndian.Uint32(data[0x3c:])); pe+4 <= int64(len(data)) && string(data[pe:pe+4]) == "PE\x00\x00" {
			return "", "a Windows program (.exe or .dll)"
		}
	}
	for _, s := range signatures {
		if len(data) >= s.at+len(s.magic) && string(data[s.at:s.at+len(s.magic)]) == s.magic {
			return "", s.what
		}
	}
	if bytes.Contains(head, []byte("%PDF-")) { // a PDF after a few bytes of junk
		return kindPDF, kindWords[kindPDF]
	}
	return "", "binary data"
}

// isText tells text from binary data once it is decoded as the text extractors decode
// it (UTF-8, or UTF-16 by its byte order mark or look, else a legacy charset): text
// has no NUL characters and hardly any other control characters, where binary data is
// full of both. (C1 controls are not counted: legacy Chinese and Japanese bytes read
// as Windows-1252 give many.)
func isText(data []byte) bool {
	controls, n := 0, 0
	for _, r := range decodeText(data) {
		n++
		switch {
		case r == 0:
			return false
		case r == '\t', r == '\n', r == '\v', r == '\f', r == '\r',
			r == 0x1a, // the end-of-file mark of old DOS editors
			r == 0x1b: // the escape of ISO-2022 (Japanese mail) and of coloured logs
		case r < 0x20, r == 0x7f:
			controls++
		}
	}
	return controls*100 <= n
}

// checkContent refuses data that is not the kind its name (or, without a known
// extension, its content type) claims, with a message saying what it is, so that
// nothing is extracted as what it is not. Any text passes for every text kind
// (Markdown in a .txt is still text); a PDF may have junk before its header, as
// normalizePDF allows.
func checkContent(filename, contentType, kind string, data []byte) error {
	if kind == kindPDF && bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil
	}
	actual, what := contentKind(data)
	switch {
	case kind == kindDOCX && actual == kindDOCX,
		kind != kindPDF && kind != kindDOCX && (actual == kindText || actual == kindHTML):
		return nil
	}
	msg := "this file is " + what + ", not " + kindWords[kind]
	_, named := extKinds[strings.ToLower(path.Ext(strings.ReplaceAll(filename, `\`, "/")))]
	switch ext := kindExts[actual]; {
	case named && ext != "":
		msg += ": upload it with a " + ext + " name"
	case !named && contentType != "":
		msg += " as its type (" + contentType + ") says"
	}
	return fail(kind, ErrCorrupt, msg, nil)
}

// kindExts are the names the kinds that are not text are uploaded under.
var kindExts = map[string]string{kindPDF: ".pdf", kindDOCX: ".docx"}

// sniff recognises the kinds whose bytes say what they are, for a file that neither
// its name nor its type names; "" otherwise.
func sniff(data []byte) string {
	if kind, _ := contentKind(data); kind != kindText {
		return kind
	}
	return ""
}
