package e2e

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The message tabs of the card: an e-mail scheduled in the browser and sent by the worker that
// runs inside the server (embedded default), its row updating itself without a reload; delete,
// resend and the sandboxed preview; an internal message read on the customer's own page; and
// the consent check.

const (
	sendTimeout = 20 * time.Second // a scheduled e-mail must show as sent within this after its time
	warsawZone  = "Europe/Warsaw"  // TZ_DISPLAY's default: the zone send_at is typed in
)

// dateTimeRE is how the tabs show a time (format.Clock.DateTime).
var dateTimeRE = regexp.MustCompile(`^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$`)

// emailRow is one row of the e-mail tab as the page shows it.
type emailRow struct {
	ID      string `json:"id"`
	Status  string `json:"status"`  // data-status
	Trigger string `json:"trigger"` // hx-trigger ("" when absent)
	Planned string `json:"planned"` // Planowana data wysłania
	Sent    string `json:"sent"`    // Data wysłania
	Subject string `json:"subject"` // Tytuł (with the "(ponowna wysyłka)" note of a resend)
	Label   string `json:"label"`   // the Status cell's text
	Marker  string `json:"marker"`  // window.__marker, to see the page was not reloaded
}

// emailRowsJS lists the rows of the open tab whose title cell contains subject.
func emailRowsJS(subject string) string {
	return `[...document.querySelectorAll("#tab-panel tbody tr[data-id]")]
		.filter(r => (r.cells[3]?.textContent ?? "").includes(` + jsString(subject) + `))
		.map(r => ({id: r.dataset.id, status: r.dataset.status ?? "", trigger: r.getAttribute("hx-trigger") ?? "",
			planned: r.cells[1]?.textContent.trim() ?? "", sent: r.cells[2]?.textContent.trim() ?? "",
			subject: r.cells[3]?.textContent.trim() ?? "", label: r.cells[4]?.textContent.trim() ?? "",
			marker: String(window.__marker)}))`
}

// emailRowJS is the row with data-id id, or null when it is not in the table.
func emailRowJS(id string) string {
	return `(() => { const r = document.querySelector('#tab-panel tbody tr[data-id="` + id + `"]');
		return r ? {id: r.dataset.id, status: r.dataset.status ?? "", trigger: r.getAttribute("hx-trigger") ?? "",
			planned: r.cells[1]?.textContent.trim() ?? "", sent: r.cells[2]?.textContent.trim() ?? "",
			subject: r.cells[3]?.textContent.trim() ?? "", label: r.cells[4]?.textContent.trim() ?? "",
			marker: String(window.__marker)} : null; })()`
}

// outboxDir is DATA_DIR/outbox of the server under test. main_test.go keeps the data dir next
// to the server log (tmp/data and tmp/server.log) without exposing it, so it is derived here.
func outboxDir() string {
	return filepath.Join(filepath.Dir(serverLog), "data", "outbox")
}

// messageCustomer adds a customer with an e-mail address and the given e-mail consent.
func (p *page) messageCustomer(first, last, consent string) (number, email string) {
	p.t.Helper()
	tag := uniqueTag()
	email = strings.ToLower(first+"."+tag) + "@example.pl"
	number = p.createCustomer(map[string]string{"first_name": first, "last_name": last + "-" + tag,
		"email": email, "consent_email": consent})
	return number, email
}

// openTab opens the card on tab by a full navigation and waits for its panel.
func (p *page) openTab(number, tab string) {
	p.t.Helper()
	p.open("/customers/" + number + "/" + tab)
	p.waitTab(number, tab)
}

// fillEmailForm opens the e-mail tab's "Wyślij e-mail" form and fills it; sendAt is a
// datetime-local value ("" = now), set by script because typing into datetime-local depends on
// the browser's locale.
func (p *page) fillEmailForm(subject, body, sendAt string) {
	p.t.Helper()
	if got := p.text(`#tab-panel details.action-form > summary`); got != "Wyślij e-mail" {
		p.t.Errorf("the e-mail form's summary reads %q, want Wyślij e-mail", got)
	}
	if !eval[bool](p, `document.querySelector("#tab-panel details.action-form").open`) {
		p.click(`#tab-panel details.action-form > summary`)
	}
	p.do("wait for the e-mail form", chromedp.WaitVisible(chromedp.CSS(`#email-form input[name=subject]`)))
	p.typeInto(`#email-form input[name=subject]`, subject)
	p.insertText(`#email-form textarea[name=body]`, body)
	if sendAt != "" {
		p.setSendAt(sendAt)
	}
}

func (p *page) setSendAt(value string) {
	p.t.Helper()
	got := eval[string](p, `(() => { const i = document.querySelector("#email-form input[name=send_at]");
		i.value = `+jsString(value)+`;
		i.dispatchEvent(new Event("input", {bubbles: true})); i.dispatchEvent(new Event("change", {bubbles: true}));
		return i.type + " " + i.value; })()`)
	// Chromium drops ":00" seconds from the value; compare up to the minute.
	if !strings.HasPrefix(got, "datetime-local ") || !strings.HasPrefix(strings.TrimPrefix(got, "datetime-local "), value[:16]) {
		p.t.Fatalf("send_at input after setting %q: %q (want a datetime-local input holding it)", value, got)
	}
}

// warsawIn is now + d in Europe/Warsaw as a datetime-local value with seconds.
func warsawIn(t *testing.T, d time.Duration) (value string, at time.Time) {
	t.Helper()
	loc, err := time.LoadLocation(warsawZone)
	if err != nil {
		t.Fatalf("load %s: %v", warsawZone, err)
	}
	at = time.Now().Add(d).In(loc)
	return at.Format("2006-01-02T15:04:05"), at
}

// confirmYes makes hx-confirm's window.confirm answer OK without a dialog.
func (p *page) confirmYes() {
	p.t.Helper()
	eval[chromedp.Void](p, `window.__confirms = []; window.confirm = q => { window.__confirms.push(q); return true; }`)
}

// rowRequests counts the requests the page made for the polling URL of row id so far.
func (p *page) rowRequests(number, id string) int {
	p.t.Helper()
	suffix := "/customers/" + number + "/emails/" + id + "/row"
	return eval[int](p, `performance.getEntriesByType("resource").filter(e => new URL(e.name).pathname === `+jsString(suffix)+`).length`)
}

// eml is an outbox file, parsed.
type eml struct {
	Subject, To string
	Parts       map[string]string // decoded bodies by media type (text/plain, text/html)
}

// readEML parses an outbox file: the decoded Subject, To and the body parts.
func readEML(t *testing.T, path string) eml {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	m, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatalf("%s is not an RFC 5322 message: %v", path, err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("%s: Subject %q: %v", path, m.Header.Get("Subject"), err)
	}
	out := eml{Subject: subject, To: m.Header.Get("To"), Parts: map[string]string{}}
	if err := readPart(textproto.MIMEHeader(m.Header), m.Body, out.Parts); err != nil {
		t.Fatalf("%s: body: %v", path, err)
	}
	return out
}

// readPart decodes a MIME entity into parts, descending into multiparts.
func readPart(h textproto.MIMEHeader, body io.Reader, parts map[string]string) error {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readPart(part.Header, part, parts); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	parts[mediaType] += string(b)
	return nil
}

// TestEmailScheduledTurnsSent schedules an e-mail a few seconds ahead and watches its row go
// from scheduled to sent by itself (the row polls), without a reload; then the row stops polling
// and the worker's .eml is in the outbox.
func TestEmailScheduledTurnsSent(t *testing.T) {
	p := newPage(t)
	p.login()
	number, email := p.messageCustomer("Ewelina", "Wysyłkowa", "granted")
	p.openTab(number, "emails")
	p.setMarker(`"alive"`)

	subject := "Zaproszenie na promocję " + uniqueTag()
	p.fillEmailForm(subject, "Dzień dobry,\n\nzapraszamy na <b>wyprzedaż</b> w sobotę.", "")
	sendAt, at := warsawIn(t, 4*time.Second)
	p.setSendAt(sendAt)
	p.click(`#email-form button[type=submit]`)

	rows := waitFor(p, "a row for the new e-mail", emailRowsJS(subject), func(r []emailRow) bool { return len(r) > 0 })
	if len(rows) != 1 {
		t.Fatalf("%d rows with the subject after one submit, want 1: %+v", len(rows), rows)
	}
	row := rows[0]
	if row.Status != "scheduled" {
		t.Fatalf("new row's data-status = %q, want scheduled (planned for %s, 4 s ahead): %+v", row.Status, sendAt, row)
	}
	if !strings.Contains(row.Trigger, "every") {
		t.Errorf("the scheduled row has hx-trigger %q, want it to poll (every 2s)", row.Trigger)
	}
	if want := at.Format("02.01.2006 15:04"); row.Planned != want {
		t.Errorf("Planowana data wysłania = %q, want %q (the time typed, Warsaw)", row.Planned, want)
	}
	if row.Sent != "—" {
		t.Errorf("Data wysłania of a scheduled row = %q, want —", row.Sent)
	}
	if row.Label != "Zaplanowana" {
		t.Errorf("status label of a scheduled row = %q, want Zaplanowana", row.Label)
	}
	if n := p.text(`#tab-panel .notice`); !strings.Contains(n, "E-mail") {
		t.Errorf("notice after scheduling = %q", n)
	}
	if row.Marker != "alive" {
		t.Fatalf("window.__marker = %s after the submit: the form reloaded the page", row.Marker)
	}

	start := time.Now()
	row = *waitWithin(p, sendTimeout, "the row to turn sent by itself", emailRowJS(row.ID), func(r *emailRow) bool {
		return r != nil && r.Status == "sent" && r.Sent != "—" && r.Sent != ""
	})
	t.Logf("row %s turned sent %s after the wait began (planned %s)", row.ID, time.Since(start).Round(100*time.Millisecond), sendAt)
	if row.Marker != "alive" {
		t.Errorf("window.__marker = %s: the page was reloaded while the row turned sent", row.Marker)
	}
	if !dateTimeRE.MatchString(row.Sent) {
		t.Errorf("Data wysłania = %q, want DD.MM.YYYY GG:MM", row.Sent)
	}
	if row.Label != "Wysłana" {
		t.Errorf("status label of the sent row = %q, want Wysłana", row.Label)
	}
	if row.Trigger != "" {
		t.Errorf("the sent row still has hx-trigger %q: it must stop polling", row.Trigger)
	}
	if n := eval[int](p, `document.querySelectorAll('#tab-panel tbody tr[data-id="`+row.ID+`"]').length`); n != 1 {
		t.Errorf("%d rows with data-id %s after the swaps, want 1", n, row.ID)
	}
	if n := eval[int](p, `document.querySelectorAll('#tab-panel tr[data-id="`+row.ID+`"] button[hx-delete]').length`); n != 0 {
		t.Errorf("the sent row still offers Usuń")
	}
	// And it really stopped: no request for the row over more than one polling interval.
	before := p.rowRequests(number, row.ID)
	if before == 0 {
		t.Errorf("the page never asked for /row: how did the row change?")
	}
	time.Sleep(2500 * time.Millisecond)
	if after := p.rowRequests(number, row.ID); after != before {
		t.Errorf("the sent row was requested %d more times in 2.5 s: it is still polling", after-before)
	}

	eml := filepath.Join(outboxDir(), row.ID+".eml")
	if _, err := os.Stat(eml); err != nil {
		entries, _ := os.ReadDir(outboxDir())
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("no %s in the outbox (%v); it has %v", filepath.Base(eml), err, names)
	}
	msg := readEML(t, eml)
	if msg.Subject != subject {
		t.Errorf("%s: Subject %q, want %q", eml, msg.Subject, subject)
	}
	if !strings.Contains(msg.To, email) {
		t.Errorf("%s: To %q, want the customer's %s", eml, msg.To, email)
	}
	if !strings.Contains(msg.Parts["text/html"], "<b>wyprzedaż</b>") || !strings.Contains(msg.Parts["text/plain"], "wyprzedaż") {
		t.Errorf("%s: the body lost the text typed: %q", eml, msg.Parts)
	}
	p.screenshot("card-emails-sent")
}

// TestEmailDeletePending deletes an e-mail planned an hour ahead: the row goes, it never turns
// sent and nothing reaches the outbox.
func TestEmailDeletePending(t *testing.T) {
	p := newPage(t)
	p.login()
	number, _ := p.messageCustomer("Dorota", "Kasowana", "granted")
	p.openTab(number, "emails")
	p.setMarker(`"alive"`)

	subject := "Przypomnienie o punktach " + uniqueTag()
	sendAt, at := warsawIn(t, time.Hour)
	p.fillEmailForm(subject, "Twoje punkty czekają.", sendAt)
	p.click(`#email-form button[type=submit]`)
	rows := waitFor(p, "a row for the new e-mail", emailRowsJS(subject), func(r []emailRow) bool { return len(r) > 0 })
	row := rows[0]
	if len(rows) != 1 || row.Status != "scheduled" {
		t.Fatalf("after scheduling an hour ahead: rows %+v, want one scheduled", rows)
	}
	if want := at.Format("02.01.2006 15:04"); row.Planned != want {
		t.Errorf("Planowana data wysłania = %q, want %q", row.Planned, want)
	}
	if n := p.text(`#tab-panel .notice`); !strings.Contains(n, "zaplanowano na "+at.Format("02.01.2006 15:04")) {
		t.Errorf("notice after scheduling an hour ahead = %q, want it to name the planned time", n)
	}

	// Record every status the row shows from now on (it is swapped by its polling).
	eval[chromedp.Void](p, `(() => {
		window.__seen = [];
		const id = `+jsString(row.ID)+`;
		const look = () => document.querySelectorAll('tr[data-id="' + id + '"]').forEach(r => window.__seen.push(r.dataset.status));
		new MutationObserver(look).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"]});
		look();
	})()`)
	// A row planned an hour ahead polls only every minute (every 2 s once it is close), so no
	// swap is expected here; clickSettled still waits for htmx to have processed the row.
	if trig := eval[string](p, `document.querySelector('#tab-panel tr[data-id="`+row.ID+`"]').getAttribute("hx-trigger")`); trig != "every 60s" {
		t.Errorf("hx-trigger of a row planned an hour ahead = %q, want every 60s", trig)
	}
	p.confirmYes()
	p.clickSettled(`#tab-panel tr[data-id="` + row.ID + `"] button[hx-delete]`)
	p.waitTrue("the row to leave the table", `!document.querySelector('#tab-panel tr[data-id="`+row.ID+`"]')`)

	if q := eval[[]string](p, `window.__confirms`); len(q) != 1 || !strings.Contains(q[0], "Usunąć") {
		t.Errorf("hx-confirm asked %q, want one question about deleting", q)
	}
	if n := p.text(`#tab-panel .notice`); !strings.Contains(n, "Usunięto") {
		t.Errorf("notice after deleting = %q, want Usunięto…", n)
	}
	if m := p.marker(); m != "alive" {
		t.Errorf("window.__marker = %s: deleting reloaded the page", m)
	}
	seen := eval[[]string](p, `window.__seen`)
	for _, s := range seen {
		if s != "scheduled" {
			t.Errorf("the row showed status %q before it was deleted (seen: %v), want only scheduled", s, seen)
			break
		}
	}
	if _, err := os.Stat(filepath.Join(outboxDir(), row.ID+".eml")); err == nil {
		t.Errorf("the deleted e-mail %s was written to the outbox", row.ID)
	}

	// A reload from the server agrees: no row with the subject, no status "sent" anywhere.
	p.open("/customers/" + number + "/emails")
	p.waitTab(number, "emails")
	if rows := eval[[]emailRow](p, emailRowsJS(subject)); len(rows) != 0 {
		t.Errorf("after a reload the deleted e-mail is listed again: %+v", rows)
	}
}

// TestEmailResendAndPreview sends an e-mail with HTML (and a script) now, resends it, and
// previews it: the preview shows the sanitised HTML in a sandboxed iframe.
func TestEmailResendAndPreview(t *testing.T) {
	p := newPage(t)
	p.login()
	number, _ := p.messageCustomer("Renata", "Ponowna", "granted")
	p.openTab(number, "emails")
	p.setMarker(`"alive"`)
	eval[chromedp.Void](p, `delete window.__pwned`)

	subject := "Ważna informacja " + uniqueTag()
	p.fillEmailForm(subject, `<p>Dzień dobry, <b>Ważne</b><script>window.__pwned=1</script> zmiany w regulaminie.</p>`, "")
	p.click(`#email-form button[type=submit]`)
	rows := waitFor(p, "a row for the new e-mail", emailRowsJS(subject), func(r []emailRow) bool { return len(r) > 0 })
	first := waitWithin(p, sendTimeout, "the e-mail sent now to show as sent", emailRowJS(rows[0].ID), func(r *emailRow) bool {
		return r != nil && r.Status == "sent"
	})

	p.confirmYes()
	p.clickSettled(`#tab-panel tr[data-id="` + first.ID + `"] form[hx-post$="/resend"] button[type=submit]`)
	rows = waitFor(p, "two rows with the subject", emailRowsJS(subject), func(r []emailRow) bool { return len(r) == 2 })
	var resent emailRow
	for _, r := range rows {
		if r.ID != first.ID {
			resent = r
		}
	}
	if resent.ID == "" {
		t.Fatalf("after the resend: rows %+v, want a new row next to %s", rows, first.ID)
	}
	if !strings.Contains(resent.Subject, "ponowna wysyłka") {
		t.Errorf("the resent row's title %q does not say it is a resend", resent.Subject)
	}
	if q := eval[[]string](p, `window.__confirms`); len(q) != 1 || !strings.Contains(q[0], "ponownie") {
		t.Errorf("hx-confirm asked %q, want one question about sending again", q)
	}
	if n := p.text(`#tab-panel .notice`); !strings.Contains(n, "ponownie") {
		t.Errorf("notice after resending = %q", n)
	}
	if st := eval[string](p, `document.querySelector('#tab-panel tr[data-id="`+first.ID+`"]')?.dataset.status ?? "gone"`); st != "sent" {
		t.Errorf("the original row's status after the resend = %q, want it to stay sent", st)
	}
	waitWithin(p, sendTimeout, "the resent e-mail to show as sent", emailRowJS(resent.ID), func(r *emailRow) bool {
		return r != nil && r.Status == "sent"
	})

	// What left for the customer is sanitised the same way, both times.
	for _, id := range []string{first.ID, resent.ID} {
		msg := readEML(t, filepath.Join(outboxDir(), id+".eml"))
		if msg.Subject != subject {
			t.Errorf("outbox %s.eml: Subject %q, want %q", id, msg.Subject, subject)
		}
		if !strings.Contains(msg.Parts["text/html"], "<b>Ważne</b>") {
			t.Errorf("outbox %s.eml: the HTML part lost the bold: %q", id, msg.Parts["text/html"])
		}
		for typ, body := range msg.Parts {
			if strings.Contains(strings.ToLower(body), "<script") || strings.Contains(body, "__pwned") {
				t.Errorf("outbox %s.eml: the %s part carries the script: %q", id, typ, body)
			}
		}
	}

	// The preview of the first one.
	p.clickSettled(`#tab-panel tr[data-id="` + first.ID + `"] a[hx-get]`)
	p.waitTrue("the preview with its iframe", `!!document.querySelector("#message-preview iframe")`)
	type frameInfo struct {
		Sandbox *string `json:"sandbox"`
		Srcdoc  string  `json:"srcdoc"`
		Subject string  `json:"subject"`
		Access  string  `json:"access"`
	}
	fi := eval[frameInfo](p, `(() => {
		const f = document.querySelector("#message-preview iframe");
		let access;
		try { access = f.contentDocument ? "document" : "none"; } catch (e) { access = "blocked"; }
		return {sandbox: f.getAttribute("sandbox"), srcdoc: f.getAttribute("srcdoc") ?? "",
			subject: document.querySelector("#message-preview header strong")?.textContent.trim() ?? "", access};
	})()`)
	if fi.Sandbox == nil {
		t.Errorf("the preview iframe has no sandbox attribute")
	} else if strings.Contains(*fi.Sandbox, "allow-scripts") || strings.Contains(*fi.Sandbox, "allow-same-origin") {
		t.Errorf("the preview iframe's sandbox = %q lets scripts or the origin through", *fi.Sandbox)
	}
	if fi.Subject != subject {
		t.Errorf("preview subject = %q, want %q", fi.Subject, subject)
	}
	if strings.Contains(strings.ToLower(fi.Srcdoc), "<script") || strings.Contains(fi.Srcdoc, "__pwned") {
		t.Errorf("the preview's srcdoc still carries the script: %q", fi.Srcdoc)
	}
	if !strings.Contains(fi.Srcdoc, "<b>Ważne</b>") {
		t.Errorf("the preview's srcdoc lost the bold: %q", fi.Srcdoc)
	}
	if fi.Access != "none" && fi.Access != "blocked" {
		t.Errorf("the page can reach into the preview's document (%s): the sandbox must give it an opaque origin", fi.Access)
	}

	// Inside the iframe (through the DevTools DOM, which the sandbox does not stop): "Ważne" in
	// a <b>, drawn bold, and no script element.
	b := p.inPreviewFrame()
	if b.Text != "Ważne" {
		t.Errorf("the iframe's <b> reads %q, want Ważne", b.Text)
	}
	if w, _ := strconv.Atoi(b.Weight); w < 600 {
		t.Errorf("the iframe's <b> has font-weight %q, want bold", b.Weight)
	}
	if b.Scripts != 0 || b.Pwned != "undefined" {
		t.Errorf("the iframe's document has %d <script> elements and window.__pwned is %s there; want none and undefined", b.Scripts, b.Pwned)
	}
	if b.Origin != "null" {
		t.Errorf("the preview iframe's origin is %q, want the opaque null of a sandbox", b.Origin)
	}
	if pw := eval[string](p, `typeof window.__pwned`); pw != "undefined" {
		t.Errorf("window.__pwned is %s in the page: the body's script ran", pw)
	}
	if m := p.marker(); m != "alive" {
		t.Errorf("window.__marker = %s: resend or preview reloaded the page", m)
	}
	p.screenshot("card-emails-preview")

	p.click(`#message-preview [data-dismiss]`)
	p.waitTrue("the preview to close", `!document.querySelector("#message-preview iframe")`)
}

// previewFrame is what the preview iframe's document shows.
type previewFrame struct {
	Text    string `json:"text"`    // the <b>'s text
	Weight  string `json:"weight"`  // its computed font-weight
	Scripts int    `json:"scripts"` // <script> elements in the document
	Pwned   string `json:"pwned"`   // typeof window.__pwned inside the frame
	Origin  string `json:"origin"`  // the frame's origin ("null" when sandboxed)
}

// inPreviewFrame reads the preview iframe's document through DevTools. A sandboxed iframe has
// an opaque origin, so the page's script cannot reach in, and Chromium runs it out of process
// as a target of its own (type "iframe", the iframe node's FrameID), so chromedp's FromNode does
// not reach it either: attach to that target (and only detach afterwards, which keeps it).
func (p *page) inPreviewFrame() previewFrame {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(`#message-preview iframe`)))
	if err != nil || len(nodes) == 0 {
		p.t.Fatalf("the preview iframe's node: %v", err)
	}
	frameID := string(nodes[0].FrameID)
	deadline := time.Now().Add(waitTimeout)
	var last error
	for {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			p.t.Fatalf("list the browser's targets: %v", err)
		}
		for _, ti := range infos {
			if ti.Type != "iframe" || string(ti.TargetID) != frameID {
				continue
			}
			fctx, fcancel := chromedp.NewContext(p.ctx, chromedp.WithTargetID(ti.TargetID), chromedp.WithDetachOnCancel())
			rctx, rcancel := context.WithTimeout(fctx, evalTimeout)
			v, err := chromedp.Run(rctx, chromedp.Evaluate[previewFrame](`(() => { const b = document.querySelector("b");
				return {text: b?.textContent ?? "", weight: b ? getComputedStyle(b).fontWeight : "",
					scripts: document.querySelectorAll("script").length, pwned: typeof window.__pwned, origin: String(self.origin)}; })()`))
			rcancel()
			fcancel()
			if err == nil && v.Text != "" {
				return v
			}
			last = err
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("could not read the preview iframe (frame %s) within %s: last error %v", frameID, waitTimeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestInternalMessageReadOnPortal sends an internal message, opens the customer's link (no
// staff login needed), reads the message there, and sees it marked read on the card.
func TestInternalMessageReadOnPortal(t *testing.T) {
	p := newPage(t)
	p.login()
	number, _ := p.messageCustomer("Irena", "Wewnętrzna", "unknown")
	p.openTab(number, "internal")
	p.setMarker(`"alive"`)

	subject := "Nowy regulamin " + uniqueTag()
	if !eval[bool](p, `document.querySelector("#tab-panel details.action-form").open`) {
		p.click(`#tab-panel details.action-form > summary`)
	}
	p.typeInto(`#internal-form input[name=subject]`, subject)
	p.insertText(`#internal-form textarea[name=body]`, "Od 1 lipca punkty ważne są przez 24 miesiące.")
	p.click(`#internal-form button[type=submit]`)
	row := waitFor(p, "the internal message's row", internalRowJS(subject), func(r *internalRow) bool { return r != nil })
	if row.Status != "unread" || row.Label != "Nieprzeczytana" || row.Read != "—" {
		t.Errorf("new internal message row: %+v, want unread / Nieprzeczytana / no read date", row)
	}
	if !dateTimeRE.MatchString(row.Sent) {
		t.Errorf("Data wysłania of the internal message = %q, want DD.MM.YYYY GG:MM", row.Sent)
	}
	if m := p.marker(); m != "alive" {
		t.Errorf("window.__marker = %s: sending reloaded the page", m)
	}

	type link struct{ Copy, Href, Label string }
	l := eval[link](p, `(() => { const b = [...document.querySelectorAll("#tab-panel [data-copy]")].find(e => e.textContent.trim() === "Kopiuj link");
		return {Copy: b?.getAttribute("data-copy") ?? "", Href: document.querySelector("#portal-link")?.href ?? "", Label: b?.textContent.trim() ?? ""}; })()`)
	if l.Copy == "" {
		t.Fatalf("no \"Kopiuj link\" element with data-copy on the internal tab")
	}
	if l.Href != l.Copy {
		t.Errorf("the link shown (%q) and the one copied (%q) differ", l.Href, l.Copy)
	}
	if !regexp.MustCompile(`^https?://[^/]+/p/m/[A-Za-z0-9_-]{32,}$`).MatchString(l.Copy) {
		t.Errorf("customer link %q does not look like BASE_URL/p/m/{token}", l.Copy)
	}

	// The button gives feedback (whether headless Chromium lets the clipboard be written or not).
	p.click(`#tab-panel button[data-copy]`)
	label := waitFor(p, "the copy button's feedback", `document.querySelector("#tab-panel button[data-copy]")?.textContent.trim() ?? ""`,
		func(s string) bool { return s != "Kopiuj link" })
	t.Logf("after clicking Kopiuj link the button reads %q", label)
	if label != "Skopiowano" && label != "Nie udało się skopiować" && label != "Skopiuj ręcznie" {
		t.Errorf("the copy button reads %q after a click", label)
	}

	// The same browser, but as the customer: the link itself, on whatever host BASE_URL names.
	p.do("open the customer's link", chromedp.Navigate(l.Copy))
	type portalItem struct {
		Subject string `json:"subject"`
		Unread  bool   `json:"unread"`
		Href    string `json:"href"`
	}
	items := waitFor(p, "the customer's message list", `[...document.querySelectorAll(".portal-messages li")].map(li => ({
		subject: li.querySelector("a")?.textContent.trim() ?? "", unread: li.classList.contains("unread"), href: li.querySelector("a")?.href ?? ""}))`,
		func(v []portalItem) bool { return len(v) > 0 })
	if len(items) != 1 || items[0].Subject != subject || !items[0].Unread {
		t.Errorf("portal list = %+v, want the one message, marked unread", items)
	}
	if g := p.text("h1"); g != "Dzień dobry, Irena!" {
		t.Errorf("portal greeting = %q", g)
	}
	if n := eval[int](p, `document.querySelectorAll('input[type=password], form[action="/login"]').length`); n != 0 {
		t.Errorf("the customer's link asks for a login")
	}
	p.screenshot("portal-list")

	p.click(`.portal-messages li a`)
	p.waitTrue("the message page", `document.querySelector(".portal-message h1")?.textContent.trim() === `+jsString(subject))
	if b := p.text(".portal-body"); !strings.Contains(b, "24 miesiące") {
		t.Errorf("the message page's body = %q", b)
	}
	p.screenshot("portal-message")

	// Back to the list: no longer new.
	p.click(`a[href="` + mustPath(t, l.Copy) + `"]`)
	p.waitTrue("the list again, the message read", `(() => { const li = document.querySelector(".portal-messages li");
		return !!li && !li.classList.contains("unread") && !li.querySelector(".badge-unread"); })()`)

	// Staff see it read.
	p.open("/customers/" + number + "/internal")
	p.waitTab(number, "internal")
	row = waitFor(p, "the internal message's row", internalRowJS(subject), func(r *internalRow) bool { return r != nil })
	if row.Status != "read" || row.Label != "Przeczytana" {
		t.Errorf("after the customer read it: %+v, want read / Przeczytana", row)
	}
	if !dateTimeRE.MatchString(row.Read) {
		t.Errorf("Data przeczytania = %q, want DD.MM.YYYY GG:MM", row.Read)
	}
	p.screenshot("card-internal-read")
}

func mustPath(t *testing.T, rawURL string) string {
	t.Helper()
	i := strings.Index(rawURL, "/p/m/")
	if i < 0 {
		t.Fatalf("no /p/m/ in %q", rawURL)
	}
	return rawURL[i:]
}

type internalRow struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Sent   string `json:"sent"`
	Read   string `json:"read"`
	Label  string `json:"label"`
}

func internalRowJS(subject string) string {
	return `(() => { const r = [...document.querySelectorAll("#tab-panel tbody tr[data-id]")].find(r => r.cells[3]?.textContent.trim() === ` + jsString(subject) + `);
		return r ? {id: r.dataset.id, status: r.dataset.status ?? "", sent: r.cells[1]?.textContent.trim() ?? "",
			read: r.cells[2]?.textContent.trim() ?? "", label: r.cells[4]?.textContent.trim() ?? ""} : null; })()`
}

// TestConsentRequired: a customer who has not agreed to e-mail cannot be sent one; the form
// says why in Polish and the history stays empty.
func TestConsentRequired(t *testing.T) {
	p := newPage(t)
	p.login()
	number, _ := p.messageCustomer("Zbigniew", "Bezzgody", "refused")
	p.openTab(number, "emails")
	p.setMarker(`"alive"`)

	subject := "Oferta specjalna " + uniqueTag()
	p.fillEmailForm(subject, "Rabat 20% na wszystko.", "")
	if note := p.text(`#email-form [role=note]`); !strings.Contains(note, "Brak zgody na e-mail") {
		t.Errorf("the form does not warn before sending: note = %q", note)
	}
	p.click(`#email-form button[type=submit]`)
	msg := waitFor(p, "the consent message", `document.querySelector("#email-form .form-errors[role=alert]")?.textContent.trim() ?? ""`,
		func(s string) bool { return s != "" })
	if !strings.Contains(msg, "Brak zgody na e-mail") || !strings.Contains(msg, "nie została zaplanowana") {
		t.Errorf("consent message = %q, want Brak zgody na e-mail … Wiadomość nie została zaplanowana.", msg)
	}
	if n := eval[int](p, `document.querySelectorAll("#tab-panel tbody tr[data-id]").length`); n != 0 {
		t.Errorf("%d history rows after a refused e-mail, want none", n)
	}
	if e := p.text(`#tab-panel .empty`); e == "" {
		t.Errorf("the empty-history message is gone after a refused e-mail")
	}
	if v := eval[string](p, `document.querySelector("#email-form input[name=subject]")?.value ?? ""`); v != subject {
		t.Errorf("the refused form lost the subject typed: %q", v)
	}
	if m := p.marker(); m != "alive" {
		t.Errorf("window.__marker = %s: the refused form reloaded the page", m)
	}
	p.screenshot("card-emails-consent")
	// The server agrees after a reload.
	p.open("/customers/" + number + "/emails")
	p.waitTab(number, "emails")
	if rows := eval[[]emailRow](p, emailRowsJS(subject)); len(rows) != 0 {
		t.Errorf("after a reload the refused e-mail is listed: %+v", rows)
	}
}
