package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/loyalty/backoffice/app/store"
)

func customerForm(number string, extra ...string) url.Values {
	f := url.Values{"number": {number}, "first_name": {"Anna"}, "last_name": {"Kowalska"}, "email": {"anna." + number + "@example.pl"},
		"phone": {"+48 600 100 200"}, "postal_code": {"00-950"}, "city": {"Warszawa"}, "voivodeship": {"mazowieckie"},
		"consent_email": {"granted"}, "consent_sms": {"granted"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

func TestCreateCustomerAndCard(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		r := c.post("/customers", customerForm("9000001", "nip", "526-025-09-95", "company", "Sklep Test sp. z o.o.",
			"birth_date", "1990-05-17", "sex", "K", "address", "ul. Marszałkowska 1"))
		if r.StatusCode != http.StatusOK || r.Header.Get("HX-Redirect") != "/customers/9000001" {
			t.Fatalf("create: %d HX-Redirect=%q body=%s", r.StatusCode, r.Header.Get("HX-Redirect"), r.Body)
		}
		cust, err := st.CustomerByNumber(t.Context(), "9000001")
		if err != nil {
			t.Fatal(err)
		}
		if cust.NIP != "5260250995" || cust.Phone != "+48600100200" || cust.BirthDate != "1990-05-17" || cust.ConsentEmail != "granted" {
			t.Fatalf("stored customer not normalised: %+v", cust)
		}

		page := c.get("/customers/9000001")
		if page.StatusCode != http.StatusOK || page.Doc.Find("html").Length() != 1 {
			t.Fatalf("card page: %d", page.StatusCode)
		}
		if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("Cache-Control %q", cc)
		}
		if !strings.Contains(page.Header.Get("Vary"), "HX-Request") {
			t.Fatalf("Vary %q", page.Header.Get("Vary"))
		}
		if b, _ := page.Doc.Find("[data-balance]").Attr("data-balance"); b != "0" {
			t.Fatalf("data-balance %q", b)
		}
		tabsSel := page.Doc.Find(`[role="tablist"] a[role="tab"]`)
		if tabsSel.Length() != 8 {
			t.Fatalf("%d tabs, want 8", tabsSel.Length())
		}
		for i, key := range []string{"data", "points", "rewards", "emails", "sms", "internal", "scenarios", "referrals"} {
			a := tabsSel.Eq(i)
			href, _ := a.Attr("href")
			hx, _ := a.Attr("hx-get")
			push, _ := a.Attr("hx-push-url")
			target, _ := a.Attr("hx-target")
			want := "/customers/9000001/" + key
			if href != want || hx != want || push != "true" || target != "#tab-panel" {
				t.Fatalf("tab %s: href=%q hx-get=%q push=%q target=%q", key, href, hx, push, target)
			}
			sel, _ := a.Attr("aria-selected")
			if (key == "data") != (sel == "true") {
				t.Fatalf("tab %s aria-selected=%q", key, sel)
			}
		}
		panel := page.Doc.Find(`section#tab-panel[role="tabpanel"]`)
		if panel.Length() != 1 {
			t.Fatal("no tab panel")
		}
		body := text(panel)
		for _, want := range []string{"Konto", "Numer klienta", "Grupa klientów", "Saldo", "Przelicznik punktów", "Data dodania",
			"Dane osobowe", "Imię", "Nazwisko", "Adres", "Miejscowość", "Województwo", "Kod pocztowy", "Płeć", "Data urodzin",
			"Dane firmowe", "Firma", "NIP", "Dane kontaktowe", "Telefon", "E-mail",
			"5260250995", "Sklep Test sp. z o.o.", "17.05.1990", "Kobieta", "mazowieckie", "00-950", "+48 600 100 200", "1 pkt / 1 zł"} {
			if !strings.Contains(strings.ReplaceAll(body, "\u00a0", " "), want) {
				t.Errorf("data tab lacks %q", want)
			}
		}
	})
}

func TestTabsFullPageAndPartial(t *testing.T) {
	cols := map[string][]string{
		"points":    {"Lp.", "Numer klienta", "Operacja", "Data", "Kwota [PLN]", "Liczba punktów", "Saldo po operacji", "Nagroda", "Użytkownik", "Lokalizacja", "Dokument", "Opis", "Akcje"},
		"rewards":   {"Lp.", "Zdjęcie", "Nagroda", "Typ", "Punkty", "Liczba sztuk", "Status", "Data statusu", "Akcje"},
		"emails":    {"Akcje", "Planowana data wysłania", "Data wysłania", "Tytuł", "Status", "Użytkownik"},
		"sms":       {"Data wysłania", "Numer telefonu", "Status", "Treść", "Użytkownik"},
		"internal":  {"Akcje", "Data wysłania", "Data przeczytania", "Tytuł", "Status", "Użytkownik"},
		"scenarios": {"Nazwa scenariusza", "Status", "Data zmiany statusu"},
		"referrals": {"Numer klienta", "Imię", "Nazwisko", "Data dodania", "Udane polecenie"},
	}
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("7000001"))
		cust, _ := st.CustomerByNumber(t.Context(), "7000001")
		fillHistory(t, st, cust)
		for tab, want := range cols {
			r := c.hx("/customers/7000001/" + tab)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s partial: %d", tab, r.StatusCode)
			}
			if strings.Contains(r.Body, "<html") || r.Doc.Find("nav[role=tablist]").Length() != 0 {
				t.Fatalf("%s partial has the layout", tab)
			}
			var got []string
			r.Doc.Find("table.history thead th").Each(func(_ int, s *goquery.Selection) { got = append(got, text(s)) })
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s columns %q, want %q", tab, got, want)
			}
			if r.Doc.Find("table.history tbody tr[data-id]").Length() == 0 {
				t.Errorf("%s: no rows", tab)
			}
			full := c.get("/customers/7000001/" + tab)
			if full.Doc.Find("html").Length() != 1 || full.Doc.Find("#tab-panel table.history").Length() != 1 {
				t.Fatalf("%s full page lacks layout or panel", tab)
			}
			if sel, _ := full.Doc.Find("#tab-" + tab).Attr("aria-selected"); sel != "true" {
				t.Fatalf("%s full page: its tab not selected", tab)
			}
			// A history restore asks for the whole page even with HX-Request.
			restore := c.do(http.MethodGet, "/customers/7000001/"+tab, nil, map[string]string{"HX-Request": "true", "HX-History-Restore-Request": "true"})
			if restore.Doc.Find("html").Length() != 1 || !strings.Contains(restore.Body, "<html") {
				t.Fatalf("%s history restore did not get the whole page", tab)
			}
		}
		// Message rows carry their machine status.
		r := c.hx("/customers/7000001/emails")
		if st, _ := r.Doc.Find("tr[data-id]").First().Attr("data-status"); st != "sent" {
			t.Fatalf("email row data-status %q", st)
		}
		if r := c.get("/customers/7000001/nope"); r.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown tab: %d", r.StatusCode)
		}
		if r := c.get("/customers/does-not-exist"); r.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown customer: %d", r.StatusCode)
		}
	})
}

func TestEmptyStates(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("7100001"))
		for _, tab := range []string{"points", "rewards", "emails", "sms", "internal", "scenarios", "referrals"} {
			r := c.hx("/customers/7100001/" + tab)
			if r.StatusCode != http.StatusOK || r.Doc.Find(".empty").Length() != 1 {
				t.Errorf("%s: %d, no empty state", tab, r.StatusCode)
			}
		}
	})
}

func TestValidationChangesNothing(t *testing.T) {
	cases := []struct {
		name, field string
		form        url.Values
	}{
		{"bad NIP checksum", "nip", customerForm("9000002", "nip", "1234567890")},
		{"bad postal code", "postal_code", customerForm("9000003", "postal_code", "12345x")},
		{"unknown voivodeship", "voivodeship", customerForm("9000004", "voivodeship", "bawaria")},
		{"bad phone", "phone", customerForm("9000005", "phone", "12")},
		{"bad e-mail", "email", customerForm("9000006", "email", "nie-email")},
		{"future birth date", "birth_date", customerForm("9000007", "birth_date", "2999-01-01")},
		{"missing first name", "first_name", customerForm("9000008", "first_name", " ")},
		{"unknown referrer", "referred_by", customerForm("9000009", "referred_by", "404404")},
		{"self referral", "referred_by", customerForm("9000010", "referred_by", "9000010")},
		{"taken number", "number", customerForm("8000001")},
	}
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("8000001"))
		before, _ := st.CountCustomers(t.Context())
		for _, tc := range cases {
			r := c.post("/customers", tc.form)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", tc.name, r.StatusCode)
				continue
			}
			in := r.Doc.Find(fmt.Sprintf(`[name=%q]`, tc.field))
			if v, _ := in.Attr("aria-invalid"); v != "true" {
				t.Errorf("%s: field %s not marked invalid", tc.name, tc.field)
			}
			if msg := text(in.Parent().Find(".field-error")); msg == "" {
				t.Errorf("%s: no message next to %s", tc.name, tc.field)
			}
			// The re-rendered form keeps what was typed.
			if v, _ := r.Doc.Find(`[name="last_name"]`).Attr("value"); v != "Kowalska" {
				t.Errorf("%s: form lost the typed last name (%q)", tc.name, v)
			}
		}
		after, _ := st.CountCustomers(t.Context())
		if after != before {
			t.Fatalf("invalid posts created %d customers", after-before)
		}
		// A plain (non-htmx) post gets the whole page, also 422.
		r := c.postForm("/customers", customerForm("9000011", "nip", "1234567890"))
		if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("html").Length() != 1 {
			t.Fatalf("plain invalid post: %d", r.StatusCode)
		}
	})
}

func TestEditKeepsConsentHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("6000001"))
		c.post("/customers", customerForm("6000002"))
		r := c.get("/customers/6000001/edit")
		if v, _ := r.Doc.Find(`[name="email"]`).Attr("value"); v != "anna.6000001@example.pl" {
			t.Fatalf("edit form e-mail %q", v)
		}
		r = c.post("/customers/6000001/edit", customerForm("6000001", "consent_email", "withdrawn", "city", "Kraków",
			"voivodeship", "małopolskie", "referred_by", "6000002"))
		if r.StatusCode != http.StatusOK || r.Header.Get("HX-Redirect") != "/customers/6000001" {
			t.Fatalf("update: %d %s", r.StatusCode, r.Body)
		}
		cust, _ := st.CustomerByNumber(t.Context(), "6000001")
		if cust.City != "Kraków" || cust.ConsentEmail != "withdrawn" || cust.ReferredByID == nil {
			t.Fatalf("not saved: %+v", cust)
		}
		hist, err := st.ConsentHistory(t.Context(), cust.ID)
		if err != nil {
			t.Fatal(err)
		}
		var emails []string
		for _, h := range hist {
			if h.Channel == "email" {
				emails = append(emails, h.Status)
				if h.StaffName == "" {
					t.Errorf("consent row without who")
				}
			}
		}
		if strings.Join(emails, ",") != "withdrawn,granted" {
			t.Fatalf("e-mail consent history %v, want withdrawn then granted kept", emails)
		}
		// A cycle: 6000002 cannot be referred by 6000001, who it referred.
		r = c.post("/customers/6000002/edit", customerForm("6000002", "referred_by", "6000001"))
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("referral cycle: %d, want 422", r.StatusCode)
		}
		// The referrer's tab lists the referred customer.
		r = c.hx("/customers/6000002/referrals")
		if !strings.Contains(text(r.Doc.Find("tbody")), "6000001") {
			t.Fatal("referrals tab lacks the referred customer")
		}
	})
}

func TestGeneratedNumber(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		r := c.post("/customers", customerForm("", "email", "bez.numeru@example.pl"))
		loc := r.Header.Get("HX-Redirect")
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(loc, "/customers/") || len(loc) != len("/customers/")+8 {
			t.Fatalf("generated number: %d %q", r.StatusCode, loc)
		}
	})
}

func TestRegisterSearchAndPaging(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		for i := 0; i < 30; i++ {
			c.post("/customers", customerForm(fmt.Sprintf("3000%03d", i), "last_name", fmt.Sprintf("Zieliński%02d", i), "email", fmt.Sprintf("z%d@example.pl", i), "phone", fmt.Sprintf("+48 700 000 %03d", i)))
		}
		c.post("/customers", customerForm("4000001", "last_name", "Łukasiewicz", "first_name", "Żaneta", "email", "zaneta@example.pl", "phone", "512 345 678"))

		r := c.get("/customers")
		if n := r.Doc.Find("table.register tbody tr[data-id]").Length(); n != registerPageSize {
			t.Fatalf("first page %d rows, want %d", n, registerPageSize)
		}
		if href, _ := r.Doc.Find("table.register tbody tr").First().Find("a").Attr("href"); href != "/customers/4000001" {
			t.Fatalf("newest first: %q", href)
		}
		if r.Doc.Find(`input[type="search"][name="q"]`).Length() != 1 {
			t.Fatal("no search box")
		}
		r = c.get("/customers?page=2")
		if n := r.Doc.Find("table.register tbody tr[data-id]").Length(); n != 6 {
			t.Fatalf("second page %d rows, want 6", n)
		}
		for q, want := range map[string]string{
			"łukasiewicz": "4000001", "ŁUKA": "4000001", "żaneta": "4000001", "4000": "4000001",
			"zaneta@": "4000001", "512 345": "4000001", "+48512": "4000001",
		} {
			r := c.hx("/customers?q=" + url.QueryEscape(q))
			if r.StatusCode != http.StatusOK {
				t.Fatalf("search %q: %d", q, r.StatusCode)
			}
			if r.Doc.Find("html").Length() != 0 && strings.Contains(r.Body, "<html") {
				t.Fatalf("search %q returned a whole page to htmx", q)
			}
			rows := r.Doc.Find("tr[data-id]")
			if rows.Length() != 1 || !strings.Contains(text(rows), want) {
				t.Errorf("search %q: %d rows %q, want only %s", q, rows.Length(), text(rows), want)
			}
		}
		r = c.hx("/customers?q=Zieli%C5%84ski")
		if n := r.Doc.Find("tr[data-id]").Length(); n != registerPageSize {
			t.Fatalf("search by common prefix: %d rows", n)
		}
		r = c.hx("/customers?q=nikogo-takiego")
		if r.Doc.Find(".empty").Length() != 1 {
			t.Fatal("no empty state for a search without results")
		}
		r = c.hx("/customers?q=%25_%5C")
		if r.StatusCode != http.StatusOK || r.Doc.Find("tr[data-id]").Length() != 0 {
			t.Fatalf("LIKE metacharacters: %d, %d rows", r.StatusCode, r.Doc.Find("tr[data-id]").Length())
		}
	})
}
