package extract

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Header names recognised for each column of an FAQ sheet, compared after lowercasing
// and trimming spaces and a trailing colon.
var (
	questionNames = names("question", "questions", "question(s)", "q", "frage", "fragen",
		"pregunta", "preguntas", "spørsmål", "问题", "質問", "faq")
	answerNames = names("answer", "answers", "answer(s)", "a", "antwort", "antworten",
		"respuesta", "respuestas", "réponse", "reponse", "réponses", "svar", "答案", "回答")
	variantNames = names("variants", "variant", "alternatives", "alternative",
		"alternative phrasings", "phrasings", "synonyms", "paraphrases", "varianten")
	langNames = names("lang", "language", "locale", "sprache", "idioma", "langue", "språk")
	// columnNames are what columns are commonly called that are not question or answer:
	// a first row of them is a header, not a question with its answer.
	columnNames = names("title", "titles", "topic", "topics", "subject", "heading", "headline", "name", "key",
		"term", "keyword", "keywords", "prompt", "query", "issue", "problem", "category", "body", "text",
		"content", "contents", "reply", "replies", "response", "responses", "description", "value", "details",
		"definition", "solution", "explanation", "info", "information", "message", "input", "output",
		"titel", "thema", "inhalt", "tittel", "emne", "tekst", "innhold", "título", "titulo", "texto",
		"contenido", "titre", "sujet", "texte", "contenu")
)

// maxCSVCells bounds the cells of a sheet: an FAQ sheet has some thousands.
const maxCSVCells = 2_000_000

// noColumns refuses a sheet whose question and answer columns cannot be told.
const noColumns = `cannot tell which columns hold the questions and answers; add a header row naming the columns "question" and "answer"`

func names(n ...string) map[string]bool {
	m := make(map[string]bool, len(n))
	for _, s := range n {
		m[s] = true
	}
	return m
}

func headerName(s string) string {
	return strings.TrimSuffix(strings.ToLower(collapse(s)), ":")
}

// CSV reads an FAQ sheet into Pairs. The delimiter (comma, semicolon or tab) is taken
// from the header line, or from an Excel "sep=" line. Columns are found by their header
// names in a few languages; a sheet of exactly two unnamed columns is read as question,
// answer, with its first row dropped when that is a header (see firstRowIsHeader); when
// that cannot be told, the sheet is refused rather than a header imported as a short
// answer or a question lost. Rows missing a question or an answer are skipped.
func CSV(data []byte) (Document, error) {
	s := decodeText(data)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lineOffset := 0
	var delim rune
	if first, rest, ok := strings.Cut(s, "\n"); ok || first != "" {
		if f := strings.TrimSpace(first); len(f) >= 4 && strings.EqualFold(f[:4], "sep=") {
			if r, size := utf8.DecodeRuneInString(f[4:]); size > 0 && r != '"' {
				delim = r
			}
			s = rest
			lineOffset = 1
		}
	}
	if delim == 0 {
		delim = detectDelimiter(s)
	}
	// Each cell costs a string header of its own however short it is: count what may
	// be cells before reading them.
	if n := strings.Count(s, string(delim)) + strings.Count(s, "\n"); n > maxCSVCells {
		return Document{}, fail("csv", ErrTooLarge, fmt.Sprintf("the sheet has more than %d cells; split it into smaller files", maxCSVCells), nil)
	}
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = delim != '\t'
	r.ReuseRecord = false
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Document{}, fail("csv", ErrCorrupt,
					fmt.Sprintf("line %d is not valid CSV: %v; check the quotes in that line", pe.StartLine+lineOffset, pe.Err), nil)
			}
			return Document{}, fail("csv", ErrCorrupt, "the file is not valid CSV", err)
		}
		rows = append(rows, rec)
	}
	rows = dropBlankRows(rows)
	if len(rows) == 0 {
		return Document{}, fail("csv", ErrEmpty, "the file has no text", nil)
	}

	qi, ai, vi, li := -1, -1, -1, -1
	for i, cell := range rows[0] {
		n := headerName(cell)
		switch {
		case qi < 0 && questionNames[n]:
			qi = i
		case ai < 0 && answerNames[n]:
			ai = i
		case vi < 0 && variantNames[n]:
			vi = i
		case li < 0 && langNames[n]:
			li = i
		}
	}
	body := rows[1:]
	if qi < 0 || ai < 0 {
		if width(rows[0]) != 2 {
			return Document{}, fail("csv", ErrUnsupported, noColumns, nil)
		}
		named := qi >= 0 || ai >= 0
		qi, ai, vi, li = 0, 1, -1, -1
		if !named {
			header, sure := firstRowIsHeader(rows)
			if !sure {
				return Document{}, fail("csv", ErrUnsupported, noColumns, nil)
			}
			if !header {
				body = rows
			}
		}
	}

	var pairs []QA
	for _, row := range body {
		q := collapse(cell(row, qi))
		a := cleanLines(cell(row, ai), false)
		if q == "" || a == "" {
			continue
		}
		pairs = append(pairs, QA{Question: q, Variants: splitVariants(cell(row, vi), q), Answer: a, Lang: collapse(cell(row, li))})
	}
	if len(pairs) == 0 {
		return Document{}, fail("csv", ErrEmpty, "the sheet has no rows with both a question and an answer", nil)
	}
	return Document{Pairs: pairs}, nil
}

// detectDelimiter picks comma, semicolon or tab: a tab in the header line wins
// (tabs are not written in text), otherwise the candidate that splits the header line
// into the most columns and the following lines into as many, so that commas inside
// the text of a semicolon sheet do not mislead it.
func detectDelimiter(s string) rune {
	lines := strings.SplitN(s, "\n", 21)
	header := countOutsideQuotes(lines[0])
	if header['\t'] > 0 {
		return '\t'
	}
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';'} {
		if header[d] == 0 {
			continue
		}
		score := 0
		for _, line := range lines[1:] {
			if strings.TrimSpace(line) != "" && countOutsideQuotes(line)[d] >= header[d] {
				score++
			}
		}
		if score > bestScore || score == bestScore && header[d] > header[best] {
			best, bestScore = d, score
		}
	}
	return best
}

// countOutsideQuotes counts the candidate delimiters of one line outside quotes.
func countOutsideQuotes(line string) map[rune]int {
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	return counts
}

func dropBlankRows(rows [][]string) [][]string {
	out := rows[:0]
	for _, row := range rows {
		if width(row) > 0 {
			out = append(out, row)
		}
	}
	return out
}

// width is the number of fields up to the last non-empty one, so trailing empty
// columns from spreadsheet exports do not count.
func width(row []string) int {
	n := len(row)
	for n > 0 && strings.TrimSpace(row[n-1]) == "" {
		n--
	}
	return n
}

func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// firstRowIsHeader tells whether the first row of a two-column sheet without question
// and answer names is a header, and whether it can tell at all. A row with a sentence
// in it is a question and its answer. A row of short labels is a header above rows that
// are not labels ("Topic,Reply" above questions), or when it names columns the way
// sheets do ("title,body"); above more labels and naming nothing ("Phone,555 1234"),
// it could be either.
func firstRowIsHeader(rows [][]string) (header, sure bool) {
	label := func(s string) bool {
		s = collapse(s)
		return s != "" && utf8.RuneCountInString(s) <= 30 && !strings.ContainsAny(s, "?.!？。！")
	}
	first := rows[0]
	if !label(cell(first, 0)) || !label(cell(first, 1)) {
		return false, true
	}
	if columnNames[headerName(cell(first, 0))] || columnNames[headerName(cell(first, 1))] {
		return true, true
	}
	for _, row := range rows[1:] {
		q, a := collapse(cell(row, 0)), collapse(cell(row, 1))
		if q != "" && a != "" && (!label(q) || !label(a)) { // a half-empty row is skipped, so it says nothing
			return true, true
		}
	}
	return false, false
}

// splitVariants splits alternative phrasings on "|" or line breaks, dropping empty
// ones, duplicates and the question itself.
func splitVariants(s, question string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	seen := map[string]bool{strings.ToLower(question): true}
	var out []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '\n' || r == '\r' }) {
		v = collapse(v)
		if v == "" || seen[strings.ToLower(v)] {
			continue
		}
		seen[strings.ToLower(v)] = true
		out = append(out, v)
	}
	return out
}
