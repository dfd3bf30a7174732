package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"agent/app/report"
)

// reportWorld is an inbox world after a day of traffic, settled as of 73 hours later: a
// question the AI answered from the knowledge, a visitor who asked for a person, and a
// question a person answered after the AI.
func reportWorld(t *testing.T) (*inboxWorld, string) {
	t.Helper()
	w := newInboxWorld(t)
	w.visit(t, w.chat, giftQuestion)
	w.visit(t, w.chat, "can I talk to a human")
	c := w.visit(t, w.chat, giftQuestion)
	if _, err := w.service.HumanReply(w.ctx, w.wsID, c.ID, w.owner, "And they never expire."); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(73 * time.Hour)
	if n, err := report.New(w.db, func() time.Time { return later }).Settle(w.ctx); err != nil || n != 3 {
		t.Fatalf("settled %d (%v), want 3", n, err)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	return w, "from=" + today + "&to=" + today
}

// testid reads the text of the element with data-testid id in a page.
func testid(body, id string) string {
	m := regexp.MustCompile(`data-testid="` + id + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

func TestReportPageJSONAndCSVAgree(t *testing.T) {
	w, q := reportWorld(t)
	page := w.b.get(w.path("reports?" + q))
	if page.status != http.StatusOK {
		t.Fatalf("report page = %d", page.status)
	}
	res := w.b.get(w.path("reports/figures.json?" + q))
	var fig report.Figures
	if err := json.Unmarshal([]byte(res.body), &fig); res.status != http.StatusOK || err != nil {
		t.Fatalf("figures.json = %d %v", res.status, err)
	}
	tot := fig.Total
	if tot.Conversations != 3 || tot.Handled != 3 || tot.Resolved != 1 || tot.HandedOff != 2 {
		t.Fatalf("totals = %+v", tot.Counts)
	}
	for id, want := range map[string]string{
		"total-conversations": "3", "total-handled": "3", "total-resolved": "1", "total-handoffs": "2",
		"total-resolution-rate": "33 %", "impact-handled": "3", "impact-resolved": "1", "impact-deflection": "33 %",
		"seller-response": "100 %", "seller-assistant": "1", "seller-satisfaction": "—", "impact-helpful": "—",
	} {
		if got := testid(page.body, id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	causes := map[string]int64{}
	for _, c := range fig.Causes {
		causes[c.Name] = c.Count
	}
	if causes["visitor_asked"] != 1 || causes[report.CauseHumanReplied] != 1 {
		t.Errorf("causes = %v", fig.Causes)
	}
	for _, c := range []string{"handled", "channels", "feedback", "handling-rate", "resolved", "resolution-rate", "handoffs", "handoff-rate"} {
		if !strings.Contains(page.body, `data-testid="chart-`+c+`"`) || !strings.Contains(page.body, `data-testid="numbers-`+c+`"`) {
			t.Errorf("chart %s or its table of numbers is missing", c)
		}
	}
	csv := w.b.get(w.path("reports/weeks.csv?" + q))
	lines := strings.Split(strings.TrimSpace(csv.body), "\n")
	if csv.status != http.StatusOK || len(lines) != 2 || !strings.HasPrefix(lines[0], "week,incomplete,conversations,handled,resolved") ||
		!strings.Contains(lines[1], ",3,3,1,2,") {
		t.Fatalf("weeks.csv = %d %q", csv.status, csv.body)
	}
	if res := w.b.get(w.path("reports/causes.csv?" + q)); !strings.Contains(res.body, "visitor_asked,1") {
		t.Errorf("causes.csv = %q", res.body)
	}

	// Filters: another channel has nothing; bad filters are refused.
	if res := w.b.get(w.path("reports/figures.json?channel=email&" + q)); !strings.Contains(res.body, `"conversations": 0`) {
		t.Errorf("email only: %s", res.body)
	}
	for _, bad := range []string{"from=yesterday", "channel=fax", "agent=!!", "from=2026-03-02&to=2026-03-01", "from=2020-01-01&to=2026-01-01"} {
		if res := w.b.get(w.path("reports/figures.json?" + bad)); res.status != http.StatusBadRequest {
			t.Errorf("%s = %d, want 400", bad, res.status)
		}
	}
}

func TestUsagePageAndJSON(t *testing.T) {
	w, _ := reportWorld(t)
	month := time.Now().UTC().Format("2006-01")
	page := w.b.get(w.path("reports/usage"))
	if page.status != http.StatusOK || !strings.Contains(page.body, `data-month="`+month+`"`) {
		t.Fatalf("usage page = %d", page.status)
	}
	var months []report.Month
	res := w.b.get(w.path("reports/usage.json"))
	if err := json.Unmarshal([]byte(res.body), &months); err != nil || len(months) != 1 || months[0] != (report.Month{Month: month, Billable: 3}) {
		t.Fatalf("usage.json = %s (%v)", res.body, err)
	}
	if res := w.b.get(w.path("reports/usage.csv")); !strings.Contains(res.body, month+",3") {
		t.Errorf("usage.csv = %q", res.body)
	}
}

func TestTimeZoneSetting(t *testing.T) {
	w, _ := reportWorld(t)
	if res := w.b.post(w.path("settings/time-zone"), url.Values{"time_zone": {"Mars/Olympus"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "is not a time zone") {
		t.Fatalf("unknown zone = %d", res.status)
	}
	if res := w.b.post(w.path("settings/time-zone"), url.Values{"time_zone": {"Pacific/Kiritimati"}}); res.status != http.StatusOK ||
		!strings.Contains(res.body, `value="Pacific/Kiritimati"`) {
		t.Fatalf("save = %d", res.status)
	}
	res := w.b.get(w.path("reports/figures.json"))
	var fig report.Figures
	if err := json.Unmarshal([]byte(res.body), &fig); err != nil || fig.TimeZone != "Pacific/Kiritimati" || fig.Total.Handled != 3 {
		t.Fatalf("figures after the change: %s (%v)", res.body, err)
	}
}
