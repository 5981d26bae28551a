package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/loyalty/backoffice/app/channel/email"
	"github.com/loyalty/backoffice/app/channel/sms"
	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/messaging/messagingtest"
	"github.com/loyalty/backoffice/app/store"
)

const twilioToken = "twilio-test-token"

// withMessaging gives the server a pipeline with in-memory senders and a recording queue (no
// worker: tests run Send themselves), and a Twilio token for the callback's signature.
func withMessaging(t *testing.T, srv *Server, st *store.Store) (*email.Fake, *sms.Fake) {
	t.Helper()
	mail, text := &email.Fake{}, &sms.Fake{}
	srv.messages = &messaging.Service{Store: st, Enqueuer: &messagingtest.Enqueuer{}, Email: mail, SMS: text,
		MailFrom: "Program <punkty@sklep.example.pl>", Loc: srv.cfg.Location, Log: srv.log}
	srv.cfg.SMS.TwilioToken = twilioToken
	srv.cfg.BaseURL = "https://lojalnosc.example.pl"
	return mail, text
}

func (c *client) hxDelete(path string) resp {
	return c.do(http.MethodDelete, path, nil, map[string]string{"HX-Request": "true", "X-CSRF-Token": c.csrf})
}

// rowDoc parses a bare <tr> answer (an HTML parser drops a <tr> outside a table).
func rowDoc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody>" + body + "</tbody></table>"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func messageCount(t *testing.T, st *store.Store, customerID int64) int {
	t.Helper()
	n, err := st.DB().NewSelect().Model((*store.Message)(nil)).Where("customer_id = ?", customerID).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func rowIDs(doc *goquery.Document) []string {
	var ids []string
	doc.Find("tr[data-id]").Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("data-id", "")) })
	return ids
}

func warsawInput(srv *Server, t time.Time) string {
	return t.In(srv.cfg.Location).Format("2006-01-02T15:04:05")
}

func TestEmailTab(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		withMessaging(t, srv, st)
		ctx := context.Background()
		c := loggedIn(t, srv)
		cust := messagingtest.Customer(t, st)
		tab := "/customers/" + cust.Number + "/emails"

		r := c.hx(tab)
		form := r.Doc.Find(`form#email-form[hx-post="` + tab + `"][hx-target="#tab-panel"]`)
		if r.StatusCode != http.StatusOK || form.Length() != 1 || form.Find(`input[name=subject]`).Length() != 1 ||
			form.Find(`textarea[name=body]`).Length() != 1 || form.Find(`input[type=datetime-local][name=send_at]`).Length() != 1 {
			t.Fatalf("tab without the send form: %d %s", r.StatusCode, r.Body)
		}

		// Planned in an hour (seconds typed): scheduled, polling its own status (every minute
		// while it is more than five minutes away).
		at := time.Now().Add(time.Hour).Truncate(time.Second)
		r = c.post(tab, url.Values{"subject": {"Zaproszenie"}, "body": {"<p>Dzień dobry</p>"}, "send_at": {warsawInput(srv, at)}})
		if r.StatusCode != http.StatusOK || strings.Contains(r.Body, "<html") {
			t.Fatalf("schedule: %d %s", r.StatusCode, r.Body)
		}
		var heads []string
		r.Doc.Find("table.emails thead th").Each(func(_ int, s *goquery.Selection) { heads = append(heads, text(s)) })
		if strings.Join(heads, "|") != "Akcje|Planowana data wysłania|Data wysłania|Tytuł|Status|Użytkownik" {
			t.Errorf("columns %v", heads)
		}
		row := r.Doc.Find(`tr[data-status="scheduled"]`)
		id := row.AttrOr("data-id", "")
		if row.Length() != 1 || row.AttrOr("hx-trigger", "") != "every 60s" || row.AttrOr("hx-get", "") != tab+"/"+id+"/row" ||
			!strings.Contains(text(row), "Zaproszenie") || !strings.Contains(text(row), srv.clock.DateTime(at)) || !strings.Contains(text(row), "Administrator") && !strings.Contains(text(row), "admin") {
			t.Fatalf("scheduled row: %s", r.Body)
		}
		if !strings.Contains(text(r.Doc.Find(".notice")), "zaplanowano na") {
			t.Errorf("notice %q", text(r.Doc.Find(".notice")))
		}
		mid, _ := strconv.ParseInt(id, 10, 64)
		m, err := st.Message(ctx, mid)
		if err != nil || !m.SendAt.Equal(at) || m.StaffUserID == nil || m.Recipient != cust.Email {
			t.Fatalf("stored %+v %v (want send_at %v)", m, err, at)
		}

		// A plain form post: 303 back to the tab.
		r = c.postForm(tab, url.Values{"subject": {"Teraz"}, "body": {"Treść"}, "send_at": {""}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != tab {
			t.Fatalf("plain post: %d %q", r.StatusCode, r.Header.Get("Location"))
		}

		// 422: each refusal re-renders the form with its message; nothing is saved.
		before := messageCount(t, st, cust.ID)
		for _, tc := range []struct {
			form  url.Values
			field string
		}{
			{url.Values{"subject": {""}, "body": {"x"}}, "subject"},
			{url.Values{"subject": {strings.Repeat("a", 301)}, "body": {"x"}}, "subject"},
			{url.Values{"subject": {"x"}, "body": {""}}, "body"},
			{url.Values{"subject": {"x"}, "body": {strings.Repeat("a", 100001)}}, "body"},
			{url.Values{"subject": {"x"}, "body": {"x"}, "send_at": {"jutro o 10"}}, "send_at"},
			{url.Values{"subject": {"x"}, "body": {"x"}, "send_at": {warsawInput(srv, time.Now().AddDate(2, 0, 0))}}, "send_at"},
		} {
			r := c.post(tab, tc.form)
			field := r.Doc.Find(`form#email-form [name="` + tc.field + `"]`)
			if r.StatusCode != http.StatusUnprocessableEntity || field.AttrOr("aria-invalid", "") != "true" ||
				text(field.Parent().Find(".field-error")) == "" || r.Doc.Find("details[open] form#email-form").Length() != 1 {
				t.Errorf("%s refused with %d: %s", tc.field, r.StatusCode, text(r.Doc.Find(".field-error")))
			}
		}
		if r := c.postForm(tab, url.Values{"subject": {""}, "body": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "<html") ||
			r.Doc.Find(`[role="tablist"]`).Length() != 1 {
			t.Errorf("plain 422: %d, want the whole card", r.StatusCode)
		}
		if n := messageCount(t, st, cust.ID); n != before {
			t.Errorf("refused posts saved %d messages", n-before)
		}

		// No consent: 422 with the reason, nothing saved.
		refused := messagingtest.Customer(t, st, func(c *store.Customer) { c.ConsentEmail = "refused" })
		r = c.post("/customers/"+refused.Number+"/emails", url.Values{"subject": {"Bez zgody"}, "body": {"x"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(r.Doc.Find(".form-errors")), "Brak zgody na e-mail") || messageCount(t, st, refused.ID) != 0 {
			t.Errorf("no consent: %d %q", r.StatusCode, text(r.Doc.Find(".form-errors")))
		}
		if r := c.post("/customers/nope/emails", url.Values{"subject": {"x"}, "body": {"x"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("unknown customer: %d", r.StatusCode)
		}
		if r := c.do(http.MethodPost, tab, url.Values{"subject": {"x"}, "body": {"x"}}, map[string]string{"HX-Request": "true"}); r.StatusCode != http.StatusForbidden {
			t.Errorf("without CSRF token: %d", r.StatusCode)
		}
	})
}

// The row polls itself while scheduled and stops once its answer is final; delete, 409,
// resend, 404 for a message of another customer.
func TestEmailRowDeleteResend(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		mail, _ := withMessaging(t, srv, st)
		ctx := context.Background()
		c := loggedIn(t, srv)
		cust := messagingtest.Customer(t, st)
		other := messagingtest.Customer(t, st)
		tab := "/customers/" + cust.Number + "/emails"
		schedule := func(subject string, at time.Time) int64 {
			m, errs, err := srv.messages.Schedule(ctx, messaging.Draft{Channel: store.ChannelEmail, Customer: cust, Subject: subject, Body: "x", SendAt: at})
			if err != nil || len(errs) > 0 {
				t.Fatal(err, errs)
			}
			return m.ID
		}
		due := schedule("Teraz", time.Time{})
		later := schedule("Później", time.Now().Add(time.Hour))
		foreign, _, _ := srv.messages.Schedule(ctx, messaging.Draft{Channel: store.ChannelEmail, Customer: other, Subject: "Obca", Body: "x"})

		r := c.hx(tab + "/" + strconv.FormatInt(due, 10) + "/row")
		row := rowDoc(t, r.Body).Find("tr")
		if r.StatusCode != http.StatusOK || row.AttrOr("data-status", "") != "scheduled" || row.AttrOr("hx-trigger", "") != "every 2s" {
			t.Fatalf("row poll while scheduled: %d %s", r.StatusCode, r.Body)
		}
		if err := srv.messages.Send(ctx, due, false); err != nil || len(mail.Sent()) != 1 {
			t.Fatal(err)
		}
		r = c.hx(tab + "/" + strconv.FormatInt(due, 10) + "/row")
		row = rowDoc(t, r.Body).Find("tr")
		if row.AttrOr("data-status", "") != "sent" || row.AttrOr("hx-trigger", "none") != "none" || row.AttrOr("hx-get", "none") != "none" ||
			row.Find(`[hx-delete]`).Length() != 0 {
			t.Fatalf("row poll once sent (must stop polling, no delete): %s", r.Body)
		}
		if r := c.hx(tab + "/" + strconv.FormatInt(foreign.ID, 10) + "/row"); r.StatusCode != http.StatusNotFound {
			t.Errorf("another customer's row: %d", r.StatusCode)
		}

		// Delete a sent one: 409 with the reason, nothing changes.
		r = c.hxDelete(tab + "/" + strconv.FormatInt(due, 10))
		if r.StatusCode != http.StatusConflict || !strings.Contains(text(r.Doc.Find(".form-errors")), "nie można usunąć") {
			t.Fatalf("delete sent: %d %s", r.StatusCode, r.Body)
		}
		if m, _ := st.Message(ctx, due); m.Status != store.MessageSent {
			t.Errorf("409 changed the row: %s", m.Status)
		}
		// Delete the waiting one: gone from the tab, never sent.
		laterRow := c.hx(tab).Doc.Find(`tr[data-id="` + strconv.FormatInt(later, 10) + `"] [hx-delete]`)
		if laterRow.AttrOr("hx-confirm", "") == "" || laterRow.AttrOr("hx-delete", "") != tab+"/"+strconv.FormatInt(later, 10) {
			t.Errorf("delete button: %v", laterRow.Nodes)
		}
		r = c.hxDelete(tab + "/" + strconv.FormatInt(later, 10))
		if r.StatusCode != http.StatusOK || strings.Contains(strings.Join(rowIDs(r.Doc), ","), strconv.FormatInt(later, 10)) {
			t.Fatalf("delete waiting: %d %v", r.StatusCode, rowIDs(r.Doc))
		}
		if m, _ := st.Message(ctx, later); m.Status != store.MessageDeleted {
			t.Errorf("deleted row: %s", m.Status)
		}
		if r := c.hx(tab + "/" + strconv.FormatInt(later, 10) + "/row"); r.StatusCode != http.StatusOK || strings.TrimSpace(r.Body) != "" {
			t.Errorf("a deleted row's poll must answer empty (removing it): %d %q", r.StatusCode, r.Body)
		}
		for _, path := range []string{tab + "/" + strconv.FormatInt(foreign.ID, 10), tab + "/999999", tab + "/abc"} {
			if r := c.hxDelete(path); r.StatusCode != http.StatusNotFound {
				t.Errorf("DELETE %s: %d", path, r.StatusCode)
			}
		}
		if m, _ := st.Message(ctx, foreign.ID); m.Status != store.MessageScheduled {
			t.Error("another customer's message was deleted")
		}

		// Resend: a new row pointing to the old one.
		before := messageCount(t, st, cust.ID)
		r = c.post(tab+"/"+strconv.FormatInt(due, 10)+"/resend", nil)
		if r.StatusCode != http.StatusOK || messageCount(t, st, cust.ID) != before+1 {
			t.Fatalf("resend: %d", r.StatusCode)
		}
		newest := rowIDs(r.Doc)[0]
		nid, _ := strconv.ParseInt(newest, 10, 64)
		if m, _ := st.Message(ctx, nid); m.ResendOfID == nil || *m.ResendOfID != due || m.Subject != "Teraz" || m.Status != store.MessageScheduled {
			t.Errorf("resent row %+v", m)
		}
		if r := c.post(tab+"/"+strconv.FormatInt(foreign.ID, 10)+"/resend", nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("resend of another customer's message: %d", r.StatusCode)
		}
	})
}

// The preview shows the sanitised HTML inside a sandboxed iframe (srcdoc), as a fragment to
// htmx and as a page of its own.
func TestEmailPreview(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		withMessaging(t, srv, st)
		c := loggedIn(t, srv)
		cust := messagingtest.Customer(t, st)
		m, _, err := srv.messages.Schedule(context.Background(), messaging.Draft{Channel: store.ChannelEmail, Customer: cust, Subject: "Witamy",
			Body: `<p>Witamy w <b>programie</b></p><script>alert("xss")</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">klik</a>`})
		if err != nil {
			t.Fatal(err)
		}
		url := "/customers/" + cust.Number + "/emails/" + strconv.FormatInt(m.ID, 10)
		for _, r := range []resp{c.hx(url), c.get(url)} {
			frame := r.Doc.Find("iframe")
			sandbox, sandboxed := frame.Attr("sandbox")
			src := frame.AttrOr("srcdoc", "")
			if r.StatusCode != http.StatusOK || frame.Length() != 1 || !sandboxed || sandbox != "" {
				t.Fatalf("preview: %d, iframe %d, sandbox %q %v", r.StatusCode, frame.Length(), sandbox, sandboxed)
			}
			if !strings.Contains(src, "Witamy w <b>programie</b>") {
				t.Errorf("srcdoc lost the content: %q", src)
			}
			shown, _ := r.Doc.Find(".message-preview").Html()
			for _, bad := range []string{"<script", "alert(\"xss\")", "onerror", "javascript:"} {
				if strings.Contains(src, bad) || strings.Contains(shown, bad) {
					t.Errorf("preview keeps %q", bad)
				}
			}
		}
		if r := c.hx(url); strings.Contains(r.Body, "<html") {
			t.Error("htmx preview is a whole page")
		}
		if r := c.get(url); r.Doc.Find(`meta[name="csrf-token"]`).Length() != 1 {
			t.Error("preview page lacks the layout")
		}
		other := messagingtest.Customer(t, st)
		if r := c.hx("/customers/" + other.Number + "/emails/" + strconv.FormatInt(m.ID, 10)); r.StatusCode != http.StatusNotFound {
			t.Errorf("preview through another customer: %d", r.StatusCode)
		}
		if r := c.hx("/customers/" + cust.Number + "/emails/424242"); r.StatusCode != http.StatusNotFound {
			t.Errorf("missing message: %d", r.StatusCode)
		}
	})
}

func TestSMSTab(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		_, texter := withMessaging(t, srv, st)
		ctx := context.Background()
		c := loggedIn(t, srv)
		cust := messagingtest.Customer(t, st)
		tab := "/customers/" + cust.Number + "/sms"
		r := c.hx(tab)
		if r.Doc.Find(`form#sms-form textarea[name=body][data-sms-counter]`).Length() != 1 || r.Doc.Find("output#sms-counter").Length() != 1 {
			t.Fatalf("SMS form without the counter: %s", r.Body)
		}
		r = c.post(tab, url.Values{"body": {"Masz 100 pkt"}, "send_at": {""}})
		row := r.Doc.Find(`tr[data-status="scheduled"]`)
		if r.StatusCode != http.StatusOK || row.Length() != 1 || !strings.Contains(text(row), "Masz 100 pkt") || row.AttrOr("hx-trigger", "") != "every 2s" {
			t.Fatalf("send SMS: %d %s", r.StatusCode, r.Body)
		}
		var heads []string
		r.Doc.Find("table.sms thead th").Each(func(_ int, s *goquery.Selection) { heads = append(heads, text(s)) })
		if strings.Join(heads, "|") != "Data wysłania|Numer telefonu|Status|Treść|Użytkownik" {
			t.Errorf("columns %v", heads)
		}
		id, _ := strconv.ParseInt(row.AttrOr("data-id", ""), 10, 64)
		if err := srv.messages.Send(ctx, id, false); err != nil || len(texter.Sent()) != 1 || texter.Sent()[0].To != "+48600100200" {
			t.Fatalf("send: %v %v", err, texter.Sent())
		}
		if r := c.hx(tab + "/" + strconv.FormatInt(id, 10) + "/row"); rowDoc(t, r.Body).Find(`tr[data-status="sent"]`).Length() != 1 {
			t.Errorf("SMS row after sending: %s", r.Body)
		}
		// Eleven parts (Polish letters: UCS-2, 67 a part) are refused with the count; the
		// form keeps the text and its counter.
		long := strings.Repeat("ż", 67*10+1)
		r = c.post(tab, url.Values{"body": {long}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(r.Doc.Find(".field-error")), "11 części") ||
			!strings.Contains(text(r.Doc.Find("#sms-counter")), "11 SMS · UCS-2") {
			t.Errorf("11 parts: %d %q %q", r.StatusCode, text(r.Doc.Find(".field-error")), text(r.Doc.Find("#sms-counter")))
		}
		noConsent := messagingtest.Customer(t, st, func(c *store.Customer) { c.ConsentSMS = "withdrawn" })
		r = c.post("/customers/"+noConsent.Number+"/sms", url.Values{"body": {"x"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Brak zgody na SMS (zgoda wycofana)") || messageCount(t, st, noConsent.ID) != 0 {
			t.Errorf("no SMS consent: %d", r.StatusCode)
		}
	})
}

// Internal messages: sent unread at once; the customer's own page lists them and opening one
// records read_at the first time only; no staff login there.
func TestInternalMessagesAndPortal(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		withMessaging(t, srv, st)
		ctx := context.Background()
		c := loggedIn(t, srv)
		cust := messagingtest.Customer(t, st, func(c *store.Customer) { c.ConsentEmail, c.ConsentSMS = "refused", "refused" })
		tab := "/customers/" + cust.Number + "/internal"
		r := c.post(tab, url.Values{"subject": {"Nowa nagroda"}, "body": {"Sprawdź <b>katalog</b>"}})
		row := r.Doc.Find(`tr[data-status="unread"]`)
		if r.StatusCode != http.StatusOK || row.Length() != 1 || !strings.Contains(text(row), "Nieprzeczytana") {
			t.Fatalf("internal: %d %s", r.StatusCode, r.Body)
		}
		var heads []string
		r.Doc.Find("table.internal thead th").Each(func(_ int, s *goquery.Selection) { heads = append(heads, text(s)) })
		if strings.Join(heads, "|") != "Akcje|Data wysłania|Data przeczytania|Tytuł|Status|Użytkownik" {
			t.Errorf("columns %v", heads)
		}
		link := "https://lojalnosc.example.pl/p/m/" + cust.PortalToken
		if r.Doc.Find(`[data-copy="`+link+`"]`).Length() != 1 || r.Doc.Find(`a[href="`+link+`"]`).Length() != 1 {
			t.Errorf("no portal link with a copy button: %s", r.Body)
		}
		if r := c.post(tab, url.Values{"subject": {""}, "body": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("internal without subject: %d", r.StatusCode)
		}
		id := row.AttrOr("data-id", "")
		mid, _ := strconv.ParseInt(id, 10, 64)
		// The staff preview does not count as reading.
		if r := c.hx(tab + "/" + id); r.StatusCode != http.StatusOK || r.Doc.Find("iframe[sandbox]").Length() != 1 {
			t.Errorf("internal preview: %d", r.StatusCode)
		}

		anon := newClient(t, srv)
		list := anon.get("/p/m/" + cust.PortalToken)
		if list.StatusCode != http.StatusOK || !strings.Contains(text(list.Doc.Find("main")), "Nowa nagroda") || list.Doc.Find(".badge-unread").Length() != 1 {
			t.Fatalf("portal list: %d %s", list.StatusCode, list.Body)
		}
		if list.Doc.Find(".topbar, form[action='/logout']").Length() != 0 || list.Header.Get("Content-Security-Policy") == "" ||
			list.Header.Get("Cache-Control") != "no-store" || list.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("portal page: staff chrome or missing headers %v", list.Header)
		}
		if m, _ := st.Message(ctx, mid); m.ReadAt != nil {
			t.Fatal("listing marked the message read")
		}
		open := anon.get("/p/m/" + cust.PortalToken + "/" + id)
		if open.StatusCode != http.StatusOK || !strings.Contains(open.Body, "Sprawdź <b>katalog</b>") {
			t.Fatalf("portal message: %d %s", open.StatusCode, open.Body)
		}
		first, _ := st.Message(ctx, mid)
		if first.ReadAt == nil || first.Status != store.MessageRead {
			t.Fatalf("opened message: %+v", first)
		}
		time.Sleep(10 * time.Millisecond)
		anon.get("/p/m/" + cust.PortalToken + "/" + id)
		if again, _ := st.Message(ctx, mid); !again.ReadAt.Equal(*first.ReadAt) {
			t.Errorf("second opening moved read_at %v -> %v", first.ReadAt, again.ReadAt)
		}
		r = c.hx(tab)
		if row := r.Doc.Find(`tr[data-id="` + id + `"]`); row.AttrOr("data-status", "") != "read" || !strings.Contains(text(row), "Przeczytana") ||
			!strings.Contains(text(row), srv.clock.DateTime(*first.ReadAt)) {
			t.Errorf("staff tab after reading: %s", text(row))
		}

		other := messagingtest.Customer(t, st)
		for _, path := range []string{"/p/m/" + other.PortalToken + "/" + id, "/p/m/" + strings.Repeat("0", 64), "/p/m/short", "/p/m/" + cust.PortalToken + "/x"} {
			if r := anon.get(path); r.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", path, r.StatusCode)
			}
		}
	})
}

// twilioSignature signs like Twilio: URL + sorted name+value pairs, HMAC-SHA1, base64.
func twilioSignature(fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		for _, v := range form[k] {
			b.WriteString(k + v)
		}
	}
	mac := hmac.New(sha1.New, []byte(twilioToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestSMSDeliveryCallbacks(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		withMessaging(t, srv, st)
		ctx := context.Background()
		cust := messagingtest.Customer(t, st)
		sent := func(provider string) int64 {
			now := store.Now()
			m := &store.Message{Channel: store.ChannelSMS, CustomerID: cust.ID, Recipient: cust.Phone, Body: "x", SendAt: now, SentAt: &now,
				Status: store.MessageSent, ProviderID: provider}
			if err := st.InsertMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		a, b := sent("SMSAPI-1"), sent("SMSAPI-2")
		anon := newClient(t, srv)
		r := anon.get("/p/sms/smsapi?MsgId=SMSAPI-1,SMSAPI-2&status=405,404&idx=" + strconv.FormatInt(a, 10) + "," + strconv.FormatInt(b, 10) + "&donedate=1764892800,1764892800")
		if r.StatusCode != http.StatusOK || r.Body != "OK" {
			t.Fatalf("smsapi callback: %d %q", r.StatusCode, r.Body)
		}
		if m, _ := st.Message(ctx, a); m.Status != store.MessageFailed || m.LastError != "SMS nie został doręczony (UNDELIVERED)" {
			t.Errorf("undelivered: %+v", m)
		}
		if m, _ := st.Message(ctx, b); m.Status != store.MessageSent {
			t.Errorf("delivered: %+v", m)
		}
		if r := anon.get("/p/sms/smsapi?status=404"); r.StatusCode != http.StatusBadRequest {
			t.Errorf("report without MsgId: %d", r.StatusCode)
		}

		tw := sent("SM0123456789abcdef0123456789abcdef")
		form := url.Values{"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "MessageStatus": {"undelivered"}, "ErrorCode": {"30003"}, "To": {"+48600100200"}}
		sig := twilioSignature("https://lojalnosc.example.pl/p/sms/twilio", form)
		if r := anon.do(http.MethodPost, "/p/sms/twilio", form, map[string]string{"X-Twilio-Signature": "bm90IHRoZSBzaWduYXR1cmU="}); r.StatusCode != http.StatusForbidden {
			t.Errorf("bad signature: %d", r.StatusCode)
		}
		tampered := url.Values{"MessageSid": form["MessageSid"], "MessageStatus": {"undelivered"}, "ErrorCode": {"30004"}, "To": form["To"]}
		if r := anon.do(http.MethodPost, "/p/sms/twilio", tampered, map[string]string{"X-Twilio-Signature": sig}); r.StatusCode != http.StatusForbidden {
			t.Errorf("tampered form: %d", r.StatusCode)
		}
		if m, _ := st.Message(ctx, tw); m.Status != store.MessageSent {
			t.Fatalf("a refused callback changed the message: %s", m.Status)
		}
		if r := anon.do(http.MethodPost, "/p/sms/twilio", form, map[string]string{"X-Twilio-Signature": sig}); r.StatusCode != http.StatusNoContent {
			t.Fatalf("valid signature: %d %s", r.StatusCode, r.Body)
		}
		if m, _ := st.Message(ctx, tw); m.Status != store.MessageFailed || m.LastError != "SMS nie został doręczony (undelivered, kod 30003)" {
			t.Errorf("twilio undelivered: %+v", m)
		}
	})
}
