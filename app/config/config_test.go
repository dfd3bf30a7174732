package config

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// inTempDir makes a fresh temporary directory the working directory, so the
// default ./data and ./config.toml never touch the source tree.
func inTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantDefault is Default() as Load returns it from cwd: Data.Dir absolute.
func wantDefault(t *testing.T) Config {
	t.Helper()
	want := Default()
	abs, err := filepath.Abs(want.Data.Dir)
	if err != nil {
		t.Fatal(err)
	}
	want.Data.Dir = abs
	return want
}

// checkOneLineError asserts err is a single "config: " line containing all parts.
func checkOneLineError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "config: ") {
		t.Errorf("error %q does not start with \"config: \"", msg)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not contain %q", msg, p)
		}
	}
}

func TestNoFileGivesDefaults(t *testing.T) {
	dir := inTempDir(t)
	cfg, err := Load(Options{Env: []string{"HOME=/root", "PATH=/bin"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := wantDefault(t); *cfg != want {
		t.Errorf("Load with no file:\n got %+v\nwant %+v", *cfg, want)
	}
	if st, err := os.Stat(filepath.Join(dir, "data")); err != nil || !st.IsDir() {
		t.Errorf("default data dir not created: %v", err)
	}
}

func TestExampleFileLoadsAsDefaults(t *testing.T) {
	example, err := filepath.Abs("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	inTempDir(t)
	cfg, err := Load(Options{Path: example})
	if err != nil {
		t.Fatal(err)
	}
	if want := wantDefault(t); *cfg != want {
		t.Errorf("config.example.toml:\n got %+v\nwant %+v", *cfg, want)
	}
}

// exampleKeys lists the keys set in a TOML file of flat tables, read
// independently of the loader.
func exampleKeys(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys []string
	table := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			table = strings.Trim(line, "[]")
		default:
			name, _, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("unexpected line in %s: %q", path, line)
			}
			keys = append(keys, table+"."+strings.TrimSpace(name))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

func TestKeysMatchExample(t *testing.T) {
	got := exampleKeys(t, "../../config.example.toml")
	if want := Keys(); !slices.Equal(got, want) {
		t.Errorf("config.example.toml documents\n %q\nbut Keys() is\n %q", got, want)
	}
}

func TestKeys(t *testing.T) {
	keys := Keys()
	if !slices.IsSorted(keys) || len(slices.Compact(slices.Clone(keys))) != len(keys) {
		t.Errorf("Keys() not sorted and unique: %q", keys)
	}
	for _, want := range []string{"server.listen", "server.base_url", "llm.chat_model", "auth.login_attempts", "data.dir"} {
		if !slices.Contains(keys, want) {
			t.Errorf("Keys() lacks %q", want)
		}
	}
}

// sample holds a valid non-default value for every key, as a string.
func sample(t *testing.T) map[string]string {
	return map[string]string{
		"server.listen":                    "0.0.0.0:9000",
		"server.base_url":                  "https://support.example.com",
		"server.secure_cookies":            "true",
		"server.trust_proxy":               "true",
		"server.shutdown_timeout":          "30s",
		"server.min_free_mb":               "2000",
		"data.dir":                         filepath.Join(t.TempDir(), "state"),
		"log.level":                        "debug",
		"log.format":                       "json",
		"llm.url":                          "http://ollama:11434",
		"llm.chat_model":                   "llama3.2",
		"llm.embed_model":                  "nomic-embed-text",
		"llm.timeout":                      "5m",
		"auth.session_ttl":                 "24h",
		"auth.login_attempts":              "5",
		"auth.login_window":                "1h",
		"knowledge.max_file_mb":            "5",
		"knowledge.allow_private_urls":     "true",
		"email.allow_private_hosts":        "true",
		"knowledge.sync_interval":          "6h",
		"knowledge.crawl_max_pages":        "50",
		"knowledge.max_chunks_per_source":  "100",
		"chat.messages_per_minute":         "5",
		"chat.ip_requests_per_minute":      "60",
		"chat.recover_within":              "30m",
		"chat.streams_per_visitor":         "3",
		"chat.streams_per_ip":              "30",
		"meta.graph_url":                   "http://graph.internal:8080",
		"meta.graph_version":               "v23.0",
		"meta.webhook_requests_per_minute": "60",
		"webhooks.allow_private_urls":      "true",
		"metrics.listen":                   "127.0.0.1:9090",
		"backup.dir":                       filepath.Join(t.TempDir(), "backups"),
		"backup.interval":                  "6h",
		"backup.keep":                      "3",
	}
}

// TestEveryKeyViaEnvAndOverride sets each key alone through its AGENT_*
// variable and through an override and checks that exactly that field changed.
func TestEveryKeyViaEnvAndOverride(t *testing.T) {
	inTempDir(t)
	samples := sample(t)
	def := reflect.ValueOf(wantDefault(t))
	for _, key := range Keys() {
		val, ok := samples[key]
		if !ok {
			t.Errorf("no sample value for key %q; add one", key)
			continue
		}
		env := "AGENT_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
		for _, opts := range []Options{
			{Env: []string{env + "=" + val}},
			{Overrides: map[string]string{key: val}},
		} {
			cfg, err := Load(opts)
			if err != nil {
				t.Errorf("%s via %+v: %v", key, opts, err)
				continue
			}
			got := reflect.ValueOf(*cfg)
			for _, f := range fields {
				changed := !got.FieldByIndex(f.index).Equal(def.FieldByIndex(f.index))
				if changed != (f.key == key) {
					t.Errorf("setting %s via %+v: %s changed=%v (now %v)", key, opts, f.key, changed, got.FieldByIndex(f.index))
				}
			}
		}
	}
}

func TestPrecedence(t *testing.T) {
	const file = `
[server]
listen = "10.0.0.1:1000"
trust_proxy = true
[llm]
chat_model = "file-model"
timeout = "1m"
[auth]
login_attempts = 3
`
	type result struct {
		listen     string
		trustProxy bool
		chatModel  string
		timeout    time.Duration
		attempts   int
	}
	tests := []struct {
		name      string
		file      bool
		env       []string
		overrides map[string]string
		want      result
	}{
		{name: "defaults", want: result{"127.0.0.1:8080", false, "", 2 * time.Minute, 10}},
		{name: "file", file: true, want: result{"10.0.0.1:1000", true, "file-model", time.Minute, 3}},
		{
			name: "env over file", file: true,
			env:  []string{"AGENT_SERVER_LISTEN=10.0.0.2:2000", "AGENT_LLM_CHAT_MODEL=env-model", "AGENT_SERVER_TRUST_PROXY=false"},
			want: result{"10.0.0.2:2000", false, "env-model", time.Minute, 3},
		},
		{
			name: "override over env over file", file: true,
			env:       []string{"AGENT_SERVER_LISTEN=10.0.0.2:2000", "AGENT_LLM_CHAT_MODEL=env-model", "AGENT_AUTH_LOGIN_ATTEMPTS=4"},
			overrides: map[string]string{"server.listen": "10.0.0.3:3000", "llm.timeout": "3m", "auth.login_attempts": "7"},
			want:      result{"10.0.0.3:3000", true, "env-model", 3 * time.Minute, 7},
		},
		{
			name:      "override over defaults",
			overrides: map[string]string{"llm.chat_model": "flag-model"},
			want:      result{"127.0.0.1:8080", false, "flag-model", 2 * time.Minute, 10},
		},
		{
			name: "empty env value clears file value", file: true,
			env:  []string{"AGENT_LLM_CHAT_MODEL="},
			want: result{"10.0.0.1:1000", true, "", time.Minute, 3},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := inTempDir(t)
			opts := Options{Env: tc.env, Overrides: tc.overrides}
			if tc.file {
				opts.Path = writeFile(t, dir, "agent.toml", file)
			}
			cfg, err := Load(opts)
			if err != nil {
				t.Fatal(err)
			}
			got := result{cfg.Server.Listen, cfg.Server.TrustProxy, cfg.LLM.ChatModel, cfg.LLM.Timeout, cfg.Auth.LoginAttempts}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestConfigFileDiscovery(t *testing.T) {
	tests := []struct {
		name      string
		cwdFile   bool   // write ./config.toml (listen :1001)
		otherFile bool   // write other.toml (listen :1002)
		path      string // Options.Path ("other" = other.toml)
		agentConf string // AGENT_CONFIG ("other" = other.toml)
		want      string
	}{
		{name: "none", want: "127.0.0.1:8080"},
		{name: "./config.toml discovered", cwdFile: true, want: "127.0.0.1:1001"},
		{name: "AGENT_CONFIG beats ./config.toml", cwdFile: true, otherFile: true, agentConf: "other", want: "127.0.0.1:1002"},
		{name: "path beats ./config.toml", cwdFile: true, otherFile: true, path: "other", want: "127.0.0.1:1002"},
		{name: "path beats AGENT_CONFIG", cwdFile: true, otherFile: true, path: "config.toml", agentConf: "other", want: "127.0.0.1:1001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := inTempDir(t)
			if tc.cwdFile {
				writeFile(t, dir, "config.toml", "[server]\nlisten = \"127.0.0.1:1001\"\n")
			}
			other := ""
			if tc.otherFile {
				other = writeFile(t, t.TempDir(), "other.toml", "[server]\nlisten = \"127.0.0.1:1002\"\n")
			}
			resolve := func(s string) string {
				if s == "other" {
					return other
				}
				return s
			}
			opts := Options{Path: resolve(tc.path)}
			if tc.agentConf != "" {
				opts.Env = []string{"AGENT_CONFIG=" + resolve(tc.agentConf)}
			}
			cfg, err := Load(opts)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Server.Listen != tc.want {
				t.Errorf("listen = %q, want %q", cfg.Server.Listen, tc.want)
			}
		})
	}
}

func TestMissingExplicitPath(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"--config", Options{Path: "nope.toml"}, []string{`"nope.toml"`, "does not exist"}},
		{"AGENT_CONFIG", Options{Env: []string{"AGENT_CONFIG=nope.toml"}}, []string{`"nope.toml"`, "AGENT_CONFIG", "does not exist"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inTempDir(t)
			_, err := Load(tc.opts)
			checkOneLineError(t, err, tc.want...)
		})
	}
}

func TestUnknownKeys(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		overrides map[string]string
		want      []string
	}{
		{name: "file typo", file: "[server]\nlisen = \"x\"\n", want: []string{`config: unknown key "server.lisen" in `, "bad.toml"}},
		{name: "file unknown table", file: "[tls]\ncert = \"x\"\n", want: []string{`unknown key "tls.cert"`}},
		{name: "file several", file: "[server]\nb = 1\na = 2\n", want: []string{`unknown keys "server.a", "server.b" in `}},
		{name: "table given a value", file: "server = 5\n", want: []string{"server: must be a table"}},
		{name: "override typo", overrides: map[string]string{"server.lisen": "x"}, want: []string{`unknown key "server.lisen" in command-line overrides`}},
		{name: "override table name", overrides: map[string]string{"server": "x"}, want: []string{`unknown key "server"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := inTempDir(t)
			opts := Options{Overrides: tc.overrides}
			if tc.file != "" {
				opts.Path = writeFile(t, dir, "bad.toml", tc.file)
			}
			_, err := Load(opts)
			checkOneLineError(t, err, tc.want...)
		})
	}
}

func TestEmptyTablesAllowed(t *testing.T) {
	dir := inTempDir(t)
	path := writeFile(t, dir, "empty.toml", "[server]\n[data]\n[log]\n[llm]\n[auth]\n")
	cfg, err := Load(Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if want := wantDefault(t); *cfg != want {
		t.Errorf("got %+v, want %+v", *cfg, want)
	}
}

func TestEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		wantErr []string // nil = must load
	}{
		{name: "unknown AGENT_ var", env: []string{"AGENT_SERVER_LISTN=x"}, wantErr: []string{"unknown environment variable AGENT_SERVER_LISTN"}},
		{name: "several unknown", env: []string{"AGENT_ZZ=1", "AGENT_AA=1"}, wantErr: []string{"AGENT_AA, AGENT_ZZ"}},
		{name: "table as var", env: []string{"AGENT_SERVER=x"}, wantErr: []string{"AGENT_SERVER"}},
		{name: "other vars ignored", env: []string{"HOME=/root", "AGENTX=1", "agent_server_listen=x", "MALFORMED"}},
		{name: "AGENT_CONFIG is known", env: []string{"AGENT_CONFIG="}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inTempDir(t)
			_, err := Load(Options{Env: tc.env})
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			checkOneLineError(t, err, tc.wantErr...)
		})
	}
}

func TestInvalidValues(t *testing.T) {
	tests := []struct {
		name string
		via  string // "file", "env" or "flag"
		key  string
		val  string // TOML literal for "file", raw string otherwise
		want []string
	}{
		{"listen not host:port", "file", "server.listen", `"abc"`, []string{`"abc" is not a host:port address`, "bad.toml"}},
		{"listen port range", "env", "server.listen", "x:70000", []string{`"x:70000" is not a host:port address`, "(from AGENT_SERVER_LISTEN)"}},
		{"listen named port", "flag", "server.listen", "localhost:http", []string{"port must be a number", "(from command line)"}},
		{"listen not a string", "file", "server.listen", `8080`, []string{"8080 is not a string"}},
		{"base_url relative", "file", "server.base_url", `"support.example.com"`, []string{"is not an absolute http or https URL"}},
		{"base_url ftp", "env", "server.base_url", "ftp://example.com", []string{"is not an absolute http or https URL"}},
		{"base_url query", "flag", "server.base_url", "https://example.com/?a=1", []string{"must not have a query or fragment"}},
		{"base_url fragment", "flag", "server.base_url", "https://example.com/#top", []string{"must not have a query or fragment"}},
		{"secure_cookies not bool", "env", "server.secure_cookies", "yes please", []string{`"yes please" is not true or false`}},
		{"trust_proxy not bool in file", "file", "server.trust_proxy", `"maybe"`, []string{`"maybe" is not true or false`}},
		{"trust_proxy number in file", "file", "server.trust_proxy", `1`, []string{`1 is not true or false`}},
		{"shutdown_timeout zero", "file", "server.shutdown_timeout", `"0s"`, []string{"must be positive (got 0s)"}},
		{"min_free_mb negative", "env", "server.min_free_mb", "-1", []string{"must not be negative (got -1)"}},
		{"log level", "file", "log.level", `"loud"`, []string{`"loud" is not one of debug, info, warn, error`}},
		{"log format", "env", "log.format", "xml", []string{`"xml" is not one of text, json`}},
		{"llm url relative", "file", "llm.url", `"localhost:11434"`, []string{"is not an absolute http or https URL"}},
		{"llm timeout word", "file", "llm.timeout", `"soon"`, []string{`"soon" is not a duration (like 30s or 2m)`, "bad.toml"}},
		{"llm timeout number", "file", "llm.timeout", `30`, []string{`30 is not a duration (like 30s or 2m)`}},
		{"llm timeout env", "env", "llm.timeout", "soon", []string{`"soon" is not a duration`, "AGENT_LLM_TIMEOUT"}},
		{"session_ttl negative", "flag", "auth.session_ttl", "-1h", []string{"must be positive (got -1h0m0s)"}},
		{"login_window zero", "env", "auth.login_window", "0", []string{"must be positive"}},
		{"crawl pages too many", "env", "knowledge.crawl_max_pages", "5000", []string{"between 1 and 1000"}},
		{"file size zero", "env", "knowledge.max_file_mb", "0", []string{"at least 1"}},
		{"chunks per source zero", "env", "knowledge.max_chunks_per_source", "0", []string{"at least 1"}},
		{"chat messages zero", "env", "chat.messages_per_minute", "0", []string{"at least 1"}},
		{"recover_within negative", "env", "chat.recover_within", "-1m", []string{"between 0 and 24h"}},
		{"chat streams per visitor zero", "env", "chat.streams_per_visitor", "0", []string{"at least 1"}},
		{"chat streams per ip negative", "file", "chat.streams_per_ip", "-5", []string{"at least 1"}},
		{"graph url not http", "env", "meta.graph_url", "ftp://graph.example", []string{"meta.graph_url"}},
		{"graph version not a version", "env", "meta.graph_version", "latest", []string{"v25.0"}},
		{"webhook rate zero", "env", "meta.webhook_requests_per_minute", "0", []string{"at least 1"}},
		{"metrics listen not an address", "env", "metrics.listen", "9090", []string{"is not a host:port address"}},
		{"backup interval too short", "file", "backup.interval", `"10s"`, []string{"at least 1m"}},
		{"backup keep zero", "env", "backup.keep", "0", []string{"at least 1 (got 0)"}},
		{"login_attempts negative", "file", "auth.login_attempts", `-1`, []string{"must not be negative (got -1)"}},
		{"login_attempts zero", "flag", "auth.login_attempts", "0", []string{"must be at least 1 (got 0)"}},
		{"login_attempts float", "file", "auth.login_attempts", `2.5`, []string{"2.5 is not a whole number"}},
		{"login_attempts word", "env", "auth.login_attempts", "ten", []string{`"ten" is not a whole number`}},
		{"data dir empty", "file", "data.dir", `""`, []string{"must not be empty"}},
		{"newline in value", "env", "server.listen", "a\nb", []string{`"a\nb" is not a host:port address`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := inTempDir(t)
			var opts Options
			switch tc.via {
			case "file":
				table, name, _ := strings.Cut(tc.key, ".")
				opts.Path = writeFile(t, dir, "bad.toml", "["+table+"]\n"+name+" = "+tc.val+"\n")
			case "env":
				opts.Env = []string{envName(tc.key) + "=" + tc.val}
			case "flag":
				opts.Overrides = map[string]string{tc.key: tc.val}
			default:
				t.Fatalf("bad via %q", tc.via)
			}
			_, err := Load(opts)
			checkOneLineError(t, err, append([]string{"config: " + tc.key + ": "}, tc.want...)...)
		})
	}
}

func TestUnwritableDataDir(t *testing.T) {
	dir := inTempDir(t)
	// A directory below a regular file cannot be created, even by root.
	blocker := writeFile(t, dir, "blocker", "x")
	bad := filepath.Join(blocker, "data")
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"file", Options{Path: writeFile(t, dir, "bad.toml", "[data]\ndir = "+`"`+bad+`"`+"\n")},
			[]string{"config: data.dir: " + bad + " is not writable: ", "bad.toml"}},
		{"env", Options{Env: []string{"AGENT_DATA_DIR=" + bad}},
			[]string{"config: data.dir: " + bad + " is not writable: ", "AGENT_DATA_DIR"}},
		// The path is printed unquoted, so a newline in it must be flattened.
		{"newline in path", Options{Env: []string{"AGENT_DATA_DIR=" + bad + "\nx"}},
			[]string{"config: data.dir: ", " is not writable: "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.opts)
			checkOneLineError(t, err, tc.want...)
		})
	}
}

func TestTOMLSyntaxError(t *testing.T) {
	tests := []struct {
		name, file, line string
	}{
		{"unclosed table", "# comment\n[server\nlisten = \"x\"\n", "line 2: "},
		{"missing value", "[server]\n\nlisten =\n", "line 3: "},
		{"bad string", "[log]\nlevel = \"info\nformat = \"text\"\n", "line 2: "},
		// go-toml gives no position for duplicates; still one line, no "toml: ".
		{"duplicate key", "[log]\nlevel = \"info\"\nlevel = \"debug\"\n", "key level is already defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := inTempDir(t)
			path := writeFile(t, dir, "bad.toml", tc.file)
			_, err := Load(Options{Path: path})
			checkOneLineError(t, err, "config: "+path+": "+tc.line)
		})
	}
}

func TestValidateNormalises(t *testing.T) {
	dir := inTempDir(t)
	cfg, err := Load(Options{Overrides: map[string]string{
		"server.base_url": "https://support.example.com/help/",
		"llm.url":         "http://ollama:11434/",
		"data.dir":        "state/db",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Server.BaseURL, "https://support.example.com/help"; got != want {
		t.Errorf("base_url = %q, want %q", got, want)
	}
	if got, want := cfg.LLM.URL, "http://ollama:11434"; got != want {
		t.Errorf("llm.url = %q, want %q", got, want)
	}
	if want := filepath.Join(dir, "state", "db"); cfg.Data.Dir != want {
		t.Errorf("data.dir = %q, want %q", cfg.Data.Dir, want)
	}
	if st, err := os.Stat(cfg.Data.Dir); err != nil || !st.IsDir() {
		t.Errorf("data.dir not created: %v", err)
	}
	entries, _ := os.ReadDir(cfg.Data.Dir)
	if len(entries) != 0 {
		t.Errorf("write test left files behind: %v", entries)
	}
}
