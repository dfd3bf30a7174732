package report

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The seller figures of seed 003, on messages of every kind the counting knows, including
// the automatic bot's and auto-sent suggestions.
func TestSellerCounting(t *testing.T) {
	const h = 3600
	msgs := func(ms ...Msg) History {
		for i := range ms {
			ms[i].ID = int64(i + 1)
		}
		return History{Messages: ms}
	}
	cases := []struct {
		name      string
		h         History
		responded bool
		first     int64 // -1: left out of the first response time
		assistant bool
	}{
		{"the AI answers at once", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 60, Kind: AI}), true, -1, true},
		{"a person answers after 25 h", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 25 * h, Kind: Human}), false, 25 * h, false},
		{"the bot answers, a person answers the follow-up in time", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 10, Kind: Bot},
			Msg{At: h, Kind: Customer}, Msg{At: 2 * h, Kind: Bot}, Msg{At: 3 * h, Kind: Human}), true, 10, false},
		{"the bot answers the follow-up too: no person within 24 h", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 10, Kind: Bot},
			Msg{At: h, Kind: Customer}, Msg{At: 2 * h, Kind: Bot}), false, -1, true},
		{"a follow-up answered by a person after 30 h", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 10, Kind: Bot},
			Msg{At: h, Kind: Customer}, Msg{At: 31 * h, Kind: Human}), false, 10, false},
		{"an auto-sent suggestion answers; the customer does not write again", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 5, Kind: AutoSend}, Msg{At: 6, Kind: Internal}), true, -1, true},
		{"a greeting last is not the assistant's resolution", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 5, Kind: AIGreeting}), true, -1, false},
		{"the AI's handoff reply last is not the assistant's resolution", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 5, Kind: AIHandoff}), true, -1, false},
		{"an off-hours auto-reply is no response", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 5, Kind: OffHours}), false, -1, false},
		{"the customer wrote last", msgs(Msg{At: 0, Kind: Customer}, Msg{At: 5, Kind: AI}, Msg{At: 10, Kind: Customer}), false, -1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := Evaluate(tc.h, 1000*h)
			if !ok {
				t.Fatal("not evaluated")
			}
			if r.Responded24h != tc.responded || r.FirstResponse != tc.first || r.AssistantSolved != tc.assistant {
				t.Fatalf("responded %v, first response %d, assistant %v; want %v, %d, %v",
					r.Responded24h, r.FirstResponse, r.AssistantSolved, tc.responded, tc.first, tc.assistant)
			}
		})
	}
}

func TestUsageCountsEachConversationOnceInTheMonthOfItsFirstAIReply(t *testing.T) {
	w := newWorld(t)
	march := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
	email := w.conv("email", true, march)
	w.customer(email, march)
	w.answer(email, march)
	// The thread comes back into its conversation in April and the AI answers again.
	w.customer(email, march.AddDate(0, 0, 5))
	w.answer(email, march.AddDate(0, 0, 5))
	chat := w.conv("chat", true, march.AddDate(0, 0, 5))
	w.customer(chat, march.AddDate(0, 0, 5))
	w.answer(chat, march.AddDate(0, 0, 5))
	people := w.conv("chat", false, march)
	w.customer(people, march)
	w.msg(people, "human", march, "", false)
	preview := w.conv("chat", true, march)
	w.insert("UPDATE conversations SET preview = 1 WHERE id = ?", preview)
	w.customer(preview, march)
	w.answer(preview, march)

	months, err := Usage(context.Background(), w.db, w.ws)
	if err != nil {
		t.Fatal(err)
	}
	want := []Month{{"2026-03", 1}, {"2026-04", 1}}
	if len(months) != 2 || months[0] != want[0] || months[1] != want[1] {
		t.Fatalf("usage = %+v, want %+v", months, want)
	}
}

func TestUsageReadsItsIndex(t *testing.T) {
	w := newWorld(t)
	plan, err := w.db.QueryPlan(context.Background(), sqlUsage, w.ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 1 || !strings.Contains(plan[0], "COVERING INDEX conversations_billable") {
		t.Fatalf("plan = %q", plan)
	}
}
