package inbox_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/usererr"
)

func TestTags(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{})
	a, _ := r.visit(t, ch, "Where is my refund?")
	b, _ := r.visit(t, ch, "Do you sell gift cards?")

	names, err := inbox.ParseTags(" refund , VIP  customer,Refund,,")
	if err != nil || !slices.Equal(names, []string{"refund", "VIP customer"}) {
		t.Fatalf("ParseTags = %q, %v", names, err)
	}
	if _, err := inbox.ParseTags(strings.Repeat("é", inbox.MaxTagName+1)); err == nil {
		t.Error("a tag name too long was accepted")
	}
	if err := r.inbox.SetTags(r.ctx, r.ws, a.ID, names); err != nil {
		t.Fatal(err)
	}
	// The same name in another case is the same tag.
	if err := r.inbox.SetTags(r.ctx, r.ws, b.ID, []string{"REFUND"}); err != nil {
		t.Fatal(err)
	}
	all, err := r.inbox.Tags(r.ctx, r.ws)
	if err != nil || len(all) != 2 {
		t.Fatalf("workspace tags = %v, %v; want refund and VIP customer", all, err)
	}
	vip, err := r.inbox.TagByName(r.ctx, r.ws, "vip CUSTOMER")
	if err != nil {
		t.Fatal(err)
	}
	refund, err := r.inbox.TagByName(r.ctx, r.ws, "refund")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.ids(t, inbox.Filter{View: inbox.ViewAll, TagID: vip.ID}); !slices.Equal(got, []int64{a.ID}) {
		t.Errorf("tagged VIP: %v, want [%d]", got, a.ID)
	}
	if got := r.ids(t, inbox.Filter{View: inbox.ViewAll, TagID: refund.ID}); len(got) != 2 {
		t.Errorf("tagged refund: %v, want both", got)
	}
	many, err := r.inbox.TagsOfMany(r.ctx, []int64{a.ID, b.ID})
	if err != nil || len(many[a.ID]) != 2 || len(many[b.ID]) != 1 || many[b.ID][0].Name != "refund" {
		t.Errorf("TagsOfMany = %v, %v", many, err)
	}
	// Replacing: a's tags become only VIP.
	if err := r.inbox.SetTags(r.ctx, r.ws, a.ID, []string{"vip customer"}); err != nil {
		t.Fatal(err)
	}
	if got := r.ids(t, inbox.Filter{View: inbox.ViewAll, TagID: refund.ID}); !slices.Equal(got, []int64{b.ID}) {
		t.Errorf("after replacing a's tags, tagged refund: %v, want [%d]", got, b.ID)
	}
	// Another workspace's conversation cannot be tagged from this one, nor its tags seen.
	other, err := r.accts.CreateWorkspace(r.ctx, "Other", r.owner)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.inbox.SetTags(r.ctx, other.ID, a.ID, []string{"spam"}); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("tagging another workspace's conversation: %v, want ErrNotFound", err)
	}
	if _, err := r.inbox.TagByName(r.ctx, other.ID, "refund"); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("another workspace's tag by name: %v, want ErrNotFound", err)
	}
}

func TestSnooze(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{})
	c, _ := r.visit(t, ch, "Where is my refund?")
	in := func(v inbox.View) bool { return slices.Contains(r.ids(t, inbox.Filter{View: v}), c.ID) }

	var ie *usererr.InputError
	if err := r.svc.Snooze(r.ctx, r.ws, c.ID, r.clock.now().Add(-time.Minute)); !errors.As(err, &ie) {
		t.Errorf("snooze into the past: %v, want an input error", err)
	}
	if err := r.svc.Snooze(r.ctx, r.ws, c.ID, r.clock.now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if in(inbox.ViewAll) || !in(inbox.ViewSnoozed) {
		t.Fatalf("snoozed: in All %v, in Snoozed %v; want only Snoozed", in(inbox.ViewAll), in(inbox.ViewSnoozed))
	}
	// The inactivity closing leaves a snoozed conversation alone.
	r.clock.add(time.Hour + 59*time.Minute)
	if err := r.svc.CloseInactive(r.ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Wake(r.ctx); err != nil {
		t.Fatal(err)
	}
	if !in(inbox.ViewSnoozed) {
		t.Fatal("woken a minute before its time")
	}
	r.clock.add(time.Minute)
	if err := r.svc.Wake(r.ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.get(t, c.ID); !got.SnoozedUntil.IsZero() || !got.Unread || got.Status != "open" {
		t.Fatalf("after its time: snoozed until %v, unread %v, %s; want awake, unread and open", got.SnoozedUntil, got.Unread, got.Status)
	}
	if !in(inbox.ViewAll) || in(inbox.ViewSnoozed) {
		t.Error("a woken conversation is not back in All")
	}

	// The customer writing wakes it at once.
	if err := r.svc.Snooze(r.ctx, r.ws, c.ID, r.clock.now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.svc.VisitorMessage(r.ctx, ch, r.get(t, c.ID), "Any news?", "en"); err != nil {
		t.Fatal(err)
	}
	if !in(inbox.ViewAll) || !r.get(t, c.ID).SnoozedUntil.IsZero() {
		t.Error("the customer's message did not wake the conversation")
	}

	// Closing ends a snooze; a closed conversation cannot be snoozed.
	if err := r.svc.Snooze(r.ctx, r.ws, c.ID, r.clock.now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.SetStatus(r.ctx, r.ws, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if !r.get(t, c.ID).SnoozedUntil.IsZero() || in(inbox.ViewSnoozed) {
		t.Error("a closed conversation stays snoozed")
	}
	if err := r.svc.Snooze(r.ctx, r.ws, c.ID, r.clock.now().Add(time.Hour)); !errors.As(err, &ie) {
		t.Errorf("snoozing a closed conversation: %v, want an input error", err)
	}
	if err := r.svc.Snooze(r.ctx, r.ws+100, c.ID, r.clock.now().Add(time.Hour)); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("snoozing from another workspace: %v, want ErrNotFound", err)
	}
}

func TestBulk(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{})
	a, _ := r.visit(t, ch, "First question")
	b, _ := r.visit(t, ch, "Second question")
	other, err := r.accts.CreateWorkspace(r.ctx, "Other", r.owner)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := r.inbox.Create(r.ctx, other.ID, inbox.NewConversation{Channel: "chat"})
	if err != nil {
		t.Fatal(err)
	}
	preview, err := r.inbox.Create(r.ctx, r.ws, inbox.NewConversation{Channel: "chat", Preview: true, CreatedBy: r.owner})
	if err != nil {
		t.Fatal(err)
	}
	// One conversation of another workspace, or a preview, among them: nothing changes.
	for _, bad := range []int64{foreign.ID, preview.ID, 1 << 40} {
		n, err := r.svc.Bulk(r.ctx, r.ws, r.owner, []int64{a.ID, bad, b.ID}, inbox.BulkAction{Close: true})
		if !errors.Is(err, inbox.ErrNotFound) || n != 0 {
			t.Errorf("bulk close with %d: %d, %v; want 0, ErrNotFound", bad, n, err)
		}
	}
	if r.get(t, a.ID).Status != "open" || r.get(t, b.ID).Status != "open" {
		t.Fatal("a refused bulk action changed conversations")
	}
	if got, _ := r.inbox.Get(r.ctx, other.ID, foreign.ID); got.Status != "open" {
		t.Fatal("a bulk action reached another workspace")
	}
	var ie *usererr.InputError
	if _, err := r.svc.Bulk(r.ctx, r.ws, r.owner, []int64{a.ID}, inbox.BulkAction{}); !errors.As(err, &ie) {
		t.Errorf("bulk without an action: %v", err)
	}
	// Assigning to someone who is not a member of the workspace is refused.
	stranger, _, err := r.accts.AddMember(r.ctx, other.ID, account.NewUser{Email: "s@example.com", Name: "Stranger", Password: "long password"}, account.RoleAgent, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Bulk(r.ctx, r.ws, r.owner, []int64{a.ID, b.ID}, inbox.BulkAction{Assign: true, ToUserID: stranger.ID}); !errors.As(err, &ie) {
		t.Errorf("bulk assign to a stranger: %v, want an input error", err)
	}
	if r.get(t, a.ID).AssigneeID != 0 {
		t.Fatal("a conversation was assigned to someone outside the workspace")
	}
	n, err := r.svc.Bulk(r.ctx, r.ws, r.owner, []int64{a.ID, b.ID, a.ID}, inbox.BulkAction{Assign: true, ToUserID: r.ann})
	if err != nil || n != 2 {
		t.Fatalf("bulk assign: %d, %v", n, err)
	}
	for _, id := range []int64{a.ID, b.ID} {
		if got := r.get(t, id); got.AssigneeID != r.ann {
			t.Errorf("conversation %d assigned to %d, want Ann (%d)", id, got.AssigneeID, r.ann)
		}
	}
	if n, err := r.svc.Bulk(r.ctx, r.ws, r.owner, []int64{a.ID, b.ID}, inbox.BulkAction{Close: true, Confirmed: true}); err != nil || n != 2 {
		t.Fatalf("bulk close: %d, %v", n, err)
	}
	if r.get(t, a.ID).Status != "closed" || r.get(t, b.ID).Status != "closed" {
		t.Error("bulk close left a conversation open")
	}
}

// A visitor who writes after their conversation was closed starts a new one that greets
// them; the closed one keeps its messages.
func TestNewConversationAfterClosing(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{AgentID: r.agent.ID})
	v, _, err := r.inbox.NewVisitor(r.ctx, ch, "fr")
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.svc.OpenConversation(r.ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.svc.VisitorMessage(r.ctx, ch, first, "Do you sell gift cards?", "en"); err != nil {
		t.Fatal(err)
	}
	if len(r.messages(t, first)) != 2 {
		t.Fatal("the first conversation does not start with the visitor's message")
	}
	if err := r.svc.SetStatus(r.ctx, r.ws, first.ID, true); err != nil {
		t.Fatal(err)
	}
	second, err := r.svc.OpenConversation(r.ctx, ch, v, true)
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID || second.Status != "open" {
		t.Fatalf("after closing: conversation %d (%s), want a new open one", second.ID, second.Status)
	}
	msgs := r.messages(t, second)
	if len(msgs) != 1 || msgs[0].Author != inbox.AuthorSystem || msgs[0].Body != agent.Say("fr", agent.PhraseGreeting) {
		t.Fatalf("the new conversation starts with %+v, want the greeting in the visitor's language", msgs)
	}
	// Opening it again while it is open greets no one twice.
	again, err := r.svc.OpenConversation(r.ctx, ch, v, true)
	if err != nil || again.ID != second.ID || len(r.messages(t, second)) != 1 {
		t.Errorf("opening the open conversation again: %d, %v, %d messages", again.ID, err, len(r.messages(t, second)))
	}
	// With a welcome message, that is the greeting.
	ch2 := r.channel(t, channel.Input{Name: "Shop", Welcome: "Welcome back to the shop!"})
	v2, _, err := r.inbox.NewVisitor(r.ctx, ch2, "en")
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.svc.OpenConversation(r.ctx, ch2, v2, false)
	if err != nil || len(r.messages(t, c)) != 0 {
		t.Fatalf("a first conversation is greeted by the server: %v, %d messages", err, len(r.messages(t, c)))
	}
	if err := r.svc.SetStatus(r.ctx, r.ws, c.ID, true); err != nil {
		t.Fatal(err)
	}
	c2, err := r.svc.OpenConversation(r.ctx, ch2, v2, false)
	if err != nil {
		t.Fatal(err)
	}
	if msgs := r.messages(t, c2); len(msgs) != 1 || msgs[0].Body != "Welcome back to the shop!" {
		t.Errorf("greeting with a welcome message: %+v", msgs)
	}
}

func TestSavedReplies(t *testing.T) {
	r := newRouting(t)
	var ie *usererr.InputError
	for _, bad := range []inbox.SavedReply{{Shortcut: "", Body: "x"}, {Shortcut: "two words", Body: "x"}, {Shortcut: "ok", Body: " "}} {
		if _, err := r.inbox.SaveReply(r.ctx, r.ws, r.owner, bad); !errors.As(err, &ie) {
			t.Errorf("SaveReply(%+v) = %v, want an input error", bad, err)
		}
	}
	sr, err := r.inbox.SaveReply(r.ctx, r.ws, r.owner, inbox.SavedReply{Shortcut: "/refund", Body: "Hello {{name}}, refunds take 5 days."})
	if err != nil || sr.ID == 0 || sr.Shortcut != "refund" {
		t.Fatalf("SaveReply = %+v, %v", sr, err)
	}
	if _, err := r.inbox.SaveReply(r.ctx, r.ws, r.owner, inbox.SavedReply{Shortcut: "REFUND", Body: "other"}); !errors.As(err, &ie) {
		t.Errorf("a second reply with the same shortcut: %v", err)
	}
	sr.Body = "Refunds take 5 working days."
	if _, err := r.inbox.SaveReply(r.ctx, r.ws, r.owner, sr); err != nil {
		t.Fatal(err)
	}
	other, err := r.accts.CreateWorkspace(r.ctx, "Other", r.owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.inbox.SaveReply(r.ctx, other.ID, r.owner, sr); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("changing another workspace's reply: %v", err)
	}
	if err := r.inbox.DeleteSavedReply(r.ctx, other.ID, sr.ID); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("deleting another workspace's reply: %v", err)
	}
	list, err := r.inbox.SavedReplies(r.ctx, r.ws)
	if err != nil || len(list) != 1 || list[0].Body != "Refunds take 5 working days." {
		t.Fatalf("SavedReplies = %+v, %v", list, err)
	}
	if list, _ := r.inbox.SavedReplies(r.ctx, other.ID); len(list) != 0 {
		t.Errorf("another workspace sees %v", list)
	}
	if err := r.inbox.DeleteSavedReply(r.ctx, r.ws, sr.ID); err != nil {
		t.Fatal(err)
	}
}

// The title's count and the notifications follow a person's unread conversations; opening
// one marks the visitor's messages seen.
func TestWaitingAndSeen(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{})
	c, _ := r.visit(t, ch, "Hello, anyone?")
	if err := r.svc.Assign(r.ctx, r.ws, c.ID, r.owner, r.ann, 0); err != nil {
		t.Fatal(err)
	}
	w, err := r.inbox.WaitingFor(r.ctx, r.ws, r.ann)
	if err != nil || len(w) != 1 || w[0].ConversationID != c.ID {
		t.Fatalf("Ann waits for %v, %v; want the conversation", w, err)
	}
	if w, _ := r.inbox.WaitingFor(r.ctx, r.ws, r.bo); len(w) != 0 {
		t.Errorf("Bo waits for %v", w)
	}
	last := r.messages(t, c)
	if err := r.inbox.MarkRead(r.ctx, r.ws, c.ID); err != nil {
		t.Fatal(err)
	}
	if got := r.get(t, c.ID); got.SeenMessageID != last[len(last)-1].ID {
		t.Errorf("seen up to %d, want %d", got.SeenMessageID, last[len(last)-1].ID)
	}
	if w, _ := r.inbox.WaitingFor(r.ctx, r.ws, r.ann); len(w) != 0 {
		t.Errorf("after reading, Ann waits for %v", w)
	}
	n, err := r.inbox.NotificationsOf(r.ctx, r.ann)
	if err != nil || !n.Sound || !n.Desktop {
		t.Errorf("default notifications = %+v, %v; want both on", n, err)
	}
	if err := r.inbox.SetNotifications(r.ctx, r.ann, inbox.Notifications{Desktop: true}); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.inbox.NotificationsOf(r.ctx, r.ann); n.Sound || !n.Desktop {
		t.Errorf("notifications = %+v, want sound off, desktop on", n)
	}
}
