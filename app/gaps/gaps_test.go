package gaps_test

import (
	"database/sql"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"agent/app/agent"
	"agent/app/gaps"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/llm"
	"agent/app/llm/llmtest"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// Each decision the engine records that says it could not answer makes the question a
// gap, with its cause; answers, greetings and a long answer rated down do not.
func TestDetect(t *testing.T) {
	visitor := func(id int64, body string) gaps.Turn {
		return gaps.Turn{MessageID: id, Author: agent.AuthorVisitor, Body: body, At: t0.Add(time.Duration(id) * time.Minute)}
	}
	bot := func(id int64, d agent.Decision, r agent.Reason, query string) gaps.Turn {
		return gaps.Turn{MessageID: id, Author: agent.AuthorBot, Decision: d, Reason: r, Query: query, Options: d == agent.Clarify && r == agent.ReasonUnsure}
	}
	left := func(id int64, by string, r agent.Reason, body string) gaps.Turn {
		t := visitor(id, body)
		t.Unanswered, t.Decision, t.Reason = by, agent.Handoff, r
		if r == agent.ReasonUnsure || r == agent.ReasonVague {
			t.Decision = agent.Clarify
		}
		return t
	}
	rated := func(t gaps.Turn, reason string) gaps.Turn {
		t.Rated, t.RatedReason = true, reason
		return t
	}
	type found struct {
		msg   int64
		text  string
		cause gaps.Cause
	}
	for _, c := range []struct {
		name  string
		turns []gaps.Turn
		want  []found
	}{
		{"no match", []gaps.Turn{visitor(1, "do you rent kayaks"), bot(2, agent.Handoff, agent.ReasonNoMatch, "do you rent kayaks")},
			[]found{{1, "do you rent kayaks", gaps.CauseNoAnswer}}},
		{"the model declined", []gaps.Turn{visitor(1, "x"), bot(2, agent.Handoff, agent.ReasonDeclined, "kayak sizes")},
			[]found{{1, "kayak sizes", gaps.CauseNoAnswer}}},
		{"answered", []gaps.Turn{visitor(1, "gift cards?"), bot(2, agent.Answer, agent.ReasonAnswered, "gift cards")}, nil},
		{"asked for a person at once", []gaps.Turn{visitor(1, "a human please"), bot(2, agent.Handoff, agent.ReasonHuman, "")}, nil},
		{"something else", []gaps.Turn{visitor(1, "bike"), bot(2, agent.Clarify, agent.ReasonUnsure, "bike"),
			visitor(3, "Something else"), bot(4, agent.Handoff, agent.ReasonOther, "bike")},
			[]found{{1, "bike", gaps.CauseClarifyFailed}}},
		{"a person after the options", []gaps.Turn{visitor(1, "bike service"), bot(2, agent.Clarify, agent.ReasonUnsure, "bike service"),
			visitor(3, "talk to a person"), bot(4, agent.Handoff, agent.ReasonHuman, "")},
			[]found{{1, "bike service", gaps.CauseClarifyFailed}}},
		{"no match after the options", []gaps.Turn{visitor(1, "bike"), bot(2, agent.Clarify, agent.ReasonUnsure, "bike"),
			visitor(3, "I mean the kayak"), bot(4, agent.Handoff, agent.ReasonNoMatch, "I mean the kayak")},
			[]found{{3, "I mean the kayak", gaps.CauseClarifyFailed}}},
		{"rated not useful", []gaps.Turn{visitor(1, "opening hours"), rated(bot(2, agent.Answer, agent.ReasonAnswered, "opening hours"), "not_useful")},
			[]found{{1, "opening hours", gaps.CauseNotUseful}}},
		{"rated down without a reason", []gaps.Turn{visitor(1, "opening hours"), rated(bot(2, agent.Answer, agent.ReasonAnswered, ""), "")},
			[]found{{1, "opening hours", gaps.CauseNotUseful}}},
		{"rated too long", []gaps.Turn{visitor(1, "opening hours"), rated(bot(2, agent.Answer, agent.ReasonAnswered, "opening hours"), "too_long")}, nil},
		{"one question, two causes", []gaps.Turn{visitor(1, "kayaks"), rated(bot(2, agent.Handoff, agent.ReasonNoMatch, "kayaks"), "not_useful")},
			[]found{{1, "kayaks", gaps.CauseNoAnswer}}},
		{"the bot found nothing", []gaps.Turn{left(1, "bot", agent.ReasonNoMatch, "do you rent kayaks")},
			[]found{{1, "do you rent kayaks", gaps.CauseBotUnsure}}},
		{"auto-send not sure enough", []gaps.Turn{left(1, "auto_send", agent.ReasonUnsure, "bike service")},
			[]found{{1, "bike service", gaps.CauseAutoSendUnsure}}},
		{"the bot asked for a person", []gaps.Turn{left(1, "bot", agent.ReasonHuman, "a human please")}, nil},
		{"the bot would repeat itself", []gaps.Turn{left(1, "bot", agent.ReasonRepeated, "gift cards")}, nil},
		{"too short to tell", []gaps.Turn{left(1, "bot", agent.ReasonVague, "??")}, nil},
		{"short, with a word", []gaps.Turn{left(1, "bot", agent.ReasonVague, "kayak?")},
			[]found{{1, "kayak?", gaps.CauseBotUnsure}}},
		{"the same question again", []gaps.Turn{left(1, "bot", agent.ReasonNoMatch, "Kayaks?"), left(2, "bot", agent.ReasonNoMatch, "kayaks")},
			[]found{{1, "Kayaks?", gaps.CauseBotUnsure}}},
		{"not unanswered by an assistant", []gaps.Turn{left(1, "", agent.ReasonNoMatch, "kayaks")}, nil},
	} {
		var got []found
		for _, q := range gaps.Detect(1, 7, c.turns) {
			if q.WorkspaceID != 1 || q.ConversationID != 7 || q.AskedAt.IsZero() && q.MessageID != 0 {
				t.Errorf("%s: %+v", c.name, q)
			}
			got = append(got, found{q.MessageID, q.Text, q.Cause})
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// The inbox records a gap as the AI hands off or its answer is rated down, once per
// question, and tells OnCreated; a preview records none.
func TestInboxRecordsGaps(t *testing.T) {
	w := newWorld(t, nil)
	c, reply := w.ask("Do you rent kayaks for the weekend?")
	if reply.AI == nil || reply.AI.Decision != agent.Handoff {
		t.Fatalf("reply = %+v", reply)
	}
	answered, reply := w.ask("Do you sell gift cards?")
	if reply.AI == nil || reply.AI.Decision != agent.Answer {
		t.Fatalf("reply = %+v", reply.AI)
	}
	if err := w.svc.Rate(w.ctx, answered, inbox.Feedback{MessageID: reply.ID, Reason: "too_long"}); err != nil {
		t.Fatal(err)
	}
	if len(w.made) != 1 {
		t.Fatalf("gaps after a handoff and a rating of too long: %+v", w.made)
	}
	if err := w.svc.Rate(w.ctx, answered, inbox.Feedback{MessageID: reply.ID, Reason: "not_useful"}); err != nil {
		t.Fatal(err)
	}
	if err := w.book.Collect(w.ctx, c.ID); err != nil { // again: nothing new
		t.Fatal(err)
	}
	preview, err := w.svc.Store.Create(w.ctx, w.ws, inbox.NewConversation{AgentID: w.agent.ID, Channel: "chat", Preview: true, CreatedBy: w.owner})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.VisitorMessage(w.ctx, w.chat, preview, "Do you rent canoes?", ""); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range w.made {
		got = append(got, string(g.Cause)+": "+g.Text)
		if g.Status != gaps.Open || g.ID == 0 || g.TopicID == 0 || g.WorkspaceID != w.ws {
			t.Errorf("gap %+v", g)
		}
	}
	want := []string{"no_answer: Do you rent kayaks for the weekend?", "not_useful: Do you sell gift cards?"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("gaps = %q, want %q", got, want)
	}
	if w.made[0].ConversationID != c.ID || w.made[1].ConversationID != answered.ID {
		t.Errorf("conversations %d %d, want %d %d", w.made[0].ConversationID, w.made[1].ConversationID, c.ID, answered.ID)
	}
}

// A customer's "not resolved" on a channel (a mail's NO, a tapped button) records the gap
// as the widget's thumbs down does.
func TestChannelRatingRecordsGap(t *testing.T) {
	w := newWorld(t, nil)
	c, reply := w.ask("Do you sell gift cards?")
	if reply.AI == nil || reply.AI.Decision != agent.Answer {
		t.Fatalf("reply = %+v", reply.AI)
	}
	r := inbox.ChannelRating{Rated: reply.ID, Reason: "not_useful"}
	if _, err := w.svc.RateOnChannel(w.ctx, w.chat, c, "NO", r, func(*sql.Tx, int64) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if len(w.made) != 1 || w.made[0].Cause != "not_useful" || w.made[0].ConversationID != c.ID {
		t.Fatalf("gaps = %+v", w.made)
	}
}

// Questions asked alike group in one topic, in each language; others do not.
func TestGroupingAcrossLanguages(t *testing.T) {
	w := newWorld(t, nil)
	groups := [][]string{
		{"Do you ship to Norway?", "Can you ship my order to Norway?", "do you ship to norway"},
		{"Is the bike insurance included?", "Does the bike include insurance?"},
		{"Can I return a bike?"},
		{"Can I rent a bike?"},
		{"Liefern Sie nach Österreich?", "Wie lange dauert die Lieferung nach Österreich?", "Liefern Sie auch nach Österreich?"},
		{"¿Hacen envíos a Canarias?", "¿Cuánto cuestan los envíos a Canarias?"},
		{"Livrez-vous en Belgique ?", "Vous livrez en Belgique le samedi ?"},
		{"你们的退货政策是什么？", "退货政策", "怎么退货"},
		{"你们送货到上海吗？", "送货到上海要多久"},
		{"你们有什么优惠"},
		{"你们有什么颜色"},
	}
	// Asked in turns, as they would come in.
	topicOf := map[string]int64{}
	at := t0
	for i := 0; ; i++ {
		more := false
		for _, g := range groups {
			if i < len(g) {
				more = true
				at = at.Add(time.Minute)
				topicOf[g[i]] = w.record(g[i], at).TopicID
			}
		}
		if !more {
			break
		}
	}
	seen := map[int64]string{}
	for _, g := range groups {
		first := topicOf[g[0]]
		for _, q := range g[1:] {
			if topicOf[q] != first {
				t.Errorf("%q is not in the topic of %q", q, g[0])
			}
		}
		if other, ok := seen[first]; ok {
			t.Errorf("%q and %q share a topic", g[0], other)
		}
		seen[first] = g[0]
	}
	ts := w.topics(gaps.Open)
	if len(ts) != len(groups) {
		t.Fatalf("%d topics, want %d", len(ts), len(groups))
	}
	for i := 1; i < len(ts); i++ {
		a, b := ts[i-1], ts[i]
		if a.Questions < b.Questions || a.Questions == b.Questions && a.LastSeen.Before(b.LastSeen) {
			t.Errorf("%q (%d, %s) listed before %q (%d, %s)", a.Title, a.Questions, a.LastSeen, b.Title, b.Questions, b.LastSeen)
		}
	}
	if ts[0].Title != "你们的退货政策是什么？" || ts[0].Questions != 3 || !ts[0].LastSeen.Equal(at) {
		t.Errorf("first topic = %+v: the most asked, asked last", ts[0])
	}
}

// With an embedding model the workspace's short answers calibrate, questions that share
// no word but mean the same group together.
func TestGroupingByMeaning(t *testing.T) {
	ollama := llmtest.New(t)
	ollama.SetEmbedding(llmtest.Synonyms(256,
		strings.Fields("a an the is are do does you your i my me we our can may there to on in of for with how what when where who which it be get"),
		[]string{"refund", "reimburse", "money"}, []string{"back", "returned"}, []string{"deliver", "ship", "shipping", "delivery"},
		[]string{"open", "opening", "hours", "close"}, []string{"book", "reserve", "reservation"}))
	ollama.SetModels("bge-m3")
	client, err := llm.New(llm.Options{URL: ollama.URL(), EmbedModel: "bge-m3"})
	if err != nil {
		t.Fatal(err)
	}
	// Five short answers with phrasings calibrate the model on the workspace's scale.
	w := newWorld(t, client,
		knowledge.ShortAnswerInput{Question: "What are your opening hours?", Variants: []string{"when do you open", "when do you close"}, Answer: "10 to 18."},
		knowledge.ShortAnswerInput{Question: "Do you take reservations?", Variants: []string{"can I book a table", "how do I reserve"}, Answer: "Online."},
		knowledge.ShortAnswerInput{Question: "Do you sell gift cards?", Variants: []string{"can I buy a gift card", "gift vouchers"}, Answer: "Yes."},
		knowledge.ShortAnswerInput{Question: "Is there parking?", Variants: []string{"where can I park", "car park nearby"}, Answer: "Behind."},
		knowledge.ShortAnswerInput{Question: "Can I pay by card?", Variants: []string{"do you accept visa", "is cash the only way to pay"}, Answer: "All cards."},
		knowledge.ShortAnswerInput{Question: "Are dogs allowed?", Variants: []string{"can I bring my dog", "pets welcome"}, Answer: "On the terrace."})
	if _, _, _, ok := w.km.QuestionVector(w.ctx, w.ws, "refund"); !ok {
		t.Fatal("the workspace is not calibrated")
	}
	first := w.record("Can I get a refund?", t0)
	same := w.record("Will you reimburse me?", t0.Add(time.Minute))
	other := w.record("Do you deliver to Oslo?", t0.Add(2*time.Minute))
	if same.TopicID != first.TopicID {
		t.Errorf("a question meaning the same started a topic of its own")
	}
	if other.TopicID == first.TopicID {
		t.Errorf("a question about something else joined the topic")
	}
}

// Create and resolve: the topic's questions become the phrasings of a new short answer,
// the topic is resolved, its questions replayed through the decision are answered, and a
// customer asking one of them again gets the answer from the knowledge.
func TestResolveMakesAShortAnswerTheAgentUses(t *testing.T) {
	w := newWorld(t, nil)
	asked := []string{"Do you rent kayaks?", "Can I rent a kayak for the weekend?", "kayak rental prices"}
	for _, q := range asked {
		if _, reply := w.ask(q); reply.AI.Decision != agent.Handoff {
			t.Fatalf("%q: %s", q, reply.AI.Decision)
		}
	}
	ts := w.topics(gaps.Open)
	// "kayak rental prices" shares one term of two with the others: a topic of its own.
	if len(ts) != 2 || ts[0].Questions != 2 || ts[0].Title != asked[0] {
		t.Fatalf("topics: %+v", ts)
	}
	topic := ts[0]
	if _, err := w.book.Resolve(w.ctx, w.ws, topic.ID, w.owner, " ", "Yes."); err == nil {
		t.Fatal("resolved without a question")
	}
	if w.topic(topic.ID).Status != gaps.Open {
		t.Fatal("a refused resolution changed the topic")
	}
	res, err := w.book.Resolve(w.ctx, w.ws, topic.ID, w.owner, "Do you rent kayaks?", "Yes: kayaks are 300 NOK a day, 500 NOK a weekend.")
	if err != nil {
		t.Fatal(err)
	}
	if res.Topic.Status != gaps.Resolved || res.Topic.SourceID != res.Source.ID || res.Topic.Replayed != topic.Questions || res.Topic.Answered != topic.Questions {
		t.Fatalf("resolved topic = %+v", res.Topic)
	}
	if res.Source.Kind != knowledge.KindShortAnswer || res.Source.Question != "Do you rent kayaks?" {
		t.Fatalf("short answer = %+v", res.Source)
	}
	qs, err := w.book.Questions(w.ctx, res.Topic, gaps.Resolved)
	if err != nil || len(qs) != topic.Questions {
		t.Fatalf("resolved questions = %+v %v", qs, err)
	}
	for _, q := range qs {
		if q.Text != res.Source.Question && !slices.Contains(res.Source.Variants, q.Text) {
			t.Errorf("%q is not a phrasing of the short answer %+v", q.Text, res.Source.Variants)
		}
	}
	if len(w.topics(gaps.Open)) != len(ts)-1 {
		t.Errorf("open topics after resolving: %+v", w.topics(gaps.Open))
	}
	// Through the inbox, as a customer.
	_, reply := w.ask("Can I rent a kayak for the weekend?")
	if reply.AI.Decision != agent.Answer || len(reply.AI.Sources) == 0 || reply.AI.Sources[0].SourceID != res.Source.ID {
		t.Fatalf("after resolving: %s %s %+v", reply.AI.Decision, reply.AI.Reason, reply.AI.Sources)
	}
	// A resolved topic is resolved once.
	if _, err := w.book.Resolve(w.ctx, w.ws, topic.ID, w.owner, "Do you rent kayaks?", "Yes."); err != gaps.ErrNotFound {
		t.Errorf("resolved twice: %v", err)
	}
}

// A dismissed question does not come back asked again in the same words, though a similar
// one in other words does; a dismissed topic takes its similar questions with it, until
// restored.
func TestDismiss(t *testing.T) {
	w := newWorld(t, nil)
	a := w.record("Do you ship to Norway?", t0)
	w.record("Can you ship my order to Norway?", t0.Add(time.Minute))
	if err := w.book.Dismiss(w.ctx, w.ws, a.TopicID, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.book.Dismiss(w.ctx, w.ws, a.TopicID, a.ID); err != gaps.ErrNotFound {
		t.Errorf("dismissed twice: %v", err)
	}
	again := w.record("do you ship to Norway", t0.Add(2*time.Minute))
	if again.Status != gaps.Dismissed {
		t.Errorf("the same question came back: %+v", again)
	}
	// Its own question dismissed, a topic still takes questions like it.
	alone := w.record("Is the bike insurance included?", t0.Add(90*time.Second))
	if err := w.book.Dismiss(w.ctx, w.ws, alone.TopicID, alone.ID); err != nil {
		t.Fatal(err)
	}
	if g := w.record("Does the bike include insurance?", t0.Add(100*time.Second)); g.Status != gaps.Open || g.TopicID != alone.TopicID {
		t.Errorf("a question like one dismissed = %+v, want open in topic %d", g, alone.TopicID)
	}
	similar := w.record("Can you ship to Norway by boat?", t0.Add(3*time.Minute))
	if similar.Status != gaps.Open || similar.TopicID != a.TopicID {
		t.Errorf("a similar question = %+v, want open in topic %d", similar, a.TopicID)
	}
	if tp := w.topic(a.TopicID); tp.Questions != 2 || !tp.LastSeen.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("topic = %+v, want 2 open questions", tp)
	}
	if made := len(w.made); made != 5 {
		t.Errorf("told of %d gaps, want 5 (a dismissed one is not news)", made)
	}

	k := w.record("Do you rent kayaks?", t0.Add(4*time.Minute))
	if err := w.book.DismissTopic(w.ctx, w.ws, k.TopicID, w.owner); err != nil {
		t.Fatal(err)
	}
	later := w.record("Can I rent kayaks in winter?", t0.Add(5*time.Minute))
	if later.Status != gaps.Dismissed || later.TopicID != k.TopicID {
		t.Errorf("a question like the dismissed topic's = %+v", later)
	}
	if got := w.topics(gaps.Dismissed); len(got) != 1 || got[0].ID != k.TopicID || got[0].Questions != 2 {
		t.Errorf("dismissed topics = %+v", got)
	}
	if got := w.topics(gaps.Open); len(got) != 2 || got[0].ID != a.TopicID {
		t.Errorf("open topics = %+v", got)
	}
	if err := w.book.Restore(w.ctx, w.ws, k.TopicID, w.owner); err != nil {
		t.Fatal(err)
	}
	if tp := w.topic(k.TopicID); tp.Status != gaps.Open || tp.Questions != 2 {
		t.Errorf("restored topic = %+v", tp)
	}
	// The question dismissed one by one stays dismissed when its topic is restored.
	if err := w.book.DismissTopic(w.ctx, w.ws, a.TopicID, w.owner); err != nil {
		t.Fatal(err)
	}
	if err := w.book.Restore(w.ctx, w.ws, a.TopicID, w.owner); err != nil {
		t.Fatal(err)
	}
	if tp := w.topic(a.TopicID); tp.Questions != 2 {
		t.Errorf("restored topic holds %d questions, want 2 (not those dismissed one by one)", tp.Questions)
	}
}

// A question dismissed one by one, asked again after its topic was resolved, starts an open
// topic of its own, hidden while it holds only that question: questions like it in other
// words still come.
func TestDismissedQuestionStartsAnOpenTopic(t *testing.T) {
	w := newWorld(t, nil)
	a := w.record("Do you rent kayaks?", t0)
	b := w.record("Can I rent kayaks here?", t0.Add(time.Minute))
	if err := w.book.Dismiss(w.ctx, w.ws, a.TopicID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.book.Resolve(w.ctx, w.ws, b.TopicID, w.owner, "Can I rent kayaks here?", "Yes."); err != nil {
		t.Fatal(err)
	}
	again := w.record("do you rent kayaks", t0.Add(2*time.Minute))
	if again.Status != gaps.Dismissed || again.TopicID == a.TopicID {
		t.Fatalf("the dismissed question asked again = %+v", again)
	}
	if tp := w.topic(again.TopicID); tp.Status != gaps.Open || tp.Questions != 0 || len(w.topics(gaps.Open)) != 0 {
		t.Fatalf("its topic = %+v", tp)
	}
	if like := w.record("Do you rent kayaks in winter?", t0.Add(3*time.Minute)); like.Status != gaps.Open || like.TopicID != again.TopicID {
		t.Errorf("a question like it = %+v, want open in topic %d", like, again.TopicID)
	}
}

// Another workspace's topics and questions are not found.
func TestOtherWorkspace(t *testing.T) {
	w := newWorld(t, nil)
	g := w.record("Do you rent kayaks?", t0)
	other := w.ws + 1
	if _, err := w.book.Topic(w.ctx, other, g.TopicID); err != gaps.ErrNotFound {
		t.Errorf("topic of another workspace: %v", err)
	}
	if err := w.book.Dismiss(w.ctx, other, g.TopicID, g.ID); err != gaps.ErrNotFound {
		t.Errorf("dismiss in another workspace: %v", err)
	}
	if err := w.book.DismissTopic(w.ctx, other, g.TopicID, 0); err != gaps.ErrNotFound {
		t.Errorf("dismiss topic in another workspace: %v", err)
	}
	if _, err := w.book.Resolve(w.ctx, other, g.TopicID, 0, "q", "a"); err != gaps.ErrNotFound {
		t.Errorf("resolve in another workspace: %v", err)
	}
	if w.topic(g.TopicID).Status != gaps.Open {
		t.Error("the topic changed")
	}
}

// Backfill finds in stored conversations the gaps the inbox records as they come, and
// running it again records nothing more.
func TestBackfillFindsTheSameGaps(t *testing.T) {
	w := newWorld(t, nil)
	w.svc.Gaps = nil // an install from before knowledge gaps
	w.ask("Do you rent kayaks?")
	w.ask("Can I rent a kayak for the weekend?", "talk to a human")
	c, reply := w.ask("Do you sell gift cards?")
	if err := w.svc.Rate(w.ctx, c, inbox.Feedback{MessageID: reply.ID, Reason: "off_topic"}); err != nil {
		t.Fatal(err)
	}
	n, err := w.book.Backfill(w.ctx, w.ws)
	if err != nil || n != 3 {
		t.Fatalf("backfill = %d, %v; want 3", n, err)
	}
	if n, err := w.book.Backfill(w.ctx, 0); err != nil || n != 0 {
		t.Fatalf("backfill again = %d, %v; want 0", n, err)
	}
	live := newWorld(t, nil)
	live.ask("Do you rent kayaks?")
	live.ask("Can I rent a kayak for the weekend?", "talk to a human")
	c, reply = live.ask("Do you sell gift cards?")
	if err := live.svc.Rate(live.ctx, c, inbox.Feedback{MessageID: reply.ID, Reason: "off_topic"}); err != nil {
		t.Fatal(err)
	}
	summary := func(w *world) []string {
		return w.openQuestions(func(tp gaps.Topic, q gaps.Gap) string { return tp.Title + " | " + q.Text + " | " + string(q.Cause) })
	}
	if got, want := summary(w), summary(live); !reflect.DeepEqual(got, want) {
		t.Errorf("backfilled %q, recorded live %q", got, want)
	}
}

// The automatic bot's and auto-send's messages left unanswered for lack of knowledge or
// confidence are gaps with their reason, once per question; a request for a person, a
// greeting and an answer are none. Backfill finds the same from the stored decisions.
func TestUnsureAssistantsRecordGaps(t *testing.T) {
	traffic := func(w *world) {
		w.t.Helper()
		if err := w.svc.Store.SaveBot(w.ctx, inbox.Bot{WorkspaceID: w.ws, Enabled: true, AgentID: w.agent.ID, TimeZone: "UTC"}); err != nil {
			t.Fatal(err)
		}
		// No one online: the bot has it.
		w.converse(false, nil, "Hello!", "Do you rent kayaks for the weekend?", "I want to talk to a person",
			"Do you sell gift cards?", "do you rent kayaks for the weekend")
		// The owner is online (the bot stands by), busy in one conversation, with auto-send on.
		if err := w.svc.Store.SetOnline(w.ctx, w.ws, w.owner, true); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Store.SetAssistSettings(w.ctx, w.ws, inbox.AssistSettings{Suggestions: true, AutoSendAllowed: true}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Store.SetAutoSend(w.ctx, w.ws, w.owner, true); err != nil {
			t.Fatal(err)
		}
		busy, _ := w.converse(false, nil)
		w.converse(false, func(c inbox.Conversation) {
			if err := w.svc.Store.Assign(w.ctx, w.ws, c.ID, w.owner, w.owner, 0); err != nil {
				t.Fatal(err)
			}
			if err := w.svc.Store.Viewing(w.ctx, w.ws, w.owner, busy.ID, true); err != nil {
				t.Fatal(err)
			}
		}, "Can I pay with bitcoin?", "Talk to a human", "Do you sell gift cards?")
	}
	summary := func(w *world) []string {
		return w.openQuestions(func(_ gaps.Topic, q gaps.Gap) string { return q.Text + " | " + string(q.Cause) + " | " + q.Reason })
	}
	live := newWorld(t, nil)
	traffic(live)
	want := []string{"Can I pay with bitcoin? | autosend_unsure | no_match", "Do you rent kayaks for the weekend? | bot_unsure | no_match"}
	if got := summary(live); !reflect.DeepEqual(got, want) {
		t.Fatalf("recorded %q, want %q", got, want)
	}
	if len(live.made) != 2 {
		t.Errorf("told of %d gaps, want 2", len(live.made))
	}

	before := newWorld(t, nil)
	before.svc.Gaps = nil // an install from before these gaps: the decisions are stored all the same
	traffic(before)
	if n, err := before.book.Backfill(before.ctx, 0); err != nil || n != 2 {
		t.Fatalf("backfill = %d, %v; want 2", n, err)
	}
	if got := summary(before); !reflect.DeepEqual(got, want) {
		t.Errorf("backfilled %q, want %q", got, want)
	}
}
