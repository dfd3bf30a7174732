package knowledge

// ContentTerms is the set of what a text is about as the search analyses it: the stem of
// each word that is not a common question or function word (common.go), and the
// character pairs of scripts written without spaces, folded as the index folds them.
// Code outside the index that matches a passage against a question (the extractive
// answer) uses it, so that it agrees with the search on what the question asks about.
func ContentTerms(text string) map[string]bool {
	a := analyze(text)
	set := make(map[string]bool, len(a.words))
	for _, w := range a.words {
		if commonWords[fold(w)] {
			continue
		}
		r := []rune(w)
		if isUnspaced(r[0]) {
			set[w] = true
			continue
		}
		set[fold(stem(r))] = true
	}
	return set
}
