package store

import (
	"context"
	"strings"
	"unicode"

	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"
)

// SearchKey folds a name for prefix search: lower case, diacritics removed (ł, which has no
// decomposition, by hand), so "Łukasiewicz", "łuka" and "LUKA" meet on both databases; SQLite's
// NOCASE folds only ASCII and PostgreSQL's unaccent is an extension we do not assume.
func SearchKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'ł':
			b.WriteRune('l')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var _ bun.BeforeAppendModelHook = (*Customer)(nil)

// BeforeAppendModel keeps the search keys in step with the names on every insert and update,
// bulk inserts included.
func (c *Customer) BeforeAppendModel(ctx context.Context, q bun.Query) error {
	c.FirstNameKey = SearchKey(c.FirstName)
	c.LastNameKey = SearchKey(c.LastName)
	return nil
}
