package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Field weights for BM25: a match in a title (or a short answer's question) says more
// than one in the text; a stem-only match says less than the exact word.
const (
	weightTitle   = 2.0
	weightHeading = 1.5
	weightBody    = 1.0
	weightStems   = 0.5
)

// otherLangFactor scales the score of results in another language than the customer's,
// so that their language wins when the knowledge has it and others still show otherwise.
const otherLangFactor = 0.5

// SearchOptions narrow a search.
type SearchOptions struct {
	Lang      string  // the customer's language; results in it are preferred
	Limit     int     // how many chunks (default 10)
	SourceIDs []int64 // only these sources; nil means all of the workspace
}

// SourceRef is what a result says about its source, enough to cite it.
type SourceRef struct {
	ID         int64
	Kind       Kind
	Title      string
	URL        string
	ExternalID string
}

// Result is one chunk found by a search.
type Result struct {
	Chunk
	Source SourceRef
	// Score is the ranking score, higher is better, comparable within one search only: the
	// keyword score, or with embeddings the fusion of the keyword and vector rankings.
	Score float64
	// Keyword is the score of the result's place in the keyword ranking: BM25, after the
	// phrasing model reordered the short answers among the places they held (0 when found
	// by vector only). How far one result is ahead of the next is measured on it.
	Keyword float64
	// Similarity is the cosine similarity to the question (0 without embeddings); for a
	// short answer, to the nearest of its phrasings.
	Similarity float64
	// Closeness is Similarity on the workspace's own scale (calibration.go): 0 at the cut
	// between how close a phrasing is to its own short answer's other phrasings and how
	// close to other answers', 1 a whole spread above it. Calibrated reports whether it is
	// known: the chunk has a vector and the workspace enough short answers to calibrate.
	Closeness  float64
	Calibrated bool
	// Coverage is the share of the question's words, weighted by how rare they are, that
	// the chunk (with its source's title, or a short answer's phrasings) contains: 1 when
	// every word is there. Unlike BM25 it is comparable across questions.
	Coverage float64
	// Match is how sure the phrasing model (phrasings.go) is that this short answer is
	// what the question asks for: 0 when no surer than a guess among the workspace's
	// short answers, 1 when certain. Matched reports whether the model scored it: a short
	// answer, in a workspace with at least two.
	Match   float64
	Matched bool
	// Exact reports that the query is, but for case, spaces and punctuation, one of this
	// short answer's phrasings: its question or another way to ask it, as the business
	// wrote them.
	Exact bool

	matchText string   // what Coverage is measured against
	phrasings []string // a short answer's question and other phrasings
}

// Search finds the chunks of a workspace that best match query.
func (m *Manager) Search(ctx context.Context, workspaceID int64, query string, o SearchOptions) ([]Result, error) {
	if o.Limit <= 0 {
		o.Limit = 10
	}
	m.ensureIndex(ctx)
	stats, exact := m.stats.get(ctx)
	match := matchExpr(planQuery(stats, workspaceID, analyze(query)))
	if !exact {
		stats = nil // counts may be out of date: filter on everything
	}
	lang := NormalizeLang(o.Lang)
	scores := map[int64]float64{}
	all := scopeFilter(stats, workspaceID, "")
	// A question with no word the index holds (an emoji, punctuation) is still searched
	// by meaning.
	if match != "" && lang != "" {
		if only := scopeFilter(stats, workspaceID, lang); only != all {
			if err := m.keywordSearch(ctx, only, match, o, 1, scores); err != nil {
				return nil, err
			}
		} else {
			lang = "" // the whole workspace is in the customer's language
		}
	}
	// Other languages are searched only when the customer's language does not fill the page.
	if match != "" && len(scores) < o.Limit {
		if err := m.keywordSearch(ctx, all, match, o, otherLangFactorFor(lang), scores); err != nil {
			return nil, err
		}
	}
	byScore := rank(scores)
	keyword := slices.Clone(byScore)
	matches, err := m.matchShortAnswers(ctx, workspaceID, query, keyword, scores)
	if err != nil {
		return nil, err
	}
	// Each result takes the score of its place, so that scores still fall with the rank
	// after the phrasing model reordered short answers within their places.
	placed := make(map[int64]float64, len(keyword))
	for i, id := range keyword {
		placed[id] = scores[byScore[i]]
	}
	vector, sims, err := m.vectorSearch(ctx, workspaceID, query, o)
	if err != nil {
		return nil, err
	}
	final, fused := keyword, placed
	if len(vector) > 0 {
		final, fused = fuse(keyword, vector, sims)
	}
	if len(final) > o.Limit {
		final = final[:o.Limit]
	}
	rs, err := m.loadResults(ctx, workspaceID, final)
	q, folded := analyze(query), foldPhrase(query)
	for i := range rs {
		rs[i].Score, rs[i].Keyword, rs[i].Similarity = fused[rs[i].ID], placed[rs[i].ID], sims.of(rs[i].ID)
		rs[i].Closeness, rs[i].Calibrated = sims.closeness(rs[i].ID)
		rs[i].Coverage = coverage(stats, workspaceID, q, rs[i].matchText)
		rs[i].Match, rs[i].Matched = matches[rs[i].ID]
		rs[i].Exact = slices.ContainsFunc(rs[i].phrasings, func(p string) bool { return foldPhrase(p) == folded })
	}
	return rs, err
}

// foldPhrase is a phrasing without case, punctuation and extra spaces ("Where is my
// order?" and "where is my order" fold the same; so do "怎么退货？" and "怎么退货").
func foldPhrase(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) {
			return unicode.ToLower(r)
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// idfPrior is the number of filler rows the index holds as a prior for BM25 (see
// 0002_knowledge.sql); coverage uses the same prior so both agree on small workspaces.
const idfPrior = 1000

// coverage is the idf-weighted share of the question's words that text contains: a whole
// word counts fully, a word found only by its stem (or as the beginning of a longer
// word's stem, "open" in "opens") counts half, and common words (common.go) count little.
func coverage(stats *indexStats, workspaceID int64, q analysis, text string) float64 {
	a := analyze(text)
	words := make(map[string]bool, len(a.words))
	for _, t := range a.words {
		words[t] = true
	}
	n := float64(idfPrior)
	if stats != nil {
		n += float64(stats.workspaceChunks(workspaceID))
	}
	var total, found float64
	for _, w := range q.words {
		df := 0.0
		if stats != nil {
			df = float64(stats.df[fold(w)])
		}
		weight := math.Log(1 + (n-df+0.5)/(df+0.5))
		if commonWords[fold(w)] {
			weight *= commonWeight
		}
		total += weight
		switch {
		case words[w]:
			found += weight
		case stemFound(w, a.stems):
			found += weight / 2
		}
	}
	if total == 0 {
		return 0
	}
	return found / total
}

// stemFound reports whether word's stem is among stems, or starts one of them.
func stemFound(word string, stems []string) bool {
	r := []rune(word)
	if isUnspaced(r[0]) || len(r) < 3 {
		return false
	}
	s := stem(r)
	for _, t := range stems {
		if strings.HasPrefix(t, s) {
			return true
		}
	}
	return false
}

// scopeFilter is the FTS5 filter for a workspace (and language). Filtering on a scope
// token makes FTS5 walk its long list of chunks, so with exact statistics it is left out
// where it would not exclude anything: a workspace holding every chunk, a language the
// whole workspace is in. stats nil means filter on everything.
func scopeFilter(stats *indexStats, workspaceID int64, lang string) string {
	var parts []string
	ws := "w" + strconv.FormatInt(workspaceID, 10)
	n := 0
	if stats != nil {
		n = stats.workspaceChunks(workspaceID)
	}
	if stats == nil || n != stats.total {
		parts = append(parts, `scope : "`+ws+`"`)
	}
	if lang != "" && (stats == nil || stats.chunks[workspaceID][lang] != n) {
		parts = append(parts, `scope : "l`+lang+`"`)
	}
	return strings.Join(parts, " AND ")
}

// rank orders chunk ids by score, best first (ties by id, for stable results).
func rank(scores map[int64]float64) []int64 {
	ids := make([]int64, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if scores[ids[i]] != scores[ids[j]] {
			return scores[ids[i]] > scores[ids[j]]
		}
		return ids[i] < ids[j]
	})
	return ids
}

// fuse merges the keyword and vector rankings by weighted reciprocal rank fusion, which
// needs no common scale between BM25 scores and cosine similarities. The vector ranking
// votes only as far as the workspace's own calibration trusts it (similarities.vote):
// for a chunk closer than an unrelated answer typically is (the similarity floor),
// weighed by how often the model tells the workspace's short answers apart. Without a
// calibration, nothing says what a similarity is worth, and a weak or foreign-language
// model would only reorder what the keywords found well (and lower the confidence read
// from them): the keyword ranking stands, and the chunks found by meaning alone follow
// it, nearest first.
func fuse(keyword, vector []int64, sims similarities) ([]int64, map[int64]float64) {
	scores := map[int64]float64{}
	for i, id := range keyword {
		scores[id] += 1 / float64(rrfK+i+1)
	}
	// The vector ranking reorders the keywords' only when it agrees with them on what
	// the question is about: its nearest chunk is among their first few, or they found
	// nothing. Where the two disagree, neither is known to be right, and the keywords'
	// order is the one the decision's confidence is measured on.
	if len(keyword) == 0 || slices.Contains(keyword[:min(agreeWithin, len(keyword))], vector[0]) {
		for i, id := range vector {
			if w := sims.vote(id); w > 0 {
				scores[id] += w / float64(rrfK+i+1)
			}
		}
	}
	order := rank(scores)
	for _, id := range vector {
		if _, ok := scores[id]; !ok {
			scores[id] = 0
			order = append(order, id)
		}
	}
	return order, scores
}

// otherLangFactorFor is the factor for the all-language pass: results in the customer's
// language were already scored at full weight by the first pass.
func otherLangFactorFor(lang string) float64 {
	if lang == "" {
		return 1
	}
	return otherLangFactor
}

// keywordSearch runs the query within scope and records each chunk's best score times factor.
func (m *Manager) keywordSearch(ctx context.Context, scope, match string, o SearchOptions, factor float64, scores map[int64]float64) error {
	if scope != "" {
		match = scope + " AND (" + match + ")"
	}
	return m.bm25(ctx, match, o.SourceIDs, o.Limit*3, factor, scores)
}

// bm25 runs one FTS5 query, optionally limited to some sources, and records each
// chunk's best score times factor.
func (m *Manager) bm25(ctx context.Context, match string, sourceIDs []int64, limit int, factor float64, scores map[int64]float64) error {
	q := `SELECT f.rowid, -bm25(chunks_fts, 0, ?, ?, ?, ?) FROM chunks_fts f`
	args := []any{weightTitle, weightHeading, weightBody, weightStems}
	if len(sourceIDs) > 0 {
		q += ` JOIN chunks c ON c.id = f.rowid AND c.source_id IN (` + placeholders(len(sourceIDs)) + `)`
		for _, id := range sourceIDs {
			args = append(args, id)
		}
	}
	// The prior rows (prior.go, negative rowids) hold common words and no scope filter is
	// set where a workspace holds every chunk: without the rowid bound, a question of
	// common words only would fill the page with rows that are no chunk.
	q += ` WHERE chunks_fts MATCH ? AND f.rowid > 0 ORDER BY bm25(chunks_fts, 0, ?, ?, ?, ?) LIMIT ?`
	args = append(args, match, weightTitle, weightHeading, weightBody, weightStems, limit)
	rows, err := m.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("knowledge: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return fmt.Errorf("knowledge: search: %w", err)
		}
		if s := score * factor; s > scores[id] {
			scores[id] = s
		}
	}
	return rows.Err()
}

// A query reads the postings of each of its terms, and FTS5 scores every chunk that
// matches any of them, so the cost follows the terms' document frequencies. planQuery
// keeps it bounded on large workspaces (from pruneFrom chunks; smaller ones are searched
// exactly): terms in more than commonShare of the chunks are left out, as they add
// almost nothing to BM25, and of the rest the rarest are kept up to postingBudget
// postings; the rarest term always stays.
const (
	pruneFrom     = 2000
	commonShare   = 0.2
	postingBudget = 4000
)

type queryTerm struct {
	text string
	stem bool
	df   int
}

// planQuery picks the terms of a question that the FTS5 query uses. The stems of its
// common words are left out: stems join the inflections of words that matter
// ("reservations", "reserve"), and a common word's stem ("how") would only count the
// word a second time.
func planQuery(stats *indexStats, workspaceID int64, a analysis) []queryTerm {
	var terms []queryTerm
	telling := map[string]bool{} // stems of the words that are not common
	for _, t := range distinct(a.words) {
		terms = append(terms, queryTerm{text: t})
		if r := []rune(t); !commonWords[fold(t)] && !isUnspaced(r[0]) {
			telling[stem(r)] = true
		}
	}
	for _, t := range distinct(a.stems) {
		if !commonStems[fold(t)] || telling[t] {
			terms = append(terms, queryTerm{text: t, stem: true})
		}
	}
	if stats == nil || stats.workspaceChunks(workspaceID) < pruneFrom {
		return terms
	}
	total := stats.workspaceChunks(workspaceID)
	for i := range terms {
		terms[i].df = stats.df[fold(terms[i].text)]
	}
	sort.SliceStable(terms, func(i, j int) bool { return terms[i].df < terms[j].df })
	limit := int(commonShare * float64(total))
	postings := 0
	for i, t := range terms {
		if i > 0 && (t.df > limit || postings+t.df > postingBudget) {
			return terms[:i]
		}
		postings += t.df
	}
	return terms
}

// matchExpr builds the FTS5 expression: any of the words in title, heading or text, or
// any of the stems (single characters of unspaced scripts are never among the terms;
// see analysis).
func matchExpr(terms []queryTerm) string {
	var words, stems []string
	for _, t := range terms {
		if t.stem {
			stems = append(stems, t.text)
		} else {
			words = append(words, t.text)
		}
	}
	var parts []string
	if len(words) > 0 {
		parts = append(parts, `{title heading body} : (`+orTerms(words)+`)`)
	}
	if len(stems) > 0 {
		parts = append(parts, `stems : (`+orTerms(stems)+`)`)
	}
	return strings.Join(parts, " OR ")
}

func orTerms(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " OR ")
}

func distinct(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// loadResults reads the chunks and sources of ids, keeping their order. Chunks of other
// workspaces are dropped here too, whatever the index said.
func (m *Manager) loadResults(ctx context.Context, workspaceID int64, ids []int64) ([]Result, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := m.db.Read.QueryContext(ctx, `SELECT c.id, c.source_id, c.ord, c.heading, c.anchor, c.lang, c.text,
		s.kind, s.title, s.url, s.external_id, s.question, s.variants
		FROM chunks c JOIN sources s ON s.id = c.source_id WHERE c.workspace_id = ? AND c.id IN (`+placeholders(len(ids))+`)`,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("knowledge: load results: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]Result, len(ids))
	for rows.Next() {
		var r Result
		var question, variants string
		if err := rows.Scan(&r.ID, &r.SourceID, &r.Ord, &r.Heading, &r.Anchor, &r.Lang, &r.Text,
			&r.Source.Kind, &r.Source.Title, &r.Source.URL, &r.Source.ExternalID, &question, &variants); err != nil {
			return nil, fmt.Errorf("knowledge: load results: %w", err)
		}
		r.matchText = strings.Join([]string{r.Source.Title, r.Heading, r.Text, question, variants}, "\n")
		if r.Source.Kind == KindShortAnswer && r.Ord == 0 {
			var vs []string
			if err := json.Unmarshal([]byte(variants), &vs); err != nil {
				return nil, fmt.Errorf("knowledge: variants of source %d: %w", r.SourceID, err)
			}
			r.phrasings = append([]string{question}, vs...)
		}
		r.Source.ID = r.SourceID
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: load results: %w", err)
	}
	out := make([]Result, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}
