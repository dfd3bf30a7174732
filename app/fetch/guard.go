package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// ErrBlocked reports that a URL or host resolved to a loopback, private, link-local or
// otherwise non-public address (or a local-only host name). Connecting to it on an
// admin's behalf would let anyone with admin access probe the server's own
// network (SSRF), so it is refused unless the install's setting (Options.Setting) allows it.
var ErrBlocked = errors.New("not a public address")

// blockedError says which address or name was refused and why; it unwraps to
// ErrBlocked.
type blockedError struct {
	what    string // "address 127.0.0.1" or "host localhost"
	why     string // "loopback (127.0.0.0/8)"
	setting string // the setting that lifts the block, when one does
}

func (e *blockedError) Error() string {
	s := e.what + " is " + e.why
	if e.setting != "" {
		s += " (set " + e.setting + " to allow)"
	}
	return s
}

func (e *blockedError) Unwrap() error { return ErrBlocked }

type netRange struct {
	prefix netip.Prefix
	why    string
}

func ranges(pairs ...string) []netRange {
	out := make([]netRange, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, netRange{netip.MustParsePrefix(pairs[i]), pairs[i+1]})
	}
	return out
}

// blockedRanges are never dialled under the default policy. Specific entries
// come before the wider ones that contain them so the reason is precise.
var blockedRanges = ranges(
	// IPv4
	"0.0.0.0/8", "unspecified (\"this network\")",
	"10.0.0.0/8", "private",
	"100.64.0.0/10", "carrier-grade NAT (shared address space)",
	"127.0.0.0/8", "loopback",
	"169.254.0.0/16", "link-local / cloud metadata",
	"172.16.0.0/12", "private",
	"192.0.0.0/24", "IETF protocol assignments",
	"192.0.2.0/24", "documentation (TEST-NET-1)",
	"192.88.99.0/24", "6to4 relay anycast",
	"192.168.0.0/16", "private",
	"198.18.0.0/15", "benchmarking",
	"198.51.100.0/24", "documentation (TEST-NET-2)",
	"203.0.113.0/24", "documentation (TEST-NET-3)",
	"224.0.0.0/4", "multicast",
	"240.0.0.0/4", "reserved or broadcast",
	// IPv6
	"::/128", "unspecified",
	"::1/128", "loopback",
	"::/96", "IPv4-compatible (deprecated)",
	"64:ff9b:1::/48", "local-use NAT64",
	"100::/64", "discard-only",
	"2001:db8::/32", "documentation",
	"fc00::/7", "private (unique local)",
	"fe80::/10", "link-local",
	"fec0::/10", "site-local (deprecated)",
	"ff00::/8", "multicast",
)

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// blockReason returns why a may not be dialled under the built-in policy, or ""
// when it is a public unicast address. IPv4-mapped, NAT64 and 6to4 addresses
// are judged by the IPv4 address they carry.
func blockReason(a netip.Addr) string {
	if !a.IsValid() {
		return "not a valid IP address"
	}
	a = a.WithZone("").Unmap()
	if a.Is6() {
		b := a.As16()
		var inner netip.Addr
		switch {
		case nat64.Contains(a):
			inner = netip.AddrFrom4([4]byte(b[12:16]))
		case sixToFour.Contains(a):
			inner = netip.AddrFrom4([4]byte(b[2:6]))
		}
		if inner.IsValid() {
			if why := blockReason(inner); why != "" {
				return "a translation of " + inner.String() + ", which is " + why
			}
		}
	}
	for _, r := range blockedRanges {
		if r.prefix.Contains(a) {
			return r.why + " (" + r.prefix.String() + ")"
		}
	}
	// Backstop in case the table above misses something the standard library knows.
	if a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsMulticast() ||
		a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		return "not a public unicast address"
	}
	return ""
}

// localSuffixes are the domains that exist only inside a network: localhost (RFC 6761),
// mDNS (.local, RFC 6762), home networks (.home.arpa, RFC 8375), ICANN's private-use
// .internal, and the .localdomain and .lan of home routers. No public page lives there.
var localSuffixes = []string{".localhost", ".local", ".home.arpa", ".internal", ".localdomain", ".lan"}

// localName reports whether host is a name that only ever means "this machine", the
// local network or a cloud metadata service, whatever DNS says. A name of one label
// ("intranet", "metadata") is completed by the server's DNS search list, so it is local
// too. IP literals are judged by their address, not here.
func localName(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if _, err := netip.ParseAddr(h); err == nil || h == "" {
		return false
	}
	if h == "localhost" || !strings.Contains(h, ".") {
		return true
	}
	for _, s := range localSuffixes {
		if strings.HasSuffix(h, s) || h == s[1:] {
			return true
		}
	}
	return false
}

// whyMetadata is the reason given for a metadata service, which Explain names as such.
const whyMetadata = "a cloud metadata service"

// metadataAddrs are the cloud instance-metadata endpoints. They stay blocked even with
// AllowPrivate: an intranet wiki never lives there, and they hand out credentials.
var metadataAddrs = []netip.Addr{netip.MustParseAddr("169.254.169.254"), netip.MustParseAddr("fd00:ec2::254")}

// permitHost applies the host-name part of the policy (before any DNS lookup).
func (c *Client) permitHost(host string) error {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "metadata.google.internal") {
		return &blockedError{what: "host " + host, why: whyMetadata}
	}
	if c.opts.AllowPrivate || !localName(host) {
		return nil
	}
	return &blockedError{what: "host " + host, why: "a local-only name", setting: c.opts.Setting}
}

// CheckHost applies the policy to what a URL shows before any DNS lookup: a local-only
// name, or an IP literal that may not be dialled, so that an admin hears of it at once.
// A name that resolves to such an address can only be caught when it is fetched.
// Errors wrap ErrBlocked.
func (c *Client) CheckHost(u *url.URL) error {
	host := u.Hostname()
	if err := c.permitHost(host); err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil
	}
	port := uint64(80)
	if u.Scheme == "https" {
		port = 443
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.ParseUint(p, 10, 16); err != nil {
			return &urlError{raw: u.String(), why: fmt.Sprintf("invalid port %q", p)}
		}
	}
	return c.permit(netip.AddrPortFrom(ip.WithZone(""), uint16(port)))
}

// permit decides whether ap may be dialled: Options.Allow when set, else
// everything with AllowPrivate, else public addresses only.
func (c *Client) permit(ap netip.AddrPort) error {
	ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	if c.opts.Allow != nil {
		if c.opts.Allow(ap) {
			return nil
		}
		return &blockedError{what: "address " + ap.String(), why: "not permitted by Options.Allow"}
	}
	for _, m := range metadataAddrs {
		if ap.Addr() == m {
			return &blockedError{what: "address " + ap.Addr().String(), why: whyMetadata}
		}
	}
	if c.opts.AllowPrivate {
		return nil
	}
	if why := blockReason(ap.Addr()); why != "" {
		return &blockedError{what: "address " + ap.Addr().String(), why: why, setting: c.opts.Setting}
	}
	return nil
}

// DialContext connects to addr ("host:port") under the client's policy, for HTTP and for
// other protocols an admin points the server at (a mailbox's IMAP and SMTP servers). It
// resolves the host itself, checks every address it resolves to, and then connects to a
// checked IP literal, so a DNS answer that changes between the check and the connection
// (rebinding) cannot slip through.
func (c *Client) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("invalid port %q", portStr)
	}
	if err := c.permitHost(host); err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		family := "ip"
		switch network {
		case "tcp4":
			family = "ip4"
		case "tcp6":
			family = "ip6"
		}
		ips, err = c.resolver.LookupNetIP(ctx, family, host)
		if err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	// Refuse outright if any address is blocked: a name that mixes public and
	// private answers is not one we want to half-trust.
	targets := make([]netip.AddrPort, 0, len(ips))
	for _, ip := range ips {
		ap := netip.AddrPortFrom(ip.Unmap(), uint16(port))
		if err := c.permit(ap); err != nil {
			return nil, err
		}
		targets = append(targets, ap)
	}
	var first error
	for _, ap := range targets {
		conn, err := c.dialer.DialContext(ctx, network, ap.String())
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// control re-checks the socket's actual peer address just before connect, as
// defence in depth should anything ever dial without going through dial.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("unexpected dial address %q", address)
	}
	return c.permit(ap)
}
