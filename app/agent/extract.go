package agent

import (
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"agent/app/knowledge"
)

// Extractive replies quote at most this many sentences and about this many characters.
const (
	maxSentences    = 3
	maxExtractChars = 450
)

// extractive writes an answer without a model: a short answer as it is, else the
// sentences of the best chunk that answer the question, with its source.
func extractive(query string, best knowledge.Result) (string, []Citation) {
	cite := []Citation{citation(1, best)}
	if best.Source.Kind == knowledge.KindShortAnswer {
		return strings.TrimSpace(best.Text), cite
	}
	sentences := splitSentences(best.Text)
	if len(sentences) == 0 {
		return clip(strings.TrimSpace(best.Text), nil), cite
	}
	return joinSentences(answering(query, sentences)), cite
}

// answering picks the sentences that answer the question: the one that shares most of
// the question's content words (weighted by how rare each is in the passage) and, for a
// question that asks for a price, a time or a number, carries one; then what follows it,
// which usually completes it ("It costs 5 €. Orders over 50 € ship free."), within the
// length budget. A list item or table row comes with the sentence or header row that
// introduces it ("Orders ship free to:"), which it means nothing without; the other
// entries of a bulleted list or table that give what was asked for something else
// ("Charger: 89 EUR" after the battery's price) answer another question and are left out.
func answering(query string, ss []sentence) []sentence {
	q := knowledge.ContentTerms(query)
	want := askedKind(query)
	bestAt, terms, intro := bestSentence(q, want, ss)
	// own reports whether sentence i holds a term of the question itself.
	own := func(i int) bool { return shares(terms[i], q) }

	var picked []sentence
	if j := intro[bestAt]; j >= 0 {
		picked = append(picked, ss[j])
	}
	ss[bestAt].text = clip(ss[bestAt].text, q)
	picked = append(picked, ss[bestAt])
	size := len(ss[bestAt].text)
	for i := bestAt + 1; i < len(ss) && len(picked) < maxSentences; i++ {
		// Bullets and table rows are parallel entries; numbered items are steps, each
		// needed.
		if (ss[i].row || ss[i].mark == "- ") && want.carriedBy(ss[i].text) && !own(i) {
			continue
		}
		if size+len(ss[i].text) > maxExtractChars {
			break
		}
		picked = append(picked, ss[i])
		size += len(ss[i].text)
	}
	return picked
}

// bestSentence picks the sentence that answers: the one that shares most of the
// question's content terms q (weighted by how rare each is in the passage) and, for a
// question that asks for a kind of thing, carries one. It returns its index, each
// sentence's content terms, and each item's introduction (introductions).
func bestSentence(q map[string]bool, want kind, ss []sentence) (int, []map[string]bool, []int) {
	terms := make([]map[string]bool, len(ss))
	df := map[string]int{}
	for i, s := range ss {
		terms[i] = knowledge.ContentTerms(s.text)
		for t := range terms[i] {
			if q[t] {
				df[t]++
			}
		}
	}
	intro := introductions(ss)
	weight := func(t string) float64 { return math.Log(1 + float64(len(ss))/float64(df[t])) }
	// An item also counts, at half weight, the terms its introduction holds ("Battery
	// prices:").
	score := func(i int) float64 {
		var s float64
		for t := range q {
			switch {
			case terms[i][t]:
				s += weight(t)
			case intro[i] >= 0 && terms[intro[i]][t]:
				s += weight(t) / 2
			}
		}
		return s
	}
	type rank struct {
		matches, carries bool
		score            float64
	}
	better := func(a, b rank) bool {
		if a.matches != b.matches {
			return a.matches
		}
		if a.carries != b.carries {
			return a.carries
		}
		return a.score > b.score
	}
	bestAt, best := 0, rank{}
	for i := range ss {
		s := score(i)
		r := rank{matches: s > 0, carries: want.carriedBy(ss[i].text), score: s}
		if i == 0 || better(r, best) {
			bestAt, best = i, r
		}
	}
	return bestAt, terms, intro
}

// introductions maps each list item to the sentence that introduces its list (the line
// before the list, when it ends in a colon or is a heading) and each table row to the
// table's header row; -1 where there is none.
func introductions(ss []sentence) []int {
	intro := make([]int, len(ss))
	for i, s := range ss {
		intro[i] = -1
		switch {
		case s.row:
			j := i
			for j > 0 && ss[j-1].row {
				j--
			}
			if j < i {
				intro[i] = j
			}
		case s.mark != "":
			j := i - 1
			for j >= 0 && ss[j].item() {
				j--
			}
			if j >= 0 && (strings.HasSuffix(ss[j].text, ":") || heading(ss, j)) {
				intro[i] = j
			}
		}
	}
	return intro
}

// clip bounds a sentence too long to quote (a paragraph without punctuation, as text
// from PDFs often is) to a window at word boundaries around the first of the question's
// terms in it, marking the cuts with "…".
func clip(s string, q map[string]bool) string {
	if len(s) <= maxExtractChars {
		return s
	}
	at, off := 0, 0
	for _, w := range strings.Fields(s) {
		k := off + strings.Index(s[off:], w)
		if shares(knowledge.ContentTerms(w), q) {
			at = k
			break
		}
		off = k + len(w)
	}
	start := max(0, at-maxExtractChars/3)
	end := min(len(s), start+maxExtractChars)
	// Cut at a space near the window's edge, else (in scripts written without spaces)
	// at a character.
	if start > 0 {
		if k := strings.IndexFunc(s[start:min(end, start+40)], unicode.IsSpace); k >= 0 {
			start += k + 1
		}
		for start < end && !utf8.RuneStart(s[start]) {
			start++
		}
	}
	if end < len(s) {
		if k := strings.LastIndexFunc(s[max(start, end-40):end], unicode.IsSpace); k >= 0 {
			end = max(start, end-40) + k
		}
		for end > start && !utf8.RuneStart(s[end]) {
			end--
		}
	}
	out := strings.TrimSpace(s[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(s) {
		out += "…"
	}
	return out
}

// heading reports whether sentence i is a line of its own without an end mark, as a
// heading is.
func heading(ss []sentence, i int) bool {
	return ss[i].newLine && (i+1 == len(ss) || ss[i+1].newLine) && !strings.ContainsAny(ss[i].text[len(ss[i].text)-1:], ".!?")
}

func shares(a, b map[string]bool) bool {
	for t := range a {
		if b[t] {
			return true
		}
	}
	return false
}

// kind is the kind of thing a question asks for, which the sentence that answers it
// carries: a price for "how much", a time or date for "when", a number for "how many".
type kind int

const (
	anyKind kind = iota
	priceKind
	timeKind
	numberKind
)

// The questions for each kind in the languages customers most often write in; numbers are
// looked for first, since "how much" asks for a price but "how many" and "combien de
// temps" do not.
var (
	asksNumber = regexp.MustCompile(`(?i)\bhow (many|long|far|old|big|heavy|often)\b|\bwie (viele|lange|weit|oft)\b|\bhvor (mange|lenge|langt|ofte)\b|\bcombien de\b|\bcu[áa]nt[oa]s\b|\bcu[áa]nto tiempo\b|\bquant[ie]\b|\bquantos\b|\bhoeveel\b|\bhoe lang\b`)
	asksPrice  = regexp.MustCompile(`(?i)\bhow much\b|\b(price|prices|priced|cost|costs|fee|fees|charge)\b|\bwas kostet\b|\bwie ?viel\b|\bpreis|\bhvor mye\b|\bkoster\b|\bpris|\bcombien\b|\bprix\b|\btarif|\bcu[áa]nto\b|\bcuesta\b|\bprecio|\bquanto\b|\bcusta\b|\bpre[çc]o|\bprezz|\bcosta\b|\bwat kost|\bprijs`)
	asksTime   = regexp.MustCompile(`(?i)\bwhen\b|\bwhat time\b|\bopening hours\b|\bwann\b|\bn[åa]r\b|\bquand\b|\bcu[áa]ndo\b|\bquando\b|\bwanneer\b`)

	// A price: an amount with a currency sign or code before or after it.
	carriesPrice = regexp.MustCompile(`(?i)[€$£¥]\s?\d|\b(eur|usd|gbp|chf|nok|sek|dkk|kr)\.?\s?\d|\d(,-|\s?[€$£¥])|\d\s?(eur|euros?|usd|gbp|chf|nok|sek|dkk|kr|kroner|dollars?|pounds?)\b`)
	// A time or date: a clock time, a date, a weekday or month, or a span of days.
	carriesTime = regexp.MustCompile(`(?i)\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(am|pm|h|uhr)\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d+\s*(business |working )?(days?|weeks?|hours?|months?|years?|minutes?|tage?n?|dager|uker|jours|semaines|d[íi]as|semanas|giorni|dagen|weken)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekdays?|weekends?|today|tomorrow|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|mandag|tirsdag|onsdag|torsdag|fredag|l[øo]rdag|s[øo]ndag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo|january|february|march|april|june|july|august|september|october|november|december|januar|februar|juni|juli|oktober|dezember|desember|janvier|f[ée]vrier|avril|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b`)
)

// askedKind is the kind of thing a question asks for, or anyKind.
func askedKind(query string) kind {
	switch {
	case asksNumber.MatchString(query):
		return numberKind
	case asksPrice.MatchString(query):
		return priceKind
	case asksTime.MatchString(query):
		return timeKind
	}
	return anyKind
}

// values are the things of this kind a sentence gives, written so that one price or
// time in two sources compares equal: a price's amount ("699" of "699 EUR", "EUR 699"
// and "699.00 €"), a time as written, without spaces ("10:00", "14days"). Only prices
// and times with a figure: a weekday or any number is too common to mean two sources
// agree.
func (k kind) values(s string) map[string]bool {
	out := map[string]bool{}
	switch k {
	case priceKind:
		for _, m := range carriesPrice.FindAllStringIndex(s, -1) {
			// The pattern holds the amount's last or first digit only: take it whole.
			a, b := m[0], m[1]
			for a > 0 && isAmount(s, a-1) {
				a--
			}
			for b < len(s) && isAmount(s, b) {
				b++
			}
			if v := amount.FindString(s[a:b]); v != "" {
				out[cents.ReplaceAllString(v, "")] = true
			}
		}
	case timeKind:
		for _, m := range carriesTime.FindAllString(s, -1) {
			if strings.IndexFunc(m, unicode.IsDigit) >= 0 {
				out[strings.ToLower(strings.Join(strings.Fields(m), ""))] = true
			}
		}
	}
	return out
}

// isAmount reports whether s[i] is part of a figure: a digit, or a separator between two.
func isAmount(s string, i int) bool {
	c := s[i]
	if c >= '0' && c <= '9' {
		return true
	}
	return (c == '.' || c == ',') && i > 0 && i+1 < len(s) && s[i-1] >= '0' && s[i-1] <= '9' && s[i+1] >= '0' && s[i+1] <= '9'
}

var (
	// amount is the figure of a price, cents the zero cents that say nothing more.
	amount = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
	cents  = regexp.MustCompile(`[.,]00?$`)
)

// carriedBy reports whether a sentence carries a thing of this kind.
func (k kind) carriedBy(s string) bool {
	switch k {
	case priceKind:
		return carriesPrice.MatchString(s)
	case timeKind:
		return carriesTime.MatchString(s)
	case numberKind:
		return strings.IndexFunc(s, unicode.IsDigit) >= 0
	}
	return false
}

// sentence is a piece of a chunk's text as the extractive answer quotes it.
type sentence struct {
	text    string
	newLine bool   // it begins a line of the text
	mark    string // of the list item it begins: "- " or "2. "
	row     bool   // it is a table row, cells joined by " | "
}

// item reports whether the sentence is one of several parallel entries: a list item or
// a table row.
func (s sentence) item() bool { return s.mark != "" || s.row }

// joinSentences puts sentences back together as the text had them: on their own lines
// when they began one, list items with their dash, so that a list stays a list.
func joinSentences(ss []sentence) string {
	var b strings.Builder
	for i, s := range ss {
		switch {
		case i == 0:
		case s.newLine:
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
		b.WriteString(s.mark)
		b.WriteString(s.text)
	}
	return b.String()
}

func citation(n int, r knowledge.Result) Citation {
	u := r.Source.URL
	if u != "" && r.Anchor != "" && !strings.Contains(u, "#") {
		u += "#" + r.Anchor
	}
	title := r.Source.Title
	if r.Heading != "" && r.Heading != title {
		title += " › " + r.Heading
	}
	return Citation{N: n, SourceID: r.Source.ID, ChunkID: r.ID, Title: title, URL: u, ExternalID: r.Source.ExternalID}
}

// splitSentences cuts text at sentence ends (., !, ?, and their CJK forms) and line
// breaks, which end list items and headings in extracted documents. A list item and a
// table row (a line of cells joined by " | ", as the extractors write rows) stay whole.
func splitSentences(text string) []sentence {
	var out []sentence
	var b strings.Builder
	// whole is set on a line kept whole: a table row or a list item, which is one
	// entry however many sentences it holds.
	newLine, row, whole := true, false, false
	flush := func() {
		raw := strings.TrimSpace(b.String())
		s := strings.TrimSpace(strings.TrimLeft(raw, "-*•#> "))
		if s != "" {
			mark := ""
			switch {
			case strings.IndexAny(raw, "-*•") == 0 && raw != s:
				mark = "- "
			case numbered(raw):
				k := strings.IndexAny(raw, ".)") + 1
				mark, s = raw[:k]+" ", strings.TrimSpace(raw[k:])
			}
			out = append(out, sentence{text: s, newLine: newLine, mark: mark, row: row})
		}
		b.Reset()
		newLine = false
	}
	rs := []rune(text)
	for i, r := range rs {
		if r == '\n' {
			flush()
			newLine, row, whole = true, false, false
			continue
		}
		if newLine && b.Len() == 0 {
			end := i
			for end < len(rs) && rs[end] != '\n' {
				end++
			}
			line := string(rs[i:end])
			row = strings.Contains(line, " | ")
			whole = row || numbered(line) || strings.IndexAny(strings.TrimSpace(line), "-*•") == 0
		}
		b.WriteRune(r)
		if whole {
			continue
		}
		switch r {
		case '。', '！', '？', '｡':
			flush()
		case '.', '!', '?':
			// A sentence ends at punctuation followed by a space and not inside "e.g." or
			// "3.5".
			if i+1 < len(rs) && unicode.IsSpace(rs[i+1]) && !abbreviation(b.String()) {
				flush()
			}
		}
	}
	flush()
	return out
}

// numbered reports whether s opens with the number of a list item: "1. " or "2) ".
func numbered(s string) bool {
	s = strings.TrimSpace(s)
	k := 0
	for k < len(s) && k < 3 && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	return k > 0 && k < len(s) && (s[k] == '.' || s[k] == ')') && (k+1 == len(s) || s[k+1] == ' ')
}

// abbreviation reports whether s ends in an abbreviation whose dot ends no sentence.
func abbreviation(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	last := strings.ToLower(f[len(f)-1])
	switch last {
	case "e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "st.", "approx.", "z.b.", "p.ex.", "ca.":
		return true
	}
	return utf8.RuneCountInString(last) == 2 // an initial: "J. Smith"
}
