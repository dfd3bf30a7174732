package ratelimit

import (
	"testing"
	"time"
)

func TestAddressKey(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"192.0.2.2", "192.0.2.2"}, // IPv4 stays per address
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:DB8:1:2::FFFF", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"}, // the next /64 is another client
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
		{"not an address", "not an address"},
		{"", ""},
	} {
		if got := AddressKey(c.addr); got != c.want {
			t.Errorf("AddressKey(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
	// One limiter keyed this way: a host that walks its /64 is one client.
	l := New(2, time.Hour)
	for i, addr := range []string{"2001:db8::1", "2001:db8::2"} {
		if ok, _ := l.Allow(AddressKey(addr)); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if ok, _ := l.Allow(AddressKey("2001:db8::3")); ok {
		t.Error("a third address of the same /64 was not limited")
	}
	if ok, _ := l.Allow(AddressKey("2001:db8:0:1::1")); !ok {
		t.Error("another /64 was limited")
	}
}
