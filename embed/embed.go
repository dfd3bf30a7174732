// Package embed holds the files compiled into the binary that are not web assets:
// the numbered SQL migrations (and, later, prompt templates and demo knowledge).
package embed

import "embed"

// Migrations holds migrations/NNNN_name.sql, applied in number order by the store.
//
//go:embed migrations/*.sql
var Migrations embed.FS
