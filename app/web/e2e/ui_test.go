package e2e

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// cardTabs are the card's tabs in the strip's order, with the heading their panel shows.
var cardTabs = []struct{ key, heading string }{
	{"data", "Dane klienta"},
	{"points", "Historia punktów"},
	{"rewards", "Historia zamówień nagród"},
	{"emails", "Historia wiadomości e-mail"},
	{"sms", "Historia wiadomości SMS"},
	{"internal", "Historia wiadomości wewnętrznych"},
	{"scenarios", "Historia scenariuszy"},
	{"referrals", "Historia poleceń"},
}

// uniqueTag is a capitalised made-up name stem, different on every call ("Zy" and 5 letters).
func uniqueTag() string {
	b := []byte("Zy")
	for range 5 {
		b = append(b, byte('a'+rand.IntN(26)))
	}
	return string(b)
}

func heading(tab string) string {
	for _, t := range cardTabs {
		if t.key == tab {
			return t.heading
		}
	}
	panic("no tab " + tab)
}

func tabLink(tab string) string {
	return fmt.Sprintf(`[role=tablist] a[role=tab][href$="/%s"]`, tab)
}

// TestLogin: an anonymous visit to the register goes to the login page; a wrong password
// stays there with a message; the right one lands on the register.
func TestLogin(t *testing.T) {
	p := newPage(t)
	p.open("/customers")
	p.waitPath("/login")
	if tok := eval[string](p, `document.querySelector('meta[name="csrf-token"]')?.content ?? ""`); tok == "" {
		t.Errorf("/login has no <meta name=csrf-token> with a token")
	}
	p.screenshot("login")

	p.typeInto(`input[name=login]`, adminLogin)
	p.typeInto(`input[name=password]`, "not-the-password")
	p.click(`form[action="/login"] button[type=submit]`)
	p.waitTrue("the wrong-password message", `!!document.querySelector(".form-errors")?.textContent.trim()`)
	if got := p.path(); got != "/login" {
		t.Errorf("after a wrong password: at %s, want /login", got)
	}
	if msg := p.text(".form-errors"); msg != "Nieprawidłowy login lub hasło." {
		t.Errorf("wrong-password message = %q", msg)
	}

	p.replaceText(`input[name=login]`, adminLogin)
	p.replaceText(`input[name=password]`, adminPassword)
	p.click(`form[action="/login"] button[type=submit]`)
	p.waitPath("/customers")
	if h1 := p.text("h1"); h1 != "Klienci" {
		t.Errorf("register heading = %q, want Klienci", h1)
	}
	if n := eval[int](p, `document.querySelectorAll('input[type=search][name=q]').length`); n != 1 {
		t.Errorf("the register has %d search boxes input[type=search][name=q], want 1", n)
	}
}

// TestAddCustomer fills the add form through the UI: a bad postal code is refused with a Polish
// message next to the field and nothing saved; fixed, it lands on the new card.
func TestAddCustomer(t *testing.T) {
	p := newPage(t)
	p.login()

	link := `.page-head a[href="/customers/new"]`
	if got := p.text(link); got != "Dodaj konto klienta" {
		t.Errorf("add link text = %q, want Dodaj konto klienta", got)
	}
	p.click(link)
	p.waitPath("/customers/new")
	p.waitTrue("the add form", `!!document.querySelector("#customer-form input[name=first_name]")`)

	// Unique per run, so the test also passes with -count=N against the same server.
	tag := uniqueTag()
	const (
		first = "Grażyna"
		phone = "+48 600 100 200"
	)
	last := "Żółkiewska-" + tag
	email := "grazyna." + strings.ToLower(tag) + "@example.pl"
	p.typeInto(`#customer-form input[name=first_name]`, first)
	p.typeInto(`#customer-form input[name=last_name]`, last)
	p.typeInto(`#customer-form input[name=email]`, email)
	p.typeInto(`#customer-form input[name=phone]`, phone)
	p.typeInto(`#customer-form input[name=postal_code]`, "123")
	p.do("choose the voivodeship", chromedp.SetValue(chromedp.CSS(`#customer-form select[name=voivodeship]`), "mazowieckie"))
	if v := eval[string](p, `document.querySelector("#customer-form select[name=voivodeship]").value`); v != "mazowieckie" {
		t.Fatalf("voivodeship select has no option mazowieckie (value %q)", v)
	}
	p.click(`#customer-form button[type=submit]`)

	// 422: the form comes back with the message next to the postal code.
	postalError := `document.querySelector("#customer-form input[name=postal_code]")?.closest("label")?.querySelector(".field-error")?.textContent.trim() ?? ""`
	msg := waitFor(p, "the postal code's error message", postalError, func(s string) bool { return s != "" })
	if !regexp.MustCompile(`(?i)kod|pocztow|XX-XXX`).MatchString(msg) {
		t.Errorf("postal code message %q does not read like the Polish postal-code message", msg)
	}
	if got := p.path(); got != "/customers/new" {
		t.Errorf("after the refused form: at %s, want to stay on /customers/new", got)
	}
	type formState struct {
		First, Last, Email, Postal, Voivodeship, Invalid string
		Errors                                           []string
	}
	st := eval[formState](p, `(() => {
		const f = document.querySelector("#customer-form");
		const v = n => f.querySelector("[name=" + n + "]")?.value;
		return {First: v("first_name"), Last: v("last_name"), Email: v("email"), Postal: v("postal_code"),
			Voivodeship: v("voivodeship"), Invalid: f.querySelector("input[name=postal_code]").getAttribute("aria-invalid") ?? "",
			Errors: [...f.querySelectorAll(".field-error")].map(e => e.closest("label")?.querySelector("[name]")?.name ?? "?")};
	})()`)
	if st.First != first || st.Last != last || st.Email != email || st.Postal != "123" || st.Voivodeship != "mazowieckie" {
		t.Errorf("the refused form did not keep what was typed: %+v", st)
	}
	if st.Invalid != "true" {
		t.Errorf("postal_code aria-invalid = %q, want true", st.Invalid)
	}
	if !slices.Equal(st.Errors, []string{"postal_code"}) {
		t.Errorf("fields marked with an error: %v, want only postal_code", st.Errors)
	}
	if p.text(".form-errors") == "" {
		t.Errorf("no summary message (.form-errors) above the refused form")
	}
	p.screenshot("customer-form-error")

	p.replaceText(`#customer-form input[name=postal_code]`, "00-950")
	p.click(`#customer-form button[type=submit]`)
	number := waitFor(p, "the new customer's card", `(() => {
		const m = location.pathname.match(/^\/customers\/([^/]+)$/);
		return m && m[1] !== "new" && document.querySelector("#tab-panel") ? m[1] : "";
	})()`, func(s string) bool { return s != "" })

	if got := p.text(".card-name"); got != first+" "+last {
		t.Errorf("card name = %q, want %q", got, first+" "+last)
	}
	if got := p.text(".card-number"); got != number {
		t.Errorf("card number %q, URL number %q", got, number)
	}
	if got := eval[string](p, `document.querySelector("[data-balance]")?.dataset.balance ?? "missing"`); got != "0" {
		t.Errorf("new card's data-balance = %q, want 0", got)
	}
	if f := p.text(".flash"); !strings.Contains(f, "Dodano konto klienta") {
		t.Errorf("flash after adding = %q", f)
	}
	fields := eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll("#tab-panel dt")].map(dt => [dt.textContent.trim(), dt.nextElementSibling?.textContent.trim()]))`)
	for label, want := range map[string]string{
		"Numer klienta": number, "Imię": first, "Nazwisko": last, "Kod pocztowy": "00-950",
		"Województwo": "mazowieckie", "E-mail": email,
	} {
		if fields[label] != want {
			t.Errorf("data tab %s = %q, want %q", label, fields[label], want)
		}
	}
	if digits := regexp.MustCompile(`\D`).ReplaceAllString(fields["Telefon"], ""); !strings.HasSuffix(digits, "600100200") {
		t.Errorf("data tab Telefon = %q, want the number typed (+48 600 100 200)", fields["Telefon"])
	}

	// The refused attempt saved nothing: exactly one such customer in the register.
	p.open("/customers?q=" + url.QueryEscape(number))
	byNumber := eval[[]string](p, registerNames)
	p.open("/customers?q=" + url.QueryEscape(email))
	byEmail := eval[[]string](p, registerNames)
	want := []string{first + " " + last}
	if !slices.Equal(byNumber, want) || !slices.Equal(byEmail, want) {
		t.Errorf("register: found %v by number %s and %v by e-mail, want %v in both (the refused post must save nothing)", byNumber, number, byEmail, want)
	}
}

// TestSearch types into the register's search box and waits for htmx to swap in the matching
// rows, without reloading the page.
func TestSearch(t *testing.T) {
	p := newPage(t)
	p.login()
	// A last-name stem unique to this run; "Ko"+stem only contains it, so a prefix search must
	// leave that one out.
	stem := uniqueTag()
	zenon, zofia, marek := "Zenon "+stem+"ski", "Zofia "+stem+"ska", "Marek Ko"+strings.ToLower(stem)+"ski"
	p.createCustomer(map[string]string{"first_name": "Zenon", "last_name": stem + "ski", "email": "zenon.z@example.pl", "city": "Radom"})
	p.createCustomer(map[string]string{"first_name": "Zofia", "last_name": stem + "ska", "email": "zofia.z@example.pl", "city": "Płock"})
	p.createCustomer(map[string]string{"first_name": "Marek", "last_name": "Ko" + strings.ToLower(stem) + "ski", "email": "marek.k@example.pl"})

	p.open("/customers")
	all := eval[[]string](p, registerNames)
	for _, n := range []string{zenon, zofia, marek} {
		if !slices.Contains(all, n) {
			t.Errorf("the register without a search does not list %s: %v", n, all)
		}
	}
	p.screenshot("register")
	p.setMarker("1")

	// Lower case on purpose: the search is case-insensitive.
	q := strings.ToLower(stem)
	p.typeInto(`input[type=search][name=q]`, q)
	p.waitRows(q, zenon, zofia)
	if m := p.marker(); m != "1" {
		t.Errorf("window.__marker = %s after the search: the page was reloaded", m)
	}
	if got := eval[string](p, `new URLSearchParams(location.search).get("q") ?? ""`); got != q {
		t.Errorf("the URL's q = %q after searching, want %q (hx-push-url)", got, q)
	}
	if ids := eval[[]string](p, `[...document.querySelectorAll("#register-results tbody tr")].map(r => r.dataset.id ?? "")`); slices.Contains(ids, "") {
		t.Errorf("a result row has no data-id: %q", ids)
	}
	p.screenshot("register-search")

	p.typeInto(`input[type=search][name=q]`, "ski")
	p.waitRows(q+"ski", zenon)

	p.replaceText(`input[type=search][name=q]`, "qxqxq")
	p.waitRows("qxqxq")
	if e := p.text("#register-results .empty"); !strings.Contains(e, "Brak klientów") {
		t.Errorf("no-results message = %q", e)
	}
	if m := p.marker(); m != "1" {
		t.Errorf("window.__marker = %s after three searches: the page was reloaded", m)
	}
}

// registerNames lists the name column of the register's result rows.
const registerNames = `[...document.querySelectorAll("#register-results tbody tr[data-id]")].map(r => r.cells[1]?.textContent.trim())`

// waitRows waits until the register shows exactly the named rows (in any order).
func (p *page) waitRows(query string, names ...string) {
	p.t.Helper()
	want := slices.Sorted(slices.Values(names))
	waitFor(p, fmt.Sprintf("the results for %q to be exactly %v", query, want), registerNames, func(got []string) bool {
		return slices.Equal(slices.Sorted(slices.Values(got)), want)
	})
}

// tabState is what the card's tab strip and panel show.
type tabState struct {
	Path      string   `json:"path"`
	Tabs      int      `json:"tabs"`
	Selected  []string `json:"selected"`
	Focusable []string `json:"focusable"`
	Active    string   `json:"active"`
	Heading   string   `json:"heading"`
	Panels    int      `json:"panels"`
	Tablists  int      `json:"tablists"`
	Nested    int      `json:"nested"`
	Labelled  string   `json:"labelled"`
	Marker    string   `json:"marker"`
	Ready     bool     `json:"ready"` // loaded, htmx and app.js initialised (their handlers exist)
}

const tabStateJS = `(() => {
	const tabs = [...document.querySelectorAll("[role=tablist] a[role=tab]")];
	const panel = document.getElementById("tab-panel");
	const a = document.activeElement;
	return {
		path: location.pathname,
		tabs: tabs.length,
		selected: tabs.filter(t => t.getAttribute("aria-selected") === "true").map(t => t.getAttribute("href")),
		focusable: tabs.filter(t => t.getAttribute("tabindex") === "0").map(t => t.getAttribute("href")),
		active: a && a.matches("[role=tab]") ? a.getAttribute("href") : (a ? a.tagName : ""),
		heading: panel?.querySelector("h2")?.textContent.trim() ?? "",
		panels: document.querySelectorAll("#tab-panel").length,
		tablists: document.querySelectorAll("[role=tablist]").length,
		nested: panel ? panel.querySelectorAll("html, head, header, main, .topbar, .card-head, [role=tablist], [role=tabpanel]").length : -1,
		labelled: panel?.getAttribute("aria-labelledby") ?? "",
		marker: String(window.__marker),
		ready: document.readyState === "complete" && !!window.htmx,
	};
})()`

// waitTab waits until the card shows tab: the URL, the one selected tab and the panel's heading,
// on a page whose scripts are running (after a reload by htmx, the next Back or Forward must
// find htmx's popstate handler in place).
func (p *page) waitTab(number, tab string) tabState {
	p.t.Helper()
	want := "/customers/" + number + "/" + tab
	st := waitFor(p, "tab "+tab+" shown and selected", tabStateJS, func(s tabState) bool {
		return s.Ready && s.Path == want && slices.Equal(s.Selected, []string{want}) && s.Heading == heading(tab)
	})
	if st.Tabs != len(cardTabs) || st.Panels != 1 || st.Tablists != 1 || st.Nested != 0 {
		p.t.Errorf("tab %s: %d tabs, %d panels, %d tablists, %d layout pieces inside the panel; want 8, 1, 1, 0 (a partial must not carry the layout)",
			tab, st.Tabs, st.Panels, st.Tablists, st.Nested)
	}
	if !slices.Equal(st.Focusable, []string{want}) {
		p.t.Errorf("tab %s: tabs with tabindex=0: %v, want only the selected one (roving tabindex)", tab, st.Focusable)
	}
	return st
}

// TestCardTabs clicks through the eight tabs without a page reload, then checks Back, Forward
// and reload show the tab of the URL.
func TestCardTabs(t *testing.T) {
	p := newPage(t)
	p.login()
	number := p.createCustomer(map[string]string{"first_name": "Tadeusz", "last_name": "Zakładkowy", "city": "Kraków", "voivodeship": "małopolskie"})
	friend := p.createCustomer(map[string]string{"first_name": "Fryderyk", "last_name": "Polecony", "referred_by": number})

	p.open("/customers/" + number)
	st := waitFor(p, "the card with the data tab", tabStateJS, func(s tabState) bool {
		return slices.Equal(s.Selected, []string{"/customers/" + number + "/data"}) && s.Heading == heading("data")
	})
	if st.Tabs != len(cardTabs) {
		t.Fatalf("the card has %d tabs, want %d", st.Tabs, len(cardTabs))
	}
	for _, tab := range cardTabs {
		href := eval[string](p, fmt.Sprintf(`document.querySelector(%s)?.getAttribute("hx-get") + " " + document.querySelector(%[1]s)?.getAttribute("hx-push-url")`, jsString(tabLink(tab.key))))
		if want := "/customers/" + number + "/" + tab.key + " true"; href != want {
			t.Errorf("tab %s: hx-get and hx-push-url = %q, want %q", tab.key, href, want)
		}
	}
	p.setMarker(`"alive"`)

	// Each tab in turn, ending on data again (the first click must change the panel).
	order := append(slices.Clone(cardTabs[1:]), cardTabs[0])
	prev := heading("data")
	for _, tab := range order {
		p.click(tabLink(tab.key))
		st := p.waitTab(number, tab.key)
		if st.Heading == prev {
			t.Errorf("tab %s: the panel still shows %q", tab.key, prev)
		}
		prev = st.Heading
		if st.Marker != "alive" {
			t.Fatalf("tab %s: window.__marker = %s: the click reloaded the page instead of swapping the panel", tab.key, st.Marker)
		}
		if tab.key == "referrals" {
			p.checkReferral(friend)
		}
		p.screenshot("card-" + tab.key)
	}

	// Back: the previous tab (referrals) again. Our htmx config has no history cache and
	// refreshOnHistoryMiss, so Back reloads the page; either way URL, tab and panel must agree.
	p.do("Back", chromedp.NavigateBack())
	st = p.waitTab(number, "referrals")
	if st.Marker == "alive" {
		t.Logf("Back restored the referrals tab without a reload")
	} else {
		t.Logf("Back reloaded the page (historyCacheSize 0, refreshOnHistoryMiss) and shows the referrals tab")
	}
	p.checkReferral(friend)

	p.do("Forward", chromedp.NavigateForward())
	p.waitTab(number, "data")

	// A tab switched by htmx, then a reload of its URL: the same tab, from the server.
	p.setMarker(`"alive"`)
	p.click(tabLink("sms"))
	if st := p.waitTab(number, "sms"); st.Marker != "alive" {
		t.Fatalf("the click on sms reloaded the page")
	}
	p.do("reload", chromedp.Reload())
	if st := p.waitTab(number, "sms"); st.Marker != "undefined" {
		t.Errorf("window.__marker = %s after Reload: the page was not reloaded", st.Marker)
	}

	// And a full navigation to the bare card URL opens the data tab.
	p.open("/customers/" + number)
	waitFor(p, "the bare card URL to open the data tab", tabStateJS, func(s tabState) bool {
		return slices.Equal(s.Selected, []string{"/customers/" + number + "/data"}) && s.Heading == heading("data")
	})
}

// checkReferral checks the referrals panel lists the one referred customer, under the
// contract's headers.
func (p *page) checkReferral(friend string) {
	p.t.Helper()
	rows := eval[[]string](p, `[...document.querySelectorAll("#tab-panel tbody tr[data-id]")].map(r => r.cells[0]?.textContent.trim())`)
	if !slices.Equal(rows, []string{friend}) {
		p.t.Errorf("referrals rows (numbers) = %v, want [%s]", rows, friend)
	}
	heads := eval[[]string](p, `[...document.querySelectorAll("#tab-panel thead th")].map(th => th.textContent.trim())`)
	want := []string{"Numer klienta", "Imię", "Nazwisko"}
	if len(heads) < len(want) || !slices.Equal(heads[:len(want)], want) {
		p.t.Errorf("referrals headers = %v, want %v first", heads, want)
	}
}

// TestCardKeyboard drives the tab strip with the keyboard: arrows move the focus (roving
// tabindex) without opening, Enter and Space open the focused tab without a reload.
func TestCardKeyboard(t *testing.T) {
	p := newPage(t)
	p.login()
	number := p.createCustomer(map[string]string{"first_name": "Kamila", "last_name": "Klawiszowa"})
	base := "/customers/" + number + "/"

	p.open(base + "points")
	p.waitTab(number, "points")
	p.setMarker(`"alive"`)
	eval[chromedp.Void](p, `document.querySelector("[role=tab][aria-selected=true]").focus()`)
	if a := eval[string](p, `document.activeElement?.getAttribute("href") ?? ""`); a != base+"points" {
		t.Fatalf("focus is on %q, want the selected tab %s", a, base+"points")
	}

	p.do("press ArrowRight", chromedp.KeyEvent(kb.ArrowRight))
	st := waitFor(p, "focus to move to rewards", tabStateJS, func(s tabState) bool { return s.Active == base+"rewards" })
	if !slices.Equal(st.Focusable, []string{base + "rewards"}) {
		t.Errorf("after ArrowRight tabindex=0 is on %v, want only %s (others -1)", st.Focusable, base+"rewards")
	}
	if !slices.Equal(st.Selected, []string{base + "points"}) || st.Path != base+"points" || st.Heading != heading("points") {
		t.Errorf("ArrowRight alone opened a tab (manual activation expected): %+v", st)
	}
	if n := eval[int](p, `[...document.querySelectorAll("[role=tablist] [role=tab]")].filter(t => t.getAttribute("tabindex") !== "0" && t.getAttribute("tabindex") !== "-1").length`); n != 0 {
		t.Errorf("%d tabs have a tabindex other than 0 or -1", n)
	}

	p.do("press Enter", chromedp.KeyEvent(kb.Enter))
	st = p.waitTab(number, "rewards")
	if st.Marker != "alive" {
		t.Fatalf("Enter reloaded the page (window.__marker = %s)", st.Marker)
	}
	if st.Active != base+"rewards" {
		t.Errorf("after Enter the focus is on %q, want it to stay on the rewards tab", st.Active)
	}

	// Left twice to data, Space opens it; Left once more wraps round to the last tab.
	p.do("press ArrowLeft twice", chromedp.KeyEvent(kb.ArrowLeft+kb.ArrowLeft))
	waitFor(p, "focus to move to data", tabStateJS, func(s tabState) bool { return s.Active == base+"data" })
	p.do("press Space", chromedp.KeyEvent(" "))
	st = p.waitTab(number, "data")
	if st.Marker != "alive" {
		t.Fatalf("Space reloaded the page (window.__marker = %s)", st.Marker)
	}
	if eval[float64](p, "window.scrollY") != 0 {
		t.Errorf("Space scrolled the page")
	}
	p.do("press ArrowLeft", chromedp.KeyEvent(kb.ArrowLeft))
	st = waitFor(p, "focus to wrap to referrals", tabStateJS, func(s tabState) bool { return s.Active == base+"referrals" })
	if !slices.Equal(st.Focusable, []string{base + "referrals"}) {
		t.Errorf("after wrapping tabindex=0 is on %v, want only %s", st.Focusable, base+"referrals")
	}
}

// TestCardTabPanelLabel: the WAI-ARIA tabs pattern has the tab panel labelled by its tab
// (aria-labelledby = the selected tab's id). The full page gets it right; it must stay right
// when htmx swaps the panel, or screen readers announce every panel as "Dane klienta".
func TestCardTabPanelLabel(t *testing.T) {
	p := newPage(t)
	p.login()
	number := p.createCustomer(map[string]string{"first_name": "Ariadna", "last_name": "Etykietowa"})
	p.open("/customers/" + number + "/emails")
	if st := p.waitTab(number, "emails"); st.Labelled != "tab-emails" {
		t.Errorf("full page of the emails tab: panel aria-labelledby = %q, want tab-emails", st.Labelled)
	}
	for _, tab := range []string{"points", "internal"} {
		p.click(tabLink(tab))
		st := p.waitTab(number, tab)
		if want := "tab-" + tab; st.Labelled != want {
			t.Errorf("after htmx switched to %s: panel aria-labelledby = %q, want %q (the id of the selected tab)", tab, st.Labelled, want)
		}
	}
	if ok := eval[bool](p, `(() => {
		const id = document.getElementById("tab-panel").getAttribute("aria-labelledby");
		const el = id && document.getElementById(id);
		return !!el && el.getAttribute("role") === "tab" && el.getAttribute("aria-selected") === "true";
	})()`); !ok {
		t.Errorf("the panel's aria-labelledby does not point at the selected tab")
	}
}

// TestSessionEndedTabClick: when the session is gone, a tab click (an htmx request) must take
// the user to the login page (401 + HX-Redirect), not swap an error into the panel.
func TestSessionEndedTabClick(t *testing.T) {
	p := newPage(t)
	p.login()
	number := p.createCustomer(map[string]string{"first_name": "Sylwia", "last_name": "Sesyjna"})
	p.open("/customers/" + number)
	p.waitTrue("the card", `!!document.querySelector("#tab-panel h2")`)
	// End the session on the server behind the page's back (as another tab's logout would).
	status := eval[int](p, `(async () => {
		const token = document.querySelector('meta[name="csrf-token"]').content;
		const r = await fetch("/logout", {method: "POST", headers: {"X-CSRF-Token": token}, redirect: "manual"});
		return r.status || 303;
	})()`)
	if status >= 400 {
		t.Fatalf("POST /logout answered %d", status)
	}
	p.click(tabLink("points"))
	p.waitTrue("the login page", `location.pathname === "/login" && !!document.querySelector("input[name=password]")`)
}

// TestLogout: the Wyloguj button ends the session.
func TestLogout(t *testing.T) {
	p := newPage(t)
	p.login()
	p.click(`form.logout button[type=submit]`)
	p.waitPath("/login")
	p.open("/customers")
	p.waitPath("/login")
	if n := eval[int](p, `document.querySelectorAll("form.logout").length`); n != 0 {
		t.Errorf("the login page after logout still shows a logout button")
	}
}
