package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/toml/v2"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/structs"
	"github.com/knadh/koanf/v2"
)

const (
	// EnvPrefix starts every environment variable the server reads; the rest
	// of the name is the key upper-cased with "." replaced by "_"
	// (AGENT_SERVER_LISTEN sets server.listen).
	EnvPrefix = "AGENT_"

	// EnvPath names the environment variable that gives the config file path
	// when Options.Path is empty, for deployments that cannot pass flags.
	EnvPath = "AGENT_CONFIG"

	// DefaultPath is the file read when no path is given; unlike an explicit
	// path it may be missing, so the server runs with no file at all.
	DefaultPath = "config.toml"

	// overrideSource labels values from Options.Overrides in errors.
	overrideSource = "command line"
)

// Options says where Load finds settings beyond the defaults. It carries the
// environment and flags explicitly so Load is deterministic and testable.
type Options struct {
	// Path is the TOML file (--config PATH). When "", $AGENT_CONFIG from Env
	// is used, else ./config.toml if it exists, else no file. A path given
	// either way must exist.
	Path string
	// Env is the environment, usually os.Environ(). Only AGENT_* entries
	// matter; an unknown AGENT_* name is an error so typos are caught.
	Env []string
	// Overrides come from flags, keyed by config key
	// ("server.listen": "0.0.0.0:9000"), and win over everything else.
	Overrides map[string]string
}

// Load builds the configuration from defaults, the TOML file, AGENT_*
// environment variables and overrides (each overriding the previous), then
// validates and normalises it with Validate. Errors are a single line that
// starts with "config: ".
func Load(opts Options) (*Config, error) {
	k := koanf.New(".")
	if err := k.Load(structs.Provider(Default(), "koanf"), nil); err != nil {
		return nil, fmt.Errorf("config: defaults: %v", err)
	}
	// source records, per key, which layer last set it, for error messages.
	source := map[string]string{}

	path, err := configPath(opts)
	if err != nil {
		return nil, err
	}
	if path != "" {
		if err := loadFile(k, source, path); err != nil {
			return nil, err
		}
	}
	if err := loadEnv(k, source, opts.Env); err != nil {
		return nil, err
	}
	if err := loadOverrides(k, source, opts.Overrides); err != nil {
		return nil, err
	}

	cfg, err := decode(k, source)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		var ke *keyError
		if errors.As(err, &ke) {
			ke.source = source[ke.key]
		}
		return nil, err
	}
	return cfg, nil
}

// configPath picks the file to read: Options.Path, else $AGENT_CONFIG, else
// ./config.toml when present. "" means no file.
func configPath(opts Options) (string, error) {
	path, from := opts.Path, ""
	if path == "" {
		path, from = lookupEnv(opts.Env, EnvPath), " (from "+EnvPath+")"
	}
	if path != "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("config: config file %q%s does not exist", path, from)
		}
		return path, nil // other errors surface when reading it
	}
	switch _, err := os.Stat(DefaultPath); {
	case err == nil:
		return DefaultPath, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	default:
		return "", fmt.Errorf("config: %s", oneLine(err.Error()))
	}
}

// lookupEnv returns the value of name in environ, last entry winning like
// the environment provider does.
func lookupEnv(environ []string, name string) string {
	val := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			val = v
		}
	}
	return val
}

// loadFile merges the TOML file at path into k, rejecting unknown keys.
func loadFile(k *koanf.Koanf, source map[string]string, path string) error {
	fk := koanf.New(".")
	if err := fk.Load(file.Provider(path), toml.Parser()); err != nil {
		var pe *fs.PathError
		var pos interface{ Position() (int, int) } // go-toml's *DecodeError
		switch {
		case errors.As(err, &pe):
			return fmt.Errorf("config: %s", oneLine(err.Error()))
		case errors.As(err, &pos):
			line, _ := pos.Position()
			msg := strings.TrimPrefix(err.Error(), "toml: ")
			return fmt.Errorf("config: %s: line %d: %s", path, line, oneLine(msg))
		default: // e.g. duplicate keys, which go-toml reports without a position
			return fmt.Errorf("config: %s: %s", path, oneLine(strings.TrimPrefix(err.Error(), "toml: ")))
		}
	}

	var unknown []string
	for _, key := range fk.Keys() {
		if _, ok := fieldByKey[key]; ok {
			source[key] = path
			continue
		}
		if sections[key] {
			// An empty [table] is fine; anything else there is a mistake.
			if m, ok := fk.Get(key).(map[string]any); ok && len(m) == 0 {
				continue
			}
			return fmt.Errorf("config: %s: must be a table like [%s] in %s", key, key, path)
		}
		unknown = append(unknown, key)
	}
	if len(unknown) > 0 {
		return fmt.Errorf("config: %s %s in %s", plural(len(unknown), "unknown key"), quoteAll(unknown), path)
	}
	return k.Merge(fk)
}

// loadEnv merges the AGENT_* variables of environ into k. The name-to-key
// mapping comes from the known keys, so keys containing "_" map unambiguously.
func loadEnv(k *koanf.Koanf, source map[string]string, environ []string) error {
	var unknown []string
	p := env.Provider(".", env.Opt{
		Prefix: EnvPrefix,
		EnvironFunc: func() []string {
			// The provider needs NAME=value; skip anything malformed.
			return slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
				return !strings.Contains(kv, "=")
			})
		},
		TransformFunc: func(name, value string) (string, any) {
			if name == EnvPath {
				return "", nil
			}
			f, ok := fieldByEnv[name]
			if !ok {
				if !slices.Contains(unknown, name) {
					unknown = append(unknown, name)
				}
				return "", nil
			}
			source[f.key] = name
			return f.key, value
		},
	})
	if err := k.Load(p, nil); err != nil {
		return fmt.Errorf("config: environment: %s", oneLine(err.Error()))
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fmt.Errorf("config: %s %s", plural(len(unknown), "unknown environment variable"), strings.Join(unknown, ", "))
	}
	return nil
}

// loadOverrides merges command-line overrides into k.
func loadOverrides(k *koanf.Koanf, source map[string]string, overrides map[string]string) error {
	m := make(map[string]any, len(overrides))
	var unknown []string
	for key, v := range overrides {
		if _, ok := fieldByKey[key]; !ok {
			unknown = append(unknown, key)
			continue
		}
		m[key] = v
		source[key] = overrideSource
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fmt.Errorf("config: %s %s in command-line overrides", plural(len(unknown), "unknown key"), quoteAll(unknown))
	}
	return k.Load(confmap.Provider(m, "."), nil)
}

// decode converts the merged values into a Config, reporting the first key
// whose value has the wrong type (keys in sorted order).
func decode(k *koanf.Koanf, source map[string]string) (*Config, error) {
	var cfg Config
	rv := reflect.ValueOf(&cfg).Elem()
	for _, f := range fields {
		if msg := setValue(rv.FieldByIndex(f.index), k.Get(f.key)); msg != "" {
			return nil, &keyError{key: f.key, msg: msg, source: source[f.key]}
		}
	}
	return &cfg, nil
}

// setValue stores v (from TOML, a string from env/flags, or a typed default)
// in dst, returning a message when v cannot be converted.
func setValue(dst reflect.Value, v any) string {
	switch {
	case dst.Type() == durationType:
		switch x := v.(type) {
		case time.Duration:
			dst.SetInt(int64(x))
			return ""
		case string:
			if d, err := time.ParseDuration(strings.TrimSpace(x)); err == nil {
				dst.SetInt(int64(d))
				return ""
			}
		}
		return show(v) + " is not a duration (like 30s or 2m)"
	case dst.Kind() == reflect.String:
		if x, ok := v.(string); ok {
			dst.SetString(x)
			return ""
		}
		return show(v) + " is not a string (quote it)"
	case dst.Kind() == reflect.Bool:
		switch x := v.(type) {
		case bool:
			dst.SetBool(x)
			return ""
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
				dst.SetBool(b)
				return ""
			}
		}
		return show(v) + " is not true or false"
	case dst.Kind() == reflect.Int:
		var n int64
		switch x := v.(type) {
		case int:
			n = int64(x)
		case int64:
			n = x
		case string:
			var err error
			if n, err = strconv.ParseInt(strings.TrimSpace(x), 10, 64); err != nil {
				return show(v) + " is not a whole number"
			}
		default:
			return show(v) + " is not a whole number"
		}
		if dst.OverflowInt(n) {
			return show(v) + " is too large"
		}
		dst.SetInt(n)
		return ""
	}
	return fmt.Sprintf("unsupported type %s", dst.Type()) // guarded by buildFields
}

// show formats a value for an error message: strings quoted, others as is.
func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// oneLine keeps an error message on a single line, since start-up errors
// are meant to be read as one log line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
