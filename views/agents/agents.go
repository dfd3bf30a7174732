// Package agents holds the screens of the Agents section: the list of a workspace's AI
// agents and the form that creates or changes one, with its avatar.
package agents

import (
	"slices"
	"strconv"

	"agent/app/agent"
	"agent/app/knowledge"
	"agent/app/llm"
	"agent/views/components"
	"agent/views/urls"
)

// ListData is what the list of agents shows.
type ListData struct {
	Agents []agent.Agent
	Model  llm.Health // whether agents can write answers with the language model
}

// FormData is what the form of a new agent (Agent.ID == 0) or of an existing one shows.
type FormData struct {
	Agent   agent.Agent
	Form    components.Form    // what was typed, and what was wrong with it
	Chosen  []int64            // the sources checked in the form
	Sources []knowledge.Source // the workspace's sources to choose from
	// MoreSources is how many of the workspace's sources the list leaves out.
	MoreSources int
	// Avatar carries the error of a rejected avatar upload (field "avatar").
	Avatar components.Form
}

// New reports whether the form creates an agent.
func (d FormData) New() bool { return d.Agent.ID == 0 }

// IsChosen reports whether a source is checked in the form.
func (d FormData) IsChosen(id int64) bool { return slices.Contains(d.Chosen, id) }

// HiddenChosen are the chosen sources the list does not show (a workspace with more
// sources than the list holds), kept as hidden fields so that saving does not drop them.
func (d FormData) HiddenChosen() []int64 {
	shown := make(map[int64]bool, len(d.Sources))
	for _, s := range d.Sources {
		shown[s.ID] = true
	}
	var out []int64
	for _, c := range d.Chosen {
		if !shown[c] {
			out = append(out, c)
		}
	}
	return out
}

// KnowledgeLabel says what an agent answers from: "All knowledge" or "3 sources".
func KnowledgeLabel(a agent.Agent) string {
	switch n := len(a.SourceIDs); {
	case a.AllSources:
		return "All knowledge"
	case n == 0:
		return "No sources"
	case n == 1:
		return "1 source"
	default:
		return strconv.Itoa(n) + " sources"
	}
}

// AvatarURL is the address of an agent's avatar; the version in the query changes with
// every change of the agent, so a new image is never hidden by a cached one.
func AvatarURL(a agent.Agent) string {
	return urls.Agent(a.WorkspaceID, a.ID, "avatar") + "?v=" + strconv.FormatInt(a.UpdatedAt.Unix(), 10)
}

// AvatarTypes are the image types the avatar upload accepts.
const AvatarTypes = "image/png,image/jpeg,image/gif,image/webp"

// MaxAvatarKB is the largest avatar, in KB, for the help text.
const MaxAvatarKB = agent.MaxAvatar >> 10
