package ratelimit

import "net/netip"

// AddressKey is the key of a client's address in every per-address limit. An IPv4
// address counts as itself; an IPv6 address by its /64, because one host (one home, one
// server) is usually given a whole /64 and could take a new address for every request;
// an IPv4-mapped IPv6 address (::ffff:192.0.2.1) is its IPv4 address. What is not an
// address is kept as it is.
func AddressKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}
