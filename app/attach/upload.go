package attach

import (
	"fmt"

	"agent/app/usererr"
)

// MaxUpload is the most bytes a file a person or a visitor attaches may have.
const MaxUpload = 10 << 20

// MaxUploadFiles is how many files one message may carry.
const MaxUploadFiles = 5

// uploadable are the types people and visitors may attach: images browsers show, PDFs,
// plain text and office documents. Archives, media and anything unknown are refused: they
// are what malware comes in, and what no support conversation needs.
var uploadable = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "text/plain": true, "text/csv": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         true,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
	"application/vnd.oasis.opendocument.text":                                   true,
	"application/vnd.oasis.opendocument.spreadsheet":                            true,
}

// Upload checks a file someone attaches by its bytes (TypeOf: the name's extension and the
// sender's type are only hints) and its size, and returns it ready to store, or an input
// error that says what is allowed.
func Upload(name, declared string, data []byte) (File, error) {
	name = CleanName(name)
	switch {
	case len(data) == 0:
		return File{}, &usererr.InputError{Field: "file", Message: name + " is empty"}
	case len(data) > MaxUpload:
		return File{}, &usererr.InputError{Field: "file", Message: fmt.Sprintf("%s is larger than %d MB", name, MaxUpload>>20)}
	}
	if t := TypeOf(data, declared); !uploadable[t] {
		return File{}, &usererr.InputError{Field: "file", Message: name + " is not a kind of file that can be sent: send images, PDFs, text or office documents"}
	}
	return File{Name: name, DeclaredType: declared, Data: data}, nil
}
