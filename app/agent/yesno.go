package agent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The words that answer "Did this answer your question?" in the phrases' languages
// (lower case), as customers write them in a reply.
var (
	yesWords = []string{"yes", "yep", "yeah", "y", "sí", "si", "oui", "ja", "sim", "sì", "tak", "evet", "да", "نعم",
		"是", "是的", "对", "解决了", "已解决", "はい"}
	noWords = []string{"no", "nope", "n", "non", "nein", "não", "nao", "nee", "nei", "nej", "nie", "hayır", "hayir", "нет",
		"لا", "否", "不", "不是", "没有", "未解决", "没解决", "いいえ"}
)

// YesNo reads a customer's reply to "Did this answer your question? Reply YES, or NO
// and tell us why": ok when it is a yes (alone, or with thanks) or a no, and then rest is
// what follows the no (their reason). "Yes, but where is my parcel?" is no answer: it is
// a new question.
func YesNo(text string) (yes bool, rest string, ok bool) {
	t := strings.TrimSpace(text)
	if after, found := leadingWord(t, yesWords); found {
		if r := trimAnswer(after); r == "" || isThanks(r) {
			return true, "", true
		}
		return false, "", false
	}
	if after, found := leadingWord(t, noWords); found {
		return false, trimAnswer(after), true
	}
	return false, "", false
}

// leadingWord finds the longest word of words that t starts with (case aside), followed by
// the end or something that is not a letter or digit.
func leadingWord(t string, words []string) (string, bool) {
	lower := strings.ToLower(t)
	best := ""
	for _, w := range words {
		if len(w) <= len(best) || !strings.HasPrefix(lower, w) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(lower[len(w):]); len(lower) > len(w) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		best = w
	}
	if best == "" {
		return "", false
	}
	return t[len(best):], true
}

// trimAnswer drops the spaces and punctuation around what follows yes or no.
func trimAnswer(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
}

func isThanks(s string) bool {
	in, _ := Understand(s)
	return in == IntentThanks
}
