// Package meta connects WhatsApp (Cloud API) and Messenger (Messenger Platform) channels
// to Meta's Graph API: their settings (tokens never shown again), the webhook that takes
// Meta's events (signed, stored first, processed by the job runner, once each), and the
// driver that sends the inbox's replies inside each channel's reply window.
package meta

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"agent/app/channel"
	"agent/app/store"
	"agent/app/usererr"
)

// Template is an approved WhatsApp template message a person may send once the 24-hour
// window has closed: its name and language as approved in Meta's console, and how many
// body parameters ({{1}}, {{2}}…) it takes.
type Template struct {
	Name   string `json:"name"`
	Lang   string `json:"lang"`
	Params int    `json:"params"`
}

// Settings connect a WhatsApp or Messenger channel to Meta.
type Settings struct {
	ChannelID int64
	// AccountID is what messages are sent from: WhatsApp's phone number id, Messenger's page id.
	AccountID  string
	BusinessID string // the WhatsApp Business Account id (WhatsApp only)
	// AccessToken and AppSecret are secrets: saving Settings with one empty keeps the one
	// stored, and pages show only their Hint.
	AccessToken string
	AppSecret   string
	// VerifyToken is generated on the first save; Meta's console sends it back when the
	// webhook is set up.
	VerifyToken string
	Templates   []Template
	VerifiedAt  time.Time // when Meta last checked the webhook (zero: never)
	UpdatedAt   time.Time
}

// ErrNotSet means a channel whose connection to Meta is not set up yet.
const ErrNotSet = usererr.Error("the channel is not connected to Meta yet")

func inputError(field, msg string) error { return &usererr.InputError{Field: field, Message: msg} }

// Store keeps the channels' settings.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// NewStore returns a Store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

var (
	graphID       = regexp.MustCompile(`^[0-9]{5,30}$`)
	templateName  = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
	templateLang  = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
	secretPattern = regexp.MustCompile(`^[\x21-\x7e]{8,1000}$`) // printable, no spaces
)

func (s *Settings) check(kind channel.Kind, stored Settings) error {
	s.AccountID, s.BusinessID = strings.TrimSpace(s.AccountID), strings.TrimSpace(s.BusinessID)
	s.AccessToken, s.AppSecret = strings.TrimSpace(s.AccessToken), strings.TrimSpace(s.AppSecret)
	idName := "the page id"
	if kind == channel.WhatsApp {
		idName = "the phone number id"
	}
	if !graphID.MatchString(s.AccountID) {
		return inputError("account_id", "enter "+idName+" from Meta's console: digits only")
	}
	if kind == channel.WhatsApp && s.BusinessID != "" && !graphID.MatchString(s.BusinessID) {
		return inputError("business_id", "enter the WhatsApp Business Account id: digits only")
	}
	if kind != channel.WhatsApp {
		s.BusinessID, s.Templates = "", nil
	}
	for _, f := range []struct{ field, value, stored, name string }{
		{"access_token", s.AccessToken, stored.AccessToken, "the access token"},
		{"app_secret", s.AppSecret, stored.AppSecret, "the app secret"},
	} {
		if f.value == "" && f.stored == "" {
			return inputError(f.field, "enter "+f.name)
		}
		if f.value != "" && !secretPattern.MatchString(f.value) {
			return inputError(f.field, "paste "+f.name+" as Meta shows it: no spaces")
		}
	}
	return nil
}

// ParseTemplates reads templates one a line, "name language [parameters]":
// "order_update en_US 2".
func ParseTemplates(text string) ([]Template, error) {
	var out []Template
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		bad := inputError("templates", fmt.Sprintf("line %d: write a template as its name, language and number of parameters, such as order_update en_US 2", i+1))
		if len(f) < 2 || len(f) > 3 || !templateName.MatchString(f[0]) || !templateLang.MatchString(f[1]) {
			return nil, bad
		}
		t := Template{Name: f[0], Lang: f[1]}
		if len(f) == 3 {
			n, err := strconv.Atoi(f[2])
			if err != nil || n < 0 || n > 10 {
				return nil, bad
			}
			t.Params = n
		}
		out = append(out, t)
	}
	if len(out) > 50 {
		return nil, inputError("templates", "at most 50 templates")
	}
	return out, nil
}

// Parameters says how many parameters a template takes: "1 parameter", "2 parameters".
func Parameters(n int) string {
	if n == 1 {
		return "1 parameter"
	}
	return strconv.Itoa(n) + " parameters"
}

// FormatTemplates writes templates as ParseTemplates reads them.
func FormatTemplates(ts []Template) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%s %s %d\n", t.Name, t.Lang, t.Params)
	}
	return b.String()
}

// Template returns the channel's template of this name and language.
func (s Settings) Template(name, lang string) (Template, bool) {
	for _, t := range s.Templates {
		if t.Name == name && t.Lang == lang {
			return t, true
		}
	}
	return Template{}, false
}

const settingsColumns = `channel_id, account_id, business_id, access_token, app_secret, verify_token, templates, COALESCE(verified_at, 0), updated_at`

// Get returns a channel's settings, or ErrNotSet.
func (st *Store) Get(ctx context.Context, channelID int64) (Settings, error) {
	var s Settings
	var templates string
	var verified, updated int64
	err := st.db.Read.QueryRowContext(ctx, "SELECT "+settingsColumns+" FROM meta_settings WHERE channel_id = ?", channelID).Scan(
		&s.ChannelID, &s.AccountID, &s.BusinessID, &s.AccessToken, &s.AppSecret, &s.VerifyToken, &templates, &verified, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, ErrNotSet
	}
	if err != nil {
		return Settings{}, fmt.Errorf("meta: settings: %w", err)
	}
	if err := json.Unmarshal([]byte(templates), &s.Templates); err != nil {
		return Settings{}, fmt.Errorf("meta: settings: templates: %w", err)
	}
	s.VerifiedAt, s.UpdatedAt = store.TimeOrZero(verified), time.Unix(updated, 0)
	return s, nil
}

// Save stores a channel's settings; an empty token or secret keeps the stored one. The
// caller has checked that the channel is the workspace's and of the kind given.
func (st *Store) Save(ctx context.Context, kind channel.Kind, s Settings) (Settings, error) {
	stored, err := st.Get(ctx, s.ChannelID)
	if err != nil && !errors.Is(err, ErrNotSet) {
		return Settings{}, err
	}
	if err := s.check(kind, stored); err != nil {
		return Settings{}, err
	}
	token := stored.VerifyToken
	if token == "" {
		token = NewVerifyToken()
	}
	templates, err := json.Marshal(s.Templates)
	if err != nil {
		return Settings{}, fmt.Errorf("meta: save settings: %w", err)
	}
	_, err = st.db.Write.ExecContext(ctx, `INSERT INTO meta_settings (channel_id, account_id, business_id, access_token, app_secret,
		verify_token, templates, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id) DO UPDATE SET account_id = excluded.account_id, business_id = excluded.business_id,
			access_token = COALESCE(NULLIF(excluded.access_token, ''), access_token),
			app_secret = COALESCE(NULLIF(excluded.app_secret, ''), app_secret),
			templates = excluded.templates, updated_at = excluded.updated_at`,
		s.ChannelID, s.AccountID, s.BusinessID, s.AccessToken, s.AppSecret, token, string(templates), st.now().Unix())
	if err != nil {
		return Settings{}, fmt.Errorf("meta: save settings: %w", err)
	}
	return st.Get(ctx, s.ChannelID)
}

// NewVerifyToken returns a token for Meta's webhook check: 128 random bits.
func NewVerifyToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (st *Store) verified(ctx context.Context, channelID int64) error {
	_, err := st.db.Write.ExecContext(ctx, "UPDATE meta_settings SET verified_at = ? WHERE channel_id = ?", st.now().Unix(), channelID)
	if err != nil {
		return fmt.Errorf("meta: webhook verified: %w", err)
	}
	return nil
}
