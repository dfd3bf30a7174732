package agent

import (
	"strings"
	"testing"
)

func TestUnderstand(t *testing.T) {
	for _, c := range []struct {
		text   string
		intent Intent
		rest   string // for questions; "" means the trimmed text
	}{
		// Greetings.
		{"hi", IntentGreeting, ""},
		{"Hello there! 👋", IntentGreeting, ""},
		{"Hey Ada!", IntentGreeting, ""},
		{"good morning", IntentGreeting, ""},
		{"Hi, how are you?", IntentGreeting, ""},
		{"Hola!", IntentGreeting, ""},
		{"buenas tardes", IntentGreeting, ""},
		{"buenos días", IntentGreeting, ""},
		{"Bonjour !", IntentGreeting, ""},
		{"bonsoir", IntentGreeting, ""},
		{"Hallo zusammen", IntentGreeting, ""},
		{"guten Morgen", IntentGreeting, ""},
		{"Olá, tudo bem?", IntentGreeting, ""},
		{"ola", IntentGreeting, ""},
		{"boa tarde", IntentGreeting, ""},
		{"Ciao!", IntentGreeting, ""},
		{"buongiorno", IntentGreeting, ""},
		{"Goedemorgen", IntentGreeting, ""},
		{"hoi", IntentGreeting, ""},
		{"hei", IntentGreeting, ""},
		{"god morgen", IntentGreeting, ""},
		{"Hej hej!", IntentGreeting, ""},
		{"god kväll", IntentGreeting, ""},
		{"goddag", IntentGreeting, ""},
		{"hejsa", IntentGreeting, ""},
		{"Dzień dobry", IntentGreeting, ""},
		{"cześć", IntentGreeting, ""},
		{"Merhaba", IntentGreeting, ""},
		{"günaydın", IntentGreeting, ""},
		{"Здравствуйте!", IntentGreeting, ""},
		{"добрый день", IntentGreeting, ""},
		{"مرحبا", IntentGreeting, ""},
		{"أهلا وسهلا", IntentGreeting, ""},
		{"السلام عليكم", IntentGreeting, ""},
		{"你好", IntentGreeting, ""},
		{"您好，在吗？", IntentGreeting, ""},
		{"こんにちは", IntentGreeting, ""},
		{"おはようございます！", IntentGreeting, ""},

		// Thanks and goodbyes.
		{"thanks!", IntentThanks, ""},
		{"ok thanks bye", IntentThanks, ""},
		{"Thank you so much for your help!", IntentThanks, ""},
		{"Thanks Ada", IntentThanks, ""},
		{"muchas gracias", IntentThanks, ""},
		{"vale, gracias por la ayuda", IntentThanks, ""},
		{"merci beaucoup", IntentThanks, ""},
		{"Parfait, merci ! Bonne journée", IntentThanks, ""},
		{"vielen Dank", IntentThanks, ""},
		{"super, danke schön!", IntentThanks, ""},
		{"obrigado!", IntentThanks, ""},
		{"valeu, tchau", IntentThanks, ""},
		{"grazie mille", IntentThanks, ""},
		{"ok, grazie", IntentThanks, ""},
		{"bedankt!", IntentThanks, ""},
		{"dank je wel", IntentThanks, ""},
		{"tusen takk", IntentThanks, ""},
		{"takk for hjelpen!", IntentThanks, ""},
		{"tack så mycket", IntentThanks, ""},
		{"Tack för hjälpen!", IntentThanks, ""},
		{"mange tak", IntentThanks, ""},
		{"Tusind tak for hjælpen", IntentThanks, ""},
		{"dziękuję bardzo", IntentThanks, ""},
		{"Dzięki!", IntentThanks, ""},
		{"teşekkürler", IntentThanks, ""},
		{"Çok teşekkür ederim", IntentThanks, ""},
		{"спасибо большое!", IntentThanks, ""},
		{"Благодарю, до свидания", IntentThanks, ""},
		{"شكرا جزيلا", IntentThanks, ""},
		{"شكرا لك، مع السلامة", IntentThanks, ""},
		{"谢谢", IntentThanks, ""},
		{"好的，谢谢你的帮助！", IntentThanks, ""},
		{"ありがとう", IntentThanks, ""},
		{"わかりました、ありがとうございました！", IntentThanks, ""},

		// Requests for a person.
		{"can I talk to a human", IntentHuman, ""},
		{"Can I talk to a real person please?", IntentHuman, ""},
		{"human please", IntentHuman, ""},
		{"Hey, agent!", IntentHuman, ""},
		{"representative", IntentHuman, ""},
		{"put me through to someone", IntentHuman, ""},
		{"Is this a bot? I want a real human", IntentHuman, ""},
		{"talk to sales", IntentHuman, ""},
		{"Hi, I'd like to speak to someone about my refund", IntentHuman, ""},
		{"connect me with a representative", IntentHuman, ""},
		{"I want a human", IntentHuman, ""},
		{"quiero hablar con una persona", IntentHuman, ""},
		{"Quiero hablár con un agente", IntentHuman, ""},
		{"quiero un humano", IntentHuman, ""},
		{"atención al cliente", IntentHuman, ""},
		{"je veux parler à un conseiller", IntentHuman, ""},
		{"Je voudrais parler à quelqu'un", IntentHuman, ""},
		{"puis-je parler à un humain ?", IntentHuman, ""},
		{"Ich möchte mit einem Mitarbeiter sprechen", IntentHuman, ""},
		{"Kann ich bitte mit einem echten Menschen reden?", IntentHuman, ""},
		{"mit einer echten Person sprechen", IntentHuman, ""},
		{"verbinden Sie mich mit einem Berater", IntentHuman, ""},
		{"quero falar com um atendente", IntentHuman, ""},
		{"Posso falar com uma pessoa?", IntentHuman, ""},
		{"falar com humano", IntentHuman, ""},
		{"atendimento humano", IntentHuman, ""},
		{"vorrei parlare con un operatore", IntentHuman, ""},
		{"posso parlare con una persona?", IntentHuman, ""},
		{"operatore per favore", IntentHuman, ""},
		{"Ik wil met een medewerker spreken", IntentHuman, ""},
		{"kan ik een mens spreken?", IntentHuman, ""},
		{"medewerker alstublieft", IntentHuman, ""},
		{"kan jeg snakke med et menneske?", IntentHuman, ""},
		{"Jeg vil snakke med kundeservice", IntentHuman, ""},
		{"kan jeg få snakke med en person", IntentHuman, ""},
		{"kan jag prata med en människa?", IntentHuman, ""},
		{"Jag vill prata med en handläggare", IntentHuman, ""},
		{"kundtjänst", IntentHuman, ""},
		{"jeg vil gerne tale med en medarbejder", IntentHuman, ""},
		{"Kan jeg tale med et rigtigt menneske?", IntentHuman, ""},
		{"stil mig om til en medarbejder", IntentHuman, ""},
		{"chcę porozmawiać z konsultantem", IntentHuman, ""},
		{"Poproszę konsultanta", IntentHuman, ""},
		{"Czy mogę porozmawiać z człowiekiem?", IntentHuman, ""},
		{"bir temsilciyle görüşmek istiyorum", IntentHuman, ""},
		{"canlı destek", IntentHuman, ""},
		{"Müşteri temsilcisine bağlar mısınız?", IntentHuman, ""},
		{"хочу поговорить с оператором", IntentHuman, ""},
		{"Соедините с живым человеком", IntentHuman, ""},
		{"Можно поговорить с оператором?", IntentHuman, ""},
		{"أريد التحدث مع موظف", IntentHuman, ""},
		{"أريد التحدث مع خدمة العملاء", IntentHuman, ""},
		{"حولني إلى موظف", IntentHuman, ""},
		{"转人工", IntentHuman, ""},
		{"人工", IntentHuman, ""},
		{"我要人工客服", IntentHuman, ""},
		{"可以找真人吗", IntentHuman, ""},
		{"真人", IntentHuman, ""},
		{"客服人员在吗", IntentHuman, ""},
		{"オペレーターと話したい", IntentHuman, ""},
		{"担当者に代わってください", IntentHuman, ""},
		{"人と話したいです", IntentHuman, ""},
		{"有人", IntentHuman, ""},
		{"オペレーターをお願いします", IntentHuman, ""},

		// Questions, with a leading greeting cut.
		{"Hi! Where is my order?", IntentQuestion, "Where is my order?"},
		{"Hi, what are your opening hours?", IntentQuestion, "what are your opening hours?"},
		{"Hello there, do you ship to France?", IntentQuestion, "do you ship to France?"},
		{"Hey Ada, can you help with returns?", IntentQuestion, "can you help with returns?"},
		{"Hi Where is my order", IntentQuestion, "Where is my order"},
		{"Hi 👋 where is my order", IntentQuestion, "where is my order"},
		{"Good morning! I have a question about my invoice", IntentQuestion, "I have a question about my invoice"},
		{"Morning deliveries, do you do them?", IntentQuestion, ""},
		{"How are you shipping this?", IntentQuestion, ""},
		{"Hola buenas, ¿tienen envío gratis?", IntentQuestion, "¿tienen envío gratis?"},
		{"Bonjour, je voudrais savoir vos horaires", IntentQuestion, "je voudrais savoir vos horaires"},
		{"Guten Tag, wie lange dauert der Versand?", IntentQuestion, "wie lange dauert der Versand?"},
		{"Tag der Lieferung?", IntentQuestion, ""},
		{"你好，请问运费多少？", IntentQuestion, "请问运费多少？"},
		{"你好请问运费多少", IntentQuestion, "请问运费多少"},
		{"こんにちは。送料はいくらですか？", IntentQuestion, "送料はいくらですか？"},
		{"お世話になっております。注文について質問です。", IntentQuestion, "注文について質問です。"},
		{"早餐几点开始？", IntentQuestion, ""},
		{"Здравствуйте, сколько стоит доставка?", IntentQuestion, "сколько стоит доставка?"},
		{"مرحبا، كم سعر الشحن؟", IntentQuestion, "كم سعر الشحن؟"},
		{"Merhaba, kargo ücreti ne kadar?", IntentQuestion, "kargo ücreti ne kadar?"},
		{"Thanks, but where is my refund?", IntentQuestion, ""},
		{"thanks for the info, but the answer is wrong", IntentQuestion, ""},
		{"Where is my order?", IntentQuestion, ""},
		{"this hiking trail, is it open?", IntentQuestion, ""},
		{"ok", IntentQuestion, ""},
		{"", IntentQuestion, ""},

		// Not requests for a person.
		{"I'm the human resources manager, what's your pricing?", IntentQuestion, ""},
		{"Is the product suitable for humans?", IntentQuestion, ""},
		{"Does the agent plan include support?", IntentQuestion, ""},
		{"I want to speak Spanish lessons", IntentQuestion, ""},
		{"Can customers chat with agents on the free plan?", IntentQuestion, ""},
		{"I need an agent license for my team", IntentQuestion, ""},
		{"Wie viele Mitarbeiter können das Tool nutzen?", IntentQuestion, ""},
		{"¿Es seguro para humanos?", IntentQuestion, ""},
		{"人工智能功能怎么用？", IntentQuestion, ""},
		{"人間に害はありますか", IntentQuestion, ""},
		{"Human resources?", IntentQuestion, ""},
		{"Can your agent speak French?", IntentQuestion, ""},
		{"¿Los agentes pueden hablar español?", IntentQuestion, ""},
		{"Sprechen Ihre Mitarbeiter Englisch?", IntentQuestion, ""},
		{"I need a person to sign for the delivery?", IntentQuestion, ""},
		{"support", IntentQuestion, ""},
	} {
		intent, rest := Understand(c.text)
		want := c.rest
		if want == "" {
			want = strings.TrimSpace(c.text)
		}
		if intent != c.intent || rest != want {
			t.Errorf("Understand(%q) = %d, %q; want %d, %q", c.text, intent, rest, c.intent, want)
		}
	}
}

func TestIsFollowUp(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"and how much is it?", true},
		{"what about Sundays?", true},
		{"and for France?", true},
		{"how much is it?", true},
		{"when does it open?", true},
		{"is that free?", true},
		{"y el precio?", true},
		{"¿cuánto cuesta?", true},
		{"¿y para Chile?", true},
		{"et pour la Belgique ?", true},
		{"combien ça coûte ?", true},
		{"und wie lange dauert das?", true},
		{"was kostet das?", true},
		{"e quanto custa?", true},
		{"e para o Brasil?", true},
		{"e quanto costa?", true},
		{"quanto costa questo?", true},
		{"en hoe lang duurt dat?", true},
		{"wat kost het?", true},
		{"og hva koster det?", true},
		{"hva med søndager?", true},
		{"och vad kostar det?", true},
		{"och för barn?", true},
		{"og hvad koster det?", true},
		{"og for børn?", true},
		{"a ile to kosztuje?", true},
		{"peki ya Almanya?", true},
		{"bu ne kadar?", true},
		{"а сколько это стоит?", true},
		{"وماذا عن السعر؟", true},
		{"ومتى يصل؟", true},
		{"那价格呢？", true},
		{"它多少钱？", true},
		{"それはいくらですか", true},
		{"日曜日は？", true},
		{"Hi, and for France?", true},
		{"Can I return it?", true},
		{"¿La puedo devolver?", true},
		{"Kann ich es zurückgeben?", true},

		{"how much is shipping to France?", false},
		{"Where is my order?", false},
		{"What are your opening hours?", false},
		{"What can you do?", false},
		{"And what are your opening hours on public holidays in France and Belgium?", false},
		{"I would like to know how shipping and returns work for orders to Germany", false},
		{"Is this hiking trail open?", false},
		{"¿Cuál es la dirección de la tienda?", false},
		{"Was kostet das Paket nach Österreich?", false},
		{"Combien coûte la livraison en Belgique ?", false},
		{"送料はいくらですか", false},
		{"运费是多少？", false},
		{"thanks!", false},
		{"hi", false},
		{"こんにちは", false},
		{"I need help", false},
		{"e-mail address?", false},
		{"Gibt es einen Rabatt?", false},
		{"Who are you?", false},
		{"I do not understand", false},
		{"A refund please", false},
		{"", false},
	} {
		if got := IsFollowUp(c.text); got != c.want {
			t.Errorf("IsFollowUp(%q) = %v", c.text, got)
		}
	}
}

func TestDeclines(t *testing.T) {
	for _, c := range []struct {
		reply string
		want  bool
	}{
		{"I don't know.", true},
		{"I'm sorry, I don't have information about that.", true},
		{"The sources do not mention opening hours on holidays.", true},
		{"Unfortunately I couldn’t find anything about that in our documentation.", true},
		{"NO_ANSWER", true},
		{"Je ne sais pas.", true},
		{"Désolé, je n’ai pas d’information à ce sujet.", true},
		{"No tengo información sobre eso.", true},
		{"Lo siento, no lo sé.", true},
		{"Dazu liegen mir keine Informationen vor.", true},
		{"Das weiß ich leider nicht.", true},
		{"Não tenho informações sobre isso.", true},
		{"Desculpe, não sei.", true},
		{"Non ho informazioni su questo.", true},
		{"Mi dispiace, non lo so.", true},
		{"Daar heb ik helaas geen informatie over. Ik heb geen informatie over dit onderwerp.", true},
		{"Dat weet ik niet.", true},
		{"Jeg vet dessverre ikke.", true},
		{"Kildene nevner ikke åpningstider.", true},
		{"Jag vet inte.", true},
		{"Jeg ved det ikke.", true},
		{"Nie wiem.", true},
		{"Niestety nie mam informacji na ten temat.", true},
		{"Bu konuda bilgim yok.", true},
		{"Bu soruyu cevaplayamıyorum.", true},
		{"К сожалению, у меня нет информации об этом.", true},
		{"Я не знаю.", true},
		{"لا أعرف.", true},
		{"ليس لدي معلومات عن ذلك", true},
		{"Kilderne nævner ikke leveringstider.", true},
		{"我不知道。", true},
		{"抱歉，资料中没有提到这一点。", true},
		{"申し訳ありませんが、その情報がありません。", true},
		{"わかりません。", true},
		{"The provided sources do not contain information about this.", true},
		{"Leider habe ich dazu keine Informationen.", true},
		{"Helaas kan ik die vraag niet beantwoorden.", true},
		{"Tyvärr har jag ingen information om det.", true},
		{"Desværre har jeg ingen information om det.", true},
		{"Malheureusement, les sources fournies ne mentionnent pas ce point.", true},

		{"We do not ship to Antarctica.", false},
		{"No, returns are not accepted after 30 days.", false},
		{"Unfortunately, we don't offer refunds on sale items.", false},
		{"If you don't know your order number, check your confirmation email.", false},
		{"According to the sources, shipping is free over €50.", false},
		{"Nous ne livrons pas le dimanche.", false},
		{"No enviamos a Canarias.", false},
		{"Wir versenden nicht ins Ausland.", false},
		{"Não fazemos entregas aos domingos.", false},
		{"Non spediamo all'estero.", false},
		{"Wij leveren niet op zondag.", false},
		{"Vi sender ikke til utlandet.", false},
		{"我们周日不发货。", false},
		{"日曜日は配送しておりません。", false},
		{"There is no fee for returns within 30 days.", false},
		{"Our team is not available on weekends, but you can leave a message.", false},
		{"Der Versand ist nicht kostenlos.", false},
		{"Доставка не осуществляется по воскресеньям.", false},
	} {
		if got := Declines(c.reply); got != c.want {
			t.Errorf("Declines(%q) = %v", c.reply, got)
		}
	}
}

// TestLexiconsCoverLanguages checks that every language with phrases can also be understood.
func TestLexiconsCoverLanguages(t *testing.T) {
	have := map[string]lexiconEntry{}
	for _, e := range lexicons {
		have[e.lang] = e
	}
	for _, lang := range PhraseLanguages() {
		e, ok := have[lang]
		if !ok {
			t.Errorf("no lexicon for %s", lang)
			continue
		}
		for name, list := range map[string]string{"greetings": e.greetings, "thanks": e.thanks, "humans": e.humans,
			"connectives": e.connectives, "declines": e.declines} {
			if list == "" {
				t.Errorf("%s: no %s", lang, name)
			}
		}
	}
}

func TestNormalise(t *testing.T) {
	for in, want := range map[string]string{
		"Hablár":      "hablar",
		"OLÁ":         "ola",
		"Grüß":        "gruss",
		"don't":       "dont",
		"l'agent":     "l agent",
		"e-mail":      "email",
		"ｈｅｌｌｏ":       "hello",
		"مرحباً":      "مرحبا",
		"ガイド":         "ガイド",
		"iPhone15の価格": "iphone15 の価格",
		"İstanbul":    "istanbul",
		"Ещё":         "еще",
	} {
		var ws []string
		for _, w := range parse(in).words {
			ws = append(ws, w.s)
		}
		if got := strings.Join(ws, " "); got != want {
			t.Errorf("parse(%q) = %q, want %q", in, got, want)
		}
	}
}
