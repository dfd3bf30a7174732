package knowledge

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
)

// Preset short answers give a new shop a first FAQ (greetings, shipping costs, delivery
// time, order status, returns and refunds, payment methods, opening hours, talking to a
// person) in each language of PresetSets. What differs from shop to shop is written
// [[like this]]: such an answer is kept but not indexed, so that the AI never quotes a
// made-up price, until someone replaces every [[…]] with the shop's own words; saving a
// short answer that still holds one is refused. An edit ends its being a preset.

//go:embed presets/*.json
var presetFiles embed.FS

// PresetSet is one language's presets.
type PresetSet struct {
	ID   string // its file in presets/, a BCP 47 tag
	Name string // in its own language
}

// PresetSets are the languages presets exist in.
var PresetSets = []PresetSet{
	{"en", "English"}, {"zh-Hans", "中文（简体）"}, {"zh-Hant", "中文（繁體）"}, {"fr", "Français"},
	{"nb", "Norsk bokmål"}, {"de", "Deutsch"}, {"es", "Español"},
}

type preset struct {
	Key      string   `json:"key"`
	Question string   `json:"question"`
	Variants []string `json:"variants"`
	Answer   string   `json:"answer"`
}

// placeholder is a part of a preset's answer the shop fills in.
var placeholder = regexp.MustCompile(`\[\[[^\]]*\]\]`)

// unfilled refuses an answer that still holds a preset's [[…]].
func unfilled(answer string) error {
	if p := placeholder.FindString(answer); p != "" {
		return inputError("answer", fmt.Sprintf("replace %s, and every other part in [[double brackets]], with your shop's own words", p))
	}
	return nil
}

func readPresets(set string) ([]preset, error) {
	b, err := presetFiles.ReadFile("presets/" + set + ".json")
	if err != nil {
		return nil, err
	}
	var ps []preset
	if err := json.Unmarshal(b, &ps); err != nil {
		return nil, fmt.Errorf("presets %s: %w", set, err)
	}
	return ps, nil
}

// LoadPresets adds the presets of the given sets that the workspace has not had yet (each
// is known by its external id, preset/SET/KEY, also once edited or removed and loaded
// again) and returns how many it added.
func (m *Manager) LoadPresets(ctx context.Context, workspaceID int64, sets []string) (int, error) {
	added := 0
	err := m.write(ctx, workspaceID, true, func(tx *sql.Tx) error {
		for _, set := range sets {
			if !slices.ContainsFunc(PresetSets, func(p PresetSet) bool { return p.ID == set }) {
				return inputError("sets", "no presets in "+set)
			}
			ps, err := readPresets(set)
			if err != nil {
				return err
			}
			for _, p := range ps {
				id := "preset/" + set + "/" + p.Key
				var held int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sources WHERE workspace_id = ? AND kind = ? AND external_id = ? AND external_id != ''",
					workspaceID, KindShortAnswer, id).Scan(&held); err != nil {
					return err
				}
				if held > 0 {
					continue
				}
				src := Source{WorkspaceID: workspaceID, Kind: KindShortAnswer, ExternalID: id, Preset: p.Key}
				in := ShortAnswerInput{Question: p.Question, Variants: p.Variants, Answer: p.Answer, Lang: set}
				if _, err := m.putShortAnswer(ctx, tx, src, in); err != nil {
					return fmt.Errorf("preset %s: %w", id, err)
				}
				added++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("knowledge: presets: %w", err)
	}
	return added, nil
}
