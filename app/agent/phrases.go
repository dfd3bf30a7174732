package agent

import (
	"slices"
	"strings"
)

// Phrase is one of the fixed sentences the agent says without a model.
type Phrase int

// The fixed sentences.
const (
	PhraseGreeting       Phrase = iota // "Hello! How can I help you today?"
	PhraseThanks                       // "You're welcome! Is there anything else I can help you with?"
	PhraseHandoff                      // could not answer: "I'm not able to answer that myself, so I'm passing you to a member of our team."
	PhraseHumanRequested               // "Of course, I'm passing you to a member of our team."
	PhraseRepeated                     // "It looks like my earlier answer didn't help, so I'm passing you to a member of our team."
	PhraseClarify                      // "Which of these do you mean?"
	PhraseVague                        // "Could you tell me a little more about what you need?"
	PhraseRephrase                     // "I'm not sure I understood. Could you rephrase your question?"
	PhraseSource                       // "Source" (label in front of one link)
	PhraseSources                      // "Sources" (label in front of several links)
	PhraseUnavailable                  // "No one from our team is available right now. We will reply here as soon as we can."
	PhraseSomethingElse                // "Something else" (the last option of a clarify: hands off)
	PhraseOffline                      // the automatic bot could not answer: "Sorry, our team is offline now and will reply first thing when back."
	PhraseAssistant                    // under the automatic bot's messages: "Sent by the chat assistant"
	PhraseRateByMail                   // under an automatic reply by mail: "Did this answer your question? Reply YES, or NO and tell us why."
	PhraseRateAsk                      // above the rating buttons: "Did this answer your question?"
	PhraseResolved                     // rating button (at most 20 characters): "Resolved"
	PhraseNotResolved                  // rating button: "Not resolved"
	PhraseWhyNot                       // after "Not resolved": "Sorry about that. What was wrong? Choose a reason or tell us in your own words."
	PhraseTooLong                      // reason button: "Too long to read"
	PhraseNotUseful                    // reason button: "Useless answer"
	PhraseOffTopic                     // reason button: "Not my question"
	phraseCount
)

// Say returns the phrase in lang, a base language code such as "fr" ("pt-BR" and "nb" work
// too); any other language gets English.
func Say(lang string, p Phrase) string {
	if p < 0 || p >= phraseCount {
		return ""
	}
	if s := phrases[baseLang(lang)][p]; s != "" {
		return s
	}
	return phrases["en"][p]
}

// PhraseLanguages lists, sorted, the language codes that have every phrase.
func PhraseLanguages() []string {
	var langs []string
	for lang, ps := range phrases {
		if !slices.Contains(ps[:], "") {
			langs = append(langs, lang)
		}
	}
	slices.Sort(langs)
	return langs
}

// LanguageName returns the English name of a language code ("fr" -> "French"), to tell a
// model which language to reply in; "" for an unknown code.
func LanguageName(lang string) string {
	return languageNames[baseLang(lang)]
}

// baseLang turns a language tag ("pt-BR", "zh_Hans", "NB") into the base code phrases are
// kept under; Bokmål and Nynorsk are both Norwegian.
func baseLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if tag == "nb" || tag == "nn" {
		return "no"
	}
	return tag
}

// The phrases are written as a native support agent would say them: polite forms (Sie, vous,
// usted, Lei, u), words that do not depend on the agent's gender, and the spelling of the
// larger community where usage differs (Brazilian Portuguese, Bokmål, simplified Chinese).
// French puts a no-break space before "!" and "?".
var phrases = map[string][phraseCount]string{
	"en": {
		PhraseGreeting:       "Hello! How can I help you today?",
		PhraseThanks:         "You're welcome! Is there anything else I can help you with?",
		PhraseHandoff:        "I'm not able to answer that myself, so I'm passing you to a member of our team.",
		PhraseHumanRequested: "Of course, I'm passing you to a member of our team.",
		PhraseRepeated:       "It looks like my earlier answer didn't help, so I'm passing you to a member of our team.",
		PhraseClarify:        "Which of these do you mean?",
		PhraseVague:          "Could you tell me a little more about what you need?",
		PhraseRephrase:       "I'm not sure I understood. Could you rephrase your question?",
		PhraseSource:         "Source",
		PhraseSources:        "Sources",
		PhraseUnavailable:    "No one from our team is available right now. We will reply here as soon as we can.",
		PhraseSomethingElse:  "Something else",
		PhraseOffline:        "Sorry, our team is offline now and will reply first thing when back.",
		PhraseAssistant:      "Sent by the chat assistant",
		PhraseRateByMail:     "Did this answer your question? Reply YES, or NO and tell us why.",
		PhraseRateAsk:        "Did this answer your question?",
		PhraseResolved:       "Resolved",
		PhraseNotResolved:    "Not resolved",
		PhraseWhyNot:         "Sorry about that. What was wrong? Choose a reason or tell us in your own words.",
		PhraseTooLong:        "Too long to read",
		PhraseNotUseful:      "Useless answer",
		PhraseOffTopic:       "Not my question",
	},
	"es": {
		PhraseGreeting:       "¡Hola! ¿En qué puedo ayudarle hoy?",
		PhraseThanks:         "¡De nada! ¿Hay algo más en lo que pueda ayudarle?",
		PhraseHandoff:        "No puedo responder a esa pregunta, así que voy a transferir su consulta a una persona de nuestro equipo.",
		PhraseHumanRequested: "Por supuesto, voy a transferir su consulta a una persona de nuestro equipo.",
		PhraseRepeated:       "Parece que mi respuesta anterior no le ha sido de ayuda, así que voy a transferir su consulta a una persona de nuestro equipo.",
		PhraseClarify:        "¿A cuál de estas opciones se refiere?",
		PhraseVague:          "¿Podría contarme un poco más sobre lo que necesita?",
		PhraseRephrase:       "Creo que no le he entendido bien. ¿Podría reformular su pregunta?",
		PhraseSource:         "Fuente",
		PhraseSources:        "Fuentes",
		PhraseUnavailable:    "En este momento no hay nadie de nuestro equipo disponible. Le responderemos aquí lo antes posible.",
		PhraseSomethingElse:  "Otra cosa",
		PhraseOffline:        "Lo sentimos, nuestro equipo no está disponible ahora y le responderá en cuanto vuelva.",
		PhraseAssistant:      "Enviado por el asistente del chat",
		PhraseRateByMail:     "¿Ha respondido esto a su pregunta? Responda SÍ, o NO y díganos por qué.",
		PhraseRateAsk:        "¿Ha respondido esto a su pregunta?",
		PhraseResolved:       "Resuelto",
		PhraseNotResolved:    "No resuelto",
		PhraseWhyNot:         "Lo sentimos. ¿Qué ha fallado? Elija un motivo o cuéntenoslo con sus palabras.",
		PhraseTooLong:        "Demasiado largo",
		PhraseNotUseful:      "Respuesta inútil",
		PhraseOffTopic:       "No era mi pregunta",
	},
	"fr": {
		PhraseGreeting:       "Bonjour\u00a0! Comment puis-je vous aider\u00a0?",
		PhraseThanks:         "Avec plaisir\u00a0! Puis-je vous aider pour autre chose\u00a0?",
		PhraseHandoff:        "Je ne suis pas en mesure de répondre à cette question, je vous mets donc en relation avec un membre de notre équipe.",
		PhraseHumanRequested: "Bien sûr, je vous mets en relation avec un membre de notre équipe.",
		PhraseRepeated:       "Il semble que ma réponse précédente ne vous ait pas été utile, je vous mets donc en relation avec un membre de notre équipe.",
		PhraseClarify:        "De laquelle de ces options parlez-vous\u00a0?",
		PhraseVague:          "Pourriez-vous m'en dire un peu plus sur ce dont vous avez besoin\u00a0?",
		PhraseRephrase:       "Je crains de ne pas avoir bien compris. Pourriez-vous reformuler votre question\u00a0?",
		PhraseSource:         "Source",
		PhraseSources:        "Sources",
		PhraseUnavailable:    "Personne de notre équipe n'est disponible pour le moment. Nous vous répondrons ici dès que possible.",
		PhraseSomethingElse:  "Autre chose",
		PhraseOffline:        "Désolé, notre équipe est absente pour le moment et vous répondra dès son retour.",
		PhraseAssistant:      "Envoyé par l'assistant du chat",
		PhraseRateByMail:     "Cela répond-il à votre question\u00a0? Répondez OUI, ou NON et dites-nous pourquoi.",
		PhraseRateAsk:        "Cela répond-il à votre question\u00a0?",
		PhraseResolved:       "Résolu",
		PhraseNotResolved:    "Non résolu",
		PhraseWhyNot:         "Désolé. Qu'est-ce qui n'allait pas\u00a0? Choisissez une raison ou dites-le-nous avec vos mots.",
		PhraseTooLong:        "Trop long à lire",
		PhraseNotUseful:      "Réponse inutile",
		PhraseOffTopic:       "Pas ma question",
	},
	"de": {
		PhraseGreeting:       "Hallo! Wie kann ich Ihnen helfen?",
		PhraseThanks:         "Gern geschehen! Kann ich Ihnen sonst noch weiterhelfen?",
		PhraseHandoff:        "Diese Frage kann ich leider nicht selbst beantworten, daher leite ich Sie an ein Mitglied unseres Teams weiter.",
		PhraseHumanRequested: "Selbstverständlich, ich leite Sie an ein Mitglied unseres Teams weiter.",
		PhraseRepeated:       "Meine vorherige Antwort scheint Ihnen nicht weitergeholfen zu haben, daher leite ich Sie an ein Mitglied unseres Teams weiter.",
		PhraseClarify:        "Welche dieser Möglichkeiten meinen Sie?",
		PhraseVague:          "Könnten Sie mir etwas genauer sagen, was Sie benötigen?",
		PhraseRephrase:       "Ich bin nicht sicher, ob ich Sie richtig verstanden habe. Könnten Sie Ihre Frage anders formulieren?",
		PhraseSource:         "Quelle",
		PhraseSources:        "Quellen",
		PhraseUnavailable:    "Im Moment ist niemand aus unserem Team erreichbar. Wir antworten Ihnen hier so bald wie möglich.",
		PhraseSomethingElse:  "Etwas anderes",
		PhraseOffline:        "Leider ist unser Team gerade nicht erreichbar und antwortet Ihnen gleich nach seiner Rückkehr.",
		PhraseAssistant:      "Gesendet vom Chat-Assistenten",
		PhraseRateByMail:     "Hat das Ihre Frage beantwortet? Antworten Sie JA, oder NEIN und sagen Sie uns, warum.",
		PhraseRateAsk:        "Hat das Ihre Frage beantwortet?",
		PhraseResolved:       "Gelöst",
		PhraseNotResolved:    "Nicht gelöst",
		PhraseWhyNot:         "Das tut uns leid. Was hat nicht gepasst? Wählen Sie einen Grund oder schreiben Sie es uns.",
		PhraseTooLong:        "Zu lang zum Lesen",
		PhraseNotUseful:      "Nutzlose Antwort",
		PhraseOffTopic:       "Nicht meine Frage",
	},
	"pt": {
		PhraseGreeting:       "Olá! Como posso ajudar?",
		PhraseThanks:         "De nada! Posso ajudar com mais alguma coisa?",
		PhraseHandoff:        "Não consigo responder a essa pergunta, por isso vou transferir o seu atendimento para um membro da nossa equipe.",
		PhraseHumanRequested: "Claro, vou transferir o seu atendimento para um membro da nossa equipe.",
		PhraseRepeated:       "Parece que a minha resposta anterior não ajudou, por isso vou transferir o seu atendimento para um membro da nossa equipe.",
		PhraseClarify:        "A qual destas opções se refere?",
		PhraseVague:          "Pode dar um pouco mais de detalhes sobre o que precisa?",
		PhraseRephrase:       "Acho que não entendi bem. Pode reformular a sua pergunta?",
		PhraseSource:         "Fonte",
		PhraseSources:        "Fontes",
		PhraseUnavailable:    "No momento, ninguém da nossa equipe está disponível. Responderemos aqui assim que possível.",
		PhraseSomethingElse:  "Outra coisa",
		PhraseOffline:        "Desculpe, nossa equipe está fora do ar agora e responderá assim que voltar.",
		PhraseAssistant:      "Enviado pelo assistente do chat",
		PhraseRateByMail:     "Isso respondeu à sua pergunta? Responda SIM, ou NÃO e conte o motivo.",
		PhraseRateAsk:        "Isso respondeu à sua pergunta?",
		PhraseResolved:       "Resolvido",
		PhraseNotResolved:    "Não resolvido",
		PhraseWhyNot:         "Sentimos muito. O que não deu certo? Escolha um motivo ou conte com suas palavras.",
		PhraseTooLong:        "Longo demais",
		PhraseNotUseful:      "Resposta inútil",
		PhraseOffTopic:       "Não era minha dúvida",
	},
	"it": {
		PhraseGreeting:       "Salve! Come posso aiutarla?",
		PhraseThanks:         "Prego! C'è altro in cui posso aiutarla?",
		PhraseHandoff:        "Non sono in grado di rispondere a questa domanda, quindi la metto in contatto con un membro del nostro team.",
		PhraseHumanRequested: "Certamente, la metto in contatto con un membro del nostro team.",
		PhraseRepeated:       "Sembra che la mia risposta precedente non le sia stata utile, quindi la metto in contatto con un membro del nostro team.",
		PhraseClarify:        "A quale di queste opzioni si riferisce?",
		PhraseVague:          "Potrebbe darmi qualche dettaglio in più su ciò di cui ha bisogno?",
		PhraseRephrase:       "Temo di non aver capito bene. Potrebbe riformulare la domanda?",
		PhraseSource:         "Fonte",
		PhraseSources:        "Fonti",
		PhraseUnavailable:    "Al momento nessuno del nostro team è disponibile. Le risponderemo qui il prima possibile.",
		PhraseSomethingElse:  "Altro",
		PhraseOffline:        "Ci scusi, il nostro team al momento non è disponibile e le risponderà appena rientra.",
		PhraseAssistant:      "Inviato dall'assistente della chat",
		PhraseRateByMail:     "Questo ha risposto alla sua domanda? Risponda SÌ, oppure NO e ci dica perché.",
		PhraseRateAsk:        "Questo ha risposto alla sua domanda?",
		PhraseResolved:       "Risolto",
		PhraseNotResolved:    "Non risolto",
		PhraseWhyNot:         "Ci dispiace. Che cosa non andava? Scelga un motivo o ce lo dica con parole sue.",
		PhraseTooLong:        "Troppo lungo",
		PhraseNotUseful:      "Risposta inutile",
		PhraseOffTopic:       "Non era la domanda",
	},
	"nl": {
		PhraseGreeting:       "Hallo! Waarmee kan ik u helpen?",
		PhraseThanks:         "Graag gedaan! Kan ik u nog ergens anders mee helpen?",
		PhraseHandoff:        "Die vraag kan ik helaas niet zelf beantwoorden, daarom verbind ik u door met een van onze medewerkers.",
		PhraseHumanRequested: "Natuurlijk, ik verbind u door met een van onze medewerkers.",
		PhraseRepeated:       "Het lijkt erop dat mijn vorige antwoord u niet verder heeft geholpen, daarom verbind ik u door met een van onze medewerkers.",
		PhraseClarify:        "Welke van deze bedoelt u?",
		PhraseVague:          "Kunt u iets meer vertellen over wat u nodig hebt?",
		PhraseRephrase:       "Ik weet niet zeker of ik u goed begrijp. Kunt u uw vraag anders formuleren?",
		PhraseSource:         "Bron",
		PhraseSources:        "Bronnen",
		PhraseUnavailable:    "Er is op dit moment niemand van ons team beschikbaar. We antwoorden u hier zo snel mogelijk.",
		PhraseSomethingElse:  "Iets anders",
		PhraseOffline:        "Sorry, ons team is nu offline en antwoordt u zodra het terug is.",
		PhraseAssistant:      "Verstuurd door de chatassistent",
		PhraseRateByMail:     "Heeft dit uw vraag beantwoord? Antwoord JA, of NEE en vertel ons waarom.",
		PhraseRateAsk:        "Heeft dit uw vraag beantwoord?",
		PhraseResolved:       "Opgelost",
		PhraseNotResolved:    "Niet opgelost",
		PhraseWhyNot:         "Excuses. Wat klopte er niet? Kies een reden of vertel het in uw eigen woorden.",
		PhraseTooLong:        "Te lang om te lezen",
		PhraseNotUseful:      "Nutteloos antwoord",
		PhraseOffTopic:       "Niet mijn vraag",
	},
	"no": {
		PhraseGreeting:       "Hei! Hva kan jeg hjelpe deg med i dag?",
		PhraseThanks:         "Bare hyggelig! Er det noe mer jeg kan hjelpe deg med?",
		PhraseHandoff:        "Det kan jeg dessverre ikke svare på selv, så jeg sender deg videre til en av våre medarbeidere.",
		PhraseHumanRequested: "Selvfølgelig, jeg sender deg videre til en av våre medarbeidere.",
		PhraseRepeated:       "Det ser ut til at det forrige svaret mitt ikke hjalp, så jeg sender deg videre til en av våre medarbeidere.",
		PhraseClarify:        "Hvilken av disse mener du?",
		PhraseVague:          "Kan du fortelle litt mer om hva du trenger?",
		PhraseRephrase:       "Jeg er ikke sikker på om jeg forsto deg riktig. Kan du omformulere spørsmålet?",
		PhraseSource:         "Kilde",
		PhraseSources:        "Kilder",
		PhraseUnavailable:    "Ingen i teamet vårt er tilgjengelig akkurat nå. Vi svarer deg her så snart vi kan.",
		PhraseSomethingElse:  "Noe annet",
		PhraseOffline:        "Beklager, teamet vårt er ikke på jobb nå og svarer deg så snart vi er tilbake.",
		PhraseAssistant:      "Sendt av chatassistenten",
		PhraseRateByMail:     "Fikk du svar på spørsmålet ditt? Svar JA, eller NEI og fortell oss hvorfor.",
		PhraseRateAsk:        "Fikk du svar på spørsmålet ditt?",
		PhraseResolved:       "Løst",
		PhraseNotResolved:    "Ikke løst",
		PhraseWhyNot:         "Det var leit. Hva var galt? Velg en grunn, eller skriv med egne ord.",
		PhraseTooLong:        "For langt å lese",
		PhraseNotUseful:      "Ubrukelig svar",
		PhraseOffTopic:       "Ikke mitt spørsmål",
	},
	"sv": {
		PhraseGreeting:       "Hej! Hur kan jag hjälpa dig i dag?",
		PhraseThanks:         "Varsågod! Är det något mer jag kan hjälpa dig med?",
		PhraseHandoff:        "Det kan jag tyvärr inte svara på själv, så jag kopplar dig vidare till någon i vårt team.",
		PhraseHumanRequested: "Självklart, jag kopplar dig vidare till någon i vårt team.",
		PhraseRepeated:       "Det verkar som att mitt tidigare svar inte hjälpte, så jag kopplar dig vidare till någon i vårt team.",
		PhraseClarify:        "Vilket av dessa alternativ menar du?",
		PhraseVague:          "Kan du berätta lite mer om vad du behöver?",
		PhraseRephrase:       "Jag är inte säker på att jag förstod rätt. Kan du formulera om din fråga?",
		PhraseSource:         "Källa",
		PhraseSources:        "Källor",
		PhraseUnavailable:    "Ingen i vårt team är tillgänglig just nu. Vi svarar dig här så snart vi kan.",
		PhraseSomethingElse:  "Något annat",
		PhraseOffline:        "Tyvärr är vårt team inte tillgängligt nu och svarar dig så snart vi är tillbaka.",
		PhraseAssistant:      "Skickat av chattassistenten",
		PhraseRateByMail:     "Fick du svar på din fråga? Svara JA, eller NEJ och berätta varför.",
		PhraseRateAsk:        "Fick du svar på din fråga?",
		PhraseResolved:       "Löst",
		PhraseNotResolved:    "Inte löst",
		PhraseWhyNot:         "Det var tråkigt. Vad var fel? Välj en anledning eller skriv med egna ord.",
		PhraseTooLong:        "För långt att läsa",
		PhraseNotUseful:      "Oanvändbart svar",
		PhraseOffTopic:       "Inte min fråga",
	},
	"da": {
		PhraseGreeting:       "Hej! Hvordan kan jeg hjælpe dig i dag?",
		PhraseThanks:         "Det var så lidt! Er der andet, jeg kan hjælpe dig med?",
		PhraseHandoff:        "Det kan jeg desværre ikke selv svare på, så jeg sender dig videre til en fra vores team.",
		PhraseHumanRequested: "Selvfølgelig, jeg sender dig videre til en fra vores team.",
		PhraseRepeated:       "Det ser ud til, at mit tidligere svar ikke hjalp, så jeg sender dig videre til en fra vores team.",
		PhraseClarify:        "Hvilken af disse mener du?",
		PhraseVague:          "Kan du fortælle lidt mere om, hvad du har brug for?",
		PhraseRephrase:       "Jeg er ikke sikker på, at jeg forstod dig rigtigt. Kan du omformulere dit spørgsmål?",
		PhraseSource:         "Kilde",
		PhraseSources:        "Kilder",
		PhraseUnavailable:    "Ingen fra vores team er ledig lige nu. Vi svarer dig her, så snart vi kan.",
		PhraseSomethingElse:  "Noget andet",
		PhraseOffline:        "Beklager, vores team er ikke på arbejde nu og svarer dig, så snart vi er tilbage.",
		PhraseAssistant:      "Sendt af chatassistenten",
		PhraseRateByMail:     "Fik du svar på dit spørgsmål? Svar JA, eller NEJ og fortæl os hvorfor.",
		PhraseRateAsk:        "Fik du svar på dit spørgsmål?",
		PhraseResolved:       "Løst",
		PhraseNotResolved:    "Ikke løst",
		PhraseWhyNot:         "Det er vi kede af. Hvad var galt? Vælg en grund, eller skriv med dine egne ord.",
		PhraseTooLong:        "For langt at læse",
		PhraseNotUseful:      "Ubrugeligt svar",
		PhraseOffTopic:       "Ikke mit spørgsmål",
	},
	"pl": {
		PhraseGreeting:       "Dzień dobry! W czym mogę pomóc?",
		PhraseThanks:         "Nie ma za co! Czy mogę pomóc w czymś jeszcze?",
		PhraseHandoff:        "Niestety nie mogę odpowiedzieć na to pytanie, dlatego przekazuję rozmowę członkowi naszego zespołu.",
		PhraseHumanRequested: "Oczywiście, przekazuję rozmowę członkowi naszego zespołu.",
		PhraseRepeated:       "Wygląda na to, że moja poprzednia odpowiedź nie pomogła, dlatego przekazuję rozmowę członkowi naszego zespołu.",
		PhraseClarify:        "O którą z tych opcji chodzi?",
		PhraseVague:          "Czy mogę prosić o nieco więcej szczegółów?",
		PhraseRephrase:       "Nie mam pewności, czy dobrze rozumiem. Czy można prosić o inne sformułowanie pytania?",
		PhraseSource:         "Źródło",
		PhraseSources:        "Źródła",
		PhraseUnavailable:    "W tej chwili nikt z naszego zespołu nie jest dostępny. Odpowiemy tutaj najszybciej, jak to możliwe.",
		PhraseSomethingElse:  "Coś innego",
		PhraseOffline:        "Przepraszamy, nasz zespół jest teraz niedostępny i odpowie zaraz po powrocie.",
		PhraseAssistant:      "Wysłane przez asystenta czatu",
		PhraseRateByMail:     "Czy to odpowiada na pytanie? Proszę odpisać TAK albo NIE i napisać dlaczego.",
		PhraseRateAsk:        "Czy to odpowiada na pytanie?",
		PhraseResolved:       "Rozwiązane",
		PhraseNotResolved:    "Nierozwiązane",
		PhraseWhyNot:         "Przykro nam. Co było nie tak? Proszę wybrać powód lub opisać go własnymi słowami.",
		PhraseTooLong:        "Za długie",
		PhraseNotUseful:      "Nieprzydatne",
		PhraseOffTopic:       "Inne pytanie",
	},
	"tr": {
		PhraseGreeting:       "Merhaba! Size nasıl yardımcı olabilirim?",
		PhraseThanks:         "Rica ederim! Size yardımcı olabileceğim başka bir konu var mı?",
		PhraseHandoff:        "Bu soruyu maalesef kendim yanıtlayamıyorum, bu yüzden sizi ekibimizden bir temsilciye aktarıyorum.",
		PhraseHumanRequested: "Elbette, sizi ekibimizden bir temsilciye aktarıyorum.",
		PhraseRepeated:       "Önceki yanıtım size yardımcı olmamış gibi görünüyor, bu yüzden sizi ekibimizden bir temsilciye aktarıyorum.",
		PhraseClarify:        "Bunlardan hangisini kastediyorsunuz?",
		PhraseVague:          "İhtiyacınız hakkında biraz daha bilgi verebilir misiniz?",
		PhraseRephrase:       "Sizi doğru anladığımdan emin değilim. Sorunuzu farklı bir şekilde ifade edebilir misiniz?",
		PhraseSource:         "Kaynak",
		PhraseSources:        "Kaynaklar",
		PhraseUnavailable:    "Şu anda ekibimizden kimse müsait değil. Size en kısa sürede buradan yanıt vereceğiz.",
		PhraseSomethingElse:  "Başka bir şey",
		PhraseOffline:        "Üzgünüz, ekibimiz şu anda çevrim dışı; döner dönmez size yanıt verecek.",
		PhraseAssistant:      "Sohbet asistanı tarafından gönderildi",
		PhraseRateByMail:     "Bu, sorunuzu yanıtladı mı? EVET ya da HAYIR yazıp nedenini belirtin.",
		PhraseRateAsk:        "Bu, sorunuzu yanıtladı mı?",
		PhraseResolved:       "Çözüldü",
		PhraseNotResolved:    "Çözülmedi",
		PhraseWhyNot:         "Üzgünüz. Sorun neydi? Bir neden seçin veya kendi sözlerinizle yazın.",
		PhraseTooLong:        "Okumak için uzun",
		PhraseNotUseful:      "İşe yaramaz yanıt",
		PhraseOffTopic:       "Sorum bu değildi",
	},
	"ru": {
		PhraseGreeting:       "Здравствуйте! Чем могу помочь?",
		PhraseThanks:         "Пожалуйста! Могу ли я помочь чем-то ещё?",
		PhraseHandoff:        "К сожалению, я не могу ответить на этот вопрос, поэтому соединяю вас с сотрудником нашей команды.",
		PhraseHumanRequested: "Конечно, соединяю вас с сотрудником нашей команды.",
		PhraseRepeated:       "Похоже, мой предыдущий ответ вам не помог, поэтому соединяю вас с сотрудником нашей команды.",
		PhraseClarify:        "Что из этого вы имеете в виду?",
		PhraseVague:          "Не могли бы вы рассказать подробнее, что вам нужно?",
		PhraseRephrase:       "Кажется, я не совсем понимаю ваш вопрос. Не могли бы вы его переформулировать?",
		PhraseSource:         "Источник",
		PhraseSources:        "Источники",
		PhraseUnavailable:    "Сейчас никого из нашей команды нет на месте. Мы ответим вам здесь как можно скорее.",
		PhraseSomethingElse:  "Другое",
		PhraseOffline:        "К сожалению, наша команда сейчас не на связи и ответит вам сразу по возвращении.",
		PhraseAssistant:      "Отправлено чат-ассистентом",
		PhraseRateByMail:     "Это ответ на ваш вопрос? Ответьте ДА, или НЕТ и напишите почему.",
		PhraseRateAsk:        "Это ответ на ваш вопрос?",
		PhraseResolved:       "Решено",
		PhraseNotResolved:    "Не решено",
		PhraseWhyNot:         "Жаль. Что было не так? Выберите причину или напишите своими словами.",
		PhraseTooLong:        "Слишком длинно",
		PhraseNotUseful:      "Бесполезный ответ",
		PhraseOffTopic:       "Не мой вопрос",
	},
	"ar": {
		PhraseGreeting:       "مرحبًا! كيف يمكنني مساعدتك اليوم؟",
		PhraseThanks:         "على الرحب والسعة! هل هناك أي شيء آخر يمكنني مساعدتك فيه؟",
		PhraseHandoff:        "لا أستطيع الإجابة عن هذا السؤال بنفسي، لذا سأحوّلك إلى أحد أعضاء فريقنا.",
		PhraseHumanRequested: "بالتأكيد، سأحوّلك إلى أحد أعضاء فريقنا.",
		PhraseRepeated:       "يبدو أن إجابتي السابقة لم تكن مفيدة، لذا سأحوّلك إلى أحد أعضاء فريقنا.",
		PhraseClarify:        "أيّ هذه الخيارات تقصد؟",
		PhraseVague:          "هل يمكنك أن تخبرني بالمزيد عمّا تحتاج إليه؟",
		PhraseRephrase:       "لست متأكدًا من أنني فهمت سؤالك. هل يمكنك إعادة صياغته؟",
		PhraseSource:         "المصدر",
		PhraseSources:        "المصادر",
		PhraseUnavailable:    "لا يتوفر أحد من فريقنا في الوقت الحالي. سنرد عليك هنا في أقرب وقت ممكن.",
		PhraseSomethingElse:  "شيء آخر",
		PhraseOffline:        "عذرًا، فريقنا غير متصل الآن وسيرد عليك فور عودته.",
		PhraseAssistant:      "أُرسلت بواسطة مساعد الدردشة",
		PhraseRateByMail:     "هل أجاب هذا عن سؤالك؟ ردّ بـ نعم، أو لا مع ذكر السبب.",
		PhraseRateAsk:        "هل أجاب هذا عن سؤالك؟",
		PhraseResolved:       "تم الحل",
		PhraseNotResolved:    "لم يُحل",
		PhraseWhyNot:         "نأسف لذلك. ما المشكلة؟ اختر سببًا أو اكتبه بكلماتك.",
		PhraseTooLong:        "طويل جدًا",
		PhraseNotUseful:      "إجابة غير مفيدة",
		PhraseOffTopic:       "ليس سؤالي",
	},
	"zh": {
		PhraseGreeting:       "您好！请问有什么可以帮您？",
		PhraseThanks:         "不客气！请问还有什么可以帮您的吗？",
		PhraseHandoff:        "这个问题我暂时无法回答，我将为您转接我们团队的工作人员。",
		PhraseHumanRequested: "好的，我将为您转接我们团队的工作人员。",
		PhraseRepeated:       "看来我之前的回答没能帮到您，我将为您转接我们团队的工作人员。",
		PhraseClarify:        "请问您指的是以下哪一项？",
		PhraseVague:          "能否请您再详细说明一下您的需求？",
		PhraseRephrase:       "抱歉，我不太确定是否理解了您的意思。能请您换个方式描述一下问题吗？",
		PhraseSource:         "来源",
		PhraseSources:        "参考来源",
		PhraseUnavailable:    "我们的团队目前无人在线。我们会尽快在这里回复您。",
		PhraseSomethingElse:  "其他问题",
		PhraseOffline:        "抱歉，我们的团队目前不在线，回来后会第一时间回复您。",
		PhraseAssistant:      "由聊天助手发送",
		PhraseRateByMail:     "这个回答解决您的问题了吗？请回复“是”，或回复“否”并告诉我们原因。",
		PhraseRateAsk:        "这个回答解决您的问题了吗？",
		PhraseResolved:       "已解决",
		PhraseNotResolved:    "未解决",
		PhraseWhyNot:         "很抱歉。哪里不对？请选择原因，或用您自己的话告诉我们。",
		PhraseTooLong:        "太长了",
		PhraseNotUseful:      "回答没用",
		PhraseOffTopic:       "答非所问",
	},
	"ja": {
		PhraseGreeting:       "こんにちは！本日はどのようなご用件でしょうか？",
		PhraseThanks:         "どういたしまして！ほかにお手伝いできることはありますか？",
		PhraseHandoff:        "申し訳ございませんが、こちらではお答えできないため、担当者におつなぎします。",
		PhraseHumanRequested: "かしこまりました。担当者におつなぎします。",
		PhraseRepeated:       "先ほどの回答ではお役に立てなかったようですので、担当者におつなぎします。",
		PhraseClarify:        "以下のうち、どちらについてのお問い合わせでしょうか？",
		PhraseVague:          "ご用件について、もう少し詳しく教えていただけますか？",
		PhraseRephrase:       "申し訳ございません、ご質問をうまく理解できませんでした。別の言い方で教えていただけますか？",
		PhraseSource:         "出典",
		PhraseSources:        "参考資料",
		PhraseUnavailable:    "ただいま対応できる担当者がおりません。できるだけ早くこちらでご返信いたします。",
		PhraseSomethingElse:  "その他",
		PhraseOffline:        "申し訳ございません。ただいま担当者が不在のため、戻り次第すぐにご返信いたします。",
		PhraseAssistant:      "チャットアシスタントが送信",
		PhraseRateByMail:     "この回答で解決しましたか？「はい」、または「いいえ」と理由をご返信ください。",
		PhraseRateAsk:        "この回答で解決しましたか？",
		PhraseResolved:       "解決した",
		PhraseNotResolved:    "解決しない",
		PhraseWhyNot:         "申し訳ございません。何が問題でしたか？理由を選ぶか、ご自由にお書きください。",
		PhraseTooLong:        "長すぎる",
		PhraseNotUseful:      "役に立たない",
		PhraseOffTopic:       "質問と違う",
	},
}

// languageNames are the English names of the languages the agent may be asked to reply in.
var languageNames = map[string]string{
	"af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian", "bg": "Bulgarian",
	"bn": "Bengali", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German",
	"el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish",
	"fil": "Filipino", "fr": "French", "ga": "Irish", "gl": "Galician", "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi",
	"hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "is": "Icelandic", "it": "Italian",
	"ja": "Japanese", "ka": "Georgian", "kk": "Kazakh", "km": "Khmer", "kn": "Kannada", "ko": "Korean", "lo": "Lao",
	"lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi",
	"ms": "Malay", "my": "Burmese", "ne": "Nepali", "nl": "Dutch", "no": "Norwegian", "pa": "Punjabi", "pl": "Polish",
	"pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian",
	"sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "th": "Thai",
	"tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "zh": "Chinese",
}
