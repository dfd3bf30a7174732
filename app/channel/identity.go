package channel

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// Identity is who a host site says its signed-in visitor is, in a token signed with the
// channel's secret: the widget's page passes it, the server verifies it.
type Identity struct {
	ExternalID string // the site's own id for the person ("sub"); required
	Name       string
	Email      string // lower case; "" when the token has none
}

// MaxIdentityAge bounds how long a token is accepted after it was issued: a token copied
// out of a page stops working soon.
const MaxIdentityAge = 10 * time.Minute

// Limits of an identity's fields, which end up in the contact record.
const (
	maxExternalID   = 200
	maxIdentityName = 200
	maxEmail        = 254
	maxToken        = 4096
)

// identityClaims is the token's payload: sub, name and email, with exp (required) and
// iat (when present, at most MaxIdentityAge ago).
type identityClaims struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	jwt.RegisteredClaims
}

// ErrIdentity is any token that is not accepted; the wrapped text says why, for the
// site's developer (the widget logs it to the console).
var ErrIdentity = errors.New("identity token refused")

// VerifyIdentity checks an identity token: HS256 only (alg none, RS256 and the rest are
// refused, so a public key cannot be used as the secret), signed with secret, with an
// exp in the future and no more than MaxIdentityAge ahead (plus a minute of clock
// skew), and a sub.
func VerifyIdentity(secret, token string, now time.Time) (Identity, error) {
	if secret == "" {
		return Identity{}, fmt.Errorf("%w: the channel has no secret", ErrIdentity)
	}
	if len(token) > maxToken {
		return Identity{}, fmt.Errorf("%w: longer than %d bytes", ErrIdentity, maxToken)
	}
	var claims identityClaims
	p := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(time.Minute), jwt.WithTimeFunc(func() time.Time { return now }))
	_, err := p.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return []byte(secret), nil })
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrIdentity, err)
	}
	if claims.ExpiresAt.Sub(now) > MaxIdentityAge+time.Minute {
		return Identity{}, fmt.Errorf("%w: it expires more than %v from now; sign tokens that expire within %v", ErrIdentity, MaxIdentityAge, MaxIdentityAge)
	}
	if claims.IssuedAt != nil && now.Sub(claims.IssuedAt.Time) > MaxIdentityAge+time.Minute {
		return Identity{}, fmt.Errorf("%w: issued more than %v ago", ErrIdentity, MaxIdentityAge)
	}
	id := Identity{ExternalID: strings.TrimSpace(claims.Subject), Name: strings.TrimSpace(claims.Name),
		Email: strings.ToLower(strings.TrimSpace(claims.Email))}
	switch {
	case id.ExternalID == "":
		return Identity{}, fmt.Errorf("%w: no sub (the person's id on your site)", ErrIdentity)
	case len(id.ExternalID) > maxExternalID:
		return Identity{}, fmt.Errorf("%w: sub longer than %d bytes", ErrIdentity, maxExternalID)
	case utf8.RuneCountInString(id.Name) > maxIdentityName:
		return Identity{}, fmt.Errorf("%w: name longer than %d characters", ErrIdentity, maxIdentityName)
	}
	if id.Email != "" {
		if a, err := mail.ParseAddress(id.Email); err != nil || a.Address != id.Email || len(id.Email) > maxEmail {
			return Identity{}, fmt.Errorf("%w: %q is not an email address", ErrIdentity, id.Email)
		}
	}
	return id, nil
}
