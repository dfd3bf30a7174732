package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/config"
)

// TestAPIFailedTokensAreLimitedPerAddress: an address that keeps sending a missing,
// malformed or unknown token is answered 429 in the envelope, whatever it sends next,
// with one log line however many calls are refused; the addresses of one IPv6 /64 count
// as one client, an IPv4-mapped address as its IPv4 one; calls with a valid token are no
// failures, and other addresses are not held back.
func TestAPIFailedTokensAreLimitedPerAddress(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Server.TrustProxy = true })
	e.setupOwner()
	e.server.SetAPIFailureLimit(3, time.Hour)
	token := e.apiToken(e.wsID, e.ownerID(), account.ScopeAgentsRead)
	call := func(from, token string) apiResponse {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/agents", nil)
		req.Header.Set("X-Forwarded-For", from)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return e.apiDo(req)
	}
	for i := range 5 {
		if res := call("2001:db8:1:1::1", token); res.status != http.StatusOK {
			t.Fatalf("valid call %d = %d %s", i+1, res.status, res.body)
		}
	}
	for _, c := range []struct{ from, token string }{
		{"2001:db8:1:1::1", ""},
		{"2001:db8:1:1::2", "not a token"},
		{"2001:db8:1:1:ffff:ffff:ffff:ffff", "agt_unknown"},
	} {
		if res := call(c.from, c.token); res.status != http.StatusUnauthorized {
			t.Fatalf("failure from %s = %d, want 401", c.from, res.status)
		}
	}
	for i, from := range []string{"2001:db8:1:1::4", "2001:db8:1:1::5", "2001:db8:1:1::6"} {
		res := call(from, token) // a valid token, from the same /64
		if res.status != http.StatusTooManyRequests || res.err.Code != "rate_limited" || res.header.Get("Retry-After") == "" ||
			!strings.Contains(res.err.Message, "invalid token") {
			t.Fatalf("call %d from %s after 3 failures = %d %s (Retry-After %q), want 429 rate_limited", i+1, from, res.status, res.body,
				res.header.Get("Retry-After"))
		}
	}
	if n := strings.Count(e.logs.String(), "api: calls refused"); n != 1 {
		t.Errorf("refusals logged %d times, want once:\n%s", n, e.logs.String())
	}
	if res := call("2001:db8:1:2::1", token); res.status != http.StatusOK {
		t.Errorf("the next /64 = %d, want 200", res.status)
	}

	// IPv4 counts per address, and its mapped IPv6 form is the same address.
	for _, from := range []string{"192.0.2.1", "::ffff:192.0.2.1", "192.0.2.1"} {
		if res := call(from, "agt_unknown"); res.status != http.StatusUnauthorized {
			t.Fatalf("failure from %s = %d, want 401", from, res.status)
		}
	}
	if res := call("::ffff:192.0.2.1", token); res.status != http.StatusTooManyRequests {
		t.Errorf("4th call of 192.0.2.1, mapped = %d, want 429", res.status)
	}
	if res := call("192.0.2.2", token); res.status != http.StatusOK {
		t.Errorf("the next IPv4 address = %d, want 200", res.status)
	}
}
