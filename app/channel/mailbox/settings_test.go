package mailbox_test

import (
	"context"
	"errors"
	"testing"

	"agent/app/account"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/store"
	"agent/app/usererr"
)

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "o@example.com", Name: "Owner", Password: "owner password"}, "Shop")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := channel.NewStore(db).Create(ctx, ws.ID, channel.Input{Kind: channel.Email, Name: "Support", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	st := mailbox.NewStore(db)
	if _, err := st.Get(ctx, ch.ID); !errors.Is(err, mailbox.ErrNotSet) {
		t.Fatalf("settings before any: %v", err)
	}
	in := mailbox.Settings{ChannelID: ch.ID, Address: "Support@Shop.example", FromName: "Shop",
		IMAP: mailbox.Server{Host: "imap.shop.example", Port: 993, Security: mailbox.TLS, User: "support", Password: "imap secret password"},
		SMTP: mailbox.Server{Host: "smtp.shop.example", Port: 587, Security: mailbox.StartTLS, User: "support", Password: "smtp secret"}}
	s, err := st.Save(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if s.Address != "support@shop.example" || s.Folder != "INBOX" || s.Poll.Seconds() != 60 || s.IMAP.Password != "imap secret password" {
		t.Errorf("saved: %+v", s)
	}
	// Saving again without the passwords keeps them; the place in the folder survives a
	// change of name, and starts over with another folder.
	if _, err := db.Write.Exec("UPDATE email_settings SET uidvalidity = 7, last_uid = 42"); err != nil {
		t.Fatal(err)
	}
	in.IMAP.Password, in.SMTP.Password, in.FromName = "", "", "Shop support"
	if s, err = st.Save(ctx, in); err != nil || s.IMAP.Password != "imap secret password" || s.SMTP.Password != "smtp secret" || s.FromName != "Shop support" {
		t.Errorf("saved without passwords: %+v %v", s, err)
	}
	place := func() (v, uid int) {
		db.Read.QueryRow("SELECT uidvalidity, last_uid FROM email_settings").Scan(&v, &uid)
		return
	}
	if v, uid := place(); v != 7 || uid != 42 {
		t.Errorf("the place in the folder after a change of name: %d/%d", v, uid)
	}
	in.Folder = "Support"
	if _, err := st.Save(ctx, in); err != nil {
		t.Fatal(err)
	}
	if v, uid := place(); v != 0 || uid != 0 {
		t.Errorf("the place in the folder after a change of folder: %d/%d", v, uid)
	}

	for field, bad := range map[string]func(*mailbox.Settings){
		"address":       func(s *mailbox.Settings) { s.Address = "Support <support@shop.example>" },
		"from_name":     func(s *mailbox.Settings) { s.FromName = "Shop\r\nBcc: x@evil.example" },
		"imap_host":     func(s *mailbox.Settings) { s.IMAP.Host = "imap.shop.example:993" },
		"smtp_port":     func(s *mailbox.Settings) { s.SMTP.Port = 0 },
		"smtp_security": func(s *mailbox.Settings) { s.SMTP.Security = "ssl" },
		"poll":          func(s *mailbox.Settings) { s.Poll = 1 },
	} {
		s := in
		bad(&s)
		var ie *usererr.InputError
		if _, err := st.Save(ctx, s); !errors.As(err, &ie) || ie.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}

	for secret, want := range map[string]string{"": "", "short": "••••••••", "a long secret password": "••••••••rd"} {
		if got := mailbox.Hint(secret); got != want {
			t.Errorf("Hint(%q) = %q, want %q", secret, got, want)
		}
	}
}
