package web

import (
	"net/http"

	"agent/views/sections"
)

// sectionTexts say what each section of the admin will hold, until it does.
var sectionTexts = map[string][2]string{
	"reports": {"Reports", "How well each AI agent does will be reported here: conversations handled, resolution and handoff rates, visitor feedback, usage, and the questions it could not answer."},
}

// section renders the page of a main section.
func (s *Server) section(key string) http.HandlerFunc {
	text := sectionTexts[key]
	return func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusOK, sections.Placeholder(s.page(w, r, text[0], key), text[0], text[1]))
	}
}
