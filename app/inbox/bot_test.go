package inbox_test

import (
	"database/sql"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
)

// Questions the fixture's knowledge answers, and one it does not (assist_test.go too).
const (
	giftCards = "Do you sell gift cards?"
	unknown   = "Which planets have rings?"
)

// bot turns on the workspace's bot with the fixture's agent.
func (r *routing) bot(t testing.TB, b inbox.Bot) {
	t.Helper()
	b.WorkspaceID, b.Enabled, b.AgentID = r.ws, true, r.agent.ID
	if b.TimeZone == "" {
		b.TimeZone = "UTC"
	}
	if err := r.inbox.SaveBot(r.ctx, b); err != nil {
		t.Fatal(err)
	}
}

// say has the customer of c write again.
func (r *routing) say(t *testing.T, ch channel.Channel, c inbox.Conversation, text, lang string) []inbox.Message {
	t.Helper()
	_, out, err := r.svc.VisitorMessage(r.ctx, ch, r.get(t, c.ID), text, lang)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (r *routing) kinds(t *testing.T, out []inbox.Message) []inbox.Automatic {
	t.Helper()
	var ks []inbox.Automatic
	for _, m := range out {
		k, err := r.inbox.AutomaticOf(r.ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
	}
	return ks
}

func TestBotStartsWhenEveryoneOnlineIsAtCapacity(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann, r.bo}}) // people only
	r.bot(t, inbox.Bot{})
	r.online(t, r.ann)

	// Ann has room: the conversation is hers, and the bot says nothing.
	c, out := r.visit(t, ch, giftCards)
	if c.AssigneeID != r.ann || len(out) != 0 {
		t.Fatalf("with Ann free: assignee %d, said %+v", c.AssigneeID, out)
	}
	// Ann is full: the next customer queues, and the bot answers, confident.
	if err := r.inbox.SetCapacity(r.ctx, r.ws, r.ann, 1); err != nil {
		t.Fatal(err)
	}
	r.clock.add(time.Minute)
	c, out = r.visit(t, ch, giftCards)
	if len(out) != 1 || out[0].Author != agent.AuthorBot || out[0].AI == nil || out[0].AI.Decision != agent.Answer {
		t.Fatalf("with Ann full, said %+v", out)
	}
	if ks := r.kinds(t, out); !slices.Equal(ks, []inbox.Automatic{inbox.AutoAnswer}) {
		t.Errorf("kinds %v", ks)
	}
	if c.Awaiting || slices.Contains(r.ids(t, inbox.Filter{View: inbox.ViewUnreplied}), c.ID) {
		t.Errorf("answered by the bot, yet Unreplied: %+v", c)
	}
	// Ann's own customer writes again: she is online and has the conversation, so the bot
	// keeps out of it although she is full.
	first := r.ids(t, inbox.Filter{View: inbox.ViewAll})
	mine := first[len(first)-1]
	if out := r.say(t, ch, r.get(t, mine), giftCards, "en"); len(out) != 0 {
		t.Errorf("Ann's conversation got %+v", out)
	}
	// Ann leaves: no one is online, and the bot answers her conversation too.
	if err := r.svc.SetOnline(r.ctx, r.ws, r.ann, false); err != nil {
		t.Fatal(err)
	}
	if out := r.say(t, ch, r.get(t, mine), "gift cards please", "en"); len(out) != 1 || out[0].Author != agent.AuthorBot {
		t.Errorf("with no one online, Ann's conversation got %+v", out)
	}
	// Off: the usual path (no one available).
	if err := r.inbox.SaveBot(r.ctx, inbox.Bot{WorkspaceID: r.ws, AgentID: r.agent.ID, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	if _, out := r.visit(t, ch, giftCards); len(out) != 1 || out[0].Body != agent.Say("en", agent.PhraseUnavailable) {
		t.Errorf("bot off: said %+v", out)
	}
}

// officeHours are Monday to Friday 09:00–17:00 in Oslo, closed on Good Friday 2026.
func officeHours(t *testing.T) inbox.Bot {
	t.Helper()
	day, err := inbox.ParseHours("09:00-12:00, 12:30-17:00")
	if err != nil {
		t.Fatal(err)
	}
	closed, err := inbox.ParseClosed("2026-04-03")
	if err != nil {
		t.Fatal(err)
	}
	b := inbox.Bot{Enabled: true, OffHoursOnly: true, TimeZone: "Europe/Oslo", Schedule: inbox.Schedule{Closed: closed}}
	for d := time.Monday; d <= time.Friday; d++ {
		b.Schedule.Week[d] = day
	}
	return b
}

func TestBotScheduleAcrossDaylightSaving(t *testing.T) {
	b := officeHours(t)
	for _, c := range []struct {
		at   string // UTC
		duty bool
	}{
		{"2026-03-27T08:30:00Z", false}, // Friday 09:30 CET: open
		{"2026-03-27T07:30:00Z", true},  // Friday 08:30 CET: not yet
		{"2026-03-27T11:15:00Z", true},  // Friday 12:15 CET: lunch
		{"2026-03-27T15:59:00Z", false}, // Friday 16:59 CET
		{"2026-03-27T16:00:00Z", true},  // Friday 17:00 CET: closed
		{"2026-03-29T10:00:00Z", true},  // Sunday, the day clocks go forward
		{"2026-03-30T07:30:00Z", false}, // Monday 09:30 CEST: the same UTC time as Friday's 08:30 is now open
		{"2026-03-30T06:59:00Z", true},  // Monday 08:59 CEST
		{"2026-03-30T15:00:00Z", true},  // Monday 17:00 CEST
		{"2026-04-03T10:00:00Z", true},  // Good Friday: closed all day
		{"2026-10-23T14:30:00Z", false}, // Friday 16:30 CEST
		{"2026-10-23T15:30:00Z", true},  // Friday 17:30 CEST: closed
		{"2026-10-26T15:30:00Z", false}, // Monday 16:30 CET (clocks went back): the same UTC time is now open
		{"2026-10-26T15:59:00Z", false},
		{"2026-10-26T16:00:00Z", true},
	} {
		at, err := time.Parse(time.RFC3339, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.OnDuty(at); got != c.duty {
			t.Errorf("%s (%s in Oslo): on duty %v, want %v", c.at, at.In(b.Location()).Format("Mon 15:04 MST"), got, c.duty)
		}
	}
}

func TestBotWorksOnlyOutsideWorkingHours(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann}})
	r.bot(t, officeHours(t))
	// Monday 09:30 in Oslo after the spring change: working hours, no one online, the
	// usual notice.
	r.clock.t = time.Date(2026, 3, 30, 7, 30, 0, 0, time.UTC)
	if _, out := r.visit(t, ch, giftCards); len(out) != 1 || out[0].Author != inbox.AuthorSystem || out[0].Body != agent.Say("en", agent.PhraseUnavailable) {
		t.Errorf("in working hours: said %+v", out)
	}
	// 08:59 the same day: the bot answers.
	r.clock.t = time.Date(2026, 3, 30, 6, 59, 0, 0, time.UTC)
	if _, out := r.visit(t, ch, giftCards); len(out) != 1 || out[0].Author != agent.AuthorBot {
		t.Errorf("before opening: said %+v", out)
	}
}

func TestBotFallbackThenOffHoursReply(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann}})
	b := officeHours(t)
	b.OffHoursReply = "Our opening hours are 9 to 17, Monday to Friday."
	r.bot(t, b)
	r.clock.t = time.Date(2026, 3, 31, 22, 0, 0, 0, time.UTC) // midnight in Oslo

	c, out := r.visit(t, ch, unknown)
	if len(out) != 2 || out[0].Body != agent.Say("en", agent.PhraseOffline) || out[1].Body != b.OffHoursReply {
		t.Fatalf("said %+v", out)
	}
	if ks := r.kinds(t, out); !slices.Equal(ks, []inbox.Automatic{inbox.AutoFallback, inbox.AutoOffHours}) {
		t.Errorf("kinds %v", ks)
	}
	if !slices.Contains(r.ids(t, inbox.Filter{View: inbox.ViewUnreplied}), c.ID) || !slices.Contains(r.ids(t, inbox.Filter{View: inbox.ViewUnassigned}), c.ID) {
		t.Errorf("not waiting in Unreplied and Unassigned: %+v", c)
	}
	// Once: the customer writes again, and waits for a person without more notices.
	if out := r.say(t, ch, c, "And which have moons?", "en"); len(out) != 0 {
		t.Errorf("again: said %+v", out)
	}
	// In the customer's language, when the workspace kept the default wording.
	r.clock.add(time.Minute)
	if _, out := r.visitIn(t, ch, "Quelles planètes ont des anneaux ?", "fr"); len(out) != 2 || out[0].Body != agent.Say("fr", agent.PhraseOffline) {
		t.Errorf("in French: said %+v", out)
	}
	// The morning: Ann comes online and has room, and the customer's next message is
	// the people's, as usual (the conversation waits for them in Unassigned).
	r.clock.t = time.Date(2026, 4, 1, 7, 30, 0, 0, time.UTC)
	r.online(t, r.ann)
	if out := r.say(t, ch, c, "Hello?", "en"); len(out) != 0 {
		t.Errorf("in the morning: said %+v", out)
	}
}

func TestWaitingConversationsHandedOutWhenSomeoneComesOnline(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann}})
	kept := r.channel(t, channel.Input{Name: "Unassigned", Handoff: channel.Unassigned})
	r.bot(t, inbox.Bot{})
	first, _ := r.visit(t, ch, unknown)
	r.clock.add(time.Minute)
	second, _ := r.visit(t, ch, "Which moons have oceans?")
	answered, _ := r.visit(t, ch, giftCards) // the bot answered: no one waits
	other, _ := r.visit(t, kept, unknown)    // its channel leaves conversations unassigned
	if err := r.inbox.SetCapacity(r.ctx, r.ws, r.ann, 1); err != nil {
		t.Fatal(err)
	}

	// Bo is no candidate of the channel: nothing moves.
	r.online(t, r.bo)
	if got := r.get(t, first.ID); got.AssigneeID != 0 {
		t.Fatalf("handed to a person who is not a candidate: %+v", got)
	}
	// Ann comes online with room for one: the conversation waiting longest is hers, as a
	// handoff would have given it, and she is not given more than she takes.
	r.online(t, r.ann)
	if got := r.get(t, first.ID); got.AssigneeID != r.ann || !got.Awaiting {
		t.Errorf("first waiting conversation: %+v", got)
	}
	if hs := r.handoffs(t, first); len(hs) != 2 || hs[1].Outcome != inbox.Assigned || hs[1].ToUserID != r.ann || hs[1].Cause != inbox.CauseAutomation {
		t.Errorf("handoffs %+v", hs)
	}
	for _, c := range []inbox.Conversation{second, answered, other} {
		if got := r.get(t, c.ID); got.AssigneeID != 0 {
			t.Errorf("conversation %d handed out: %+v", c.ID, got)
		}
	}
	// With more room, going online again hands out the next one.
	if err := r.inbox.SetCapacity(r.ctx, r.ws, r.ann, 5); err != nil {
		t.Fatal(err)
	}
	r.online(t, r.ann)
	if got := r.get(t, second.ID); got.AssigneeID != r.ann {
		t.Errorf("second waiting conversation: %+v", got)
	}
	if got := r.get(t, answered.ID); got.AssigneeID != 0 {
		t.Errorf("the bot's answered conversation handed out: %+v", got)
	}
}

// visitIn is visit in a language.
func (r *routing) visitIn(t *testing.T, ch channel.Channel, text, lang string) (inbox.Conversation, []inbox.Message) {
	t.Helper()
	v, _, err := r.inbox.NewVisitor(r.ctx, ch, lang)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.inbox.OpenConversation(r.ctx, ch, v, false)
	if err != nil {
		t.Fatal(err)
	}
	return c, r.say(t, ch, c, text, lang)
}

func TestBotStopsRatherThanRepeatItself(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann}})
	r.bot(t, inbox.Bot{})

	c, out := r.visit(t, ch, giftCards)
	if len(out) != 1 || out[0].Author != agent.AuthorBot {
		t.Fatalf("first: said %+v", out)
	}
	// The same question: the same answer would go out again. The bot stops, a note
	// tells staff, and the customer gets the fallback.
	out = r.say(t, ch, c, giftCards, "en")
	if len(out) != 1 || out[0].Body != agent.Say("en", agent.PhraseOffline) {
		t.Fatalf("second: said %+v", out)
	}
	msgs := r.messages(t, c)
	var notes int
	for _, m := range msgs {
		if m.Author == inbox.AuthorNote {
			notes++
			if k, _ := r.inbox.AutomaticOf(r.ctx, m.ID); k != inbox.AutoStopped {
				t.Errorf("note %q is %q", m.Body, k)
			}
		}
	}
	if notes != 1 {
		t.Errorf("%d notes to staff, want 1: %v", notes, authors(msgs))
	}
	// Stopped: a third message waits for people, Unreplied.
	if out := r.say(t, ch, c, "gift cards?", "en"); len(out) != 0 {
		t.Errorf("third: said %+v", out)
	}
	if !slices.Contains(r.ids(t, inbox.Filter{View: inbox.ViewUnreplied}), c.ID) {
		t.Error("stopped conversation is not in Unreplied")
	}
}

func TestSaveBotChecks(t *testing.T) {
	r := newRouting(t)
	for _, b := range []inbox.Bot{
		{WorkspaceID: r.ws, Enabled: true, TimeZone: "UTC"},                                          // no agent
		{WorkspaceID: r.ws, AgentID: r.agent.ID, TimeZone: "Mars/Olympus"},                           // no such zone
		{WorkspaceID: r.ws, Enabled: true, OffHoursOnly: true, AgentID: r.agent.ID, TimeZone: "UTC"}, // no hours
		{WorkspaceID: r.ws, AgentID: r.agent.ID + 100, TimeZone: "UTC"},                              // another agent
	} {
		if err := r.inbox.SaveBot(r.ctx, b); err == nil {
			t.Errorf("saved %+v", b)
		}
	}
	b := officeHours(t)
	b.WorkspaceID, b.AgentID, b.Label = r.ws, r.agent.ID, "Sent by Shopbot"
	if err := r.inbox.SaveBot(r.ctx, b); err != nil {
		t.Fatal(err)
	}
	got, err := r.inbox.Bot(r.ctx, r.ws)
	if err != nil || got.Label != b.Label || !got.OffHoursOnly || got.TimeZone != "Europe/Oslo" || inbox.FormatHours(got.Schedule.Week[time.Monday]) != "09:00-12:00, 12:30-17:00" ||
		!slices.Equal(got.Schedule.Closed, []string{"2026-04-03"}) {
		t.Errorf("read back %+v, %v", got, err)
	}
	for _, bad := range []string{"9-17", "17:00-09:00", "09:00-25:00", "09:60-10:00"} {
		if _, err := inbox.ParseHours(bad); err == nil {
			t.Errorf("ParseHours(%q) accepted", bad)
		}
	}
}

// A channel's message (email, WhatsApp, Messenger) is answered in a job that claims it
// first: the bot answers there too, and ends the claim whether it answers or not.
func TestBotAnswersQueuedChannelMessages(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann}})
	r.bot(t, inbox.Bot{})
	for _, c := range []struct {
		text string
		want agent.Author
	}{{giftCards, agent.AuthorBot}, {unknown, inbox.AuthorSystem}} {
		v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
		if err != nil {
			t.Fatal(err)
		}
		conv, err := r.inbox.OpenConversation(r.ctx, ch, v, false)
		if err != nil {
			t.Fatal(err)
		}
		m, err := r.svc.ChannelMessage(r.ctx, ch, conv, c.text, "en", "", func(*sql.Tx, int64) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		job, _ := json.Marshal(map[string]int64{"workspace_id": r.ws, "conversation_id": conv.ID, "message_id": m.ID})
		if err := r.svc.AnswerQueued(r.ctx, job); err != nil {
			t.Fatal(err)
		}
		if got := authors(r.messages(t, conv)); !slices.Equal(got, []agent.Author{agent.AuthorVisitor, c.want}) {
			t.Errorf("%q: messages by %v", c.text, got)
		}
		if n := r.claims(t); n != 0 {
			t.Errorf("%q: %d claims left", c.text, n)
		}
	}
}

// A greeting gets the bot's greeting, recorded as one: it resolves nothing.
func TestBotMarksGreetings(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{HandoffUsers: []int64{r.ann}})
	r.bot(t, inbox.Bot{})
	c, out := r.visit(t, ch, "Hello!")
	if ks := r.kinds(t, out); !slices.Equal(ks, []inbox.Automatic{inbox.AutoGreeting}) || out[0].Author != agent.AuthorBot {
		t.Fatalf("said %+v (kinds %v)", out, ks)
	}
	if out := r.say(t, ch, c, giftCards, "en"); !slices.Equal(r.kinds(t, out), []inbox.Automatic{inbox.AutoAnswer}) {
		t.Errorf("then said %+v", out)
	}
}
