package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The index holds two token streams per text, built here in Go before SQLite's unicode61
// tokenizer (which folds case and accents) splits them on spaces:
//
//   - words: whole words; for scripts written without spaces (Chinese, Japanese, Thai,
//     Lao, Khmer, Myanmar) overlapping character bigrams, which match words of any
//     length without a dictionary;
//   - stems: a light, language-independent stem of each word (cut to stemLen letters,
//     after Arabic's joined prefixes and suffixes). This lets "reservations" find
//     "reserve" and Russian or Turkish inflections find each other, at a lower weight
//     than exact words;
//   - chars: for unspaced scripts, single characters, indexed (in the stems column) so
//     that a one-character query finds something; queries with bigrams leave them out,
//     since single characters match nearly every text and make the search slow.
//
// Queries go through the same analysis, so both sides always agree.

// stemLen is where words are cut for the stem stream: long enough to keep distinct words
// apart, short enough to join the inflections of European languages.
const stemLen = 5

// analysis is the token streams of one text.
type analysis struct {
	words []string
	stems []string
	chars []string
}

// isUnspaced reports whether r belongs to a script written without spaces between words.
func isUnspaced(r rune) bool {
	if r < 0x0E00 { // below Thai: Latin, Greek, Cyrillic, Arabic, Devanagari...
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) ||
		r == 'ー' // the katakana length mark is Common, but belongs inside words
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// analyze splits text into the word and stem token streams.
func analyze(text string) analysis {
	text = norm.NFKC.String(text)
	var a analysis
	var word []rune
	flush := func() {
		if len(word) > 0 {
			a.addWord(word)
			word = word[:0]
		}
	}
	for _, r := range text {
		if !isWordRune(r) && r != 'ـ' {
			flush()
			continue
		}
		// A change between spaced and unspaced scripts ends a word ("iPhone15の価格").
		if len(word) > 0 && isUnspaced(word[len(word)-1]) != isUnspaced(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) {
			flush()
		}
		if r, keep := arabicFold(r); keep {
			word = append(word, unicode.ToLower(r))
		}
	}
	flush()
	return a
}

func (a *analysis) addWord(w []rune) {
	if isUnspaced(w[0]) {
		a.addUnspaced(w)
		return
	}
	s := string(w)
	a.words = append(a.words, s)
	a.stems = append(a.stems, stem(w))
}

// addUnspaced emits bigrams of grapheme clusters (a base character with its combining
// marks, which matters for Thai) as words and single clusters as stems.
func (a *analysis) addUnspaced(w []rune) {
	var clusters []string
	start := 0
	for i := 1; i <= len(w); i++ {
		if i == len(w) || !(unicode.Is(unicode.Mn, w[i]) || unicode.Is(unicode.Mc, w[i])) {
			clusters = append(clusters, string(w[start:i]))
			start = i
		}
	}
	if len(clusters) == 1 {
		a.words = append(a.words, clusters[0])
		a.stems = append(a.stems, clusters[0])
		return
	}
	for i := 0; i+1 < len(clusters); i++ {
		a.words = append(a.words, clusters[i]+clusters[i+1])
	}
	a.chars = append(a.chars, clusters...)
}

// arabicPrefixes are the article and the one-letter conjunctions and prepositions written
// joined to the next word, longest first.
var arabicPrefixes = []string{"وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف", "ك"}

// arabicStemLen is shorter than stemLen: Arabic words are built on three-letter roots
// and written without short vowels, so four letters already tell words apart.
const arabicStemLen = 4

// stem cuts a word to stemLen letters, after dropping the prefixes Arabic joins to words;
// numbers are kept whole.
func stem(w []rune) string {
	if unicode.IsDigit(w[0]) {
		return string(w)
	}
	n := stemLen
	if unicode.Is(unicode.Arabic, w[0]) {
		n = arabicStemLen
		s := string(w)
		for _, p := range arabicPrefixes {
			if rest := strings.TrimPrefix(s, p); rest != s && utf8.RuneCountInString(rest) >= 3 {
				w = []rune(rest)
				break
			}
		}
	}
	if len(w) > n {
		w = w[:n]
	}
	return string(w)
}

// arabicFold maps the letter variants Arabic writers use interchangeably to one form and
// drops short vowels and the elongation mark, so spelling habits do not split words.
func arabicFold(r rune) (rune, bool) {
	switch {
	case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
		return 'ا', true
	case r == 'ى':
		return 'ي', true
	case r == 'ة':
		return 'ه', true
	case r == 'ـ' || (r >= 0x064B && r <= 0x065F) || r == 0x0670:
		return 0, false
	}
	return r, true
}

// fold maps a token to the form SQLite's unicode61 tokenizer stores (remove_diacritics 2
// strips the accents of Latin letters only), for looking tokens up in the vocabulary.
func fold(t string) string {
	ascii := true
	for i := 0; i < len(t); i++ {
		if t[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return t
	}
	var b strings.Builder
	var prevLatin bool
	for _, r := range norm.NFD.String(t) {
		if unicode.Is(unicode.Mn, r) && prevLatin {
			continue
		}
		prevLatin = unicode.Is(unicode.Latin, r)
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}
