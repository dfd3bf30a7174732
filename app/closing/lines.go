package closing

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// namedLines finds the line items a folded message names: named are the lines it names
// without doubt, choices the lines one of its words could mean alike ("the gloves" of a
// quote with "Winter gloves" and "Summer gloves"), for the buyer to choose from: a line
// is never guessed. A line is named by its whole name, each word as written or inflected
// ("shelf units", "Pro licences"); else by a word of its name (four letters or more) no
// other line's name has; else, the same way, by a word of its description, where the
// seller may write the names buyers use ("Casque route" for a "Road helmet").
func namedLines(msg string, lines []Line) (named, choices []int) {
	words := strings.Fields(msg)
	used := make([]bool, len(words))
	isNamed := make([]bool, len(lines))
	for i, l := range lines {
		name := fold(l.Name)
		if unspaced(name) {
			isNamed[i] = name != "" && strings.Contains(msg, name)
			continue
		}
		if at := findName(words, strings.Fields(name)); at >= 0 {
			isNamed[i] = true
			for k := range strings.Fields(name) {
				used[at+k] = true
			}
		}
	}
	inChoices := make([]bool, len(lines))
	for _, text := range []func(Line) string{func(l Line) string { return l.Name }, func(l Line) string { return l.Description }} {
		for p, w := range words {
			if used[p] || utf8.RuneCountInString(w) < 4 || cueWords[w] || stopWordSet[w] || lineStopWord[w] {
				continue
			}
			var hits []int
			for i, l := range lines {
				for _, t := range strings.Fields(fold(text(l))) {
					if utf8.RuneCountInString(t) >= 4 && !lineStopWord[t] && sameWord(w, t) {
						hits = append(hits, i)
						break
					}
				}
			}
			if len(hits) == 0 {
				continue
			}
			used[p] = true
			switch {
			case len(hits) == 1:
				isNamed[hits[0]] = true
			case !slices.ContainsFunc(hits, func(i int) bool { return isNamed[i] }):
				for _, i := range hits {
					inChoices[i] = true
				}
			}
		}
		if slices.Contains(isNamed, true) || slices.Contains(inChoices, true) {
			break // a line's name said it: its description is not read
		}
	}
	for i := range lines {
		if isNamed[i] {
			named = append(named, i)
		} else if inChoices[i] {
			choices = append(choices, i)
		}
	}
	if len(choices) > 0 {
		return nil, choices
	}
	return named, nil
}

// findName returns where the words of a name start in words, each word as written or
// inflected (a word of under four letters as written: "pro"), or -1.
func findName(words, name []string) int {
	if len(name) == 0 {
		return -1
	}
next:
	for at := 0; at+len(name) <= len(words); at++ {
		for k, n := range name {
			w := words[at+k]
			if w != n && (utf8.RuneCountInString(n) < 4 || !sameWord(w, n)) {
				continue next
			}
		}
		return at
	}
	return -1
}

// sameWord reports whether a and b are one word, inflected or not: one is the other with
// up to three more letters ("casque", "casques"; "unit", "units"), or they share their
// first five letters and differ in at most three more each ("licence", "licencias").
// Five letters, as the knowledge's stems: fewer would take "machine" for "machen".
func sameWord(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	common := 0
	for common < len(ra) && ra[common] == rb[common] {
		common++
	}
	restA, restB := len(ra)-common, len(rb)-common
	if restB > 3 {
		return false
	}
	return restA == 0 && len(ra) >= 4 || common >= 5 && restA <= 3
}

// lineLabel is how a choice of lines names line i: its name, and its place in the quote
// when another line has the same name.
func lineLabel(lines []Line, i int) string {
	for j, l := range lines {
		if j != i && fold(l.Name) == fold(lines[i].Name) {
			return lines[i].Name + " (" + strconv.Itoa(i+1) + ")"
		}
	}
	return lines[i].Name
}

// cueWords are the words of the cues: they ask what is wanted, and never name a line
// ("price" in a line described as "Price per seat").
var cueWords = func() map[string]bool {
	set := map[string]bool{}
	for _, c := range allCues {
		for _, w := range strings.Fields(c.text) {
			set[w] = true
		}
	}
	return set
}()
