package channel_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"agent/app/channel"
)

func TestVerifyIdentity(t *testing.T) {
	const secret = "sk_0123456789abcdef0123456789abcdef0123456789abcdef"
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	hs := func(claims jwt.MapClaims) string { return sign(jwt.SigningMethodHS256, []byte(secret), claims) }
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "u-42", "name": " Ana Lima ", "email": "Ana@Shop.Example", "exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix()}
	}
	with := func(k string, v any) jwt.MapClaims {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	none := sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good())
	valid := hs(good())
	// The signature of a valid token put on another payload.
	parts := strings.Split(valid, ".")
	tampered := strings.Split(hs(with("sub", "admin")), ".")[0] + "." + strings.Split(hs(with("sub", "admin")), ".")[1] + "." + parts[2]

	for _, tc := range []struct {
		name, token, why string
	}{
		{"alg none", none, "signing method"},
		{"RS256", sign(jwt.SigningMethodRS256, rsaKey, good()), "signing method"},
		{"HS512", sign(jwt.SigningMethodHS512, []byte(secret), good()), "signing method"},
		{"another secret", sign(jwt.SigningMethodHS256, []byte("sk_other-secret-of-the-right-length-0000000"), good()), "signature"},
		{"tampered payload", tampered, "signature"},
		{"expired", hs(with("exp", now.Add(-2*time.Minute).Unix())), "expired"},
		{"no exp", hs(with("exp", nil)), "exp"},
		{"exp too far", hs(with("exp", now.Add(24*time.Hour).Unix())), "expires more than"},
		{"issued long ago", hs(with("iat", now.Add(-time.Hour).Unix())), "issued more than"},
		{"issued in the future", hs(with("iat", now.Add(time.Hour).Unix())), "before issued"},
		{"no sub", hs(with("sub", nil)), "no sub"},
		{"long sub", hs(with("sub", strings.Repeat("x", 201))), "sub longer"},
		{"bad email", hs(with("email", "not an address")), "not an email"},
		{"garbage", "not.a.token", "malformed"},
		{"huge", strings.Repeat("a", 5000), "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := channel.VerifyIdentity(secret, tc.token, now)
			if !errors.Is(err, channel.ErrIdentity) {
				t.Fatalf("accepted: %+v, %v", id, err)
			}
			if !strings.Contains(err.Error(), tc.why) {
				t.Errorf("err = %v, want it to say %q", err, tc.why)
			}
		})
	}

	id, err := channel.VerifyIdentity(secret, valid, now)
	if err != nil {
		t.Fatal(err)
	}
	if id != (channel.Identity{ExternalID: "u-42", Name: "Ana Lima", Email: "ana@shop.example"}) {
		t.Errorf("identity = %+v", id)
	}
	// Without iat, exp alone bounds the token; a minute of clock skew is tolerated.
	if _, err := channel.VerifyIdentity(secret, hs(with("iat", nil)), now); err != nil {
		t.Errorf("no iat: %v", err)
	}
	if _, err := channel.VerifyIdentity(secret, hs(with("exp", now.Add(-30*time.Second).Unix())), now); err != nil {
		t.Errorf("expired 30 s ago (clock skew): %v", err)
	}
	if _, err := channel.VerifyIdentity("", valid, now); !errors.Is(err, channel.ErrIdentity) {
		t.Errorf("no secret: %v", err)
	}
}
