package automation

import (
	"html"
	"strings"

	"github.com/loyalty/backoffice/app/format"
	"github.com/loyalty/backoffice/app/store"
)

// Placeholders lists what templates may use, for the form's help text.
var Placeholders = []string{"{{imie}}", "{{nazwisko}}", "{{numer}}", "{{saldo}}", "{{email}}", "{{telefon}}"}

// Render fills a template's placeholders with the customer's data. Plain replacement, not a
// template language: staff text can never execute anything. In an HTML e-mail body the values
// are escaped.
func Render(tpl string, c *store.Customer, htmlBody bool) string {
	esc := func(s string) string { return s }
	if htmlBody {
		esc = html.EscapeString
	}
	return strings.NewReplacer(
		"{{imie}}", esc(c.FirstName), "{{ imie }}", esc(c.FirstName),
		"{{nazwisko}}", esc(c.LastName), "{{ nazwisko }}", esc(c.LastName),
		"{{numer}}", esc(c.Number), "{{ numer }}", esc(c.Number),
		"{{saldo}}", esc(strings.ReplaceAll(format.Int(c.Balance), "\u00a0", " ")), "{{ saldo }}", esc(strings.ReplaceAll(format.Int(c.Balance), "\u00a0", " ")),
		"{{email}}", esc(c.Email), "{{telefon}}", esc(c.Phone),
	).Replace(tpl)
}
