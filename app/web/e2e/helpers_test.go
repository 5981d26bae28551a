package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	testTimeout  = 60 * time.Second      // the whole test, per test
	stepTimeout  = 20 * time.Second      // one browser action (navigate, click, type)
	waitTimeout  = 15 * time.Second      // one wait for a page state
	pollInterval = 40 * time.Millisecond // how often a wait looks again
	evalTimeout  = 3 * time.Second       // one evaluation inside a wait
)

// page is one test's browser tab, in a browser context of its own (its own cookies).
type page struct {
	t   *testing.T
	ctx context.Context
}

// newPage opens a tab for the test in a new browser context and closes it when the test ends.
// Uncaught JavaScript exceptions and 5xx answers seen by the tab fail the test.
func newPage(t *testing.T) *page {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	tabCtx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tabCtx); err != nil { // opens the tab; it lives as long as tabCtx
		cancelTab()
		t.Fatalf("open a browser tab: %v", err)
	}

	var (
		mu       sync.Mutex
		messages []chromedp.ConsoleMessage
		wg       sync.WaitGroup
	)
	console := chromedp.Console(tabCtx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m, err := range console {
			if err != nil {
				return
			}
			mu.Lock()
			messages = append(messages, m)
			mu.Unlock()
		}
	}()

	ctx, cancel := context.WithTimeout(tabCtx, testTimeout)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("page at failure: %s", debugState(ctx))
			t.Logf("server log tail (%s):\n%s", serverLog, logTail(serverLog, 25))
		}
		cancel()
		cancelTab()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, m := range messages {
			switch {
			case m.IsException():
				t.Errorf("uncaught JavaScript exception at %s:%d: %s", m.URL, m.Line+1, m.Text)
			case strings.Contains(m.Text, "status of 5"):
				t.Errorf("the browser saw a server error: %s (%s)", m.Text, m.URL)
			default:
				t.Logf("browser console [%s]: %s", m.Type, m.Text)
			}
		}
	})
	return &page{t: t, ctx: ctx}
}

// do runs browser actions, failing the test with what it was doing if one fails.
func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v\npage: %s", what, err, debugState(p.ctx))
	}
}

// open navigates to a path of the app and waits for the load.
func (p *page) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(baseURL+path))
}

func (p *page) click(css string) {
	p.t.Helper()
	p.do("click "+css, chromedp.Click(chromedp.CSS(css)))
}

// typeInto types text into a field key by key (so the page sees real input events).
func (p *page) typeInto(css, text string) {
	p.t.Helper()
	p.do("type into "+css, chromedp.SendKeys(chromedp.CSS(css), text))
}

// replaceText empties a field and types text into it.
func (p *page) replaceText(css, text string) {
	p.t.Helper()
	p.do("replace the text of "+css,
		chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%s).value = ""`, jsString(css))),
		chromedp.SendKeys(chromedp.CSS(css), text))
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", short(expr), err)
	}
	return v
}

// waitFor evaluates expr again and again until ok accepts its value, and returns that value.
// It survives navigations and reloads in between (an evaluation that fails is retried), so it
// also waits for the page that a click or Back loads. On timeout the test fails with the last
// value and the page's state.
func waitFor[T any](p *page, what, expr string, ok func(T) bool) T {
	p.t.Helper()
	return waitWithin(p, waitTimeout, what, expr, ok)
}

// waitTrue waits until the JavaScript expression is true.
func (p *page) waitTrue(what, expr string) {
	p.t.Helper()
	waitFor(p, what, expr, func(b bool) bool { return b })
}

// waitPath waits until location.pathname is path.
func (p *page) waitPath(path string) {
	p.t.Helper()
	p.waitTrue("location.pathname == "+path, fmt.Sprintf("location.pathname === %s", jsString(path)))
}

// path is the current location.pathname.
func (p *page) path() string {
	p.t.Helper()
	return eval[string](p, "location.pathname")
}

// text is the trimmed textContent of the first element matching css, "" if there is none.
func (p *page) text(css string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? "").trim()`, jsString(css)))
}

// marker reads window.__marker as a string ("undefined" when unset, i.e. after a reload).
func (p *page) marker() string {
	p.t.Helper()
	return eval[string](p, "String(window.__marker)")
}

func (p *page) setMarker(js string) {
	p.t.Helper()
	eval[chromedp.Void](p, "window.__marker = "+js)
}

// screenshot saves a full-page PNG into screenshots/ for people to look at.
func (p *page) screenshot(name string) {
	p.t.Helper()
	// Park the mouse and let CSS transitions (tab colours, fades) finish, so the picture shows
	// the settled page; infinite animations (busy spinners) are ignored.
	p.do("park the mouse", chromedp.MouseEvent(chromedp.MouseMoved, 1, 1))
	p.waitTrue("CSS transitions to finish", `document.getAnimations().every(a =>
		a.playState !== "running" || a.effect?.getTiming().iterations === Infinity)`)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(shotDir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatalf("save screenshot: %v", err)
	}
}

// login signs in as the admin through the login form and waits for the register.
func (p *page) login() {
	p.t.Helper()
	p.open("/login")
	p.typeInto(`form[action="/login"] input[name=login]`, adminLogin)
	p.typeInto(`form[action="/login"] input[name=password]`, adminPassword)
	p.click(`form[action="/login"] button[type=submit]`)
	p.waitPath("/customers")
	p.waitTrue("the register's heading", `document.querySelector("h1")?.textContent.trim() === "Klienci"`)
}

// createCustomer adds a customer by POSTing the add form with fetch from the logged-in page
// (CSRF token from <meta name="csrf-token">, sent as X-CSRF-Token) and returns its number.
// It is the quick way to make test data; TestAddCustomer goes through the form itself.
func (p *page) createCustomer(fields map[string]string) string {
	p.t.Helper()
	body, _ := json.Marshal(fields)
	type result struct {
		Status int    `json:"status"`
		URL    string `json:"url"`
	}
	res := eval[result](p, fmt.Sprintf(`(async () => {
		const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
		const r = await fetch("/customers", {method: "POST", headers: {"X-CSRF-Token": token}, body: new URLSearchParams(%s)});
		return {status: r.status, url: r.url};
	})()`, body))
	u, err := url.Parse(res.URL)
	if err != nil || res.Status != 200 {
		p.t.Fatalf("create customer %v: got %d at %s, want 200 on the new card", fields, res.Status, res.URL)
	}
	number, ok := strings.CutPrefix(u.Path, "/customers/")
	if !ok || number == "" || number == "new" || strings.Contains(number, "/") {
		p.t.Fatalf("create customer %v: landed on %s, want /customers/{number}", fields, u.Path)
	}
	return number
}

// debugState describes the page for failure messages.
func debugState(ctx context.Context) string {
	cctx, cancel := context.WithTimeout(ctx, evalTimeout)
	defer cancel()
	s, err := chromedp.Run(cctx, chromedp.Evaluate[string](`JSON.stringify({
		url: location.href,
		title: document.title,
		h1: document.querySelector("h1")?.textContent.trim(),
		selectedTabs: [...document.querySelectorAll('[role=tab][aria-selected=true]')].map(a => a.getAttribute("href")),
		panelHeading: document.querySelector("#tab-panel h2")?.textContent.trim(),
		messages: [...document.querySelectorAll(".field-error, .form-errors, .flash, #toast")].map(e => e.textContent.trim()).filter(Boolean),
		marker: String(window.__marker),
		text: document.body?.innerText.slice(0, 500),
	})`))
	if err != nil {
		return fmt.Sprintf("(unavailable: %v)", err)
	}
	return s
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
