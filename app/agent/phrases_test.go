package agent

import (
	"slices"
	"testing"
)

func TestPhrasesComplete(t *testing.T) {
	langs := PhraseLanguages()
	if !slices.IsSorted(langs) {
		t.Errorf("PhraseLanguages() = %v, not sorted", langs)
	}
	for _, want := range []string{"en", "es", "fr", "de", "pt", "it", "nl", "no", "zh", "ja"} {
		if !slices.Contains(langs, want) {
			t.Errorf("PhraseLanguages() lacks %s", want)
		}
	}
	if len(langs) != len(phrases) {
		t.Errorf("%d of %d languages have every phrase", len(langs), len(phrases))
	}
	for _, lang := range langs {
		seen := map[string]Phrase{}
		for p := PhraseGreeting; p < phraseCount; p++ {
			s := Say(lang, p)
			if s == "" || s != phrases[lang][p] {
				t.Errorf("%s: phrase %d is missing", lang, p)
			}
			if q, ok := seen[s]; ok {
				t.Errorf("%s: phrases %d and %d are both %q", lang, q, p, s)
			}
			seen[s] = p
		}
		if LanguageName(lang) == "" {
			t.Errorf("%s has phrases but no name", lang)
		}
	}
}

func TestSay(t *testing.T) {
	for _, c := range []struct {
		lang string
		p    Phrase
		want string
	}{
		{"en", PhraseGreeting, "Hello! How can I help you today?"},
		{"xx", PhraseThanks, "You're welcome! Is there anything else I can help you with?"},
		{"", PhraseSources, "Sources"},
		{"pt-BR", PhraseSource, "Fonte"},
		{"zh_Hans", PhraseGreeting, "您好！请问有什么可以帮您？"},
		{"nb", PhraseClarify, "Hvilken av disse mener du?"},
		{"nn", PhraseSource, "Kilde"},
		{"FR", PhraseSource, "Source"},
		{"de-AT", PhraseSources, "Quellen"},
		{"en", phraseCount, ""},
	} {
		if got := Say(c.lang, c.p); got != c.want {
			t.Errorf("Say(%q, %d) = %q, want %q", c.lang, c.p, got, c.want)
		}
	}
}

func TestLanguageName(t *testing.T) {
	for lang, want := range map[string]string{
		"fr": "French", "zh": "Chinese", "no": "Norwegian", "nb": "Norwegian", "nn": "Norwegian", "pt-BR": "Portuguese",
		"ja": "Japanese", "ar": "Arabic", "ru": "Russian", "tr": "Turkish", "el": "Greek", "hi": "Hindi", "th": "Thai",
		"vi": "Vietnamese", "ko": "Korean", "pl": "Polish", "sv": "Swedish", "da": "Danish", "fi": "Finnish",
		"cs": "Czech", "he": "Hebrew", "uk": "Ukrainian", "id": "Indonesian", "xx": "", "": "",
	} {
		if got := LanguageName(lang); got != want {
			t.Errorf("LanguageName(%q) = %q, want %q", lang, got, want)
		}
	}
}
