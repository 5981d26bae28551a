package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/loyalty/backoffice/app/config"
	"github.com/loyalty/backoffice/app/staff"
	"github.com/loyalty/backoffice/app/store"
	"github.com/loyalty/backoffice/app/store/storetest"
)

const testPassword = "test-Secret-123"

// newServer builds the web app on a fresh database of the given backend, with an admin
// (login "admin") and an operator (login "operator"), both with testPassword.
func newServer(t *testing.T, backend string) (*Server, *store.Store) { return newServerTB(t, backend) }

func newServerTB(t testing.TB, backend string) (*Server, *store.Store) {
	t.Helper()
	st := storetest.Open(t, backend)
	rdb, _ := storetest.Redis(t)
	// Each test server keys its sessions and throttles in the same Redis: start clean.
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": "sqlite:unused", "REDIS_URL": "redis://unused", "PROXY_HEADER": "X-Forwarded-For"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(Deps{Config: cfg, Store: st, Redis: rdb, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := staff.Bootstrap(ctx, st, testPassword, log); err != nil {
		t.Fatal(err)
	}
	hash, _ := staff.HashPassword(testPassword)
	if err := st.InsertStaff(ctx, &store.Staff{Login: "operator", Name: "Ola Operatorka", Role: store.RoleOperator, PasswordHash: hash, Active: true, CreatedAt: store.Now()}); err != nil {
		t.Fatal(err)
	}
	return srv, st
}

// client speaks to the app like a browser with a cookie jar, and like htmx when asked.
type client struct {
	t       *testing.T
	tb      testing.TB // set instead of t by benchmarks
	srv     *Server
	cookies map[string]string
	csrf    string
	ip      string
}

func newClient(t *testing.T, srv *Server) *client {
	return &client{t: t, srv: srv, cookies: map[string]string{}, ip: "10.0.0.1"}
}

type resp struct {
	*http.Response
	Body string
	Doc  *goquery.Document
}

func (c *client) do(method, path string, form url.Values, headers map[string]string) resp {
	var body io.Reader
	contentType := ""
	if form != nil {
		body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	return c.send(method, path, contentType, body, headers)
}

// send is do with any body: it keeps the cookie jar, the address and the CSRF token.
func (c *client) send(method, path, contentType string, body io.Reader, headers map[string]string) resp {
	if c.tb == nil {
		c.tb = c.t
	}
	c.tb.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	req.RemoteAddr = c.ip + ":1234"
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := c.srv.App.Test(req, int((30 * time.Second).Milliseconds()))
	if err != nil {
		c.tb.Fatalf("%s %s: %v", method, path, err)
	}
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		c.tb.Fatalf("parse %s: %v", path, err)
	}
	if tok, ok := doc.Find(`meta[name="csrf-token"]`).Attr("content"); ok && tok != "" {
		c.csrf = tok
	}
	return resp{Response: res, Body: string(b), Doc: doc}
}

func (c *client) get(path string) resp { return c.do(http.MethodGet, path, nil, nil) }

func (c *client) hx(path string) resp {
	return c.do(http.MethodGet, path, nil, map[string]string{"HX-Request": "true"})
}

// post sends a form the way htmx does: X-CSRF-Token header and HX-Request.
func (c *client) post(path string, form url.Values) resp {
	return c.do(http.MethodPost, path, form, map[string]string{"HX-Request": "true", "X-CSRF-Token": c.csrf})
}

// postForm sends a plain form post with the _csrf field.
func (c *client) postForm(path string, form url.Values) resp {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("_csrf", c.csrf)
	return c.do(http.MethodPost, path, f, nil)
}

func (c *client) login(login, password string) resp {
	c.get("/login")
	r := c.postForm("/login", url.Values{"login": {login}, "password": {password}})
	if r.StatusCode == http.StatusSeeOther {
		c.get("/customers") // pick up the new session's CSRF token
	}
	return r
}

func loggedIn(t *testing.T, srv *Server) *client {
	c := newClient(t, srv)
	if r := c.login("admin", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login answered %d", r.StatusCode)
	}
	return c
}

// eachBackend runs fn on SQLite and, when configured, PostgreSQL.
func eachBackend(t *testing.T, fn func(t *testing.T, srv *Server, st *store.Store)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b, func(t *testing.T) {
			srv, st := newServer(t, b)
			fn(t, srv, st)
		})
	}
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }
