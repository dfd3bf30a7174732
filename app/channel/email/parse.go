package email

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"

	"agent/app/attach"
)

// Limits bound the work Parse does on one message, so that a hostile message costs no more
// than a large honest one. A zero field takes its value from DefaultLimits.
type Limits struct {
	MaxSize        int           // bytes of the raw message
	MaxParts       int           // MIME parts, multipart containers included
	MaxDepth       int           // multipart containers inside one another
	MaxAttachment  int           // decoded bytes of one attachment; a larger one is Omitted
	MaxAttachments int           // decoded bytes of all attachments; those past it are Omitted
	Timeout        time.Duration // wall time for one message
}

// DefaultLimits are generous for mail people write (clients send 3 or 4 levels and a dozen
// parts) and far below what would hurt the server.
var DefaultLimits = Limits{
	MaxSize:        25 << 20,
	MaxParts:       100,
	MaxDepth:       10,
	MaxAttachment:  10 << 20,
	MaxAttachments: 20 << 20,
	Timeout:        10 * time.Second,
}

// WithDefaults is l with each zero field taken from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	return Limits{
		MaxSize:        or(l.MaxSize, d.MaxSize),
		MaxParts:       or(l.MaxParts, d.MaxParts),
		MaxDepth:       or(l.MaxDepth, d.MaxDepth),
		MaxAttachment:  or(l.MaxAttachment, d.MaxAttachment),
		MaxAttachments: or(l.MaxAttachments, d.MaxAttachments),
		Timeout:        or(l.Timeout, d.Timeout),
	}
}

// or is v, or def when v is not set.
func or[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// Errors Parse returns for a message it refuses; the Message it returns with them still has
// the header fields, so the intake can record who sent what.
var (
	ErrTooLarge   = errors.New("email: message larger than the limit")
	ErrTooComplex = errors.New("email: message has too many parts or too deep a structure")
	ErrTimeout    = errors.New("email: message took too long to read")
)

// Message is an incoming mail as the intake stores it and the AI reads it.
type Message struct {
	// MessageID is the id without angle brackets; a missing one is replaced by a hash of
	// date, sender, subject and body (Generated), so that a message fetched twice is still
	// recognised.
	MessageID   string
	Generated   bool
	From        mail.Address
	To, Cc      []mail.Address
	ReplyTo     []mail.Address
	DeliveredTo []string // Delivered-To, X-Original-To and Envelope-To: where the server put it
	Subject     string
	Date        time.Time // zero when missing or unreadable
	InReplyTo   []string  // ids without angle brackets, in header order
	References  []string
	// Text is the whole body as text: the plain part, or the HTML turned to text.
	Text string
	// Reply is Text without the quoted earlier messages and the signature: what the AI
	// reads. It is empty when the sender wrote nothing new (a bare quote).
	Reply string
	// HTML is the HTML body made safe to show (see Sanitize); "" for plain-text mail.
	HTML        string
	Attachments []Attachment
	// Inlines are the parts the HTML shows by cid: reference (images in the text).
	Inlines []Attachment
	// Bounce is set when the message reports that one of ours could not be delivered.
	Bounce *Bounce
	// Header holds the raw header fields (not decoded), for the checks of MayAutoReply.
	Header textproto.MIMEHeader
}

// Attachment is a file that came with a message.
type Attachment struct {
	Name         string // file name without any directory
	ContentType  string // what the bytes are (attach.TypeOf), without parameters
	DeclaredType string // what the message said they are
	ContentID    string // without angle brackets; set for inline parts
	Size         int
	Data         []byte // nil when Omitted
	Omitted      bool   // larger than the limits allow: only name, type and size are kept
}

// Parse reads a raw RFC 5322 message within lim. On ErrTooLarge, ErrTooComplex and
// ErrTimeout it still returns the message's header fields (no body).
func Parse(raw []byte, lim Limits) (*Message, error) {
	lim = lim.WithDefaults()
	deadline := time.Now().Add(lim.Timeout)
	if len(raw) > lim.MaxSize {
		return headerOnly(raw), fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(raw), lim.MaxSize)
	}
	// A multipart container needs a boundary parameter, whose name is never encoded: this
	// count bounds the containers, and so the depth and the memory, before enmime starts.
	if n := countFold(raw, "boundary"); n > lim.MaxParts {
		return headerOnly(raw), fmt.Errorf("%w: %d boundaries (limit %d)", ErrTooComplex, n, lim.MaxParts)
	}
	root, err := readParts(raw, deadline)
	if errors.Is(err, ErrTooComplex) || errors.Is(err, ErrTimeout) {
		return headerOnly(raw), err
	}
	if err != nil {
		return nil, fmt.Errorf("email: read: %w", err)
	}
	if parts, depth := shape(root, 0); parts > lim.MaxParts || depth > lim.MaxDepth {
		return headerOnly(raw), fmt.Errorf("%w: %d parts, %d deep (limits %d, %d)", ErrTooComplex, parts, depth, lim.MaxParts, lim.MaxDepth)
	}
	m := fromHeader(root.Header)
	var b body
	b.walk(root)
	m.Text = joinText(b.plain)
	rawHTML := strings.Join(b.html, "\n")
	m.Attachments, m.Inlines = b.files(rawHTML, lim)
	if time.Now().After(deadline) {
		return headerOnly(raw), ErrTimeout
	}
	cids := map[string]bool{}
	for _, in := range m.Inlines {
		cids[in.ContentID] = true
	}
	m.HTML = Sanitize(rawHTML, cids)
	plain := m.Text
	if m.Text == "" && rawHTML != "" {
		m.Text, _ = htmlText(rawHTML)
	}
	if isForward(m.Subject) {
		m.Reply = tidy(strings.Split(m.Text, "\n"))
	} else {
		m.Reply = reply(plain, rawHTML)
	}
	if time.Now().After(deadline) {
		return headerOnly(raw), ErrTimeout
	}
	m.Bounce = detectBounce(root, m)
	if m.MessageID == "" {
		m.MessageID, m.Generated = hashID(m), true
	}
	return m, nil
}

// reply is what the AI reads of a body: the plain part stripped of quotes, or the HTML
// stripped by its markup when there is no plain part or only the HTML showed where the quote
// is (Outlook's plain part has no quote marks).
func reply(plain, rawHTML string) string {
	text, found := stripText(plain)
	if rawHTML == "" {
		return text
	}
	if rich, richFound := stripHTML(rawHTML); strings.TrimSpace(plain) == "" || (richFound && !found) {
		return rich
	}
	return text
}

var parser = enmime.NewParser(
	enmime.SkipMalformedParts(true),
	enmime.MaxStoredPartErrors(10),
	enmime.DisableTextConversion(true),
	enmime.DisableCharacterDetection(true), // the declared charset wins; detection only guesses a missing one
	enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
)

// readParts runs enmime over raw within a budget of reads and a deadline. enmime's nested
// boundary readers each go back to their source twice at its end, so a message of unclosed
// nested parts costs 2^depth reads (1 KB of 30 levels takes minutes), and an error from the
// source does not stop them (they retry it). So the source panics when the budget or the
// time is spent, and the panic is turned back into the error here.
func readParts(raw []byte, deadline time.Time) (root *enmime.Part, err error) {
	defer func() {
		if v := recover(); v != nil {
			a, ok := v.(abort)
			if !ok {
				panic(v)
			}
			root, err = nil, a.err
		}
	}()
	return parser.ReadParts(&budgetReader{r: bytes.NewReader(raw), reads: 8192 + len(raw)/512, deadline: deadline})
}

// abort carries a budgetReader's error up through enmime.
type abort struct{ err error }

type budgetReader struct {
	r        *bytes.Reader
	reads    int
	deadline time.Time
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.reads--; b.reads < 0 {
		panic(abort{fmt.Errorf("%w: unclosed nested parts", ErrTooComplex)})
	}
	if time.Now().After(b.deadline) {
		panic(abort{ErrTimeout})
	}
	return b.r.Read(p)
}

// countFold counts the ASCII case-insensitive occurrences of the lower-case word in b.
func countFold(b []byte, word string) int {
	n := 0
	for i := 0; i+len(word) <= len(b); i++ {
		if b[i]|0x20 == word[0] && bytes.EqualFold(b[i:i+len(word)], []byte(word)) {
			n++
		}
	}
	return n
}

// shape counts the parts of a tree and its multipart depth.
func shape(p *enmime.Part, level int) (parts, depth int) {
	if p.FirstChild != nil {
		level++
	}
	parts, depth = 1, level
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		n, d := shape(c, level)
		parts += n
		depth = max(depth, d)
	}
	return parts, depth
}

// headerOnly reads the header fields of a message refused for its body.
func headerOnly(raw []byte) *Message {
	r := bufio.NewReader(io.LimitReader(bytes.NewReader(raw), 1<<20))
	h, err := enmime.ReadHeader(r, discard{})
	if err != nil && h == nil {
		return &Message{Header: textproto.MIMEHeader{}}
	}
	m := fromHeader(h)
	if m.MessageID == "" {
		m.MessageID, m.Generated = hashID(m), true
	}
	return m
}

type discard struct{}

func (discard) AddError(string, string, ...any)   {}
func (discard) AddWarning(string, string, ...any) {}

// fromHeader fills the fields that come from the top header.
func fromHeader(h textproto.MIMEHeader) *Message {
	m := &Message{Header: h}
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	if from := addresses(h.Get("From")); len(from) > 0 {
		m.From = from[0]
	}
	m.To = addresses(strings.Join(h.Values("To"), ", "))
	m.Cc = addresses(strings.Join(h.Values("Cc"), ", "))
	m.ReplyTo = addresses(h.Get("Reply-To"))
	for _, k := range []string{"Delivered-To", "X-Original-To", "Envelope-To"} {
		for _, v := range h.Values(k) {
			for _, a := range addresses(v) {
				m.DeliveredTo = append(m.DeliveredTo, a.Address)
			}
		}
	}
	m.Subject = cleanLine(enmime.DecodeRFC2047(h.Get("Subject")))
	m.Date = parseDate(h.Get("Date"))
	m.InReplyTo = msgIDs(h.Get("In-Reply-To"))
	m.References = capIDs(msgIDs(strings.Join(h.Values("References"), " ")), 100)
	return m
}

var bareAddress = regexp.MustCompile(`[^\s<>()",;:@]+@[A-Za-z0-9.-]+`)

// addresses reads an address list leniently: enmime's parser first (it decodes RFC 2047
// names), then any bare addresses in what it could not read.
func addresses(v string) []mail.Address {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	var out []mail.Address
	if list, err := enmime.ParseAddressList(v); err == nil {
		for _, a := range list {
			if a != nil && strings.Contains(a.Address, "@") {
				out = append(out, mail.Address{Name: cleanLine(a.Name), Address: strings.ToLower(a.Address)})
			}
		}
		return out
	}
	for _, a := range bareAddress.FindAllString(v, 50) {
		out = append(out, mail.Address{Address: strings.ToLower(a)})
	}
	return out
}

// parseDate reads a Date header, with the common deviations net/mail refuses.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	// "Tue, 12 Mar 2024 10:15:00 +0100 (CET)" with extra text, or a missing zone
	if i := strings.Index(v, " ("); i > 0 {
		if t, err := mail.ParseDate(v[:i]); err == nil {
			return t
		}
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05", "2 Jan 2006 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// msgIDs returns the message ids in a header value without angle brackets: "<a@b> <c@d>",
// and the sloppy "a@b, c@d" of some mailers.
func msgIDs(v string) []string {
	var ids []string
	for len(v) > 0 && len(ids) < 1000 {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		if id := v[i+1 : i+j]; validID(id) {
			ids = append(ids, id)
		}
		v = v[i+j+1:]
	}
	if len(ids) == 0 && !strings.Contains(v, "<") {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if strings.Contains(f, "@") && validID(f) && len(ids) < 1000 {
				ids = append(ids, f)
			}
		}
	}
	return ids
}

func validID(id string) bool {
	if id == "" || len(id) > 250 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] >= 0x7f || id[i] == '<' || id[i] == '>' {
			return false
		}
	}
	return true
}

// capIDs keeps the first id and the last max-1 of a References list, as RFC 5322 practice
// shortens long threads: the root and the recent ancestors are what threading needs.
func capIDs(ids []string, max int) []string {
	if len(ids) <= max {
		return ids
	}
	return append([]string{ids[0]}, ids[len(ids)-max+1:]...)
}

// cleanLine makes a header value one line of valid UTF-8.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Join(strings.Fields(s), " ")
}

// hashID stands in for a missing Message-ID: the same message fetched twice gives the same
// id, two different messages different ones.
func hashID(m *Message) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", strings.TrimSpace(m.Header.Get("Date")), m.From.Address, m.Subject)
	h.Write([]byte(m.Text))
	return hex.EncodeToString(h.Sum(nil)[:16]) + "@hash.invalid"
}

// body gathers the text, HTML and files of a part tree.
type body struct {
	plain, html []string
	leaves      []*enmime.Part
}

// walk takes, in a multipart/alternative, one plain and one HTML version (the last, the
// richest, for HTML); elsewhere every text part in order, as clients split a text around an
// attachment. A text part with a file name or an attachment disposition is a file.
func (b *body) walk(p *enmime.Part) {
	switch {
	case p.ContentType == "multipart/alternative":
		var plain, html []string
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			var sub body
			sub.walk(c)
			if len(sub.plain) > 0 && plain == nil {
				plain = sub.plain
			}
			if len(sub.html) > 0 {
				html = sub.html
			}
			b.leaves = append(b.leaves, sub.leaves...)
		}
		b.plain = append(b.plain, plain...)
		b.html = append(b.html, html...)
	case p.FirstChild != nil:
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			b.walk(c)
		}
	case isBodyText(p, "text/plain"):
		b.plain = append(b.plain, validText(p.Content))
	case isBodyText(p, "text/html"):
		b.html = append(b.html, validText(p.Content))
	case strings.HasPrefix(p.ContentType, "multipart/"):
		// an empty container
	default:
		b.leaves = append(b.leaves, p)
	}
}

func isBodyText(p *enmime.Part, ct string) bool {
	return (p.ContentType == ct || (p.ContentType == "" && ct == "text/plain" && p.Parent == nil)) &&
		p.Disposition != "attachment" && p.FileName == ""
}

func validText(b []byte) string {
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// joinText joins the text parts of a message split around attachments.
func joinText(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(p)
	}
	return b.String()
}

// files sorts the leaf parts into inline images the HTML shows and attachments, within the
// size limits: a part over them keeps its name, type and size but not its bytes.
func (b *body) files(rawHTML string, lim Limits) (attachments, inlines []Attachment) {
	used := referencedCIDs(rawHTML)
	total := 0
	for _, p := range b.leaves {
		a := Attachment{
			Name:         fileName(p),
			DeclaredType: strings.ToLower(p.ContentType),
			ContentID:    p.ContentID,
			Size:         len(p.Content),
		}
		a.ContentType = attach.TypeOf(p.Content, a.DeclaredType)
		if a.Size > lim.MaxAttachment || total+a.Size > lim.MaxAttachments {
			a.Omitted = true
		} else {
			a.Data = p.Content
			total += a.Size
		}
		if a.ContentID != "" && used[a.ContentID] && p.Disposition != "attachment" && attach.Viewable(attach.TypeOf(p.Content, "")) && !a.Omitted {
			inlines = append(inlines, a)
			continue
		}
		attachments = append(attachments, a)
	}
	return attachments, inlines
}

// fileName is a part's file name fit to show (attach.CleanName), or a name from its type.
func fileName(p *enmime.Part) string {
	switch {
	case strings.Trim(p.FileName, " ./\\") != "":
		return attach.CleanName(p.FileName)
	case p.ContentType == "message/rfc822":
		return "message.eml"
	case p.ContentType == "text/rfc822-headers":
		return "headers.txt"
	case strings.HasSuffix(p.ContentType, "delivery-status"):
		return "delivery-status.txt"
	}
	return "attachment"
}
