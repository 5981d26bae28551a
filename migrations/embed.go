// Package migrations embeds the forward-only SQL migrations. Each file is a Go text/template
// rendered for the dialect (PostgreSQL or SQLite) before it runs, so one file serves both:
// {{.PK}} is the auto-increment primary key, {{.TS}} a timestamp column, {{.CI "expr"}} the
// case-insensitive, order-giving index expression the register search walks.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
