package agents

import (
	"slices"
	"testing"

	"agent/app/agent"
	"agent/app/knowledge"
)

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
