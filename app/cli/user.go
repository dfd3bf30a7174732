package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"agent/app/account"
)

func user(ctx context.Context, e Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, "Usage: agent user add|passwd|super|list [flags]")
		return exitUsage
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, e, args[1:])
	case "passwd":
		return userPasswd(ctx, e, args[1:])
	case "super":
		return userSuper(ctx, e, args[1:])
	case "list":
		return userList(ctx, e, args[1:])
	case "-h", "-help", "--help":
		fmt.Fprintln(e.Stdout, "Usage: agent user add|passwd|super|list [flags]\n\nRun 'agent user add -h' and so on for each one's flags.")
		return exitOK
	}
	fmt.Fprintf(e.Stderr, "agent user: unknown subcommand %q (want add, passwd, super or list)\n", args[0])
	return exitUsage
}

// readPassword reads one line from stdin for --password-stdin.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userAdd(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "user add", "", "Create a user, or add an existing one to a workspace. With no users yet, creates the owner\nand the first workspace (like /setup), who is the install's super admin.\nWithout --password-stdin a one-time password is printed; it must be changed at first login.")
	email := f.String("email", "", "email `address` (required)")
	name := f.String("name", "", "display `name` (required)")
	role := f.String("role", "agent", "`role` in the workspace: owner, admin or agent (the first user is always owner)")
	editor := f.Bool("agent-editor", false, "may edit the AI agents' knowledge")
	wsName := f.String("workspace", "", "workspace `name`: the one to join, or the first workspace to create (default \"My workspace\")")
	fromStdin := f.Bool("password-stdin", false, "read the password from standard input")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 0) {
		return exitUsage
	}
	if *email == "" || *name == "" {
		fmt.Fprintln(e.Stderr, "agent user add: --email and --name are required")
		return exitUsage
	}
	_, db, code := openStore(ctx, e, f)
	if db == nil {
		return code
	}
	defer db.Close()
	accounts := account.New(db)

	nu := account.NewUser{Email: *email, Name: *name}
	if *fromStdin {
		pw, err := readPassword(e.Stdin)
		if err != nil {
			return fail(e, err)
		}
		nu.Password = pw
	}
	has, err := accounts.HasUsers(ctx)
	if err != nil {
		return fail(e, err)
	}
	var password string
	if !has {
		ws := *wsName
		if ws == "" {
			ws = "My workspace"
		}
		u, w, pw, err := accounts.Setup(ctx, nu, ws)
		if err != nil {
			return fail(e, err)
		}
		password = pw
		fmt.Fprintf(e.Stdout, "created %s <%s> as owner of the new workspace %q\n", u.Name, u.Email, w.Name)
	} else {
		w, err := findWorkspace(ctx, accounts, *wsName)
		if err != nil {
			return fail(e, err)
		}
		r := account.Role(*role)
		if !r.Valid() {
			fmt.Fprintf(e.Stderr, "agent user add: --role %q is not owner, admin or agent\n", *role)
			return exitUsage
		}
		u, pw, err := accounts.AddMember(ctx, w.ID, nu, r, *editor)
		if err != nil {
			return fail(e, err)
		}
		password = pw
		fmt.Fprintf(e.Stdout, "added %s <%s> to %q as %s\n", u.Name, u.Email, w.Name, r)
	}
	if password != "" {
		fmt.Fprintf(e.Stdout, "one-time password: %s\n(it must be changed at first login)\n", password)
	}
	return exitOK
}

// findWorkspace picks the workspace by name, or the only one when name is empty.
func findWorkspace(ctx context.Context, accounts *account.Manager, name string) (account.Workspace, error) {
	all, err := accounts.Workspaces(ctx)
	if err != nil {
		return account.Workspace{}, err
	}
	var names []string
	for _, w := range all {
		if (name == "" && len(all) == 1) || strings.EqualFold(w.Name, name) {
			return w, nil
		}
		names = append(names, fmt.Sprintf("%q", w.Name))
	}
	if name == "" {
		return account.Workspace{}, fmt.Errorf("there are several workspaces; choose one with --workspace (%s)", strings.Join(names, ", "))
	}
	return account.Workspace{}, fmt.Errorf("no workspace named %q (there are: %s)", name, strings.Join(names, ", "))
}

func userPasswd(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "user passwd", "EMAIL", "Set a user's password and log them out everywhere.\nWithout --password-stdin a one-time password is printed; it must be changed at next login.")
	fromStdin := f.Bool("password-stdin", false, "read the new password from standard input")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 1) {
		return exitUsage
	}
	_, db, code := openStore(ctx, e, f)
	if db == nil {
		return code
	}
	defer db.Close()
	accounts := account.New(db)
	u, err := accounts.UserByEmail(ctx, rest[0])
	if err != nil {
		return fail(e, fmt.Errorf("user %s: %w", rest[0], err))
	}
	pw, oneTime := account.GeneratePassword(), true
	if *fromStdin {
		if pw, err = readPassword(e.Stdin); err != nil {
			return fail(e, err)
		}
		oneTime = false
	}
	if err := accounts.SetPassword(ctx, u.ID, pw, oneTime); err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.Stdout, "password of %s changed; all their sessions ended\n", u.Email)
	if oneTime {
		fmt.Fprintf(e.Stdout, "one-time password: %s\n(it must be changed at next login)\n", pw)
	}
	return exitOK
}

func userSuper(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "user super", "EMAIL", "Make a user a super admin, who manages every account of the install (Install page).\nWith --off, take the role back; the last enabled super admin keeps it.")
	off := f.Bool("off", false, "take the super admin role back")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 1) {
		return exitUsage
	}
	_, db, code := openStore(ctx, e, f)
	if db == nil {
		return code
	}
	defer db.Close()
	accounts := account.New(db)
	u, err := accounts.UserByEmail(ctx, rest[0])
	if err != nil {
		return fail(e, fmt.Errorf("user %s: %w", rest[0], err))
	}
	if err := accounts.SetSuperAdmin(ctx, u.ID, !*off); err != nil {
		return fail(e, err)
	}
	if *off {
		fmt.Fprintf(e.Stdout, "%s is no longer a super admin\n", u.Email)
	} else {
		fmt.Fprintf(e.Stdout, "%s is a super admin\n", u.Email)
	}
	return exitOK
}

func userList(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "user list", "", "List users with their workspaces and roles, and who is super admin.")
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
	accounts := account.New(db)
	all, err := accounts.Accounts(ctx)
	if err != nil {
		return fail(e, err)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tSTATUS\tSUPER ADMIN\tWORKSPACES")
	for _, a := range all {
		var roles []string
		for _, m := range a.Memberships {
			roles = append(roles, fmt.Sprintf("%s (%s)", m.Workspace.Name, m.Role))
		}
		status := "active"
		if a.Disabled {
			status = "disabled"
		} else if a.MustChangePassword {
			status = "one-time password"
		}
		super := ""
		if a.SuperAdmin {
			super = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Email, a.Name, status, super, strings.Join(roles, ", "))
	}
	if err := tw.Flush(); err != nil {
		return fail(e, err)
	}
	return exitOK
}
