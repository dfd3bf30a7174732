package mailbox

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"

	"agent/app/fetch"
)

// SettingAllowPrivate is the install's setting that lets mailboxes be on loopback and
// private addresses (a mail server on the same machine or network).
const SettingAllowPrivate = "email.allow_private_hosts"

// Network is how the intake, the sender and the connection test reach a mailbox's
// servers. Their host and port are typed by a workspace's admin, so, as for the
// knowledge's web pages, connections are checked by app/fetch's address policy: without
// the install's permission, an admin could probe the server's own network with them.
type Network struct {
	// Dial connects under the install's policy (fetch.Client.DialContext); nil refuses
	// loopback, private and local addresses.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLS configures TLS connections (its ServerName is set per server); nil verifies
	// servers against the system's roots.
	TLS *tls.Config
}

// NewNetwork returns the Network of an install that allows private hosts or not.
func NewNetwork(allowPrivate bool) Network {
	return Network{Dial: fetch.New(fetch.Options{AllowPrivate: allowPrivate, Setting: SettingAllowPrivate}).DialContext}
}

var publicOnly = NewNetwork(false)

// dial connects to sv by TCP, within ctx's deadline; the caller adds TLS.
func (n Network) dial(ctx context.Context, proto string, sv Server) (net.Conn, error) {
	dial := n.Dial
	if dial == nil {
		dial = publicOnly.Dial
	}
	addr := net.JoinHostPort(sv.Host, strconv.Itoa(sv.Port))
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: connect: %w", proto, addr, err)
	}
	return conn, nil
}

// tlsConfig is the TLS configuration for a connection to host.
func (n Network) tlsConfig(host string) *tls.Config {
	conf := &tls.Config{}
	if n.TLS != nil {
		conf = n.TLS.Clone()
	}
	conf.ServerName = host
	return conf
}
