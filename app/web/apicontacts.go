package web

import (
	"time"

	"agent/app/inbox"
)

// apiContact is a customer, whatever channel they write on.
type apiContact struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	Phone          string     `json:"phone"`
	WhatsAppID     string     `json:"whatsapp_id"`
	MessengerPSID  string     `json:"messenger_psid"`
	EmailBouncedAt *time.Time `json:"email_bounced_at" doc:"mail to the address bounced"`
	Conversations  int        `json:"conversations" doc:"on every channel"`
	LastActiveAt   *time.Time `json:"last_active_at" doc:"of their latest conversation"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func apiContactJSON(k inbox.ContactSummary) apiContact {
	return apiContact{ID: apiID(k.ID), Name: k.Name, Email: k.Email, Phone: k.Phone, WhatsAppID: k.WhatsAppID,
		MessengerPSID: k.MessengerPSID, EmailBouncedAt: apiTime(k.EmailBounced), Conversations: k.Conversations,
		LastActiveAt: apiTime(k.LastActive), CreatedAt: apiAt(k.CreatedAt), UpdatedAt: apiAt(k.UpdatedAt)}
}

// apiContacts pages the contacts newest first, as the Contacts page does.
func (s *Server) apiContacts(c *apiCall) (any, error) {
	limit, cur, err := c.page("contacts")
	if err != nil {
		return nil, err
	}
	list, err := s.inbox.Contacts(c.r.Context(), c.ws(), inbox.ContactFilter{Search: c.r.URL.Query().Get("q"), Before: cur.ID, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	p := pageOf(list, limit, func(last inbox.ContactSummary) cursor { return cursor{Kind: "contacts", ID: last.ID} })
	return mapPage(p, func(k inbox.ContactSummary) (apiContact, error) { return apiContactJSON(k), nil })
}

func (s *Server) apiContact(c *apiCall) (any, error) {
	id, err := c.id("contact")
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	k, err := s.inbox.Contact(ctx, c.ws(), id)
	if err != nil {
		return nil, err
	}
	cs := inbox.ContactSummary{Contact: k}
	if cs.Conversations, err = s.inbox.CountContactConversations(ctx, c.ws(), k.ID); err != nil {
		return nil, err
	}
	latest, err := s.inbox.ContactConversations(ctx, c.ws(), k.ID, 0, 1)
	if err != nil {
		return nil, err
	}
	if len(latest) == 1 {
		cs.LastActive = latest[0].LastActive
	}
	return apiContactJSON(cs), nil
}
