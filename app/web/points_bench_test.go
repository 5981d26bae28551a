package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/loyalty/backoffice/app/seed"
	"github.com/loyalty/backoffice/app/store/storetest"
)

// BenchmarkPointsTab serves the points tab of the customer with 100 000 operations: the first
// page and a deep page (keyset, 90 000 rows back) should cost about the same.
//
//	go test -run '^$' -bench PointsTab -benchmem ./app/web
//	(with TEST_DATABASE_URL set, PostgreSQL too)
func BenchmarkPointsTab(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		b.Run(backend, func(b *testing.B) {
			srv, st := newServerTB(b, backend)
			if _, err := seed.Run(b.Context(), st, seed.Options{Customers: 5, LongHistory: 100_000, Rand: 1}); err != nil {
				b.Fatal(err)
			}
			cust, err := st.CustomerByNumber(b.Context(), "99999999")
			if err != nil {
				b.Fatal(err)
			}
			cookie := benchLogin(b, srv)
			for _, tc := range []struct{ name, query string }{
				{"first", ""},
				{"deep", "?before=" + strconv.FormatInt(cust.OpsCount-90_000, 10)},
			} {
				b.Run(tc.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, "/customers/99999999/points"+tc.query, nil)
						req.Header.Set("HX-Request", "true")
						req.AddCookie(cookie)
						res, err := srv.App.Test(req, -1)
						if err != nil || res.StatusCode != http.StatusOK {
							b.Fatalf("%v %v", err, res.StatusCode)
						}
						res.Body.Close()
					}
				})
			}
		})
	}
}

func benchLogin(b *testing.B, srv *Server) *http.Cookie {
	c := &client{t: nil, srv: srv, cookies: map[string]string{}, ip: "10.9.9.9"}
	c.tb = b
	c.login("admin", testPassword)
	return &http.Cookie{Name: "lp_session", Value: c.cookies["lp_session"]}
}
