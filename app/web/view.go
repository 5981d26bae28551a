package web

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/gofiber/fiber/v2"
)

// Base is what every page needs: the CSRF token, the staff member, the flash message.
type Base struct {
	Title   string
	CSRF    string
	Staff   string
	IsAdmin bool
	Flash   string
	Nav     string // which top-bar item is current
}

// base fills Base for the request (the one view builder).
func (s *Server) base(c *fiber.Ctx, title string) Base {
	b := Base{Title: title, CSRF: csrfOf(c)}
	if u := staffOf(c); u != nil {
		b.Staff = u.Name
		if b.Staff == "" {
			b.Staff = u.Login
		}
		b.IsAdmin = u.Role == "admin"
	}
	if sess := sessionOf(c); sess != nil {
		if f, ok := sess.Get(sessFlash).(string); ok && f != "" {
			b.Flash = f
			sess.Delete(sessFlash)
			_ = sess.Save()
		}
	}
	return b
}

// flash leaves a one-time message for the next page.
func flash(c *fiber.Ctx, msg string) {
	if sess := sessionOf(c); sess != nil {
		sess.Set(sessFlash, msg)
		_ = sess.Save()
	}
}

// page renders a full page in the main layout.
func page(c *fiber.Ctx, status int, name string, data any) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Render(name, data, "layouts/main")
}

// partial renders a fragment with no layout (what htmx swaps in).
func partial(c *fiber.Ctx, status int, name string, data any) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Render(name, data)
}

// renderHTML renders a template to a string, to be placed inside a page: the card embeds the
// same tab fragment htmx swaps, so the two cannot drift.
func (s *Server) renderHTML(name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := s.engine.Render(&buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil //nolint:gosec // our own template output
}

// seeOther answers a plain form post with POST/redirect/GET.
func seeOther(c *fiber.Ctx, to string) error { return c.Redirect(to, http.StatusSeeOther) }

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		// field is the error message for a form field, "" when it is fine.
		"field": func(errs map[string]string, name string) string { return errs[name] },
		"invalid": func(errs map[string]string, name string) string {
			if errs[name] != "" {
				return "true"
			}
			return ""
		},
	}
}
