package agent

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"agent/app/knowledge"
)

var (
	// A citation with the spaces before it, which go when the citation does.
	citeRe = regexp.MustCompile(`[ \t]*\[(\d+(?:\s*,\s*\d+)*)\]`)
	linkRe = regexp.MustCompile(`(?i)\bhttps?://[^\s<>()\[\]"'` + "`" + `]+|\bwww\.[^\s<>()\[\]"'` + "`" + `]+`)
)

// check vets a model's reply against the sources it was given. It returns the reply with
// citations of sources that do not exist removed, the numbers of the sources it cites, and
// a reason when it must not be sent: the model found no answer, cited no given source, or
// wrote a link that is in no source.
func check(reply string, evidence []knowledge.Result) (string, []int, Reason) {
	reply = strings.TrimSpace(reply)
	if reply == "" || Declines(reply) {
		return "", nil, ReasonDeclined
	}
	cited := map[int]bool{}
	text := citeRe.ReplaceAllStringFunc(reply, func(m string) string {
		var keep []string
		lead := m[:strings.IndexByte(m, '[')]
		for _, part := range strings.Split(strings.Trim(m[len(lead):], "[]"), ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err == nil && n >= 1 && n <= len(evidence) {
				cited[n] = true
				keep = append(keep, strconv.Itoa(n))
			}
		}
		if len(keep) == 0 {
			return ""
		}
		return lead + "[" + strings.Join(keep, ", ") + "]"
	})
	if len(cited) == 0 {
		return "", nil, ReasonUncited
	}
	for _, link := range linkRe.FindAllString(text, -1) {
		if !fromSources(strings.TrimRight(link, ".,;:!?"), evidence) {
			return "", nil, ReasonLink
		}
	}
	ns := make([]int, 0, len(cited))
	for n := range cited {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return strings.TrimSpace(text), ns, ""
}

// fromSources reports whether link is a source's URL (with any anchor) or appears in a
// source's text; another page of the same site is not enough, since the model may invent it.
func fromSources(link string, evidence []knowledge.Result) bool {
	bare := func(u string) string {
		u = strings.ToLower(u)
		for _, p := range []string{"https://", "http://", "www."} {
			u = strings.TrimPrefix(u, p)
		}
		return strings.TrimRight(u, "/")
	}
	l := bare(link)
	for _, r := range evidence {
		if u := bare(r.Source.URL); u != "" && (l == u || strings.HasPrefix(l, u+"#")) {
			return true
		}
		if strings.Contains(strings.ToLower(r.Text), l) {
			return true
		}
	}
	return false
}
