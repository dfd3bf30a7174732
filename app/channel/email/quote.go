package email

import (
	"regexp"
	"strings"
)

// StripQuotes returns what the sender wrote in a plain-text reply: without the earlier
// messages their client quoted (below an "On … wrote:" line, an Outlook "From: … Sent: …"
// block or "-----Original Message-----", or on "> " lines) and without the signature (below
// "-- ", or a "Sent from my iPhone" line at the end). Answers written between quoted lines are
// kept; a forwarded message (below "---------- Forwarded message ---------") is kept, as the
// sender means it to be read.
func StripQuotes(text string) string {
	s, _ := stripText(text)
	return s
}

// The "wrote" of attribution lines in the languages of the product's customers; the whole
// line is checked by attributionLine.
const wroteWords = `wrote|a écrit|schrieb|skrev|escribió|escribio|ha scritto|schreef|escreveu|napisał|kirjoitti`

var (
	// "On Tue, Mar 12, 2024 at 10:15 AM Ada <ada@example.com> wrote:",
	// "Am 12.03.24 um 10:15 schrieb Ada:", "Le 12 mars 2024 à 10:15, Ada a écrit :"
	attributionLine = regexp.MustCompile(`(?i)(?:^|\s)(?:` + wroteWords + `)(?:\s[^:]{0,160})?\s*:\s*$`)
	// the start of an attribution a client wrapped over two or three lines
	attributionStart = regexp.MustCompile(`(?i)^\s*(?:on|le|am|el|il|op|em|den|dne|w dniu)\s|\d`)
	// what clients put in an attribution and people seldom write: a time or an address
	attributionDetail = regexp.MustCompile(`@|\d[:.]\d\d`)
	quoted            = regexp.MustCompile(`^\s*>`)
	originalMarker    = regexp.MustCompile(`(?i)^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|opprinnelig melding|mensaje original|messaggio originale|oorspronkelijk bericht|ursprungligt meddelande|oprindelig meddelelse|mensagem original)\s*-{2,}\s*$`)
	forwardMarker     = regexp.MustCompile(`(?i)^\s*(?:-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré|videresendt melding|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht|vidarebefordrat meddelande|mensagem encaminhada)\s*-{2,}|begin forwarded message:|début du message réexpédié\s?:|anfang der weitergeleiteten nachricht:|inicio del mensaje reenviado:|videresendt melding:)\s*$`)
	separatorLine     = regexp.MustCompile(`^\s*_{10,}\s*$`)
	// the first and the other lines of the header block Outlook writes above a quoted message
	// ("From: Ada <ada@example.com>" / "Sent: Tuesday, March 12, 2024 10:15 AM" / "To: …"),
	// bold (*From:*) once HTML is turned to text
	headerFrom  = regexp.MustCompile(`(?i)^\s*\*?\s*(?:from|de|von|fra|från|da|van|od)\s*:\s*\*?\s*\S`)
	headerField = regexp.MustCompile(`(?i)^\s*\*?\s*(?:sent|date|to|cc|subject|envoyé|à|objet|gesendet|datum|an|betreff|sendt|dato|til|emne|enviado(?: el)?|fecha|para|asunto|inviato|data|a|oggetto|verzonden|aan|onderwerp|skickat|till|ämne)\s*:`)
	// the lines mail apps add under what is typed on a phone
	mobileSignature = regexp.MustCompile(`(?i)^\s*(?:sent from my .{1,40}|sent from (?:outlook|mail|yahoo mail|gmail|samsung)\b.{0,40}|get outlook for (?:ios|android).{0,40}|sent with proton ?mail.{0,40}|envoyé de mon .{1,40}|envoyé depuis .{1,40}|obtenir outlook pour (?:ios|android).{0,40}|von meinem .{1,40} gesendet|gesendet von .{1,40}|sendt fra min .{1,40}|hent outlook for (?:ios|android).{0,40}|enviado desde mi .{1,40}|enviado desde .{1,30} para (?:ios|android).{0,40}|obtener outlook para (?:ios|android).{0,40}|inviato da .{1,40}|verzonden (?:met|vanaf) .{1,40}|skickat från .{1,40})\s*$`)
)

// stripText is StripQuotes, also saying whether it found quoted text.
func stripText(text string) (string, bool) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	drop := make([]bool, len(lines))
	end, found := len(lines), false
	attributed := false
scan:
	for i := 0; i < end; i++ {
		l := lines[i]
		switch {
		case quoted.MatchString(l):
			continue
		case forwardMarker.MatchString(l):
			break scan
		case originalMarker.MatchString(l):
			end, found = i, true
			break scan
		}
		if j := headerBlockAt(lines, i); j >= 0 {
			end, found = j, true
			break
		}
		if attributed {
			continue
		}
		n, strong := attributionAt(lines, i)
		if n == 0 {
			continue
		}
		// Gmail, Apple Mail and Thunderbird quote with "> ": answers may sit between the
		// quoted lines, so only those go. Yahoo and others quote without: all below goes.
		if next := nextNonBlank(lines, i+n); next < len(lines) && quoted.MatchString(lines[next]) {
			for k := i; k < i+n; k++ {
				drop[k] = true
			}
			attributed, found = true, true
			i += n - 1
			continue
		}
		if strong {
			end, found = i, true
			break
		}
	}
	var kept []string
	for i, l := range lines[:end] {
		switch {
		case drop[i]:
		case quoted.MatchString(l):
			found = true
		default:
			kept = append(kept, l)
		}
	}
	return tidy(stripSignature(kept)), found
}

// headerBlockAt says whether an Outlook header block starts at line i, and where to cut:
// at the block, or at the line of underscores Outlook draws above it.
func headerBlockAt(lines []string, i int) int {
	if !headerFrom.MatchString(lines[i]) {
		return -1
	}
	fields := 0
	for k := i + 1; k < len(lines) && k <= i+10 && fields < 2; k++ {
		if headerField.MatchString(lines[k]) {
			fields++
		}
	}
	if fields < 2 {
		return -1
	}
	if p := prevNonBlank(lines, i-1); p >= 0 && (separatorLine.MatchString(lines[p]) || originalMarker.MatchString(lines[p])) {
		return p
	}
	return i
}

// attributionAt says how many lines (1 to 3: Gmail wraps long ones) of an attribution start
// at line i, and whether it names a time or an address (a bare "Ada wrote:" or "On Monday
// I wrote:" counts only above quoted lines).
func attributionAt(lines []string, i int) (n int, strong bool) {
	s := strings.TrimSpace(lines[i])
	if s == "" || len(s) > 300 {
		return 0, false
	}
	for n = 1; n <= 3 && i+n <= len(lines); n++ {
		if n > 1 {
			next := strings.TrimSpace(lines[i+n-1])
			if next == "" || quoted.MatchString(next) || !attributionStart.MatchString(lines[i]) {
				return 0, false
			}
			if attributionLine.MatchString(next) && attributionStart.MatchString(next) {
				return 0, false // the next line is an attribution of its own
			}
			s += " " + next
		}
		if len(s) <= 400 && attributionLine.MatchString(s) {
			return n, attributionDetail.MatchString(s)
		}
	}
	return 0, false
}

// stripSignature cuts what follows a "-- " line (RFC 3676; a bare "--" when a few lines
// follow it, as some clients trim the space), and the phone apps' lines at the end.
func stripSignature(lines []string) []string {
	for i, l := range lines {
		if l == "-- " || (l == "--" && len(lines)-i <= 8) {
			lines = lines[:i]
			break
		}
	}
	for range 2 {
		last := prevNonBlank(lines, len(lines)-1)
		if last < 0 || !mobileSignature.MatchString(lines[last]) {
			break
		}
		lines = lines[:last]
	}
	return lines
}

// tidy joins lines, with no blank lines at either end and never two in a row.
func tidy(lines []string) string {
	var b strings.Builder
	blank := false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(strings.TrimRight(l, " \t"))
	}
	return b.String()
}

func nextNonBlank(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return i
}

func prevNonBlank(lines []string, i int) int {
	for i >= 0 && strings.TrimSpace(lines[i]) == "" {
		i--
	}
	return i
}
