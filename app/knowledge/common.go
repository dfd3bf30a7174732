package knowledge

import "strings"

// commonWeight scales a very common word's weight in Coverage. In a small workspace every
// word is rare by the numbers, so "how much does shipping cost" would count "how", "much"
// and "does" as much as "shipping"; these lists say what the numbers cannot yet.
const commonWeight = 0.1

// commonWords are the question and function words of the languages customers most often
// write in, accents folded as the index folds them.
var commonWords = func() map[string]bool {
	lists := []string{
		// en
		`a an the and or but if so of to in on at by for from with about as into than then is are was were be been being
		am do does did doing have has had can could will would shall should may might must i me my mine you your yours we us our
		he him his she her it its they them their this that these those there here what which who whom whose when where why how
		much many any some all no not please get got also just very long far often soon`,
		// es
		`el la los las un una unos unas y o pero si de del al a en con por para sin sobre es son era fue ser estar esta está
		estoy están hay he ha han tengo tiene puedo puede pueden quiero me mi mis te tu tus su sus usted ustedes nos nuestro que
		qué cual cuál quien quién cuando cuándo donde dónde como cómo cuanto cuánto cuánta cuántos por qué porque no sí muy también`,
		// fr
		`le la les l un une des du de d au aux et ou mais si à en dans sur pour par avec sans est sont était être ai as a avons
		avez ont je j me m mon ma mes tu te ton ta tes il elle on nous vous votre vos leur leurs ce cet cette ces ça qui que qu
		quoi quel quelle quels quelles quand où comment combien pourquoi ne n pas plus très aussi y peut puis peux veux voudrais`,
		// de
		`der die das den dem des ein eine einen einem einer und oder aber wenn ob zu in im an am auf für mit von vom bei nach
		aus über um ist sind war waren sein bin bist hat haben habe hast kann können könnte will möchte muss ich mich mir mein
		meine du dich dir dein sie ihr ihre ihnen wir uns unser es man was wer wie wo wann warum welche welcher welches wieviel
		viel nicht kein keine auch sehr noch`,
		// pt
		`o a os as um uma uns umas e ou mas se de do da dos das em no na nos nas com por para sem sobre é são era foi ser estar
		está estou estão há tem tenho posso pode podem quero eu me meu minha meus você vocês seu sua nós nosso que qual quem
		quando onde como quanto quanta quantos porque não sim muito também`,
		// it
		`il lo la i gli le un uno una e o ma se di del della dei delle a al alla in nel nella con per su da dal è sono era
		essere ho hai ha abbiamo avete hanno posso può possono voglio vorrei io mi mio mia tu ti tuo lei suo sua noi ci nostro
		voi vi che chi cosa quale quando dove come quanto perché non sì molto anche`,
		// nl
		`de het een en of maar als van in op aan voor met bij naar uit over om is zijn was waren ben bent heb hebt heeft hebben
		kan kun kunnen wil wilt moet ik mij me mijn je jij jou jouw u uw hij zij ze wij we ons onze dat dit die wat wie welke
		wanneer waar hoe hoeveel waarom niet geen ook heel er`,
		// no, sv, da
		`og eller men om av til i på med for fra ved er var være har hadde kan kunne vil skal må jeg meg min mitt mine du deg din
		ditt han hun vi oss vår dere de det den dette disse hva hvem hvilken hvor hvordan hvorfor når ikke også mye
		och eller men om av till i på med för från är var vara har hade kan kunde vill ska måste jag mig min mitt du dig din han
		hon vi oss vår ni de det den detta vad vem vilken var hur varför när inte också mycket
		og eller men hvis af til i på med for fra er var være har havde kan kunne vil skal skal jeg mig min mit du dig din han
		hun vi os vores I de det den dette hvad hvem hvilken hvor hvordan hvorfor hvornår ikke også meget
		även att som en ett sig sin sina finns någon några`,
		// pl ("one", "ten" left out: English numbers)
		`czy jak jaki jaka jakie ile gdzie kiedy dlaczego co kto który która które i oraz lub albo ale w we na z ze do od po
		za przez dla o u przy nie tak jest są był była było być mam masz ma mamy macie mają mogę może możemy mogą chcę
		chciałbym chciałabym ja mnie mi mój moja moje ty ciebie cię twój on ona ono my nas nasz wy was wasz oni ich
		ta to te tego tej tym się też także bardzo jeszcze proszę`,
	}
	set := map[string]bool{}
	for _, l := range lists {
		for _, w := range strings.Fields(strings.ToLower(l)) {
			set[fold(w)] = true
		}
	}
	return set
}()

// commonStems are the stems (analyze.go) of the common words.
var commonStems = func() map[string]bool {
	set := map[string]bool{}
	for w := range commonWords {
		set[fold(stem([]rune(w)))] = true
	}
	return set
}()
