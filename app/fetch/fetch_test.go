package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// server is an httptest server that counts the requests it receives.
type server struct {
	*httptest.Server
	hits atomic.Int64
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) addrPort(t *testing.T) netip.AddrPort {
	t.Helper()
	ap, err := netip.ParseAddrPort(s.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

// allowOnly permits exactly the given servers' host:port pairs.
func allowOnly(t *testing.T, ss ...*server) func(netip.AddrPort) bool {
	t.Helper()
	var ok []netip.AddrPort
	for _, s := range ss {
		ok = append(ok, s.addrPort(t))
	}
	return func(ap netip.AddrPort) bool { return slices.Contains(ok, ap) }
}

func text(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, body)
	}
}

func TestCheckURL(t *testing.T) {
	cases := []struct {
		in   string
		ok   bool
		want string // u.String() when ok; a substring of the error otherwise
	}{
		{"https://example.com/a?b=c#d", true, "https://example.com/a?b=c#d"},
		{"HTTP://Example.com", true, "http://Example.com"},
		{"  https://example.com/docs  ", true, "https://example.com/docs"},
		{"http://example.com:8080/x", true, "http://example.com:8080/x"},
		{"http://example.com:/x", true, "http://example.com/x"},
		{"http://[2001:db8::1]:8443/", true, "http://[2001:db8::1]:8443/"},
		{"http://127.0.0.1/", true, "http://127.0.0.1/"}, // shape is fine; the dialer judges addresses
		{"https://example.com/a b", true, "https://example.com/a%20b"},
		{"", false, "empty"},
		{"   ", false, "empty"},
		{"ftp://example.com/file", false, "scheme \"ftp\""},
		{"javascript:alert(1)", false, "scheme"},
		{"file:///etc/passwd", false, "scheme"},
		{"/relative/path", false, "not an absolute URL"},
		{"example.com/page", false, "not an absolute URL"},
		{"https://user:pass@example.com/", false, "passwords"},
		{"https://user@example.com/", false, "passwords"},
		{"http:///path", false, "no host"},
		{"http://", false, "no host"},
		{"http:example.com", false, "missing //"},
		{"http://exa mple.com/", false, "invalid"},
		{"http://example.com\t/", false, "invalid"},
		{"http://example.com:0/", false, "invalid port"},
		{"http://example.com:99999/", false, "invalid port"},
		{"http://example..com/", false, "not a valid host"},
		{"http://2130706433/", false, "not a valid host"},
		{"http://0x7f.1/", false, "not a valid host"},
	}
	for _, tc := range cases {
		u, err := CheckURL(tc.in)
		if tc.ok {
			if err != nil {
				t.Errorf("CheckURL(%q) = %v, want ok", tc.in, err)
			} else if u.String() != tc.want {
				t.Errorf("CheckURL(%q) = %q, want %q", tc.in, u.String(), tc.want)
			}
			continue
		}
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("CheckURL(%q) = %v, want ErrBadURL", tc.in, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckURL(%q) error %q does not mention %q", tc.in, err, tc.want)
		}
	}
}

func TestBlockReason(t *testing.T) {
	blocked := []string{
		"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "0.0.0.0", "100.64.0.1", "192.0.0.8", "198.18.0.1", "224.0.0.1",
		"255.255.255.255", "::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1", "ff02::1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
		"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "::127.0.0.1",
	}
	public := []string{"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "2a00:1450:4001::200e", "64:ff9b::808:808", "::ffff:8.8.8.8"}
	for _, s := range blocked {
		if why := blockReason(netip.MustParseAddr(s)); why == "" {
			t.Errorf("%s: allowed, want blocked", s)
		}
	}
	for _, s := range public {
		if why := blockReason(netip.MustParseAddr(s)); why != "" {
			t.Errorf("%s: blocked (%s), want allowed", s, why)
		}
	}
	if why := blockReason(netip.MustParseAddr("169.254.169.254")); !strings.Contains(why, "link-local") {
		t.Errorf("metadata reason %q should say link-local", why)
	}

	// The Client-level decision: default, AllowPrivate, Allow.
	lo := netip.MustParseAddrPort("127.0.0.1:80")
	pub := netip.MustParseAddrPort("8.8.8.8:443")
	if err := New(Options{}).permit(lo); !errors.Is(err, ErrBlocked) {
		t.Errorf("default policy let %s through: %v", lo, err)
	}
	if err := New(Options{}).permit(pub); err != nil {
		t.Errorf("default policy refused %s: %v", pub, err)
	}
	if err := New(Options{AllowPrivate: true}).permit(lo); err != nil {
		t.Errorf("AllowPrivate refused %s: %v", lo, err)
	}
	// Metadata endpoints stay closed even when private addresses are allowed.
	if err := New(Options{AllowPrivate: true}).permit(netip.MustParseAddrPort("169.254.169.254:80")); !errors.Is(err, ErrBlocked) {
		t.Errorf("AllowPrivate let the metadata address through: %v", err)
	}
	if err := New(Options{AllowPrivate: true}).permitHost("metadata.google.internal"); !errors.Is(err, ErrBlocked) {
		t.Errorf("AllowPrivate let the metadata host through: %v", err)
	}
	only := New(Options{Allow: func(ap netip.AddrPort) bool { return ap == lo }})
	if only.permit(lo) != nil || !errors.Is(only.permit(netip.MustParseAddrPort("127.0.0.1:81")), ErrBlocked) {
		t.Error("Allow should admit exactly 127.0.0.1:80")
	}
	if err := only.permit(netip.MustParseAddrPort("[::ffff:127.0.0.1]:80")); err != nil {
		t.Errorf("Allow should see IPv4-mapped addresses unmapped: %v", err)
	}
}

func TestDefaultPolicyRefusesLoopbackServer(t *testing.T) {
	s := newServer(t, text("secret"))
	_, err := New(Options{}).Get(context.Background(), Request{URL: s.URL + "/admin"})
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("err = %v, want ErrBlocked", err)
	}
	for _, want := range []string{s.URL + "/admin", "127.0.0.1", "loopback", "knowledge.allow_private_urls"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if n := s.hits.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestAllowPrivateReachesLoopback(t *testing.T) {
	s := newServer(t, text("intranet"))
	p, err := New(Options{AllowPrivate: true}).Get(context.Background(), Request{URL: s.URL})
	if err != nil || string(p.Body) != "intranet" {
		t.Fatalf("Get = %q, %v", p.Body, err)
	}
}

func TestAllowExactlyOneServer(t *testing.T) {
	other := newServer(t, text("other"))
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
		case "/local":
			http.Redirect(w, r, "http://localhost:"+fmt.Sprint(other.addrPort(t).Port())+"/", http.StatusFound)
		default:
			text("hello")(w, r)
		}
	})
	c := New(Options{Allow: allowOnly(t, s)})
	p, err := c.Get(context.Background(), Request{URL: s.URL + "/hi"})
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Body) != "hello" || p.Status != 200 || p.URL != s.URL+"/hi" || p.FinalURL != s.URL+"/hi" {
		t.Errorf("page = %+v", p)
	}

	_, err = c.Get(context.Background(), Request{URL: s.URL + "/away"})
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("redirect to a second local server: err = %v, want ErrBlocked", err)
	}
	if !strings.Contains(err.Error(), "redirected from "+s.URL+"/away") {
		t.Errorf("error %q should name the redirect", err)
	}
	_, err = c.Get(context.Background(), Request{URL: s.URL + "/local"})
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("redirect to localhost: err = %v, want ErrBlocked", err)
	}
	if n := other.hits.Load(); n != 0 {
		t.Errorf("second server got %d requests, want 0", n)
	}
}

func TestLocalNamesRefused(t *testing.T) {
	s := newServer(t, text("x"))
	port := fmt.Sprint(s.addrPort(t).Port())
	everything := func(netip.AddrPort) bool { return true } // the name rule must not depend on addresses
	c := New(Options{Allow: everything})
	for _, u := range []string{
		"http://localhost:" + port + "/",
		"http://LOCALHOST.:" + port + "/",
		"http://app.localhost:" + port + "/",
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://printer.local:" + port + "/",
		"http://wiki.corp.internal:" + port + "/",
		"http://router.home.arpa:" + port + "/",
		"http://intranet:" + port + "/", // one label: completed by the server's DNS search list
	} {
		_, err := c.Get(context.Background(), Request{URL: u})
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("%s: err = %v, want ErrBlocked", u, err)
		}
	}
	if n := s.hits.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

// fakeDNS answers every A or AAAA query with addr, so a "public-looking"
// name can resolve to loopback like a rebinding attacker's would.
func fakeDNS(t *testing.T, addr netip.Addr) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true})
			_ = b.StartQuestions()
			_ = b.Question(q)
			_ = b.StartAnswers()
			rh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
			switch {
			case q.Type == dnsmessage.TypeA && addr.Is4():
				_ = b.AResource(rh, dnsmessage.AResource{A: addr.As4()})
			case q.Type == dnsmessage.TypeAAAA && addr.Is6():
				_ = b.AAAAResource(rh, dnsmessage.AAAAResource{AAAA: addr.As16()})
			}
			msg, err := b.Finish()
			if err == nil {
				_, _ = pc.WriteTo(msg, from)
			}
		}
	}()
	dns := pc.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", dns)
	}}
}

func TestResolvedAddressIsChecked(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "host=", r.Host) })
	port := fmt.Sprint(s.addrPort(t).Port())
	target := "http://docs.example-rebind.test:" + port + "/"

	for _, a := range []string{"127.0.0.1", "::ffff:127.0.0.1"} {
		c := New(Options{})
		c.resolver = fakeDNS(t, netip.MustParseAddr(a))
		_, err := c.Get(context.Background(), Request{URL: target})
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("name resolving to %s: err = %v, want ErrBlocked", a, err)
		}
	}
	if n := s.hits.Load(); n != 0 {
		t.Fatalf("server got %d requests, want 0", n)
	}

	// Allowed: we connect to the address we checked, and the Host header keeps the name.
	c := New(Options{Allow: allowOnly(t, s)})
	c.resolver = fakeDNS(t, netip.MustParseAddr("127.0.0.1"))
	p, err := c.Get(context.Background(), Request{URL: target})
	if err != nil {
		t.Fatal(err)
	}
	if want := "host=docs.example-rebind.test:" + port; string(p.Body) != want {
		t.Errorf("body = %q, want %q", p.Body, want)
	}
}

func TestTransportIgnoresProxyEnvironment(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://203.0.113.1:3128")
	t.Setenv("HTTPS_PROXY", "http://203.0.113.1:3128")
	tr, ok := New(Options{}).hc.Transport.(*http.Transport)
	if !ok || tr.Proxy != nil {
		t.Fatal("transport must not use a proxy")
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	var method string
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		got, method = r.Header.Clone(), r.Method
	})
	if _, err := New(Options{Allow: allowOnly(t, s)}).Get(context.Background(), Request{URL: s.URL}); err != nil {
		t.Fatal(err)
	}
	if method != http.MethodGet {
		t.Errorf("method = %s", method)
	}
	if ua := got.Get("User-Agent"); ua != defaultUserAgent {
		t.Errorf("User-Agent = %q", ua)
	}
	if a := got.Get("Accept"); a != acceptHeader {
		t.Errorf("Accept = %q", a)
	}
	if got.Get("If-None-Match") != "" || got.Get("If-Modified-Since") != "" {
		t.Error("unconditional request sent validators")
	}
}

func TestTooLarge(t *testing.T) {
	big := strings.Repeat("x", 2000)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.Write([]byte(big[:1000]))
			w.(http.Flusher).Flush() // no Content-Length: the cap must apply while reading
			w.Write([]byte(big[1000:]))
			return
		}
		w.Header().Set("Content-Length", "2000")
		w.Write([]byte(big))
	})
	c := New(Options{Allow: allowOnly(t, s), MaxBytes: 1024})
	for _, p := range []string{"/sized", "/chunked"} {
		_, err := c.Get(context.Background(), Request{URL: s.URL + p})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", p, err)
		}
	}
	// Exactly at the limit is fine.
	c = New(Options{Allow: allowOnly(t, s), MaxBytes: 2000})
	if p, err := c.Get(context.Background(), Request{URL: s.URL + "/chunked"}); err != nil || len(p.Body) != 2000 {
		t.Errorf("at limit: %d bytes, %v", len(p.Body), err)
	}
}

func TestRedirects(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		switch {
		case r.URL.Path == "/loop-a":
			http.Redirect(w, r, "/loop-b", http.StatusFound)
		case r.URL.Path == "/loop-b":
			http.Redirect(w, r, "/loop-a", http.StatusMovedPermanently)
		case r.URL.Path == "/ftp":
			http.Redirect(w, r, "ftp://example.com/file", http.StatusFound)
		case r.URL.Path == "/final":
			text("arrived")(w, r)
		default:
			if _, err := fmt.Sscanf(r.URL.Path, "/chain/%d", &n); err != nil {
				http.NotFound(w, r)
			} else if n == 0 {
				http.Redirect(w, r, "/final", http.StatusFound)
			} else {
				http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusFound)
			}
		}
	})
	c := New(Options{Allow: allowOnly(t, s)})
	ctx := context.Background()

	if _, err := c.Get(ctx, Request{URL: s.URL + "/loop-a"}); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("loop: err = %v, want ErrTooManyRedirects", err)
	}
	before := s.hits.Load()
	if _, err := c.Get(ctx, Request{URL: s.URL + "/chain/20"}); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("long chain: err = %v, want ErrTooManyRedirects", err)
	}
	if n := s.hits.Load() - before; n != 6 { // the request plus 5 redirects
		t.Errorf("long chain made %d requests, want 6", n)
	}
	p, err := c.Get(ctx, Request{URL: s.URL + "/chain/3"})
	if err != nil || string(p.Body) != "arrived" || p.FinalURL != s.URL+"/final" || p.URL != s.URL+"/chain/3" {
		t.Errorf("short chain: %+v, %v", p, err)
	}
	if _, err := c.Get(ctx, Request{URL: s.URL + "/ftp"}); !errors.Is(err, ErrBadURL) {
		t.Errorf("redirect to ftp: err = %v, want ErrBadURL", err)
	}
	if _, err := New(Options{Allow: allowOnly(t, s), MaxRedirects: -1}).Get(ctx, Request{URL: s.URL + "/chain/0"}); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("MaxRedirects -1: err = %v, want ErrTooManyRedirects", err)
	}
}

func TestStatusError(t *testing.T) {
	s := newServer(t, http.NotFound)
	p, err := New(Options{Allow: allowOnly(t, s)}).Get(context.Background(), Request{URL: s.URL + "/missing"})
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 404 {
		t.Fatalf("err = %v, want *StatusError 404", err)
	}
	if want := s.URL + "/missing: HTTP 404 Not Found"; se.Error() != want {
		t.Errorf("Error() = %q, want %q", se.Error(), want)
	}
	if p.Status != 404 || p.Body != nil {
		t.Errorf("page = %+v", p)
	}
}

func TestConditionalGet(t *testing.T) {
	const etag, lastMod = `"v1"`, "Mon, 02 Jan 2006 15:04:05 GMT"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		text("the page")(w, r)
	})
	c := New(Options{Allow: allowOnly(t, s)})
	ctx := context.Background()
	p, err := c.Get(ctx, Request{URL: s.URL})
	if err != nil || p.NotModified || string(p.Body) != "the page" || p.ETag != etag || p.LastModified != lastMod {
		t.Fatalf("first fetch: %+v, %v", p, err)
	}
	for _, r := range []Request{{URL: s.URL, ETag: p.ETag}, {URL: s.URL, LastModified: p.LastModified}} {
		p, err := c.Get(ctx, r)
		if err != nil || !p.NotModified || p.Status != 304 || len(p.Body) != 0 {
			t.Errorf("conditional %+v: %+v, %v", r, p, err)
		}
	}
	p, err = c.Get(ctx, Request{URL: s.URL, ETag: `"v0"`})
	if err != nil || p.NotModified || string(p.Body) != "the page" {
		t.Errorf("stale ETag: %+v, %v", p, err)
	}
}

func TestGzipDecoded(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			text("uncompressed")(w, r)
			return
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte("<p>compressed page</p>"))
		zw.Close()
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(buf.Bytes())
	})
	p, err := New(Options{Allow: allowOnly(t, s)}).Get(context.Background(), Request{URL: s.URL})
	if err != nil || string(p.Body) != "<p>compressed page</p>" {
		t.Fatalf("Get = %q, %v", p.Body, err)
	}
}

func TestTimeout(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.Write([]byte("first part"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := New(Options{Allow: allowOnly(t, s), Timeout: 150 * time.Millisecond})
	for _, p := range []string{"/slow-headers", "/slow-body"} {
		start := time.Now()
		_, err := c.Get(context.Background(), Request{URL: s.URL + p})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err = %v, want DeadlineExceeded", p, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %s with a 150ms timeout", p, d)
		}
	}
	// The caller's own cancellation is reported as such.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := New(Options{Allow: allowOnly(t, s)}).Get(ctx, Request{URL: s.URL + "/slow-headers"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
}

func TestLinks(t *testing.T) {
	page, _ := url.Parse("https://example.com/docs/guide/intro.html")
	links := func(body, ct string) []string { return extractLinks([]byte(body), ct, page) }
	got := links(`<html><head><title>a <a href="/not-a-link"></title></head><body>
		<a href="setup.html">Setup</a>
		<a href="../faq.html#billing">FAQ</a>
		<a href="/docs/guide/setup.html#top">Setup again</a>
		<a href=" https://other.example.org/x?q=1 ">Other</a>
		<a href="#section">same page</a>
		<a href="mailto:help@example.com">mail</a>
		<a href="javascript:void(0)">js</a>
		<a href="tel:+123">tel</a>
		<a href="ftp://example.com/f">ftp</a>
		<a href="https://user:pw@example.com/secret">creds</a>
		<a href="//cdn.example.com/lib">protocol-relative</a>
		<a>no href</a>
		<area href="map.html">
		<iframe src="/embed"></iframe>
		<script>var s = '<a href="/in-script">';</script>
		<a href="setup.html">dup</a>
		<a href="/a?x=1&amp;y=2">entities</a>
	</body></html>`, "text/html; charset=utf-8")
	want := []string{
		"https://example.com/docs/guide/setup.html",
		"https://example.com/docs/faq.html",
		"https://other.example.org/x?q=1",
		"https://cdn.example.com/lib",
		"https://example.com/docs/guide/map.html",
		"https://example.com/embed",
		"https://example.com/a?x=1&y=2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("links:\n got %q\nwant %q", got, want)
	}

	// <base href> applies to the whole document, even links before it; only the first counts.
	got = links(`<a href="early">e</a><base href="https://static.example.net/root/"><base href="/ignored/"><a href="page">p</a><a href="/abs">a</a>`, "text/html")
	want = []string{"https://static.example.net/root/early", "https://static.example.net/root/page", "https://static.example.net/abs"}
	if !slices.Equal(got, want) {
		t.Errorf("base href:\n got %q\nwant %q", got, want)
	}

	// Relative base, and a non-UTF-8 page whose link has a non-ASCII path.
	got = links("<base href=\"sub/\"><a href=\"caf\xe9.html\">x</a>", "text/html; charset=iso-8859-1")
	want = []string{"https://example.com/docs/guide/sub/caf%C3%A9.html"}
	if !slices.Equal(got, want) {
		t.Errorf("charset/relative base:\n got %q\nwant %q", got, want)
	}

	// Through Get: HTML gets links resolved against the final URL, text gets none.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, "/new/", http.StatusMovedPermanently)
		case "/new/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<a href="child">c</a>`)
		default:
			text(`<a href="child">c</a>`)(w, r)
		}
	})
	c := New(Options{Allow: allowOnly(t, s)})
	p, err := c.Get(context.Background(), Request{URL: s.URL + "/old"})
	if err != nil || !slices.Equal(p.Links, []string{s.URL + "/new/child"}) {
		t.Errorf("Get links = %q, %v", p.Links, err)
	}
	p, err = c.Get(context.Background(), Request{URL: s.URL + "/plain"})
	if err != nil || p.Links != nil {
		t.Errorf("text page links = %q, %v", p.Links, err)
	}
}

// Each guard layer must hold on its own: the check after resolution in dial,
// and the socket-level Control re-check.
func TestGuardLayersIndependently(t *testing.T) {
	s := newServer(t, text("secret"))
	c := New(Options{})
	c.dialer.Control = nil
	if _, err := c.Get(context.Background(), Request{URL: s.URL}); !errors.Is(err, ErrBlocked) {
		t.Errorf("dial check alone: err = %v, want ErrBlocked", err)
	}
	addr := s.Listener.Addr().String()
	if err := New(Options{}).control("tcp4", addr, nil); !errors.Is(err, ErrBlocked) {
		t.Errorf("Control alone: err = %v, want ErrBlocked", err)
	}
	if err := New(Options{Allow: allowOnly(t, s)}).control("tcp4", addr, nil); err != nil {
		t.Errorf("Control with Allow: %v", err)
	}
	if n := s.hits.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

// TestCheckHost: what the URL itself shows is judged before any lookup, by the same policy
// as the dialer; names that merely resolve somewhere private are left to the dialer.
func TestCheckHost(t *testing.T) {
	for _, tc := range []struct {
		url                string
		strict, permissive bool // refused by the default policy, with AllowPrivate
	}{
		{"https://example.com/help", false, false},
		{"http://8.8.8.8/", false, false},
		{"https://[2606:4700::1111]/", false, false},
		{"http://docs.example-rebind.test/", false, false}, // resolves to loopback only in tests: the dialer's job
		{"http://127.0.0.1:18181/", true, false},
		{"http://[::1]:18181/", true, false},
		{"http://[::ffff:127.0.0.1]/", true, false},
		{"http://10.1.2.3/", true, false},
		{"http://192.168.1.1/", true, false},
		{"http://[fe80::1%25eth0]/", true, false},
		{"http://localhost:18181/", true, false},
		{"http://LOCALHOST./", true, false},
		{"http://app.localhost/", true, false},
		{"http://printer.local/", true, false},
		{"http://intranet/", true, false},
		{"http://169.254.169.254/latest/meta-data/", true, true},
		{"http://[fd00:ec2::254]/", true, true},
		{"http://metadata.google.internal/", true, true},
	} {
		u, err := CheckURL(tc.url)
		if err != nil {
			t.Fatalf("CheckURL(%q): %v", tc.url, err)
		}
		for _, c := range []struct {
			opts Options
			want bool
		}{{Options{}, tc.strict}, {Options{AllowPrivate: true}, tc.permissive}} {
			err := New(c.opts).CheckHost(u)
			if got := errors.Is(err, ErrBlocked); got != c.want || err != nil && !got {
				t.Errorf("CheckHost(%s) with AllowPrivate=%v = %v, want refused %v", tc.url, c.opts.AllowPrivate, err, c.want)
			}
		}
	}
	// Options.Allow decides for IP literals, as it does when dialling.
	u, _ := CheckURL("http://127.0.0.1:18181/")
	allow := func(ap netip.AddrPort) bool { return ap == netip.MustParseAddrPort("127.0.0.1:18181") }
	if err := New(Options{Allow: allow}).CheckHost(u); err != nil {
		t.Errorf("CheckHost with Allow: %v", err)
	}
	u, _ = CheckURL("http://127.0.0.1/")
	if err := New(Options{Allow: allow}).CheckHost(u); !errors.Is(err, ErrBlocked) {
		t.Errorf("CheckHost on port 80 with Allow for 18181: %v", err)
	}
}

// TestExplain: each way a fetch fails reads as a sentence for people, without the
// addresses and resolvers the log gets.
func TestExplain(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
		case "/inside":
			http.Redirect(w, r, "http://127.0.0.1:9/", http.StatusFound)
		case "/ftp":
			http.Redirect(w, r, "ftp://example.com/file", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/slow":
			<-r.Context().Done()
		default:
			w.Header().Set("Content-Length", strconv.Itoa(3<<20)) // refused before the body is read
			text(strings.Repeat("x", 3<<20))(w, r)
		}
	})
	ctx := context.Background()
	fetched := func(path string) error {
		timeout := time.Minute // no test waits for it: only /slow runs into its timeout
		if path == "/slow" {
			timeout = 300 * time.Millisecond
		}
		_, err := New(Options{Allow: allowOnly(t, s), Timeout: timeout, MaxBytes: 2 << 20}).Get(ctx, Request{URL: s.URL + path})
		return err
	}
	c := New(Options{Allow: allowOnly(t, s)})
	_, blocked := New(Options{}).Get(ctx, Request{URL: s.URL + "/"})
	_, badURL := c.Get(ctx, Request{URL: "ftp://example.com/"})
	notFound := fmt.Errorf("fetch: http://nonexistent.invalid/: %w", &url.Error{Op: "Get", URL: "http://nonexistent.invalid/",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "nonexistent.invalid", Server: "10.255.255.53:53", IsNotFound: true}}})
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"private", blocked, "This address is on a private or local network; the agent only reads public web pages. Pages on your own network need the server setting knowledge.allow_private_urls."},
		{"redirect inside", fetched("/inside"), "The page redirected to an address on a private or local network; the agent only reads public web pages. Pages on your own network need the server setting knowledge.allow_private_urls."},
		{"metadata", New(Options{}).CheckHost(&url.URL{Scheme: "http", Host: "169.254.169.254"}), "This is the address of a cloud metadata service, which the agent never reads."},
		{"404", fetched("/missing"), "The page answered 404 Not Found."},
		{"timeout", fetched("/slow"), "The page did not answer within 0.3 s."},
		{"too large", fetched("/big"), "The page is larger than the 2 MB limit."},
		{"loop", fetched("/loop"), "The page redirected too many times, or in a loop."},
		{"redirect to ftp", fetched("/ftp"), `The page redirected to an address that cannot be fetched: scheme "ftp" is not supported (only http and https).`},
		{"bad URL", badURL, `The address cannot be fetched: scheme "ftp" is not supported (only http and https).`},
		{"unknown host", notFound, "The site could not be found (nonexistent.invalid)."},
		{"DNS down", &net.DNSError{Err: "server misbehaving", Name: "example.com", IsTemporary: true}, "The site's name (example.com) could not be looked up; this is usually temporary."},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, "The site refused the connection."},
		{"not a fetch error", errors.New("disk full"), ""},
	} {
		if got := Explain(tc.err); got != tc.want {
			t.Errorf("%s: Explain(%v) = %q, want %q", tc.name, tc.err, got, tc.want)
		}
	}
	// The detail stays in the error for the log.
	if !strings.Contains(blocked.Error(), "127.0.0.1") || !errors.Is(fetched("/slow"), context.DeadlineExceeded) || !errors.Is(fetched("/big"), ErrTooLarge) {
		t.Errorf("errors lost their detail: %v", blocked)
	}
}
