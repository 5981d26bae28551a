package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/loyalty/backoffice/app/store"
)

func TestScenarioAdminAndAutomation(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		ctx := t.Context()
		c := loggedIn(t, srv)
		// Bad input: 422, nothing saved.
		for _, f := range []url.Values{
			{"name": {""}, "trigger": {"joined"}, "action": {"add_points"}, "points": {"50"}},
			{"name": {"X"}, "trigger": {"explode"}, "action": {"add_points"}, "points": {"50"}},
			{"name": {"X"}, "trigger": {"joined"}, "action": {"add_points"}, "points": {"-5"}},
			{"name": {"X"}, "trigger": {"joined"}},
			{"name": {"X"}, "trigger": {"inactive"}, "threshold": {"abc"}, "action": {"send_sms"}, "body": {"Hej"}},
			{"name": {"X"}, "trigger": {"referral_success"}, "threshold": {"-1"}, "action": {"add_points"}, "points": {"5"}},
			{"name": {"X"}, "trigger": {"joined"}, "action": {"send_email"}, "subject": {""}, "body": {"b"}},
		} {
			r := c.postForm("/scenarios", f)
			if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find(".field-error").Length() == 0 {
				t.Errorf("%v: %d, want 422 with a message", f, r.StatusCode)
			}
		}
		if scs, _ := st.Scenarios(ctx); len(scs) != 0 {
			t.Fatalf("invalid posts saved %d scenarios", len(scs))
		}
		// Two actions: points and an internal message.
		r := c.postForm("/scenarios", url.Values{"name": {"Powitanie"}, "trigger": {"joined"}, "active": {"1"},
			"action": {"add_points", "send_internal"}, "points": {"50", ""}, "subject": {"", "Witaj {{imie}}"}, "body": {"", "Saldo: {{saldo}} pkt"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create scenario: %d %s", r.StatusCode, text(r.Doc.Find(".field-error")))
		}
		r = c.postForm("/scenarios", url.Values{"name": {"Polecenie"}, "trigger": {"referral"}, "active": {"1"}, "action": {"add_points"}, "points": {"100"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create referral scenario: %d", r.StatusCode)
		}
		page := c.get("/scenarios")
		if !strings.Contains(text(page.Doc.Find("table")), "Powitanie") || !strings.Contains(text(page.Doc.Find("table")), "Dodaj punkty (50 pkt)") {
			t.Fatalf("scenario list: %s", text(page.Doc.Find("table")))
		}
		// A new customer triggers it once; their friend's referral rewards the referrer.
		c.post("/customers", customerForm("8100001"))
		c.post("/customers", customerForm("8100002", "referred_by", "8100001"))
		if b := balanceOf(t, st, "8100001"); b != 150 {
			t.Fatalf("referrer balance %d, want 50 welcome + 100 referral", b)
		}
		tab := c.hx("/customers/8100002/scenarios")
		row := tab.Doc.Find("tbody tr[data-id]")
		if row.Length() != 1 || !strings.Contains(text(row), "Powitanie") || !strings.Contains(text(row), "Zrealizowany") {
			t.Fatalf("scenarios tab: %q", text(row))
		}
		internal := c.hx("/customers/8100002/internal")
		if !strings.Contains(text(internal.Doc.Find("tbody")), "Witaj Anna") {
			t.Fatalf("internal message from the scenario: %q", text(internal.Doc.Find("tbody")))
		}
		// Preview says what it would do, does nothing.
		scs, _ := st.Scenarios(ctx)
		var welcome store.Scenario
		for _, sc := range scs {
			if sc.Name == "Powitanie" {
				welcome = sc
			}
		}
		pv := c.get("/scenarios/" + itoa(welcome.ID) + "?customer=8100002")
		if !strings.Contains(text(pv.Doc.Find(".preview")), "Doda 50 pkt") || balanceOf(t, st, "8100002") != 50 {
			t.Fatalf("preview: %q", text(pv.Doc.Find(".preview")))
		}
		// The tab names only scenarios that ran here; the trigger form with the list loads on demand.
		now := store.Now()
		quiet := &store.Customer{Number: "8100009", FirstName: "Cicha", LastName: "Klientka", PortalToken: "tok8100009",
			ConsentEmail: "unknown", ConsentSMS: "unknown", CreatedAt: now, UpdatedAt: now}
		if err := st.InsertCustomer(ctx, quiet); err != nil { // straight into the store: no scenario runs
			t.Fatal(err)
		}
		tabHTML := c.hx("/customers/8100009/scenarios")
		if strings.Contains(tabHTML.Body, "Powitanie") || tabHTML.Doc.Find(`a[hx-get="/customers/8100009/scenarios/trigger"]`).Length() != 1 {
			t.Fatalf("scenarios tab of a customer without runs: %s", tabHTML.Body)
		}
		form := c.hx("/customers/8100002/scenarios/trigger")
		if form.Doc.Find(`select[name="scenario_id"] option`).Length() != 2 || form.Doc.Find(`form[hx-post="/customers/8100002/scenarios"]`).Length() != 1 {
			t.Fatalf("trigger form: %s", form.Body)
		}
		if full := c.get("/customers/8100002/scenarios/trigger"); full.Doc.Find("#tab-panel select[name=scenario_id]").Length() != 1 {
			t.Fatal("trigger form on full navigation lacks the card around it")
		}
		// Manual trigger, recorded with the user; a second click the same day: 409.
		r = c.post("/customers/8100002/scenarios", url.Values{"scenario_id": {itoa(welcome.ID)}})
		if r.StatusCode != http.StatusOK || balanceOf(t, st, "8100002") != 100 || !strings.Contains(text(r.Doc.Find("tbody")), "ręcznie: Administrator") {
			t.Fatalf("manual trigger: %d %q", r.StatusCode, text(r.Doc.Find("tbody")))
		}
		if b, _ := r.Doc.Find("#card-balance").Attr("data-balance"); b != "100" {
			t.Fatalf("balance OOB after manual trigger: %q", b)
		}
		r = c.post("/customers/8100002/scenarios", url.Values{"scenario_id": {itoa(welcome.ID)}})
		if r.StatusCode != http.StatusConflict || balanceOf(t, st, "8100002") != 100 {
			t.Fatalf("second manual trigger: %d", r.StatusCode)
		}
		// Operators cannot trigger or administer.
		op := newClient(t, srv)
		op.ip = "10.0.0.7"
		op.login("operator", testPassword)
		if r := op.post("/customers/8100002/scenarios", url.Values{"scenario_id": {itoa(welcome.ID)}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("operator manual trigger: %d", r.StatusCode)
		}
		if r := op.get("/scenarios"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("operator /scenarios: %d", r.StatusCode)
		}
		// Editing: deactivate; new customers no longer get it.
		r = c.postForm("/scenarios/"+itoa(welcome.ID), url.Values{"name": {"Powitanie"}, "trigger": {"joined"}, "action": {"add_points"}, "points": {"50"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", r.StatusCode)
		}
		c.post("/customers", customerForm("8100003"))
		if b := balanceOf(t, st, "8100003"); b != 0 {
			t.Fatalf("inactive scenario still ran: %d", b)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
