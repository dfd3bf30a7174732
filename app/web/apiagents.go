package web

import (
	"time"

	"agent/app/agent"
)

// apiAgent is an AI agent.
type apiAgent struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Role        string    `json:"role" doc:"support, marketing or sales"`
	Personality string    `json:"personality"`
	Trust       string    `json:"trust" doc:"how sure it must be to answer"`
	Active      bool      `json:"active"`
	AllSources  bool      `json:"all_sources" doc:"answers from all of the workspace's knowledge"`
	SourceIDs   []string  `json:"source_ids" doc:"the knowledge it answers from, without all_sources"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// apiMember is a person of the workspace.
type apiMember struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	Role     string   `json:"role" doc:"owner, admin or agent"`
	Disabled bool     `json:"disabled"`
	TeamIDs  []string `json:"team_ids"`
}

type apiTeam struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	MemberIDs []string `json:"member_ids"`
}

func apiIDs(in []int64) []string {
	out := make([]string, len(in))
	for i, id := range in {
		out[i] = apiID(id)
	}
	return out
}

// slicePage pages a short list that is read whole (agents, members, teams): the cursor
// holds an offset.
func slicePage[T any](c *apiCall, kind string, all []T) (apiPage[T], error) {
	limit, cur, err := c.page(kind)
	if err != nil {
		return apiPage[T]{}, err
	}
	start := min(int(min(cur.At, int64(len(all)))), len(all))
	end := min(start+limit+1, len(all))
	return pageOf(all[start:end], limit, func(T) cursor { return cursor{Kind: kind, At: int64(start + limit)} }), nil
}

func apiAgentJSON(a agent.Agent) apiAgent {
	return apiAgent{ID: apiID(a.ID), Name: a.Name, Role: string(a.Role), Personality: string(a.Personality), Trust: string(a.Trust),
		Active: a.Active, AllSources: a.AllSources, SourceIDs: apiIDs(a.SourceIDs), CreatedAt: apiAt(a.CreatedAt), UpdatedAt: apiAt(a.UpdatedAt)}
}

func (s *Server) apiAgents(c *apiCall) (any, error) {
	list, err := s.agents.List(c.r.Context(), c.ws())
	if err != nil {
		return nil, err
	}
	out := make([]apiAgent, len(list))
	for i, a := range list {
		out[i] = apiAgentJSON(a)
	}
	return slicePage(c, "agents", out)
}

func (s *Server) apiAgent(c *apiCall) (any, error) {
	id, err := c.id("agent")
	if err != nil {
		return nil, err
	}
	a, err := s.agents.Get(c.r.Context(), c.ws(), id)
	if err != nil {
		return nil, err
	}
	return apiAgentJSON(a), nil
}

func (s *Server) apiMembers(c *apiCall) (any, error) {
	list, err := s.accounts.Members(c.r.Context(), c.ws())
	if err != nil {
		return nil, err
	}
	out := make([]apiMember, len(list))
	for i, m := range list {
		teams := make([]int64, len(m.Teams))
		for j, t := range m.Teams {
			teams[j] = t.ID
		}
		out[i] = apiMember{ID: apiID(m.ID), Name: m.Name, Email: m.Email, Role: string(m.Role), Disabled: m.Disabled, TeamIDs: apiIDs(teams)}
	}
	return slicePage(c, "members", out)
}

func (s *Server) apiTeams(c *apiCall) (any, error) {
	list, err := s.accounts.Teams(c.r.Context(), c.ws())
	if err != nil {
		return nil, err
	}
	out := make([]apiTeam, len(list))
	for i, t := range list {
		out[i] = apiTeam{ID: apiID(t.ID), Name: t.Name, MemberIDs: apiIDs(t.MemberIDs)}
	}
	return slicePage(c, "teams", out)
}
