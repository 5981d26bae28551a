package web

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/loyalty/backoffice/app/store"
)

// messageRow serves one history row of the e-mail or SMS tab: a row that is scheduled or
// sending asks for itself every 2 s (hx-trigger="every 2s", swapped outerHTML) and stops once
// the answer no longer carries the trigger, i.e. the status is final. A row deleted meanwhile
// answers empty, which removes it.
func (s *Server) messageRow(tab string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cust, id, err := s.messageParams(c)
		if err != nil {
			return err
		}
		r, err := s.store.MessageRowByID(c.UserContext(), cust.ID, tabChannels[tab], id)
		if errors.Is(err, store.ErrNotFound) {
			return messageNotFound(err)
		}
		if err != nil {
			return err
		}
		if r.Status == store.MessageDeleted {
			return c.Status(http.StatusOK).SendString("")
		}
		name := "partials/email_row"
		if tab == "sms" {
			name = "partials/sms_row"
		}
		return partial(c, http.StatusOK, name, s.messageRowView(cust, tab, *r, csrfOf(c)))
	}
}
