package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"agent/app/config"
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

// BenchmarkQuotePage measures a buyer's opening of a quote's public page of 50 lines:
// the signed token checked, the quote and its lines read, the view recorded (a write) and
// the page rendered.
func BenchmarkQuotePage(b *testing.B) {
	e := newEnv(b, func(c *config.Config) { c.Chat.IPRequestsPerMinute = 1 << 30 })
	e.setupOwner()
	form := quoteForm("Q-B")
	form["line_name"], form["line_quantity"], form["line_unit_price"], form["line_tax_rate"] = nil, nil, nil, nil
	for i := range 50 {
		form.Add("line_name", fmt.Sprintf("Item %d", i))
		form.Add("line_quantity", strconv.Itoa(i+1))
		form.Add("line_unit_price", fmt.Sprintf("%d.99", i*7))
		form.Add("line_tax_rate", []string{"25", "15", "0"}[i%3])
	}
	_, path := e.createQuote(e.ownerBrowser(), "Q-B", form)
	buyer := e.browser()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if res := buyer.do(req.Clone(req.Context())); res.status != http.StatusOK {
			b.Fatalf("status %d", res.status)
		}
	}
}
