package inbox_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
)

// clock is a settable time for the store, so that round robin order and inactivity are
// decided by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// routing is a workspace with two more people (Ann, Bo), a team of both, the service that
// routes handoffs, and a clock.
type routing struct {
	*fixture
	svc      *inbox.Service
	clock    *clock
	channels *channel.Store
	ann, bo  int64
	team     int64
}

func newRouting(t testing.TB) *routing {
	t.Helper()
	f := newFixture(t)
	c := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	f.inbox.SetClock(c.now)
	r := &routing{fixture: f, clock: c, channels: channel.NewStore(f.db)}
	r.svc = &inbox.Service{Store: f.inbox, Hub: inbox.NewHub(), Engine: f.engine, Agents: f.agents, Channels: r.channels,
		Log: slog.New(slog.DiscardHandler)}
	for _, who := range []struct {
		id    *int64
		name  string
		email string
	}{{&r.ann, "Ann", "ann@example.com"}, {&r.bo, "Bo", "bo@example.com"}} {
		u, _, err := f.accts.AddMember(f.ctx, f.ws, account.NewUser{Email: who.email, Name: who.name, Password: "long password"}, account.RoleAgent, false)
		if err != nil {
			t.Fatal(err)
		}
		*who.id = u.ID
	}
	team, err := f.accts.CreateTeam(f.ctx, f.ws, "Support")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.accts.SetTeamMembers(f.ctx, f.ws, team.ID, []int64{r.ann, r.bo}); err != nil {
		t.Fatal(err)
	}
	r.team = team.ID
	return r
}

func (r *routing) channel(t testing.TB, in channel.Input) channel.Channel {
	t.Helper()
	if in.Kind == "" {
		in.Kind = channel.Chat
	}
	if in.Name == "" {
		in.Name = "Website"
	}
	in.Active = true
	ch, err := r.channels.Create(r.ctx, r.ws, in)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// visit starts a visitor's conversation on ch and has them write text.
func (r *routing) visit(t *testing.T, ch channel.Channel, text string) (inbox.Conversation, []inbox.Message) {
	t.Helper()
	v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.inbox.OpenConversation(r.ctx, ch, v, ch.AgentID != 0)
	if err != nil {
		t.Fatal(err)
	}
	_, out, err := r.svc.VisitorMessage(r.ctx, ch, c, text, "en")
	if err != nil {
		t.Fatal(err)
	}
	return r.get(t, c.ID), out
}

func (r *routing) get(t *testing.T, id int64) inbox.Conversation {
	t.Helper()
	c, err := r.inbox.Get(r.ctx, r.ws, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (r *routing) online(t *testing.T, users ...int64) {
	t.Helper()
	for _, u := range users {
		if err := r.svc.SetOnline(r.ctx, r.ws, u, true); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *routing) handoffs(t *testing.T, c inbox.Conversation) []inbox.Handoff {
	t.Helper()
	hs, err := r.inbox.Handoffs(r.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

const askHuman = "can I talk to a human"

func authors(msgs []inbox.Message) []agent.Author {
	var out []agent.Author
	for _, m := range msgs {
		out = append(out, m.Author)
	}
	return out
}

func TestRoundRobinAmongOnlineUsersWithCapacity(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID, HandoffUsers: []int64{r.ann, r.bo}})
	r.online(t, r.ann, r.bo)

	// Two people online with room: they take turns, also within one second (ties go to
	// the one with fewer open conversations).
	var got []int64
	for range 4 {
		c, out := r.visit(t, ch, askHuman)
		if c.AIActive || c.Status != "open" || !c.Awaiting || !c.Unread {
			t.Fatalf("after handoff: %+v", c)
		}
		if len(out) != 1 || out[0].Author != agent.AuthorBot || out[0].AI.Decision != agent.Handoff {
			t.Fatalf("said in return: %+v", out)
		}
		hs := r.handoffs(t, c)
		if len(hs) != 1 || hs[0].Cause != inbox.CauseVisitor || hs[0].Outcome != inbox.Assigned || hs[0].ToUserID != c.AssigneeID {
			t.Fatalf("handoffs: %+v (conversation %+v)", hs, c)
		}
		got = append(got, c.AssigneeID)
	}
	if want := []int64{r.ann, r.bo, r.ann, r.bo}; !slices.Equal(got, want) {
		t.Fatalf("assignees %v, want %v", got, want)
	}

	// Ann is at capacity: Bo gets it, although he had the last one.
	p, _ := r.inbox.PresenceOf(r.ctx, r.ws, r.ann)
	if err := r.inbox.SetCapacity(r.ctx, r.ws, r.ann, p.Open); err != nil {
		t.Fatal(err)
	}
	r.clock.add(time.Minute)
	if c, _ := r.visit(t, ch, askHuman); c.AssigneeID != r.bo {
		t.Errorf("with Ann full, assigned to %d, want Bo (%d)", c.AssigneeID, r.bo)
	}

	// Bo goes away; Ann is still full: no one is available.
	if err := r.svc.SetOnline(r.ctx, r.ws, r.bo, false); err != nil {
		t.Fatal(err)
	}
	r.clock.add(time.Minute)
	c, out := r.visit(t, ch, askHuman)
	if c.AssigneeID != 0 || c.TeamID != 0 || c.AIActive {
		t.Fatalf("no one available: %+v", c)
	}
	if hs := r.handoffs(t, c); len(hs) != 1 || hs[0].Outcome != inbox.LeftUnassigned || hs[0].ToUserID != 0 {
		t.Errorf("handoffs: %+v", hs)
	}
	if len(out) != 2 || out[1].Author != inbox.AuthorSystem || out[1].Body != agent.Say("en", agent.PhraseUnavailable) {
		t.Errorf("said in return: %+v", out)
	}
	if !slices.Contains(r.ids(t, inbox.Filter{View: inbox.ViewUnassigned}), c.ID) {
		t.Error("the conversation no one took is not in Unassigned")
	}

	// Away people are skipped even with room: Ann makes room, goes away; Bo comes back.
	if err := r.inbox.SetCapacity(r.ctx, r.ws, r.ann, 50); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.SetOnline(r.ctx, r.ws, r.ann, false); err != nil {
		t.Fatal(err)
	}
	r.online(t, r.bo)
	r.clock.add(time.Minute)
	if c, _ := r.visit(t, ch, askHuman); c.AssigneeID != r.bo {
		t.Errorf("with Ann away, assigned to %d, want Bo", c.AssigneeID)
	}
}

func TestTeamHandoffWithNoOneAvailableWaitsForTheTeam(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID, HandoffTeams: []int64{r.team}, UnavailableMessage: "We are away. Back at 9."})
	c, out := r.visit(t, ch, askHuman)
	if c.AssigneeID != 0 || c.TeamID != r.team || c.AIActive {
		t.Fatalf("conversation = %+v", c)
	}
	if hs := r.handoffs(t, c); len(hs) != 1 || hs[0].Outcome != inbox.LeftUnassigned || hs[0].ToTeamID != r.team {
		t.Errorf("handoffs = %+v", hs)
	}
	if len(out) != 2 || out[1].Author != inbox.AuthorSystem || out[1].Body != "We are away. Back at 9." {
		t.Errorf("said in return: %+v", out)
	}
	if !slices.Contains(r.ids(t, inbox.Filter{View: inbox.ViewTeam, TeamID: r.team}), c.ID) {
		t.Error("not in the team's view")
	}
	counts, err := r.inbox.Count(r.ctx, r.ws, r.owner, []int64{r.team})
	if err != nil || counts.Teams[r.team] != 1 || counts.Views[inbox.ViewUnassigned] != 1 || counts.Views[inbox.ViewMine] != 0 {
		t.Errorf("counts = %+v, %v", counts, err)
	}

	// With a team member online, the next one goes to her, through the team.
	r.online(t, r.bo)
	r.clock.add(time.Minute)
	c2, _ := r.visit(t, ch, askHuman)
	if c2.AssigneeID != r.bo || c2.TeamID != r.team {
		t.Errorf("with Bo online: %+v", c2)
	}
}

func TestHandoffModeUnassigned(t *testing.T) {
	r := newRouting(t)
	r.online(t, r.ann) // online, but the channel does not assign
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID, Handoff: channel.Unassigned, HandoffUsers: []int64{r.ann},
		HandoffMessage: "Someone from the shop will answer here."})
	c, out := r.visit(t, ch, askHuman)
	if c.AssigneeID != 0 || c.TeamID != 0 || c.AIActive || !c.Awaiting {
		t.Fatalf("conversation = %+v", c)
	}
	if len(out) != 1 || out[0].Body != "Someone from the shop will answer here." {
		t.Errorf("said in return: %+v (no unavailable message in this mode)", out)
	}
	if hs := r.handoffs(t, c); len(hs) != 1 || hs[0].Outcome != inbox.LeftUnassigned || hs[0].Cause != inbox.CauseVisitor {
		t.Errorf("handoffs = %+v", hs)
	}
	if got := r.ids(t, inbox.Filter{View: inbox.ViewUnassigned}); !slices.Equal(got, []int64{c.ID}) {
		t.Errorf("Unassigned = %v", got)
	}
}

func TestHandoffModeStayKeepsTheAI(t *testing.T) {
	r := newRouting(t)
	r.online(t, r.ann)
	sub := r.svc.Hub.Subscribe(inbox.Topic{Workspace: r.ws}, nil)
	defer sub.Close()
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID, Handoff: channel.Stay, HandoffUsers: []int64{r.ann},
		HandoffMessage: "not said when staying", UnavailableMessage: "We read everything and answer within a day."})
	c, out := r.visit(t, ch, askHuman)
	if !c.AIActive || c.AssigneeID != 0 || c.TeamID != 0 {
		t.Fatalf("conversation = %+v", c)
	}
	if len(out) != 2 || out[0].Author != agent.AuthorBot || out[0].Body == "not said when staying" ||
		out[1].Author != inbox.AuthorSystem || out[1].Body != "We read everything and answer within a day." {
		t.Errorf("said in return: %+v", out)
	}
	if hs := r.handoffs(t, c); len(hs) != 1 || hs[0].Outcome != inbox.StayedWithTheBot {
		t.Errorf("handoffs = %+v", hs)
	}
	// The AI still has it: in All only.
	for _, v := range []inbox.View{inbox.ViewUnassigned, inbox.ViewUnreplied, inbox.ViewUnread, inbox.ViewMine} {
		if got := r.ids(t, inbox.Filter{View: v, UserID: r.ann}); len(got) != 0 {
			t.Errorf("view %s = %v, want empty", v, got)
		}
	}
	if got := r.ids(t, inbox.Filter{View: inbox.ViewAll}); !slices.Equal(got, []int64{c.ID}) {
		t.Errorf("All = %v", got)
	}
	// Its next message is answered by the AI again.
	_, more, err := r.svc.VisitorMessage(r.ctx, ch, r.get(t, c.ID), "Do you sell gift cards?", "en")
	if err != nil || len(more) != 1 || more[0].Author != agent.AuthorBot || more[0].AI.Decision != agent.Answer {
		t.Errorf("next message: %+v %v", more, err)
	}
	// Everything was told to the staff: messages, tokens, the conversation change.
	kinds := map[inbox.EventKind]int{}
	events, _ := sub.Take()
	for _, e := range events {
		if e.ConversationID != c.ID {
			t.Errorf("event of conversation %d", e.ConversationID)
		}
		kinds[e.Kind]++
	}
	if kinds[inbox.EventMessage] != 5 || kinds[inbox.EventConversation] != 1 {
		t.Errorf("events = %v", kinds)
	}
}

func TestCloseInactiveAfter24Hours(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID})
	short := r.channel(t, channel.Input{Name: "Short", AgentID: r.agent.ID, CloseAfter: 2 * time.Hour})
	idle, _ := r.visit(t, ch, "Do you sell gift cards?")
	quick, _ := r.visit(t, short, "Do you sell gift cards?")
	// WhatsApp conversations close after a day too; an email thread stays open for its replies.
	var others []inbox.Conversation
	for _, k := range []channel.Kind{channel.WhatsApp, channel.Email} {
		c, err := r.inbox.Create(r.ctx, r.ws, inbox.NewConversation{ChannelID: r.channel(t, channel.Input{Kind: k, Name: string(k)}).ID, Channel: string(k)})
		if err != nil {
			t.Fatal(err)
		}
		others = append(others, c)
	}
	r.clock.add(3 * time.Hour)
	busy, _ := r.visit(t, ch, "Do you sell gift cards?")

	closedIDs := func() []int64 {
		t.Helper()
		if err := r.svc.CloseInactive(r.ctx); err != nil {
			t.Fatal(err)
		}
		return r.ids(t, inbox.Filter{View: inbox.ViewClosed})
	}
	// After 3 hours: only the conversation of the channel that closes after 2.
	if got := closedIDs(); !slices.Equal(got, []int64{quick.ID}) {
		t.Fatalf("closed after 3 h = %v, want %v", got, []int64{quick.ID})
	}
	r.clock.add(21*time.Hour + time.Second) // 24 h and a second after the first
	if got, want := closedIDs(), []int64{others[0].ID, quick.ID, idle.ID}; !slices.Equal(got, want) {
		t.Fatalf("closed after 24 h = %v, want %v", got, want)
	}
	if c := r.get(t, idle.ID); c.Status != "closed" || c.ClosedAt.IsZero() || c.Awaiting {
		t.Errorf("closed conversation = %+v", c)
	}
	if c := r.get(t, busy.ID); c.Status != "open" {
		t.Errorf("the busier one closed: %+v", c)
	}
	// A new message from the visitor of a closed conversation starts a new one.
	v, err := r.inbox.VisitorConversation(r.ctx, inbox.Visitor{ID: idle.VisitorID, WorkspaceID: r.ws})
	if err != nil || v.ID != idle.ID {
		t.Fatalf("visitor's conversation = %+v %v", v, err)
	}
	again, err := r.inbox.OpenConversation(r.ctx, ch, inbox.Visitor{ID: idle.VisitorID, WorkspaceID: r.ws, ChannelID: ch.ID}, true)
	if err != nil || again.ID == idle.ID || again.Status != "open" {
		t.Errorf("reopening visitor: %+v %v", again, err)
	}
}

func TestManualReassignmentIsRecorded(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID, Handoff: channel.Unassigned})
	c, _ := r.visit(t, ch, askHuman)
	r.clock.add(time.Minute)
	if err := r.svc.Assign(r.ctx, r.ws, c.ID, r.owner, r.ann, 0); err != nil {
		t.Fatal(err)
	}
	if got := r.get(t, c.ID); got.AssigneeID != r.ann || got.TeamID != 0 {
		t.Fatalf("after assigning to Ann: %+v", got)
	}
	if err := r.svc.Assign(r.ctx, r.ws, c.ID, r.ann, 0, r.team); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Assign(r.ctx, r.ws, c.ID, r.ann, 0, 0); err != nil {
		t.Fatal(err)
	}
	hs := r.handoffs(t, c)
	if len(hs) != 4 {
		t.Fatalf("handoffs = %+v", hs)
	}
	want := []inbox.Handoff{
		{Cause: inbox.CauseVisitor, Outcome: inbox.LeftUnassigned},
		{Cause: inbox.CauseManual, Outcome: inbox.Assigned, ToUserID: r.ann, ByUserID: r.owner},
		{Cause: inbox.CauseManual, Outcome: inbox.LeftUnassigned, ToTeamID: r.team, ByUserID: r.ann},
		{Cause: inbox.CauseManual, Outcome: inbox.LeftUnassigned, ByUserID: r.ann},
	}
	for i, w := range want {
		h := hs[i]
		if h.Cause != w.Cause || h.Outcome != w.Outcome || h.ToUserID != w.ToUserID || h.ToTeamID != w.ToTeamID || h.ByUserID != w.ByUserID {
			t.Errorf("handoff %d = %+v, want %+v", i, h, w)
		}
	}
	if got := r.get(t, c.ID); got.AssigneeID != 0 || got.TeamID != 0 {
		t.Errorf("after unassigning: %+v", got)
	}
	// Someone of another workspace, or a made-up team, is refused.
	if err := r.svc.Assign(r.ctx, r.ws, c.ID, r.owner, 9999, 0); err == nil {
		t.Error("assigned to a non-member")
	}
	if err := r.svc.Assign(r.ctx, r.ws, c.ID, r.owner, 0, 9999); err == nil {
		t.Error("assigned to a missing team")
	}
}

func TestChannelWithoutAgentRoutesTheFirstMessage(t *testing.T) {
	r := newRouting(t)
	r.online(t, r.bo)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.bo}})
	c, out := r.visit(t, ch, "Hello, is anyone there?")
	if c.AgentID != 0 || c.AIActive || c.AssigneeID != r.bo {
		t.Fatalf("conversation = %+v", c)
	}
	if len(out) != 0 {
		t.Errorf("said in return: %+v", out)
	}
	hs := r.handoffs(t, c)
	if len(hs) != 1 || hs[0].Cause != inbox.CauseAutomation || hs[0].Outcome != inbox.Assigned || hs[0].ToUserID != r.bo {
		t.Fatalf("handoffs = %+v", hs)
	}
	// The next message is not routed again.
	if _, out, err := r.svc.VisitorMessage(context.Background(), ch, r.get(t, c.ID), "Hello?", "en"); err != nil || len(out) != 0 {
		t.Fatalf("second message: %+v %v", out, err)
	}
	if hs := r.handoffs(t, c); len(hs) != 1 {
		t.Errorf("handoffs after the second message = %+v", hs)
	}
	if got := authors(r.messages(t, c)); !slices.Equal(got, []agent.Author{agent.AuthorVisitor, agent.AuthorVisitor}) {
		t.Errorf("messages = %v", got)
	}
	if got := r.ids(t, inbox.Filter{View: inbox.ViewMine, UserID: r.bo}); !slices.Equal(got, []int64{c.ID}) {
		t.Errorf("Bo's Mine = %v", got)
	}
}

// TestVisitorMessageToPeopleIsOneWrite: a customer's message in a conversation people
// handle takes no claim (only the AI's are claimed), and records that the visitor is
// around, in their language, in the message's own transaction.
func TestVisitorMessageToPeopleIsOneWrite(t *testing.T) {
	r := newRouting(t)
	r.online(t, r.bo)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.bo}})
	c, _ := r.visit(t, ch, "Hello, is anyone there?")
	refuse := func(table, event string) func() {
		t.Helper()
		if _, err := r.db.Write.Exec("CREATE TRIGGER refuse BEFORE " + event + " ON " + table + " BEGIN SELECT RAISE(ABORT, 'refused'); END"); err != nil {
			t.Fatal(err)
		}
		return func() {
			if _, err := r.db.Write.Exec("DROP TRIGGER refuse"); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen := func() (at int64, lang string) {
		t.Helper()
		if err := r.db.Read.QueryRow("SELECT last_seen_at, lang FROM visitors WHERE id = ?", c.VisitorID).Scan(&at, &lang); err != nil {
			t.Fatal(err)
		}
		return at, lang
	}

	allow := refuse("answer_claims", "INSERT")
	r.clock.add(time.Minute)
	if _, _, err := r.svc.VisitorMessage(r.ctx, ch, r.get(t, c.ID), "Hallo?", "de-DE"); err != nil {
		t.Fatalf("a message to people took a claim: %v", err)
	}
	allow()
	if at, lang := seen(); at != r.clock.now().Unix() || lang != "de" {
		t.Errorf("visitor seen at %d in %q, want %d in de", at, lang, r.clock.now().Unix())
	}

	allow = refuse("visitors", "UPDATE")
	defer allow()
	if _, _, err := r.svc.VisitorMessage(r.ctx, ch, r.get(t, c.ID), "Anyone?", "en"); err == nil {
		t.Fatal("stored while the visitor could not be updated")
	}
	if n := len(r.messages(t, c)); n != 2 {
		t.Errorf("%d messages, want 2: the message without its visitor's update was kept", n)
	}
}
