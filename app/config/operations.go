package config

import (
	"fmt"
	"time"
)

// WebhooksConfig holds the [webhooks] table: the workspaces' outgoing webhooks.
type WebhooksConfig struct {
	// AllowPrivateURLs lets webhooks be sent to loopback and private addresses (a receiver
	// on this machine or network); off, so that a workspace's admin cannot probe the
	// install's network with a webhook's URL.
	AllowPrivateURLs bool `koanf:"allow_private_urls"`
}

// MetricsConfig holds the [metrics] table: the Prometheus endpoint.
type MetricsConfig struct {
	// Listen is the host:port /metrics is served on, apart from the product's own
	// address so that it is never public by accident; "" serves no metrics.
	Listen string `koanf:"listen"`
}

// BackupConfig holds the [backup] table: the copies `agent serve` makes on a schedule.
type BackupConfig struct {
	// Dir is the folder the copies are written to; "" makes none.
	Dir string `koanf:"dir"`
	// Interval is the time between two copies.
	Interval time.Duration `koanf:"interval"`
	// Keep is how many copies are kept; older ones are deleted.
	Keep int `koanf:"keep"`
}

// validateOperations checks the [webhooks], [metrics] and [backup] tables.
func (c *Config) validateOperations() error {
	if c.Metrics.Listen != "" {
		if msg := checkListen(c.Metrics.Listen); msg != "" {
			return &keyError{key: "metrics.listen", msg: msg}
		}
	}
	if d := c.Backup.Interval; d < time.Minute {
		return &keyError{key: "backup.interval", msg: fmt.Sprintf("must be at least 1m (got %s)", d)}
	}
	if n := c.Backup.Keep; n < 1 {
		return &keyError{key: "backup.keep", msg: fmt.Sprintf("must be at least 1 (got %d)", n)}
	}
	if c.Backup.Dir == "" {
		return nil
	}
	dir, msg := prepareDir(c.Backup.Dir)
	if msg != "" {
		return &keyError{key: "backup.dir", msg: msg}
	}
	c.Backup.Dir = dir
	return nil
}
