package meta

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/store"
)

// The APIs' limits on one message's text, in characters, and on its buttons.
const (
	waTextLimit      = 4096 // a text message's body
	waButtonBody     = 1024 // an interactive message's body
	waMaxButtons     = 3
	msTextLimit      = 2000
	msMaxQuickReply  = 13
	buttonTitleLimit = 20 // both APIs' button and quick reply titles
)

// HumanAgentWindow is how long after the customer's last message a person (never the AI)
// may still answer on Messenger, with the HUMAN_AGENT tag.
const HumanAgentWindow = 7 * 24 * time.Hour

// Sender is the driver of WhatsApp or Messenger channels (Kind): it sends a stored
// message through the Graph API inside the channel's reply window, in parts at the API's
// length limit, sources as links at the end, a clarifying question's options as buttons.
// Each part's id is kept as it is sent, so that a retry after a failure sends only the
// parts that did not go, and statuses find the message.
type Sender struct {
	Kind     channel.Kind
	DB       *store.DB
	Settings *Store
	Inbox    *inbox.Store
	Graph    *Graph
	Now      func() time.Time // time.Now when nil
}

// Rules of the kind: whole replies, 24-hour reply window, closed after a day idle.
func (s *Sender) Rules() channel.Rules { return channel.DefaultRules[s.Kind] }

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Window is where a conversation stands with the channel's reply window.
type Window struct {
	At           time.Time // when it was read
	LastCustomer time.Time // the customer's last message on the channel (zero: never)
	Open         bool      // free text may be sent (within 24 hours)
	HumanOpen    bool      // a person may still write (Messenger's 7 days with HUMAN_AGENT)
	Closes       time.Time // when Open ends
}

// ReplyWindow returns where a contact stands with the channel's reply window at now.
func ReplyWindow(ctx context.Context, db *store.DB, kind channel.Kind, channelID, contactID int64, now time.Time) (Window, error) {
	var at sql.NullInt64
	err := db.Read.QueryRowContext(ctx, `SELECT MAX(mm.sent_at) FROM conversations c JOIN messages m ON m.conversation_id = c.id
		JOIN meta_messages mm ON mm.message_id = m.id WHERE c.contact_id = ? AND c.channel_id = ? AND mm.incoming = 1`,
		contactID, channelID).Scan(&at)
	if err != nil {
		return Window{}, fmt.Errorf("meta: reply window: %w", err)
	}
	w := Window{At: now}
	if !at.Valid {
		return w, nil
	}
	w.LastCustomer = time.Unix(at.Int64, 0)
	w.Closes = w.LastCustomer.Add(channel.DefaultRules[kind].ReplyWindow)
	w.Open = now.Before(w.Closes)
	w.HumanOpen = w.Open || (kind == channel.Messenger && now.Before(w.LastCustomer.Add(HumanAgentWindow)))
	return w, nil
}

// Send delivers one stored message to the conversation's customer.
func (s *Sender) Send(ctx context.Context, out channel.Outgoing) (channel.Receipt, error) {
	set, err := s.Settings.Get(ctx, out.Channel.ID)
	if err != nil {
		return channel.Receipt{}, channel.Permanent(err)
	}
	if out.ContactID == 0 {
		return channel.Receipt{}, channel.Permanent(errors.New("the conversation has no customer to write to"))
	}
	k, err := s.Inbox.Contact(ctx, out.Channel.WorkspaceID, out.ContactID)
	if err != nil {
		return channel.Receipt{}, fmt.Errorf("the conversation's customer: %w", err)
	}
	to := k.WhatsAppID
	if s.Kind == channel.Messenger {
		to = k.MessengerPSID
	}
	if to == "" {
		return channel.Receipt{}, channel.Permanent(fmt.Errorf("the customer has no %s id", s.Kind))
	}
	w, err := ReplyWindow(ctx, s.DB, s.Kind, out.Channel.ID, k.ID, s.now())
	if err != nil {
		return channel.Receipt{}, err
	}
	var parts []any
	if s.Kind == channel.WhatsApp {
		parts, err = s.whatsApp(ctx, out, to, w)
	} else {
		parts, err = messenger(out, to, w)
	}
	if err != nil {
		return channel.Receipt{}, err
	}
	sent, err := s.sentParts(ctx, out.Channel.ID, out.MessageID)
	if err != nil {
		return channel.Receipt{}, err
	}
	var first string
	for i, p := range parts {
		if id, ok := sent[i]; ok {
			first = cmp.Or(first, id)
			continue // sent by an earlier attempt
		}
		id, err := s.post(ctx, set, p)
		if err != nil {
			if !IsTemporary(err) {
				err = channel.Permanent(err)
			}
			return channel.Receipt{}, err
		}
		if _, err := s.DB.Write.ExecContext(ctx, `INSERT INTO meta_messages (channel_id, external_id, message_id, part, incoming, sent_at)
			VALUES (?, ?, ?, ?, 0, ?)`, out.Channel.ID, id, out.MessageID, i, s.now().Unix()); err != nil {
			return channel.Receipt{}, fmt.Errorf("meta: keep the id of a sent message: %w", err)
		}
		first = cmp.Or(first, id)
	}
	return channel.Receipt{ExternalID: first}, nil
}

// sentParts returns the ids of the parts of a message already sent, by part.
func (s *Sender) sentParts(ctx context.Context, channelID, messageID int64) (map[int]string, error) {
	rows, err := s.DB.Read.QueryContext(ctx, "SELECT part, external_id FROM meta_messages WHERE message_id = ? AND channel_id = ? AND incoming = 0",
		messageID, channelID)
	if err != nil {
		return nil, fmt.Errorf("meta: sent parts: %w", err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var n int
		var id string
		if err := rows.Scan(&n, &id); err != nil {
			return nil, fmt.Errorf("meta: sent parts: %w", err)
		}
		out[n] = id
	}
	return out, rows.Err()
}

// post sends one part and returns Meta's id of it.
func (s *Sender) post(ctx context.Context, set Settings, body any) (string, error) {
	if s.Kind == channel.WhatsApp {
		var res struct {
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
		}
		if err := s.Graph.Post(ctx, set.AccountID+"/messages", set.AccessToken, body, &res); err != nil {
			return "", err
		}
		if len(res.Messages) == 0 || res.Messages[0].ID == "" {
			return "", errors.New("meta: WhatsApp answered without a message id")
		}
		return res.Messages[0].ID, nil
	}
	var res struct {
		RecipientID string `json:"recipient_id"`
		MessageID   string `json:"message_id"`
	}
	if err := s.Graph.Post(ctx, set.AccountID+"/messages", set.AccessToken, body, &res); err != nil {
		return "", err
	}
	if res.MessageID == "" {
		return "", errors.New("meta: Messenger answered without a message id")
	}
	return res.MessageID, nil
}

// TemplateMessage is a WhatsApp template a person chose to send, kept with its message.
type TemplateMessage struct {
	Name   string
	Lang   string
	Params []string
}

// RecordTemplate keeps the template a person's message sends, in the message's
// transaction (inbox.Service.HumanReplyWith).
func RecordTemplate(ctx context.Context, t TemplateMessage) func(tx *sql.Tx, messageID int64) error {
	return func(tx *sql.Tx, messageID int64) error {
		params, err := json.Marshal(t.Params)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO meta_templates_sent (message_id, name, lang, params) VALUES (?, ?, ?, ?)",
			messageID, t.Name, t.Lang, string(params))
		return err
	}
}

// TemplateText is how a template message shows in the inbox.
func TemplateText(t TemplateMessage) string {
	s := "Template " + t.Name + " (" + t.Lang + ")"
	if len(t.Params) > 0 {
		s += ": " + strings.Join(t.Params, " · ")
	}
	return s
}

func (s *Sender) template(ctx context.Context, messageID int64) (TemplateMessage, bool, error) {
	var t TemplateMessage
	var params string
	err := s.DB.Read.QueryRowContext(ctx, "SELECT name, lang, params FROM meta_templates_sent WHERE message_id = ?", messageID).Scan(&t.Name, &t.Lang, &params)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err == nil {
		err = json.Unmarshal([]byte(params), &t.Params)
	}
	if err != nil {
		return t, false, fmt.Errorf("meta: template: %w", err)
	}
	return t, true, nil
}

// whatsApp builds the requests of a WhatsApp message: a template when a person chose one,
// else free text, only inside the 24-hour window.
func (s *Sender) whatsApp(ctx context.Context, out channel.Outgoing, to string, w Window) ([]any, error) {
	t, ok, err := s.template(ctx, out.MessageID)
	if err != nil {
		return nil, err
	}
	base := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	if ok {
		tpl := map[string]any{"name": t.Name, "language": map[string]string{"code": t.Lang}}
		if len(t.Params) > 0 {
			var ps []map[string]string
			for _, p := range t.Params {
				ps = append(ps, map[string]string{"type": "text", "text": p})
			}
			tpl["components"] = []map[string]any{{"type": "body", "parameters": ps}}
		}
		return []any{with("type", "template", "template", tpl)}, nil
	}
	if !w.Open {
		return nil, channel.Permanent(outsideWindow(w, "WhatsApp allows only template messages after 24 hours; send one of the channel's templates"))
	}
	bs := buttonsOf(out)
	texts := split(body(out, false, "_"), waTextLimit)
	if out.Rating == channel.RateNothing && len(bs) > 0 &&
		(len(bs) > waMaxButtons || !fits(out.Options) || utf8.RuneCountInString(texts[len(texts)-1]) > waButtonBody) {
		texts, bs = split(body(out, true, "_"), waTextLimit), nil // the options as a numbered list
	}
	if len(bs) > 0 && utf8.RuneCountInString(texts[len(texts)-1]) > waButtonBody {
		texts = append(texts, agent.Say(out.Lang, agent.PhraseRateAsk)) // the rating buttons under a short question
	}
	var parts []any
	for i, t := range texts {
		if len(bs) > 0 && i == len(texts)-1 {
			var buttons []map[string]any
			for _, b := range bs {
				buttons = append(buttons, map[string]any{"type": "reply", "reply": map[string]string{"id": b.id, "title": b.title}})
			}
			parts = append(parts, with("type", "interactive", "interactive", map[string]any{
				"type": "button", "body": map[string]string{"text": t}, "action": map[string]any{"buttons": buttons}}))
			continue
		}
		parts = append(parts, with("type", "text", "text", map[string]any{"body": t, "preview_url": false}))
	}
	return parts, nil
}

// messenger builds the requests of a Messenger message: a response inside 24 hours, a
// person's reply with the HUMAN_AGENT tag up to 7 days, nothing after; the AI never tags.
func messenger(out channel.Outgoing, to string, w Window) ([]any, error) {
	typ, tag := "RESPONSE", ""
	switch {
	case w.Open:
	case w.HumanOpen && !out.Automatic:
		typ, tag = "MESSAGE_TAG", "HUMAN_AGENT"
	case w.HumanOpen:
		return nil, channel.Permanent(outsideWindow(w, "after 24 hours only a person may answer on Messenger"))
	default:
		return nil, channel.Permanent(outsideWindow(w, "Messenger allows no reply 7 days after the customer's last message"))
	}
	bs := buttonsOf(out)
	if out.Rating == channel.RateNothing && len(bs) > 0 && (len(bs) > msMaxQuickReply || !fits(out.Options)) {
		bs = nil
	}
	texts := split(body(out, len(out.Options) > 0 && len(bs) == 0, ""), msTextLimit)
	var parts []any
	for i, t := range texts {
		msg := map[string]any{"text": t, "metadata": sentByUs}
		if len(bs) > 0 && i == len(texts)-1 {
			var qs []map[string]string
			for _, b := range bs {
				qs = append(qs, map[string]string{"content_type": "text", "title": b.title, "payload": b.id})
			}
			msg["quick_replies"] = qs
		}
		body := map[string]any{"recipient": map[string]string{"id": to}, "messaging_type": typ, "message": msg}
		if tag != "" {
			body["tag"] = tag
		}
		parts = append(parts, body)
	}
	return parts, nil
}

func outsideWindow(w Window, rule string) error {
	if w.LastCustomer.IsZero() {
		return errors.New("the customer has not written on this channel: " + rule)
	}
	return fmt.Errorf("the customer last wrote %s ago: %s", w.At.Sub(w.LastCustomer).Round(time.Minute), rule)
}

// body is the message's text with its sources (withSources) and, on the bot's messages,
// its label on a line of its own, emphasised with mark (WhatsApp's "_" for italics).
func body(out channel.Outgoing, numbered bool, mark string) string {
	text := withSources(out, numbered)
	if out.Label != "" {
		text += "\n\n" + mark + out.Label + mark
	}
	return text
}

// fits reports whether every option fits a button's title.
func fits(options []string) bool {
	for _, o := range options {
		if o == "" || utf8.RuneCountInString(o) > buttonTitleLimit {
			return false
		}
	}
	return true
}

// withSources is the message's text with, when asked, its options as a numbered list,
// and its sources as links at the end.
func withSources(out channel.Outgoing, numbered bool) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(out.Text))
	if numbered {
		b.WriteString("\n")
		for i, o := range out.Options {
			fmt.Fprintf(&b, "\n%d. %s", i+1, o)
		}
	}
	var links []string
	for _, l := range out.Sources {
		if l.URL != "" {
			links = append(links, l.URL)
		}
	}
	if len(links) > 0 {
		b.WriteString("\n\n" + agent.Say(out.Lang, agent.PhraseSources) + ":")
		for i, u := range links {
			fmt.Fprintf(&b, "\n[%d] %s", i+1, u)
		}
	}
	return b.String()
}

// split cuts text into parts of at most limit characters, at a paragraph, line or word
// break when there is one in the part's second half.
func split(text string, limit int) []string {
	var parts []string
	for utf8.RuneCountInString(text) > limit {
		r := []rune(text)
		cut := limit
		head := string(r[:limit])
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > 0 && utf8.RuneCountInString(head[:i]) > limit/2 {
				cut = utf8.RuneCountInString(head[:i])
				break
			}
		}
		parts = append(parts, strings.TrimSpace(string(r[:cut])))
		text = strings.TrimSpace(string(r[cut:]))
	}
	return append(parts, text)
}
