package e2e

import "testing"

func TestZZStyle(t *testing.T) {
	p := newPage(t)
	p.login()
	number := p.createCustomer(map[string]string{"first_name": "Debug", "last_name": "Style"})
	p.open("/customers/" + number)
	p.waitTrue("card", `!!document.querySelector("#tab-panel h2")`)
	js := `JSON.stringify([...document.querySelectorAll("[role=tab]")].map(a => [a.id, a.getAttribute("aria-selected"), getComputedStyle(a).color, getComputedStyle(a).borderBottomColor, a.matches(":hover"), a.matches(":focus"), a.matches(":focus-visible"), a.matches(":visited")]))`
	t.Logf("initial: %s", eval[string](p, js))
	p.click(tabLink("points"))
	p.waitTab(number, "points")
	t.Logf("after click: %s", eval[string](p, js))
	t.Logf("primary: %s", eval[string](p, `getComputedStyle(document.documentElement).getPropertyValue("--pico-primary") + " | muted " + getComputedStyle(document.documentElement).getPropertyValue("--pico-muted-color")`))
}
