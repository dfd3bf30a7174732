package channel_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/usererr"
)

func TestWidgetSettings(t *testing.T) {
	db, _, _, ws := setup(t)
	ctx := context.Background()
	channels := channel.NewStore(db)
	w := channel.WidgetSettings{Color: "#AA3300", Position: "left", LauncherLabel: " Chat with us ", AskName: true, AskEmail: true,
		Greetings: []channel.Greeting{
			{Lang: "FR", Welcome: " Bonjour ! ", QuickReplies: []string{"Où est ma commande ?", " ", "Retours"}},
			{}, // the form's empty row
			{Lang: "pt-BR", Welcome: "Olá!"},
		}}
	c, err := channels.Create(ctx, ws.ID, channel.Input{Kind: channel.Chat, Name: "Site", Welcome: "Hi!", QuickReplies: []string{"Where is my order?"}, Widget: w, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Widget
	if got.Color != "#aa3300" || got.Position != "left" || got.LauncherLabel != "Chat with us" || !got.AskName || !got.AskEmail || len(got.Greetings) != 2 {
		t.Fatalf("saved %+v", got)
	}
	if !strings.HasPrefix(c.IdentitySecret, "sk_") || len(c.IdentitySecret) < 40 {
		t.Errorf("secret %q", c.IdentitySecret)
	}
	for lang, want := range map[string]string{"fr-CA": "Bonjour !", "fr": "Bonjour !", "pt": "Olá!", "de-DE": "Hi!", "": "Hi!", "zz-top-x": "Hi!"} {
		if g := c.Greeting(lang); g.Welcome != want {
			t.Errorf("Greeting(%q) = %q, want %q", lang, g.Welcome, want)
		}
	}
	if q := c.Greeting("fr").QuickReplies; len(q) != 2 || q[1] != "Retours" {
		t.Errorf("French quick replies %q", q)
	}
	if q := c.Greeting("de").QuickReplies; len(q) != 1 || q[0] != "Where is my order?" {
		t.Errorf("fallback quick replies %q", q)
	}

	old := c.IdentitySecret
	if err := channels.RotateSecret(ctx, ws.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if c, _ = channels.Get(ctx, ws.ID, c.ID); c.IdentitySecret == old {
		t.Error("the secret did not change")
	}

	for _, bad := range []struct {
		field string
		w     channel.WidgetSettings
	}{
		{"color", channel.WidgetSettings{Color: "red"}},
		{"color", channel.WidgetSettings{Color: "#12345g"}},
		{"position", channel.WidgetSettings{Position: "top"}},
		{"launcher_label", channel.WidgetSettings{LauncherLabel: strings.Repeat("x", 41)}},
		{"greetings", channel.WidgetSettings{Greetings: []channel.Greeting{{Lang: "french", Welcome: "x"}}}},
		{"greetings", channel.WidgetSettings{Greetings: []channel.Greeting{{Lang: "fr", Welcome: "a"}, {Lang: "fr-CA", Welcome: "b"}}}},
		{"greetings", channel.WidgetSettings{Greetings: []channel.Greeting{{Lang: "fr", QuickReplies: []string{"1", "2", "3", "4", "5", "6", "7"}}}}},
		{"greetings", channel.WidgetSettings{Greetings: []channel.Greeting{{Lang: "fr", Welcome: strings.Repeat("é", 1001)}}}},
	} {
		_, err := channels.Update(ctx, ws.ID, c.ID, channel.Input{Kind: channel.Chat, Name: "Site", Widget: bad.w})
		var ie *usererr.InputError
		if !errors.As(err, &ie) || ie.Field != bad.field {
			t.Errorf("%+v: err = %v, want an error on %s", bad.w, err, bad.field)
		}
	}
}
