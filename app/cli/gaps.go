package cli

import (
	"context"
	"fmt"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/gaps"
)

// gapsCmd records the knowledge gaps of the stored conversations that are not yet
// recorded: what agent serve does once after the upgrade that brings them.
func gapsCmd(ctx context.Context, e Env, args []string) int {
	if len(args) == 0 || args[0] != "backfill" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.Stdout, "Usage: agent gaps backfill [flags]")
			return exitOK
		}
		fmt.Fprintln(e.Stderr, "Usage: agent gaps backfill [flags]")
		return exitUsage
	}
	f := newFlags(e, "gaps backfill", "", "Record the knowledge gaps of the stored conversations that are not recorded yet,\n"+
		"oldest question first; what was dismissed stays dismissed.")
	wsName := f.String("workspace", "", "only this workspace (`name`); default: all")
	rest, code, ok := f.parse(args[1:])
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 0) {
		return exitUsage
	}
	cfg, db, code := openStore(ctx, e, f)
	if db == nil {
		return code
	}
	defer db.Close()
	var wsID int64
	if *wsName != "" {
		ws, err := findWorkspace(ctx, account.New(db), *wsName)
		if err != nil {
			return fail(e, err)
		}
		wsID = ws.ID
	}
	client, err := newLLM(cfg)
	if err != nil {
		return fail(e, err)
	}
	log := newLogger(cfg, e.Stderr)
	book := gaps.New(gaps.Options{DB: db, Knowledge: newKnowledge(cfg, db, client, log), Agents: agent.NewStore(db), Logger: log})
	n, err := book.Backfill(ctx, wsID)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.Stdout, "%d knowledge gaps recorded\n", n)
	return exitOK
}
