package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/store"
)

// internalSave puts a message on the customer's own page (/p/m/{token}) at once, unread: the
// refreshed tab, or 422 with the form.
func (s *Server) internalSave(c *fiber.Ctx) error {
	f := messageForm{Subject: c.FormValue("subject"), Body: formText(c, "body")}
	cust, err := s.store.CustomerByNumber(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	d := messaging.Draft{Channel: store.ChannelInternal, Customer: cust, Subject: f.Subject, Body: f.Body, StaffID: staffID(c)}
	return s.scheduleMessage(c, "internal", d, f, "")
}
