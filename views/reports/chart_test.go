package reports

import (
	"strings"
	"testing"

	"agent/app/report"
)

func TestChartDraw(t *testing.T) {
	bars := Chart{Labels: []string{"a", "b"}, Series: []Series{{Name: "Handled", Values: []float64{10, 5}}}}.Draw()
	if len(bars.Bars) != 2 || bars.YTicks[4].Label != "12" || bars.Bars[0].H != 2*bars.Bars[1].H || bars.Bars[0].Y+bars.Bars[0].H != Axis() {
		t.Fatalf("bars = %+v, ticks %+v", bars.Bars, bars.YTicks)
	}
	rate := Chart{Percent: true, Lines: true, Labels: []string{"a", "b"}, Series: []Series{{Name: "Rate", Values: []float64{0.5, 0.25}}}}.Draw()
	if len(rate.Lines) != 1 || len(rate.Dots) != 2 || rate.YTicks[4].Label != "100 %" || !strings.HasSuffix(rate.Dots[0].Title, "Rate: 50 %") {
		t.Fatalf("lines = %+v, dots %+v, ticks %+v", rate.Lines, rate.Dots, rate.YTicks)
	}
	for top, want := range map[float64]float64{0: 4, 3: 4, 5: 8, 9: 12, 21: 40, 99: 120, 1234: 2000} {
		if got := niceTop(top, false); got != want {
			t.Errorf("niceTop(%v) = %v, want %v", top, got, want)
		}
	}
	if empty := (Chart{}).Draw(); len(empty.Bars) != 0 || len(empty.YTicks) != 5 {
		t.Fatalf("an empty chart: %+v", empty)
	}
}

func TestChartsHaveAValuePerWeek(t *testing.T) {
	f := report.Figures{Weeks: []report.Week{{Start: "2026-03-02"}, {Start: "2026-03-09", Incomplete: true}},
		Channels: []report.Count{{Name: "chat", Count: 3}}}
	f.Weeks[0].Handled, f.Weeks[0].Feedback = 4, map[string]int64{"helpful": 2}
	for _, c := range Charts(f) {
		for _, s := range c.Series {
			if len(s.Values) != len(c.Labels) {
				t.Errorf("%s/%s: %d values for %d labels", c.ID, s.Name, len(s.Values), len(c.Labels))
			}
		}
	}
	cs := Charts(f)
	if cs[0].Labels[1] != "2026-03-09 (incomplete)" || cs[0].Series[0].Values[0] != 4 || cs[2].Series[0].Values[0] != 2 || cs[1].Labels[0] != "chat" {
		t.Fatalf("charts = %+v", cs[:3])
	}
}
