package mailtest

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// File is a file for Mail: an inline image when ContentID is set, else an attachment.
type File struct {
	Name, Type, ContentID string
	Data                  []byte
}

// Mail composes a mail as clients send one with files: header (its "Key: value" lines),
// then multipart/mixed of a multipart/alternative (the text, and the HTML in a
// multipart/related with the inline images) and the attachments, base64-encoded.
func Mail(header, text, html string, files ...File) string {
	var b bytes.Buffer
	mixed := multipart.NewWriter(&b)
	alt := nested(mixed, "multipart/alternative")
	write(alt.w, textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}}, []byte(text))
	related := nested(alt.w, "multipart/related")
	write(related.w, textproto.MIMEHeader{"Content-Type": {"text/html; charset=utf-8"}}, []byte(html))
	for _, f := range files {
		if f.ContentID != "" {
			h := fileHeader(f, "inline")
			h.Set("Content-Id", "<"+f.ContentID+">")
			write(related.w, h, f.Data)
		}
	}
	related.close()
	alt.close()
	for _, f := range files {
		if f.ContentID == "" {
			write(mixed, fileHeader(f, "attachment"), f.Data)
		}
	}
	mixed.Close()
	return strings.TrimSpace(header) + "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=" + mixed.Boundary() + "\n\n" + b.String()
}

type child struct {
	w   *multipart.Writer
	buf *bytes.Buffer
	in  *multipart.Writer
	typ string
}

// nested starts a multipart of type typ inside parent; close writes it there.
func nested(parent *multipart.Writer, typ string) *child {
	c := &child{buf: &bytes.Buffer{}, in: parent, typ: typ}
	c.w = multipart.NewWriter(c.buf)
	return c
}

func (c *child) close() {
	c.w.Close()
	p, _ := c.in.CreatePart(textproto.MIMEHeader{"Content-Type": {c.typ + "; boundary=" + c.w.Boundary()}})
	p.Write(c.buf.Bytes())
}

func fileHeader(f File, disposition string) textproto.MIMEHeader {
	return textproto.MIMEHeader{
		"Content-Type":        {f.Type + `; name="` + f.Name + `"`},
		"Content-Disposition": {disposition + `; filename="` + f.Name + `"`},
	}
}

func write(w *multipart.Writer, h textproto.MIMEHeader, data []byte) {
	h.Set("Content-Transfer-Encoding", "base64")
	p, _ := w.CreatePart(h)
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		p.Write([]byte(enc[:76] + "\r\n"))
		enc = enc[76:]
	}
	p.Write([]byte(enc + "\r\n"))
}
