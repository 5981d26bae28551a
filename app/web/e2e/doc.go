// Package e2e holds the browser tests of the back office: they build the app, start it as a
// real server on the embedded default (SQLite under a temporary DATA_DIR, in-process Redis)
// and drive headless Chromium through it with chromedp, the way staff use it: login, the
// register and its htmx search, the add-customer form, the card's tabs (mouse, keyboard,
// Back/Forward, reload) and logout.
//
// They run only with E2E=1 and a Chromium at /usr/bin/chromium or on PATH:
//
//	E2E=1 go test -count=1 -v ./app/web/e2e/
//
// Screenshots of the pages land in app/web/e2e/screenshots/ (git-ignored).
package e2e
