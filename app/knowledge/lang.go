package knowledge

import (
	"slices"
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"
)

// NormalizeLang turns a language tag ("pt-BR", "zh_Hans", "EN") into the base code the
// index uses ("pt", "zh", "en"); anything that is not a 2-3 letter code becomes "".
func NormalizeLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for _, r := range tag {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return tag
}

// scriptLangs maps scripts used by essentially one language to it; detection by script is
// exact even for a two-word question, where statistical detection guesses.
var scriptLangs = []struct {
	table *unicode.RangeTable
	lang  string
}{
	{unicode.Hangul, "ko"},
	{unicode.Thai, "th"},
	{unicode.Greek, "el"},
	{unicode.Devanagari, "hi"},
	{unicode.Hebrew, "he"},
	{unicode.Georgian, "ka"},
	{unicode.Armenian, "hy"},
	{unicode.Bengali, "bn"},
	{unicode.Tamil, "ta"},
	{unicode.Khmer, "km"},
	{unicode.Lao, "lo"},
}

// DetectLang guesses the language of text: by script where a script says it (kana means
// Japanese even among Chinese characters), else statistically, and "" when unsure.
func DetectLang(text string) string {
	counts := map[string]int{}
	letters := 0
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			counts["ja"]++
		case unicode.Is(unicode.Han, r):
			counts["han"]++
		case unicode.Is(unicode.Arabic, r):
			counts["arabic"]++
		case unicode.Is(unicode.Cyrillic, r):
			counts["cyrillic"]++
		case unicode.Is(unicode.Latin, r):
			counts["latin"]++
		default:
			for _, s := range scriptLangs {
				if unicode.Is(s.table, r) {
					counts[s.lang]++
					break
				}
			}
		}
	}
	if letters == 0 {
		return ""
	}
	best, n := "", 0
	for k, c := range counts {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	switch best {
	case "han":
		if counts["ja"] > 0 {
			return "ja"
		}
		return "zh"
	case "latin":
		if l := byFunctionWords(text); l != "" {
			return l
		}
		return statistical(text, best)
	case "arabic", "cyrillic":
		return statistical(text, best)
	}
	return best
}

// commonLangs are the languages statistical detection chooses among: the widely used
// ones, so that a short English sentence is not taken for Scots or Latin.
var commonLangs = func() map[whatlanggo.Lang]bool {
	want := map[string]bool{}
	for _, code := range strings.Fields("en es fr de pt it nl sv da nb pl cs ro hu fi tr id vi ru uk bg sr ar fa ur") {
		want[code] = true
	}
	m := map[whatlanggo.Lang]bool{}
	for l := range whatlanggo.Langs {
		if want[l.Iso6391()] {
			m[l] = true
		}
	}
	return m
}()

// functionWords are frequent short words that mark a language; for the few words of a
// customer's question they are a surer sign than letter statistics.
var functionWords = map[string][]string{
	"en": strings.Fields("the and is are you your do does what how can i my to of in it this that with for on have not who which when where why was were an as at by from has had much many"),
	"es": strings.Fields("el la los las es son usted qué cómo puedo mi para con por una del que está hay no de en y un se lo al quién cuál cuándo dónde cuánto cuánta cuántos tiene tienen"),
	"fr": strings.Fields("le la les est sont vous votre vos que comment je mon ma mes pour avec une des du il pas de et en un à qui quel quelle quels quelles où combien quand pourquoi nous"),
	"de": strings.Fields("der die das ist sind sie ihr was wie kann ich mein für mit ein eine nicht und zu den dem im auf von wer welche welcher welches wurde wann warum wo viel ihre haben"),
	"pt": strings.Fields("o os as é são você seu sua que como posso meu minha para com uma do da não em de um quem qual quanto quanta onde quando vocês"),
	"it": strings.Fields("il lo gli è sono lei suo che come posso mio mia per con una della non di quanto quanta dove quando perché avete"),
	"nl": strings.Fields("de het een is zijn u uw wat hoe kan ik mijn voor met niet van en hoeveel wanneer waar waarom jullie"),
	"nb": strings.Fields("og er jeg du det hva hvordan kan min for med ikke på til en et hvor hvorfor når hvilken dere mye lenge"),
	"sv": strings.Fields("och är jag du det vad hur kan min för med inte på till en ett var varför när vilken ni mycket länge"),
	// Danish shares most of its short words with Norwegian: only the two commonest ("er",
	// "på") and the ones it does not share, so that "Hvad er prisen?" is Danish, "Hva er
	// prisen?" Norwegian, and a question in shared words only stays Norwegian as before.
	"da": strings.Fields("er på hvad hvornår meget længe jer jeres af nogle hvilke"),
}

// byFunctionWords returns the language whose function words the text uses most, when
// it leads clearly: at least two hits and more than any other language, or in a message
// of three words or fewer ("Où est ma commande ?" is four; "Quels horaires ?"), one hit
// that no other language shares.
func byFunctionWords(text string) string {
	hits := map[string]int{}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
	for _, w := range words {
		for lang, fws := range functionWords {
			if slices.Contains(fws, w) {
				hits[lang]++
			}
		}
	}
	best, n, second := "", 0, 0
	for lang, h := range hits {
		switch {
		case h > n || h == n && lang < best:
			best, second, n = lang, max(n, second), h
		case h > second:
			second = h
		}
	}
	if n > second && (n >= 2 || len(words) <= 3 && second == 0) {
		return best
	}
	return ""
}

// statistical asks whatlanggo, trusting it only when it is confident and the text long
// enough for letter statistics; for Arabic and Cyrillic script it falls back to the most
// common language of the script.
func statistical(text, script string) string {
	info := whatlanggo.DetectWithOptions(text, whatlanggo.Options{Whitelist: commonLangs})
	code := info.Lang.Iso6391()
	if info.Confidence >= 0.5 && code != "" && letterCount(text) >= guessFrom {
		return code
	}
	switch script {
	case "arabic":
		return "ar"
	case "cyrillic":
		return "ru"
	}
	return ""
}

// guessFrom is how many letters a text needs before letter statistics are trusted:
// below, they pick "vi" for "Thanks", "tr" for "Hola" and "id" for "Bedankt".
const guessFrom = 15

func letterCount(text string) int {
	n := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// GuessLang is DetectLang that gives up less easily on a text in Latin, Arabic or
// Cyrillic script: when unsure it returns the statistically likeliest common language,
// which beats a default when nothing else (a browser's language, earlier messages) says
// more. A text too short for statistics still gets "".
func GuessLang(text string) string {
	if l := DetectLang(text); l != "" {
		return l
	}
	if letterCount(text) < guessFrom {
		return ""
	}
	return whatlanggo.DetectWithOptions(text, whatlanggo.Options{Whitelist: commonLangs}).Lang.Iso6391()
}
