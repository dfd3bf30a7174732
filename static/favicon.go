package static

import _ "embed"

// favicon is the browser tab's icon, the logo's diamond, served at /favicon.svg (linked
// from every page) and at /favicon.ico, which browsers and tools ask for on their own.
//
//go:embed favicon.svg
var favicon []byte

// Favicon returns the icon, an SVG image.
func Favicon() []byte { return favicon }
