package web

import (
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/channel/sms"
)

// smsapiCallback takes SMSAPI's delivery reports (GET with query parameters, possibly several
// reports in one request) and answers "OK", without which SMSAPI calls again.
func (s *Server) smsapiCallback(c *fiber.Ctx) error {
	q := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	reports, err := sms.ParseSMSAPICallback(q)
	if err != nil {
		return errStatus(http.StatusBadRequest, "Nieprawidłowy raport doręczenia.")
	}
	for _, r := range reports {
		if err := s.messages.ApplyDelivery(c.UserContext(), r); err != nil {
			return err // 500: SMSAPI repeats the report later
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString("OK")
}

// twilioCallback takes a Twilio StatusCallback. The X-Twilio-Signature is checked against the
// URL Twilio called, i.e. BASE_URL plus the path and query: 403 when it does not match.
func (s *Server) twilioCallback(c *fiber.Ctx) error {
	form := url.Values{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { form.Add(string(k), string(v)) })
	if !sms.VerifyTwilioSignature(s.cfg.SMS.TwilioToken, s.cfg.BaseURL+c.OriginalURL(), form, c.Get("X-Twilio-Signature")) {
		return errStatus(http.StatusForbidden, "Nieprawidłowy podpis.")
	}
	if err := s.messages.ApplyDelivery(c.UserContext(), sms.ParseTwilioCallback(form)); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
