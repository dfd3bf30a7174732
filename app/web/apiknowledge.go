package web

import (
	"net/http"
	"time"

	"agent/app/knowledge"
)

// apiSource is a piece of knowledge; its text (body) only when one is asked for.
type apiSource struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind" doc:"article, file, url or short_answer"`
	Title     string     `json:"title"`
	Lang      string     `json:"lang"`
	Status    string     `json:"status" doc:"pending, ready or error"`
	Error     string     `json:"error" doc:"why it could not be read, with status error"`
	URL       string     `json:"url"`
	Filename  string     `json:"filename"`
	Question  string     `json:"question" doc:"a short answer's question"`
	Variants  []string   `json:"variants" doc:"a short answer's other ways to ask"`
	Body      string     `json:"body,omitempty" doc:"an article's Markdown or a short answer's answer (single source only)"`
	Chunks    int        `json:"chunks" doc:"how many searchable pieces it was cut into"`
	SyncedAt  *time.Time `json:"synced_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

type apiArticleInput struct {
	Title string `json:"title" required:"true"`
	Body  string `json:"body" required:"true" doc:"Markdown"`
	Lang  string `json:"lang,omitempty" doc:"a language code; detected when left out"`
	URL   string `json:"url,omitempty" doc:"a public page to cite"`
}

type apiShortAnswerInput struct {
	Question string   `json:"question" required:"true"`
	Variants []string `json:"variants,omitempty"`
	Answer   string   `json:"answer" required:"true"`
	Lang     string   `json:"lang,omitempty"`
}

type apiURLInput struct {
	URL string `json:"url" required:"true"`
}

func apiSourceJSON(src knowledge.Source, withBody bool) apiSource {
	out := apiSource{ID: apiID(src.ID), Kind: string(src.Kind), Title: src.Title, Lang: src.Lang, Status: string(src.Status),
		Error: src.Error, URL: src.URL, Filename: src.Filename, Question: src.Question, Variants: src.Variants, Chunks: src.ChunkCount,
		SyncedAt: apiTime(src.SyncedAt), CreatedAt: apiAt(src.CreatedAt), UpdatedAt: apiAt(src.UpdatedAt)}
	if out.Variants == nil {
		out.Variants = []string{}
	}
	if withBody {
		out.Body = src.Body
	}
	return out
}

// apiSources pages the knowledge table. Its order (last change first) moves as sources
// sync, so its cursor holds an offset: a page may repeat or skip a source changed meanwhile.
func (s *Server) apiSources(c *apiCall) (any, error) {
	limit, cur, err := c.page("knowledge")
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := knowledge.ListFilter{Query: q.Get("q"), Kind: knowledge.Kind(q.Get("kind")), Status: knowledge.Status(q.Get("status")),
		Offset: int(cur.At), Limit: limit + 1}
	switch f.Kind {
	case "", knowledge.KindArticle, knowledge.KindFile, knowledge.KindURL, knowledge.KindShortAnswer:
	default:
		return nil, errBadRequest("invalid_kind", "kind must be article, file, url or short_answer.")
	}
	switch f.Status {
	case "", knowledge.StatusPending, knowledge.StatusReady, knowledge.StatusError:
	default:
		return nil, errBadRequest("invalid_status", "status must be pending, ready or error.")
	}
	list, _, err := s.knowledge.List(c.r.Context(), c.ws(), f)
	if err != nil {
		return nil, err
	}
	p := pageOf(list, limit, func(knowledge.Source) cursor { return cursor{Kind: "knowledge", At: int64(f.Offset + limit)} })
	return mapPage(p, func(src knowledge.Source) (apiSource, error) { return apiSourceJSON(src, false), nil })
}

func (s *Server) apiSourceOf(c *apiCall) (knowledge.Source, error) {
	id, err := c.id("source")
	if err != nil {
		return knowledge.Source{}, err
	}
	return s.knowledge.Source(c.r.Context(), c.ws(), id)
}

func (s *Server) apiSource(c *apiCall) (any, error) {
	src, err := s.apiSourceOf(c)
	if err != nil {
		return nil, err
	}
	return apiSourceJSON(src, true), nil
}

func (s *Server) apiCreateArticle(c *apiCall) (any, error) {
	var in apiArticleInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	src, err := s.knowledge.CreateArticle(c.r.Context(), c.ws(), knowledge.ArticleInput{Title: in.Title, Body: in.Body, Lang: in.Lang, URL: in.URL})
	if err != nil {
		return nil, err
	}
	return apiSourceJSON(src, true), nil
}

func (s *Server) apiCreateShortAnswer(c *apiCall) (any, error) {
	var in apiShortAnswerInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	src, err := s.knowledge.CreateShortAnswer(c.r.Context(), c.ws(), knowledge.ShortAnswerInput{Question: in.Question,
		Variants: in.Variants, Answer: in.Answer, Lang: in.Lang})
	if err != nil {
		return nil, err
	}
	return apiSourceJSON(src, true), nil
}

func (s *Server) apiAddURL(c *apiCall) (any, error) {
	var in apiURLInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	src, err := s.knowledge.AddURL(c.r.Context(), c.ws(), in.URL)
	if err != nil {
		return nil, err
	}
	return apiSourceJSON(src, false), nil
}

// apiSync asks for a web page source to be fetched again; other kinds have nothing to
// fetch (409).
func (s *Server) apiSync(c *apiCall) (any, error) {
	src, err := s.apiSourceOf(c)
	if err != nil {
		return nil, err
	}
	n, err := s.knowledge.RequestSync(c.r.Context(), c.ws(), []int64{src.ID})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, &apiError{http.StatusConflict, "not_syncable", "Only web page sources (kind url) are fetched again.", ""}
	}
	return apiSourceJSON(src, false), nil
}

func (s *Server) apiRemoveSource(c *apiCall) (any, error) {
	src, err := s.apiSourceOf(c)
	if err != nil {
		return nil, err
	}
	if _, err := s.knowledge.Remove(c.r.Context(), c.ws(), []int64{src.ID}); err != nil {
		return nil, err
	}
	return nil, nil
}
