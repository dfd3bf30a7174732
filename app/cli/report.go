package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"agent/app/account"
	"agent/app/report"
)

func reportCmd(ctx context.Context, e Env, args []string) int {
	if len(args) == 0 || args[0] != "rebuild" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.Stdout, "Usage: agent report rebuild [flags]")
			return exitOK
		}
		fmt.Fprintln(e.Stderr, "Usage: agent report rebuild [flags]")
		return exitUsage
	}
	f := newFlags(e, "report rebuild", "", "Recompute the performance report from the conversations: every resolution record\nand daily figure is written again, and comes out the same.")
	wsName := f.String("workspace", "", "only this workspace (`name`); default: all")
	rest, code, ok := f.parse(args[1:])
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 0) {
		return exitUsage
	}
	_, db, code := openStore(ctx, e, f)
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
	n, err := report.New(db, nil).Rebuild(ctx, wsID)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.Stdout, "%d conversations evaluated; the others are not due yet (72 h after their last AI reply)\n", n)
	return exitOK
}

func usageCmd(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "usage", "", "Print the billable conversations per month: those with at least one AI reply,\ncounted once, in the month of the first (previews are never billable).")
	wsName := f.String("workspace", "", "workspace `name` (may be omitted when there is only one)")
	asJSON := f.Bool("json", false, "print JSON")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 0) {
		return exitUsage
	}
	_, db, code := openStore(ctx, e, f)
	if db == nil {
		return code
	}
	defer db.Close()
	ws, err := findWorkspace(ctx, account.New(db), *wsName)
	if err != nil {
		return fail(e, err)
	}
	months, err := report.Usage(ctx, db, ws.ID)
	if err != nil {
		return fail(e, err)
	}
	if *asJSON {
		if months == nil {
			months = []report.Month{}
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(months); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	fmt.Fprintf(e.Stdout, "%-8s %s\n", "month", "billable conversations")
	for _, m := range months {
		fmt.Fprintf(e.Stdout, "%-8s %d\n", m.Month, m.Billable)
	}
	if len(months) == 0 {
		fmt.Fprintf(e.Stdout, "(none yet in %s, as of %s)\n", ws.Name, time.Now().Format(time.DateOnly))
	}
	return exitOK
}
