package meta

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"agent/app/attach"
)

// messengerMedia are the Messenger attachment types whose URL is a file on Meta's servers.
var messengerMedia = map[string]bool{"image": true, "audio": true, "video": true, "file": true}

// maxFilesPerMessage bounds the files one Messenger message may bring (WhatsApp's bring one).
const maxFilesPerMessage = 10

// media is a file a customer sent, as the webhook names it: WhatsApp gives a media id
// (fetched with the token), Messenger a URL.
type media struct {
	kind     string // image, audio, video, document, sticker, file
	id       string // WhatsApp's media id
	url      string // Messenger's
	mimeType string
	sha256   string // WhatsApp's, base64 in the webhook
	name     string
}

// fetch downloads a customer's file at once (Meta's URLs are valid for minutes), checks
// its size and, when Meta gave one, its SHA-256; a file that cannot be had is recorded
// without its bytes, saying why, so that the message still shows it came.
func (g *Graph) fetch(ctx context.Context, token string, m media) attach.File {
	f := attach.File{Name: m.name, DeclaredType: m.mimeType}
	if f.Name == "" {
		f.Name = m.kind
	}
	omit := func(why string) attach.File { f.Omitted = why; return f }
	url := m.url
	if m.id != "" {
		var info struct {
			URL      string      `json:"url"`
			MimeType string      `json:"mime_type"`
			SHA256   string      `json:"sha256"`
			FileSize json.Number `json:"file_size"`
		}
		if err := g.Get(ctx, m.id, token, nil, &info); err != nil {
			return omit("not fetched from WhatsApp: " + err.Error())
		}
		if n, err := strconv.ParseInt(info.FileSize.String(), 10, 64); err == nil && n > attach.MaxSize {
			f.Size = n
			return omit("larger than " + strconv.Itoa(attach.MaxSize>>20) + " MB")
		}
		url, f.DeclaredType = info.URL, cmp.Or(info.MimeType, f.DeclaredType)
		if m.sha256 == "" {
			m.sha256 = info.SHA256
		}
	}
	if url == "" {
		return omit("Meta gave no address for the file")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return omit("not fetched: " + err.Error())
	}
	if m.id != "" {
		req.Header.Set("Authorization", "Bearer "+token) // WhatsApp's media URLs want the token too
	}
	res, err := g.client().Do(req)
	if err != nil {
		return omit("not fetched: " + err.Error())
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return omit("not fetched: Meta answered " + res.Status)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, attach.MaxSize+1))
	if err != nil {
		return omit("not fetched: " + err.Error())
	}
	if len(data) > attach.MaxSize {
		f.Size = int64(len(data))
		return omit("larger than " + strconv.Itoa(attach.MaxSize>>20) + " MB")
	}
	if m.sha256 != "" && !sameSum(m.sha256, data) {
		f.Size = int64(len(data))
		return omit("its checksum is not the one WhatsApp gave: not kept")
	}
	f.Data = data
	return f
}

// sameSum reports whether want (hex, or base64 as in WhatsApp's webhooks) is data's SHA-256.
func sameSum(want string, data []byte) bool {
	sum := sha256.Sum256(data)
	if b, err := hex.DecodeString(strings.ToLower(want)); err == nil && len(b) == len(sum) {
		return bytes.Equal(b, sum[:])
	}
	b, err := base64.StdEncoding.DecodeString(want)
	return err == nil && bytes.Equal(b, sum[:])
}
