package agents

import (
	"slices"
	"strings"
	"testing"

	"agent/app/agent"
	"agent/app/knowledge"
	"agent/app/llm"
)

func TestModelNotice(t *testing.T) {
	for _, tc := range []struct {
		name             string
		h                llm.Health
		headline, detail string
	}{
		{"ready", llm.Health{Reachable: true, ChatModel: "llama3.2", ChatModelFound: true}, "", ""},
		{"none configured", llm.Health{Reachable: true}, "No language model is configured: agents answer in extractive mode", "llm.chat_model"},
		{"not installed", llm.Health{Reachable: true, ChatModel: "llama3.2",
			Error: `model "llama3.2" is not installed in Ollama at http://127.0.0.1:11434; run: ollama pull llama3.2`},
			"until it is", `Model "llama3.2" is not installed in Ollama at http://127.0.0.1:11434; run: ollama pull llama3.2`},
		{"down", llm.Health{ChatModel: "llama3.2", Error: "llm: health: ollama at http://127.0.0.1:11434 is not reachable: connection refused"},
			"The language model is not available", "Ollama at http://127.0.0.1:11434 is not reachable: connection refused"},
	} {
		headline, detail := ModelNotice(tc.h)
		if !strings.Contains(headline, tc.headline) || !strings.Contains(detail, tc.detail) || (tc.headline == "") != (headline == "") {
			t.Errorf("%s: %q / %q", tc.name, headline, detail)
		}
	}
}

func TestKnowledgeLabel(t *testing.T) {
	for _, tc := range []struct {
		a    agent.Agent
		want string
	}{
		{agent.Agent{AllSources: true}, "All knowledge"},
		{agent.Agent{SourceIDs: []int64{4}}, "1 source"},
		{agent.Agent{SourceIDs: []int64{4, 9, 12}}, "3 sources"},
		{agent.Agent{}, "No sources"},
	} {
		if got := KnowledgeLabel(tc.a); got != tc.want {
			t.Errorf("KnowledgeLabel(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}

func TestHiddenChosen(t *testing.T) {
	d := FormData{Chosen: []int64{2, 7, 9}, Sources: []knowledge.Source{{ID: 1}, {ID: 2}, {ID: 9}}}
	if got := d.HiddenChosen(); !slices.Equal(got, []int64{7}) {
		t.Errorf("HiddenChosen = %v, want [7]", got)
	}
	if !d.IsChosen(9) || d.IsChosen(1) {
		t.Error("IsChosen")
	}
}
