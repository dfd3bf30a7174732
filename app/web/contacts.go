package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/views/components"
	contactsview "agent/views/contacts"
	inboxview "agent/views/inbox"
	"agent/views/urls"
)

// contactRoutes lists the Contacts section's routes: staff who answer customers see and
// correct who they are.
func (s *Server) contactRoutes(ws wsRoute) {
	ws("GET /w/{ws}/contacts", account.PermUseInbox, s.contactsPage)
	ws("GET /w/{ws}/contacts/{contact}", account.PermUseInbox, s.contactPage)
	ws("POST /w/{ws}/contacts/{contact}", account.PermUseInbox, s.updateContact)
	ws("GET /w/{ws}/contacts/{contact}/merge", account.PermUseInbox, s.mergePage)
	ws("POST /w/{ws}/contacts/{contact}/merge", account.PermUseInbox, s.mergeContacts)
}

// Pages of the Contacts section: contacts per page of the list, conversations per page of
// a contact, contacts found for a merge.
const (
	contactsPerPage      = 50
	conversationsPerPage = 50
	mergeCandidates      = 10
)

// maxContactConversations bounds the other conversations a conversation's pane lists.
const maxContactConversations = 20

// contactData adds to a conversation's pane who the customer is, their conversations,
// and how the messages sent out on the channel fared.
func (s *Server) contactData(ctx context.Context, d *inboxview.ConvData) error {
	var err error
	if d.Deliveries, err = s.inbox.Deliveries(ctx, d.Conv.ID); err != nil {
		return err
	}
	if d.Visit, _, err = s.inbox.VisitOf(ctx, d.Conv.ID); err != nil {
		return err
	}
	if d.Conv.VisitorID != 0 {
		if d.Claims, err = s.inbox.ClaimsOf(ctx, d.Conv.VisitorID); err != nil {
			return err
		}
	}
	k, ok, err := s.inbox.ContactOf(ctx, d.Conv)
	if err != nil || !ok {
		return err
	}
	d.Contact = k
	d.Earlier, err = s.inbox.ContactConversations(ctx, d.WS, k.ID, 0, maxContactConversations+1)
	return err
}

// searchOf reads a search from the query parameter name: words, bounded.
func searchOf(r *http.Request, name string) string {
	q := strings.Join(strings.Fields(r.URL.Query().Get(name)), " ")
	if runes := []rune(q); len(runes) > contactsview.MaxSearch {
		q = strings.TrimSpace(string(runes[:contactsview.MaxSearch]))
	}
	return q
}

// queryID decodes an ID of the query; a missing or bad one is 0.
func queryID(r *http.Request, name string) int64 {
	id, _ := ids.Decode(r.URL.Query().Get(name))
	return id
}

// contactsPage lists the workspace's contacts, newest first, a page at a time; ?q=
// searches them, ?before= is the page after that contact.
func (s *Server) contactsPage(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	d := contactsview.ListData{WS: ws, Search: searchOf(r, "q"), Before: queryID(r, "before"), Now: time.Now()}
	items, err := s.inbox.Contacts(r.Context(), ws, inbox.ContactFilter{Search: d.Search, Before: d.Before, Limit: contactsPerPage + 1})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(items) > contactsPerPage {
		items = items[:contactsPerPage]
		d.Next = items[len(items)-1].ID
	}
	d.Items = items
	s.render(w, r, http.StatusOK, contactsview.List(s.page(w, r, "Contacts", "contacts"), d))
}

// contact loads the contact named in the path: one of another workspace or a bad ID is a
// 404 (false, response sent).
func (s *Server) contact(w http.ResponseWriter, r *http.Request, id int64) (inbox.Contact, bool) {
	k, err := s.inbox.Contact(r.Context(), visitOf(r).workspace.ID, id)
	if errors.Is(err, inbox.ErrNotFound) {
		s.notFound(w, r)
		return k, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return k, false
	}
	return k, true
}

func (s *Server) pathContact(w http.ResponseWriter, r *http.Request) (inbox.Contact, bool) {
	id, ok := s.pathID(w, r, "contact")
	if !ok {
		return inbox.Contact{}, false
	}
	return s.contact(w, r, id)
}

// contactPageData loads what a contact's page shows besides its form.
func (s *Server) contactPageData(r *http.Request, k inbox.Contact) (contactsview.ContactData, error) {
	ctx, v := r.Context(), visitOf(r)
	d := contactsview.ContactData{WS: k.WorkspaceID, CSRF: v.session.CSRFToken, Contact: k, Before: queryID(r, "before"),
		MergeSearch: searchOf(r, "merge"), Now: time.Now(), Form: components.NewForm()}
	d.Form.Values["name"], d.Form.Values["email"], d.Form.Values["phone"] = k.Name, k.Email, k.Phone
	var err error
	if d.Conversations, err = s.inbox.ContactConversations(ctx, k.WorkspaceID, k.ID, d.Before, conversationsPerPage+1); err != nil {
		return d, err
	}
	if len(d.Conversations) > conversationsPerPage {
		d.Conversations = d.Conversations[:conversationsPerPage]
		d.Next = d.Conversations[len(d.Conversations)-1].ID
	}
	if d.MergeSearch != "" {
		found, err := s.inbox.Contacts(ctx, k.WorkspaceID, inbox.ContactFilter{Search: d.MergeSearch, Limit: mergeCandidates + 1})
		if err != nil {
			return d, err
		}
		for _, c := range found {
			if c.ID != k.ID && len(d.Candidates) < mergeCandidates {
				d.Candidates = append(d.Candidates, c)
			}
		}
	}
	chs, err := s.emailChannels(ctx, k.WorkspaceID)
	d.CanEmail = len(chs) > 0
	return d, err
}

// contactPage shows a contact: details, every conversation, and the merge.
func (s *Server) contactPage(w http.ResponseWriter, r *http.Request) {
	k, ok := s.pathContact(w, r)
	if !ok {
		return
	}
	d, err := s.contactPageData(r, k)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, contactsview.Contact(s.page(w, r, contactsview.Label(k)+" · Contacts", "contacts"), d))
}

// updateContact saves a contact's name, email and phone; an email or phone another
// contact has is refused, naming that contact and offering to merge it.
func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) {
	k, ok := s.pathContact(w, r)
	if !ok {
		return
	}
	f := formOf(r, "name", "email", "phone")
	_, err := s.inbox.UpdateContact(r.Context(), k.WorkspaceID, k.ID, inbox.ContactInput{Name: f.Value("name"), Email: f.Value("email"), Phone: f.Value("phone")})
	if err == nil {
		s.contactChanged(r.Context(), k)
		s.redirectWithFlash(w, r, urls.Contact(k.WorkspaceID, k.ID), "ok", "Contact saved.")
		return
	}
	if !addError(&f, err) {
		s.domainError(w, r, err)
		return
	}
	d, derr := s.contactPageData(r, k)
	if derr != nil {
		s.serverError(w, r, derr)
		return
	}
	d.Form = f
	var taken *inbox.ContactTaken
	if errors.As(err, &taken) {
		d.Taken = &taken.Other
	}
	s.render(w, r, http.StatusUnprocessableEntity, contactsview.Contact(s.page(w, r, contactsview.Label(k)+" · Contacts", "contacts"), d))
}

// mergeOther loads the contact to merge into the one in the path (?other= or the form's
// other): of another workspace, the same one, or a bad ID is a 404.
func (s *Server) mergeOther(w http.ResponseWriter, r *http.Request, keep inbox.Contact, value string) (inbox.Contact, bool) {
	id, ok := ids.Decode(value)
	if !ok || id == keep.ID {
		s.notFound(w, r)
		return inbox.Contact{}, false
	}
	return s.contact(w, r, id)
}

// mergePage asks to confirm merging ?other= into the contact of the path.
func (s *Server) mergePage(w http.ResponseWriter, r *http.Request) {
	keep, ok := s.pathContact(w, r)
	if !ok {
		return
	}
	gone, ok := s.mergeOther(w, r, keep, r.URL.Query().Get("other"))
	if !ok {
		return
	}
	n, err := s.inbox.CountContactConversations(r.Context(), gone.WorkspaceID, gone.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := contactsview.MergeData{WS: keep.WorkspaceID, CSRF: visitOf(r).session.CSRFToken, Keep: keep, Gone: gone, Conversations: n}
	s.render(w, r, http.StatusOK, contactsview.Merge(s.page(w, r, "Merge contacts", "contacts"), d))
}

// mergeContacts merges the form's other contact into the one of the path.
func (s *Server) mergeContacts(w http.ResponseWriter, r *http.Request) {
	keep, ok := s.pathContact(w, r)
	if !ok {
		return
	}
	gone, ok := s.mergeOther(w, r, keep, r.PostFormValue("other"))
	if !ok {
		return
	}
	if _, err := s.inbox.MergeContacts(r.Context(), keep.WorkspaceID, keep.ID, gone.ID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.contactChanged(r.Context(), keep)
	s.redirectWithFlash(w, r, urls.Contact(keep.WorkspaceID, keep.ID), "ok", contactsview.Label(gone)+" merged into this contact.")
}

// liveContactConversations is how many of a changed contact's latest conversations the
// open inbox pages are told of, so that their lists and panes show the new name.
const liveContactConversations = 100

// contactChanged tells the open inbox pages that a contact's conversations now show
// another name or contact. It is told after the change is stored; a failure only leaves
// the pages as they are until their next reload.
func (s *Server) contactChanged(ctx context.Context, k inbox.Contact) {
	cs, err := s.inbox.ContactConversations(ctx, k.WorkspaceID, k.ID, 0, liveContactConversations)
	if err != nil {
		s.log.Warn("contact changed: conversations", "contact", k.ID, "err", err)
		return
	}
	for _, c := range cs {
		s.service.Hub.Publish(k.WorkspaceID, inbox.Event{Kind: inbox.EventConversation, ConversationID: c.ID})
	}
}
