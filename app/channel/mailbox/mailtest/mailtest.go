// Package mailtest runs real mail servers in process, for tests: an SMTP server that keeps
// what it receives (go-smtp) and an IMAP mailbox (go-imap's in-memory server), both on
// 127.0.0.1 without TLS, each logging in one user with PLAIN.
package mailtest

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP is an SMTP server that keeps the mail it accepts.
type SMTP struct {
	Port int

	user, password string
	mu             sync.Mutex
	got            []Received
	refuse         bool
	hangUp         Moment
}

// Moment is when the server closes the connection of a mail it takes.
type Moment int

// The moments a server may hang up.
const (
	Never       Moment = iota
	BeforeReply        // the mail kept, the connection lost before the server said so
	AfterReply         // the mail kept and said so, the connection lost before QUIT
)

// Received is one accepted mail, with its envelope.
type Received struct {
	From, To string
	Header   mail.Header
	Body     string
}

// NewSMTP starts an SMTP server that accepts mail from user logged in with password; it
// stops with the test.
func NewSMTP(t testing.TB, user, password string) *SMTP {
	t.Helper()
	s := &SMTP{user: user, password: password}
	srv := smtp.NewServer(s)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	s.Port = listen(t, func(l net.Listener) { srv.Serve(l) })
	t.Cleanup(func() { srv.Close() })
	return s
}

// Received returns the mail accepted so far.
func (s *SMTP) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

// Refuse makes the server refuse every recipient (550 5.1.1) while on.
func (s *SMTP) Refuse(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = on
}

// HangUp makes the server close the connection of each mail it takes, at moment when.
func (s *SMTP) HangUp(when Moment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangUp = when
}

// NewSession is smtp.Backend's.
func (s *SMTP) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }

type session struct {
	s        *SMTP
	conn     *smtp.Conn
	authed   bool
	from, to string
	took     bool
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != se.s.user || pass != se.s.password {
			return errors.New("bad credentials")
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.s.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	se.to = to
	return nil
}

func (se *session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(m.Body)
	if err != nil {
		return err
	}
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	se.s.got = append(se.s.got, Received{se.from, se.to, m.Header, string(body)})
	se.took = true
	if se.s.hangUp == BeforeReply {
		se.conn.Conn().Close() // not Conn.Close, which waits for this command
	}
	return nil
}

// Reset follows the server's reply to the data.
func (se *session) Reset() {
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.took && se.s.hangUp == AfterReply {
		se.conn.Conn().Close() // not Conn.Close, which waits for this command
	}
	se.took = false
}

func (se *session) Logout() error { return nil }

// IMAP is a mailbox served over IMAP, with an INBOX.
type IMAP struct {
	Port int
	user *imapmemserver.User

	noIdle   bool
	sessions atomic.Int64
	idles    atomic.Int64
	mu       sync.Mutex
	open     map[*conn]bool
}

// NewIMAP serves the mailbox of user, who logs in with password; it stops with the test.
// The server has IDLE (go-imap's server has it with IMAP4rev1 and IMAP4rev2).
func NewIMAP(t testing.TB, user, password string) *IMAP {
	return newIMAP(t, user, password, false)
}

// NewIMAPWithoutIdle serves the mailbox as NewIMAP does, but the server does not tell
// that it has IDLE, as some servers do not: clients poll it.
func NewIMAPWithoutIdle(t testing.TB, user, password string) *IMAP {
	return newIMAP(t, user, password, true)
}

func newIMAP(t testing.TB, user, password string, noIdle bool) *IMAP {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, password)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	if noIdle {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}} // IMAP4rev2 includes IDLE
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return checkingSession{mem.NewSession().(imapserver.SessionIMAP4rev2)}, nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0), // a dropped connection is the test's doing
	})
	m := &IMAP{user: u, noIdle: noIdle, open: map[*conn]bool{}}
	m.Port = listen(t, func(l net.Listener) { srv.Serve(&listener{l, m}) })
	t.Cleanup(func() { srv.Close() })
	return m
}

// checkingSession is go-imap's in-memory session with an IDLE that looks for changes every
// 20 ms, as servers that check their storage while a client idles do: the in-memory
// server's own IDLE sends only the changes made after it began, so a mail that arrived
// between the client's last command and its IDLE would wait for the next command.
type checkingSession struct{ imapserver.SessionIMAP4rev2 }

func (s checkingSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		if err := s.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-t.C:
		}
	}
}

// Sessions counts the connections the server has accepted.
func (m *IMAP) Sessions() int { return int(m.sessions.Load()) }

// Idles counts the IDLE commands clients have sent.
func (m *IMAP) Idles() int { return int(m.idles.Load()) }

// Open counts the connections open now.
func (m *IMAP) Open() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.open)
}

// Drop closes every open connection, as a server restart or a network failure does.
func (m *IMAP) Drop() {
	m.mu.Lock()
	all := make([]*conn, 0, len(m.open))
	for c := range m.open {
		all = append(all, c)
	}
	m.mu.Unlock()
	for _, c := range all {
		c.Close()
	}
}

// listener tracks the server's connections.
type listener struct {
	net.Listener
	m *IMAP
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &conn{Conn: c, m: l.m}
	l.m.sessions.Add(1)
	l.m.mu.Lock()
	l.m.open[tc] = true
	l.m.mu.Unlock()
	return tc, nil
}

// conn counts the client's IDLE commands and, on a server without IDLE, takes IDLE out of
// the capabilities the server writes (go-imap's server lists it in any case).
type conn struct {
	net.Conn
	m *IMAP
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.m.idles.Add(int64(bytes.Count(p[:n], []byte(" IDLE\r\n"))))
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	if !c.m.noIdle {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(bytes.ReplaceAll(p, []byte(" IDLE"), nil)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c *conn) Close() error {
	c.m.mu.Lock()
	delete(c.m.open, c)
	c.m.mu.Unlock()
	return c.Conn.Close()
}

// Deliver puts a mail into the INBOX; its line ends become CRLF.
func (m *IMAP) Deliver(t testing.TB, raw string) {
	t.Helper()
	raw = strings.ReplaceAll(strings.ReplaceAll(strings.TrimLeft(raw, "\n"), "\r\n", "\n"), "\n", "\r\n")
	if _, err := m.user.Append("INBOX", bytes.NewReader([]byte(raw)), &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
}

// Recreate deletes the INBOX and makes it anew, empty, with another UIDVALIDITY.
func (m *IMAP) Recreate(t testing.TB) {
	t.Helper()
	if err := m.user.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := m.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
}

// Unseen counts the INBOX's mail without the \Seen flag.
func (m *IMAP) Unseen(t testing.TB) uint32 {
	t.Helper()
	st, err := m.user.Status("INBOX", &imap.StatusOptions{NumUnseen: true})
	if err != nil || st.NumUnseen == nil {
		t.Fatalf("mailtest: status: %v", err)
	}
	return *st.NumUnseen
}

func listen(t testing.TB, serve func(net.Listener)) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go serve(l)
	return l.Addr().(*net.TCPAddr).Port
}
