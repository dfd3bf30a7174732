package knowledge

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// Every language has the same presets, each with a question, phrasings and an answer;
// only the greeting needs nothing filled in.
func TestPresetFiles(t *testing.T) {
	en, err := readPresets("en")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, p := range en {
		keys = append(keys, p.Key)
	}
	want := []string{"greeting", "shipping-costs", "delivery-time", "order-status", "returns-refunds", "payment-methods", "opening-hours", "talk-to-a-person"}
	if !slices.Equal(keys, want) {
		t.Fatalf("en presets %v, want %v", keys, want)
	}
	for _, set := range PresetSets {
		ps, err := readPresets(set.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(en) {
			t.Errorf("%s: %d presets, en has %d", set.ID, len(ps), len(en))
			continue
		}
		for i, p := range ps {
			if p.Key != en[i].Key || p.Question == "" || p.Answer == "" || len(p.Variants) < 3 {
				t.Errorf("%s: preset %d = %+v", set.ID, i, p)
			}
			if filled := !placeholder.MatchString(p.Answer); filled != (p.Key == "greeting") {
				t.Errorf("%s %s: answer %q has a part to fill in: %v", set.ID, p.Key, p.Answer, !filled)
			}
			if strings.Count(p.Answer, "[[") != strings.Count(p.Answer, "]]") || strings.Count(p.Answer, "[[") != len(placeholder.FindAllString(p.Answer, -1)) {
				t.Errorf("%s %s: unbalanced brackets in %q", set.ID, p.Key, p.Answer)
			}
		}
	}
}

func TestLoadPresets(t *testing.T) {
	m, ws, other := newTest(t)
	ctx := context.Background()
	n, err := m.LoadPresets(ctx, ws, []string{"en", "zh-Hant"})
	if err != nil || n != 16 {
		t.Fatalf("LoadPresets = %d, %v; want 16", n, err)
	}
	if n, err := m.LoadPresets(ctx, ws, []string{"en"}); err != nil || n != 0 {
		t.Errorf("loaded again: %d, %v; want 0", n, err)
	}
	var ie *InputError
	if _, err := m.LoadPresets(ctx, ws, []string{"xx"}); !errors.As(err, &ie) {
		t.Errorf("unknown set: %v", err)
	}

	// The greeting answers at once; shipping costs waits for the shop's figures.
	hello := top(t, m, ws, "hi there")
	if hello == nil || hello.Source.Title != "Hello" {
		t.Fatalf("search hi there: %+v", hello)
	}
	for _, r := range search(t, m, ws, "how much does shipping cost?") {
		if r.Source.ExternalID == "preset/en/shipping-costs" {
			t.Errorf("an unfilled preset was found: %+v", r)
		}
	}
	if rs := search(t, m, other, "hi there"); len(rs) > 0 {
		t.Errorf("another workspace found %+v", rs[0])
	}
	list, _, err := m.List(ctx, ws, ListFilter{Kind: KindShortAnswer, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var shipping Source
	for _, s := range list {
		if s.Preset == "" {
			t.Errorf("%q not marked as a preset", s.Title)
		}
		if s.Preset == "shipping-costs" && s.Lang == "en" {
			shipping = s
		}
		if s.ExternalID == "preset/zh-Hant/greeting" && s.Lang != "zh" {
			t.Errorf("zh-Hant greeting in %q", s.Lang)
		}
	}
	if shipping.ID == 0 || shipping.Status != StatusPending || shipping.ChunkCount != 0 {
		t.Fatalf("shipping preset: %+v", shipping)
	}

	// Saving it with a part still to fill in is refused; filled in, it is the shop's own.
	in := ShortAnswerInput{Question: shipping.Question, Variants: shipping.Variants, Answer: shipping.Body, Lang: "en"}
	if _, err := m.UpdateShortAnswer(ctx, ws, shipping.ID, in); !errors.As(err, &ie) || ie.Field != "answer" || !strings.Contains(ie.Message, "[[49 NOK]]") {
		t.Errorf("saved with placeholders: %v", err)
	}
	if _, err := m.CreateShortAnswer(ctx, ws, ShortAnswerInput{Question: "Gift wrap?", Answer: "Yes, for [[20 NOK]]."}); !errors.As(err, &ie) {
		t.Errorf("a new short answer with a placeholder: %v", err)
	}
	in.Answer = "Shipping costs 59 NOK within Norway. Orders over 800 NOK ship free."
	saved, err := m.UpdateShortAnswer(ctx, ws, shipping.ID, in)
	if err != nil || saved.Preset != "" || saved.Status != StatusReady || saved.ChunkCount != 1 {
		t.Fatalf("filled in: %+v, %v", saved, err)
	}
	if r := top(t, m, ws, "how much does shipping cost?"); r == nil || r.Source.ID != shipping.ID {
		t.Errorf("filled-in preset not found: %+v", r)
	}
	// Loading again leaves the shop's version alone.
	if n, err := m.LoadPresets(ctx, ws, []string{"en"}); err != nil || n != 0 {
		t.Errorf("loaded after an edit: %d, %v", n, err)
	}
	if s, _ := m.Source(ctx, ws, shipping.ID); s.Body != in.Answer {
		t.Errorf("edited preset now %q", s.Body)
	}
}

func search(t *testing.T, m *Manager, ws int64, q string) []Result {
	t.Helper()
	rs, err := m.Search(context.Background(), ws, q, SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func top(t *testing.T, m *Manager, ws int64, q string) *Result {
	t.Helper()
	if rs := search(t, m, ws, q); len(rs) > 0 {
		return &rs[0]
	}
	return nil
}
