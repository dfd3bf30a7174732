// Package metatest is a fake of Meta's Graph API for tests: an HTTP server that answers
// the WhatsApp Cloud API's and the Messenger Send API's requests in their real shapes,
// records what it receives, and fails on demand; and webhook events in Meta's shapes,
// signed as Meta signs them.
package metatest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string // with the version: "/v25.0/1234/messages"
	Token  string // from the Authorization header
	Body   map[string]any
}

// Text is the text of a sent message: a text message's body, an interactive message's
// body, a Messenger message's text.
func (r Request) Text() string {
	if t, ok := r.Body["text"].(map[string]any); ok {
		s, _ := t["body"].(string)
		return s
	}
	if i, ok := r.Body["interactive"].(map[string]any); ok {
		b, _ := i["body"].(map[string]any)
		s, _ := b["text"].(string)
		return s
	}
	if m, ok := r.Body["message"].(map[string]any); ok {
		s, _ := m["text"].(string)
		return s
	}
	return ""
}

// Graph is the fake Graph API.
type Graph struct {
	*httptest.Server
	Version string
	Token   string // the access token it takes; others get error 190

	mu       sync.Mutex
	received []Request
	failures []failure
	next     int
	media    map[string]file // WhatsApp's by media id, Messenger's by CDN name
}

type file struct {
	data []byte
	mime string
}

// AddMedia makes a customer's WhatsApp file available under its media id, as the Cloud
// API serves them: GET /{version}/{id} gives its URL, size and SHA-256, the URL (with the
// token) its bytes.
func (g *Graph) AddMedia(id string, data []byte, mime string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.media[id] = file{data, mime}
}

// CDN makes a file available at a URL without a token, as Messenger's attachments are,
// and returns the URL.
func (g *Graph) CDN(name string, data []byte, mime string) string {
	g.AddMedia("cdn/"+name, data, mime)
	return g.URL + "/cdn/" + name
}

type failure struct {
	status int
	body   string
}

// NewGraph starts a fake Graph API that takes token, closed when the test ends.
func NewGraph(t testing.TB, token string) *Graph {
	g := &Graph{Version: "v25.0", Token: token, media: map[string]file{}}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	return g
}

// Fail makes the next send answer status with Meta's error envelope for code.
func (g *Graph) Fail(status, code int, message string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	body := fmt.Sprintf(`{"error":{"message":%q,"type":"OAuthException","code":%d,"error_data":{"messaging_product":"whatsapp","details":%q},"fbtrace_id":"AbCdEf123"}}`,
		message, code, message)
	g.failures = append(g.failures, failure{status, body})
}

// Received returns the requests received so far, sends and reads.
func (g *Graph) Received() []Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Request(nil), g.received...)
}

// Sent returns the message sends received (POST …/messages).
func (g *Graph) Sent() []Request {
	var out []Request
	for _, r := range g.Received() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/messages") {
			out = append(out, r)
		}
	}
	return out
}

func (g *Graph) serve(w http.ResponseWriter, r *http.Request) {
	req := Request{Method: r.Method, Path: r.URL.Path, Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}
	if r.Method == http.MethodPost {
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &req.Body); err != nil {
			writeError(w, http.StatusBadRequest, 100, "(#100) The parameter body is not JSON")
			return
		}
	}
	g.mu.Lock()
	g.received = append(g.received, req)
	var fail *failure
	if r.Method == http.MethodPost && len(g.failures) > 0 {
		fail = &g.failures[0]
		g.failures = g.failures[1:]
	}
	g.next++
	n := g.next
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fail != nil {
		w.WriteHeader(fail.status)
		io.WriteString(w, fail.body)
		return
	}
	if name, ok := strings.CutPrefix(r.URL.Path, "/cdn/"); ok {
		g.serveFile(w, "cdn/"+name)
		return
	}
	if req.Token != g.Token {
		writeError(w, http.StatusUnauthorized, 190, "Invalid OAuth access token - Cannot parse access token")
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/whatsapp_media/"); ok {
		g.serveFile(w, id)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+g.Version+"/")
	if !ok {
		writeError(w, http.StatusBadRequest, 2500, "Unknown path components: "+r.URL.Path)
		return
	}
	id, what, _ := strings.Cut(rest, "/")
	switch {
	case r.Method == http.MethodPost && what == "messages" && invalid(req.Body) != "":
		writeError(w, http.StatusBadRequest, 131009, "(#131009) Parameter value is not valid: "+invalid(req.Body))
	case r.Method == http.MethodPost && what == "messages" && req.Body["messaging_product"] == "whatsapp":
		to, _ := req.Body["to"].(string)
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":"wamid.HBgL%06d"}]}`, to, to, n)
	case r.Method == http.MethodPost && what == "messages":
		rcpt, _ := req.Body["recipient"].(map[string]any)
		fmt.Fprintf(w, `{"recipient_id":%q,"message_id":"m_AG5Hz2U%06d"}`, rcpt["id"], n)
	case r.Method == http.MethodGet && what == "" && g.file(id) != nil:
		f := g.file(id)
		sum := sha256.Sum256(f.data)
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","url":%q,"mime_type":%q,"sha256":%q,"file_size":"%d","id":%q}`,
			g.URL+"/whatsapp_media/"+id, f.mime, hex.EncodeToString(sum[:]), len(f.data), id)
	case r.Method == http.MethodGet && what == "" && r.URL.Query().Get("fields") == "first_name,last_name":
		// A Messenger customer's profile, by their PSID.
		fmt.Fprintf(w, `{"first_name":"Kari","last_name":"Nordmann","id":%q}`, id)
	case r.Method == http.MethodGet && what == "" && r.URL.Query().Get("fields") != "":
		// A phone number's or a page's fields, as the Test button reads them.
		fmt.Fprintf(w, `{"id":%q,"display_phone_number":"+47 400 00 000","verified_name":"Shop","name":"Shop"}`, id)
	case r.Method == http.MethodGet:
		writeError(w, http.StatusBadRequest, 100, "Unsupported get request. Object with ID '"+id+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
	default:
		writeError(w, http.StatusBadRequest, 100, "Unsupported request - method type: "+strings.ToLower(r.Method))
	}
}

func writeError(w http.ResponseWriter, status, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"OAuthException","code":%d,"fbtrace_id":"AbCdEf123"}}`, message, code)
}

func (g *Graph) file(id string) *file {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.media[id]; ok {
		return &f
	}
	return nil
}

func (g *Graph) serveFile(w http.ResponseWriter, id string) {
	f := g.file(id)
	if f == nil {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", f.mime)
	w.Write(f.data)
}

// invalid says what the APIs refuse in a message's buttons, as they do: a WhatsApp
// interactive message has a body of at most 1024 characters and one to three reply
// buttons, each with an id of at most 256 characters and a title of at most 20, ids and
// titles unique; Messenger takes at most 13 quick replies, titles of at most 20
// characters and payloads of at most 1000. "" when nothing is wrong.
func invalid(body map[string]any) string {
	type button struct{ id, title string }
	var bs []button
	maxButtons, maxID := 13, 1000
	if i, ok := body["interactive"].(map[string]any); ok && i["type"] == "button" {
		maxButtons, maxID = 3, 256
		b, _ := i["body"].(map[string]any)
		if text, _ := b["text"].(string); text == "" || len([]rune(text)) > 1024 {
			return "interactive body text"
		}
		action, _ := i["action"].(map[string]any)
		list, _ := action["buttons"].([]any)
		if len(list) == 0 {
			return "buttons"
		}
		for _, x := range list {
			m, _ := x.(map[string]any)
			reply, _ := m["reply"].(map[string]any)
			id, _ := reply["id"].(string)
			title, _ := reply["title"].(string)
			bs = append(bs, button{id, title})
		}
	}
	if m, ok := body["message"].(map[string]any); ok {
		list, _ := m["quick_replies"].([]any)
		for _, x := range list {
			q, _ := x.(map[string]any)
			id, _ := q["payload"].(string)
			title, _ := q["title"].(string)
			bs = append(bs, button{id, title})
		}
	}
	if len(bs) > maxButtons {
		return "too many buttons"
	}
	seen := map[string]bool{}
	for _, b := range bs {
		n := len([]rune(b.title))
		if b.id == "" || len(b.id) > maxID || n == 0 || n > 20 || seen["id:"+b.id] || seen["title:"+b.title] {
			return "button " + b.title
		}
		seen["id:"+b.id], seen["title:"+b.title] = true, true
	}
	return ""
}
