// Package config defines and loads the settings of the agent support server.
//
// Settings come from four layers, each overriding the one before it:
// built-in defaults (Default), a TOML file, AGENT_* environment variables and
// command-line overrides. The defaults alone give a working server, so a
// fresh install needs no file at all. Every problem — an unknown key, a value
// of the wrong type, an invalid setting — stops start-up with a single line
// naming the key and, when known, where the bad value came from.
package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Config is the complete, validated configuration of the server. It is a
// plain value so that the rest of the program never looks at files or the
// environment again.
type Config struct {
	Server    ServerConfig    `koanf:"server"`
	Data      DataConfig      `koanf:"data"`
	Log       LogConfig       `koanf:"log"`
	LLM       LLMConfig       `koanf:"llm"`
	Auth      AuthConfig      `koanf:"auth"`
	Knowledge KnowledgeConfig `koanf:"knowledge"`
	Chat      ChatConfig      `koanf:"chat"`
	Meta      MetaConfig      `koanf:"meta"`
	Email     EmailConfig     `koanf:"email"`
	Webhooks  WebhooksConfig  `koanf:"webhooks"`
	Metrics   MetricsConfig   `koanf:"metrics"`
	Backup    BackupConfig    `koanf:"backup"`
}

// ServerConfig holds the [server] table: how the HTTP server is reached.
type ServerConfig struct {
	// Listen is the host:port the HTTP server listens on.
	Listen string `koanf:"listen"`
	// BaseURL is the public URL used in links; "" derives it from the request.
	// After validation it has no trailing slash.
	BaseURL string `koanf:"base_url"`
	// SecureCookies forces the Secure cookie flag; it is also set
	// automatically when BaseURL is https or the request came over TLS.
	SecureCookies bool `koanf:"secure_cookies"`
	// TrustProxy honours X-Forwarded-For / X-Forwarded-Proto; enable it only
	// behind a reverse proxy, since clients could otherwise spoof them.
	TrustProxy bool `koanf:"trust_proxy"`
	// ShutdownTimeout bounds how long in-flight requests get on shutdown.
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout"`
	// MinFreeMB is the free space on data.dir's disk, in megabytes, below which /healthz
	// warns and owners and admins see a warning in the admin; 0 turns the warning off.
	MinFreeMB int `koanf:"min_free_mb"`
}

// DataConfig holds the [data] table: where state is kept on disk.
type DataConfig struct {
	// Dir holds the SQLite database and uploads. After Load it is absolute,
	// exists and is known to be writable.
	Dir string `koanf:"dir"`
}

// LogConfig holds the [log] table: how much is logged and in what shape.
type LogConfig struct {
	// Level is one of debug, info, warn, error.
	Level string `koanf:"level"`
	// Format is text (for people) or json (for log collectors).
	Format string `koanf:"format"`
}

// LLMConfig holds the [llm] table: the Ollama server and models to use.
type LLMConfig struct {
	// URL is the base URL of the Ollama server, without a trailing slash
	// after validation.
	URL string `koanf:"url"`
	// ChatModel generates answers; "" selects extractive mode, where answers
	// are quoted from the knowledge base.
	ChatModel string `koanf:"chat_model"`
	// EmbedModel computes embeddings; "" means keyword retrieval only.
	EmbedModel string `koanf:"embed_model"`
	// Timeout bounds one model call.
	Timeout time.Duration `koanf:"timeout"`
}

// AuthConfig holds the [auth] table: logins and their throttling.
type AuthConfig struct {
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration `koanf:"session_ttl"`
	// LoginAttempts is how many failed logins are allowed per email+IP
	// within LoginWindow.
	LoginAttempts int `koanf:"login_attempts"`
	// LoginWindow is the period over which failed logins are counted.
	LoginWindow time.Duration `koanf:"login_window"`
}

// KnowledgeConfig holds the [knowledge] table: uploads and web sources.
type KnowledgeConfig struct {
	// MaxFileMB bounds one uploaded file, in megabytes.
	MaxFileMB int `koanf:"max_file_mb"`
	// AllowPrivateURLs lets URL sources reach loopback and private addresses
	// (an intranet wiki); off by default so a URL cannot probe the network.
	AllowPrivateURLs bool `koanf:"allow_private_urls"`
	// SyncInterval is how often web pages are fetched again; 0 turns
	// scheduled syncs off (re-sync on demand still works).
	SyncInterval time.Duration `koanf:"sync_interval"`
	// CrawlMaxPages is the default page cap of "import related URLs" (at most 1000).
	CrawlMaxPages int `koanf:"crawl_max_pages"`
	// MaxChunksPerSource bounds the chunks one file, page or article may make; a
	// source with more is refused with its count.
	MaxChunksPerSource int `koanf:"max_chunks_per_source"`
}

// ChatConfig holds the [chat] table: limits of the public chat widget.
type ChatConfig struct {
	// MessagesPerMinute is how many messages one visitor may send per minute.
	MessagesPerMinute int `koanf:"messages_per_minute"`
	// IPRequestsPerMinute is how many widget requests one IP address may make per minute.
	IPRequestsPerMinute int `koanf:"ip_requests_per_minute"`
	// RecoverWithin is how old a customer's message left unanswered by a stop (a crash, a
	// kill) may be for the AI to answer it at the next start; an older one goes to a
	// person, since the customer has likely left and a late bot answer helps no one.
	RecoverWithin time.Duration `koanf:"recover_within"`
	// StreamsPerVisitor is how many live event streams one visitor may hold open (a tab
	// with the chat open holds one): each holds a connection and a file descriptor.
	StreamsPerVisitor int `koanf:"streams_per_visitor"`
	// StreamsPerIP is how many widget event streams one IP address may hold open, for
	// all the visitors behind it (an office, a mobile carrier's NAT).
	StreamsPerIP int `koanf:"streams_per_ip"`
}

// MetaConfig holds the [meta] table: Meta's Graph API, which WhatsApp and Messenger
// channels send through, and their webhooks.
type MetaConfig struct {
	// GraphURL is the Graph API's base URL, without a trailing slash after validation
	// (tests and a proxy point it elsewhere).
	GraphURL string `koanf:"graph_url"`
	// GraphVersion is the API version in every request's path ("v25.0").
	GraphVersion string `koanf:"graph_version"`
	// WebhookRequestsPerMinute is how many webhook requests one channel takes per minute;
	// Meta retries those refused with 429.
	WebhookRequestsPerMinute int `koanf:"webhook_requests_per_minute"`
}

// EmailConfig holds the [email] table: the email channels' mailboxes.
type EmailConfig struct {
	// AllowPrivateHosts lets mailboxes be read and sent from on loopback and private
	// addresses (a mail server on the same machine or network); off by default, so that a
	// workspace's admin cannot probe the install's network with a mailbox's host and port.
	AllowPrivateHosts bool `koanf:"allow_private_hosts"`
}

// Default returns the built-in settings: a server on 127.0.0.1:8080 with its
// data in ./data, talking to a local Ollama but using no models, so that it
// runs with no configuration at all.
func Default() Config {
	return Config{
		Server: ServerConfig{
			Listen:          "127.0.0.1:8080",
			ShutdownTimeout: 15 * time.Second,
			MinFreeMB:       500,
		},
		Data: DataConfig{Dir: "./data"},
		Log:  LogConfig{Level: "info", Format: "text"},
		LLM: LLMConfig{
			URL:     "http://127.0.0.1:11434",
			Timeout: 2 * time.Minute,
		},
		Auth: AuthConfig{
			SessionTTL:    720 * time.Hour,
			LoginAttempts: 10,
			LoginWindow:   15 * time.Minute,
		},
		Knowledge: KnowledgeConfig{
			MaxFileMB:          20,
			SyncInterval:       24 * time.Hour,
			CrawlMaxPages:      200,
			MaxChunksPerSource: 5000,
		},
		Chat:   ChatConfig{MessagesPerMinute: 20, IPRequestsPerMinute: 120, RecoverWithin: 10 * time.Minute, StreamsPerVisitor: 10, StreamsPerIP: 100},
		Meta:   MetaConfig{GraphURL: "https://graph.facebook.com", GraphVersion: "v25.0", WebhookRequestsPerMinute: 600},
		Backup: BackupConfig{Interval: 24 * time.Hour, Keep: 7},
	}
}

// Keys returns every known configuration key ("server.listen", ...), sorted,
// so documentation and tests can check they cover the whole configuration.
func Keys() []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.key
	}
	return out
}

// field describes one configuration key and where it lives in Config.
type field struct {
	key   string // "server.listen"
	env   string // "AGENT_SERVER_LISTEN"
	index []int  // reflect index path into Config
	typ   reflect.Type
}

var (
	durationType = reflect.TypeFor[time.Duration]()

	// fields is derived from the koanf tags of Config, so a new field is a
	// new key (with its environment variable) without further wiring.
	fields = buildFields()

	fieldByKey = func() map[string]field {
		m := make(map[string]field, len(fields))
		for _, f := range fields {
			m[f.key] = f
		}
		return m
	}()

	fieldByEnv = func() map[string]field {
		m := make(map[string]field, len(fields))
		for _, f := range fields {
			m[f.env] = f
		}
		return m
	}()

	// sections holds the table names ("server", ...).
	sections = func() map[string]bool {
		m := map[string]bool{}
		for _, f := range fields {
			m[strings.SplitN(f.key, ".", 2)[0]] = true
		}
		return m
	}()
)

func buildFields() []field {
	var out []field
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		sec := t.Field(i)
		for j := range sec.Type.NumField() {
			f := sec.Type.Field(j)
			key := sec.Tag.Get("koanf") + "." + f.Tag.Get("koanf")
			switch k := f.Type.Kind(); {
			case f.Type == durationType, k == reflect.String, k == reflect.Bool, k == reflect.Int:
			default:
				panic(fmt.Sprintf("config: key %s has unsupported type %s", key, f.Type))
			}
			out = append(out, field{key: key, env: envName(key), index: []int{i, j}, typ: f.Type})
		}
	}
	slices.SortFunc(out, func(a, b field) int { return strings.Compare(a.key, b.key) })
	return out
}

// envName maps a key to its environment variable: "llm.chat_model" ->
// "AGENT_LLM_CHAT_MODEL".
func envName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}
