package urls

// Quotes returns a path in the Quotes section: Quotes(7) is /w/<id>/quotes, Quotes(7,
// "new") the form of a new quote.
func Quotes(wsID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"quotes"}, rest...)...)
}

// Quote returns the admin path of one quote, or with rest a path under it: Quote(7, 3,
// "edit"), Quote(7, 3, "publish").
func Quote(wsID, quoteID int64, rest ...string) string {
	return Workspace(wsID, append([]string{"quotes", ID(quoteID)}, rest...)...)
}
