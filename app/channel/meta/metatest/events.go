package metatest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// WAMessage is a customer's WhatsApp message in an event: text by default, or Type
// "interactive" (a tapped reply button, Text its title, Button its id: "option-1" when
// empty), "image" (Text its caption).
type WAMessage struct {
	ID, From, Name, Text, Type string
	Button                     string
	At                         time.Time
	MediaID, SHA256            string // a file's (SHA256 base64, as the webhook gives it)
}

// WAStatus is a status of one of our WhatsApp messages; a failed one has an error.
type WAStatus struct {
	ID, Status, RecipientID string
	At                      time.Time
	Code                    int
	Title, Details          string
}

// WhatsApp returns a webhook event of the business account waba for the phone number
// phoneID, in the shape Meta posts: one entry, one "messages" change with the
// messages' contacts, messages and statuses.
func WhatsApp(waba, phoneID string, msgs []WAMessage, statuses []WAStatus) []byte {
	value := map[string]any{"messaging_product": "whatsapp",
		"metadata": map[string]string{"display_phone_number": "15550001111", "phone_number_id": phoneID}}
	var contacts, messages, sts []any
	for _, m := range msgs {
		contacts = append(contacts, map[string]any{"profile": map[string]string{"name": m.Name}, "wa_id": m.From})
		msg := map[string]any{"from": m.From, "id": m.ID, "timestamp": unix(m.At)}
		switch m.Type {
		case "", "text":
			msg["type"], msg["text"] = "text", map[string]string{"body": m.Text}
		case "interactive":
			msg["type"] = "interactive"
			id := m.Button
			if id == "" {
				id = "option-1"
			}
			msg["interactive"] = map[string]any{"type": "button_reply", "button_reply": map[string]string{"id": id, "title": m.Text}}
		default:
			msg["type"] = m.Type
			msg[m.Type] = map[string]string{"id": m.MediaID, "mime_type": "image/jpeg", "sha256": m.SHA256, "caption": m.Text}
		}
		messages = append(messages, msg)
	}
	for _, s := range statuses {
		st := map[string]any{"id": s.ID, "status": s.Status, "timestamp": unix(s.At), "recipient_id": s.RecipientID}
		if s.Status == "failed" {
			st["errors"] = []any{map[string]any{"code": s.Code, "title": s.Title, "message": s.Title,
				"error_data": map[string]string{"details": s.Details}, "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}}
		} else {
			st["conversation"] = map[string]any{"id": "CONVERSATION_ID", "origin": map[string]string{"type": "service"}}
			st["pricing"] = map[string]any{"billable": true, "pricing_model": "CBP", "category": "service"}
		}
		sts = append(sts, st)
	}
	if contacts != nil {
		value["contacts"], value["messages"] = contacts, messages
	}
	if sts != nil {
		value["statuses"] = sts
	}
	return mustJSON(map[string]any{"object": "whatsapp_business_account", "entry": []any{
		map[string]any{"id": waba, "changes": []any{map[string]any{"value": value, "field": "messages"}}}}})
}

// MSEvent is one item of a Messenger entry's "messaging": a message (Mid and Text; Echo
// for the page's own, with Metadata), or with Delivered or Read a receipt.
type MSEvent struct {
	PSID, Mid, Text, Metadata string
	Echo                      bool
	At                        time.Time
	Delivered                 []string  // delivery: the mids
	Read                      time.Time // read: the watermark
	QuickReply                string    // a tapped quick reply's payload
	Files                     []string  // attachments' URLs (images)
	Links                     []string  // links the customer shared ("fallback" attachments, any address)
}

// Messenger returns a webhook event of the page pageID, in the shape Meta posts.
func Messenger(pageID string, events ...MSEvent) []byte {
	var items []any
	for _, e := range events {
		sender, recipient := e.PSID, pageID
		if e.Echo {
			sender, recipient = pageID, e.PSID
		}
		item := map[string]any{"sender": map[string]string{"id": sender}, "recipient": map[string]string{"id": recipient},
			"timestamp": e.At.UnixMilli()}
		switch {
		case len(e.Delivered) > 0:
			item["delivery"] = map[string]any{"mids": e.Delivered, "watermark": e.At.UnixMilli()}
		case !e.Read.IsZero():
			item["read"] = map[string]any{"watermark": e.Read.UnixMilli()}
		default:
			msg := map[string]any{"mid": e.Mid}
			if e.Text != "" {
				msg["text"] = e.Text
			}
			if e.Echo {
				msg["is_echo"], msg["app_id"] = true, 263902037430900
				if e.Metadata != "" {
					msg["metadata"] = e.Metadata
				}
			}
			if e.QuickReply != "" {
				msg["quick_reply"] = map[string]string{"payload": e.QuickReply}
			}
			var atts []any
			for _, u := range e.Files {
				atts = append(atts, map[string]any{"type": "image", "payload": map[string]string{"url": u}})
			}
			for _, u := range e.Links {
				atts = append(atts, map[string]any{"type": "fallback", "title": "A shared link", "payload": map[string]string{"url": u}})
			}
			if atts != nil {
				msg["attachments"] = atts
			}
			item["message"] = msg
		}
		items = append(items, item)
	}
	return mustJSON(map[string]any{"object": "page", "entry": []any{
		map[string]any{"id": pageID, "time": time.Now().UnixMilli(), "messaging": items}}})
}

// Signature is the X-Hub-Signature-256 header Meta sends with body.
func Signature(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Post sends body to a webhook URL as Meta does, signed with signature ("" sends none).
func Post(url, signature string, body []byte) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	return http.DefaultClient.Do(req)
}

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
