// Package static embeds the admin's CSS, scripts and images and serves them with
// content-hashed URLs, so browsers may cache them for a year and still see new versions
// the moment a new binary ships.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed css js sound
var files embed.FS

// widgetJS is the chat widget's script, served at /widget.js: customers' sites name it in
// their snippet, so its URL has no hash.
//
//go:embed widget.js
var widgetJS []byte

// Widget returns the chat widget's script.
func Widget() []byte { return widgetJS }

// hashes maps a file's path (css/app.css) to the first 12 hex digits of its SHA-256.
var hashes = hashAll()

func hashAll() map[string]string {
	h := map[string]string{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h[p] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	if err != nil {
		panic("static: " + err.Error())
	}
	return h
}

// Prefix is where the assets are served.
const Prefix = "/static/"

// Path returns the URL of an asset, keyed by its content: /static/css/app.css?v=1a2b3c4d5e6f.
// An unknown name panics at first render, which tests catch.
func Path(name string) string {
	h, ok := hashes[name]
	if !ok {
		panic("static: no asset " + name)
	}
	return Prefix + name + "?v=" + h
}

// Handler serves the assets under Prefix. A request carrying the current hash is cached
// for a year; any other must be revalidated.
func Handler() http.Handler {
	fileServer := http.StripPrefix(Prefix, http.FileServerFS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		h, ok := hashes[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == h {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("ETag", `"`+h+`"`)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		fileServer.ServeHTTP(w, r)
	})
}
