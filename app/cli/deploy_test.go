package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"agent/app/config"
)

// deployBlocks returns docs/DEPLOY.md's fenced blocks of a language, in order.
func deployBlocks(t *testing.T, lang string) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/DEPLOY.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		t.Fatalf("docs/DEPLOY.md has no %s block", lang)
	}
	return out
}

// TestDeployUnitFile: the systemd unit's ExecStart runs a command with flags this binary
// has, and systemd reads the unit without a complaint (when systemd-analyze is here).
func TestDeployUnitFile(t *testing.T) {
	unit := deployBlocks(t, "ini")[0]
	exec1 := regexp.MustCompile(`(?m)^ExecStart=(\S+) (.*)$`).FindStringSubmatch(unit)
	if exec1 == nil {
		t.Fatal("no ExecStart")
	}
	args := strings.Fields(exec1[2])
	// -h after the flags: each flag must parse for the help to be reached.
	if r := run(t, "", append(args, "-h")...); r.code != 0 {
		t.Fatalf("ExecStart's %q: %d %s", args, r.code, r.stderr)
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze here: the unit's syntax is not checked")
	}
	// systemd checks that the program exists: this test's binary stands in for it.
	path := filepath.Join(t.TempDir(), "agent.service")
	if err := os.WriteFile(path, []byte(strings.Replace(unit, exec1[1], os.Args[0], 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", "--man=no", path).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestDeployConfiguration: the configuration shown loads, and the proxies and Prometheus
// point at the addresses it listens on.
func TestDeployConfiguration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(deployBlocks(t, "toml")[0]), 0o600); err != nil {
		t.Fatal(err)
	}
	// The directories are this test's: the shown ones are the machine's.
	cfg, err := config.Load(config.Options{Path: path, Overrides: map[string]string{"data.dir": t.TempDir(), "backup.dir": t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Server.TrustProxy || !strings.HasPrefix(cfg.Server.BaseURL, "https://") || cfg.Backup.Keep < 1 || cfg.Metrics.Listen == "" {
		t.Errorf("configuration: %+v", cfg)
	}
	caddy, nginx := deployBlocks(t, "caddyfile")[0], deployBlocks(t, "nginx")[0]
	for name, want := range map[string][]string{
		"caddy": {"reverse_proxy " + cfg.Server.Listen, "flush_interval -1", "read_timeout 1h"},
		"nginx": {"proxy_pass http://" + cfg.Server.Listen + ";", "proxy_buffering off;", "proxy_read_timeout 1h;", "X-Forwarded-Proto", "X-Forwarded-For"},
	} {
		block := map[string]string{"caddy": caddy, "nginx": nginx}[name]
		for _, w := range want {
			if !strings.Contains(block, w) {
				t.Errorf("the %s example lacks %q", name, w)
			}
		}
	}
	if prom := deployBlocks(t, "yaml")[0]; !strings.Contains(prom, `"`+cfg.Metrics.Listen+`"`) {
		t.Errorf("Prometheus scrapes elsewhere than metrics.listen %s", cfg.Metrics.Listen)
	}
}
