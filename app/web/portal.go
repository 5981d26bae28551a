package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/store"
)

// The customer's own message page: /p/m/{token} lists their internal messages, /p/m/{token}/{id}
// shows one and records the first reading. The 256-bit token in the link is the only key (no
// login); reading is a GET and idempotent (read_at is set once).

type portalItem struct {
	Subject, Date, URL string
	Unread             bool
}

type portalListView struct {
	Title, Greeting string
	Items           []portalItem
}

type portalMessageView struct {
	Title, Greeting, Subject, Date, BackURL string
	Body                                    template.HTML
}

// portalHeaders: personal data behind a secret link, so never cached, never indexed, never
// leaked in a Referer, and no script or framing allowed.
func portalHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	return c.Next()
}

// portalCustomer resolves the link's token; anything that is not a customer's token is 404.
func (s *Server) portalCustomer(c *fiber.Ctx) (*store.Customer, error) {
	tok := c.Params("token")
	if len(tok) < 32 || len(tok) > 128 {
		return nil, errStatus(http.StatusNotFound, "Ten link jest nieprawidłowy lub wygasł.")
	}
	cust, err := s.store.CustomerByPortalToken(c.UserContext(), tok)
	if err != nil {
		return nil, errStatus(http.StatusNotFound, "Ten link jest nieprawidłowy lub wygasł.")
	}
	return cust, nil
}

func greeting(c *store.Customer) string {
	if c.FirstName == "" {
		return "Dzień dobry!"
	}
	return "Dzień dobry, " + c.FirstName + "!"
}

// portalList lists the customer's internal messages, newest first.
func (s *Server) portalList(c *fiber.Ctx) error {
	cust, err := s.portalCustomer(c)
	if err != nil {
		return err
	}
	ms, err := s.store.InternalMessages(c.UserContext(), cust.ID, 200)
	if err != nil {
		return err
	}
	v := portalListView{Title: "Twoje wiadomości", Greeting: greeting(cust)}
	for _, m := range ms {
		v.Items = append(v.Items, portalItem{Subject: m.Subject, Date: s.clock.DateTimePtr(m.SentAt),
			URL: "/p/m/" + cust.PortalToken + "/" + strconv.FormatInt(m.ID, 10), Unread: m.ReadAt == nil})
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Render("pages/portal", v, "layouts/portal")
}

// portalMessage shows one message and marks it read the first time it is opened.
func (s *Server) portalMessage(c *fiber.Ctx) error {
	cust, err := s.portalCustomer(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return errStatus(http.StatusNotFound, "Nie ma takiej wiadomości.")
	}
	m, err := s.messages.MarkRead(c.UserContext(), cust.ID, id)
	if err != nil {
		return messageNotFound(err)
	}
	v := portalMessageView{Title: m.Subject, Greeting: greeting(cust), Subject: m.Subject, Date: s.clock.DateTimePtr(m.SentAt),
		BackURL: "/p/m/" + cust.PortalToken,
		// SafeHTML is bluemonday's UGC policy: made for putting user-written HTML into a page.
		Body: template.HTML(messaging.SafeHTML(m.Body))} //nolint:gosec // sanitised above
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Render("pages/portal_message", v, "layouts/portal")
}
