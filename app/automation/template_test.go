package automation

import (
	"testing"

	"github.com/loyalty/backoffice/app/store"
)

func TestRender(t *testing.T) {
	c := &store.Customer{FirstName: "Zoë <b>", LastName: "Nowak", Number: "10000001", Balance: 12345, Email: "z@example.pl", Phone: "+48600100200"}
	for _, tc := range []struct {
		tpl  string
		html bool
		want string
	}{
		{"Cześć {{imie}}!", false, "Cześć Zoë <b>!"},
		{"Cześć {{imie}}!", true, "Cześć Zoë &lt;b&gt;!"},
		{"{{ imie }} {{nazwisko}}, karta {{numer}}: {{saldo}} pkt", false, "Zoë <b> Nowak, karta 10000001: 12 345 pkt"},
		{"{{email}} / {{telefon}}", false, "z@example.pl / +48600100200"},
		{"{{nieznane}} {{.Balance}} {{template \"x\"}}", false, "{{nieznane}} {{.Balance}} {{template \"x\"}}"},
	} {
		if got := Render(tc.tpl, c, tc.html); got != tc.want {
			t.Errorf("Render(%q, html=%v) = %q, want %q", tc.tpl, tc.html, got, tc.want)
		}
	}
}
