package web

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"agent/app/agent"
	"agent/app/knowledge"
	agentsview "agent/views/agents"
	"agent/views/components"
	"agent/views/urls"
)

// agentSourceChoices is how many sources the agent form lists to choose from, the most
// recently changed first; a workspace rarely has more, and the list scrolls.
const agentSourceChoices = 1000

func (s *Server) agentsPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.agents.List(r.Context(), visitOf(r).workspace.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := agentsview.ListData{Agents: list, Model: s.modelStatus(r.Context())}
	s.render(w, r, http.StatusOK, agentsview.List(s.page(w, r, "Agents", "agents"), d))
}

// agentForm shows the form of a new agent (a.ID == 0) or of a, with status and f as they are.
func (s *Server) agentForm(w http.ResponseWriter, r *http.Request, status int, a agent.Agent, f components.Form, chosen []int64, avatar components.Form) {
	ws := visitOf(r).workspace.ID
	sources, total, err := s.knowledge.List(r.Context(), ws, knowledge.ListFilter{Limit: agentSourceChoices})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	slices.SortStableFunc(sources, func(a, b knowledge.Source) int {
		return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	})
	d := agentsview.FormData{Agent: a, Form: f, Chosen: chosen, Sources: sources, MoreSources: total - len(sources), Avatar: avatar}
	title, addr := "Create an agent", urls.Agents(ws, "new")
	if a.ID != 0 {
		title, addr = "Edit "+a.Name, urls.Agent(ws, a.ID, "edit")
	}
	if r.Method == http.MethodPost {
		// A rejected form comes back from the address it was posted to; htmx would show
		// that one (the image itself, after an avatar upload) instead of the form's own.
		w.Header().Set("HX-Push-Url", addr)
	}
	s.render(w, r, status, agentsview.Form(s.page(w, r, title, "agents"), d))
}

// agentValues fills a form with a's settings.
func agentValues(a agent.Agent) components.Form {
	f := components.NewForm()
	f.Values = map[string]string{
		"name": a.Name, "role": string(a.Role), "personality": string(a.Personality), "voice": a.Voice,
		"knowledge": "all", "rephrase_first": checked(a.RephraseFirst), "active": checked(a.Active),
		"trust": string(a.Trust),
	}
	if !a.AllSources {
		f.Values["knowledge"] = "chosen"
	}
	return f
}

func checked(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func (s *Server) newAgentPage(w http.ResponseWriter, r *http.Request) {
	f := agentValues(agent.Agent{Role: agent.RoleSupport, Personality: agent.Friendly, AllSources: true, Active: true, Trust: agent.TrustBalanced})
	s.agentForm(w, r, http.StatusOK, agent.Agent{}, f, nil, components.NewForm())
}

// postedAgent reads the agent form; false means a response (404 for a bad source ID) was sent.
func (s *Server) postedAgent(w http.ResponseWriter, r *http.Request) (components.Form, agent.Input, bool) {
	f := formOf(r, "name", "role", "personality", "voice", "knowledge", "rephrase_first", "trust", "active")
	f.Values["sources"] = "" // so that an error about the sources shows beside them
	chosen, ok := s.formIDs(w, r, "source")
	if !ok {
		return f, agent.Input{}, false
	}
	return f, agent.Input{
		Name: f.Value("name"), Role: agent.Role(f.Value("role")), Personality: agent.Personality(f.Value("personality")),
		Voice: f.Value("voice"), AllSources: f.Value("knowledge") != "chosen", SourceIDs: chosen,
		RephraseFirst: f.Value("rephrase_first") == "1", Trust: agent.Trust(f.Value("trust")), Active: f.Value("active") == "1",
	}, true
}

func (s *Server) createAgent(w http.ResponseWriter, r *http.Request) {
	f, in, ok := s.postedAgent(w, r)
	if !ok {
		return
	}
	a, err := s.agents.Create(r.Context(), visitOf(r).workspace.ID, in)
	s.agentSaved(w, r, agent.Agent{}, a, err, f, in, "Agent "+a.Name+" created.")
}

func (s *Server) updateAgent(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	f, in, ok := s.postedAgent(w, r)
	if !ok {
		return
	}
	saved, err := s.agents.Update(r.Context(), a.WorkspaceID, a.ID, in)
	s.agentSaved(w, r, a, saved, err, f, in, "Agent "+saved.Name+" saved.")
}

// agentSaved ends a create or an update: on to the list, or back to the form of edited
// (zero when new) with err next to its field and everything as typed.
func (s *Server) agentSaved(w http.ResponseWriter, r *http.Request, edited, saved agent.Agent, err error,
	f components.Form, in agent.Input, done string) {
	if err != nil {
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		s.agentForm(w, r, http.StatusUnprocessableEntity, edited, f, in.SourceIDs, components.NewForm())
		return
	}
	s.redirectWithFlash(w, r, urls.Agents(saved.WorkspaceID), "ok", done)
}

// agent loads the agent named in the path, which must belong to the current workspace.
func (s *Server) agent(w http.ResponseWriter, r *http.Request) (agent.Agent, bool) {
	id, ok := s.pathID(w, r, "agent")
	if !ok {
		return agent.Agent{}, false
	}
	a, err := s.agents.Get(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return agent.Agent{}, false
	}
	return a, true
}

func (s *Server) editAgentPage(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.agent(w, r); ok {
		s.agentForm(w, r, http.StatusOK, a, agentValues(a), a.SourceIDs, components.NewForm())
	}
}

func (s *Server) pauseAgent(w http.ResponseWriter, r *http.Request)  { s.setAgentActive(w, r, false) }
func (s *Server) resumeAgent(w http.ResponseWriter, r *http.Request) { s.setAgentActive(w, r, true) }

func (s *Server) setAgentActive(w http.ResponseWriter, r *http.Request, active bool) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	if err := s.agents.SetActive(r.Context(), a.WorkspaceID, a.ID, active); err != nil {
		s.domainError(w, r, err)
		return
	}
	msg := a.Name + " is paused: it no longer answers customers."
	if active {
		msg = a.Name + " is active again."
	}
	s.redirectWithFlash(w, r, urls.Agents(a.WorkspaceID), "ok", msg)
}

func (s *Server) deleteAgent(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	if err := s.agents.Delete(r.Context(), a.WorkspaceID, a.ID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.log.Info("agent deleted", "workspace", a.WorkspaceID, "agent", a.ID, "by", visitOf(r).user.ID)
	s.redirectWithFlash(w, r, urls.Agents(a.WorkspaceID), "ok", "Agent "+a.Name+" deleted.")
}

// uploadAvatar replaces the agent's picture; a rejected image leaves everything as it was
// and says why on the agent's page (422).
func (s *Server) uploadAvatar(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	if err := r.ParseMultipartForm(maxMultipartMemory); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.bodyError(w, r, err)
		return
	}
	img, err := avatarUpload(r, agent.MaxAvatar)
	if err == nil {
		err = s.agents.SetAvatar(r.Context(), a.WorkspaceID, a.ID, img)
	}
	if err != nil {
		f := components.NewForm()
		f.Values["avatar"] = ""
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		s.agentForm(w, r, http.StatusUnprocessableEntity, a, agentValues(a), a.SourceIDs, f)
		return
	}
	s.redirectWithFlash(w, r, urls.Agent(a.WorkspaceID, a.ID, "edit"), "ok", "New picture saved.")
}

// avatarUpload reads the uploaded image, never more than one byte over the limit (which
// SetAvatar then refuses with its own message).
func avatarUpload(r *http.Request, limit int64) ([]byte, error) {
	file, _, err := r.FormFile("avatar")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, &agent.InputError{Field: "avatar", Message: "choose an image to upload"}
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return io.ReadAll(io.LimitReader(file, limit+1))
}

func (s *Server) removeAvatar(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agent(w, r)
	if !ok {
		return
	}
	if err := s.agents.RemoveAvatar(r.Context(), a.WorkspaceID, a.ID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Agent(a.WorkspaceID, a.ID, "edit"), "ok", "Picture removed.")
}

// agentAvatar serves the agent's picture with the type sniffed when it was uploaded.
func (s *Server) agentAvatar(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "agent")
	if !ok {
		return
	}
	img, ct, err := s.agents.Avatar(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	writeAvatar(w, r, img, ct)
}

// writeAvatar serves an avatar image to the admin's pages: never run as anything but an
// image, cached briefly by the browser alone.
func writeAvatar(w http.ResponseWriter, r *http.Request, img []byte, ct string) {
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(img)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(img)
	}
}
