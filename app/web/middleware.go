package web

import (
	"bytes"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/loyalty/backoffice/app/store"
)

const (
	sessStaff = "staff_id"
	sessCSRF  = "csrf"
	sessFlash = "flash"
)

// isHTMX tells an htmx swap from a full navigation; a history restore asks for the whole page.
func isHTMX(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true"
}

// secureHeaders are sent with every answer.
func secureHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "SAMEORIGIN")
	c.Set("Referrer-Policy", "same-origin")
	return c.Next()
}

// session loads (or starts) the visitor's session and ensures it has a CSRF token; the token
// lives as long as the session (CONTRACT.md).
func (s *Server) session(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	tok, _ := sess.Get(sessCSRF).(string)
	if tok == "" {
		tok = randomID()
		sess.Set(sessCSRF, tok)
		if err := sess.Save(); err != nil {
			return err
		}
		// Save releases the session to the pool; load it again for the handler.
		if sess, err = s.sessions.Get(c); err != nil {
			return err
		}
	}
	c.Locals("session", sess)
	c.Locals("csrf", tok)
	return c.Next()
}

func sessionOf(c *fiber.Ctx) *session.Session {
	sess, _ := c.Locals("session").(*session.Session)
	return sess
}

func csrfOf(c *fiber.Ctx) string {
	tok, _ := c.Locals("csrf").(string)
	return tok
}

// csrf refuses a state-changing request without the session's token, from the X-CSRF-Token
// header (htmx) or the _csrf form field (plain forms).
func (s *Server) csrf(c *fiber.Ctx) error {
	switch c.Method() {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return c.Next()
	}
	want := csrfOf(c)
	got := c.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("_csrf")
	}
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return errStatus(http.StatusForbidden, "Sesja wygasła lub formularz jest nieaktualny. Odśwież stronę i spróbuj ponownie.")
	}
	return c.Next()
}

// bodyLimit caps request bodies at 1 MB; the app-wide limit (10 MB) is for photo uploads.
func bodyLimit(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if isPhotoUpload(c) { // the reward form's photo: up to the app-wide 10 MB (CONTRACT.md)
			return c.Next()
		}
		if len(c.Body()) > limit || c.Request().Header.ContentLength() > limit {
			return errStatus(http.StatusRequestEntityTooLarge, "Przesłane dane są zbyt duże.")
		}
		return c.Next()
	}
}

// private marks answers behind the login: never cached (personal data, and a cached bare
// partial must never stand in for the page on Back), and varying with HX-Request.
func private(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Vary("HX-Request")
	return c.Next()
}

// requireStaff lets logged-in, active staff through; others go to the login page (303), or
// get 401 with HX-Redirect when htmx asked.
func (s *Server) requireStaff(c *fiber.Ctx) error {
	sess := sessionOf(c)
	id, _ := sess.Get(sessStaff).(int64)
	if id != 0 {
		u, err := s.store.StaffByID(c.UserContext(), id)
		if err == nil && u.Active {
			c.Locals("staff", u)
			return c.Next()
		}
	}
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", "/login")
		return c.Status(http.StatusUnauthorized).SendString("Zaloguj się ponownie.")
	}
	next := c.OriginalURL()
	if c.Method() != http.MethodGet || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/customers"
	}
	return c.Redirect("/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// requireAdmin lets only admins through.
func requireAdmin(c *fiber.Ctx) error {
	if u := staffOf(c); u == nil || u.Role != store.RoleAdmin {
		return errStatus(http.StatusForbidden, "Ta strona jest dostępna tylko dla administratora.")
	}
	return c.Next()
}

func staffOf(c *fiber.Ctx) *store.Staff {
	u, _ := c.Locals("staff").(*store.Staff)
	return u
}

// staffID is the logged-in staff member's id, for "who did it" columns.
func staffID(c *fiber.Ctx) *int64 {
	if u := staffOf(c); u != nil {
		id := u.ID
		return &id
	}
	return nil
}

// cleanInput refuses query and form values that no database column can hold: NUL bytes and
// invalid UTF-8 (PostgreSQL rejects both; SQLite would store a truncated string). A 400 with a
// message, rather than a 500 from deep in the store.
func cleanInput(c *fiber.Ctx) error {
	bad := false
	check := func(_, v []byte) {
		if !bad && (bytes.IndexByte(v, 0) >= 0 || !utf8.Valid(v)) {
			bad = true
		}
	}
	c.Request().URI().QueryArgs().VisitAll(check)
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEApplicationForm) {
		c.Request().PostArgs().VisitAll(check)
	}
	if bad || !utf8.ValidString(c.Path()) || strings.IndexByte(c.Path(), 0) >= 0 {
		return errStatus(http.StatusBadRequest, "Dane zawierają niedozwolone znaki.")
	}
	return c.Next()
}
