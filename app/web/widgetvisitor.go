package web

// The widget's visitor: who they are (a host site's signed identity, or what they say
// in the pre-chat form), where they are (the page), how the widget looks to them (their
// language's greeting), and the form they leave a message in when no one is there.

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"agent/app/channel"
	"agent/app/inbox"
)

// pageInput is the page the widget is on, sent with a conversation's start and each
// message. The store bounds it.
type pageInput struct {
	URL      string `json:"url"`
	Title    string `json:"title"`
	Referrer string `json:"referrer"`
}

func (*pageInput) check() (int, string) { return 0, "" }

// widgetLook is what the widget shows before the visitor writes, in their language (a
// tag such as "fr-CA", else the channel's own): its look, greeting and pre-chat questions,
// with every language's greeting so that it can follow the language the visitor writes in.
func widgetLook(ch channel.Channel, lang string) map[string]any {
	g := ch.Greeting(lang)
	type greeting struct {
		Lang         string   `json:"lang"`
		Welcome      string   `json:"welcome"`
		QuickReplies []string `json:"quick_replies"`
	}
	all := []greeting{}
	for _, x := range ch.Widget.Greetings {
		all = append(all, greeting{x.Lang, x.Welcome, append([]string{}, x.QuickReplies...)})
	}
	position := ch.Widget.Position
	if position == "" {
		position = "right"
	}
	return map[string]any{
		"welcome":        g.Welcome,
		"quick_replies":  append([]string{}, g.QuickReplies...),
		"greetings":      all,
		"default":        greeting{"", ch.Welcome, append([]string{}, ch.QuickReplies...)},
		"color":          ch.Widget.ColorOrDefault(),
		"position":       position,
		"launcher_label": ch.Widget.LauncherLabel,
		"ask_name":       ch.Widget.AskName,
		"ask_email":      ch.Widget.AskEmail,
	}
}

// identify applies what the page says of the visitor to v, and writes the outcome into
// out: identity "verified" (the token's person; a browser signed in as someone else
// gets a new visitor, returned with its token) or "refused" with identity_error for the
// site's developer (a browser that was a verified person's gets a new visitor too);
// prechat_done when nothing is left for the pre-chat form to ask.
// Unverified name and email from the page are kept as the visitor's claims.
func (wa *widgetAPI) identify(ctx context.Context, ch channel.Channel, v inbox.Visitor, token string, in visitorInput,
	out map[string]any) (inbox.Visitor, string, error) {
	var known inbox.Contact
	if in.Identity != "" {
		id, err := channel.VerifyIdentity(ch.IdentitySecret, in.Identity, time.Now())
		if err != nil {
			out["identity"], out["identity_error"] = "refused", capitalize(err.Error())+"."
			// The page says someone is signed in but not who: a browser that was a verified
			// person's gets a new visitor, so that their conversations are not shown to
			// whoever is signed in now.
			verified, err := wa.s.inbox.Verified(ctx, v)
			if err == nil && verified {
				v, token, err = wa.s.inbox.NewVisitor(ctx, ch, in.Lang)
			}
			if err != nil {
				return v, token, err
			}
		} else {
			known, err = wa.s.inbox.IdentifyVisitor(ctx, v, id)
			if errors.Is(err, inbox.ErrOtherIdentity) {
				if v, token, err = wa.s.inbox.NewVisitor(ctx, ch, in.Lang); err == nil {
					known, err = wa.s.inbox.IdentifyVisitor(ctx, v, id)
				}
			}
			if err != nil {
				return v, token, err
			}
			out["identity"] = "verified"
		}
	}
	if in.Name != "" || in.Email != "" {
		// An address that is none is dropped; the name stays.
		if err := wa.s.inbox.ClaimVisitor(ctx, v, inbox.Claims{Name: in.Name, Email: in.Email}); err != nil {
			if err = wa.s.inbox.ClaimVisitor(ctx, v, inbox.Claims{Name: in.Name}); err != nil {
				return v, token, err
			}
		}
	}
	claims, err := wa.s.inbox.ClaimsOf(ctx, v.ID)
	if err != nil {
		return v, token, err
	}
	needName := ch.Widget.AskName && known.Name == "" && claims.Name == ""
	needEmail := ch.Widget.AskEmail && known.Email == "" && claims.Email == ""
	out["prechat_done"] = !needName && !needEmail
	return v, token, nil
}

// recordVisit keeps the page of a conversation's visitor, with the browser their request
// names and their language.
func (wa *widgetAPI) recordVisit(r *http.Request, c inbox.Conversation, p pageInput, lang string) error {
	if c.Preview {
		return nil
	}
	return wa.s.inbox.RecordVisit(r.Context(), c.ID, inbox.Visit{PageURL: p.URL, PageTitle: p.Title, Referrer: p.Referrer,
		Browser: inbox.BrowserOf(r.UserAgent()), Lang: lang})
}

// profileInput is the body of POST profile: the pre-chat form.
type profileInput struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (in *profileInput) check() (int, string) {
	in.Name, in.Email = strings.TrimSpace(in.Name), strings.TrimSpace(in.Email)
	return 0, ""
}

// profile keeps what the visitor answered in the pre-chat form, unverified.
func (wa *widgetAPI) profile(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok {
		return
	}
	var in profileInput
	if !readInput(w, r, &in) {
		return
	}
	switch {
	case wr.ch.Widget.AskName && in.Name == "":
		widgetError(w, http.StatusUnprocessableEntity, "Enter your name.")
		return
	case wr.ch.Widget.AskEmail && in.Email == "":
		widgetError(w, http.StatusUnprocessableEntity, "Enter your email address.")
		return
	}
	if err := wa.s.inbox.ClaimVisitor(r.Context(), v, inbox.Claims{Name: in.Name, Email: in.Email}); err != nil {
		wa.domainError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// offlineInput is the body of POST offline: the form shown when no one is there.
type offlineInput struct {
	Email string    `json:"email"`
	Name  string    `json:"name"`
	Text  string    `json:"text"`
	Lang  string    `json:"lang"`
	Page  pageInput `json:"page"`
}

func (*offlineInput) check() (int, string) { return 0, "" }

// leaveMessage stores the offline form's message as a conversation answered by email.
func (wa *widgetAPI) leaveMessage(w http.ResponseWriter, r *http.Request, wr *widgetRequest) {
	v, ok := wa.visitor(w, r, wr)
	if !ok || !wa.allow(w, wa.byVisitor, "v:"+strconv.FormatInt(v.ID, 10), "messages") {
		return
	}
	var in offlineInput
	if !readInput(w, r, &in) {
		return
	}
	_, byMail, err := wa.s.service.LeaveMessage(r.Context(), wr.ch, v, inbox.LeftMessage{Email: in.Email, Name: in.Name, Text: in.Text,
		Lang: in.Lang, Visit: inbox.Visit{PageURL: in.Page.URL, PageTitle: in.Page.Title, Referrer: in.Page.Referrer,
			Browser: inbox.BrowserOf(r.UserAgent()), Lang: in.Lang}})
	if err != nil {
		wa.domainError(w, r, err)
		return
	}
	widgetJSON(w, http.StatusOK, map[string]any{"by_mail": byMail})
}
