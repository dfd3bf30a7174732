package channels

import (
	"strconv"

	"agent/app/channel"
)

// GreetingField names a field of the form's row i of greetings in other languages:
// greeting_lang_0, greeting_welcome_0, greeting_quick_0.
func GreetingField(part string, i int) string { return "greeting_" + part + "_" + strconv.Itoa(i) }

// MaxGreetingRows is how many rows of greetings the form can hold.
const MaxGreetingRows = 12

// GreetingRows are the rows of greetings the form shows: those filled, and one empty
// for another language (saving adds the next).
func (d FormData) GreetingRows() []int {
	n := 0
	for n < MaxGreetingRows && (d.Form.Value(GreetingField("lang", n)) != "" || d.Form.Value(GreetingField("welcome", n)) != "" ||
		d.Form.Value(GreetingField("quick", n)) != "") {
		n++
	}
	rows := make([]int, 0, n+1)
	for i := 0; i <= n && i < MaxGreetingRows; i++ {
		rows = append(rows, i)
	}
	return rows
}

// WidgetValues puts a widget's settings into form values, as the form names them.
func WidgetValues(w channel.WidgetSettings, values map[string]string) {
	values["color"], values["position"], values["launcher_label"] = w.ColorOrDefault(), w.Position, w.LauncherLabel
	if values["position"] == "" {
		values["position"] = "right"
	}
	values["ask_name"], values["ask_email"], values["greetings"] = "", "", ""
	if w.AskName {
		values["ask_name"] = "1"
	}
	if w.AskEmail {
		values["ask_email"] = "1"
	}
	for i, g := range w.Greetings {
		values[GreetingField("lang", i)], values[GreetingField("welcome", i)] = g.Lang, g.Welcome
		values[GreetingField("quick", i)] = Lines(g.QuickReplies)
	}
}

// IdentitySnippet is the widget tag with a signed identity token, as the host site
// prints it for a signed-in customer.
func (d FormData) IdentitySnippet() string {
	return `<script src="` + d.BaseURL + `/widget.js" data-agent="` + d.Channel.PublicKey + `" data-identity="TOKEN" async></script>`
}
