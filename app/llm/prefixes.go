package llm

import "strings"

// Some embedding models were trained to read a task prefix before each text, one for a
// search's question and one for the passages searched, and embed worse without it (the
// model cards say so). embedPrefixes holds those of the common Ollama embedding models;
// models not named here read texts as they are.
var embedPrefixes = map[string][2]string{
	"nomic-embed-text":        {"search_query: ", "search_document: "},
	"nomic-embed-text-v2-moe": {"search_query: ", "search_document: "},
	"mxbai-embed-large":       {"Represent this sentence for searching relevant passages: ", ""},
}

// EmbedPrefixes returns what to put before a question (query) and before a passage
// (document) for model, both "" for a model that needs none. "nomic-embed-text",
// "nomic-embed-text:latest" and "someone/nomic-embed-text:v1.5" are the same model here.
func EmbedPrefixes(model string) (query, document string) {
	name, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(model)), ":")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	p := embedPrefixes[name]
	return p[0], p[1]
}
