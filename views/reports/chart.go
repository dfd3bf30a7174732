package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Chart is one server-rendered chart: bars or lines over labelled points, drawn as SVG
// and given as a table of its numbers for screen readers (and anyone who wants them).
type Chart struct {
	ID      string // names its JSON and CSV, and its data-testid
	Title   string
	Lines   bool // lines instead of bars
	Percent bool // values are ratios shown as percentages
	Labels  []string
	Series  []Series
}

// Series is one named row of values, one per label.
type Series struct {
	Name   string
	Values []float64
}

// Geometry of the SVG, in its own units.
const (
	chartW, chartH   = 640, 220
	padL, padR, padT = 44, 8, 10
	padB             = 34
)

// Bar is one drawn bar; Point one point of a line.
type Bar struct {
	X, Y, W, H float64
	Series     int
	Title      string
}

// Tick is a labelled position on an axis.
type Tick struct {
	X, Y  float64
	Label string
}

// Drawn is a chart laid out for its SVG.
type Drawn struct {
	Bars   []Bar
	Lines  []string // SVG points of each series
	Dots   []Bar    // each line's points, for their titles
	YTicks []Tick
	XTicks []Tick
	Legend []string
}

// Draw lays c out.
func (c Chart) Draw() Drawn {
	var d Drawn
	top := 0.0
	for _, s := range c.Series {
		d.Legend = append(d.Legend, s.Name)
		for _, v := range s.Values {
			top = math.Max(top, v)
		}
	}
	top = niceTop(top, c.Percent)
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	y := func(v float64) float64 { return padT + plotH - v/top*plotH }
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		d.YTicks = append(d.YTicks, Tick{X: padL - 6, Y: y(v), Label: c.Format(v)})
	}
	n := len(c.Labels)
	if n == 0 {
		return d
	}
	slot := plotW / float64(n)
	every := int(math.Ceil(float64(n) / 10)) // at most ten labels under the axis
	for i, l := range c.Labels {
		if i%every == 0 {
			d.XTicks = append(d.XTicks, Tick{X: padL + slot*(float64(i)+0.5), Y: chartH - padB + 16, Label: l})
		}
	}
	if c.Lines {
		for si, s := range c.Series {
			var pts []string
			for i, v := range s.Values {
				x := padL + slot*(float64(i)+0.5)
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y(v)))
				d.Dots = append(d.Dots, Bar{X: x, Y: y(v), Series: si, Title: c.Labels[i] + " · " + s.Name + ": " + c.Format(v)})
			}
			d.Lines = append(d.Lines, strings.Join(pts, " "))
		}
		return d
	}
	w := slot * 0.7 / float64(max(1, len(c.Series)))
	for si, s := range c.Series {
		for i, v := range s.Values {
			h := v / top * plotH
			d.Bars = append(d.Bars, Bar{X: padL + slot*float64(i) + slot*0.15 + w*float64(si), Y: padT + plotH - h, W: w, H: h, Series: si,
				Title: c.Labels[i] + " · " + s.Name + ": " + c.Format(v)})
		}
	}
	return d
}

// niceTop is the top of the y axis: 100 % for ratios, else four whole steps of 1, 2, 3 or
// 5 times a power of ten that reach top.
func niceTop(top float64, percent bool) float64 {
	if percent {
		return 1
	}
	if top <= 4 {
		return 4
	}
	raw := top / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 3, 5} {
		if m*mag >= raw {
			return 4 * m * mag
		}
	}
	return 40 * mag
}

// Format writes a value of c as the page shows it.
func (c Chart) Format(v float64) string {
	if c.Percent {
		return Percent(v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Percent writes a ratio as a whole percentage.
func Percent(v float64) string { return strconv.Itoa(int(math.Round(v*100))) + " %" }

// ViewBox is the SVG's viewBox.
func ViewBox() string { return fmt.Sprintf("0 0 %d %d", chartW, chartH) }

// Axis is the x axis line's y.
func Axis() float64 { return chartH - padB }

// Num writes an SVG coordinate.
func Num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
