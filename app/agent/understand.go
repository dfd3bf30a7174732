package agent

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Intent is what a message asks for before any knowledge is searched.
type Intent int

// The intents Understand tells apart.
const (
	IntentQuestion Intent = iota // anything else: search the knowledge
	IntentGreeting               // only a greeting: "hi", "Bonjour !", "buenas tardes", "你好", "こんにちは", "hei"
	IntentThanks                 // only thanks or goodbye: "thanks!", "merci beaucoup", "vielen Dank", "谢谢", "ありがとう", "ok thanks bye"
	IntentHuman                  // asks for a person: "can I talk to a human", "quiero hablar con una persona", "转人工"
)

// NoAnswer is what the model is told to write, and nothing else, when its sources do not answer.
const NoAnswer = "NO_ANSWER"

// Understand classifies a customer message. rest is the message with a leading greeting removed
// ("Hi! Where is my order?" -> IntentQuestion, "Where is my order?"); for the other intents rest
// is the trimmed text. Leading thanks stay in rest ("Thanks, but where is my refund?" is kept
// whole): they often carry the question's sense and cost the search nothing.
func Understand(text string) (Intent, string) {
	u := parse(strings.TrimSpace(text))
	if in := u.intent(); in != IntentQuestion {
		return in, u.text
	}
	return IntentQuestion, u.afterGreeting()
}

// IsFollowUp reports whether text reads as a continuation of the previous question that cannot
// stand on its own ("and how much is it?", "what about Sundays?", "y el precio?", "那价格呢？").
//
// It is a heuristic over short messages: at most maxFollowUpWords words, or maxFollowUpRunes
// characters in Chinese and Japanese. Such a message is a follow-up when it starts with a
// connective ("and", "what about", "et pour", "und", "那", "じゃあ"), or when, in one of the
// languages, it is only that language's question and common words plus a referring pronoun
// ("it", "ça", "das", "それ") and at most one other word ("is it waterproof?"), or at most
// three such words and no pronoun ("¿cuánto cuesta?", "how much?"). A pronoun that also
// works as an article counts as one only when no unknown word follows it, so "was kostet
// das?" is a follow-up and "was kostet das Paket?" is not. A leading greeting is ignored;
// greetings, thanks and requests for a person are never follow-ups.
func IsFollowUp(text string) bool {
	u := parse(strings.TrimSpace(text))
	if len(u.words) == 0 || u.intent() != IntentQuestion {
		return false
	}
	u = parse(u.afterGreeting())
	if u.mostlyUnspaced() {
		s := u.joined()
		if utf8.RuneCountInString(s) > maxFollowUpRunes {
			return false
		}
		for _, l := range lexicon.languages {
			if l.followsUnspaced(s) {
				return true
			}
		}
		return false
	}
	if len(u.words) > maxFollowUpWords {
		return false
	}
	for _, l := range lexicon.languages {
		if _, ok := l.connectives.at(u.words, 0); ok || l.refers(u.words) {
			return true
		}
	}
	return false
}

// The longest messages IsFollowUp considers: longer ones say enough to stand alone.
const (
	maxFollowUpWords = 6
	maxFollowUpRunes = 12 // for scripts written without spaces
	maxBareQuestion  = 3  // words of a follow-up without a pronoun ("how much is shipping?" is not one)
)

// Declines reports whether a model's reply says it cannot answer from what it was given
// ("I don't know", "The sources do not mention", "je ne sais pas", "我不知道", "情報がありません"),
// or holds NoAnswer. The phrases are first-person or name the sources, so that ordinary
// answers that happen to say "not" or "no" ("We do not ship on Sundays") do not match.
func Declines(reply string) bool {
	if strings.Contains(reply, NoAnswer) {
		return true
	}
	return lexicon.declines.in(parse(reply))
}

// word is one word of a message, normalised, with where it is in the message.
type word struct {
	s          string
	start, end int  // byte offsets in the message
	upper      bool // written with a capital, as a name is
	unspaced   bool // a run of a script written without spaces
}

// utterance is a message cut into words.
type utterance struct {
	text  string
	words []word
}

var letterFolds = strings.NewReplacer("ß", "ss", "ø", "o", "æ", "ae", "œ", "oe", "ł", "l", "ı", "i", "đ", "d",
	"ё", "е", "ى", "ي", "ة", "ه", "ـ", "")

// apostrophes join English negations ("don't" = "dont"); elsewhere they split words, so
// that "l'agent" holds "agent".
const apostrophes = "'’ʼ"

// parse cuts text into words at anything that is not a letter, digit or mark (punctuation,
// emoji, spaces) and normalises each word, so that messages are matched word by word and "hi"
// never matches inside "this". Scripts written without spaces (Chinese, Japanese, Thai...)
// come as runs of characters, in which phrases are found as substrings.
func parse(text string) utterance {
	u := utterance{text: text}
	type at struct {
		r rune
		i int
	}
	var rs []at
	for i, r := range text {
		rs = append(rs, at{r, i})
	}
	letter := func(k int) bool { return k < len(rs) && unicode.IsLetter(rs[k].r) }
	var seg []rune
	start := 0
	flush := func(end int) {
		if len(seg) == 0 {
			return
		}
		upper := unicode.IsUpper(seg[0])
		for _, s := range strings.FieldsFunc(foldWord(string(seg)), isSeparator) {
			u.words = append(u.words, word{s: s, start: start, end: end, upper: upper, unspaced: isUnspaced(firstRune(s))})
		}
		seg = seg[:0]
	}
	for k, c := range rs {
		switch {
		case !isSeparator(c.r):
			// A change between spaced and unspaced scripts ends a word ("iPhone15の価格").
			if len(seg) > 0 && isUnspaced(seg[len(seg)-1]) != isUnspaced(c.r) && !isMark(c.r) {
				flush(c.i)
			}
			if len(seg) == 0 {
				start = c.i
			}
			seg = append(seg, c.r)
			continue
		case len(seg) > 0 && strings.ContainsRune(apostrophes, c.r) && unicode.ToLower(seg[len(seg)-1]) == 'n' &&
			k+1 < len(rs) && unicode.ToLower(rs[k+1].r) == 't' && !letter(k+2):
			continue // "don't"
		case len(seg) == 1 && unicode.Is(unicode.Latin, seg[0]) && strings.ContainsRune("-‐‑", c.r) && letter(k+1):
			continue // "e-mail", "t-shirt": one word, not the Italian "e" (and)
		}
		flush(c.i)
	}
	flush(len(text))
	return u
}

// foldWord normalises one word: Unicode NFKC, lower case, accents of Latin letters and Arabic
// vowel marks dropped, and the letters that have no decomposition folded (ß, ø, æ, ł, ı, ё),
// so that "hablár", "hablar" and "HABLAR" are one word.
func foldWord(s string) string {
	s = letterFolds.Replace(strings.ToLower(norm.NFKC.String(s)))
	var b strings.Builder
	latin := false
	for _, r := range norm.NFD.String(s) {
		if isMark(r) && (latin || r >= 0x064B && r <= 0x065F || r == 0x0670) {
			continue
		}
		if !isMark(r) {
			latin = unicode.Is(unicode.Latin, r)
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Mc) }

func isSeparator(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !isMark(r) }

// isUnspaced reports whether r belongs to a script written without spaces between words.
func isUnspaced(r rune) bool {
	return r >= 0x0E00 && (unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao,
		unicode.Khmer, unicode.Myanmar) || r == 'ー')
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// padded is the message's words joined by spaces, with a space either side, for finding
// unspaced phrases in it.
func (u utterance) padded() string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, w := range u.words {
		b.WriteString(w.s)
		b.WriteByte(' ')
	}
	return b.String()
}

// joined is the message's words without spaces, as Chinese and Japanese are written.
func (u utterance) joined() string {
	var b strings.Builder
	for _, w := range u.words {
		b.WriteString(w.s)
	}
	return b.String()
}

// pauseAfter reports whether punctuation, or the end of the message, follows word i.
func (u utterance) pauseAfter(i int) bool {
	if i+1 >= len(u.words) {
		return true
	}
	return strings.ContainsAny(u.text[u.words[i].end:u.words[i+1].start], ",.!?;:…，。！？、；：")
}

func (u utterance) mostlyUnspaced() bool {
	unspaced, spaced := 0, 0
	for _, w := range u.words {
		n := utf8.RuneCountInString(w.s)
		if w.unspaced {
			unspaced += n
		} else {
			spaced += n
		}
	}
	return unspaced > 0 && unspaced >= spaced
}

func (u utterance) intent() Intent {
	if u.asksForHuman() {
		return IntentHuman
	}
	return u.smallTalk()
}

// A message of pure small talk is made of these parts.
const (
	partGreeting = iota + 1 // "hello": also cut from the start of a question
	partSoft                // "morning", "how are you": cut from a question only before punctuation
	partAddress             // "there", "everyone": follows a greeting and is cut with it
	partThanks              // thanks and goodbyes
	partAck                 // "ok", "great": goes with greetings and thanks, never alone
	partAbout               // "for your help": goes with thanks only
)

// smallTalk returns IntentGreeting or IntentThanks when the message is only greetings or
// thanks and the words that go with them, with at most one capitalised word after a
// greeting or thanks taken for the agent's name ("Hi Ada!"), else IntentQuestion.
func (u utterance) smallTalk() Intent {
	seen := map[int]bool{}
	named := false
	prev := 0
	for i := 0; i < len(u.words); {
		w := u.words[i]
		if w.unspaced {
			for s := w.s; s != ""; {
				p, ok := lexicon.chat.prefix(s)
				if !ok {
					return IntentQuestion
				}
				seen[p.part], prev = true, p.part
				s = s[len(p.text):]
			}
			i++
			continue
		}
		if p, ok := lexicon.chat.at(u.words, i); ok {
			seen[p.part], prev = true, p.part
			i += len(p.words)
			continue
		}
		if !w.upper || named || prev != partGreeting && prev != partSoft && prev != partAddress && prev != partThanks {
			return IntentQuestion
		}
		named, prev = true, 0
		i++
	}
	switch {
	case seen[partThanks]:
		return IntentThanks
	case (seen[partGreeting] || seen[partSoft]) && !seen[partAbout]:
		return IntentGreeting
	}
	return IntentQuestion
}

// afterGreeting returns the message without the greeting it opens with, and without what
// goes with the greeting: "there", a name before punctuation ("Hi Ada, ..."), small talk
// before punctuation ("Hi, how are you? ...").
func (u utterance) afterGreeting() string {
	cut := 0
	greeted := false
loop:
	for i := 0; i < len(u.words); {
		w := u.words[i]
		if w.unspaced {
			n := 0
			for n < len(w.s) {
				p, ok := lexicon.chat.prefix(w.s[n:])
				whole := n+len(p.text) == len(w.s)
				if !ok || !(p.part == partGreeting || p.part == partAddress && greeted || p.part == partSoft && whole && u.pauseAfter(i)) {
					break
				}
				n += len(p.text)
				greeted = true
			}
			switch {
			case n == 0:
				break loop
			case n < len(w.s): // "你好请问…": the question starts inside the word
				cut = w.start + originalLen(u.text[w.start:w.end], n)
				break loop
			}
			cut = w.end
			i++
			continue
		}
		p, ok := lexicon.chat.at(u.words, i)
		switch {
		case ok && (p.part == partGreeting || p.part == partSoft && u.pauseAfter(i+len(p.words)-1) || p.part == partAddress && greeted):
			greeted = true
			i += len(p.words)
		case !ok && greeted && w.upper && u.pauseAfter(i):
			i++
		default:
			break loop
		}
		cut = u.words[i-1].end
	}
	rest := strings.TrimLeftFunc(u.text[cut:], func(r rune) bool {
		return isSeparator(r) && !strings.ContainsRune(`¿¡"'«“‘„([「『`, r)
	})
	if rest == "" {
		return u.text
	}
	return rest
}

// originalLen returns how many bytes of the original word make the first n bytes of its
// normalised form.
func originalLen(orig string, n int) int {
	for i := range orig {
		if i > 0 && len(foldWord(orig[:i])) >= n {
			return i
		}
	}
	return len(orig)
}

// asksForHuman reports whether the message asks for a person, anywhere in it.
func (u utterance) asksForHuman() bool {
	for _, l := range lexicon.languages {
		if l.direct.in(u) || l.asksForHuman(u) || l.asksOnlyForHuman(u) {
			return true
		}
	}
	return false
}

// How far apart the words of a request for a person may be.
const (
	maxGlue       = 5 // glue words between a verb and a person ("talk to one of your agents")
	maxOnlyPerson = 5 // words of a message that only names staff ("a real person please")
)

// asksForHuman finds a talk verb and a person close together ("talk to a real person"), or a
// want verb and someone who can only be staff ("I need a human"; "I need someone" is too
// often about something else). Each language has its own words, so that the glue of one
// does not join the words of another.
func (l *language) asksForHuman(u utterance) bool {
	talk, want := l.talk.spans(u.words), l.want.spans(u.words)
	if len(talk) == 0 && len(want) == 0 {
		return false
	}
	wanted := append(slices.Clip(talk), want...)
	for _, who := range []struct {
		spans []span
		verbs []span
	}{{l.persons.spans(u.words), talk}, {l.humans.spans(u.words), wanted}} {
		for _, p := range who.spans {
			if !l.endsPerson(u, p.end) {
				continue
			}
			for _, v := range who.verbs {
				if v.end <= p.start && l.glued(u.words[v.end:p.start]) && !l.aboutOthers(u, v.start) ||
					l.verbFinal && p.end <= v.start && l.glued(u.words[p.end:v.start]) {
					return true
				}
			}
		}
	}
	return false
}

// asksOnlyForHuman reports whether a short message is nothing but someone who can only be
// staff, with glue and small talk: "human please", "hey, agent!", "real person?", "人工", "オペレーター".
func (l *language) asksOnlyForHuman(u utterance) bool {
	if len(u.words) > maxOnlyPerson {
		return false
	}
	if len(l.humans.unspaced) > 0 && u.mostlyUnspaced() {
		s := u.joined()
		for _, g := range l.glueList {
			s = strings.ReplaceAll(s, g, "")
		}
		for _, p := range l.humans.unspaced {
			if s == p.text {
				return true
			}
		}
		return false
	}
	covered := make([]bool, len(u.words))
	for i := 0; i < len(u.words); i++ {
		if p, ok := lexicon.chat.at(u.words, i); ok {
			for j := range p.words {
				covered[i+j] = true
			}
		}
	}
	found := false
	for _, p := range l.humans.spans(u.words) {
		if l.endsPerson(u, p.end) {
			found = true
			for i := p.start; i < p.end; i++ {
				covered[i] = true
			}
		}
	}
	for i, w := range u.words {
		if !covered[i] && !l.glue[w.s] {
			return false
		}
	}
	return found
}

// endsPerson reports whether a person named before word i is not the start of a longer
// name, where the language says which words may follow one ("human resources", "agent plan").
func (l *language) endsPerson(u utterance, i int) bool {
	return len(l.after) == 0 || i >= len(u.words) || u.pauseAfter(i-1) || l.after[u.words[i].s]
}

func (l *language) glued(ws []word) bool {
	if len(ws) > maxGlue {
		return false
	}
	for _, w := range ws {
		if !l.glue[w.s] {
			return false
		}
	}
	return true
}

// aboutOthers reports whether the words just before the verb at word i, in the same
// sentence, make someone else its subject ("can customers chat with agents?").
func (l *language) aboutOthers(u utterance, i int) bool {
	for k := i - 1; k >= max(0, i-3) && !u.pauseAfter(k); k-- {
		if l.others[u.words[k].s] {
			return true
		}
	}
	return false
}

// refers applies the pronoun rule of IsFollowUp in this language.
func (l *language) refers(ws []word) bool {
	if len(l.function) == 0 {
		return false
	}
	pronoun, unknown := false, 0
	for i, w := range ws {
		known := l.function[w.s] || l.pronouns[w.s]
		switch {
		case l.pronouns[w.s] && !(l.determiners[w.s] && i+1 < len(ws) && !l.function[ws[i+1].s] && !l.pronouns[ws[i+1].s]):
			pronoun = true
		case !known:
			unknown++
		}
	}
	return pronoun && unknown <= 1 || !pronoun && unknown == 0 && len(ws) <= maxBareQuestion
}

// followsUnspaced applies IsFollowUp's rules to a short Chinese or Japanese message s.
func (l *language) followsUnspaced(s string) bool {
	if _, ok := l.connectives.prefix(s); ok {
		return true
	}
	for _, p := range l.unspacedPronouns {
		if strings.Contains(s, p) {
			return true
		}
	}
	for _, e := range l.endings {
		if strings.HasSuffix(s, e) && s != e {
			return true
		}
	}
	return slices.Contains(l.questions, s)
}

// phrase is a normalised phrase of a lexicon.
type phrase struct {
	words []string
	text  string // the words joined by spaces
	part  int
}

// phraseSet holds phrases by their first word, longest first; phrases of unspaced scripts
// are held apart, to be found inside words.
type phraseSet struct {
	spaced   map[string][]phrase
	unspaced []phrase
}

func (ps *phraseSet) add(list string, part int) {
	for _, s := range split(list) {
		var ws []string
		for _, w := range parse(s).words {
			ws = append(ws, w.s)
		}
		if len(ws) == 0 {
			continue
		}
		p := phrase{words: ws, text: strings.Join(ws, " "), part: part}
		if len(ws) == 1 && isUnspaced(firstRune(ws[0])) {
			ps.unspaced = append(ps.unspaced, p)
			continue
		}
		if ps.spaced == nil {
			ps.spaced = map[string][]phrase{}
		}
		ps.spaced[ws[0]] = append(ps.spaced[ws[0]], p)
	}
}

// sort puts longer phrases first; among equals, the one added first stays first.
func (ps *phraseSet) sort() {
	for _, b := range ps.spaced {
		slices.SortStableFunc(b, func(x, y phrase) int { return len(y.words) - len(x.words) })
	}
	slices.SortStableFunc(ps.unspaced, func(x, y phrase) int { return len(y.text) - len(x.text) })
}

// at returns the longest phrase that starts at word i.
func (ps *phraseSet) at(ws []word, i int) (phrase, bool) {
	if i < len(ws) {
		for _, p := range ps.spaced[ws[i].s] {
			if p.startsAt(ws, i) {
				return p, true
			}
		}
	}
	return phrase{}, false
}

func (p phrase) startsAt(ws []word, i int) bool {
	if i+len(p.words) > len(ws) {
		return false
	}
	for j, s := range p.words {
		if ws[i+j].s != s {
			return false
		}
	}
	return true
}

// prefix returns the longest unspaced phrase s starts with.
func (ps *phraseSet) prefix(s string) (phrase, bool) {
	for _, p := range ps.unspaced {
		if strings.HasPrefix(s, p.text) {
			return p, true
		}
	}
	return phrase{}, false
}

// in reports whether any phrase occurs in u: as whole words, or for unspaced phrases anywhere.
func (ps *phraseSet) in(u utterance) bool {
	for i := range u.words {
		if _, ok := ps.at(u.words, i); ok {
			return true
		}
	}
	if len(ps.unspaced) == 0 {
		return false
	}
	padded := u.padded()
	for _, p := range ps.unspaced {
		if strings.Contains(padded, p.text) {
			return true
		}
	}
	return false
}

// span is where a phrase was found: words start to end, end excluded.
type span struct{ start, end int }

// spans returns every place a phrase of the set occurs in ws.
func (ps *phraseSet) spans(ws []word) []span {
	var out []span
	for i := range ws {
		for _, p := range ps.spaced[ws[i].s] {
			if p.startsAt(ws, i) {
				out = append(out, span{i, i + len(p.words)})
			}
		}
	}
	return out
}

func split(list string) []string {
	if list == "" {
		return nil
	}
	return strings.Split(list, "|")
}

// wordSet returns the normalised words of a space-separated list.
func wordSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range parse(list).words {
		set[w.s] = true
	}
	return set
}

// smallTalkLang returns the language of a short message by its greetings, thanks and
// acknowledgements ("Hei!", "Merci beaucoup", "danke"): the language whose small talk
// holds the most of its words. Words of more than two languages' small talk ("ok",
// "super") say nothing; a tie goes to the language listed first ("merci" is French before
// it is Swiss German, "thanks" English before Dutch). Letter statistics cannot tell a
// language from one or two words; these lists can.
func smallTalkLang(text string) string {
	counts := map[string]int{}
	for _, w := range parse(text).words {
		var in []*language
		for _, l := range lexicon.languages {
			if l.chatWords[w.s] {
				in = append(in, l)
			}
		}
		if len(in) <= 2 {
			for _, l := range in {
				counts[l.code]++
			}
		}
	}
	best, n := "", 0
	for _, l := range lexicon.languages {
		if counts[l.code] > n {
			best, n = l.code, counts[l.code]
		}
	}
	if best == "no" {
		return "nb" // the code detection and the knowledge use for Norwegian
	}
	return best
}

// language is a lexicon entry ready for matching.
type language struct {
	code                                             string
	chatWords                                        map[string]bool // the words of its greetings, thanks and acknowledgements
	talk, want, persons, humans, direct, connectives phraseSet
	glue, after, others                              map[string]bool
	glueList                                         []string // glue of unspaced scripts, longest first, removed from a message
	verbFinal                                        bool
	function, pronouns, determiners                  map[string]bool
	unspacedPronouns, endings, questions             []string
}

// lexicon is every language's words, normalised when the package loads.
var lexicon = compileLexicons(lexicons)

// compiledLexicons holds the phrases of all languages that are matched together, and each
// language's own words.
type compiledLexicons struct {
	chat      phraseSet // greetings, thanks and the words that go with them, tagged by part
	declines  phraseSet
	languages []*language
}

func compileLexicons(es []lexiconEntry) compiledLexicons {
	var c compiledLexicons
	for _, e := range es {
		c.chat.add(e.greetings, partGreeting)
		c.chat.add(e.soft, partSoft)
		c.chat.add(e.address, partAddress)
		c.chat.add(e.thanks, partThanks)
		c.chat.add(e.acks, partAck)
		c.chat.add(e.about, partAbout)
		c.declines.add(e.declines, 0)
		l := &language{code: e.lang, chatWords: wordSet(strings.Join([]string{e.greetings, e.soft, e.thanks, e.acks}, "|")), verbFinal: e.verbFinal, glue: wordSet(e.glue), after: wordSet(e.after), others: wordSet(e.others),
			function: wordSet(e.function), pronouns: wordSet(e.pronouns), determiners: wordSet(e.determiners)}
		for _, set := range []struct {
			ps   *phraseSet
			list string
		}{{&l.talk, e.talk}, {&l.want, e.want}, {&l.persons, e.persons}, {&l.humans, e.humans}, {&l.direct, e.direct}, {&l.connectives, e.connectives}} {
			set.ps.add(set.list, 0)
			set.ps.sort()
		}
		for g := range l.glue {
			if isUnspaced(firstRune(g)) {
				l.glueList = append(l.glueList, g)
			}
		}
		slices.SortFunc(l.glueList, func(x, y string) int {
			if len(x) != len(y) {
				return len(y) - len(x)
			}
			return strings.Compare(x, y)
		})
		for p := range l.pronouns {
			if isUnspaced(firstRune(p)) {
				l.unspacedPronouns = append(l.unspacedPronouns, p)
			}
		}
		for _, s := range split(e.endings) {
			l.endings = append(l.endings, foldWord(s))
		}
		for _, s := range split(e.questions) {
			l.questions = append(l.questions, foldWord(s))
		}
		c.languages = append(c.languages, l)
	}
	c.chat.sort()
	c.declines.sort()
	return c
}

// lexiconEntry is what one language contributes to understanding messages. Phrase lists are
// separated by "|", word lists by spaces; both are written as people write them ("n'est pas
// mentionné") and normalised when the package loads.
type lexiconEntry struct {
	lang string

	// Small talk, matched across languages ("ok merci", "hi 你好").
	greetings, soft, address, thanks, acks, about string

	// Asking for a person (see language.asksForHuman).
	talk, want string // verbs; want verbs count only with humans
	persons    string // anyone who may be staff: "someone", "support"
	humans     string // only staff: "human", "operator"; alone they make a request ("agent!")
	glue       string // words that may stand between a verb and a person
	after      string // when set, the only words that may follow a person ("about", "please")
	others     string // subjects that make a talk verb about someone else ("customers")
	direct     string // unspaced phrases that ask for a person wherever they stand ("转人工")
	verbFinal  bool   // the verb may come after the person ("mit einem Menschen sprechen")

	// Follow-ups (see IsFollowUp).
	connectives                     string
	function, pronouns, determiners string // word lists; determiners are pronouns that are also articles
	endings, questions              string // unspaced: endings meaning "and ...?" ("呢"), subjectless questions ("多少钱")

	declines string
}

// The trade-offs in these lists lean towards answering: a request for a person needs a verb
// of talking next to a person ("talk to support", "parler à un conseiller") or, alone, a word
// that can only mean staff ("agent!", "人工"), so questions about people ("is it safe for
// humans?", "does the agent plan include support?") are searched instead. Words that are also
// ordinary words ("morning", "Tag", "dag") are greetings only when they stand alone or before
// punctuation, and the Danish "tak" is thanks although it is the Polish "yes".
var lexicons = []lexiconEntry{
	{
		lang:      "en",
		greetings: "hi|hello|hey|hiya|heya|howdy|hullo|good morning|good afternoon|good evening|good day|greetings|yo",
		soft: "morning|afternoon|evening|how are you|how are you doing|how are you today|how's it going|how is it going|" +
			"how do you do|what's up|sup|hope you're well|hope you are well|hope you're doing well|nice to meet you",
		address: "there|everyone|everybody|all|team|folks|guys|y'all|again|friend|bot|support|sir|madam|mate",
		thanks: "thanks|thank you|thank u|thanks a lot|thanks so much|thank you so much|thank you very much|many thanks|" +
			"thx|thnx|ty|tysm|tyvm|cheers|much appreciated|appreciate it|i appreciate it|bye|goodbye|good bye|bye bye|" +
			"see you|see ya|see you later|have a nice day|have a good day|have a great day|have a nice weekend|" +
			"have a good weekend|have a good one|take care|that's all|that is all|that's it|nothing else|that helps|that helped",
		acks: "ok|okay|okey|k|kk|great|perfect|awesome|cool|nice|good|excellent|wonderful|brilliant|fantastic|amazing|" +
			"lovely|super|got it|alright|all right|sure|yes|yep|yeah|no|nope|sounds good|understood|fine|fair enough|" +
			"i see|oh|ah|wow|will do|noted",
		about: "for|your|the|help|helping|info|information|answer|answers|reply|response|assistance|time|quick|fast|" +
			"very|so|much|a|lot|you|everything|that|this|it|really|anyway|s|i|m|have|day|one|weekend|helpful|was",
		talk: "talk|talking|speak|speaking|chat|chatting|connect me|transfer me|put me through|pass me|forward me|" +
			"redirect me|switch me|hand me over|escalate|escalate this|escalate me|get in touch|get hold of|contact|" +
			"reach|get me|give me|be connected|be transferred",
		want: "want|need|would like|d like|prefer|request|require|looking for",
		persons: "person|people|someone|somebody|anyone|anybody|staff|staff member|team member|member of staff|" +
			"member of your team|support|support team|customer support|customer care|sales team|sales rep|manager|" +
			"supervisor|employee|team|agents|representatives|operators|humans|reps|sales",
		humans: "human|human being|real person|live person|actual person|real human|live human|live agent|human agent|" +
			"real agent|agent|representative|rep|operator|customer service|customer service rep|customer service agent|" +
			"advisor|adviser|support agent|live chat|live support",
		glue: "to with a an the some one of your real actual live me through over please pls plz i can could may now just directly",
		after: "please pls plz now asap right today about regarding re who that because for to on in and or as since " +
			"instead i at here immediately directly urgently if so but thanks thank then this rather not from with is which when",
		others:      "customers users visitors clients they buyers members guests shoppers bot chatbot widget assistant ai employees website site system",
		connectives: "and|what about|how about|also|but|what if|or|plus|same for|as for",
		function: "what how much many long when where which why is are was were be been does do did can could will you your " +
			"would should may might must i me my we our us the a an to for of in on at by with from about there s re ll d " +
			"ve m t also too then still again just please so any some more cost costs take takes last lasts work works " +
			"open opens close closes include includes included come comes get have has need buy pay free available " +
			"possible cancel return change use ship deliver arrive start end mean apply expire far big often else",
		pronouns:    "it that this they them those these one ones",
		determiners: "that this those these one",
		declines: "i don't know|i do not know|i'm not sure about that|i am not sure about that|i don't have information|" +
			"i do not have information|i don't have any information|i do not have any information|" +
			"i don't have enough information|i do not have enough information|i don't have specific information|" +
			"i do not have specific information|i don't have that information|i do not have that information|" +
			"i don't have details|i do not have details|i don't have access to that information|i have no information|" +
			"i couldn't find|i could not find|i can't find|i cannot find|i was unable to find|i wasn't able to find|" +
			"i'm unable to answer|i am unable to answer|i can't answer|i cannot answer|i'm not able to answer|" +
			"i am not able to answer|i'm unable to provide|i am unable to provide|i can't provide information|" +
			"i cannot provide information|i'm afraid i can't|i'm afraid i don't|sources do not|sources don't|" +
			"not in my sources|not in the sources|not in the provided|not covered by the sources|" +
			"the information provided does not|the provided information does not|the provided context does not|" +
			"the context does not|the documents do not|the knowledge base does not|not mentioned in the sources|" +
			"not mentioned in the provided|not mentioned in the information|not mentioned in the context|" +
			"not mentioned in the documents|there is no information about|there's no information about|" +
			"there is no information on|there's no information on|there is no mention|there's no mention|" +
			"i don't have data|i can't help with that|i cannot help with that|i'm not able to help with that|" +
			"i am not able to help with that",
	},
	{
		lang:      "es",
		greetings: "hola|buenas|buenos días|buen día|buenas tardes|buenas noches|saludos|muy buenas|holi|holis",
		soft:      "qué tal|cómo estás|cómo está|cómo están|cómo va|qué onda|espero que esté bien|espero que estés bien",
		address:   "a todos|todos|equipo|de nuevo|otra vez|chicos|amigo|amiga",
		thanks: "gracias|muchas gracias|muchísimas gracias|mil gracias|te lo agradezco|se lo agradezco|muy agradecido|" +
			"muy agradecida|adiós|hasta luego|hasta pronto|hasta mañana|chao|chau|nos vemos|que tenga un buen día|" +
			"que tengas un buen día|eso es todo|es todo",
		acks:  "vale|perfecto|genial|estupendo|excelente|bien|muy bien|entendido|de acuerdo|listo|sí|si|bueno|claro|dale|okey",
		about: "por|tu|su|la|el|ayuda|información|info|respuesta|todo|muy|amable|mucho|de|nuevo|eso|es|igual|usted|ti|atención",
		talk: "hablar|hablo|charlar|chatear|comunicarme|contactar|ponerme en contacto|contacto|pásame|páseme|me pasas|" +
			"me pasa|transferir|transfiéreme|transfiérame|conectar|conectarme|que me atienda|atienda|atiendan|" +
			"ser atendido|ser atendida",
		want: "quiero|quisiera|necesito|deseo|me gustaría|prefiero",
		persons: "persona|personas|alguien|soporte|equipo de soporte|empleado|empleada|encargado|encargada|especialista|" +
			"ejecutivo|ejecutiva|responsable",
		humans: "humano|persona real|ser humano|persona de verdad|agente|asesor|asesora|operador|operadora|representante|" +
			"atención al cliente|servicio al cliente",
		glue:        "con a un una el la al de del alguna algún real verdad por favor me se que su sus tu puedo podría puede ya ahora",
		connectives: "y|pero|también|qué tal|qué hay de|entonces|además",
		function: "qué cuánto cuánta cuántos cuántas cómo cuándo dónde cuál cuáles quién por para es son está están hay se " +
			"me mi de del el un una unos unas en a al con sin puedo puede pueden podría cuesta cuestan vale valen tarda " +
			"tardan dura duran abre abren cierra cierran incluye incluido tiene tienen sirve funciona gratis gratuito " +
			"disponible posible más tiempo hasta desde ya",
		pronouns:    "eso esto ello aquello lo la los las le les este ese esa esos esas estos estas",
		determiners: "lo la los las este ese esa esos esas estos estas",
		declines: "no lo sé|no sabría decirle|no sabría decirte|no sabría decir|no tengo información|no tengo esa información|" +
			"no dispongo de información|no dispongo de esa información|no cuento con información|no tengo datos|" +
			"no tengo detalles|no he encontrado información|no encontré información|no pude encontrar|no he podido encontrar|" +
			"no puedo responder|no puedo contestar|no puedo ayudarte con eso|no puedo ayudarle con eso|las fuentes no|" +
			"la información proporcionada no|el contexto proporcionado no|no se menciona|no aparece en las fuentes|" +
			"no hay información sobre|desconozco",
	},
	{
		lang:      "fr",
		greetings: "bonjour|bonsoir|salut|coucou|allô|rebonjour|hello",
		soft:      "ça va|comment allez-vous|comment ça va|comment vas-tu|j'espère que vous allez bien",
		address:   "à tous|tout le monde|l'équipe|à nouveau|madame|monsieur",
		thanks: "merci|merci beaucoup|merci bien|mille mercis|merci mille fois|grand merci|un grand merci|je vous remercie|" +
			"je te remercie|merci infiniment|au revoir|à bientôt|à plus|bonne journée|bonne soirée|bonne fin de journée|" +
			"bon week-end|bonne continuation|c'est tout|ce sera tout",
		acks:  "ok|d'accord|parfait|super|génial|top|très bien|entendu|nickel|oui|non|bien|cool|impeccable|okay",
		about: "pour|votre|vos|ton|ta|l'aide|aide|info|infos|information|informations|réponse|encore|tout|c'est|beaucoup|de|la|rien|d'autre|vous|toi|rapide",
		talk: "parler|discuter|échanger|joindre|contacter|mettre en relation|mettez-moi en relation|me mettre en relation|" +
			"être mis en relation|être mise en relation|transférer|transférez-moi|passez-moi|me passer|rediriger|être redirigé",
		want:    "veux|voudrais|souhaite|souhaiterais|besoin|aimerais|demande",
		persons: "quelqu'un|personne|une personne|interlocuteur|interlocutrice|support|membre de l'équipe|responsable|employé|équipe",
		humans: "humain|être humain|vrai humain|vraie personne|personne réelle|conseiller|conseillère|agent|opérateur|" +
			"opératrice|service client|service clientèle",
		glue:        "à au aux avec un une le la l d de du des vrai vraie réel réelle vous me moi m votre vos s il plaît svp je peux pourrais pouvez pourriez j ai avoir directement maintenant",
		connectives: "et|aussi|mais|alors|quid de|et si|pareil pour",
		function: "combien comment quand où quel quelle quels quelles qui que quoi pourquoi est sont c il elle on je j nous " +
			"d de du des un une en y a au aux pour avec sans par chez coûte coûtent faut peut peux puis prend dure ouvre " +
			"ferme inclus compris gratuit gratuite disponible possible qu s n ne pas aussi encore temps fait",
		pronouns:    "ça cela ceci celui celle ceux celles le la les l ce cet cette ces",
		determiners: "le la les l ce cet cette ces",
		declines: "je ne sais pas|je l'ignore|je n'ai pas d'information|je n'ai pas d'informations|je n'ai pas cette information|" +
			"je n'ai pas ces informations|je n'ai pas les informations|je n'ai aucune information|" +
			"je ne dispose pas d'information|je ne dispose pas d'informations|je ne dispose pas de cette information|" +
			"je ne dispose d'aucune information|je n'ai pas trouvé|je n'ai trouvé aucune|je ne trouve pas|" +
			"je ne peux pas répondre|je ne suis pas en mesure de répondre|je ne suis pas en mesure de vous répondre|" +
			"les sources ne|sources fournies ne|les informations fournies ne|le contexte fourni ne|n'est pas mentionné dans|" +
			"ne figure pas dans les sources|" +
			"ne sont pas mentionnés dans|il n'y a pas d'information|il n'y a aucune information|je n'ai pas de détails|" +
			"je n'ai pas d'éléments",
	},
	{
		lang:      "de",
		greetings: "hallo|hi|hey|guten morgen|guten tag|guten abend|moin|moin moin|servus|grüß gott|grüezi|grüß dich|hallo zusammen",
		soft:      "tag|morgen|wie geht's|wie gehts|wie geht es ihnen|wie geht es dir",
		address:   "zusammen|alle|allerseits|team|nochmal|an alle",
		thanks: "danke|danke schön|dankeschön|vielen dank|danke sehr|besten dank|herzlichen dank|tausend dank|" +
			"vielen herzlichen dank|danke vielmals|merci|tschüss|tschüs|auf wiedersehen|bis bald|bis dann|schönen tag noch|" +
			"schönen tag|einen schönen tag|das war's|das wars|das war alles",
		acks:  "ok|okay|super|perfekt|prima|toll|alles klar|gut|sehr gut|verstanden|ja|nein|klasse|wunderbar|passt|alles gut|genau|top|ach so",
		about: "für|die|ihre|deine|hilfe|info|infos|information|informationen|antwort|nochmal|noch|mal|sehr|vielmals|das|es|alles|ihnen|dir|schnelle|auskunft",
		talk: "sprechen|reden|chatten|verbinden|verbunden|weiterleiten|weitergeleitet|durchstellen|kontaktieren|erreichen|" +
			"in kontakt|kontakt",
		want:    "möchte|moechte|will|brauche|hätte gern|hätte gerne|wünsche",
		persons: "jemandem|jemanden|jemand|person|kundenservice|kundendienst|support|team|ansprechpartner|ansprechpartnerin|zuständigen",
		humans: "mensch|menschen|echten person|echte person|echten menschen|echter mensch|mitarbeiter|mitarbeiterin|" +
			"mitarbeitenden|servicemitarbeiter|berater|beraterin|kundenberater|kundenberaterin|agent|agenten",
		glue:        "mit einem einer einen ein eine dem der den die echten richtigen realen echte echter ihrem ihrer ihren eurem eurer bitte mich mir an zu zum gerne gern jetzt direkt kann ich mal sie lieber könnte könnten würde bei von",
		verbFinal:   true,
		connectives: "und|was ist mit|wie ist es mit|wie sieht es mit|wie sieht's mit|auch|aber|oder|gilt das auch",
		function: "was wie wieviel viel viele lange wann wo welche welcher welches wer warum wieso ist sind war kann können " +
			"muss soll wird werden hat haben ich man wir mir mich der die den dem des ein eine einen einem zu für " +
			"mit von bei nach auf in im am um auch noch denn dann mal kostet kosten dauert dauern öffnet schließt gilt " +
			"geht funktioniert kostenlos gratis möglich verfügbar enthalten inklusive bitte",
		pronouns:    "das es dies dieses diese dieser dafür davon damit dazu daran darauf er",
		determiners: "das dies dieses diese dieser",
		declines: "ich weiß es nicht|ich weiß nicht|das weiß ich nicht|ich weiß leider nicht|das weiß ich leider nicht|" +
			"liegen mir keine informationen|liegen mir leider keine informationen|mir liegen keine informationen|" +
			"mir liegen leider keine informationen|ich habe keine informationen|ich habe leider keine informationen|" +
			"ich habe dazu keine informationen|habe ich keine informationen|habe ich leider keine informationen|" +
			"habe ich dazu keine informationen|habe ich dazu leider keine informationen|habe ich hierzu keine informationen|" +
			"keine informationen dazu|keine informationen darüber|keine informationen hierzu|weiß ich leider nicht|" +
			"ich kann diese frage nicht beantworten|ich kann diese frage leider nicht beantworten|kann ich nicht beantworten|" +
			"kann ich leider nicht beantworten|ich konnte keine informationen finden|ich konnte leider keine informationen finden|" +
			"ich habe keine angaben|die quellen enthalten keine|die quellen erwähnen nicht|die quellen erwähnen keine|" +
			"wird in den quellen nicht|in den quellen finde ich keine|in den quellen finde ich nichts|" +
			"dazu kann ich nichts sagen|dazu kann ich leider nichts sagen|nicht in den bereitgestellten",
	},
	{
		lang:      "pt",
		greetings: "olá|oi|oie|bom dia|boa tarde|boa noite",
		soft:      "tudo bem|tudo bom|como vai|como vai você|como está|e aí",
		address:   "pessoal|gente|a todos|todos|equipe|de novo|novamente",
		thanks: "obrigado|obrigada|muito obrigado|muito obrigada|obrigadão|brigado|brigada|valeu|agradeço|muito agradecido|" +
			"muito agradecida|tchau|até logo|até mais|até breve|adeus|bom fim de semana|tenha um bom dia|é só isso|era só isso|só isso",
		acks:  "ok|perfeito|ótimo|beleza|blz|certo|entendi|show|legal|sim|não|bom|tudo certo|combinado|tá|tá bom|certinho|joia",
		about: "pela|pelo|sua|seu|ajuda|informação|informações|resposta|por|tudo|muito|de|novo|mesmo|aí|atenção|a|o",
		talk: "falar|conversar|contatar|contactar|entrar em contato|transferir|transfira|me transfere|me transfira|me passa|" +
			"me passe|encaminhar|ser atendido|ser atendida",
		want:    "quero|queria|gostaria|preciso|prefiro",
		persons: "pessoa|pessoas|alguém|suporte|equipe de suporte|equipe|funcionário|funcionária",
		humans: "atendente|humano|ser humano|pessoa real|pessoa de verdade|agente|operador|operadora|consultor|consultora|" +
			"atendimento humano|representante|sac",
		glue:        "com um uma o a ao de do da real verdade por favor me algum alguma seu sua vocês posso poderia pode agora",
		connectives: "e|mas|também|então|e quanto a",
		function: "quanto quanta quantos quantas como quando onde qual quais quem por que porque é são está estão tem há " +
			"posso pode podem custa custam demora demoram dura abre fecha inclui incluído funciona grátis gratuito " +
			"disponível possível de do da dos das o a os as um uma em no na nos nas para pra com sem também mais tempo eu se me já",
		pronouns:    "isso isto aquilo ele ela eles elas este esse essa esses essas estes estas",
		determiners: "este esse essa esses essas estes estas",
		declines: "não sei|não tenho informações|não tenho informação|não tenho essa informação|não tenho essas informações|" +
			"não disponho de informações|não disponho dessa informação|não encontrei informações|não encontrei informação|" +
			"não consegui encontrar|não posso responder|não consigo responder|as fontes não|a informação fornecida não|" +
			"as informações fornecidas não|não é mencionado|não há informações sobre|não tenho dados|não tenho detalhes",
	},
	{
		lang:      "it",
		greetings: "ciao|salve|buongiorno|buon giorno|buonasera|buona sera|buon pomeriggio",
		soft:      "come sta|come stai|come va|tutto bene",
		address:   "a tutti|tutti|ragazzi|di nuovo|team",
		thanks: "grazie|grazie mille|molte grazie|grazie tante|mille grazie|ti ringrazio|la ringrazio|vi ringrazio|arrivederci|" +
			"a presto|buona giornata|buona serata|alla prossima|è tutto",
		acks:  "ok|perfetto|ottimo|va bene|benissimo|capito|certo|sì|bene|fantastico|d'accordo|chiaro|okay",
		about: "per|l'aiuto|aiuto|informazione|informazioni|risposta|tante|tutto|di|nuovo|ancora|molto|la|disponibilità|gentilezza|sei|stato|stata|gentile|gentilissimo|gentilissima|davvero",
		talk: "parlare|chattare|contattare|mettermi in contatto|mettere in contatto|mi passi|mi passa|passarmi|trasferire|" +
			"trasferirmi|mi trasferisca|collegarmi|mi colleghi|essere messo in contatto|essere messa in contatto",
		want:    "voglio|vorrei|bisogno|preferirei",
		persons: "persona|persone|qualcuno|assistenza|supporto|responsabile|dipendente|team",
		humans: "operatore|operatrice|persona reale|persona vera|vera persona|umano|essere umano|agente|consulente|addetto|" +
			"addetta|servizio clienti|assistenza clienti",
		glue:        "con un una uno il la l a al all ad di del della dell vero vera reale per favore mi potrei posso può vostro vostra vostri suo sua subito adesso ora ho",
		connectives: "e|anche|ma|invece|quindi|e se",
		function: "quanto quanta quanti quante come quando dove quale quali chi perché cosa che è sono c ci si costa " +
			"costano dura durano serve apre chiude include incluso funziona gratis gratuito disponibile possibile posso può " +
			"possono di del della dei il i gli un una uno a al in per con da anche tempo mi ti ne",
		pronouns:    "questo questa quello quella questi quelli lo la li le esso",
		determiners: "lo la le questo questa quello quella questi quelli",
		declines: "non lo so|non so rispondere|non so dirti|non so dirle|non ho informazioni|non ho questa informazione|" +
			"non dispongo di informazioni|non dispongo di questa informazione|non ho trovato|non riesco a trovare|" +
			"non posso rispondere|non sono in grado di rispondere|le fonti non|le informazioni fornite non|" +
			"non viene menzionato|non è menzionato|non ho dati|non ho dettagli|non ci sono informazioni",
	},
	{
		lang: "nl",
		greetings: "hallo|hoi|hey|hi|goedemorgen|goedemiddag|goedenavond|goeiemorgen|goeiemiddag|goedenmorgen|goedendag|" +
			"goeiedag|goede morgen|hallo daar",
		soft:    "dag|hoe gaat het|hoe gaat het met u|hoe gaat het met je|alles goed",
		address: "allemaal|iedereen|team|daar|weer",
		thanks: "dank je|dank u|dankjewel|dank je wel|dank u wel|bedankt|hartelijk dank|heel erg bedankt|super bedankt|" +
			"thanks|doei|doeg|tot ziens|tot later|fijne dag|prettige dag|fijn weekend|dat was het|dat was alles",
		acks:    "ok|oké|okay|prima|top|super|perfect|helder|duidelijk|ja|nee|goed|fijn|begrepen|akkoord|mooi",
		about:   "voor|de|je|uw|hulp|info|informatie|antwoord|wel|heel|hartelijk|erg|alles|nogmaals|het|snelle",
		talk:    "spreken|praten|chatten|contact|doorverbinden|doorverbonden|verbind me|verbinden|doorschakelen|in gesprek",
		want:    "wil|zou graag|wil graag|nodig",
		persons: "iemand|persoon|klantenservice|support|helpdesk|servicedesk|team",
		humans: "medewerker|medewerkster|mens|echt persoon|echte persoon|echt mens|echte mens|adviseur|agent|" +
			"klantenservicemedewerker",
		glue:        "met een de het echte echt van jullie uw je me mij graag alstublieft alsjeblieft aub even ik kan kunt zou bij door naar worden word",
		verbFinal:   true,
		connectives: "en|wat dacht je van|hoe zit het met|ook|maar",
		function: "wat hoe hoeveel lang lange wanneer waar welke wie waarom is zijn kan kun kunt mag moet wordt worden " +
			"heeft hebben ik je we de een van voor met in op naar bij ook nog dan er kost kosten duurt opent sluit geldt " +
			"werkt gratis mogelijk beschikbaar inbegrepen te t s graag",
		pronouns:    "dat het dit die deze ervan daarvan hij ze",
		determiners: "het die deze dit dat",
		declines: "ik weet het niet|dat weet ik niet|ik weet het helaas niet|dat weet ik helaas niet|ik heb geen informatie|" +
			"ik heb helaas geen informatie|ik heb daar geen informatie over|ik heb hierover geen informatie|" +
			"daarover heb ik geen informatie|ik kan dat niet beantwoorden|ik kan deze vraag niet beantwoorden|" +
			"ik kan die vraag niet beantwoorden|kan ik niet beantwoorden|kan ik helaas niet beantwoorden|" +
			"ik kon geen informatie vinden|ik kan geen informatie vinden|ik heb niets gevonden|de bronnen bevatten geen|" +
			"kan ik die vraag niet beantwoorden|kan ik deze vraag niet beantwoorden|heb ik geen informatie|" +
			"heb ik helaas geen informatie|weet ik helaas niet|" +
			"de bronnen vermelden niet|de bronnen vermelden geen|wordt niet vermeld in|staat niet in de bronnen",
	},
	{
		lang:      "no",
		greetings: "hei|hallo|heisann|hei sann|hei hei|god morgen|god dag|god ettermiddag|god kveld|morn|heia",
		soft:      "hvordan går det|hvordan har du det|alt bra",
		address:   "alle sammen|alle|dere|igjen",
		thanks: "takk|tusen takk|mange takk|takk skal du ha|takk for hjelpen|takker|ha det|ha det bra|hadet|ha en fin dag|" +
			"ha en god dag|god helg|det var alt",
		acks:    "ok|okei|supert|perfekt|flott|topp|skjønner|greit|ja|nei|bra|fint|forstått",
		about:   "for|hjelpen|informasjonen|svaret|skal|du|ha|så|mye|alt|igjen|det|var|raskt|rask",
		talk:    "snakke|prate|chatte|bli satt over|sett meg over|koble meg|kobles|kontakte|komme i kontakt",
		want:    "vil|ønsker|trenger|vil ha",
		persons: "person|noen|kundestøtte|kundesenter|support|en av dere|team|teamet|ansatt",
		humans: "menneske|ekte person|ekte menneske|virkelig person|medarbeider|saksbehandler|kundebehandler|agent|" +
			"operatør|kundeservice|rådgiver",
		glue:        "med et en ei ekte virkelig til fra i hos dere deres meg over videre gjerne kan jeg få nå",
		verbFinal:   true,
		connectives: "og|hva med|også|men|eller|enn",
		function: "hva hvordan hvor mye mange lenge lang når hvilken hvilke hvem hvorfor er var kan må skal vil blir har " +
			"jeg vi man en et ei til for med av på i om fra også da koster tar varer åpner stenger gjelder fungerer " +
			"gratis mulig tilgjengelig inkludert tid",
		pronouns:    "det den dette denne disse de dem",
		determiners: "den det denne dette disse de",
		declines: "jeg vet ikke|det vet jeg ikke|jeg vet dessverre ikke|det vet jeg dessverre ikke|jeg har ikke informasjon|" +
			"jeg har ingen informasjon|jeg har dessverre ikke informasjon|jeg har dessverre ingen informasjon|" +
			"jeg har ikke opplysninger|jeg finner ingen informasjon|jeg fant ingen informasjon|jeg finner ikke informasjon|" +
			"jeg kan ikke svare|jeg kan dessverre ikke svare|kildene nevner ikke|kildene inneholder ikke|" +
			"vet jeg ikke|har jeg ingen informasjon|har jeg dessverre ingen informasjon|har jeg ikke informasjon|" +
			"kan jeg ikke svare|kan jeg dessverre ikke svare|" +
			"kildene inneholder ingen|nevnes ikke i kildene",
	},
	{
		lang:      "sv",
		greetings: "hej|hej hej|hejsan|hallå|tjena|tjenare|god morgon|god middag|god eftermiddag|god kväll",
		soft:      "hur mår du|hur är läget|läget",
		address:   "alla|allihop|allihopa|igen",
		thanks: "tack|tack så mycket|tusen tack|stort tack|tack för hjälpen|tackar|hej då|hejdå|ha det bra|ha en bra dag|" +
			"ha en fin dag|trevlig helg|det var allt",
		acks:    "ok|okej|toppen|perfekt|bra|kanon|fint|ja|nej|super|uppfattat|jättebra|absolut",
		about:   "för|hjälpen|informationen|svaret|så|mycket|ska|du|ha|allt|igen|det|var|snabbt|snabba",
		talk:    "prata|tala|chatta|koppla mig|koppla|kopplas|bli kopplad|komma i kontakt|kontakta",
		want:    "vill|behöver|skulle vilja",
		persons: "person|någon|support|supporten|team|teamet|personal",
		humans: "människa|riktig person|riktig människa|verklig person|handläggare|medarbetare|agent|kundtjänst|kundservice|" +
			"rådgivare|operatör",
		glue:        "med en ett riktig riktigt verklig till hos er ert era mig från på gärna kan jag få vidare",
		verbFinal:   true,
		connectives: "och|hur är det med|hur blir det med|vad gäller|men|eller|även|också",
		function: "vad hur mycket många länge lång när vilken vilket vilka vem varför är var kan måste ska blir har jag vi " +
			"man en ett till för med av på i om från också då kostar tar varar öppnar stänger gäller fungerar gratis " +
			"möjligt tillgänglig ingår tid",
		pronouns:    "det den detta denna dessa de dem",
		determiners: "den det denna detta dessa de",
		declines: "jag vet inte|det vet jag inte|jag vet tyvärr inte|jag har ingen information|jag har tyvärr ingen information|" +
			"jag har inte information|jag har inte den informationen|jag hittar ingen information|jag hittade ingen information|" +
			"jag kan inte svara|jag kan tyvärr inte svara|källorna nämner inte|källorna innehåller inte|" +
			"vet jag inte|har jag ingen information|har jag tyvärr ingen information|har jag inte information|" +
			"kan jag inte svara|kan jag tyvärr inte svara|" +
			"källorna innehåller ingen|nämns inte i källorna",
	},
	{
		lang:      "da",
		greetings: "hej|hejsa|goddag|god morgen|godmorgen|god eftermiddag|god aften|hallo|davs",
		soft:      "hvordan går det|hvordan har du det",
		address:   "alle|allesammen|alle sammen|igen",
		thanks: "tak|mange tak|tusind tak|tak for hjælpen|tak skal du have|tak for det|farvel|hav en god dag|" +
			"hav en fortsat god dag|god weekend|det var det|det var alt",
		acks:    "ok|okay|super|perfekt|fint|godt|ja|nej|forstået|fedt|top",
		about:   "for|hjælpen|informationen|svaret|skal|du|have|så|meget|alt|igen|det|var|hurtige",
		talk:    "tale|snakke|chatte|stille mig om|stil mig om|viderestille|forbinde mig|komme i kontakt|kontakte",
		want:    "vil|ønsker|har brug for|brug|vil gerne",
		persons: "person|nogen|support|team|en af jer|personale",
		humans: "menneske|rigtig person|rigtigt menneske|virkelig person|medarbejder|sagsbehandler|agent|kundeservice|" +
			"rådgiver|operatør",
		glue:        "med et en rigtig rigtigt virkelig til fra hos jer jeres mig gerne kan jeg få videre",
		verbFinal:   true,
		connectives: "og|hvad med|også|men|eller",
		function: "hvad hvordan hvor meget mange lang længe hvornår hvilken hvilket hvilke hvem hvorfor er var kan skal " +
			"vil bliver har jeg vi i man en et til for med af på om fra også så koster tager varer åbner lukker gælder " +
			"virker gratis muligt tilgængelig inkluderet tid",
		pronouns:    "det den dette denne disse de dem",
		determiners: "den det denne dette disse de",
		declines: "jeg ved det ikke|det ved jeg ikke|jeg ved desværre ikke|jeg har ingen information|" +
			"jeg har desværre ingen information|jeg har ikke information|jeg har ikke oplysninger|jeg kan ikke finde|" +
			"jeg kunne ikke finde|jeg kan ikke svare|jeg kan desværre ikke svare|kilderne nævner ikke|" +
			"ved jeg ikke|har jeg ingen information|har jeg desværre ingen information|har jeg ikke information|" +
			"kan jeg ikke svare|kan jeg desværre ikke svare|" +
			"kilderne indeholder ikke|kilderne indeholder ingen|nævnes ikke i kilderne",
	},
	{
		lang:      "pl",
		greetings: "cześć|dzień dobry|dobry wieczór|witam|witaj|siema|hej|hejka|witam serdecznie",
		soft:      "co słychać|jak się masz|jak leci",
		address:   "wszystkim|ponownie",
		thanks: "dziękuję|dzięki|dziękuję bardzo|bardzo dziękuję|dziękuję ślicznie|serdecznie dziękuję|wielkie dzięki|" +
			"do widzenia|do zobaczenia|na razie|miłego dnia|to wszystko",
		acks:  "ok|okej|super|świetnie|dobrze|rozumiem|jasne|nie|spoko|w porządku",
		about: "za|pomoc|informacje|informację|odpowiedź|bardzo|wszystko|jeszcze|raz|serdecznie|szybką",
		talk: "porozmawiać|rozmawiać|rozmowa|rozmowę|połączyć|połącz mnie|połączenie|przekierować|przekieruj mnie|" +
			"skontaktować|kontakt|przełączyć|przełącz mnie",
		want:    "chcę|chciałbym|chciałabym|potrzebuję|proszę|poproszę",
		persons: "osoba|osobą|osoby|kimś|obsługa klienta|obsługą klienta|obsługą|biuro obsługi klienta|zespołem|zespół",
		humans: "konsultant|konsultantem|konsultanta|konsultantka|konsultantką|człowiek|człowiekiem|człowieka|pracownik|" +
			"pracownikiem|pracownika|operator|operatorem|operatora|doradca|doradcą|doradcy|agent|agentem|agenta|" +
			"prawdziwą osobą|prawdziwym człowiekiem|żywym człowiekiem|żywą osobą|żywego człowieka",
		glue:      "z ze do się prawdziwym prawdziwą prawdziwego żywym żywą żywego jakimś jakąś mnie proszę waszym waszą waszego waszej o czy mogę można na teraz",
		verbFinal: true,
		connectives: "a ile|a jak|a co|a kiedy|a gdzie|a czy|a dla|a do|a na|a w|i ile|i jak|i co|i kiedy|i gdzie|i czy|" +
			"i dla|i na|co z|a co z|ale|a jeśli|też",
		function: "ile jak jaki jaka jakie kiedy gdzie który która które kto dlaczego czy co jest są być mogę można trzeba " +
			"będzie ma mają kosztuje kosztują trwa długo otwarte zamknięte działa darmowe darmowy bezpłatne dostępne " +
			"możliwe w we na do z ze dla od o po też także się mi ja",
		pronouns:    "to ten ta te tego tej tym je go",
		determiners: "ten ta te tego tej tym",
		declines: "nie wiem|niestety nie wiem|nie mam informacji|nie mam takich informacji|nie posiadam informacji|" +
			"nie posiadam takich informacji|nie znalazłem|nie znalazłam|nie udało mi się znaleźć|nie mogę odpowiedzieć|" +
			"nie jestem w stanie odpowiedzieć|źródła nie zawierają|źródła nie wspominają|nie ma informacji na ten temat|" +
			"nie mam danych",
	},
	{
		lang: "tr",
		greetings: "merhaba|merhabalar|selam|selamlar|günaydın|iyi günler|iyi akşamlar|selamün aleyküm|selamünaleyküm|" +
			"iyi çalışmalar",
		soft:    "nasılsınız|nasılsın|naber|ne haber|kolay gelsin",
		address: "herkese|tekrar",
		thanks: "teşekkürler|teşekkür ederim|çok teşekkürler|çok teşekkür ederim|sağol|sağ ol|sağolun|sağ olun|eyvallah|" +
			"görüşürüz|hoşça kalın|hoşça kal|iyi geceler|mersi",
		acks:  "tamam|tamamdır|süper|harika|anladım|olur|evet|hayır|güzel|oldu|tabii|tabi",
		about: "yardımınız|yardımınız için|yardımın|yardım|için|bilgi|bilgiler|cevap|yanıt|çok|her|şey|size|ilginiz",
		talk: "görüşmek|görüşebilir|konuşmak|konuşabilir|bağlayın|bağlar|bağlayabilir|bağla|bağlanmak|aktarın|aktarır|" +
			"aktarabilir|ulaşmak|ulaşabilir",
		want:    "istiyorum|lazım|ihtiyacım var",
		persons: "biriyle|birine|birisiyle|destek ekibi|destek ekibiyle|destek ekibine|çalışan|çalışanla|çalışanınızla|yetkili|yetkiliyle|yetkiliye",
		humans: "temsilci|temsilciyle|temsilciye|temsilciyi|müşteri temsilcisi|müşteri temsilcisiyle|müşteri temsilcisine|" +
			"müşteri hizmetleri|müşteri hizmetleriyle|müşteri hizmetlerine|insan|insanla|insana|gerçek bir insan|" +
			"gerçek bir insanla|gerçek kişi|gerçek kişiyle|canlı destek|canlı desteğe|canlı temsilci|operatör|operatörle|operatöre",
		glue:        "bir ile gerçek canlı sizin bana beni lütfen mi mu musunuz misiniz acaba hemen",
		verbFinal:   true,
		connectives: "ve|peki|ya|ayrıca|ama|bir de",
		function: "ne nasıl kadar kaç nerede hangi kim neden niye mi mı mu mü var yok ücretsiz mümkün için ile de da " +
			"süre sürer zaman açık kapalı",
		pronouns:    "bu bunun bunu buna o onun onu ona şu şunun şunu bunlar onlar",
		determiners: "bu o şu",
		declines: "bilmiyorum|bu konuda bilgim yok|bilgim yok|bilgiye sahip değilim|bilgi bulamadım|yanıt veremiyorum|" +
			"cevap veremiyorum|yanıtlayamıyorum|cevaplayamıyorum|kaynaklarda bu konuda bilgi yok|kaynaklarda bahsedilmiyor|" +
			"kaynaklarda yer almıyor",
	},
	{
		lang: "ru",
		greetings: "привет|здравствуйте|здравствуй|добрый день|доброе утро|добрый вечер|приветствую|всем привет|" +
			"доброго дня|доброго времени суток|здрасте",
		soft:    "как дела|как ваши дела|как поживаете",
		address: "всем|ещё раз|снова",
		thanks: "спасибо|спасибо большое|большое спасибо|огромное спасибо|благодарю|спасибочки|пока|до свидания|" +
			"всего доброго|всего хорошего|хорошего дня|это всё",
		acks:  "ок|окей|хорошо|отлично|понятно|ясно|супер|да|нет|ладно|ага|поняла|понял|класс|прекрасно",
		about: "за|помощь|информацию|ответ|вам|тебе|всё|ещё|раз|быстрый|вас",
		talk: "поговорить|говорить|пообщаться|общаться|связаться|свяжите меня|соедините|соединить|переключите|переключить|" +
			"переведите|перевести|позовите|позвать|дайте",
		want:    "хочу|нужен|нужна|нужно|можно",
		persons: "кем-нибудь|кем-то|поддержкой|поддержка|поддержку|службой поддержки|служба поддержки|представителем|представитель",
		humans: "оператор|оператором|оператора|оператору|человек|человеком|человека|живой человек|живым человеком|" +
			"живого человека|сотрудник|сотрудником|сотрудника|сотруднику|менеджер|менеджером|менеджера|менеджеру|" +
			"специалист|специалистом|специалиста|специалисту|консультант|консультантом|консультанта|консультанту",
		glue:        "с со на к живым живой живого реальным настоящим вашим вашего вашему меня мне пожалуйста каким нибудь из вашей команды я могу ли",
		verbFinal:   true,
		connectives: "а|и|а что насчёт|а как насчёт|а если|тоже|но|или|ещё",
		function: "сколько как когда где какой какая какое какие кто почему зачем что ли есть можно нужно надо будет стоит " +
			"стоят длится занимает открыт открыто работает работают бесплатно бесплатный доступно возможно в во на до с " +
			"со для по от о к я мне мы тоже также ещё тогда времени долго",
		pronouns:    "это этот эта эти он она оно они его её их то тот та те",
		determiners: "этот эта эти тот та те",
		declines: "я не знаю|не знаю|у меня нет информации|у меня нет данных|у меня нет сведений|не располагаю информацией|" +
			"не могу ответить|не могу дать ответ|не удалось найти|я не нашёл|я не нашла|в источниках нет|" +
			"источники не содержат|в источниках не упоминается|не упоминается в источниках|нет информации об этом|" +
			"нет информации о том",
	},
	{
		lang:      "ar",
		greetings: "مرحبا|مرحباً|أهلا|أهلاً|أهلا وسهلا|السلام عليكم|صباح الخير|مساء الخير|هلا|سلام",
		soft:      "كيف حالك|كيف الحال",
		address:   "بكم|جميعا|مجددا",
		thanks:    "شكرا|شكرا جزيلا|شكرا لك|شكرا لكم|مشكور|ألف شكر|يعطيك العافية|جزاك الله خيرا|مع السلامة|إلى اللقاء|وداعا",
		acks:      "حسنا|تمام|ممتاز|رائع|نعم|لا|طيب|فهمت",
		about:     "جزيلا|لك|لكم|على|المساعدة|مساعدتك|كثيرا|جدا",
		talk:      "التحدث|التكلم|أتحدث|أتكلم|التواصل|أتواصل|تحويلي|حولني|وصلني|إيصالي|أكلم|الحديث",
		want:      "أريد|أود|أحتاج|أبغى|أبي",
		persons:   "شخص|شخصا|الدعم|فريق الدعم|أحد الموظفين|بشخص",
		humans: "موظف|الموظف|موظفا|بموظف|إنسان|بإنسان|شخص حقيقي|إنسان حقيقي|ممثل|بممثل|ممثل خدمة العملاء|خدمة العملاء|" +
			"بشري|مندوب|وكيل",
		glue:        "مع إلى على أحد من حقيقي لو سمحت فضلك فضلا ب أن",
		connectives: "وماذا|ماذا عن|وكم|وهل|وما|ومتى|وأين|وكيف|وبالنسبة|بالنسبة|أيضا|لكن",
		function:    "كم متى أين كيف ما ماذا هل في من إلى على عن يكلف تكلف يستغرق مجاني مجانا متاح ممكن يمكن لي هو هي",
		pronouns:    "هذا هذه ذلك تلك",
		determiners: "هذا هذه ذلك تلك",
		declines: "لا أعرف|لا أعلم|ليس لدي معلومات|ليست لدي معلومات|لا تتوفر لدي معلومات|لا توجد لدي معلومات|" +
			"لا يمكنني الإجابة|لا أستطيع الإجابة|لم أجد|لم أعثر|المصادر لا تذكر|المصادر لا تتضمن|لا تتضمن المصادر|" +
			"لم يتم ذكر|لم يرد ذكر",
	},
	{
		lang:      "zh",
		greetings: "你好|您好|嗨|哈喽|哈啰|哈罗|大家好|早上好|上午好|中午好|下午好|晚上好|早安|你好呀|您好呀|你好啊|嘿",
		soft:      "在吗|在么|在不在|有人吗|你好吗|最近好吗",
		address:   "各位|大家",
		thanks: "谢谢|谢谢你|谢谢您|谢谢啦|谢啦|谢了|多谢|多谢了|感谢|感谢您|非常感谢|太感谢了|万分感谢|辛苦了|辛苦你了|" +
			"麻烦了|麻烦你了|再见|拜拜|晚安|没有了|没别的了",
		acks:  "好的|好|嗯|嗯嗯|哦|哦哦|噢|了解|明白|明白了|知道了|没问题|行|可以|收到|太好了|好滴|好嘞|好吧",
		about: "的|帮助|帮忙|你|您|你们|了|啦|非常|太|真|很|多|啊|呀|哈|哈哈|解答|回复|耐心",
		direct: "转人工|人工客服|人工服务|找人工|要人工|接人工|人工坐席|真人客服|找真人|跟真人|和真人|要真人|真人服务|客服人员|" +
			"找客服|联系客服|转客服|客服专员|活人|找工作人员|和工作人员|跟工作人员|联系工作人员|和人聊|跟人聊|人工呢",
		humans:      "人工|真人|客服|人工客服|转人工|人工服务",
		glue:        "请 我要 要 给我 帮我 吧 啊 呢 谢谢 我想 想 找",
		connectives: "那|那么|还有|另外|而且|也|如果是|要是|再",
		pronouns:    "它 这个 那个 这些 那些 这款 那款",
		endings:     "呢",
		questions:   "多少钱|要多久|多久|什么时候|怎么样|可以吗|免费吗|贵吗|有吗|在哪里|为什么",
		declines: "我不知道|我不清楚|我没有相关信息|没有相关信息|没有找到相关信息|未找到相关信息|暂无相关信息|无法回答|" +
			"我无法回答|资料中没有|来源中没有|资料中未提及|来源中未提及|我找不到|我无法找到|没有这方面的信息|我没有这方面",
	},
	{
		lang: "ja",
		greetings: "こんにちは|こんにちわ|こんばんは|こんばんわ|おはようございます|おはよう|もしもし|はじめまして|どうも|" +
			"お世話になっております|お世話になります|お疲れ様です|お疲れさまです",
		soft:    "お元気ですか",
		address: "皆さん|皆様|みなさん|みなさま",
		thanks: "ありがとう|ありがとうございます|ありがとうございました|どうもありがとう|どうもありがとうございます|" +
			"どうもありがとうございました|助かりました|助かります|さようなら|失礼します|失礼いたします|感謝します|" +
			"感謝いたします|サンキュー",
		acks: "はい|わかりました|分かりました|了解です|了解しました|承知しました|承知いたしました|かしこまりました|なるほど|" +
			"大丈夫です|了解|オッケー|いいえ",
		about: "本当に|ほんとうに|大変|ご丁寧に|ご対応|丁寧な|ご回答|回答|いただき",
		direct: "オペレーターと|オペレーターに|オペレーターを|オペレーターさん|オペレーター対応|オペレータと|オペレータに|" +
			"担当者と|担当者に|担当者を|担当者様|担当の方|人と話|人間と話|人間に代わ|人間につな|人間に繋|人に代わ|" +
			"人に替わ|人に繋|人につな|有人対応|有人チャット|有人サポート|スタッフと話|スタッフに代わ|スタッフにつな|" +
			"スタッフに繋|人間のスタッフ|人間の担当|直接話",
		humans:      "オペレーター|オペレータ|担当者|人間|有人|スタッフ|担当の方",
		glue:        "をお願いします でお願いします にお願いします お願いします お願い ください を に と で 呼んで 出して さん",
		connectives: "それ|これ|あれ|じゃあ|じゃ|では|それで|それと|あと|また|ちなみに|なら|それなら|でも",
		pronouns:    "それ これ あれ そちら そっち こっち",
		endings:     "は|はどう|はどうですか|の場合は|も",
		questions:   "いくら|いくらですか|いつ|いつですか|どのくらい|どのくらいですか|どのくらいかかりますか|無料ですか|どうですか",
		declines: "わかりません|分かりません|わかりかねます|分かりかねます|存じません|情報がありません|情報はありません|" +
			"情報がございません|情報はございません|情報が見つかりません|情報は見つかりません|お答えできません|" +
			"お答えすることができません|回答できません|回答することができません|記載がありません|記載はありません|" +
			"資料には記載されていません|情報には記載されていません|ソースには記載されていません",
	},
}
