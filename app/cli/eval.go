package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/eval"
	"agent/app/knowledge"
	"agent/app/store"
)

func evalCmd(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "eval", "", "Measure retrieval and decisions on a labelled set, in a throwaway workspace.\nFormats: see DESIGN.md (agent eval).")
	kbPath := f.String("kb", "", "knowledge: a JSONL `file` of articles and short answers, or a folder of files as agent import\ntakes, whose gold ids are file names (a sheet's rows: NAME#QUESTION; see docs/EVAL.md)")
	qPath := f.String("questions", "", "questions `file` (JSONL with gold knowledge ids)")
	asJSON := f.Bool("json", false, "print the report as JSON")
	detailsPath := f.String("details", "", "also write one JSON line per question to `file`: the decision, its confidence and\nevidence, the top knowledge ids with their scores, the options of a clarify")
	trust := f.String("trust", string(agent.TrustBalanced), "how sure the agent must be to answer: `level` cautious, balanced or eager\n(the report's risk_coverage.settings measures all three)")
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
	level, ok := trustLevel(e, "eval", *trust)
	if !ok {
		return exitUsage
	}
	qs, err := eval.ReadQuestions(*qPath)
	if err != nil {
		return fail(e, err)
	}
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
	names, err := importEvalKB(ctx, e, km, ws.ID, *kbPath)
	if err != nil {
		return fail(e, err)
	}
	if names != nil {
		warnUnknownGold(e, qs, names)
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
	rep, err := eval.Run(ctx, qs, evalResponder(km, ws.ID, level, names, nil), details)
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

// importEvalKB adds the knowledge of an eval to the workspace: a JSONL file (the format
// in DESIGN.md), whose items keep their ids, or a folder of files as agent import takes
// them, where a file's id is its path in the folder ("price-list.pdf") and each row of a
// sheet's is the sheet's, "#" and the row's question ("faq.csv#Do you deliver bikes?"):
// names a person can check a gold against. It returns those ids by source for a folder;
// nil for JSONL, whose sources carry theirs. A bad item or file is reported and the run
// goes on: the questions whose gold it is count as misses, which the figures then show.
func importEvalKB(ctx context.Context, e Env, km *knowledge.Manager, ws int64, path string) (map[int64]string, error) {
	if info, err := os.Stat(path); err != nil || !info.IsDir() {
		kb, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer kb.Close()
		res, err := km.ImportJSONL(ctx, ws, kb, func(ie knowledge.ItemError) {
			fmt.Fprintf(e.Stderr, "agent eval: %s: %v\n", path, ie)
		})
		if err != nil {
			return nil, err
		}
		if res.Failed > 0 {
			fmt.Fprintf(e.Stderr, "agent eval: imported %d items, %d failed\n", res.Imported, res.Failed)
		}
		return nil, nil
	}
	names := map[int64]string{}
	var listErr error
	added, failed := 0, 0
	err := addFolder(ctx, km, ws, path, func(file string, res knowledge.FileResult, err error) {
		name, _ := filepath.Rel(path, file) // file is below path: WalkDir joined them
		name = filepath.ToSlash(name)
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(e.Stderr, "agent eval: %s: %v\n", file, err)
		case res.Source != nil:
			added++
			names[res.Source.ID] = name
		case listErr == nil:
			added++
			// The rows of this sheet are the short answers no file named before it.
			var sas []knowledge.Source
			if sas, listErr = allShortAnswers(ctx, km, ws); listErr != nil {
				return
			}
			for _, sa := range sas {
				if _, ok := names[sa.ID]; !ok {
					names[sa.ID] = name + "#" + sa.Question
				}
			}
		}
	})
	if err == nil {
		err = listErr
	}
	if err != nil {
		return nil, err
	}
	if failed > 0 {
		fmt.Fprintf(e.Stderr, "agent eval: imported %d files, %d failed\n", added, failed)
	}
	return names, nil
}

// warnUnknownGold reports the gold ids that name no source of a folder: a misspelt one
// would make its question a miss, and the figures would blame the agent for it.
func warnUnknownGold(e Env, qs []eval.Question, names map[int64]string) {
	known := make(map[string]bool, len(names))
	for _, n := range names {
		known[n] = true
	}
	for _, q := range qs {
		for _, g := range q.Gold {
			if !known[g] {
				fmt.Fprintf(e.Stderr, "agent eval: question %s: gold %q names no file of the folder\n", q.ID, g)
			}
		}
	}
}

// allShortAnswers lists every short answer of a workspace, page by page.
func allShortAnswers(ctx context.Context, km *knowledge.Manager, ws int64) ([]knowledge.Source, error) {
	var all []knowledge.Source
	for {
		page, total, err := km.List(ctx, ws, knowledge.ListFilter{Kind: knowledge.KindShortAnswer, Offset: len(all), Limit: 500})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// evalResponder runs a question as agent eval does: a throwaway agent that answers from
// all knowledge, without a model (decisions do not depend on one), retrieval ranked over
// 50 chunks for recall@10 over distinct ids. names, when not nil, gives the sources their
// ids (see importEvalKB); seen, when not nil, gets each reply as it is.
func evalResponder(km *knowledge.Manager, ws int64, level agent.Trust, names map[int64]string, seen func(eval.Question, agent.Reply)) eval.Responder {
	engine := agent.NewEngine(agent.Options{Knowledge: km, SearchLimit: 50})
	evalAgent := agent.Agent{WorkspaceID: ws, Name: "eval", Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true, Trust: level}
	return func(ctx context.Context, q eval.Question) (eval.Outcome, error) {
		r, err := engine.Respond(ctx, evalAgent, agent.Message{Text: q.Question, Lang: q.Lang})
		if err != nil {
			return eval.Outcome{}, err
		}
		if names != nil {
			for i := range r.Candidates {
				r.Candidates[i].ExternalID = names[r.Candidates[i].SourceID]
			}
			for i := range r.Sources {
				r.Sources[i].ExternalID = names[r.Sources[i].SourceID]
			}
		}
		if seen != nil {
			seen(q, r)
		}
		return outcome(r), nil
	}
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
	ids := func(sources []int64) []string {
		var xs []string
		for _, id := range sources {
			xs = append(xs, externalID[id])
		}
		return xs
	}
	if r.Decision == agent.Clarify && r.Signals != nil {
		out.Options = ids(r.Signals.Tied)
		if r.Reason == agent.ReasonUnsure {
			out.Options = ids(r.Signals.Options)
		}
	}
	out.Settings = map[string]eval.Setting{}
	for _, t := range agent.Trusts {
		s := eval.Setting{Decision: out.Decision, Cited: out.Cited, Options: out.Options}
		if r.Signals != nil {
			d, sources := r.Signals.Replay(t)
			s = eval.Setting{Decision: string(d)}
			if d == agent.Answer {
				s.Cited = externalID[sources[0]]
			} else {
				s.Options = ids(sources)
			}
		}
		out.Settings[string(t)] = s
	}
	return out
}

// trustLevel parses a --trust flag, reporting a bad one.
func trustLevel(e Env, cmd, s string) (agent.Trust, bool) {
	t := agent.Trust(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(agent.Trusts, t) {
		fmt.Fprintf(e.Stderr, "agent %s: --trust must be cautious, balanced or eager, not %q\n", cmd, s)
		return "", false
	}
	return t, true
}
