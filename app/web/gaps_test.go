package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/ids"
	"agent/app/inbox"
)

var gapTopicRow = regexp.MustCompile(`data-testid="gap-topic" data-id="([^"]+)"`)

// gapWorld is an inbox world where customers asked about kayaks twice and about bike
// insurance once, questions the knowledge does not answer.
func gapWorld(t *testing.T) (*inboxWorld, []inbox.Conversation) {
	t.Helper()
	w := newInboxWorld(t)
	var cs []inbox.Conversation
	for _, q := range []string{"Do you rent kayaks?", "Can I rent a kayak for the weekend?", "Is the bike insurance included?"} {
		cs = append(cs, w.visit(t, w.chat, q))
	}
	return w, cs
}

// The gaps page lists the topics, most asked first, as does gaps.json; a topic shows its
// questions with their conversations; create and resolve writes a short answer with the
// topic's questions as phrasings and says how many the agent now answers.
func TestGapsPages(t *testing.T) {
	w, cs := gapWorld(t)
	page := w.b.get(w.path("reports/gaps"))
	if page.status != http.StatusOK {
		t.Fatalf("gaps page = %d", page.status)
	}
	rows := gapTopicRow.FindAllStringSubmatch(page.body, -1)
	if len(rows) != 2 || !strings.Contains(page.body, ">Do you rent kayaks?</a>") || !strings.Contains(page.body, `data-testid="gaps-link"`) {
		t.Fatalf("topics listed: %v\n%s", rows, page.body)
	}
	if testid(page.body, "gap-count") != "2" {
		t.Errorf("first topic count = %q, want 2", testid(page.body, "gap-count"))
	}
	res := w.b.get(w.path("reports/gaps.json"))
	var list struct {
		Total  int `json:"total"`
		Topics []struct {
			ID        string `json:"id"`
			Title     string `json:"title"`
			Questions int    `json:"questions"`
		} `json:"topics"`
	}
	if err := json.Unmarshal([]byte(res.body), &list); err != nil || list.Total != 2 || list.Topics[0].ID != rows[0][1] || list.Topics[0].Questions != 2 {
		t.Fatalf("gaps.json = %s (%v)", res.body, err)
	}

	topic := w.path("reports/gaps/" + rows[0][1])
	tp := w.b.get(topic)
	if tp.status != http.StatusOK || strings.Count(tp.body, `data-testid="gap-question"`) != 2 ||
		!strings.Contains(tp.body, `href="`+w.convPath(cs[0], "")+`"`) || !strings.Contains(tp.body, `href="`+w.convPath(cs[1], "")+`"`) ||
		!strings.Contains(tp.body, `name="question" type="text" value="Do you rent kayaks?"`) {
		t.Fatalf("topic page = %d\n%s", tp.status, tp.body)
	}
	// An answer is needed; the topic stays open.
	if res := w.b.post(topic+"/resolve", url.Values{"question": {"Do you rent kayaks?"}, "answer": {" "}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, `id="e-answer"`) {
		t.Fatalf("resolve without an answer = %d", res.status)
	}
	res = w.b.post(topic+"/resolve", url.Values{"question": {"Can I rent a kayak?"}, "answer": {"Yes: 300 NOK a day."}})
	if res.status != http.StatusOK || res.url != topic || !strings.Contains(res.body, "the agent would now answer 2 of its 2 questions") ||
		!strings.Contains(res.body, `data-testid="gap-resolved"`) {
		t.Fatalf("resolve = %d at %s\n%s", res.status, res.url, res.body)
	}
	var variants string
	if err := w.db.Read.QueryRow("SELECT variants FROM sources WHERE workspace_id = ? AND kind = 'short_answer' AND question = ?",
		w.wsID, "Can I rent a kayak?").Scan(&variants); err != nil || !strings.Contains(variants, "Do you rent kayaks?") ||
		!strings.Contains(variants, "Can I rent a kayak for the weekend?") {
		t.Errorf("the short answer's phrasings: %q (%v)", variants, err)
	}
	if page := w.b.get(w.path("reports/gaps")); len(gapTopicRow.FindAllStringSubmatch(page.body, -1)) != 1 {
		t.Error("the resolved topic is still listed as open")
	}
	if page := w.b.get(w.path("reports/gaps?status=resolved")); !strings.Contains(page.body, rows[0][1]) {
		t.Error("the resolved topic is not listed as resolved")
	}
	if res := w.b.get(w.path("reports/gaps?status=sideways")); res.status != http.StatusBadRequest {
		t.Errorf("unknown status = %d", res.status)
	}
}

// Dismissing a question or a topic takes it off the list; a dismissed topic can be
// restored.
func TestGapsDismiss(t *testing.T) {
	w, _ := gapWorld(t)
	rows := gapTopicRow.FindAllStringSubmatch(w.b.get(w.path("reports/gaps")).body, -1)
	kayaks, insurance := w.path("reports/gaps/"+rows[0][1]), w.path("reports/gaps/"+rows[1][1])
	q := regexp.MustCompile(`data-testid="gap-question" data-id="([^"]+)"`).FindStringSubmatch(w.b.get(kayaks).body)
	if res := w.b.post(kayaks+"/questions/"+q[1]+"/dismiss", url.Values{}); res.status != http.StatusOK || strings.Count(res.body, `data-testid="gap-question"`) != 1 {
		t.Fatalf("dismiss a question = %d\n%s", res.status, res.body)
	}
	// The question's id under another topic is not found.
	if res := w.b.post(insurance+"/questions/"+q[1]+"/dismiss", url.Values{}); res.status != http.StatusNotFound {
		t.Errorf("dismiss through another topic = %d", res.status)
	}
	if res := w.b.post(insurance+"/dismiss", url.Values{}); res.status != http.StatusOK || strings.Contains(res.body, rows[1][1]) {
		t.Fatalf("dismiss a topic = %d at %s", res.status, res.url)
	}
	if page := w.b.get(w.path("reports/gaps?status=dismissed")); !strings.Contains(page.body, rows[1][1]) {
		t.Error("the dismissed topic is not listed as dismissed")
	}
	// The same question again does not bring it back.
	w.visit(t, w.chat, "Is the bike insurance included?")
	if page := w.b.get(w.path("reports/gaps")); strings.Contains(page.body, rows[1][1]) {
		t.Error("a dismissed topic came back")
	}
	if res := w.b.post(insurance+"/restore", url.Values{}); res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="gap-resolve-form"`) ||
		strings.Count(res.body, `data-testid="gap-question"`) != 2 {
		t.Fatalf("restore = %d\n%s", res.status, res.body)
	}
}

// Knowledge gaps need the agent-editor permission: an agent without it is refused, one
// with it sees them (from the Reports link, though not the report); and a topic of one
// workspace is not found under another, by a member of both.
func TestGapsPermissionAndWorkspace(t *testing.T) {
	w, _ := gapWorld(t)
	rows := gapTopicRow.FindAllStringSubmatch(w.b.get(w.path("reports/gaps")).body, -1)
	topic := "reports/gaps/" + rows[0][1]
	for _, editor := range []bool{false, true} {
		email := "ann@example.com"
		if editor {
			email = "eve@example.com"
		}
		if _, _, err := w.accounts.AddMember(w.ctx, w.wsID, account.NewUser{Email: email, Name: "Agent", Password: "long password"}, account.RoleAgent, editor); err != nil {
			t.Fatal(err)
		}
		b := w.browser()
		if res := b.login(email, "long password"); res.status != http.StatusOK {
			t.Fatalf("login: %d", res.status)
		}
		want := http.StatusForbidden
		if editor {
			want = http.StatusOK
		}
		for _, p := range []string{"reports/gaps", "reports/gaps.json", topic} {
			if res := b.get(w.path(p)); res.status != want {
				t.Errorf("editor %v: GET %s = %d, want %d", editor, p, res.status, want)
			}
		}
		if res := b.post(w.path(topic+"/dismiss"), url.Values{}); editor != (res.status == http.StatusOK) {
			t.Errorf("editor %v: dismiss = %d", editor, res.status)
		}
		inbox := b.get(w.path("inbox"))
		if link := `href="` + w.path("reports/gaps") + `"`; editor != strings.Contains(inbox.body, link) {
			t.Errorf("editor %v: the nav's link to the gaps: %v", editor, !editor)
		}
		if editor {
			if res := b.get(w.path("reports")); res.status != http.StatusForbidden {
				t.Errorf("an agent editor opened the report: %d", res.status)
			}
		}
	}
	other, err := w.accounts.CreateWorkspace(w.ctx, "Other shop", w.owner)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := "/w/" + ids.Encode(other.ID) + "/" + "reports/gaps/" + rows[1][1]
	if res := w.b.get(elsewhere); res.status != http.StatusNotFound {
		t.Errorf("a topic under another workspace = %d", res.status)
	}
	for _, action := range []string{"/resolve", "/dismiss", "/restore"} {
		if res := w.b.post(elsewhere+action, url.Values{"question": {"q"}, "answer": {"a"}}); res.status != http.StatusNotFound {
			t.Errorf("%s under another workspace = %d", action, res.status)
		}
	}
	if res := w.b.get(w.path("reports/gaps/" + rows[1][1])); !strings.Contains(res.body, `data-testid="gap-resolve-form"`) {
		t.Error("the topic changed")
	}
}

// The preview's link to add an answer opens the open topic customers asked the question in,
// with the question filled in.
func TestGapsAnswerFromPreview(t *testing.T) {
	w, _ := gapWorld(t)
	res := w.b.get(w.path("reports/gaps/answer?question=" + url.QueryEscape("rent a kayak for a weekend?")))
	if res.status != http.StatusOK || !strings.Contains(res.url, "/reports/gaps/") ||
		!strings.Contains(res.body, `value="rent a kayak for a weekend?"`) {
		t.Fatalf("answer link = %d at %s", res.status, res.url)
	}
	res = w.b.get(w.path("reports/gaps/answer?question=" + url.QueryEscape("where is the shop")))
	if !strings.HasSuffix(res.url, "/knowledge/new/short-answer") || !strings.Contains(res.body, `value="where is the shop"`) {
		t.Fatalf("answer link without a topic = %d at %s", res.status, res.url)
	}
}
