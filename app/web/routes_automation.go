package web

import "github.com/gofiber/fiber/v2"

// automationRoutes registers the scenarios: the manual trigger on the card (admins; the handler
// checks) and the scenario administration.
func (s *Server) automationRoutes(staff, admin fiber.Router) {
	admin.Get("/customers/:number/scenarios/trigger", s.scenarioTriggerForm)
	admin.Post("/customers/:number/scenarios", s.scenarioTrigger)
	admin.Get("/scenarios", s.scenarioList)
	admin.Post("/scenarios", s.scenarioCreate)
	admin.Get("/scenarios/:id", s.scenarioEdit)
	admin.Post("/scenarios/:id", s.scenarioUpdate)
}
