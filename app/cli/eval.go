package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"agent/app/account"
	"agent/app/eval"
	"agent/app/knowledge"
	"agent/app/store"
)

func evalCmd(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "eval", "", "Measure retrieval and decisions on a labelled set, in a throwaway workspace.\nFormats: see DESIGN.md (agent eval).")
	kbPath := f.String("kb", "", "knowledge `file` (JSONL: articles and short answers)")
	qPath := f.String("questions", "", "questions `file` (JSONL with gold knowledge ids)")
	asJSON := f.Bool("json", false, "print the report as JSON")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 0) {
		return exitUsage
	}
	if *kbPath == "" || *qPath == "" {
		fmt.Fprintln(e.Stderr, "agent eval: --kb and --questions are required")
		return exitUsage
	}
	qs, err := eval.ReadQuestions(*qPath)
	if err != nil {
		return fail(e, err)
	}
	kb, err := os.Open(*kbPath)
	if err != nil {
		return fail(e, err)
	}
	defer kb.Close()

	dir, err := os.MkdirTemp("", "agent-eval-")
	if err != nil {
		return fail(e, err)
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, dir)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	_, ws, _, err := account.New(db).Setup(ctx, account.NewUser{Email: "eval@localhost.invalid", Name: "eval"}, "eval")
	if err != nil {
		return fail(e, err)
	}
	km := knowledge.New(knowledge.Options{DB: db})
	if _, err := km.ImportJSONL(ctx, ws.ID, kb); err != nil {
		return fail(e, err)
	}
	rep, err := eval.Run(ctx, qs, func(ctx context.Context, q eval.Question) (eval.Outcome, error) {
		results, err := km.Search(ctx, ws.ID, q.Question, knowledge.SearchOptions{Lang: q.Lang, Limit: 50})
		if err != nil {
			return eval.Outcome{}, err
		}
		out := eval.Outcome{Decision: eval.Answer, Lang: replyLang(q)}
		seen := map[string]bool{}
		for _, r := range results {
			if id := r.Source.ExternalID; !seen[id] {
				seen[id] = true
				out.Ranking = append(out.Ranking, id)
			}
		}
		if len(out.Ranking) > 0 {
			out.Cited = out.Ranking[0]
		}
		return out, nil
	})
	if err != nil {
		return fail(e, err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	eval.WriteText(e.Stdout, rep)
	return exitOK
}

// replyLang is the language the agent answers in: the customer's stated language, else
// the language of the question.
func replyLang(q eval.Question) string {
	if l := knowledge.NormalizeLang(q.Lang); l != "" {
		return l
	}
	return knowledge.DetectLang(q.Question)
}
