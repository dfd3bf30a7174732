package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"agent/app/account"
	"agent/app/gaps"
	"agent/app/report"
	"agent/views/components"
	"agent/views/reports"
	"agent/views/urls"
)

// gapRoutes lists the knowledge gaps' routes, under Reports: they need the agent-editor
// permission (edit knowledge), since resolving a topic writes knowledge.
func (s *Server) gapRoutes(ws wsRoute) {
	ws("GET /w/{ws}/reports/gaps", account.PermEditKnowledge, s.gapsPage)
	ws("GET /w/{ws}/reports/gaps.json", account.PermEditKnowledge, s.gapsJSON)
	ws("GET /w/{ws}/reports/gaps/answer", account.PermEditKnowledge, s.gapAnswer)
	ws("GET /w/{ws}/reports/gaps/{topic}", account.PermEditKnowledge, s.gapTopicPage)
	ws("POST /w/{ws}/reports/gaps/{topic}/resolve", account.PermEditKnowledge, s.resolveGapTopic)
	ws("POST /w/{ws}/reports/gaps/{topic}/dismiss", account.PermEditKnowledge, s.dismissGapTopic)
	ws("POST /w/{ws}/reports/gaps/{topic}/restore", account.PermEditKnowledge, s.restoreGapTopic)
	ws("POST /w/{ws}/reports/gaps/{topic}/questions/{gap}/dismiss", account.PermEditKnowledge, s.dismissGap)
}

// gapList reads the list's status and page from the query string and lists the topics.
func (s *Server) gapList(w http.ResponseWriter, r *http.Request) (reports.GapsData, bool) {
	ws := visitOf(r).workspace.ID
	d := reports.GapsData{WS: ws, Status: gaps.Status(r.URL.Query().Get("status"))}
	switch d.Status {
	case "":
		d.Status = gaps.Open
	case gaps.Open, gaps.Resolved, gaps.Dismissed:
	default:
		s.fail(w, r, http.StatusBadRequest, "No such list of topics.")
		return d, false
	}
	if p := r.URL.Query().Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			s.fail(w, r, http.StatusBadRequest, "No such page.")
			return d, false
		}
		d.Page = n - 1
	}
	var err error
	if d.Loc, err = report.TimeZone(r.Context(), s.db, ws); err == nil {
		d.Topics, d.Total, err = s.gaps.Topics(r.Context(), ws, d.Status, d.Page)
	}
	if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	return d, true
}

func (s *Server) gapsPage(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.gapList(w, r); ok {
		s.render(w, r, http.StatusOK, reports.Gaps(s.page(w, r, "Knowledge gaps", "reports"), d))
	}
}

// gapTopicJSON is a topic as gaps.json lists it.
type gapTopicJSON struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Status    string    `json:"status"`
	Questions int       `json:"questions"`
	LastSeen  time.Time `json:"last_seen"`
	Replayed  int       `json:"replayed,omitempty"`
	Answered  int       `json:"answered,omitempty"`
}

func (s *Server) gapsJSON(w http.ResponseWriter, r *http.Request) {
	d, ok := s.gapList(w, r)
	if !ok {
		return
	}
	out := struct {
		Status string         `json:"status"`
		Total  int            `json:"total"`
		Page   int            `json:"page"`
		Topics []gapTopicJSON `json:"topics"`
	}{Status: string(d.Status), Total: d.Total, Page: d.Page + 1, Topics: []gapTopicJSON{}}
	for _, t := range d.Topics {
		out.Topics = append(out.Topics, gapTopicJSON{ID: urls.ID(t.ID), Title: t.Title, Status: string(t.Status), Questions: t.Questions,
			LastSeen: t.LastSeen.UTC(), Replayed: t.Replayed, Answered: t.Answered})
	}
	writeJSON(w, out)
}

// gapTopic reads the topic in the path, in the workspace of the path.
func (s *Server) gapTopic(w http.ResponseWriter, r *http.Request) (gaps.Topic, bool) {
	id, ok := s.pathID(w, r, "topic")
	if !ok {
		return gaps.Topic{}, false
	}
	t, err := s.gaps.Topic(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return t, false
	}
	return t, true
}

// gapTopicPage shows a topic's questions and, for an open one, the form that resolves it;
// ?question= fills in the question (the preview's link).
func (s *Server) gapTopicPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.gapTopic(w, r)
	if !ok {
		return
	}
	f := components.NewForm()
	f.Values["question"] = t.Title
	if q := strings.TrimSpace(r.URL.Query().Get("question")); q != "" {
		f.Values["question"] = q
	}
	s.renderTopic(w, r, http.StatusOK, t, f)
}

func (s *Server) renderTopic(w http.ResponseWriter, r *http.Request, status int, t gaps.Topic, f components.Form) {
	d := reports.TopicData{WS: t.WorkspaceID, Topic: t, Form: f}
	var err error
	if d.Loc, err = report.TimeZone(r.Context(), s.db, t.WorkspaceID); err == nil {
		d.Questions, err = s.gaps.Questions(r.Context(), t, t.Status)
	}
	if err == nil && t.SourceID != 0 {
		var src, srcErr = s.knowledge.Source(r.Context(), t.WorkspaceID, t.SourceID)
		if srcErr == nil {
			d.SourceTitle = src.Title
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, reports.GapTopic(s.page(w, r, "Knowledge gap", "reports"), d))
}

// resolveGapTopic writes the topic's short answer, resolves it and shows how many of its
// questions the agent now answers.
func (s *Server) resolveGapTopic(w http.ResponseWriter, r *http.Request) {
	t, ok := s.gapTopic(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	f := formOf(r, "question", "answer")
	res, err := s.gaps.Resolve(r.Context(), t.WorkspaceID, t.ID, v.user.ID, f.Value("question"), f.Value("answer"))
	if err != nil {
		if !addError(&f, err) {
			s.domainError(w, r, err)
			return
		}
		s.renderTopic(w, r, http.StatusUnprocessableEntity, t, f)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(t.WorkspaceID, "reports", "gaps", urls.ID(t.ID)), "ok",
		"Short answer saved. "+reports.Replayed(res.Topic))
}

func (s *Server) dismissGapTopic(w http.ResponseWriter, r *http.Request) {
	t, ok := s.gapTopic(w, r)
	if !ok {
		return
	}
	if err := s.gaps.DismissTopic(r.Context(), t.WorkspaceID, t.ID, visitOf(r).user.ID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(t.WorkspaceID, "reports", "gaps"), "ok",
		"Topic dismissed: its questions, and new ones like them, are no longer listed.")
}

func (s *Server) restoreGapTopic(w http.ResponseWriter, r *http.Request) {
	t, ok := s.gapTopic(w, r)
	if !ok {
		return
	}
	if err := s.gaps.Restore(r.Context(), t.WorkspaceID, t.ID, visitOf(r).user.ID); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(t.WorkspaceID, "reports", "gaps", urls.ID(t.ID)), "ok", "Topic restored.")
}

func (s *Server) dismissGap(w http.ResponseWriter, r *http.Request) {
	t, ok := s.gapTopic(w, r)
	if !ok {
		return
	}
	id, ok := s.pathID(w, r, "gap")
	if !ok {
		return
	}
	if err := s.gaps.Dismiss(r.Context(), t.WorkspaceID, t.ID, id); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(t.WorkspaceID, "reports", "gaps", urls.ID(t.ID)), "ok",
		"Question dismissed: asked again in the same words, it is not listed.")
}

// gapAnswer is where the preview sends a question its agent could not answer: to the open
// topic it belongs to, the question filled in, or else to a new short answer.
func (s *Server) gapAnswer(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	q := strings.TrimSpace(r.URL.Query().Get("question"))
	var topic int64
	if q != "" {
		var err error
		if topic, err = s.gaps.Suggest(r.Context(), ws, q); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	query := url.Values{"question": {q}}.Encode()
	if topic == 0 {
		s.redirect(w, r, urls.Workspace(ws, "knowledge", "new", "short-answer")+"?"+query)
		return
	}
	s.redirect(w, r, urls.Workspace(ws, "reports", "gaps", urls.ID(topic))+"?"+query+"#resolve")
}
