package agent_test

import (
	"context"
	"strings"
	"testing"

	"agent/app/agent"
	"agent/app/knowledge"
)

// A shop that loads the presets of its language and fills them in gets each of them as
// the answer to its question and to the other phrasings it came with; but a customer who
// asks for a person is handed to one (the "talk to a person" preset is what the bot
// says when no one is there).
func TestPresetsAnswerInEachLanguage(t *testing.T) {
	for _, set := range knowledge.PresetSets {
		t.Run(set.ID, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			if _, err := f.knowledge.LoadPresets(ctx, f.ws, []string{set.ID}); err != nil {
				t.Fatal(err)
			}
			list, _, err := f.knowledge.List(ctx, f.ws, knowledge.ListFilter{Kind: knowledge.KindShortAnswer})
			if err != nil {
				t.Fatal(err)
			}
			fill := strings.NewReplacer("[[", "", "]]", "")
			for _, s := range list {
				in := knowledge.ShortAnswerInput{Question: s.Question, Variants: s.Variants, Answer: fill.Replace(s.Body), Lang: s.Lang}
				if _, err := f.knowledge.UpdateShortAnswer(ctx, f.ws, s.ID, in); err != nil {
					t.Fatal(err)
				}
			}
			e := agent.NewEngine(agent.Options{Knowledge: f.knowledge})
			a := f.agent(t, nil)
			lang := knowledge.NormalizeLang(set.ID)
			for _, s := range list {
				for _, q := range append([]string{s.Question}, s.Variants...) {
					r, err := e.Respond(ctx, a, agent.Message{Text: q, Lang: lang})
					if err != nil {
						t.Fatal(err)
					}
					if s.Preset == "talk-to-a-person" && r.Decision == agent.Handoff && r.Reason == agent.ReasonHuman {
						continue
					}
					if r.Decision != agent.Answer || len(r.Sources) == 0 || r.Sources[0].Title != s.Question {
						var got string
						if len(r.Sources) > 0 {
							got = r.Sources[0].Title
						}
						t.Errorf("%q: %s (%s) from %q, want the answer of %q; %+v", q, r.Decision, r.Reason, got, s.Question, r.Signals)
					}
				}
			}
		})
	}
}
