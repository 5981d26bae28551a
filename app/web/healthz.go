package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers "ok" when the database and Redis both answer (CONTRACT.md), 503 otherwise.
func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("health: database", "err", err)
		return c.Status(http.StatusServiceUnavailable).SendString("database unavailable")
	}
	if err := s.redis.Ping(ctx).Err(); err != nil {
		s.log.Warn("health: redis", "err", err)
		return c.Status(http.StatusServiceUnavailable).SendString("redis unavailable")
	}
	return c.SendString("ok")
}
