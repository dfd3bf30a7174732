package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

const offHoursReply = "We open at nine, Monday to Friday."

// botAtNight saves, through the settings page, a bot that works outside Oslo office
// hours with today and tomorrow closed, so that it is on duty whenever the test runs,
// and returns a people-only chat channel (the owner, offline, takes its handoffs).
func (e *env) botAtNight(t *testing.T, a agent.Agent, origins ...string) channel.Channel {
	t.Helper()
	b := e.ownerBrowser()
	if res := b.get(e.path("settings/bot")); res.status != http.StatusOK || !strings.Contains(res.body, `data-testid="bot-settings"`) {
		t.Fatalf("settings page: %d", res.status)
	}
	oslo, _ := time.LoadLocation("Europe/Oslo")
	now := time.Now().In(oslo)
	form := url.Values{"enabled": {"1"}, "hours": {"off_hours"}, "agent": {ids.Encode(a.ID)}, "time_zone": {"Europe/Oslo"},
		"closed":          {now.Format(time.DateOnly) + "\n" + now.AddDate(0, 0, 1).Format(time.DateOnly)},
		"off_hours_reply": {offHoursReply}}
	for d := 1; d <= 5; d++ {
		form.Set("day"+string(rune('0'+d)), "09:00-17:00")
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("day1", "9-5")
	if res := b.post(e.path("settings/bot"), bad); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "write hours as 09:00-17:00") {
		t.Errorf("bad hours: %d", res.status)
	}
	if res := b.post(e.path("settings/bot"), form); res.status != http.StatusOK || !strings.Contains(res.body, "Bot settings saved.") {
		t.Fatalf("save: %d %s", res.status, res.url)
	}
	saved, err := e.service.Store.Bot(context.Background(), e.wsID)
	if err != nil || !saved.Enabled || !saved.OffHoursOnly || saved.AgentID != a.ID || len(saved.Schedule.Closed) != 2 ||
		inbox.FormatHours(saved.Schedule.Week[time.Wednesday]) != "09:00-17:00" || saved.OffHoursReply != offHoursReply {
		t.Fatalf("saved %+v, %v", saved, err)
	}
	return e.createChannel(channel.Input{Name: "Website", AllowedOrigins: origins, HandoffUsers: []int64{e.ownerID()}})
}

func TestBotAnswersVisitorsAtNight(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	e.replyWith(giftReply)
	ch := e.botAtNight(t, e.createAgent("Ava"), "https://shop.example")
	v := e.widgetVisitor(ch, "https://shop.example")
	v.start()
	v.open()

	// Confident: the bot answers, labelled for the visitor, who may rate it.
	_, sent := v.say(giftQuestion)
	if len(sent.Replies) != 1 || sent.Replies[0].Author != "bot" || sent.Replies[0].Label != "Sent by the chat assistant" || !sent.Replies[0].Rate {
		t.Fatalf("replies %+v", sent.Replies)
	}
	// Not: the fallback, then the off-hours reply, both labelled, neither rated.
	_, sent = v.say("Which planets have rings?")
	if len(sent.Replies) != 2 || sent.Replies[0].Text != agent.Say("en", agent.PhraseOffline) || sent.Replies[1].Text != offHoursReply ||
		sent.Replies[0].Label == "" || sent.Replies[1].Rate {
		t.Fatalf("replies %+v", sent.Replies)
	}
	// Staff see which messages the bot sent, and the conversation waits in Unreplied.
	var conv int64
	if err := e.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	page := e.ownerBrowser().get(e.path("inbox/" + ids.Encode(conv)))
	for _, want := range []string{`data-kind="bot_answer"`, `data-kind="fallback"`, `data-kind="off_hours"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("conversation page lacks %s", want)
		}
	}
	unreplied, err := e.service.Store.List(context.Background(), e.wsID, inbox.Filter{View: inbox.ViewUnreplied})
	if err != nil || len(unreplied) != 1 || unreplied[0].ID != conv {
		t.Errorf("Unreplied: %+v, %v", unreplied, err)
	}
}
