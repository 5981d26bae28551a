package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/loyalty/backoffice/app/store"
)

func TestAnonymousIsSentToLogin(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, _ *store.Store) {
		c := newClient(t, srv)
		r := c.get("/customers")
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("anonymous page: %d %q, want 303 to /login", r.StatusCode, r.Header.Get("Location"))
		}
		r = c.hx("/customers/1/points")
		if r.StatusCode != http.StatusUnauthorized || r.Header.Get("HX-Redirect") != "/login" {
			t.Fatalf("anonymous htmx: %d HX-Redirect=%q, want 401 /login", r.StatusCode, r.Header.Get("HX-Redirect"))
		}
		r = c.get("/login")
		if tok, _ := r.Doc.Find(`meta[name="csrf-token"]`).Attr("content"); len(tok) < 40 {
			t.Fatalf("login page csrf token %q too short", tok)
		}
	})
}

func TestLoginSessionCookieAndLogout(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, _ *store.Store) {
		c := newClient(t, srv)
		c.get("/login")
		before := c.cookies["lp_session"]
		r := c.postForm("/login", url.Values{"login": {"admin"}, "password": {testPassword}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/customers" {
			t.Fatalf("login: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		var setCookie string
		for _, v := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(v, "lp_session=") {
				setCookie = v
			}
		}
		if !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(strings.ToLower(setCookie), "samesite=lax") {
			t.Fatalf("session cookie flags: %q", setCookie)
		}
		if c.cookies["lp_session"] == before {
			t.Fatal("session id not regenerated at login")
		}
		if id := c.cookies["lp_session"]; len(id) < 43 { // 256 bits in base64url
			t.Fatalf("session id %q shorter than 256 bits", id)
		}
		if r := c.get("/customers"); r.StatusCode != http.StatusOK {
			t.Fatalf("after login /customers: %d", r.StatusCode)
		}
		if r := c.postForm("/logout", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.StatusCode)
		}
		if r := c.get("/customers"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("after logout /customers: %d, want 303", r.StatusCode)
		}
	})
}

func TestWrongPasswordAndThrottle(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, _ *store.Store) {
		c := newClient(t, srv)
		c.get("/login")
		for i := 0; i < loginMaxFailures; i++ {
			r := c.postForm("/login", url.Values{"login": {"admin"}, "password": {"wrong"}})
			if r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d, want 401", i, r.StatusCode)
			}
			if !strings.Contains(text(r.Doc.Find(".form-errors")), "Nieprawidłowy login lub hasło") {
				t.Fatalf("attempt %d: no Polish message", i)
			}
		}
		// Even the right password is refused while the window lasts, from this address…
		r := c.postForm("/login", url.Values{"login": {"admin"}, "password": {testPassword}})
		if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "Zbyt wiele nieudanych prób") {
			t.Fatalf("11th attempt: %d, want 429 with a Polish message", r.StatusCode)
		}
		// …and for this login from another address.
		other := newClient(t, srv)
		other.ip = "10.0.0.2"
		other.get("/login")
		r = other.postForm("/login", url.Values{"login": {"admin"}, "password": {testPassword}})
		if r.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("same login, other address: %d, want 429", r.StatusCode)
		}
		// Another login from another address is not affected.
		third := newClient(t, srv)
		third.ip = "10.0.0.3"
		if r := third.login("operator", testPassword); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("operator from a clean address: %d", r.StatusCode)
		}
	})
}

func TestCSRF(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		c := loggedIn(t, srv)
		form := url.Values{"first_name": {"Jan"}, "last_name": {"Nowak"}, "number": {"5550001"}}
		r := c.do(http.MethodPost, "/customers", form, nil)
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("no token: %d, want 403", r.StatusCode)
		}
		r = c.do(http.MethodPost, "/customers", form, map[string]string{"X-CSRF-Token": "forged"})
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("wrong token: %d, want 403", r.StatusCode)
		}
		if _, err := st.CustomerByNumber(t.Context(), "5550001"); err == nil {
			t.Fatal("customer created without a valid CSRF token")
		}
		// The login form is protected too.
		anon := newClient(t, srv)
		if r := anon.do(http.MethodPost, "/login", url.Values{"login": {"admin"}, "password": {testPassword}}, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("login without token: %d, want 403", r.StatusCode)
		}
	})
}

func TestAdminPagesRefuseOperators(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, st *store.Store) {
		op := newClient(t, srv)
		if r := op.login("operator", testPassword); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("operator login %d", r.StatusCode)
		}
		if r := op.get("/staff"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("operator /staff: %d, want 403", r.StatusCode)
		}
		admin := loggedIn(t, srv)
		r := admin.postForm("/staff", url.Values{"login": {"kasia"}, "name": {"Kasia Kasjerka"}, "role": {"operator"}, "password": {"short"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("short password: %d, want 422", r.StatusCode)
		}
		r = admin.postForm("/staff", url.Values{"login": {"kasia"}, "name": {"Kasia Kasjerka"}, "role": {"operator"}, "password": {"bardzo-tajne-haslo"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create operator: %d, want 303", r.StatusCode)
		}
		kasia := newClient(t, srv)
		kasia.ip = "10.0.0.9"
		if r := kasia.login("kasia", "bardzo-tajne-haslo"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("new operator cannot log in: %d", r.StatusCode)
		}
	})
}

func TestHealthz(t *testing.T) {
	eachBackend(t, func(t *testing.T, srv *Server, _ *store.Store) {
		r := newClient(t, srv).get("/healthz")
		if r.StatusCode != http.StatusOK || r.Body != "ok" {
			t.Fatalf("healthz: %d %q", r.StatusCode, r.Body)
		}
	})
}
