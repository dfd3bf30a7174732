package components

// Language is a choice in a language select: its code as the knowledge keeps it, and its
// English name.
type Language struct{ Code, Name string }

// Languages are the choices of every language select (knowledge forms, the test search,
// the preview's customer language), so that all offer the same; Norwegian is "nb", as
// browsers send it.
var Languages = []Language{
	{"en", "English"}, {"es", "Spanish"}, {"fr", "French"}, {"de", "German"}, {"pt", "Portuguese"},
	{"it", "Italian"}, {"nl", "Dutch"}, {"nb", "Norwegian"}, {"sv", "Swedish"}, {"da", "Danish"},
	{"fi", "Finnish"}, {"pl", "Polish"}, {"cs", "Czech"}, {"tr", "Turkish"}, {"el", "Greek"},
	{"ru", "Russian"}, {"uk", "Ukrainian"}, {"ar", "Arabic"}, {"he", "Hebrew"}, {"hi", "Hindi"},
	{"zh", "Chinese"}, {"ja", "Japanese"}, {"ko", "Korean"}, {"th", "Thai"}, {"vi", "Vietnamese"},
	{"id", "Indonesian"},
}
