package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"agent/app/account"
	"agent/app/knowledge"
)

func importCmd(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "import", "SOURCE", "Add knowledge to a workspace from the shell. SOURCE is a JSONL file (the agent eval\nformat), a folder of Markdown/HTML/PDF/DOCX/text/CSV files, or an http(s) URL.")
	wsName := f.String("workspace", "", "workspace `name` (may be omitted when there is only one)")
	crawl := f.Bool("crawl", false, "with a URL: also import related pages of the same site")
	maxPages := f.Int("max-pages", 0, "with --crawl: page cap (default knowledge.crawl_max_pages, at most 1000)")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 1) {
		return exitUsage
	}
	cfg, db, code := openStore(ctx, e, f)
	if db == nil {
		return code
	}
	defer db.Close()
	ws, err := findWorkspace(ctx, account.New(db), *wsName)
	if err != nil {
		return fail(e, err)
	}
	client, err := newLLM(cfg)
	if err != nil {
		return fail(e, err)
	}
	km := newKnowledge(cfg, db, client, newLogger(cfg, e.Stderr))
	source := rest[0]
	switch {
	case strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://"):
		err = importURL(ctx, e, km, ws.ID, source, *crawl, *maxPages)
	case strings.HasSuffix(strings.ToLower(source), ".jsonl"):
		err = importJSONL(ctx, e, km, ws.ID, source)
	default:
		err = importFolder(ctx, e, km, ws.ID, source)
	}
	if err != nil {
		return fail(e, err)
	}
	return exitOK
}

// importJSONL adds the items of a JSONL file; a bad item is reported on stderr and left
// out. Any bad item makes the command fail after the good ones are added: a script sees
// only the exit status, and a knowledge base that quietly lacks answers is worse than a
// failed job that says which lines to fix.
func importJSONL(ctx context.Context, e Env, km *knowledge.Manager, ws int64, path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	res, err := km.ImportJSONL(ctx, ws, file, func(ie knowledge.ItemError) {
		fmt.Fprintf(e.Stderr, "%s: %v\n", path, ie)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "imported %d items from %s, %d failed\n", res.Imported, path, res.Failed)
	if res.Updated > 0 {
		fmt.Fprintf(e.Stdout, "%d of them replaced the items imported before with their id\n", res.Updated)
	}
	km.RunPending(ctx) // embeddings, when a model is configured
	if res.Failed > 0 {
		return fmt.Errorf("%s: %d items failed (listed above); the other %d are imported", path, res.Failed, res.Imported)
	}
	return nil
}

// importFolder adds every supported file below dir; a bad file is reported and skipped.
func importFolder(ctx context.Context, e Env, km *knowledge.Manager, ws int64, dir string) error {
	added, failed := 0, 0
	err := addFolder(ctx, km, ws, dir, func(path string, res knowledge.FileResult, err error) {
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(e.Stdout, "%s: %v\n", path, err)
		case res.Source != nil:
			added++
			fmt.Fprintf(e.Stdout, "%s: %d chunks\n", path, res.Source.ChunkCount)
		default:
			added++
			fmt.Fprintf(e.Stdout, "%s: %d short answers\n", path, res.ShortAnswers)
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%d files added, %d skipped\n", added, failed)
	km.RunPending(ctx)
	return nil
}

// addFolder adds every file below dir but hidden ones, in name order, and tells each what
// it became; a file the knowledge refuses is told with its error and the walk goes on.
// The error returned is the folder's: it cannot be read.
func addFolder(ctx context.Context, km *knowledge.Manager, ws int64, dir string, each func(path string, res knowledge.FileResult, err error)) error {
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a .jsonl file, a folder or an http(s) URL", dir)
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		res, err := km.AddFile(ctx, ws, d.Name(), "", data)
		each(path, res, err)
		return nil
	})
}

func importURL(ctx context.Context, e Env, km *knowledge.Manager, ws int64, url string, crawl bool, maxPages int) error {
	if crawl {
		c, err := km.StartCrawl(ctx, ws, url, maxPages)
		if err != nil {
			return err
		}
		km.RunPending(ctx)
		if c, err = km.Crawl(ctx, ws, c.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "crawl %s: %d pages fetched, %d skipped, %d failed\n", c.Status, c.Fetched, c.Skipped, c.Failed)
		if c.Error != "" {
			return fmt.Errorf("crawl: %s", c.Error)
		}
		return nil
	}
	src, err := km.AddURL(ctx, ws, url)
	if err != nil {
		return err
	}
	km.RunPending(ctx)
	if src, err = km.Source(ctx, ws, src.ID); err != nil {
		return err
	}
	if src.Status != knowledge.StatusReady {
		return fmt.Errorf("%s: %s", url, src.Error)
	}
	fmt.Fprintf(e.Stdout, "%s: %q, %d chunks\n", url, src.Title, src.ChunkCount)
	return nil
}
