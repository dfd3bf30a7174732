package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	detailsPath := f.String("details", "", "also write one JSON line per question to `file`: the decision, its confidence and\nevidence, the top knowledge ids with their scores, the options of a clarify")
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
	// A bad item is reported and the run goes on: the questions whose gold it is count
	// as misses, which the figures then show.
	res, err := km.ImportJSONL(ctx, ws.ID, kb, func(ie knowledge.ItemError) {
		fmt.Fprintf(e.Stderr, "agent eval: %s: %v\n", *kbPath, ie)
	})
	if err != nil {
		return fail(e, err)
	}
	if res.Failed > 0 {
		fmt.Fprintf(e.Stderr, "agent eval: imported %d items, %d failed\n", res.Imported, res.Failed)
	}
	if *embedModel != "" {
		start := time.Now()
		n, err := km.Embed(ctx, ws.ID)
		if err != nil {
			return fail(e, err)
		}
		fmt.Fprintf(e.Stderr, "agent eval: embedded %d chunks with %s in %s\n", n.Embedded, *embedModel, time.Since(start).Round(time.Millisecond))
		// A chunk Ollama refused is found by its words only, as in the product: the run
		// goes on and says how many.
		if n.Failed > 0 {
			fmt.Fprintf(e.Stderr, "agent eval: %s refused %d chunks; they are searched by keywords only\n", *embedModel, n.Failed)
		}
	}
	// The throwaway agent answers from all knowledge, without a model: decisions do not
	// depend on one, and retrieval is ranked over 50 chunks for recall@10 over distinct ids.
	engine := agent.NewEngine(agent.Options{Knowledge: km, SearchLimit: 50})
	evalAgent := agent.Agent{WorkspaceID: ws.ID, Name: "eval", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true}
	var details io.Writer
	var detailsFile *os.File
	var detailsBuf *bufio.Writer
	if *detailsPath != "" {
		if detailsFile, err = os.Create(*detailsPath); err != nil {
			return fail(e, err)
		}
		defer detailsFile.Close()
		detailsBuf = bufio.NewWriter(detailsFile)
		details = detailsBuf
	}
	rep, err := eval.Run(ctx, qs, func(ctx context.Context, q eval.Question) (eval.Outcome, error) {
		r, err := engine.Respond(ctx, evalAgent, agent.Message{Text: q.Question, Lang: q.Lang})
		if err != nil {
			return eval.Outcome{}, err
		}
		return outcome(r), nil
	}, details)
	if err != nil {
		return fail(e, err)
	}
	if detailsFile != nil {
		if err := detailsBuf.Flush(); err != nil {
			return fail(e, err)
		}
		if err := detailsFile.Close(); err != nil {
			return fail(e, err)
		}
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

// outcome turns the agent's reply into what eval measures, in knowledge ids.
func outcome(r agent.Reply) eval.Outcome {
	out := eval.Outcome{Decision: string(r.Decision), Reason: string(r.Reason), Confidence: r.Confidence, Lang: r.Lang}
	externalID := map[int64]string{}
	for _, c := range r.Candidates {
		if _, seen := externalID[c.SourceID]; seen {
			continue
		}
		externalID[c.SourceID] = c.ExternalID
		out.Ranking = append(out.Ranking, c.ExternalID)
		if len(out.Top) < 10 {
			out.Top = append(out.Top, eval.Ranked{ID: c.ExternalID, Score: c.Score})
		}
	}
	if len(r.Sources) > 0 {
		out.Cited = r.Sources[0].ExternalID
	}
	if s := r.Signals; s != nil {
		out.Evidence = s
		// The decision turned on confidence: the top source is what a confident agent
		// answers with, unless it ties with others, which is a clarify at any confidence.
		if len(s.Tied) == 0 && len(out.Ranking) > 0 {
			out.Candidate = out.Ranking[0]
		}
	}
	if r.Decision == agent.Clarify && r.Signals != nil {
		for _, id := range r.Signals.Tied {
			out.Options = append(out.Options, externalID[id])
		}
	}
	return out
}
