package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"agent/app/account"
	"agent/app/agent"
)

func ask(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "ask", "QUESTION", "Ask an agent a question and see its reply with the decision, confidence, sources\nand timings, as the admin's preview shows them. Counts in no report.")
	wsName := f.String("workspace", "", "workspace `name` (may be omitted when there is only one)")
	agentName := f.String("agent", "", "agent `name` (may be omitted when the workspace has only one)")
	lang := f.String("lang", "", "the customer's `language`, as a browser sends it (e.g. fr-FR); default: detected")
	channel := f.String("channel", "chat", "the `channel` the question comes from")
	asJSON := f.Bool("json", false, "print the reply and its record as JSON")
	trust := f.String("trust", "", "answer at this trust `level` (cautious, balanced or eager) instead of the agent's own")
	f.override("ollama", "llm.url", "Ollama base `URL` (default http://127.0.0.1:11434)")
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
	a, err := findAgent(ctx, agent.NewStore(db), ws.ID, *agentName)
	if err != nil {
		return fail(e, err)
	}
	if *trust != "" {
		if a.Trust, ok = trustLevel(e, "ask", *trust); !ok {
			return exitUsage
		}
	}
	client, err := newLLM(cfg)
	if err != nil {
		return fail(e, err)
	}
	engine := agent.NewEngine(agent.Options{Knowledge: newKnowledge(cfg, db, client, newLogger(cfg, e.Stderr)), LLM: client})

	var draft strings.Builder
	msg := agent.Message{Text: rest[0], Lang: *lang, Channel: *channel}
	if !*asJSON {
		msg.Stream = func(tok string) error {
			draft.WriteString(tok)
			_, err := fmt.Fprint(e.Stdout, tok)
			return err
		}
	}
	r, err := engine.Respond(ctx, a, msg)
	if err != nil {
		return fail(e, err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fail(e, err)
		}
		return exitOK
	}
	switch {
	case draft.Len() == 0:
		fmt.Fprintln(e.Stdout, r.Text)
	case draft.String() != r.Text:
		// The streamed draft failed the check or was cut: say so, and show what is sent.
		fmt.Fprintf(e.Stdout, "\n\n[draft replaced] %s\n", r.Text)
	default:
		fmt.Fprintln(e.Stdout)
	}
	for _, q := range r.QuickReplies {
		fmt.Fprintf(e.Stdout, "  > %s\n", q)
	}
	for _, s := range r.Sources {
		fmt.Fprintf(e.Stdout, "  [%d] %s %s\n", s.N, s.Title, s.URL)
	}
	fmt.Fprintf(e.Stdout, "\ndecision %s (%s), confidence %.2f, language %s, mode %s", r.Decision, r.Reason, r.Confidence, r.Lang, r.Mode)
	if r.Model != "" {
		fmt.Fprintf(e.Stdout, ", model %s, %d+%d tokens", r.Model, r.PromptTokens, r.CompletionTokens)
	}
	fmt.Fprintf(e.Stdout, "\ntime %s (retrieval %s, model %s)\n", r.Total.Round(10_000), r.Retrieval.Round(10_000), r.ModelTime.Round(10_000))
	if r.ModelError != "" {
		fmt.Fprintf(e.Stdout, "model not used: %s\n", r.ModelError)
	}
	return exitOK
}

// findAgent picks the named agent of a workspace, or its only one when name is empty.
func findAgent(ctx context.Context, agents *agent.Store, workspaceID int64, name string) (agent.Agent, error) {
	if name != "" {
		a, err := agents.ByName(ctx, workspaceID, name)
		if errors.Is(err, agent.ErrNotFound) {
			return a, fmt.Errorf("no agent named %q in this workspace", name)
		}
		return a, err
	}
	all, err := agents.List(ctx, workspaceID)
	if err != nil {
		return agent.Agent{}, err
	}
	switch len(all) {
	case 0:
		return agent.Agent{}, fmt.Errorf("this workspace has no agent yet; create one in the admin (Agents)")
	case 1:
		return all[0], nil
	}
	names := make([]string, len(all))
	for i, a := range all {
		names[i] = fmt.Sprintf("%q", a.Name)
	}
	return agent.Agent{}, fmt.Errorf("there are several agents; choose one with --agent (%s)", strings.Join(names, ", "))
}
