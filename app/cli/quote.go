package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"agent/app/account"
	"agent/app/config"
	"agent/app/quote"
	"agent/app/store"
)

const quoteUsage = "Usage: agent quote import|list|show|publish|withdraw|link [flags]"

func quoteCmd(ctx context.Context, e Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, quoteUsage)
		return exitUsage
	}
	switch args[0] {
	case "import":
		return quoteImport(ctx, e, args[1:])
	case "list":
		return quoteList(ctx, e, args[1:])
	case "show":
		return quoteOne(ctx, e, args[1:], "show", "Print a quote as JSON (the import's format), with its status and totals.")
	case "publish":
		return quoteOne(ctx, e, args[1:], "publish", "Publish a quote: its public page goes live. Prints the page's link.")
	case "withdraw":
		return quoteOne(ctx, e, args[1:], "withdraw", "Withdraw a published quote: its link stops working for good.")
	case "link":
		return quoteOne(ctx, e, args[1:], "link", "Print the link of a quote's public page.")
	case "-h", "-help", "--help":
		fmt.Fprintln(e.Stdout, quoteUsage+"\n\nRun 'agent quote import -h' and so on for each one's flags.")
		return exitOK
	}
	fmt.Fprintf(e.Stderr, "agent quote: unknown subcommand %q (want import, list, show, publish, withdraw or link)\n", args[0])
	return exitUsage
}

// quoteEnv is what every quote subcommand works with.
type quoteEnv struct {
	cfg    *config.Config
	db     *store.DB
	ws     account.Workspace
	quotes *quote.Store
	people *account.Manager
}

// quoteFlags are a quote subcommand's flags, --workspace among them.
func quoteFlags(e Env, name, args, summary string) (*flags, *string) {
	f := newFlags(e, "quote "+name, args, summary)
	return f, f.String("workspace", "", "workspace `name` (may be omitted when there is only one)")
}

// openQuotes parses args, which must hold want positional arguments (optional: one at
// most), and opens the quotes of the workspace named; with no database in the result,
// the command stops with code.
func openQuotes(ctx context.Context, e Env, f *flags, wsName *string, args []string, want int, optional bool) (quoteEnv, []string, int) {
	rest, code, ok := f.parse(args)
	if !ok {
		return quoteEnv{}, nil, code
	}
	if (!optional || len(rest) > want) && extraArgs(e, f, rest, want) {
		return quoteEnv{}, nil, exitUsage
	}
	cfg, db, code := openStore(ctx, e, f)
	if db == nil {
		return quoteEnv{}, nil, code
	}
	people := account.New(db)
	ws, err := findWorkspace(ctx, people, *wsName)
	if err != nil {
		db.Close()
		return quoteEnv{}, nil, fail(e, err)
	}
	return quoteEnv{cfg: cfg, db: db, ws: ws, quotes: quote.New(db), people: people}, rest, exitOK
}

// quoteImport reads quotes as JSON and creates or updates each by its number. A quote
// that is refused is reported on stderr and the others go on; any refusal makes the
// command fail at the end, so that a script sees it.
func quoteImport(ctx context.Context, e Env, args []string) int {
	f, wsName := quoteFlags(e, "import", "[FILE]", "Create or update quotes from JSON: an object per quote, an array of them, or JSON Lines;\nfrom FILE, or standard input without one (or with -). A quote with the number of an\nexisting one updates it; importing the same file again changes nothing. See docs/QUOTES.md.")
	publish := f.Bool("publish", false, "publish every imported quote (its public page goes live)")
	q, rest, code := openQuotes(ctx, e, f, wsName, args, 1, true)
	if q.db == nil {
		return code
	}
	defer q.db.Close()
	in, name := io.Reader(e.Stdin), "stdin"
	if len(rest) == 1 && rest[0] != "-" {
		file, err := os.Open(rest[0])
		if err != nil {
			return fail(e, err)
		}
		defer file.Close()
		in, name = file, rest[0]
	}
	counts := map[quote.Outcome]int{}
	failed := 0
	err := quote.ReadRecords(in, func(n int, rec quote.Record, err error) error {
		var saved quote.Quote
		var outcome quote.Outcome
		if err == nil {
			saved, outcome, err = q.importOne(ctx, rec, *publish)
		}
		if err != nil {
			failed++
			fmt.Fprintf(e.Stderr, "%s: quote %d %s: %v\n", name, n, rec.Number, err)
			return nil
		}
		counts[outcome]++
		t := saved.Totals()
		page := ""
		if state := saved.State(time.Now()); *publish && (state == quote.Published || state == quote.Accepted) {
			link, err := q.link(ctx, saved)
			if err != nil {
				return err
			}
			page = " " + link // what --publish is for: the link to send the buyer
		}
		fmt.Fprintf(e.Stdout, "%s: %s (%s, total %s)%s\n", saved.Number, outcome, saved.State(time.Now()), saved.Format(t.Total), page)
		return nil
	})
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.Stdout, "%d created, %d updated, %d unchanged, %d failed\n", counts[quote.Created], counts[quote.Updated], counts[quote.Unchanged], failed)
	if failed > 0 {
		return fail(e, fmt.Errorf("%s: %d quotes failed (listed above); the others are imported", name, failed))
	}
	return exitOK
}

func (q quoteEnv) importOne(ctx context.Context, rec quote.Record, publish bool) (quote.Quote, quote.Outcome, error) {
	var owner int64
	if email := strings.TrimSpace(rec.Owner); email != "" {
		u, err := q.people.UserByEmail(ctx, email)
		if errors.Is(err, account.ErrNotFound) {
			return quote.Quote{}, "", fmt.Errorf("owner: no user with the email %s", email)
		}
		if err != nil {
			return quote.Quote{}, "", err
		}
		owner = u.ID
	}
	saved, outcome, err := q.quotes.Import(ctx, q.ws.ID, rec.Input(owner))
	if err != nil || !publish || saved.Status == quote.Published || saved.Status == quote.Accepted {
		return saved, outcome, err
	}
	saved, err = q.quotes.Publish(ctx, q.ws.ID, saved.ID)
	if err == nil && outcome == quote.Unchanged {
		outcome = quote.Updated
	}
	return saved, outcome, err
}

// quoteList prints a page of a workspace's quotes; when more follow, it says on stderr
// how to ask for the next page, so that the output stays a table a script can read.
func quoteList(ctx context.Context, e Env, args []string) int {
	f, wsName := quoteFlags(e, "list", "", "List a workspace's quotes, the last changed first, a page at a time.")
	status := f.String("status", "", "only the quotes in this `state`: draft, published, expired, accepted or withdrawn")
	search := f.String("search", "", "only the quotes with this `text` in their number, title or buyer")
	limit := f.Int("limit", 100, fmt.Sprintf("at most `n` quotes (1 to %d)", quote.MaxPage))
	after := f.String("after", "", "the page after this `position`, as the previous page printed it")
	q, _, code := openQuotes(ctx, e, f, wsName, args, 0, false)
	if q.db == nil {
		return code
	}
	defer q.db.Close()
	filter := quote.ListFilter{Status: quote.Status(*status), Search: *search, Limit: *limit + 1}
	var err error
	if filter.After, err = quote.ParseCursor(*after); err != nil {
		return fail(e, fmt.Errorf("--after: %w", err))
	}
	if *limit < 1 || *limit > quote.MaxPage {
		return fail(e, fmt.Errorf("--limit must be between 1 and %d", quote.MaxPage))
	}
	if filter.Status != "" && !slices.Contains(quote.Statuses, filter.Status) {
		return fail(e, fmt.Errorf("--status must be one of draft, published, expired, accepted, withdrawn"))
	}
	list, err := q.quotes.List(ctx, q.ws.ID, filter)
	if err != nil {
		return fail(e, err)
	}
	more := len(list) > *limit
	if more {
		list = list[:*limit]
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tSTATUS\tTOTAL\tEXPIRES\tVIEWS\tCHATS\tTITLE")
	now := time.Now()
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s\t%d\t%d\t%s\n", s.Number, s.State(now), s.Total, s.Currency,
			s.ExpiresOn, s.Views, s.Conversations, s.Title)
	}
	tw.Flush()
	if more {
		fmt.Fprintf(e.Stderr, "More quotes follow: add --after %s\n", quote.CursorOf(list[len(list)-1]))
	}
	return exitOK
}

// quoteOne runs a subcommand on one quote, named by its number.
func quoteOne(ctx context.Context, e Env, args []string, verb, summary string) int {
	f, wsName := quoteFlags(e, verb, "NUMBER", summary)
	q, rest, code := openQuotes(ctx, e, f, wsName, args, 1, false)
	if q.db == nil {
		return code
	}
	defer q.db.Close()
	got, err := q.quotes.ByNumber(ctx, q.ws.ID, rest[0])
	if errors.Is(err, quote.ErrNotFound) {
		return fail(e, fmt.Errorf("no quote numbered %q in workspace %q", rest[0], q.ws.Name))
	}
	if err != nil {
		return fail(e, err)
	}
	switch verb {
	case "show":
		return q.show(ctx, e, got)
	case "publish":
		got, err = q.quotes.Publish(ctx, q.ws.ID, got.ID)
	case "withdraw":
		got, err = q.quotes.Withdraw(ctx, q.ws.ID, got.ID)
		if err == nil {
			fmt.Fprintf(e.Stdout, "%s withdrawn: its link no longer works\n", got.Number)
			return exitOK
		}
	}
	if err != nil {
		return fail(e, err)
	}
	if st := got.State(time.Now()); st != quote.Published && st != quote.Accepted {
		fmt.Fprintf(e.Stderr, "agent quote %s: %s is %s: its page shows once it is published\n", verb, got.Number, st)
	}
	link, err := q.link(ctx, got)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintln(e.Stdout, link)
	return exitOK
}

// link is the address of the quote's public page: under server.base_url, or a path when
// that is not set.
func (q quoteEnv) link(ctx context.Context, got quote.Quote) (string, error) {
	token, err := q.quotes.Token(ctx, got)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(q.cfg.Server.BaseURL, "/") + quote.PagePath(token), nil
}

func (q quoteEnv) show(ctx context.Context, e Env, got quote.Quote) int {
	email := ""
	if got.OwnerID != 0 {
		if u, err := q.people.User(ctx, got.OwnerID); err == nil {
			email = u.Email
		}
	}
	t := got.Totals()
	out := struct {
		quote.Record
		Status   quote.Status `json:"status"`
		Subtotal string       `json:"subtotal"`
		Tax      string       `json:"tax"`
		Total    string       `json:"total"`
	}{quote.RecordOf(got, email), got.State(time.Now()), quote.Fixed(t.Subtotal, t.Scale), quote.Fixed(t.Tax, t.Scale), quote.Fixed(t.Total, t.Scale)}
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fail(e, err)
	}
	return exitOK
}
