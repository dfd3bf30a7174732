package web_test

import (
	"net/http"
	"testing"
)

// BenchmarkSignedInPage measures one signed-in page view through the whole stack:
// session lookup, membership check, workspace list and template rendering.
func BenchmarkSignedInPage(b *testing.B) {
	e := newEnv(b, nil)
	e.setupOwner()
	br := e.ownerBrowser()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+e.path("settings/users"), nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if res := br.do(req.Clone(req.Context())); res.status != http.StatusOK {
			b.Fatalf("status %d", res.status)
		}
	}
}
