package llm

import (
	"context"
	"strings"
	"time"
)

// healthTimeout keeps the status page and readiness probe snappy even when Ollama hangs.
const healthTimeout = 3 * time.Second

// Health is a snapshot of whether Ollama answers and has the configured models, for the status page.
type Health struct {
	Reachable       bool   // Ollama answered /api/version
	Version         string // Ollama's version, e.g. "0.17.4"
	Error           string // what went wrong, "" if all is well
	ChatModel       string // configured chat model ("" if none)
	EmbedModel      string // configured embedding model ("" if none)
	ChatModelFound  bool   // ChatModel is installed
	EmbedModelFound bool   // EmbedModel is installed
}

// Health asks /api/version and /api/tags within 3s; it never fails, problems are reported in Health.Error.
func (c *Client) Health(ctx context.Context) Health {
	h := Health{ChatModel: c.chatModel, EmbedModel: c.embedModel}
	callCtx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()

	v, err := c.api.Version(callCtx)
	if err != nil {
		h.Error = c.classify(ctx, callCtx, "health", "", err).Error()
		return h
	}
	h.Reachable = true
	h.Version = v

	models, err := c.models(ctx, callCtx, "health")
	if err != nil {
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
