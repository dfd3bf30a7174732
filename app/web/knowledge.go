package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"agent/app/knowledge"
	"agent/views/components"
	knowledgeview "agent/views/knowledge"
	"agent/views/layout"
	"agent/views/urls"
)

const (
	// knowledgePerPage is how many sources the knowledge table shows at a time.
	knowledgePerPage = 50
	// maxFilesPerUpload bounds the files of one upload (and, with the file size limit,
	// the body of a multipart request).
	maxFilesPerUpload = 20
	// recentCrawls is how many site imports the knowledge table shows.
	recentCrawls = 5
	// searchResults is how many chunks the test search shows.
	searchResults = 10
)

// fragment reports whether htmx asked for a piece of a page (hx-get, hx-post) rather
// than a whole page (a boosted link or form, or a browser without JavaScript).
func fragment(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") != "true"
}

func (s *Server) knowledgePage(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	q := r.URL.Query()
	f := knowledgeview.Filter{Query: strings.TrimSpace(q.Get("q")), Page: 1}
	if k := knowledge.Kind(q.Get("kind")); slices.Contains(knowledge.Kinds, k) {
		f.Kind = k
	}
	switch st := knowledge.Status(q.Get("status")); st {
	case knowledge.StatusPending, knowledge.StatusReady, knowledge.StatusError:
		f.Status = st
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 1_000_000 {
		f.Page = n
	}
	d := knowledgeview.TableData{Filter: f, PerPage: knowledgePerPage, Now: time.Now()}
	lf := knowledge.ListFilter{Query: f.Query, Kind: f.Kind, Status: f.Status, Offset: (f.Page - 1) * knowledgePerPage, Limit: knowledgePerPage}
	var err error
	d.Sources, d.Total, err = s.knowledge.List(r.Context(), ws, lf)
	if err == nil {
		d.Counts, err = s.knowledge.Counts(r.Context(), ws, lf)
	}
	if err == nil {
		d.Crawls, err = s.knowledge.Crawls(r.Context(), ws, recentCrawls)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, knowledgeview.Table(s.page(w, r, "Knowledge", "knowledge"), d))
}

// knowledgeSearch is the test search: the results alone for htmx, a page otherwise.
func (s *Server) knowledgeSearch(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	q, lang := strings.TrimSpace(r.URL.Query().Get("q")), r.URL.Query().Get("lang")
	var results []knowledge.Result
	if q != "" {
		var err error
		if results, err = s.knowledge.Search(r.Context(), ws, q, knowledge.SearchOptions{Lang: lang, Limit: searchResults}); err != nil {
			s.domainError(w, r, err)
			return
		}
	}
	if fragment(r) {
		s.render(w, r, http.StatusOK, knowledgeview.SearchResults(ws, q, results))
		return
	}
	s.render(w, r, http.StatusOK, knowledgeview.SearchPage(s.page(w, r, "Test search", "knowledge"), q, lang, results))
}

// source loads the source named in the path, which must belong to the current workspace.
func (s *Server) source(w http.ResponseWriter, r *http.Request) (knowledge.Source, bool) {
	id, ok := s.pathID(w, r, "src")
	if !ok {
		return knowledge.Source{}, false
	}
	src, err := s.knowledge.Source(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return knowledge.Source{}, false
	}
	return src, true
}

func (s *Server) sourcePage(w http.ResponseWriter, r *http.Request) {
	src, ok := s.source(w, r)
	if !ok {
		return
	}
	chunks, err := s.knowledge.Chunks(r.Context(), src.WorkspaceID, src.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := knowledgeview.SourceData{Source: src, Chunks: chunks, Now: time.Now()}
	s.render(w, r, http.StatusOK, knowledgeview.Source(s.page(w, r, src.Title, "knowledge"), d))
}

// knowledgeForm shows a rejected form again, with err next to its field (422); errors not
// meant for people go the usual way.
func (s *Server) knowledgeForm(w http.ResponseWriter, r *http.Request, title string, f components.Form, err error,
	view func(layout.Page, components.Form) templ.Component) {
	if !addError(&f, err) {
		s.domainError(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, view(s.page(w, r, title, "knowledge"), f))
}

func (s *Server) newArticlePage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, knowledgeview.Article(s.page(w, r, "Write an article", "knowledge"), knowledge.Source{}, components.NewForm()))
}

func articleForm(r *http.Request) (components.Form, knowledge.ArticleInput) {
	f := formOf(r, "title", "lang", "url", "body")
	return f, knowledge.ArticleInput{Title: f.Value("title"), Body: f.Value("body"), Lang: f.Value("lang"), URL: f.Value("url")}
}

func (s *Server) createArticle(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	f, in := articleForm(r)
	src, err := s.knowledge.CreateArticle(r.Context(), ws, in)
	s.sourceSaved(w, r, src, err, f, knowledge.Source{}, "Write an article", knowledgeview.Article)
}

// previewMarkdown renders the editor's Markdown for the preview beside it.
func (s *Server) previewMarkdown(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, knowledgeview.Preview(strings.TrimSpace(r.PostFormValue("body"))))
}

// newShortAnswerPage is the form of a new short answer; ?question= fills in the question
// (the preview's "Add a short answer" link passes the question the agent could not answer).
func (s *Server) newShortAnswerPage(w http.ResponseWriter, r *http.Request) {
	f := components.NewForm()
	if q := strings.TrimSpace(r.URL.Query().Get("question")); q != "" {
		if rs := []rune(q); len(rs) > maxPrefilledQuestion {
			q = strings.TrimSpace(string(rs[:maxPrefilledQuestion]))
		}
		f.Values["question"] = q
	}
	s.render(w, r, http.StatusOK, knowledgeview.ShortAnswer(s.page(w, r, "Add a short answer", "knowledge"), knowledge.Source{}, f))
}

// maxPrefilledQuestion caps the question taken from a link, in characters.
const maxPrefilledQuestion = 500

func shortAnswerForm(r *http.Request) (components.Form, knowledge.ShortAnswerInput) {
	f := formOf(r, "question", "variants", "answer", "lang")
	return f, knowledge.ShortAnswerInput{Question: f.Value("question"), Variants: strings.Split(f.Value("variants"), "\n"),
		Answer: f.Value("answer"), Lang: f.Value("lang")}
}

func (s *Server) createShortAnswer(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	f, in := shortAnswerForm(r)
	src, err := s.knowledge.CreateShortAnswer(r.Context(), ws, in)
	s.sourceSaved(w, r, src, err, f, knowledge.Source{}, "Add a short answer", knowledgeview.ShortAnswer)
}

// presetsPage offers the preset short answers, English chosen.
func (s *Server) presetsPage(w http.ResponseWriter, r *http.Request) {
	f := components.NewForm()
	f.Values["set:en"] = "1"
	s.render(w, r, http.StatusOK, knowledgeview.Presets(s.page(w, r, "Preset answers", "knowledge"), f))
}

// loadPresets adds the chosen languages' presets, and lists the short answers.
func (s *Server) loadPresets(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	sets := r.PostForm["set"]
	f := components.NewForm()
	for _, set := range sets {
		f.Values["set:"+set] = "1"
	}
	if len(sets) == 0 {
		f.Errors["sets"] = "Choose at least one language."
		s.render(w, r, http.StatusUnprocessableEntity, knowledgeview.Presets(s.page(w, r, "Preset answers", "knowledge"), f))
		return
	}
	n, err := s.knowledge.LoadPresets(r.Context(), ws, sets)
	if err != nil {
		s.knowledgeForm(w, r, "Preset answers", f, err, knowledgeview.Presets)
		return
	}
	msg := "You have every preset of these languages already."
	if n > 0 {
		msg = "Added " + plural(n, "preset answer") + ". Replace the [[…]] parts of each with your own words: until then it is not used."
	}
	s.redirectWithFlash(w, r, urls.Workspace(ws, "knowledge")+"?kind="+string(knowledge.KindShortAnswer), "ok", msg)
}

// sourceView is the form of an article or a short answer: a new one for the zero Source.
type sourceView func(layout.Page, knowledge.Source, components.Form) templ.Component

// sourceSaved ends the save of an article or a short answer: on to its page, or back to
// the form of edited (zero when new) with err next to its field.
func (s *Server) sourceSaved(w http.ResponseWriter, r *http.Request, saved knowledge.Source, err error,
	f components.Form, edited knowledge.Source, title string, view sourceView) {
	if err != nil {
		s.knowledgeForm(w, r, title, f, err, func(p layout.Page, f components.Form) templ.Component { return view(p, edited, f) })
		return
	}
	s.redirectWithFlash(w, r, urls.Workspace(saved.WorkspaceID, "knowledge", urls.ID(saved.ID)), "ok",
		saved.Kind.Label()+" saved. Your AI agents answer from it now.")
}

// editSourcePage opens the form of an article or a short answer; files and web pages
// change only by uploading or fetching them again.
func (s *Server) editSourcePage(w http.ResponseWriter, r *http.Request) {
	src, ok := s.source(w, r)
	if !ok {
		return
	}
	f := components.NewForm()
	switch src.Kind {
	case knowledge.KindArticle:
		f.Values = map[string]string{"title": src.Title, "lang": src.Lang, "url": src.URL, "body": src.Body}
		s.render(w, r, http.StatusOK, knowledgeview.Article(s.page(w, r, "Edit article", "knowledge"), src, f))
	case knowledge.KindShortAnswer:
		f.Values = map[string]string{"question": src.Question, "variants": strings.Join(src.Variants, "\n"), "answer": src.Body, "lang": src.Lang}
		s.render(w, r, http.StatusOK, knowledgeview.ShortAnswer(s.page(w, r, "Edit short answer", "knowledge"), src, f))
	default:
		s.notFound(w, r)
	}
}

func (s *Server) updateSource(w http.ResponseWriter, r *http.Request) {
	src, ok := s.source(w, r)
	if !ok {
		return
	}
	switch src.Kind {
	case knowledge.KindArticle:
		f, in := articleForm(r)
		saved, err := s.knowledge.UpdateArticle(r.Context(), src.WorkspaceID, src.ID, in)
		s.sourceSaved(w, r, saved, err, f, src, "Edit article", knowledgeview.Article)
	case knowledge.KindShortAnswer:
		f, in := shortAnswerForm(r)
		saved, err := s.knowledge.UpdateShortAnswer(r.Context(), src.WorkspaceID, src.ID, in)
		s.sourceSaved(w, r, saved, err, f, src, "Edit short answer", knowledgeview.ShortAnswer)
	default:
		s.notFound(w, r)
	}
}

func (s *Server) filesView(p layout.Page, f components.Form, results []knowledgeview.FileResult) templ.Component {
	return knowledgeview.Files(p, f, results, s.cfg.Knowledge.MaxFileMB, maxFilesPerUpload)
}

func (s *Server) newFilesPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, s.filesView(s.page(w, r, "Upload files", "knowledge"), components.NewForm(), nil))
}

// uploadFiles adds each uploaded file on its own, so that a bad file never stops the
// others, and says what became of each: 200 when any was added, 422 when none was.
func (s *Server) uploadFiles(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	if err := r.ParseMultipartForm(maxMultipartMemory); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.bodyError(w, r, err)
		return
	}
	var files []*multipart.FileHeader
	if r.MultipartForm != nil {
		files = r.MultipartForm.File["file"]
	}
	f := components.NewForm()
	if len(files) == 0 {
		f.Errors["file"] = "Choose one or more files."
		s.render(w, r, http.StatusUnprocessableEntity, s.filesView(s.page(w, r, "Upload files", "knowledge"), f, nil))
		return
	}
	results := make([]knowledgeview.FileResult, 0, len(files))
	status := http.StatusUnprocessableEntity
	for i, fh := range files {
		res := knowledgeview.FileResult{Name: fh.Filename, Message: fmt.Sprintf("not added: at most %d files at a time", maxFilesPerUpload)}
		if i < maxFilesPerUpload {
			res = s.addFile(r.Context(), ws, fh)
		}
		if res.OK {
			status = http.StatusOK
		}
		results = append(results, res)
	}
	s.render(w, r, status, s.filesView(s.page(w, r, "Upload files", "knowledge"), f, results))
}

// addFile reads one uploaded file, never more than the size limit, and adds it.
func (s *Server) addFile(ctx context.Context, ws int64, fh *multipart.FileHeader) knowledgeview.FileResult {
	res := knowledgeview.FileResult{Name: fh.Filename}
	limit := int64(s.cfg.Knowledge.MaxFileMB) << 20
	tooLarge := fmt.Sprintf("larger than the %d MB limit, not added", s.cfg.Knowledge.MaxFileMB)
	if fh.Size > limit {
		res.Message = tooLarge
		return res
	}
	file, err := fh.Open()
	if err != nil {
		s.log.Error("open upload", "file", fh.Filename, "err", err)
		res.Message = "could not be read; the error has been logged"
		return res
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	switch {
	case err != nil:
		s.log.Error("read upload", "file", fh.Filename, "err", err)
		res.Message = "could not be read; the error has been logged"
		return res
	case int64(len(data)) > limit:
		res.Message = tooLarge
		return res
	}
	added, err := s.knowledge.AddFile(ctx, ws, fh.Filename, fh.Header.Get("Content-Type"), data)
	var ie *knowledge.InputError
	switch {
	case errors.As(err, &ie):
		res.Message = strings.TrimPrefix(ie.Message, fh.Filename+" ")
	case err != nil:
		s.log.Error("add file", "file", fh.Filename, "err", err)
		res.Message = "could not be stored; the error has been logged"
	default:
		res.OK, res.Message = true, fileMessage(added)
		if added.Source != nil {
			res.WS, res.SourceID = ws, added.Source.ID
		}
	}
	return res
}

// fileMessage says what an upload did: "added, 14 sections", "updated with the new content,
// 3 sections", "23 short answers", "2 short answers added, 1 updated, 4 already in the
// knowledge", or that it was all there already.
func fileMessage(r knowledge.FileResult) string {
	const already = "already in the knowledge"
	if r.Source != nil {
		switch r.Outcome {
		case knowledge.FileUnchanged:
			return already + " (same name and content), not added again"
		case knowledge.FileUpdated:
			return "updated with the new content, " + plural(r.Source.ChunkCount, "section")
		}
		return "added, " + plural(r.Source.ChunkCount, "section")
	}
	same := r.ShortAnswers - r.ShortAnswersAdded - r.ShortAnswersUpdated
	switch {
	case same == r.ShortAnswers:
		return already + " (the same " + plural(r.ShortAnswers, "short answer") + "), nothing changed"
	case r.ShortAnswersAdded == r.ShortAnswers:
		return plural(r.ShortAnswers, "short answer")
	}
	var parts []string
	if r.ShortAnswersAdded > 0 {
		parts = append(parts, plural(r.ShortAnswersAdded, "short answer")+" added")
	}
	if r.ShortAnswersUpdated > 0 {
		if len(parts) == 0 {
			parts = append(parts, plural(r.ShortAnswersUpdated, "short answer")+" updated")
		} else {
			parts = append(parts, strconv.Itoa(r.ShortAnswersUpdated)+" updated")
		}
	}
	if same > 0 {
		parts = append(parts, strconv.Itoa(same)+" "+already)
	}
	return strings.Join(parts, ", ")
}

func (s *Server) newURLPage(w http.ResponseWriter, r *http.Request) {
	f := components.NewForm()
	f.Values["max_pages"] = strconv.Itoa(s.cfg.Knowledge.CrawlMaxPages)
	s.render(w, r, http.StatusOK, knowledgeview.URL(s.page(w, r, "Add a web page", "knowledge"), f))
}

// addURL adds one page, or with "crawl" checked starts an import of its site, whose
// progress the knowledge table shows.
func (s *Server) addURL(w http.ResponseWriter, r *http.Request) {
	ws := visitOf(r).workspace.ID
	f := formOf(r, "url", "crawl", "max_pages")
	table := urls.Workspace(ws, "knowledge")
	if f.Value("crawl") != "1" {
		src, err := s.knowledge.AddURL(r.Context(), ws, f.Value("url"))
		if err != nil {
			s.knowledgeForm(w, r, "Add a web page", f, err, knowledgeview.URL)
			return
		}
		s.redirectWithFlash(w, r, table, "ok", "Added "+src.URL+". It is being fetched; its status shows below.")
		return
	}
	maxPages := 0
	if v := f.Value("max_pages"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Errors["max_pages"] = "Must be a whole number."
			s.render(w, r, http.StatusUnprocessableEntity, knowledgeview.URL(s.page(w, r, "Add a web page", "knowledge"), f))
			return
		}
		maxPages = n
	}
	c, err := s.knowledge.StartCrawl(r.Context(), ws, f.Value("url"), maxPages)
	if err != nil {
		s.knowledgeForm(w, r, "Add a web page", f, err, knowledgeview.URL)
		return
	}
	s.redirectWithFlash(w, r, table, "ok", "Importing pages from "+c.StartURL+". The progress shows below.")
}

// knowledgeNext is where a bulk action returns to: the page it was sent from (the table
// with its filter, a source's page), or the table.
func knowledgeNext(r *http.Request) string {
	table := urls.Workspace(visitOf(r).workspace.ID, "knowledge")
	if next := safeNext(r.PostFormValue("next")); strings.HasPrefix(next, table) {
		return next
	}
	return table
}

func (s *Server) syncSources(w http.ResponseWriter, r *http.Request) {
	ids, ok := s.formIDs(w, r, "id") // the checked sources
	if !ok {
		return
	}
	if len(ids) == 0 {
		s.redirectWithFlash(w, r, knowledgeNext(r), "error", "Check the sources to re-sync first.")
		return
	}
	n, err := s.knowledge.RequestSync(r.Context(), visitOf(r).workspace.ID, ids)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	msg := plural(n, "web page") + " will be fetched again in a moment."
	if n == 0 {
		msg = "Only web pages can be re-synced, and none was checked."
	}
	s.redirectWithFlash(w, r, knowledgeNext(r), "ok", msg)
}

func (s *Server) removeSources(w http.ResponseWriter, r *http.Request) {
	ids, ok := s.formIDs(w, r, "id") // the checked sources
	if !ok {
		return
	}
	if len(ids) == 0 {
		s.redirectWithFlash(w, r, knowledgeNext(r), "error", "Check the sources to remove first.")
		return
	}
	n, err := s.knowledge.Remove(r.Context(), visitOf(r).workspace.ID, ids)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, knowledgeNext(r), "ok", "Removed "+plural(n, "source")+".")
}

// crawl loads the site import named in the path, which must belong to the current workspace.
func (s *Server) crawl(w http.ResponseWriter, r *http.Request) (knowledge.Crawl, bool) {
	id, ok := s.pathID(w, r, "crawl")
	if !ok {
		return knowledge.Crawl{}, false
	}
	c, err := s.knowledge.Crawl(r.Context(), visitOf(r).workspace.ID, id)
	if err != nil {
		s.domainError(w, r, err)
		return knowledge.Crawl{}, false
	}
	return c, true
}

// crawlProgress is the progress card of a site import, which polls this while it runs.
// It is built without s.page, so that polling never takes the flash meant for a page.
func (s *Server) crawlProgress(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.crawl(w, r); ok {
		v := visitOf(r)
		if !c.Active() {
			w.Header().Set("HX-Trigger", "crawl-done") // the table reloads its sources
		}
		s.render(w, r, http.StatusOK, knowledgeview.CrawlCard(v.workspace.ID, v.session.CSRFToken, c))
	}
}

func (s *Server) cancelCrawl(w http.ResponseWriter, r *http.Request) {
	c, ok := s.crawl(w, r)
	if !ok {
		return
	}
	table := urls.Workspace(c.WorkspaceID, "knowledge")
	err := s.knowledge.CancelCrawl(r.Context(), c.WorkspaceID, c.ID)
	switch {
	case errors.Is(err, knowledge.ErrNotFound): // it finished meanwhile
		s.redirectWithFlash(w, r, table, "ok", "The import had already finished.")
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.redirectWithFlash(w, r, table, "ok", "Import cancelled. The pages it imported so far stay.")
	}
}

// plural says "1 section", "14 sections".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
