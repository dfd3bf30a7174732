package errorpage

import "net/http"

func title(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}
