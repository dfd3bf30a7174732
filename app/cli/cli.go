// Package cli is the agent command: it parses the command line, loads the configuration
// and runs one command (serve, migrate, user, backup, version, help). main only calls Run.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"agent/app/config"
	"agent/app/ids"
	"agent/app/store"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed
	exitUsage = 2 // the command line was wrong
)

// Env is what a command may use of the process: its streams, environment and version.
type Env struct {
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Environ []string
	Version string
}

// command is one subcommand.
type command struct {
	name    string
	args    string // the arguments after the flags, for usage
	summary string
	run     func(ctx context.Context, e Env, args []string) int
}

func commands() []command {
	return []command{
		{"serve", "", "run the web server (admin, inbox, widget, webhooks)", serve},
		{"migrate", "", "apply database migrations and exit", migrate},
		{"user", "add|passwd|super|list ...", "manage users from the shell", user},
		{"import", "SOURCE", "add knowledge from a JSONL file, a folder of files or a URL", importCmd},
		{"ask", "QUESTION", "ask an agent a question, as the admin's preview does", ask},
		{"eval", "", "measure retrieval and decisions on a labelled question set", evalCmd},
		{"report", "rebuild", "recompute the performance report from the conversations", reportCmd},
		{"usage", "", "print the billable conversations per month", usageCmd},
		{"gaps", "backfill", "record the knowledge gaps of the stored conversations", gapsCmd},
		{"quote", "import|list|show|publish|withdraw|link ...", "import and publish sales quotes (JSON)", quoteCmd},
		{"backup", "FILE", "write a consistent copy of the database while the server runs", backup},
		{"restore", "FILE", "replace the database with a backup (the server stopped)", restore},
		{"version", "", "print the version; --check compares the database's schema", version},
		{"help", "[COMMAND]", "show help", nil},
	}
}

// Run runs the command line args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, e Env) int {
	if len(args) == 0 {
		usage(e.Stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(e, rest)
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, e, rest)
		}
	}
	fmt.Fprintf(e.Stderr, "agent: unknown command %q\nRun 'agent help' for the list of commands.\n", name)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "agent: a self-hosted AI customer agent")
	fmt.Fprintln(w, "\nUsage: agent COMMAND [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'agent help COMMAND' for a command's flags.")
}

func help(e Env, args []string) int {
	if len(args) == 0 {
		usage(e.Stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			// Each command prints its own flags for -h.
			return c.run(context.Background(), Env{Stdout: e.Stdout, Stderr: e.Stdout, Environ: e.Environ, Version: e.Version}, []string{"-h"})
		}
	}
	fmt.Fprintf(e.Stderr, "agent: unknown command %q\n", args[0])
	return exitUsage
}

// flags is a command's flag set with the flags every command that reads the
// configuration shares; keyOf maps a flag to the config key it overrides.
type flags struct {
	*flag.FlagSet
	configPath string
	keyOf      map[string]string
}

func newFlags(e Env, name, args, summary string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	f := &flags{FlagSet: fs, keyOf: map[string]string{}}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: agent %s [flags] %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.PrintDefaults()
	}
	fs.StringVar(&f.configPath, "config", "", "config file `path` (default ./config.toml when present, or $AGENT_CONFIG)")
	f.override("data", "data.dir", "data `directory` (database, uploads)")
	return f
}

// override adds a flag that sets a config key; unset, it leaves the key alone.
func (f *flags) override(flagName, key, usage string) {
	f.String(flagName, "", usage)
	f.keyOf[flagName] = key
}

// parse parses args; ok is false when the command must stop with code.
func (f *flags) parse(args []string) (rest []string, code int, ok bool) {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, false
		}
		return nil, exitUsage, false
	}
	return f.Args(), 0, true
}

// load reads the configuration with the flags that were set on top.
func (f *flags) load(e Env) (*config.Config, error) {
	overrides := map[string]string{}
	f.Visit(func(fl *flag.Flag) {
		if key, ok := f.keyOf[fl.Name]; ok {
			overrides[key] = fl.Value.String()
		}
	})
	return config.Load(config.Options{Path: f.configPath, Env: e.Environ, Overrides: overrides})
}

// fail prints err as one line and returns the error exit code.
func fail(e Env, err error) int {
	fmt.Fprintln(e.Stderr, "agent: "+strings.ReplaceAll(err.Error(), "\n", " "))
	return exitError
}

// extraArgs rejects positional arguments a command does not take.
func extraArgs(e Env, f *flags, rest []string, want int) bool {
	if len(rest) != want {
		if len(rest) > want {
			fmt.Fprintf(e.Stderr, "agent %s: unexpected argument %q\n", f.Name(), rest[want])
		} else {
			fmt.Fprintf(e.Stderr, "agent %s: missing argument\n", f.Name())
		}
		f.Usage()
		return true
	}
	return false
}

// openStore loads the configuration and opens the migrated database.
func openStore(ctx context.Context, e Env, f *flags) (*config.Config, *store.DB, int) {
	cfg, err := f.load(e)
	if err != nil {
		return nil, nil, fail(e, err)
	}
	db, err := store.Open(ctx, cfg.Data.Dir)
	if err != nil {
		return nil, nil, fail(e, err)
	}
	if err := ids.Setup(ctx, db); err != nil {
		db.Close()
		return nil, nil, fail(e, err)
	}
	return cfg, db, exitOK
}

// newLogger makes the structured logger the configuration asks for.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// DefaultEnv is the real process environment.
func DefaultEnv(version string) Env {
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: os.Environ(), Version: version}
}
