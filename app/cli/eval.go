package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/eval"
	"agent/app/knowledge"
	"agent/app/store"
)

func evalCmd(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "eval", "", "Measure retrieval and decisions on a labelled set, in a throwaway workspace.\nFormats: see DESIGN.md (agent eval).")
	kbPath := f.String("kb", "", "knowledge `file` (JSONL: articles and short answers)")
	qPath := f.String("questions", "", "questions `file` (JSONL with gold knowledge ids)")
	asJSON := f.Bool("json", false, "print the report as JSON")
	embedModel := f.String("embed-model", "", "also retrieve by meaning: embed the knowledge and the questions with this Ollama `model`\n(e.g. nomic-embed-text) and fuse it with the keyword ranking, as llm.embed_model does")
	f.override("ollama", "llm.url", "Ollama base `URL` for --embed-model (default http://127.0.0.1:11434)")
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
	opts := knowledge.Options{DB: db}
	if *embedModel != "" {
		cfg, err := f.load(e)
		if err != nil {
			return fail(e, err)
		}
		cfg.LLM.ChatModel, cfg.LLM.EmbedModel = "", *embedModel
		if opts.LLM, err = newLLM(cfg); err != nil {
			return fail(e, err)
		}
	}
	km := knowledge.New(opts)
	if _, err := km.ImportJSONL(ctx, ws.ID, kb); err != nil {
		return fail(e, err)
	}
	if *embedModel != "" {
		start := time.Now()
		n, err := km.Embed(ctx, ws.ID)
		if err != nil {
			return fail(e, err)
		}
		fmt.Fprintf(e.Stderr, "agent eval: embedded %d chunks with %s in %s\n", n, *embedModel, time.Since(start).Round(time.Millisecond))
	}
	// The throwaway agent answers from all knowledge, without a model: decisions do not
	// depend on one, and retrieval is ranked over 50 chunks for recall@10 over distinct ids.
	engine := agent.NewEngine(agent.Options{Knowledge: km, SearchLimit: 50})
	evalAgent := agent.Agent{WorkspaceID: ws.ID, Name: "eval", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true}
	rep, err := eval.Run(ctx, qs, func(ctx context.Context, q eval.Question) (eval.Outcome, error) {
		r, err := engine.Respond(ctx, evalAgent, agent.Message{Text: q.Question, Lang: q.Lang})
		if err != nil {
			return eval.Outcome{}, err
		}
		out := eval.Outcome{Decision: string(r.Decision), Lang: r.Lang}
		seen := map[string]bool{}
		for _, c := range r.Candidates {
			if !seen[c.ExternalID] {
				seen[c.ExternalID] = true
				out.Ranking = append(out.Ranking, c.ExternalID)
			}
		}
		if len(r.Sources) > 0 {
			out.Cited = r.Sources[0].ExternalID
		}
		return out, nil
	})
	if err != nil {
		return fail(e, err)
	}
	if n := km.QueryEmbedFailures(); n > 0 {
		fmt.Fprintf(e.Stderr, "agent eval: %d searches could not embed the question in time and used keywords alone\n", n)
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
