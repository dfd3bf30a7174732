package email

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jhillyerd/enmime/v2"
)

// The replies in testdata/clients answer the same message of ours; these are the words of
// it that any of them quotes, which must never reach the AI.
var quotedWords = []string{"warehouse", "JD014600003828", "shop.example/help", "Lager", "entrepôt", "lageret", "Prefiere", "hora le viene", "Shop Support"}

func TestClientFixtures(t *testing.T) {
	cases := []struct {
		file, reply string
	}{
		{"gmail.eml", "Thanks, the tracking link works now. The parcel should arrive on Thursday.\n\nCan I still change the delivery address to my office?"},
		{"gmail_fr.eml", "Merci beaucoup ! Le colis est bien arrivé ce matin.\n\nBonne journée,\nAmélie"},
		{"gmail_de.eml", "Vielen Dank, das Paket ist heute angekommen.\n\nViele Grüße\nKarl"},
		{"gmail_es_inline.eml", "En casa, por favor.\n\nPor la tarde, después de las 16:00."},
		{"outlook.eml", "Thanks, the tracking link works now.\n\nCould you send the invoice as a PDF as well?\n\nKind regards,\nAda Lovelace\nHead of Purchasing | Contoso Ltd"},
		{"outlook_de.eml", "Hallo,\n\nvielen Dank für die schnelle Antwort. Können Sie mir die Rechnung zusenden?\n\nMit freundlichen Grüßen\nJürgen Müller"},
		{"outlook_web.eml", "Yes, please send it to my office instead: 1 Harbour Road, Leeds."},
		{"outlook_ios.eml", "Perfect, thank you!"},
		{"outlook_original.eml", "Please cancel the order, I found it 12 € cheaper elsewhere.\n\nRegards,\nTom"},
		{"apple_mail.eml", "Thank you! Will it need a signature on delivery?\n\nGrace"},
		{"apple_iphone.eml", "Great, thanks!"},
		{"apple_iphone_nb.eml", "Takk! Kan jeg hente pakken selv i butikken?"},
		{"thunderbird.eml", "Thanks. One more question: do you ship to Ireland?\n\nCharles"},
		{"thunderbird_de.eml", "Guten Tag,\n\nich möchte die Bestellung an eine andere Adresse schicken lassen:\nHauptstraße 5, 10115 Berlin.\n\nMit freundlichen Grüßen\nKonrad Zuse"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			raw := readFixture(t, "clients/"+c.file)
			m, err := Parse(raw, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Reply != c.reply {
				t.Errorf("Reply:\n%s\nwant:\n%s", m.Reply, c.reply)
			}
			for _, w := range quotedWords {
				if strings.Contains(m.Reply, w) {
					t.Errorf("Reply keeps quoted %q", w)
				}
			}
			if !strings.Contains(m.Text, "Shop Support") {
				t.Errorf("Text lost the quote, which the inbox shows: %q", m.Text)
			}
			// Each client's HTML, where it sends one, gives the same words by its markup.
			if h := rawHTML(t, raw); h != "" {
				got, found := stripHTML(h)
				if !found {
					t.Errorf("the HTML's quote was not found")
				}
				if squash(got) != squash(c.reply) {
					t.Errorf("HTML gives:\n%s\nwant:\n%s", got, c.reply)
				}
			}
		})
	}
	files, _ := filepath.Glob("testdata/clients/*.eml")
	for _, f := range files {
		if b := filepath.Base(f); !seen[b] && b != "gmail_forward.eml" {
			t.Errorf("%s has no expected reply", b)
		}
	}
}

func TestForwardKept(t *testing.T) {
	m, err := Parse(readFixture(t, "clients/gmail_forward.eml"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Can you help?", "The invoice shows 3 units but we ordered 2.", "From: Ada Lovelace"} {
		if !strings.Contains(m.Reply, w) {
			t.Errorf("the forwarded message lost %q:\n%s", w, m.Reply)
		}
	}
}

func TestStripQuotes(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"nothing quoted", "Hello,\n\nwhere is my parcel?\n", "Hello,\n\nwhere is my parcel?"},
		{"empty", "", ""},
		{"only a quote", "On Tue, 12 Mar 2024 at 10:15, Shop <s@shop.example> wrote:\n> hi\n", ""},
		{"bottom posted", "On Tue, 12 Mar 2024 at 10:15, Shop <s@shop.example> wrote:\n> Which size?\n\nSize 42, please.\n", "Size 42, please."},
		{"Yahoo quotes without >", "Yes please.\n\nOn Tuesday, March 12, 2024, 10:15:00 AM GMT+1, Shop Support <support@shop.example> wrote:\n\n\nHello, which size?\n", "Yes please."},
		{"a bare attribution above quotes", "Fine.\n\nShop Support wrote:\n> Which size?\n", "Fine."},
		{"'On Monday I wrote:' in the text stays", "On Monday 12 March I wrote:\nthe box was open.\n", "On Monday 12 March I wrote:\nthe box was open."},
		{"a bare 'wrote:' in the text stays", "Here is what my colleague wrote:\nthe box was open.\n", "Here is what my colleague wrote:\nthe box was open."},
		{"Outlook block without a rule", "Ok.\n\nFrom: Shop <s@shop.example>\nSent: Tuesday, March 12, 2024 10:15 AM\nTo: me\nSubject: Re: x\n\nold\n", "Ok."},
		{"Outlook block under a rule", "Ok.\n\n________________________________\nFrom: Shop <s@shop.example>\nSent: Tuesday\nTo: me\nSubject: x\n\nold\n", "Ok."},
		{"Outlook in Norwegian", "Takk.\n\nFra: Shop <s@shop.example>\nSendt: tirsdag 12. mars 2024 10:15\nTil: meg\nEmne: x\n\ngammel\n", "Takk."},
		{"Outlook in Spanish", "Gracias.\n\nDe: Shop <s@shop.example>\nEnviado el: martes, 12 de marzo de 2024 10:15\nPara: yo\nAsunto: x\n\nviejo\n", "Gracias."},
		{"a From: line in the text stays", "From: my experience the box was fine.\nTo: be honest, no.\n", "From: my experience the box was fine.\nTo: be honest, no."},
		{"Original Message in German", "Danke.\n\n-----Ursprüngliche Nachricht-----\nVon: Shop\nalt\n", "Danke."},
		{"Original Message in French", "Merci.\n\n-----Message d'origine-----\nDe : Shop\nancien\n", "Merci."},
		{"signature", "Thanks!\n-- \nAda\nAnalytical Engines\n", "Thanks!"},
		{"a bare -- with a short signature", "Thanks!\n--\nAda\n", "Thanks!"},
		{"a bare -- in a long text stays", "a\n--\n1\n2\n3\n4\n5\n6\n7\n8\n9\n", "a\n--\n1\n2\n3\n4\n5\n6\n7\n8\n9"},
		{"Sent from my iPhone", "Yes.\n\nSent from my iPhone\n", "Yes."},
		{"Envoyé de mon iPhone", "Oui.\n\nEnvoyé de mon iPhone\n", "Oui."},
		{"Von meinem iPhone gesendet", "Ja.\n\nVon meinem iPhone gesendet\n", "Ja."},
		{"Enviado desde mi iPhone", "Sí.\n\nEnviado desde mi iPhone\n", "Sí."},
		{"Sendt fra min iPhone", "Ja.\n\nSendt fra min iPhone\n", "Ja."},
		{"Get Outlook for Android", "Ok\n\nGet Outlook for Android<https://aka.ms/AAb9ysg>\n", "Ok"},
		{"a phone line inside the text stays", "Sent from my iPhone\nthe photo was blurry, so here it is again.\n", "Sent from my iPhone\nthe photo was blurry, so here it is again."},
		{"Italian", "Grazie.\n\nIl giorno mar 12 mar 2024 alle ore 10:15 Shop <s@shop.example> ha scritto:\n> ciao\n", "Grazie."},
		{"Dutch", "Dank je.\n\nOp di 12 mrt 2024 om 10:15 schreef Shop <s@shop.example>:\n> hoi\n", "Dank je."},
		{"Portuguese", "Obrigado.\n\nEm ter., 12 de mar. de 2024 às 10:15, Shop <s@shop.example> escreveu:\n> olá\n", "Obrigado."},
		{"CRLF", "Yes.\r\n\r\nOn Tue, 12 Mar 2024 at 10:15, Shop <s@shop.example> wrote:\r\n> q\r\n", "Yes."},
		{"a forward is kept", "See below.\n\n---------- Forwarded message ---------\nFrom: A <a@b.example>\nDate: Mon\nSubject: x\nTo: me\n\nbody\n", "See below.\n\n---------- Forwarded message ---------\nFrom: A <a@b.example>\nDate: Mon\nSubject: x\nTo: me\n\nbody"},
		{"blank lines squeezed", "a\n\n\n\nb\n\n", "a\n\nb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := StripQuotes(c.in); got != c.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, c.want)
			}
		})
	}
}

func TestStripQuotesHTML(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"Yahoo", `<div>Yes.</div><div class="yahoo_quoted"><div>On Tuesday, March 12, 2024, Shop wrote:</div><div>Which size?</div></div>`, "Yes."},
		{"Proton", `<div>Yes.</div><div class="protonmail_quote">On Tuesday, Shop wrote:<br><blockquote class="protonmail_quote" type="cite">Which size?</blockquote></div>`, "Yes."},
		{"an indented blockquote stays", `<p>The manual says:</p><blockquote style="margin:0 0 0 40px;border:none;padding:0px">Keep dry.</blockquote><p>Is that all?</p>`, "The manual says:\nKeep dry.\nIs that all?"},
		{"Outlook Mac header", `<div>Sure.</div><div id="mail-editor-reference-message-container"><div class="ms-outlook-mobile-reference-message"><b>From: </b>Shop<br><b>Date: </b>Tuesday<br></div>old</div>`, "Sure."},
		{"an Outlook-like rule without a From block stays", `<div style="border-top:solid #E1E1E1 1.0pt">Total: 45 EUR</div>`, "Total: 45 EUR"},
		{"not HTML at all", "just text", "just text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := StripQuotesHTML(c.in); squash(got) != squash(c.want) {
				t.Errorf("got:\n%q\nwant:\n%q", got, c.want)
			}
		})
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// rawHTML is a fixture's HTML part as the client sent it (Message.HTML is sanitized, which
// drops the class and type attributes the quote stripper reads).
func rawHTML(t *testing.T, raw []byte) string {
	t.Helper()
	env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return env.HTML
}

// squash compares texts that differ only in blank lines and spaces (html2text's and the
// clients' layouts).
func squash(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
