package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/channel"
	"agent/app/usererr"
)

// Visit is where a widget conversation's visitor was, for the people answering: the page
// of their latest message, where they came from (the first referrer), their browser and
// their language.
type Visit struct {
	PageURL   string
	PageTitle string
	Referrer  string
	Browser   string // "Firefox 133 on Windows", from the user agent (BrowserOf)
	Lang      string // the browser's language tag, as it says it ("fr-CA")
	UpdatedAt time.Time
}

// Bounds of a visit's texts: they come from the visitor's browser as it likes.
const (
	maxVisitURL   = 2000
	maxVisitTitle = 300
	maxVisitShort = 100 // browser, language
)

// bound cuts each text to its limit, keeps only http(s) addresses without their
// credentials, and drops control characters.
func (v Visit) bound() Visit {
	v.PageURL, v.Referrer = pageURL(v.PageURL), pageURL(v.Referrer)
	v.PageTitle = cut(strings.Join(strings.Fields(v.PageTitle), " "), maxVisitTitle)
	v.Browser = cut(strings.Join(strings.Fields(v.Browser), " "), maxVisitShort)
	v.Lang = cut(strings.TrimSpace(v.Lang), 35) // the longest BCP 47 tag anyone uses
	return v
}

// pageURL is u when it is an absolute http(s) address of at most maxVisitURL bytes,
// without a user and password; else "".
func pageURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	p.User = nil
	s := p.String()
	if len(s) > maxVisitURL {
		return ""
	}
	return s
}

// cut keeps the first n characters of s, without control characters.
func cut(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}

// RecordVisit keeps where the visitor of a conversation is now: the page and browser
// replace the last ones, the referrer is the first one given (where they came from).
func (s *Store) RecordVisit(ctx context.Context, conversationID int64, v Visit) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return s.recordVisit(ctx, tx, conversationID, v) })
}

func (s *Store) recordVisit(ctx context.Context, tx *sql.Tx, conversationID int64, v Visit) error {
	v = v.bound()
	_, err := tx.ExecContext(ctx, `INSERT INTO conversation_visits (conversation_id, page_url, page_title, referrer, browser, lang, updated_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
		ON CONFLICT (conversation_id) DO UPDATE SET
			page_url = CASE WHEN ?2 <> '' THEN ?2 ELSE page_url END, page_title = CASE WHEN ?2 <> '' THEN ?3 ELSE page_title END,
			referrer = CASE WHEN referrer = '' THEN ?4 ELSE referrer END,
			browser = CASE WHEN ?5 <> '' THEN ?5 ELSE browser END, lang = CASE WHEN ?6 <> '' THEN ?6 ELSE lang END, updated_at = ?7`,
		conversationID, v.PageURL, v.PageTitle, v.Referrer, v.Browser, v.Lang, s.now().Unix())
	if err != nil {
		return fmt.Errorf("inbox: record visit: %w", err)
	}
	return nil
}

// VisitOf returns what is known of a conversation's visit, and false when nothing is.
func (s *Store) VisitOf(ctx context.Context, conversationID int64) (Visit, bool, error) {
	var v Visit
	var at int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT page_url, page_title, referrer, browser, lang, updated_at FROM conversation_visits
		WHERE conversation_id = ?`, conversationID).Scan(&v.PageURL, &v.PageTitle, &v.Referrer, &v.Browser, &v.Lang, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Visit{}, false, nil
	}
	if err != nil {
		return Visit{}, false, fmt.Errorf("inbox: visit: %w", err)
	}
	v.UpdatedAt = time.Unix(at, 0)
	return v, true, nil
}

// browserPatterns find the browser in a user agent, most specific first: Edge and Opera
// say "Chrome" too, Chrome says "Safari".
var browserPatterns = []struct {
	name string
	re   *regexp.Regexp
}{
	{"Edge", regexp.MustCompile(`Edg(?:e|A|iOS)?/(\d+)`)},
	{"Opera", regexp.MustCompile(`(?:OPR|Opera)/(\d+)`)},
	{"Samsung Internet", regexp.MustCompile(`SamsungBrowser/(\d+)`)},
	{"Firefox", regexp.MustCompile(`(?:Firefox|FxiOS)/(\d+)`)},
	{"Chrome", regexp.MustCompile(`(?:Chrome|CriOS)/(\d+)`)},
	{"Safari", regexp.MustCompile(`Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/`)},
}

// systems find the operating system, most specific first: Android says "Linux".
var systems = []struct{ name, mark string }{
	{"iOS", "iPhone"}, {"iPadOS", "iPad"}, {"Android", "Android"}, {"ChromeOS", "CrOS"},
	{"Windows", "Windows"}, {"macOS", "Macintosh"}, {"Linux", "Linux"},
}

// BrowserOf names the browser and system of a user agent, such as "Firefox 133 on
// Windows"; "" when it names neither. Enough for people to picture the visitor's screen,
// not a full parser.
func BrowserOf(ua string) string {
	if len(ua) > 1000 {
		ua = ua[:1000]
	}
	name := ""
	for _, b := range browserPatterns {
		if m := b.re.FindStringSubmatch(ua); m != nil {
			name = b.name + " " + m[1]
			break
		}
	}
	system := ""
	for _, sys := range systems {
		if strings.Contains(ua, sys.mark) {
			system = sys.name
			break
		}
	}
	switch {
	case name != "" && system != "":
		return name + " on " + system
	case name != "":
		return name
	}
	return system
}

// Claims are what a visitor said of themself without proof (the pre-chat form, the
// page's script): shown as not verified, never used to link them to a contact.
type Claims struct {
	Name  string
	Email string
}

// ClaimVisitor keeps the name and email a visitor gave; an empty one leaves the last.
// An address that is not one is an input error on "email".
func (s *Store) ClaimVisitor(ctx context.Context, v Visitor, c Claims) error {
	email, err := checkEmail(c.Email)
	if err != nil {
		return err
	}
	name := cut(strings.Join(strings.Fields(c.Name), " "), maxContactName)
	_, err = s.db.Write.ExecContext(ctx, `UPDATE visitors SET claimed_name = CASE WHEN ?1 <> '' THEN ?1 ELSE claimed_name END,
		claimed_email = CASE WHEN ?2 <> '' THEN ?2 ELSE claimed_email END WHERE id = ?3`, name, email, v.ID)
	if err != nil {
		return fmt.Errorf("inbox: claim visitor: %w", err)
	}
	return nil
}

// ClaimsOf returns what a visitor said of themself.
func (s *Store) ClaimsOf(ctx context.Context, visitorID int64) (Claims, error) {
	var c Claims
	err := s.db.Read.QueryRowContext(ctx, "SELECT claimed_name, claimed_email FROM visitors WHERE id = ?", visitorID).Scan(&c.Name, &c.Email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("inbox: claims: %w", err)
	}
	return c, nil
}

// ErrOtherIdentity means a visitor (a browser) already belongs to another verified
// person than the token says: someone else signed in on it. The caller starts a new
// visitor for them, so that neither sees the other's conversations.
var ErrOtherIdentity = errors.New("inbox: the visitor is another verified person")

// Verified says whether a visitor (a browser) belongs to a verified person.
func (s *Store) Verified(ctx context.Context, v Visitor) (bool, error) {
	cur, hasCur, err := s.visitorContact(ctx, v)
	return hasCur && cur.ExternalID != "", err
}

// IdentifyVisitor links a visitor to the contact a verified identity names: the
// workspace's contact with that external id, else the one with that email (which gets
// the id), else a new one. The visitor's anonymous contact, if any, is merged into it, so
// their conversations join the person's history. The identity's name and email fill
// what the contact lacks.
func (s *Store) IdentifyVisitor(ctx context.Context, v Visitor, id channel.Identity) (Contact, error) {
	cur, hasCur, err := s.visitorContact(ctx, v)
	if err != nil {
		return Contact{}, err
	}
	if hasCur && cur.ExternalID != "" {
		if cur.ExternalID != id.ExternalID {
			return Contact{}, ErrOtherIdentity
		}
		return cur, nil // already theirs
	}
	k, err := s.contactOfIdentity(ctx, v.WorkspaceID, id)
	if err != nil {
		return Contact{}, err
	}
	if hasCur && cur.ID != k.ID {
		return s.MergeContacts(ctx, v.WorkspaceID, k.ID, cur.ID)
	}
	if !hasCur {
		// No conversation yet: their first one will be the contact's (the trigger of
		// conversations reads contact_visitors).
		if _, err := s.db.Write.ExecContext(ctx, `INSERT INTO contact_visitors (visitor_id, contact_id) VALUES (?, ?)
			ON CONFLICT (visitor_id) DO UPDATE SET contact_id = excluded.contact_id`, v.ID, k.ID); err != nil {
			return Contact{}, fmt.Errorf("inbox: identify visitor: %w", err)
		}
	}
	return k, nil
}

// visitorContact is the contact a visitor already has, without making one.
func (s *Store) visitorContact(ctx context.Context, v Visitor) (Contact, bool, error) {
	k, err := s.contactWhere(ctx, `id = COALESCE((SELECT contact_id FROM contact_visitors WHERE visitor_id = ?1),
		(SELECT id FROM contacts WHERE visitor_id = ?1)) AND workspace_id = ?2`, v.ID, v.WorkspaceID)
	if errors.Is(err, ErrNotFound) {
		return Contact{}, false, nil
	}
	return k, err == nil, err
}

// contactOfIdentity finds or makes the contact of a verified identity.
func (s *Store) contactOfIdentity(ctx context.Context, workspaceID int64, id channel.Identity) (Contact, error) {
	name := cut(id.Name, maxContactName)
	email, err := checkEmail(id.Email)
	var ie *usererr.InputError
	if errors.As(err, &ie) {
		email = "" // verified, but not an address this product can write to
	}
	now := s.now().Unix()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var kid int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM contacts WHERE workspace_id = ? AND external_id = ?", workspaceID, id.ExternalID).Scan(&kid)
		if errors.Is(err, sql.ErrNoRows) && email != "" {
			err = tx.QueryRowContext(ctx, "SELECT id FROM contacts WHERE workspace_id = ? AND email = ? AND external_id IS NULL",
				workspaceID, email).Scan(&kid)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// The address may be another verified person's: then this one goes without it.
			_, err = tx.ExecContext(ctx, `INSERT INTO contacts (workspace_id, name, email, external_id, created_at, updated_at)
				VALUES (?1, ?2, CASE WHEN ?3 = '' OR EXISTS (SELECT 1 FROM contacts WHERE workspace_id = ?1 AND email = ?3) THEN NULL ELSE ?3 END,
				?4, ?5, ?5)`, workspaceID, name, email, id.ExternalID, now)
			return err
		case err != nil:
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE contacts SET external_id = ?2, name = CASE name WHEN '' THEN ?3 ELSE name END,
			email = CASE WHEN email IS NULL AND ?4 <> '' AND NOT EXISTS (SELECT 1 FROM contacts WHERE workspace_id = ?5 AND email = ?4) THEN ?4 ELSE email END,
			updated_at = ?6 WHERE id = ?1`, kid, id.ExternalID, name, email, workspaceID, now)
		return err
	})
	if err != nil {
		return Contact{}, fmt.Errorf("inbox: contact of identity: %w", err)
	}
	return s.contactWhere(ctx, "workspace_id = ? AND external_id = ?", workspaceID, id.ExternalID)
}
