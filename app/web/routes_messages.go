package web

import "github.com/gofiber/fiber/v2"

// messageRoutes registers the e-mail, SMS and internal-message actions of the card (staff).
func (s *Server) messageRoutes(staff fiber.Router) {}

// publicRoutes registers the pages reached without a staff login, before the session and CSRF
// middleware: the customer's message page and the SMS providers' delivery callbacks. Each
// checks its own secret (the customer's link token, the provider's signature).
func (s *Server) publicRoutes(public fiber.Router) {}
