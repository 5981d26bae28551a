package web

import "github.com/gofiber/fiber/v2"

// adminRoutes registers the administration pages (role admin): settings, groups, the reward
// catalogue, locations, staff. The reward photos themselves are served to all staff
// (photoRoutes).
func (s *Server) adminRoutes(admin fiber.Router) {
	admin.Get("/settings", s.settingsShow)
	admin.Post("/settings", s.settingsSave)

	admin.Get("/groups", s.groupList)
	admin.Post("/groups", s.groupCreate)
	admin.Get("/groups/:id", s.groupEdit)
	admin.Post("/groups/:id", s.groupUpdate)

	// Multipart posts here may carry up to 10 MB (a photo); see isPhotoUpload.
	admin.Get("/rewards", s.rewardAdminList)
	admin.Post("/rewards", s.rewardAdminCreate)
	admin.Get("/rewards/:id", s.rewardAdminEdit)
	admin.Post("/rewards/:id", s.rewardAdminUpdate)

	admin.Get("/locations", s.locationList)
	admin.Post("/locations", s.locationCreate)

	admin.Get("/staff", s.staffList)
	admin.Post("/staff", s.staffCreate)
}
