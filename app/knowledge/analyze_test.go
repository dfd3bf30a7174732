package knowledge

import (
	"reflect"
	"testing"
)

func TestAnalyze(t *testing.T) {
	for _, c := range []struct {
		text                string
		words, stems, chars []string
	}{
		{"Reservations, please!", []string{"reservations", "please"}, []string{"reser", "pleas"}, nil},
		{"东京的天气", []string{"东京", "京的", "的天", "天气"}, nil, []string{"东", "京", "的", "天", "气"}},
		{"iPhone15の価格", []string{"iphone15", "の価", "価格"}, []string{"iphon"}, []string{"の", "価", "格"}},
		{"猫", []string{"猫"}, []string{"猫"}, nil},
		// Thai: a vowel sign stays with its consonant, so bigrams are of whole clusters.
		{"ที่นี่", []string{"ที่นี่"}, nil, []string{"ที่", "นี่"}},
		// Arabic: joined prefix dropped, alef variants folded, short vowels removed.
		{"والكتاب 2015", []string{"والكتاب", "2015"}, []string{"كتاب", "2015"}, nil},
		{"أَحْمَد", []string{"احمد"}, []string{"احمد"}, nil},
		{"ＡＢＣ　ｄｅｆ", []string{"abc", "def"}, []string{"abc", "def"}, nil},
		{"...", nil, nil, nil},
	} {
		a := analyze(c.text)
		if !reflect.DeepEqual(a.words, c.words) || !reflect.DeepEqual(a.stems, c.stems) || !reflect.DeepEqual(a.chars, c.chars) {
			t.Errorf("analyze(%q) = %q / %q / %q, want %q / %q / %q", c.text, a.words, a.stems, a.chars, c.words, c.stems, c.chars)
		}
	}
}

func TestDetectLang(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"Wie lange dauert der Versand nach Österreich?", "de"},
		{"¿Cuánto cuesta el envío a México?", "es"},
		{"今天天气怎么样", "zh"},
		{"東京の天気はどうですか", "ja"},
		{"Сколько стоит доставка?", "ru"},
		{"كم تكلفة الشحن؟", "ar"},
		{"ราคาเท่าไหร่", "th"},
		{"Πόσο κοστίζει;", "el"},
		{"कितना खर्च होगा?", "hi"},
		{"Hvad er totalprisen?", "da"},
		{"Hvad er leveringstiden på tilbuddet?", "da"},
		{"Hva er totalprisen?", "nb"},
		{"Hvor er bestillingen min?", "nb"},
		{"Vad är totalpriset?", "sv"},
		{"12345", ""},
	} {
		if got := DetectLang(c.text); got != c.want {
			t.Errorf("DetectLang(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	for tag, want := range map[string]string{"pt-BR": "pt", "zh_Hans": "zh", "EN": "en", "": "", "x": "", "e1": ""} {
		if got := NormalizeLang(tag); got != want {
			t.Errorf("NormalizeLang(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"café": "cafe", "straße": "straße", "ñandú": "nandu", "कितना": "कितना", "ที่": "ที่", "abc": "abc"} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}
