package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
	"agent/app/web"
)

// inboxWorld is a workspace with knowledge, the AI agent Ava, a chat channel that hands
// off to the owner, and the owner logged in.
type inboxWorld struct {
	*env
	ctx   context.Context
	b     *browser
	owner int64
	ava   agent.Agent
	chat  channel.Channel
}

func newInboxWorld(t *testing.T) *inboxWorld {
	t.Helper()
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	e.replyWith(giftReply)
	w := &inboxWorld{env: e, ctx: context.Background(), ava: e.createAgent("Ava")}
	owner, err := e.accounts.UserByEmail(w.ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	w.owner = owner.ID
	w.chat = w.inboxChannel(t, channel.Input{Name: "Website", AgentID: w.ava.ID, HandoffUsers: []int64{w.owner}})
	w.b = e.ownerBrowser()
	return w
}

func (w *inboxWorld) inboxChannel(t *testing.T, in channel.Input) channel.Channel {
	t.Helper()
	in.Kind, in.Active = channel.Chat, true
	ch, err := w.channels.Create(w.ctx, w.wsID, in)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// visit is a new visitor on ch writing text, through the service as the widget does.
func (w *inboxWorld) visit(t *testing.T, ch channel.Channel, text string) inbox.Conversation {
	t.Helper()
	st := w.service.Store
	v, _, err := st.NewVisitor(w.ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.OpenConversation(w.ctx, ch, v, ch.AgentID != 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.service.VisitorMessage(w.ctx, ch, c, text, "en"); err != nil {
		t.Fatal(err)
	}
	return w.conv(t, c.ID)
}

func (w *inboxWorld) conv(t *testing.T, id int64) inbox.Conversation {
	t.Helper()
	c, err := w.service.Store.Get(w.ctx, w.wsID, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *inboxWorld) setOnline(t *testing.T, userID int64, online bool) {
	t.Helper()
	if err := w.service.SetOnline(w.ctx, w.wsID, userID, online); err != nil {
		t.Fatal(err)
	}
}

func (w *inboxWorld) convPath(c inbox.Conversation, rest string) string {
	p := w.path("inbox/" + ids.Encode(c.ID))
	if rest != "" {
		p += "/" + rest
	}
	return p
}

func (w *inboxWorld) addMember(t *testing.T, email, name string, role account.Role) int64 {
	t.Helper()
	u, _, err := w.accounts.AddMember(w.ctx, w.wsID, account.NewUser{Email: email, Name: name, Password: "long password"}, role, false)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

var (
	inboxItem  = regexp.MustCompile(`data-testid="conv-item" data-id="([^"]+)"`)
	inboxCount = regexp.MustCompile(`data-testid="(view-[^"]+)" data-count="(\d+)"`)
)

// listed returns the conversations a page or fragment lists, in order.
func listed(t *testing.T, body string) []int64 {
	t.Helper()
	var out []int64
	for _, m := range inboxItem.FindAllStringSubmatch(body, -1) {
		id, ok := ids.Decode(m[1])
		if !ok {
			t.Fatalf("bad id %q", m[1])
		}
		out = append(out, id)
	}
	return out
}

func counts(body string) map[string]int {
	out := map[string]int{}
	for _, m := range inboxCount.FindAllStringSubmatch(body, -1) {
		n := 0
		for _, d := range m[2] {
			n = n*10 + int(d-'0')
		}
		out[m[1]] = n
	}
	return out
}

func sorted(ids ...int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func sortedList(t *testing.T, body string) []int64 { return sorted(listed(t, body)...) }

func TestInboxViewsAndCounts(t *testing.T) {
	w := newInboxWorld(t)
	ann := w.addMember(t, "ann@example.com", "Ann Agent", account.RoleAgent)
	billing, err := w.accounts.CreateTeam(w.ctx, w.wsID, "Billing")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.accounts.SetTeamMembers(w.ctx, w.wsID, billing.ID, []int64{ann}); err != nil {
		t.Fatal(err)
	}
	desk := w.inboxChannel(t, channel.Input{Name: "Billing desk", AgentID: w.ava.ID, HandoffTeams: []int64{billing.ID}})

	aiHandled := w.visit(t, w.chat, giftQuestion) // the AI answers: in All only
	w.setOnline(t, w.owner, true)
	mine := w.visit(t, w.chat, "can I talk to a human")
	// The owner away: the next waits in Unassigned (going online again would hand it out).
	w.setOnline(t, w.owner, false)
	noOne := w.visit(t, w.chat, "can I talk to a human")
	team := w.visit(t, desk, "can I talk to a human") // Ann is away: it waits for the team
	closed := w.visit(t, w.chat, "can I talk to a human")
	if err := w.service.SetStatus(w.ctx, w.wsID, closed.ID, true); err != nil {
		t.Fatal(err)
	}
	if !aiHandled.AIActive || mine.AssigneeID != w.owner || noOne.AssigneeID != 0 || team.TeamID != billing.ID || team.AssigneeID != 0 {
		t.Fatalf("setup: ai %+v\nmine %+v\nno one %+v\nteam %+v", aiHandled, mine, noOne, team)
	}
	// A preview conversation is never listed.
	preview, err := w.service.Store.Create(w.ctx, w.wsID, inbox.NewConversation{AgentID: w.ava.ID, Channel: "chat", Preview: true, CreatedBy: w.owner})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.service.Store.AddMessage(w.ctx, preview.ID, agent.AuthorVisitor, 0, "can I talk to a human", "en"); err != nil {
		t.Fatal(err)
	}

	teamView := "view-team-" + ids.Encode(billing.ID)
	want := map[string][]int64{
		"view-unassigned": {noOne.ID, team.ID},
		"view-mine":       {mine.ID},
		teamView:          {team.ID},
		"view-unreplied":  {noOne.ID, mine.ID, team.ID},
		"view-unread":     {noOne.ID, mine.ID, team.ID},
		"view-all":        {aiHandled.ID, noOne.ID, mine.ID, team.ID},
		"view-closed":     {closed.ID},
	}
	res := w.b.get(w.path("inbox"))
	if res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="section-inbox"`) || !strings.Contains(res.body, "js/inbox.js") {
		t.Fatalf("inbox: %d\n%s", res.status, res.body)
	}
	got := counts(res.body)
	for view, ids := range want {
		if got[view] != len(ids) {
			t.Errorf("count of %s = %d, want %d", view, got[view], len(ids))
		}
	}
	// The inbox opens on Mine.
	if l := listed(t, res.body); !slices.Equal(l, []int64{mine.ID}) || !strings.Contains(res.body, `aria-current="page" data-testid="view-mine"`) {
		t.Errorf("default view lists %v", l)
	}
	for view, wantIDs := range want {
		q := "?view=" + strings.TrimPrefix(view, "view-")
		if view == teamView {
			q = "?view=team&team=" + ids.Encode(billing.ID)
		}
		for _, path := range []string{"inbox" + q, "inbox/list" + q} {
			res := w.b.get(w.path(path))
			if res.status != http.StatusOK {
				t.Fatalf("%s: %d", path, res.status)
			}
			if l := sortedList(t, res.body); !slices.Equal(l, sorted(wantIDs...)) {
				t.Errorf("%s lists %v, want %v", path, l, sorted(wantIDs...))
			}
			if slices.Contains(listed(t, res.body), preview.ID) {
				t.Errorf("%s lists the preview conversation", path)
			}
		}
	}
	// Who has each conversation, and the unread marker.
	all := w.b.get(w.path("inbox?view=all")).body
	for _, s := range []string{"Olga Owner", "Team Billing", "AI · Ava", "Unassigned", "Billing desk · chat", `data-testid="unread"`} {
		if !strings.Contains(all, s) {
			t.Errorf("All does not show %q", s)
		}
	}
	// Filters: by channel, by AI agent.
	if l := listed(t, w.b.get(w.path("inbox?view=all&channel="+ids.Encode(desk.ID))).body); !slices.Equal(l, []int64{team.ID}) {
		t.Errorf("All on the billing desk = %v", l)
	}
	bo := w.createAgent("Bo")
	if l := listed(t, w.b.get(w.path("inbox?view=all&agent="+ids.Encode(bo.ID))).body); len(l) != 0 {
		t.Errorf("All of agent Bo = %v", l)
	}
	if l := listed(t, w.b.get(w.path("inbox?view=all&agent="+ids.Encode(w.ava.ID))).body); len(l) != 4 {
		t.Errorf("All of agent Ava = %v", l)
	}
	// Bad filters are 404s; an unknown view is the default one.
	for _, q := range []string{"?view=team", "?view=team&team=nonsense", "?view=team&team=" + ids.Encode(billing.ID+50), "?channel=zz", "?agent=zz"} {
		if res := w.b.get(w.path("inbox" + q)); res.status != http.StatusNotFound {
			t.Errorf("inbox%s = %d, want 404", q, res.status)
		}
	}
	if res := w.b.get(w.path("inbox?view=everything")); res.status != http.StatusOK || !slices.Equal(listed(t, res.body), []int64{mine.ID}) {
		t.Errorf("unknown view: %d", res.status)
	}
	// Ann's Mine is empty; the team view is the same for her.
	annB := w.browser()
	if res := annB.login("ann@example.com", "long password"); res.status != http.StatusOK {
		t.Fatalf("Ann's login: %d", res.status)
	}
	res = annB.get(w.path("inbox"))
	if c := counts(res.body); res.status != http.StatusOK || c["view-mine"] != 0 || c[teamView] != 1 || c["view-all"] != 4 {
		t.Errorf("Ann's inbox: %d %v", res.status, c)
	}
}

func TestInboxSearchAndPages(t *testing.T) {
	w := newInboxWorld(t)
	st := w.service.Store
	var made []int64 // oldest first
	for i := range 101 {
		c, err := st.Create(w.ctx, w.wsID, inbox.NewConversation{Channel: "chat", ChannelID: w.chat.ID})
		if err != nil {
			t.Fatal(err)
		}
		text := "Where is my order?"
		if i == 0 {
			text = "My parcel is <b>late</b>"
		}
		if _, err := st.AddMessage(w.ctx, c.ID, agent.AuthorVisitor, 0, text, "en"); err != nil {
			t.Fatal(err)
		}
		made = append(made, c.ID)
	}
	newest := slices.Clone(made)
	slices.Reverse(newest)

	// A hundred to a page, newest first, with a link to the older ones.
	first := w.b.get(w.path("inbox?view=all"))
	if l := listed(t, first.body); first.status != http.StatusOK || !slices.Equal(l, newest[:100]) {
		t.Fatalf("page 1: %d, %d listed", first.status, len(l))
	}
	older := w.path("inbox?page=2&amp;view=all")
	if !strings.Contains(first.body, `href="`+older+`" rel="next" data-testid="older"`) || strings.Contains(first.body, `data-testid="newer"`) {
		t.Errorf("page 1 does not link to page 2 only:\n%s", first.body)
	}
	for _, path := range []string{"inbox?view=all&page=2", "inbox/list?view=all&page=2"} {
		res := w.b.get(w.path(path))
		if l := listed(t, res.body); res.status != http.StatusOK || !slices.Equal(l, newest[100:]) {
			t.Errorf("%s: %d lists %v", path, res.status, l)
		}
		if !strings.Contains(res.body, `data-testid="newer"`) || strings.Contains(res.body, `data-testid="older"`) {
			t.Errorf("%s does not link back to page 1 only", path)
		}
	}
	// An opened conversation keeps the page, so that the list beside it stays where it was.
	if res := w.b.get(w.path("inbox?view=all&page=2")); !strings.Contains(res.body, w.convPath(w.conv(t, made[0]), "")+"?page=2&amp;view=all") {
		t.Errorf("page 2 links its conversations without the page")
	}
	// Page numbers that are not a page show the first.
	for _, p := range []string{"0", "-1", "two", "99999"} {
		if res := w.b.get(w.path("inbox?view=all&page=" + p)); res.status != http.StatusOK || !slices.Equal(listed(t, res.body), newest[:100]) {
			t.Errorf("page=%s: %d", p, res.status)
		}
	}
	// Search by the words of the messages; the search is shown, escaped, with a way out.
	res := w.b.get(w.path("inbox?view=all&q=" + url.QueryEscape("  PARCEL   <b>late ")))
	if l := listed(t, res.body); res.status != http.StatusOK || !slices.Equal(l, []int64{made[0]}) {
		t.Fatalf("search: %d lists %v", res.status, l)
	}
	for _, want := range []string{`data-testid="list-search"`, "Messages with “PARCEL &lt;b&gt;late”", `value="PARCEL &lt;b&gt;late"`,
		`href="` + w.path("inbox?view=all") + `" data-testid="clear-search"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	if strings.Contains(res.body, "<b>late") {
		t.Error("the search is not escaped")
	}
	// Another view keeps the search and starts at its first page.
	if !strings.Contains(res.body, `href="`+w.path("inbox?q=PARCEL+%3Cb%3Elate&amp;view=closed")+`"`) {
		t.Errorf("the Closed view does not keep the search")
	}
	res = w.b.get(w.path("inbox/list?view=all&q=refund"))
	if res.status != http.StatusOK || len(listed(t, res.body)) != 0 || !strings.Contains(res.body, "No conversation here has a message with these words.") {
		t.Errorf("search with no match: %d\n%s", res.status, res.body)
	}
}

func TestInboxConversationPage(t *testing.T) {
	w := newInboxWorld(t)
	w.setOnline(t, w.owner, true)
	ann := w.addMember(t, "ann@example.com", "Ann Agent", account.RoleAgent)
	c := w.visit(t, w.chat, giftQuestion)
	ch := w.chat
	if _, _, err := w.service.VisitorMessage(w.ctx, ch, c, "can I talk to a human", "en"); err != nil {
		t.Fatal(err)
	}
	msgs, err := w.service.Store.Messages(w.ctx, c.ID)
	if err != nil || len(msgs) != 4 || msgs[1].AI == nil {
		t.Fatalf("messages: %+v %v", msgs, err)
	}
	if err := w.service.Store.SetFeedback(w.ctx, c.ID, inbox.Feedback{MessageID: msgs[1].ID, Reason: "too_long", Comment: "shorter please"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.service.HumanReply(w.ctx, w.wsID, c.ID, ann, "Hi, Ann here. What do you need?"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.service.Note(w.ctx, w.wsID, c.ID, w.owner, "Regular customer, be nice"); err != nil {
		t.Fatal(err)
	}
	// The visitor writes again: unread.
	if _, _, err := w.service.VisitorMessage(w.ctx, ch, w.conv(t, c.ID), "Thanks, waiting", "en"); err != nil {
		t.Fatal(err)
	}
	if !w.conv(t, c.ID).Unread {
		t.Fatal("the conversation should be unread")
	}

	res := w.b.get(w.convPath(c, ""))
	if res.status != http.StatusOK {
		t.Fatalf("conversation page: %d", res.status)
	}
	body := res.body
	for _, want := range []string{
		`data-testid="conversation" data-id="` + ids.Encode(c.ID) + `"`,
		`data-testid="section-inbox"`,
		// authorship
		`data-author="visitor"`, "Visitor " + ids.Encode(c.VisitorID),
		`data-author="bot" data-decision="answer"`, `<span class="msg-author" data-testid="author">Ava</span> <span class="msg-role">AI bot</span>`,
		`data-author="human"`, `<span class="msg-author" data-testid="author">Ann Agent</span> <span class="msg-role">staff</span>`,
		`data-author="note"`, "internal note · staff only", "Regular customer, be nice",
		// the AI's record: sources, decision and reason, the visitor's rating
		`data-testid="sources"`, giftQuestion, `<span class="badge badge-answer">Answer</span>`, "the knowledge answers it",
		`data-author="bot" data-decision="handoff"`, "the customer asked for a person",
		"Not helpful: too long", "shorter please",
		// the handoff, its cause and who received it
		`data-testid="handoff" data-cause="visitor_asked" data-outcome="assigned"`, "the visitor asked for a person; assigned to Olga Owner",
		// header: status and assignee, the forms
		`data-testid="conv-status">Open<`, `data-testid="conv-owner">Olga Owner<`, "Website · chat", "AI agent Ava",
		`data-testid="reply-form"`, `data-testid="note-form"`, `data-testid="assign-form"`, `data-testid="close"`,
		`<option value="user-` + ids.Encode(ann) + `">Ann Agent</option>`,
		`aria-current="true" data-testid="conv-item" data-id="` + ids.Encode(c.ID) + `"`,
		`data-events-url="` + w.path("inbox/events?conv="+ids.Encode(c.ID)) + `"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the conversation page lacks %s", want)
		}
	}
	// In order: visitor, bot, visitor, bot (handoff), the handoff, Ann, the note.
	order := []string{giftQuestion, "can I talk to a human", `data-testid="handoff"`, "Ann here", "Regular customer"}
	last := 0
	for _, s := range order {
		i := strings.Index(body[last:], s)
		if i < 0 {
			t.Fatalf("%q out of order", s)
		}
		last += i
	}
	// Opening it marked it read.
	if w.conv(t, c.ID).Unread {
		t.Error("opening the conversation did not mark it read")
	}

	// The fragment the page reloads on live events.
	parts := w.b.get(w.convPath(c, "parts"))
	if parts.status != http.StatusOK || !strings.Contains(parts.body, `id="conv-head"`) || !strings.Contains(parts.body, `id="conv-transcript"`) ||
		strings.Contains(parts.body, "<html") || !strings.Contains(parts.body, "Ann here") {
		t.Errorf("parts: %d\n%s", parts.status, parts.body)
	}

	// No one available: the notice to the visitor is shown as a system line.
	w.setOnline(t, w.owner, false)
	alone := w.visit(t, w.chat, "can I talk to a human")
	body = w.b.get(w.convPath(alone, "")).body
	if !strings.Contains(body, `data-author="system"`) || !strings.Contains(body, agent.Say("en", agent.PhraseUnavailable)) ||
		!strings.Contains(body, `data-outcome="unassigned"`) || !strings.Contains(body, "waiting in Unassigned") ||
		!strings.Contains(body, `data-testid="conv-owner">No one (Unassigned)<`) {
		t.Errorf("conversation no one took:\n%s", body)
	}
}

func TestInboxActions(t *testing.T) {
	w := newInboxWorld(t)
	ann := w.addMember(t, "ann@example.com", "Ann Agent", account.RoleAgent)
	billing, err := w.accounts.CreateTeam(w.ctx, w.wsID, "Billing")
	if err != nil {
		t.Fatal(err)
	}
	c := w.visit(t, w.chat, "can I talk to a human") // no one online: Unassigned
	page := w.convPath(c, "")
	w.b.get(page + "?view=unassigned")

	// A reply without JavaScript: a plain post, redirected back to the conversation.
	res := w.b.postNoFollow(w.convPath(c, "reply")+"?view=unassigned", url.Values{"message": {"  Hello, Olga here.  "}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != page+"?view=unassigned" {
		t.Fatalf("reply: %d to %q", res.status, res.header.Get("Location"))
	}
	msgs, _ := w.service.Store.Messages(w.ctx, c.ID)
	lastMsg := msgs[len(msgs)-1]
	if lastMsg.Author != agent.AuthorHuman || lastMsg.UserID != w.owner || lastMsg.Body != "Hello, Olga here." {
		t.Fatalf("stored reply: %+v", lastMsg)
	}
	if got := w.conv(t, c.ID); got.AssigneeID != w.owner || got.Awaiting || got.AIActive {
		t.Errorf("after the reply: %+v", got)
	}
	// An empty reply shows the form again with its error.
	res = w.b.post(w.convPath(c, "reply"), url.Values{"message": {"   "}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Write a message first") || !strings.Contains(res.body, `data-testid="reply-form"`) {
		t.Errorf("empty reply: %d", res.status)
	}

	// A note: stored as a note, not sent.
	if res := w.b.post(w.convPath(c, "note"), url.Values{"note": {"Check the order number"}}); res.status != http.StatusOK || !strings.Contains(res.body, "Check the order number") {
		t.Fatalf("note: %d", res.status)
	}
	msgs, _ = w.service.Store.Messages(w.ctx, c.ID)
	if n := msgs[len(msgs)-1]; n.Author != inbox.AuthorNote || n.UserID != w.owner || n.Body != "Check the order number" {
		t.Errorf("stored note: %+v", n)
	}
	if res := w.b.post(w.convPath(c, "note"), url.Values{"note": {""}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-note"`) {
		t.Errorf("empty note: %d", res.status)
	}

	// Assign to Ann, to the team, then to no one: each a manual handoff.
	res = w.b.post(w.convPath(c, "assign"), url.Values{"assignee": {"user-" + ids.Encode(ann)}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Assigned to Ann Agent.") {
		t.Fatalf("assign to Ann: %d", res.status)
	}
	if got := w.conv(t, c.ID); got.AssigneeID != ann || got.TeamID != 0 {
		t.Errorf("after assigning to Ann: %+v", got)
	}
	w.b.post(w.convPath(c, "assign"), url.Values{"assignee": {"team-" + ids.Encode(billing.ID)}})
	if got := w.conv(t, c.ID); got.AssigneeID != 0 || got.TeamID != billing.ID {
		t.Errorf("after assigning to the team: %+v", got)
	}
	res = w.b.post(w.convPath(c, "assign"), url.Values{"assignee": {"team-" + ids.Encode(billing.ID)}, "unassign": {"1"}})
	if got := w.conv(t, c.ID); res.status != http.StatusOK || got.AssigneeID != 0 || got.TeamID != 0 || !strings.Contains(res.body, "Unassigned") {
		t.Errorf("after unassigning: %d %+v", res.status, got)
	}
	hs, _ := w.service.Store.Handoffs(w.ctx, c.ID)
	if len(hs) != 4 || hs[1].Cause != inbox.CauseManual || hs[1].ToUserID != ann || hs[1].ByUserID != w.owner ||
		hs[2].ToTeamID != billing.ID || hs[3].Outcome != inbox.LeftUnassigned {
		t.Errorf("handoffs = %+v", hs)
	}
	// Someone who is not a member, a bad choice: refused.
	stranger, _, err := w.accounts.AddMember(w.ctx, mustWorkspace(t, w), account.NewUser{Email: "s@example.com", Name: "S", Password: "long password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"user-" + ids.Encode(stranger.ID), "user-zz", "robot-" + ids.Encode(ann)} {
		if res := w.b.post(w.convPath(c, "assign"), url.Values{"assignee": {v}}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("assign to %s: %d", v, res.status)
		}
	}

	// Close, then reopen.
	res = w.b.post(w.convPath(c, "close"), url.Values{})
	if got := w.conv(t, c.ID); res.status != http.StatusOK || got.Status != "closed" || !strings.Contains(res.body, `data-testid="reopen"`) ||
		!strings.Contains(res.body, "Conversation closed.") {
		t.Errorf("close: %d %+v", res.status, got)
	}
	res = w.b.post(w.convPath(c, "reopen"), url.Values{})
	if got := w.conv(t, c.ID); res.status != http.StatusOK || got.Status != "open" || !strings.Contains(res.body, `data-testid="close"`) {
		t.Errorf("reopen: %d %+v", res.status, got)
	}
}

// mustWorkspace creates another workspace, owned by the owner, and returns it.
func mustWorkspace(t *testing.T, w *inboxWorld) int64 {
	t.Helper()
	ws, err := w.accounts.CreateWorkspace(w.ctx, "Elsewhere", w.owner)
	if err != nil {
		t.Fatal(err)
	}
	return ws.ID
}

func TestInboxPresence(t *testing.T) {
	w := newInboxWorld(t)
	res := w.b.get(w.path("inbox"))
	if !strings.Contains(res.body, `data-testid="go-online"`) || !strings.Contains(res.body, "No one is online") {
		t.Fatalf("away at first:\n%s", res.body)
	}
	res = w.b.post(w.path("inbox/presence"), url.Values{"online": {"1"}, "back": {w.path("inbox?view=all")}})
	if res.status != http.StatusOK || !strings.HasSuffix(res.url, "/inbox") || !strings.Contains(res.body, "You are online") ||
		!strings.Contains(res.body, `data-testid="go-away"`) || !strings.Contains(res.body, `data-testid="online-person"`) {
		t.Fatalf("go online: %d at %s", res.status, res.url)
	}
	if p, _ := w.service.Store.PresenceOf(w.ctx, w.wsID, w.owner); !p.Online || p.Capacity != inbox.DefaultCapacity {
		t.Errorf("presence = %+v", p)
	}
	res = w.b.post(w.path("inbox/presence"), url.Values{"capacity": {"3"}, "back": {w.path("inbox")}})
	if p, _ := w.service.Store.PresenceOf(w.ctx, w.wsID, w.owner); res.status != http.StatusOK || p.Capacity != 3 || !p.Online ||
		!strings.Contains(res.body, `value="3"`) || !strings.Contains(res.body, "at most 3 open conversations") {
		t.Errorf("capacity 3: %d %+v", res.status, p)
	}
	for _, bad := range []string{"0", "101", "many"} {
		res := w.b.post(w.path("inbox/presence"), url.Values{"capacity": {bad}})
		if p, _ := w.service.Store.PresenceOf(w.ctx, w.wsID, w.owner); res.status != http.StatusOK || p.Capacity != 3 || !strings.Contains(res.body, "choose between 1 and 100") {
			t.Errorf("capacity %q: %d %+v", bad, res.status, p)
		}
	}
	// The way back stays in the inbox.
	res = w.b.postNoFollow(w.path("inbox/presence"), url.Values{"online": {"0"}, "back": {"https://evil.example/"}})
	if loc := res.header.Get("Location"); loc != w.path("inbox") {
		t.Errorf("back to %q", loc)
	}
	if p, _ := w.service.Store.PresenceOf(w.ctx, w.wsID, w.owner); p.Online {
		t.Error("still online after going away")
	}
	// Going online makes the owner take the next handoff.
	w.b.post(w.path("inbox/presence"), url.Values{"online": {"1"}})
	if c := w.visit(t, w.chat, "can I talk to a human"); c.AssigneeID != w.owner {
		t.Errorf("handoff with the owner online went to %d", c.AssigneeID)
	}
}

// liveEvent is one server-sent event of the inbox's streams; data is raw JSON.
type liveEvent struct{ name, data string }

// follow opens an event stream over real HTTP with b's session and returns its events.
// The subscription exists once it returns (the handler subscribes before answering).
func (b *browser) follow(t *testing.T, path string) <-chan liveEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.e.srv.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := b.c.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := make(chan liveEvent, 4096)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		var ev liveEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case strings.HasPrefix(line, ":"):
				events <- liveEvent{name: line}
			case line == "" && ev.name != "":
				events <- ev
				ev = liveEvent{}
			}
		}
	}()
	return events
}

// upTo returns the events before the first "change" of conversation conv (encoded),
// failing after five seconds.
func upTo(t *testing.T, events <-chan liveEvent, conv string) []liveEvent {
	t.Helper()
	var out []liveEvent
	for {
		ev := await(t, events, "")
		if ev.name == "change" && strings.Contains(ev.data, `"`+conv+`"`) {
			return out
		}
		out = append(out, ev)
	}
}

// await returns the first event called name (any event when name is ""), failing after
// five seconds.
func await(t *testing.T, events <-chan liveEvent, name string) liveEvent {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended before %q", name)
			}
			if name == "" || ev.name == name {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %q event within 5 s", name)
		}
	}
}

func TestInboxEvents(t *testing.T) {
	w := newInboxWorld(t)
	list := w.b.follow(t, w.path("inbox/events"))
	if ev := await(t, list, ": connected"); ev.name == "" {
		t.Fatal("no greeting")
	}

	// A visitor writes: the list hears of it.
	c := w.visit(t, w.chat, giftQuestion)
	ev := await(t, list, "change")
	var change struct{ Conversation, Kind string }
	if err := json.Unmarshal([]byte(ev.data), &change); err != nil || change.Conversation != ids.Encode(c.ID) || change.Kind != "message" {
		t.Fatalf("change event %q: %+v %v", ev.data, change, err)
	}
	// Presence changes reach it too.
	w.b.post(w.path("inbox/presence"), url.Values{"online": {"1"}})
	await(t, list, "presence")

	// With a conversation open, the page's one stream also carries that conversation's
	// own events: messages (notes too), the AI's words as they come, and changes of
	// assignment or status; the list's changes still come.
	conv := w.b.follow(t, w.path("inbox/events?conv="+ids.Encode(c.ID)))
	await(t, conv, ": connected")
	if _, err := w.service.Note(w.ctx, w.wsID, c.ID, w.owner, "a note"); err != nil {
		t.Fatal(err)
	}
	ev = await(t, conv, "message")
	var msg struct {
		ID    string
		Staff bool
	}
	if err := json.Unmarshal([]byte(ev.data), &msg); err != nil || !msg.Staff || msg.ID == "" {
		t.Fatalf("note event %q", ev.data)
	}
	go w.service.VisitorMessage(w.ctx, w.chat, w.conv(t, c.ID), "How much does shipping cost?", "en")
	tok := await(t, conv, "token")
	var word string
	if err := json.Unmarshal([]byte(tok.data), &word); err != nil || word == "" {
		t.Fatalf("token event %q", tok.data)
	}
	await(t, conv, "message")
	if err := w.service.SetStatus(w.ctx, w.wsID, c.ID, true); err != nil {
		t.Fatal(err)
	}
	await(t, conv, "conversation")
	// Another conversation's events are changes of the list only; without a conversation
	// open, the stream has no conversation events at all.
	other := w.visit(t, w.chat, "can I talk to a human")
	msgs, err := w.service.Store.Messages(w.ctx, other.ID)
	if err != nil || len(msgs) < 2 {
		t.Fatalf("the other conversation's messages: %v %v", msgs, err)
	}
	end := ids.Encode(other.ID + 1000) // a change published last marks the end of what came before
	w.service.Hub.Publish(w.wsID, inbox.Event{Kind: inbox.EventConversation, ConversationID: other.ID + 1000})
	var listChanges int
	for _, ev := range upTo(t, list, end) {
		if ev.name == "token" || ev.name == "message" || ev.name == "conversation" {
			t.Errorf("the stream without a conversation open was sent %q", ev.name)
		}
		if ev.name == "change" && strings.Contains(ev.data, ids.Encode(other.ID)) {
			listChanges++
		}
	}
	var convChanges int
	for _, ev := range upTo(t, conv, end) {
		if ev.name == "token" || ev.name == "conversation" || (ev.name == "message" && strings.Contains(ev.data, ids.Encode(msgs[0].ID))) {
			t.Errorf("the stream of one conversation was sent another's %s %s", ev.name, ev.data)
		}
		if ev.name == "change" && strings.Contains(ev.data, ids.Encode(other.ID)) {
			convChanges++
		}
	}
	if listChanges == 0 || convChanges != listChanges {
		t.Errorf("the other conversation's changes: %d on the list's stream, %d with a conversation open", listChanges, convChanges)
	}

	// A follower that could not keep up is told to reload.
	for range 3000 {
		w.service.Hub.Publish(w.wsID, inbox.Event{Kind: inbox.EventToken, ConversationID: c.ID, Token: strings.Repeat("x", 200)})
	}
	await(t, conv, "reload")
}

func TestInboxEventsHeartbeat(t *testing.T) {
	defer web.SetHeartbeat(50 * time.Millisecond)()
	w := newInboxWorld(t)
	list := w.b.follow(t, w.path("inbox/events"))
	await(t, list, ": ping")
}

func TestInboxAccess(t *testing.T) {
	w := newInboxWorld(t)
	c := w.visit(t, w.chat, "can I talk to a human")

	// An agent-role member uses the whole inbox.
	w.addMember(t, "ann@example.com", "Ann Agent", account.RoleAgent)
	ann := w.browser()
	if res := ann.login("ann@example.com", "long password"); res.status != http.StatusOK {
		t.Fatalf("Ann's login: %d", res.status)
	}
	if res := ann.get(w.convPath(c, "")); res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="reply-form"`) {
		t.Fatalf("Ann's conversation page: %d", res.status)
	}
	if res := ann.post(w.convPath(c, "reply"), url.Values{"message": {"Ann here"}}); res.status != http.StatusOK {
		t.Errorf("Ann's reply: %d", res.status)
	}
	if res := ann.post(w.path("inbox/presence"), url.Values{"online": {"1"}}); res.status != http.StatusOK {
		t.Errorf("Ann's presence: %d", res.status)
	}

	// A user of another workspace sees none of it.
	other, err := w.accounts.CreateWorkspace(w.ctx, "Other shop", w.owner)
	if err != nil {
		t.Fatal(err)
	}
	zed, _, err := w.accounts.AddMember(w.ctx, other.ID, account.NewUser{Email: "zed@example.com", Name: "Zed", Password: "long password"}, account.RoleOwner, false)
	if err != nil {
		t.Fatal(err)
	}
	_ = zed
	z := w.browser()
	if res := z.login("zed@example.com", "long password"); res.status != http.StatusOK {
		t.Fatalf("Zed's login: %d", res.status)
	}
	for _, p := range []string{w.path("inbox"), w.path("inbox/list"), w.path("inbox/events"), w.path("inbox/events?conv=" + ids.Encode(c.ID)), w.convPath(c, ""), w.convPath(c, "parts")} {
		if res := z.get(p); res.status != http.StatusNotFound {
			t.Errorf("Zed GET %s = %d, want 404", p, res.status)
		}
	}
	// Nor through his own workspace's address.
	zPath := "/w/" + ids.Encode(other.ID) + "/inbox/" + ids.Encode(c.ID)
	if res := z.get(zPath); res.status != http.StatusNotFound {
		t.Errorf("Zed GET %s = %d, want 404", zPath, res.status)
	}
	z.get("/w/" + ids.Encode(other.ID) + "/inbox")
	if res := z.post(zPath+"/reply", url.Values{"message": {"hijack"}}); res.status != http.StatusNotFound {
		t.Errorf("Zed's reply = %d, want 404", res.status)
	}

	// Bad IDs and previews are 404s for everything.
	preview, err := w.service.Store.Create(w.ctx, w.wsID, inbox.NewConversation{AgentID: w.ava.ID, Channel: "chat", Preview: true, CreatedBy: w.owner})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{w.path("inbox/nonsense"), w.path("inbox/" + ids.Encode(c.ID+1000)), w.convPath(preview, ""), w.convPath(preview, "parts"), w.path("inbox/events?conv=" + ids.Encode(preview.ID)), w.path("inbox/events?conv=zz")} {
		if res := w.b.get(p); res.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.status)
		}
	}
	for _, action := range []string{"reply", "note", "assign", "close", "reopen"} {
		if res := w.b.post(w.convPath(preview, action), url.Values{"message": {"x"}, "note": {"x"}}); res.status != http.StatusNotFound {
			t.Errorf("POST %s on a preview = %d, want 404", action, res.status)
		}
	}
	if got, _ := w.service.Store.Get(w.ctx, w.wsID, preview.ID); got.Status != "open" {
		t.Error("a preview was closed through the inbox")
	}

	// Without the CSRF token, a post is refused and nothing is stored.
	before := w.messageCount()
	for _, action := range []string{"reply", "note", "close"} {
		req, _ := http.NewRequest(http.MethodPost, w.srv.URL+w.convPath(c, action), strings.NewReader(url.Values{"message": {"forged"}, "note": {"forged"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := w.b.do(req); res.status != http.StatusForbidden {
			t.Errorf("%s without a token: %d, want 403", action, res.status)
		}
	}
	if w.messageCount() != before || w.conv(t, c.ID).Status != "open" {
		t.Error("a refused post changed the conversation")
	}

	// The workspace's home leads to the inbox.
	if res := w.b.get(w.path("")); res.status != http.StatusOK || !strings.HasSuffix(res.url, "/inbox") {
		t.Errorf("workspace home: %d at %s", res.status, res.url)
	}
}

// TestInboxStreamLimit: one user may keep 32 inbox pages live at once; the next stream is
// refused with 429 and Retry-After until one of them closes.
func TestInboxStreamLimit(t *testing.T) {
	w := newInboxWorld(t)
	// open follows the inbox's events and returns the status, leaving the stream open
	// until leave is called.
	open := func() (status int, leave func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.srv.URL+w.path("inbox/events"), nil)
		res, err := w.b.c.Do(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		leave = func() { cancel(); res.Body.Close() }
		t.Cleanup(leave)
		if res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		return res.StatusCode, leave
	}
	var first func()
	for i := range 32 {
		status, leave := open()
		if status != http.StatusOK {
			t.Fatalf("stream %d = %d", i+1, status)
		}
		if i == 0 {
			first = leave
		}
	}
	if status, _ := open(); status != http.StatusTooManyRequests {
		t.Fatalf("stream 33 = %d, want 429", status)
	}
	first()
	waitFor(t, "a closed stream's slot", func() bool {
		status, _ := open()
		return status == http.StatusOK
	})
}
