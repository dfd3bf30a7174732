package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	graphVersion = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)
	logLevels    = []string{"debug", "info", "warn", "error"}
	logFormats   = []string{"text", "json"}
)

// keyError is a problem with one key's value. Load fills in source (the
// file, environment variable or "command line" that set the key) so the
// message says where to fix it.
type keyError struct {
	key, msg, source string
}

func (e *keyError) Error() string {
	s := "config: " + e.key + ": " + e.msg
	if e.source != "" {
		s += " (from " + e.source + ")"
	}
	return oneLine(s)
}

// Validate checks every setting so that mistakes stop start-up instead of
// surfacing later, and normalises c in place: URLs lose their trailing
// slash, and Data.Dir is created if missing, proven writable and made
// absolute so later code does not depend on the working directory. Load
// calls it; the error is a single line naming the first offending key.
func (c *Config) Validate() error {
	if msg := checkListen(c.Server.Listen); msg != "" {
		return &keyError{key: "server.listen", msg: msg}
	}
	if c.Server.BaseURL != "" {
		u, msg := checkHTTPURL(c.Server.BaseURL)
		if msg != "" {
			return &keyError{key: "server.base_url", msg: msg}
		}
		c.Server.BaseURL = u
	}
	if err := checkDuration("server.shutdown_timeout", c.Server.ShutdownTimeout); err != nil {
		return err
	}
	if n := c.Server.MinFreeMB; n < 0 {
		return &keyError{key: "server.min_free_mb", msg: fmt.Sprintf("must not be negative (got %d)", n)}
	}
	if !slices.Contains(logLevels, c.Log.Level) {
		return &keyError{key: "log.level", msg: fmt.Sprintf("%q is not one of %s", c.Log.Level, strings.Join(logLevels, ", "))}
	}
	if !slices.Contains(logFormats, c.Log.Format) {
		return &keyError{key: "log.format", msg: fmt.Sprintf("%q is not one of %s", c.Log.Format, strings.Join(logFormats, ", "))}
	}
	u, msg := checkHTTPURL(c.LLM.URL)
	if msg != "" {
		return &keyError{key: "llm.url", msg: msg}
	}
	c.LLM.URL = u
	if err := checkDuration("llm.timeout", c.LLM.Timeout); err != nil {
		return err
	}
	if err := checkDuration("auth.session_ttl", c.Auth.SessionTTL); err != nil {
		return err
	}
	switch n := c.Auth.LoginAttempts; {
	case n < 0:
		return &keyError{key: "auth.login_attempts", msg: fmt.Sprintf("must not be negative (got %d)", n)}
	case n == 0:
		return &keyError{key: "auth.login_attempts", msg: "must be at least 1 (got 0)"}
	}
	if err := checkDuration("auth.login_window", c.Auth.LoginWindow); err != nil {
		return err
	}
	if n := c.Knowledge.MaxFileMB; n < 1 {
		return &keyError{key: "knowledge.max_file_mb", msg: fmt.Sprintf("must be at least 1 (got %d)", n)}
	}
	if d := c.Knowledge.SyncInterval; d < 0 {
		return &keyError{key: "knowledge.sync_interval", msg: fmt.Sprintf("must not be negative (got %s)", d)}
	}
	if n := c.Knowledge.CrawlMaxPages; n < 1 || n > 1000 {
		return &keyError{key: "knowledge.crawl_max_pages", msg: fmt.Sprintf("must be between 1 and 1000 (got %d)", n)}
	}
	if n := c.Knowledge.MaxChunksPerSource; n < 1 {
		return &keyError{key: "knowledge.max_chunks_per_source", msg: fmt.Sprintf("must be at least 1 (got %d)", n)}
	}
	if n := c.Chat.MessagesPerMinute; n < 1 {
		return &keyError{key: "chat.messages_per_minute", msg: fmt.Sprintf("must be at least 1 (got %d)", n)}
	}
	if n := c.Chat.IPRequestsPerMinute; n < 1 {
		return &keyError{key: "chat.ip_requests_per_minute", msg: fmt.Sprintf("must be at least 1 (got %d)", n)}
	}
	if d := c.Chat.RecoverWithin; d < 0 || d > 24*time.Hour {
		return &keyError{key: "chat.recover_within", msg: fmt.Sprintf("must be between 0 and 24h (got %s)", d)}
	}
	if n := c.Chat.StreamsPerVisitor; n < 1 {
		return &keyError{key: "chat.streams_per_visitor", msg: fmt.Sprintf("must be at least 1 (got %d)", n)}
	}
	if n := c.Chat.StreamsPerIP; n < 1 {
		return &keyError{key: "chat.streams_per_ip", msg: fmt.Sprintf("must be at least 1 (got %d)", n)}
	}
	graphURL, msg := checkHTTPURL(c.Meta.GraphURL)
	if msg != "" {
		return &keyError{key: "meta.graph_url", msg: msg}
	}
	c.Meta.GraphURL = graphURL
	if !graphVersion.MatchString(c.Meta.GraphVersion) {
		return &keyError{key: "meta.graph_version", msg: fmt.Sprintf("%q is not a Graph API version such as v25.0", c.Meta.GraphVersion)}
	}
	if n := c.Meta.WebhookRequestsPerMinute; n < 1 {
		return &keyError{key: "meta.webhook_requests_per_minute", msg: fmt.Sprintf("must be at least 1 (got %d)", n)}
	}
	if err := c.validateOperations(); err != nil {
		return err
	}
	// Last: it is the only check with side effects on disk.
	dir, msg := prepareDir(c.Data.Dir)
	if msg != "" {
		return &keyError{key: "data.dir", msg: msg}
	}
	c.Data.Dir = dir
	return nil
}

// checkListen accepts host:port with a numeric port 0-65535; the host may be
// empty (all interfaces).
func checkListen(s string) string {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Sprintf("%q is not a host:port address", s)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Sprintf("%q is not a host:port address (port must be a number 0-65535)", s)
	}
	return ""
}

// checkHTTPURL accepts an absolute http or https URL without query or
// fragment and returns it without trailing slashes.
func checkHTTPURL(s string) (string, string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Sprintf("%q is not an absolute http or https URL", s)
	}
	if strings.ContainsAny(s, "?#") {
		return "", fmt.Sprintf("%q must not have a query or fragment", s)
	}
	return strings.TrimRight(s, "/"), ""
}

func checkDuration(key string, d time.Duration) error {
	if d <= 0 {
		return &keyError{key: key, msg: fmt.Sprintf("must be positive (got %s)", d)}
	}
	return nil
}

// prepareDir creates dir if needed, proves it writable by creating and
// removing a temporary file, and returns its absolute path.
func prepareDir(dir string) (string, string) {
	if strings.TrimSpace(dir) == "" {
		return "", "must not be empty"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Sprintf("%s is not writable: %v", dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return "", fmt.Sprintf("%s is not writable: %v", dir, err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Sprintf("%s is not writable: %v", dir, err)
	}
	if err := os.Remove(name); err != nil {
		return "", fmt.Sprintf("%s is not writable: %v", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Sprintf("%s cannot be made absolute: %v", dir, err)
	}
	return abs, ""
}
