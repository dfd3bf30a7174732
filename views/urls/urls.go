// Package urls builds the admin's URLs, so handlers (redirects) and views (links) agree.
package urls

import (
	"strings"

	"agent/app/ids"
)

// Workspace returns a path inside a workspace: Workspace(7, "settings", "users") is
// /w/<id>/settings/users. IDs among the parts must already be encoded.
func Workspace(wsID int64, parts ...string) string {
	return "/w/" + ids.Encode(wsID) + "/" + strings.Join(parts, "/")
}

// ID encodes an integer key for a URL.
func ID(id int64) string { return ids.Encode(id) }
