package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/messaging"
	"github.com/loyalty/backoffice/app/store"
)

// smsSave sends or schedules an SMS to the customer's phone (body at most 10 parts, send_at
// as for e-mail): the refreshed SMS tab, or 422 with the form.
func (s *Server) smsSave(c *fiber.Ctx) error {
	f := messageForm{Body: formText(c, "body"), SendAt: c.FormValue("send_at")}
	cust, err := s.store.CustomerByNumber(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	at, problem := messaging.ParseSendAt(f.SendAt, s.cfg.Location)
	d := messaging.Draft{Channel: store.ChannelSMS, Customer: cust, Body: f.Body, SendAt: at, StaffID: staffID(c)}
	return s.scheduleMessage(c, "sms", d, f, problem)
}
