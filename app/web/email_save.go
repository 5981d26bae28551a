package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/store"
)

// emailSave schedules an e-mail to the customer (subject, body as safe HTML, send_at typed in
// the display zone; empty or past = now): the refreshed e-mail tab, or 422 with the form.
func (s *Server) emailSave(c *fiber.Ctx) error {
	f := messageForm{Subject: c.FormValue("subject"), Body: formText(c, "body"), SendAt: c.FormValue("send_at")}
	cust, err := s.store.CustomerByNumber(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	at, problem := messaging.ParseSendAt(f.SendAt, s.cfg.Location)
	d := messaging.Draft{Channel: store.ChannelEmail, Customer: cust, Subject: f.Subject, Body: f.Body, SendAt: at, StaffID: staffID(c)}
	return s.scheduleMessage(c, "emails", d, f, problem)
}
