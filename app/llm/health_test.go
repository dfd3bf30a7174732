package llm_test

import (
	"testing"

	"agent/app/llm"
)

// TestModelNoticeWording is Health.Notice, the one function that words the model's
// status for the admin's pages, in the order its causes are checked.
func TestModelNoticeWording(t *testing.T) {
	const u = "http://127.0.0.1:9"
	for _, tc := range []struct {
		name         string
		h            llm.Health
		problem, fix string
	}{
		{"ready", llm.Health{URL: u, Reachable: true, ChatModel: "llama3.2", ChatModelFound: true}, "", ""},
		{"none chosen", llm.Health{URL: u, Reachable: true},
			"No language model is chosen, so the agents answer by quoting your knowledge (extractive mode).",
			"To have them write answers, set llm.chat_model to a model installed in Ollama."},
		// Starting Ollama alone would not help: the missing setting comes first.
		{"none chosen, Ollama down", llm.Health{URL: u},
			"No language model is chosen, so the agents answer by quoting your knowledge (extractive mode).",
			"To have them write answers, set llm.chat_model to a model installed in Ollama, and start Ollama (it is not running at http://127.0.0.1:9) or change llm.url."},
		{"Ollama down", llm.Health{URL: u, ChatModel: "llama3.2"},
			"Ollama is not running at http://127.0.0.1:9, so the agents answer by quoting your knowledge (extractive mode).",
			"Start Ollama or change llm.url."},
		{"model missing", llm.Health{URL: u, Reachable: true, ChatModel: "llama3.2"},
			`The model "llama3.2" is not installed in Ollama at http://127.0.0.1:9, so the agents answer by quoting your knowledge (extractive mode).`,
			"Run: ollama pull llama3.2 (or set llm.chat_model to a model that is installed)."},
		{"embedding model missing", llm.Health{URL: u, Reachable: true, ChatModel: "llama3.2", ChatModelFound: true, EmbedModel: "nomic-embed-text"},
			`The embedding model "nomic-embed-text" is not installed in Ollama at http://127.0.0.1:9, so the agents find your knowledge by its words only, not by meaning.`,
			"Run: ollama pull nomic-embed-text (or set llm.embed_model to a model that is installed)."},
		{"embedding failed", llm.Health{URL: u, Reachable: true, ChatModel: "llama3.2", ChatModelFound: true, EmbedModel: "nomic-embed-text", EmbedModelFound: true, EmbedError: "timeout"},
			`The embedding model "nomic-embed-text" failed at its last use in Ollama at http://127.0.0.1:9, so the agents found your knowledge by its words only, not by meaning.`,
			"The error is in the server log; check that Ollama is not overloaded. It clears at the next success."},
	} {
		problem, fix := tc.h.Notice()
		if problem != tc.problem || fix != tc.fix {
			t.Errorf("%s:\n got %q %q\nwant %q %q", tc.name, problem, fix, tc.problem, tc.fix)
		}
	}
}
