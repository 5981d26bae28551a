package web

import "github.com/gofiber/fiber/v2"

// messageRoutes registers the e-mail, SMS and internal-message actions of the card (staff).
func (s *Server) messageRoutes(staff fiber.Router) {
	staff.Post("/customers/:number/emails", s.emailSave)
	staff.Get("/customers/:number/emails/:id", s.messagePreview("emails"))
	staff.Get("/customers/:number/emails/:id/row", s.messageRow("emails"))
	staff.Post("/customers/:number/emails/:id/resend", s.emailResend)
	staff.Delete("/customers/:number/emails/:id", s.emailDelete)

	staff.Post("/customers/:number/sms", s.smsSave)
	staff.Get("/customers/:number/sms/:id/row", s.messageRow("sms"))

	staff.Post("/customers/:number/internal", s.internalSave)
	staff.Get("/customers/:number/internal/:id", s.messagePreview("internal"))
}

// publicRoutes registers the pages reached without a staff login, before the session and CSRF
// middleware: the customer's message page and the SMS providers' delivery callbacks. Each
// checks its own secret (the customer's link token, the provider's signature).
func (s *Server) publicRoutes(public fiber.Router) {
	portal := public.Group("/m", portalHeaders)
	portal.Get("/:token", s.portalList)
	portal.Get("/:token/:id", s.portalMessage)

	public.Get("/sms/smsapi", s.smsapiCallback)
	public.Post("/sms/twilio", s.twilioCallback)
}
