package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/loyalty/backoffice/app/store"
)

// TestNoInputGivesA500 throws odd paths, ids and form values at the routes: every answer must
// be a clean 2xx/3xx/4xx, never a 500.
func TestNoInputGivesA500(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("9900001"))
		long := strings.Repeat("ż", 5000) // form values
		longQ := strings.Repeat("ż", 300) // in URLs (a longer request line is fasthttp's 431)
		gets := []string{
			"/customers?q=" + url.QueryEscape(longQ), "/customers?page=-5", "/customers?page=abc", "/customers?page=99999999999",
			"/customers?q=%00%27%22", "/customers/9900001/points?before=-1", "/customers/9900001/points?before=abc",
			"/customers/9900001/points?from=2026-13-45&to=x&kind=%27", "/customers/9900001/rewards?page=-1",
			"/customers/9900001/emails?before=zz", "/customers/9900001/emails/abc", "/customers/9900001/emails/99999999",
			"/customers/9900001/internal/abc", "/customers/9900001/emails/abc/row", "/customers/" + url.PathEscape(longQ),
			"/customers/9900001/points.csv?from=bad", "/customers/9900001/points/preview?amount=" + url.QueryEscape(longQ),
			"/scenarios/abc", "/scenarios/999999", "/scenarios/1?customer=" + url.QueryEscape(longQ), "/groups/abc", "/rewards/abc",
			"/photos/..%2F..%2Fetc%2Fpasswd", "/p/m/abc", "/p/m/" + strings.Repeat("a", 64) + "/1", "/p/sms/smsapi?MsgId=%00&status=x",
			"/nope", "/customers/9900001/nope",
		}
		for _, p := range gets {
			if r := c.get(p); r.StatusCode >= 500 {
				t.Errorf("GET %s: %d", p, r.StatusCode)
			}
		}
		posts := map[string]url.Values{
			"/customers/9900001/points":             {"operation": {"add"}, "amount": {long}, "points": {"1e309"}, "document": {long}},
			"/customers/9900001/points/abc/cancel":  nil,
			"/customers/9900001/points/-1/cancel":   nil,
			"/customers/9900001/rewards/abc/status": {"status": {"issued"}},
			"/customers/9900001/rewards/1/status":   {"status": {long}},
			"/customers/9900001/emails":             {"subject": {long}, "body": {long}, "send_at": {"2026-99-99T99:99"}},
			"/customers/9900001/emails/abc/resend":  nil,
			"/customers/9900001/sms":                {"body": {long}, "send_at": {"jutro"}},
			"/customers/9900001/internal":           {"subject": {""}, "body": {""}},
			"/customers/9900001/scenarios":          {"scenario_id": {"abc"}},
			"/customers/9900001/edit":               {"first_name": {long}, "birth_date": {"0000-00-00"}, "group_id": {"-1"}},
			"/customers":                            {"number": {long}, "nip": {long}, "phone": {long}, "email": {long}},
			"/settings":                             {"conversion_rate": {long}, "points_validity_days": {"1e9"}},
			"/groups":                               {"name": {long}, "conversion_rate": {"-1"}, "discount_pct": {"abc"}},
			"/groups/abc":                           {"name": {"x"}},
			"/scenarios":                            {"name": {long}, "trigger": {long}, "action": {long, long, long, long}},
			"/scenarios/abc":                        {"name": {"x"}},
			"/locations":                            {"name": {long}},
			"/staff":                                {"login": {long}, "password": {long}, "role": {"root"}},
		}
		for p, f := range posts {
			if r := c.post(p, f); r.StatusCode >= 500 {
				t.Errorf("POST %s: %d %s", p, r.StatusCode, text(r.Doc.Find("main")))
			}
		}
		if r := c.do(http.MethodDelete, "/customers/9900001/emails/abc", nil, map[string]string{"HX-Request": "true", "X-CSRF-Token": c.csrf}); r.StatusCode >= 500 {
			t.Errorf("DELETE bad id: %d", r.StatusCode)
		}
		if r := c.do(http.MethodPost, "/p/sms/twilio", url.Values{"MessageSid": {long}}, nil); r.StatusCode >= 500 {
			t.Errorf("twilio callback: %d", r.StatusCode)
		}
	})
}

func TestBadCharactersAre400(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		if r := c.get("/customers?q=%00"); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "niedozwolone znaki") {
			t.Fatalf("NUL in query: %d", r.StatusCode)
		}
		if r := c.post("/customers", customerForm("9900002", "first_name", "An\x00na")); r.StatusCode != http.StatusBadRequest {
			t.Fatalf("NUL in form: %d", r.StatusCode)
		}
		if r := c.post("/customers", customerForm("9900003", "last_name", "Kow\xffalska")); r.StatusCode != http.StatusBadRequest {
			t.Fatalf("invalid UTF-8 in form: %d", r.StatusCode)
		}
		if n, _ := st.CountCustomers(t.Context()); n != 0 {
			t.Fatalf("%d customers saved from bad input", n)
		}
	})
}
