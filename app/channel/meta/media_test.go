package meta_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"agent/app/attach"
	"agent/app/channel/meta/metatest"
)

func pngBytes(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{shade, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func b64sum(data []byte) string {
	s := sha256.Sum256(data)
	return base64.StdEncoding.EncodeToString(s[:])
}

// A customer's photos are fetched at once with the token and kept with their messages,
// typed by their bytes; one whose checksum is not WhatsApp's, or that cannot be had, is
// recorded without its bytes, saying why; a redelivery keeps nothing twice. Messenger's
// come by URL.
func TestMedia(t *testing.T) {
	w := newWorld(t)
	photo, other := pngBytes(t, 10), pngBytes(t, 20)
	w.graph.AddMedia("1013859600285441", photo, "image/png")
	w.graph.AddMedia("1013859600285442", other, "image/png")
	event := metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{
		{ID: "wamid.P1", From: "4790000001", Type: "image", Text: "Is this gift card still valid?", MediaID: "1013859600285441", SHA256: b64sum(photo), At: time.Now()},
		{ID: "wamid.P2", From: "4790000001", Type: "image", MediaID: "1013859600285442", SHA256: b64sum(photo), At: time.Now()},
		{ID: "wamid.P3", From: "4790000001", Type: "image", MediaID: "999", At: time.Now()},
	}, nil)
	w.post(t, w.wa, event)
	w.post(t, w.wa, event)
	msgs := w.messages(t, w.wa)[0]
	var got []attach.Attachment
	for _, m := range msgs {
		as, err := w.files.List(w.ctx, w.ws, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, as...)
	}
	if len(got) != 3 {
		t.Fatalf("attachments: %+v", got)
	}
	sum := sha256.Sum256(photo)
	if a := got[0]; !a.Kept() || a.ContentType != "image/png" || a.Size != int64(len(photo)) || a.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("the photo: %+v", a)
	}
	if _, data, err := w.files.Open(w.ctx, w.ws, got[0].ID); err != nil || !bytes.Equal(data, photo) {
		t.Errorf("the photo's bytes: %v", err)
	}
	if a := got[1]; a.Kept() || !strings.Contains(a.Omitted, "checksum") {
		t.Errorf("a photo whose checksum is not WhatsApp's: %+v", a)
	}
	if a := got[2]; a.Kept() || !strings.Contains(a.Omitted, "not fetched") {
		t.Errorf("a photo that cannot be had: %+v", a)
	}
	var fetches int
	for _, r := range w.graph.Received() {
		if strings.HasPrefix(r.Path, "/whatsapp_media/") {
			fetches++
			if r.Token != token {
				t.Errorf("a media download without the token: %+v", r)
			}
		}
	}
	if fetches != 2 {
		t.Errorf("%d downloads, want 2 (none for the redelivery)", fetches)
	}

	url := w.graph.CDN("photo.png", other, "image/png")
	w.post(t, w.ms, metatest.Messenger(pageID, metatest.MSEvent{PSID: "6543210987654321", Mid: "m_photo", Files: []string{url}, At: time.Now()}))
	ms := w.messages(t, w.ms)[0]
	as, err := w.files.List(w.ctx, w.ws, ms[0].ID)
	if err != nil || len(as) != 1 || !as[0].Kept() || as[0].ContentType != "image/png" || ms[0].Body != "(image)" {
		t.Errorf("a Messenger photo: %+v %v %+v", as, err, ms)
	}

	// A link the customer shares may name any address (this one the fake API would serve):
	// the server does not fetch it for them.
	link := w.graph.CDN("internal.txt", []byte("secret"), "text/plain")
	w.post(t, w.ms, metatest.Messenger(pageID, metatest.MSEvent{PSID: "6543210987654321", Mid: "m_link", Text: "look", Links: []string{link}, At: time.Now()}))
	for _, r := range w.graph.Received() {
		if r.Path == "/cdn/internal.txt" {
			t.Errorf("a shared link was fetched: %+v", r)
		}
	}
	ms = w.messages(t, w.ms)[0]
	if as, err := w.files.List(w.ctx, w.ws, ms[len(ms)-1].ID); err != nil || len(as) != 0 {
		t.Errorf("a shared link kept as a file: %+v %v", as, err)
	}
}
