// Package views embeds the html/template files: layouts/, pages/, partials/ (fragments htmx
// swaps) and tabs/ (one fragment per card tab, also embedded by the full card page).
package views

import "embed"

//go:embed layouts pages partials tabs
var FS embed.FS
