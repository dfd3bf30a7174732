package attach

import (
	"bytes"
	"errors"
	"testing"

	"agent/app/usererr"
)

func TestUpload(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	for _, tc := range []struct {
		name, declared string
		data           []byte
		ok             bool
	}{
		{"photo.png", "image/png", png, true},
		{"photo.jpg", "image/jpeg", png, true}, // the bytes say PNG: kept as PNG
		{"notes.txt", "text/plain", []byte("hello"), true},
		{"doc.pdf", "application/pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), true},
		{"evil.png", "image/png", []byte("<html><script>alert(1)</script></html>"), false}, // HTML by its bytes
		{"page.html", "text/html", []byte("<!DOCTYPE html><p>hi"), false},
		{"empty.txt", "text/plain", nil, false},
		{"big.txt", "text/plain", bytes.Repeat([]byte("a"), MaxUpload+1), false},
		{"archive.zip", "application/zip", []byte("PK\x03\x04rest"), false},
		{"tool.exe", "application/octet-stream", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), false},
	} {
		f, err := Upload(tc.name, tc.declared, tc.data)
		var ie *usererr.InputError
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s refused: %v", tc.name, err)
		case !tc.ok && !errors.As(err, &ie):
			t.Errorf("%s: %v, want an input error", tc.name, err)
		case tc.ok && f.Name != tc.name:
			t.Errorf("%s named %q", tc.name, f.Name)
		}
	}
}
