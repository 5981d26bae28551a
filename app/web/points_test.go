package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/loyalty/backoffice/app/store"
)

func balanceOf(t *testing.T, st *store.Store, number string) int64 {
	t.Helper()
	c, err := st.CustomerByNumber(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	sum, newest, err := st.LedgerSum(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum != c.Balance || newest != c.Balance {
		t.Fatalf("invariant: balance %d SUM %d newest %d", c.Balance, sum, newest)
	}
	return c.Balance
}

func TestPointsAddSubtractThroughTheTab(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("5100001"))
		r := c.post("/customers/5100001/points", url.Values{"operation": {"add"}, "amount": {"1 234,56"}, "document": {"PAR/2026/1"}})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("add: %d %s", r.StatusCode, r.Body)
		}
		if b, _ := r.Doc.Find(`#card-balance[hx-swap-oob="true"]`).Attr("data-balance"); b != "1234" {
			t.Fatalf("out-of-band balance %q, want 1234", b)
		}
		row := r.Doc.Find("table.history tbody tr").First()
		cells := row.Find("td")
		if text(cells.Eq(0)) != "1" || text(cells.Eq(2)) != "Dodanie punktów" || !strings.Contains(text(cells.Eq(4)), "234,56") || text(cells.Eq(5)) != "+1 234" {
			t.Fatalf("new row: %q", text(row))
		}
		if canvas := r.Doc.Find("canvas[data-chart]"); canvas.Length() != 1 || !strings.Contains(text(r.Doc.Find("figcaption")), "1 234") {
			t.Fatal("no chart with its text summary")
		}
		// Same document again: a warning to confirm, nothing saved.
		r = c.post("/customers/5100001/points", url.Values{"operation": {"add"}, "points": {"10"}, "document": {"PAR/2026/1"}})
		if r.StatusCode != http.StatusConflict || r.Doc.Find(`input[name="confirm_duplicate"]`).Length() != 1 {
			t.Fatalf("duplicate document: %d", r.StatusCode)
		}
		if b := balanceOf(t, st, "5100001"); b != 1234 {
			t.Fatalf("unconfirmed duplicate saved: %d", b)
		}
		r = c.post("/customers/5100001/points", url.Values{"operation": {"add"}, "points": {"10"}, "document": {"PAR/2026/1"}, "confirm_duplicate": {"1"}})
		if r.StatusCode != http.StatusOK || balanceOf(t, st, "5100001") != 1244 {
			t.Fatalf("confirmed duplicate: %d", r.StatusCode)
		}
		// Overdraw: 422, message, balance untouched.
		r = c.post("/customers/5100001/points", url.Values{"operation": {"subtract"}, "points": {"5000"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Za mało punktów") {
			t.Fatalf("overdraw: %d", r.StatusCode)
		}
		if b := balanceOf(t, st, "5100001"); b != 1244 {
			t.Fatalf("overdraw moved the balance to %d", b)
		}
		r = c.post("/customers/5100001/points", url.Values{"operation": {"subtract"}, "points": {"44"}})
		if r.StatusCode != http.StatusOK || balanceOf(t, st, "5100001") != 1200 {
			t.Fatalf("subtract: %d", r.StatusCode)
		}
		// Plain form post: 303 to the tab.
		r = c.postForm("/customers/5100001/points", url.Values{"operation": {"add"}, "points": {"1"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/customers/5100001/points" {
			t.Fatalf("plain post: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
	})
}

func TestPointsBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("5200001"))
		c.post("/customers/5200001/points", url.Values{"operation": {"add"}, "points": {"100"}})
		for _, f := range []url.Values{
			{"operation": {"add"}, "amount": {"-10"}}, {"operation": {"add"}, "amount": {"dużo"}},
			{"operation": {"add"}, "points": {"-5"}}, {"operation": {"add"}, "points": {"9999999999999999999999"}},
			{"operation": {"subtract"}, "points": {"abc"}}, {"operation": {"hack"}, "points": {"5"}},
			{"operation": {"add"}, "points": {"5"}, "location_id": {"77"}},
			{"reward_id": {"999"}}, {"reward_id": {"x"}}, {"reward_id": {"1"}, "quantity": {"0"}},
		} {
			r := c.post("/customers/5200001/points", f)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%v: %d, want 422", f, r.StatusCode)
			}
			if r.Doc.Find(".field-error, .form-errors").Length() == 0 {
				t.Errorf("%v: no message", f)
			}
		}
		if b := balanceOf(t, st, "5200001"); b != 100 {
			t.Fatalf("bad input moved the balance to %d", b)
		}
		if r := c.post("/customers/nobody/points", url.Values{"operation": {"add"}, "points": {"1"}}); r.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown customer: %d", r.StatusCode)
		}
	})
}

func TestPointsCancelAndRewards(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		ctx := t.Context()
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("5300001"))
		stock := int64(1)
		rw := &store.Reward{Name: "Bon 50 zł", Type: "Bon", Points: 300, Stock: &stock, Active: true, CreatedAt: store.Now()}
		if err := st.InsertReward(ctx, rw); err != nil {
			t.Fatal(err)
		}
		c.post("/customers/5300001/points", url.Values{"operation": {"add"}, "points": {"500"}})
		r := c.post("/customers/5300001/points", url.Values{"reward_id": {fmt.Sprint(rw.ID)}, "quantity": {"1"}})
		if r.StatusCode != http.StatusOK || balanceOf(t, st, "5300001") != 200 {
			t.Fatalf("issue reward: %d %s", r.StatusCode, text(r.Doc.Find(".form-errors, .field-error")))
		}
		if !strings.Contains(text(r.Doc.Find("tbody tr").First()), "Bon 50 zł") {
			t.Fatal("ledger row does not name the reward")
		}
		// Stock exhausted: 422, nothing changes.
		c.post("/customers/5300001/points", url.Values{"operation": {"add"}, "points": {"500"}})
		r = c.post("/customers/5300001/points", url.Values{"reward_id": {fmt.Sprint(rw.ID)}, "quantity": {"1"}})
		if r.StatusCode != http.StatusUnprocessableEntity || balanceOf(t, st, "5300001") != 700 {
			t.Fatalf("no stock: %d", r.StatusCode)
		}
		// Rewards tab: the order, with its status moves; cancelling refunds the points.
		r = c.hx("/customers/5300001/rewards")
		row := r.Doc.Find("tbody tr[data-id]").First()
		id, _ := row.Attr("data-id")
		if st, _ := row.Attr("data-status"); st != "new" {
			t.Fatalf("order status %q", st)
		}
		r = c.post("/customers/5300001/rewards/"+id+"/status", url.Values{"status": {"shipped"}})
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("new → shipped: %d, want 409", r.StatusCode)
		}
		r = c.post("/customers/5300001/rewards/"+id+"/status", url.Values{"status": {"processing"}})
		if r.StatusCode != http.StatusOK || !strings.Contains(text(r.Doc.Find("tbody tr").First()), "W realizacji") {
			t.Fatalf("new → processing: %d", r.StatusCode)
		}
		r = c.post("/customers/5300001/rewards/"+id+"/status", url.Values{"status": {"cancelled"}})
		if hist := text(r.Doc.Find("tbody tr").First().Find(".status-history li")); !strings.Contains(hist, "Nowe") || !strings.Contains(hist, "W realizacji") || !strings.Contains(hist, "Anulowane") {
			t.Fatalf("status history with dates: %q", hist)
		}
		if r.StatusCode != http.StatusOK || balanceOf(t, st, "5300001") != 1000 {
			t.Fatalf("cancel order: %d balance %d", r.StatusCode, balanceOf(t, st, "5300001"))
		}
		if b, _ := r.Doc.Find("#card-balance").Attr("data-balance"); b != "1000" {
			t.Fatalf("rewards tab balance OOB %q", b)
		}
		r = c.post("/customers/5300001/rewards/"+id+"/status", url.Values{"status": {"cancelled"}})
		if r.StatusCode != http.StatusConflict || balanceOf(t, st, "5300001") != 1000 {
			t.Fatalf("cancel twice: %d", r.StatusCode)
		}
		// Storno of the first addition would leave 1000 − 500 = 500: fine; twice: 409.
		r = c.hx("/customers/5300001/points?kind=add")
		last := r.Doc.Find("tbody tr[data-id]").Last()
		opID, _ := last.Attr("data-id")
		r = c.post("/customers/5300001/points/"+opID+"/cancel", nil)
		if r.StatusCode != http.StatusOK || balanceOf(t, st, "5300001") != 500 {
			t.Fatalf("storno: %d", r.StatusCode)
		}
		r = c.post("/customers/5300001/points/"+opID+"/cancel", nil)
		if r.StatusCode != http.StatusConflict || balanceOf(t, st, "5300001") != 500 {
			t.Fatalf("storno twice: %d", r.StatusCode)
		}
		if r := c.post("/customers/5300001/points/999999/cancel", nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("storno of a missing row: %d", r.StatusCode)
		}
	})
}

func TestPointsPreviewFilterAndExport(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("5400001"))
		for i := 0; i < 30; i++ {
			c.post("/customers/5400001/points", url.Values{"operation": {"add"}, "amount": {fmt.Sprintf("%d,50", 10+i)}})
		}
		c.post("/customers/5400001/points", url.Values{"operation": {"subtract"}, "points": {"7"}, "description": {"korekta; \"test\""}})
		r := c.hx("/customers/5400001/points/preview?amount=123,45")
		if !strings.Contains(strings.ReplaceAll(r.Body, "\u00a0", " "), "= 123 pkt") {
			t.Fatalf("preview: %s", r.Body)
		}
		r = c.hx("/customers/5400001/points")
		if n := r.Doc.Find("tbody tr[data-id]").Length(); n != tabPageSize {
			t.Fatalf("first page %d rows", n)
		}
		older, ok := r.Doc.Find(`.pager a[href*="before="]`).Attr("href")
		if !ok {
			t.Fatal("no link to older rows")
		}
		r = c.hx(older)
		if n := r.Doc.Find("tbody tr[data-id]").Length(); n != 31-tabPageSize {
			t.Fatalf("second page %d rows, want %d", n, 31-tabPageSize)
		}
		if lp := text(r.Doc.Find("tbody tr td").First()); lp != "6" {
			t.Fatalf("second page starts at Lp. %s, want 6", lp)
		}
		r = c.hx("/customers/5400001/points?kind=subtract")
		if n := r.Doc.Find("tbody tr[data-id]").Length(); n != 1 {
			t.Fatalf("kind filter: %d rows", n)
		}
		r = c.hx("/customers/5400001/points?from=2000-01-01&to=2000-12-31")
		if r.Doc.Find(".empty").Length() != 1 {
			t.Fatal("date filter without matches has no empty state")
		}
		r = c.get("/customers/5400001/points.csv")
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv content type %q", r.Header.Get("Content-Type"))
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff")))
		cr.Comma = ';'
		recs, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 32 || recs[0][0] != "Lp." || recs[1][11] != `korekta; "test"` || recs[31][4] != "10,50" {
			t.Fatalf("csv: %d records, first data row %q, last %q", len(recs), recs[1], recs[31])
		}
	})
}

// TestConcurrentHTTP: 200 concurrent requests on one customer through the web layer: every
// answer 200, 409 or 422 (never 500 or "database is locked"), invariant holds.
func TestConcurrentHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("5500001"))
		c.post("/customers/5500001/points", url.Values{"operation": {"add"}, "points": {"300"}})
		var wg sync.WaitGroup
		codes := make(chan int, 200)
		for i := 0; i < 200; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				f := url.Values{"operation": {"subtract"}, "points": {fmt.Sprint(1 + i%20)}}
				if i%3 == 0 {
					f = url.Values{"operation": {"add"}, "points": {fmt.Sprint(1 + i%10)}}
				}
				// a client per goroutine sharing the session (the cookie map is not thread-safe)
				cc := &client{t: t, srv: srv, cookies: map[string]string{"lp_session": c.cookies["lp_session"]}, csrf: c.csrf, ip: c.ip}
				codes <- cc.post("/customers/5500001/points", f).StatusCode
			}(i)
		}
		wg.Wait()
		close(codes)
		seen := map[int]int{}
		for code := range codes {
			seen[code]++
		}
		for code := range seen {
			if code != http.StatusOK && code != http.StatusUnprocessableEntity {
				t.Errorf("status %d seen %d times", code, seen[code])
			}
		}
		if b := balanceOf(t, st, "5500001"); b < 0 {
			t.Fatalf("overdrawn: %d", b)
		}
		t.Logf("answers: %v", seen)
	})
}

// TestPointsExpiringSoonOnTheCard: with a validity period set, the points tab says how many
// points will expire within 30 days.
func TestPointsExpiringSoonOnTheCard(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		ctx := t.Context()
		c := loggedIn(t, srv)
		c.post("/customers", customerForm("5600001"))
		cust, _ := st.CustomerByNumber(ctx, "5600001")
		settings, _ := st.Settings(ctx)
		settings.PointsValidityDays = 365
		if err := st.SaveSettings(ctx, settings); err != nil {
			t.Fatal(err)
		}
		old := &store.PointOperation{CustomerID: cust.ID, Kind: "add", Points: 120, OccurredAt: store.Now().AddDate(0, 0, -350)}
		if err := st.AppendPoints(ctx, old, false); err != nil {
			t.Fatal(err)
		}
		r := c.hx("/customers/5600001/points")
		if got := strings.ReplaceAll(text(r.Doc.Find(".tab-head .warn")), "\u00a0", " "); !strings.Contains(got, "120 pkt wygaśnie do") {
			t.Fatalf("expiring soon: %q", got)
		}
	})
}
