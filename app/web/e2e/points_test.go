package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chartValues reads the values drawn by Chart.js on the points tab's canvas ("" when none).
const chartValuesJS = `(() => { const c = document.querySelector("#tab-panel canvas[data-chart]"); const ch = c && c.__appChart;
	return ch ? ch.data.datasets[0].data.join(",") : ""; })()`

// TestPointsThroughTheForm adds points from a purchase amount (with the live preview), then
// subtracts some, and sees the header balance, the table and the chart change without a reload.
func TestPointsThroughTheForm(t *testing.T) {
	p := newPage(t)
	p.login()
	number := p.createCustomer(map[string]string{"first_name": "Paweł", "last_name": "Punktowy"})
	p.open("/customers/" + number + "/points")
	p.waitTrue("the points tab", `document.querySelector("#tab-panel h2")?.textContent.includes("Historia punktów")`)
	p.setMarker(`"alive"`)

	p.click(`details.action-form:nth-of-type(1) > summary`)
	p.typeInto(`details[open] input[name=amount]`, "123,45")
	p.waitTrue("the live preview of points", `(document.querySelector("#points-preview")?.textContent || "").includes("= 123 pkt")`)
	p.click(`details[open] button[type=submit]`)
	p.waitTrue("the header balance 123", `document.querySelector("#card-balance")?.dataset.balance === "123"`)
	p.waitTrue("the chart with one point", chartValuesJS+` === "123"`)
	if got := p.text(`#tab-panel tbody tr:first-child`); !strings.Contains(got, "Dodanie punktów") || !strings.Contains(got, "+123") {
		t.Fatalf("first row after adding: %q", got)
	}

	p.click(`details.action-form:nth-of-type(2) > summary`)
	p.typeInto(`details[open] input[name=points]`, "23")
	p.click(`details[open] button[type=submit]`)
	p.waitTrue("the header balance 100", `document.querySelector("#card-balance")?.dataset.balance === "100"`)
	p.waitTrue("the chart with two points", chartValuesJS+` === "123,100"`)

	// Too many: refused with a Polish message, nothing changes.
	p.click(`details.action-form:nth-of-type(2) > summary`)
	p.typeInto(`details[open] input[name=points]`, "5000")
	p.click(`details[open] button[type=submit]`)
	p.waitTrue("the refusal", `(document.querySelector("#tab-panel .field-error")?.textContent || "").includes("Za mało punktów")`)
	if b := eval[string](p, `document.querySelector("#card-balance").dataset.balance`); b != "100" {
		t.Fatalf("balance after a refused subtraction: %s", b)
	}
	if m := p.marker(); m != "alive" {
		t.Fatalf("window.__marker = %s: a points form reloaded the page", m)
	}
	p.screenshot("card-points-after")
}

// TestScenarioOnNewCustomer: an admin adds a welcome scenario; a customer added afterwards
// shows its run on the scenarios tab and the bonus in the balance.
func TestScenarioOnNewCustomer(t *testing.T) {
	p := newPage(t)
	p.login()
	name := "Powitanie " + uniqueTag()
	p.open("/scenarios")
	p.typeInto(`input[name=name]`, name)
	p.do("choose the joined trigger and the add-points action",
		setSelect(`select[name=trigger]`, "joined"),
		setSelect(`fieldset.scenario-action:nth-of-type(1) select[name=action]`, "add_points"))
	p.typeInto(`fieldset.scenario-action:nth-of-type(1) input[name=points]`, "77")
	p.click(`form[action="/scenarios"] button[type=submit]`)
	p.waitTrue("the new scenario listed", `document.querySelector("table")?.textContent.includes(`+jsString(name)+`)`)
	p.screenshot("scenarios")
	// The server is shared by every test: switch the scenario off at the end (through its edit
	// form), so customers added by later tests get no bonus.
	editURL := eval[string](p, `[...document.querySelectorAll("table tbody tr")].find(r => r.textContent.includes(`+jsString(name)+`))?.querySelector("a")?.getAttribute("href") || ""`)
	if editURL == "" {
		t.Fatal("no edit link for the new scenario")
	}
	t.Cleanup(func() {
		p.open(editURL)
		p.do("untick Aktywny", chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name=active]').checked = false`))
		p.click(`form[action^="/scenarios/"][method=post] button[type=submit]`)
		p.waitPath("/scenarios")
	})

	number := p.createCustomer(map[string]string{"first_name": "Nowa", "last_name": "Klientka"})
	// The scenario runs in the worker, a moment after the customer was saved: look again the way
	// a user would, by reloading the tab.
	deadline := time.Now().Add(15 * time.Second)
	for {
		p.open("/customers/" + number + "/scenarios")
		if eval[bool](p, `(document.querySelector("#tab-panel tbody")?.textContent || "").includes(`+jsString(name)+`)`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scenario run did not appear on the new customer's card within 15 s")
		}
		time.Sleep(300 * time.Millisecond)
	}
	if got := p.text(`#tab-panel tbody tr:first-child`); !strings.Contains(got, "Zrealizowany") {
		t.Fatalf("run row: %q", got)
	}
	p.waitTrue("the bonus in the balance", `document.querySelector("#card-balance")?.dataset.balance === "77"`)
}

// setSelect chooses an option of a <select> (as a user's pick would) and fires its change event.
func setSelect(css, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector(` + jsString(css) + `); s.value = ` + jsString(value) +
		`; s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
}
