package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"agent/app/channel"
)

// The widget's visitor API: config in the visitor's language with the channel's look,
// identity tokens verified or refused with the reason, the pre-chat form's answers
// checked, the offline form's message taken, and the page of a message kept.
func TestWidgetVisitorAPI(t *testing.T) {
	e, ch := chatEnv(t, nil)
	ctx := context.Background()
	in := channel.Input{Kind: channel.Chat, Name: "Website", AgentID: ch.AgentID, AllowedOrigins: ch.AllowedOrigins, Welcome: ch.Welcome,
		QuickReplies: ch.QuickReplies, HandoffUsers: ch.HandoffUsers, ShowHuman: true, Active: true,
		Widget: channel.WidgetSettings{AskEmail: true, Greetings: []channel.Greeting{{Lang: "fr", Welcome: "Bonjour !", QuickReplies: []string{"Livraison"}}}}}
	ch, err := e.channels.Update(ctx, e.wsID, ch.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Welcome      string
		QuickReplies []string `json:"quick_replies"`
		Color        string
		Position     string
		AskEmail     bool `json:"ask_email"`
		Offline      bool
		Default      struct{ Welcome string }
	}
	res := e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/config?lang=fr-CA", nil, "Origin", shopOrigin)
	res.decode(t, &cfg)
	if cfg.Welcome != "Bonjour !" || len(cfg.QuickReplies) != 1 || cfg.QuickReplies[0] != "Livraison" || cfg.Default.Welcome != ch.Welcome ||
		cfg.Color != channel.DefaultColor || cfg.Position != "right" || !cfg.AskEmail || cfg.Offline {
		t.Errorf("French config = %+v", cfg)
	}
	e.widgetDo(nil, http.MethodGet, "/widget/v1/"+ch.PublicKey+"/config?lang=de", nil, "Origin", shopOrigin).decode(t, &cfg)
	if cfg.Welcome != ch.Welcome {
		t.Errorf("German config welcome %q, want the channel's own", cfg.Welcome)
	}

	type started struct {
		Token         string
		Identity      string
		IdentityError string `json:"identity_error"`
		PrechatDone   bool   `json:"prechat_done"`
	}
	visit := func(body map[string]string) (*widgetVisitor, started) {
		t.Helper()
		v := e.widgetVisitor(ch, shopOrigin)
		var s started
		v.do(http.MethodPost, "visitor", body).decode(t, &s)
		v.token = s.Token
		return v, s
	}
	token := func(secret string, exp time.Duration) string {
		s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "c-1", "email": "kim@shop.example",
			"exp": time.Now().Add(exp).Unix()}).SignedString([]byte(secret))
		return s
	}
	known, s := visit(map[string]string{"identity": token(ch.IdentitySecret, 5*time.Minute)})
	if s.Identity != "verified" || !s.PrechatDone {
		t.Errorf("a verified customer with an address: %+v", s)
	}
	// The verified customer's browser then shows a token that is refused: whoever is
	// signed in now gets a new visitor, not the customer's conversations. An unknown
	// visitor's browser keeps its visitor.
	var again started
	known.do(http.MethodPost, "visitor", map[string]string{"identity": token("sk_wrong-secret-000000000000000000000000", 5*time.Minute)}).decode(t, &again)
	if again.Identity != "refused" || again.Token == "" || again.Token == known.token {
		t.Errorf("a verified browser with a refused token keeps its visitor: %+v", again)
	}
	anon, _ := visit(map[string]string{})
	anon.do(http.MethodPost, "visitor", map[string]string{"identity": token("sk_wrong-secret-000000000000000000000000", 5*time.Minute)}).decode(t, &again)
	if again.Identity != "refused" || again.Token != anon.token {
		t.Errorf("an unknown visitor with a refused token got another visitor: %+v", again)
	}
	if _, s := visit(map[string]string{"identity": token("sk_wrong-secret-000000000000000000000000", 5*time.Minute)}); s.Identity != "refused" ||
		!strings.Contains(s.IdentityError, "signature is invalid") || s.PrechatDone {
		t.Errorf("a forged token: %+v", s)
	}
	if _, s := visit(map[string]string{"identity": token(ch.IdentitySecret, time.Hour)}); s.Identity != "refused" || !strings.Contains(s.IdentityError, "expires more than") {
		t.Errorf("a token valid for an hour: %+v", s)
	}

	// The pre-chat form: the address asked for is required and must be one.
	v, s := visit(map[string]string{"lang": "en"})
	if s.PrechatDone || s.Identity != "" {
		t.Errorf("an unknown visitor: %+v", s)
	}
	if res := v.do(http.MethodPost, "profile", map[string]string{"name": "Kim"}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.errorText(), "email") {
		t.Errorf("no address: %d %s", res.status, res.body)
	}
	if res := v.do(http.MethodPost, "profile", map[string]string{"email": "kim at shop"}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("not an address: %d %s", res.status, res.body)
	}
	if res := v.do(http.MethodPost, "profile", map[string]string{"email": "kim@shop.example"}); res.status != http.StatusNoContent {
		t.Errorf("an address: %d %s", res.status, res.body)
	}
	again = started{}
	v.do(http.MethodPost, "visitor", map[string]string{}).decode(t, &again)
	if !again.PrechatDone {
		t.Error("the pre-chat form is asked again after it was answered")
	}

	// A message's page and browser are kept, bounded.
	v.open()
	res = v.do(http.MethodPost, "conversations/"+v.conv+"/messages", map[string]any{"text": "Hello", "lang": "en-GB",
		"page": map[string]string{"url": "https://shop.example/bikes?x=" + strings.Repeat("a", 5000), "title": "Bikes", "referrer": "https://search.example/"}})
	if res.status != http.StatusOK {
		t.Fatalf("message: %d %s", res.status, res.body)
	}
	var page, title, referrer, lang string
	if err := e.db.Read.QueryRow("SELECT page_url, page_title, referrer, lang FROM conversation_visits").Scan(&page, &title, &referrer, &lang); err != nil {
		t.Fatal(err)
	}
	if page != "" || title != "" || referrer != "https://search.example/" || lang != "en-GB" {
		t.Errorf("visit: page %q, title %q, referrer %q, lang %q", page, title, referrer, lang)
	}

	// The offline form: an address is required; a message is taken even while people are online.
	if res := v.do(http.MethodPost, "offline", map[string]string{"text": "Hi"}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("offline without an address: %d %s", res.status, res.body)
	}
	var left struct {
		ByMail bool `json:"by_mail"`
	}
	res = v.do(http.MethodPost, "offline", map[string]string{"email": "kim@shop.example", "text": "Call me back"})
	res.decode(t, &left)
	if res.status != http.StatusOK || left.ByMail {
		t.Errorf("offline: %d %s", res.status, res.body)
	}
}
