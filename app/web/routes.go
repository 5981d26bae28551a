package web

import (
	"io/fs"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes is the site map: every route of the web process.
func (s *Server) routes(assets fs.FS) {
	app := s.App
	app.Use(recover.New())
	app.Use(secureHeaders, cleanInput)

	app.Use("/static", filesystem.New(filesystem.Config{Root: staticFS(assets), MaxAge: int((24 * time.Hour).Seconds())}))
	app.Get("/healthz", s.healthz)

	// Routes reached without a staff session (customer message page, provider callbacks): no
	// session, no CSRF; each checks its own secret.
	s.publicRoutes(app.Group("/p", bodyLimit(maxBody)))

	app.Use(s.session, bodyLimit(maxBody), s.csrf) // session first: even a 413 page carries the CSRF token
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/customers", fiber.StatusSeeOther) })
	app.Get("/login", s.loginForm)
	app.Post("/login", s.loginSubmit)

	staff := app.Group("", private, s.requireStaff)
	staff.Post("/logout", s.logout)

	staff.Get("/customers", s.customerList)
	staff.Get("/customers/new", s.customerNew)
	staff.Post("/customers", s.customerCreate)
	staff.Get("/customers/:number/edit", s.customerEdit)
	staff.Post("/customers/:number/edit", s.customerUpdate)
	staff.Post("/customers/:number/points", s.pointsSave)
	staff.Get("/customers/:number/points/preview", s.pointsPreview)
	staff.Get("/customers/:number/points.csv", s.pointsExport)
	staff.Post("/customers/:number/points/:id/cancel", s.pointsCancel)
	staff.Post("/customers/:number/rewards/:id/status", s.rewardStatus)
	staff.Get("/customers/:number", s.customerShow)
	staff.Get("/customers/:number/:tab", s.customerShow)

	s.photoRoutes(staff)
	s.messageRoutes(staff)

	admin := staff.Group("", requireAdmin)
	s.automationRoutes(staff, admin)
	s.adminRoutes(admin)
}
