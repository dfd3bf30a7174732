package llm

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
)

// healthTimeout keeps the status page and readiness probe snappy even when Ollama hangs.
const healthTimeout = 3 * time.Second

// Health is a snapshot of whether Ollama answers and has the configured models, for the status page.
type Health struct {
	URL             string // Ollama's base URL
	Reachable       bool   // Ollama answered /api/version
	Version         string // Ollama's version, e.g. "0.17.4"
	Error           string // what went wrong, "" if all is well
	ChatModel       string // configured chat model ("" if none)
	EmbedModel      string // configured embedding model ("" if none)
	ChatModelFound  bool   // ChatModel is installed
	EmbedModelFound bool   // EmbedModel is installed
	// EmbedError is why the last embedding failed, when none succeeded since: questions
	// were then searched by their words alone ("" when the last one succeeded).
	EmbedError string

	failure error // the failed call behind Error (not a missing model), for Notice
}

// Health asks /api/version and /api/tags within 3s; it never fails, problems are reported in Health.Error.
func (c *Client) Health(ctx context.Context) Health {
	h := Health{URL: c.url, ChatModel: c.chatModel, EmbedModel: c.embedModel}
	c.embedMu.Lock()
	if c.embedFailed != nil {
		h.EmbedError = c.embedFailed.Error()
	}
	c.embedMu.Unlock()
	callCtx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()

	v, err := c.api.Version(callCtx)
	if err != nil {
		h.failure = c.classify(ctx, callCtx, "health", "", err)
		h.Error = h.failure.Error()
		return h
	}
	h.Reachable = true
	h.Version = v

	models, err := c.models(ctx, callCtx, "health")
	if err != nil {
		h.failure = err
		h.Error = err.Error()
		return h
	}
	for _, m := range models {
		if c.chatModel != "" && sameModel(c.chatModel, m.Name) {
			h.ChatModelFound = true
		}
		if c.embedModel != "" && sameModel(c.embedModel, m.Name) {
			h.EmbedModelFound = true
		}
	}
	var problems []string
	if c.chatModel != "" && !h.ChatModelFound {
		problems = append(problems, c.notFound(c.chatModel, nil).Error())
	}
	if c.embedModel != "" && !h.EmbedModelFound && !sameModel(c.embedModel, c.chatModel) {
		problems = append(problems, c.notFound(c.embedModel, nil).Error())
	}
	h.Error = strings.Join(problems, "; ")
	return h
}

// Notice says in plain words, for the people who run the shop, why the agents do not write
// their answers with the language model, and what fixes it; both are "" when the model is
// ready. It is the one place that decides this, so that every page says the same; the
// technical detail is Health.Error, for the log. The order matters: with no chat model
// configured nothing else would help, and a model cannot be found where Ollama does not answer.
func (h Health) Notice() (problem, fix string) {
	const quoting = ", so the agents answer by quoting your knowledge (extractive mode)."
	where := "Ollama"
	if h.URL != "" {
		where = "Ollama at " + h.URL
	}
	switch {
	case h.ChatModel == "":
		fix = "To have them write answers, set llm.chat_model to a model installed in Ollama"
		if !h.Reachable && h.URL != "" {
			fix += ", and start Ollama (it is not running at " + h.URL + ") or change llm.url"
		}
		return "No language model is chosen" + quoting, fix + "."
	case !h.Reachable && errors.Is(h.failure, context.DeadlineExceeded):
		return where + " does not answer" + quoting, "Check that Ollama is running and not overloaded, or change llm.url."
	case !h.Reachable && (h.failure == nil || errors.Is(h.failure, ErrUnavailable)):
		if h.URL != "" {
			return "Ollama is not running at " + h.URL + quoting, "Start Ollama or change llm.url."
		}
		return "Ollama is not running" + quoting, "Start Ollama or change llm.url."
	case h.failure != nil:
		return where + " answered with an error" + quoting, "The error is in the server log; check Ollama's own log too."
	case !h.ChatModelFound:
		return "The model " + strconv.Quote(h.ChatModel) + " is not installed in " + where + quoting,
			"Run: ollama pull " + h.ChatModel + " (or set llm.chat_model to a model that is installed)."
	case h.EmbedModel != "" && !h.EmbedModelFound:
		return "The embedding model " + strconv.Quote(h.EmbedModel) + " is not installed in " + where +
				", so the agents find your knowledge by its words only, not by meaning.",
			"Run: ollama pull " + h.EmbedModel + " (or set llm.embed_model to a model that is installed)."
	case h.EmbedError != "":
		return "The embedding model " + strconv.Quote(h.EmbedModel) + " failed at its last use in " + where +
				", so the agents found your knowledge by its words only, not by meaning.",
			"The error is in the server log; check that Ollama is not overloaded. It clears at the next success."
	}
	return "", ""
}

// sameModel reports whether two model names refer to the same model, as Ollama resolves them:
// a missing tag means ":latest" and case does not matter ("llama3" == "llama3:latest").
func sameModel(a, b string) bool {
	return strings.EqualFold(withTag(a), withTag(b))
}

// withTag appends ":latest" to a name without a tag; a colon before the last "/" is a registry port, not a tag.
func withTag(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		return name
	}
	return name + ":latest"
}
