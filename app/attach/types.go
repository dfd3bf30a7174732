package attach

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

// Unknown is the type of bytes that are none of the known ones: downloaded, never shown.
const Unknown = "application/octet-stream"

// sniffable are the types http.DetectContentType finds by the bytes themselves and that a
// file may be recorded as.
var sniffable = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/bmp": true,
	"image/x-icon": true, "application/pdf": true, "application/postscript": true,
	"audio/mpeg": true, "audio/aiff": true, "audio/midi": true, "audio/wave": true, "application/ogg": true,
	"video/mp4": true, "video/webm": true, "video/avi": true,
	"application/zip": true, "application/x-gzip": true, "application/x-rar-compressed": true,
	"text/plain": true,
}

// declarable are the types the bytes cannot show (Office documents are zip containers or
// OLE files, a CSV is text, a HEIC photo or an AMR voice note is unknown binary): a file is
// recorded as one of these when the sender said so and its bytes are of the kind that
// container has. A type a browser would run (HTML, SVG, XML, script) is never among them.
var declarable = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   "application/zip",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "application/zip",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "application/zip",
	"application/vnd.oasis.opendocument.text":                                   "application/zip",
	"application/vnd.oasis.opendocument.spreadsheet":                            "application/zip",
	"application/vnd.oasis.opendocument.presentation":                           "application/zip",
	"application/msword":            Unknown,
	"application/vnd.ms-excel":      Unknown,
	"application/vnd.ms-powerpoint": Unknown,
	"application/vnd.ms-outlook":    Unknown,
	"image/heic":                    Unknown,
	"image/heif":                    Unknown,
	"image/tiff":                    Unknown,
	"audio/amr":                     Unknown,
	"audio/aac":                     Unknown,
	"audio/mp4":                     "video/mp4",
	"audio/ogg":                     "application/ogg",
	"video/ogg":                     "application/ogg",
	"video/quicktime":               "video/mp4",
	"video/3gpp":                    "video/mp4",
	"text/csv":                      "text/plain",
	"text/calendar":                 "text/plain",
	"text/markdown":                 "text/plain",
	"message/rfc822":                "text/plain",
	"text/rfc822-headers":           "text/plain",
	"message/delivery-status":       "text/plain",
}

// TypeOf says what data is, for storing and serving: the type its bytes show
// (http.DetectContentType) when that is one of the allowed types; the declared type when
// the bytes cannot tell it apart from its container (a .docx is a zip) and it is allowed;
// else Unknown. So a file declared image/png that holds HTML is text/html by its bytes,
// which is not allowed, and is Unknown: never shown as an image, nor run as a page.
func TypeOf(data []byte, declared string) string {
	declared, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(declared)), ";")
	declared = strings.TrimSpace(declared)
	if data == nil { // not kept: only the sender's word, and only an allowed one
		if sniffable[declared] || declarable[declared] != "" {
			return declared
		}
		return Unknown
	}
	sniffed, _, _ := strings.Cut(http.DetectContentType(data), ";")
	if container, ok := declarable[declared]; ok && container == sniffed {
		return declared
	}
	if sniffable[sniffed] {
		return sniffed
	}
	return Unknown
}

// Viewable is whether a browser may be given a file of type t to show in a page (as an
// img): the raster images every browser decodes safely. Everything else is downloaded.
func Viewable(t string) bool {
	switch t {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// CleanName is a file name fit to show and to offer as a download's name: no directory,
// no control characters, valid UTF-8, at most 200 characters; "file" when nothing is left.
func CleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}
