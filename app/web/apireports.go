package web

import (
	"time"

	"agent/app/report"
)

// apiFigures are the performance report's figures, as the Reports page's JSON has them.
type apiFigures = report.Figures

type apiUsage struct {
	Months []report.Month `json:"months"`
}

func (s *Server) apiPerformance(c *apiCall) (any, error) {
	_, f, err := s.reportFilter(c.r.Context(), c.ws(), c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	return report.Report(c.r.Context(), s.db, f, time.Now())
}

func (s *Server) apiUsage(c *apiCall) (any, error) {
	months, err := report.Usage(c.r.Context(), s.db, c.ws())
	if months == nil {
		months = []report.Month{}
	}
	return apiUsage{Months: months}, err
}
