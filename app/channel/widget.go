package channel

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"agent/app/knowledge"
)

// WidgetSettings are how a chat channel's widget looks, what it asks before a chat, and what it
// says first in languages other than the channel's own (Channel.Welcome and QuickReplies,
// the fallback).
type WidgetSettings struct {
	Color         string     `json:"color,omitempty"`          // #rrggbb; "": DefaultColor
	Position      string     `json:"position,omitempty"`       // "left" or "right" ("": right)
	LauncherLabel string     `json:"launcher_label,omitempty"` // words beside the button; "": only the icon
	AskName       bool       `json:"ask_name,omitempty"`       // the pre-chat form asks the visitor's name
	AskEmail      bool       `json:"ask_email,omitempty"`      // and their email address
	Greetings     []Greeting `json:"greetings,omitempty"`
}

// Greeting is the welcome message and quick replies in one language.
type Greeting struct {
	Lang         string   `json:"lang"` // a base code: "fr", "pt"
	Welcome      string   `json:"welcome"`
	QuickReplies []string `json:"quick_replies,omitempty"`
}

// DefaultColor is the widget's colour when the channel chooses none.
const DefaultColor = "#2557d6"

// Limits of the widget's settings.
const (
	maxGreetings     = 12
	maxQuickReplies  = 6
	maxQuickReply    = 80
	maxText          = 1000
	maxLauncherLabel = 40
)

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ColorOrDefault is the widget's colour.
func (w WidgetSettings) ColorOrDefault() string {
	if w.Color == "" {
		return DefaultColor
	}
	return w.Color
}

// Greeting returns the welcome and quick replies for a visitor's language tag ("fr-CA":
// the French ones), else the channel's own.
func (c Channel) Greeting(lang string) Greeting {
	if base := knowledge.NormalizeLang(lang); base != "" {
		for _, g := range c.Widget.Greetings {
			if g.Lang == base {
				return g
			}
		}
	}
	return Greeting{Welcome: c.Welcome, QuickReplies: c.QuickReplies}
}

func (w *WidgetSettings) check() error {
	w.Color = strings.ToLower(strings.TrimSpace(w.Color))
	if w.Color == DefaultColor {
		w.Color = ""
	}
	if w.Color != "" && !colorPattern.MatchString(w.Color) {
		return inputError("color", "choose a colour such as #2557d6")
	}
	switch w.Position {
	case "right":
		w.Position = ""
	case "", "left":
	default:
		return inputError("position", "choose left or right")
	}
	w.LauncherLabel = strings.TrimSpace(w.LauncherLabel)
	if utf8.RuneCountInString(w.LauncherLabel) > maxLauncherLabel {
		return inputError("launcher_label", fmt.Sprintf("keep the button's words under %d characters", maxLauncherLabel))
	}
	var gs []Greeting
	seen := map[string]bool{}
	for _, g := range w.Greetings {
		g.Welcome = strings.TrimSpace(g.Welcome)
		quick, err := checkQuickReplies("greetings", g.QuickReplies)
		if err != nil {
			return err
		}
		g.QuickReplies = quick
		raw := strings.TrimSpace(g.Lang)
		if raw == "" && g.Welcome == "" && len(quick) == 0 {
			continue // an empty row of the form
		}
		if g.Lang = knowledge.NormalizeLang(raw); g.Lang == "" {
			return inputError("greetings", fmt.Sprintf("%q is not a language code such as fr or pt-BR", raw))
		}
		if seen[g.Lang] {
			return inputError("greetings", "each language once: "+g.Lang+" is there twice")
		}
		seen[g.Lang] = true
		if utf8.RuneCountInString(g.Welcome) > maxText {
			return inputError("greetings", fmt.Sprintf("keep each welcome message under %d characters", maxText))
		}
		gs = append(gs, g)
	}
	if len(gs) > maxGreetings {
		return inputError("greetings", fmt.Sprintf("at most %d languages", maxGreetings))
	}
	w.Greetings = gs
	return nil
}

// checkQuickReplies trims quick replies, drops empty ones and bounds the rest.
func checkQuickReplies(field string, in []string) ([]string, error) {
	var quick []string
	for _, q := range in {
		if q = strings.TrimSpace(q); q != "" {
			if utf8.RuneCountInString(q) > maxQuickReply {
				return nil, inputError(field, fmt.Sprintf("keep each quick reply under %d characters", maxQuickReply))
			}
			quick = append(quick, q)
		}
	}
	if len(quick) > maxQuickReplies {
		return nil, inputError(field, fmt.Sprintf("at most %d quick replies", maxQuickReplies))
	}
	return quick, nil
}

// newSecret is a channel's identity secret: 192 random bits, which HS256 needs at least.
func newSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "sk_" + hex.EncodeToString(b)
}
